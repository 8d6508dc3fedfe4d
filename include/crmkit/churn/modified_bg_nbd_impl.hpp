// Definitions for crmkit/churn/modified_bg_nbd.hpp. Included by that header in header-only
// mode and by src/churn/modified_bg_nbd.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/modified_bg_nbd.hpp"
#pragma once

#include <array>
#include <cmath>
#include <vector>

#include "crmkit/churn/detail/batch.hpp"
#include "crmkit/churn/detail/btyd_rows.hpp"
#include "crmkit/churn/detail/conditional_pmf.hpp"
#include "crmkit/churn/detail/dual_fit.hpp"
#include "crmkit/churn/detail/fit_common.hpp"
#include "crmkit/churn/detail/bg_expectation.hpp"
#include "crmkit/churn/modified_bg_nbd.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {
template <class T>
T mbg_row_ll(const T& r, const T& alpha, const T& a, const T& b, double x, double tx, double Tc) {
  using std::lgamma;
  using std::log;
  using std::log1p;
  using std::exp;
  const T a1 = lgamma(r + x) - lgamma(r) + r * log(alpha);
  const T a2 = lgamma(a + b) + lgamma(b + (x + 1)) - lgamma(b) - lgamma(a + b + (x + 1));
  const T a3 = -(r + x) * log(alpha + Tc);
  const T a4 = log(a) - log(b + x) + (r + x) * (log(alpha + Tc) - log(alpha + tx));
  // ln(1 + e^a4) without overflow
  const T soft = value_of(a4) > 0 ? a4 + log1p(exp(-a4)) : log1p(exp(a4));
  return a1 + a2 + a3 + soft;
}
}  // namespace detail

CRMKIT_FUNC modified_bg_nbd::modified_bg_nbd(const bg_nbd_params& params) : p_(params), fitted_(true) {
  static constexpr const char* names[] = {"r", "alpha", "a", "b"};
  const double v[] = {params.r, params.alpha, params.a, params.b};
  detail::check_positive_params("modified_bg_nbd", v, names);
}

CRMKIT_FUNC fit_report modified_bg_nbd::fit(std::span<const double> frequency, std::span<const double> recency,
                                            std::span<const double> T, std::span<const double> weights,
                                            const fit_options& options) {
  detail::check_n_threads("modified_bg_nbd::fit", options.n_threads);
  detail::check_btyd_rows("modified_bg_nbd::fit", frequency, recency, T, weights);
  std::vector<double> start = options.initial_params.empty() ? std::vector<double>{1.0, 1.0, 1.0, 1.0}
                                                             : options.initial_params;
  detail::check_start("modified_bg_nbd::fit", start, 4);
  const auto g = detail::group_btyd_rows(frequency, recency, T, weights);
  using D = detail::dual<4>;
  auto row = [&g](const std::array<D, 4>& p, std::size_t i) {
    return detail::mbg_row_ll(p[0], p[1], p[2], p[3], g.x[i], g.tx[i], g.T[i]);
  };
  detail::dual_objective<4, decltype(row)> objective(g.size(), g.w, g.total_weight, options.n_threads, row);
  std::vector<double> params;
  static constexpr const char* names[] = {"r", "alpha", "a", "b"};
  auto report = detail::run_btyd_fit(objective, start, options, g.n_rows, g.size(), g.total_weight, params, names);
  if (!params.empty()) {
    p_ = {params[0], params[1], params[2], params[3]};
    fitted_ = true;
  }
  return report;
}

CRMKIT_FUNC fit_report modified_bg_nbd::fit(const btyd_summary& summary, const fit_options& options) {
  // Checked here first so that a bad row is named by its customer index.
  detail::check_btyd_rows("modified_bg_nbd::fit", summary.frequency, summary.recency, summary.T, {}, true, summary.customer);
  return fit(summary.frequency, summary.recency, summary.T, {}, options);
}

CRMKIT_FUNC const bg_nbd_params& modified_bg_nbd::params() const {
  if (!fitted_) throw error(errc::not_fitted, "modified_bg_nbd: the model is not fitted (call fit() or pass parameters)");
  return p_;
}

CRMKIT_FUNC double modified_bg_nbd::log_likelihood(double x, double tx, double T) const {
  const auto& p = params();
  if (x == 0 && tx == 0 && T == 0) return 0.0;  // no time observed: likelihood 1
  return detail::mbg_row_ll(p.r, p.alpha, p.a, p.b, x, tx, T);
}

CRMKIT_FUNC double modified_bg_nbd::p_alive(double x, double tx, double T) const {
  const auto& p = params();
  const double log_odds = std::log(p.a / (p.b + x)) + (p.r + x) * std::log((p.alpha + T) / (p.alpha + tx));
  return 1.0 / (1.0 + std::exp(log_odds));
}

CRMKIT_FUNC double modified_bg_nbd::conditional_expected_purchases(double t, double x, double tx, double T) const {
  const auto& p = params();
  // (a+b+x)/(a-1) [1 - y^(r+x) 2F1(r+x, b+x+1; a+b+x; z)]: the BG/NBD expectation with the
  // dropout probability's Beta(a, b+x+1) posterior (detail/bg_expectation.hpp).
  const double alive_part = detail::bg_alive_expectation(p.r + x, p.alpha + T, p.a, p.b + x + 1, t);
  return alive_part * p_alive(x, tx, T);
}

CRMKIT_FUNC double modified_bg_nbd::conditional_probability_no_purchase(double t, double x, double tx,
                                                                        double T) const {
  const auto& p = params();
  const double alive = p_alive(x, tx, T);
  return 1.0 - alive + alive * std::exp((p.r + x) * std::log((p.alpha + T) / (p.alpha + T + t)));
}

CRMKIT_FUNC double modified_bg_nbd::conditional_probability_of_purchases(int n, double t, double x, double tx,
                                                                        double T) const {
  const auto& p = params();
  detail::check_pmf_args("modified_bg_nbd::conditional_probability_of_purchases", n, t);
  return detail::mix_alive(p_alive(x, tx, T), n, detail::bg_alive_pmf(n, p.r + x, p.alpha + T, p.a, p.b + x + 1, t));
}

CRMKIT_FUNC void modified_bg_nbd::conditional_probability_of_purchases(int n, double t, std::span<const double> x,
                                                                       std::span<const double> tx,
                                                                       std::span<const double> T, std::span<double> out,
                                                                       int n_threads) const {
  (void)params();
  detail::check_pmf_args("modified_bg_nbd::conditional_probability_of_purchases", n, t);
  detail::batch_apply("modified_bg_nbd::conditional_probability_of_purchases", x, tx, T, out, n_threads,
                      [this, n, t](double xi, double txi, double Ti) {
                        return conditional_probability_of_purchases(n, t, xi, txi, Ti);
                      });
}

CRMKIT_FUNC void modified_bg_nbd::p_alive(std::span<const double> x, std::span<const double> tx,
                                          std::span<const double> T, std::span<double> out, int n_threads) const {
  (void)params();
  detail::batch_apply("modified_bg_nbd::p_alive", x, tx, T, out, n_threads,
                      [this](double xi, double txi, double Ti) { return p_alive(xi, txi, Ti); });
}

CRMKIT_FUNC void modified_bg_nbd::conditional_expected_purchases(double t, std::span<const double> x,
                                                                 std::span<const double> tx, std::span<const double> T,
                                                                 std::span<double> out, int n_threads) const {
  (void)params();
  detail::batch_apply("modified_bg_nbd::conditional_expected_purchases", x, tx, T, out, n_threads,
                      [this, t](double xi, double txi, double Ti) {
                        return conditional_expected_purchases(t, xi, txi, Ti);
                      });
}

CRMKIT_END_NAMESPACE
