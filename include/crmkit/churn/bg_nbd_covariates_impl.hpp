// Definitions for crmkit/churn/bg_nbd_covariates.hpp. Included by that header in header-only
// mode and by src/churn/bg_nbd_covariates.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/bg_nbd_covariates.hpp"
#pragma once

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <boost/math/special_functions/digamma.hpp>
#include <fmt/format.h>

#include "crmkit/churn/bg_nbd_covariates.hpp"
#include "crmkit/churn/detail/btyd_rows.hpp"
#include "crmkit/churn/detail/covariate_fit.hpp"
#include "crmkit/churn/detail/dual.hpp"
#include "crmkit/churn/detail/fit_common.hpp"
#include "crmkit/churn/detail/optimizer.hpp"
#include "crmkit/core/parallel_for.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

// Mean penalised negative log-likelihood over theta = (ln r, ln alpha0, ln a0, ln b0, gamma_p,
// gamma_a, gamma_b) and its analytic gradient.
class bg_nbd_covariate_objective {
 public:
  bg_nbd_covariate_objective(std::span<const double> x, std::span<const double> tx, std::span<const double> T,
                             std::span<const double> w, std::span<const double> zp, std::size_t p1,
                             std::span<const double> zd, std::size_t p2, double total, double l2, int n_threads)
      : x_(x), tx_(tx), T_(T), w_(w), zp_(zp), zd_(zd), p1_(p1), p2_(p2), total_(total), l2_(l2),
        n_threads_(n_threads) {}

  std::size_t size() const { return 4 + p1_ + 2 * p2_; }

  double operator()(const std::vector<double>& theta, std::vector<double>& grad) {
    const std::size_t K = size();
    const double r = std::exp(theta[0]), alpha0 = std::exp(theta[1]), a0 = std::exp(theta[2]),
                 b0 = std::exp(theta[3]);
    if (!(std::isfinite(r) && std::isfinite(alpha0) && std::isfinite(a0) && std::isfinite(b0))) {
      std::fill(grad.begin(), grad.end(), std::numeric_limits<double>::quiet_NaN());
      return std::numeric_limits<double>::quiet_NaN();
    }
    const double* gp = theta.data() + 4;
    const double* ga = gp + p1_;
    const double* gb = ga + p2_;
    constexpr std::size_t block = 4096;
    const std::size_t n = x_.size();
    std::vector<std::vector<double>> partial((n + block - 1) / block, std::vector<double>(K + 1, 0.0));
    crmkit::parallel_for(n, block, n_threads_, [&](std::size_t blk, std::size_t begin, std::size_t end) {
      auto& acc = partial[blk];
      for (std::size_t i = begin; i < end; ++i) {
        const double wi = w_.empty() ? 1.0 : w_[i];
        if (wi == 0) continue;
        const double x = x_[i], tx = tx_[i], T = T_[i];
        const double alpha = alpha0 * std::exp(-dot_row(zp_, i, p1_, gp));
        const double a = a0 * std::exp(dot_row(zd_, i, p2_, ga));
        const double b = b0 * std::exp(dot_row(zd_, i, p2_, gb));
        if (x == 0 && tx == 0 && T == 0) continue;  // likelihood 1
        using boost::math::digamma;
        const double lead = std::lgamma(r + x) - std::lgamma(r) + r * std::log(alpha) + std::lgamma(b + x) +
                            std::lgamma(a + b) - std::lgamma(b) - std::lgamma(a + b + x);
        const double a3 = -(r + x) * std::log(alpha + T);
        double mix = a3, w4 = 0.0;
        if (x > 0) {
          const double a4 = std::log(a) - std::log(b + x - 1) - (r + x) * std::log(alpha + tx);
          mix = log_add_exp(a3, a4);
          w4 = std::exp(a4 - mix);
        }
        const double w3 = 1.0 - w4;
        const double d_r = digamma(r + x) - digamma(r) + std::log(alpha) - w3 * std::log(alpha + T) -
                           (x > 0 ? w4 * std::log(alpha + tx) : 0.0);
        const double d_alpha = r / alpha - (r + x) * (w3 / (alpha + T) + (x > 0 ? w4 / (alpha + tx) : 0.0));
        const double dab = digamma(a + b) - digamma(a + b + x);
        const double d_a = dab + (x > 0 ? w4 / a : 0.0);
        const double d_b = digamma(b + x) - digamma(b) + dab - (x > 0 ? w4 / (b + x - 1) : 0.0);
        acc[K] += wi * (lead + mix);
        acc[0] += wi * d_r * r;
        acc[1] += wi * d_alpha * alpha;  // d alpha_i / d ln alpha0 = alpha_i
        acc[2] += wi * d_a * a;
        acc[3] += wi * d_b * b;
        for (std::size_t j = 0; j < p1_; ++j) acc[4 + j] -= wi * d_alpha * alpha * zp_[i * p1_ + j];
        for (std::size_t j = 0; j < p2_; ++j) {
          acc[4 + p1_ + j] += wi * d_a * a * zd_[i * p2_ + j];
          acc[4 + p1_ + p2_ + j] += wi * d_b * b * zd_[i * p2_ + j];
        }
      }
    });
    std::vector<double> sum(K + 1, 0.0);
    for (const auto& p : partial)
      for (std::size_t k = 0; k <= K; ++k) sum[k] += p[k];
    double penalty = 0;
    for (std::size_t k = 4; k < K; ++k) penalty += theta[k] * theta[k];
    for (std::size_t k = 0; k < K; ++k) grad[k] = -sum[k] / total_ + (k >= 4 ? l2_ * theta[k] / total_ : 0.0);
    return -sum[K] / total_ + 0.5 * l2_ * penalty / total_;
  }

 private:
  std::span<const double> x_, tx_, T_, w_, zp_, zd_;
  std::size_t p1_, p2_;
  double total_, l2_;
  int n_threads_;
};

}  // namespace detail

CRMKIT_FUNC fit_report bg_nbd_covariates::fit(std::span<const double> frequency, std::span<const double> recency,
                                              std::span<const double> T, std::span<const double> z_purchase,
                                              std::size_t p1, std::span<const double> z_dropout, std::size_t p2,
                                              std::span<const double> weights, const fit_options& options, double l2) {
  constexpr const char* where = "bg_nbd_covariates::fit";
  validate_options(options, where);
  detail::check_btyd_rows(where, frequency, recency, T, weights);
  const std::size_t n = frequency.size();
  detail::check_covariates(where, "z_purchase", z_purchase, n, p1);
  detail::check_covariates(where, "z_dropout", z_dropout, n, p2);
  if (!(l2 >= 0) || !std::isfinite(l2))
    throw error(errc::invalid_argument, fmt::format("{}: l2 = {} must be finite and >= 0", where, l2));
  const std::size_t K = 4 + p1 + 2 * p2;
  if (!options.initial_params.empty() && options.initial_params.size() != K)
    throw error(errc::invalid_argument, fmt::format("{}: initial_params has {} values, the model has {} parameters",
                                                    where, options.initial_params.size(), K));
  if (p1 == 0 && p2 == 0) {
    // No covariates: the plain BG/NBD, by the same code (same parameters, same report).
    options_ = options;
    bg_nbd plain;
    auto report = plain.fit(frequency, recency, T, weights, options);
    if (plain.fitted()) {
      base_ = plain.params();
      gamma_purchase_.clear();
      gamma_a_.clear();
      gamma_b_.clear();
      fitted_ = true;
    }
    l2_ = l2;
    report_ = report;
    return report;
  }
  std::vector<double> theta(K, 0.0);
  if (!options.initial_params.empty()) {
    theta = detail::covariate_start(where, options.initial_params, 4, K);
  } else {
    // Start from the fit without covariates (gamma = 0).
    fit_options plain_options = options;
    plain_options.standard_errors = false;
    bg_nbd plain;
    (void)plain.fit(frequency, recency, T, weights, plain_options);
    const bg_nbd_params s = plain.fitted() ? plain.params() : bg_nbd_params{1, 1, 1, 1};
    theta[0] = std::log(s.r);
    theta[1] = std::log(s.alpha);
    theta[2] = std::log(s.a);
    theta[3] = std::log(s.b);
  }
  options_ = options;
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) total += weights.empty() ? 1.0 : weights[i];
  detail::bg_nbd_covariate_objective objective(frequency, recency, T, weights, z_purchase, p1, z_dropout, p2, total, l2,
                                               options.n_threads);
  static constexpr const char* base_names[] = {"r", "alpha0", "a0", "b0"};
  std::vector<double> p;
  auto report = detail::run_covariate_fit(objective, theta, 4, base_names, n, total, l2, options, p);
  if (p.empty()) {
    report_ = report;
    return report;
  }
  base_ = {p[0], p[1], p[2], p[3]};
  gamma_purchase_.assign(p.begin() + 4, p.begin() + 4 + static_cast<std::ptrdiff_t>(p1));
  gamma_a_.assign(p.begin() + 4 + static_cast<std::ptrdiff_t>(p1), p.begin() + 4 + static_cast<std::ptrdiff_t>(p1 + p2));
  gamma_b_.assign(p.begin() + 4 + static_cast<std::ptrdiff_t>(p1 + p2), p.end());
  fitted_ = true;
  l2_ = l2;
  report_ = report;
  return report;
}

CRMKIT_FUNC void bg_nbd_covariates::set_params(std::span<const double> params, std::size_t p1, std::size_t p2,
                                               double l2) {
  constexpr const char* where = "bg_nbd_covariates::set_params";
  const std::size_t K = 4 + p1 + 2 * p2;
  if (params.size() != K)
    throw error(errc::invalid_argument,
                fmt::format("{}: {} values given, the model with p1 = {}, p2 = {} has {}", where, params.size(), p1, p2, K));
  static constexpr const char* base_names[] = {"r", "alpha0", "a0", "b0"};
  detail::check_covariate_params(where, params, base_names, l2);
  base_ = {params[0], params[1], params[2], params[3]};
  gamma_purchase_.assign(params.begin() + 4, params.begin() + 4 + static_cast<std::ptrdiff_t>(p1));
  gamma_a_.assign(params.begin() + 4 + static_cast<std::ptrdiff_t>(p1),
                  params.begin() + 4 + static_cast<std::ptrdiff_t>(p1 + p2));
  gamma_b_.assign(params.begin() + 4 + static_cast<std::ptrdiff_t>(p1 + p2), params.end());
  l2_ = l2;
  fitted_ = true;
  report_.reset();
}

CRMKIT_FUNC const bg_nbd_params& bg_nbd_covariates::base_params() const {
  if (!fitted_) throw error(errc::not_fitted, "bg_nbd_covariates: the model is not fitted (call fit())");
  return base_;
}

CRMKIT_FUNC std::vector<double> bg_nbd_covariates::params() const {
  const auto& b = base_params();
  std::vector<double> p = {b.r, b.alpha, b.a, b.b};
  p.insert(p.end(), gamma_purchase_.begin(), gamma_purchase_.end());
  p.insert(p.end(), gamma_a_.begin(), gamma_a_.end());
  p.insert(p.end(), gamma_b_.begin(), gamma_b_.end());
  return p;
}

namespace detail {
inline bg_nbd_params covariate_customer_params(const bg_nbd_params& b, const std::vector<double>& gp,
                                               const std::vector<double>& ga, const std::vector<double>& gb,
                                               std::span<const double> z, std::span<const double> w) {
  return {b.r, b.alpha * std::exp(-dot_row(z, 0, gp.size(), gp.data())),
          b.a * std::exp(dot_row(w, 0, ga.size(), ga.data())), b.b * std::exp(dot_row(w, 0, gb.size(), gb.data()))};
}
}  // namespace detail

CRMKIT_FUNC bg_nbd bg_nbd_covariates::customer_model(std::span<const double> z, std::span<const double> w) const {
  const auto& b = base_params();
  detail::check_covariates("bg_nbd_covariates::customer_model", "z_purchase", z, 1, gamma_purchase_.size());
  detail::check_covariates("bg_nbd_covariates::customer_model", "z_dropout", w, 1, gamma_a_.size());
  return bg_nbd(detail::covariate_customer_params(b, gamma_purchase_, gamma_a_, gamma_b_, z, w));  // throws if not finite
}

namespace detail {
template <class F>
void covariate_batch(const bg_nbd_covariates& m, const char* where, std::span<const double> x,
                     std::span<const double> tx, std::span<const double> T, std::span<const double> zp,
                     std::span<const double> zd, std::span<double> out, int n_threads, F&& f) {
  (void)m.base_params();
  ::crmkit::check_n_threads(n_threads, where);
  const std::size_t n = x.size(), p1 = m.gamma_purchase().size(), p2 = m.gamma_a().size();
  if (tx.size() != n || T.size() != n || out.size() != n)
    throw error(errc::invalid_argument, fmt::format("{}: lengths differ (frequency {}, recency {}, T {}, out {})", where,
                                                    n, tx.size(), T.size(), out.size()));
  check_covariates(where, "z_purchase", zp, n, p1);
  check_covariates(where, "z_dropout", zd, n, p2);
  for (std::size_t i = 0; i < n; ++i)
    if (!(x[i] >= 0) || !(tx[i] >= 0) || !(T[i] >= tx[i]) || !std::isfinite(x[i]) || !std::isfinite(T[i]))
      throw error(errc::invalid_argument,
                  fmt::format("{}: row {}: (frequency {}, recency {}, T {}) must be finite with frequency >= 0 and "
                              "0 <= recency <= T",
                              where, i, x[i], tx[i], T[i]));
  crmkit::parallel_for(n, 4096, n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const auto q = covariate_customer_params(m.base_params(), m.gamma_purchase(), m.gamma_a(), m.gamma_b(),
                                               zp.subspan(i * p1, p1), zd.subspan(i * p2, p2));
      // exp(gamma' z) can overflow for extreme covariates: NaN there, never a throw in a worker
      const bool ok = std::isfinite(q.alpha) && std::isfinite(q.a) && std::isfinite(q.b) && q.alpha > 0 && q.a > 0 &&
                      q.b > 0;
      out[i] = ok ? f(bg_nbd(q), x[i], tx[i], T[i]) : std::numeric_limits<double>::quiet_NaN();
    }
  });
}
}  // namespace detail

CRMKIT_FUNC void bg_nbd_covariates::p_alive(std::span<const double> x, std::span<const double> tx,
                                            std::span<const double> T, std::span<const double> z_purchase,
                                            std::span<const double> z_dropout, std::span<double> out,
                                            int n_threads) const {
  detail::covariate_batch(*this, "bg_nbd_covariates::p_alive", x, tx, T, z_purchase, z_dropout, out, n_threads,
                          [](const bg_nbd& m, double a, double b, double c) { return m.p_alive(a, b, c); });
}

CRMKIT_FUNC void bg_nbd_covariates::conditional_expected_purchases(double t, std::span<const double> x,
                                                                   std::span<const double> tx, std::span<const double> T,
                                                                   std::span<const double> z_purchase,
                                                                   std::span<const double> z_dropout,
                                                                   std::span<double> out, int n_threads) const {
  if (!(t >= 0) || !std::isfinite(t))
    throw error(errc::invalid_argument,
                fmt::format("bg_nbd_covariates::conditional_expected_purchases: horizon t = {} must be finite and >= 0", t));
  detail::covariate_batch(*this, "bg_nbd_covariates::conditional_expected_purchases", x, tx, T, z_purchase, z_dropout,
                          out, n_threads, [t](const bg_nbd& m, double a, double b, double c) {
                            return m.conditional_expected_purchases(t, a, b, c);
                          });
}

CRMKIT_FUNC void bg_nbd_covariates::conditional_probability_no_purchase(
    double t, std::span<const double> x, std::span<const double> tx, std::span<const double> T,
    std::span<const double> z_purchase, std::span<const double> z_dropout, std::span<double> out, int n_threads) const {
  if (!(t >= 0) || !std::isfinite(t))
    throw error(errc::invalid_argument,
                fmt::format("bg_nbd_covariates::conditional_probability_no_purchase: horizon t = {} must be finite and >= 0",
                            t));
  detail::covariate_batch(*this, "bg_nbd_covariates::conditional_probability_no_purchase", x, tx, T, z_purchase,
                          z_dropout, out, n_threads, [t](const bg_nbd& m, double a, double b, double c) {
                            return m.conditional_probability_no_purchase(t, a, b, c);
                          });
}

CRMKIT_FUNC void bg_nbd_covariates::log_likelihood(std::span<const double> x, std::span<const double> tx,
                                                   std::span<const double> T, std::span<const double> z_purchase,
                                                   std::span<const double> z_dropout, std::span<double> out,
                                                   int n_threads) const {
  detail::covariate_batch(*this, "bg_nbd_covariates::log_likelihood", x, tx, T, z_purchase, z_dropout, out, n_threads,
                          [](const bg_nbd& m, double a, double b, double c) { return m.log_likelihood(a, b, c); });
}

CRMKIT_END_NAMESPACE
