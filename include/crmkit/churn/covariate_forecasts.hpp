/// @file crmkit/churn/covariate_forecasts.hpp
/// Intervals, CLV and new-customer forecasts for the covariate models (BG/NBD and Pareto/NBD
/// with covariates, crmkit/churn/bg_nbd_covariates.hpp and pareto_nbd_covariates.hpp; spend
/// with covariates, crmkit/churn/gamma_gamma_covariates.hpp): per customer with each
/// customer's covariates, by the delta method through the fit's covariance including the
/// covariate weights.
///
/// `#include <crmkit/churn/covariate_forecasts.hpp>`
///
/// Thread safety: stateless; safe (the models are only read; copies are perturbed).
///
/// @code
/// crmkit::bg_nbd_covariates m;
/// m.fit(x, tx, T, zp, 1, zd, 1);                         // the report carries the covariance
/// auto alive = crmkit::delta_method_intervals(m, crmkit::btyd_prediction::p_alive, 0, x, tx, T, zp, zd);
/// crmkit::gamma_gamma_covariates spend;
/// spend.fit(x, mean_spend, zs, 1);
/// crmkit::clv_options c;
/// c.model_period_days = 7;
/// std::vector<double> clv(x.size());
/// crmkit::customer_lifetime_value(m, spend, x, tx, T, mean_spend, zp, zd, zs, clv, c);
/// auto ci = crmkit::clv_intervals(m, spend, x, tx, T, mean_spend, zp, zd, zs, c);
/// const double weeks[] = {13, 52};
/// auto f = crmkit::forecast_new_customer(m, zp.subspan(0, 1), zd.subspan(0, 1), weeks, &spend, zs.subspan(0, 1));
/// @endcode
///
/// Semantics.
/// - delta_method_intervals / delta_method_total_interval: as crmkit/churn/intervals.hpp, over
///   all parameters of the covariate model in report order (BG/NBD r, alpha0, a0, b0,
///   gamma_purchase..., gamma_a..., gamma_b...; Pareto/NBD r, alpha0, s, beta0, gamma_purchase...,
///   gamma_dropout...) with the fit report's covariance (of the penalised objective when
///   l2 > 0). The gradient is by central differences, step 1e-4 in ln p for the four positive
///   base parameters and 1e-4 in the weight itself for the covariate weights (which may be 0
///   or negative; their covariance is used as it is). Bounds clipped to [0, 1] for
///   probabilities and [0, inf) for expectations.
/// - customer_lifetime_value: crmkit/churn/clv.hpp's CLV of customer i under the customer's own
///   purchase model (customer_model(z_i, w_i)) and expected spend per purchase E[Z | x_i, zbar_i,
///   s_i] (gamma_gamma_covariates; k = 0 covariates is the plain Gamma-Gamma).
/// - clv_intervals / clv_total_interval: the delta method over the purchase model's and the
///   spend model's parameters (weights included) with a block-diagonal covariance: the two
///   models are fitted separately (spend independent of the purchase process, Gamma-Gamma's
///   assumption), so no cross terms. Lower bounds clipped at 0.
/// - forecast_new_customer: E[X(t)] of a customer acquired at 0 with covariates (z, w): the
///   customer's model's conditional expectation at x = t_x = T = 0 (as crmkit/churn/
///   new_customer.hpp), and with a spend model E[X(t)] E[Z | s] where E[Z | s] = p gamma0
///   exp(delta' s) / (q - 1) (NaN when q <= 1).
/// Rows with a customer whose exp(gamma' z) overflows get NaN (as the models' predictions).
/// Tested in tests/churn/covariate_forecasts_test.cpp (reduction to the plain models with no
/// covariates; coverage by simulation) and tests/python/test_churn_clv_intervals.py.
///
/// Memory: delta method 2 k + 2 prediction vectors of the rows' length (k parameters);
/// CLV one expected-spend vector.
#pragma once

#include <span>

#include "crmkit/churn/bg_nbd_covariates.hpp"
#include "crmkit/churn/clv.hpp"
#include "crmkit/churn/gamma_gamma_covariates.hpp"
#include "crmkit/churn/intervals.hpp"
#include "crmkit/churn/new_customer.hpp"
#include "crmkit/churn/pareto_nbd_covariates.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Delta-method intervals of `what` per row with each row's covariates (n x p1 and n x p2,
/// row-major, as the model's predictions take them); options.level and n_threads (n_draws,
/// seed, method unused). @throws crmkit::error (not_fitted; invalid_argument: no covariance,
/// bad rows or covariates named as the model's predictions name them, level, what).
[[nodiscard]] CRMKIT_FUNC prediction_intervals delta_method_intervals(
    const bg_nbd_covariates& model, btyd_prediction what, double t, std::span<const double> x,
    std::span<const double> tx, std::span<const double> T, std::span<const double> z_purchase,
    std::span<const double> z_dropout, const interval_options& options = {});
/// The same for Pareto/NBD with covariates.
[[nodiscard]] CRMKIT_FUNC prediction_intervals delta_method_intervals(
    const pareto_nbd_covariates& model, btyd_prediction what, double t, std::span<const double> x,
    std::span<const double> tx, std::span<const double> T, std::span<const double> z_purchase,
    std::span<const double> z_dropout, const interval_options& options = {});

/// Delta-method interval of the total of `what` over the rows. @throws as delta_method_intervals.
[[nodiscard]] CRMKIT_FUNC interval delta_method_total_interval(const bg_nbd_covariates& model, btyd_prediction what,
                                                               double t, std::span<const double> x,
                                                               std::span<const double> tx, std::span<const double> T,
                                                               std::span<const double> z_purchase,
                                                               std::span<const double> z_dropout,
                                                               const interval_options& options = {});
/// The same for Pareto/NBD with covariates.
[[nodiscard]] CRMKIT_FUNC interval delta_method_total_interval(const pareto_nbd_covariates& model, btyd_prediction what,
                                                               double t, std::span<const double> x,
                                                               std::span<const double> tx, std::span<const double> T,
                                                               std::span<const double> z_purchase,
                                                               std::span<const double> z_dropout,
                                                               const interval_options& options = {});

/// CLV per row (see the file comment) into out; z_spend holds n x k spend covariates.
/// Threads: clv.n_threads. @throws crmkit::error (not_fitted; invalid_argument: lengths,
/// bad rows or covariates, options as customer_lifetime_value).
CRMKIT_FUNC void customer_lifetime_value(const bg_nbd_covariates& purchases, const gamma_gamma_covariates& spend,
                                         std::span<const double> x, std::span<const double> tx,
                                         std::span<const double> T, std::span<const double> monetary_value,
                                         std::span<const double> z_purchase, std::span<const double> z_dropout,
                                         std::span<const double> z_spend, std::span<double> out,
                                         const clv_options& clv);
/// The same for Pareto/NBD with covariates.
CRMKIT_FUNC void customer_lifetime_value(const pareto_nbd_covariates& purchases, const gamma_gamma_covariates& spend,
                                         std::span<const double> x, std::span<const double> tx,
                                         std::span<const double> T, std::span<const double> monetary_value,
                                         std::span<const double> z_purchase, std::span<const double> z_dropout,
                                         std::span<const double> z_spend, std::span<double> out,
                                         const clv_options& clv);

/// Delta-method intervals of CLV per row (threads: options.n_threads). @throws as
/// customer_lifetime_value, and (invalid_argument) when a model has no covariance.
[[nodiscard]] CRMKIT_FUNC prediction_intervals clv_intervals(
    const bg_nbd_covariates& purchases, const gamma_gamma_covariates& spend, std::span<const double> x,
    std::span<const double> tx, std::span<const double> T, std::span<const double> monetary_value,
    std::span<const double> z_purchase, std::span<const double> z_dropout, std::span<const double> z_spend,
    const clv_options& clv, const interval_options& options = {});
/// The same for Pareto/NBD with covariates.
[[nodiscard]] CRMKIT_FUNC prediction_intervals clv_intervals(
    const pareto_nbd_covariates& purchases, const gamma_gamma_covariates& spend, std::span<const double> x,
    std::span<const double> tx, std::span<const double> T, std::span<const double> monetary_value,
    std::span<const double> z_purchase, std::span<const double> z_dropout, std::span<const double> z_spend,
    const clv_options& clv, const interval_options& options = {});

/// Delta-method interval of the rows' total CLV. @throws as clv_intervals.
[[nodiscard]] CRMKIT_FUNC interval clv_total_interval(
    const bg_nbd_covariates& purchases, const gamma_gamma_covariates& spend, std::span<const double> x,
    std::span<const double> tx, std::span<const double> T, std::span<const double> monetary_value,
    std::span<const double> z_purchase, std::span<const double> z_dropout, std::span<const double> z_spend,
    const clv_options& clv, const interval_options& options = {});
/// The same for Pareto/NBD with covariates.
[[nodiscard]] CRMKIT_FUNC interval clv_total_interval(
    const pareto_nbd_covariates& purchases, const gamma_gamma_covariates& spend, std::span<const double> x,
    std::span<const double> tx, std::span<const double> T, std::span<const double> monetary_value,
    std::span<const double> z_purchase, std::span<const double> z_dropout, std::span<const double> z_spend,
    const clv_options& clv, const interval_options& options = {});

/// E[X(t)] per horizon of a new customer with purchase covariates z (p1 values) and dropout
/// covariates w (p2 values), and with `spend` the expected revenue E[X(t)] E[Z | s] (s: k
/// values). @throws crmkit::error (not_fitted; invalid_argument: covariate sizes or values,
/// a horizon not finite and >= 0, named "horizons[i]").
[[nodiscard]] CRMKIT_FUNC new_customer_forecast forecast_new_customer(const bg_nbd_covariates& purchases,
                                                                      std::span<const double> z,
                                                                      std::span<const double> w,
                                                                      std::span<const double> horizons,
                                                                      const gamma_gamma_covariates* spend = nullptr,
                                                                      std::span<const double> s = {});
/// The same for Pareto/NBD with covariates.
[[nodiscard]] CRMKIT_FUNC new_customer_forecast forecast_new_customer(const pareto_nbd_covariates& purchases,
                                                                      std::span<const double> z,
                                                                      std::span<const double> w,
                                                                      std::span<const double> horizons,
                                                                      const gamma_gamma_covariates* spend = nullptr,
                                                                      std::span<const double> s = {});

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/covariate_forecasts_impl.hpp"
#endif
