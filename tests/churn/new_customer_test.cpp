// crmkit/churn/new_customer.hpp: a new customer's expected purchases under BG/NBD and
// Pareto/NBD equal the closed forms and the mean of a simulation from the models' own
// generative story; revenue is E[X(t)] times the Gamma-Gamma mean spend.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "crmkit/churn/new_customer.hpp"
#include "crmkit/error.hpp"
#include "crmkit/synth/random.hpp"

namespace {

namespace synth = crmkit::detail::synth;

struct moments {
  double mean = 0, se = 0;
};

template <class Draw>
moments simulate(int n, Draw&& draw) {
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double v = draw();
    s += v;
    s2 += v * v;
  }
  const double mean = s / n;
  return {mean, std::sqrt((s2 / n - mean * mean) / n)};
}

}  // namespace

TEST_CASE("new customer: BG/NBD expected purchases = closed form = simulation") {
  const double r = 0.243, alpha = 4.414, a = 0.793, b = 2.426;  // FHL 2005's CDNOW fit
  auto m = crmkit::make_btyd_model("bg_nbd");
  const double p[] = {r, alpha, a, b};
  m->set_params(p);
  const double horizons[] = {0, 39, 78};
  const auto f = crmkit::forecast_new_customer(*m, horizons);
  REQUIRE(f.expected_purchases.size() == 3);
  CHECK(f.expected_purchases[0] == 0.0);
  CHECK(f.expected_revenue.empty());
  synth::random_stream rng(17, 0, 0);
  for (std::size_t h = 1; h < 3; ++h) {
    const double t = horizons[h];
    const auto sim = simulate(400000, [&] {
      const double lambda = synth::sample_gamma(rng, r) / alpha;
      const double g1 = synth::sample_gamma(rng, a), g2 = synth::sample_gamma(rng, b);
      const double drop = g1 / (g1 + g2);
      // purchases at Poisson(lambda) times; after each one the customer leaves with prob. drop
      double clock = 0, count = 0;
      if (lambda <= 0) return 0.0;
      while (true) {
        clock += synth::sample_exponential(rng) / lambda;
        if (clock > t) break;
        count += 1;
        if (rng.uniform() < drop) break;
      }
      return count;
    });
    CAPTURE(t);
    CAPTURE(sim.mean);
    CAPTURE(sim.se);
    CHECK(std::abs(f.expected_purchases[h] - sim.mean) < 4 * sim.se);
  }
  // the formula of FHL 2005 eq. 9 at one horizon, by its hypergeometric series
  const double t = 39, z = t / (alpha + t);
  double term = 1, sum = 1;
  for (int k = 0; k < 2000; ++k) {
    term *= (r + k) * (b + k) / ((a + b - 1 + k) * (k + 1)) * z;
    sum += term;
  }
  const double closed = (a + b - 1) / (a - 1) * (1 - std::pow(alpha / (alpha + t), r) * sum);
  CHECK(f.expected_purchases[1] == doctest::Approx(closed).epsilon(1e-10));
}

TEST_CASE("new customer: Pareto/NBD expected purchases = closed form = simulation; revenue") {
  const double r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67;  // FH's CDNOW Pareto/NBD fit
  auto m = crmkit::make_btyd_model(crmkit::btyd_kind::pareto_nbd);
  const double p[] = {r, alpha, s, beta};
  m->set_params(p);
  crmkit::gamma_gamma gg({6.25, 3.74, 15.44});  // FH note 025's CDNOW spend fit
  const double horizons[] = {52};
  const auto f = crmkit::forecast_new_customer(*m, horizons, &gg);
  const double closed = r * beta / (alpha * (s - 1)) * (1 - std::pow(beta / (beta + 52), s - 1));
  CHECK(f.expected_purchases[0] == doctest::Approx(closed).epsilon(1e-13));
  REQUIRE(f.expected_revenue.size() == 1);
  CHECK(f.expected_revenue[0] == doctest::Approx(closed * 6.25 * 15.44 / (3.74 - 1)).epsilon(1e-13));
  synth::random_stream rng(18, 0, 0);
  const auto sim = simulate(400000, [&] {
    const double lambda = synth::sample_gamma(rng, r) / alpha;
    const double mu = synth::sample_gamma(rng, s) / beta;
    const double tau = synth::sample_exponential(rng) / mu;
    return static_cast<double>(synth::sample_poisson(rng, lambda * std::min(52.0, tau)));
  });
  CAPTURE(sim.mean);
  CHECK(std::abs(f.expected_purchases[0] - sim.mean) < 4 * sim.se);
}

TEST_CASE("new customer: bad horizons and unfitted models are errors") {
  auto m = crmkit::make_btyd_model("bg_bb");
  const double h[] = {3.5};
  CHECK_THROWS_AS((void)crmkit::forecast_new_customer(*m, h), crmkit::error);  // not fitted
  const double p[] = {1.2, 0.75, 0.66, 2.78};
  m->set_params(p);
  CHECK_THROWS_WITH_AS((void)crmkit::forecast_new_customer(*m, h), doctest::Contains("horizons[0]"), crmkit::error);
  const double whole[] = {0, 5};
  const auto f = crmkit::forecast_new_customer(*m, whole);
  CHECK(f.expected_purchases[0] == 0.0);
  // BG/BB: the mean of its own unconditional purchase-count distribution (FHS 2010 eq. 7)
  double mean = 0;
  for (int k = 1; k <= 5; ++k) mean += k * m->probability_of_n_purchases(k, 5);
  CHECK(f.expected_purchases[1] == doctest::Approx(mean).epsilon(1e-12));
  auto bg = crmkit::make_btyd_model("bg_nbd");
  const double q[] = {0.243, 4.414, 0.793, 2.426};
  bg->set_params(q);
  const double negative[] = {1, -1};
  CHECK_THROWS_WITH_AS((void)crmkit::forecast_new_customer(*bg, negative), doctest::Contains("horizons[1]"),
                       crmkit::error);
}
