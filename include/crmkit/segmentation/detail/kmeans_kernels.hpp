// crmkit::detail k-means assignment kernels: nearest (and second-nearest) centre for a
// block of points in structure-of-arrays layout. Internal to crmkit/segmentation.
//
// Thread safety: stateless; safe.
//
// Exactness contract (what makes Hamerly == Lloyd bit for bit, and any thread count or
// instruction set give the same labels): every squared distance is computed per point as
//   t = x_0 - c_0; s = t * t; then for f = 1..d-1: t = x_f - c_f; s += t * t
// in IEEE double, no fused multiply-add, no reassociation. The vector kernels below do
// exactly this per lane (GCC/Clang vector extensions, 4 lanes), so their results equal
// the scalar kmeans_sq_dist() bit for bit; an AVX2 build of the same code is chosen at
// run time when the CPU has it (AVX2 without FMA: the arithmetic is unchanged, only the
// width). Ties go to the lowest centre index, as in scikit-learn's strict `<` scan.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "crmkit/config.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#  pragma GCC push_options
#  pragma GCC optimize("fp-contract=off")
#endif

CRMKIT_BEGIN_NAMESPACE
namespace detail {

#if defined(__GNUC__) || defined(__clang__)
#  define CRMKIT_KMEANS_VECTOR 1
#  if defined(__clang__)
#    pragma clang fp contract(off)
#  endif
#endif

/// Signature of a block kernel: points [begin, begin + m) of the SoA array `xs` whose
/// columns are `stride` apart (xs 64-byte aligned, stride and begin multiples of 8); k centres row-major (k x d); writes label, best and, when
/// `second` is not null, the second-best squared distance (infinity when k == 1).
using kmeans_block_kernel = void (*)(const double* xs, std::size_t stride, std::size_t begin, std::size_t m,
                                     const double* centers, std::size_t k, std::int32_t* label, double* best,
                                     double* second);

// One point, scalar: the reference arithmetic.
template <int D>
inline double kmeans_point_sq_dist(const double* xs, std::size_t stride, std::size_t i, const double* c) noexcept {
  double t = xs[i] - c[0];
  double s = t * t;
  for (int f = 1; f < D; ++f) {
    t = xs[static_cast<std::size_t>(f) * stride + i] - c[f];
    s += t * t;
  }
  return s;
}

template <int D>
inline void kmeans_block_scalar_tail(const double* xs, std::size_t stride, std::size_t i, const double* centers,
                                     std::size_t k, std::int32_t& label, double& best, double* second) noexcept {
  double b = kmeans_point_sq_dist<D>(xs, stride, i, centers);
  double s = std::numeric_limits<double>::infinity();
  std::int32_t l = 0;
  for (std::size_t j = 1; j < k; ++j) {
    const double v = kmeans_point_sq_dist<D>(xs, stride, i, centers + j * D);
    if (v < b) {
      s = b;
      b = v;
      l = static_cast<std::int32_t>(j);
    } else if (v < s) {
      s = v;
    }
  }
  label = l;
  best = b;
  if (second) *second = s;
}

#ifdef CRMKIT_KMEANS_VECTOR
typedef double kmeans_vd __attribute__((vector_size(32)));
typedef long long kmeans_vl __attribute__((vector_size(32)));
typedef double kmeans_vd_alias __attribute__((vector_size(32), may_alias));

// W-lane vector types for the distance kernel (4: SSE2/AVX2 builds, 8: AVX-512).
template <int W>
struct kmeans_lanes;
template <>
struct kmeans_lanes<4> {
  typedef double vd __attribute__((vector_size(32)));
  typedef long long vl __attribute__((vector_size(32)));
  typedef double vd_alias __attribute__((vector_size(32), may_alias));
};
template <>
struct kmeans_lanes<8> {
  typedef double vd __attribute__((vector_size(64)));
  typedef long long vl __attribute__((vector_size(64)));
  typedef double vd_alias __attribute__((vector_size(64), may_alias));
};

template <int D, bool Second, int W>
__attribute__((always_inline)) inline void kmeans_block_body(const double* xs, std::size_t stride, std::size_t begin,
                                                             std::size_t m, const double* centers, std::size_t k,
                                                             std::int32_t* label, double* best, double* second) {
  using vd = typename kmeans_lanes<W>::vd;
  using vl = typename kmeans_lanes<W>::vl;
  using vda = typename kmeans_lanes<W>::vd_alias;
  constexpr double inf = std::numeric_limits<double>::infinity();
  std::size_t i = 0;
  for (; i + W <= m; i += W) {
    vd x[D];
    for (int f = 0; f < D; ++f)
      x[f] = *static_cast<const vda*>(
          __builtin_assume_aligned(xs + static_cast<std::size_t>(f) * stride + begin + i, 8 * W));
    vd b = vd{} + inf;
    vd s = b;
    vl lab = vl{};
    for (std::size_t j = 0; j < k; ++j) {
      const double* c = centers + j * D;
      vd t = x[0] - c[0];
      vd dd = t * t;
      for (int f = 1; f < D; ++f) {
        t = x[f] - c[f];
        dd += t * t;
      }
      const vl lt = dd < b;
      if constexpr (Second) {
        const vl lt2 = dd < s;
        s = lt ? b : (lt2 ? dd : s);
      }
      b = lt ? dd : b;
      lab = lt ? vl{} + static_cast<long long>(j) : lab;
    }
    for (int q = 0; q < W; ++q) {
      label[i + static_cast<std::size_t>(q)] = static_cast<std::int32_t>(lab[q]);
      best[i + static_cast<std::size_t>(q)] = b[q];
      if constexpr (Second) second[i + static_cast<std::size_t>(q)] = s[q];
    }
  }
  for (; i < m; ++i)
    kmeans_block_scalar_tail<D>(xs, stride, begin + i, centers, k, label[i], best[i], Second ? second + i : nullptr);
}

template <int D, bool Second>
void kmeans_block_default(const double* xs, std::size_t stride, std::size_t begin, std::size_t m, const double* centers,
                          std::size_t k, std::int32_t* label, double* best, double* second) {
  kmeans_block_body<D, Second, 4>(xs, stride, begin, m, centers, k, label, best, second);
}

#  if defined(__x86_64__) || defined(__i386__)
#    define CRMKIT_KMEANS_AVX2 1
template <int D, bool Second>
__attribute__((target("avx2"))) void kmeans_block_avx2(const double* xs, std::size_t stride, std::size_t begin,
                                                        std::size_t m, const double* centers, std::size_t k,
                                                        std::int32_t* label, double* best, double* second) {
  kmeans_block_body<D, Second, 4>(xs, stride, begin, m, centers, k, label, best, second);
}
template <int D, bool Second>
__attribute__((target("avx512f"))) void kmeans_block_avx512(const double* xs, std::size_t stride, std::size_t begin,
                                                            std::size_t m, const double* centers, std::size_t k,
                                                            std::int32_t* label, double* best, double* second) {
  kmeans_block_body<D, Second, 8>(xs, stride, begin, m, centers, k, label, best, second);
}
#  endif
#endif

template <int D, bool Second>
kmeans_block_kernel kmeans_pick_kernel() noexcept {
#ifdef CRMKIT_KMEANS_AVX2
  // Function-local constants, initialised once (thread-safe), never modified.
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx512) return &kmeans_block_avx512<D, Second>;
  if (avx2) return &kmeans_block_avx2<D, Second>;
#endif
#ifdef CRMKIT_KMEANS_VECTOR
  return &kmeans_block_default<D, Second>;
#else
  return nullptr;
#endif
}

/// The fastest exact kernel for d features (null: use the generic runtime-d path).
template <bool Second>
kmeans_block_kernel kmeans_select_kernel(std::size_t d) noexcept {
  switch (d) {
    case 1: return kmeans_pick_kernel<1, Second>();
    case 2: return kmeans_pick_kernel<2, Second>();
    case 3: return kmeans_pick_kernel<3, Second>();
    case 4: return kmeans_pick_kernel<4, Second>();
    case 5: return kmeans_pick_kernel<5, Second>();
    case 6: return kmeans_pick_kernel<6, Second>();
    case 7: return kmeans_pick_kernel<7, Second>();
    case 8: return kmeans_pick_kernel<8, Second>();
    default: return nullptr;
  }
}


/// Signature of a per-chunk sums kernel: adds points [begin, begin + m) to the
/// accumulators of their labels. `acc` holds k * d * 4 doubles (cluster, feature, lane:
/// lane = point index mod 4) and `cnt` k * 4 counts; the caller zeroes both per chunk
/// and combines lanes as (l0 + l1) + (l2 + l3). Every accumulator sees its points in index
/// order, so the sums are the same bits whoever calls this (Lloyd or Hamerly, any thread).
using kmeans_sums_kernel = void (*)(const double* xs, std::size_t stride, std::size_t begin, std::size_t m,
                                    const std::int32_t* label, std::size_t k, double* acc, std::int64_t* cnt);

template <int D>
inline void kmeans_sums_scalar(const double* xs, std::size_t stride, std::size_t begin, std::size_t m,
                               const std::int32_t* label, std::size_t, double* acc, std::int64_t* cnt) noexcept {
  for (std::size_t q = 0; q < m; ++q) {
    const std::size_t i = begin + q, lane = i & 3u, j = static_cast<std::size_t>(label[q]);
    for (int f = 0; f < D; ++f) acc[(j * D + static_cast<std::size_t>(f)) * 4 + lane] += xs[static_cast<std::size_t>(f) * stride + i];
    ++cnt[j * 4 + lane];
  }
}

#ifdef CRMKIT_KMEANS_VECTOR
template <int D>
__attribute__((always_inline)) inline void kmeans_sums_body(const double* xs, std::size_t stride, std::size_t begin,
                                                            std::size_t m, const std::int32_t* label, std::size_t k,
                                                            double* acc, std::int64_t* cnt) {
  // One sweep per cluster with its D accumulators in registers: more arithmetic than a
  // scatter, but no store-to-load dependency between points of the same cluster.
  const std::size_t m4 = m / 4 * 4;
  const kmeans_vd zero = {0.0, 0.0, 0.0, 0.0};
  for (std::size_t j = 0; j < k; ++j) {
    const auto jj = static_cast<std::int32_t>(j);
    kmeans_vd a[D];
    for (int f = 0; f < D; ++f) a[f] = zero;
    kmeans_vl c = {0, 0, 0, 0};
    for (std::size_t q = 0; q < m4; q += 4) {
      const kmeans_vl lab = {label[q], label[q + 1], label[q + 2], label[q + 3]};
      const kmeans_vl mask = lab == kmeans_vl{jj, jj, jj, jj};
      for (int f = 0; f < D; ++f) {
        const kmeans_vd x = *static_cast<const kmeans_vd_alias*>(
            __builtin_assume_aligned(xs + static_cast<std::size_t>(f) * stride + begin + q, 32));
        a[f] += mask ? x : zero;
      }
      c -= mask;  // mask lanes are -1 where the point belongs to j
    }
    for (int f = 0; f < D; ++f)
      for (int l = 0; l < 4; ++l) acc[(j * D + static_cast<std::size_t>(f)) * 4 + static_cast<std::size_t>(l)] += a[f][l];
    for (int l = 0; l < 4; ++l) cnt[j * 4 + static_cast<std::size_t>(l)] += c[l];
  }
  kmeans_sums_scalar<D>(xs, stride, begin + m4, m - m4, label + m4, k, acc, cnt);
}

template <int D>
void kmeans_sums_default(const double* xs, std::size_t stride, std::size_t begin, std::size_t m,
                         const std::int32_t* label, std::size_t k, double* acc, std::int64_t* cnt) {
  kmeans_sums_body<D>(xs, stride, begin, m, label, k, acc, cnt);
}
#  ifdef CRMKIT_KMEANS_AVX2
template <int D>
__attribute__((target("avx2"))) void kmeans_sums_avx2(const double* xs, std::size_t stride, std::size_t begin,
                                                       std::size_t m, const std::int32_t* label, std::size_t k,
                                                       double* acc, std::int64_t* cnt) {
  kmeans_sums_body<D>(xs, stride, begin, m, label, k, acc, cnt);
}
#  endif
#endif

template <int D>
kmeans_sums_kernel kmeans_pick_sums() noexcept {
#ifdef CRMKIT_KMEANS_AVX2
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) return &kmeans_sums_avx2<D>;
#endif
#ifdef CRMKIT_KMEANS_VECTOR
  return &kmeans_sums_default<D>;
#else
  return &kmeans_sums_scalar<D>;
#endif
}

/// The sums kernel for d features (null for d > 8: the caller's generic path).
inline kmeans_sums_kernel kmeans_select_sums(std::size_t d) noexcept {
  switch (d) {
    case 1: return kmeans_pick_sums<1>();
    case 2: return kmeans_pick_sums<2>();
    case 3: return kmeans_pick_sums<3>();
    case 4: return kmeans_pick_sums<4>();
    case 5: return kmeans_pick_sums<5>();
    case 6: return kmeans_pick_sums<6>();
    case 7: return kmeans_pick_sums<7>();
    case 8: return kmeans_pick_sums<8>();
    default: return nullptr;
  }
}

}  // namespace detail
CRMKIT_END_NAMESPACE

#if defined(__GNUC__) && !defined(__clang__)
#  pragma GCC pop_options
#endif
