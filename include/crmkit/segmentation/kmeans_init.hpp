/// @file crmkit/segmentation/kmeans_init.hpp
/// k-means seeding: greedy k-means++ (Arthur & Vassilvitskii 2007, with the greedy local
/// trials of scikit-learn's `_kmeans_plusplus`) and uniform random seeding, driven by a
/// re-implementation of numpy's legacy `RandomState` (MT19937) so that a crmkit seed and
/// a scikit-learn `random_state` integer pick the same initial centres.
///
/// `#include <crmkit/segmentation/kmeans_init.hpp>`
///
/// Thread safety: `numpy_random_state` is not synchronized; use from one thread at a time.
/// The free functions are stateless; safe.
///
/// @code
/// crmkit::feature_matrix x = ...;                       // n x d, finite
/// auto idx = crmkit::kmeans_plusplus(x, /*n_clusters=*/8, /*seed=*/0);
/// // idx == sklearn.cluster.kmeans_plusplus(x, 8, random_state=0)[1]
/// @endcode
///
/// The match with scikit-learn 1.2 is exact in the random stream (same MT19937 state
/// from the same 32-bit seed, same masked rejection for integers, same 53-bit doubles)
/// and equal up to floating-point rounding in the distances; a different pick therefore
/// needs a random draw within about 1e-16 relative of a cumulative-distance boundary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include <Eigen/Core>

#include "crmkit/config.hpp"
#include "crmkit/core/option_table.hpp"
#include "crmkit/segmentation/features.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The subset of numpy's legacy `numpy.random.RandomState(seed)` that scikit-learn's
/// k-means and silhouette sampling use, reproducing its output bit for bit.
/// Not synchronized; use from one thread at a time.
class numpy_random_state {
 public:
  /// Same state as `RandomState(seed)`: numpy's `mt19937_seed` is Matsumoto-Nishimura's
  /// `init_genrand`, which is also what `std::mt19937(seed)` does.
  explicit numpy_random_state(std::uint32_t seed) : mt_(seed) {}

  /// The next raw 32-bit output of MT19937.
  std::uint32_t next_uint32() { return static_cast<std::uint32_t>(mt_()); }

  /// A double in [0, 1) from 53 random bits: numpy's `mt19937_next_double`,
  /// `(a * 2^26 + b) / 2^53` with a = 27 and b = 26 high bits of two outputs.
  double next_double() {
    const std::uint32_t a = next_uint32() >> 5;
    const std::uint32_t b = next_uint32() >> 6;
    return (static_cast<double>(a) * 67108864.0 + static_cast<double>(b)) / 9007199254740992.0;
  }

  /// `RandomState.randint(high)`: uniform in [0, high) by masked rejection
  /// (`random_bounded_uint64_fill` with `use_masked`). Requires 1 <= high <= 2^32.
  std::uint64_t randint(std::uint64_t high) { return bounded(high - 1); }

  /// `RandomState.uniform(size=n)`: n draws of `next_double()` (low 0, high 1).
  std::vector<double> uniform(std::size_t n) {
    std::vector<double> out(n);
    for (auto& v : out) v = next_double();
    return out;
  }

  /// `RandomState.permutation(n)`: the legacy Fisher-Yates shuffle of 0..n-1 from the
  /// back, each swap partner drawn by `random_interval` (masked rejection). n < 2^32.
  std::vector<std::size_t> permutation(std::size_t n) {
    std::vector<std::size_t> p(n);
    for (std::size_t i = 0; i < n; ++i) p[i] = i;
    for (std::size_t i = n; i-- > 1;) {
      const auto j = static_cast<std::size_t>(bounded(i));
      const std::size_t t = p[j];
      p[j] = p[i];
      p[i] = t;
    }
    return p;
  }

 private:
  // Uniform in [0, max] by rejection on the smallest all-ones mask >= max.
  std::uint64_t bounded(std::uint64_t max) {
    if (max == 0) return 0;
    std::uint64_t mask = max;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    mask |= mask >> 32;
    std::uint64_t v = 0;
    if (max <= 0xFFFFFFFFull) {
      while ((v = (next_uint32() & mask)) > max) {
      }
    } else {
      // numpy's mt19937_next64: first output in the high word.
      do {
        const std::uint64_t hi = next_uint32();
        const std::uint64_t lo = next_uint32();
        v = ((hi << 32) | lo) & mask;
      } while (v > max);
    }
    return v;
  }

  std::mt19937 mt_;
};

/// Greedy k-means++ seeding, scikit-learn 1.2's `kmeans_plusplus` on the same data: the
/// first centre uniformly at random, each next one the best (lowest resulting potential)
/// of `n_local_trials` candidates drawn with probability proportional to the squared
/// distance to the nearest centre chosen so far.
/// @param x n x d points (n >= n_clusters, finite).
/// @param n_clusters number of centres, 1 <= n_clusters <= n.
/// @param seed the `random_state` integer.
/// @param n_local_trials candidates per step; 0 means scikit-learn's `2 + floor(ln k)`.
/// @param n_threads threads for the distance passes (the picks do not depend on it).
/// @return the row indices of the chosen centres, in order.
/// @throws crmkit::error (invalid_argument) on bad sizes, counts or non-finite values.
[[nodiscard]] CRMKIT_FUNC std::vector<std::size_t> kmeans_plusplus(Eigen::Ref<const feature_matrix> x,
                                                                   std::size_t n_clusters, std::uint32_t seed,
                                                                   int n_local_trials = 0, int n_threads = 1);

class thread_team;  // crmkit/core/parallel_for.hpp

namespace detail {

/// Points in structure-of-arrays layout (feature f of point i at `xs[f * stride + i]`),
/// optionally centred: the layout the k-means kernels vectorise over. Columns start on
/// 64-byte boundaries (stride is n rounded up to a multiple of 16), so the kernels' 4- and
/// 8-wide loads at block starts are aligned. Move-only (xs points into storage).
struct kmeans_data {
  std::size_t n = 0;
  std::size_t d = 0;
  std::size_t stride = 0;
  std::unique_ptr<double[]> storage;  // uninitialised allocation: every used entry is written
  double* xs = nullptr;
  std::vector<double> mean;  ///< what was subtracted (zeros when not centred)
  /// The row-major source (borrowed for the fit): xs[f * stride + i] == rows[i * row_stride
  /// + f] - mean[f] exactly, so per-point passes may read whole rows from here instead.
  const double* rows = nullptr;
  std::ptrdiff_t row_stride = 0;
  /// Optional float32 copy of xs, same layout and stride (the fit's screening pass, see
  /// detail/kmeans_kernels.hpp); null unless requested and every |x| <= 2^40.
  std::unique_ptr<float[]> fstorage;
  const float* xf = nullptr;
  bool finite = true;  ///< every value of the source is finite (checked while copying)
  /// Sample weights (borrowed for the fit), or null: every weight 1.
  const double* weight = nullptr;
  kmeans_data() = default;
  kmeans_data(kmeans_data&&) noexcept = default;
  kmeans_data& operator=(kmeans_data&&) noexcept = default;
  kmeans_data(const kmeans_data&) = delete;
  kmeans_data& operator=(const kmeans_data&) = delete;
  [[nodiscard]] const double* col(std::size_t f) const noexcept { return xs + f * stride; }
};

/// The largest centred magnitude admitted to the float32 screening (the range of its
/// error bound, detail/kmeans_kernels.hpp): 2^40.
inline constexpr double kmeans_float_limit = 1099511627776.0;

/// Rows per chunk of every parallel pass. Fixed, so per-chunk partial results, and
/// hence every reduction, are the same whatever the thread count.
inline constexpr std::size_t kmeans_chunk = 2048;

[[nodiscard]] inline std::size_t kmeans_n_chunks(std::size_t n) noexcept {
  return (n + kmeans_chunk - 1) / kmeans_chunk;
}

/// Copies x into kmeans_data, subtracting the column means when `center` (what
/// scikit-learn does before k-means, for accurate distances); with `with_float`, also the
/// float32 copy (left null when a centred value exceeds kmeans_float_limit).
CRMKIT_FUNC kmeans_data make_kmeans_data(Eigen::Ref<const feature_matrix> x, bool center, thread_team& team,
                                         bool with_float = false);

/// k-means++ on prepared data; returns row indices (see kmeans_plusplus).
CRMKIT_FUNC std::vector<std::size_t> kmeans_plusplus_indices(const kmeans_data& data, std::size_t n_clusters,
                                                             numpy_random_state& rng, int n_local_trials,
                                                             thread_team& team);
}  // namespace detail

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/segmentation/kmeans_init_impl.hpp"
#endif
