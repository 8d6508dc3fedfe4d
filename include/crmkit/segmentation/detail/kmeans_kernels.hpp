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


// ---------------------------------------------------------------------------------------
// Float32 screening (the fast Lloyd assignment). The exact label of a point is the argmin
// of the double distances above; most points have a clear winner, which single precision
// finds at half the memory traffic and twice the vector width. For each point the kernel
// computes, in float, the scores s_j = |c_j|^2 - 2 x.c_j (the squared distance minus
// |x|^2, the same for every j, so the argmin and the gaps are unchanged), the best and
// the second-best score, and flags the point "unsure" unless
//     s_second - s_best > slack_mul * |x|^2 + slack_add.
// Error bound (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., sec. 3.1,
// with u = 2^-24): rounding x and 2c to float, the d products and d subtractions (or d
// fused multiply-adds) and |c|^2 give |s~_j - s_j| <= (d + 4) u (1 + 0.01)
// (|x|^2 + 2 |c_j|^2), using 2|x_f c_f| <= x_f^2 + c_f^2; the double reference distances
// differ from the exact ones by less than 2 (d + 3) 2^-53 (|x|^2 + |c|^2). The caller
// sets slack_mul = (4 d + 24) u and slack_add = slack_mul * 2 max_j |c_j|^2 + 1e-30 (the
// absolute term covers underflow for |x|, |c| <= 2^40, the range the caller admits),
// more than twice the sum of both errors for the two centres involved, so a sure point's
// float winner is strictly the nearest centre in the double arithmetic as well. Unsure
// points (near ties, and the < W tail of a range) are re-decided by the caller with the
// double reference arithmetic; so labels are exactly the double kernels' labels.
//
// The kernel writes every label into `labels` and reports, in increasing order, the
// points whose label changed or that are unsure ("events": offset from begin, bit 31 set
// when unsure, and the old label), so the caller's per-point work (incremental cluster
// sums, re-checks) touches only those.

/// Signature of a screening kernel: points [begin, begin + m) of the float SoA array
/// `xf` (columns `stride` apart); `cc` holds k rows of d + 1 floats (2 c_j, then
/// |c_j|^2); labels[begin + q] are read (old) and overwritten. Returns the event count.
using kmeans_screen_kernel = std::size_t (*)(const float* xf, std::size_t stride, std::size_t begin, std::size_t m,
                                             const float* cc, std::size_t k, float slack_mul, float slack_add,
                                             std::int32_t* labels, std::uint32_t* events, std::int32_t* old_labels);

/// Bit 31 of an event: the point's float decision was not proven; re-decide it in double.
inline constexpr std::uint32_t kmeans_event_unsure = 0x80000000u;

#ifdef CRMKIT_KMEANS_VECTOR
// FMA contraction is welcome here (the bound above covers both forms).
#  if defined(__GNUC__) && !defined(__clang__)
#    pragma GCC push_options
#    pragma GCC optimize("fp-contract=fast")
#  endif

template <int W>
struct kmeans_flanes {
  typedef float vf __attribute__((vector_size(4 * W)));
  typedef std::int32_t vi __attribute__((vector_size(4 * W)));
};

template <int D, int W>
__attribute__((always_inline)) inline std::size_t kmeans_screen_body(const float* xf, std::size_t stride,
                                                                     std::size_t begin, std::size_t m,
                                                                     const float* cc, std::size_t k, float slack_mul,
                                                                     float slack_add, std::int32_t* labels,
                                                                     std::uint32_t* events, std::int32_t* old_labels) {
  using vf = typename kmeans_flanes<W>::vf;
  using vi = typename kmeans_flanes<W>::vi;
  constexpr float inf = std::numeric_limits<float>::infinity();
  std::size_t ne = 0;
  std::size_t q = 0;
  for (; q + W <= m; q += W) {
    vf x[D];
    for (int f = 0; f < D; ++f) std::memcpy(&x[f], xf + static_cast<std::size_t>(f) * stride + begin + q, sizeof(vf));
    vf nx = x[0] * x[0];
    for (int f = 1; f < D; ++f) nx += x[f] * x[f];
    vf b = vf{} + inf;
    vf s = b;
    vi lab = vi{};
    for (std::size_t j = 0; j < k; ++j) {
      const float* c = cc + j * (D + 1);
      vf v = vf{} + c[D];
      for (int f = 0; f < D; ++f) v -= x[f] * c[f];
      const vi lt = v < b;
      s = lt ? b : (v < s ? v : s);
      b = lt ? v : b;
      lab = lt ? vi{} + static_cast<std::int32_t>(j) : lab;
    }
    const vi unsure = (s - b) <= nx * slack_mul + slack_add;
    vi old;
    std::memcpy(&old, labels + begin + q, sizeof(vi));
    std::memcpy(labels + begin + q, &lab, sizeof(vi));
    const vi ev = (lab != old) | unsure;
    std::uint64_t any[sizeof(vi) / 8];
    std::memcpy(any, &ev, sizeof(vi));
    std::uint64_t acc = 0;
    for (std::size_t w = 0; w < sizeof(vi) / 8; ++w) acc |= any[w];
    if (acc == 0) continue;
    for (int l = 0; l < W; ++l) {
      if (ev[l] == 0) continue;
      events[ne] = static_cast<std::uint32_t>(q + static_cast<std::size_t>(l)) | (unsure[l] ? kmeans_event_unsure : 0u);
      old_labels[ne++] = old[l];
    }
  }
  for (; q < m; ++q) {  // the tail: always re-decided in double by the caller
    events[ne] = static_cast<std::uint32_t>(q) | kmeans_event_unsure;
    old_labels[ne++] = labels[begin + q];
  }
  return ne;
}

template <int D>
std::size_t kmeans_screen_default(const float* xf, std::size_t stride, std::size_t begin, std::size_t m,
                                  const float* cc, std::size_t k, float slack_mul, float slack_add,
                                  std::int32_t* labels, std::uint32_t* events, std::int32_t* old_labels) {
  return kmeans_screen_body<D, 4>(xf, stride, begin, m, cc, k, slack_mul, slack_add, labels, events, old_labels);
}
#  ifdef CRMKIT_KMEANS_AVX2
template <int D>
__attribute__((target("avx2,fma"))) std::size_t kmeans_screen_avx2(const float* xf, std::size_t stride,
                                                                   std::size_t begin, std::size_t m, const float* cc,
                                                                   std::size_t k, float slack_mul, float slack_add,
                                                                   std::int32_t* labels, std::uint32_t* events,
                                                                   std::int32_t* old_labels) {
  return kmeans_screen_body<D, 8>(xf, stride, begin, m, cc, k, slack_mul, slack_add, labels, events, old_labels);
}
template <int D>
__attribute__((target("avx512f,fma"))) std::size_t kmeans_screen_avx512(const float* xf, std::size_t stride,
                                                                       std::size_t begin, std::size_t m,
                                                                       const float* cc, std::size_t k,
                                                                       float slack_mul, float slack_add,
                                                                       std::int32_t* labels, std::uint32_t* events,
                                                                       std::int32_t* old_labels) {
  return kmeans_screen_body<D, 16>(xf, stride, begin, m, cc, k, slack_mul, slack_add, labels, events, old_labels);
}
#  endif
#  if defined(__GNUC__) && !defined(__clang__)
#    pragma GCC pop_options
#  endif
#endif

template <int D>
kmeans_screen_kernel kmeans_pick_screen() noexcept {
#ifdef CRMKIT_KMEANS_AVX2
  static const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx512) return &kmeans_screen_avx512<D>;
  if (avx2) return &kmeans_screen_avx2<D>;
#endif
#ifdef CRMKIT_KMEANS_VECTOR
  return &kmeans_screen_default<D>;
#else
  return nullptr;
#endif
}

/// The screening kernel for d features (null for d > 8 or without vector support: the
/// caller then assigns with the double kernels only).
inline kmeans_screen_kernel kmeans_select_screen(std::size_t d) noexcept {
  switch (d) {
    case 1: return kmeans_pick_screen<1>();
    case 2: return kmeans_pick_screen<2>();
    case 3: return kmeans_pick_screen<3>();
    case 4: return kmeans_pick_screen<4>();
    case 5: return kmeans_pick_screen<5>();
    case 6: return kmeans_pick_screen<6>();
    case 7: return kmeans_pick_screen<7>();
    case 8: return kmeans_pick_screen<8>();
    default: return nullptr;
  }
}

}  // namespace detail
CRMKIT_END_NAMESPACE

#if defined(__GNUC__) && !defined(__clang__)
#  pragma GCC pop_options
#endif
