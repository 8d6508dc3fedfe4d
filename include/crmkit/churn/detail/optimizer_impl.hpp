// Definitions of the non-template linear algebra of crmkit/churn/detail/optimizer.hpp:
// inline in header-only mode, compiled once in src/churn/optimizer.cpp otherwise.
// Internal header (crmkit::detail); not part of the public API.
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

#include <Eigen/Dense>

#include "crmkit/churn/detail/optimizer.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// The 2-norm condition number of a symmetric matrix: largest over smallest absolute
/// eigenvalue (infinite when singular, NaN when not finite).
CRMKIT_FUNC double condition_number(const Eigen::MatrixXd& h) {
  if (!h.allFinite()) return std::numeric_limits<double>::quiet_NaN();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(h, Eigen::EigenvaluesOnly);
  if (eig.info() != Eigen::Success) return std::numeric_limits<double>::quiet_NaN();
  const Eigen::VectorXd a = eig.eigenvalues().cwiseAbs();
  const double lo = a.minCoeff(), hi = a.maxCoeff();
  return lo > 0 ? hi / lo : std::numeric_limits<double>::infinity();
}

/// The covariance (row-major n x n) as the inverse of a symmetric Hessian; empty when the
/// Hessian is not positive definite.
CRMKIT_FUNC std::vector<double> inverse_of_hessian(const Eigen::MatrixXd& hess) {
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

}  // namespace detail
CRMKIT_END_NAMESPACE
