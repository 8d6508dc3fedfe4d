// The Pareto/NBD likelihood as templates over double and detail::dual (pareto_nbd and
// pareto_nbd_covariates share it). Internal.
#pragma once

#include <cmath>

#include "crmkit/churn/detail/dual.hpp"
#include "crmkit/churn/detail/fit_common.hpp"
#include "crmkit/churn/detail/hyp2f1.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

// ln G(t), G(t) = int_t^inf (alpha+u)^-(r+x) (beta+u)^-(s+1) du. The likelihood's integral over
// the dropout time in (t_x, T) is G(t_x) - G(T) (FH 2005 note eqs. 19-22 write it with
// 2F1(r+s+x, s+1; r+s+x+1; z) / (alpha+t)^(r+s+x)). After Euler's transformation:
//   alpha >= beta: G = (alpha+t)^-(r+x) (beta+t)^-s 2F1(1, r+x; r+s+x+1; (alpha-beta)/(alpha+t)) / (r+s+x)
//   alpha <  beta: G = (alpha+t)^(1-r-x) (beta+t)^-(s+1) 2F1(1, s+1; r+s+x+1; (beta-alpha)/(beta+t)) / (r+s+x)
// Every factor is positive and carried as a logarithm.
template <class T>
T pareto_log_g(const T& r, const T& alpha, const T& s, const T& beta, double x, double t) {
  using std::log;
  const T rx = r + x;
  const T c = rx + s + 1.0;
  if (value_of(alpha) >= value_of(beta)) {
    const T z = (alpha - beta) / (alpha + t), w = (beta + t) / (alpha + t);
    return -rx * log(alpha + t) - s * log(beta + t) + log_hyp2f1_1bc(rx, c, z, w) - log(c - 1.0);
  }
  const T z = (beta - alpha) / (beta + t), w = (alpha + t) / (beta + t);
  return (1.0 - rx) * log(alpha + t) - (s + 1.0) * log(beta + t) + log_hyp2f1_1bc(s + 1.0, c, z, w) - log(c - 1.0);
}

// The two parts of a customer's likelihood without the common factor
// Gamma(r+x) alpha^r beta^s / Gamma(r): ln of "alive at T" and ln of "died in (t_x, T)".
template <class T>
void pareto_parts(const T& r, const T& alpha, const T& s, const T& beta, double x, double tx, double Tc, T& log_alive,
                  T& log_dead, bool& has_dead) {
  using std::log;
  log_alive = -(r + x) * log(alpha + Tc) - s * log(beta + Tc);
  has_dead = tx < Tc;
  if (has_dead) log_dead = log(s) + log_sub_exp(pareto_log_g(r, alpha, s, beta, x, tx), pareto_log_g(r, alpha, s, beta, x, Tc));
}

template <class T>
T pareto_row_ll(const T& r, const T& alpha, const T& s, const T& beta, double x, double tx, double Tc) {
  using std::lgamma;
  using std::log;
  T log_alive, log_dead;
  bool has_dead = false;
  pareto_parts(r, alpha, s, beta, x, tx, Tc, log_alive, log_dead, has_dead);
  const T lead = lgamma(r + x) - lgamma(r) + r * log(alpha) + s * log(beta);
  return lead + (has_dead ? log_add_exp(log_alive, log_dead) : log_alive);
}

}  // namespace detail

CRMKIT_END_NAMESPACE
