#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/pareto/pareto.hpp"

TEST_CASE("closed forms: all equal gives Gini 0, one holder gives (n-1)/n") {
  for (std::size_t n : {1u, 2u, 5u, 1000u}) {
    const std::vector<double> equal(n, 3.5);
    const auto p = crmkit::pareto(equal);
    CHECK(p.gini == doctest::Approx(0.0).epsilon(1e-12));
    CHECK(p.share_of_top(0.2) == doctest::Approx(std::ceil(0.2 * static_cast<double>(n)) / static_cast<double>(n)));
    std::vector<double> one(n, 0.0);
    one[n / 2] = 42.0;
    const auto q = crmkit::pareto(one);
    CHECK(q.gini == doctest::Approx(static_cast<double>(n - 1) / static_cast<double>(n)).epsilon(1e-12));
    CHECK(q.key_customers == 1);
    CHECK(q.share_of_top(1.0 / static_cast<double>(n)) == 1.0);
    CHECK(q.abc[n / 2] == crmkit::abc_class::a);
  }
}

TEST_CASE("a hand-checkable 80/20 case") {
  // Values 50, 30, 10, 5, 5 (total 100), given out of order.
  const std::vector<double> v = {5, 50, 10, 30, 5};
  const auto p = crmkit::pareto(v);
  CHECK(p.total == 100);
  CHECK(p.order == std::vector<std::uint32_t>{1, 3, 2, 0, 4});
  CHECK(p.key_customers == 2);  // 50 + 30 = 80 >= 80
  CHECK(p.key_customer_share == 0.4);
  CHECK(p.top_share == 0.5);    // ceil(0.2 * 5) = 1 customer
  // A: 50 (before 0), 30 (before 50 < 80); B: 10 (before 80 < 95), 5 (before 90 < 95);
  // C: the last 5 (before 95).
  using crmkit::abc_class;
  CHECK(p.abc == std::vector<abc_class>{abc_class::b, abc_class::a, abc_class::b, abc_class::a, abc_class::c});
  CHECK(p.abc_count[0] == 2);
  CHECK(p.abc_count[1] == 2);
  CHECK(p.abc_count[2] == 1);
  // Lorenz: ascending 5, 5, 10, 30, 50 -> 0, .05, .1, .2, .5, 1
  const std::vector<double> y = {0, .05, .1, .2, .5, 1};
  for (std::size_t i = 0; i < y.size(); ++i) CHECK(p.lorenz_y[i] == doctest::Approx(y[i]).epsilon(1e-15));
  // Gini = 1 - (0+.05 + .05+.1 + .1+.2 + .2+.5 + .5+1)/5 = 1 - 2.7/5 = 0.46
  CHECK(p.gini == doctest::Approx(0.46).epsilon(1e-14));
  // The textbook formula with ascending x: G = 2 sum(i x_i) / (n sum x) - (n + 1) / n.
  const double textbook = 2.0 * (1 * 5 + 2 * 5 + 3 * 10 + 4 * 30 + 5 * 50) / (5.0 * 100) - 6.0 / 5.0;
  CHECK(p.gini == doctest::Approx(textbook).epsilon(1e-14));
  // Downsampled curve: 101 points on the same broken line.
  REQUIRE(p.lorenz_sample_x.size() == 101);
  CHECK(p.lorenz_sample_y[20] == doctest::Approx(0.05));
  CHECK(p.lorenz_sample_y[30] == doctest::Approx(0.075));  // halfway between .05 and .1
  CHECK(p.lorenz_sample_y[100] == 1.0);
  CHECK(p.customers_for_share(0.5) == 1);
  CHECK(p.customers_for_share(0.95) == 4);
  CHECK(p.customers_for_share(1.0) == 5);
}

TEST_CASE("top share counts ceil(p n) customers without floating-point surprises") {
  std::vector<double> v(30);
  std::iota(v.begin(), v.end(), 1.0);
  const auto p = crmkit::pareto(v);
  // 0.1 * 30 = 3.0000000000000004 in doubles: still the top 3 (30 + 29 + 28).
  CHECK(p.share_of_top(0.1) == doctest::Approx((30.0 + 29 + 28) / 465.0).epsilon(1e-15));
  CHECK_THROWS_AS((void)p.share_of_top(0.0), crmkit::error);
  CHECK_THROWS_AS((void)p.share_of_top(1.5), crmkit::error);
}

TEST_CASE("by group equals the analysis of each group alone") {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> spend(3.0, 1.2);
  std::vector<double> v(3000);
  std::vector<std::int32_t> g(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    v[i] = spend(rng);
    g[i] = static_cast<std::int32_t>(rng() % 4);
  }
  const auto grouped = crmkit::pareto_by_group(v, g, 5);  // group 4 stays empty
  double overall = 0.0;
  for (double x : v) overall += x;
  for (std::int32_t k = 0; k < 4; ++k) {
    std::vector<double> mine;
    std::vector<std::size_t> where;
    for (std::size_t i = 0; i < v.size(); ++i)
      if (g[i] == k) {
        mine.push_back(v[i]);
        where.push_back(i);
      }
    const auto alone = crmkit::pareto(mine);
    const auto& s = grouped.groups[static_cast<std::size_t>(k)];
    CHECK(s.n == mine.size());
    CHECK(s.gini == alone.gini);
    CHECK(s.key_customers == alone.key_customers);
    CHECK(s.top_share == alone.top_share);
    CHECK(grouped.value_share[static_cast<std::size_t>(k)] == doctest::Approx(alone.total / overall));
    for (std::size_t j = 0; j < where.size(); ++j) CHECK(grouped.abc[where[j]] == alone.abc[j]);
  }
  CHECK(grouped.groups[4].n == 0);
  CHECK(std::isnan(grouped.groups[4].gini));
  CHECK_THROWS_AS((void)crmkit::pareto_by_group(v, g, 3), crmkit::error);
}

TEST_CASE("low-return customers: long inactive and low in value") {
  const std::vector<double> recency = {400, 10, 500, 800, 30, 366};
  const std::vector<double> value = {1, 1, 100, 2, 2, 3};
  crmkit::low_return_options o;
  o.max_value = 2.5;
  CHECK(crmkit::low_return_customers(recency, value, o) == std::vector<std::uint32_t>{0, 3});
  o.min_recency_days = 30;
  CHECK(crmkit::low_return_customers(recency, value, o) == std::vector<std::uint32_t>{0, 3, 4});
  // Default value rule: ABC class C (total 109: the 100 makes A; before 3 the share is
  // 100/109 = .917 < .95 so 3 is B; before the next 2 it is .945 < .95: B; the rest C).
  crmkit::low_return_options d;
  const auto c = crmkit::low_return_customers(recency, value, d);
  CHECK(c == std::vector<std::uint32_t>{0});
}

TEST_CASE("bad input gets a clear error") {
  CHECK_THROWS_AS((void)crmkit::pareto(std::vector<double>{}), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::pareto(std::vector<double>{1, -1}), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::pareto(std::vector<double>{1, std::numeric_limits<double>::quiet_NaN()}),
                  crmkit::error);
  CHECK_THROWS_AS((void)crmkit::pareto(std::vector<double>{0, 0}), crmkit::error);
  crmkit::pareto_options o;
  o.abc_b = 0.5;
  CHECK_THROWS_AS((void)crmkit::pareto(std::vector<double>{1, 2}, o), crmkit::error);
  try {
    (void)crmkit::pareto(std::vector<double>{1, 2, -3});
  } catch (const crmkit::error& e) {
    CHECK(std::string(e.what()).find("position 2") != std::string::npos);
  }
}

// Issue 12: finite values whose sum overflows gave a NaN Gini with no error.
TEST_CASE("a sum that overflows double is an error naming the element") {
  for (const char* what : {"pareto", "pareto_by_group"}) {
    const std::vector<double> v{1.0, 1e308, 1e308, 2.0};
    try {
      if (std::string(what) == "pareto") (void)crmkit::pareto(v);
      else (void)crmkit::pareto_by_group(v, std::vector<std::int32_t>{0, 0, 1, 1}, 2);
      FAIL("no error for " << what);
    } catch (const crmkit::error& e) {
      CHECK(e.code() == crmkit::errc::invalid_argument);
      CHECK(std::string(e.what()) == std::string(what) +
                                         ": values: the sum overflows double at element 2 (value 1e+308); scale the "
                                         "values down (e.g. to thousands)");
    }
  }
  CHECK(crmkit::pareto(std::vector<double>{1e307, 1e307}).gini == doctest::Approx(0.0));
}
