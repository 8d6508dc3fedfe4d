// A caller's row-major double matrix as an Eigen view, for the C entry points that take one
// (src/c_api/kmeans.cpp, logistic.cpp). Not installed; never included by users.
#pragma once

#include <cstddef>
#include <limits>

#include <Eigen/Core>
#include <fmt/format.h>

#include "c_api_internal.hpp"

namespace crmkit::capi {

// crmkit::feature_matrix and crmkit::logistic_matrix are both this type.
using row_major_view = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;

// Views rows x cols doubles without copying; NULL is refused unless the matrix is empty,
// and a shape whose element count overflows Eigen's index is refused.
inline row_major_view as_matrix(const double* data, std::size_t rows, std::size_t cols, const char* function,
                                const char* name = "data") {
  if (data == nullptr && rows * cols > 0) throw_null(function, name);
  if (rows > static_cast<std::size_t>(std::numeric_limits<Eigen::Index>::max()) / (cols ? cols : 1))
    throw crmkit::error(crmkit::errc::invalid_argument, fmt::format("{}: {} x {} is too large", function, rows, cols));
  return row_major_view(data, static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
}

}  // namespace crmkit::capi
