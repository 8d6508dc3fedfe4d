// Modified BG/NBD on CDNOW (Batislam et al. 2007 estimates as quoted in issue 4: r = 0.525,
// alpha = 6.183, a = 0.891, b = 1.614) and BG/BB on the donations patterns (Fader, Hardie &
// Shang 2010: alpha = 1.204, beta = 0.750, gamma = 0.657, delta = 2.783).
#include <doctest/doctest.h>

#include <cmath>

#include "churn_test_util.hpp"

namespace {
double r3(double v) { return std::round(v * 1000) / 1000; }
double lbeta(double a, double b) { return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b); }
}  // namespace

TEST_CASE("modified_bg_nbd: reproduces the published CDNOW parameters") {
  const auto s = churn_test::cdnow_summary();
  crmkit::modified_bg_nbd model;
  const auto report = model.fit(s);
  REQUIRE(report.converged());
  const auto& p = model.params();
  MESSAGE("r=" << p.r << " alpha=" << p.alpha << " a=" << p.a << " b=" << p.b << " LL=" << report.log_likelihood);
  CHECK(r3(p.r) == 0.525);
  CHECK(r3(p.alpha) == 6.183);
  CHECK(r3(p.a) == 0.891);
  CHECK(r3(p.b) == 1.614);
  double ll = 0;
  for (std::size_t i = 0; i < s.size(); ++i) ll += model.log_likelihood(s.frequency[i], s.recency[i], s.T[i]);
  CHECK(ll == doctest::Approx(report.log_likelihood).epsilon(1e-12));
  // one-time buyers can be dead, unlike under BG/NBD
  CHECK(model.p_alive(0, 0, 38.86) < 1.0);
  // the expectation's slope at t = 0 is P(alive) E[lambda | data] = P(alive) (r+x)/(alpha+T)
  for (double x : {0.0, 2.0, 10.0}) {
    const double tx = x > 0 ? 20 : 0, T = 38.86, h = 1e-5;
    const double slope = model.conditional_expected_purchases(h, x, tx, T) / h;
    CHECK(slope == doctest::Approx(model.p_alive(x, tx, T) * (p.r + x) / (p.alpha + T)).epsilon(1e-4));
  }
}

TEST_CASE("bg_nbd and pareto_nbd: the expectation's slope at t = 0 is P(alive) (r+x)/(alpha+T)") {
  const crmkit::bg_nbd bg({0.243, 4.414, 0.793, 2.426});
  const crmkit::pareto_nbd pn({0.553, 10.578, 0.606, 11.669});
  for (double x : {0.0, 1.0, 7.0, 40.0}) {
    const double tx = x > 0 ? 11.5 : 0, T = 38.86, h = 1e-5;
    CHECK(bg.conditional_expected_purchases(h, x, tx, T) / h ==
          doctest::Approx(bg.p_alive(x, tx, T) * (0.243 + x) / (4.414 + T)).epsilon(1e-4));
    CHECK(pn.conditional_expected_purchases(h, x, tx, T) / h ==
          doctest::Approx(pn.p_alive(x, tx, T) * (0.553 + x) / (10.578 + T)).epsilon(1e-4));
  }
}

TEST_CASE("bg_bb: reproduces the published donations parameters") {
  const auto d = churn_test::read_numeric_csv(churn_test::fixture("donations.csv"));
  crmkit::bg_bb model;
  const auto report = model.fit(d.at("frequency"), d.at("recency"), d.at("periods"), d.at("weights"));
  REQUIRE(report.converged());
  const auto& p = model.params();
  MESSAGE("alpha=" << p.alpha << " beta=" << p.beta << " gamma=" << p.gamma << " delta=" << p.delta
                   << " LL=" << report.log_likelihood);
  CHECK(r3(p.alpha) == 1.204);
  CHECK(r3(p.beta) == 0.750);
  CHECK(r3(p.gamma) == 0.657);
  CHECK(r3(p.delta) == 2.783);
  // the weighted pattern likelihoods sum to the report's total
  double ll = 0, donors = 0;
  for (std::size_t i = 0; i < d.at("frequency").size(); ++i) {
    ll += d.at("weights")[i] * model.log_likelihood(d.at("frequency")[i], d.at("recency")[i], d.at("periods")[i]);
    donors += d.at("weights")[i];
  }
  CHECK(donors == 11104);
  {  // the published (rounded) parameters are as good to 0.05 log-likelihood units
    const crmkit::bg_bb published({1.204, 0.750, 0.657, 2.783});
    double llp = 0;
    for (std::size_t i = 0; i < d.at("frequency").size(); ++i)
      llp += d.at("weights")[i] * published.log_likelihood(d.at("frequency")[i], d.at("recency")[i], d.at("periods")[i]);
    CHECK(llp <= report.log_likelihood);
    CHECK(llp > report.log_likelihood - 0.05);
  }
  CHECK(ll == doctest::Approx(report.log_likelihood).epsilon(1e-12));
  // the likelihood is that of one purchase sequence; C(t_x-1, x-1) sequences share (x, t_x), and
  // the probabilities of all 2^6 sequences sum to 1
  double total = 0;
  for (int x = 0; x <= 6; ++x)
    for (int tx = x == 0 ? 0 : x; tx <= (x == 0 ? 0 : 6); ++tx) {
      const double sequences = x == 0 ? 1.0 : std::round(std::exp(std::lgamma(tx) - std::lgamma(x) - std::lgamma(tx - x + 1)));
      total += sequences * std::exp(model.log_likelihood(x, tx, 6));
    }
  CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
  // P(alive) in (0, 1]; a customer who bought in the last period is alive; expectations grow with the horizon
  // (x = t_x = n: alive through n for sure, so P(alive at n+1) = P(survive one more | survived n))
  CHECK(model.p_alive(6, 6, 6) == doctest::Approx(std::exp(lbeta(p.gamma, p.delta + 7) - lbeta(p.gamma, p.delta + 6))));
  CHECK(model.p_alive(1, 1, 6) < model.p_alive(1, 6, 6));
  CHECK(model.conditional_expected_purchases(0, 3, 5, 6) == 0.0);
  CHECK(model.conditional_expected_purchases(5, 3, 5, 6) < model.conditional_expected_purchases(10, 3, 5, 6));
  // for one period ahead: E = P(alive at n+1) E[p | x, n] = P(alive) (alpha+x)/(alpha+beta+n)
  CHECK(model.conditional_expected_purchases(1, 3, 5, 6) ==
        doctest::Approx(model.p_alive(3, 5, 6) * (p.alpha + 3) / (p.alpha + p.beta + 6)));
  std::vector<double> bad_x = {2}, bad_tx = {1}, bad_n = {6};
  CHECK_THROWS_WITH_AS(model.fit(bad_x, bad_tx, bad_n), doctest::Contains("0 <= x <= t_x"), crmkit::error);
}
