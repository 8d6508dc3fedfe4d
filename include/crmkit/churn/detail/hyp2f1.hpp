// Gauss hypergeometric series used by the BTYD models. Internal header (crmkit::detail).
//
// The Pareto/NBD likelihood (Fader & Hardie 2005, "A note on deriving the Pareto/NBD model
// and related expressions", eq. 22) contains 2F1(r+s+x, s+1; r+s+x+1; z) / (alpha+t)^(r+s+x).
// Evaluated as written it overflows and loses all digits for large x and ages: the series
// converges slowly as z -> 1 and its terms grow like (1-z)^-s. Euler's transformation
// 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z) (Abramowitz & Stegun 15.3.3) turns it into
// (1-z)^-s 2F1(1, r+x; r+s+x+1; z), whose series has positive terms bounded by z^k (no
// cancellation, no overflow), and whose prefactor 1-z = (beta+t)/(alpha+t) is exact. The
// whole expression is then carried in logarithms.
#pragma once

#include <cmath>
#include <limits>

#include "crmkit/churn/detail/dual.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// ln 2F1(1, b; c; z) for 0 <= z < 1 and 0 < b < c, by its positive series. NaN when it
/// has not converged within 10^6 terms (z within ~1e-5 of 1).
template <class T>
T log_hyp2f1_1bc(const T& b, const T& c, const T& z) {
  using std::log;
  T term(1.0), sum(1.0);
  const double zv = value_of(z);
  if (zv == 0.0) return T(0.0);
  for (int k = 0; k < 1000000; ++k) {
    term = term * ((b + static_cast<double>(k)) * z / (c + static_cast<double>(k)));
    sum += term;
    // The remaining terms are below term * z/(1-z) (each ratio is < z).
    if (value_of(term) * zv <= 1e-17 * (1.0 - zv) * value_of(sum)) return log(sum);
  }
  return T(std::numeric_limits<double>::quiet_NaN());
}

/// 2F1(a, b; c; z) by its series for 0 <= z < 1 when it converges (c - a - b > 0 or z not
/// near 1); used after the caller applied a transformation that makes it converge fast.
inline double hyp2f1_series(double a, double b, double c, double z) {
  double term = 1.0, sum = 1.0;
  for (int k = 0; k < 1000000; ++k) {
    const double kd = static_cast<double>(k);
    const double ratio = (a + kd) * (b + kd) / ((c + kd) * (kd + 1.0)) * z;
    term *= ratio;
    sum += term;
    // Stop once the terms shrink geometrically and the rest is below rounding.
    if (std::abs(ratio) < 1.0 && std::abs(term) * std::abs(ratio) <= 1e-17 * (1.0 - std::abs(ratio)) * std::abs(sum))
      return sum;
    if (term == 0.0) return sum;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace detail
CRMKIT_END_NAMESPACE
