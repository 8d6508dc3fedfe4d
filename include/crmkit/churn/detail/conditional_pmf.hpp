// Pieces of the conditional purchase-count distributions shared by the BTYD models.
// Internal header (crmkit::detail).
//
// Given a customer's history, each model's posterior splits into "dead at T" (weight
// 1 - P(alive)) and "alive at T" (weight P(alive)); on the alive branch the posterior of the
// purchase rate is Gamma(r + x, alpha + T) and the rest of the model starts afresh, because
// the Poisson process and the dropout mechanisms are memoryless. So the conditional PMF of
// the purchases Y(t) in (T, T+t] is (1 - P(alive)) [y = 0] + P(alive) P_alive(Y(t) = y),
// with P_alive the model's unconditional PMF at updated parameters (Fader, Hardie & Lee
// 2005, "Deriving an expression for P(X(t) = x) under the Pareto/NBD model" and the BG/NBD
// note; Fader & Hardie 2006, "Deriving the conditional PMF of the Pareto/NBD model").
#pragma once

#include <cmath>
#include <limits>

#include <boost/math/special_functions/beta.hpp>
#include <fmt/format.h>

#include "crmkit/churn/detail/dual.hpp"
#include "crmkit/config.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// ln P(N = y) for N ~ NBD(shape r, scale alpha) over a period t: the Poisson count with a
/// Gamma(r, alpha) rate, Gamma(r+y)/(Gamma(r) y!) (alpha/(alpha+t))^r (t/(alpha+t))^y.
inline double log_nbd_pmf(double y, double r, double alpha, double t) {
  const double lead = std::lgamma(r + y) - std::lgamma(r) - std::lgamma(y + 1) - r * std::log1p(t / alpha);
  if (y == 0) return lead;
  return lead + y * std::log(t / (alpha + t));
}

/// P(N >= y) for the same NBD count, y >= 1: the regularized incomplete beta
/// I_{t/(alpha+t)}(y, r), exact in the tail (no 1 - CDF cancellation).
inline double nbd_tail(double y, double r, double alpha, double t) {
  return boost::math::ibeta(y, r, t / (alpha + t));
}

/// P(Y(t) = y) for a BG/NBD customer alive at the start of the period with purchase rate
/// ~ Gamma(r, alpha) and dropout probability ~ Beta(a, b) after each purchase (FHL 2005
/// eq. 8): the customer either survives y purchases and makes no further one, or drops out
/// right after the y-th, which needs at least y Poisson events:
///   B(a, b+y)/B(a, b) NBD(y) + [y >= 1] B(a+1, b+y-1)/B(a, b) P(NBD >= y).
inline double bg_alive_pmf(double y, double r, double alpha, double a, double b, double t) {
  if (!(t > 0)) return y == 0 ? 1.0 : 0.0;
  const double lb = lbeta(a, b);
  double p = std::exp(lbeta(a, b + y) - lb + log_nbd_pmf(y, r, alpha, t));
  if (y >= 1) p += std::exp(lbeta(a + 1, b + y - 1) - lb) * nbd_tail(y, r, alpha, t);
  return p;
}

/// Checks a purchase count n >= 0 and a horizon t (finite, >= 0).
inline void check_pmf_args(const char* where, int n, double t) {
  if (n < 0) throw error(errc::invalid_argument, fmt::format("{}: number of purchases {} < 0", where, n));
  if (!(t >= 0) || !std::isfinite(t))
    throw error(errc::invalid_argument, fmt::format("{}: horizon t = {} must be finite and >= 0", where, t));
}

/// Mixes the alive-branch PMF with the dead branch (all mass at 0).
inline double mix_alive(double alive, double y, double pmf_if_alive) {
  return (y == 0 ? 1.0 - alive : 0.0) + alive * pmf_if_alive;
}

}  // namespace detail
CRMKIT_END_NAMESPACE
