// Definitions for crmkit/segmentation/kmeans.hpp. Included by that header in
// header-only mode and by src/segmentation/kmeans.cpp otherwise.
// IWYU pragma: private, include "crmkit/segmentation/kmeans.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <utility>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/core/parallel_for.hpp"
#include "crmkit/segmentation/detail/kmeans_kernels.hpp"
#include "crmkit/segmentation/kmeans.hpp"

// No a*b+c contraction in the distance arithmetic (see detail/kmeans_kernels.hpp).
#if defined(__GNUC__) && !defined(__clang__)
#  pragma GCC push_options
#  pragma GCC optimize("fp-contract=off")
#endif

CRMKIT_BEGIN_NAMESPACE
namespace detail {

// Every squared distance in a fit is computed by one of the two functions below, with
// the same operations in the same order (t0*t0, then += tf*tf for f = 1..d-1), so a
// point's distances are the same bits whether computed for a block (vectorised over
// points), for one point (Hamerly's bound checks) or by Lloyd. That makes Hamerly's
// labels, and hence everything else, identical to Lloyd's. (x86-64 without -mfma does
// not contract a*b+c; other targets must not be built with FP contraction either.)
inline double kmeans_sq_dist(const kmeans_data& data, std::size_t i, const double* c) noexcept {
  const std::size_t n = data.stride;
  const double* x = data.xs;
  double t = x[i] - c[0];
  double s = t * t;
  for (std::size_t f = 1; f < data.d; ++f) {
    t = x[f * n + i] - c[f];
    s += t * t;
  }
  return s;
}

inline constexpr std::size_t kmeans_block = 256;

// Nearest and second-nearest centre of points [begin, end) (end - begin <= kmeans_block).
inline void kmeans_assign_block(const kmeans_data& data, std::size_t begin, std::size_t end, const double* centers,
                                std::size_t k, std::int32_t* label, double* best, double* second) noexcept {
  const std::size_t m = end - begin, d = data.d, n = data.stride;
  double tmp[kmeans_block];
  for (std::size_t j = 0; j < k; ++j) {
    const double* c = centers + j * d;
    {
      const double* x = data.xs + begin;
      const double c0 = c[0];
      for (std::size_t i = 0; i < m; ++i) {
        const double t = x[i] - c0;
        tmp[i] = t * t;
      }
    }
    for (std::size_t f = 1; f < d; ++f) {
      const double* x = data.xs + f * n + begin;
      const double cf = c[f];
      for (std::size_t i = 0; i < m; ++i) {
        const double t = x[i] - cf;
        tmp[i] += t * t;
      }
    }
    if (j == 0) {
      for (std::size_t i = 0; i < m; ++i) {
        best[i] = tmp[i];
        second[i] = std::numeric_limits<double>::infinity();
        label[i] = 0;
      }
    } else {
      const auto jj = static_cast<std::int32_t>(j);
      for (std::size_t i = 0; i < m; ++i) {
        const double v = tmp[i];
        const bool lt = v < best[i];
        const bool lt2 = v < second[i];
        second[i] = lt ? best[i] : (lt2 ? v : second[i]);
        best[i] = lt ? v : best[i];
        label[i] = lt ? jj : label[i];
      }
    }
  }
}

// Nearest and second-nearest centre of one point, the same arithmetic as the block.
inline std::int32_t kmeans_assign_one(const kmeans_data& data, std::size_t i, const double* centers, std::size_t k,
                                      double& best, double& second) noexcept {
  std::int32_t label = 0;
  best = kmeans_sq_dist(data, i, centers);
  second = std::numeric_limits<double>::infinity();
  for (std::size_t j = 1; j < k; ++j) {
    const double v = kmeans_sq_dist(data, i, centers + j * data.d);
    if (v < best) {
      second = best;
      best = v;
      label = static_cast<std::int32_t>(j);
    } else if (v < second) {
      second = v;
    }
  }
  return label;
}

// Nearest (and, when `second` is not null, second-nearest) centre of points
// [begin, end) through the selected kernel, or the generic runtime-d block.
inline void kmeans_assign(const kmeans_data& data, kmeans_block_kernel kernel, std::size_t begin, std::size_t end,
                          const double* centers, std::size_t k, std::int32_t* label, double* best, double* second) {
  if (kernel != nullptr) {
    kernel(data.xs, data.stride, begin, end - begin, centers, k, label, best, second);
    return;
  }
  double scratch[kmeans_block];
  kmeans_assign_block(data, begin, end, centers, k, label, best, second ? second : scratch);
}

// Incremental cluster sums: point i moves from cluster `from` (-1: none yet) to `to`.
// A pass accumulates the moves of each chunk, in index order, into that chunk's own
// k x d deltas, and the deltas are added to the running sums in chunk order. The result
// depends only on the sequence of labels, so it is the same bits for any thread count
// and for Lloyd and Hamerly (which make the same moves); a pass where few labels change
// costs almost nothing beyond the assignment.
template <int D>
inline void kmeans_move_d(const kmeans_data& data, std::size_t i, std::int32_t from, std::int32_t to, double* delta,
                          std::int64_t* dcount, double* dweight) noexcept {
  const std::size_t d = D > 0 ? static_cast<std::size_t>(D) : data.d, t = static_cast<std::size_t>(to);
  // scikit-learn adds x * w to the cluster sum and w to its weight; unweighted, w = 1 and
  // the product is exact, so the sums are the same bits as plain additions.
  const double w = data.weight != nullptr ? data.weight[i] : 1.0;
  if constexpr (D > 0) {
    // The point's centred coordinates from the row-major source when there is one (one
    // cache line instead of d; rows[i][f] - mean[f] is the very subtraction that built
    // xs, so the same bits), else from xs.
    double v[D];
    if (data.rows != nullptr) {
      const double* row = data.rows + static_cast<std::ptrdiff_t>(i) * data.row_stride;
      for (int f = 0; f < D; ++f) v[f] = (row[f] - data.mean[static_cast<std::size_t>(f)]) * w;
    } else {
      for (int f = 0; f < D; ++f) v[f] = data.xs[static_cast<std::size_t>(f) * data.stride + i] * w;
    }
    if (from >= 0)
      for (int f = 0; f < D; ++f) delta[static_cast<std::size_t>(from) * d + static_cast<std::size_t>(f)] -= v[f];
    for (int f = 0; f < D; ++f) delta[t * d + static_cast<std::size_t>(f)] += v[f];
  } else {
    for (std::size_t f = 0; f < d; ++f) {
      const double v = data.xs[f * data.stride + i] * w;
      if (from >= 0) delta[static_cast<std::size_t>(from) * d + f] -= v;
      delta[t * d + f] += v;
    }
  }
  // Counts of points with positive weight (a cluster is empty when it has none: weight 0,
  // as scikit-learn's `weight_in_clusters == 0`), and the weight sums when weighted.
  if (w > 0.0) {
    if (from >= 0) --dcount[static_cast<std::size_t>(from)];
    ++dcount[t];
  }
  if (dweight != nullptr) {
    if (from >= 0) dweight[static_cast<std::size_t>(from)] -= w;
    dweight[t] += w;
  }
}

using kmeans_move_fn = void (*)(const kmeans_data&, std::size_t, std::int32_t, std::int32_t, double*,
                                std::int64_t*, double*) noexcept;

/// kmeans_move_d for d features (compile-time d up to 8).
inline kmeans_move_fn kmeans_select_move(std::size_t d) noexcept {
  switch (d) {
    case 1: return &kmeans_move_d<1>;
    case 2: return &kmeans_move_d<2>;
    case 3: return &kmeans_move_d<3>;
    case 4: return &kmeans_move_d<4>;
    case 5: return &kmeans_move_d<5>;
    case 6: return &kmeans_move_d<6>;
    case 7: return &kmeans_move_d<7>;
    case 8: return &kmeans_move_d<8>;
    default: return &kmeans_move_d<0>;
  }
}

// Squared distances of points [begin, end) to their own centres (the reference
// arithmetic), stored in `out` when not null; returns their sum (weighted by the sample
// weights when there are any), added in index order.
template <int D>
inline double kmeans_own_dist_d(const kmeans_data& data, std::size_t begin, std::size_t end, const double* centers,
                                const std::int32_t* labels, double* out) noexcept {
  double s = 0.0;
  for (std::size_t i = begin; i < end; ++i) {
    const auto j = static_cast<std::size_t>(labels[i]);
    double v = 0.0;
    if constexpr (D > 0)
      v = kmeans_point_sq_dist<D>(data.xs, data.stride, i, centers + j * D);
    else
      v = kmeans_sq_dist(data, i, centers + j * data.d);
    s += data.weight != nullptr ? v * data.weight[i] : v;  // inertia is weighted; `out` is not
    if (out != nullptr) out[i] = v;
  }
  return s;
}

inline double kmeans_own_dist(const kmeans_data& data, std::size_t begin, std::size_t end, const double* centers,
                              const std::int32_t* labels, double* out) noexcept {
  switch (data.d) {
    case 1: return kmeans_own_dist_d<1>(data, begin, end, centers, labels, out);
    case 2: return kmeans_own_dist_d<2>(data, begin, end, centers, labels, out);
    case 3: return kmeans_own_dist_d<3>(data, begin, end, centers, labels, out);
    case 4: return kmeans_own_dist_d<4>(data, begin, end, centers, labels, out);
    case 5: return kmeans_own_dist_d<5>(data, begin, end, centers, labels, out);
    case 6: return kmeans_own_dist_d<6>(data, begin, end, centers, labels, out);
    case 7: return kmeans_own_dist_d<7>(data, begin, end, centers, labels, out);
    case 8: return kmeans_own_dist_d<8>(data, begin, end, centers, labels, out);
    default: return kmeans_own_dist_d<0>(data, begin, end, centers, labels, out);
  }
}

// Starts loading point i's row for a kmeans_move a few points later.
inline void kmeans_prefetch_row(const kmeans_data& data, std::size_t i) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  if (data.rows != nullptr) __builtin_prefetch(data.rows + static_cast<std::ptrdiff_t>(i) * data.row_stride);
#else
  (void)data;
  (void)i;
#endif
}

// Hamerly (2010) for points [begin, end) after the centres moved by `shift`: update the
// upper bound u (distance to the assigned centre) and lower bound l (distance to the
// second-nearest), skip the point when u < max(l, half the gap from its centre to the
// nearest other centre) with a safety margin, else tighten u, else recompute all k
// distances. Returns the number of changed labels.
// D > 0: d known at compile time (the same arithmetic, unrolled); D == 0: runtime d.
template <int D>
inline std::size_t kmeans_hamerly_chunk_d(const kmeans_data& data, std::size_t begin, std::size_t end,
                                          const double* centers, std::size_t k, std::int32_t* labels, double* upper,
                                          double* lower, const double* shift, const double* half_gap,
                                          std::size_t pmax_arg, double pmax1, double pmax2, double rel, double drift,
                                          double* delta, std::int64_t* dcount, double* dweight) {
  std::size_t changed = 0;
  const std::size_t d = data.d;
  for (std::size_t i = begin; i < end; ++i) {
    const std::int32_t a = labels[i];
    const auto ua = static_cast<std::size_t>(a);
    double u = upper[i] + shift[ua];
    const double l = lower[i] - (ua == pmax_arg ? pmax2 : pmax1);
    lower[i] = l;
    const double m = std::max(half_gap[ua], l);
    if (u + (rel * (u + m) + drift) < m) {
      upper[i] = u;
      continue;
    }
    if constexpr (D > 0)
      u = std::sqrt(kmeans_point_sq_dist<D>(data.xs, data.stride, i, centers + ua * d));
    else
      u = std::sqrt(kmeans_sq_dist(data, i, centers + ua * d));
    if (u + (rel * (u + m) + drift) < m) {
      upper[i] = u;
      continue;
    }
    double b1 = 0.0, b2 = 0.0;
    std::int32_t nl = 0;
    if constexpr (D > 0)
      kmeans_block_scalar_tail<D>(data.xs, data.stride, i, centers, k, nl, b1, &b2);
    else
      nl = kmeans_assign_one(data, i, centers, k, b1, b2);
    if (nl != a) {
      ++changed;
      if (delta != nullptr) kmeans_move_d<D>(data, i, a, nl, delta, dcount, dweight);
    }
    labels[i] = nl;
    upper[i] = std::sqrt(b1);
    lower[i] = std::sqrt(b2);
  }
  return changed;
}

inline std::size_t kmeans_hamerly_chunk(const kmeans_data& data, std::size_t begin, std::size_t end,
                                        const double* centers, std::size_t k, std::int32_t* labels, double* upper,
                                        double* lower, const double* shift, const double* half_gap,
                                        std::size_t pmax_arg, double pmax1, double pmax2, double rel, double drift,
                                        double* delta, std::int64_t* dcount, double* dweight) {
#define CRMKIT_KMEANS_HAMERLY_CASE(D)                                                                          \
  case D:                                                                                                      \
    return kmeans_hamerly_chunk_d<D>(data, begin, end, centers, k, labels, upper, lower, shift, half_gap, pmax_arg, \
                                     pmax1, pmax2, rel, drift, delta, dcount, dweight);
  switch (data.d) {
    CRMKIT_KMEANS_HAMERLY_CASE(1)
    CRMKIT_KMEANS_HAMERLY_CASE(2)
    CRMKIT_KMEANS_HAMERLY_CASE(3)
    CRMKIT_KMEANS_HAMERLY_CASE(4)
    CRMKIT_KMEANS_HAMERLY_CASE(5)
    CRMKIT_KMEANS_HAMERLY_CASE(6)
    CRMKIT_KMEANS_HAMERLY_CASE(7)
    CRMKIT_KMEANS_HAMERLY_CASE(8)
    default:
      return kmeans_hamerly_chunk_d<0>(data, begin, end, centers, k, labels, upper, lower, shift, half_gap, pmax_arg,
                                       pmax1, pmax2, rel, drift, delta, dcount, dweight);
  }
#undef CRMKIT_KMEANS_HAMERLY_CASE
}

struct kmeans_run {
  std::vector<std::int32_t> labels;
  std::vector<double> centers;  // k x d, centred space
  double inertia = 0.0;
  int n_iter = 0;
  fit_status status = fit_status::iteration_limit;
  const char* how = "iteration limit";  // the report message
  double shift = 0.0;                  // total squared centre shift of the last iteration
  std::size_t n_relocated = 0;
};

// One k-means run from the given (centred) initial centres: scikit-learn's
// _kmeans_single_lloyd, with Lloyd's or Hamerly's assignment step.
inline kmeans_run kmeans_single(const kmeans_data& data, std::vector<double> centers, std::size_t k, int max_iter,
                                double tol_abs, kmeans_algorithm algorithm, thread_team& team) {
  const std::size_t n = data.n, d = data.d, kd = k * d;
  const std::size_t n_chunks = kmeans_n_chunks(n);
  const bool hamerly = algorithm == kmeans_algorithm::hamerly && k > 1;
  kmeans_run run;
  run.labels.assign(n, -1);
  std::vector<double> upper, lower;
  if (hamerly) {
    upper.resize(n);
    lower.resize(n);
  }
  // Per-chunk deltas of the cluster sums and counts (see kmeans_move), and the running
  // sums and counts of the current labels.
  // Each chunk's slice is padded to whole cache lines plus one spare line, so two threads
  // never write to the same line (false sharing made the first, all-moving iteration
  // slower with two threads than with one on 1,000,000 x 3).
  const std::size_t kd_pad = (kd + 7) / 8 * 8 + 8, k_pad = (k + 7) / 8 * 8 + 8;
  std::vector<double> chunk_delta(n_chunks * kd_pad);
  std::vector<std::int64_t> chunk_dcount(n_chunks * k_pad);
  const bool weighted = data.weight != nullptr;
  std::vector<double> chunk_dweight(weighted ? n_chunks * k_pad : 0);
  std::vector<std::size_t> chunk_changed(n_chunks);
  std::vector<double> label_sums(kd, 0.0), label_weights(k, 0.0);
  std::vector<std::int64_t> label_counts(k, 0);
  std::vector<double> new_centers(kd), shift(k), half_gap(k);
  // Hamerly bookkeeping: p = last shift of each centre, its largest two values.
  double pmax1 = 0.0, pmax2 = 0.0;
  std::size_t pmax_arg = 0;
  double drift = 0.0;
  bool bounds_valid = false;
  // Safety margin of the bound tests: rounding in a computed distance is below
  // (d + 2) eps relative; 32x that, plus the accumulated rounding of the bound updates
  // (drift), makes a skipped point provably keep the label Lloyd would give it.
  const double rel = 32.0 * std::numeric_limits<double>::epsilon() * static_cast<double>(d + 4);

  const kmeans_move_fn move = kmeans_select_move(d);
  const kmeans_block_kernel kernel_first = kmeans_select_kernel<false>(d);
  const kmeans_block_kernel kernel_second = kmeans_select_kernel<true>(d);
  // Lloyd's float32 screening (detail/kmeans_kernels.hpp): the centres as k rows of
  // (2 c_j, |c_j|^2) in float, and the slack of the proven error bound.
  const kmeans_screen_kernel screen = data.xf != nullptr ? kmeans_select_screen(d) : nullptr;
  std::vector<float> screen_centers(k * (d + 1));
  float slack_mul = 0.0f, slack_add = 0.0f;
  bool screen_now = false;
  auto prepare_screen = [&]() {
    screen_now = false;
    if (screen == nullptr || hamerly) return;
    double cmax2 = 0.0;
    for (std::size_t j = 0; j < k; ++j) {
      double h = 0.0;
      for (std::size_t f = 0; f < d; ++f) {
        const double v = centers[j * d + f];
        if (!(std::fabs(v) <= kmeans_float_limit)) return;  // outside the bound's range: double only
        h += v * v;
        screen_centers[j * (d + 1) + f] = static_cast<float>(2.0 * v);
      }
      screen_centers[j * (d + 1) + d] = static_cast<float>(h);
      cmax2 = std::max(cmax2, h);
    }
    const double mul = static_cast<double>(4 * d + 24) * 0x1p-24;
    slack_mul = static_cast<float>(mul);
    slack_add = static_cast<float>(mul * 2.0 * cmax2 + 1e-30);
    screen_now = true;
  };

  auto hamerly_pass = [&](std::size_t c, const double* ctr, bool full, double* delta, std::int64_t* dcount, double* dweight) {
    const std::size_t begin = c * kmeans_chunk, end = std::min(n, begin + kmeans_chunk);
    std::int32_t* const labels = run.labels.data();
    double* const up = upper.data();
    double* const lo = lower.data();
    if (full) {
      std::size_t changed = 0;
      std::int32_t lab[kmeans_block];
      double best[kmeans_block], second[kmeans_block];
      for (std::size_t b = begin; b < end; b += kmeans_block) {
        const std::size_t e = std::min(end, b + kmeans_block);
        kmeans_assign(data, kernel_second, b, e, ctr, k, lab, best, second);
        for (std::size_t i = b; i < e; ++i) {
          if (lab[i - b] != labels[i]) {
            ++changed;
            if (delta != nullptr) move(data, i, labels[i], lab[i - b], delta, dcount, dweight);
          }
          labels[i] = lab[i - b];
          up[i] = std::sqrt(best[i - b]);
          lo[i] = std::sqrt(second[i - b]);
        }
      }
      return changed;
    }
    return kmeans_hamerly_chunk(data, begin, end, ctr, k, labels, up, lo, shift.data(), half_gap.data(), pmax_arg,
                                pmax1, pmax2, rel, drift, delta, dcount, dweight);
  };

  auto lloyd_pass = [&](std::size_t c, const double* ctr, double* delta, std::int64_t* dcount, double* dweight) {
    const std::size_t begin = c * kmeans_chunk, end = std::min(n, begin + kmeans_chunk);
    std::size_t changed = 0;
    std::int32_t* const labels = run.labels.data();
    if (screen_now) {
      std::uint32_t events[kmeans_chunk];
      std::int32_t old[kmeans_chunk];
      const std::size_t ne = screen(data.xf, data.stride, begin, end - begin, screen_centers.data(), k, slack_mul,
                                    slack_add, labels, events, old);
      // Settle the unsure points in double; keep the events whose label changed.
      std::size_t nm = 0;
      for (std::size_t e = 0; e < ne; ++e) {
        const std::size_t i = begin + (events[e] & ~kmeans_event_unsure);
        std::int32_t l = labels[i];
        if ((events[e] & kmeans_event_unsure) != 0) {
          double b1 = 0.0, b2 = 0.0;
          l = kmeans_assign_one(data, i, ctr, k, b1, b2);  // the exact (double) decision
          labels[i] = l;
        }
        if (l != old[e]) {
          events[nm] = static_cast<std::uint32_t>(i - begin);
          old[nm++] = old[e];
        }
      }
      if (delta != nullptr) {
        constexpr std::size_t ahead = 8;
        for (std::size_t e = 0; e < std::min(nm, ahead); ++e) kmeans_prefetch_row(data, begin + events[e]);
        for (std::size_t e = 0; e < nm; ++e) {
          if (e + ahead < nm) kmeans_prefetch_row(data, begin + events[e + ahead]);
          const std::size_t i = begin + events[e];
          move(data, i, old[e], labels[i], delta, dcount, dweight);
        }
      }
      return nm;
    }
    std::int32_t lab[kmeans_block];
    double best[kmeans_block];
    for (std::size_t b = begin; b < end; b += kmeans_block) {
      const std::size_t e = std::min(end, b + kmeans_block);
      kmeans_assign(data, kernel_first, b, e, ctr, k, lab, best, nullptr);
      for (std::size_t i = b; i < e; ++i) {
        if (lab[i - b] != labels[i]) {
          ++changed;
          if (delta != nullptr) move(data, i, labels[i], lab[i - b], delta, dcount, dweight);
        }
        labels[i] = lab[i - b];
      }
    }
    return changed;
  };

  // One parallel region: assignment (Lloyd or Hamerly) and, when update, the per-chunk
  // deltas of the cluster sums. Returns the number of changed labels.
  auto step = [&](bool update) {
    const double* ctr = centers.data();
    const bool full = !bounds_valid;
    prepare_screen();
    team.for_chunks(n_chunks, [&](std::size_t c) {
      double* delta = nullptr;
      std::int64_t* dcount = nullptr;
      double* dweight = nullptr;
      if (update) {
        delta = chunk_delta.data() + c * kd_pad;
        dcount = chunk_dcount.data() + c * k_pad;
        std::fill(delta, delta + kd, 0.0);
        std::fill(dcount, dcount + k, std::int64_t{0});
        if (weighted) {
          dweight = chunk_dweight.data() + c * k_pad;
          std::fill(dweight, dweight + k, 0.0);
        }
      }
      chunk_changed[c] =
          hamerly ? hamerly_pass(c, ctr, full, delta, dcount, dweight) : lloyd_pass(c, ctr, delta, dcount, dweight);
    });
    if (hamerly) bounds_valid = true;
    std::size_t changed = 0;
    for (std::size_t c = 0; c < n_chunks; ++c) changed += chunk_changed[c];
    return changed;
  };

  std::vector<double> sums(kd), weights(k);
  std::vector<std::int64_t> counts(k);
  std::vector<double> far_dist;
  bool strict = false;
  int it = 0;
  for (; it < max_iter; ++it) {
    const std::size_t changed = step(true);
    for (std::size_t c = 0; c < n_chunks; ++c) {
      for (std::size_t q = 0; q < kd; ++q) label_sums[q] += chunk_delta[c * kd_pad + q];
      for (std::size_t j = 0; j < k; ++j) label_counts[j] += chunk_dcount[c * k_pad + j];
      if (weighted)
        for (std::size_t j = 0; j < k; ++j) label_weights[j] += chunk_dweight[c * k_pad + j];
    }
    // An emptied cluster's running sums are rounding residue: make them the exact zeros
    // a recomputation would give.
    for (std::size_t j = 0; j < k; ++j)
      if (label_counts[j] == 0) {
        std::fill(label_sums.begin() + static_cast<std::ptrdiff_t>(j * d),
                  label_sums.begin() + static_cast<std::ptrdiff_t>((j + 1) * d), 0.0);
        label_weights[j] = 0.0;
      }
    sums = label_sums;
    counts = label_counts;
    for (std::size_t j = 0; j < k; ++j) weights[j] = weighted ? label_weights[j] : static_cast<double>(counts[j]);
    // Empty clusters (scikit-learn's _relocate_empty_clusters_dense): each takes one of
    // the points farthest from their current (old) centre.
    std::vector<std::size_t> empty;
    for (std::size_t j = 0; j < k; ++j)
      if (counts[j] == 0) empty.push_back(j);
    if (!empty.empty()) {
      far_dist.resize(n);
      team.for_chunks(n_chunks, [&](std::size_t c) {
        const std::size_t begin = c * kmeans_chunk, end = std::min(n, begin + kmeans_chunk);
        kmeans_own_dist(data, begin, end, centers.data(), run.labels.data(), far_dist.data());
      });
      const double max_dist = *std::max_element(far_dist.begin(), far_dist.end());
      if (max_dist > 0.0) {
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), std::size_t{0});
        const std::size_t take = std::min(empty.size(), n);
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(take), order.end(),
                          [&](std::size_t a, std::size_t b) {
                            return far_dist[a] > far_dist[b] || (far_dist[a] == far_dist[b] && a < b);
                          });
        for (std::size_t e = 0; e < take; ++e) {
          const std::size_t fresh = empty[e], far = order[e];
          const auto old = static_cast<std::size_t>(run.labels[far]);
          const double w = weighted ? data.weight[far] : 1.0;
          for (std::size_t f = 0; f < d; ++f) {
            const double v = data.xs[f * data.stride + far] * w;
            sums[old * d + f] -= v;
            sums[fresh * d + f] = v;
          }
          weights[fresh] = w;
          weights[old] -= w;
          ++run.n_relocated;
        }
      }
    }
    // Means (scikit-learn multiplies by the reciprocal of the weight; a cluster left
    // empty keeps its sum, as there).
    for (std::size_t j = 0; j < k; ++j) {
      if (weights[j] > 0.0) {
        const double alpha = 1.0 / weights[j];
        for (std::size_t f = 0; f < d; ++f) new_centers[j * d + f] = sums[j * d + f] * alpha;
      } else {
        for (std::size_t f = 0; f < d; ++f) new_centers[j * d + f] = sums[j * d + f];
      }
    }
    double shift_total = 0.0;
    for (std::size_t j = 0; j < k; ++j) {
      double s = 0.0;
      for (std::size_t f = 0; f < d; ++f) {
        const double t = new_centers[j * d + f] - centers[j * d + f];
        s += t * t;
      }
      shift[j] = std::sqrt(s);
      shift_total += shift[j] * shift[j];
    }
    centers.swap(new_centers);
    if (hamerly) {
      pmax1 = pmax2 = 0.0;
      pmax_arg = 0;
      for (std::size_t j = 0; j < k; ++j) {
        if (shift[j] > pmax1) {
          pmax2 = pmax1;
          pmax1 = shift[j];
          pmax_arg = j;
        } else if (shift[j] > pmax2) {
          pmax2 = shift[j];
        }
      }
      drift += 4.0 * rel * pmax1;
      for (std::size_t j = 0; j < k; ++j) {
        double g = std::numeric_limits<double>::infinity();
        for (std::size_t o = 0; o < k; ++o) {
          if (o == j) continue;
          double s = 0.0;
          for (std::size_t f = 0; f < d; ++f) {
            const double t = centers[j * d + f] - centers[o * d + f];
            s += t * t;
          }
          g = std::min(g, std::sqrt(s));
        }
        half_gap[j] = 0.5 * g;
      }
    }
    run.shift = shift_total;
    if (changed == 0) {
      strict = true;
      run.status = fit_status::converged;
      run.how = "labels unchanged";
      break;
    }
    if (shift_total <= tol_abs) {
      run.status = fit_status::converged;
      run.how = "centre shift below tol";
      break;
    }
  }
  if (it == max_iter) {
    it = max_iter - 1;
    run.status = fit_status::iteration_limit;
    run.how = "iteration limit";
  }
  if (!strict) step(false);  // labels that match the returned centres
  run.n_iter = it + 1;
  std::vector<double> partial(n_chunks);
  team.for_chunks(n_chunks, [&](std::size_t c) {
    const std::size_t begin = c * kmeans_chunk, end = std::min(n, begin + kmeans_chunk);
    partial[c] = kmeans_own_dist(data, begin, end, centers.data(), run.labels.data(), nullptr);
  });
  for (double p : partial) run.inertia += p;
  run.centers = std::move(centers);
  return run;
}

// scikit-learn's _is_same_clustering: the partitions are equal up to relabelling.
inline bool kmeans_same_clustering(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b,
                                   std::size_t k) {
  std::vector<std::int32_t> mapping(k, -1);
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto& m = mapping[static_cast<std::size_t>(a[i])];
    if (m == -1)
      m = b[i];
    else if (m != b[i])
      return false;
  }
  return true;
}

// More clusters than distinct points (with positive weight) leaves some clusters empty at
// any solution. scikit-learn warns (ConvergenceWarning "Number of distinct clusters (m)
// found smaller than n_clusters (k)") and returns the empty ones; crmkit rejects the call.
// Cost: stops at the k-th distinct row, at most n * k row comparisons.
inline void kmeans_check_distinct(Eigen::Ref<const feature_matrix> x, const double* weight, std::size_t k,
                                  const char* what) {
  const auto n = static_cast<std::size_t>(x.rows());
  const auto d = static_cast<Eigen::Index>(x.cols());
  std::vector<Eigen::Index> distinct;
  for (std::size_t i = 0; i < n && distinct.size() < k; ++i) {
    if (weight != nullptr && !(weight[i] > 0.0)) continue;
    const auto row = static_cast<Eigen::Index>(i);
    bool seen = false;
    for (Eigen::Index r : distinct) {
      Eigen::Index f = 0;
      while (f < d && x(row, f) == x(r, f)) ++f;
      if (f == d) {
        seen = true;
        break;
      }
    }
    if (!seen) distinct.push_back(row);
  }
  if (distinct.size() < k)
    throw error(errc::invalid_argument,
                fmt::format("{}: n_clusters = {} but the data has only {} distinct points{}; {} clusters would stay "
                            "empty (lower n_clusters)",
                            what, k, distinct.size(), weight != nullptr ? " with positive weight" : "",
                            k - distinct.size()));
}

inline void kmeans_check_options(const kmeans_options& o, std::size_t n, std::size_t k, const char* what) {
  if (k < 1 || k > n)
    throw error(errc::invalid_argument,
                fmt::format("{}: n_clusters = {} must be between 1 and the number of points ({})", what, k, n));
  kmeans_options checked = o;  // n_clusters may be 0 with explicit centres: k is checked above
  checked.n_clusters = k;
  validate_options(checked, what);  // the ranges of option_table<kmeans_options>
}

// Shape only: finiteness is checked while the data is copied (kmeans_data::finite), and
// check_finite, which names the offending row and column, runs only when that fails.
inline void kmeans_check_data(Eigen::Ref<const feature_matrix> x, const char* what) {
  if (x.rows() == 0 || x.cols() == 0)
    throw error(errc::invalid_argument,
                fmt::format("{}: the data is empty ({} rows, {} columns)", what, x.rows(), x.cols()));
}

// Sample weights: none (empty span) or one finite weight >= 0 per point, not all zero.
inline const double* kmeans_check_weights(std::span<const double> w, std::size_t n, const char* what) {
  if (w.empty()) return nullptr;
  if (w.size() != n)
    throw error(errc::invalid_argument, fmt::format("{}: {} sample weights for {} points", what, w.size(), n));
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(w[i] >= 0.0) || !std::isfinite(w[i]))
      throw error(errc::invalid_argument,
                  fmt::format("{}: sample weight {} at row {} must be a finite number >= 0", what, w[i], i));
    total += w[i];
  }
  if (!(total > 0.0)) throw error(errc::invalid_argument, fmt::format("{}: every sample weight is 0", what));
  return w.data();
}

// scikit-learn's _tolerance: tol times the mean of the per-feature variances.
inline double kmeans_tolerance(const kmeans_data& data, double tol) {
  if (tol == 0.0) return 0.0;
  double total = 0.0;
  for (std::size_t f = 0; f < data.d; ++f) {
    const double* x = data.col(f);
    double mean = 0.0;
    for (std::size_t i = 0; i < data.n; ++i) mean += x[i];
    mean /= static_cast<double>(data.n);
    double ss = 0.0;
    for (std::size_t i = 0; i < data.n; ++i) ss += (x[i] - mean) * (x[i] - mean);
    total += ss / static_cast<double>(data.n);
  }
  return total / static_cast<double>(data.d) * tol;
}

inline kmeans_result kmeans_finish(const kmeans_data& data, kmeans_run&& run, std::size_t k, int best_init) {
  kmeans_result r;
  r.labels = std::move(run.labels);
  r.centers.resize(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(data.d));
  for (std::size_t j = 0; j < k; ++j)
    for (std::size_t f = 0; f < data.d; ++f)
      r.centers(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(f)) = run.centers[j * data.d + f] + data.mean[f];
  r.inertia = run.inertia;
  r.n_iter = run.n_iter;
  r.report.status = run.status;
  r.report.iterations = run.n_iter;
  r.report.objective = run.inertia;
  r.report.gradient_norm = run.shift;
  r.report.message = run.how;
  r.n_relocated = run.n_relocated;
  r.best_init = best_init;
  return r;
}

}  // namespace detail

CRMKIT_FUNC kmeans_result kmeans_fit(Eigen::Ref<const feature_matrix> x, const kmeans_options& options,
                                     std::span<const double> sample_weight) {
  const char* what = "kmeans_fit";
  detail::kmeans_check_data(x, what);
  const auto n = static_cast<std::size_t>(x.rows());
  const std::size_t k = options.n_clusters;
  detail::kmeans_check_options(options, n, k, what);
  const double* weight = detail::kmeans_check_weights(sample_weight, n, what);
  if (n > 0xFFFFFFFFull)
    throw error(errc::invalid_argument, fmt::format("{}: {} points; at most 2^32 - 1 are supported", what, n));
  thread_team team(options.n_threads);
  auto data =
      detail::make_kmeans_data(x, /*center=*/true, team, detail::kmeans_select_screen(static_cast<std::size_t>(x.cols())) != nullptr);
  if (!data.finite) check_finite(x, what);  // throws, naming the first bad value
  detail::kmeans_check_distinct(x, weight, k, what);
  data.weight = weight;
  const double tol_abs = detail::kmeans_tolerance(data, options.tol);
  numpy_random_state rng(options.seed);
  detail::kmeans_run best;
  int best_init = -1;
  for (int init = 0; init < options.n_init; ++init) {
    std::vector<std::size_t> seeds;
    if (options.init == kmeans_init_method::k_means_plus_plus) {
      seeds = detail::kmeans_plusplus_indices(data, k, rng, options.n_local_trials, team);
    } else {
      seeds = rng.permutation(n);
      seeds.resize(k);
    }
    std::vector<double> centers(k * data.d);
    for (std::size_t j = 0; j < k; ++j)
      for (std::size_t f = 0; f < data.d; ++f) centers[j * data.d + f] = data.xs[f * data.stride + seeds[j]];
    auto run = detail::kmeans_single(data, std::move(centers), k, options.max_iter, tol_abs, options.algorithm, team);
    if (best_init < 0 ||
        (run.inertia < best.inertia && !detail::kmeans_same_clustering(run.labels, best.labels, k))) {
      best = std::move(run);
      best_init = init;
    }
  }
  return detail::kmeans_finish(data, std::move(best), k, best_init);
}

CRMKIT_FUNC kmeans_result kmeans_fit(Eigen::Ref<const feature_matrix> x, Eigen::Ref<const feature_matrix> initial_centers,
                                     const kmeans_options& options, std::span<const double> sample_weight) {
  const char* what = "kmeans_fit";
  detail::kmeans_check_data(x, what);
  const auto n = static_cast<std::size_t>(x.rows());
  const auto k = static_cast<std::size_t>(initial_centers.rows());
  if (options.n_clusters != 0 && options.n_clusters != k)
    throw error(errc::invalid_argument,
                fmt::format("{}: n_clusters = {} but initial_centers has {} rows", what, options.n_clusters, k));
  if (initial_centers.cols() != x.cols())
    throw error(errc::invalid_argument, fmt::format("{}: initial_centers has {} columns, the data {}", what,
                                                    initial_centers.cols(), x.cols()));
  detail::kmeans_check_options(options, n, k, what);
  check_finite(initial_centers, "kmeans_fit (initial_centers)");
  const double* weight = detail::kmeans_check_weights(sample_weight, n, what);
  thread_team team(options.n_threads);
  auto data =
      detail::make_kmeans_data(x, /*center=*/true, team, detail::kmeans_select_screen(static_cast<std::size_t>(x.cols())) != nullptr);
  if (!data.finite) check_finite(x, what);  // throws, naming the first bad value
  detail::kmeans_check_distinct(x, weight, k, what);
  data.weight = weight;
  const double tol_abs = detail::kmeans_tolerance(data, options.tol);
  std::vector<double> centers(k * data.d);
  for (std::size_t j = 0; j < k; ++j)
    for (std::size_t f = 0; f < data.d; ++f)
      centers[j * data.d + f] =
          initial_centers(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(f)) - data.mean[f];
  auto run = detail::kmeans_single(data, std::move(centers), k, options.max_iter, tol_abs, options.algorithm, team);
  return detail::kmeans_finish(data, std::move(run), k, 0);
}

CRMKIT_FUNC std::vector<std::int32_t> kmeans_predict(Eigen::Ref<const feature_matrix> centers,
                                                     Eigen::Ref<const feature_matrix> x, int n_threads) {
  const char* what = "kmeans_predict";
  if (centers.rows() == 0 || centers.cols() == 0)
    throw error(errc::invalid_argument, fmt::format("{}: no centres (a model that was not fitted?)", what));
  if (x.cols() != centers.cols())
    throw error(errc::invalid_argument,
                fmt::format("{}: the data has {} columns, the centres {}", what, x.cols(), centers.cols()));
  check_n_threads(n_threads, what);
  check_finite(x, what);
  check_finite(centers, what);
  const auto n = static_cast<std::size_t>(x.rows());
  const auto k = static_cast<std::size_t>(centers.rows());
  std::vector<std::int32_t> labels(n);
  if (n == 0) return labels;
  thread_team team(n_threads);
  const auto data = detail::make_kmeans_data(x, /*center=*/false, team);
  std::vector<double> c(k * data.d);
  for (std::size_t j = 0; j < k; ++j)
    for (std::size_t f = 0; f < data.d; ++f)
      c[j * data.d + f] = centers(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(f));
  const auto kernel = detail::kmeans_select_kernel<false>(data.d);
  team.for_chunks(detail::kmeans_n_chunks(n), [&](std::size_t ch) {
    const std::size_t begin = ch * detail::kmeans_chunk, end = std::min(n, begin + detail::kmeans_chunk);
    double best[detail::kmeans_block];
    for (std::size_t b = begin; b < end; b += detail::kmeans_block) {
      const std::size_t e = std::min(end, b + detail::kmeans_block);
      detail::kmeans_assign(data, kernel, b, e, c.data(), k, labels.data() + b, best, nullptr);
    }
  });
  return labels;
}

CRMKIT_FUNC double silhouette_score(Eigen::Ref<const feature_matrix> x, std::span<const std::int32_t> labels,
                                    std::size_t sample_size, std::uint32_t seed, int n_threads) {
  const char* what = "silhouette_score";
  const auto n_all = static_cast<std::size_t>(x.rows());
  if (labels.size() != n_all)
    throw error(errc::invalid_argument, fmt::format("{}: {} labels for {} rows", what, labels.size(), n_all));
  if (x.cols() == 0 || n_all == 0) throw error(errc::invalid_argument, fmt::format("{}: the data is empty", what));
  if (sample_size > n_all || sample_size == 1)
    throw error(errc::invalid_argument,
                fmt::format("{}: sample_size = {} must be 0 (all) or between 2 and the number of points ({})", what,
                            sample_size, n_all));
  check_n_threads(n_threads, what);
  check_finite(x, what);
  for (std::size_t i = 0; i < n_all; ++i)
    if (labels[i] < 0)
      throw error(errc::invalid_argument, fmt::format("{}: label {} at row {} is negative", what, labels[i], i));
  std::vector<std::size_t> rows;
  if (sample_size == 0) {
    rows.resize(n_all);
    std::iota(rows.begin(), rows.end(), std::size_t{0});
  } else {
    numpy_random_state rng(seed);
    rows = rng.permutation(n_all);
    rows.resize(sample_size);
  }
  const std::size_t m = rows.size(), d = static_cast<std::size_t>(x.cols());
  // Dense cluster ids over the sample, as scikit-learn's LabelEncoder does.
  std::vector<std::int32_t> distinct;
  for (std::size_t r : rows) distinct.push_back(labels[r]);
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  const std::size_t n_labels = distinct.size();
  if (n_labels < 2 || n_labels > m - 1)
    throw error(errc::invalid_argument,
                fmt::format("{}: {} distinct labels among {} points; the silhouette needs 2 to n - 1", what, n_labels, m));
  std::vector<std::size_t> lab(m), size(n_labels, 0);
  std::vector<double> pts(m * d);
  for (std::size_t s = 0; s < m; ++s) {
    lab[s] = static_cast<std::size_t>(std::lower_bound(distinct.begin(), distinct.end(), labels[rows[s]]) - distinct.begin());
    ++size[lab[s]];
    for (std::size_t f = 0; f < d; ++f)
      pts[s * d + f] = x(static_cast<Eigen::Index>(rows[s]), static_cast<Eigen::Index>(f));
  }
  std::vector<double> sil(m);
  thread_team team(n_threads);
  const std::size_t rows_per_chunk = 64;
  team.for_chunks((m + rows_per_chunk - 1) / rows_per_chunk, [&](std::size_t c) {
    std::vector<double> sum(n_labels);
    for (std::size_t s = c * rows_per_chunk; s < std::min(m, (c + 1) * rows_per_chunk); ++s) {
      std::fill(sum.begin(), sum.end(), 0.0);
      const double* p = pts.data() + s * d;
      for (std::size_t o = 0; o < m; ++o) {
        const double* q = pts.data() + o * d;
        double t = p[0] - q[0];
        double ss = t * t;
        for (std::size_t f = 1; f < d; ++f) {
          t = p[f] - q[f];
          ss += t * t;
        }
        sum[lab[o]] += std::sqrt(ss);
      }
      const std::size_t own = lab[s];
      if (size[own] <= 1) {
        sil[s] = 0.0;
        continue;
      }
      const double a = sum[own] / static_cast<double>(size[own] - 1);
      double b = std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j < n_labels; ++j)
        if (j != own) b = std::min(b, sum[j] / static_cast<double>(size[j]));
      const double den = std::max(a, b);
      sil[s] = den > 0.0 ? (b - a) / den : 0.0;
    }
  });
  double total = 0.0;
  for (double v : sil) total += v;
  return total / static_cast<double>(m);
}

CRMKIT_FUNC std::vector<kmeans_k_score> kmeans_scan_k(Eigen::Ref<const feature_matrix> x, std::size_t k_min,
                                                     std::size_t k_max, const kmeans_options& options,
                                                     std::size_t silhouette_sample_size) {
  const auto n = static_cast<std::size_t>(x.rows());
  if (k_min < 1 || k_max < k_min || k_max > n)
    throw error(errc::invalid_argument,
                fmt::format("kmeans_scan_k: need 1 <= k_min ({}) <= k_max ({}) <= number of points ({})", k_min,
                            k_max, n));
  std::vector<kmeans_k_score> out;
  for (std::size_t k = k_min; k <= k_max; ++k) {
    kmeans_options o = options;
    o.n_clusters = k;
    const auto r = kmeans_fit(x, o);
    kmeans_k_score s;
    s.k = k;
    s.inertia = r.inertia;
    s.n_iter = r.n_iter;
    s.silhouette = std::numeric_limits<double>::quiet_NaN();
    if (silhouette_sample_size != no_silhouette && k >= 2) {
      const std::size_t sample = silhouette_sample_size >= n ? 0 : silhouette_sample_size;
      std::size_t distinct = 0;
      std::vector<char> seen(k, 0);
      for (auto l : r.labels) distinct += !seen[static_cast<std::size_t>(l)]++ ? 1 : 0;
      if (distinct >= 2 && (sample == 0 ? n : sample) > k)
        s.silhouette = silhouette_score(x, r.labels, sample, options.seed, options.n_threads);
    }
    out.push_back(s);
  }
  return out;
}

CRMKIT_FUNC std::vector<cluster_profile> kmeans_profile(Eigen::Ref<const feature_matrix> features,
                                                       std::span<const std::int32_t> labels, std::size_t n_clusters,
                                                       std::span<const double> value) {
  const char* what = "kmeans_profile";
  const auto n = static_cast<std::size_t>(features.rows());
  const auto d = static_cast<std::size_t>(features.cols());
  if (labels.size() != n)
    throw error(errc::invalid_argument, fmt::format("{}: {} labels for {} rows", what, labels.size(), n));
  if (!value.empty() && value.size() != n)
    throw error(errc::invalid_argument, fmt::format("{}: {} values for {} rows", what, value.size(), n));
  std::vector<cluster_profile> out(n_clusters);
  for (auto& p : out) p.mean.assign(d, 0.0);
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t l = labels[i];
    if (l < 0 || static_cast<std::size_t>(l) >= n_clusters)
      throw error(errc::invalid_argument,
                  fmt::format("{}: label {} at row {} is outside [0, {})", what, l, i, n_clusters));
    auto& p = out[static_cast<std::size_t>(l)];
    ++p.size;
    for (std::size_t f = 0; f < d; ++f) p.mean[f] += features(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f));
    if (!value.empty()) {
      p.value += value[i];
      total += value[i];
    }
  }
  for (auto& p : out) {
    p.share = n ? static_cast<double>(p.size) / static_cast<double>(n) : 0.0;
    p.value_share = total != 0.0 ? p.value / total : std::numeric_limits<double>::quiet_NaN();
    for (auto& m : p.mean) m = p.size ? m / static_cast<double>(p.size) : std::numeric_limits<double>::quiet_NaN();
  }
  return out;
}

CRMKIT_END_NAMESPACE

#if defined(__GNUC__) && !defined(__clang__)
#  pragma GCC pop_options
#endif
