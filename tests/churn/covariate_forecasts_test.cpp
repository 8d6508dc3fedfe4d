// crmkit/churn/covariate_forecasts.hpp: without covariates the intervals, CLV and new-customer
// forecasts of the covariate models equal the plain models'; with covariates, coverage of the
// delta-method interval by simulation, results independent of row order and thread count,
// each customer's own model, and bad input errors.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "churn_test_util.hpp"
#include "crmkit/churn/clv_intervals.hpp"
#include "crmkit/churn/covariate_forecasts.hpp"
#include "crmkit/churn/new_customer.hpp"
#include "crmkit/error.hpp"
#include "crmkit/synth/random.hpp"

namespace {

namespace synth = crmkit::detail::synth;

struct cov_rows {
  std::vector<double> x, tx, T, m, z, w, s;
};

// BG/NBD with alpha_i = alpha0 exp(-g z_i), a_i = a0 exp(ga w_i), b_i = b0 exp(gb w_i):
// z ~ N(0, 1), w in {0, 1}; spend Gamma-Gamma with gamma_i = gamma0 exp(d s_i), s = z.
cov_rows simulate(std::size_t n, const double p[7], std::uint64_t seed) {
  cov_rows d;
  for (std::size_t i = 0; i < n; ++i) {
    synth::random_stream rng(seed, 11, i);
    const double z = rng.normal(), w = rng.uniform() < 0.5 ? 1.0 : 0.0;
    const auto c = churn_test::draw_bg_nbd_customer(rng, p[0], p[1] * std::exp(-p[4] * z), p[2] * std::exp(p[5] * w),
                                                    p[3] * std::exp(p[6] * w));
    const double x = c.x, tx = c.tx, T = c.T;
    d.x.push_back(x);
    d.tx.push_back(tx);
    d.T.push_back(T);
    d.m.push_back(churn_test::draw_mean_spend(rng, x, 6.0, 4.0, 15.0 * std::exp(0.3 * z)));
    d.z.push_back(z);
    d.w.push_back(w);
    d.s.push_back(z);
  }
  return d;
}

crmkit::clv_options weekly_clv() {
  crmkit::clv_options c;
  c.model_period_days = 7;
  return c;
}

}  // namespace

TEST_CASE("covariate forecasts: with no covariates they equal the plain models' (BG/NBD and Pareto/NBD)") {
  const auto s = churn_test::cdnow_summary();
  const std::size_t n = 300;
  const std::span<const double> x(s.frequency.data(), n), tx(s.recency.data(), n), T(s.T.data(), n),
      mv(s.monetary_value.data(), n);
  crmkit::gamma_gamma g;
  (void)g.fit(s.frequency, s.monetary_value);
  crmkit::gamma_gamma_covariates gc;
  (void)gc.fit(s.frequency, s.monetary_value, {}, 0);
  REQUIRE(gc.params()[0] == g.params().p);
  const double horizons[] = {13, 52};
  auto check_model = [&](const auto& cov, const crmkit::btyd_model& plain) {
    REQUIRE(cov.params() == plain.params());
    for (auto what : {crmkit::btyd_prediction::p_alive, crmkit::btyd_prediction::expected_purchases,
                      crmkit::btyd_prediction::p_no_purchase}) {
      CAPTURE(static_cast<int>(what));
      const auto a = crmkit::delta_method_intervals(cov, what, 39, x, tx, T, {}, {});
      const auto b = crmkit::delta_method_intervals(plain, what, 39, x, tx, T);
      for (std::size_t i = 0; i < n; i += 7) {
        CHECK(a.estimate[i] == doctest::Approx(b.estimate[i]).epsilon(1e-10));
        CHECK(a.standard_error[i] == doctest::Approx(b.standard_error[i]).epsilon(1e-6));
        CHECK(a.lower[i] == doctest::Approx(b.lower[i]).epsilon(1e-6));
      }
      const auto ta = crmkit::delta_method_total_interval(cov, what, 39, x, tx, T, {}, {});
      const auto tb = crmkit::delta_method_total_interval(plain, what, 39, x, tx, T);
      CHECK(ta.standard_error == doctest::Approx(tb.standard_error).epsilon(1e-6));
    }
    std::vector<double> c1(n), c2(n);
    crmkit::customer_lifetime_value(cov, gc, x, tx, T, mv, {}, {}, {}, c1, weekly_clv());
    crmkit::customer_lifetime_value(plain, g, x, tx, T, mv, c2, weekly_clv());
    for (std::size_t i = 0; i < n; i += 7) CHECK(c1[i] == doctest::Approx(c2[i]).epsilon(1e-10));
    const auto ca = crmkit::clv_total_interval(cov, gc, x, tx, T, mv, {}, {}, {}, weekly_clv());
    const auto cb = crmkit::clv_total_interval(plain, g, x, tx, T, mv, weekly_clv());
    CHECK(ca.estimate == doctest::Approx(cb.estimate).epsilon(1e-10));
    CHECK(ca.standard_error == doctest::Approx(cb.standard_error).epsilon(1e-6));
    const auto fa = crmkit::forecast_new_customer(cov, {}, {}, horizons, &gc, {});
    const auto fb = crmkit::forecast_new_customer(plain, horizons, &g);
    for (std::size_t h = 0; h < 2; ++h) {
      CHECK(fa.expected_purchases[h] == doctest::Approx(fb.expected_purchases[h]).epsilon(1e-10));
      CHECK(fa.expected_revenue[h] == doctest::Approx(fb.expected_revenue[h]).epsilon(1e-10));
    }
  };
  crmkit::bg_nbd_covariates bc;
  (void)bc.fit(s.frequency, s.recency, s.T, {}, 0, {}, 0);
  auto bp = crmkit::make_btyd_model("bg_nbd");
  (void)bp->fit(s);
  check_model(bc, *bp);
  crmkit::pareto_nbd_covariates pc;
  (void)pc.fit(s.frequency, s.recency, s.T, {}, 0, {}, 0);
  auto pp = crmkit::make_btyd_model("pareto_nbd");
  (void)pp->fit(s);
  check_model(pc, *pp);
}

TEST_CASE("covariate forecasts: each customer's own model; row order and threads do not matter; errors") {
  const double p[7] = {0.6, 5.0, 0.7, 2.5, 0.5, 0.4, -0.3};
  const auto d = simulate(1500, p, 1);
  crmkit::bg_nbd_covariates m;
  REQUIRE(m.fit(d.x, d.tx, d.T, d.z, 1, d.w, 1).converged());
  crmkit::gamma_gamma_covariates gc;
  REQUIRE(gc.fit(d.x, d.m, d.s, 1).converged());
  const std::size_t n = 200;
  const std::span<const double> x(d.x.data(), n), tx(d.tx.data(), n), T(d.T.data(), n), mv(d.m.data(), n),
      z(d.z.data(), n), w(d.w.data(), n), sv(d.s.data(), n);
  const auto e = crmkit::delta_method_intervals(m, crmkit::btyd_prediction::expected_purchases, 26, x, tx, T, z, w);
  // the estimate is the customer's own model's prediction
  for (std::size_t i = 0; i < n; i += 17) {
    const auto one = m.customer_model(z.subspan(i, 1), w.subspan(i, 1));
    CHECK(e.estimate[i] == doctest::Approx(one.conditional_expected_purchases(26, x[i], tx[i], T[i])).epsilon(1e-12));
    CHECK(e.lower[i] <= e.estimate[i]);
    CHECK(e.estimate[i] <= e.upper[i]);
    CHECK(e.standard_error[i] > 0);
  }
  // reversed rows, 3 threads: the same values, reversed
  auto rev = [](std::span<const double> v) { return std::vector<double>(v.rbegin(), v.rend()); };
  const auto rx = rev(x), rtx = rev(tx), rT = rev(T), rm = rev(mv), rz = rev(z), rw = rev(w), rs = rev(sv);
  crmkit::interval_options three;
  three.n_threads = 3;
  const auto er = crmkit::delta_method_intervals(m, crmkit::btyd_prediction::expected_purchases, 26, rx, rtx, rT, rz, rw,
                                                 three);
  for (std::size_t i = 0; i < n; ++i) CHECK(er.standard_error[n - 1 - i] == e.standard_error[i]);
  const auto ci = crmkit::clv_intervals(m, gc, x, tx, T, mv, z, w, sv, weekly_clv());
  const auto cr = crmkit::clv_intervals(m, gc, rx, rtx, rT, rm, rz, rw, rs, weekly_clv(), three);
  for (std::size_t i = 0; i < n; ++i) {
    CHECK(cr.estimate[n - 1 - i] == ci.estimate[i]);
    CHECK(cr.standard_error[n - 1 - i] == ci.standard_error[i]);
  }
  // the total's estimate is the sum of the customers' CLVs
  const auto ct = crmkit::clv_total_interval(m, gc, x, tx, T, mv, z, w, sv, weekly_clv());
  CHECK(ct.estimate == doctest::Approx(std::accumulate(ci.estimate.begin(), ci.estimate.end(), 0.0)).epsilon(1e-12));
  // a new customer: larger purchase covariate, more purchases (gamma_purchase > 0)
  const double horizons[] = {52};
  const double lo[] = {-1.0}, hi[] = {1.0}, zero[] = {0.0};
  const auto f_lo = crmkit::forecast_new_customer(m, lo, zero, horizons, &gc, zero);
  const auto f_hi = crmkit::forecast_new_customer(m, hi, zero, horizons, &gc, zero);
  CHECK(f_hi.expected_purchases[0] > f_lo.expected_purchases[0]);
  const auto gp = gc.params();
  CHECK(f_hi.expected_revenue[0] ==
        doctest::Approx(f_hi.expected_purchases[0] * gp[0] * gp[2] / (gp[1] - 1)).epsilon(1e-12));
  // errors
  CHECK_THROWS_WITH_AS((void)crmkit::delta_method_intervals(m, crmkit::btyd_prediction::p_alive, 0, x, tx, T,
                                                            z.subspan(0, n - 1), w),
                       doctest::Contains("z_purchase"), crmkit::error);
  crmkit::bg_nbd_covariates given;
  given.set_params(m.params(), 1, 1);
  CHECK_THROWS_WITH_AS((void)crmkit::delta_method_intervals(given, crmkit::btyd_prediction::p_alive, 0, x, tx, T, z, w),
                       doctest::Contains("no parameter covariance"), crmkit::error);
  CHECK_THROWS_WITH_AS((void)crmkit::forecast_new_customer(m, {}, zero, horizons), doctest::Contains("z"),
                       crmkit::error);
  const double bad_h[] = {-1};
  CHECK_THROWS_WITH_AS((void)crmkit::forecast_new_customer(m, zero, zero, bad_h), doctest::Contains("horizons[0]"),
                       crmkit::error);
  CHECK_THROWS_AS((void)crmkit::delta_method_intervals(m, static_cast<crmkit::btyd_prediction>(7), 0, x, tx, T, z, w),
                  crmkit::error);
}

TEST_CASE("covariate forecasts: the 90% interval of a customer's expected purchases covers the truth in 78-97% of 60 data sets") {
  // Binomial standard error at 60 data sets: 0.039; [0.78, 0.97] is about -3 / +1.8 of them.
  const double p[7] = {0.6, 5.0, 0.7, 2.5, 0.5, 0.4, -0.3};
  crmkit::bg_nbd_covariates truth;
  truth.set_params(p, 1, 1);
  const std::vector<double> cx = {2, 5}, ctx = {15, 30}, cT = {40, 40}, cz = {1.0, -0.5}, cw = {1.0, 0.0};
  std::vector<double> true_e(2);
  truth.conditional_expected_purchases(26, cx, ctx, cT, cz, cw, true_e);
  int covered[2] = {0, 0}, used = 0;
  for (std::uint64_t rep = 0; rep < 60; ++rep) {
    const auto d = simulate(1000, p, 300 + rep);
    crmkit::bg_nbd_covariates m;
    if (!m.fit(d.x, d.tx, d.T, d.z, 1, d.w, 1).converged()) continue;
    ++used;
    const auto e = crmkit::delta_method_intervals(m, crmkit::btyd_prediction::expected_purchases, 26, cx, ctx, cT, cz, cw);
    for (std::size_t i = 0; i < 2; ++i) covered[i] += e.lower[i] <= true_e[i] && true_e[i] <= e.upper[i];
  }
  CHECK(used >= 57);
  for (int i = 0; i < 2; ++i) {
    CAPTURE(i);
    CAPTURE(covered[i]);
    CHECK(static_cast<double>(covered[i]) / used >= 0.78);
    CHECK(static_cast<double>(covered[i]) / used <= 0.97);
  }
}
