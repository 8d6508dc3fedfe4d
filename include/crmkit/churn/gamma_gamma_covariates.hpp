/// @file crmkit/churn/gamma_gamma_covariates.hpp
/// The Gamma-Gamma spend model with time-invariant customer covariates on the spend process
/// (no peer library ships this). Parameterisation chosen here: the scale of the customers'
/// rate nu moves with the covariates,
///   z_ij ~ Gamma(p, nu_i),  nu_i ~ Gamma(q, gamma_i),  gamma_i = gamma0 exp(delta' s_i),
/// so that the expected transaction value of customer i, E[Z_i] = p gamma_i / (q - 1), is
/// the population mean of a customer with covariates 0 times exp(delta' s_i): a weight
/// delta_j is the log of the factor by which one unit of covariate j multiplies expected
/// spend (an exp(gamma' z) link as in Fader & Hardie's note 019 for the purchase models).
///
/// `#include <crmkit/churn/gamma_gamma_covariates.hpp>`
///
/// Thread safety: not synchronized; use from one thread at a time while fitting. Once
/// fitted the model is immutable; concurrent const use is safe.
///
/// @code
/// crmkit::gamma_gamma_covariates spend;
/// auto report = spend.fit(summary.frequency, summary.monetary_value, s, 1);  // s: one covariate per customer
/// double factor = std::exp(spend.delta()[0]);   // expected spend multiplier per unit of s
/// std::vector<double> e(summary.size());
/// spend.conditional_expected_spend(summary.frequency, summary.monetary_value, s, e);
/// @endcode
///
/// Fit. Maximises the note 025 eq. 4 likelihood at gamma_i (rows with frequency 0 skipped,
/// zero spend per options.zero_spend as gamma_gamma::fit) minus (l2/2)|delta|^2 by BFGS over
/// (ln p, ln q, ln gamma0, delta) with the analytic gradient, from the plain Gamma-Gamma fit
/// (delta = 0) unless initial_params are given (3 + k values). The report's covariance
/// (order p, q, gamma0, delta...) is the inverse numerical Hessian of the penalised
/// objective. With k = 0 the fit *is* gamma_gamma::fit (same parameters, same report).
/// Predictions: E[Z | x, zbar, s] = p (gamma_i + x zbar) / (p x + q - 1) (note 025 eq. 5 at gamma_i).
///
/// Memory: the fit copies the repeat buyers' rows (2 + k doubles each); the model holds 3 + k doubles.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/churn/fit_report.hpp"
#include "crmkit/churn/gamma_gamma.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Gamma-Gamma with spend covariates (see the file comment).
class gamma_gamma_covariates {
 public:
  gamma_gamma_covariates() = default;

  /// Penalised maximum-likelihood fit; `covariates` holds n x k values, row-major, one row per
  /// row of (frequency, monetary_value); empty with k = 0.
  /// @throws crmkit::error (invalid_argument): the rows as gamma_gamma::fit, a covariate
  ///         matrix of the wrong size or with a non-finite value ("covariates[row i, column
  ///         j]"), l2 < 0, bad options; the model is unchanged then.
  CRMKIT_FUNC fit_report fit(std::span<const double> frequency, std::span<const double> monetary_value,
                             std::span<const double> covariates, std::size_t k, std::span<const double> weights = {},
                             const fit_options& options = {}, double l2 = 0.0);

  [[nodiscard]] bool fitted() const noexcept { return fitted_; }
  /// p, q, gamma0. @throws crmkit::error (not_fitted)
  [[nodiscard]] CRMKIT_FUNC const gamma_gamma_params& base_params() const;
  [[nodiscard]] const std::vector<double>& delta() const noexcept { return delta_; }
  /// p, q, gamma0, delta....  @throws crmkit::error (not_fitted)
  [[nodiscard]] CRMKIT_FUNC std::vector<double> params() const;
  [[nodiscard]] const fit_report* report() const noexcept { return report_ ? &*report_ : nullptr; }
  [[nodiscard]] double l2() const noexcept { return l2_; }
  [[nodiscard]] const fit_options& options() const noexcept { return options_; }
  [[nodiscard]] std::size_t n_covariates() const noexcept { return delta_.size(); }
  /// Sets the parameters instead of fitting (3 + k values: p, q, gamma0 finite and > 0, then
  /// the weights, finite); forgets the report. @throws crmkit::error (invalid_argument)
  CRMKIT_FUNC void set_params(std::span<const double> params, std::size_t k, double l2 = 0.0);

  /// E[Z | x, zbar, covariates] per row (n_threads; NaN when q <= 1 or exp(delta' s) overflows).
  /// @throws crmkit::error (not_fitted; invalid_argument: lengths, a bad row or covariate)
  CRMKIT_FUNC void conditional_expected_spend(std::span<const double> frequency,
                                              std::span<const double> monetary_value,
                                              std::span<const double> covariates, std::span<double> out,
                                              int n_threads = 1) const;

#ifndef CRMKIT_HEADER_ONLY
  /// The model document (model "gamma_gamma_covariates"). Compiled library only. @throws (not_fitted)
  [[nodiscard]] std::string to_text() const;
  /// Reads a document written by to_text. @throws crmkit::error (parse_error)
  [[nodiscard]] static gamma_gamma_covariates from_text(std::string_view text);
#endif

 private:
  gamma_gamma_params base_;
  std::vector<double> delta_;
  bool fitted_ = false;
  double l2_ = 0.0;
  fit_options options_;
  std::optional<fit_report> report_;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/gamma_gamma_covariates_impl.hpp"
#endif
