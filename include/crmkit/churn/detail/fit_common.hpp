// The common part of every BTYD fit: option checks, optimisation over log-parameters, the
// refusal to report non-finite parameters as a success, standard errors. Internal header.
#pragma once

#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/churn/detail/optimizer.hpp"
#include "crmkit/churn/fit_report.hpp"
#include "crmkit/config.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// The message of a fit that needed the fallback or several starts (appended to the
/// status message; empty when neither happened).
inline std::string robust_note(const robust_result& r, double total_weight) {
  std::string note;
  if (r.fallback_used)
    note = fmt::format("BFGS stopped early ({}, objective {:.10g}); the fallback (Nelder-Mead on the log-parameters, "
                       "then BFGS) {} (objective {:.10g})",
                       r.first_status == fit_status::iteration_limit ? "iteration limit" : "line search failed or "
                                                                                            "not finite",
                       r.first_objective * total_weight,
                       r.best.status == fit_status::converged ? "converged" : "ended " + std::string(status_name(r.best.status)),
                       r.best.f * total_weight);
  if (r.n_starts > 1)
    note += fmt::format("{}best of {} starts: start {}", note.empty() ? "" : "; ", r.n_starts, r.best_start);
  return note;
}

/// The message of a fit that converged at the precision floor (bfgs_result::precision_floor).
inline std::string precision_floor_message(double gradient_norm, double tol) {
  return fmt::format("converged at the precision floor: the objective stopped decreasing for {} iterations with "
                     "gradient norm {:.3g} (tol {:g}, accepted up to 1000 tol)",
                     bfgs_stall_limit, gradient_norm, tol);
}

/// Appends `extra` to `message` with "; " between.
inline void append_message(std::string& message, const std::string& extra) {
  if (extra.empty()) return;
  message += (message.empty() ? "" : "; ") + extra;
}

/// The usual epilogue of a BTYD fit: optimise (BFGS; the fallback and the extra starts of
/// fit_options), refuse non-finite parameters as a success, compute standard errors and the
/// Hessian's condition, fill the report. `params` comes back empty when the fit produced
/// nothing usable (numerical_failure, "not finite").
///
/// `warm` (optional) is a fit of the same objective on a subsample: when it converged, the
/// first start is its point and inverse Hessian instead of `start`, and its iterations and
/// evaluations count in the report (further starts perturb `start` as usual).
template <class Objective>
fit_report run_btyd_fit(Objective& objective, std::vector<double> start, const fit_options& options,
                        std::size_t n_rows, std::size_t n_groups, double total_weight, std::vector<double>& params,
                        std::span<const char* const> names = {}, const bfgs_result* warm = nullptr) {
  validate_options(options, "fit");  // the ranges of option_table<fit_options>
  std::vector<double> theta(start.size());
  for (std::size_t i = 0; i < start.size(); ++i) theta[i] = std::log(start[i]);
  const robust_result robust =
      minimize_robust(objective, theta, options.max_iter, options.tol, std::log(options.parameter_bound),
                      options.n_starts, options.seed, options.fallback, theta.size(), warm);
  const bfgs_result& result = robust.best;
  fit_report report;
  report.status = result.status;
  report.iterations = result.iterations;
  report.evaluations = result.evaluations;
  report.n_rows = n_rows;
  report.n_groups = n_groups;
  report.log_likelihood = -result.f * total_weight;
  report.objective = result.f * total_weight;
  report.gradient_norm = result.gradient_norm;
  report.n_starts = robust.n_starts;
  report.best_start = robust.best_start;
  report.fallback_used = robust.fallback_used;
  params.resize(start.size());
  for (std::size_t i = 0; i < start.size(); ++i) params[i] = std::exp(result.x[i]);
  bool finite = std::isfinite(result.f);
  for (double p : params) finite = finite && std::isfinite(p) && p > 0;
  if (!finite) {
    report.status = fit_status::numerical_failure;
    report.message = "not finite: the objective or a parameter is not finite";
    append_message(report.message, robust_note(robust, total_weight));
    report.standard_errors_note = "fit failed: no finite parameters";
    params.clear();  // nothing usable: the caller keeps its previous state
    return report;
  }
  if (report.status == fit_status::boundary) {
    const auto k = static_cast<std::size_t>(result.boundary_index);
    const char* name = k < names.size() ? names[k] : "?";
    report.message = fmt::format(
        "parameter {} = {:.6g} is {} the bound {:g} after {} iterations and the likelihood still rises that way: the "
        "data puts the optimum at the boundary (no dropout or no heterogeneity); the parameters describe that limit "
        "only approximately",
        name, params[k], params[k] > 1 ? "above" : "below the inverse of", options.parameter_bound,
        report.iterations);
  } else if (report.status == fit_status::iteration_limit) {
    report.message = fmt::format("stopped at the iteration limit {} with gradient norm {:.3g}", options.max_iter,
                                 report.gradient_norm);
  } else if (report.status == fit_status::numerical_failure) {
    report.message = fmt::format("line search failed: no step decreased the objective with gradient norm {:.3g}",
                                 report.gradient_norm);
  } else if (result.precision_floor) {
    report.message = precision_floor_message(report.gradient_norm, options.tol);
  }
  append_message(report.message, robust_note(robust, total_weight));
  if (options.standard_errors) {
    if (report.status == fit_status::boundary) {  // the Hessian is singular at the limit
      const auto k = static_cast<std::size_t>(result.boundary_index);
      report.standard_errors.assign(params.size(), std::numeric_limits<double>::quiet_NaN());
      report.covariance.assign(params.size() * params.size(), std::numeric_limits<double>::quiet_NaN());
      report.standard_errors_note =
          fmt::format("boundary solution: parameter {} is at the limit of the parameter space, where the Hessian is "
                      "singular",
                      k < names.size() ? names[k] : "?");
    } else {
      report.covariance = covariance_log_space(objective, result.x, total_weight, &report.hessian_condition);
      report.standard_errors = standard_errors_of(report.covariance, params.size());
      if (!report.covariance.empty() && std::isnan(report.covariance[0]))
        report.standard_errors_note =
            "Hessian not positive definite at the returned parameters (a saddle point or a flat direction)";
    }
  } else {
    report.standard_errors_note = "not requested";
  }
  return report;
}

inline void check_start(const char* model, const std::vector<double>& start, std::size_t n) {
  if (start.size() != n)
    throw error(errc::invalid_argument,
                fmt::format("{}: initial_params has {} values, the model has {} parameters", model, start.size(), n));
  for (double v : start)
    if (!(v > 0) || !std::isfinite(v))
      throw error(errc::invalid_argument, fmt::format("{}: initial parameter {} must be finite and > 0", model, v));
}

}  // namespace detail
CRMKIT_END_NAMESPACE
