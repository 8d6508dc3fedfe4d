// crmkit/churn/group_forecast.hpp on CDNOW (39 weeks calibration, 39 weeks hold-out as in
// Fader, Hardie & Lee 2005): grouping by calibration frequency agrees with validate_holdout's
// buckets; each group's interval is delta_method_total_interval on its rows; the groups sum
// to the total; revenue and its interval against direct computations; row order and thread
// count do not change a bit; bad input is a crmkit::error.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "churn_test_util.hpp"
#include "crmkit/churn/group_forecast.hpp"
#include "crmkit/churn/intervals.hpp"
#include "crmkit/churn/validation.hpp"
#include "crmkit/error.hpp"
#include "crmkit/scoring/score_customers.hpp"

namespace {

struct fitted {
  crmkit::btyd_summary s;
  std::unique_ptr<crmkit::btyd_model> bg;
  crmkit::gamma_gamma gg;
  std::vector<double> revenue;  // hold-out revenue per summary row
};

const fitted& cdnow() {
  static const fitted f = [] {
    fitted r;
    r.s = churn_test::cdnow_summary();
    r.bg = crmkit::make_btyd_model("bg_nbd");
    REQUIRE(r.bg->fit(r.s).converged());
    REQUIRE(r.gg.fit(r.s.frequency, r.s.monetary_value).converged());
    crmkit::btyd_summary_options o;
    o.calibration_end = crmkit::unix_seconds(1997, 9, 30);
    o.holdout_end = crmkit::unix_seconds(1998, 6, 30);
    r.revenue = crmkit::summarize_holdout_revenue(churn_test::cdnow_sample().transactions(), r.s, o);
    return r;
  }();
  return f;
}

std::vector<std::int64_t> frequency_keys(const crmkit::btyd_summary& s, double cap) {
  std::vector<std::int64_t> k(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) k[i] = static_cast<std::int64_t>(std::min(s.frequency[i], cap));
  return k;
}

template <class T>
std::vector<T> pick(const std::vector<T>& v, const std::vector<std::size_t>& rows) {
  std::vector<T> out;
  for (auto i : rows) out.push_back(v[i]);
  return out;
}

bool same(const crmkit::interval& a, const crmkit::interval& b) {
  auto eq = [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); };
  return eq(a.estimate, b.estimate) && eq(a.standard_error, b.standard_error) && eq(a.lower, b.lower) &&
         eq(a.upper, b.upper);
}

bool same(const crmkit::group_forecast& a, const crmkit::group_forecast& b) {
  if (a.groups.size() != b.groups.size()) return false;
  auto row_eq = [](const crmkit::group_forecast_row& x, const crmkit::group_forecast_row& y) {
    auto eq = [](double u, double v) { return u == v || (std::isnan(u) && std::isnan(v)); };
    return x.key == y.key && x.label == y.label && x.customers == y.customers && same(x.purchases, y.purchases) &&
           same(x.revenue, y.revenue) && eq(x.purchases_accuracy.actual, y.purchases_accuracy.actual) &&
           eq(x.revenue_accuracy.actual, y.revenue_accuracy.actual) &&
           x.purchases_accuracy.in_interval == y.purchases_accuracy.in_interval;
  };
  for (std::size_t g = 0; g < a.groups.size(); ++g)
    if (!row_eq(a.groups[g], b.groups[g])) return false;
  return row_eq(a.total, b.total) && a.purchases_wape == b.purchases_wape && a.revenue_wape == b.revenue_wape;
}

}  // namespace

TEST_CASE("group forecast: calibration-frequency groups agree with validate_holdout's buckets") {
  const auto& f = cdnow();
  const auto& s = f.s;
  const std::size_t n = s.size();
  crmkit::group_forecast_options o;
  o.horizon = s.duration_holdout;
  REQUIRE(o.horizon == doctest::Approx(39.0));
  const auto keys = frequency_keys(s, 7);
  const auto r = crmkit::forecast_by_group(*f.bg, &f.gg, keys, s.frequency, s.recency, s.T, s.monetary_value, o,
                                           s.frequency_holdout, f.revenue);
  std::vector<double> expected(n);
  f.bg->conditional_expected_number_of_purchases_up_to_time(s.duration_holdout, s.frequency, s.recency, s.T,
                                                            expected);
  const auto check = crmkit::validate_holdout(s.frequency, expected, s.frequency_holdout);
  REQUIRE(r.groups.size() == check.by_frequency.size());
  for (std::size_t g = 0; g < r.groups.size(); ++g) {
    const auto& b = check.by_frequency[g];
    const auto& row = r.groups[g];
    CHECK(row.key == static_cast<std::int64_t>(g));
    CHECK(row.label == std::to_string(g));
    CHECK(row.customers == b.customers);
    const auto c = static_cast<double>(b.customers);
    CHECK(row.purchases.estimate == doctest::Approx(b.predicted_mean * c).epsilon(1e-12));
    CHECK(row.purchases_accuracy.actual == doctest::Approx(b.actual_mean * c).epsilon(1e-12));
    CHECK(row.purchases_accuracy.error == doctest::Approx(row.purchases.estimate - row.purchases_accuracy.actual));
  }
  CHECK(r.total.customers == n);
  CHECK(r.total.purchases.estimate == doctest::Approx(check.predicted_total).epsilon(1e-13));
  CHECK(r.total.purchases_accuracy.actual == check.actual_total);
  MESSAGE("CDNOW hold-out by calibration frequency: WAPE purchases " << r.purchases_wape << ", revenue "
                                                                     << r.revenue_wape);
  CHECK(r.purchases_wape > 0);
  CHECK(r.purchases_wape < 0.5);
}

TEST_CASE("group forecast: each group's interval is delta_method_total_interval on its rows; groups sum to the total") {
  const auto& f = cdnow();
  const auto& s = f.s;
  crmkit::group_forecast_options o;
  o.horizon = 39;
  o.level = 0.8;
  const auto keys = frequency_keys(s, 3);
  const auto r = crmkit::forecast_by_group(*f.bg, &f.gg, keys, s.frequency, s.recency, s.T, s.monetary_value, o);
  crmkit::interval_options io;
  io.level = 0.8;
  double sum_p = 0, sum_r = 0;
  std::size_t sum_c = 0;
  for (const auto& g : r.groups) {
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < s.size(); ++i)
      if (keys[i] == g.key) rows.push_back(i);
    const auto x = pick(s.frequency, rows), tx = pick(s.recency, rows), T = pick(s.T, rows),
               m = pick(s.monetary_value, rows);
    const auto ref = crmkit::delta_method_total_interval(*f.bg, crmkit::btyd_prediction::expected_purchases, 39, x,
                                                         tx, T, io);
    CHECK(g.purchases.estimate == doctest::Approx(ref.estimate).epsilon(1e-12));
    CHECK(g.purchases.standard_error == doctest::Approx(ref.standard_error).epsilon(1e-10));
    CHECK(g.purchases.lower == doctest::Approx(ref.lower).epsilon(1e-10));
    CHECK(g.purchases.upper == doctest::Approx(ref.upper).epsilon(1e-10));
    CHECK(g.purchases.standard_error > 0);
    // revenue: sum of E[Y] E[Z], directly
    std::vector<double> ey(rows.size()), ez(rows.size());
    f.bg->conditional_expected_number_of_purchases_up_to_time(39, x, tx, T, ey);
    f.gg.conditional_expected_spend(x, m, ez);
    double rev = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) rev += ey[i] * ez[i];
    CHECK(g.revenue.estimate == doctest::Approx(rev).epsilon(1e-12));
    sum_p += g.purchases.estimate;
    sum_r += g.revenue.estimate;
    sum_c += g.customers;
  }
  CHECK(sum_c == s.size());
  CHECK(sum_p == doctest::Approx(r.total.purchases.estimate).epsilon(1e-13));
  CHECK(sum_r == doctest::Approx(r.total.revenue.estimate).epsilon(1e-13));
  const auto all = crmkit::delta_method_total_interval(*f.bg, crmkit::btyd_prediction::expected_purchases, 39,
                                                       s.frequency, s.recency, s.T, io);
  CHECK(r.total.purchases.standard_error == doctest::Approx(all.standard_error).epsilon(1e-10));
  // without actuals every accuracy field is NaN / -1
  CHECK(std::isnan(r.groups[0].purchases_accuracy.actual));
  CHECK(r.groups[0].purchases_accuracy.in_interval == -1);
  CHECK(std::isnan(r.purchases_wape));
}

TEST_CASE("group forecast: the revenue interval from both models' covariances, checked on totals") {
  const auto& f = cdnow();
  const auto& s = f.s;
  crmkit::group_forecast_options o;
  o.horizon = 52;
  const std::vector<std::int64_t> one(s.size(), 1);
  const auto r = crmkit::forecast_by_group(*f.bg, &f.gg, one, s.frequency, s.recency, s.T, s.monetary_value, o);
  REQUIRE(r.groups.size() == 1);
  // total revenue at given parameters, summed directly
  auto total = [&](const std::vector<double>& theta, const crmkit::gamma_gamma_params& phi) {
    auto m = f.bg->clone();
    m->set_params(theta);
    std::vector<double> ey(s.size()), ez(s.size());
    m->conditional_expected_number_of_purchases_up_to_time(52, s.frequency, s.recency, s.T, ey);
    crmkit::gamma_gamma(phi).conditional_expected_spend(s.frequency, s.monetary_value, ez);
    double sum = 0;
    for (std::size_t i = 0; i < s.size(); ++i) sum += ey[i] * ez[i];
    return sum;
  };
  const auto theta = f.bg->params();
  const auto phi = f.gg.params();
  const std::vector<double> phiv{phi.p, phi.q, phi.gamma};
  constexpr double h = 3e-5;  // another step than the library's
  std::vector<double> a(4), b(3);
  for (std::size_t j = 0; j < 4; ++j) {
    auto up = theta, down = theta;
    up[j] *= std::exp(h);
    down[j] *= std::exp(-h);
    a[j] = (total(up, phi) - total(down, phi)) / (2 * h);
  }
  for (std::size_t k = 0; k < 3; ++k) {
    auto up = phiv, down = phiv;
    up[k] *= std::exp(h);
    down[k] *= std::exp(-h);
    b[k] = (total(theta, {up[0], up[1], up[2]}) - total(theta, {down[0], down[1], down[2]})) / (2 * h);
  }
  double var = 0;
  const auto& ct = f.bg->report()->covariance;
  const auto& cp = f.gg.report()->covariance;
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j) var += a[i] * a[j] * ct[i * 4 + j] / (theta[i] * theta[j]);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) var += b[i] * b[j] * cp[i * 3 + j] / (phiv[i] * phiv[j]);
  CHECK(r.total.revenue.estimate == doctest::Approx(total(theta, phi)).epsilon(1e-12));
  CHECK(r.total.revenue.standard_error == doctest::Approx(std::sqrt(var)).epsilon(1e-6));
  const double z90 = 1.6448536269514722;
  CHECK(r.total.revenue.upper == doctest::Approx(r.total.revenue.estimate + z90 * std::sqrt(var)).epsilon(1e-6));
  // the spend model's uncertainty widens the interval beyond the purchase model's share
  double var_theta = 0;
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j) var_theta += a[i] * a[j] * ct[i * 4 + j] / (theta[i] * theta[j]);
  CHECK(r.total.revenue.standard_error > std::sqrt(var_theta) * (1 + 1e-6));
  // without a spend model: revenue is NaN
  const auto p = crmkit::forecast_by_group(*f.bg, nullptr, one, s.frequency, s.recency, s.T, {}, o);
  CHECK(std::isnan(p.total.revenue.estimate));
  CHECK(!p.has_revenue);
  CHECK(p.total.purchases.estimate == r.total.purchases.estimate);
  // intervals off: estimates unchanged, bounds NaN, and a model without covariance is accepted
  auto given = crmkit::make_btyd_model("bg_nbd");
  given->set_params(theta);
  o.intervals = false;
  const auto q = crmkit::forecast_by_group(*given, nullptr, one, s.frequency, s.recency, s.T, {}, o);
  CHECK(q.total.purchases.estimate == r.total.purchases.estimate);
  CHECK(std::isnan(q.total.purchases.lower));
}

TEST_CASE("group forecast: independent of row order and thread count") {
  const auto& f = cdnow();
  const auto& s = f.s;
  const std::size_t n = s.size();
  crmkit::group_forecast_options o;
  o.horizon = 39;
  std::vector<std::int64_t> keys(n);
  for (std::size_t i = 0; i < n; ++i)  // 5 groups and some customers without one
    keys[i] = i % 11 == 0 ? crmkit::missing_int64 : static_cast<std::int64_t>((i * 7919) % 5) * 10 - 20;
  const auto a = crmkit::forecast_by_group(*f.bg, &f.gg, keys, s.frequency, s.recency, s.T, s.monetary_value, o,
                                           s.frequency_holdout, f.revenue);
  REQUIRE(a.groups.size() == 6);
  CHECK(a.groups.front().key == -20);
  CHECK(a.groups[4].key == 20);
  CHECK(a.groups.back().missing);
  CHECK(a.groups.back().label.empty());
  CHECK(a.groups.back().customers == (n + 10) / 11);
  // reversed and shuffled rows
  std::vector<std::size_t> perm(n);
  std::iota(perm.begin(), perm.end(), std::size_t{0});
  for (std::size_t i = n - 1; i > 0; --i) std::swap(perm[i], perm[(i * 2654435761u) % (i + 1)]);
  const auto b = crmkit::forecast_by_group(*f.bg, &f.gg, pick(keys, perm), pick(s.frequency, perm),
                                           pick(s.recency, perm), pick(s.T, perm), pick(s.monetary_value, perm), o,
                                           pick(s.frequency_holdout, perm), pick(f.revenue, perm));
  CHECK(same(a, b));
  o.n_threads = 4;
  const auto c = crmkit::forecast_by_group(*f.bg, &f.gg, keys, s.frequency, s.recency, s.T, s.monetary_value, o,
                                           s.frequency_holdout, f.revenue);
  CHECK(same(a, c));
  // WAPE from the groups' errors
  double abs_err = 0, actual = 0;
  for (const auto& g : a.groups) {
    abs_err += std::abs(g.purchases_accuracy.error);
    actual += g.purchases_accuracy.actual;
    CHECK(g.purchases_accuracy.absolute_percentage_error ==
          doctest::Approx(std::abs(g.purchases_accuracy.error) / g.purchases_accuracy.actual));
    CHECK(g.purchases_accuracy.in_interval ==
          (g.purchases.lower <= g.purchases_accuracy.actual && g.purchases_accuracy.actual <= g.purchases.upper ? 1
                                                                                                                 : 0));
  }
  CHECK(a.purchases_wape == doctest::Approx(abs_err / actual).epsilon(1e-12));
}

TEST_CASE("group forecast: the hold-out entry point on the dataset and a customer-table column") {
  const auto data = churn_test::cdnow_sample();
  const auto cal = crmkit::unix_seconds(1997, 9, 30), hold = crmkit::unix_seconds(1998, 6, 30);
  const auto table = crmkit::score_customers(data, cal);  // groups known at the calibration end
  crmkit::holdout_forecast_options o;
  o.calibration_end = cal;
  o.holdout_end = hold;
  const auto r = crmkit::forecast_holdout_by_group(data, table, "abc", o);
  REQUIRE(r.groups.size() >= 3);
  CHECK(r.groups[0].label == "A");
  CHECK(r.groups[1].label == "B");
  CHECK(r.groups[2].label == "C");
  CHECK(r.has_revenue);
  CHECK(r.has_actual_purchases);
  CHECK(r.has_actual_revenue);
  // the same as the step-by-step path
  const auto& f = cdnow();
  crmkit::group_forecast_options go;
  go.horizon = f.s.duration_holdout;
  const auto step = crmkit::forecast_by_group(table, "abc", f.s, *f.bg, &f.gg, go, f.revenue);
  CHECK(same(r, step));
  // actual revenue: every hold-out amount of the customers who existed at calibration
  double direct = 0;
  const auto& log = data.transactions();
  std::vector<bool> existed(data.n_customers(), false);
  for (auto c : f.s.customer) existed[static_cast<std::size_t>(c)] = true;
  for (std::size_t i = 0; i < log.size(); ++i)
    if (log.time()[i] >= cal + 86400 - (cal % 86400) && log.time()[i] < hold + 86400 - (hold % 86400) &&
        existed[static_cast<std::size_t>(log.customer()[i])])
      direct += log.amount()[i];
  CHECK(r.total.revenue_accuracy.actual == doctest::Approx(direct).epsilon(1e-12));
  MESSAGE("CDNOW by ABC class: purchases WAPE " << r.purchases_wape << ", revenue WAPE " << r.revenue_wape);
  // an int64 column of the table (the k-means cluster) groups by value
  const auto byc = crmkit::forecast_holdout_by_group(data, table, "cluster", o, f.bg.get(), &f.gg);
  for (std::size_t g = 1; g < byc.groups.size(); ++g)
    if (!byc.groups[g].missing) CHECK(byc.groups[g - 1].key < byc.groups[g].key);
}

TEST_CASE("group forecast: bad input is a crmkit::error naming the problem") {
  const auto& f = cdnow();
  const auto& s = f.s;
  crmkit::group_forecast_options o;
  o.horizon = 39;
  const auto keys = frequency_keys(s, 7);
  auto code_of = [&](auto&& call) {
    try {
      call();
    } catch (const crmkit::error& e) {
      MESSAGE(std::string(e.what()));
      return e.code();
    }
    return crmkit::errc::ok;
  };
  const std::vector<std::int64_t> short_keys(keys.begin(), keys.end() - 1);
  CHECK(code_of([&] {
          (void)crmkit::forecast_by_group(*f.bg, &f.gg, short_keys, s.frequency, s.recency, s.T, s.monetary_value, o);
        }) == crmkit::errc::invalid_argument);
  auto bad_m = s.monetary_value;
  bad_m[5] = std::nan("");
  CHECK(code_of([&] {
          (void)crmkit::forecast_by_group(*f.bg, &f.gg, keys, s.frequency, s.recency, s.T, bad_m, o);
        }) == crmkit::errc::invalid_argument);
  auto bad_x = s.frequency;
  bad_x[3] = std::nan("");
  CHECK(code_of([&] { (void)crmkit::forecast_by_group(*f.bg, nullptr, keys, bad_x, s.recency, s.T, {}, o); }) ==
        crmkit::errc::invalid_argument);
  auto bad_actual = s.frequency_holdout;
  bad_actual[0] = -1;
  CHECK(code_of([&] {
          (void)crmkit::forecast_by_group(*f.bg, nullptr, keys, s.frequency, s.recency, s.T, {}, o, bad_actual);
        }) == crmkit::errc::invalid_argument);
  CHECK(code_of([&] {
          (void)crmkit::forecast_by_group(*f.bg, nullptr, keys, s.frequency, s.recency, s.T, {}, o, {}, f.revenue);
        }) == crmkit::errc::invalid_argument);
  auto zero = o;
  zero.horizon = 0;
  CHECK(code_of([&] { (void)crmkit::forecast_by_group(*f.bg, nullptr, keys, s.frequency, s.recency, s.T, {}, zero); }) ==
        crmkit::errc::invalid_argument);
  auto lvl = o;
  lvl.level = 1;
  CHECK(code_of([&] { (void)crmkit::forecast_by_group(*f.bg, nullptr, keys, s.frequency, s.recency, s.T, {}, lvl); }) ==
        crmkit::errc::invalid_argument);
  auto unfitted = crmkit::make_btyd_model("bg_nbd");
  CHECK(code_of([&] {
          (void)crmkit::forecast_by_group(*unfitted, nullptr, keys, s.frequency, s.recency, s.T, {}, o);
        }) == crmkit::errc::not_fitted);
  auto given = crmkit::make_btyd_model("bg_nbd");
  given->set_params(f.bg->params());  // no covariance
  CHECK(code_of([&] { (void)crmkit::forecast_by_group(*given, nullptr, keys, s.frequency, s.recency, s.T, {}, o); }) ==
        crmkit::errc::invalid_argument);
  CHECK(code_of([&] { (void)crmkit::forecast_by_group(*f.bg, nullptr, {}, {}, {}, {}, {}, o); }) ==
        crmkit::errc::invalid_argument);

  const auto data = churn_test::cdnow_sample();
  const auto cal = crmkit::unix_seconds(1997, 9, 30);
  const auto table = crmkit::score_customers(data, cal);
  crmkit::holdout_forecast_options h;
  h.calibration_end = cal;
  h.holdout_end = crmkit::unix_seconds(1998, 6, 30);
  CHECK(code_of([&] { (void)crmkit::forecast_holdout_by_group(data, table, "no_such_column", h); }) ==
        crmkit::errc::not_found);
  CHECK(code_of([&] { (void)crmkit::forecast_holdout_by_group(data, table, "p_alive", h, f.bg.get(), &f.gg); }) ==
        crmkit::errc::invalid_argument);  // float64 with fractions
  CHECK(code_of([&] { (void)crmkit::forecast_holdout_by_group(data, table, "first_purchase", h, f.bg.get()); }) ==
        crmkit::errc::invalid_argument);  // a time column
  auto before = h;
  before.holdout_end = crmkit::unix_seconds(1997, 6, 30);
  CHECK(code_of([&] { (void)crmkit::forecast_holdout_by_group(data, table, "abc", before); }) ==
        crmkit::errc::invalid_argument);
  const auto other = crmkit::customer_table::with_index_ids(3);
  CHECK(code_of([&] { (void)crmkit::forecast_holdout_by_group(data, other, "abc", h); }) ==
        crmkit::errc::invalid_argument);
  auto bb = h;
  bb.model = crmkit::btyd_kind::bg_bb;
  CHECK(code_of([&] { (void)crmkit::forecast_holdout_by_group(data, table, "abc", bb); }) != crmkit::errc::ok);
}
