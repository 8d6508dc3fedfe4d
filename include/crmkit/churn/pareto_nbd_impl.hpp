// Definitions for crmkit/churn/pareto_nbd.hpp. Included by that header in header-only mode
// and by src/churn/pareto_nbd.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/pareto_nbd.hpp"
#pragma once

#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "crmkit/churn/detail/batch.hpp"
#include "crmkit/churn/detail/btyd_rows.hpp"
#include "crmkit/churn/detail/conditional_pmf.hpp"
#include "crmkit/churn/detail/dual_fit.hpp"
#include "crmkit/churn/detail/fit_common.hpp"
#include "crmkit/churn/detail/hyp2f1.hpp"
#include "crmkit/churn/detail/log_quadrature.hpp"
#include "crmkit/churn/detail/pareto_likelihood.hpp"
#include "crmkit/churn/pareto_nbd.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC pareto_nbd::pareto_nbd(const pareto_nbd_params& params) : p_(params), fitted_(true) {
  static constexpr const char* names[] = {"r", "alpha", "s", "beta"};
  const double v[] = {params.r, params.alpha, params.s, params.beta};
  detail::check_positive_params("pareto_nbd", v, names);
}

CRMKIT_FUNC fit_report pareto_nbd::fit(std::span<const double> frequency, std::span<const double> recency,
                                       std::span<const double> T, std::span<const double> weights,
                                       const fit_options& options) {
  detail::check_n_threads("pareto_nbd::fit", options.n_threads);
  detail::check_btyd_rows("pareto_nbd::fit", frequency, recency, T, weights);
  std::vector<double> start = options.initial_params.empty() ? std::vector<double>{1.0, 1.0, 1.0, 1.0}
                                                             : options.initial_params;
  detail::check_start("pareto_nbd::fit", start, 4);
  const auto g = detail::group_btyd_rows(frequency, recency, T, weights);
  using D = detail::dual<4>;
  auto row = [&g](const std::array<D, 4>& p, std::size_t i) {
    return detail::pareto_row_ll(p[0], p[1], p[2], p[3], g.x[i], g.tx[i], g.T[i]);
  };
  detail::dual_objective<4, decltype(row)> objective(g.size(), g.w, g.total_weight, options.n_threads, row);
  std::vector<double> params;
  static constexpr const char* names[] = {"r", "alpha", "s", "beta"};
  auto report = detail::run_btyd_fit(objective, start, options, g.n_rows, g.size(), g.total_weight, params, names);
  if (!params.empty()) {
    p_ = {params[0], params[1], params[2], params[3]};
    fitted_ = true;
  }
  return report;
}

CRMKIT_FUNC fit_report pareto_nbd::fit(const btyd_summary& summary, const fit_options& options) {
  // Checked here first so that a bad row is named by its customer index.
  detail::check_btyd_rows("pareto_nbd::fit", summary.frequency, summary.recency, summary.T, {}, true, summary.customer);
  return fit(summary.frequency, summary.recency, summary.T, {}, options);
}

CRMKIT_FUNC const pareto_nbd_params& pareto_nbd::params() const {
  if (!fitted_) throw error(errc::not_fitted, "pareto_nbd: the model is not fitted (call fit() or pass parameters)");
  return p_;
}

CRMKIT_FUNC double pareto_nbd::log_likelihood(double x, double tx, double T) const {
  const auto& p = params();
  if (x == 0 && tx == 0 && T == 0) return 0.0;  // no time observed: likelihood 1
  return detail::pareto_row_ll(p.r, p.alpha, p.s, p.beta, x, tx, T);
}

CRMKIT_FUNC double pareto_nbd::p_alive(double x, double tx, double T) const {
  const auto& p = params();
  double log_alive = 0, log_dead = 0;
  bool has_dead = false;
  detail::pareto_parts(p.r, p.alpha, p.s, p.beta, x, tx, T, log_alive, log_dead, has_dead);
  if (!has_dead) return 1.0;
  return 1.0 / (1.0 + std::exp(log_dead - log_alive));
}

CRMKIT_FUNC double pareto_nbd::conditional_expected_purchases(double t, double x, double tx, double T) const {
  const auto& p = params();
  const double rate = (p.r + x) / (p.alpha + T);  // posterior mean purchase rate
  const double h = p.beta + T;
  double lifetime;  // E[min(remaining lifetime, t)] under the posterior of mu
  if (std::abs(p.s - 1) < 1e-10)
    lifetime = h * std::log1p(t / h);
  else
    lifetime = h / (p.s - 1) * -std::expm1((p.s - 1) * std::log(h / (h + t)));
  return rate * lifetime * p_alive(x, tx, T);
}

CRMKIT_FUNC double pareto_nbd::conditional_probability_of_purchases(int n, double t, double x, double tx,
                                                                   double T) const {
  const auto& p = params();
  detail::check_pmf_args("pareto_nbd::conditional_probability_of_purchases", n, t);
  const double alive = p_alive(x, tx, T);
  if (t == 0) return n == 0 ? 1.0 : 0.0;
  const double y = n, r1 = p.r + x, a1 = p.alpha + T, b1 = p.beta + T;
  // survives the whole period having bought y times
  const double survive = std::exp(-p.s * std::log1p(t / b1) + detail::log_nbd_pmf(y, r1, a1, t));
  // dies at tau in (0, t) having bought y times: the integral in u = ln tau, where
  // ln(alpha'+e^u) = ln alpha' + softplus(u - ln alpha') (same for beta')
  const std::array<double, 2> k{r1 + y, p.s + 1}, c{std::log(a1), std::log(b1)};
  const double log_int = detail::log_integral_concave(y + 1, k, c, std::log(t)) - (r1 + y) * c[0] - (p.s + 1) * c[1];
  const double die = std::exp(std::log(p.s) + p.s * c[1] + r1 * c[0] + std::lgamma(r1 + y) - std::lgamma(r1) -
                              std::lgamma(y + 1) + log_int);
  return detail::mix_alive(alive, y, survive + die);
}

CRMKIT_FUNC double pareto_nbd::conditional_probability_no_purchase(double t, double x, double tx, double T) const {
  const auto& p = params();
  detail::check_pmf_args("pareto_nbd::conditional_probability_no_purchase", 0, t);
  const double alive = p_alive(x, tx, T);
  if (t == 0) return 1.0;
  const double r1 = p.r + x, a1 = p.alpha + T, b1 = p.beta + T;
  const double survive = std::exp(-p.s * std::log1p(t / b1) - r1 * std::log1p(t / a1));
  // s (alpha+T)^(r+x) (beta+T)^s int_T^(T+t) (alpha+u)^-(r+x) (beta+u)^-(s+1) du
  const double log_g = detail::log_sub_exp(detail::pareto_log_g(p.r, p.alpha, p.s, p.beta, x, T),
                                           detail::pareto_log_g(p.r, p.alpha, p.s, p.beta, x, T + t));
  const double die = std::exp(std::log(p.s) + r1 * std::log(a1) + p.s * std::log(b1) + log_g);
  return 1.0 - alive + alive * (survive + die);
}

CRMKIT_FUNC double pareto_nbd::expected_purchases(double t) const {
  const auto& p = params();
  if (std::abs(p.s - 1) < 1e-10) return p.r / p.alpha * p.beta * std::log1p(t / p.beta);
  return p.r * p.beta / (p.alpha * (p.s - 1)) * -std::expm1((p.s - 1) * std::log(p.beta / (p.beta + t)));
}

CRMKIT_FUNC void pareto_nbd::p_alive(std::span<const double> x, std::span<const double> tx, std::span<const double> T,
                                     std::span<double> out, int n_threads) const {
  (void)params();
  detail::batch_apply("pareto_nbd::p_alive", x, tx, T, out, n_threads,
                      [this](double xi, double txi, double Ti) { return p_alive(xi, txi, Ti); });
}

CRMKIT_FUNC void pareto_nbd::conditional_expected_purchases(double t, std::span<const double> x,
                                                            std::span<const double> tx, std::span<const double> T,
                                                            std::span<double> out, int n_threads) const {
  (void)params();
  detail::batch_apply("pareto_nbd::conditional_expected_purchases", x, tx, T, out, n_threads,
                      [this, t](double xi, double txi, double Ti) {
                        return conditional_expected_purchases(t, xi, txi, Ti);
                      });
}

CRMKIT_FUNC void pareto_nbd::conditional_probability_of_purchases(int n, double t, std::span<const double> x,
                                                                  std::span<const double> tx, std::span<const double> T,
                                                                  std::span<double> out, int n_threads) const {
  (void)params();
  detail::check_pmf_args("pareto_nbd::conditional_probability_of_purchases", n, t);
  detail::batch_apply("pareto_nbd::conditional_probability_of_purchases", x, tx, T, out, n_threads,
                      [this, n, t](double xi, double txi, double Ti) {
                        return conditional_probability_of_purchases(n, t, xi, txi, Ti);
                      });
}

CRMKIT_FUNC void pareto_nbd::conditional_probability_no_purchase(double t, std::span<const double> x,
                                                                 std::span<const double> tx, std::span<const double> T,
                                                                 std::span<double> out, int n_threads) const {
  (void)params();
  detail::check_pmf_args("pareto_nbd::conditional_probability_no_purchase", 0, t);
  detail::batch_apply("pareto_nbd::conditional_probability_no_purchase", x, tx, T, out, n_threads,
                      [this, t](double xi, double txi, double Ti) {
                        return conditional_probability_no_purchase(t, xi, txi, Ti);
                      });
}

CRMKIT_END_NAMESPACE
