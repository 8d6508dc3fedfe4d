// Definitions for crmkit/churn/retention.hpp. Included by that header in header-only mode and
// by src/churn/retention.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/retention.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "crmkit/churn/detail/batch.hpp"
#include "crmkit/churn/detail/dual.hpp"
#include "crmkit/churn/detail/dual_fit.hpp"
#include "crmkit/churn/detail/fit_common.hpp"
#include "crmkit/churn/detail/hyp2f1.hpp"
#include "crmkit/churn/retention.hpp"
#include "crmkit/core/parallel_for.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

inline constexpr const char* sbg_names[] = {"alpha", "beta"};
inline constexpr const char* bdw_names[] = {"alpha", "beta", "c"};

inline std::size_t retention_n_params(retention_kind kind) { return kind == retention_kind::bdw ? 3 : 2; }

inline void check_retention_kind(retention_kind kind) {
  if (kind != retention_kind::sbg && kind != retention_kind::bdw)
    throw error(errc::invalid_argument,
                fmt::format("retention_model: unknown model kind {} (1 sbg, 2 bdw)", static_cast<int>(kind)));
}

inline fit_options to_fit_options(const retention_options& o) {
  fit_options f;
  f.max_iter = o.max_iter;
  f.tol = o.tol;
  f.n_threads = o.n_threads;
  f.parameter_bound = o.parameter_bound;
  f.standard_errors = o.standard_errors;
  f.initial_params = o.initial_params;
  f.n_starts = o.n_starts;
  f.seed = o.seed;
  f.fallback = o.fallback;
  return f;
}

// ln S(t) - ln B(alpha, beta) cancels in the sBG/BdW formulas: ln S(t) = lbeta(alpha, beta + t^c) - lbeta(alpha, beta).
template <class T>
T retention_log_survival(const T& alpha, const T& beta, const T& c, double t, bool sbg) {
  using std::exp;
  using std::log;
  if (t == 0) return T(0.0);
  const T u = sbg ? T(t) : exp(c * std::log(t));
  return lbeta(alpha, beta + u) - lbeta(alpha, beta);
}

// ln P(T = t), t >= 1. The sBG form B(alpha+1, beta+t-1)/B(alpha, beta) is exact; the BdW
// one is the difference S(t-1) - S(t) in logarithms.
template <class T>
T retention_log_churn(const T& alpha, const T& beta, const T& c, double t, bool sbg) {
  if (sbg) return lbeta(alpha + 1.0, beta + (t - 1.0)) - lbeta(alpha, beta);
  return log_sub_exp(retention_log_survival(alpha, beta, c, t - 1.0, false),
                     retention_log_survival(alpha, beta, c, t, false));
}

inline bool whole(double v) { return std::isfinite(v) && v == std::floor(v); }

inline void check_tenure(const char* where, std::span<const double> tenure, std::span<double> out, int n_threads) {
  check_n_threads(where, n_threads);
  if (out.size() != tenure.size())
    throw error(errc::invalid_argument,
                fmt::format("{}: lengths differ (tenure {}, out {})", where, tenure.size(), out.size()));
  for (std::size_t i = 0; i < tenure.size(); ++i)
    if (!(tenure[i] >= 0) || !whole(tenure[i]))
      throw error(errc::invalid_argument,
                  fmt::format("{}: row {}: tenure {} is not a whole number of renewals >= 0", where, i, tenure[i]));
}

template <class F>
void tenure_apply(std::span<const double> tenure, std::span<double> out, int n_threads, F&& f) {
  crmkit::parallel_for(tenure.size(), 4096, n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) out[i] = f(tenure[i]);
  });
}

}  // namespace detail

CRMKIT_FUNC retention_model::retention_model(retention_kind kind) : kind_(kind) { detail::check_retention_kind(kind); }

CRMKIT_FUNC retention_model::retention_model(retention_kind kind, std::span<const double> params) : kind_(kind) {
  detail::check_retention_kind(kind);
  set_params(params);
}

CRMKIT_FUNC std::span<const char* const> retention_model::param_names() const noexcept {
  if (kind_ == retention_kind::bdw) return detail::bdw_names;
  return detail::sbg_names;
}

CRMKIT_FUNC std::vector<double> retention_model::params() const {
  if (!fitted_)
    throw error(errc::not_fitted,
                fmt::format("{}: the model is not fitted (call fit(), fit_survivors() or set_params())", name()));
  return {p_.begin(), p_.begin() + static_cast<std::ptrdiff_t>(detail::retention_n_params(kind_))};
}

CRMKIT_FUNC void retention_model::set_params(std::span<const double> params) {
  const std::size_t n = detail::retention_n_params(kind_);
  if (params.size() != n)
    throw error(errc::invalid_argument,
                fmt::format("{}::set_params: {} parameters given, the model has {}", name(), params.size(), n));
  detail::check_positive_params(name(), params, param_names());
  p_ = {};
  std::copy(params.begin(), params.end(), p_.begin());
  fitted_ = true;
  report_.reset();
}

CRMKIT_FUNC fit_report retention_model::fit(std::span<const double> periods, std::span<const double> churned,
                                            std::span<const double> weights, const retention_options& options) {
  const std::string where = fmt::format("{}::fit", name());
  validate_options(options, where);
  if (churned.size() != periods.size() || (!weights.empty() && weights.size() != periods.size()))
    throw error(errc::invalid_argument, fmt::format("{}: lengths differ (periods {}, churned {}, weights {})", where,
                                                    periods.size(), churned.size(), weights.size()));
  if (periods.empty()) throw error(errc::invalid_argument, fmt::format("{}: no rows", where));
  const std::size_t k = detail::retention_n_params(kind_);
  std::vector<double> start = options.initial_params.empty() ? std::vector<double>(k, 1.0) : options.initial_params;
  detail::check_start(where.c_str(), start, k);
  // Group by (periods, churned) in key order: the likelihood sum is then independent of
  // the row order (and a cohort of any size has only as many groups as periods).
  std::map<std::pair<double, int>, double> groups;
  for (std::size_t i = 0; i < periods.size(); ++i) {
    const double t = periods[i], c = churned[i];
    const double w = weights.empty() ? 1.0 : weights[i];
    if (!(c == 0 || c == 1))
      throw error(errc::invalid_argument, fmt::format("{}: row {}: churned = {} is not 0 or 1", where, i, c));
    if (!detail::whole(t) || t < c)
      throw error(errc::invalid_argument,
                  fmt::format("{}: row {}: periods = {} is not a whole number >= {} ({})", where, i, t, c,
                              c == 1 ? "a cancelling customer's lifetime is at least one period"
                                     : "an active customer's renewals"));
    if (!(w >= 0) || !std::isfinite(w))
      throw error(errc::invalid_argument, fmt::format("{}: row {}: weight {} is not finite and >= 0", where, i, w));
    if (w > 0 && t > 0) groups[{t, static_cast<int>(c)}] += w;
  }
  if (groups.empty())
    throw error(errc::invalid_argument,
                fmt::format("{}: no row carries information (every weight is 0 or every customer is active at tenure "
                            "0)",
                            where));
  std::vector<double> gt, gw;
  std::vector<int> gc;
  double total = 0.0;
  for (const auto& [key, w] : groups) {
    gt.push_back(key.first);
    gc.push_back(key.second);
    gw.push_back(w);
    total += w;
  }
  std::vector<double> params;
  fit_report report;
  const fit_options fo = detail::to_fit_options(options);
  if (kind_ == retention_kind::sbg) {
    using D = detail::dual<2>;
    auto row = [&](const std::array<D, 2>& p, std::size_t i) {
      return gc[i] == 1 ? detail::retention_log_churn(p[0], p[1], D(1.0), gt[i], true)
                        : detail::retention_log_survival(p[0], p[1], D(1.0), gt[i], true);
    };
    detail::dual_objective<2, decltype(row)> objective(gt.size(), gw, total, options.n_threads, row);
    report = detail::run_btyd_fit(objective, start, fo, periods.size(), gt.size(), total, params, param_names());
  } else {
    using D = detail::dual<3>;
    auto row = [&](const std::array<D, 3>& p, std::size_t i) {
      return gc[i] == 1 ? detail::retention_log_churn(p[0], p[1], p[2], gt[i], false)
                        : detail::retention_log_survival(p[0], p[1], p[2], gt[i], false);
    };
    detail::dual_objective<3, decltype(row)> objective(gt.size(), gw, total, options.n_threads, row);
    report = detail::run_btyd_fit(objective, start, fo, periods.size(), gt.size(), total, params, param_names());
  }
  if (std::find(gc.begin(), gc.end(), 1) == gc.end() && report.status != fit_status::numerical_failure) {
    // Nobody cancelled: S(t) -> 1 (beta -> infinity) maximises the likelihood, whose
    // gradient flattens out before any bound is reached; never call that converged.
    report.status = fit_status::boundary;
    report.message = fmt::format("no customer cancelled (every row is active): the likelihood rises towards "
                                 "beta -> infinity (retention 1); the parameters ({}) describe that limit only "
                                 "approximately",
                                 fmt::join(params, ", "));
    report.standard_errors.assign(report.standard_errors.size(), std::numeric_limits<double>::quiet_NaN());
    report.covariance.assign(report.covariance.size(), std::numeric_limits<double>::quiet_NaN());
    report.hessian_condition = std::numeric_limits<double>::quiet_NaN();
    if (fo.standard_errors)
      report.standard_errors_note = "boundary solution: parameter beta goes to infinity (no customer cancelled), where "
                                    "the Hessian is singular";
  }
  if (!params.empty()) {
    p_ = {};
    std::copy(params.begin(), params.end(), p_.begin());
    fitted_ = true;
  }
  options_ = options;
  report_ = report;
  return report;
}

CRMKIT_FUNC fit_report retention_model::fit_survivors(std::span<const double> survivors,
                                                      const retention_options& options) {
  const std::string where = fmt::format("{}::fit_survivors", name());
  if (survivors.size() < 2)
    throw error(errc::invalid_argument,
                fmt::format("{}: {} values; a survivor curve needs the cohort size and at least one later count", where,
                            survivors.size()));
  for (std::size_t t = 0; t < survivors.size(); ++t) {
    if (!(survivors[t] >= 0) || !std::isfinite(survivors[t]))
      throw error(errc::invalid_argument,
                  fmt::format("{}: survivors[{}] = {} is not finite and >= 0", where, t, survivors[t]));
    if (t > 0 && survivors[t] > survivors[t - 1])
      throw error(errc::invalid_argument,
                  fmt::format("{}: survivors[{}] = {} exceeds survivors[{}] = {}: a cohort cannot grow", where, t,
                              survivors[t], t - 1, survivors[t - 1]));
  }
  const std::size_t last = survivors.size() - 1;
  std::vector<double> periods, churned, weights;
  for (std::size_t t = 1; t <= last; ++t) {
    periods.push_back(static_cast<double>(t));
    churned.push_back(1.0);
    weights.push_back(survivors[t - 1] - survivors[t]);
  }
  periods.push_back(static_cast<double>(last));
  churned.push_back(0.0);
  weights.push_back(survivors[last]);
  return fit(periods, churned, weights, options);
}

CRMKIT_FUNC double retention_model::log_survival(double t) const noexcept {
  return detail::retention_log_survival(p_[0], p_[1], c_(), t, kind_ == retention_kind::sbg);
}

namespace detail {
inline void check_time(const char* model, const char* function, const char* what, double t, double lo) {
  if (!(t >= lo) || !std::isfinite(t))
    throw error(errc::invalid_argument, fmt::format("{}::{}: {} = {} must be finite and >= {}", model, function, what, t, lo));
}
}  // namespace detail

CRMKIT_FUNC double retention_model::survival(double t) const {
  (void)params();
  detail::check_time(name(), "survival", "t", t, 0);
  return std::exp(log_survival(t));
}

CRMKIT_FUNC double retention_model::retention_rate(double t) const {
  (void)params();
  detail::check_time(name(), "retention_rate", "t", t, 1);
  if (kind_ == retention_kind::sbg) return (p_[1] + t - 1) / (p_[0] + p_[1] + t - 1);
  return std::exp(log_survival(t) - log_survival(t - 1));
}

CRMKIT_FUNC double retention_model::churn_probability(double t) const {
  (void)params();
  detail::check_time(name(), "churn_probability", "t", t, 1);
  return std::exp(detail::retention_log_churn(p_[0], p_[1], c_(), t, kind_ == retention_kind::sbg));
}

CRMKIT_FUNC double retention_model::conditional_survival(double h, double k) const {
  (void)params();
  detail::check_time(name(), "conditional_survival", "h", h, 0);
  detail::check_time(name(), "conditional_survival", "tenure", k, 0);
  return std::exp(log_survival(k + h) - log_survival(k));
}

CRMKIT_FUNC double retention_model::log_likelihood(double periods, bool churned) const {
  (void)params();
  detail::check_time(name(), "log_likelihood", "periods", periods, churned ? 1 : 0);
  if (churned) return detail::retention_log_churn(p_[0], p_[1], c_(), periods, kind_ == retention_kind::sbg);
  return log_survival(periods);
}

CRMKIT_FUNC double retention_model::expected_residual_lifetime(double k) const {
  (void)params();
  detail::check_time(name(), "expected_residual_lifetime", "tenure", k, 0);
  const double alpha = p_[0], beta = p_[1], c = c_();
  if (kind_ == retention_kind::sbg) {
    if (alpha <= 1) return std::numeric_limits<double>::infinity();
    return (beta + k) / (alpha - 1);
  }
  // S(t) ~ Gamma(alpha+beta)/Gamma(beta) t^(-c alpha): the sum converges iff c alpha > 1.
  if (c * alpha <= 1) return std::numeric_limits<double>::infinity();
  const double l0 = log_survival(k);
  double sum = 0.0, term = 0.0, half_term = 0.0;
  constexpr std::size_t max_terms = std::size_t{1} << 20;
  std::size_t j = 1;
  for (; j <= max_terms; ++j) {
    term = std::exp(log_survival(k + static_cast<double>(j)) - l0);
    sum += term;
    if (j == max_terms / 2) half_term = term;
    // Terms fall like j^(-c alpha); once below 1e-17 of the sum the rest is bounded by
    // term * j / (c alpha - 1) (the integral of the power law), checked explicitly.
    if (term * static_cast<double>(j) / (c * alpha - 1) <= 1e-16 * sum) return sum;
  }
  // Not converged in 2^20 terms: add the tail of the power law fitted to the last terms,
  // int_{J+1/2}^inf term (u/J)^-q du (q from the terms at J/2 and J).
  const double J = static_cast<double>(max_terms);
  const double q = half_term > 0 && term > 0 ? std::log(half_term / term) / std::log(2.0) : c * alpha;
  if (!(q > 1)) return std::numeric_limits<double>::infinity();
  return sum + term * std::pow(J, q) * std::pow(J + 0.5, 1 - q) / (q - 1);
}

CRMKIT_FUNC double retention_model::discounted_expected_residual_lifetime(double d, double k) const {
  (void)params();
  if (!(d > 0) || !std::isfinite(d))
    throw error(errc::invalid_argument,
                fmt::format("{}::discounted_expected_residual_lifetime: discount_rate = {} must be finite and > 0",
                            name(), d));
  detail::check_time(name(), "discounted_expected_residual_lifetime", "tenure", k, 0);
  const double alpha = p_[0], beta = p_[1];
  if (kind_ == retention_kind::sbg) {
    // FH 2010 eq. 6 with n - 1 = k: (beta+k)/(alpha+beta+k) 2F1(1, beta+k+1; alpha+beta+k+1; 1/(1+d)).
    const double z = 1.0 / (1.0 + d), w = d / (1.0 + d);
    return (beta + k) / (alpha + beta + k) *
           std::exp(detail::log_hyp2f1_1bc(beta + k + 1, alpha + beta + k + 1, z, w));
  }
  const double l0 = log_survival(k), log_v = std::log1p(d);
  double sum = 0.0;
  for (std::size_t j = 1; j <= (std::size_t{1} << 26); ++j) {
    const double jd = static_cast<double>(j);
    const double term = std::exp(log_survival(k + jd) - l0 - (jd - 1) * log_v);
    sum += term;
    // S(k+j)/S(k) falls with j, so the remaining terms sum to less than term (1+d)/d.
    if (term * (1 + d) / d <= 1e-17 * sum) break;
  }
  return sum;
}

CRMKIT_FUNC void retention_model::conditional_survival(double h, std::span<const double> tenure, std::span<double> out,
                                                       int n_threads) const {
  (void)params();
  const std::string where = fmt::format("{}::conditional_survival", name());
  detail::check_tenure(where.c_str(), tenure, out, n_threads);
  detail::check_time(name(), "conditional_survival", "h", h, 0);
  detail::tenure_apply(tenure, out, n_threads, [this, h](double k) { return conditional_survival(h, k); });
}

CRMKIT_FUNC void retention_model::expected_residual_lifetime(std::span<const double> tenure, std::span<double> out,
                                                             int n_threads) const {
  (void)params();
  const std::string where = fmt::format("{}::expected_residual_lifetime", name());
  detail::check_tenure(where.c_str(), tenure, out, n_threads);
  detail::tenure_apply(tenure, out, n_threads, [this](double k) { return expected_residual_lifetime(k); });
}

CRMKIT_FUNC void retention_model::discounted_expected_residual_lifetime(double d, std::span<const double> tenure,
                                                                        std::span<double> out, int n_threads) const {
  (void)params();
  const std::string where = fmt::format("{}::discounted_expected_residual_lifetime", name());
  detail::check_tenure(where.c_str(), tenure, out, n_threads);
  if (!(d > 0) || !std::isfinite(d))
    throw error(errc::invalid_argument, fmt::format("{}: discount_rate = {} must be finite and > 0", where, d));
  detail::tenure_apply(tenure, out, n_threads,
                       [this, d](double k) { return discounted_expected_residual_lifetime(d, k); });
}

CRMKIT_FUNC void retention_model::predict(retention_prediction what, double arg, std::span<const double> tenure,
                                          std::span<double> out, int n_threads) const {
  (void)params();
  switch (what) {
    case retention_prediction::survival:
    case retention_prediction::retention_rate: {
      const bool rate = what == retention_prediction::retention_rate;
      const std::string where = fmt::format("{}::{}", name(), rate ? "retention_rate" : "survival");
      detail::check_tenure(where.c_str(), tenure, out, n_threads);
      for (std::size_t i = 0; i < tenure.size(); ++i)
        if (rate && tenure[i] < 1)
          throw error(errc::invalid_argument,
                      fmt::format("{}: row {}: t = {}; the first retention rate is r(1) = S(1)/S(0)", where, i,
                                  tenure[i]));
      if (rate) detail::tenure_apply(tenure, out, n_threads, [this](double k) { return retention_rate(k); });
      else detail::tenure_apply(tenure, out, n_threads, [this](double k) { return survival(k); });
      return;
    }
    case retention_prediction::conditional_survival: conditional_survival(arg, tenure, out, n_threads); return;
    case retention_prediction::expected_residual_lifetime: expected_residual_lifetime(tenure, out, n_threads); return;
    case retention_prediction::derl: discounted_expected_residual_lifetime(arg, tenure, out, n_threads); return;
  }
  throw error(errc::invalid_argument,
              fmt::format("{}::predict: unknown prediction {} (1 survival ... 5 derl)", name(), static_cast<int>(what)));
}

CRMKIT_END_NAMESPACE
