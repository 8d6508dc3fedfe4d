// The row kernels of the logistic regression (crmkit/churn/detail/logistic_kernels.hpp):
// the vectorised exp(-|z|) and log1p against the C library, the fused pass against a
// plain per-row computation, and the same bits from every instruction-set build.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "crmkit/churn/detail/logistic_kernels.hpp"

namespace lk = crmkit::detail::logistic;

namespace {

std::uint64_t next(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
double uniform(std::uint64_t& s) { return static_cast<double>(next(s) >> 11) * 0x1.0p-53; }

// Distance in units in the last place between two finite doubles of the same sign.
double ulps(double a, double b) {
  if (a == b) return 0.0;
  const double scale = std::ldexp(1.0, std::ilogb(std::max(std::abs(a), std::abs(b))) - 52);
  return std::abs(a - b) / std::max(scale, std::numeric_limits<double>::denorm_min());
}

// The loss term, probability and e of one row through a 4-lane call of the kernels' helpers.
struct lane_values {
  double e[4], log1p_e[4];
};
lane_values lanes(const double (&z)[4]) {
  lk::lr_vd zv{z[0], z[1], z[2], z[3]}, e, l;
  lk::exp_neg_abs(zv, e);
  lk::log1p_unit(e, l);
  lane_values out{};
  for (int q = 0; q < 4; ++q) {
    out.e[q] = e[q];
    out.log1p_e[q] = l[q];
  }
  return out;
}

}  // namespace

TEST_CASE("logistic kernels: exp(-|z|) and log1p(e) within 2 ulp of the C library") {
  std::uint64_t s = 17;
  double worst_exp = 0.0, worst_log = 0.0;
  for (int i = 0; i < 200000; ++i) {
    double z[4];
    for (double& v : z) {
      const double mag = std::pow(10.0, uniform(s) * 7.0 - 4.0);  // |z| from 1e-4 to 1e3
      v = (uniform(s) < 0.5 ? -1.0 : 1.0) * std::min(mag, 700.0);
    }
    const lane_values got = lanes(z);
    for (int q = 0; q < 4; ++q) {
      const double e = std::exp(-std::abs(z[q]));
      worst_exp = std::max(worst_exp, ulps(got.e[q], e));
      worst_log = std::max(worst_log, ulps(got.log1p_e[q], std::log1p(got.e[q])));
    }
  }
  CHECK(worst_exp <= 2.0);
  CHECK(worst_log <= 2.0);
  // the ends: z = 0 gives e = 1 and log 2 exactly rounded; huge |z| gives a tiny e, log1p(e) = e
  const lane_values ends = lanes({0.0, -0.0, 800.0, -1e300});
  CHECK(ends.e[0] == 1.0);
  CHECK(ends.e[1] == 1.0);
  CHECK(ulps(ends.log1p_e[0], std::log(2.0)) <= 1.0);
  CHECK(ends.e[2] > 0.0);
  CHECK(ends.e[2] < 1e-300);
  CHECK(ends.log1p_e[2] == ends.e[2]);
  CHECK(ends.e[3] == ends.e[2]);
}

TEST_CASE("logistic kernels: the fused pass equals the per-row definition, with the same bits on every build") {
  const std::size_t n = 1003, d = 7, ld = 9;  // rows padded beyond d; n not a multiple of 4 or of the block
  std::uint64_t s = 5;
  std::vector<double> x(n * ld), omega(n), y(n), z(n), loss_old(n), dw(d);
  for (double& v : x) v = uniform(s) * 4.0 - 2.0;
  for (std::size_t i = 0; i < n; ++i) {
    omega[i] = 0.5 + uniform(s);
    y[i] = uniform(s) < 0.4 ? 1.0 : 0.0;
    z[i] = uniform(s) * 6.0 - 3.0;
    loss_old[i] = uniform(s);
  }
  for (double& v : dw) v = uniform(s) - 0.5;
  const double db = 0.25, step = 0.5;

  std::vector<lk::kernel_set> builds{{&lk::evaluate_default, &lk::gradient_default, &lk::hessian_default}};
#ifdef CRMKIT_LOGISTIC_AVX2
  if (__builtin_cpu_supports("avx2")) builds.push_back({&lk::evaluate_avx2, &lk::gradient_avx2, &lk::hessian_avx2});
#endif
  std::vector<std::vector<double>> results;
  for (const auto& k : builds) {
    std::vector<double> zt(n), lt(n), grad(d), grad2(d);
    lk::row_pass_args a;
    a.x = x.data(), a.n = n, a.d = d, a.ld = ld, a.omega = omega.data(), a.y = y.data();
    a.dw = dw.data(), a.db = db, a.step = step, a.z = z.data(), a.loss_old = loss_old.data();
    a.zt = zt.data(), a.lt = lt.data(), a.grad = grad.data();
    k.evaluate(a);
    const double sums[3] = {a.sums[0], a.sums[1], a.sums[2]};
    // the gradient pass at zt gives the same X' r and sum r as the fused pass
    lk::row_pass_args g = a;
    g.z = zt.data(), g.grad = grad2.data();
    k.gradient(g);
    for (std::size_t j = 0; j < d; ++j) CHECK(grad2[j] == grad[j]);
    CHECK(g.sums[2] == sums[2]);
    // against the definition, in long double
    long double total = 0, change = 0, rsum = 0;
    std::vector<long double> gref(d, 0.0L);
    for (std::size_t i = 0; i < n; ++i) {
      long double u = db;
      for (std::size_t j = 0; j < d; ++j) u += static_cast<long double>(x[i * ld + j]) * dw[j];
      const long double zi = z[i] + step * u;
      CHECK(std::abs(static_cast<double>(zi) - zt[i]) < 1e-14 * (1.0 + std::abs(zt[i])));
      const long double li = omega[i] * (std::max(zi, 0.0L) + std::log1p(std::exp(-std::abs(zi))) - y[i] * zi);
      CHECK(std::abs(static_cast<double>(li) - lt[i]) < 1e-14 * (1.0 + lt[i]));
      total += li;
      change += li - loss_old[i];
      const long double r = omega[i] * (1.0L / (1.0L + std::exp(-zi)) - y[i]);
      rsum += r;
      for (std::size_t j = 0; j < d; ++j) gref[j] += r * x[i * ld + j];
    }
    CHECK(sums[0] == doctest::Approx(static_cast<double>(total)).epsilon(1e-13));
    CHECK(sums[1] == doctest::Approx(static_cast<double>(change)).epsilon(1e-12));
    CHECK(sums[2] == doctest::Approx(static_cast<double>(rsum)).epsilon(1e-12));
    for (std::size_t j = 0; j < d; ++j) CHECK(grad[j] == doctest::Approx(static_cast<double>(gref[j])).epsilon(1e-12));
    // the Hessian's lower triangle (p = d + 1 with the intercept, every 3rd row)
    const std::size_t p = d + 1, pp = (p + 3) / 4 * 4, stride = 3;
    std::vector<double> h(p * pp, 0.0), scratch(4 * pp);
    lk::hessian_args ha;
    ha.x = x.data(), ha.n = n, ha.d = d, ha.ld = ld, ha.p = p, ha.stride = stride, ha.omega = omega.data();
    ha.z = zt.data(), ha.cs = 2.0, ha.h = h.data(), ha.scratch = scratch.data();
    k.hessian(ha);
    for (std::size_t j = 0; j < p; ++j)
      for (std::size_t c = 0; c <= j; ++c) {
        long double ref = 0;
        for (std::size_t i = 0; i < n; i += stride) {
          const long double e = std::exp(-std::abs(static_cast<long double>(zt[i])));
          const long double w = 2.0L * omega[i] * e / ((1 + e) * (1 + e));
          ref += w * (j < d ? x[i * ld + j] : 1.0) * (c < d ? x[i * ld + c] : 1.0);
        }
        CHECK(h[j * pp + c] == doctest::Approx(static_cast<double>(ref)).epsilon(1e-12));
      }
    std::vector<double> all = zt;
    all.insert(all.end(), lt.begin(), lt.end());
    all.insert(all.end(), grad.begin(), grad.end());
    all.insert(all.end(), sums, sums + 3);
    for (std::size_t j = 0; j < p; ++j) all.insert(all.end(), h.begin() + static_cast<std::ptrdiff_t>(j * pp),
                                                   h.begin() + static_cast<std::ptrdiff_t>(j * pp + j + 1));
    results.push_back(all);
  }
  for (std::size_t b = 1; b < results.size(); ++b) {
    REQUIRE(results[b].size() == results[0].size());
    CHECK(std::memcmp(results[b].data(), results[0].data(), results[0].size() * sizeof(double)) == 0);
  }
  MESSAGE("instruction-set builds compared: " << results.size());
}

TEST_CASE("logistic kernels: unit weights (no weight vector) give the bits of a vector of ones") {
  const std::size_t n = 517, d = 5;
  std::uint64_t s = 9;
  std::vector<double> x(n * d), y(n), z(n), loss_old(n, 0.0), dw(d), ones(n, 1.0);
  for (double& v : x) v = uniform(s) * 2.0 - 1.0;
  for (std::size_t i = 0; i < n; ++i) y[i] = uniform(s) < 0.3 ? 1.0 : 0.0, z[i] = uniform(s) - 0.5;
  for (double& v : dw) v = uniform(s) - 0.5;
  const lk::kernel_set k = lk::select_kernels();
  std::vector<std::vector<double>> out;
  for (const double* omega : {static_cast<const double*>(nullptr), static_cast<const double*>(ones.data())}) {
    std::vector<double> zt(n), lt(n), grad(d), h((d + 1) * 8, 0.0), scratch(32);
    lk::row_pass_args a;
    a.x = x.data(), a.n = n, a.d = d, a.ld = d, a.omega = omega, a.y = y.data();
    a.dw = dw.data(), a.db = -0.1, a.step = 1.0, a.z = z.data(), a.loss_old = loss_old.data();
    a.zt = zt.data(), a.lt = lt.data(), a.grad = grad.data();
    k.evaluate(a);
    lk::hessian_args ha;
    ha.x = x.data(), ha.n = n, ha.d = d, ha.ld = d, ha.p = d + 1, ha.stride = 1, ha.omega = omega;
    ha.z = zt.data(), ha.cs = 1.0, ha.h = h.data(), ha.scratch = scratch.data();
    k.hessian(ha);
    std::vector<double> all = zt;
    all.insert(all.end(), lt.begin(), lt.end());
    all.insert(all.end(), grad.begin(), grad.end());
    all.insert(all.end(), a.sums, a.sums + 3);
    all.insert(all.end(), h.begin(), h.end());
    CHECK(a.sums[0] > 0.0);
    out.push_back(all);
  }
  CHECK(std::memcmp(out[0].data(), out[1].data(), out[0].size() * sizeof(double)) == 0);
}
