/// @file crmkit/segmentation/features.hpp
/// Feature preparation for k-means segmentation: a dense row-major feature matrix (one
/// row per customer, one column per feature), an optional `log1p` of chosen columns and
/// z-score standardisation, kept as a fitted `feature_scaler` so that centroids found in
/// the standardised space map back to the original units.
///
/// `#include <crmkit/segmentation/features.hpp>`
///
/// Thread safety: a fitted `feature_scaler` is immutable after construction; concurrent
/// const use is safe. The free functions are stateless; safe.
///
/// @code
/// crmkit::feature_matrix rfm(3, 3);          // recency, frequency, monetary
/// rfm << 10, 1, 20.0,  200, 5, 400.0,  30, 2, 55.5;
/// auto scaler = crmkit::feature_scaler::fit(rfm, {true, true, true});   // log1p all three
/// crmkit::feature_matrix z = scaler.transform(rfm);                    // mean 0, sd 1
/// crmkit::feature_matrix back = scaler.inverse_transform(z);           // == rfm (rounding)
/// @endcode
///
/// Standardisation follows scikit-learn's `StandardScaler`: mean and *population*
/// standard deviation (ddof = 0); a column with zero variance gets scale 1, so it maps to
/// zeros instead of dividing by zero.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Dense row-major matrix of doubles: one row per point (customer), one column per
/// feature. The layout numpy and pandas use, so a host array maps onto it without a copy.
using feature_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// A fitted feature transform: optional `log1p` per column, then `(x - mean) / scale`.
/// Immutable after construction; concurrent const use is safe.
class feature_scaler {
 public:
  feature_scaler() = default;

  /// Fits the transform on `x`.
  /// @param x rows = points, columns = features; at least one row and one column.
  /// @param log1p one flag per column (empty: no column is log-transformed). A flagged
  ///        column must have every value > -1.
  /// @param standardize false keeps the (log-transformed) values unscaled (mean 0, scale 1).
  /// @throws crmkit::error (invalid_argument) on an empty matrix, a NaN or infinite value
  ///         (naming its row and column), a log1p column with a value <= -1, or a
  ///         `log1p` vector whose size is neither 0 nor the number of columns.
  [[nodiscard]] CRMKIT_FUNC static feature_scaler fit(Eigen::Ref<const feature_matrix> x,
                                                      const std::vector<bool>& log1p = {},
                                                      bool standardize = true);

  /// Applies the fitted transform to `x` (same number of columns as at fit).
  /// @throws crmkit::error (invalid_argument) on a column-count mismatch, a non-finite
  ///         value or a log1p column value <= -1.
  [[nodiscard]] CRMKIT_FUNC feature_matrix transform(Eigen::Ref<const feature_matrix> x) const;

  /// Maps points of the transformed space back to original units: `x * scale + mean`,
  /// then `expm1` on the log1p columns. Used to report k-means centroids in original units.
  /// @throws crmkit::error (invalid_argument) on a column-count mismatch.
  [[nodiscard]] CRMKIT_FUNC feature_matrix inverse_transform(Eigen::Ref<const feature_matrix> z) const;

  /// Number of features the scaler was fitted on.
  [[nodiscard]] std::size_t n_features() const noexcept { return mean_.size(); }
  /// Per-column mean of the (log-transformed) training data.
  [[nodiscard]] const std::vector<double>& mean() const noexcept { return mean_; }
  /// Per-column scale (population standard deviation, 1 for a constant column).
  [[nodiscard]] const std::vector<double>& scale() const noexcept { return scale_; }
  /// Per-column log1p flags.
  [[nodiscard]] const std::vector<bool>& log1p() const noexcept { return log1p_; }

#ifndef CRMKIT_HEADER_ONLY
  /// The fitted scaler as a model document (crmkit/core/model_document.hpp, model
  /// "feature_scaler": mean and scale to 17 digits, the log1p flags), so that
  /// `from_text(to_text())` transforms to the same bits. Compiled library only.
  /// @throws crmkit::error (invalid_argument) for an unfitted (default) scaler.
  [[nodiscard]] std::string to_text() const;
  /// Reads a scaler written by `to_text`. Compiled library only.
  /// @throws crmkit::error (parse_error) naming the line, the key and why.
  [[nodiscard]] static feature_scaler from_text(std::string_view text);
#endif

 private:
  std::vector<double> mean_;
  std::vector<double> scale_;
  std::vector<bool> log1p_;
};

/// Throws crmkit::error (invalid_argument) naming `what`, the row and the column of the
/// first NaN or infinite value in `x`. Stateless; safe.
CRMKIT_FUNC void check_finite(Eigen::Ref<const feature_matrix> x, const char* what);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/segmentation/features_impl.hpp"
#endif
