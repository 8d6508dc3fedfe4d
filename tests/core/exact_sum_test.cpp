#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "crmkit/core/exact_sum.hpp"

TEST_CASE("exact_sum: any order and any partition give the same bits") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-1e6, 1e6);
  std::vector<double> v(20000);
  for (double& x : v) x = std::round(u(rng) * 100) / 100;  // cents, as currency
  crmkit::exact_sum forward;
  for (double x : v) forward.add(x);
  std::shuffle(v.begin(), v.end(), rng);
  crmkit::exact_sum left, right;
  for (std::size_t i = 0; i < v.size(); ++i) (i % 3 == 0 ? left : right).add(v[i]);
  left.merge(right);
  CHECK(left.value() == forward.value());
  // Against a naive sum the exact one differs only in the last bits.
  double naive = 0;
  for (double x : v) naive += x;
  CHECK(forward.value() == doctest::Approx(naive).epsilon(1e-12));
}

TEST_CASE("exact_sum: cancellation keeps the small term; range and NaN are reported") {
  crmkit::exact_sum s;
  s.add(0.1);
  s.add(1e15);
  s.add(-1e15);
  CHECK(s.value() == 0.1);  // a naive left-to-right sum gives 0.125
  crmkit::exact_sum big;
  big.add(3e16);  // each in range, their sum (6e16) beyond 2^55
  big.add(3e16);
  CHECK_FALSE(big.ok());
  CHECK(std::isnan(big.value()));
  crmkit::exact_sum nan;
  nan.add(NAN);
  CHECK_FALSE(nan.ok());
  crmkit::exact_sum tiny;
  tiny.add(5e-324);  // below the 2^-72 resolution: truncated to 0, the same in every order
  tiny.add(-2.5);
  CHECK(tiny.value() == -2.5);
}
