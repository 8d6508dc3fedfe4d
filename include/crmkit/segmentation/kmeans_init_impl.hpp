// Definitions for crmkit/segmentation/kmeans_init.hpp. Included by that header in
// header-only mode and by src/segmentation/kmeans_init.cpp otherwise.
// IWYU pragma: private, include "crmkit/segmentation/kmeans_init.hpp"
#pragma once

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/core/parallel_for.hpp"
#include "crmkit/segmentation/kmeans_init.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

// Row-major rows [begin, end) of x, minus the column means, into the SoA columns
// (D > 0: d known at compile time; D == 0: runtime d).
template <int D>
inline void kmeans_copy_rows(Eigen::Ref<const feature_matrix> x, const double* mean, std::size_t d, std::size_t begin,
                             std::size_t end, double* xs, std::size_t stride) {
  const std::size_t dd = D > 0 ? static_cast<std::size_t>(D) : d;
  const std::ptrdiff_t rs = x.outerStride();
  for (std::size_t i = begin; i < end; ++i) {
    const double* row = x.data() + static_cast<std::ptrdiff_t>(i) * rs;
    for (std::size_t f = 0; f < dd; ++f) xs[f * stride + i] = row[f] - mean[f];
  }
}

CRMKIT_FUNC kmeans_data make_kmeans_data(Eigen::Ref<const feature_matrix> x, bool center, thread_team& team,
                                         bool with_float) {
  kmeans_data data;
  data.n = static_cast<std::size_t>(x.rows());
  data.d = static_cast<std::size_t>(x.cols());
  const std::size_t n = data.n, d = data.d;
  const std::size_t n_chunks = kmeans_n_chunks(n);
  data.mean.assign(d, 0.0);
  if (center && n > 0) {
    // Column means from per-chunk partial sums added in chunk order: the same bits for
    // any thread count.
    std::vector<double> partial(n_chunks * d, 0.0);
    team.for_chunks(n_chunks, [&](std::size_t c) {
      const std::size_t begin = c * kmeans_chunk, end = std::min(n, begin + kmeans_chunk);
      // Summed in a chunk-local array, written once: adjacent chunks' slices of `partial`
      // share cache lines, and a store per row to them is false sharing between threads.
      std::vector<double> acc(d, 0.0);
      for (std::size_t i = begin; i < end; ++i) {
        const double* row = x.data() + static_cast<std::ptrdiff_t>(i) * x.outerStride();
        for (std::size_t f = 0; f < d; ++f) acc[f] += row[f];
      }
      std::copy(acc.begin(), acc.end(), partial.begin() + static_cast<std::ptrdiff_t>(c * d));
    });
    for (std::size_t c = 0; c < n_chunks; ++c)
      for (std::size_t f = 0; f < d; ++f) data.mean[f] += partial[c * d + f];
    for (auto& m : data.mean) m /= static_cast<double>(n);
  }
  data.rows = x.data();
  data.row_stride = x.outerStride();
  data.stride = (n + 15) / 16 * 16;
  const std::size_t stride = data.stride;
  // 64-byte align the first column (operator new[] guarantees only 16 bytes).
  data.storage.reset(new double[stride * d + 8]);
  {
    auto address = reinterpret_cast<std::uintptr_t>(data.storage.get());
    data.xs = data.storage.get() + ((64 - address % 64) % 64) / sizeof(double);
  }
  float* xf = nullptr;
  if (with_float) {
    data.fstorage.reset(new float[stride * d + 16]);
    auto address = reinterpret_cast<std::uintptr_t>(data.fstorage.get());
    xf = data.fstorage.get() + ((64 - address % 64) % 64) / sizeof(float);
  }
  std::vector<char> in_range(n_chunks, 1), finite(n_chunks, 1);
  team.for_chunks(n_chunks, [&](std::size_t c) {
    const std::size_t begin = c * kmeans_chunk, end = std::min(n, begin + kmeans_chunk);
    switch (d) {
      case 1: kmeans_copy_rows<1>(x, data.mean.data(), 1, begin, end, data.xs, stride); break;
      case 2: kmeans_copy_rows<2>(x, data.mean.data(), 2, begin, end, data.xs, stride); break;
      case 3: kmeans_copy_rows<3>(x, data.mean.data(), 3, begin, end, data.xs, stride); break;
      case 4: kmeans_copy_rows<4>(x, data.mean.data(), 4, begin, end, data.xs, stride); break;
      case 8: kmeans_copy_rows<8>(x, data.mean.data(), 8, begin, end, data.xs, stride); break;
      default: kmeans_copy_rows<0>(x, data.mean.data(), d, begin, end, data.xs, stride); break;
    }
    // Finiteness (and the float range) column by column over the copy, still in cache.
    bool fin = true, ok = true;
    for (std::size_t f = 0; f < d; ++f) {
      const double* col = data.xs + f * stride;
      if (xf != nullptr) {
        float* out = xf + f * stride;
        for (std::size_t i = begin; i < end; ++i) {
          const double v = col[i];
          ok &= std::fabs(v) <= kmeans_float_limit;  // false for NaN and infinities too
          out[i] = static_cast<float>(v);
        }
      } else {
        for (std::size_t i = begin; i < end; ++i) fin &= std::fabs(col[i]) <= std::numeric_limits<double>::max();
      }
    }
    if (xf != nullptr && !ok)  // out of the float range: the (rare) exact finiteness check
      for (std::size_t f = 0; f < d; ++f)
        for (std::size_t i = begin; i < end; ++i) fin &= std::isfinite(data.xs[f * stride + i]);
    in_range[c] = ok ? 1 : 0;
    finite[c] = fin ? 1 : 0;
  });
  data.finite = std::find(finite.begin(), finite.end(), 0) == finite.end();
  // Padding rows are never read by the kernels; zero them anyway (deterministic memory).
  for (std::size_t f = 0; f < d; ++f)
    for (std::size_t i = n; i < stride; ++i) {
      data.xs[f * stride + i] = 0.0;
      if (xf != nullptr) xf[f * stride + i] = 0.0f;
    }
  if (xf != nullptr && std::find(in_range.begin(), in_range.end(), 0) == in_range.end())
    data.xf = xf;
  else
    data.fstorage.reset();
  return data;
}

CRMKIT_FUNC std::vector<std::size_t> kmeans_plusplus_indices(const kmeans_data& data, std::size_t n_clusters,
                                                             numpy_random_state& rng, int n_local_trials,
                                                             thread_team& team) {
  const std::size_t n = data.n, d = data.d, stride = data.stride;
  const std::size_t n_chunks = kmeans_n_chunks(n);
  // scikit-learn: n_local_trials = 2 + int(np.log(n_clusters)) (Arthur & Vassilvitskii
  // suggest O(log k) trials; the greedy choice lowers the potential further).
  const std::size_t trials =
      n_local_trials > 0 ? static_cast<std::size_t>(n_local_trials)
                         : 2 + static_cast<std::size_t>(std::log(static_cast<double>(n_clusters)));

  // Squared norms of the points, and the squared distances in scikit-learn's expanded
  // form max(0, -2 c.x + |c|^2 + |x|^2), so the sampling weights round as theirs do.
  std::vector<double> xx(n);
  team.for_chunks(n_chunks, [&](std::size_t c) {
    const std::size_t begin = c * kmeans_chunk, end = std::min(n, begin + kmeans_chunk);
    for (std::size_t i = begin; i < end; ++i) {
      double s = 0.0;
      for (std::size_t f = 0; f < d; ++f) {
        const double v = data.xs[f * stride + i];
        s += v * v;
      }
      xx[i] = s;
    }
  });
  auto point = [&](std::size_t id) {
    std::vector<double> p(d);
    for (std::size_t f = 0; f < d; ++f) p[f] = data.xs[f * stride + id];
    return p;
  };
  auto sq_dist = [&](const std::vector<double>& p, double pp, std::size_t i) {
    double dot = 0.0;
    for (std::size_t f = 0; f < d; ++f) dot += p[f] * data.xs[f * stride + i];
    return std::max(0.0, -2.0 * dot + pp + xx[i]);
  };

  std::vector<std::size_t> indices;
  indices.reserve(n_clusters);
  const auto first = static_cast<std::size_t>(rng.randint(n));
  indices.push_back(first);
  std::vector<double> closest(n);
  std::vector<double> partial(n_chunks * std::max<std::size_t>(trials, 1), 0.0);
  {
    const auto p = point(first);
    const double pp = xx[first];
    team.for_chunks(n_chunks, [&](std::size_t c) {
      const std::size_t begin = c * kmeans_chunk, end = std::min(n, begin + kmeans_chunk);
      double s = 0.0;
      for (std::size_t i = begin; i < end; ++i) {
        closest[i] = sq_dist(p, pp, i);
        s += closest[i];
      }
      partial[c] = s;
    });
  }
  double pot = 0.0;
  for (std::size_t c = 0; c < n_chunks; ++c) pot += partial[c];

  std::vector<double> cumsum(n);
  std::vector<std::vector<double>> candidate_dist(trials, std::vector<double>(n));
  std::vector<std::size_t> candidates(trials);
  std::vector<std::vector<double>> candidate_points(trials);
  std::vector<double> candidate_norm(trials);
  for (std::size_t k = 1; k < n_clusters; ++k) {
    const auto u = rng.uniform(trials);
    // np.searchsorted(stable_cumsum(closest), u * pot), clipped to n - 1.
    double run = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      run += closest[i];
      cumsum[i] = run;
    }
    for (std::size_t t = 0; t < trials; ++t) {
      const double v = u[t] * pot;
      const auto it = std::lower_bound(cumsum.begin(), cumsum.end(), v);
      candidates[t] = std::min(n - 1, static_cast<std::size_t>(it - cumsum.begin()));
      candidate_points[t] = point(candidates[t]);
      candidate_norm[t] = xx[candidates[t]];
    }
    team.for_chunks(n_chunks, [&](std::size_t c) {
      const std::size_t begin = c * kmeans_chunk, end = std::min(n, begin + kmeans_chunk);
      for (std::size_t t = 0; t < trials; ++t) {
        double s = 0.0;
        double* out = candidate_dist[t].data();
        for (std::size_t i = begin; i < end; ++i) {
          out[i] = std::min(closest[i], sq_dist(candidate_points[t], candidate_norm[t], i));
          s += out[i];
        }
        partial[c * trials + t] = s;
      }
    });
    std::size_t best = 0;
    double best_pot = std::numeric_limits<double>::infinity();
    for (std::size_t t = 0; t < trials; ++t) {
      double s = 0.0;
      for (std::size_t c = 0; c < n_chunks; ++c) s += partial[c * trials + t];
      if (s < best_pot) {  // np.argmin: the first minimum
        best_pot = s;
        best = t;
      }
    }
    pot = best_pot;
    closest.swap(candidate_dist[best]);
    indices.push_back(candidates[best]);
  }
  return indices;
}

}  // namespace detail

CRMKIT_FUNC std::vector<std::size_t> kmeans_plusplus(Eigen::Ref<const feature_matrix> x, std::size_t n_clusters,
                                                     std::uint32_t seed, int n_local_trials, int n_threads) {
  const auto n = static_cast<std::size_t>(x.rows());
  if (x.cols() == 0 || n == 0)
    throw error(errc::invalid_argument, fmt::format("kmeans_plusplus: the data is empty ({} rows, {} columns)",
                                                    x.rows(), x.cols()));
  if (n_clusters < 1 || n_clusters > n)
    throw error(errc::invalid_argument,
                fmt::format("kmeans_plusplus: n_clusters = {} must be between 1 and the number of points ({})",
                            n_clusters, n));
  if (n_local_trials < 0)
    throw error(errc::invalid_argument,
                fmt::format("kmeans_plusplus: n_local_trials = {} must be >= 0 (0: 2 + ln k)", n_local_trials));
  check_n_threads(n_threads, "kmeans_plusplus");
  check_finite(x, "kmeans_plusplus");
  thread_team team(n_threads);
  // scikit-learn's public kmeans_plusplus does not centre the data (KMeans.fit does).
  const auto data = detail::make_kmeans_data(x, /*center=*/false, team);
  numpy_random_state rng(seed);
  return detail::kmeans_plusplus_indices(data, n_clusters, rng, n_local_trials, team);
}

CRMKIT_END_NAMESPACE
