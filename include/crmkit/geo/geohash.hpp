/// @file crmkit/geo/geohash.hpp
/// Geohash cells: encode/decode (G. Niemeyer's geohash.org scheme, 2008) and density
/// aggregation on geohash cells of a given precision (counts, and per value column the
/// sum and mean: revenue, churn risk, ...), as arrays and as GeoJSON polygons. The
/// hierarchical alternative to the regular lon/lat grid of crmkit/geo/density.hpp: cell
/// ids are short strings that nest (a cell's id is a prefix of its children's), sort
/// spatially and join with other systems that speak geohash.
///
/// `#include <crmkit/geo/geohash.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// std::string h = crmkit::geohash_encode(-5.6, 42.6, 5);           // "ezs42"
/// crmkit::geohash_box b = crmkit::geohash_decode("ezs42");          // its cell; centre (-5.603, 42.605)
/// std::vector<std::span<const double>> cols = {revenue, churn_risk};
/// crmkit::geohash_density g = crmkit::geohash_grid(lon, lat, cols, 5);
/// std::string geojson = g.to_geojson();   // one Polygon Feature per cell: count, sum_0, mean_0, ...
/// @endcode
///
/// ## The scheme
/// Longitude [-180, 180] and latitude [-90, 90] are bisected alternately, longitude
/// first; each bisection emits 1 when the value is in the upper half (>= the midpoint),
/// and every 5 bits become one character of "0123456789bcdefghjkmnpqrstuvwxyz". A hash
/// of p characters names a cell of 5p/2 longitude and latitude bisections (rounded up
/// for longitude): p = 5 is about 4.9 km x 4.9 km at the equator, p = 6 about
/// 1.2 km x 0.6 km. A cell is [min, max) in both axes, closed at 180 and 90 (the last
/// cells take the edges). Cells are not equal-area: their east-west size shrinks with
/// cos(latitude).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Longest geohash crmkit handles (12 characters: 60 bits, cells of about 3.7 cm x 1.9 cm).
inline constexpr int geohash_max_precision = 12;

/// The cell of a geohash, degrees.
struct geohash_box {
  double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;
  /// Centre longitude.
  [[nodiscard]] double lon() const noexcept { return (min_lon + max_lon) / 2; }
  /// Centre latitude.
  [[nodiscard]] double lat() const noexcept { return (min_lat + max_lat) / 2; }
};

/// The geohash of (lon, lat) with `precision` characters (1..12).
/// @throws crmkit::error (invalid_argument) on a precision out of range or a NaN,
///         infinite or out-of-range coordinate.
[[nodiscard]] CRMKIT_FUNC std::string geohash_encode(double lon, double lat, int precision);

/// The geohashes of n points into fixed slots of `precision` + 1 bytes each (`out` holds
/// n * (precision + 1)): NUL-terminated hashes, an empty string for a missing point (NaN in
/// both coordinates). What C `crmkit_geo_geohash_encode` and Python `geohash_encode` call.
/// @throws crmkit::error (invalid_argument) naming `where` and the point for a precision out
///         of range, spans of the wrong sizes, NaN in one coordinate only or an out-of-range
///         coordinate; nothing is written then.
CRMKIT_FUNC void geohash_encode_into(std::span<const double> lon, std::span<const double> lat, int precision,
                                     std::span<char> out, std::string_view where = "geohash_encode_into");

/// The cell of a geohash (1..12 characters of the geohash alphabet, case-insensitive).
/// @throws crmkit::error (invalid_argument) on an empty or too long hash or a character
///         outside the alphabet (naming it and its position).
[[nodiscard]] CRMKIT_FUNC geohash_box geohash_decode(std::string_view hash);

/// Points aggregated on the geohash cells of one precision; only non-empty cells are
/// kept, in ascending hash order (which is also the cells' Z-order). Memory: 4 bytes per
/// point plus about 40 bytes + 12 bytes per value column per non-empty cell.
struct geohash_density {
  int precision = 0;
  std::vector<std::string> cells;                      ///< hashes, ascending
  std::vector<std::uint32_t> count;                    ///< points per cell
  std::vector<std::vector<double>> value_sum;          ///< [column][cell]: sum of non-NaN values
  std::vector<std::vector<std::uint32_t>> value_count; ///< [column][cell]: non-NaN values
  std::vector<std::int32_t> point_cell;                ///< per input point: its cell (index into cells), -1 unlocated
  std::size_t n_unlocated = 0;                         ///< points with NaN coordinates
  /// Mean of value column `column` in cell `cell` (NaN when it has no value).
  [[nodiscard]] double mean(std::size_t column, std::size_t cell) const noexcept {
    const std::uint32_t n = value_count[column][cell];
    return n == 0 ? std::numeric_limits<double>::quiet_NaN() : value_sum[column][cell] / n;
  }
  /// The cell of cells[i].
  [[nodiscard]] CRMKIT_FUNC geohash_box box(std::size_t i) const;
  /// A GeoJSON FeatureCollection: one Polygon Feature per cell with at least `min_count`
  /// points, properties `geohash`, `count` and per value column c `sum_c` and `mean_c`
  /// (null when NaN).
  [[nodiscard]] CRMKIT_FUNC std::string to_geojson(std::uint32_t min_count = 1) const;
};

/// Aggregates points (NaN in both coordinates = no location) and optional value columns
/// (each as long as lon; NaN = missing) on geohash cells of `precision` characters.
/// @throws crmkit::error (invalid_argument) on length mismatches, a precision outside
///         1..12, a NaN in only one coordinate, out-of-range coordinates (naming the row),
///         or more than 2^31 - 1 points.
[[nodiscard]] CRMKIT_FUNC geohash_density geohash_grid(std::span<const double> lon, std::span<const double> lat,
                                                       std::span<const std::span<const double>> values,
                                                       int precision);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/geo/geohash_impl.hpp"
#endif
