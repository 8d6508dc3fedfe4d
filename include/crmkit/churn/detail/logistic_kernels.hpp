// crmkit::detail logistic-regression row kernels: the per-row loss, probability and
// Hessian weight from one e = exp(-|z|), a fused pass over the rows (u = X delta, the trial
// point's loss terms and X' r while a block of rows is in cache), the gradient pass and the
// Hessian accumulation. Internal to crmkit/churn/logistic.
//
// Thread safety: stateless; safe.
//
// Exactness contract: the results depend on the input only, not on the instruction set.
// Every lane of a vector is the same IEEE double operations in the same order as the
// others, with no fused multiply-add and no reassociation (GCC/Clang vector extensions of
// 4 lanes; an AVX2 build of the same code, without FMA, is picked at run time when the CPU
// has it, as in segmentation/detail/kmeans_kernels.hpp), and every sum runs in a fixed
// order set by the row count alone. exp and log1p are branch-free polynomials (below)
// instead of the C library's calls, so that they vectorise: within 2 units in the last
// place of the library's values, and the same bits on every machine.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "crmkit/config.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#  pragma GCC push_options
#  pragma GCC optimize("fp-contract=off")
#endif

CRMKIT_BEGIN_NAMESPACE
namespace detail::logistic {

#if defined(__clang__)
#  pragma clang fp contract(off)
#endif

typedef double lr_vd __attribute__((vector_size(32)));
typedef long long lr_vl __attribute__((vector_size(32)));
typedef unsigned long long lr_vu __attribute__((vector_size(32)));
typedef double lr_vd_unaligned __attribute__((vector_size(32), may_alias, aligned(8)));

/// Arguments of the row passes. The matrix is row-major with rows `ld` doubles apart.
struct row_pass_args {
  const double* x = nullptr;  // n x d, rows ld apart
  std::size_t n = 0, d = 0, ld = 0;
  const double* omega = nullptr;  // per-row weights (sample x class); null: all 1
  const double* y = nullptr;      // labels 0/1
  // evaluate: zt = z + step u with u = X dw + db (computed per block, not stored), then the
  // loss terms lt (from e = exp(-|zt|)), sums[0] = sum lt, sums[1] = sum (lt - loss_old);
  // when grad is not null, grad[0..d) = X' r and sums[2] = sum r, r = omega (p(zt) - y).
  // gradient: the same X' r and sums[2] at z (e recomputed from z).
  const double* dw = nullptr;
  double db = 0.0, step = 1.0;
  const double* z = nullptr;
  const double* loss_old = nullptr;
  double* zt = nullptr;
  double* lt = nullptr;
  double* grad = nullptr;
  double sums[3] = {0.0, 0.0, 0.0};
};

/// Arguments of the Hessian accumulation: h (p rows of pp = p rounded up to a multiple of 4
/// doubles, p = d + intercept) gets in its lower triangle cs * sum over rows i = 0, stride, 2 stride, ... of
/// omega_i e_i / (1 + e_i)^2 [x_i 1][x_i 1]', e_i = exp(-|z_i|) (h must be zero on entry;
/// the caller adds the penalty and mirrors the triangle).
struct hessian_args {
  const double* x = nullptr;
  std::size_t n = 0, d = 0, ld = 0, p = 0, stride = 1;
  const double* omega = nullptr;  // null: all 1
  const double* z = nullptr;
  double cs = 1.0;
  double* h = nullptr;
  double* scratch = nullptr;  // 4 pp doubles
};

using row_pass_kernel = void (*)(row_pass_args&);
using hessian_kernel = void (*)(const hessian_args&);

/// The kernels of one instruction set.
struct kernel_set {
  row_pass_kernel evaluate;
  row_pass_kernel gradient;
  hessian_kernel hessian;
};

constexpr std::size_t row_block = 128;  // rows per block of the fused pass (a multiple of 4)

// No vector crosses a function boundary by value (GCC's -Wpsabi: the ABI of 32-byte vector
// arguments differs with and without AVX): helpers take references and write results.
#define CRMKIT_LR_SPLAT(v) (lr_vd{(v), (v), (v), (v)})

[[gnu::always_inline]] inline const lr_vd_unaligned* vec_at(const double* p) noexcept {
  return reinterpret_cast<const lr_vd_unaligned*>(p);
}
[[gnu::always_inline]] inline lr_vd_unaligned* vec_at(double* p) noexcept {
  return reinterpret_cast<lr_vd_unaligned*>(p);
}
// `count` < 4 lanes from p, the others `pad`.
[[gnu::always_inline]] inline void load_part(const double* p, std::size_t count, double pad, lr_vd& v) noexcept {
  v = CRMKIT_LR_SPLAT(pad);
  for (std::size_t q = 0; q < count; ++q) v[q] = p[q];
}
// Row weights of lanes [at, at + count): 1 for every row when omega is null (unit
// weights), 0 in the padding lanes beyond count.
[[gnu::always_inline]] inline void load_weights(const double* omega, std::size_t at, std::size_t count,
                                                lr_vd& v) noexcept {
  if (omega == nullptr) {
    v = CRMKIT_LR_SPLAT(0.0);
    for (std::size_t q = 0; q < count; ++q) v[q] = 1.0;
  } else if (count == 4) {
    v = *vec_at(omega + at);
  } else {
    load_part(omega + at, count, 0.0, v);
  }
}
[[gnu::always_inline]] inline void store_part(double* p, const lr_vd& v, std::size_t count) noexcept {
  for (std::size_t q = 0; q < count; ++q) p[q] = v[q];
}

/// exp(-|z|) per lane: Cody-Waite reduction x = n ln2 + r, |r| <= ln2 / 2, the Taylor
/// polynomial of degree 13 (remainder below 5e-18), and 2^n added to the exponent bits.
/// -|z| is clamped at -708 (exp = 3.3e-308, the smallest value kept normal); NaN stays NaN.
[[gnu::always_inline]] inline void exp_neg_abs(const lr_vd& z, lr_vd& out) noexcept {
  const lr_vl neg = z < CRMKIT_LR_SPLAT(0.0);
  lr_vd x = neg ? z : -z;
  x = x < CRMKIT_LR_SPLAT(-708.0) ? CRMKIT_LR_SPLAT(-708.0) : x;
  constexpr double shifter = 0x1.8p52;
  const lr_vd kd = x * CRMKIT_LR_SPLAT(0x1.71547652b82fep0) + CRMKIT_LR_SPLAT(shifter);  // x / ln 2, rounded
  const lr_vd n = kd - CRMKIT_LR_SPLAT(shifter);
  const lr_vd r =
      (x - n * CRMKIT_LR_SPLAT(0x1.62e42fee00000p-1)) - n * CRMKIT_LR_SPLAT(0x1.a39ef35793c76p-33);  // ln 2 hi + lo
  lr_vd q = CRMKIT_LR_SPLAT(1.0 / 6227020800.0);  // 1/13!
  q = q * r + CRMKIT_LR_SPLAT(1.0 / 479001600.0);
  q = q * r + CRMKIT_LR_SPLAT(1.0 / 39916800.0);
  q = q * r + CRMKIT_LR_SPLAT(1.0 / 3628800.0);
  q = q * r + CRMKIT_LR_SPLAT(1.0 / 362880.0);
  q = q * r + CRMKIT_LR_SPLAT(1.0 / 40320.0);
  q = q * r + CRMKIT_LR_SPLAT(1.0 / 5040.0);
  q = q * r + CRMKIT_LR_SPLAT(1.0 / 720.0);
  q = q * r + CRMKIT_LR_SPLAT(1.0 / 120.0);
  q = q * r + CRMKIT_LR_SPLAT(1.0 / 24.0);
  q = q * r + CRMKIT_LR_SPLAT(1.0 / 6.0);
  q = q * r + CRMKIT_LR_SPLAT(0.5);
  q = q * r + CRMKIT_LR_SPLAT(1.0);
  q = q * r + CRMKIT_LR_SPLAT(1.0);
  // n in the low bits of kd (two's complement offset from the shifter's bits), moved into
  // the exponent field; n >= -1021 and q in [0.7, 1.42] keep the result normal.
  lr_vu kbits, qbits;
  const lr_vd shifter_v = CRMKIT_LR_SPLAT(shifter);
  lr_vu sbits;
  std::memcpy(&kbits, &kd, sizeof kbits);
  std::memcpy(&qbits, &q, sizeof qbits);
  std::memcpy(&sbits, &shifter_v, sizeof sbits);
  qbits += (kbits - sbits) << 52;
  std::memcpy(&out, &qbits, sizeof out);
}

/// log1p(e) per lane for e in [0, 1]: u = 1 + e, log u = k ln 2 + log m with m = u / 2^k in
/// [sqrt(1/2), sqrt 2], log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.172, as its
/// series to s^23 (remainder below 1e-18), plus the rounding correction (e - (u - 1)) / u.
[[gnu::always_inline]] inline void log1p_unit(const lr_vd& e, lr_vd& out) noexcept {
  const lr_vd u = CRMKIT_LR_SPLAT(1.0) + e;
  const lr_vd c = (e - (u - CRMKIT_LR_SPLAT(1.0))) / u;
  const lr_vl big = u > CRMKIT_LR_SPLAT(0x1.6a09e667f3bcdp0);
  const lr_vd m = big ? u * CRMKIT_LR_SPLAT(0.5) : u;
  const lr_vd f = m - CRMKIT_LR_SPLAT(1.0);  // exact
  const lr_vd s = f / (CRMKIT_LR_SPLAT(2.0) + f);
  const lr_vd w = s * s;
  lr_vd q = CRMKIT_LR_SPLAT(1.0 / 23.0);
  q = q * w + CRMKIT_LR_SPLAT(1.0 / 21.0);
  q = q * w + CRMKIT_LR_SPLAT(1.0 / 19.0);
  q = q * w + CRMKIT_LR_SPLAT(1.0 / 17.0);
  q = q * w + CRMKIT_LR_SPLAT(1.0 / 15.0);
  q = q * w + CRMKIT_LR_SPLAT(1.0 / 13.0);
  q = q * w + CRMKIT_LR_SPLAT(1.0 / 11.0);
  q = q * w + CRMKIT_LR_SPLAT(1.0 / 9.0);
  q = q * w + CRMKIT_LR_SPLAT(1.0 / 7.0);
  q = q * w + CRMKIT_LR_SPLAT(1.0 / 5.0);
  q = q * w + CRMKIT_LR_SPLAT(1.0 / 3.0);
  const lr_vd s2 = s + s;
  const lr_vd log_m = s2 + s2 * (w * q);
  const lr_vd k = big ? CRMKIT_LR_SPLAT(1.0) : CRMKIT_LR_SPLAT(0.0);
  out = k * CRMKIT_LR_SPLAT(0x1.62e42fee00000p-1) + (log_m + (k * CRMKIT_LR_SPLAT(0x1.a39ef35793c76p-33) + c));
}

/// Loss terms omega (max(z, 0) + log1p(e) - y z) with e = exp(-|z|).
[[gnu::always_inline]] inline void row_terms(const lr_vd& z, const lr_vd& omega, const lr_vd& y, lr_vd& e,
                                             lr_vd& loss) noexcept {
  exp_neg_abs(z, e);
  lr_vd sp;
  log1p_unit(e, sp);
  const lr_vd pos = z > CRMKIT_LR_SPLAT(0.0) ? z : CRMKIT_LR_SPLAT(0.0);
  loss = omega * ((pos + sp) - y * z);
}

/// r = omega (p - y), p = 1 / (1 + e^-z) = (z >= 0 ? 1 : e) / (1 + e).
[[gnu::always_inline]] inline void residual(const lr_vd& z, const lr_vd& e, const lr_vd& omega, const lr_vd& y,
                                            lr_vd& r) noexcept {
  const lr_vd num = z >= CRMKIT_LR_SPLAT(0.0) ? CRMKIT_LR_SPLAT(1.0) : e;
  r = omega * (num / (CRMKIT_LR_SPLAT(1.0) + e) - y);
}

/// x . w over d values: 4 lane sums (lane q takes j = q mod 4), added (0 + 1) + (2 + 3),
/// then the remaining columns in order.
[[gnu::always_inline]] inline double row_dot(const double* __restrict x, const double* __restrict w,
                                             std::size_t d) noexcept {
  lr_vd acc = CRMKIT_LR_SPLAT(0.0);
  std::size_t j = 0;
  for (; j + 4 <= d; j += 4) acc += *vec_at(x + j) * *vec_at(w + j);
  double s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  for (; j < d; ++j) s += x[j] * w[j];
  return s;
}

/// row_dot of 4 rows (ld apart) at once: each row's arithmetic is row_dot's.
[[gnu::always_inline]] inline void row_dot4(const double* x, std::size_t ld, const double* __restrict w,
                                            std::size_t d, double* __restrict out) noexcept {
  lr_vd a0 = CRMKIT_LR_SPLAT(0.0), a1 = a0, a2 = a0, a3 = a0;
  const double *x0 = x, *x1 = x + ld, *x2 = x + 2 * ld, *x3 = x + 3 * ld;
  std::size_t j = 0;
  for (; j + 4 <= d; j += 4) {
    const lr_vd wj = *vec_at(w + j);
    a0 += *vec_at(x0 + j) * wj;
    a1 += *vec_at(x1 + j) * wj;
    a2 += *vec_at(x2 + j) * wj;
    a3 += *vec_at(x3 + j) * wj;
  }
  double s0 = (a0[0] + a0[1]) + (a0[2] + a0[3]), s1 = (a1[0] + a1[1]) + (a1[2] + a1[3]);
  double s2 = (a2[0] + a2[1]) + (a2[2] + a2[3]), s3 = (a3[0] + a3[1]) + (a3[2] + a3[3]);
  for (; j < d; ++j) {
    s0 += x0[j] * w[j];
    s1 += x1[j] * w[j];
    s2 += x2[j] * w[j];
    s3 += x3[j] * w[j];
  }
  out[0] = s0, out[1] = s1, out[2] = s2, out[3] = s3;
}

/// g[0..d) += X_rows' r for m rows starting at x (rows ld apart), in groups of 4 rows:
/// g_k = (((g_k + r0 x0k) + r1 x1k) + r2 x2k) + r3 x3k, then the remaining rows one by one.
[[gnu::always_inline]] inline void add_xtr(const double* x, std::size_t ld, std::size_t d, const double* r,
                                           std::size_t m, double* __restrict g) noexcept {
  std::size_t i = 0;
  for (; i + 4 <= m; i += 4) {
    const double* __restrict x0 = x + i * ld;
    const double* __restrict x1 = x0 + ld;
    const double* __restrict x2 = x1 + ld;
    const double* __restrict x3 = x2 + ld;
    const double r0 = r[i], r1 = r[i + 1], r2 = r[i + 2], r3 = r[i + 3];
    for (std::size_t k = 0; k < d; ++k) g[k] = g[k] + r0 * x0[k] + r1 * x1[k] + r2 * x2[k] + r3 * x3[k];
  }
  for (; i < m; ++i) {
    const double* __restrict xi = x + i * ld;
    const double ri = r[i];
    for (std::size_t k = 0; k < d; ++k) g[k] = g[k] + ri * xi[k];
  }
}

[[gnu::always_inline]] inline void evaluate_body(row_pass_args& a) noexcept {
  const std::size_t n = a.n, d = a.d, ld = a.ld;
  lr_vd total = CRMKIT_LR_SPLAT(0.0), change = CRMKIT_LR_SPLAT(0.0), rsum = CRMKIT_LR_SPLAT(0.0);
  const lr_vd step = CRMKIT_LR_SPLAT(a.step);
  alignas(32) double r[row_block];
  alignas(32) double ub[row_block];
  if (a.grad)
    for (std::size_t k = 0; k < d; ++k) a.grad[k] = 0.0;
  for (std::size_t b0 = 0; b0 < n; b0 += row_block) {
    const std::size_t m = std::min(row_block, n - b0);
    const double* xb = a.x + b0 * ld;
    std::size_t i4 = 0;
    for (; i4 + 4 <= m; i4 += 4) row_dot4(xb + i4 * ld, ld, a.dw, d, ub + i4);
    for (; i4 < m; ++i4) ub[i4] = row_dot(xb + i4 * ld, a.dw, d);
    for (std::size_t i = 0; i < m; ++i) ub[i] += a.db;
    for (std::size_t i = 0; i < m; i += 4) {
      const std::size_t at = b0 + i, cnt = std::min<std::size_t>(4, m - i);
      lr_vd z, om, yy, lo;
      lr_vd u;
      if (cnt == 4)
        u = *vec_at(ub + i);
      else
        load_part(ub + i, cnt, 0.0, u);
      if (cnt == 4) {
        z = *vec_at(a.z + at);
        yy = *vec_at(a.y + at);
        lo = *vec_at(a.loss_old + at);
      } else {  // padding lanes: weight 0, so they add exact zeros
        load_part(a.z + at, cnt, 0.0, z);
        load_part(a.y + at, cnt, 0.0, yy);
        load_part(a.loss_old + at, cnt, 0.0, lo);
      }
      load_weights(a.omega, at, cnt, om);
      const lr_vd zt = z + step * u;
      lr_vd e, l;
      row_terms(zt, om, yy, e, l);
      total += l;
      change += l - lo;
      if (cnt == 4) {
        *vec_at(a.zt + at) = zt;
        *vec_at(a.lt + at) = l;
      } else {
        store_part(a.zt + at, zt, cnt);
        store_part(a.lt + at, l, cnt);
      }
      if (a.grad) {
        lr_vd rr;
        residual(zt, e, om, yy, rr);
        rsum += rr;
        *vec_at(r + i) = rr;
      }
    }
    if (a.grad) add_xtr(xb, ld, d, r, m, a.grad);
  }
  a.sums[0] = (total[0] + total[1]) + (total[2] + total[3]);
  a.sums[1] = (change[0] + change[1]) + (change[2] + change[3]);
  a.sums[2] = (rsum[0] + rsum[1]) + (rsum[2] + rsum[3]);
}

[[gnu::always_inline]] inline void gradient_body(row_pass_args& a) noexcept {
  const std::size_t n = a.n, d = a.d, ld = a.ld;
  lr_vd rsum = CRMKIT_LR_SPLAT(0.0);
  alignas(32) double r[row_block];
  for (std::size_t k = 0; k < d; ++k) a.grad[k] = 0.0;
  for (std::size_t b0 = 0; b0 < n; b0 += row_block) {
    const std::size_t m = std::min(row_block, n - b0);
    for (std::size_t i = 0; i < m; i += 4) {
      const std::size_t at = b0 + i, cnt = std::min<std::size_t>(4, m - i);
      lr_vd z, om, yy;
      if (cnt == 4) {
        z = *vec_at(a.z + at);
        yy = *vec_at(a.y + at);
      } else {
        load_part(a.z + at, cnt, 0.0, z);
        load_part(a.y + at, cnt, 0.0, yy);
      }
      load_weights(a.omega, at, cnt, om);
      lr_vd e, rr;
      exp_neg_abs(z, e);
      residual(z, e, om, yy, rr);
      rsum += rr;
      *vec_at(r + i) = rr;
    }
    add_xtr(a.x + b0 * ld, ld, d, r, m, a.grad);
  }
  a.sums[2] = (rsum[0] + rsum[1]) + (rsum[2] + rsum[3]);
}

/// The Hessian's lower triangle by rank-4 updates: 4 sampled rows at a time are copied with
/// their intercept 1 into a buffer of rows padded with zeros to pp = p rounded up to 4
/// columns, then h_jk = (((h_jk + a0j x0k) + a1j x1k) + a2j x2k) + a3j x3k with a_qj =
/// weight_q x_qj, for k < j + 1 rounded up to 4 (the entries above the diagonal that this
/// touches are not part of the result); missing rows of the last group have weight 0.
[[gnu::always_inline]] inline void hessian_body(const hessian_args& a) noexcept {
  const std::size_t d = a.d, p = a.p, ld = a.ld, pp = (p + 3) / 4 * 4;
  double* buf = a.scratch;  // the group's 4 rows, pp columns each
  for (std::size_t k = 0; k < 4 * pp; ++k) buf[k] = 0.0;
  for (std::size_t i0 = 0; i0 < a.n; i0 += 4 * a.stride) {
    lr_vd zq = CRMKIT_LR_SPLAT(0.0), oq = CRMKIT_LR_SPLAT(0.0);
    for (std::size_t q = 0; q < 4; ++q) {
      const std::size_t i = i0 + q * a.stride;
      double* row = buf + q * pp;
      if (i < a.n) {
        zq[q] = a.z[i];
        oq[q] = a.omega ? a.omega[i] : 1.0;
        const double* xi = a.x + i * ld;
        for (std::size_t k = 0; k < d; ++k) row[k] = xi[k];
        if (p > d) row[d] = 1.0;
      }
    }
    lr_vd eq;
    exp_neg_abs(zq, eq);
    const lr_vd wq = CRMKIT_LR_SPLAT(a.cs) * oq * eq / ((CRMKIT_LR_SPLAT(1.0) + eq) * (CRMKIT_LR_SPLAT(1.0) + eq));
    const double* x0 = buf;
    const double* x1 = buf + pp;
    const double* x2 = buf + 2 * pp;
    const double* x3 = buf + 3 * pp;
    for (std::size_t j = 0; j < p; ++j) {
      const lr_vd a0 = CRMKIT_LR_SPLAT(wq[0] * x0[j]), a1 = CRMKIT_LR_SPLAT(wq[1] * x1[j]), a2 = CRMKIT_LR_SPLAT(wq[2] * x2[j]),
                  a3 = CRMKIT_LR_SPLAT(wq[3] * x3[j]);
      double* hj = a.h + j * pp;
      for (std::size_t k = 0; k <= j; k += 4)
        *vec_at(hj + k) = *vec_at(hj + k) + a0 * *vec_at(x0 + k) + a1 * *vec_at(x1 + k) + a2 * *vec_at(x2 + k) +
                          a3 * *vec_at(x3 + k);
    }
  }
}

inline void evaluate_default(row_pass_args& a) { evaluate_body(a); }
inline void gradient_default(row_pass_args& a) { gradient_body(a); }
inline void hessian_default(const hessian_args& a) { hessian_body(a); }

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#  define CRMKIT_LOGISTIC_AVX2 1
__attribute__((target("avx2"))) inline void evaluate_avx2(row_pass_args& a) { evaluate_body(a); }
__attribute__((target("avx2"))) inline void gradient_avx2(row_pass_args& a) { gradient_body(a); }
__attribute__((target("avx2"))) inline void hessian_avx2(const hessian_args& a) { hessian_body(a); }
#endif

/// The kernels for this CPU (AVX2 when it has it; the same results either way).
inline kernel_set select_kernels() noexcept {
#ifdef CRMKIT_LOGISTIC_AVX2
  // Function-local constant, initialised once (thread-safe), never modified.
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) return {&evaluate_avx2, &gradient_avx2, &hessian_avx2};
#endif
  return {&evaluate_default, &gradient_default, &hessian_default};
}

#undef CRMKIT_LR_SPLAT

}  // namespace detail::logistic
CRMKIT_END_NAMESPACE

#if defined(__GNUC__) && !defined(__clang__)
#  pragma GCC pop_options
#endif
