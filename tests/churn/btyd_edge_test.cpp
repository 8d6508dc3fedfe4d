// Edge cases of the BTYD fits met on real data (UCI Online Retail): customers whose first
// purchase is on the calibration-end day (T = 0), rows named by customer, data without
// dropout (parameters drifting to infinity).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "churn_test_util.hpp"

namespace {

// The CDNOW sample summarised at 1997-03-25: every customer's first purchase is in Q1
// 1997, so some first bought on that very day (T = 0).
crmkit::btyd_summary summary_with_zero_ages() {
  crmkit::btyd_summary_options options;
  options.calibration_end = crmkit::unix_seconds(1997, 3, 25);
  return crmkit::summarize_btyd(churn_test::cdnow_sample().transactions(), options);
}

std::size_t count_zero_ages(const crmkit::btyd_summary& s) {
  std::size_t n = 0;
  for (double t : s.T) n += t == 0;
  return n;
}

}  // namespace

TEST_CASE("btyd fits accept the T = 0 rows summarize_btyd produces; they do not move the fit") {
  {
    const auto s = summary_with_zero_ages();
    REQUIRE(count_zero_ages(s) > 0);
    crmkit::fit_options quick;
    quick.max_iter = 20;
    quick.standard_errors = false;
    crmkit::bg_nbd bg;
    crmkit::pareto_nbd pareto;
    crmkit::modified_bg_nbd mbg;
    CHECK_NOTHROW((void)bg.fit(s, quick));
    CHECK_NOTHROW((void)pareto.fit(s, quick));
    CHECK_NOTHROW((void)mbg.fit(s, quick));
  }
  // The published CDNOW summary with and without 50 customers first seen on the
  // calibration-end day (x = t_x = T = 0).
  const auto s = churn_test::cdnow_summary();
  crmkit::btyd_summary with = s;
  for (int k = 0; k < 50; ++k) {
    with.customer.push_back(100000 + k);
    with.frequency.push_back(0);
    with.recency.push_back(0);
    with.T.push_back(0);
    with.monetary_value.push_back(0);
  }
  crmkit::fit_options options;
  options.standard_errors = false;
  auto same = [](const auto& a, const auto& b) {
    CHECK(a.r == doctest::Approx(b.r).epsilon(1e-5));
    CHECK(a.alpha == doctest::Approx(b.alpha).epsilon(1e-5));
  };
  SUBCASE("bg_nbd") {
    crmkit::bg_nbd a, b;
    const auto ra = a.fit(with, options), rb = b.fit(s, options);
    CHECK(ra.converged());
    CHECK(ra.log_likelihood == doctest::Approx(rb.log_likelihood).epsilon(1e-9));
    same(a.params(), b.params());
    CHECK(a.params().b == doctest::Approx(b.params().b).epsilon(1e-5));
  }
  SUBCASE("pareto_nbd") {
    crmkit::pareto_nbd a, b;
    const auto ra = a.fit(with, options), rb = b.fit(s, options);
    CHECK(ra.converged());
    CHECK(ra.log_likelihood == doctest::Approx(rb.log_likelihood).epsilon(1e-9));
    same(a.params(), b.params());
  }
  SUBCASE("modified_bg_nbd") {
    crmkit::modified_bg_nbd a, b;
    const auto ra = a.fit(with, options), rb = b.fit(s, options);
    CHECK(ra.converged());
    CHECK(ra.log_likelihood == doctest::Approx(rb.log_likelihood).epsilon(1e-9));
    same(a.params(), b.params());
  }
}

TEST_CASE("btyd log-likelihoods are exactly 0 at x = t_x = T = 0 for any parameters") {
  for (const crmkit::bg_nbd_params p : {crmkit::bg_nbd_params{0.243, 4.414, 0.793, 2.426},
                                        crmkit::bg_nbd_params{3.1, 0.02, 17.0, 0.3}}) {
    CHECK(crmkit::bg_nbd(p).log_likelihood(0, 0, 0) == 0.0);
    CHECK(crmkit::modified_bg_nbd(p).log_likelihood(0, 0, 0) == 0.0);
    CHECK(crmkit::pareto_nbd({p.r, p.alpha, p.a, p.b}).log_likelihood(0, 0, 0) == 0.0);
    CHECK(crmkit::bg_bb({p.r, p.alpha, p.a, p.b}).log_likelihood(0, 0, 0) == 0.0);
  }
  // BG/BB: patterns with no opportunity yet (n = 0) are accepted by the fit and change
  // nothing (the published donations patterns plus one such pattern of weight 500).
  const auto d = churn_test::read_numeric_csv(churn_test::fixture("donations.csv"));
  auto x = d.at("frequency"), tx = d.at("recency"), n = d.at("periods"), w = d.at("weights");
  x.push_back(0);
  tx.push_back(0);
  n.push_back(0);
  w.push_back(500);
  crmkit::fit_options options;
  options.standard_errors = false;
  crmkit::bg_bb with, without;
  const auto rw = with.fit(x, tx, n, w, options);
  const auto ro = without.fit(d.at("frequency"), d.at("recency"), d.at("periods"), d.at("weights"), options);
  CHECK(rw.converged());
  CHECK(rw.log_likelihood == doctest::Approx(ro.log_likelihood).epsilon(1e-9));
  CHECK(with.params().alpha == doctest::Approx(without.params().alpha).epsilon(1e-5));
  CHECK(with.params().delta == doctest::Approx(without.params().delta).epsilon(1e-5));
}

TEST_CASE("btyd fits: x > 0 with T = 0 is rejected; summary rows are named by customer index") {
  const std::vector<double> x = {1, 2, 1}, tx = {0, 3, 2}, T = {0, 5, 4};
  crmkit::bg_nbd model;
  CHECK_THROWS_WITH_AS(model.fit(x, tx, T), doctest::Contains("row 0: frequency 1 with T 0"), crmkit::error);
  auto s = summary_with_zero_ages();
  s.T[3] = -1.0;
  const std::string who = "customer index " + std::to_string(s.customer[3]) + " (row 3)";
  CHECK_THROWS_WITH_AS(model.fit(s), doctest::Contains(who.c_str()), crmkit::error);
  crmkit::pareto_nbd pareto;
  CHECK_THROWS_WITH_AS(pareto.fit(s), doctest::Contains(who.c_str()), crmkit::error);
  crmkit::modified_bg_nbd mbg;
  CHECK_THROWS_WITH_AS(mbg.fit(s), doctest::Contains(who.c_str()), crmkit::error);
}

TEST_CASE("btyd fits on data without dropout stop quickly at the boundary") {
  // Every customer buys once a week from the first week to the calibration end: no sign of
  // dropout and no heterogeneity. The likelihood rises towards p -> 0 (or mu -> 0) and a
  // degenerate purchase rate; the fits used to run towards 1e8 until the iteration limit.
  std::vector<double> x, tx, T;
  for (int c = 0; c < 300; ++c) {
    const double age = 10 + c % 40;
    x.push_back(age);
    tx.push_back(age);
    T.push_back(age);
  }
  crmkit::fit_options options;
  auto check = [&](const crmkit::fit_report& report) {
    CHECK(report.status == crmkit::fit_status::boundary);
    CHECK(report.iterations < 200);
    CHECK(report.message.find("bound") != std::string::npos);
    CHECK(std::string(crmkit::to_string(report.status)) == "a parameter went to the boundary");
  };
  crmkit::bg_nbd bg;
  check(bg.fit(x, tx, T, {}, options));
  CHECK(bg.fitted());
  crmkit::pareto_nbd pareto;
  check(pareto.fit(x, tx, T, {}, options));
  crmkit::modified_bg_nbd mbg;
  check(mbg.fit(x, tx, T, {}, options));
  options.parameter_bound = 1.0;
  CHECK_THROWS_AS(bg.fit(x, tx, T, {}, options), crmkit::error);
}
