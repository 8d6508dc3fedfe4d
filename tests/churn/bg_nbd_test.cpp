// BG/NBD against the published CDNOW results (Fader, Hardie & Lee 2005) and the independent
// reference predictions (tests/data/cdnow/reference_cdnow_sample_predictions.csv).
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "churn_test_util.hpp"

namespace {
double round_to(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}
}  // namespace

TEST_CASE("bg_nbd: reproduces the published CDNOW parameters and log-likelihood") {
  const auto s = churn_test::cdnow_summary();
  crmkit::bg_nbd model;
  const auto report = model.fit(s);
  REQUIRE(report.converged());
  CHECK(report.gradient_norm < 1e-9);
  const auto& p = model.params();
  MESSAGE("r=" << p.r << " alpha=" << p.alpha << " a=" << p.a << " b=" << p.b << " LL=" << report.log_likelihood
               << " iterations=" << report.iterations);
  CHECK(round_to(p.r, 3) == 0.243);
  CHECK(round_to(p.alpha, 3) == 4.414);
  CHECK(round_to(p.a, 3) == 0.793);
  CHECK(round_to(p.b, 3) == 2.426);
  CHECK(round_to(report.log_likelihood, 1) == -9582.4);
  REQUIRE(report.standard_errors.size() == 4);
  for (double se : report.standard_errors) CHECK((se > 0 && std::isfinite(se)));
  // the per-customer likelihood sums to the reported total
  double ll = 0;
  for (std::size_t i = 0; i < s.size(); ++i) ll += model.log_likelihood(s.frequency[i], s.recency[i], s.T[i]);
  CHECK(ll == doctest::Approx(report.log_likelihood).epsilon(1e-12));
}

TEST_CASE("bg_nbd: the published conditional expectation 1.226 and the reference predictions") {
  const crmkit::bg_nbd published({0.243, 4.414, 0.793, 2.426});
  CHECK(round_to(published.conditional_expected_purchases(39, 2, 30.43, 38.86), 3) == 1.226);
  // the reference file was computed with the fitted (unrounded) parameters
  crmkit::bg_nbd model;
  REQUIRE(model.fit(churn_test::cdnow_summary()).converged());

  const auto ref = churn_test::read_numeric_csv(churn_test::fixture("reference_cdnow_sample_predictions.csv"));
  const auto& x = ref.at("x");
  const auto& tx = ref.at("t_x");
  const auto& T = ref.at("T");
  const std::size_t n = x.size();
  std::vector<double> alive(n), expected(n), silent(n);
  model.p_alive(x, tx, T, alive);
  model.conditional_expected_purchases(39, x, tx, T, expected);
  model.conditional_probability_no_purchase(39, x, tx, T, silent);
  double e_alive = 0, e_exp = 0, e_silent = 0;
  for (std::size_t i = 0; i < n; ++i) {
    e_alive = std::max(e_alive, std::abs(alive[i] - ref.at("bgnbd_p_alive")[i]));
    e_exp = std::max(e_exp, std::abs(expected[i] - ref.at("bgnbd_exp_39")[i]) / std::max(1.0, ref.at("bgnbd_exp_39")[i]));
    e_silent = std::max(e_silent, std::abs(silent[i] - ref.at("bgnbd_p_no_purchase_39")[i]));
  }
  MESSAGE("max errors: p_alive " << e_alive << ", E[Y(39)] " << e_exp << ", P(Y(39)=0) " << e_silent);
  CHECK(e_alive < 2e-8);
  CHECK(e_exp < 2e-8);
  CHECK(e_silent < 2e-8);
}

TEST_CASE("bg_nbd: P(X(t)=n) sums to 1 and its mean is E[X(t)]") {
  const crmkit::bg_nbd model({0.243, 4.414, 0.793, 2.426});
  for (double t : {1.0, 39.0, 78.0}) {
    double total = 0, mean = 0;
    for (int n = 0; n < 400; ++n) {
      const double p = model.probability_of_purchases(n, t);
      CHECK(p >= 0);
      total += p;
      mean += n * p;
    }
    CHECK(total == doctest::Approx(1.0).epsilon(1e-9));
    CHECK(mean == doctest::Approx(model.expected_purchases(t)).epsilon(1e-7));
  }
  // E[X(t)] = E[Y(t) | x = 0, t_x = 0, T = 0]: the new-customer case of the conditional formula
  CHECK(model.expected_purchases(39) == doctest::Approx(model.conditional_expected_purchases(39, 0, 0, 0)));
}

TEST_CASE("bg_nbd: results do not depend on the thread count; weights equal repeated rows") {
  const auto s = churn_test::cdnow_summary();
  crmkit::fit_options one, four;
  four.n_threads = 4;
  crmkit::bg_nbd m1, m4;
  const auto r1 = m1.fit(s, one);
  const auto r4 = m4.fit(s, four);
  CHECK(r1.log_likelihood == r4.log_likelihood);
  CHECK(m1.params().r == m4.params().r);
  CHECK(m1.params().b == m4.params().b);
  // doubling every row through weights gives the same parameters and twice the LL
  std::vector<double> w(s.size(), 2.0);
  crmkit::bg_nbd mw;
  const auto rw = mw.fit(s.frequency, s.recency, s.T, w);
  CHECK(rw.converged());
  CHECK(rw.log_likelihood == doctest::Approx(2 * r1.log_likelihood).epsilon(1e-10));
  CHECK(mw.params().alpha == doctest::Approx(m1.params().alpha).epsilon(1e-6));
}

TEST_CASE("bg_nbd: bad input and misuse give clear errors") {
  crmkit::bg_nbd model;
  CHECK_THROWS_WITH_AS((void)model.p_alive(1, 1, 2), doctest::Contains("not fitted"), crmkit::error);
  std::vector<double> x = {1, 0}, tx = {3, 0}, T = {2, 5};
  CHECK_THROWS_WITH_AS(model.fit(x, tx, T), doctest::Contains("T (2) < recency (3)"), crmkit::error);
  std::vector<double> zeros = {0, 0}, tz = {0, 0};
  CHECK_THROWS_WITH_AS(model.fit(zeros, tz, T), doctest::Contains("every frequency is 0"), crmkit::error);
  std::vector<double> nan = {std::nan(""), 1};
  CHECK_THROWS_AS(model.fit(nan, tz, T), crmkit::error);
  std::vector<double> frac = {1.5, 1};
  std::vector<double> t1 = {1, 1};
  CHECK_THROWS_AS(model.fit(frac, t1, T), crmkit::error);
  std::vector<double> short_ = {1};
  CHECK_THROWS_AS(model.fit(short_, t1, T), crmkit::error);
  CHECK_THROWS_AS(crmkit::bg_nbd({0.2, -1, 1, 1}), crmkit::error);
  CHECK_FALSE(model.fitted());
  // an iteration limit is reported, not hidden; the parameters are finite
  const auto s = churn_test::cdnow_summary();
  crmkit::fit_options o;
  o.max_iter = 2;
  const auto report = model.fit(s, o);
  CHECK(report.status == crmkit::fit_status::iteration_limit);
  CHECK(std::isfinite(model.params().r));
}

TEST_CASE("bg_nbd: a fit with many distinct rows (warm start from a subsample) reaches the optimum") {
  // 60,000 customers with continuous t_x and T: every row is distinct, which is above the
  // size at which the fit first fits a subsample of the rows and starts from there.
  std::mt19937_64 rng(7);
  std::gamma_distribution<double> lambda_dist(0.243, 1.0 / 4.414);
  std::gamma_distribution<double> ga(0.793, 1.0), gb(2.426, 1.0);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  std::vector<double> x, tx, T;
  for (int i = 0; i < 60000; ++i) {
    const double lambda = lambda_dist(rng);
    const double g1 = ga(rng), g2 = gb(rng);
    const double p = g1 / (g1 + g2);
    const double horizon = 27.0 + 12.0 * u01(rng);
    double t = 0, last = 0, n = 0;
    while (lambda > 0) {
      t += -std::log1p(-u01(rng)) / lambda;
      if (t > horizon) break;
      n += 1;
      last = t;
      if (u01(rng) < p) break;
    }
    x.push_back(n);
    tx.push_back(last);
    T.push_back(horizon);
  }
  crmkit::fit_options one, two;
  two.n_threads = 2;
  crmkit::bg_nbd m1, m2;
  const auto r1 = m1.fit(x, tx, T, {}, one);
  const auto r2 = m2.fit(x, tx, T, {}, two);
  REQUIRE(r1.converged());
  CHECK(r1.n_groups == 60000);
  CHECK(r1.gradient_norm < 1e-9);
  CHECK(r1.log_likelihood == r2.log_likelihood);
  CHECK(m1.params().r == m2.params().r);
  CHECK(m1.params().alpha == m2.params().alpha);
  CHECK(m1.params().a == m2.params().a);
  CHECK(m1.params().b == m2.params().b);
  // the generating parameters, within sampling error
  CHECK(m1.params().r == doctest::Approx(0.243).epsilon(0.15));
  CHECK(m1.params().alpha == doctest::Approx(4.414).epsilon(0.15));
  // a maximum: the summed per-customer log-likelihood is the reported one, and moving any
  // parameter by 0.1% either way lowers it
  const auto total = [&](const crmkit::bg_nbd_params& q) {
    const crmkit::bg_nbd m(q);
    double ll = 0;
    for (std::size_t i = 0; i < x.size(); ++i) ll += m.log_likelihood(x[i], tx[i], T[i]);
    return ll;
  };
  const crmkit::bg_nbd_params best = m1.params();
  const double ll = total(best);
  CHECK(ll == doctest::Approx(r1.log_likelihood).epsilon(1e-11));
  for (int k = 0; k < 4; ++k)
    for (double f : {0.999, 1.001}) {
      crmkit::bg_nbd_params q = best;
      double* v[] = {&q.r, &q.alpha, &q.a, &q.b};
      *v[k] *= f;
      CHECK(total(q) < ll);
    }
}
