/// @file crmkit/planning/hot_spots.hpp
/// Spatial value analysis for the map: hot and cold spots of customer value (the local
/// Getis-Ord Gi* statistic over regular longitude/latitude cells or geohash cells) and
/// whitespace: cells with few customers, or with low penetration of a host-supplied
/// potential (population, business counts, ... per place).
///
/// `#include <crmkit/planning/hot_spots.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::hot_spot_options o;
/// o.cells = crmkit::value_cells::geohash; o.precision = 5;     // ~4.9 km cells
/// crmkit::hot_spot_map m = crmkit::hot_spots(lon, lat, clv, o); // queen contiguity, |z| > 1.96
/// for (std::size_t c = 0; c < m.size(); ++c) if (m.spot[c] == 1) ...;   // a hot spot
/// @endcode
///
/// ## Cells
/// - `grid`: square cells of `cell_deg` degrees on the lattice anchored at (-180, -90);
/// - `geohash`: the cells of geohashes with `precision` characters (the same lattice as
///   crmkit/geo/geohash.hpp: 2^ceil(5p/2) columns over 360 degrees, 2^floor(5p/2) rows over
///   180); each cell is named by its geohash.
/// The analysis covers every cell of the lattice inside the bounding box of the customers
/// and the potential points (or `bounds` when given), empty cells included: their value is
/// 0. Cell c = row x n_lon + column, row 0 at the south. A point on a cell's west or south
/// edge (within 1e-9 of a cell size) belongs to it.
///
/// ## Gi* (Getis & Ord 1992; Ord & Getis 1995, eq. 14 with binary weights)
/// x_j is the sum of the customers' values in cell j, n the number of cells, w_ij = 1 when
/// cell j is in cell i's neighbourhood, which includes i itself (the "star"), else 0:
///   z_i = (sum_j w_ij x_j - xbar W_i) / (S sqrt((n W_i - W_i^2) / (n - 1)))
/// with W_i = sum_j w_ij, xbar = sum x / n and S = sqrt(sum x^2 / n - xbar^2). This is the
/// z-score of PySAL esda's G_Local(y, w, transform="B", star=True) (`Zs`). Neighbourhood:
/// `queen` contiguity (the up to 8 cells sharing an edge or corner) or a `distance_band`
/// (cells whose centres are within band_km great-circle kilometres). z is NaN when S = 0
/// (no variation) or W_i = n.
///
/// Significance: two-sided p = erfc(|z| / sqrt 2) under the normal approximation; a cell is
/// a hot spot (spot = +1) when z > 0 and p < alpha, a cold spot (-1) when z < 0 and p <
/// alpha (alpha = 0.05: |z| > 1.96). With `fdr` the Benjamini-Hochberg rule replaces the
/// fixed alpha: sorting the m finite p-values, the cut is the largest p_(k) <= k alpha / m,
/// and significant cells are those with p <= that cut. (No correction for the dependence
/// between neighbouring cells: the FDR rule of Caldas de Castro and Singer 2006 is the
/// stricter option.)
///
/// ## Whitespace
/// With potential points (lon, lat, weight >= 0, aggregated on the same cells): the
/// overall penetration is P = sum of customers / sum of potential (over cells with
/// potential > 0); a cell with potential > 0 is whitespace when its penetration
/// count / potential < whitespace_share x P; its gap = potential x P - count (customers
/// short of the average penetration). Without potential: a cell is whitespace when it has
/// fewer than `min_customers` customers while a queen neighbour has at least that many (a
/// thin spot inside the served area, not the empty sea around it); gap = min_customers -
/// count.
///
/// Memory: about 80 bytes per cell (at most 2^24 cells) plus the geohash names (precision +
/// 1 bytes per cell); the distance band visits the cells within the band of each cell.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/core/option_table.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The cells of the analysis.
enum class value_cells : int {
  grid = 0,     ///< square cells of cell_deg degrees
  geohash = 1,  ///< geohash cells of `precision` characters
};

/// The neighbourhood of a cell in Gi* (always including the cell itself).
enum class cell_neighbourhood : int {
  queen = 0,          ///< the cell and the up to 8 cells touching it
  distance_band = 1,  ///< the cells whose centres are within band_km
};

/// Settings of hot_spots().
struct hot_spot_options {
  value_cells cells = value_cells::grid;
  double cell_deg = 0.05;                  ///< grid cell size, degrees
  std::int64_t precision = 5;              ///< geohash characters, 1..8
  cell_neighbourhood neighbourhood = cell_neighbourhood::queen;
  double band_km = 10.0;                   ///< distance band radius, km
  double alpha = 0.05;                     ///< significance level (two-sided)
  bool fdr = false;                        ///< Benjamini-Hochberg instead of the fixed alpha
  double whitespace_share = 0.5;           ///< whitespace: penetration < share x overall
  std::int64_t min_customers = 1;          ///< whitespace without potential: fewer customers than this
  /// {min_lon, min_lat, max_lon, max_lat}; NaN (default): the points' bounding box.
  std::array<double, 4> bounds{{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN(),
                                std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()}};
};

/// The description of hot_spot_options from which the C ABI (`crmkit_hot_spots_set_int`,
/// ..., keys `CRMKIT_HOT_SPOTS_<NAME>`) and the Python keywords derive. `bounds` is set by
/// its own C call.
template <>
struct option_table<hot_spot_options> {
  static constexpr std::string_view c_prefix = "CRMKIT_HOT_SPOTS_";
  static constexpr std::array<option_spec<hot_spot_options>, 9> entries{{
      CRMKIT_OPTION(hot_spot_options, 1, cells, enumeration, 0, 1, "0 grid, 1 geohash"),
      CRMKIT_OPTION(hot_spot_options, 2, precision, integer, 1, 8, "geohash characters"),
      CRMKIT_OPTION(hot_spot_options, 3, neighbourhood, enumeration, 0, 1, "0 queen, 1 distance band"),
      CRMKIT_OPTION(hot_spot_options, 4, fdr, flag, 0, 1, "Benjamini-Hochberg false discovery rate"),
      CRMKIT_OPTION(hot_spot_options, 5, min_customers, integer, 1, option_int_limit,
                    "whitespace without potential: fewer customers"),
      CRMKIT_OPTION(hot_spot_options, 101, cell_deg, real, option_positive, 360, "grid cell size, degrees"),
      CRMKIT_OPTION(hot_spot_options, 102, band_km, real, option_positive, option_finite, "distance band, km"),
      CRMKIT_OPTION(hot_spot_options, 103, alpha, real, option_positive, 1, "significance level"),
      CRMKIT_OPTION(hot_spot_options, 104, whitespace_share, real, 0, option_finite,
                    "whitespace: penetration below share x overall"),
  }};
};

/// The cells with their statistics (see the file comment).
struct hot_spot_map {
  value_cells cells = value_cells::grid;
  int precision = 0;                     ///< geohash characters (geohash cells)
  double min_lon = 0, min_lat = 0;       ///< south-west corner of cell 0
  double cell_lon = 0, cell_lat = 0;     ///< cell size in degrees
  std::size_t n_lon = 0, n_lat = 0;      ///< columns and rows
  std::vector<std::uint32_t> count;      ///< customers per cell
  std::vector<double> value;             ///< sum of their values
  std::vector<std::uint32_t> neighbours; ///< W_i: cells in the neighbourhood, itself included
  std::vector<double> z;                 ///< Gi* z-score (NaN: undefined)
  std::vector<double> p;                 ///< two-sided p-value (NaN with z)
  std::vector<std::int8_t> spot;         ///< +1 hot, -1 cold, 0 neither
  std::vector<double> potential;         ///< potential per cell (empty without potential points)
  std::vector<double> penetration;       ///< count / potential (NaN without potential or potential 0)
  std::vector<std::uint8_t> whitespace;  ///< 1: whitespace
  std::vector<double> gap;               ///< customers short (whitespace cells; 0 elsewhere)
  double mean = 0, sd = 0;               ///< xbar and S over the cells
  double p_cut = 0;                      ///< p-values below (fixed alpha) or at most (FDR) this are significant
  double overall_penetration = std::numeric_limits<double>::quiet_NaN();  ///< P (NaN without potential)
  std::size_t n_hot = 0, n_cold = 0, n_whitespace = 0;
  /// Number of cells.
  [[nodiscard]] std::size_t size() const noexcept { return count.size(); }
  /// Centre longitude of cell c.
  [[nodiscard]] double lon(std::size_t c) const noexcept {
    return min_lon + (static_cast<double>(c % n_lon) + 0.5) * cell_lon;
  }
  /// Centre latitude of cell c.
  [[nodiscard]] double lat(std::size_t c) const noexcept {
    return min_lat + (static_cast<double>(c / n_lon) + 0.5) * cell_lat;
  }
  /// The name of cell c: its geohash (geohash cells) or "row:column" (grid cells).
  [[nodiscard]] CRMKIT_FUNC std::string name(std::size_t c) const;
};

/// Hot and cold spots of `value` and whitespace (see the file comment).
/// @param lon, lat, value the customers (degrees; value finite).
/// @param potential_lon, potential_lat, potential_weight potential points (empty: none).
/// @throws crmkit::error (invalid_argument) naming the customer row or potential point: a
///         missing (NaN) or out-of-range location, a NaN or infinite value, a negative or
///         NaN potential; length mismatches; more than 2^24 cells; options out of range.
[[nodiscard]] CRMKIT_FUNC hot_spot_map hot_spots(std::span<const double> lon, std::span<const double> lat,
                                                 std::span<const double> value,
                                                 std::span<const double> potential_lon = {},
                                                 std::span<const double> potential_lat = {},
                                                 std::span<const double> potential_weight = {},
                                                 const hot_spot_options& options = {});

/// The same over a customer table's locations and the float64/int64 column `value_column`;
/// errors name the customer id.
[[nodiscard]] CRMKIT_FUNC hot_spot_map hot_spots(const customer_table& customers, std::string_view value_column,
                                                 std::span<const double> potential_lon = {},
                                                 std::span<const double> potential_lat = {},
                                                 std::span<const double> potential_weight = {},
                                                 const hot_spot_options& options = {});

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/planning/hot_spots_impl.hpp"
#endif
