/// @file crmkit/churn/clv_intervals.hpp
/// Delta-method confidence intervals of customer lifetime value (crmkit/churn/clv.hpp), per
/// customer and for the total over a segment, from the covariances of the purchase model's
/// and the spend model's fits.
///
/// `#include <crmkit/churn/clv_intervals.hpp>`
///
/// Thread safety: stateless; safe (the models are only read; copies are perturbed).
///
/// @code
/// auto bg = crmkit::make_btyd_model("bg_nbd");
/// bg->fit(summary);                                   // weeks; the report carries the covariance
/// crmkit::gamma_gamma gg;
/// gg.fit(summary.frequency, summary.monetary_value);
/// crmkit::clv_options c;                              // 12 months at 1% a month
/// c.model_period_days = 7;
/// auto ci = crmkit::clv_intervals(*bg, gg, summary.frequency, summary.recency, summary.T,
///                                 summary.monetary_value, c);   // 90% by default
/// auto total = crmkit::clv_total_interval(*bg, gg, x, tx, T, m, c);   // a segment's CLV
/// @endcode
///
/// Semantics. A confidence interval of the model's expected CLV (what the fitted models
/// predict, given the parameters' sampling uncertainty), not a prediction interval of what
/// the customer will actually spend. CLV is a function of the purchase model's parameters
/// (r, alpha, a, b or r, alpha, s, beta) and the Gamma-Gamma parameters (p, q, gamma);
/// se(CLV)^2 = g' Sigma_log g with g = d CLV / d ln theta by central differences (step 1e-4
/// in each log-parameter, as crmkit/churn/intervals.hpp) and Sigma_log the joint covariance of
/// the log-parameters. **Assumption:** the two models are fitted separately (Gamma-Gamma's
/// assumption that spend is independent of the purchase process), so the joint covariance is
/// block-diagonal: the purchase model's fit-report covariance and the spend model's, with
/// no cross terms. Interval: CLV -+ z se, the lower bound clipped at 0 (CLV is >= 0: spend
/// and discount factors are positive). For the total, CLV and g are sums over the rows (in
/// row order, so the result does not depend on n_threads).
/// BG/BB is refused (crmkit_btyd_bgbb_clv values its discrete opportunities).
/// Checked against a direct finite-difference computation in numpy
/// (tests/python/test_churn_clv_intervals.py) and for coverage by simulation
/// (tests/churn/clv_intervals_test.cpp).
///
/// Memory: 2 k + 2 CLV vectors of the rows' length (k = 7 parameters).
#pragma once

#include <span>

#include "crmkit/churn/btyd_model.hpp"
#include "crmkit/churn/clv.hpp"
#include "crmkit/churn/gamma_gamma.hpp"
#include "crmkit/churn/intervals.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Per-customer delta-method intervals of CLV (see the file comment) for the rows (x, t_x,
/// T, mean spend per repeat purchase). `clv` defines CLV as customer_lifetime_value does
/// (horizon, period_days, model_period_days — required —, discount_rate; its n_threads is
/// ignored); `options` gives level and n_threads.
/// @throws crmkit::error (not_fitted) for an unfitted model; (unsupported) for BG/BB;
///         (invalid_argument) a model without covariance (given its parameters, or fitted
///         with standard_errors off), bad rows, lengths or options as customer_lifetime_value.
[[nodiscard]] CRMKIT_FUNC prediction_intervals clv_intervals(const btyd_model& purchases, const gamma_gamma& spend,
                                                             std::span<const double> x, std::span<const double> tx,
                                                             std::span<const double> T,
                                                             std::span<const double> monetary_value,
                                                             const clv_options& clv,
                                                             const interval_options& options = {});

/// Delta-method interval of the total CLV of the rows (a segment). @throws as clv_intervals.
[[nodiscard]] CRMKIT_FUNC interval clv_total_interval(const btyd_model& purchases, const gamma_gamma& spend,
                                                      std::span<const double> x, std::span<const double> tx,
                                                      std::span<const double> T,
                                                      std::span<const double> monetary_value, const clv_options& clv,
                                                      const interval_options& options = {});

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/clv_intervals_impl.hpp"
#endif
