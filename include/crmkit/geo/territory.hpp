/// @file crmkit/geo/territory.hpp
/// `territory`: a sales territory as a polygon or multipolygon with holes, parsed from
/// WKT or GeoJSON (strict small parsers that report the position of an error), checked
/// for validity, with fast point-in-territory tests for one point or millions.
///
/// `#include <crmkit/geo/territory.hpp>`
///
/// Thread safety: immutable after construction; concurrent const use is safe.
///
/// @code
/// auto area = crmkit::territory::parse("POLYGON((2.2 48.8, 2.5 48.8, 2.5 48.95, 2.2 48.95, 2.2 48.8))");
/// bool inside = area.contains(2.35, 48.86);
/// std::vector<std::uint8_t> mask = area.contains(lon_span, lat_span);   // 1 = inside
/// @endcode
///
/// ## Geometry model
/// Positions are (longitude, latitude) in WGS84 degrees and edges are straight lines in
/// that plane, as in GeoJSON (RFC 7946, section 3.1.1) and as Shapely evaluates lon/lat
/// coordinates; so results match shapely's `contains` on the same coordinates except for
/// points exactly on an edge (Shapely excludes the boundary; here a boundary point is in
/// or out by the half-open crossing rule of W. R. Franklin's PNPOLY, deterministic but
/// unspecified). The territory is the even-odd region of all its rings, which for a valid
/// multipolygon is the union of the shells minus their holes.
///
/// ## What is rejected (crmkit::error, invalid_argument or parse_error)
/// - malformed WKT/GeoJSON, with the byte offset, line and column;
/// - a ring that is not closed (first position != last), has fewer than 4 positions (3
///   distinct vertices), or has zero area;
/// - self-intersecting rings, rings that cross each other, a hole outside its shell, a
///   polygon nested inside another one of the same multipolygon;
/// - NaN/infinite coordinates, latitude outside [-90, 90], longitude outside [-180, 180];
/// - a ring that winds around a pole (its edges, each taken the short way round, add up
///   to 360 degrees of longitude): write it as in RFC 7946 with edges along the +-90
///   parallel and the +-180 meridian, which the planar model handles.
///
/// ## Across the antimeridian
/// A territory crossing +-180 is split there into a MultiPolygon (RFC 7946, section 3.1.9);
/// an edge spanning more than 180 degrees of longitude is rejected by default. With
/// territory_options::wrap_antimeridian it may be given unsplit: such an edge is read as
/// going the short way, across the antimeridian (170 -> -170 is 20 degrees east). Such a
/// polygon's longitudes are unwrapped to be continuous (e.g. 170 ... 190), and the whole
/// territory is placed in one 360-degree window [west, west + 360) whose western edge
/// crosses no polygon (-180 unless a polygon crosses it; no such longitude exists only
/// when the polygons' longitude ranges cover the whole circle, which is rejected). The
/// planar rules above then apply unchanged in that window, and a point is tested at its
/// longitude shifted into the window. polygons() returns the window's coordinates;
/// bounds() returns longitudes in [-180, 180] (min_lon > max_lon when it crosses).
///
/// ## Speed and memory
/// The edges are bucketed into horizontal bands (about one band per two edges, capped),
/// so a test costs the bounding-box check plus the few edges of one band; memory is about
/// 40 bytes per edge and band entry.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// A (longitude, latitude) position in degrees.
using lon_lat = std::array<double, 2>;
/// A closed ring: first position == last.
using geo_ring = std::vector<lon_lat>;
/// A polygon: the shell, then its holes.
using geo_polygon = std::vector<geo_ring>;

/// How a territory is read.
struct territory_options {
  /// Accept polygons crossing the antimeridian unsplit (see "Across the antimeridian" in
  /// the file comment). False (default): an edge spanning more than 180 degrees of
  /// longitude is an error, as RFC 7946 asks for a split.
  bool wrap_antimeridian = false;
};

/// A validated polygon or multipolygon (see the file comment).
class territory {
 public:
  /// An empty territory (contains nothing).
  territory() = default;
  /// Builds and validates a territory from polygons (each: shell, then holes).
  /// @throws crmkit::error (invalid_argument) naming the polygon, ring and position of
  ///         the problem (see the file comment for the rules), or for no polygon at all.
  CRMKIT_FUNC static territory from_polygons(std::vector<geo_polygon> polygons, const territory_options& options = {});
  /// Parses WKT `POLYGON (...)` or `MULTIPOLYGON (...)` (2D; keywords case-insensitive).
  /// @throws crmkit::error (parse_error) with the offset, line and column; (invalid_argument)
  ///         for an invalid geometry.
  CRMKIT_FUNC static territory from_wkt(std::string_view text, const territory_options& options = {});
  /// Parses GeoJSON: a Polygon or MultiPolygon geometry, a Feature with one, or a
  /// FeatureCollection whose features are all (Multi)Polygons (their union; they must not
  /// overlap). An empty MultiPolygon or FeatureCollection is rejected like WKT's EMPTY.
  /// @throws crmkit::error as from_wkt().
  CRMKIT_FUNC static territory from_geojson(std::string_view text, const territory_options& options = {});
  /// GeoJSON when the first non-blank character is '{', WKT otherwise.
  CRMKIT_FUNC static territory parse(std::string_view text, const territory_options& options = {});

  /// Whether (lon, lat) lies inside (see the file comment for boundary points). NaN: false.
  [[nodiscard]] CRMKIT_FUNC bool contains(double lon, double lat) const noexcept;
  /// contains() for many points: 1 inside, 0 outside, in input order; `n_threads`
  /// threads (1 = the caller's), identical output for any count.
  /// @throws crmkit::error (invalid_argument) on a length mismatch or n_threads == 0.
  [[nodiscard]] CRMKIT_FUNC std::vector<std::uint8_t> contains(std::span<const double> lon, std::span<const double> lat,
                                                               std::size_t n_threads = 1) const;

  /// The polygons as given (rings closed, consecutive duplicates removed), longitudes
  /// unwrapped into the territory's window when it crosses the antimeridian (see the file
  /// comment; values up to 540 may then occur).
  [[nodiscard]] const std::vector<geo_polygon>& polygons() const noexcept { return polygons_; }
  /// Bounding box {min_lon, min_lat, max_lon, max_lat}, longitudes in [-180, 180];
  /// min_lon > max_lon when the box crosses the antimeridian; all NaN when empty.
  [[nodiscard]] const std::array<double, 4>& bounds() const noexcept { return bounds_; }
  /// True when the territory has no polygon.
  [[nodiscard]] bool empty() const noexcept { return polygons_.empty(); }

 private:
  struct edge {
    double x1, y1, x2, y2;
  };
  CRMKIT_FUNC void build();
  std::vector<geo_polygon> polygons_;
  std::array<double, 4> bounds_{{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN(),
                                 std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()}};
  std::array<double, 4> box_{};            // bounding box in the window's longitudes
  double west_ = -180.0;                   // the window [west_, west_ + 360)
  std::vector<edge> band_edges_;           // edges of each band, concatenated
  std::vector<std::uint32_t> band_start_;  // n_bands + 1 offsets into band_edges_
  double band_height_ = 1.0;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/geo/territory_impl.hpp"
#endif
