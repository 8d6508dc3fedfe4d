// Fits that never fail silently (issue 17, item 6): the fallback optimiser when BFGS stops
// early, multi-start, the Hessian's condition number, the reason standard errors are
// missing, boundary solutions named; and the BG/NBD expectations at boundary parameters.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "churn_test_util.hpp"
#include "crmkit/churn/detail/bg_expectation.hpp"
#include "crmkit/churn/detail/optimizer.hpp"
#include "crmkit/churn/retention.hpp"
#include "crmkit/crmkit.h"

namespace {

// Fader, Hardie & Lee (2005): the BG/NBD maximum-likelihood estimates on CDNOW.
void check_cdnow_optimum(const crmkit::bg_nbd& m) {
  const auto& p = m.params();
  CHECK(p.r == doctest::Approx(0.243).epsilon(2e-3));
  CHECK(p.alpha == doctest::Approx(4.414).epsilon(2e-3));
  CHECK(p.a == doctest::Approx(0.793).epsilon(2e-3));
  CHECK(p.b == doctest::Approx(2.426).epsilon(2e-3));
}

// cond_2 of the inverse of a row-major k x k covariance.
double condition_of_inverse(const std::vector<double>& cov, std::size_t k) {
  Eigen::MatrixXd c(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) c(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = cov[i * k + j];
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(c.inverse());
  const auto s = svd.singularValues();
  return s(0) / s(s.size() - 1);
}

}  // namespace

TEST_CASE("fit report: a converged BTYD fit reports the Hessian's condition; defaults are one start, no fallback") {
  const auto s = churn_test::cdnow_summary();
  crmkit::bg_nbd m;
  const auto r = m.fit(s);
  REQUIRE(r.converged());
  check_cdnow_optimum(m);
  CHECK(r.n_starts == 1);
  CHECK(r.best_start == 0);
  CHECK_FALSE(r.fallback_used);
  CHECK(r.message.empty());
  CHECK(r.standard_errors_note.empty());
  // In the parameters of the standard errors: the natural ones, so cond(H_p) = cond(inverse(covariance)).
  REQUIRE(r.covariance.size() == 16);
  CHECK(std::isfinite(r.hessian_condition));
  CHECK(r.hessian_condition > 1);
  CHECK(r.hessian_condition == doctest::Approx(condition_of_inverse(r.covariance, 4)).epsilon(1e-8));
  // Not requested: no Hessian, and the note says so.
  crmkit::fit_options o;
  o.standard_errors = false;
  const auto q = m.fit(s, o);
  CHECK(std::isnan(q.hessian_condition));
  CHECK(q.standard_errors_note == "not requested");
  // The options' table knows the new keys (C constants 5, 6, 7).
  CHECK(crmkit::option_bounds_of<crmkit::fit_options>(CRMKIT_BTYD_N_STARTS).default_value == 1);
  CHECK(crmkit::option_bounds_of<crmkit::fit_options>(CRMKIT_BTYD_SEED).hi == 4294967295.0);
  CHECK(crmkit::option_bounds_of<crmkit::fit_options>(CRMKIT_BTYD_FALLBACK).default_value == 1);
  o.n_starts = 0;
  CHECK_THROWS_AS((void)m.fit(s, o), crmkit::error);
}

TEST_CASE("fit report: when BFGS stops at the iteration limit, the fallback reaches the CDNOW optimum") {
  const auto s = churn_test::cdnow_summary();
  crmkit::fit_options o;
  o.max_iter = 25;
  o.initial_params = {5.0, 0.05, 20.0, 0.05};  // far from the optimum (r 0.243, alpha 4.414, a 0.793, b 2.426)
  o.fallback = false;
  crmkit::bg_nbd plain;
  const auto first = plain.fit(s, o);
  CHECK(first.status == crmkit::fit_status::iteration_limit);
  CHECK_FALSE(first.fallback_used);
  CHECK(first.message.find("iteration limit") != std::string::npos);
  o.fallback = true;
  crmkit::bg_nbd robust;
  const auto second = robust.fit(s, o);
  CHECK(second.fallback_used);
  CHECK(second.converged());
  CHECK(second.message.find("fallback") != std::string::npos);
  CHECK(second.objective < first.objective);
  check_cdnow_optimum(robust);
  CHECK(std::isfinite(second.hessian_condition));
}

TEST_CASE("fit report: several starts from a bad start reach the optimum; independent of threads") {
  const auto s = churn_test::cdnow_summary();
  crmkit::fit_options o;
  o.max_iter = 25;
  o.initial_params = {5.0, 0.05, 20.0, 0.05};
  o.fallback = false;
  crmkit::bg_nbd one;
  const auto single = one.fit(s, o);
  REQUIRE_FALSE(single.converged());
  o.fallback = true;
  o.n_starts = 8;
  o.seed = 3;
  crmkit::bg_nbd many;
  const auto best = many.fit(s, o);
  CHECK(best.n_starts == 8);
  CHECK(best.converged());
  CHECK(best.objective < single.objective);
  CHECK(best.message.find("best of 8 starts") != std::string::npos);
  check_cdnow_optimum(many);
  for (int threads : {2, 3}) {
    o.n_threads = threads;
    crmkit::bg_nbd again;
    const auto r = again.fit(s, o);
    CHECK(r.best_start == best.best_start);
    CHECK(r.iterations == best.iterations);
    CHECK(r.objective == best.objective);
    CHECK(again.params().r == many.params().r);
    CHECK(again.params().b == many.params().b);
  }
}

TEST_CASE("fit report: data without dropout ends at a named boundary with the reason for missing errors") {
  std::vector<double> x, tx, T;
  for (int c = 0; c < 300; ++c) {
    const double age = 10 + c % 40;
    x.push_back(age);
    tx.push_back(age);
    T.push_back(age);
  }
  crmkit::bg_nbd bg;
  const auto r = bg.fit(x, tx, T);
  REQUIRE(r.status == crmkit::fit_status::boundary);
  CHECK(r.message.find("parameter ") != std::string::npos);
  CHECK(r.standard_errors_note.find("boundary solution: parameter ") == 0);
  // The note names the same parameter as the message.
  const auto name = r.message.substr(10, r.message.find(' ', 10) - 10);
  CHECK((name == "r" || name == "alpha" || name == "a" || name == "b"));
  CHECK(r.standard_errors_note.find("parameter " + name + " ") != std::string::npos);
  CHECK(std::isnan(r.hessian_condition));
  CHECK_FALSE(r.fallback_used);  // a boundary is an answer, not a failure
  // Retention: nobody cancelled.
  crmkit::retention_model sbg(crmkit::retention_kind::sbg);
  const std::vector<double> periods = {3, 4, 5, 6}, churned = {0, 0, 0, 0};
  const auto rr = sbg.fit(periods, churned);
  CHECK(rr.status == crmkit::fit_status::boundary);
  CHECK(rr.standard_errors_note.find("boundary solution: parameter beta") == 0);
  CHECK(std::isnan(rr.hessian_condition));
}

TEST_CASE("fit report: retention and covariate fits report the Hessian's condition") {
  const auto table =
      churn_test::read_numeric_csv(std::string(CRMKIT_SOURCE_DIR) + "/tests/data/retention/fader_hardie_2007_cohorts.csv");
  crmkit::retention_model sbg(crmkit::retention_kind::sbg);
  const auto r = sbg.fit_survivors(table.at("regular"));
  REQUIRE(r.converged());
  CHECK(r.standard_errors_note.empty());
  CHECK(r.hessian_condition == doctest::Approx(condition_of_inverse(r.covariance, 2)).epsilon(1e-8));
  crmkit::retention_options ro;
  ro.n_starts = 4;
  crmkit::retention_model again(crmkit::retention_kind::sbg);
  const auto r4 = again.fit_survivors(table.at("regular"), ro);
  CHECK(r4.n_starts == 4);
  CHECK(again.params()[0] == doctest::Approx(sbg.params()[0]).epsilon(1e-6));
  // A document keeps the diagnostics and the options.
  const auto reloaded = crmkit::retention_model::from_text(again.to_text());
  REQUIRE(reloaded.report());
  CHECK(reloaded.report()->n_starts == 4);
  CHECK(reloaded.report()->best_start == r4.best_start);
  CHECK(reloaded.report()->hessian_condition == r4.hessian_condition);
  CHECK(reloaded.options().n_starts == 4);

  // Covariate BG/NBD: the condition in (base parameters, weights).
  const auto s = churn_test::cdnow_summary();
  std::vector<double> z(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) z[i] = (i % 3 == 0) ? 1.0 : -0.5;
  crmkit::bg_nbd_covariates cov;
  const auto rc = cov.fit(s.frequency, s.recency, s.T, z, 1, {}, 0);
  REQUIRE(rc.converged());
  CHECK(rc.standard_errors_note.empty());
  CHECK(rc.hessian_condition == doctest::Approx(condition_of_inverse(rc.covariance, 5)).epsilon(1e-6));
}

TEST_CASE("fallback pieces: Nelder-Mead minimises a valley BFGS is not needed for; splitmix starts are fixed") {
  // Rosenbrock from (-1.2, 1): Nelder-Mead alone converges to (1, 1).
  auto rosen = [](const std::vector<double>& x, std::vector<double>& g) {
    const double a = 1 - x[0], b = x[1] - x[0] * x[0];
    g[0] = -2 * a - 400 * x[0] * b;
    g[1] = 200 * b;
    return a * a + 100 * b * b;
  };
  const auto nm = crmkit::detail::minimize_nelder_mead(rosen, {-1.2, 1.0}, 2000);
  CHECK(nm.status == crmkit::fit_status::converged);
  CHECK(nm.x[0] == doctest::Approx(1.0).epsilon(1e-6));
  CHECK(nm.x[1] == doctest::Approx(1.0).epsilon(1e-6));
  // Points beyond x_bound count as +infinity: the search stays in the box.
  const auto boxed = crmkit::detail::minimize_nelder_mead(rosen, {0.2, 0.3}, 2000, 0.5);
  CHECK(std::abs(boxed.x[0]) <= 0.5);
  CHECK(std::abs(boxed.x[1]) <= 0.5);
  crmkit::detail::start_stream a{7}, b{7};
  for (int i = 0; i < 5; ++i) {
    const double u = a.symmetric();
    CHECK(u == b.symmetric());
    CHECK(u >= -1.0);
    CHECK(u < 1.0);
  }
}

TEST_CASE("bfgs stops at the precision floor instead of running to max_iter (the stalled Gamma-Gamma fit)") {
  // A flat objective whose gradient stays at g: no step ever lowers f. This is the state of
  // the Gamma-Gamma fit on 200k customers with almost no spend heterogeneity (q ~ 300,
  // gamma ~ 1e4 on a ridge): the gradient stuck near 3e-8 > tol = 1e-9, each iteration
  // costing dozens of line-search evaluations, for 1000 iterations (187 s of scoring).
  auto flat = [](double g) {
    return [g](const std::vector<double>&, std::vector<double>& grad) {
      grad.assign(2, g);
      return 4.5;
    };
  };
  const auto stuck = crmkit::detail::minimize_bfgs(flat(3e-8), {0.0, 0.0}, 1000, 1e-9, 1e9);
  CHECK(stuck.status == crmkit::fit_status::converged);
  CHECK(stuck.precision_floor);
  CHECK(stuck.iterations == crmkit::detail::bfgs_stall_limit);
  // A gradient far above tol is not a precision floor: it runs on (here to the iteration limit).
  const auto steep = crmkit::detail::minimize_bfgs(flat(1e-3), {0.0, 0.0}, 60, 1e-9, 1e9);
  CHECK(steep.status == crmkit::fit_status::iteration_limit);
  CHECK_FALSE(steep.precision_floor);
  CHECK(steep.iterations == 60);
}
