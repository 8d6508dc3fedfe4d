// summarize_btyd against the published CDNOW summaries (Hardie's BG/NBD and Gamma-Gamma
// spreadsheets as shipped by lifetimes; tests/data/cdnow/README.md).
#include <doctest/doctest.h>

#include <cmath>

#include "churn_test_util.hpp"

TEST_CASE("btyd summary: reproduces the published CDNOW sample summary exactly") {
  const auto s = churn_test::cdnow_summary();
  const auto published = churn_test::read_numeric_csv(churn_test::fixture("cdnow_customers_summary_with_transactions.csv"));
  REQUIRE(s.size() == 2357);
  REQUIRE(published.at("x").size() == 2357);
  std::size_t x_diff = 0, tx_diff = 0, T_diff = 0, z_diff = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    CHECK(s.customer[i] == static_cast<std::int32_t>(published.at("ID")[i]) - 1);
    x_diff += s.frequency[i] != published.at("x")[i];
    // the published t_x and T are rounded to 2 decimals
    tx_diff += std::abs(std::round(s.recency[i] * 100) / 100 - published.at("t_x")[i]) > 1e-9;
    T_diff += std::abs(std::round(s.T[i] * 100) / 100 - published.at("T")[i]) > 1e-9;
    z_diff += std::abs(s.monetary_value[i] - published.at("zbar")[i]) > 0.01 + 1e-9;
  }
  CHECK(x_diff == 0);
  CHECK(tx_diff == 0);
  CHECK(T_diff == 0);
  CHECK(z_diff == 0);
  // 946 repeat buyers (the Gamma-Gamma sample of Fader, Hardie & Lee 2005, note 025)
  std::size_t repeaters = 0;
  for (double x : s.frequency) repeaters += x > 0;
  CHECK(repeaters == 946);
  // the hold-out counts of the independent reference file, and 39 weeks of hold-out
  const auto ref = churn_test::read_numeric_csv(churn_test::fixture("reference_cdnow_sample_predictions.csv"));
  CHECK(s.duration_holdout == doctest::Approx(39.0));
  std::size_t h_diff = 0;
  for (std::size_t i = 0; i < s.size(); ++i) h_diff += s.frequency_holdout[i] != ref.at("x_holdout")[i];
  CHECK(h_diff == 0);
}

TEST_CASE("btyd summary: same-day purchases merge, spends add, units and hold-out") {
  // customer 0: days 0, 0, 3, 10 (calibration end day 14), then day 20 in the hold-out;
  // customer 1: first purchase after calibration end -> left out.
  std::vector<std::int32_t> c = {0, 0, 0, 0, 0, 1};
  const std::int64_t d = 86400;
  std::vector<std::int64_t> t = {0, 3600, 3 * d, 10 * d + 5, 20 * d, 16 * d};
  std::vector<double> amount = {10, 5, 7, 9, 4, 1};
  auto log = crmkit::transaction_log::from_columns(crmkit::column<std::int32_t>::owned(c),
                                                   crmkit::column<std::int64_t>::owned(t),
                                                   crmkit::column<double>::owned(amount), 2);
  crmkit::btyd_summary_options o;
  o.calibration_end = 14 * d + 100;
  o.holdout_end = 28 * d;
  o.period_days = 1;
  auto s = crmkit::summarize_btyd(log, o);
  REQUIRE(s.size() == 1);
  CHECK(s.customer[0] == 0);
  CHECK(s.frequency[0] == 2);
  CHECK(s.recency[0] == 10);
  CHECK(s.T[0] == 14);
  CHECK(s.monetary_value[0] == doctest::Approx(8.0));  // (7 + 9) / 2; the first day is excluded
  CHECK(s.frequency_holdout[0] == 1);
  CHECK(s.duration_holdout == 14);
  o.period_days = 7;
  s = crmkit::summarize_btyd(log, o);
  CHECK(s.T[0] == doctest::Approx(2.0));
}

TEST_CASE("btyd summary: bad input") {
  std::vector<std::int32_t> c = {0};
  std::vector<std::int64_t> t = {crmkit::unix_seconds(2020, 5, 1)};
  std::vector<double> amount = {-3};
  auto log = crmkit::transaction_log::from_columns(crmkit::column<std::int32_t>::owned(c),
                                                   crmkit::column<std::int64_t>::owned(t),
                                                   crmkit::column<double>::owned(amount), 1);
  crmkit::btyd_summary_options o;
  o.calibration_end = crmkit::unix_seconds(2020, 4, 1);
  CHECK_THROWS_WITH_AS((void)crmkit::summarize_btyd(log, o), doctest::Contains("before the first purchase"), crmkit::error);
  o.calibration_end = crmkit::unix_seconds(2020, 6, 1);
  CHECK_THROWS_WITH_AS((void)crmkit::summarize_btyd(log, o), doctest::Contains("negative spend"), crmkit::error);
  o.holdout_end = crmkit::unix_seconds(2020, 5, 1);
  CHECK_THROWS_AS((void)crmkit::summarize_btyd(log, o), crmkit::error);
  o.holdout_end.reset();
  o.period_days = 0;
  CHECK_THROWS_AS((void)crmkit::summarize_btyd(log, o), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::summarize_btyd(crmkit::transaction_log{}, {}), crmkit::error);
}
