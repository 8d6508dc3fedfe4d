// Definitions for crmkit/churn/bg_bb.hpp. Included by that header in header-only mode and by
// src/churn/bg_bb.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/bg_bb.hpp"
#pragma once

#include <array>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "crmkit/churn/bg_bb.hpp"
#include "crmkit/churn/detail/batch.hpp"
#include "crmkit/churn/detail/btyd_rows.hpp"
#include "crmkit/churn/detail/dual_fit.hpp"
#include "crmkit/churn/detail/fit_common.hpp"
#include "crmkit/churn/detail/hyp2f1.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {
// FHS 2010 eq. 5: B(al+x, be+n-x)/B(al,be) B(ga, de+n)/B(ga,de)
//   + sum_{i=0}^{n-t_x-1} B(al+x, be+t_x-x+i)/B(al,be) B(ga+1, de+t_x+i)/B(ga,de), in logs.
template <class T>
T bgbb_row_ll(const T& al, const T& be, const T& ga, const T& de, double x, double tx, double n) {
  const T base = -lbeta(al, be) - lbeta(ga, de);
  T acc = lbeta(al + x, be + (n - x)) + lbeta(ga, de + n);
  for (double i = 0; i < n - tx; i += 1.0)
    acc = log_add_exp(acc, lbeta(al + x, be + (tx - x + i)) + lbeta(ga + 1.0, de + (tx + i)));
  return base + acc;
}

/// Checks a pattern; `min_n` is 1 for data and 0 for a new customer in the predictions.
inline void check_bgbb_row(const char* where, std::size_t i, double x, double tx, double n, double min_n = 1) {
  auto integer = [](double v) { return std::isfinite(v) && v >= 0 && v == std::floor(v) && v <= 1e6; };
  if (!integer(x) || !integer(tx) || !integer(n) || n < min_n || x > tx || tx > n || (x == 0) != (tx == 0))
    throw error(errc::invalid_argument,
                fmt::format("{}: row {}: (frequency {}, recency {}, periods {}) must be integers with 0 <= x <= t_x "
                            "<= n, n >= {}, and t_x = 0 exactly when x = 0",
                            where, i, x, tx, n, min_n));
}

inline void check_whole(const char* where, const char* what, double v) {
  if (!std::isfinite(v) || v < 0 || v != std::floor(v) || v > 1e6)
    throw error(errc::invalid_argument, fmt::format("{}: {} = {} is not a whole number in [0, 1e6]", where, what, v));
}
}  // namespace detail

CRMKIT_FUNC bg_bb::bg_bb(const bg_bb_params& params) : p_(params), fitted_(true) {
  static constexpr const char* names[] = {"alpha", "beta", "gamma", "delta"};
  const double v[] = {params.alpha, params.beta, params.gamma, params.delta};
  detail::check_positive_params("bg_bb", v, names);
}

CRMKIT_FUNC fit_report bg_bb::fit(std::span<const double> frequency, std::span<const double> recency,
                                  std::span<const double> periods, std::span<const double> weights,
                                  const fit_options& options) {
  detail::check_n_threads("bg_bb::fit", options.n_threads);
  const std::size_t n = frequency.size();
  if (recency.size() != n || periods.size() != n || (!weights.empty() && weights.size() != n))
    throw error(errc::invalid_argument,
                fmt::format("bg_bb::fit: lengths differ (frequency {}, recency {}, periods {}, weights {})", n,
                            recency.size(), periods.size(), weights.size()));
  if (n == 0) throw error(errc::invalid_argument, "bg_bb::fit: no rows to fit");
  std::vector<double> w(n, 1.0);
  double total = 0.0;
  bool any = false;
  for (std::size_t i = 0; i < n; ++i) {
    // n = 0 (no opportunity yet: x = t_x = 0) has likelihood 1 and is accepted.
    detail::check_bgbb_row("bg_bb::fit", i, frequency[i], recency[i], periods[i], 0);
    if (!weights.empty()) {
      if (!std::isfinite(weights[i]) || weights[i] < 0)
        throw error(errc::invalid_argument, fmt::format("bg_bb::fit: row {}: weight {} is not finite and >= 0", i, weights[i]));
      w[i] = weights[i];
    }
    total += w[i];
    any = any || (frequency[i] > 0 && w[i] > 0);
  }
  if (!(total > 0)) throw error(errc::invalid_argument, "bg_bb::fit: the weights sum to 0");
  if (!any) throw error(errc::invalid_argument, "bg_bb::fit: every frequency is 0; the model is not identified");
  std::vector<double> start = options.initial_params.empty() ? std::vector<double>{1.0, 1.0, 1.0, 1.0}
                                                             : options.initial_params;
  detail::check_start("bg_bb::fit", start, 4);
  using D = detail::dual<4>;
  auto row = [&](const std::array<D, 4>& p, std::size_t i) {
    return detail::bgbb_row_ll(p[0], p[1], p[2], p[3], frequency[i], recency[i], periods[i]);
  };
  detail::dual_objective<4, decltype(row)> objective(n, w, total, options.n_threads, row);
  std::vector<double> params;
  static constexpr const char* names[] = {"alpha", "beta", "gamma", "delta"};
  auto report = detail::run_btyd_fit(objective, start, options, n, n, total, params, names);
  if (!params.empty()) {
    p_ = {params[0], params[1], params[2], params[3]};
    fitted_ = true;
  }
  return report;
}

CRMKIT_FUNC const bg_bb_params& bg_bb::params() const {
  if (!fitted_) throw error(errc::not_fitted, "bg_bb: the model is not fitted (call fit() or pass parameters)");
  return p_;
}

CRMKIT_FUNC double bg_bb::log_likelihood(double x, double tx, double n) const {
  const auto& p = params();
  detail::check_bgbb_row("bg_bb::log_likelihood", 0, x, tx, n, 0);
  if (n == 0) return 0.0;  // no opportunity observed: likelihood 1
  return detail::bgbb_row_ll(p.alpha, p.beta, p.gamma, p.delta, x, tx, n);
}

CRMKIT_FUNC double bg_bb::p_alive(double x, double tx, double n) const {
  const auto& p = params();
  detail::check_bgbb_row("bg_bb::p_alive", 0, x, tx, n);
  const double log_alive = detail::lbeta(p.alpha + x, p.beta + n - x) - detail::lbeta(p.alpha, p.beta) +
                           detail::lbeta(p.gamma, p.delta + n + 1) - detail::lbeta(p.gamma, p.delta);
  return std::exp(log_alive - detail::bgbb_row_ll(p.alpha, p.beta, p.gamma, p.delta, x, tx, n));
}

CRMKIT_FUNC double bg_bb::conditional_expected_purchases(double n_star, double x, double tx, double n) const {
  const auto& p = params();
  detail::check_bgbb_row("bg_bb::conditional_expected_purchases", 0, x, tx, n);
  if (!(n_star >= 0) || !std::isfinite(n_star))
    throw error(errc::invalid_argument, fmt::format("bg_bb::conditional_expected_purchases: n_star {} < 0", n_star));
  const double ll = detail::bgbb_row_ll(p.alpha, p.beta, p.gamma, p.delta, x, tx, n);
  const double lead = detail::lbeta(p.alpha + x + 1, p.beta + n - x) - detail::lbeta(p.alpha, p.beta) +
                      std::lgamma(p.gamma + p.delta) - std::lgamma(1 + p.delta) - ll;
  // Gamma(1+d+n)/Gamma(g+d+n) - Gamma(1+d+n+n*)/Gamma(g+d+n+n*), both in logs.
  const double t1 = std::lgamma(1 + p.delta + n) - std::lgamma(p.gamma + p.delta + n);
  const double t2 = std::lgamma(1 + p.delta + n + n_star) - std::lgamma(p.gamma + p.delta + n + n_star);
  const double diff = std::exp(t1) * -std::expm1(t2 - t1);
  return std::exp(lead) * p.delta / (p.gamma - 1) * diff;
}

CRMKIT_FUNC double bg_bb::conditional_probability_of_purchases(int x_star, double n_star, double x, double tx,
                                                              double n) const {
  const auto& p = params();
  constexpr const char* where = "bg_bb::conditional_probability_of_purchases";
  detail::check_bgbb_row(where, 0, x, tx, n, 0);
  detail::check_whole(where, "n_star", n_star);
  if (x_star < 0) throw error(errc::invalid_argument, fmt::format("{}: x_star = {} < 0", where, x_star));
  const double xs = x_star;
  const double ll = detail::bgbb_row_ll(p.alpha, p.beta, p.gamma, p.delta, x, tx, n);
  const double base = -detail::lbeta(p.alpha, p.beta) - detail::lbeta(p.gamma, p.delta);
  double prob = 0.0;
  if (x_star == 0) {  // dead before opportunity n+1: 1 - (alive through n)/L
    const double alive_n = base + detail::lbeta(p.alpha + x, p.beta + n - x) + detail::lbeta(p.gamma, p.delta + n);
    prob = -std::expm1(alive_n - ll);
  }
  if (xs > n_star) return prob;
  auto log_choose = [](double a, double b) { return std::lgamma(a + 1) - std::lgamma(b + 1) - std::lgamma(a - b + 1); };
  // alive for all n_star opportunities
  double acc = log_choose(n_star, xs) + detail::lbeta(p.alpha + x + xs, p.beta + n - x + n_star - xs) +
               detail::lbeta(p.gamma, p.delta + n + n_star);
  // alive for exactly j of them (dies at the start of opportunity n+j+1)
  for (double j = xs; j < n_star; j += 1.0)
    acc = detail::log_add_exp(acc, log_choose(j, xs) + detail::lbeta(p.alpha + x + xs, p.beta + n - x + j - xs) +
                                       detail::lbeta(p.gamma + 1, p.delta + n + j));
  return prob + std::exp(base + acc - ll);
}

CRMKIT_FUNC double bg_bb::conditional_probability_no_purchase(double n_star, double x, double tx, double n) const {
  return conditional_probability_of_purchases(0, n_star, x, tx, n);
}

CRMKIT_FUNC double bg_bb::discounted_expected_residual_transactions(double d, double x, double tx, double n) const {
  const auto& p = params();
  constexpr const char* where = "bg_bb::discounted_expected_residual_transactions";
  detail::check_bgbb_row(where, 0, x, tx, n, 0);
  if (!(d > 0) || !std::isfinite(d))
    throw error(errc::invalid_argument, fmt::format("{}: discount rate {} must be finite and > 0", where, d));
  const double ll = detail::bgbb_row_ll(p.alpha, p.beta, p.gamma, p.delta, x, tx, n);
  const double b = p.delta + n + 1, c = p.gamma + p.delta + n + 1;
  // 2F1(1, b; c; z) with z = 1/(1+d) and 1 - z = d/(1+d), both exact
  const double log_f = detail::log_hyp2f1_1bc(b, c, 1.0 / (1.0 + d), d / (1.0 + d));
  const double lead = detail::lbeta(p.alpha + x + 1, p.beta + n - x) - detail::lbeta(p.alpha, p.beta) +
                      detail::lbeta(p.gamma, b) - detail::lbeta(p.gamma, p.delta) - std::log1p(d);
  return std::exp(lead + log_f - ll);
}

CRMKIT_END_NAMESPACE
