// Conditional purchase-count distributions P(Y(t) = n | x, t_x, T) of every BTYD model and
// the BG/BB DERT: they sum to 1, their mean is the model's conditional expectation (an
// independent closed form), P(0) equals the no-purchase probabilities computed another way,
// and the unconditional case is the published unconditional PMF (FHL 2005 eq. 8).
// Independent numerical integration and Monte Carlo over the posterior are in
// tests/python/test_churn_numerics.py.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "churn_test_util.hpp"

namespace {
struct customer {
  double x, tx, T;
};
const std::vector<customer> continuous_customers = {
    {0, 0, 0}, {0, 0, 38.86}, {2, 30.43, 38.86}, {7, 35, 38.86}, {50, 38, 39}, {1, 1, 100}};

// Sums P(n) and n P(n) over n = 0..n_max (the tail beyond is checked to be negligible).
template <class PMF>
std::pair<double, double> moments(PMF&& pmf, int n_max) {
  double total = 0, mean = 0;
  for (int n = 0; n <= n_max; ++n) {
    const double p = pmf(n);
    REQUIRE(std::isfinite(p));
    REQUIRE(p >= 0);
    total += p;
    mean += n * p;
  }
  return {total, mean};
}
}  // namespace

TEST_CASE("BG/NBD and modified BG/NBD conditional PMF: sums to 1, mean = E[Y(t)], P(0), unconditional") {
  const crmkit::bg_nbd bg({0.243, 4.414, 0.793, 2.426});
  const crmkit::modified_bg_nbd mbg({0.525, 6.183, 0.891, 1.614});
  for (double t : {1.0, 39.0, 104.0}) {
    for (const auto& c : continuous_customers) {
      INFO("t=" << t << " x=" << c.x << " tx=" << c.tx << " T=" << c.T);
      const auto [total, mean] = moments([&](int n) { return bg.conditional_probability_of_purchases(n, t, c.x, c.tx, c.T); }, 3000);
      CHECK(total == doctest::Approx(1.0).epsilon(1e-10));
      CHECK(mean == doctest::Approx(bg.conditional_expected_purchases(t, c.x, c.tx, c.T)).epsilon(1e-9));
      CHECK(bg.conditional_probability_of_purchases(0, t, c.x, c.tx, c.T) ==
            doctest::Approx(bg.conditional_probability_no_purchase(t, c.x, c.tx, c.T)).epsilon(1e-13));
      const auto [mtotal, mmean] = moments([&](int n) { return mbg.conditional_probability_of_purchases(n, t, c.x, c.tx, c.T); }, 3000);
      CHECK(mtotal == doctest::Approx(1.0).epsilon(1e-10));
      CHECK(mmean == doctest::Approx(mbg.conditional_expected_purchases(t, c.x, c.tx, c.T)).epsilon(1e-9));
      CHECK(mbg.conditional_probability_of_purchases(0, t, c.x, c.tx, c.T) ==
            doctest::Approx(mbg.conditional_probability_no_purchase(t, c.x, c.tx, c.T)).epsilon(1e-13));
    }
    for (int n = 0; n < 30; ++n)  // FHL 2005 eq. 8 (the existing unconditional PMF, with its own NBD-CDF sum)
      CHECK(bg.conditional_probability_of_purchases(n, t, 0, 0, 0) ==
            doctest::Approx(bg.probability_of_purchases(n, t)).epsilon(1e-11));
  }
  // t = 0: nothing can happen
  CHECK(bg.conditional_probability_of_purchases(0, 0, 2, 30.43, 38.86) == 1.0);
  CHECK(bg.conditional_probability_of_purchases(1, 0, 2, 30.43, 38.86) == 0.0);
  CHECK_THROWS_AS((void)bg.conditional_probability_of_purchases(-1, 39, 2, 30.43, 38.86), crmkit::error);
  CHECK_THROWS_AS((void)bg.conditional_probability_of_purchases(1, -1, 2, 30.43, 38.86), crmkit::error);
}

TEST_CASE("Pareto/NBD conditional PMF: sums to 1, mean = E[Y(t)], P(0) = the 2F1 closed form") {
  for (const crmkit::pareto_nbd_params& p :
       {crmkit::pareto_nbd_params{0.553, 10.578, 0.606, 11.669}, crmkit::pareto_nbd_params{2.0, 5.0, 3.0, 40.0},
        crmkit::pareto_nbd_params{0.5, 2e5, 0.6, 0.01}}) {
    const crmkit::pareto_nbd model(p);
    for (double t : {1.0, 39.0, 104.0}) {
      for (const auto& c : continuous_customers) {
        INFO("params " << p.r << " " << p.alpha << " " << p.s << " " << p.beta << " t=" << t << " x=" << c.x
                       << " tx=" << c.tx << " T=" << c.T);
        const auto [total, mean] =
            moments([&](int n) { return model.conditional_probability_of_purchases(n, t, c.x, c.tx, c.T); }, 1500);
        CHECK(total == doctest::Approx(1.0).epsilon(1e-10));
        CHECK(mean == doctest::Approx(model.conditional_expected_purchases(t, c.x, c.tx, c.T)).epsilon(1e-9));
        CHECK(model.conditional_probability_of_purchases(0, t, c.x, c.tx, c.T) ==
              doctest::Approx(model.conditional_probability_no_purchase(t, c.x, c.tx, c.T)).epsilon(1e-11));
      }
    }
  }
}

TEST_CASE("BG/BB conditional PMF and DERT") {
  const crmkit::bg_bb model({1.204, 0.750, 0.657, 2.783});  // FHS 2010, donations
  struct pattern {
    double x, tx, n;
  };
  for (const pattern& c : {pattern{0, 0, 0}, pattern{0, 0, 6}, pattern{3, 4, 6}, pattern{6, 6, 6}, pattern{2, 2, 6}}) {
    for (double n_star : {0.0, 1.0, 5.0, 10.0}) {
      INFO("x=" << c.x << " tx=" << c.tx << " n=" << c.n << " n*=" << n_star);
      double total = 0, mean = 0;
      for (int k = 0; k <= static_cast<int>(n_star) + 2; ++k) {
        const double p = model.conditional_probability_of_purchases(k, n_star, c.x, c.tx, c.n);
        CHECK(p >= 0);
        if (k > n_star) CHECK(p == 0.0);
        total += p;
        mean += k * p;
      }
      CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
      if (c.n >= 1) CHECK(mean == doctest::Approx(model.conditional_expected_purchases(n_star, c.x, c.tx, c.n)).epsilon(1e-11));
    }
    // DERT against the defining discounted sum of per-opportunity purchase probabilities
    // (differences of the conditional expectation, FHS eq. 13).
    if (c.n >= 1) {
      for (double d : {0.1, 0.01}) {
        double sum = 0, previous = 0, discount = 1;
        for (int k = 1; k <= 20000; ++k) {
          const double cumulative = model.conditional_expected_purchases(k, c.x, c.tx, c.n);
          discount /= 1 + d;
          sum += (cumulative - previous) * discount;
          previous = cumulative;
        }
        CHECK(model.discounted_expected_residual_transactions(d, c.x, c.tx, c.n) == doctest::Approx(sum).epsilon(1e-9));
      }
    }
  }
  // The unconditional PMF, FHS 2010 eq. 7, written out here.
  const auto& p = model.params();
  auto lb = [](double a, double b) { return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b); };
  auto choose = [](double a, double b) { return std::exp(std::lgamma(a + 1) - std::lgamma(b + 1) - std::lgamma(a - b + 1)); };
  const double n = 6;
  for (int x = 0; x <= 6; ++x) {
    double eq7 = choose(n, x) * std::exp(lb(p.alpha + x, p.beta + n - x) - lb(p.alpha, p.beta) + lb(p.gamma, p.delta + n) -
                                         lb(p.gamma, p.delta));
    for (int i = x; i < n; ++i)
      eq7 += choose(i, x) * std::exp(lb(p.alpha + x, p.beta + i - x) - lb(p.alpha, p.beta) + lb(p.gamma + 1, p.delta + i) -
                                     lb(p.gamma, p.delta));
    CHECK(model.conditional_probability_of_purchases(x, n, 0, 0, 0) == doctest::Approx(eq7).epsilon(1e-12));
  }
  CHECK_THROWS_AS((void)model.conditional_probability_of_purchases(0, 1.5, 3, 4, 6), crmkit::error);
  CHECK_THROWS_AS((void)model.discounted_expected_residual_transactions(0.0, 3, 4, 6), crmkit::error);
  CHECK_THROWS_AS((void)model.conditional_probability_no_purchase(1, 3, 2, 6), crmkit::error);  // x > t_x
}
