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
// Here the expectation is taken as what it is (FHL sec. 3): given p ~ Beta(a, beta) and
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
#include <limits>

#include <boost/math/special_functions/beta.hpp>

#include "crmkit/churn/detail/log_quadrature.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// E[Y(t) | alive at T] = E over p ~ Beta(a, beta) of (1 - (1 + p theta)^-s)/p with
/// theta = t/alpha_T (see the file comment): BG/NBD with s = r+x, alpha_T = alpha+T, beta = b+x;
/// modified BG/NBD with beta = b+x+1. Requires s, alpha_T, a, beta > 0; 0 for t <= 0.
inline double bg_alive_expectation(double s, double alpha_T, double a, double beta, double t) {
  if (!(t > 0)) return 0.0;
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

}  // namespace detail
CRMKIT_END_NAMESPACE
