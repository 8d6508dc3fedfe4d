// Expected purchases of a customer alive now under the BG/NBD family. Internal header (crmkit::detail).
//
// Fader, Hardie & Lee (2005, eq. 10 without P(alive); eq. 9 when x = T = 0) give, for the
// BG/NBD, with s = r + x, beta = b + x, z = t/(alpha+T+t) and y = 1 - z,
//   E[Y(t) | alive at T] = (a+beta-1)/(a-1) [1 - y^s 2F1(s, beta; a+beta-1; z)],
// and Batislam et al. (2007) the same for the modified BG/NBD with beta = b + x + 1. The
// previous code summed the Euler-transformed series y^(a-1) 2F1(a+beta-1-s, a-1; a+beta-1; z):
// near z = 1 (t much longer than alpha+T) it needs ~1/(1-z) terms and returned NaN after 10^6
// (CDNOW parameters, t = 1e8 weeks), lost ~6 digits at t = 1e5, cancelled in 1 - y^(a-1) g
// for small t, and needed a two-point average at the removable singularity a = 1.
//
// For z <= 0.99 (0.5 when a > s + 1; and a not within 1e-6 of 1) that series is still used, with 2F1 - 1 summed
// directly so that small t keeps its digits. When a > s + 1 and 0.5 < z <= 0.99 the plain
// series of 2F1(s, beta; a+beta-1; z) is summed instead (positive terms, no cancellation there). Beyond, the expectation is taken as what it is (FHL sec. 3): given p ~ Beta(a, beta) and
// lambda ~ Gamma(s, alpha+T), an alive customer makes (1 - e^(-lambda p t))/p purchases in
// expectation, and averaging over lambda gives, with theta = t/(alpha+T),
//   E = 1/B(a, beta) int_0^1 p^(a-2) (1-p)^(beta-1) h(p) dp,   h(p) = 1 - (1 + p theta)^(-s).
// The integrand is positive (no cancellation, no singularity at a = 1); h = -expm1(-s log1p(p
// theta)) keeps every digit for small t. In v = logit p it becomes exp(phi(v)) with
//   phi(v) = (a-1) v - (a+beta-1) softplus(v) + ln h(sigma(v)),
// smooth, unimodal, decaying like e^(a v) and e^(-beta v) on either side, which
// log_integral_from_mode (detail/log_quadrature.hpp) integrates to rounding for any t, x, a.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include <boost/math/special_functions/beta.hpp>

#include "crmkit/churn/detail/log_quadrature.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// 2F1(A, B; C; z) - 1 by its series (the k >= 1 terms, so that 1 - 2F1 keeps its digits for
/// small z), for 0 <= z <= 0.99 where it needs at most a few thousand terms. NaN if not converged.
inline double hyp2f1_series_minus_one(double A, double B, double C, double z) {
  double term = 1.0, sum = 0.0;
  for (int k = 0; k < 100000; ++k) {
    const double kd = static_cast<double>(k);
    const double ratio = (A + kd) * (B + kd) / ((C + kd) * (kd + 1.0)) * z;
    term *= ratio;
    sum += term;
    // Once the ratio is below 1 and decreasing towards z, the rest is below term ratio/(1-ratio).
    if (std::abs(ratio) < 1.0 && std::abs(term) * std::abs(ratio) <= 1e-17 * (1.0 - std::abs(ratio)) * std::abs(sum))
      return sum;
    if (term == 0.0) return sum;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

/// E[Y(t) | alive at T] = E over p ~ Beta(a, beta) of (1 - (1 + p theta)^-s)/p with
/// theta = t/alpha_T (see the file comment): BG/NBD with s = r+x, alpha_T = alpha+T, beta = b+x;
/// modified BG/NBD with beta = b+x+1. Requires s, alpha_T, a, beta > 0; 0 for t <= 0.
inline double bg_alive_expectation_uncached(double s, double alpha_T, double a, double beta, double t) {
  if (!(t > 0)) return 0.0;
  const double z = t / (alpha_T + t);
  // When a > s + 1 the transformed series' terms grow like k^(a-1-s) z^k before they shrink, and
  // 1 - y^(a-1) g cancels (3e-10 lost at z = 0.96, a = 6, s = 0.5): only short series there.
  if (z <= (a <= s + 1 ? 0.99 : 0.5) && std::abs(a - 1) > 1e-6) {
    // Fast path (~1/(1-z) terms, 60 ns for CDNOW at t = 39): Euler's transformation (A&S 15.3.3)
    // y^s 2F1(s, beta; a+beta-1; z) = y^(a-1) g, g = 2F1(a+beta-1-s, a-1; a+beta-1; z), and
    // 1 - y^(a-1) g = -expm1((a-1) ln y) g - (g - 1), each part accurate for small z.
    const double gm1 = hyp2f1_series_minus_one(a + beta - 1 - s, a - 1, a + beta - 1, z);
    const double one_minus = -std::expm1(-(a - 1) * std::log1p(t / alpha_T)) * (1.0 + gm1) - gm1;
    return (a + beta - 1) / (a - 1) * one_minus;
  }
  if (a > s + 1 && z <= 0.99) {
    // a > s + 1, 0.5 < z <= 0.99: the untransformed series 2F1(s, beta; a+beta-1; z) has
    // positive terms falling like k^(s-a) z^k (c - a - b = a - 1 - s > 0), and
    // 1 - y^s 2F1 stays well away from 0 for z > 0.5, so it keeps its digits at
    // about 1 us a call, where the quadrature below costs ~20-170 us.
    const double fm1 = hyp2f1_series_minus_one(s, beta, a + beta - 1, z);
    if (std::isfinite(fm1)) {
      const double ys = std::exp(-s * std::log1p(t / alpha_T));
      return (a + beta - 1) / (a - 1) * (1.0 - ys * (1.0 + fm1));
    }
  }
  const double log_theta = std::log(t) - std::log(alpha_T);
  auto sigma = [](double v) { return v >= 0 ? 1.0 / (1.0 + std::exp(-v)) : std::exp(v) / (1.0 + std::exp(v)); };
  // L(v) = ln(1 + theta p) with p = sigma(v); q = theta p in logs so that it never underflows early.
  auto theta_p = [&](double v) { return std::exp(log_theta + v - softplus(v)); };
  auto phi = [&](double v) {
    const double L = std::log1p(theta_p(v));
    return (a - 1) * v - (a + beta - 1) * softplus(v) + std::log(-std::expm1(-s * L));
  };
  auto slope = [&](double v) {
    const double q = theta_p(v), sg = sigma(v);
    const double L = std::log1p(q);
    // d ln h / dv = s e^(-sL)/(1 - e^(-sL)) * dL/dv, dL/dv = q (1 - p)/(1 + q); s/expm1(sL) -> 1/L as sL -> 0.
    return (a - 1) - (a + beta - 1) * sg + s / std::expm1(s * L) * q * (1 - sg) / (1 + q);
  };
  // |phi''| only sizes the panels: a central difference of the exact slope is enough.
  auto curvature = [&](double v) { return std::abs(slope(v + 1e-3) - slope(v - 1e-3)) / 2e-3; };
  // The integrand's bends: softplus(v) at v = 0 and ln h where theta p ~ 1/s.
  auto near_kink = [&](double lo, double hi) {
    double near = std::numeric_limits<double>::infinity();
    for (double c : {0.0, -log_theta - std::log(s)}) near = std::min(near, std::max(0.0, std::max(lo - c, c - hi)));
    return near;
  };
  // The mode: slope -> a > 0 as v -> -inf and -> -beta < 0 as v -> +inf; bracket and bisect.
  double lo = -1.0, hi = 1.0;
  while (slope(lo) < 0 && lo > -1e6) lo *= 2;
  while (slope(hi) > 0 && hi < 1e6) hi *= 2;
  for (int it = 0; it < 200 && hi - lo > 1e-13 * (1.0 + std::abs(lo)); ++it) {
    const double mid = 0.5 * (lo + hi);
    (slope(mid) >= 0 ? lo : hi) = mid;
  }
  const double mode = 0.5 * (lo + hi);
  // Above U = mode + 40/beta + 40 the integrand is below e^-40 of its peak (slope < -beta there).
  const double U = mode + 40.0 / std::min(beta, 1.0) + 40.0;
  const double log_integral = log_integral_from_mode<double>(mode, U, phi, slope, curvature, near_kink);
  // ln B(a, beta) from boost's Lanczos beta: the difference of lgammas would lose ~|lgamma| 1e-16,
  // 4e-12 relative for beta in the thousands. It underflows only when a and beta are both large.
  const double B = boost::math::beta(a, beta);
  const double log_B = B > 1e-290 ? std::log(B) : std::lgamma(a) + std::lgamma(beta) - std::lgamma(a + beta);
  return std::exp(log_integral - log_B);
}

/// Same as bg_alive_expectation_uncached. (A per-thread memo was tried here: it was fast but
/// it is hidden global state holding 1.25 MiB in every host thread that ever calls it, which an
/// embedded library must not do; a caller-owned cache is the way if this is needed again.)
inline double bg_alive_expectation(double s, double alpha_T, double a, double beta, double t) {
  return bg_alive_expectation_uncached(s, alpha_T, a, beta, t);
}

}  // namespace detail
CRMKIT_END_NAMESPACE
