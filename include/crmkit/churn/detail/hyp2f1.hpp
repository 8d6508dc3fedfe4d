// Gauss hypergeometric series used by the BTYD models. Internal header (crmkit::detail).
//
// The Pareto/NBD likelihood (Fader & Hardie 2005, "A note on deriving the Pareto/NBD model
// and related expressions", eq. 22) contains 2F1(r+s+x, s+1; r+s+x+1; z) / (alpha+t)^(r+s+x).
// Evaluated as written it overflows and loses all digits for large x and ages: the series
// converges slowly as z -> 1 and its terms grow like (1-z)^-s. Euler's transformation
// 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z) (Abramowitz & Stegun 15.3.3) turns it into
// (1-z)^-s 2F1(1, r+x; r+s+x+1; z), whose series has positive terms bounded by z^k (no
// cancellation, no overflow), and whose prefactor 1-z = (beta+t)/(alpha+t) is exact. The
// whole expression is then carried in logarithms. Within 1/64 of z = 1, where the series
// would need ~40/(1-z) terms, 2F1(1, b; c; z) comes from its Euler integral by quadrature
// (see log_hyp2f1_1bc). The BG/BB DERT uses the same function at z = 1/(1+d). (The BG/NBD
// expectations' 2F1 is taken as an integral instead: detail/bg_expectation.hpp.)
#pragma once

#include <array>
#include <cmath>
#include <limits>

#include "crmkit/churn/detail/dual.hpp"
#include "crmkit/churn/detail/log_quadrature.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// ln 2F1(1, b; c; z) for 0 <= z < 1, b > 0, c > 1, with w = 1 - z passed separately so
/// that callers who know it exactly (Pareto/NBD: w = (beta+t)/(alpha+t)) lose no digits.
///
/// Far from z = 1 (w >= 1/64) the positive series is summed: each term ratio is below z, so
/// it needs at most ~40/w terms and has no cancellation. Near z = 1 the series would need
/// ~40/w terms (10^6 and more for w ~ 1e-5; the old code returned NaN there), and the
/// z -> 1-z continuation (A&S 15.3.6) cancels catastrophically when c - b - 1 is close to an
/// integer (A&S 15.3.10-12) or when b w is not small. Instead the Euler integral
///   2F1(1, b; c; z) = (c-1) int_0^1 tau^(c-2) (w + z tau)^(-b) dtau      (A&S 15.3.1)
/// is evaluated in u = ln tau: its log-integrand (c-1) u - b ln(w + z e^u) is concave, which
/// log_integral_concave integrates to rounding (detail/log_quadrature.hpp). This holds for
/// any sign of c - b - 1, integer or not, and any size of b and c.
template <class T>
T log_hyp2f1_1bc(const T& b, const T& c, const T& z, const T& w) {
  using std::log;
  const double zv = value_of(z), wv = value_of(w);
  if (zv == 0.0) return T(0.0);
  if (wv >= 1.0 / 64) {
    T term(1.0), sum(1.0);
    for (int k = 0; k < 100000; ++k) {
      term = term * ((b + static_cast<double>(k)) * z / (c + static_cast<double>(k)));
      sum += term;
      // The remaining terms are below term * z/(1-z) (each ratio is < z).
      if (value_of(term) * zv <= 1e-17 * wv * value_of(sum)) return log(sum);
    }
    return T(std::numeric_limits<double>::quiet_NaN());
  }
  const std::array<T, 1> k{b};
  const std::array<T, 1> shift{log(w) - log(z)};  // ln(w + z e^u) = ln w + softplus(u - ln(w/z))
  return log(c - 1.0) - b * log(w) + log_integral_concave(c - 1.0, k, shift, 0.0);
}

}  // namespace detail
CRMKIT_END_NAMESPACE
