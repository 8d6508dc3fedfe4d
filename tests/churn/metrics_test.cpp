// Churn evaluation metrics (crmkit/churn/metrics.hpp) against hand-computed values and
// brute-force definitions (all pairs for the AUC, all thresholds for KS), and Platt scaling
// against its closed form on a two-valued score. scikit-learn/scipy agreement is checked in
// tests/python/test_logistic.py.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "crmkit/churn/metrics.hpp"
#include "crmkit/error.hpp"

namespace {

std::uint64_t splitmix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
double uniform(std::uint64_t& s) { return static_cast<double>(splitmix(s) >> 11) * 0x1.0p-53; }

// Random labels and heavily tied scores (one decimal), a score correlated with the label.
void tied_data(std::size_t n, std::uint64_t seed, std::vector<double>& y, std::vector<double>& s,
               std::vector<double>& w) {
  y.resize(n);
  s.resize(n);
  w.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = uniform(seed) < 0.3 ? 1.0 : 0.0;
    s[i] = std::round((uniform(seed) + 0.3 * y[i]) * 10.0) / 10.0;
    w[i] = 0.5 + 2.0 * uniform(seed);
  }
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const crmkit::error& e) {
    CHECK(e.code() == crmkit::errc::invalid_argument);
    return e.what();
  }
  FAIL("no crmkit::error thrown");
  return {};
}

}  // namespace

TEST_CASE("roc_auc: hand-computed cases, ties count one half") {
  CHECK(crmkit::roc_auc(std::vector<double>{0, 0, 1, 1}, std::vector<double>{0.1, 0.4, 0.35, 0.8}) == 0.75);
  CHECK(crmkit::roc_auc(std::vector<double>{0, 1, 0, 1}, std::vector<double>{0.5, 0.5, 0.5, 0.5}) == 0.5);
  CHECK(crmkit::roc_auc(std::vector<double>{0, 0, 1}, std::vector<double>{1, 2, 3}) == 1.0);
  CHECK(crmkit::roc_auc(std::vector<double>{1, 0, 0}, std::vector<double>{1, 2, 3}) == 0.0);
  // one positive tied with one of two negatives: (1 + 0.5) / 2
  CHECK(crmkit::roc_auc(std::vector<double>{0, 0, 1}, std::vector<double>{1, 2, 2}) == 0.75);
}

TEST_CASE("roc_auc: equals the all-pairs Mann-Whitney count, with and without weights") {
  std::vector<double> y, s, w;
  tied_data(600, 42, y, s, w);
  long double pairs = 0, wpairs = 0, np = 0, nn = 0, wp = 0, wn = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (y[i] == 1.0) {
      np += 1;
      wp += w[i];
    } else {
      nn += 1;
      wn += w[i];
    }
    if (y[i] != 1.0) continue;
    for (std::size_t j = 0; j < y.size(); ++j) {
      if (y[j] != 0.0) continue;
      const long double c = s[i] > s[j] ? 1.0L : (s[i] == s[j] ? 0.5L : 0.0L);
      pairs += c;
      wpairs += c * w[i] * w[j];
    }
  }
  CHECK(crmkit::roc_auc(y, s) == doctest::Approx(static_cast<double>(pairs / (np * nn))).epsilon(1e-13));
  CHECK(crmkit::roc_auc(y, s, w) == doctest::Approx(static_cast<double>(wpairs / (wp * wn))).epsilon(1e-13));
}

TEST_CASE("ks_statistic: equals the largest CDF gap over every threshold") {
  std::vector<double> y, s, w;
  tied_data(500, 7, y, s, w);
  for (bool weighted : {false, true}) {
    CAPTURE(weighted);
    double best = 0;
    for (double t : s) {
      double fp = 0, fn = 0, tp = 0, tn = 0;
      for (std::size_t i = 0; i < y.size(); ++i) {
        const double wi = weighted ? w[i] : 1.0;
        (y[i] == 1.0 ? tp : tn) += wi;
        if (s[i] <= t) (y[i] == 1.0 ? fp : fn) += wi;
      }
      best = std::max(best, std::abs(fp / tp - fn / tn));
    }
    CHECK(crmkit::ks_statistic(y, s, weighted ? std::span<const double>(w) : std::span<const double>()) ==
          doctest::Approx(best).epsilon(1e-13));
  }
  // fully separated scores: KS 1; identical distributions: 0
  CHECK(crmkit::ks_statistic(std::vector<double>{0, 0, 1, 1}, std::vector<double>{1, 2, 3, 4}) == 1.0);
  CHECK(crmkit::ks_statistic(std::vector<double>{0, 1, 0, 1}, std::vector<double>{1, 1, 2, 2}) == 0.0);
}

TEST_CASE("brier_score: hand-computed, weighted") {
  CHECK(crmkit::brier_score(std::vector<double>{1, 0}, std::vector<double>{0.8, 0.3}) ==
        doctest::Approx(0.065).epsilon(1e-15));
  CHECK(crmkit::brier_score(std::vector<double>{1, 0}, std::vector<double>{0.8, 0.3}, std::vector<double>{3, 1}) ==
        doctest::Approx((3 * 0.04 + 0.09) / 4).epsilon(1e-15));
  CHECK(crmkit::brier_score(std::vector<double>{1, 1}, std::vector<double>{1, 1}) == 0.0);
}

TEST_CASE("lift_table: deciles of a hand-made ranking") {
  // scores 20, 19, ..., 1; churners at scores 20, 19, 18, 17 and 1: base rate 5 / 20.
  std::vector<double> y(20, 0.0), s(20);
  for (std::size_t i = 0; i < 20; ++i) s[i] = 20.0 - static_cast<double>(i);
  for (std::size_t i : {0u, 1u, 2u, 3u, 19u}) y[i] = 1.0;
  const auto t = crmkit::lift_table(y, s);
  REQUIRE(t.size() == 10);
  CHECK(t[0].rows == 2);
  CHECK(t[0].max_score == 20.0);
  CHECK(t[0].min_score == 19.0);
  CHECK(t[0].positives == 2.0);
  CHECK(t[0].lift == 4.0);
  CHECK(t[1].lift == 4.0);
  CHECK(t[1].cumulative_gain == 0.8);
  CHECK(t[1].cumulative_lift == 4.0);
  for (std::size_t b = 2; b < 9; ++b) CHECK(t[b].lift == 0.0);
  CHECK(t[9].lift == 2.0);
  CHECK(t[9].cumulative_rows == 20);
  CHECK(t[9].cumulative_gain == 1.0);
  CHECK(t[9].cumulative_lift == 1.0);
  CHECK(crmkit::top_decile_lift(y, s) == 4.0);

  // 25 rows into 10 bins: bin b holds [floor(2.5 b), floor(2.5 (b + 1)))
  std::vector<double> y25(25, 0.0), s25(25);
  for (std::size_t i = 0; i < 25; ++i) s25[i] = static_cast<double>(i);
  y25[24] = 1.0;
  const auto t25 = crmkit::lift_table(y25, s25);
  const std::size_t sizes[] = {2, 3, 2, 3, 2, 3, 2, 3, 2, 3};
  for (std::size_t b = 0; b < 10; ++b) CHECK(t25[b].rows == sizes[b]);
  CHECK(t25[0].lift == doctest::Approx(12.5));
  // 4 bins (quartiles), ties split in row order
  const auto q = crmkit::lift_table(std::vector<double>{1, 0, 0, 1}, std::vector<double>{5, 5, 5, 5}, 4);
  CHECK(q[0].positives == 1.0);
  CHECK(q[1].positives == 0.0);
  CHECK(q[3].positives == 1.0);
}

TEST_CASE("platt_fit: reproduces the regularised group targets on a two-valued score") {
  // score 0: 40 rows, 10 churners; score 1: 60 rows, 45 churners. The two-parameter model is
  // saturated, so the optimum matches each group's mean target exactly.
  std::vector<double> s, y;
  for (int i = 0; i < 100; ++i) {
    s.push_back(i < 40 ? 0.0 : 1.0);
    y.push_back((i < 10 || (i >= 40 && i < 85)) ? 1.0 : 0.0);
  }
  const double n_pos = 55, n_neg = 45;
  const double tp = (n_pos + 1) / (n_pos + 2), tn = 1 / (n_neg + 2);
  const double m0 = (10 * tp + 30 * tn) / 40, m1 = (45 * tp + 15 * tn) / 60;
  const auto cal = crmkit::platt_fit(s, y);
  REQUIRE(cal.status == crmkit::fit_status::converged);
  CHECK(cal(0.0) == doctest::Approx(m0).epsilon(1e-12));
  CHECK(cal(1.0) == doctest::Approx(m1).epsilon(1e-12));
  CHECK(cal.b == doctest::Approx(std::log(1 / m0 - 1)).epsilon(1e-10));
  CHECK(cal.a + cal.b == doctest::Approx(std::log(1 / m1 - 1)).epsilon(1e-10));
  std::vector<double> out(2);
  cal.transform(std::vector<double>{0.0, 1.0}, out);
  CHECK(out[1] == cal(1.0));
  // weights: doubling every row of group 1 equals weight 2
  std::vector<double> w(100, 1.0);
  for (int i = 40; i < 100; ++i) w[static_cast<std::size_t>(i)] = 2.0;
  const auto cw = crmkit::platt_fit(s, y, w);
  const double wp = 10 + 90, wn = 30 + 30;
  const double tpw = (wp + 1) / (wp + 2), tnw = 1 / (wn + 2);
  CHECK(cw(0.0) == doctest::Approx((10 * tpw + 30 * tnw) / 40).epsilon(1e-12));
  CHECK(cw(1.0) == doctest::Approx((45 * tpw + 15 * tnw) / 60).epsilon(1e-12));
}

TEST_CASE("metrics: bad input is rejected with what, where and why") {
  const std::vector<double> y = {0, 1, 0, 1}, s = {0.1, 0.2, 0.3, 0.4};
  CHECK(error_of([&] { (void)crmkit::roc_auc(std::vector<double>{1, 1}, std::vector<double>{0.1, 0.2}); })
            .find("only class 1") != std::string::npos);
  CHECK(error_of([&] { (void)crmkit::ks_statistic(std::vector<double>{0, 0}, std::vector<double>{0.1, 0.2}); })
            .find("only class 0") != std::string::npos);
  CHECK(error_of([&] { (void)crmkit::roc_auc(y, std::vector<double>{0.1, std::nan(""), 0.3, 0.4}); })
            .find("row 1") != std::string::npos);
  CHECK(error_of([&] { (void)crmkit::roc_auc(std::vector<double>{0, 2, 0, 1}, s); }).find("row 1") !=
        std::string::npos);
  CHECK(error_of([&] { (void)crmkit::roc_auc(y, std::vector<double>{0.1}); }).find("4 labels but 1") !=
        std::string::npos);
  CHECK(error_of([&] { (void)crmkit::brier_score(y, std::vector<double>{0.1, 1.2, 0.3, 0.4}); })
            .find("[0, 1]") != std::string::npos);
  CHECK(error_of([&] { (void)crmkit::lift_table(y, s, 5); }).find("4 rows cannot fill 5 bins") != std::string::npos);
  CHECK(error_of([&] { (void)crmkit::lift_table(std::vector<double>{0, 0}, std::vector<double>{1, 2}, 2); })
            .find("no row has label 1") != std::string::npos);
  CHECK(error_of([&] { (void)crmkit::platt_fit(s, std::vector<double>{1, 1, 1, 1}); }).size() > 0);
  CHECK(error_of([&] { (void)crmkit::roc_auc(y, s, std::vector<double>{1, -1, 1, 1}); }).find("row 1") !=
        std::string::npos);
  CHECK(error_of([&] { (void)crmkit::roc_auc(std::vector<double>{}, std::vector<double>{}); }).find("no rows") !=
        std::string::npos);
}
