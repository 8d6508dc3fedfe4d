// Definitions for crmkit/churn/bg_nbd.hpp. Included by that header in header-only mode and
// by src/churn/bg_nbd.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/bg_nbd.hpp"
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include <boost/math/special_functions/digamma.hpp>
#include <fmt/format.h>

#include "crmkit/churn/bg_nbd.hpp"
#include "crmkit/churn/detail/batch.hpp"
#include "crmkit/churn/detail/btyd_rows.hpp"
#include "crmkit/churn/detail/conditional_pmf.hpp"
#include "crmkit/churn/detail/fit_common.hpp"
#include "crmkit/churn/detail/bg_expectation.hpp"
#include "crmkit/churn/detail/optimizer.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

// The BG/NBD likelihood on grouped rows, with everything that depends on one quantity only
// cached per evaluation: ln(alpha+T) per distinct T, ln(alpha+t_x) per distinct t_x, and the
// Gamma-function ratios per distinct x by the recurrences ln G(y+1) = ln G(y) + ln y and
// psi(y+1) = psi(y) + 1/y. The terms that depend on x only are summed once per distinct x
// (with the total weight of its rows), and rows with x = 0, whose likelihood depends on T
// only, once per distinct T (with the total weight of their rows). What is left per row with
// x > 0 is one exp and one log1p, in a loop without branches.
class bg_nbd_objective {
 public:
  bg_nbd_objective(const btyd_groups& g, int n_threads) : g_(g), n_threads_(n_threads) {
    uT_ = g.T;
    std::sort(uT_.begin(), uT_.end());
    uT_.erase(std::unique(uT_.begin(), uT_.end()), uT_.end());
    utx_ = g.tx;
    std::sort(utx_.begin(), utx_.end());
    utx_.erase(std::unique(utx_.begin(), utx_.end()), utx_.end());
    for (std::size_t i = 0; i < g.size(); ++i) max_x_ = std::max<std::size_t>(max_x_, static_cast<std::size_t>(g.x[i]));
    const std::size_t nx = max_x_ + 1;
    wx_.assign(nx, 0.0);
    w0T_.assign(uT_.size(), 0.0);
    for (std::size_t i = 0; i < g.size(); ++i) {
      const auto x = static_cast<std::size_t>(g.x[i]);
      const auto iT = static_cast<std::uint32_t>(std::lower_bound(uT_.begin(), uT_.end(), g.T[i]) - uT_.begin());
      wx_[x] += g.w[i];
      w_groups_ += g.w[i];
      if (x == 0) {
        w0T_[iT] += g.w[i];
        continue;
      }
      iT_.push_back(iT);
      itx_.push_back(static_cast<std::uint32_t>(std::lower_bound(utx_.begin(), utx_.end(), g.tx[i]) - utx_.begin()));
      ix_.push_back(static_cast<std::uint32_t>(x));
      w_.push_back(g.w[i]);
    }
    lgr_.resize(nx); dgr_.resize(nx); lgb_.resize(nx); dgb_.resize(nx); lgab_.resize(nx); dgab_.resize(nx);
    lbx_.resize(nx); ibx_.resize(nx);
    lT_.resize(uT_.size()); rT_.resize(uT_.size()); ltx_.resize(utx_.size()); rtx_.resize(utx_.size());
  }

  /// Mean negative log-likelihood at theta = ln(r, alpha, a, b) and its gradient.
  double operator()(const std::vector<double>& theta, std::vector<double>& grad) {
    const double r = std::exp(theta[0]), alpha = std::exp(theta[1]), a = std::exp(theta[2]), b = std::exp(theta[3]);
    if (!std::isfinite(r) || !std::isfinite(alpha) || !std::isfinite(a) || !std::isfinite(b) || r <= 0 ||
        alpha <= 0 || a <= 0 || b <= 0) {
      std::fill(grad.begin(), grad.end(), std::numeric_limits<double>::quiet_NaN());
      return std::numeric_limits<double>::quiet_NaN();
    }
    // Rows with x = 0: ln L = -r ln(alpha + T), by distinct T.
    double z_ll = 0, z_r = 0, z_al = 0;
    for (std::size_t k = 0; k < uT_.size(); ++k) {
      lT_[k] = std::log(alpha + uT_[k]);
      rT_[k] = 1.0 / (alpha + uT_[k]);
      z_ll += w0T_[k] * lT_[k];
      z_al += w0T_[k] * rT_[k];
    }
    z_r = z_ll;
    z_ll *= -r;
    z_al *= r;
    for (std::size_t k = 0; k < utx_.size(); ++k) {
      ltx_[k] = std::log(alpha + utx_[k]);
      rtx_[k] = 1.0 / (alpha + utx_[k]);
    }
    // The terms in x only, weighted by the total weight of each x.
    double x_ll = 0, x_r = 0, x_a = 0, x_b = 0;
    lgr_[0] = dgr_[0] = lgb_[0] = dgb_[0] = lgab_[0] = dgab_[0] = 0.0;
    for (std::size_t x = 1; x <= max_x_; ++x) {
      const double k = static_cast<double>(x - 1);
      lgr_[x] = lgr_[x - 1] + std::log(r + k);
      dgr_[x] = dgr_[x - 1] + 1.0 / (r + k);
      lgb_[x] = lgb_[x - 1] + std::log(b + k);
      dgb_[x] = dgb_[x - 1] + 1.0 / (b + k);
      lgab_[x] = lgab_[x - 1] + std::log(a + b + k);
      dgab_[x] = dgab_[x - 1] + 1.0 / (a + b + k);
      lbx_[x] = std::log(b + k);  // ln(b + x - 1)
      ibx_[x] = 1.0 / (b + k);
      const double w = wx_[x];
      x_ll += w * (lgr_[x] + lgb_[x] - lgab_[x]);
      x_r += w * dgr_[x];
      x_a += w * dgab_[x];
      x_b += w * (dgb_[x] - dgab_[x]);
    }
    const double log_a = std::log(a), log_alpha = std::log(alpha);
    // Rows with x > 0: ln L = ln(e^a3 + e^a4) with a3 = -(r+x) ln(alpha+T) and
    // a4 = ln a - ln(b+x-1) - (r+x) ln(alpha+t_x); w4 = e^a4 / (e^a3 + e^a4).
    constexpr std::size_t block = 8192;
    const std::size_t n_rows = w_.size();
    const std::size_t n_blocks = (n_rows + block - 1) / block;
    partial_.assign(n_blocks, {});
    crmkit::parallel_for(n_rows, block, n_threads_, [&](std::size_t blk, std::size_t begin, std::size_t end) {
      double s_mix = 0, s_r = 0, s_al = 0, s_w4 = 0, s_b = 0;
      for (std::size_t i = begin; i < end; ++i) {
        const std::uint32_t x = ix_[i];
        const double w = w_[i];
        const double p = r + static_cast<double>(x);
        const std::uint32_t t = iT_[i], tx = itx_[i];
        const double lT = lT_[t], ltx = ltx_[tx];
        const double a3 = -p * lT;
        const double a4 = log_a - lbx_[x] - p * ltx;
        const double d = a4 - a3;
        // log(e^a3 + e^a4) = max + log1p(e^-|d|); the weights are 1/(1 + e) and e/(1 + e).
        const double e = std::exp(-std::abs(d));
        const double q = 1.0 / (1.0 + e);
        const double mix = std::max(a3, a4) + std::log1p(e);
        const double w4 = d > 0 ? q : e * q;
        const double w3 = d > 0 ? e * q : q;
        s_mix += w * mix;
        s_r += w * (w3 * lT + w4 * ltx);
        s_al += w * p * (w3 * rT_[t] + w4 * rtx_[tx]);
        s_w4 += w * w4;
        s_b += w * w4 * ibx_[x];
      }
      partial_[blk] = {s_mix, s_r, s_al, s_w4, s_b};
    });
    std::array<double, 5> sum{};
    for (const auto& p : partial_)
      for (std::size_t k = 0; k < 5; ++k) sum[k] += p[k];
    const double ll = x_ll + w_groups_ * r * log_alpha + z_ll + sum[0];
    const double g_r = x_r + w_groups_ * log_alpha - z_r - sum[1];
    const double g_alpha = w_groups_ * r / alpha - z_al - sum[2];
    const double g_a = -x_a + sum[3] / a;
    const double g_b = x_b - sum[4];
    const double scale = -1.0 / g_.total_weight;
    // d/d(ln p) = p d/dp
    grad[0] = scale * g_r * r;
    grad[1] = scale * g_alpha * alpha;
    grad[2] = scale * g_a * a;
    grad[3] = scale * g_b * b;
    return scale * ll;
  }

 private:
  const btyd_groups& g_;
  int n_threads_;
  std::vector<double> uT_, utx_;
  std::vector<double> wx_;   // total weight of the rows with each x
  std::vector<double> w0T_;  // total weight of the rows with x = 0, by distinct T
  double w_groups_ = 0.0;    // total weight of the groups
  // The rows with x > 0: indices of T and t_x among the distinct values, x, weight.
  std::vector<std::uint32_t> iT_, itx_, ix_;
  std::vector<double> w_;
  std::size_t max_x_ = 0;
  std::vector<double> lgr_, dgr_, lgb_, dgb_, lgab_, dgab_, lbx_, ibx_, lT_, rT_, ltx_, rtx_;
  std::vector<std::array<double, 5>> partial_;
};

/// Fits with at least this many distinct rows start from a fit of a subsample of them.
inline constexpr std::size_t bg_nbd_warm_start_min_groups = 32768;
/// The subsample's size (distinct rows) and the gradient tolerance of its fit.
inline constexpr std::size_t bg_nbd_warm_start_rows = 8192;
inline constexpr double bg_nbd_warm_start_tol = 1e-6;

/// Every k-th distinct row (k = size / bg_nbd_warm_start_rows), or nothing when there are
/// fewer than bg_nbd_warm_start_min_groups. The groups are in order of first appearance, so
/// the sample is spread over the data; a deterministic choice, the same for any thread count.
inline btyd_groups bg_nbd_warm_start_sample(const btyd_groups& g) {
  btyd_groups s;
  if (g.size() < bg_nbd_warm_start_min_groups) return s;
  const std::size_t stride = g.size() / bg_nbd_warm_start_rows;
  bool repeat = false;
  for (std::size_t i = 0; i < g.size(); i += stride) {
    s.x.push_back(g.x[i]);
    s.tx.push_back(g.tx[i]);
    s.T.push_back(g.T[i]);
    s.w.push_back(g.w[i]);
    s.total_weight += g.w[i];
    repeat = repeat || g.x[i] > 0;
  }
  s.n_rows = s.size();
  if (!repeat || !(s.total_weight > 0)) return {};
  return s;
}

}  // namespace detail

CRMKIT_FUNC bg_nbd::bg_nbd(const bg_nbd_params& params) : p_(params), fitted_(true) {
  static constexpr const char* names[] = {"r", "alpha", "a", "b"};
  const double v[] = {params.r, params.alpha, params.a, params.b};
  detail::check_positive_params("bg_nbd", v, names);
}

CRMKIT_FUNC fit_report bg_nbd::fit(std::span<const double> frequency, std::span<const double> recency,
                                   std::span<const double> T, std::span<const double> weights,
                                   const fit_options& options) {
  detail::check_n_threads("bg_nbd::fit", options.n_threads);
  detail::check_btyd_rows("bg_nbd::fit", frequency, recency, T, weights);
  std::vector<double> start = options.initial_params.empty() ? std::vector<double>{1.0, 1.0, 1.0, 1.0}
                                                             : options.initial_params;
  detail::check_start("bg_nbd::fit", start, 4);
  const auto groups = detail::group_btyd_rows(frequency, recency, T, weights);
  detail::bg_nbd_objective objective(groups, options.n_threads);
  std::vector<double> params;
  static constexpr const char* names[] = {"r", "alpha", "a", "b"};
  // Many distinct rows: fit a fixed subsample first and start from its point and inverse
  // Hessian (the optimum is the full data's; only the path to it is shorter).
  detail::bfgs_result warm;
  const detail::btyd_groups sample = detail::bg_nbd_warm_start_sample(groups);
  if (sample.size() > 0) {
    detail::bg_nbd_objective sample_objective(sample, options.n_threads);
    std::vector<double> theta(4);
    for (std::size_t i = 0; i < 4; ++i) theta[i] = std::log(start[i]);
    warm = detail::minimize_bfgs(sample_objective, theta, options.max_iter, detail::bg_nbd_warm_start_tol,
                                 std::log(options.parameter_bound));
  }
  auto report = detail::run_btyd_fit(objective, start, options, groups.n_rows, groups.size(), groups.total_weight,
                                     params, names, sample.size() > 0 ? &warm : nullptr);
  if (!params.empty()) {
    p_ = {params[0], params[1], params[2], params[3]};
    fitted_ = true;
  }
  return report;
}

CRMKIT_FUNC fit_report bg_nbd::fit(const btyd_summary& summary, const fit_options& options) {
  // Checked here first so that a bad row is named by its customer index.
  detail::check_btyd_rows("bg_nbd::fit", summary.frequency, summary.recency, summary.T, {}, true, summary.customer);
  return fit(summary.frequency, summary.recency, summary.T, {}, options);
}

CRMKIT_FUNC const bg_nbd_params& bg_nbd::params() const {
  if (!fitted_) throw error(errc::not_fitted, "bg_nbd: the model is not fitted (call fit() or pass parameters)");
  return p_;
}

CRMKIT_FUNC double bg_nbd::log_likelihood(double x, double tx, double T) const {
  const auto& p = params();
  if (x == 0 && tx == 0 && T == 0) return 0.0;  // no time observed: likelihood 1
  const double lead = std::lgamma(p.r + x) - std::lgamma(p.r) + p.r * std::log(p.alpha) +
                      std::lgamma(p.b + x) + std::lgamma(p.a + p.b) - std::lgamma(p.b) - std::lgamma(p.a + p.b + x);
  const double a3 = -(p.r + x) * std::log(p.alpha + T);
  if (x <= 0) return lead + a3;
  const double a4 = std::log(p.a) - std::log(p.b + x - 1) - (p.r + x) * std::log(p.alpha + tx);
  return lead + detail::log_add_exp(a3, a4);
}

CRMKIT_FUNC double bg_nbd::p_alive(double x, double tx, double T) const {
  const auto& p = params();
  if (x <= 0) return 1.0;
  // 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)), the power taken in logs.
  const double log_odds = std::log(p.a / (p.b + x - 1)) + (p.r + x) * std::log((p.alpha + T) / (p.alpha + tx));
  return 1.0 / (1.0 + std::exp(log_odds));
}

namespace detail {
// (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))],
// the expectation for a customer alive at T (FHL 2005 eq. 10 without P(alive)), as an integral
// over the dropout probability (detail/bg_expectation.hpp): stable for z -> 1, large x, a ~ 1.
inline double bg_nbd_alive_expectation(const bg_nbd_params& p, double t, double x, double T) {
  return bg_alive_expectation(p.r + x, p.alpha + T, p.a, p.b + x, t);
}
}  // namespace detail

CRMKIT_FUNC double bg_nbd::conditional_expected_purchases(double t, double x, double tx, double T) const {
  return detail::bg_nbd_alive_expectation(params(), t, x, T) * p_alive(x, tx, T);
}

CRMKIT_FUNC double bg_nbd::conditional_probability_no_purchase(double t, double x, double tx, double T) const {
  const auto& p = params();
  const double alive = p_alive(x, tx, T);
  const double silent_if_alive = std::exp((p.r + x) * std::log((p.alpha + T) / (p.alpha + T + t)));
  return 1.0 - alive + alive * silent_if_alive;
}

CRMKIT_FUNC double bg_nbd::conditional_probability_of_purchases(int n, double t, double x, double tx, double T) const {
  const auto& p = params();
  detail::check_pmf_args("bg_nbd::conditional_probability_of_purchases", n, t);
  return detail::mix_alive(p_alive(x, tx, T), n, detail::bg_alive_pmf(n, p.r + x, p.alpha + T, p.a, p.b + x, t));
}

CRMKIT_FUNC void bg_nbd::conditional_probability_of_purchases(int n, double t, std::span<const double> x,
                                                              std::span<const double> tx, std::span<const double> T,
                                                              std::span<double> out, int n_threads) const {
  (void)params();
  detail::check_pmf_args("bg_nbd::conditional_probability_of_purchases", n, t);
  detail::batch_apply("bg_nbd::conditional_probability_of_purchases", x, tx, T, out, n_threads,
                      [this, n, t](double xi, double txi, double Ti) {
                        return conditional_probability_of_purchases(n, t, xi, txi, Ti);
                      });
}

CRMKIT_FUNC double bg_nbd::expected_purchases(double t) const {
  return detail::bg_nbd_alive_expectation(params(), t, 0.0, 0.0);
}

CRMKIT_FUNC double bg_nbd::probability_of_purchases(int n, double t) const {
  const auto& p = params();
  if (n < 0) throw error(errc::invalid_argument, fmt::format("bg_nbd::probability_of_purchases: n = {} < 0", n));
  if (!(t >= 0)) throw error(errc::invalid_argument, fmt::format("bg_nbd::probability_of_purchases: t = {} < 0", t));
  const double nd = n;
  const double lb_ab = detail::lbeta(p.a, p.b);
  const double log_q = std::log(p.alpha / (p.alpha + t));  // ln(alpha/(alpha+t))
  const double log_z = t > 0 ? std::log(t / (p.alpha + t)) : -std::numeric_limits<double>::infinity();
  const double nb_term = std::lgamma(p.r + nd) - std::lgamma(p.r) - std::lgamma(nd + 1) + p.r * log_q +
                         (n > 0 ? nd * log_z : 0.0);
  double prob = std::exp(detail::lbeta(p.a, p.b + nd) - lb_ab + nb_term);
  if (n > 0) {
    // 1 - (alpha/(alpha+t))^r sum_{j<n} Gamma(r+j)/(Gamma(r) j!) (t/(alpha+t))^j = P(NBD count >= n)
    double cdf = 0.0;
    for (int j = 0; j < n; ++j) {
      const double jd = j;
      cdf += std::exp(std::lgamma(p.r + jd) - std::lgamma(p.r) - std::lgamma(jd + 1) + p.r * log_q +
                      (j > 0 ? jd * log_z : 0.0));
    }
    prob += std::exp(detail::lbeta(p.a + 1, p.b + nd - 1) - lb_ab) * std::max(0.0, 1.0 - cdf);
  }
  return prob;
}

CRMKIT_FUNC void bg_nbd::p_alive(std::span<const double> x, std::span<const double> tx, std::span<const double> T,
                                 std::span<double> out, int n_threads) const {
  (void)params();
  detail::batch_apply("bg_nbd::p_alive", x, tx, T, out, n_threads,
                      [this](double xi, double txi, double Ti) { return p_alive(xi, txi, Ti); });
}

CRMKIT_FUNC void bg_nbd::conditional_expected_purchases(double t, std::span<const double> x,
                                                        std::span<const double> tx, std::span<const double> T,
                                                        std::span<double> out, int n_threads) const {
  (void)params();
  detail::batch_apply("bg_nbd::conditional_expected_purchases", x, tx, T, out, n_threads,
                      [this, t](double xi, double txi, double Ti) {
                        return conditional_expected_purchases(t, xi, txi, Ti);
                      });
}

CRMKIT_FUNC void bg_nbd::conditional_probability_no_purchase(double t, std::span<const double> x,
                                                             std::span<const double> tx, std::span<const double> T,
                                                             std::span<double> out, int n_threads) const {
  (void)params();
  detail::batch_apply("bg_nbd::conditional_probability_no_purchase", x, tx, T, out, n_threads,
                      [this, t](double xi, double txi, double Ti) {
                        return conditional_probability_no_purchase(t, xi, txi, Ti);
                      });
}

CRMKIT_END_NAMESPACE
