/// @file crmkit/geo/geo_index.hpp
/// `geo_index`: a spatial index over customer locations (longitude/latitude in WGS84
/// degrees) answering radius, k-nearest, bounding-box and territory queries with exact
/// great-circle distances (or, as an option, exact geodesic distances on the WGS84
/// ellipsoid), single or batched (threaded, deterministic output order), with optional
/// attribute filters that need no rebuild.
///
/// `#include <crmkit/geo/geo_index.hpp>`
///
/// Thread safety: immutable after construction; concurrent const use is safe.
///
/// @code
/// crmkit::geo_index index(lon, lat);                               // spans of degrees, NaN = no location
/// crmkit::geo_hits near = index.within(2.35, 48.86, 5000.0);       // customers within 5 km
/// crmkit::geo_hits five = index.nearest(2.35, 48.86, 5);            // the 5 nearest, closest first
/// crmkit::geo_filter risky(index.size());
/// risky.require(table.attribute("churn_risk"), crmkit::geo_compare::greater, 0.7);
/// crmkit::geo_query_options q;  q.filter = &risky;
/// crmkit::geo_hits at_risk = index.within(2.35, 48.86, 5000.0, q);
/// @endcode
///
/// ## Design (why it is fast and exact)
/// The index is a static kd-tree (crmkit/geo/detail/kdtree.hpp) over the 3D unit vectors
/// of the located points, not over raw degrees (a tree over degrees is wrong across the
/// antimeridian and near the poles). A radius r becomes the chord c = 2 sin(r / 2R)
/// (crmkit/geo/sphere.hpp); a point is within r exactly when its squared chord to the
/// query, |u - q|^2 computed in doubles, is at most c^2. The points are stored in tree order
/// as contiguous x, y, z arrays; the tree is complete and implicit (children of node i at
/// 2i+1 and 2i+2), split at the median by count on the axis where a node's points spread
/// widest, with leaves of 8-16 points, and each node keeps the tight box of its points.
/// A radius query skips a node whose box is farther than c and, when counting, adds a node
/// whose box lies entirely inside the chord ball without visiting its points; every other
/// candidate costs one 3D difference, no trigonometry. k-nearest is a depth-first search,
/// closer child first, keeping the k smallest (squared chord, index) pairs in a max-heap
/// (chord order is great-circle order), so the result equals sorting all points by
/// (squared chord, index), ties at the k-th distance going to the smaller index. The box
/// tests have a relative margin of 1e-14 and only ever send a decision to the exact
/// per-point test, so no result depends on the tree. Distances are reported as
/// 2 R asin(c / 2). Batched queries are visited along a Morton curve of the query points
/// (their results are written in query order), so that consecutive queries find the tree's
/// nodes in cache.
///
/// ## Ellipsoidal distances (distance_model = wgs84)
/// The tree stays on the sphere's unit vectors; only the metric changes. In geodetic
/// coordinates the ellipsoid's line element is ds^2 = M(phi)^2 dphi^2 + N(phi)^2 cos^2(phi)
/// dlambda^2 (M, N the meridional and prime-vertical radii of curvature) and the unit
/// sphere's is dtheta^2 = dphi^2 + cos^2(phi) dlambda^2, so along any path ds / dtheta lies
/// between min(M, N) = M(0) = b^2 / a = 6,335,439.3 m and max(M, N) = a^2 / b =
/// 6,399,593.6 m (WGS84 a, b). Hence, for the geodesic distance s and the central angle
/// theta of the same two points, (b^2/a) theta <= s <= (a^2/b) theta. A radius query for
/// s <= r therefore collects, through the tree, every point with theta <= r a / b^2 (the
/// chord of that angle, times 1 + 1e-9 for rounding), then keeps those whose exact
/// geodesic distance (GeographicLib, Karney 2013, "Algorithms for geodesics", J. Geodesy
/// 87; accurate to about 15 nm) is <= r. k-nearest takes the k nearest by angle, lets
/// s_k be the largest of their geodesic distances (k points lie within s_k, so the true
/// k nearest do too), collects every point with theta <= s_k a / b^2 and keeps the k
/// smallest (geodesic distance, index). The cost per candidate is one geodesic inverse
/// (about 0.7 microseconds on the benchmark machine) instead of a 3D difference, on a
/// candidate set about 0.6 % wider in radius: 2 km counts cost about 23x the sphere's,
/// k = 10 about 5x (docs/benchmarks.md).
///
/// ## Results equal brute force
/// For every query the set of ids equals a scan over all points with the same predicate
/// (squared chord <= c^2 for radius, the (squared chord, index) order for k-nearest, the
/// degree ranges for boxes; with the wgs84 model, geodesic distance <= r and the
/// (geodesic distance, index) order); the tests check it on random data including the
/// poles, the antimeridian and points placed exactly on the radius.
///
/// ## Memory
/// About 52-60 bytes per located point: the copied longitude/latitude (16 bytes), the unit
/// vectors and ids in tree order (28 bytes) and one 64-byte node per 4-8 points (8-16
/// bytes; 8.4 for 1,000,000 points). The build needs a further 32 bytes per located point
/// while it runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/geo/sphere.hpp"
#include "crmkit/geo/territory.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Comparison of a filter (`value op threshold`); a NaN value never passes.
enum class geo_compare { equal, not_equal, less, less_equal, greater, greater_equal };

/// A row mask over the indexed points: which customers a query may return. Built from
/// attribute columns (segment, lifecycle stage, churn risk above a threshold, ...) or a
/// host mask, and applied at query time without rebuilding the index.
///
/// Not synchronized; use from one thread at a time (while being built; a finished filter
/// may be shared by concurrent queries).
class geo_filter {
 public:
  /// A filter over `n` rows that keeps every row.
  explicit geo_filter(std::size_t n) : keep_(n, 1) {}
  /// A filter from a host mask (nonzero = keep).
  static geo_filter from_mask(std::vector<std::uint8_t> keep) {
    geo_filter f(0);
    f.keep_ = std::move(keep);
    return f;
  }
  /// Keeps only rows whose `values[row] op threshold` holds (AND with what is kept
  /// already). NaN values fail every comparison.
  /// @throws crmkit::error (invalid_argument) when values.size() differs from size() or
  ///         threshold is NaN.
  CRMKIT_FUNC geo_filter& require(std::span<const double> values, geo_compare op, double threshold);
  /// Keeps only rows whose value is one of `allowed` (segments, lifecycle stages coded
  /// as numbers).
  /// @throws crmkit::error (invalid_argument) on a length mismatch.
  CRMKIT_FUNC geo_filter& require_in(std::span<const double> values, std::span<const double> allowed);
  /// Number of rows the filter covers (must equal the index's size()).
  [[nodiscard]] std::size_t size() const noexcept { return keep_.size(); }
  /// Whether row `i` passes. Precondition: i < size().
  [[nodiscard]] bool keeps(std::size_t i) const noexcept { return keep_[i] != 0; }
  /// Number of rows kept.
  [[nodiscard]] CRMKIT_FUNC std::size_t count() const noexcept;
  /// The mask (1 = keep).
  [[nodiscard]] std::span<const std::uint8_t> mask() const noexcept { return keep_; }

 private:
  std::vector<std::uint8_t> keep_;
};

/// Order of the ids a radius, box or territory query returns.
enum class geo_order {
  none,         ///< the index's internal order (deterministic for a given index; fastest)
  by_distance,  ///< ascending distance, ties by index (box/territory: as by_index)
  by_index,     ///< ascending index
};

/// How an index measures distance (see "Ellipsoidal distances" in the file comment).
enum class geo_distance_model {
  sphere,  ///< great circle on the sphere of earth_radius_m (haversine); the default, fastest
  wgs84,   ///< geodesic on the WGS84 ellipsoid (C. F. F. Karney's algorithm, GeographicLib)
};

/// Options of an index.
struct geo_index_options {
  /// Sphere radius for distances, in metres (default: the mean Earth radius). With the
  /// wgs84 model it only shapes the internal prefilter, never a result.
  double earth_radius_m = earth_mean_radius_m;
  /// Distance of radius and k-nearest queries and of reported distances.
  geo_distance_model distance_model = geo_distance_model::sphere;
  /// When true, longitudes outside [-180, 180] are wrapped into it (e.g. 190 -> -170);
  /// when false (default) they are rejected. Applies to indexed points and queries.
  bool normalize_longitude = false;
};

/// Per-query options.
struct geo_query_options {
  geo_order order = geo_order::none;     ///< result order (radius/box/territory)
  const geo_filter* filter = nullptr;    ///< rows a query may return (null = all); size() must equal the index's
  std::size_t n_threads = 1;             ///< threads for batched queries (1 = the caller's thread); results do not depend on it
  bool with_distances = true;            ///< compute distances for radius queries (false saves one asin per hit)
};

/// The result of one query: customer indices and their great-circle distances in metres
/// (distances empty for box/territory queries or when not requested).
struct geo_hits {
  std::vector<std::int32_t> ids;
  std::vector<double> distances_m;
};

/// The results of a batch of radius queries in compressed rows: the hits of query q are
/// ids[offsets[q] .. offsets[q+1]) (and the same range of distances_m).
struct geo_batch_hits {
  std::vector<std::size_t> offsets;  ///< n_queries + 1 entries, offsets[0] = 0
  std::vector<std::int32_t> ids;
  std::vector<double> distances_m;   ///< empty when distances were not requested
  /// Number of queries.
  [[nodiscard]] std::size_t size() const noexcept { return offsets.empty() ? 0 : offsets.size() - 1; }
  /// The ids of query q.
  [[nodiscard]] std::span<const std::int32_t> ids_of(std::size_t q) const noexcept {
    return std::span<const std::int32_t>(ids).subspan(offsets[q], offsets[q + 1] - offsets[q]);
  }
};

/// The k nearest neighbours of a batch of queries, row-major n_queries x k. When fewer
/// than k points are eligible, the row ends with id -1 and distance NaN.
struct geo_neighbors {
  std::size_t k = 0;
  std::vector<std::int32_t> ids;
  std::vector<double> distances_m;
};

/// The spatial index (see the file comment).
class geo_index {
 public:
  /// Indexes the points (longitude[i], latitude[i]) in degrees; row i is id i. A row with
  /// NaN in both coordinates has no location and is never returned. The coordinates are
  /// copied.
  /// @throws crmkit::error (invalid_argument) on a length mismatch, more than 2^31 - 1
  ///         rows, a NaN in only one coordinate, a latitude outside [-90, 90] or a
  ///         longitude outside [-180, 180] (unless normalize_longitude), an infinite
  ///         value, or a nonpositive radius, naming the row and value.
  CRMKIT_FUNC geo_index(std::span<const double> longitude, std::span<const double> latitude,
                        geo_index_options options = {});
  /// Indexes a customer table's locations (rows without a location are skipped).
  /// @throws crmkit::error (invalid_argument) when the table has no locations.
  CRMKIT_FUNC static geo_index from_customers(const customer_table& customers, geo_index_options options = {});

  CRMKIT_FUNC geo_index(geo_index&&) noexcept;
  CRMKIT_FUNC geo_index& operator=(geo_index&&) noexcept;
  geo_index(const geo_index&) = delete;
  geo_index& operator=(const geo_index&) = delete;
  CRMKIT_FUNC ~geo_index();

  /// Number of rows (located or not): the id range is [0, size()).
  [[nodiscard]] CRMKIT_FUNC std::size_t size() const noexcept;
  /// Number of rows with a location.
  [[nodiscard]] CRMKIT_FUNC std::size_t n_located() const noexcept;
  /// The options the index was built with.
  [[nodiscard]] CRMKIT_FUNC const geo_index_options& options() const noexcept;
  /// The indexed longitudes (normalised when requested; NaN = no location).
  [[nodiscard]] CRMKIT_FUNC std::span<const double> longitude() const noexcept;
  /// The indexed latitudes (NaN = no location).
  [[nodiscard]] CRMKIT_FUNC std::span<const double> latitude() const noexcept;

  /// Points within `radius_m` metres of (lon, lat) (boundary included).
  /// @throws crmkit::error (invalid_argument) on an invalid query point, a negative or
  ///         NaN radius, or a filter of the wrong size.
  [[nodiscard]] CRMKIT_FUNC geo_hits within(double lon, double lat, double radius_m,
                                            const geo_query_options& q = {}) const;
  /// Number of points within `radius_m` of (lon, lat) (same rules as within()).
  [[nodiscard]] CRMKIT_FUNC std::size_t count_within(double lon, double lat, double radius_m,
                                                     const geo_query_options& q = {}) const;
  /// The k nearest points to (lon, lat), closest first, ties by smaller index; fewer when
  /// fewer points are eligible.
  /// @throws crmkit::error (invalid_argument) when k < 1 or on an invalid query point.
  [[nodiscard]] CRMKIT_FUNC geo_hits nearest(double lon, double lat, std::size_t k,
                                             const geo_query_options& q = {}) const;
  /// Points with min_lat <= lat <= max_lat and min_lon <= lon <= max_lon; when
  /// min_lon > max_lon the box crosses the antimeridian (lon >= min_lon or lon <= max_lon).
  /// @throws crmkit::error (invalid_argument) on coordinates out of range or min_lat > max_lat.
  [[nodiscard]] CRMKIT_FUNC std::vector<std::int32_t> in_box(double min_lon, double min_lat, double max_lon,
                                                             double max_lat, const geo_query_options& q = {}) const;
  /// Points inside a territory (crmkit/geo/territory.hpp), by index unless q.order is none.
  [[nodiscard]] CRMKIT_FUNC std::vector<std::int32_t> in_territory(const territory& area,
                                                                   const geo_query_options& q = {}) const;

  /// Batched within(): one row of hits per query point, in query order.
  [[nodiscard]] CRMKIT_FUNC geo_batch_hits within_batch(std::span<const double> lon, std::span<const double> lat,
                                                        double radius_m, const geo_query_options& q = {}) const;
  /// Batched count_within().
  [[nodiscard]] CRMKIT_FUNC std::vector<std::size_t> count_within_batch(std::span<const double> lon,
                                                                        std::span<const double> lat, double radius_m,
                                                                        const geo_query_options& q = {}) const;
  /// Batched nearest(): n_queries x k, padded with -1 / NaN.
  [[nodiscard]] CRMKIT_FUNC geo_neighbors nearest_batch(std::span<const double> lon, std::span<const double> lat,
                                                        std::size_t k, const geo_query_options& q = {}) const;

  struct impl;  ///< the kd-tree and the copied coordinates (defined in geo_index_impl.hpp)

 private:
  explicit geo_index(std::unique_ptr<impl> p) noexcept;
  std::unique_ptr<impl> impl_;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/geo/geo_index_impl.hpp"
#endif
