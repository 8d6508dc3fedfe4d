// Definitions for crmkit/segmentation/features.hpp. Included by that header in
// header-only mode and by src/segmentation/features.cpp otherwise.
// IWYU pragma: private, include "crmkit/segmentation/features.hpp"
#pragma once

#include <cmath>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/segmentation/features.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC void check_finite(Eigen::Ref<const feature_matrix> x, const char* what) {
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      if (!std::isfinite(x(i, j)))
        throw error(errc::invalid_argument,
                    fmt::format("{}: value at row {}, column {} is {}; features must be finite numbers", what, i, j,
                                x(i, j)));
}

namespace detail {
inline double feature_log1p(double v, Eigen::Index row, Eigen::Index col, const char* what) {
  if (!(v > -1.0))
    throw error(errc::invalid_argument,
                fmt::format("{}: log1p column {} has value {} at row {}; log1p needs values > -1", what, col, v, row));
  return std::log1p(v);
}
}  // namespace detail

CRMKIT_FUNC feature_scaler feature_scaler::fit(Eigen::Ref<const feature_matrix> x, const std::vector<bool>& log1p,
                                               bool standardize) {
  const char* what = "feature_scaler::fit";
  if (x.rows() == 0 || x.cols() == 0)
    throw error(errc::invalid_argument,
                fmt::format("{}: the feature matrix is empty ({} rows, {} columns)", what, x.rows(), x.cols()));
  const auto d = static_cast<std::size_t>(x.cols());
  if (!log1p.empty() && log1p.size() != d)
    throw error(errc::invalid_argument,
                fmt::format("{}: {} log1p flags for {} feature columns", what, log1p.size(), d));
  check_finite(x, what);
  feature_scaler s;
  s.log1p_ = log1p.empty() ? std::vector<bool>(d, false) : log1p;
  s.mean_.assign(d, 0.0);
  s.scale_.assign(d, 1.0);
  if (!standardize) return s;
  const double n = static_cast<double>(x.rows());
  for (std::size_t j = 0; j < d; ++j) {
    const auto col = static_cast<Eigen::Index>(j);
    // Two passes (mean, then mean squared deviation): numerically stable, and the
    // formula numpy's var and scikit-learn's StandardScaler use (ddof = 0).
    double sum = 0.0;
    for (Eigen::Index i = 0; i < x.rows(); ++i)
      sum += s.log1p_[j] ? detail::feature_log1p(x(i, col), i, col, what) : x(i, col);
    const double mean = sum / n;
    double ss = 0.0;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const double v = (s.log1p_[j] ? std::log1p(x(i, col)) : x(i, col)) - mean;
      ss += v * v;
    }
    const double sd = std::sqrt(ss / n);
    s.mean_[j] = mean;
    s.scale_[j] = sd > 0.0 ? sd : 1.0;
  }
  return s;
}

CRMKIT_FUNC feature_matrix feature_scaler::transform(Eigen::Ref<const feature_matrix> x) const {
  const char* what = "feature_scaler::transform";
  if (static_cast<std::size_t>(x.cols()) != n_features())
    throw error(errc::invalid_argument, fmt::format("{}: {} columns, the scaler was fitted on {}", what, x.cols(),
                                                    n_features()));
  check_finite(x, what);
  feature_matrix z(x.rows(), x.cols());
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const auto c = static_cast<std::size_t>(j);
      const double v = log1p_[c] ? detail::feature_log1p(x(i, j), i, j, what) : x(i, j);
      z(i, j) = (v - mean_[c]) / scale_[c];
    }
  return z;
}

CRMKIT_FUNC feature_matrix feature_scaler::inverse_transform(Eigen::Ref<const feature_matrix> z) const {
  if (static_cast<std::size_t>(z.cols()) != n_features())
    throw error(errc::invalid_argument, fmt::format("feature_scaler::inverse_transform: {} columns, the scaler was "
                                                    "fitted on {}",
                                                    z.cols(), n_features()));
  feature_matrix x(z.rows(), z.cols());
  for (Eigen::Index i = 0; i < z.rows(); ++i)
    for (Eigen::Index j = 0; j < z.cols(); ++j) {
      const auto c = static_cast<std::size_t>(j);
      const double v = z(i, j) * scale_[c] + mean_[c];
      x(i, j) = log1p_[c] ? std::expm1(v) : v;
    }
  return x;
}

CRMKIT_END_NAMESPACE
