/// @file crmkit/core/fit_report.hpp
/// How every iterative fitter in crmkit reports its end: the BTYD maximum-likelihood fits
/// (bg_nbd, pareto_nbd, modified_bg_nbd, bg_bb, gamma_gamma), logistic regression, its
/// Platt calibration and k-means. One status enum, one report struct, in every layer (C:
/// CRMKIT_FIT_* and `crmkit_<model>_fit_report`; Python: `crmkit.FitReport`).
///
/// `#include <crmkit/core/fit_report.hpp>`
///
/// Thread safety: immutable after construction; concurrent const use is safe.
///
/// @code
/// crmkit::bg_nbd model;
/// crmkit::fit_report report = model.fit(summary);
/// if (!report.converged()) std::puts(report.message.c_str());   // or to_string(report.status)
/// @endcode
///
/// Semantics vs its reference: the four statuses follow scipy.optimize's and scikit-learn's
/// vocabulary (success / ConvergenceWarning at max_iter), with "boundary" added for the
/// BTYD likelihoods that rise towards a parameter-space boundary. Not converging is an
/// expected numerical outcome, not an exception (docs/conventions.md, "Errors in C++").
///
/// Memory: a few scalars, the message, the standard-error note and (BTYD) one standard error
/// per parameter and the k x k parameter covariance.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// How a fit ended. The values are those of the C constants CRMKIT_FIT_*.
enum class fit_status : int {
  /// The fitter's convergence test held (BTYD and logistic: gradient norm <= tol; k-means:
  /// no label changed, or the centre shift fell below tol; the message says which). BTYD
  /// fits also stop as converged at the precision floor: no step lowered the objective for
  /// 20 iterations while the gradient norm was within 1000 tol (the message says so).
  converged = 0,
  /// A parameter left [1/parameter_bound, parameter_bound] while the gradient was still
  /// large: the likelihood keeps rising towards a boundary of the parameter space (no
  /// dropout in the data: BG/NBD a -> 0 or b -> inf, Pareto/NBD s -> 0 or beta -> inf; no
  /// heterogeneity: r, alpha -> inf). The model keeps the last parameters, which describe
  /// the limit only approximately; `fit_report::message` names the parameter.
  boundary = 1,
  /// Stopped at the iteration limit (max_iter) before the convergence test held.
  iteration_limit = 2,
  /// The optimiser could not go on: the line search found no decrease while the gradient
  /// was still large, or the objective or a parameter was not finite. The message says
  /// which ("line search failed ..." / "not finite ...").
  numerical_failure = 3,
};

/// Static English text for a status ("converged", ...).
[[nodiscard]] constexpr const char* to_string(fit_status status) noexcept {
  switch (status) {
    case fit_status::converged: return "converged";
    case fit_status::boundary: return "a parameter went to the boundary";
    case fit_status::iteration_limit: return "stopped at the iteration limit without converging";
    case fit_status::numerical_failure: return "numerical failure";
  }
  return "unknown";
}

/// The token of a status in model documents and Python ("converged", "boundary",
/// "iteration_limit", "numerical_failure").
[[nodiscard]] constexpr const char* status_name(fit_status status) noexcept {
  switch (status) {
    case fit_status::converged: return "converged";
    case fit_status::boundary: return "boundary";
    case fit_status::iteration_limit: return "iteration_limit";
    case fit_status::numerical_failure: return "numerical_failure";
  }
  return "unknown";
}

/// The status named `name` (see status_name); empty for an unknown name.
[[nodiscard]] constexpr std::optional<fit_status> fit_status_from_name(std::string_view name) noexcept {
  for (auto s : {fit_status::converged, fit_status::boundary, fit_status::iteration_limit,
                 fit_status::numerical_failure})
    if (name == status_name(s)) return s;
  return std::nullopt;
}

/// The outcome of a fit. The first five fields are filled by every fitter; the rest are
/// extras that only some fitters have (zero / empty otherwise).
struct fit_report {
  fit_status status = fit_status::numerical_failure;
  int iterations = 0;  ///< iterations done (BFGS, Newton or Lloyd/Hamerly of the kept run)
  /// The objective at the returned parameters, in the fitter's own sense (what it
  /// minimises): BTYD the negative total (weighted) log-likelihood; logistic regression the
  /// penalised loss f(w, b); Platt calibration the negative log-likelihood; k-means the
  /// inertia.
  double objective = 0.0;
  /// Convergence measure at the returned parameters: BTYD max |d mean-LL / d log-parameter|;
  /// logistic the largest gradient component; k-means the last total squared centre shift.
  double gradient_norm = 0.0;
  /// Why the fit stopped when it did not converge ("parameter b = 1.3e+06 exceeds the bound
  /// ...", "line search failed ..."); for k-means also how it converged ("labels unchanged",
  /// "centre shift below tol").
  std::string message;

  // extras
  int evaluations = 0;          ///< objective + gradient evaluations (BTYD)
  std::size_t n_rows = 0;       ///< rows used (BTYD; after grouping identical rows: n_groups)
  std::size_t n_groups = 0;     ///< distinct rows the likelihood was evaluated on (BTYD)
  double log_likelihood = 0.0;  ///< total (weighted) log-likelihood (BTYD; = -objective)
  /// Standard errors of the parameters (model order), from the inverse of the observed
  /// information (numerical Hessian of the analytic gradient). NaN when the Hessian is not
  /// positive definite; empty when not requested or not applicable.
  std::vector<double> standard_errors;
  /// The covariance matrix of the parameters (model order, row-major, k x k), the inverse
  /// of the observed information whose diagonal gives standard_errors (BTYD and retention
  /// fits): what the delta-method intervals of crmkit/churn/intervals.hpp use. All NaN when
  /// the Hessian is not positive definite or the fit ended at a boundary; empty when not
  /// requested or not applicable.
  std::vector<double> covariance;
  /// The 2-norm condition number (largest / smallest absolute eigenvalue) of the Hessian of
  /// the objective at the returned parameters, in the parameterisation of standard_errors
  /// and covariance (BTYD and retention: the model's natural parameters, so that it equals
  /// cond(inverse(covariance)) when that exists; covariate models: base parameters and
  /// covariate weights). Infinite when the Hessian is singular; NaN when no Hessian was
  /// computed (standard errors not requested, a boundary solution, a failed fit, and every
  /// fitter without a Hessian: logistic regression, k-means, ALS).
  double hessian_condition = std::numeric_limits<double>::quiet_NaN();
  /// Why standard_errors are missing or NaN: empty when they were computed; otherwise
  /// "not requested", "boundary solution: ..." (the Hessian is singular at the limit),
  /// "Hessian not positive definite ..." or "fit failed: ...". Empty for fitters that never
  /// compute standard errors.
  std::string standard_errors_note;
  /// Starts tried (fit_options::n_starts: the given start plus deterministic perturbed
  /// ones); 1 for a single start and for fitters without multi-start.
  int n_starts = 1;
  /// Which start gave the returned parameters (0: the given or default start).
  int best_start = 0;
  /// True when the first optimiser (BFGS) stopped early (line search failed, not finite,
  /// iteration limit) on the winning start and the fallback (Nelder-Mead on the
  /// log-parameters from BFGS's best point, then BFGS again) took over; the message then
  /// says so.
  bool fallback_used = false;

  [[nodiscard]] bool converged() const noexcept { return status == fit_status::converged; }
};

CRMKIT_END_NAMESPACE
