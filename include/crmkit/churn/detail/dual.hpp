// Forward-mode automatic differentiation with N directional derivatives, used to get exact
// (analytic, not finite-difference) gradients of the Pareto/NBD, modified BG/NBD, BG/BB and
// Gamma-Gamma log-likelihoods without hand-deriving every chain rule. BG/NBD, the model fitted
// on millions of rows, has a hand-written gradient instead (bg_nbd_impl.hpp).
// Internal header (crmkit::detail); not part of the public API.
#pragma once

#include <array>
#include <cmath>

#include <boost/math/special_functions/digamma.hpp>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// A value with its gradient in N directions.
template <int N>
struct dual {
  double v = 0.0;
  std::array<double, N> d{};

  dual() = default;
  dual(double value) : v(value) {}  // NOLINT: constants convert implicitly, like a double
  /// The i-th independent variable.
  static dual variable(double value, int i, double seed = 1.0) {
    dual x(value);
    x.d[static_cast<std::size_t>(i)] = seed;
    return x;
  }
  dual& operator+=(const dual& o) {
    v += o.v;
    for (int i = 0; i < N; ++i) d[idx(i)] += o.d[idx(i)];
    return *this;
  }
  dual& operator-=(const dual& o) {
    v -= o.v;
    for (int i = 0; i < N; ++i) d[idx(i)] -= o.d[idx(i)];
    return *this;
  }
  dual& operator*=(const dual& o) {
    for (int i = 0; i < N; ++i) d[idx(i)] = d[idx(i)] * o.v + v * o.d[idx(i)];
    v *= o.v;
    return *this;
  }
  dual& operator/=(const dual& o) {
    const double inv = 1.0 / o.v;
    for (int i = 0; i < N; ++i) d[idx(i)] = (d[idx(i)] - v * inv * o.d[idx(i)]) * inv;
    v *= inv;
    return *this;
  }
  static constexpr std::size_t idx(int i) { return static_cast<std::size_t>(i); }
};

template <int N> dual<N> operator+(dual<N> a, const dual<N>& b) { return a += b; }
template <int N> dual<N> operator-(dual<N> a, const dual<N>& b) { return a -= b; }
template <int N> dual<N> operator*(dual<N> a, const dual<N>& b) { return a *= b; }
template <int N> dual<N> operator/(dual<N> a, const dual<N>& b) { return a /= b; }
template <int N> dual<N> operator+(dual<N> a, double b) { a.v += b; return a; }
template <int N> dual<N> operator+(double b, dual<N> a) { a.v += b; return a; }
template <int N> dual<N> operator-(dual<N> a, double b) { a.v -= b; return a; }
template <int N> dual<N> operator-(double b, const dual<N>& a) { return dual<N>(b) - a; }
template <int N> dual<N> operator-(dual<N> a) {
  a.v = -a.v;
  for (auto& x : a.d) x = -x;
  return a;
}
template <int N> dual<N> operator*(dual<N> a, double b) {
  a.v *= b;
  for (auto& x : a.d) x *= b;
  return a;
}
template <int N> dual<N> operator*(double b, dual<N> a) { return a * b; }
template <int N> dual<N> operator/(dual<N> a, double b) { return a * (1.0 / b); }
template <int N> dual<N> operator/(double b, const dual<N>& a) { return dual<N>(b) / a; }

/// f(a) with f' = slope: the chain rule.
template <int N> dual<N> chain(const dual<N>& a, double value, double slope) {
  dual<N> r(value);
  for (int i = 0; i < N; ++i) r.d[dual<N>::idx(i)] = slope * a.d[dual<N>::idx(i)];
  return r;
}
template <int N> dual<N> log(const dual<N>& a) { return chain(a, std::log(a.v), 1.0 / a.v); }
template <int N> dual<N> exp(const dual<N>& a) {
  const double e = std::exp(a.v);
  return chain(a, e, e);
}
template <int N> dual<N> log1p(const dual<N>& a) { return chain(a, std::log1p(a.v), 1.0 / (1.0 + a.v)); }
template <int N> dual<N> lgamma(const dual<N>& a) {
  return chain(a, std::lgamma(a.v), boost::math::digamma(a.v));
}

// Overloads for plain doubles so templated formulas work on both.
inline double value_of(double x) { return x; }
template <int N> double value_of(const dual<N>& x) { return x.v; }

/// log(e^a + e^b) without overflow.
template <class T> T log_add_exp(const T& a, const T& b) {
  using std::exp;
  using std::log1p;
  if (value_of(a) >= value_of(b)) return a + log1p(exp(b - a));
  return b + log1p(exp(a - b));
}
/// log(e^a - e^b) for a >= b.
template <class T> T log_sub_exp(const T& a, const T& b) {
  using std::exp;
  using std::log1p;
  return a + log1p(-exp(b - a));
}
/// ln B(a, b).
template <class T> T lbeta(const T& a, const T& b) {
  using std::lgamma;
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

}  // namespace detail
CRMKIT_END_NAMESPACE
