// Shared pieces of the BTYD covariate models (bg_nbd_covariates, pareto_nbd_covariates):
// covariate checks, the row dot product, the start vector and the fit driver (BFGS over
// (ln base parameters, weights), the penalised objective, the report with its message and
// the covariance from the numerical Hessian of the analytic gradient). Internal.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <fmt/format.h>

#include "crmkit/churn/detail/fit_common.hpp"
#include "crmkit/churn/detail/optimizer.hpp"
#include "crmkit/churn/fit_report.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

inline void check_covariates(const char* where, const char* name, std::span<const double> z, std::size_t n,
                             std::size_t p) {
  if (z.size() != n * p)
    throw error(errc::invalid_argument,
                fmt::format("{}: {} has {} values, expected {} rows x {} columns = {}", where, name, z.size(), n, p, n * p));
  for (std::size_t k = 0; k < z.size(); ++k)
    if (!std::isfinite(z[k]))
      throw error(errc::invalid_argument,
                  fmt::format("{}: {}[row {}, column {}] = {} is not finite", where, name, k / p, k % p, z[k]));
}

inline double dot_row(std::span<const double> z, std::size_t row, std::size_t p, const double* g) {
  double s = 0;
  for (std::size_t j = 0; j < p; ++j) s += z[row * p + j] * g[j];
  return s;
}

/// Checks the values handed to a covariate model's set_params (their count is checked by the
/// caller, whose message names its covariate counts): the base parameters (named by
/// base_names, the first base_names.size() values) finite and > 0, the covariate weights after
/// them finite, and l2 finite and >= 0.
inline void check_covariate_params(const char* where, std::span<const double> params,
                                   std::span<const char* const> base_names, double l2) {
  const std::size_t n_base = base_names.size();
  for (std::size_t k = 0; k < params.size(); ++k) {
    const double v = params[k];
    if (!std::isfinite(v) || (k < n_base && !(v > 0)))
      throw error(errc::invalid_argument,
                  k < n_base ? fmt::format("{}: {} = {} must be finite and > 0", where, base_names[k], v)
                             : fmt::format("{}: covariate weight {} = {} is not finite", where, k - n_base, v));
  }
  if (!(l2 >= 0) || !std::isfinite(l2))
    throw error(errc::invalid_argument, fmt::format("{}: l2 = {} must be finite and >= 0", where, l2));
}

/// theta from options.initial_params (K values: n_base positive, then finite weights).
inline std::vector<double> covariate_start(const char* where, const std::vector<double>& initial, std::size_t n_base,
                                           std::size_t K) {
  if (initial.size() != K)
    throw error(errc::invalid_argument,
                fmt::format("{}: initial_params has {} values, the model has {} parameters", where, initial.size(), K));
  std::vector<double> theta(K, 0.0);
  for (std::size_t k = 0; k < n_base; ++k) {
    const double v = initial[k];
    if (!(v > 0) || !std::isfinite(v))
      throw error(errc::invalid_argument, fmt::format("{}: initial parameter {} = {} must be finite and > 0", where, k, v));
    theta[k] = std::log(v);
  }
  for (std::size_t k = n_base; k < K; ++k) {
    if (!std::isfinite(initial[k]))
      throw error(errc::invalid_argument, fmt::format("{}: initial weight {} is not finite", where, k));
    theta[k] = initial[k];
  }
  return theta;
}

/// Minimises the mean penalised objective from theta; the report (objective = penalised
/// negative total log-likelihood) and the parameters (exp of the first n_base) in `p`
/// (empty when not finite).
template <class Objective>
fit_report run_covariate_fit(Objective& objective, std::vector<double> theta, std::size_t n_base,
                             const char* const* base_names, std::size_t n_rows, double total, double l2,
                             const fit_options& options, std::vector<double>& p) {
  const std::size_t K = theta.size();
  validate_options(options, "fit");  // the ranges of option_table<fit_options>
  const robust_result robust =
      minimize_robust(objective, theta, options.max_iter, options.tol, std::log(options.parameter_bound),
                      options.n_starts, options.seed, options.fallback, n_base);
  const bfgs_result& result = robust.best;
  fit_report report;
  report.n_starts = robust.n_starts;
  report.best_start = robust.best_start;
  report.fallback_used = robust.fallback_used;
  report.status = result.status;
  report.iterations = result.iterations;
  report.evaluations = result.evaluations;
  report.n_rows = n_rows;
  report.n_groups = n_rows;
  report.objective = result.f * total;  // the penalised negative log-likelihood
  report.gradient_norm = result.gradient_norm;
  p.assign(K, 0.0);
  bool finite = std::isfinite(result.f);
  for (std::size_t k = 0; k < K; ++k) {
    p[k] = k < n_base ? std::exp(result.x[k]) : result.x[k];
    finite = finite && std::isfinite(p[k]);
  }
  if (!finite) {
    report.status = fit_status::numerical_failure;
    report.message = "not finite: the objective or a parameter is not finite";
    append_message(report.message, robust_note(robust, total));
    report.standard_errors_note = "fit failed: no finite parameters";
    p.clear();
    return report;
  }
  double penalty = 0;
  for (std::size_t k = n_base; k < K; ++k) penalty += p[k] * p[k];
  report.log_likelihood = -report.objective + 0.5 * l2 * penalty;
  if (report.status == fit_status::boundary) {
    const auto k = static_cast<std::size_t>(result.boundary_index);
    report.message = fmt::format(
        "{} = {:.6g} went beyond the bound (parameter_bound {:g}; weights beyond +-ln of it) with the likelihood still "
        "rising: no finite optimum in that direction",
        k < n_base ? std::string(base_names[k]) : fmt::format("covariate weight {}", k - n_base), p[k],
        options.parameter_bound);
  } else if (report.status == fit_status::iteration_limit) {
    report.message = fmt::format("stopped at the iteration limit {} with gradient norm {:.3g}", options.max_iter,
                                 report.gradient_norm);
  } else if (report.status == fit_status::numerical_failure) {
    report.message = fmt::format("line search failed: no step decreased the objective with gradient norm {:.3g}",
                                 report.gradient_norm);
  }
  if (result.precision_floor) report.message = precision_floor_message(report.gradient_norm, options.tol);
  append_message(report.message, robust_note(robust, total));
  if (!options.standard_errors) report.standard_errors_note = "not requested";
  if (options.standard_errors) {
    report.covariance.assign(K * K, std::numeric_limits<double>::quiet_NaN());
    if (report.status == fit_status::boundary) {
      const auto k = static_cast<std::size_t>(result.boundary_index);
      report.standard_errors_note = fmt::format(
          "boundary solution: {} is at the limit of the parameter space, where the Hessian is singular",
          k < n_base ? std::string(base_names[k]) : fmt::format("covariate weight {}", k - n_base));
    } else {
      // Hessian of the total penalised objective in theta by central differences of the
      // analytic gradient; then the covariance of (base, gamma) by the Jacobian
      // diag(p_0..n_base-1, 1, ..., 1).
      const auto ki = static_cast<Eigen::Index>(K);
      Eigen::MatrixXd h(ki, ki);
      std::vector<double> gplus(K), gminus(K), xp, xm;
      for (std::size_t j = 0; j < K; ++j) {
        xp = result.x;
        xm = result.x;
        xp[j] += 1e-5;
        xm[j] -= 1e-5;
        objective(xp, gplus);
        objective(xm, gminus);
        for (std::size_t i = 0; i < K; ++i)
          h(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = total * (gplus[i] - gminus[i]) / 2e-5;
      }
      h = 0.5 * (h + h.transpose()).eval();
      {  // the condition in the reported parameterisation (base parameters, weights): J^-1 H J^-1
        Eigen::MatrixXd hn = h;
        for (std::size_t i = 0; i < K; ++i)
          for (std::size_t j = 0; j < K; ++j)
            hn(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) /=
                (i < n_base ? p[i] : 1.0) * (j < n_base ? p[j] : 1.0);
        report.hessian_condition = condition_number(hn);
      }
      const Eigen::LLT<Eigen::MatrixXd> llt(h);
      if (llt.info() == Eigen::Success) {
        const Eigen::MatrixXd inv = llt.solve(Eigen::MatrixXd::Identity(ki, ki));
        for (std::size_t i = 0; i < K; ++i)
          for (std::size_t j = 0; j < K; ++j)
            report.covariance[i * K + j] = inv(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) *
                                           (i < n_base ? p[i] : 1.0) * (j < n_base ? p[j] : 1.0);
      } else {
        report.message += std::string(report.message.empty() ? "" : "; ") +
                          "standard errors missing: the Hessian of the objective is not positive definite";
        report.standard_errors_note =
            "Hessian not positive definite at the returned parameters (a saddle point or a flat direction)";
      }
    }
    report.standard_errors = standard_errors_of(report.covariance, K);
  }
  return report;
}

}  // namespace detail
CRMKIT_END_NAMESPACE
