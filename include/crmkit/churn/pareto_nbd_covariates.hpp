/// @file crmkit/churn/pareto_nbd_covariates.hpp
/// Pareto/NBD with time-invariant customer covariates on the purchase and the dropout
/// process (Fader & Hardie 2007, "Incorporating time-invariant covariates into the
/// Pareto/NBD and BG/NBD models", note 019; CLVTools' static covariates), with an optional L2
/// penalty on the covariate weights and standard errors of every parameter.
///
/// `#include <crmkit/churn/pareto_nbd_covariates.hpp>`
///
/// Thread safety: not synchronized; use from one thread at a time while fitting. Once
/// fitted the model is immutable; concurrent const use is safe.
///
/// @code
/// crmkit::pareto_nbd_covariates m;
/// crmkit::fit_report r = m.fit(x, tx, T, z_purchase, 1, z_dropout, 1);
/// double g = m.gamma_purchase()[0];            // > 0: customers with larger z buy more often
/// double se = m.report()->standard_errors[4];   // its standard error
/// std::vector<double> alive(x.size());
/// m.p_alive(x, tx, T, z_purchase, z_dropout, alive);
/// @endcode
///
/// Model. Customer i with purchase covariates z_i (p1 values) and dropout covariates w_i
/// (p2 values) follows the Pareto/NBD with
///   alpha_i = alpha0 exp(-gamma_purchase' z_i)  (lambda_i ~ Gamma(r, alpha_i): E[lambda_i] =
///                                                (r/alpha0) exp(gamma_purchase' z_i)),
///   beta_i  = beta0 exp(-gamma_dropout' w_i)    (mu_i ~ Gamma(s, beta_i): E[mu_i] =
///                                                (s/beta0) exp(gamma_dropout' w_i); a positive
///                                                weight shortens the expected lifetime).
/// The likelihood is Fader & Hardie's (2005 note, eq. 19-22; crmkit/churn/pareto_nbd.hpp) with
/// these per-customer parameters: the note 019 parameterisation, and CLVTools'
/// (alpha_i = alpha0 exp(-gamma1' x), beta_i = beta0 exp(-gamma2' x)).
///
/// Fit. Maximises LL(r, alpha0, s, beta0, gamma) - (l2/2)|gamma|^2 by BFGS over (ln r, ln
/// alpha0, ln s, ln beta0, gamma) with the gradient by forward-mode dual numbers, from the
/// plain Pareto/NBD fit (gamma = 0) unless initial_params are given (4 + p1 + p2 values).
/// The report's covariance (order r, alpha0, s, beta0, gamma_purchase..., gamma_dropout...)
/// is the inverse numerical Hessian (central differences of the gradient) of the penalised
/// objective. With p1 = p2 = 0 the fit *is* pareto_nbd::fit (same parameters, same report).
///
/// Semantics vs reference: covariates are taken as given (no centring or scaling).
///
/// Memory: the covariates are read during the fit (not copied); one partial sum per 1,024
/// rows per evaluation; the model holds 4 + p1 + p2 doubles.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/churn/fit_report.hpp"
#include "crmkit/churn/pareto_nbd.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Pareto/NBD with covariates (see the file comment).
class pareto_nbd_covariates {
 public:
  pareto_nbd_covariates() = default;

  /// Penalised maximum-likelihood fit. `z_purchase`: n x p1 values, `z_dropout`: n x p2,
  /// row-major, one row per customer of (frequency, recency, T); either may be empty with
  /// p = 0. `l2` >= 0 weighs the penalty.
  /// @throws crmkit::error (invalid_argument): the rows as pareto_nbd::fit, a covariate matrix
  ///         of the wrong size or with a non-finite value ("z_purchase[row i, column j]"),
  ///         l2 < 0, bad options; the model is unchanged then.
  CRMKIT_FUNC fit_report fit(std::span<const double> frequency, std::span<const double> recency,
                             std::span<const double> T, std::span<const double> z_purchase, std::size_t p1,
                             std::span<const double> z_dropout, std::size_t p2, std::span<const double> weights = {},
                             const fit_options& options = {}, double l2 = 0.0);

  [[nodiscard]] bool fitted() const noexcept { return fitted_; }
  /// r, alpha0, s, beta0. @throws crmkit::error (not_fitted)
  [[nodiscard]] CRMKIT_FUNC const pareto_nbd_params& base_params() const;
  [[nodiscard]] const std::vector<double>& gamma_purchase() const noexcept { return gamma_purchase_; }
  [[nodiscard]] const std::vector<double>& gamma_dropout() const noexcept { return gamma_dropout_; }
  /// All parameters in report order: r, alpha0, s, beta0, gamma_purchase..., gamma_dropout....
  [[nodiscard]] CRMKIT_FUNC std::vector<double> params() const;
  [[nodiscard]] const fit_report* report() const noexcept { return report_ ? &*report_ : nullptr; }
  [[nodiscard]] double l2() const noexcept { return l2_; }
  [[nodiscard]] const fit_options& options() const noexcept { return options_; }
  [[nodiscard]] std::size_t n_purchase_covariates() const noexcept { return gamma_purchase_.size(); }
  [[nodiscard]] std::size_t n_dropout_covariates() const noexcept { return gamma_dropout_.size(); }

  /// Sets the parameters instead of fitting (4 + p1 + p2 values in report order; the base
  /// ones finite and > 0, the weights finite); forgets the report. @throws crmkit::error (invalid_argument)
  CRMKIT_FUNC void set_params(std::span<const double> params, std::size_t p1, std::size_t p2, double l2 = 0.0);

  /// The Pareto/NBD of a customer with covariates z (p1 values) and w (p2 values).
  /// @throws crmkit::error (not_fitted; invalid_argument: sizes, non-finite values)
  [[nodiscard]] CRMKIT_FUNC pareto_nbd customer_model(std::span<const double> z, std::span<const double> w) const;

  /// Per-row predictions with the covariate matrices as in fit, on n_threads (NaN for a
  /// customer whose exp(gamma' z) overflows): P(alive), E[purchases in (T, T+t]], P(no
  /// purchase in (T, T+t]), the row's log-likelihood.
  CRMKIT_FUNC void p_alive(std::span<const double> x, std::span<const double> tx, std::span<const double> T,
                           std::span<const double> z_purchase, std::span<const double> z_dropout,
                           std::span<double> out, int n_threads = 1) const;
  CRMKIT_FUNC void conditional_expected_purchases(double t, std::span<const double> x, std::span<const double> tx,
                                                  std::span<const double> T, std::span<const double> z_purchase,
                                                  std::span<const double> z_dropout, std::span<double> out,
                                                  int n_threads = 1) const;
  CRMKIT_FUNC void conditional_probability_no_purchase(double t, std::span<const double> x, std::span<const double> tx,
                                                       std::span<const double> T, std::span<const double> z_purchase,
                                                       std::span<const double> z_dropout, std::span<double> out,
                                                       int n_threads = 1) const;
  CRMKIT_FUNC void log_likelihood(std::span<const double> x, std::span<const double> tx, std::span<const double> T,
                                  std::span<const double> z_purchase, std::span<const double> z_dropout,
                                  std::span<double> out, int n_threads = 1) const;

#ifndef CRMKIT_HEADER_ONLY
  /// The model document (model "pareto_nbd_covariates"). Compiled library only. @throws (not_fitted)
  [[nodiscard]] std::string to_text() const;
  /// Reads a document written by to_text. @throws crmkit::error (parse_error)
  [[nodiscard]] static pareto_nbd_covariates from_text(std::string_view text);
#endif

 private:
  pareto_nbd_params base_;
  std::vector<double> gamma_purchase_, gamma_dropout_;
  bool fitted_ = false;
  double l2_ = 0.0;
  fit_options options_;
  std::optional<fit_report> report_;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/pareto_nbd_covariates_impl.hpp"
#endif
