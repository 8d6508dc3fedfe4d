// crmkit/churn/retention.hpp: the sBG reproduces Fader & Hardie's (2007) published fits of
// their two cohorts; DERL's 2F1 closed form equals the direct sum; the BdW reduces to the
// sBG at c = 1 and recovers its parameters from a generated cohort; the model document
// reloads to the same bits.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "churn_test_util.hpp"
#include "crmkit/churn/retention.hpp"
#include "crmkit/crmkit.h"
#include "crmkit/error.hpp"
#include "crmkit/synth/random.hpp"

namespace {

std::vector<double> cohort(const std::string& column) {
  const auto table =
      churn_test::read_numeric_csv(std::string(CRMKIT_SOURCE_DIR) + "/tests/data/retention/fader_hardie_2007_cohorts.csv");
  return table.at(column);
}

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

// sum_{j>=1} S(k+j)/S(k) (1+d)^-(j-1), truncated far beyond rounding.
double derl_by_sum(const crmkit::retention_model& m, double d, double k) {
  double sum = 0.0;
  for (int j = 1; j < 20000; ++j) sum += m.conditional_survival(j, k) * std::pow(1.0 + d, -(j - 1));
  return sum;
}

}  // namespace

TEST_CASE("sbg: Fader & Hardie 2007's published fits are reproduced to the printed digits") {
  struct expected {
    const char* column;
    double alpha, beta;
  };
  for (const auto& e : {expected{"high_end", 0.668, 3.806}, expected{"regular", 0.704, 1.182}}) {
    CAPTURE(e.column);
    auto survivors = cohort(e.column);
    REQUIRE(survivors.size() == 8);  // years 0..7: the paper's calibration period
    crmkit::retention_model m(crmkit::retention_kind::sbg);
    const auto report = m.fit_survivors(survivors);
    CHECK(report.converged());
    CHECK(report.gradient_norm <= 1e-9);
    const auto p = m.params();
    CHECK(round3(p[0]) == doctest::Approx(e.alpha).epsilon(1e-12));
    CHECK(round3(p[1]) == doctest::Approx(e.beta).epsilon(1e-12));
    REQUIRE(report.standard_errors.size() == 2);
    CHECK(report.standard_errors[0] > 0);
    CHECK(report.standard_errors[1] > 0);
    CHECK(report.n_groups == 8);  // 7 churn periods + the survivors of year 7
    CHECK(report.objective == doctest::Approx(-report.log_likelihood));
    // The same data as per-customer rows, in a shuffled order, gives the same bits.
    std::vector<double> periods, churned;
    for (std::size_t t = 1; t < survivors.size(); ++t)
      for (int i = 0; i < static_cast<int>(survivors[t - 1] - survivors[t]); ++i) {
        periods.push_back(static_cast<double>(t));
        churned.push_back(1);
      }
    for (int i = 0; i < static_cast<int>(survivors.back()); ++i) {
      periods.push_back(7);
      churned.push_back(0);
    }
    std::reverse(periods.begin(), periods.end());
    std::reverse(churned.begin(), churned.end());
    crmkit::retention_model rows(crmkit::retention_kind::sbg);
    crmkit::retention_options two_threads;
    two_threads.n_threads = 2;
    rows.fit(periods, churned, {}, two_threads);
    CHECK(rows.params() == p);
  }
}

TEST_CASE("sbg: survival, retention rate and churn probability follow the closed forms") {
  const double params[] = {0.704, 1.182};
  crmkit::retention_model m(crmkit::retention_kind::sbg, params);
  const double a = 0.704, b = 1.182;
  CHECK(m.survival(0) == 1.0);
  CHECK(m.churn_probability(1) == doctest::Approx(a / (a + b)).epsilon(1e-14));
  double s = 1.0;
  for (int t = 1; t <= 30; ++t) {
    CAPTURE(t);
    const double r = (b + t - 1) / (a + b + t - 1);
    s *= r;
    CHECK(m.retention_rate(t) == doctest::Approx(r).epsilon(1e-14));
    CHECK(m.survival(t) == doctest::Approx(s).epsilon(1e-12));
    CHECK(m.churn_probability(t) == doctest::Approx(m.survival(t - 1) - m.survival(t)).epsilon(1e-11));
    CHECK(m.conditional_survival(3, t) == doctest::Approx(m.survival(t + 3) / m.survival(t)).epsilon(1e-12));
  }
  // FH 2007 table: the regular cohort's projected survival in year 12 (fit on years 1-7)
  // is around 16% of the cohort; here the model's own value with the published parameters.
  CHECK(m.survival(12) > 0.15);
  CHECK(m.survival(12) < 0.19);
}

TEST_CASE("sbg: DERL's 2F1 closed form equals the direct truncated sum; ERL is (beta+k)/(alpha-1)") {
  const double params[] = {0.704, 1.182};
  crmkit::retention_model m(crmkit::retention_kind::sbg, params);
  for (double d : {0.1, 0.5, 0.02}) {
    for (double k : {0.0, 1.0, 4.0, 20.0}) {
      CAPTURE(d);
      CAPTURE(k);
      const double closed = m.discounted_expected_residual_lifetime(d, k);
      CHECK(closed == doctest::Approx(derl_by_sum(m, d, k)).epsilon(1e-12));
    }
  }
  CHECK(std::isinf(m.expected_residual_lifetime(3)));  // alpha <= 1: the mean lifetime diverges
  const double wide[] = {2.5, 3.0};
  crmkit::retention_model n(crmkit::retention_kind::sbg, wide);
  for (double k : {0.0, 2.0, 10.0}) {
    CHECK(n.expected_residual_lifetime(k) == doctest::Approx((3.0 + k) / 1.5).epsilon(1e-14));
    CHECK(n.discounted_expected_residual_lifetime(1e-7, k) == doctest::Approx((3.0 + k) / 1.5).epsilon(1e-5));
  }
  // batch = scalar, for any thread count
  const std::vector<double> tenure = {0, 1, 2, 3, 5, 8, 13, 21, 34};
  std::vector<double> one(tenure.size()), two(tenure.size());
  m.discounted_expected_residual_lifetime(0.1, tenure, one, 1);
  m.discounted_expected_residual_lifetime(0.1, tenure, two, 2);
  CHECK(one == two);
  for (std::size_t i = 0; i < tenure.size(); ++i) CHECK(one[i] == m.discounted_expected_residual_lifetime(0.1, tenure[i]));
  const std::vector<double> bad = {0, 1.5};
  one.resize(2);
  CHECK_THROWS_WITH_AS(m.discounted_expected_residual_lifetime(0.1, bad, one, 1), doctest::Contains("row 1"),
                       crmkit::error);
}

TEST_CASE("bdw: at c = 1 it is the sBG; the sums agree with the sBG closed forms") {
  const double sbg_p[] = {2.2, 1.7};
  const double bdw_p[] = {2.2, 1.7, 1.0};
  crmkit::retention_model sbg(crmkit::retention_kind::sbg, sbg_p);
  crmkit::retention_model bdw(crmkit::retention_kind::bdw, bdw_p);
  for (int t = 0; t <= 25; ++t) {
    CHECK(bdw.survival(t) == doctest::Approx(sbg.survival(t)).epsilon(1e-13));
    if (t > 0) {
      CHECK(bdw.retention_rate(t) == doctest::Approx(sbg.retention_rate(t)).epsilon(1e-12));
      CHECK(bdw.log_likelihood(t, true) == doctest::Approx(sbg.log_likelihood(t, true)).epsilon(1e-11));
    }
  }
  for (double k : {0.0, 3.0}) {
    CHECK(bdw.discounted_expected_residual_lifetime(0.1, k) ==
          doctest::Approx(sbg.discounted_expected_residual_lifetime(0.1, k)).epsilon(1e-12));
    // the power-law tail estimate: alpha c = 2.2
    CHECK(bdw.expected_residual_lifetime(k) == doctest::Approx(sbg.expected_residual_lifetime(k)).epsilon(1e-6));
  }
  const double slow[] = {0.8, 1.0, 1.1};  // c alpha = 0.88 <= 1
  CHECK(std::isinf(crmkit::retention_model(crmkit::retention_kind::bdw, slow).expected_residual_lifetime(0)));
}

TEST_CASE("bdw: a fit recovers the parameters of a generated cohort within a few standard errors") {
  // Expected survivor shares of a large cohort (no sampling noise): the fit must return the
  // generating parameters almost exactly; then a sampled cohort of 20,000 within 4 SE.
  const double truth[] = {1.3, 2.5, 0.7};
  crmkit::retention_model gen(crmkit::retention_kind::bdw, truth);
  std::vector<double> expected_curve;
  for (int t = 0; t <= 12; ++t) expected_curve.push_back(1e6 * gen.survival(t));
  crmkit::retention_model fit(crmkit::retention_kind::bdw);
  auto r = fit.fit_survivors(expected_curve);
  CHECK(r.converged());
  for (int i = 0; i < 3; ++i) CHECK(fit.params()[static_cast<std::size_t>(i)] == doctest::Approx(truth[i]).epsilon(1e-5));

  crmkit::detail::synth::random_stream rng(20260, 1, 0);
  std::vector<double> periods, churned;
  for (int i = 0; i < 20000; ++i) {
    // theta ~ Beta(1.3, 2.5) by two gammas; then T from S(t | theta) = (1-theta)^(t^c)
    const double g1 = crmkit::detail::synth::sample_gamma(rng, 1.3), g2 = crmkit::detail::synth::sample_gamma(rng, 2.5);
    const double theta = g1 / (g1 + g2);
    const double u = rng.uniform_open();
    int t = 1;
    while (t <= 12 && std::pow(1 - theta, std::pow(t, 0.7)) > u) ++t;
    periods.push_back(t <= 12 ? t : 12);
    churned.push_back(t <= 12 ? 1 : 0);
  }
  crmkit::retention_model sampled(crmkit::retention_kind::bdw);
  r = sampled.fit(periods, churned);
  REQUIRE(r.converged());
  for (std::size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    CHECK(std::abs(sampled.params()[i] - truth[i]) < 4 * r.standard_errors[i]);
  }
}

TEST_CASE("retention: the model document reloads to the same bits; bad input is named") {
  crmkit::retention_model m(crmkit::retention_kind::bdw);
  m.fit_survivors(cohort("regular"));
  const std::string text = m.to_text();
  CHECK(text.find("model = \"bdw\"") != std::string::npos);
  const auto back = crmkit::retention_model::from_text(text);
  CHECK(back.kind() == crmkit::retention_kind::bdw);
  CHECK(back.params() == m.params());
  REQUIRE(back.report() != nullptr);
  CHECK(back.report()->iterations == m.report()->iterations);
  CHECK(back.report()->standard_errors == m.report()->standard_errors);
  CHECK(back.discounted_expected_residual_lifetime(0.1, 3) == m.discounted_expected_residual_lifetime(0.1, 3));
  CHECK(back.to_text() == text);

  crmkit::retention_model sbg(crmkit::retention_kind::sbg);
  CHECK_THROWS_AS((void)sbg.survival(1), crmkit::error);  // not fitted
  CHECK_THROWS_WITH_AS(sbg.fit_survivors(std::vector<double>{100, 90, 95}), doctest::Contains("survivors[2]"),
                       crmkit::error);
  const std::vector<double> periods = {1, 0}, churned = {1, 1};
  CHECK_THROWS_WITH_AS(sbg.fit(periods, churned), doctest::Contains("row 1"), crmkit::error);
  const std::vector<double> p2 = {1, 2}, c2 = {1, 2};
  CHECK_THROWS_WITH_AS(sbg.fit(p2, c2), doctest::Contains("not 0 or 1"), crmkit::error);
  crmkit::retention_options bad;
  bad.tol = 0;
  CHECK_THROWS_WITH_AS(sbg.fit_survivors(cohort("regular"), bad), doctest::Contains("CRMKIT_RETENTION_TOL"),
                       crmkit::error);
  CHECK_THROWS_AS((void)crmkit::retention_model::from_text(text.substr(0, text.find("[params]"))), crmkit::error);
  // No one ever cancels: the likelihood rises towards beta -> infinity, reported as a boundary.
  const std::vector<double> all_active = {5, 5, 5}, none = {0, 0, 0};
  const auto r = sbg.fit(all_active, none);
  CHECK(r.status == crmkit::fit_status::boundary);
}

TEST_CASE("retention: the C constants are the option table's") {
  struct constant {
    const char* name;
    int value;
  };
  const constant constants[] = {{"CRMKIT_RETENTION_MAX_ITER", CRMKIT_RETENTION_MAX_ITER},
                                {"CRMKIT_RETENTION_N_THREADS", CRMKIT_RETENTION_N_THREADS},
                                {"CRMKIT_RETENTION_STANDARD_ERRORS", CRMKIT_RETENTION_STANDARD_ERRORS},
                                {"CRMKIT_RETENTION_N_STARTS", CRMKIT_RETENTION_N_STARTS},
                                {"CRMKIT_RETENTION_SEED", CRMKIT_RETENTION_SEED},
                                {"CRMKIT_RETENTION_FALLBACK", CRMKIT_RETENTION_FALLBACK},
                                {"CRMKIT_RETENTION_TOL", CRMKIT_RETENTION_TOL},
                                {"CRMKIT_RETENTION_PARAMETER_BOUND", CRMKIT_RETENTION_PARAMETER_BOUND}};
  CHECK(std::size(constants) == crmkit::option_table<crmkit::retention_options>::entries.size());
  for (const auto& c : constants) {
    CAPTURE(c.name);
    const auto* spec = crmkit::find_option<crmkit::retention_options>(c.value);
    REQUIRE(spec != nullptr);
    CHECK(crmkit::option_c_name(*spec) == c.name);
  }
  CHECK(static_cast<int>(crmkit::retention_kind::sbg) == CRMKIT_RETENTION_SBG);
  CHECK(static_cast<int>(crmkit::retention_kind::bdw) == CRMKIT_RETENTION_BDW);
  CHECK(static_cast<int>(crmkit::retention_prediction::survival) == CRMKIT_RETENTION_SURVIVAL);
  CHECK(static_cast<int>(crmkit::retention_prediction::derl) == CRMKIT_RETENTION_DERL);
  CHECK_NOTHROW(crmkit::validate_options(crmkit::retention_options{}, "defaults"));
}
