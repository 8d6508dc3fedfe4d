// Definitions for crmkit/churn/gamma_gamma_covariates.hpp. Included by that header in
// header-only mode and by src/churn/gamma_gamma_covariates.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/gamma_gamma_covariates.hpp"
#pragma once

#include <cmath>
#include <limits>
#include <vector>

#include <boost/math/special_functions/digamma.hpp>
#include <fmt/format.h>

#include "crmkit/churn/detail/covariate_fit.hpp"
#include "crmkit/churn/gamma_gamma_covariates.hpp"
#include "crmkit/core/parallel_for.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

// Mean penalised negative log-likelihood over theta = (ln p, ln q, ln gamma0, delta) on the
// usable rows (x > 0, spend > 0), and its analytic gradient.
class gamma_gamma_covariate_objective {
 public:
  gamma_gamma_covariate_objective(const std::vector<double>& x, const std::vector<double>& m,
                                  const std::vector<double>& w, const std::vector<double>& z, std::size_t k,
                                  double total, double l2, int n_threads)
      : x_(x), m_(m), w_(w), z_(z), k_(k), total_(total), l2_(l2), n_threads_(n_threads) {}

  double operator()(const std::vector<double>& theta, std::vector<double>& grad) {
    const std::size_t K = 3 + k_;
    const double p = std::exp(theta[0]), q = std::exp(theta[1]), g0 = std::exp(theta[2]);
    if (!(std::isfinite(p) && std::isfinite(q) && std::isfinite(g0))) {
      std::fill(grad.begin(), grad.end(), std::numeric_limits<double>::quiet_NaN());
      return std::numeric_limits<double>::quiet_NaN();
    }
    const double* d = theta.data() + 3;
    constexpr std::size_t block = 4096;
    const std::size_t n = x_.size();
    std::vector<std::vector<double>> partial((n + block - 1) / block, std::vector<double>(K + 1, 0.0));
    crmkit::parallel_for(n, block, n_threads_, [&](std::size_t blk, std::size_t begin, std::size_t end) {
      auto& acc = partial[blk];
      using boost::math::digamma;
      const double lgq = std::lgamma(q), dgq = digamma(q);
      for (std::size_t i = begin; i < end; ++i) {
        const double x = x_[i], zbar = m_[i], wi = w_[i];
        const double g = g0 * std::exp(dot_row(std::span<const double>(z_), i, k_, d));
        const double px = p * x, gx = g + x * zbar;
        const double ll = std::lgamma(px + q) - std::lgamma(px) - lgq + q * std::log(g) + (px - 1) * std::log(zbar) +
                          px * std::log(x) - (px + q) * std::log(gx);
        const double dpq = digamma(px + q);
        const double d_p = x * (dpq - digamma(px) + std::log(zbar) + std::log(x) - std::log(gx));
        const double d_q = dpq - dgq + std::log(g) - std::log(gx);
        const double d_g = q / g - (px + q) / gx;
        acc[K] += wi * ll;
        acc[0] += wi * d_p * p;
        acc[1] += wi * d_q * q;
        acc[2] += wi * d_g * g;
        for (std::size_t j = 0; j < k_; ++j) acc[3 + j] += wi * d_g * g * z_[i * k_ + j];
      }
    });
    std::vector<double> sum(K + 1, 0.0);
    for (const auto& a : partial)
      for (std::size_t j = 0; j <= K; ++j) sum[j] += a[j];
    double penalty = 0;
    for (std::size_t j = 3; j < K; ++j) penalty += theta[j] * theta[j];
    for (std::size_t j = 0; j < K; ++j) grad[j] = -sum[j] / total_ + (j >= 3 ? l2_ * theta[j] / total_ : 0.0);
    return -sum[K] / total_ + 0.5 * l2_ * penalty / total_;
  }

 private:
  const std::vector<double>&x_, &m_, &w_, &z_;
  std::size_t k_;
  double total_, l2_;
  int n_threads_;
};

}  // namespace detail

CRMKIT_FUNC fit_report gamma_gamma_covariates::fit(std::span<const double> frequency,
                                                   std::span<const double> monetary_value,
                                                   std::span<const double> covariates, std::size_t k,
                                                   std::span<const double> weights, const fit_options& options,
                                                   double l2) {
  constexpr const char* where = "gamma_gamma_covariates::fit";
  validate_options(options, where);
  const std::size_t n = frequency.size();
  if (monetary_value.size() != n || (!weights.empty() && weights.size() != n))
    throw error(errc::invalid_argument, fmt::format("{}: lengths differ (frequency {}, monetary_value {}, weights {})",
                                                    where, n, monetary_value.size(), weights.size()));
  detail::check_covariates(where, "covariates", covariates, n, k);
  if (!(l2 >= 0) || !std::isfinite(l2))
    throw error(errc::invalid_argument, fmt::format("{}: l2 = {} must be finite and >= 0", where, l2));
  const std::size_t K = 3 + k;
  if (k == 0) {
    // No covariates: the plain Gamma-Gamma, by the same code (same parameters, same report).
    gamma_gamma plain;
    auto report = plain.fit(frequency, monetary_value, weights, options);
    options_ = options;
    if (plain.fitted()) {
      base_ = plain.params();
      delta_.clear();
      fitted_ = true;
    }
    l2_ = l2;
    report_ = report;
    return report;
  }
  std::vector<double> xs, ms, ws, zs;
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = frequency[i], m = monetary_value[i];
    if (!std::isfinite(x) || x < 0 || x != std::floor(x))
      throw error(errc::invalid_argument, fmt::format("{}: row {}: frequency {} is not a non-negative integer", where, i, x));
    if (!std::isfinite(m) || m < 0)
      throw error(errc::invalid_argument, fmt::format("{}: row {}: spend {} is negative or not finite", where, i, m));
    const double w = weights.empty() ? 1.0 : weights[i];
    if (!std::isfinite(w) || w < 0)
      throw error(errc::invalid_argument, fmt::format("{}: row {}: weight {} is not finite and >= 0", where, i, w));
    if (x == 0 || w == 0) continue;
    if (m == 0) {
      if (options.zero_spend == zero_spend_policy::drop) continue;
      throw error(errc::invalid_argument,
                  fmt::format("{}: row {}: a repeat buyer (frequency {}) with zero mean spend; the Gamma-Gamma "
                              "likelihood is -inf there: remove the row or use zero_spend_policy::drop",
                              where, i, x));
    }
    xs.push_back(x);
    ms.push_back(m);
    ws.push_back(w);
    zs.insert(zs.end(), covariates.begin() + static_cast<std::ptrdiff_t>(i * k),
              covariates.begin() + static_cast<std::ptrdiff_t>((i + 1) * k));
    total += w;
  }
  if (xs.size() < 2)
    throw error(errc::invalid_argument,
                fmt::format("{}: {} usable repeat buyers; the spend model needs at least 2", where, xs.size()));
  std::vector<double> theta(K, 0.0);
  if (!options.initial_params.empty()) {
    theta = detail::covariate_start(where, options.initial_params, 3, K);
  } else {
    fit_options plain_options = options;
    plain_options.standard_errors = false;
    gamma_gamma plain;
    (void)plain.fit(frequency, monetary_value, weights, plain_options);
    const gamma_gamma_params s = plain.fitted() ? plain.params() : gamma_gamma_params{1, 1, 1};
    theta[0] = std::log(s.p);
    theta[1] = std::log(s.q);
    theta[2] = std::log(s.gamma);
  }
  options_ = options;
  detail::gamma_gamma_covariate_objective objective(xs, ms, ws, zs, k, total, l2, options.n_threads);
  static constexpr const char* base_names[] = {"p", "q", "gamma0"};
  std::vector<double> p;
  auto report = detail::run_covariate_fit(objective, theta, 3, base_names, xs.size(), total, l2, options, p);
  if (!p.empty()) {
    base_ = {p[0], p[1], p[2]};
    delta_.assign(p.begin() + 3, p.end());
    fitted_ = true;
    l2_ = l2;
  }
  report_ = report;
  return report;
}

CRMKIT_FUNC void gamma_gamma_covariates::set_params(std::span<const double> params, std::size_t k, double l2) {
  constexpr const char* where = "gamma_gamma_covariates::set_params";
  if (params.size() != 3 + k)
    throw error(errc::invalid_argument,
                fmt::format("{}: {} values given, the model with k = {} has {}", where, params.size(), k, 3 + k));
  static constexpr const char* base_names[] = {"p", "q", "gamma0"};
  detail::check_covariate_params(where, params, base_names, l2);
  base_ = {params[0], params[1], params[2]};
  delta_.assign(params.begin() + 3, params.end());
  l2_ = l2;
  fitted_ = true;
  report_.reset();
}

CRMKIT_FUNC const gamma_gamma_params& gamma_gamma_covariates::base_params() const {
  if (!fitted_) throw error(errc::not_fitted, "gamma_gamma_covariates: the model is not fitted (call fit())");
  return base_;
}

CRMKIT_FUNC std::vector<double> gamma_gamma_covariates::params() const {
  const auto& b = base_params();
  std::vector<double> p = {b.p, b.q, b.gamma};
  p.insert(p.end(), delta_.begin(), delta_.end());
  return p;
}

CRMKIT_FUNC void gamma_gamma_covariates::conditional_expected_spend(std::span<const double> frequency,
                                                                    std::span<const double> monetary_value,
                                                                    std::span<const double> covariates,
                                                                    std::span<double> out, int n_threads) const {
  constexpr const char* where = "gamma_gamma_covariates::conditional_expected_spend";
  const auto& b = base_params();
  ::crmkit::check_n_threads(n_threads, where);
  const std::size_t n = frequency.size(), k = delta_.size();
  if (monetary_value.size() != n || out.size() != n)
    throw error(errc::invalid_argument, fmt::format("{}: lengths differ (frequency {}, monetary_value {}, out {})", where,
                                                    n, monetary_value.size(), out.size()));
  detail::check_covariates(where, "covariates", covariates, n, k);
  for (std::size_t i = 0; i < n; ++i)
    if (!(frequency[i] >= 0) || !std::isfinite(frequency[i]) || !(monetary_value[i] >= 0) ||
        !std::isfinite(monetary_value[i]))
      throw error(errc::invalid_argument,
                  fmt::format("{}: row {}: frequency {} and spend {} must be finite and >= 0", where, i, frequency[i],
                              monetary_value[i]));
  crmkit::parallel_for(n, 4096, n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const double g = b.gamma * std::exp(detail::dot_row(covariates, i, k, delta_.data()));
      const double x = frequency[i];
      out[i] = b.q > 1 && std::isfinite(g) ? b.p * (g + x * monetary_value[i]) / (b.p * x + b.q - 1)
                                           : std::numeric_limits<double>::quiet_NaN();
    }
  });
}

CRMKIT_END_NAMESPACE
