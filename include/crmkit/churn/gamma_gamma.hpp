/// @file crmkit/churn/gamma_gamma.hpp
/// The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value
/// curves for customer base analysis", J. Marketing Research 42(4); Fader & Hardie note 025):
/// a customer's transaction values are Gamma(p, nu) with nu ~ Gamma(q, gamma) across
/// customers, independent of the purchase process. Fitted on repeat buyers' mean repeat spend.
///
/// `#include <crmkit/churn/gamma_gamma.hpp>`
///
/// Thread safety: not synchronized; use from one thread at a time while fitting. Once fitted
/// the model is immutable after construction; concurrent const use is safe.
///
/// @code
/// crmkit::gamma_gamma spend;
/// auto report = spend.fit(summary.frequency, summary.monetary_value);  // x = 0 rows are skipped
/// double e = spend.conditional_expected_spend(2, 22.35);                // E[Z | x, zbar]
/// @endcode
///
/// Memory: the fit copies the repeat buyers' (x, zbar) pairs; the model holds 3 doubles.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <span>

#include "crmkit/churn/fit_report.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Gamma-Gamma parameters.
struct gamma_gamma_params {
  double p = 0, q = 0, gamma = 0;
};

/// The Gamma-Gamma model (see the file comment).
class gamma_gamma {
 public:
  gamma_gamma() = default;
  /// A model with given parameters (finite, > 0).
  CRMKIT_FUNC explicit gamma_gamma(const gamma_gamma_params& params);

  /// Maximum-likelihood fit (note 025 eq. 4) on the rows with frequency > 0; rows with
  /// frequency 0 carry no repeat spend and are skipped. Exact gradient (forward-mode
  /// differentiation), BFGS over log-parameters from p = q = gamma = 1 by default.
  /// @throws crmkit::error (invalid_argument): lengths differ, negative or non-finite spend,
  ///         non-integer frequency, a zero spend under `options.zero_spend ==
  ///         zero_spend_policy::reject` (the default), fewer than
  ///         two usable rows.
  CRMKIT_FUNC fit_report fit(std::span<const double> frequency, std::span<const double> monetary_value,
                             std::span<const double> weights = {}, const fit_options& options = {});

  [[nodiscard]] bool fitted() const noexcept { return fitted_; }
  /// @throws crmkit::error (not_fitted)
  [[nodiscard]] CRMKIT_FUNC const gamma_gamma_params& params() const;
  /// The last fit's report; null before a fit, for a model given its parameters, or for a
  /// loaded document that carried none.
  [[nodiscard]] const fit_report* report() const noexcept { return report_ ? &*report_ : nullptr; }
  /// The options of the last fit, its zero-spend policy included (defaults before one).
  [[nodiscard]] const fit_options& options() const noexcept { return options_; }

#ifndef CRMKIT_HEADER_ONLY
  /// The model document (crmkit/core/model_document.hpp, model "gamma_gamma"): p, q,
  /// gamma, the last fit's options and report, library version. Compiled library only.
  /// @throws crmkit::error (not_fitted)
  [[nodiscard]] std::string to_text() const;
  /// Reads a document written by to_text; predicts bit-identically. Compiled library only.
  /// @throws crmkit::error (parse_error) naming the line, the key and why.
  [[nodiscard]] static gamma_gamma from_text(std::string_view text);
#endif

  /// E[Z | x, zbar] = (gamma + x zbar) p / (p x + q - 1) (note 025 eq. 5): a weighted mean of
  /// the population mean p gamma/(q-1) and the customer's zbar. For x = 0, the population
  /// mean. NaN when q <= 1 (the population mean does not exist).
  [[nodiscard]] CRMKIT_FUNC double conditional_expected_spend(double x, double zbar) const;
  /// Batch version. @throws crmkit::error (invalid_argument) on length mismatch.
  CRMKIT_FUNC void conditional_expected_spend(std::span<const double> x, std::span<const double> zbar,
                                              std::span<double> out, int n_threads = 1) const;

 private:
  gamma_gamma_params p_;
  bool fitted_ = false;
  fit_options options_;
  std::optional<fit_report> report_;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/gamma_gamma_impl.hpp"
#endif
