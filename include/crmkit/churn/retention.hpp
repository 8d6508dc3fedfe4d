/// @file crmkit/churn/retention.hpp
/// Retention models for contractual (subscription) customers, who renew or cancel once per
/// period (month, year) and whose cancellation is observed: the shifted-beta-geometric
/// model (sBG; Fader & Hardie 2007, "How to project customer retention", Journal of
/// Interactive Marketing 21(1)) and the beta-discrete-Weibull model (BdW; Fader, Hardie,
/// Liu, Davin & Steenburgh 2018, "How to project customer retention revisited: the role of
/// duration dependence", Journal of Interactive Marketing 43), whose retention rate may
/// also fall or rise with tenure. Fit on per-customer rows or on a cohort's survivor
/// curve; survival, retention rate, expected residual lifetime and discounted expected
/// residual lifetime (DERL, Fader & Hardie 2010) per customer.
///
/// `#include <crmkit/churn/retention.hpp>`
///
/// Thread safety: not synchronized; use from one thread at a time while fitting. Once
/// fitted the model is immutable after construction; concurrent const use is safe.
///
/// @code
/// // Fader & Hardie 2007, "regular" cohort: 1000 customers, survivors at the start of years 1..7
/// const double survivors[] = {1000, 631, 468, 382, 326, 289, 262, 241};
/// crmkit::retention_model sbg(crmkit::retention_kind::sbg);
/// crmkit::fit_report report = sbg.fit_survivors(survivors);   // alpha 0.704, beta 1.182
/// double s12 = sbg.survival(12);                              // projected share left after 12 renewals
/// double r5 = sbg.retention_rate(5);                          // S(5) / S(4)
/// const double tenure[] = {0, 3, 10};                         // renewals each customer has made
/// std::vector<double> value(3);
/// sbg.discounted_expected_residual_lifetime(0.1, tenure, value);  // DERL at 10% per period
/// std::string text = sbg.to_text();                           // model document
/// @endcode
///
/// Time convention. Periods are numbered 1, 2, ...; a customer acquired at the start of
/// period 1 decides at the end of each period whether to renew. Her lifetime T is the
/// period at whose end she cancels (T = 1: she never renews). A customer of *tenure* k has
/// made k renewals and is still active (T > k). S(t) = P(T > t), S(0) = 1.
///
/// Models. Each customer cancels at the end of a period with probability theta (sBG) or
/// 1 - (1-theta)^(t^c - (t-1)^c) in period t (BdW; S(t | theta) = (1-theta)^(t^c)), theta ~
/// Beta(alpha, beta) across customers. Hence
///   sBG: S(t) = B(alpha, beta + t) / B(alpha, beta), P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta),
///        retention rate r(t) = S(t)/S(t-1) = (beta + t - 1) / (alpha + beta + t - 1) (rises with t: sorting);
///   BdW: S(t) = B(alpha, beta + t^c) / B(alpha, beta), P(T = t) = S(t-1) - S(t); c = 1 is the sBG,
///        c < 1 adds negative and c > 1 positive duration dependence at the individual level.
///
/// Semantics vs reference:
/// - fit: maximum likelihood, sum over rows of w [churned ? ln P(T = t) : ln S(t)]
///   (FH 2007 eq. 5-6; FHLDS 2018 eq. 4), BFGS over log-parameters with exact gradients, the
///   BTYD fits' optimiser and report (core/fit_report.hpp: status, iterations, gradient
///   norm, standard errors from the numerical Hessian of the analytic gradient). FH 2007's
///   published fits of its two cohorts (years 1-7) are reproduced to the printed digits:
///   high end alpha 0.668, beta 3.806; regular alpha 0.704, beta 1.182
///   (tests/churn/retention_test.cpp).
/// - expected_residual_lifetime(k) = E[T - k - 1 | T > k] = sum_{j>=1} S(k+j)/S(k): the
///   expected number of further renewals. sBG: (beta + k)/(alpha - 1), infinite for alpha
///   <= 1. BdW: infinite for c alpha <= 1; otherwise the sum is taken term by term up to
///   2^20 terms and its power-law tail estimated from the last terms (relative error below
///   1e-6 when the sum has not converged by then).
/// - discounted_expected_residual_lifetime(d, k) = sum_{j>=1} S(k+j)/S(k) (1+d)^-(j-1): FH
///   2010 ("Customer-base valuation in a contractual setting: the perils of ignoring
///   heterogeneity", Marketing Science 29(1)) eq. 6, DERL(d | alpha, beta, n-1 renewals) with
///   n - 1 = k, evaluated just before the next renewal decision (the next payment is not
///   discounted). sBG: (beta+k)/(alpha+beta+k) 2F1(1, beta+k+1; alpha+beta+k+1; 1/(1+d)),
///   to ~1e-15 relative; BdW: the sum, until the remaining terms are below 1e-17 of it.
///   Multiply by the value per period to get a residual customer value.
///
/// Memory: a fit groups its rows by (periods, churned) (a sorted copy of the distinct
/// pairs, 3 doubles each); the model holds 2 (sBG) or 3 (BdW) doubles, its options and
/// the last fit's report.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/fit_report.hpp"
#include "crmkit/core/option_table.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The retention model kinds. The values are the C constants CRMKIT_RETENTION_SBG / _BDW.
enum class retention_kind : int {
  sbg = 1,  ///< shifted-beta-geometric [alpha, beta]
  bdw = 2,  ///< beta-discrete-Weibull [alpha, beta, c]
};

/// The kind's name: "sbg" or "bdw" (the `model` key of its model document).
[[nodiscard]] constexpr const char* to_string(retention_kind kind) noexcept {
  switch (kind) {
    case retention_kind::sbg: return "sbg";
    case retention_kind::bdw: return "bdw";
  }
  return "unknown";
}

/// The kind named `name` ("sbg", "bdw"); empty for an unknown name.
[[nodiscard]] constexpr std::optional<retention_kind> retention_kind_from_name(std::string_view name) noexcept {
  for (auto k : {retention_kind::sbg, retention_kind::bdw})
    if (name == to_string(k)) return k;
  return std::nullopt;
}

/// What retention_model::predict computes per tenure value k (the values are the C
/// constants CRMKIT_RETENTION_SURVIVAL ... _DERL).
enum class retention_prediction : int {
  survival = 1,                   ///< S(k) of a new customer (arg ignored)
  retention_rate = 2,             ///< r(k) = S(k)/S(k-1), k >= 1 (arg ignored)
  conditional_survival = 3,       ///< S(k + arg)/S(k), arg >= 0 renewals
  expected_residual_lifetime = 4, ///< E[further renewals | tenure k] (arg ignored)
  derl = 5,                       ///< DERL(arg | tenure k), arg = discount rate > 0
};

/// Options of a retention fit; the meaning of each is that of the BTYD fits' fit_options
/// (crmkit/churn/fit_report.hpp). Ranges and defaults: option_table<retention_options>.
struct retention_options {
  int max_iter = 1000;  ///< BFGS iterations
  /// Convergence when the largest gradient component of the mean negative log-likelihood
  /// per customer, with respect to the log-parameters, falls below this.
  double tol = 1e-9;
  int n_threads = 1;  ///< threads for the likelihood (results do not depend on it)
  /// A parameter beyond [1/bound, bound] before convergence stops the fit with
  /// fit_status::boundary (e.g. no customer ever cancels: beta -> infinity).
  double parameter_bound = 1e6;
  bool standard_errors = true;  ///< standard errors from the Hessian at the optimum
  /// Start values in the model's parameter order; empty: alpha = beta = 1 (and c = 1).
  std::vector<double> initial_params;
  int n_starts = 1;        ///< starts of the optimisation (as fit_options::n_starts)
  std::uint32_t seed = 0;  ///< seed of the perturbed starts (as fit_options::seed)
  bool fallback = true;    ///< Nelder-Mead then BFGS when BFGS stops early (as fit_options::fallback)
};

/// The description of retention_options from which the C ABI (`crmkit_retention_set_int`,
/// `_set_double`, `_get_*`, `_option_bounds`, keys `CRMKIT_RETENTION_<NAME>`), the Python
/// keywords and the fit's validation derive (crmkit/core/option_table.hpp).
template <>
struct option_table<retention_options> {
  static constexpr std::string_view c_prefix = "CRMKIT_RETENTION_";
  static constexpr std::array<option_spec<retention_options>, 8> entries{{
      CRMKIT_OPTION(retention_options, 1, max_iter, integer, 0, 2147483647, "BFGS iteration limit"),
      CRMKIT_OPTION(retention_options, 2, n_threads, integer, 1, max_threads, "threads; results do not depend on it"),
      CRMKIT_OPTION(retention_options, 4, standard_errors, flag, 0, 1, "standard errors from the Hessian"),
      CRMKIT_OPTION(retention_options, 5, n_starts, integer, 1, 1000, "starts: the given one plus perturbed ones"),
      CRMKIT_OPTION(retention_options, 6, seed, integer, 0, 4294967295.0, "seed of the perturbed starts"),
      CRMKIT_OPTION(retention_options, 7, fallback, flag, 0, 1, "Nelder-Mead then BFGS again when BFGS stops early"),
      CRMKIT_OPTION(retention_options, 101, tol, real, option_positive, option_finite, "tolerance on the gradient norm"),
      CRMKIT_OPTION(retention_options, 102, parameter_bound, real, 1.0000000000000002, option_finite,
                    "a parameter beyond [1/bound, bound] stops the fit (> 1)"),
  }};
};

/// A fitted (or given) sBG or BdW retention model (see the file comment).
class retention_model {
 public:
  /// An unfitted model of `kind`. @throws crmkit::error (invalid_argument) for a value
  /// outside the enum.
  CRMKIT_FUNC explicit retention_model(retention_kind kind = retention_kind::sbg);
  /// A model with given parameters (alpha, beta[, c]), all finite and > 0.
  /// @throws crmkit::error (invalid_argument) naming the parameter.
  CRMKIT_FUNC retention_model(retention_kind kind, std::span<const double> params);

  [[nodiscard]] retention_kind kind() const noexcept { return kind_; }
  [[nodiscard]] const char* name() const noexcept { return to_string(kind_); }
  /// "alpha", "beta" (sBG) and "c" (BdW).
  [[nodiscard]] CRMKIT_FUNC std::span<const char* const> param_names() const noexcept;
  [[nodiscard]] bool fitted() const noexcept { return fitted_; }
  /// The parameters in param_names order. @throws crmkit::error (not_fitted)
  [[nodiscard]] CRMKIT_FUNC std::vector<double> params() const;
  /// Sets the parameters instead of fitting; forgets the last report.
  /// @throws crmkit::error (invalid_argument): wrong count, not finite and > 0.
  CRMKIT_FUNC void set_params(std::span<const double> params);

  /// Maximum-likelihood fit on per-customer rows: `periods` = T for a customer who
  /// cancelled (churned = 1; whole number >= 1), or the renewals made so far for one still
  /// active (churned = 0; whole number >= 0, 0 adds nothing); optional weights (counts of
  /// identical customers, finite, >= 0). The result does not depend on the row order nor
  /// on n_threads. On a non-converged fit the model holds the last finite parameters;
  /// check the report.
  /// @throws crmkit::error (invalid_argument): lengths differ, no rows, a bad row (named
  ///         "row i"), total weight 0, no row with information (all active at tenure 0),
  ///         bad options (named by their C constant).
  CRMKIT_FUNC fit_report fit(std::span<const double> periods, std::span<const double> churned,
                             std::span<const double> weights = {}, const retention_options& options = {});
  /// Fit on a cohort's survivor curve: survivors[0] customers acquired, survivors[t]
  /// still active after t renewals (non-increasing, finite, >= 0; whole numbers are not
  /// required, so shares work too). Equivalent to fit() with survivors[t-1] - survivors[t]
  /// customers cancelling in period t and survivors[last] active at tenure `last`.
  /// @throws crmkit::error (invalid_argument): fewer than 2 values, an increase (named
  ///         "survivors[t]"), a negative or non-finite value.
  CRMKIT_FUNC fit_report fit_survivors(std::span<const double> survivors, const retention_options& options = {});

  /// The last fit's report: null before a fit, after set_params, or for a loaded document
  /// that carried none.
  [[nodiscard]] const fit_report* report() const noexcept { return report_ ? &*report_ : nullptr; }
  /// The options of the last fit (defaults before one).
  [[nodiscard]] const retention_options& options() const noexcept { return options_; }

  /// S(t) = P(T > t) for a new customer, t >= 0 (real t is accepted: t^c and the Beta
  /// function are defined for it). @throws crmkit::error (invalid_argument) t < 0 or not
  /// finite; (not_fitted).
  [[nodiscard]] CRMKIT_FUNC double survival(double t) const;
  /// r(t) = S(t) / S(t-1), t >= 1: the share of period-t customers who renew at its end.
  [[nodiscard]] CRMKIT_FUNC double retention_rate(double t) const;
  /// P(T = t) = S(t-1) - S(t) for a new customer, t >= 1.
  [[nodiscard]] CRMKIT_FUNC double churn_probability(double t) const;
  /// S(k + h) / S(k): a customer of tenure k is still active after h more renewals.
  [[nodiscard]] CRMKIT_FUNC double conditional_survival(double h, double k) const;
  /// E[number of further renewals | tenure k] (see the file comment; +inf when it diverges).
  [[nodiscard]] CRMKIT_FUNC double expected_residual_lifetime(double k) const;
  /// DERL(d | tenure k) (FH 2010; see the file comment); d finite and > 0.
  [[nodiscard]] CRMKIT_FUNC double discounted_expected_residual_lifetime(double discount_rate, double k) const;
  /// The log-likelihood of one row (see fit): churned ? ln P(T = periods) : ln S(periods).
  [[nodiscard]] CRMKIT_FUNC double log_likelihood(double periods, bool churned) const;

  /// Batch versions: one value per tenure k (a whole number >= 0), out.size() ==
  /// tenure.size(), on n_threads threads (results do not depend on it). Every row is
  /// checked before any thread starts. @throws crmkit::error (invalid_argument) naming
  /// the row; (not_fitted).
  CRMKIT_FUNC void conditional_survival(double h, std::span<const double> tenure, std::span<double> out,
                                        int n_threads = 1) const;
  CRMKIT_FUNC void expected_residual_lifetime(std::span<const double> tenure, std::span<double> out,
                                              int n_threads = 1) const;
  CRMKIT_FUNC void discounted_expected_residual_lifetime(double discount_rate, std::span<const double> tenure,
                                                         std::span<double> out, int n_threads = 1) const;

  /// One prediction per tenure value (whole numbers >= 0; >= 1 for retention_rate) into
  /// `out` (same length), on n_threads threads: the scalar functions above, selected by
  /// `what`, with `arg` the horizon (conditional_survival) or discount rate (derl).
  /// Every row and `arg` are checked before any thread starts.
  /// @throws crmkit::error (invalid_argument) naming the row or the argument; (not_fitted).
  CRMKIT_FUNC void predict(retention_prediction what, double arg, std::span<const double> tenure,
                           std::span<double> out, int n_threads = 1) const;

#ifndef CRMKIT_HEADER_ONLY
  /// The model document (crmkit/core/model_document.hpp): kind ("sbg"/"bdw"), parameters,
  /// the last fit's options and report, library version; loads back to the same bits.
  /// Compiled library only. @throws crmkit::error (not_fitted)
  [[nodiscard]] std::string to_text() const;
  /// Reads a document written by to_text. Compiled library only.
  /// @throws crmkit::error (parse_error) naming the line, the key and why.
  [[nodiscard]] static retention_model from_text(std::string_view text);
#endif

 private:
  [[nodiscard]] double c_() const noexcept { return kind_ == retention_kind::bdw ? p_[2] : 1.0; }
  [[nodiscard]] double log_survival(double t) const noexcept;

  retention_kind kind_;
  std::array<double, 3> p_{};
  bool fitted_ = false;
  retention_options options_;
  std::optional<fit_report> report_;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/retention_impl.hpp"
#endif
