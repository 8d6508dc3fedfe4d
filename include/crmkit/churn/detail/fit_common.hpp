// The common part of every BTYD fit: option checks, optimisation over log-parameters, the
// refusal to report non-finite parameters as a success, standard errors. Internal header.
#pragma once

#include <cmath>
#include <limits>
#include <span>
#include <vector>

#include <fmt/format.h>

#include "crmkit/churn/detail/optimizer.hpp"
#include "crmkit/churn/fit_report.hpp"
#include "crmkit/config.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// The usual epilogue of a BTYD fit: optimise, refuse non-finite parameters as a success,
/// compute standard errors, fill the report. `params` comes back empty when the fit
/// produced nothing usable (numerical_failure, "not finite").
///
/// `warm` (optional) is a fit of the same objective on a subsample: when it converged, the
/// optimisation starts from its point and inverse Hessian instead of `start`, and its
/// iterations and evaluations count in the report.
template <class Objective>
fit_report run_btyd_fit(Objective& objective, std::vector<double> start, const fit_options& options,
                        std::size_t n_rows, std::size_t n_groups, double total_weight, std::vector<double>& params,
                        std::span<const char* const> names = {}, const bfgs_result* warm = nullptr) {
  validate_options(options, "fit");  // the ranges of option_table<fit_options>
  std::vector<double> theta(start.size());
  for (std::size_t i = 0; i < start.size(); ++i) theta[i] = std::log(start[i]);
  const bool use_warm = warm != nullptr && warm->status == fit_status::converged && warm->x.size() == theta.size();
  auto result = minimize_bfgs(objective, use_warm ? warm->x : theta, options.max_iter, options.tol,
                              std::log(options.parameter_bound), use_warm ? &warm->inverse_hessian : nullptr);
  if (use_warm) {
    result.iterations += warm->iterations;
    result.evaluations += warm->evaluations;
  }
  fit_report report;
  report.status = result.status;
  report.iterations = result.iterations;
  report.evaluations = result.evaluations;
  report.n_rows = n_rows;
  report.n_groups = n_groups;
  report.log_likelihood = -result.f * total_weight;
  report.objective = result.f * total_weight;
  report.gradient_norm = result.gradient_norm;
  params.resize(start.size());
  for (std::size_t i = 0; i < start.size(); ++i) params[i] = std::exp(result.x[i]);
  bool finite = std::isfinite(result.f);
  for (double p : params) finite = finite && std::isfinite(p) && p > 0;
  if (!finite) {
    report.status = fit_status::numerical_failure;
    report.message = "not finite: the objective or a parameter is not finite";
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
  }
  if (options.standard_errors) {
    if (report.status == fit_status::boundary) {  // the Hessian is singular at the limit
      report.standard_errors.assign(params.size(), std::numeric_limits<double>::quiet_NaN());
      report.covariance.assign(params.size() * params.size(), std::numeric_limits<double>::quiet_NaN());
    } else {
      report.covariance = covariance_log_space(objective, result.x, total_weight);
      report.standard_errors = standard_errors_of(report.covariance, params.size());
    }
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
