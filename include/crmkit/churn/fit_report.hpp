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

#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/fit_report.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Options shared by the BTYD fits. The optimiser is BFGS (a quasi-Newton method) over the
/// logarithms of the parameters, which keeps them positive without bounds.
struct fit_options {
  int max_iterations = 1000;  ///< BFGS iterations
  /// Convergence when the largest component of the gradient of the mean negative
  /// log-likelihood per customer, with respect to the log-parameters, falls below this.
  double gradient_tolerance = 1e-9;
  /// Start values in the model's parameter order; empty means the model's default start.
  std::vector<double> initial_params;
  int n_threads = 1;  ///< threads for the likelihood (results do not depend on it)
  /// The fit stops with fit_status::boundary when a parameter exceeds this or falls below
  /// its inverse before converging (finite, > 1). 1e6 stops a drift to infinity within a
  /// few dozen iterations instead of running to the iteration limit near 1e8.
  double parameter_bound = 1e6;
  bool standard_errors = true;  ///< compute standard errors from the Hessian at the optimum
};

CRMKIT_END_NAMESPACE
