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
  crmkit::clv_options o;  // 12 periods of 30.415 days (4.345 weeks), 1% per period
  crmkit::customer_lifetime_value(purchases, spend, s, clv, o);  // weeks, from the summary
  o.n_threads = 4;
  o.model_period_days = 7;
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
  one.model_period_days = 7;
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

TEST_CASE("clv: the horizon is calendar time whatever the model's time unit") {
  // The CDNOW sample summarised in weeks and in days; fixed BG/NBD and Pareto/NBD
  // parameters in weeks, converted to days (the rate parameters alpha and beta scale with
  // the period length; r, a, b, s are unitless). 12 months of 30.415 days either way.
  const auto data = churn_test::cdnow_sample();
  crmkit::btyd_summary_options options;
  options.calibration_end = crmkit::unix_seconds(1997, 9, 30);
  const auto weeks = crmkit::summarize_btyd(data.transactions(), options);
  options.period_days = 1;
  const auto days = crmkit::summarize_btyd(data.transactions(), options);
  CHECK(weeks.period_days == 7.0);
  CHECK(days.period_days == 1.0);
  const crmkit::bg_nbd bg_w({0.243, 4.414, 0.793, 2.426}), bg_d({0.243, 7 * 4.414, 0.793, 2.426});
  const crmkit::pareto_nbd pn_w({0.553, 10.58, 0.606, 11.67}), pn_d({0.553, 7 * 10.58, 0.606, 7 * 11.67});
  const crmkit::gamma_gamma spend({6.25, 3.74, 15.44});
  std::vector<double> w(weeks.size()), d(days.size());
  crmkit::customer_lifetime_value(bg_w, spend, weeks, w);
  crmkit::customer_lifetime_value(bg_d, spend, days, d);
  for (std::size_t i = 0; i < w.size(); ++i) CHECK(d[i] == doctest::Approx(w[i]).epsilon(1e-9));
  crmkit::customer_lifetime_value(pn_w, spend, weeks, w);
  crmkit::customer_lifetime_value(pn_d, spend, days, d);
  for (std::size_t i = 0; i < w.size(); ++i) CHECK(d[i] == doctest::Approx(w[i]).epsilon(1e-9));
  // A 12-period horizon is 12 months, not 12 days: far more than a 12-day CLV.
  crmkit::clv_options twelve_days;
  twelve_days.period_days = 1;
  std::vector<double> short_(days.size());
  crmkit::customer_lifetime_value(bg_d, spend, days, short_, twelve_days);
  CHECK(short_[0] < 0.1 * d[0]);
  // A mismatch between the model's stated unit and the summary's is refused, as is a
  // missing unit with bare arrays.
  crmkit::clv_options wrong;
  wrong.model_period_days = 7;
  CHECK_THROWS_WITH_AS(crmkit::customer_lifetime_value(bg_d, spend, days, d, wrong),
                       doctest::Contains("differs from the summary's period of 1 days"), crmkit::error);
  CHECK_THROWS_WITH_AS(crmkit::customer_lifetime_value(bg_d, spend, days.frequency, days.recency, days.T,
                                                       days.monetary_value, d, crmkit::clv_options{}),
                       doctest::Contains("model_period_days is not set"), crmkit::error);
}
