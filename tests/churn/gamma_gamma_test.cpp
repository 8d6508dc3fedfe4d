// Gamma-Gamma against the published CDNOW estimates (Fader, Hardie & Lee 2005; note 025).
#include <doctest/doctest.h>

#include <cmath>

#include "churn_test_util.hpp"

TEST_CASE("gamma_gamma: reproduces p = 6.25, q = 3.74, gamma = 15.44 on the 946 repeat buyers") {
  const auto s = churn_test::cdnow_summary();
  crmkit::gamma_gamma model;
  const auto report = model.fit(s.frequency, s.monetary_value);
  REQUIRE(report.converged());
  CHECK(report.n_rows == 946);
  const auto& p = model.params();
  MESSAGE("p=" << p.p << " q=" << p.q << " gamma=" << p.gamma << " LL=" << report.log_likelihood);
  CHECK(std::round(p.p * 100) / 100 == 6.25);
  CHECK(std::round(p.q * 100) / 100 == 3.74);
  CHECK(std::round(p.gamma * 100) / 100 == 15.44);
  // the published spreadsheet data (zbar rounded to cents) give the same estimates
  const auto published = churn_test::read_numeric_csv(churn_test::fixture("cdnow_customers_summary_with_transactions.csv"));
  crmkit::gamma_gamma model2;
  REQUIRE(model2.fit(published.at("x"), published.at("zbar")).converged());
  CHECK(std::round(model2.params().p * 100) / 100 == 6.25);
  CHECK(std::round(model2.params().q * 100) / 100 == 3.74);
  CHECK(std::abs(model2.params().gamma - 15.44) < 0.01);  // 15.4453 from the rounded zbar

  // expected spend against the independent reference file
  const auto ref = churn_test::read_numeric_csv(churn_test::fixture("reference_cdnow_sample_predictions.csv"));
  double err = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    err = std::max(err, std::abs(model.conditional_expected_spend(ref.at("x")[i], ref.at("zbar")[i]) /
                                     ref.at("gg_exp_spend")[i] - 1));
  MESSAGE("max relative |E[spend] - reference| = " << err);
  CHECK(err < 1e-6);
  // the population mean for a customer without repeat purchases
  CHECK(model.conditional_expected_spend(0, 0) == doctest::Approx(p.p * p.gamma / (p.q - 1)));
}

TEST_CASE("gamma_gamma: zero spend of a repeat buyer is rejected or dropped explicitly") {
  std::vector<double> x = {1, 2, 3, 0, 1}, m = {10, 0, 12, 0, 8};
  crmkit::gamma_gamma model;
  CHECK_THROWS_WITH_AS(model.fit(x, m), doctest::Contains("row 1: a repeat buyer"), crmkit::error);
  crmkit::fit_options drop;
  drop.zero_spend = crmkit::zero_spend_policy::drop;
  const auto report = model.fit(x, m, {}, drop);
  CHECK(report.n_rows == 3);
  std::vector<double> neg = {10, -1, 12, 0, 8};
  CHECK_THROWS_WITH_AS(model.fit(x, neg), doctest::Contains("negative or not finite"), crmkit::error);
  std::vector<double> inf = {10, INFINITY, 12, 0, 8};
  CHECK_THROWS_AS(model.fit(x, inf), crmkit::error);
  crmkit::gamma_gamma unfitted;
  CHECK_THROWS_AS((void)unfitted.conditional_expected_spend(1, 2), crmkit::error);
}
