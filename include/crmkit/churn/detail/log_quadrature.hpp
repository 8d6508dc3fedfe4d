// Quadrature of exp(phi(u)) over (-inf, U] for a concave phi of the form
//   phi(u) = k0 u - sum_j k_j softplus(u - c_j),  k0 > 0, k_j >= 0,
// the shape of every integral the BTYD models need once written in the variable u = ln(time):
// the Euler integral of 2F1(1, b; c; z) near z = 1 and the Pareto/NBD conditional-PMF integral
// int_0^t tau^y (alpha+tau)^-(r+y) (beta+tau)^-(s+1) dtau. Internal header (crmkit::detail).
//
// Method: phi is concave, so exp(phi) is unimodal. The mode is found by bisection on phi'
// (decreasing), and 20-point Gauss-Legendre panels are laid outward from it; each panel's
// width doubles but is capped so that phi changes by a bounded amount across it (slope x
// width <= 8 and curvature x width^2 <= 8, where Gauss-Legendre-20 is exact to rounding for
// exp of such a function) and, within 30 of a kink c_j, to width 4 (the complex poles of
// softplus limit the rule's convergence there), and the walk stops once a panel adds less than 1e-18 of the sum.
// Everything is scaled by exp(phi(mode)) and returned as a logarithm, so large exponents
// (thousands of purchases, ages of decades) neither overflow nor underflow.
//
// The node positions are computed in double from the values of the coefficients; the
// integrand is evaluated in the scalar type T (double or dual), so that for dual numbers the
// result carries the exact derivative of the (numerically) same quadrature rule: the rule's
// end point U is fixed and the truncated lower tail is below rounding.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

#include <boost/math/quadrature/gauss.hpp>

#include "crmkit/churn/detail/dual.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// softplus(v) = ln(1 + e^v) without overflow.
template <class T>
T softplus(const T& v) {
  using std::exp;
  using std::log1p;
  if (value_of(v) > 0) return v + log1p(exp(-v));
  return log1p(exp(v));
}

/// ln of the integral over (-inf, U] of exp(phi(u)) for a unimodal exp(phi) with its mode at
/// `mode` (<= U): the panel walk of log_integral_concave (see the file comment), for callers
/// whose phi is not of the softplus form. slope(u) = phi'(u) and curvature(u) = |phi''(u)|
/// (doubles; they only size the panels), near_kink(lo, hi) = distance from [lo, hi] to the
/// nearest point where phi bends sharply (complex singularities at distance ~pi). NaN if the
/// walk does not finish.
template <class T, class Phi, class Slope, class Curvature, class NearKink>
T log_integral_from_mode(double mode, double U, const Phi& phi, const Slope& slope, const Curvature& curvature,
                         const NearKink& near_kink) {
  using std::exp;
  using std::log;
  const T scale = phi(mode);
  const auto& nodes = boost::math::quadrature::gauss<double, 20>::abscissa();
  const auto& weights = boost::math::quadrature::gauss<double, 20>::weights();
  T sum(0.0);
  auto panel = [&](double a, double b) {  // Gauss-Legendre on [a, b]
    const double half = 0.5 * (b - a), mid = 0.5 * (a + b);
    T s(0.0);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      s += weights[i] * (exp(phi(mid - half * nodes[i]) - scale) + exp(phi(mid + half * nodes[i]) - scale));
    }
    return s * half;
  };
  auto width = [&](double from, double dir, double previous) {
    double h = previous * 2;
    for (int it = 0; it < 200; ++it) {
      const double to = from + dir * h;
      const double steep = std::max(std::abs(slope(from)), std::abs(slope(to)));
      const double bend = std::max({curvature(from), curvature(from + dir * 0.5 * h), curvature(to)});
      // softplus(u - c_j) has complex poles at distance pi from the real axis: near a kink c_j
      // a panel must stay short (half-width 2 makes the Gauss-Legendre-20 error ~1e-21);
      // farther away their influence decays like e^-|u - c_j|.
      const bool kink = near_kink(std::min(from, to), std::max(from, to)) < 30 && h > 4;
      if (steep * h <= 8 && bend * h * h <= 8 && !kink) break;
      h *= 0.5;
    }
    return h;
  };
  const double h0 = 0.5 / std::sqrt(1.0 + curvature(mode));
  bool finished = false;
  // Downward from the mode: exp(phi) decreases; stop when a panel no longer matters.
  double a = mode, h = h0;
  for (int n = 0; n < 4000; ++n) {
    h = width(a, -1.0, h);
    const T p = panel(a - h, a);
    sum += p;
    a -= h;
    if (value_of(p) <= 1e-18 * value_of(sum)) {
      finished = true;
      break;
    }
  }
  // Upward from the mode to U (when the mode is interior).
  a = mode;
  h = h0;
  for (int n = 0; n < 4000 && a < U && finished; ++n) {
    h = std::min(width(a, 1.0, h), U - a);
    const double b = U - (a + h) <= 1e-14 * (1.0 + std::abs(U)) ? U : a + h;
    const T p = panel(a, b);
    sum += p;
    a = b;
    if (value_of(p) <= 1e-18 * value_of(sum)) break;
    if (n == 3999) finished = false;
  }
  if (!finished || !(value_of(sum) > 0)) return T(std::numeric_limits<double>::quiet_NaN());
  return scale + log(sum);
}

/// ln of the integral over (-inf, U] of exp(k0 u - sum_j k[j] softplus(u - c[j])), with
/// k0 > 0 and k[j] >= 0 (see the file comment). NaN if the walk does not finish (not
/// expected for finite inputs).
template <class T, std::size_t J>
T log_integral_concave(const T& k0, const std::array<T, J>& k, const std::array<T, J>& c, double U) {
  using std::exp;
  using std::log;
  const double k0d = value_of(k0);
  std::array<double, J> kd{}, cd{};
  for (std::size_t j = 0; j < J; ++j) {
    kd[j] = value_of(k[j]);
    cd[j] = value_of(c[j]);
  }
  auto sigma = [](double v) { return v >= 0 ? 1.0 / (1.0 + std::exp(-v)) : std::exp(v) / (1.0 + std::exp(v)); };
  auto slope = [&](double u) {
    double d = k0d;
    for (std::size_t j = 0; j < J; ++j) d -= kd[j] * sigma(u - cd[j]);
    return d;
  };
  auto curvature = [&](double u) {
    double d = 0;
    for (std::size_t j = 0; j < J; ++j) {
      const double s = sigma(u - cd[j]);
      d += kd[j] * s * (1 - s);
    }
    return d;
  };
  auto phi = [&](double u) {  // in T: the integrand's logarithm
    T v = k0 * u;
    for (std::size_t j = 0; j < J; ++j) v -= k[j] * softplus(u - c[j]);
    return v;
  };
  // The mode: U when phi is still increasing there, else the root of phi' (decreasing from k0).
  double mode = U;
  if (slope(U) < 0) {
    double hi = U, step = 1.0, lo = U - step;
    while (slope(lo) < 0 && step < 1e6) {
      hi = lo;
      step *= 2;
      lo = U - step;
    }
    for (int it = 0; it < 200 && hi - lo > 1e-13 * (1.0 + std::abs(lo)); ++it) {
      const double mid = 0.5 * (lo + hi);
      (slope(mid) >= 0 ? lo : hi) = mid;
    }
    mode = 0.5 * (lo + hi);
  }
  auto near_kink = [&](double lo, double hi) {
    double near = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < J; ++j) near = std::min(near, std::max(0.0, std::max(lo - cd[j], cd[j] - hi)));
    return near;
  };
  return log_integral_from_mode<T>(mode, U, phi, slope, curvature, near_kink);
}

}  // namespace detail
CRMKIT_END_NAMESPACE
