// CLV against the independent reference file, and the hold-out validation of the churn score
// on CDNOW (issue 4: P(no purchase) reaches about 0.76 AUC, 1 - P(alive) is worse than chance).
#include <doctest/doctest.h>

#include <cmath>

#include "churn_test_util.hpp"

TEST_CASE("clv: 12 months at 1% per month matches the reference file") {
  const auto s = churn_test::cdnow_summary();
  crmkit::bg_nbd purchases;
  REQUIRE(purchases.fit(s).converged());
  crmkit::gamma_gamma spend;
  REQUIRE(spend.fit(s.frequency, s.monetary_value).converged());
  const auto ref = churn_test::read_numeric_csv(churn_test::fixture("reference_cdnow_sample_predictions.csv"));
  std::vector<double> clv(s.size()), clv4(s.size());
  crmkit::clv_options o;  // 12 periods of 4.345 weeks, 1% per period
  crmkit::customer_lifetime_value(purchases, spend, s.frequency, s.recency, s.T, s.monetary_value, clv, o);
  o.n_threads = 4;
  crmkit::customer_lifetime_value(purchases, spend, s.frequency, s.recency, s.T, s.monetary_value, clv4, o);
  double err = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    err = std::max(err, std::abs(clv[i] - ref.at("clv_12m_1pct")[i]) / std::max(1.0, ref.at("clv_12m_1pct")[i]));
    CHECK(clv[i] == clv4[i]);
  }
  MESSAGE("max relative CLV error vs reference: " << err);
  CHECK(err < 1e-6);
  // undiscounted CLV over one period is spend * E[Y(L)]
  crmkit::clv_options one;
  one.horizon = 1;
  one.discount_rate = 0;
  CHECK(crmkit::customer_lifetime_value(purchases, 20.0, 2, 30.43, 38.86, one) ==
        doctest::Approx(20.0 * purchases.conditional_expected_purchases(4.345, 2, 30.43, 38.86)));
  one.horizon = 0;
  CHECK_THROWS_AS((void)crmkit::customer_lifetime_value(purchases, 20.0, 2, 30.43, 38.86, one), crmkit::error);
}

TEST_CASE("validation: hold-out check and churn-score AUC on CDNOW") {
  const auto s = churn_test::cdnow_summary();
  crmkit::bg_nbd model;
  REQUIRE(model.fit(s).converged());
  const std::size_t n = s.size();
  std::vector<double> expected(n), silent(n), alive(n), dead(n);
  model.conditional_expected_purchases(s.duration_holdout, s.frequency, s.recency, s.T, expected);
  model.conditional_probability_no_purchase(s.duration_holdout, s.frequency, s.recency, s.T, silent);
  model.p_alive(s.frequency, s.recency, s.T, alive);
  for (std::size_t i = 0; i < n; ++i) dead[i] = 1 - alive[i];
  const auto check = crmkit::validate_holdout(s.frequency, expected, s.frequency_holdout, silent);

  // independent pair count: P(score of a silent customer > score of an active one), ties half
  auto pair_auc = [&](const std::vector<double>& score) {
    double num = 0, pairs = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (s.frequency_holdout[i] != 0) continue;
      for (std::size_t j = 0; j < n; ++j) {
        if (s.frequency_holdout[j] == 0) continue;
        num += score[i] > score[j] ? 1.0 : score[i] == score[j] ? 0.5 : 0.0;
        pairs += 1;
      }
    }
    return num / pairs;
  };
  MESSAGE("AUC P(no purchase in 39 weeks) = " << check.auc << "; predicted " << check.predicted_total << " vs actual "
                                              << check.actual_total << " hold-out purchases");
  CHECK(check.auc == doctest::Approx(pair_auc(silent)).epsilon(1e-12));
  CHECK((check.auc > 0.75 && check.auc < 0.77));
  const auto by_dead = crmkit::validate_holdout(s.frequency, expected, s.frequency_holdout, dead);
  MESSAGE("AUC 1 - P(alive) = " << by_dead.auc);
  CHECK(by_dead.auc < 0.5);  // the pitfall the header documents
  CHECK(by_dead.auc == doctest::Approx(pair_auc(dead)).epsilon(1e-12));
  // expected purchases as the score (lower = at risk): negate
  std::vector<double> neg(n);
  for (std::size_t i = 0; i < n; ++i) neg[i] = -expected[i];
  CHECK(crmkit::validate_holdout(s.frequency, expected, s.frequency_holdout, neg).auc > 0.7);

  // totals and buckets against direct sums
  double actual = 0, predicted = 0;
  std::size_t n0 = 0, silent_count = 0;
  double a0 = 0, p0 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    actual += s.frequency_holdout[i];
    predicted += expected[i];
    silent_count += s.frequency_holdout[i] == 0;
    if (s.frequency[i] == 0) {
      ++n0;
      a0 += s.frequency_holdout[i];
      p0 += expected[i];
    }
  }
  CHECK(check.actual_total == actual);
  CHECK(check.predicted_total == doctest::Approx(predicted));
  CHECK(check.silent == silent_count);
  REQUIRE(check.by_frequency.size() == 8);
  CHECK(check.by_frequency[0].customers == n0);
  CHECK(check.by_frequency[0].actual_mean == doctest::Approx(a0 / static_cast<double>(n0)));
  CHECK(check.by_frequency[0].predicted_mean == doctest::Approx(p0 / static_cast<double>(n0)));

  std::vector<double> bad(n, 0.0);
  bad[3] = -1;
  CHECK_THROWS_AS((void)crmkit::validate_holdout(s.frequency, bad, s.frequency_holdout), crmkit::error);
  CHECK(std::isnan(crmkit::validate_holdout(s.frequency, expected, s.frequency_holdout).auc));
}
