// BFGS with a weak-Wolfe bisection line search (Lewis & Overton 2013; Nocedal & Wright,
// Numerical Optimization, 2nd ed., alg. 6.1) for the small (2-4 parameter) BTYD fits, plus
// the numerical Hessian used for standard errors. A dense inverse-Hessian BFGS is exact
// L-BFGS for these dimensions and needs no dependency.
// Internal header (crmkit::detail); not part of the public API.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include <Eigen/Dense>

#include "crmkit/churn/fit_report.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

struct bfgs_result {
  std::vector<double> x;
  double f = std::numeric_limits<double>::quiet_NaN();
  double gradient_norm = std::numeric_limits<double>::infinity();
  int iterations = 0;
  int evaluations = 0;
  fit_status status = fit_status::numerical_failure;
  int boundary_index = -1;  ///< the parameter outside the bound when status is boundary
  bool line_search_failed = false;  ///< numerical_failure from the line search (else: not finite)
  Eigen::MatrixXd inverse_hessian;  ///< the final inverse Hessian approximation
};

inline double inf_norm(const std::vector<double>& g) {
  double m = 0.0;
  for (double v : g) m = std::max(m, std::abs(v));
  return m;
}

/// Minimises f; `objective(x, grad)` returns f(x) and writes its gradient (NaN or inf when
/// x is outside the domain). Never returns non-finite x: a failed step keeps the last point.
/// Stops with fit_status::boundary when some |x_i| > x_bound before convergence (the
/// minimum lies at infinity in that direction). `initial_inverse_hessian` (optional, n x n)
/// starts the iteration from that approximation (e.g. one from a fit of a subsample) instead
/// of the scaled identity.
template <class Objective>
bfgs_result minimize_bfgs(Objective&& objective, std::vector<double> x, int max_iterations, double gtol,
                          double x_bound = std::numeric_limits<double>::infinity(),
                          const Eigen::MatrixXd* initial_inverse_hessian = nullptr) {
  const std::size_t n = x.size();
  const auto ni = static_cast<Eigen::Index>(n);
  bfgs_result result;
  std::vector<double> g(n), g_new(n), x_new(n);
  double f = objective(x, g);
  result.evaluations = 1;
  if (!std::isfinite(f) || !std::isfinite(inf_norm(g))) {
    result.x = x;
    result.status = fit_status::numerical_failure;
    return result;
  }
  Eigen::MatrixXd h = Eigen::MatrixXd::Identity(ni, ni);  // inverse Hessian approximation
  Eigen::VectorXd d(ni);
  bool first = true;
  if (initial_inverse_hessian != nullptr && initial_inverse_hessian->rows() == ni &&
      initial_inverse_hessian->cols() == ni && initial_inverse_hessian->allFinite()) {
    h = *initial_inverse_hessian;
    first = false;
  }
  bool restarted = false;
  result.status = fit_status::iteration_limit;
  int it = 0;
  for (; it < max_iterations; ++it) {
    if (inf_norm(g) <= gtol) {
      result.status = fit_status::converged;
      break;
    }
    for (std::size_t i = 0; i < n && result.boundary_index < 0; ++i)
      if (std::abs(x[i]) > x_bound) result.boundary_index = static_cast<int>(i);
    if (result.boundary_index >= 0) {
      result.status = fit_status::boundary;
      break;
    }
    Eigen::Map<const Eigen::VectorXd> gv(g.data(), ni);
    d = -h * gv;
    double slope = gv.dot(d);
    if (!(slope < 0.0)) {  // lost descent (rounding): restart from steepest descent
      h.setIdentity();
      d = -gv;
      slope = gv.dot(d);
    }
    // A step of at most 5 in log-parameter space (a factor e^5) keeps the trial points
    // where the likelihood is representable.
    const double dmax = d.cwiseAbs().maxCoeff();
    const double t_max = 5.0 / dmax;
    double t = first ? std::min(1.0, 1.0 / dmax) : std::min(1.0, t_max);
    double lo = 0.0, hi = std::numeric_limits<double>::infinity();
    double f_new = f;
    bool accepted = false;
    for (int ls = 0; ls < 80; ++ls) {
      for (std::size_t i = 0; i < n; ++i) x_new[i] = x[i] + t * d(static_cast<Eigen::Index>(i));
      f_new = objective(x_new, g_new);
      ++result.evaluations;
      Eigen::Map<const Eigen::VectorXd> gn(g_new.data(), ni);
      const bool finite = std::isfinite(f_new) && std::isfinite(inf_norm(g_new));
      // Armijo, or Hager & Zhang's (2005) approximate Wolfe condition, which still accepts a
      // step when the decrease of f is below its rounding error but the slope has dropped:
      // near the optimum the gradient is accurate to many more digits than f.
      const double slope_new = finite ? gn.dot(d) : 0.0;
      const bool armijo = finite && f_new <= f + 1e-4 * t * slope;
      const bool approx = finite && f_new <= f + 1e-14 * std::abs(f) && slope_new <= (2e-4 - 1.0) * slope;
      if (!armijo && !approx) {
        hi = t;
      } else if (slope_new < 0.9 * slope && t < t_max) {
        lo = t;
      } else {
        accepted = true;
        break;
      }
      t = std::isinf(hi) ? std::min(2.0 * lo, t_max) : 0.5 * (lo + hi);
      if (hi - lo <= 1e-16 * std::max(1.0, hi)) break;
    }
    if (!accepted) {
      // Accept the best Armijo point found (lo > 0), else give up: at the precision floor
      // a tiny gradient counts as converged.
      if (lo > 0.0) {
        t = lo;
        for (std::size_t i = 0; i < n; ++i) x_new[i] = x[i] + t * d(static_cast<Eigen::Index>(i));
        f_new = objective(x_new, g_new);
        ++result.evaluations;
      } else {
        if (!restarted) {  // one retry from steepest descent before giving up
          restarted = true;
          h.setIdentity();
          first = true;
          continue;
        }
        result.status = inf_norm(g) <= gtol ? fit_status::converged : fit_status::numerical_failure;
        result.line_search_failed = result.status == fit_status::numerical_failure;
        break;
      }
    }
    Eigen::VectorXd s(ni), y(ni);
    for (std::size_t i = 0; i < n; ++i) {
      const auto k = static_cast<Eigen::Index>(i);
      s(k) = x_new[i] - x[i];
      y(k) = g_new[i] - g[i];
    }
    const double sy = s.dot(y);
    if (sy > 1e-300) {
      if (first) h *= sy / y.dot(y);  // Nocedal & Wright eq. 6.20 scaling
      const double rho = 1.0 / sy;
      const Eigen::MatrixXd eye = Eigen::MatrixXd::Identity(ni, ni);
      h = (eye - rho * s * y.transpose()) * h * (eye - rho * y * s.transpose()) + rho * s * s.transpose();
    }
    first = false;
    x = x_new;
    g = g_new;
    f = f_new;

    restarted = false;
  }
  if (it >= max_iterations && inf_norm(g) <= gtol) result.status = fit_status::converged;
  result.x = x;
  result.f = f;
  result.gradient_norm = inf_norm(g);
  result.iterations = it;
  result.inverse_hessian = h;
  return result;
}

/// The covariance of p = exp(theta) (row-major n x n) from the Hessian of the total negative
/// log-likelihood, by central differences of the analytic gradient in log space. `objective`
/// returns the mean; `total` scales it. At the optimum the gradient vanishes, so H_p =
/// D^-1 H_theta D^-1 with D = diag(p). All NaN when the Hessian is not positive definite.
template <class Objective>
std::vector<double> covariance_log_space(Objective&& objective, const std::vector<double>& theta, double total) {
  const std::size_t n = theta.size();
  const auto ni = static_cast<Eigen::Index>(n);
  Eigen::MatrixXd hess(ni, ni);
  std::vector<double> gp(n), gm(n), xp(theta), xm(theta);
  for (std::size_t j = 0; j < n; ++j) {
    const double h = 1e-5;
    xp = theta;
    xm = theta;
    xp[j] += h;
    xm[j] -= h;
    objective(xp, gp);
    objective(xm, gm);
    for (std::size_t i = 0; i < n; ++i)
      hess(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = total * (gp[i] - gm[i]) / (2 * h);
  }
  hess = 0.5 * (hess + hess.transpose()).eval();
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      hess(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) /= std::exp(theta[i]) * std::exp(theta[j]);
  std::vector<double> cov(n * n, std::numeric_limits<double>::quiet_NaN());
  Eigen::LLT<Eigen::MatrixXd> llt(hess);
  if (llt.info() != Eigen::Success) return cov;
  const Eigen::MatrixXd inv = llt.solve(Eigen::MatrixXd::Identity(ni, ni));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      cov[i * n + j] = 0.5 * (inv(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) +
                              inv(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i)));
  return cov;
}

/// Standard errors: the square roots of the diagonal of `cov` (NaN where not positive).
inline std::vector<double> standard_errors_of(const std::vector<double>& cov, std::size_t n) {
  std::vector<double> se(n, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 0; i < n && i * n + i < cov.size(); ++i) {
    const double v = cov[i * n + i];
    if (v > 0) se[i] = std::sqrt(v);
  }
  return se;
}

/// Standard errors of p = exp(theta): standard_errors_of(covariance_log_space(...)).
template <class Objective>
std::vector<double> standard_errors_log_space(Objective&& objective, const std::vector<double>& theta, double total) {
  return standard_errors_of(covariance_log_space(objective, theta, total), theta.size());
}

}  // namespace detail
CRMKIT_END_NAMESPACE
