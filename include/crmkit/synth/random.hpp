/// @file crmkit/synth/random.hpp
/// Deterministic randomness for the synthetic data generator: a small PRNG (splitmix64
/// seeding xoshiro256**), elementary functions built from exactly rounded operations
/// only, and samplers (uniform, normal, exponential, gamma, Poisson, discrete).
///
/// `#include <crmkit/synth/random.hpp>`
///
/// Thread safety: the free functions are stateless; safe. A `random_stream` is not
/// synchronized; use from one thread at a time.
///
/// Everything here is in `crmkit::detail::synth`: an implementation detail of
/// crmkit/synth/generator.hpp, not a stable API. It is a header of its own so that tests
/// can check the samplers against their closed-form moments.
///
/// @code
/// crmkit::detail::synth::random_stream rng(/*seed=*/42, /*stream=*/0, /*index=*/7);
/// double z = rng.normal();                                    // N(0, 1)
/// double g = crmkit::detail::synth::sample_gamma(rng, 2.5);   // Gamma(2.5, 1)
/// @endcode
///
/// Why not `<random>`: the engines are specified, but `std::normal_distribution`,
/// `std::gamma_distribution` and friends are implementation-defined, so the same seed
/// gives different data under libstdc++, libc++ and MSVC. `std::log`/`std::exp` are not
/// correctly rounded either and differ in the last bit between C libraries. This header
/// therefore uses only +, -, *, /, `sqrt`, `floor`, `round`, `frexp`, `ldexp` and
/// `nextafter`, which IEEE 754 and C pin down exactly, and switches off the contraction
/// of `a*b+c` into a fused multiply-add (GCC and Clang; MSVC does not contract unless
/// /fp:contract or /fp:fast is given). The guarantee assumes IEEE binary64 arithmetic
/// (SSE2 on x86, any AArch64) and no -ffast-math.
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "crmkit/config.hpp"

// Brackets code whose floating-point results must be bit-identical across platforms:
// no fused multiply-add contraction. Used by this header and generator_impl.hpp.
#if defined(__clang__)
#  define CRMKIT_DETAIL_STRICT_FP_BEGIN _Pragma("float_control(push)") _Pragma("clang fp contract(off)")
#  define CRMKIT_DETAIL_STRICT_FP_END _Pragma("float_control(pop)")
#elif defined(__GNUC__)
#  define CRMKIT_DETAIL_STRICT_FP_BEGIN _Pragma("GCC push_options") _Pragma("GCC optimize(\"fp-contract=off\")")
#  define CRMKIT_DETAIL_STRICT_FP_END _Pragma("GCC pop_options")
#else
#  define CRMKIT_DETAIL_STRICT_FP_BEGIN
#  define CRMKIT_DETAIL_STRICT_FP_END
#endif

CRMKIT_DETAIL_STRICT_FP_BEGIN

CRMKIT_BEGIN_NAMESPACE
namespace detail::synth {

/// The splitmix64 output function (Steele, Lea & Flood 2014; Stafford's "Mix13"
/// constants): a bijection on 64-bit words with full avalanche.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// One splitmix64 step: advances `state` by the golden-ratio increment and mixes it.
constexpr std::uint64_t splitmix64_next(std::uint64_t& state) noexcept {
  state += 0x9E3779B97F4A7C15ull;
  return mix64(state);
}

/// The starting key of substream (`seed`, `stream`, `index`). For a fixed seed and stream,
/// distinct indices give distinct keys (an odd multiplier and mix64 are bijections), so
/// every customer gets its own sequence whatever order or thread generates it.
[[nodiscard]] constexpr std::uint64_t stream_key(std::uint64_t seed, std::uint64_t stream,
                                                 std::uint64_t index) noexcept {
  std::uint64_t h = mix64(seed + 0x9E3779B97F4A7C15ull);
  h = mix64(h ^ (stream * 0xD1B54A32D192ED03ull + 0xA0761D6478BD642Full));
  return mix64(h + index * 0x9E3779B97F4A7C15ull);
}

inline constexpr double ln2_hi = 6.93147180369123816490e-01;  // 32 significant bits: k*ln2_hi is exact
inline constexpr double ln2_lo = 1.90821492927058770002e-10;  // ln 2 - ln2_hi
inline constexpr double inv_ln2 = 1.44269504088896338700e+00;
inline constexpr double pi = 3.14159265358979323846;

/// Natural logarithm from exactly rounded operations (a few ulp of error; the point is
/// that it gives the same bits everywhere). log(0) = -inf, log(x<0) = NaN.
[[nodiscard]] inline double det_log(double x) noexcept {
  if (!(x > 0.0)) return x == 0.0 ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
  if (x == std::numeric_limits<double>::infinity()) return x;
  // x = m * 2^e with m in [1/2, 1): frexp, read off the bits for normal numbers (the
  // same result without a library call).
  int e = 0;
  double m = 0.0;
  const auto bits = std::bit_cast<std::uint64_t>(x);
  const auto biased = static_cast<int>(bits >> 52);  // x > 0: no sign bit
  if (biased != 0) {
    e = biased - 1022;
    m = std::bit_cast<double>((bits & 0x000FFFFFFFFFFFFFull) | 0x3FE0000000000000ull);
  } else {
    m = std::frexp(x, &e);  // subnormal
  }
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    --e;
  }
  // m in [sqrt(1/2), sqrt(2)): log(m) = 2 atanh(s) with s = (m-1)/(m+1), |s| < 0.1716,
  // = 2s (1 + z/3 + z^2/5 + ...), z = s^2 < 0.0295; 13 terms leave < 1e-20.
  const double f = m - 1.0;  // exact (Sterbenz)
  const double s = f / (2.0 + f);
  const double z = s * s;
  double p = 1.0 / 25.0;
  p = p * z + 1.0 / 23.0;
  p = p * z + 1.0 / 21.0;
  p = p * z + 1.0 / 19.0;
  p = p * z + 1.0 / 17.0;
  p = p * z + 1.0 / 15.0;
  p = p * z + 1.0 / 13.0;
  p = p * z + 1.0 / 11.0;
  p = p * z + 1.0 / 9.0;
  p = p * z + 1.0 / 7.0;
  p = p * z + 1.0 / 5.0;
  p = p * z + 1.0 / 3.0;
  // Split 2s(1 + z p) as f - s f + 2 s z p: 2s = f - s f exactly in real arithmetic and
  // keeps the leading term accurate near m = 1.
  const double log_m = (f - s * f) + 2.0 * s * z * p;
  const double k = static_cast<double>(e);
  return k * ln2_hi + (k * ln2_lo + log_m);
}

// 2^(j/32) for j = 0..31, each the correctly rounded double (computed with 60-digit
// decimal arithmetic), for det_exp.
inline constexpr double exp2_32ths[32] = {
    0x1.0000000000000p+0, 0x1.059b0d3158574p+0, 0x1.0b5586cf9890fp+0, 0x1.11301d0125b51p+0,
    0x1.172b83c7d517bp+0, 0x1.1d4873168b9aap+0, 0x1.2387a6e756238p+0, 0x1.29e9df51fdee1p+0,
    0x1.306fe0a31b715p+0, 0x1.371a7373aa9cbp+0, 0x1.3dea64c123422p+0, 0x1.44e086061892dp+0,
    0x1.4bfdad5362a27p+0, 0x1.5342b569d4f82p+0, 0x1.5ab07dd485429p+0, 0x1.6247eb03a5585p+0,
    0x1.6a09e667f3bcdp+0, 0x1.71f75e8ec5f74p+0, 0x1.7a11473eb0187p+0, 0x1.82589994cce13p+0,
    0x1.8ace5422aa0dbp+0, 0x1.93737b0cdc5e5p+0, 0x1.9c49182a3f090p+0, 0x1.a5503b23e255dp+0,
    0x1.ae89f995ad3adp+0, 0x1.b7f76f2fb5e47p+0, 0x1.c199bdd85529cp+0, 0x1.cb720dcef9069p+0,
    0x1.d5818dcfba487p+0, 0x1.dfc97337b9b5fp+0, 0x1.ea4afa2a490dap+0, 0x1.f50765b6e4540p+0,
};

/// e^x from exactly rounded operations: x = k ln2/32 + r with |r| <= ln2/64 (Cody-Waite
/// reduction), e^x = 2^(k div 32) * 2^((k mod 32)/32) * e^r, and e^r - 1 by its Taylor
/// polynomial to r^6 (truncation < 4e-18). About 1 ulp of error.
[[nodiscard]] inline double det_exp(double x) noexcept {
  if (x != x) return x;
  if (x > 709.782712893383973) return std::numeric_limits<double>::infinity();
  if (x < -745.133219101941108) return 0.0;
  const double k = std::floor(x * (32.0 * inv_ln2) + 0.5);
  const double r = (x - k * (ln2_hi / 32.0)) - k * (ln2_lo / 32.0);  // k * ln2_hi/32 is exact
  const double q =
      r * (1.0 + r * (1.0 / 2.0 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
  const auto ki = static_cast<std::int64_t>(k);
  const std::int64_t j = ki & 31;  // k mod 32, also for negative k
  const auto m = static_cast<int>((ki - j) / 32);
  const double t = exp2_32ths[j];
  const double p = t + t * q;
  // p * 2^m: multiplying by an exact power of two is exact while the result is normal;
  // ldexp handles the subnormal and overflow edges.
  if (m >= -1021 && m <= 1023) return p * std::bit_cast<double>(static_cast<std::uint64_t>(m + 1023) << 52);
  // 2^1024 is not representable; split the scaling so exp(709.78) stays finite.
  return m > 1023 ? std::ldexp(p, m - 1) * 2.0 : std::ldexp(p, m);
}

/// cos(x) for |x| <= pi/2 (the only range the generator needs: latitudes in radians),
/// by its Taylor series to x^22 (truncation < 2e-17). Precondition: |x| <= pi/2.
[[nodiscard]] inline double det_cos(double x) noexcept {
  const double z = x * x;
  double p = 0.0;
  // Horner from the x^22 term down: cos x = sum (-1)^n z^n / (2n)!.
  for (int n = 11; n >= 1; --n) {
    const double two_n = 2.0 * n;
    p = (1.0 - p) * z / (two_n * (two_n - 1.0));
  }
  return 1.0 - p;
}

/// A xoshiro256** generator (Blackman & Vigna 2018) seeded by splitmix64, plus the
/// spare of the last polar-method normal pair.
class random_stream {
 public:
  /// The substream `index` of stream `stream` under `seed` (see stream_key).
  random_stream(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) noexcept
      : random_stream(stream_key(seed, stream, index)) {}

  /// A generator whose state is the next four splitmix64 outputs after `key` (the
  /// seeding the xoshiro authors recommend; never all zero).
  explicit random_stream(std::uint64_t key) noexcept {
    for (auto& word : s_) word = splitmix64_next(key);
  }

  /// A generator with the raw state `s0..s3` (not all zero), for checking against the
  /// reference implementation's published outputs.
  static random_stream from_state(std::uint64_t s0, std::uint64_t s1, std::uint64_t s2, std::uint64_t s3) noexcept {
    random_stream rng(0);
    rng.s_[0] = s0;
    rng.s_[1] = s1;
    rng.s_[2] = s2;
    rng.s_[3] = s3;
    return rng;
  }

  /// The next 64 random bits.
  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform on [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Uniform on (0, 1): never 0, so its logarithm is finite.
  double uniform_open() noexcept { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

  /// Uniform integer in [0, n), unbiased (rejects the short top range). Precondition: n > 0.
  std::uint64_t below(std::uint64_t n) noexcept {
    const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    for (;;) {
      const std::uint64_t x = next();
      if (x >= threshold) return x % n;
    }
  }

  /// Standard normal by Marsaglia's polar method: no sin/cos, and the second value of
  /// each pair is kept for the next call.
  double normal() noexcept {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    for (;;) {
      const double u = 2.0 * uniform() - 1.0;
      const double v = 2.0 * uniform() - 1.0;
      const double s = u * u + v * v;
      if (s >= 1.0 || s == 0.0) continue;
      const double factor = std::sqrt(-2.0 * det_log(s) / s);
      spare_ = v * factor;
      has_spare_ = true;
      return u * factor;
    }
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

  std::uint64_t s_[4];
  double spare_ = 0.0;
  bool has_spare_ = false;
};

/// Exponential with mean 1, by inversion.
[[nodiscard]] inline double sample_exponential(random_stream& rng) noexcept { return -det_log(rng.uniform_open()); }

/// Gamma(shape, scale 1) by Marsaglia & Tsang (2000), "A simple method for generating
/// gamma variables"; for shape < 1 it uses Gamma(shape+1) * U^(1/shape), which may
/// underflow to 0 for very small shapes. Precondition: shape > 0 and finite.
[[nodiscard]] inline double sample_gamma(random_stream& rng, double shape) noexcept {
  if (shape < 1.0) {
    const double g = sample_gamma(rng, shape + 1.0);
    return g * det_exp(det_log(rng.uniform_open()) / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0;
    double v = 0.0;
    do {
      x = rng.normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.uniform_open();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;  // the cheap squeeze accepts ~98%
    if (det_log(u) < 0.5 * x2 + d * (1.0 - v + det_log(v))) return d * v;
  }
}

/// Poisson(mean) as the number of arrivals of a unit-rate Poisson process before time
/// `mean` (a sum of exponential gaps). Exact for every mean and needs no log-gamma; the
/// cost is O(mean + 1), which the generator pays anyway to draw that many purchases.
/// Precondition: mean >= 0 and finite.
[[nodiscard]] inline std::uint64_t sample_poisson(random_stream& rng, double mean) noexcept {
  std::uint64_t count = 0;
  double t = sample_exponential(rng);
  while (t < mean) {
    ++count;
    t += sample_exponential(rng);
  }
  return count;
}

/// Index i with probability proportional to the i-th weight, given `cdf`, the running
/// sums of the weights (non-decreasing, last entry > 0). Binary search: O(log n).
[[nodiscard]] inline std::size_t sample_discrete(random_stream& rng, std::span<const double> cdf) noexcept {
  const double x = rng.uniform() * cdf.back();
  std::size_t lo = 0;
  std::size_t hi = cdf.size() - 1;  // the answer is in [lo, hi]
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (cdf[mid] > x)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

/// sample_discrete with a guide table (Chen & Asau 1974): the same index for the same
/// random draw, found in a step or two instead of a binary search whose branches the
/// processor cannot predict. For the generator's hot loops.
class discrete_table {
 public:
  discrete_table() = default;
  /// Precondition: non-negative weights with a positive sum.
  explicit discrete_table(std::span<const double> weights) : cdf_(weights.size()), guide_(weights.size()) {
    double sum = 0.0;
    for (std::size_t i = 0; i < weights.size(); ++i) cdf_[i] = sum += weights[i];
    const std::size_t n = cdf_.size();
    std::size_t i = 0;
    for (std::size_t g = 0; g < n; ++g) {
      const double level = static_cast<double>(g) * sum / static_cast<double>(n);
      while (i + 1 < n && cdf_[i] <= level) ++i;
      guide_[g] = i;
    }
  }

  /// The running sums of the weights.
  [[nodiscard]] std::span<const double> cdf() const noexcept { return cdf_; }

  /// An index drawn with probability proportional to its weight: exactly
  /// sample_discrete(rng, cdf()).
  std::size_t operator()(random_stream& rng) const noexcept {
    const std::size_t n = cdf_.size();
    const double x = rng.uniform() * cdf_.back();
    const double g = std::floor(x * static_cast<double>(n) / cdf_.back());
    std::size_t i = guide_[g <= 0.0 ? 0 : (g >= static_cast<double>(n - 1) ? n - 1 : static_cast<std::size_t>(g))];
    // The first i with cdf[i] > x, or the last index: the guide is a starting point,
    // rounding may leave it one off in either direction.
    while (i + 1 < n && cdf_[i] <= x) ++i;
    while (i > 0 && cdf_[i - 1] > x) --i;
    return i;
  }

 private:
  std::vector<double> cdf_;
  std::vector<std::size_t> guide_;
};

}  // namespace detail::synth
CRMKIT_END_NAMESPACE

CRMKIT_DETAIL_STRICT_FP_END
