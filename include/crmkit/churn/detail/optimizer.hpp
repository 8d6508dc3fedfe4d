// BFGS with a weak-Wolfe bisection line search (Lewis & Overton 2013; Nocedal & Wright,
// Numerical Optimization, 2nd ed., alg. 6.1) for the small (2-4 parameter) BTYD fits, plus
// the numerical Hessian used for standard errors. A dense inverse-Hessian BFGS is exact
// L-BFGS for these dimensions and needs no dependency.
// Internal header (crmkit::detail); not part of the public API.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
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
  /// Converged at the precision floor: the objective did not decrease for bfgs_stall_limit
  /// iterations in a row while the gradient norm was within 1000 tol (see minimize_bfgs).
  bool precision_floor = false;
};

inline double inf_norm(const std::vector<double>& g) {
  double m = 0.0;
  for (double v : g) m = std::max(m, std::abs(v));
  return m;
}

/// Iterations in a row without any decrease of the objective after which BFGS stops at the
/// precision floor (when the gradient norm is within 1000 tol).
inline constexpr int bfgs_stall_limit = 20;

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
  int stalled = 0;  // iterations in a row whose accepted step did not decrease f
  result.status = fit_status::iteration_limit;
  int it = 0;
  for (; it < max_iterations; ++it) {
    if (inf_norm(g) <= gtol) {
      result.status = fit_status::converged;
      break;
    }
    // At the precision floor of f (an ill-conditioned ridge, e.g. Gamma-Gamma with almost no
    // spend heterogeneity: q and gamma large together) the line search accepts steps only
    // by the approximate Wolfe condition, each after a dozen bisections, and the gradient
    // creeps down for the rest of max_iter; over 200k rows that was minutes. A gradient
    // within 1000 tol that no step has lowered f for bfgs_stall_limit iterations counts as
    // converged (the message says so).
    if (stalled >= bfgs_stall_limit && inf_norm(g) <= 1e3 * gtol) {
      result.status = fit_status::converged;
      result.precision_floor = true;
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
    stalled = f_new < f ? 0 : stalled + 1;
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

/// Nelder-Mead simplex search (Lagarias et al. 1998 coefficients: reflection 1, expansion 2,
/// contraction 1/2, shrink 1/2) from x0 with an initial simplex of steps 0.5 per coordinate:
/// the fallback when BFGS stops early, as it needs no gradient and no line search. Points
/// where the objective is not finite or some |x_i| > x_bound count as +infinity, so it
/// stays inside the box where BFGS reports a boundary. Stops after max_iterations, or when
/// the simplex's values agree to 1e-15 relative and its size is below 1e-10. Returns the
/// best vertex; status converged or iteration_limit (numerical_failure when no vertex is
/// finite).
template <class Objective>
bfgs_result minimize_nelder_mead(Objective&& objective, const std::vector<double>& x0, int max_iterations,
                                 double x_bound = std::numeric_limits<double>::infinity()) {
  const std::size_t n = x0.size();
  std::vector<double> scratch(n);
  bfgs_result result;
  auto eval = [&](const std::vector<double>& x) {
    ++result.evaluations;
    for (double v : x)
      if (!(std::abs(v) <= x_bound)) return std::numeric_limits<double>::infinity();
    const double f = objective(x, scratch);
    return std::isfinite(f) ? f : std::numeric_limits<double>::infinity();
  };
  std::vector<std::vector<double>> simplex(n + 1, x0);
  std::vector<double> fv(n + 1);
  for (std::size_t i = 0; i < n; ++i) simplex[i + 1][i] += 0.5;
  for (std::size_t i = 0; i <= n; ++i) fv[i] = eval(simplex[i]);
  std::vector<std::size_t> order(n + 1);
  auto sort_simplex = [&] {
    for (std::size_t i = 0; i <= n; ++i) order[i] = i;
    // Stable on ties, so that the result depends on nothing but the values.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return fv[a] < fv[b]; });
    std::vector<std::vector<double>> s2(n + 1);
    std::vector<double> f2(n + 1);
    for (std::size_t i = 0; i <= n; ++i) {
      s2[i] = simplex[order[i]];
      f2[i] = fv[order[i]];
    }
    simplex.swap(s2);
    fv.swap(f2);
  };
  sort_simplex();
  result.status = fit_status::iteration_limit;
  std::vector<double> centroid(n), xr(n), xe(n), xc(n);
  int it = 0;
  for (; it < max_iterations; ++it) {
    if (!std::isfinite(fv[0])) {
      result.status = fit_status::numerical_failure;
      break;
    }
    double size = 0.0;
    for (std::size_t i = 1; i <= n; ++i)
      for (std::size_t k = 0; k < n; ++k) size = std::max(size, std::abs(simplex[i][k] - simplex[0][k]));
    if (std::isfinite(fv[n]) && fv[n] - fv[0] <= 1e-15 * std::abs(fv[0]) && size <= 1e-10) {
      result.status = fit_status::converged;
      break;
    }
    std::fill(centroid.begin(), centroid.end(), 0.0);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < n; ++k) centroid[k] += simplex[i][k] / static_cast<double>(n);
    for (std::size_t k = 0; k < n; ++k) xr[k] = centroid[k] + (centroid[k] - simplex[n][k]);
    const double fr = eval(xr);
    if (fr < fv[0]) {
      for (std::size_t k = 0; k < n; ++k) xe[k] = centroid[k] + 2.0 * (centroid[k] - simplex[n][k]);
      const double fe = eval(xe);
      if (fe < fr) {
        simplex[n] = xe;
        fv[n] = fe;
      } else {
        simplex[n] = xr;
        fv[n] = fr;
      }
    } else if (fr < fv[n - 1]) {
      simplex[n] = xr;
      fv[n] = fr;
    } else {
      const bool outside = fr < fv[n];
      for (std::size_t k = 0; k < n; ++k)
        xc[k] = outside ? centroid[k] + 0.5 * (xr[k] - centroid[k]) : centroid[k] + 0.5 * (simplex[n][k] - centroid[k]);
      const double fc = eval(xc);
      if (fc < (outside ? fr : fv[n])) {
        simplex[n] = xc;
        fv[n] = fc;
      } else {  // shrink towards the best vertex
        for (std::size_t i = 1; i <= n; ++i) {
          for (std::size_t k = 0; k < n; ++k) simplex[i][k] = simplex[0][k] + 0.5 * (simplex[i][k] - simplex[0][k]);
          fv[i] = eval(simplex[i]);
        }
      }
    }
    sort_simplex();
  }
  result.iterations = it;
  result.x = simplex[0];
  result.f = fv[0];
  if (std::isfinite(fv[0])) {
    std::vector<double> g(n);
    result.f = objective(result.x, g);
    ++result.evaluations;
    result.gradient_norm = inf_norm(g);
  }
  return result;
}

/// splitmix64 (Steele, Lea & Flood 2014): the deterministic stream of the perturbed starts.
struct start_stream {
  std::uint64_t state;
  std::uint64_t next() noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [-1, 1).
  double symmetric() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-52 - 1.0; }
};

/// How a robust minimisation went (minimize_robust).
struct robust_result {
  bfgs_result best;            ///< the winning start's result
  int n_starts = 1;            ///< starts tried
  int best_start = 0;          ///< index of the winning start (0: the given one)
  bool fallback_used = false;  ///< the fallback ran on the winning start
  fit_status first_status = fit_status::converged;  ///< BFGS's own status on the winning start
  double first_objective = std::numeric_limits<double>::quiet_NaN();  ///< and its objective
};

/// BFGS from x0; when it stops early (numerical_failure or iteration_limit) and `fallback`
/// is set, Nelder-Mead from its last point, then BFGS again; the second result replaces
/// the first when its objective is lower or it converged. Iterations and evaluations add up.
/// `h0` (optional) is the first BFGS run's initial inverse Hessian (a warm start).
template <class Objective>
bfgs_result minimize_with_fallback(Objective&& objective, const std::vector<double>& x0, int max_iterations,
                                   double gtol, double x_bound, bool fallback, bool& used, fit_status& first_status,
                                   double& first_objective, const Eigen::MatrixXd* h0 = nullptr) {
  bfgs_result first = minimize_bfgs(objective, x0, max_iterations, gtol, x_bound, h0);
  used = false;
  first_status = first.status;
  first_objective = first.f;
  if (!fallback || (first.status != fit_status::numerical_failure && first.status != fit_status::iteration_limit))
    return first;
  used = true;
  const bfgs_result simplex = minimize_nelder_mead(objective, first.x, max_iterations, x_bound);
  bfgs_result second = minimize_bfgs(objective, std::isfinite(simplex.f) ? simplex.x : first.x, max_iterations, gtol,
                                     x_bound);
  const int iterations = first.iterations + simplex.iterations + second.iterations;
  const int evaluations = first.evaluations + simplex.evaluations + second.evaluations;
  const bool better = std::isfinite(second.f) &&
                      (!std::isfinite(first.f) || second.f < first.f ||
                       (second.f <= first.f && second.status == fit_status::converged));
  bfgs_result& kept = better ? second : first;
  kept.iterations = iterations;
  kept.evaluations = evaluations;
  return kept;
}

/// minimize_with_fallback from x0 and from n_starts - 1 perturbations of it (coordinates
/// below n_log moved by a uniform draw in [-2, 2], the others in [-1, 1], from a splitmix64
/// stream seeded with `seed`); the lowest finite objective wins, the earlier start on ties.
/// Starts run one after the other, each objective evaluation being independent of the
/// thread count, so the result is too. `warm` (optional): a converged fit of the same
/// objective on a subsample; the first start is then its point and inverse Hessian, and its
/// iterations and evaluations are added to the result's.
template <class Objective>
robust_result minimize_robust(Objective&& objective, const std::vector<double>& x0, int max_iterations, double gtol,
                              double x_bound, int n_starts, std::uint32_t seed, bool fallback, std::size_t n_log,
                              const bfgs_result* warm = nullptr) {
  robust_result out;
  out.n_starts = std::max(1, n_starts);
  start_stream rng{seed};
  std::vector<double> x = x0;
  for (int s = 0; s < out.n_starts; ++s) {
    if (s > 0)
      for (std::size_t k = 0; k < x0.size(); ++k) x[k] = x0[k] + (k < n_log ? 2.0 : 1.0) * rng.symmetric();
    bool used = false;
    fit_status first_status = fit_status::converged;
    double first_objective = 0.0;
    const bool use_warm = s == 0 && warm != nullptr && warm->status == fit_status::converged && warm->x.size() == x0.size();
    bfgs_result r = minimize_with_fallback(objective, use_warm ? warm->x : x, max_iterations, gtol, x_bound, fallback,
                                           used, first_status, first_objective,
                                           use_warm ? &warm->inverse_hessian : nullptr);
    if (use_warm) {
      r.iterations += warm->iterations;
      r.evaluations += warm->evaluations;
    }
    const bool take = s == 0 || (std::isfinite(r.f) && (!std::isfinite(out.best.f) || r.f < out.best.f));
    if (take) {
      out.best = std::move(r);
      out.best_start = s;
      out.fallback_used = used;
      out.first_status = first_status;
      out.first_objective = first_objective;
    }
  }
  return out;
}

/// The Hessian of the total negative log-likelihood in theta (log space), by central
/// differences (step 1e-5) of the analytic gradient, symmetrised. `objective` returns the
/// mean; `total` scales it.
template <class Objective>
Eigen::MatrixXd hessian_log_space(Objective&& objective, const std::vector<double>& theta, double total) {
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
  return hess;
}

/// The 2-norm condition number of a symmetric matrix: largest over smallest absolute
/// eigenvalue (infinite when singular, NaN when not finite).
inline double condition_number(const Eigen::MatrixXd& h) {
  if (!h.allFinite()) return std::numeric_limits<double>::quiet_NaN();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(h, Eigen::EigenvaluesOnly);
  if (eig.info() != Eigen::Success) return std::numeric_limits<double>::quiet_NaN();
  const Eigen::VectorXd a = eig.eigenvalues().cwiseAbs();
  const double lo = a.minCoeff(), hi = a.maxCoeff();
  return lo > 0 ? hi / lo : std::numeric_limits<double>::infinity();
}

/// The covariance (row-major n x n) as the inverse of a symmetric Hessian; empty when the
/// Hessian is not positive definite.
inline std::vector<double> inverse_of_hessian(const Eigen::MatrixXd& hess) {
  const auto ni = hess.rows();
  const auto n = static_cast<std::size_t>(ni);
  Eigen::LLT<Eigen::MatrixXd> llt(hess);
  if (llt.info() != Eigen::Success) return {};
  const Eigen::MatrixXd inv = llt.solve(Eigen::MatrixXd::Identity(ni, ni));
  std::vector<double> cov(n * n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      cov[i * n + j] = 0.5 * (inv(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) +
                              inv(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i)));
  return cov;
}

/// The Hessian in p = exp(theta) from the one in theta: at the optimum the gradient
/// vanishes, so H_p = D^-1 H_theta D^-1 with D = diag(p).
inline Eigen::MatrixXd hessian_to_natural(Eigen::MatrixXd hess, const std::vector<double>& theta) {
  const std::size_t n = theta.size();
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      hess(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) /= std::exp(theta[i]) * std::exp(theta[j]);
  return hess;
}

/// The covariance of p = exp(theta) (row-major n x n) from the Hessian of the total negative
/// log-likelihood, by central differences of the analytic gradient in log space. `objective`
/// returns the mean; `total` scales it. At the optimum the gradient vanishes, so H_p =
/// D^-1 H_theta D^-1 with D = diag(p). All NaN when the Hessian is not positive definite.
/// `condition`, when given, receives the 2-norm condition number of H_p.
template <class Objective>
std::vector<double> covariance_log_space(Objective&& objective, const std::vector<double>& theta, double total,
                                         double* condition = nullptr) {
  const std::size_t n = theta.size();
  const Eigen::MatrixXd hess = hessian_to_natural(hessian_log_space(objective, theta, total), theta);
  if (condition != nullptr) *condition = condition_number(hess);
  auto cov = inverse_of_hessian(hess);
  if (cov.empty()) cov.assign(n * n, std::numeric_limits<double>::quiet_NaN());
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
