/// @file crmkit/churn/bg_nbd_covariates.hpp
/// BG/NBD with time-invariant customer covariates on the purchase and the dropout process
/// (the exp(gamma' z) scaling of Fader & Hardie 2007, "Incorporating time-invariant
/// covariates into the Pareto/NBD and BG/NBD models", note 019), with an optional L2
/// penalty on the covariate weights and standard errors of every parameter.
///
/// `#include <crmkit/churn/bg_nbd_covariates.hpp>`
///
/// Thread safety: not synchronized; use from one thread at a time while fitting. Once
/// fitted the model is immutable after construction; concurrent const use is safe.
///
/// @code
/// // z: one row per customer, row-major; here one purchase and one dropout covariate each
/// crmkit::bg_nbd_covariates m;
/// crmkit::fit_report r = m.fit(x, tx, T, z_purchase, 1, z_dropout, 1);
/// double g = m.gamma_purchase()[0];          // > 0: customers with larger z buy more often
/// double se = m.report()->standard_errors[4]; // its standard error
/// std::vector<double> alive(x.size());
/// m.p_alive(x, tx, T, z_purchase, z_dropout, alive);
/// crmkit::bg_nbd one = m.customer_model(z_purchase.subspan(0, 1), z_dropout.subspan(0, 1));
/// @endcode
///
/// Model. Customer i with purchase covariates z_i (p1 values) and dropout covariates w_i
/// (p2 values) follows the BG/NBD with
///   alpha_i = alpha0 exp(-gamma_purchase' z_i)  (lambda_i ~ Gamma(r, alpha_i), E[lambda_i] = r/alpha_i:
///                                                gamma_purchase > 0 raises the purchase rate),
///   a_i = a0 exp(gamma_a' w_i),  b_i = b0 exp(gamma_b' w_i)  (p_i ~ Beta(a_i, b_i): the mean
///                                                dropout probability a_i/(a_i+b_i) moves with w_i
///                                                when gamma_a != gamma_b).
/// The likelihood is FHL 2005 eq. 6 with these per-customer parameters.
///
/// Fit. Maximises LL(r, alpha0, a0, b0, gamma) - (l2/2) |gamma|^2 (gamma: all weights) (the penalty on the
/// covariate weights only) by BFGS over (ln r, ln alpha0, ln a0, ln b0, gamma) with the
/// analytic gradient, from the plain BG/NBD fit (gamma = 0) unless initial_params are given.
/// The fit report is the BTYD one: standard errors and the covariance (parameter order r,
/// alpha0, a0, b0, gamma_purchase..., gamma_a..., gamma_b...) from the inverse of the numerical
/// Hessian of the penalised objective (central differences of the analytic gradient).
/// With no covariates (p1 = p2 = 0) the fit *is* bg_nbd::fit (same parameters, same
/// report); with covariates that are all 0 it reproduces that fit to the optimiser's
/// tolerance (tests/churn/bg_nbd_covariates_test.cpp), and it recovers known parameters of
/// generated data within their standard errors.
///
/// Semantics vs reference: the per-parameter exp(gamma' z) links of FH 2007 (note 019) and
/// CLVTools' static covariates; crmkit's penalty is (l2/2) sum gamma^2 on every weight.
/// Covariates are taken as given (no centring or scaling: centre them for a0, b0,
/// alpha0 to describe an average customer, and scale them for the penalty to be fair).
///
/// Memory: the covariates are read during the fit (not copied); per evaluation one partial
/// sum per 4,096 rows; the model holds 4 + p1 + 2 p2 doubles.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/churn/bg_nbd.hpp"
#include "crmkit/churn/fit_report.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// BG/NBD with covariates (see the file comment).
class bg_nbd_covariates {
 public:
  bg_nbd_covariates() = default;

  /// Penalised maximum-likelihood fit. `z_purchase` holds n x p1 values and `z_dropout` n x
  /// p2 values, row-major, one row per customer of (frequency, recency, T); either may be
  /// empty with p = 0. `l2` >= 0 (finite) weighs the penalty. options.initial_params, when
  /// given, has 4 + p1 + 2 p2 values (r, alpha0, a0, b0 > 0, then the weights in report order).
  /// @throws crmkit::error (invalid_argument): the rows as bg_nbd::fit, a covariate matrix
  ///         of the wrong size or with a non-finite value (named "z_purchase[row i, column
  ///         j]"), l2 < 0, bad options.
  CRMKIT_FUNC fit_report fit(std::span<const double> frequency, std::span<const double> recency,
                             std::span<const double> T, std::span<const double> z_purchase, std::size_t p1,
                             std::span<const double> z_dropout, std::size_t p2, std::span<const double> weights = {},
                             const fit_options& options = {}, double l2 = 0.0);

  [[nodiscard]] bool fitted() const noexcept { return fitted_; }
  /// r, alpha0, a0, b0 (the parameters of a customer whose covariates are all 0).
  /// @throws crmkit::error (not_fitted)
  [[nodiscard]] CRMKIT_FUNC const bg_nbd_params& base_params() const;
  [[nodiscard]] const std::vector<double>& gamma_purchase() const noexcept { return gamma_purchase_; }
  [[nodiscard]] const std::vector<double>& gamma_a() const noexcept { return gamma_a_; }
  [[nodiscard]] const std::vector<double>& gamma_b() const noexcept { return gamma_b_; }
  /// All parameters in report order: r, alpha0, a0, b0, gamma_purchase..., gamma_a..., gamma_b....
  [[nodiscard]] CRMKIT_FUNC std::vector<double> params() const;
  [[nodiscard]] const fit_report* report() const noexcept { return report_ ? &*report_ : nullptr; }
  [[nodiscard]] double l2() const noexcept { return l2_; }
  /// The options of the last fit (defaults before one).
  [[nodiscard]] const fit_options& options() const noexcept { return options_; }
  /// Number of purchase covariates p1 and of dropout covariates p2 (0 before a fit).
  [[nodiscard]] std::size_t n_purchase_covariates() const noexcept { return gamma_purchase_.size(); }
  [[nodiscard]] std::size_t n_dropout_covariates() const noexcept { return gamma_a_.size(); }

  /// Sets the parameters instead of fitting: 4 + p1 + 2 p2 values in report order (r,
  /// alpha0, a0, b0 finite and > 0; the weights finite); forgets the last fit's report.
  /// @throws crmkit::error (invalid_argument) naming the value.
  CRMKIT_FUNC void set_params(std::span<const double> params, std::size_t p1, std::size_t p2, double l2 = 0.0);

#ifndef CRMKIT_HEADER_ONLY
  /// The model document (crmkit/core/model_document.hpp; model "bg_nbd_covariates"): the
  /// base parameters, the weights, p1, p2, l2, the last fit's options and report.
  /// Compiled library only. @throws crmkit::error (not_fitted)
  [[nodiscard]] std::string to_text() const;
  /// Reads a document written by to_text; the model predicts bit-identically to the saved one.
  /// @throws crmkit::error (parse_error) naming the line, the key and why.
  [[nodiscard]] static bg_nbd_covariates from_text(std::string_view text);
#endif

  /// The BG/NBD of a customer with covariates z (p1 values) and w (p2 values).
  /// @throws crmkit::error (not_fitted; invalid_argument: sizes, non-finite values)
  [[nodiscard]] CRMKIT_FUNC bg_nbd customer_model(std::span<const double> z, std::span<const double> w) const;

  /// P(alive | x, t_x, T, covariates) per row (covariate matrices as in fit), on n_threads.
  CRMKIT_FUNC void p_alive(std::span<const double> x, std::span<const double> tx, std::span<const double> T,
                           std::span<const double> z_purchase, std::span<const double> z_dropout,
                           std::span<double> out, int n_threads = 1) const;
  /// E[purchases in (T, T+t] | x, t_x, T, covariates] per row.
  CRMKIT_FUNC void conditional_expected_purchases(double t, std::span<const double> x, std::span<const double> tx,
                                                  std::span<const double> T, std::span<const double> z_purchase,
                                                  std::span<const double> z_dropout, std::span<double> out,
                                                  int n_threads = 1) const;
  /// P(no purchase in (T, T+t] | x, t_x, T, covariates) per row: the churn score.
  CRMKIT_FUNC void conditional_probability_no_purchase(double t, std::span<const double> x, std::span<const double> tx,
                                                       std::span<const double> T, std::span<const double> z_purchase,
                                                       std::span<const double> z_dropout, std::span<double> out,
                                                       int n_threads = 1) const;
  /// The log-likelihood of each row at its own parameters (the fit's objective is minus their
  /// weighted sum plus the penalty).
  CRMKIT_FUNC void log_likelihood(std::span<const double> x, std::span<const double> tx, std::span<const double> T,
                                  std::span<const double> z_purchase, std::span<const double> z_dropout,
                                  std::span<double> out, int n_threads = 1) const;

 private:
  bg_nbd_params base_;
  std::vector<double> gamma_purchase_, gamma_a_, gamma_b_;
  bool fitted_ = false;
  double l2_ = 0.0;
  fit_options options_;
  std::optional<fit_report> report_;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/bg_nbd_covariates_impl.hpp"
#endif
