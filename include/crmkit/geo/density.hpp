/// @file crmkit/geo/density.hpp
/// Density grids for heat maps: customers (and a value per customer: revenue, churn
/// risk, ...) aggregated on a regular longitude/latitude grid, as arrays and as GeoJSON.
/// For hierarchical cells named by strings see crmkit/geo/geohash.hpp.
///
/// `#include <crmkit/geo/density.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::density_grid_options o;
/// o.cell_deg = 0.05;
/// o.bounds = {2.0, 48.6, 2.7, 49.1};
/// crmkit::density_grid g = crmkit::grid_density(lon, lat, revenue, o);
/// std::string geojson = g.to_geojson();       // one Feature per non-empty cell
/// @endcode
///
/// A point belongs to the cell [min_lon + c d, min_lon + (c+1) d) x [min_lat + r d,
/// min_lat + (r+1) d) (d = cell_deg); points exactly on the upper bound fall in the last
/// cell. Points outside the bounds and rows without a location are counted in
/// n_outside / n_unlocated and otherwise ignored. Cells are row-major: index r * n_lon + c,
/// row 0 at min_lat. Memory: 24 bytes per cell.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Grid geometry.
struct density_grid_options {
  double cell_deg = 0.1;                                   ///< cell size in degrees (> 0)
  std::array<double, 4> bounds{{-180.0, -90.0, 180.0, 90.0}};  ///< {min_lon, min_lat, max_lon, max_lat}
};

/// A filled grid (see the file comment).
struct density_grid {
  double min_lon = 0, min_lat = 0, cell_deg = 0;
  std::size_t n_lon = 0, n_lat = 0;
  std::vector<std::uint32_t> count;   ///< points per cell
  std::vector<double> value_sum;      ///< sum of the non-NaN values per cell (empty without values)
  std::vector<std::uint32_t> value_count;  ///< non-NaN values per cell (empty without values)
  std::size_t n_outside = 0;          ///< located points outside the bounds
  std::size_t n_unlocated = 0;        ///< rows with NaN coordinates
  /// Mean value of cell i (NaN when it has no value).
  [[nodiscard]] double mean(std::size_t i) const noexcept {
    return value_count.empty() || value_count[i] == 0 ? std::numeric_limits<double>::quiet_NaN()
                                                      : value_sum[i] / value_count[i];
  }
  /// A GeoJSON FeatureCollection: one Polygon Feature per cell with at least `min_count`
  /// points, properties `count`, and with values `sum` and `mean` (null when NaN).
  [[nodiscard]] CRMKIT_FUNC std::string to_geojson(std::uint32_t min_count = 1) const;
};

/// Aggregates points (and optional values, same length, NaN = missing) on a grid.
/// @throws crmkit::error (invalid_argument) on length mismatches, a cell size <= 0 or
///         not finite, bounds out of range or empty, or more than 2^31 cells.
[[nodiscard]] CRMKIT_FUNC density_grid grid_density(std::span<const double> lon, std::span<const double> lat,
                                                   std::span<const double> values = {},
                                                   const density_grid_options& options = {});

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/geo/density_impl.hpp"
#endif
