// crmkit/churn/bg_nbd_covariates.hpp: without covariates the fit is bg_nbd's; with
// covariates that are all 0 it reproduces that fit; on generated data it recovers known
// parameters within a few standard errors; predictions use the per-customer parameters.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "churn_test_util.hpp"
#include "crmkit/churn/bg_nbd_covariates.hpp"
#include "crmkit/error.hpp"
#include "crmkit/synth/random.hpp"

namespace {
namespace synth = crmkit::detail::synth;
}

TEST_CASE("bg_nbd_covariates: no covariates is today's fit; zero covariates reproduce it") {
  const auto s = churn_test::cdnow_summary();
  crmkit::bg_nbd plain;
  const auto pr = plain.fit(s);
  crmkit::bg_nbd_covariates none;
  const auto nr = none.fit(s.frequency, s.recency, s.T, {}, 0, {}, 0);
  CHECK(nr.iterations == pr.iterations);
  CHECK(none.base_params().r == plain.params().r);
  CHECK(none.base_params().alpha == plain.params().alpha);
  CHECK(none.base_params().a == plain.params().a);
  CHECK(none.base_params().b == plain.params().b);
  CHECK(nr.standard_errors == pr.standard_errors);

  const std::size_t n = s.size();
  const std::vector<double> zeros(n, 0.0);
  crmkit::bg_nbd_covariates zero;
  const auto zr = zero.fit(s.frequency, s.recency, s.T, zeros, 1, zeros, 1, {}, {}, 1.0);
  CHECK(zr.converged());
  CHECK(zero.base_params().r == doctest::Approx(plain.params().r).epsilon(1e-6));
  CHECK(zero.base_params().alpha == doctest::Approx(plain.params().alpha).epsilon(1e-6));
  CHECK(zero.base_params().a == doctest::Approx(plain.params().a).epsilon(1e-6));
  CHECK(zero.base_params().b == doctest::Approx(plain.params().b).epsilon(1e-6));
  CHECK(zero.gamma_purchase()[0] == doctest::Approx(0.0));
  CHECK(zr.log_likelihood == doctest::Approx(pr.log_likelihood).epsilon(1e-10));
  REQUIRE(zr.standard_errors.size() == 7);
  for (std::size_t k = 0; k < 4; ++k) CHECK(zr.standard_errors[k] == doctest::Approx(pr.standard_errors[k]).epsilon(1e-3));
}

TEST_CASE("bg_nbd_covariates: recovers known parameters of generated data within their standard errors") {
  // truth: r 0.6, alpha0 5, a0 0.8, b0 3; gamma_purchase 0.5, gamma_a 0.4, gamma_b -0.3
  const double r = 0.6, alpha0 = 5, a0 = 0.8, b0 = 3, gp = 0.5, ga = 0.4, gb = -0.3;
  const std::size_t n = 6000;
  std::vector<double> x, tx, T, z, w;
  for (std::size_t i = 0; i < n; ++i) {
    synth::random_stream rng(31, 2, i);
    const double zi = rng.normal(), wi = rng.normal();
    const auto c = churn_test::draw_bg_nbd_customer(rng, r, alpha0 * std::exp(-gp * zi), a0 * std::exp(ga * wi),
                                                    b0 * std::exp(gb * wi), 30, 22);
    x.push_back(c.x);
    tx.push_back(c.tx);
    T.push_back(c.T);
    z.push_back(zi);
    w.push_back(wi);
  }
  crmkit::bg_nbd_covariates m;
  crmkit::fit_options two;
  two.n_threads = 2;
  const auto rep = m.fit(x, tx, T, z, 1, w, 1, {}, two);
  REQUIRE(rep.converged());
  const auto p = m.params();
  const double truth[] = {r, alpha0, a0, b0, gp, ga, gb};
  for (std::size_t k = 0; k < 7; ++k) {
    CAPTURE(k);
    CAPTURE(p[k]);
    CAPTURE(rep.standard_errors[k]);
    CHECK(std::abs(p[k] - truth[k]) < 3.5 * rep.standard_errors[k]);
  }
  // one thread gives the same bits
  crmkit::bg_nbd_covariates one;
  (void)one.fit(x, tx, T, z, 1, w, 1);
  CHECK(one.params() == p);
  // the penalty shrinks the weights towards 0
  crmkit::bg_nbd_covariates shrunk;
  (void)shrunk.fit(x, tx, T, z, 1, w, 1, {}, {}, 5000.0);
  CHECK(std::abs(shrunk.gamma_purchase()[0]) < std::abs(p[4]));
  // predictions: the per-customer BG/NBD
  std::vector<double> alive(3), expected(3);
  const std::span<const double> x3(x.data(), 3), tx3(tx.data(), 3), T3(T.data(), 3), z3(z.data(), 3), w3(w.data(), 3);
  m.p_alive(x3, tx3, T3, z3, w3, alive);
  m.conditional_expected_purchases(10, x3, tx3, T3, z3, w3, expected);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto c = m.customer_model(z3.subspan(i, 1), w3.subspan(i, 1));
    CHECK(alive[i] == c.p_alive(x[i], tx[i], T[i]));
    CHECK(expected[i] == c.conditional_expected_purchases(10, x[i], tx[i], T[i]));
    CHECK(c.params().alpha == doctest::Approx(p[1] * std::exp(-p[4] * z[i])).epsilon(1e-14));
  }
}

TEST_CASE("bg_nbd_covariates: bad covariates and options are named") {
  const std::vector<double> x = {1, 0, 2}, tx = {3, 0, 4}, T = {5, 5, 6};
  crmkit::bg_nbd_covariates m;
  const std::vector<double> short_z = {1, 2};
  CHECK_THROWS_WITH_AS(m.fit(x, tx, T, short_z, 1, {}, 0), doctest::Contains("z_purchase has 2 values"), crmkit::error);
  const std::vector<double> bad = {1, std::nan(""), 0};
  CHECK_THROWS_WITH_AS(m.fit(x, tx, T, bad, 1, {}, 0), doctest::Contains("z_purchase[row 1, column 0]"), crmkit::error);
  const std::vector<double> ok = {1, 0, -1};
  CHECK_THROWS_WITH_AS(m.fit(x, tx, T, ok, 1, {}, 0, {}, {}, -1.0), doctest::Contains("l2"), crmkit::error);
  std::vector<double> out(3);
  CHECK_THROWS_AS(m.p_alive(x, tx, T, ok, {}, out), crmkit::error);  // not fitted
}
