/// @file crmkit/churn/fit_report.hpp
/// What every maximum-likelihood fit of a buy-till-you-die model reports: whether it
/// converged, the gradient norm it stopped at, the log-likelihood and standard errors.
///
/// `#include <crmkit/churn/fit_report.hpp>`
///
/// Thread safety: immutable after construction; concurrent const use is safe.
///
/// @code
/// crmkit::bg_nbd model;
/// crmkit::fit_report report = model.fit(summary);
/// if (!report.converged()) std::puts(crmkit::to_string(report.status));
/// @endcode
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/option_table.hpp"

CRMKIT_BEGIN_NAMESPACE

/// How a fit ended. A fit that did not converge is an expected numerical outcome, not an
/// exception: the model keeps the last (finite) parameters and says so here.
enum class fit_status : int {
  converged = 0,           ///< gradient norm below `fit_options::tol`
  max_iterations = 1,      ///< stopped at `fit_options::max_iter`
  line_search_failed = 2,  ///< no step decreased the objective while the gradient was still large
  non_finite = 3,          ///< the objective was not finite at the start (bad start values)
  /// A parameter left [1/parameter_bound, parameter_bound] while the gradient was still
  /// large: the likelihood keeps rising towards a boundary of the parameter space (no
  /// dropout in the data: BG/NBD a -> 0 or b -> inf, Pareto/NBD s -> 0 or beta -> inf; no
  /// heterogeneity: r, alpha -> inf). The model keeps the last parameters, which describe
  /// the limit only approximately; `fit_report::message` names the parameter.
  boundary = 4,
};

/// Static English text for a status ("converged", ...).
constexpr const char* to_string(fit_status status) noexcept {
  switch (status) {
    case fit_status::converged: return "converged";
    case fit_status::max_iterations: return "stopped at the iteration limit";
    case fit_status::line_search_failed: return "line search failed";
    case fit_status::non_finite: return "objective not finite";
    case fit_status::boundary: return "a parameter went to the boundary";
  }
  return "unknown";
}

/// What to do with a repeat buyer (x > 0) whose mean spend is 0 in a Gamma-Gamma fit: the
/// model's likelihood is -infinity there (transaction values are Gamma, hence positive), so
/// such rows must go.
enum class zero_spend_policy : int {
  reject = 0,  ///< throw crmkit::error naming the row (default)
  drop = 1,    ///< leave the row out of the fit (the report's n_rows says how many were used)
};

/// Options shared by the BTYD fits. The optimiser is BFGS (a quasi-Newton method) over the
/// logarithms of the parameters, which keeps them positive without bounds. Ranges and
/// defaults: option_table<fit_options> below.
struct fit_options {
  int max_iter = 1000;  ///< BFGS iterations
  /// Convergence when the largest component of the gradient of the mean negative
  /// log-likelihood per customer, with respect to the log-parameters, falls below this.
  double tol = 1e-9;
  /// Start values in the model's parameter order; empty means the model's default start.
  std::vector<double> initial_params;
  int n_threads = 1;  ///< threads for the likelihood (results do not depend on it)
  /// The fit stops with fit_status::boundary when a parameter exceeds this or falls below
  /// its inverse before converging (finite, > 1). 1e6 stops a drift to infinity within a
  /// few dozen iterations instead of running to the iteration limit near 1e8.
  double parameter_bound = 1e6;
  bool standard_errors = true;  ///< compute standard errors from the Hessian at the optimum
  /// Gamma-Gamma only: a repeat buyer with zero spend is an error or left out.
  zero_spend_policy zero_spend = zero_spend_policy::reject;
};

/// The description of fit_options from which the C ABI (`crmkit_btyd_set_int`,
/// `_set_double`, `_get_*`, `_option_bounds`, keys `CRMKIT_BTYD_<NAME>`), the Python
/// keywords of the BTYD models and every BTYD fit's validation derive
/// (crmkit/core/option_table.hpp). `initial_params` is a vector, set by its own C call.
template <>
struct option_table<fit_options> {
  static constexpr std::string_view c_prefix = "CRMKIT_BTYD_";
  static constexpr std::array<option_spec<fit_options>, 6> entries{{
      CRMKIT_OPTION(fit_options, 1, max_iter, integer, 0, 2147483647, "BFGS iteration limit"),
      CRMKIT_OPTION(fit_options, 2, n_threads, integer, 1, max_threads, "threads; results do not depend on it"),
      CRMKIT_OPTION(fit_options, 3, zero_spend, enumeration, 0, 1, "Gamma-Gamma zero spend: 0 reject, 1 drop"),
      CRMKIT_OPTION(fit_options, 4, standard_errors, flag, 0, 1, "standard errors from the Hessian"),
      CRMKIT_OPTION(fit_options, 101, tol, real, option_positive, option_finite, "tolerance on the gradient norm"),
      CRMKIT_OPTION(fit_options, 102, parameter_bound, real, 1.0000000000000002, option_finite,
                    "a parameter beyond [1/bound, bound] stops the fit (> 1)"),
  }};
};

/// The outcome of a fit.
struct fit_report {
  fit_status status = fit_status::non_finite;
  int iterations = 0;              ///< BFGS iterations done
  int evaluations = 0;             ///< likelihood + gradient evaluations
  double log_likelihood = 0.0;     ///< total (weighted) log-likelihood at the returned parameters
  double gradient_norm = 0.0;      ///< max |d mean-LL / d log-parameter| at the returned parameters
  std::size_t n_rows = 0;          ///< rows used (after grouping identical rows: `n_groups`)
  std::size_t n_groups = 0;        ///< distinct rows the likelihood was evaluated on
  /// Standard errors of the parameters (model order), from the inverse of the observed
  /// information (numerical Hessian of the analytic gradient). NaN when the Hessian is not
  /// positive definite; empty when not requested.
  std::vector<double> standard_errors;
  /// Why the fit stopped when it did not converge ("parameter b = 1.3e+06 exceeds the bound
  /// 1e+06 ..."); empty when converged.
  std::string message;
  [[nodiscard]] bool converged() const noexcept { return status == fit_status::converged; }
};

CRMKIT_END_NAMESPACE
