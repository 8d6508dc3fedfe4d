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
// psi(y+1) = psi(y) + 1/y. What is left per row is one exp and one log1p.
class bg_nbd_objective {
 public:
  bg_nbd_objective(const btyd_groups& g, int n_threads) : g_(g), n_threads_(n_threads) {
    uT_ = g.T;
    std::sort(uT_.begin(), uT_.end());
    uT_.erase(std::unique(uT_.begin(), uT_.end()), uT_.end());
    utx_ = g.tx;
    std::sort(utx_.begin(), utx_.end());
    utx_.erase(std::unique(utx_.begin(), utx_.end()), utx_.end());
    iT_.resize(g.size());
    itx_.resize(g.size());
    ix_.resize(g.size());
    for (std::size_t i = 0; i < g.size(); ++i) {
      iT_[i] = static_cast<std::uint32_t>(std::lower_bound(uT_.begin(), uT_.end(), g.T[i]) - uT_.begin());
      itx_[i] = static_cast<std::uint32_t>(std::lower_bound(utx_.begin(), utx_.end(), g.tx[i]) - utx_.begin());
      ix_[i] = static_cast<std::uint32_t>(g.x[i]);
      max_x_ = std::max<std::size_t>(max_x_, ix_[i]);
    }
    const std::size_t nx = max_x_ + 1;
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
    for (std::size_t k = 0; k < uT_.size(); ++k) {
      lT_[k] = std::log(alpha + uT_[k]);
      rT_[k] = 1.0 / (alpha + uT_[k]);
    }
    for (std::size_t k = 0; k < utx_.size(); ++k) {
      ltx_[k] = std::log(alpha + utx_[k]);
      rtx_[k] = 1.0 / (alpha + utx_[k]);
    }
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
    }
    const double log_a = std::log(a), log_alpha = std::log(alpha);
    constexpr std::size_t block = 8192;
    const std::size_t n_blocks = (g_.size() + block - 1) / block;
    partial_.assign(n_blocks, {});
    crmkit::parallel_for(g_.size(), block, n_threads_, [&](std::size_t blk, std::size_t begin, std::size_t end) {
      double s_ll = 0, s_r = 0, s_al = 0, s_a = 0, s_b = 0;
      for (std::size_t i = begin; i < end; ++i) {
        const std::uint32_t x = ix_[i];
        const double w = g_.w[i];
        const double p = r + static_cast<double>(x);
        const double lT = lT_[iT_[i]];
        const double a3 = -p * lT;
        double mix = a3, w4 = 0.0, ltx = 0.0, rtx = 0.0;
        if (x > 0) {
          ltx = ltx_[itx_[i]];
          rtx = rtx_[itx_[i]];
          const double a4 = log_a - lbx_[x] - p * ltx;
          // log(e^a3 + e^a4) and the weight w4 = e^a4 / (e^a3 + e^a4).
          const double d = a4 - a3;
          if (d > 0) {
            const double e = std::exp(-d);
            mix = a4 + std::log1p(e);
            w4 = 1.0 / (1.0 + e);
          } else {
            const double e = std::exp(d);
            mix = a3 + std::log1p(e);
            w4 = e / (1.0 + e);
          }
        }
        const double w3 = 1.0 - w4;
        s_ll += w * (lgr_[x] + r * log_alpha + lgb_[x] - lgab_[x] + mix);
        s_r += w * (dgr_[x] + log_alpha - w3 * lT - w4 * ltx);
        s_al += w * (r / alpha - p * (w3 * rT_[iT_[i]] + w4 * rtx));
        s_a += w * (-dgab_[x] + (x > 0 ? w4 / a : 0.0));
        s_b += w * (dgb_[x] - dgab_[x] - (x > 0 ? w4 * ibx_[x] : 0.0));
      }
      partial_[blk] = {s_ll, s_r, s_al, s_a, s_b};
    });
    std::array<double, 5> sum{};
    for (const auto& p : partial_)
      for (std::size_t k = 0; k < 5; ++k) sum[k] += p[k];
    const double scale = -1.0 / g_.total_weight;
    // d/d(ln p) = p d/dp
    grad[0] = scale * sum[1] * r;
    grad[1] = scale * sum[2] * alpha;
    grad[2] = scale * sum[3] * a;
    grad[3] = scale * sum[4] * b;
    return scale * sum[0];
  }

 private:
  const btyd_groups& g_;
  int n_threads_;
  std::vector<double> uT_, utx_;
  std::vector<std::uint32_t> iT_, itx_, ix_;
  std::size_t max_x_ = 0;
  std::vector<double> lgr_, dgr_, lgb_, dgb_, lgab_, dgab_, lbx_, ibx_, lT_, rT_, ltx_, rtx_;
  std::vector<std::array<double, 5>> partial_;
};

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
  auto report = detail::run_btyd_fit(objective, start, options, groups.n_rows, groups.size(), groups.total_weight,
                                     params, names);
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
