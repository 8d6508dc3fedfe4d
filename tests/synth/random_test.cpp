#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "crmkit/synth/random.hpp"

namespace rnd = crmkit::detail::synth;

namespace {

// Sample mean, variance, skewness and kurtosis of `n` draws of `draw`.
struct moments {
  double mean = 0, variance = 0, skewness = 0, kurtosis = 0;
};
template <class Draw>
moments sample_moments(std::size_t n, Draw draw) {
  std::vector<double> x(n);
  double sum = 0;
  for (auto& v : x) sum += v = draw();
  moments m;
  m.mean = sum / static_cast<double>(n);
  double m2 = 0, m3 = 0, m4 = 0;
  for (double v : x) {
    const double d = v - m.mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= static_cast<double>(n);
  m3 /= static_cast<double>(n);
  m4 /= static_cast<double>(n);
  m.variance = m2;
  m.skewness = m3 / std::pow(m2, 1.5);
  m.kurtosis = m4 / (m2 * m2);
  return m;
}

constexpr std::size_t million = 1000000;

}  // namespace

TEST_CASE("splitmix64 and xoshiro256** match the reference implementations") {
  // splitmix64.c (Vigna) from state 0.
  std::uint64_t state = 0;
  CHECK(rnd::splitmix64_next(state) == 0xE220A8397B1DCDAFull);
  CHECK(rnd::splitmix64_next(state) == 0x6E789E6AA1B965F4ull);
  CHECK(rnd::splitmix64_next(state) == 0x06C45D188009454Full);
  // xoshiro256starstar.c from the state {1, 2, 3, 4}.
  auto rng = rnd::random_stream::from_state(1, 2, 3, 4);
  CHECK(rng.next() == 11520ull);
  CHECK(rng.next() == 0ull);
  CHECK(rng.next() == 1509978240ull);
  CHECK(rng.next() == 1215971899390074240ull);
}

TEST_CASE("substreams are reproducible and distinct") {
  rnd::random_stream a(42, 1, 7), b(42, 1, 7), c(42, 1, 8), d(42, 2, 7), e(43, 1, 7);
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t x = a.next();
    CHECK(x == b.next());
    CHECK(x != c.next());
    CHECK(x != d.next());
    CHECK(x != e.next());
  }
  CHECK(rnd::stream_key(1, 1, 0) != rnd::stream_key(1, 1, 1));
}

TEST_CASE("uniform draws stay in their ranges and are unbiased") {
  rnd::random_stream rng(1, 0, 0);
  double sum = 0;
  std::vector<std::size_t> counts(7, 0);
  std::size_t out_of_range = 0;
  for (std::size_t i = 0; i < million; ++i) {
    const double u = rng.uniform();
    const double v = rng.uniform_open();
    out_of_range += !(u >= 0.0 && u < 1.0) + !(v > 0.0 && v < 1.0);
    sum += u;
    const std::uint64_t k = rng.below(7);
    out_of_range += k >= 7;
    ++counts[k < 7 ? k : 0];
  }
  CHECK(out_of_range == 0);
  CHECK(sum / static_cast<double>(million) == doctest::Approx(0.5).epsilon(0.002));
  for (std::size_t c : counts) CHECK(static_cast<double>(c) == doctest::Approx(million / 7.0).epsilon(0.01));
}

TEST_CASE("det_log, det_exp and det_cos agree with the C library to a few ulp") {
  rnd::random_stream rng(2, 0, 0);
  double log_error = 0, exp_error = 0, cos_error = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = std::ldexp(1.0 + rng.uniform(), static_cast<int>(rng.below(2000)) - 1000);
    log_error = std::fmax(log_error, std::fabs(rnd::det_log(x) - std::log(x)) / std::fmax(1.0, std::fabs(std::log(x))));
    const double y = (rng.uniform() - 0.5) * 1400.0;
    exp_error = std::fmax(exp_error, std::fabs(rnd::det_exp(y) - std::exp(y)) / std::exp(y));
    const double z = (rng.uniform() - 0.5) * rnd::pi;
    cos_error = std::fmax(cos_error, std::fabs(rnd::det_cos(z) - std::cos(z)));
  }
  CAPTURE(log_error);
  CAPTURE(exp_error);
  CAPTURE(cos_error);
  // A double's epsilon is 2.2e-16: these are within 2 ulp.
  CHECK(log_error <= 4.5e-16);
  CHECK(exp_error <= 4.5e-16);
  CHECK(cos_error <= 3e-16);
  CHECK(rnd::det_log(1.0) == 0.0);
  CHECK(rnd::det_exp(0.0) == 1.0);
  CHECK(std::isinf(rnd::det_log(0.0)));
  CHECK(std::isnan(rnd::det_log(-1.0)));
  CHECK(rnd::det_exp(-800.0) == 0.0);
  CHECK(std::isinf(rnd::det_exp(710.0)));
  CHECK(std::isfinite(rnd::det_exp(709.78)));
  CHECK(rnd::det_log(1e-310) == doctest::Approx(std::log(1e-310)));  // subnormal input
}

TEST_CASE("the normal sampler has the moments of N(0, 1)") {
  rnd::random_stream rng(3, 0, 0);
  const moments m = sample_moments(million, [&] { return rng.normal(); });
  // Standard errors at n = 1e6: mean 0.001, variance 0.0014, skewness 0.0024, kurtosis 0.005.
  CHECK(std::fabs(m.mean) < 0.005);
  CHECK(m.variance == doctest::Approx(1.0).epsilon(0.008));
  CHECK(std::fabs(m.skewness) < 0.012);
  CHECK(m.kurtosis == doctest::Approx(3.0).epsilon(0.01));
}

TEST_CASE("the exponential sampler has mean 1 and variance 1") {
  rnd::random_stream rng(4, 0, 0);
  const moments m = sample_moments(million, [&] { return rnd::sample_exponential(rng); });
  CHECK(m.mean == doctest::Approx(1.0).epsilon(0.005));
  CHECK(m.variance == doctest::Approx(1.0).epsilon(0.02));
  CHECK(m.skewness == doctest::Approx(2.0).epsilon(0.05));
}

TEST_CASE("the gamma sampler has the mean, variance and skewness of Gamma(a, 1)") {
  for (const double shape : {0.3, 0.75, 1.0, 2.5, 9.0}) {
    CAPTURE(shape);
    rnd::random_stream rng(5, 0, static_cast<std::uint64_t>(shape * 100));
    const moments m = sample_moments(million, [&] { return rnd::sample_gamma(rng, shape); });
    const double n = static_cast<double>(million);
    // Closed form: mean a, variance a, skewness 2/sqrt(a). Var(sample variance) ~ (2a^2 + 6a)/n.
    CHECK(std::fabs(m.mean - shape) < 5.0 * std::sqrt(shape / n));
    CHECK(std::fabs(m.variance - shape) < 6.0 * std::sqrt((2 * shape * shape + 6 * shape) / n));
    CHECK(m.skewness == doctest::Approx(2.0 / std::sqrt(shape)).epsilon(0.06));
  }
}

TEST_CASE("the Poisson sampler has mean and variance equal to its parameter") {
  for (const double mean : {0.0, 0.3, 4.0, 60.0}) {
    CAPTURE(mean);
    rnd::random_stream rng(6, 0, static_cast<std::uint64_t>(mean * 10));
    const std::size_t n = mean > 10 ? 200000 : million;
    const moments m = sample_moments(n, [&] { return static_cast<double>(rnd::sample_poisson(rng, mean)); });
    if (mean == 0.0) {
      CHECK(m.mean == 0.0);
      continue;
    }
    CHECK(std::fabs(m.mean - mean) < 5.0 * std::sqrt(mean / static_cast<double>(n)));
    CHECK(m.variance == doctest::Approx(mean).epsilon(0.03));
  }
}

TEST_CASE("the discrete sampler follows its weights") {
  const std::vector<double> cdf = {1.0, 1.0, 4.0, 10.0};  // weights 1, 0, 3, 6
  rnd::random_stream rng(7, 0, 0);
  std::vector<double> counts(4, 0.0);
  for (std::size_t i = 0; i < million; ++i) ++counts[rnd::sample_discrete(rng, cdf)];
  CHECK(counts[0] / million == doctest::Approx(0.1).epsilon(0.02));
  CHECK(counts[1] == 0.0);
  CHECK(counts[2] / million == doctest::Approx(0.3).epsilon(0.01));
  CHECK(counts[3] / million == doctest::Approx(0.6).epsilon(0.01));
}

TEST_CASE("the guide-table sampler returns exactly what the binary search returns") {
  const std::vector<std::vector<double>> weight_sets = {
      {1.0}, {0.0, 1.0}, {1.0, 0.0}, {3.0, 0.0, 0.0, 2.0, 1e-9, 5.0}, {0.25, 0.12, 0.06, 0.04, 0.04, 0.08, 1.7}};
  std::vector<double> zipf;
  for (int k = 1; k <= 50; ++k) zipf.push_back(1.0 / std::pow(k, 1.1));
  auto sets = weight_sets;
  sets.push_back(zipf);
  for (const auto& weights : sets) {
    const rnd::discrete_table table(weights);
    rnd::random_stream a(8, 0, weights.size()), b(8, 0, weights.size());
    std::size_t differences = 0;
    for (int i = 0; i < 200000; ++i) differences += table(a) != rnd::sample_discrete(b, table.cdf());
    CHECK(differences == 0);
  }
}
