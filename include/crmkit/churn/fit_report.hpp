/// @file crmkit/churn/fit_report.hpp
/// The options of the buy-till-you-die maximum-likelihood fits (`fit_options`). The report
/// they return, `fit_report`, is the one of every iterative fitter and lives in
/// crmkit/core/fit_report.hpp (included here for compatibility).
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
#include <cstdint>
#include <string>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/fit_report.hpp"
#include "crmkit/core/option_table.hpp"

CRMKIT_BEGIN_NAMESPACE

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
  /// Starts of the optimisation: the given (or default) start, then n_starts - 1
  /// deterministic perturbations of it (each log-parameter moved by a uniform draw in
  /// [-2, 2], i.e. the parameter scaled by e^-2..e^2; covariate weights moved by [-1, 1])
  /// drawn from `seed`. The start with the lowest objective wins (ties: the earlier start);
  /// fit_report::best_start names it. 1 (default) is a single start.
  int n_starts = 1;
  std::uint32_t seed = 0;  ///< seed of the perturbed starts (ignored when n_starts = 1)
  /// When BFGS stops early (line search failed, objective not finite, iteration limit),
  /// restart from its best point with Nelder-Mead on the log-parameters (at most max_iter
  /// iterations), then polish with BFGS (at most max_iter iterations), and keep the result
  /// if it is better; fit_report::fallback_used says it happened. A fit that converges or
  /// stops at a boundary is unaffected, so this changes no converging fit.
  bool fallback = true;
};

/// The description of fit_options from which the C ABI (`crmkit_btyd_set_int`,
/// `_set_double`, `_get_*`, `_option_bounds`, keys `CRMKIT_BTYD_<NAME>`), the Python
/// keywords of the BTYD models and every BTYD fit's validation derive
/// (crmkit/core/option_table.hpp). `initial_params` is a vector, set by its own C call.
template <>
struct option_table<fit_options> {
  static constexpr std::string_view c_prefix = "CRMKIT_BTYD_";
  static constexpr std::array<option_spec<fit_options>, 9> entries{{
      CRMKIT_OPTION(fit_options, 1, max_iter, integer, 0, 2147483647, "BFGS iteration limit"),
      CRMKIT_OPTION(fit_options, 2, n_threads, integer, 1, max_threads, "threads; results do not depend on it"),
      CRMKIT_OPTION(fit_options, 3, zero_spend, enumeration, 0, 1, "Gamma-Gamma zero spend: 0 reject, 1 drop"),
      CRMKIT_OPTION(fit_options, 4, standard_errors, flag, 0, 1, "standard errors from the Hessian"),
      CRMKIT_OPTION(fit_options, 5, n_starts, integer, 1, 1000, "starts: the given one plus perturbed ones"),
      CRMKIT_OPTION(fit_options, 6, seed, integer, 0, 4294967295.0, "seed of the perturbed starts"),
      CRMKIT_OPTION(fit_options, 7, fallback, flag, 0, 1, "Nelder-Mead then BFGS again when BFGS stops early"),
      CRMKIT_OPTION(fit_options, 101, tol, real, option_positive, option_finite, "tolerance on the gradient norm"),
      CRMKIT_OPTION(fit_options, 102, parameter_bound, real, 1.0000000000000002, option_finite,
                    "a parameter beyond [1/bound, bound] stops the fit (> 1)"),
  }};
};

CRMKIT_END_NAMESPACE
