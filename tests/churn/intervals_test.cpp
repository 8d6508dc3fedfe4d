// crmkit/churn/intervals.hpp: coverage of the 90% intervals checked by simulation (200 data
// sets from known BG/NBD parameters: the parameters, one customer's P(alive) and expected
// purchases by the delta method); the delta method's total equals a direct computation; the
// bootstrap is deterministic for a seed and bit-identical for any thread count; the
// covariance travels in the model document.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "churn_test_util.hpp"
#include "crmkit/churn/intervals.hpp"
#include "crmkit/error.hpp"

TEST_CASE("intervals: 90% intervals cover the truth in 80-97% of 200 simulated data sets") {
  const double truth[4] = {0.5, 6.0, 0.7, 2.5};
  auto true_model = crmkit::make_btyd_model("bg_nbd");
  true_model->set_params(truth);
  // one customer's P(alive) and expected purchases in the next 26 weeks
  const std::vector<double> cx = {3}, ctx = {20}, cT = {40};
  std::vector<double> true_alive(1), true_expected(1);
  true_model->conditional_probability_alive(cx, ctx, cT, true_alive);
  true_model->conditional_expected_number_of_purchases_up_to_time(26, cx, ctx, cT, true_expected);
  int covered[4] = {0, 0, 0, 0}, alive_covered = 0, expected_covered = 0, used = 0;
  for (std::uint64_t rep = 0; rep < 200; ++rep) {
    const auto d = churn_test::simulate_bg_nbd(1500, truth, 1000 + rep, 1);
    auto m = crmkit::make_btyd_model("bg_nbd");
    const auto report = m->fit(d.x, d.tx, d.T);
    if (!report.converged()) continue;
    ++used;
    const auto ci = crmkit::parameter_intervals(*m, 0.9);
    for (std::size_t j = 0; j < 4; ++j) covered[j] += ci[j].lower <= truth[j] && truth[j] <= ci[j].upper;
    const auto alive = crmkit::delta_method_intervals(*m, crmkit::btyd_prediction::p_alive, 0, cx, ctx, cT);
    alive_covered += alive.lower[0] <= true_alive[0] && true_alive[0] <= alive.upper[0];
    const auto expected =
        crmkit::delta_method_intervals(*m, crmkit::btyd_prediction::expected_purchases, 26, cx, ctx, cT);
    expected_covered += expected.lower[0] <= true_expected[0] && true_expected[0] <= expected.upper[0];
  }
  CHECK(used >= 195);
  for (int j = 0; j < 4; ++j) {
    CAPTURE(j);
    CAPTURE(covered[j]);
    const double share = static_cast<double>(covered[j]) / used;
    CHECK(share >= 0.80);
    CHECK(share <= 0.97);
  }
  CAPTURE(alive_covered);
  CAPTURE(expected_covered);
  CHECK(static_cast<double>(alive_covered) / used >= 0.80);
  CHECK(static_cast<double>(alive_covered) / used <= 0.97);
  CHECK(static_cast<double>(expected_covered) / used >= 0.80);
  CHECK(static_cast<double>(expected_covered) / used <= 0.97);
}

TEST_CASE("intervals: totals, the bootstrap's determinism, and the covariance in the document") {
  const auto s = churn_test::cdnow_summary();
  auto m = crmkit::make_btyd_model("bg_nbd");
  m->fit(s);
  REQUIRE(m->report() != nullptr);
  REQUIRE(m->report()->covariance.size() == 16);
  for (std::size_t i = 0; i < 4; ++i)
    CHECK(std::sqrt(m->report()->covariance[i * 4 + i]) == doctest::Approx(m->report()->standard_errors[i]).epsilon(1e-14));
  CHECK(m->report()->covariance[1] == m->report()->covariance[4]);  // symmetric

  // A segment: the first 300 customers.
  const std::span<const double> x(s.frequency.data(), 300), tx(s.recency.data(), 300), T(s.T.data(), 300);
  const auto per = crmkit::delta_method_intervals(*m, crmkit::btyd_prediction::expected_purchases, 39, x, tx, T);
  const auto total = crmkit::delta_method_total_interval(*m, crmkit::btyd_prediction::expected_purchases, 39, x, tx, T);
  double sum = 0, se_sum = 0;
  for (std::size_t i = 0; i < 300; ++i) {
    sum += per.estimate[i];
    se_sum += per.standard_error[i];
    CHECK(per.lower[i] <= per.estimate[i]);
    CHECK(per.estimate[i] <= per.upper[i]);
  }
  CHECK(total.estimate == doctest::Approx(sum).epsilon(1e-12));
  CHECK(total.standard_error <= se_sum * (1 + 1e-12));  // sums of correlated errors: at most the sum of SEs
  CHECK(total.standard_error > 0);

  crmkit::interval_options o;
  o.n_draws = 400;
  o.seed = 11;
  const auto one = crmkit::bootstrap_total_interval(*m, crmkit::btyd_prediction::expected_purchases, 39, x, tx, T, o);
  o.n_threads = 3;
  const auto three = crmkit::bootstrap_total_interval(*m, crmkit::btyd_prediction::expected_purchases, 39, x, tx, T, o);
  CHECK(one.lower == three.lower);
  CHECK(one.upper == three.upper);
  CHECK(one.standard_error == three.standard_error);
  CHECK(one.estimate == total.estimate);
  // the bootstrap and the delta method agree on the spread to within the draws' noise
  CHECK(one.standard_error == doctest::Approx(total.standard_error).epsilon(0.15));
  CHECK(one.lower < one.estimate);
  CHECK(one.estimate < one.upper);
  o.seed = 12;
  const auto other = crmkit::bootstrap_total_interval(*m, crmkit::btyd_prediction::expected_purchases, 39, x, tx, T, o);
  CHECK(other.lower != one.lower);

  const auto back = crmkit::load_btyd_model(m->to_text());
  REQUIRE(back->report() != nullptr);
  CHECK(back->report()->covariance == m->report()->covariance);
  // a model given its parameters has no covariance: an error that says so
  auto given = crmkit::make_btyd_model("bg_nbd");
  given->set_params(m->params());
  CHECK_THROWS_WITH_AS((void)crmkit::parameter_intervals(*given), doctest::Contains("no parameter covariance"),
                       crmkit::error);
  CHECK_NOTHROW((void)crmkit::parameter_intervals(*given, 0.9, m->report()->covariance));
  CHECK_THROWS_WITH_AS((void)crmkit::parameter_intervals(*m, 1.0), doctest::Contains("level"), crmkit::error);
}
