// crmkit/churn/pareto_nbd_covariates.hpp: without covariates the fit is pareto_nbd's; zero
// covariates reproduce it; the document round-trips bit for bit; bad input is named.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "churn_test_util.hpp"
#include "crmkit/churn/pareto_nbd_covariates.hpp"
#include "crmkit/error.hpp"

TEST_CASE("pareto_nbd_covariates: no covariates is today's fit; zero covariates reproduce it; the document") {
  const auto s = churn_test::cdnow_summary();
  crmkit::pareto_nbd plain;
  const auto pr = plain.fit(s);
  crmkit::pareto_nbd_covariates none;
  const auto nr = none.fit(s.frequency, s.recency, s.T, {}, 0, {}, 0);
  CHECK(nr.iterations == pr.iterations);
  CHECK(none.base_params().r == plain.params().r);
  CHECK(none.base_params().beta == plain.params().beta);
  CHECK(nr.standard_errors == pr.standard_errors);

  const std::size_t n = s.size();
  const std::vector<double> zeros(n, 0.0);
  crmkit::pareto_nbd_covariates zero;
  const auto zr = zero.fit(s.frequency, s.recency, s.T, zeros, 1, zeros, 1, {}, {}, 1.0);
  CHECK(zr.converged());
  CHECK(zr.log_likelihood == doctest::Approx(pr.log_likelihood).epsilon(1e-10));
  CHECK(zero.base_params().s == doctest::Approx(plain.params().s).epsilon(1e-5));
  REQUIRE(zr.standard_errors.size() == 6);

  std::vector<double> z(n);
  for (std::size_t i = 0; i < n; ++i) z[i] = std::log1p(s.monetary_value[i]) - 3.0;
  crmkit::pareto_nbd_covariates m;
  const auto mr = m.fit(s.frequency, s.recency, s.T, z, 1, z, 1);
  CHECK(mr.converged());
  CHECK(-mr.objective > pr.log_likelihood);  // a covariate can only raise the likelihood
  const auto back = crmkit::pareto_nbd_covariates::from_text(m.to_text());
  CHECK(back.params() == m.params());
  REQUIRE(back.report() != nullptr);
  CHECK(back.report()->standard_errors == mr.standard_errors);
  std::vector<double> a(n), b(n);
  m.conditional_probability_no_purchase(39, s.frequency, s.recency, s.T, z, z, a, 2);
  back.conditional_probability_no_purchase(39, s.frequency, s.recency, s.T, z, z, b, 1);
  CHECK(a == b);
  // each row's log-likelihood sums to the fit's
  m.log_likelihood(s.frequency, s.recency, s.T, z, z, a);
  double sum = 0;
  for (double v : a) sum += v;
  CHECK(sum == doctest::Approx(mr.log_likelihood).epsilon(1e-10));

  z[3] = std::nan("");
  crmkit::pareto_nbd_covariates bad;
  CHECK_THROWS_WITH_AS((void)bad.fit(s.frequency, s.recency, s.T, z, 1, {}, 0), doctest::Contains("z_purchase[row 3, column 0]"),
                       crmkit::error);
  CHECK_FALSE(bad.fitted());
}
