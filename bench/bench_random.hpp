// Shared by the benchmarks that synthesise their own inputs (k-means, logistic, geo):
// a tiny, fully specified generator, so the generated data are the same on every run,
// compiler and machine. (io_bench keeps its own variant: its uniform() includes 0.)
#pragma once

#include <cmath>
#include <cstdint>

namespace crmkit_bench {

/// splitmix64 with a uniform on (0, 1) and a Box-Muller standard normal.
struct splitmix64 {
  std::uint64_t state;
  std::uint64_t operator()() noexcept {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() noexcept { return (static_cast<double>((*this)() >> 11) + 0.5) * 0x1.0p-53; }
  double normal() noexcept {
    const double u = uniform(), v = uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
  }
};

}  // namespace crmkit_bench
