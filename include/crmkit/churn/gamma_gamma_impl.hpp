// Definitions for crmkit/churn/gamma_gamma.hpp. Included by that header in header-only mode
// and by src/churn/gamma_gamma.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/gamma_gamma.hpp"
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "crmkit/churn/detail/batch.hpp"
#include "crmkit/churn/detail/dual_fit.hpp"
#include "crmkit/churn/detail/fit_common.hpp"
#include "crmkit/churn/gamma_gamma.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC gamma_gamma::gamma_gamma(const gamma_gamma_params& params) : p_(params), fitted_(true) {
  static constexpr const char* names[] = {"p", "q", "gamma"};
  const double v[] = {params.p, params.q, params.gamma};
  detail::check_positive_params("gamma_gamma", v, names);
}

CRMKIT_FUNC fit_report gamma_gamma::fit(std::span<const double> frequency, std::span<const double> monetary_value,
                                        std::span<const double> weights, const fit_options& options) {
  const zero_spend_policy zero_spend = options.zero_spend;
  detail::check_n_threads("gamma_gamma::fit", options.n_threads);
  const std::size_t n = frequency.size();
  if (monetary_value.size() != n || (!weights.empty() && weights.size() != n))
    throw error(errc::invalid_argument,
                fmt::format("gamma_gamma::fit: lengths differ (frequency {}, monetary_value {}, weights {})", n,
                            monetary_value.size(), weights.size()));
  std::vector<double> xs, ms, ws;
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = frequency[i], m = monetary_value[i];
    if (!std::isfinite(x) || x < 0 || x != std::floor(x))
      throw error(errc::invalid_argument,
                  fmt::format("gamma_gamma::fit: row {}: frequency {} is not a non-negative integer", i, x));
    if (!std::isfinite(m) || m < 0)
      throw error(errc::invalid_argument,
                  fmt::format("gamma_gamma::fit: row {}: spend {} is negative or not finite", i, m));
    const double w = weights.empty() ? 1.0 : weights[i];
    if (!std::isfinite(w) || w < 0)
      throw error(errc::invalid_argument, fmt::format("gamma_gamma::fit: row {}: weight {} is not finite and >= 0", i, w));
    if (x == 0 || w == 0) continue;
    if (m == 0) {
      if (zero_spend == zero_spend_policy::drop) continue;
      throw error(errc::invalid_argument,
                  fmt::format("gamma_gamma::fit: row {}: a repeat buyer (frequency {}) with zero mean spend; the "
                              "Gamma-Gamma likelihood is -inf there: remove the row or use zero_spend_policy::drop",
                              i, x));
    }
    xs.push_back(x);
    ms.push_back(m);
    ws.push_back(w);
    total += w;
  }
  if (xs.size() < 2)
    throw error(errc::invalid_argument,
                fmt::format("gamma_gamma::fit: {} usable repeat buyers; the spend model needs at least 2", xs.size()));
  std::vector<double> start = options.initial_params.empty() ? std::vector<double>{1.0, 1.0, 1.0}
                                                             : options.initial_params;
  detail::check_start("gamma_gamma::fit", start, 3);
  using D = detail::dual<3>;
  // note 025 eq. 4: ln f(zbar | x) = lnG(px+q) - lnG(px) - lnG(q) + q ln gamma + (px-1) ln zbar
  //                                  + px ln x - (px+q) ln(gamma + x zbar)
  // The first four terms depend on the parameters and x alone, and x (a purchase count)
  // takes few values: they are evaluated once per distinct x and evaluation (`head`), and
  // ln zbar, ln x once per row, in the same order of operations as the row formula, so
  // the sums are bit for bit what evaluating every term on every row gives.
  std::vector<double> distinct(xs);
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<std::uint32_t> x_of(xs.size());
  std::vector<double> log_m(xs.size()), log_x(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    x_of[i] = static_cast<std::uint32_t>(std::lower_bound(distinct.begin(), distinct.end(), xs[i]) - distinct.begin());
    log_m[i] = std::log(ms[i]);
    log_x[i] = std::log(xs[i]);
  }
  std::vector<D> head(distinct.size());
  auto row = [&](const std::array<D, 3>& prm, std::size_t i) {
    const D& p = prm[0];
    const D& q = prm[1];
    const D& g = prm[2];
    const double x = xs[i], m = ms[i];
    const D px = p * x;
    return head[x_of[i]] + (px - 1.0) * log_m[i] + px * log_x[i] - (px + q) * detail::log(g + x * m);
  };
  detail::dual_objective<3, decltype(row)> rows(xs.size(), ws, total, options.n_threads, row);
  auto objective = [&](const std::vector<double>& theta, std::vector<double>& grad) {
    std::array<D, 3> prm;
    for (int k = 0; k < 3; ++k) {
      const double v = std::exp(theta[static_cast<std::size_t>(k)]);
      prm[static_cast<std::size_t>(k)] = D::variable(v, k, v);  // as dual_objective sets them
    }
    const D& p = prm[0];
    const D& q = prm[1];
    const D& g = prm[2];
    for (std::size_t j = 0; j < distinct.size(); ++j) {
      const D px = p * distinct[j];
      head[j] = detail::lgamma(px + q) - detail::lgamma(px) - detail::lgamma(q) + q * detail::log(g);
    }
    return rows(theta, grad);
  };
  std::vector<double> params;
  static constexpr const char* names[] = {"p", "q", "gamma"};
  auto report = detail::run_btyd_fit(objective, start, options, xs.size(), xs.size(), total, params, names);
  if (!params.empty()) {
    p_ = {params[0], params[1], params[2]};
    fitted_ = true;
  }
  options_ = options;
  report_ = report;
  return report;
}

CRMKIT_FUNC const gamma_gamma_params& gamma_gamma::params() const {
  if (!fitted_) throw error(errc::not_fitted, "gamma_gamma: the model is not fitted (call fit() or pass parameters)");
  return p_;
}

CRMKIT_FUNC double gamma_gamma::conditional_expected_spend(double x, double zbar) const {
  const auto& p = params();
  if (p.q <= 1 && x == 0) return std::numeric_limits<double>::quiet_NaN();
  return (p.gamma + x * zbar) * p.p / (p.p * x + p.q - 1);
}

CRMKIT_FUNC void gamma_gamma::conditional_expected_spend(std::span<const double> x, std::span<const double> zbar,
                                                         std::span<double> out, int n_threads) const {
  (void)params();
  detail::batch_apply("gamma_gamma::conditional_expected_spend", x, zbar, zbar, out, n_threads,
                      [this](double xi, double zi, double) { return conditional_expected_spend(xi, zi); });
}

CRMKIT_END_NAMESPACE
