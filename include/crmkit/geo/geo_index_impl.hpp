/// @file crmkit/geo/geo_index_impl.hpp
/// Definitions of crmkit/geo/geo_index.hpp (compiled once by src/geo/geo_index.cpp, or
/// inline under CRMKIT_HEADER_ONLY). The tree is crmkit/geo/detail/kdtree.hpp; include
/// crmkit/geo/geo_index.hpp instead of this file.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/core/parallel_for.hpp"
#include "crmkit/geo/geo_index.hpp"
#include "crmkit/geo/detail/kdtree.hpp"
#include "crmkit/geo/detail/wgs84.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

inline double geo_normalize_lon(double lon) noexcept {
  if (lon >= -180.0 && lon <= 180.0) return lon;
  double x = std::fmod(lon + 180.0, 360.0);
  if (x < 0) x += 360.0;
  return x - 180.0;
}

// Checks (and, when allowed, normalises) one query point; `what` names it in errors.
inline void geo_check_point(double& lon, double& lat, bool normalize, const char* what) {
  if (std::isnan(lon) || std::isnan(lat))
    throw error(errc::invalid_argument, fmt::format("{}: NaN coordinate (longitude {}, latitude {})", what, lon, lat));
  if (!std::isfinite(lon) || !std::isfinite(lat))
    throw error(errc::invalid_argument, fmt::format("{}: infinite coordinate (longitude {}, latitude {})", what, lon, lat));
  if (lat < -90.0 || lat > 90.0)
    throw error(errc::invalid_argument, fmt::format("{}: latitude {} outside [-90, 90]", what, lat));
  if (lon < -180.0 || lon > 180.0) {
    if (!normalize)
      throw error(errc::invalid_argument,
                  fmt::format("{}: longitude {} outside [-180, 180] (set normalize_longitude to wrap it)", what, lon));
    lon = geo_normalize_lon(lon);
  }
}

// The bound of the wgs84 prefilter (geo_index.hpp, "Ellipsoidal distances"): a geodesic
// distance s spans a central angle of at most s / (b^2 / a) = s a / b^2 radians.
inline constexpr double wgs84_a = 6378137.0;
inline constexpr double wgs84_b = 6356752.314245179;  // a (1 - 1/298.257223563)
inline constexpr double wgs84_min_curvature_radius = wgs84_b * wgs84_b / wgs84_a;
// The squared chord that every point within geodesic distance s lies within, with room
// for rounding and GeographicLib's ~15 nm error (1e-9 relative plus 1 micrometre).
inline double wgs84_chord2_bound(double s) noexcept {
  const double angle = (s * (1.0 + 1e-9) + 1e-6) / wgs84_min_curvature_radius;
  const double c = angle >= std::numbers::pi ? 2.0 : 2.0 * std::sin(angle / 2.0);
  return c * c;
}

}  // namespace detail

struct geo_index::impl {
  geo_index_options options;
  std::vector<double> lon;
  std::vector<double> lat;
  std::size_t n_located = 0;
  detail::geo_kdtree tree;

  [[nodiscard]] bool ellipsoid() const noexcept { return options.distance_model == geo_distance_model::wgs84; }
  // Queries compare a "key" monotone in distance: the squared chord on the sphere, the
  // geodesic distance in metres on the ellipsoid.
  [[nodiscard]] double key_of_radius(double radius_m) const noexcept {
    if (ellipsoid()) return radius_m;
    const double c = chord_of_distance(radius_m, options.earth_radius_m);
    return c * c;
  }
  [[nodiscard]] double distance_of_key(double key) const noexcept {
    return ellipsoid() ? key : distance_of_chord2(key, options.earth_radius_m);
  }

  void check_query(const geo_query_options& q, const char* what) const {
    if (q.filter != nullptr && q.filter->size() != lon.size())
      throw error(errc::invalid_argument, fmt::format("{}: the filter covers {} rows but the index has {}", what,
                                                      q.filter->size(), lon.size()));
    if (q.n_threads == 0) throw error(errc::invalid_argument, fmt::format("{}: n_threads must be at least 1", what));
  }
  static void check_radius(double radius_m, const char* what) {
    if (!(radius_m >= 0.0) || std::isinf(radius_m))
      throw error(errc::invalid_argument,
                  fmt::format("{}: radius {} m must be a finite number >= 0", what, radius_m));
  }

  // Calls f(id, key) for every eligible point with key <= key_max, the query being (lon0,
  // lat0) with unit vector q. On the ellipsoid the chord bound preselects, the geodesic decides.
  template <class F>
  void for_each_within_key(const unit_vector& q, double lon0, double lat0, double key_max, const geo_filter* filter,
                           F&& f) const {
    if (!ellipsoid()) {
      for_each_within(q, key_max, filter, f);
      return;
    }
    for_each_within(q, detail::wgs84_chord2_bound(key_max), filter, [&](std::int32_t id, double) {
      const auto i = static_cast<std::size_t>(id);
      const double s = detail::wgs84_inverse_m(lon0, lat0, lon[i], lat[i]);
      if (s <= key_max) f(id, s);
    });
  }

  // Calls f(id, squared chord) for every eligible point with squared chord <= c2.
  template <class F>
  void for_each_within(const unit_vector& q, double c2, const geo_filter* filter, F&& f) const {
    auto none = [](const std::int32_t*, const std::int32_t*) {};
    if (filter == nullptr) {
      tree.visit_within<false>(q, c2, f, none);
    } else {
      tree.visit_within<false>(
          q, c2, [&](std::int32_t id, double d2) { if (filter->keeps(static_cast<std::size_t>(id))) f(id, d2); }, none);
    }
  }

  void within(double lon0, double lat0, double radius_m, const geo_query_options& q, std::vector<std::int32_t>& ids,
              std::vector<double>& dist) const {
    detail::geo_check_point(lon0, lat0, options.normalize_longitude, "geo_index::within");
    const unit_vector u = to_unit_vector(lon0, lat0);
    const double key_max = key_of_radius(radius_m);
    const std::size_t first = ids.size();
    if (q.order == geo_order::by_distance) {
      std::vector<std::pair<double, std::int32_t>> found;
      for_each_within_key(u, lon0, lat0, key_max, q.filter, [&](std::int32_t id, double key) { found.emplace_back(key, id); });
      std::sort(found.begin(), found.end());
      for (const auto& [key, id] : found) {
        ids.push_back(id);
        if (q.with_distances) dist.push_back(distance_of_key(key));
      }
      return;
    }
    for_each_within_key(u, lon0, lat0, key_max, q.filter, [&](std::int32_t id, double key) {
      ids.push_back(id);
      if (q.with_distances) dist.push_back(distance_of_key(key));
    });
    if (q.order == geo_order::by_index) {
      if (q.with_distances) {
        std::vector<std::pair<std::int32_t, double>> pairs;
        pairs.reserve(ids.size() - first);
        for (std::size_t i = first; i < ids.size(); ++i) pairs.emplace_back(ids[i], dist[i]);
        std::sort(pairs.begin(), pairs.end());
        for (std::size_t i = first; i < ids.size(); ++i) std::tie(ids[i], dist[i]) = pairs[i - first];
      } else {
        std::sort(ids.begin() + static_cast<std::ptrdiff_t>(first), ids.end());
      }
    }
  }

  std::size_t count(double lon0, double lat0, double radius_m, const geo_query_options& q) const {
    return count_key(lon0, lat0, key_of_radius(radius_m), q);
  }
  // count() for the key of the radius (key_of_radius(radius_m), computed once per batch).
  std::size_t count_key(double lon0, double lat0, double key, const geo_query_options& q) const {
    detail::geo_check_point(lon0, lat0, options.normalize_longitude, "geo_index::count_within");
    const unit_vector u = to_unit_vector(lon0, lat0);
    if (!ellipsoid()) {
      const double c2 = key;
      if (q.filter == nullptr) return tree.count_within(u, c2);
      // Whole subtrees inside the ball need only the filter, not a distance.
      std::size_t n = 0;
      const geo_filter& f = *q.filter;
      tree.visit_within<true>(
          u, c2, [&](std::int32_t id, double) { n += f.keeps(static_cast<std::size_t>(id)) ? 1 : 0; },
          [&](const std::int32_t* first, const std::int32_t* last) {
            for (const std::int32_t* p = first; p < last; ++p) n += f.keeps(static_cast<std::size_t>(*p)) ? 1 : 0;
          });
      return n;
    }
    std::size_t n = 0;
    for_each_within_key(u, lon0, lat0, key, q.filter, [&](std::int32_t, double) { ++n; });
    return n;
  }

  // The k smallest (key, id) pairs, ascending; exact (see the header).
  void nearest(double lon0, double lat0, std::size_t k, const geo_filter* filter,
               std::vector<std::pair<double, std::int32_t>>& out) const {
    detail::geo_check_point(lon0, lat0, options.normalize_longitude, "geo_index::nearest");
    nearest_by_chord(lon0, lat0, k, filter, out);
    if (!ellipsoid() || out.empty()) return;
    // Ellipsoid: the k nearest by angle bound the answer by their farthest geodesic
    // distance s_k; every point within s_k is collected and the k smallest kept.
    double s_k = 0.0;
    for (auto& [key, id] : out) {
      const auto i = static_cast<std::size_t>(id);
      key = detail::wgs84_inverse_m(lon0, lat0, lon[i], lat[i]);
      s_k = std::max(s_k, key);
    }
    if (out.size() < k) {  // every eligible point is in
      std::sort(out.begin(), out.end());
      return;
    }
    out.clear();
    for_each_within_key(to_unit_vector(lon0, lat0), lon0, lat0, s_k, filter,
                        [&](std::int32_t id, double s) { out.emplace_back(s, id); });
    std::sort(out.begin(), out.end());
    if (out.size() > k) out.resize(k);
  }

  // The k smallest (squared chord, id) pairs, ascending, for a checked query point.
  void nearest_by_chord(double lon0, double lat0, std::size_t k, const geo_filter* filter,
                        std::vector<std::pair<double, std::int32_t>>& out) const {
    const unit_vector u = to_unit_vector(lon0, lat0);
    if (filter == nullptr) {
      tree.nearest(u, k, [](std::int32_t) { return true; }, out);
    } else {
      tree.nearest(u, k, [filter](std::int32_t id) { return filter->keeps(static_cast<std::size_t>(id)); }, out);
    }
  }
};

CRMKIT_FUNC geo_filter& geo_filter::require(std::span<const double> values, geo_compare op, double threshold) {
  if (values.size() != keep_.size())
    throw error(errc::invalid_argument,
                fmt::format("geo_filter::require: {} values for a filter of {} rows", values.size(), keep_.size()));
  if (std::isnan(threshold)) throw error(errc::invalid_argument, "geo_filter::require: the threshold is NaN");
  for (std::size_t i = 0; i < keep_.size(); ++i) {
    const double v = values[i];
    bool ok = false;
    switch (op) {
      case geo_compare::equal: ok = v == threshold; break;
      case geo_compare::not_equal: ok = !std::isnan(v) && v != threshold; break;
      case geo_compare::less: ok = v < threshold; break;
      case geo_compare::less_equal: ok = v <= threshold; break;
      case geo_compare::greater: ok = v > threshold; break;
      case geo_compare::greater_equal: ok = v >= threshold; break;
    }
    if (!ok) keep_[i] = 0;
  }
  return *this;
}

CRMKIT_FUNC geo_filter& geo_filter::require_in(std::span<const double> values, std::span<const double> allowed) {
  if (values.size() != keep_.size())
    throw error(errc::invalid_argument,
                fmt::format("geo_filter::require_in: {} values for a filter of {} rows", values.size(), keep_.size()));
  for (std::size_t i = 0; i < keep_.size(); ++i)
    if (std::find(allowed.begin(), allowed.end(), values[i]) == allowed.end()) keep_[i] = 0;
  return *this;
}

CRMKIT_FUNC std::size_t geo_filter::count() const noexcept {
  return static_cast<std::size_t>(std::count_if(keep_.begin(), keep_.end(), [](std::uint8_t k) { return k != 0; }));
}

CRMKIT_FUNC geo_index::geo_index(std::span<const double> longitude, std::span<const double> latitude,
                                 geo_index_options options)
    : impl_(std::make_unique<impl>()) {
  if (longitude.size() != latitude.size())
    throw error(errc::invalid_argument, fmt::format("geo_index: {} longitudes but {} latitudes", longitude.size(),
                                                    latitude.size()));
  if (longitude.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw error(errc::invalid_argument, fmt::format("geo_index: {} points exceed 2^31 - 1", longitude.size()));
  if (!(options.earth_radius_m > 0.0) || std::isinf(options.earth_radius_m))
    throw error(errc::invalid_argument,
                fmt::format("geo_index: earth_radius_m {} must be positive and finite", options.earth_radius_m));
  if (options.distance_model != geo_distance_model::sphere && options.distance_model != geo_distance_model::wgs84)
    throw error(errc::invalid_argument, fmt::format("geo_index: unknown distance_model {}",
                                                    static_cast<int>(options.distance_model)));
  impl& m = *impl_;
  m.options = options;
  m.lon.assign(longitude.begin(), longitude.end());
  m.lat.assign(latitude.begin(), latitude.end());
  std::vector<detail::geo_kd_point> points;
  points.reserve(m.lon.size());
  for (std::size_t i = 0; i < m.lon.size(); ++i) {
    double& x = m.lon[i];
    double& y = m.lat[i];
    // In range (hence finite, not NaN): the common case, checked without building a message.
    if (!(x >= -180.0 && x <= 180.0 && y >= -90.0 && y <= 90.0)) {
      if (std::isnan(x) && std::isnan(y)) continue;  // no location
      if (std::isnan(x) != std::isnan(y))
        throw error(errc::invalid_argument,
                    fmt::format("geo_index: row {} has only one NaN coordinate (longitude {}, latitude {})", i, x, y));
      const std::string what = fmt::format("geo_index: row {}", i);
      detail::geo_check_point(x, y, options.normalize_longitude, what.c_str());  // throws, or wraps the longitude
    }
    const unit_vector u = to_unit_vector(x, y);
    points.push_back({u.x, u.y, u.z, static_cast<std::int32_t>(i)});
  }
  m.n_located = points.size();
  m.tree.build(std::move(points));
}

CRMKIT_FUNC geo_index geo_index::from_customers(const customer_table& customers, geo_index_options options) {
  if (!customers.has_locations())
    throw error(errc::invalid_argument, "geo_index::from_customers: the customer table has no locations");
  return geo_index(customers.longitude(), customers.latitude(), options);
}

CRMKIT_FUNC geo_index::geo_index(std::unique_ptr<impl> p) noexcept : impl_(std::move(p)) {}
CRMKIT_FUNC geo_index::geo_index(geo_index&&) noexcept = default;
CRMKIT_FUNC geo_index& geo_index::operator=(geo_index&&) noexcept = default;
CRMKIT_FUNC geo_index::~geo_index() = default;

CRMKIT_FUNC std::size_t geo_index::size() const noexcept { return impl_->lon.size(); }
CRMKIT_FUNC std::size_t geo_index::n_located() const noexcept { return impl_->n_located; }
CRMKIT_FUNC const geo_index_options& geo_index::options() const noexcept { return impl_->options; }
CRMKIT_FUNC std::span<const double> geo_index::longitude() const noexcept { return impl_->lon; }
CRMKIT_FUNC std::span<const double> geo_index::latitude() const noexcept { return impl_->lat; }

CRMKIT_FUNC geo_hits geo_index::within(double lon, double lat, double radius_m, const geo_query_options& q) const {
  impl_->check_query(q, "geo_index::within");
  impl::check_radius(radius_m, "geo_index::within");
  geo_hits hits;
  impl_->within(lon, lat, radius_m, q, hits.ids, hits.distances_m);
  return hits;
}

CRMKIT_FUNC std::size_t geo_index::count_within(double lon, double lat, double radius_m,
                                                const geo_query_options& q) const {
  impl_->check_query(q, "geo_index::count_within");
  impl::check_radius(radius_m, "geo_index::count_within");
  return impl_->count(lon, lat, radius_m, q);
}

CRMKIT_FUNC geo_hits geo_index::nearest(double lon, double lat, std::size_t k, const geo_query_options& q) const {
  impl_->check_query(q, "geo_index::nearest");
  if (k < 1) throw error(errc::invalid_argument, "geo_index::nearest: k must be at least 1");
  std::vector<std::pair<double, std::int32_t>> found;
  impl_->nearest(lon, lat, k, q.filter, found);
  geo_hits hits;
  for (const auto& [key, id] : found) {
    hits.ids.push_back(id);
    hits.distances_m.push_back(impl_->distance_of_key(key));
  }
  return hits;
}

namespace detail {
// The 3D box around the unit vectors of the lon/lat rectangle [l0, l1] x [p0, p1]
// (l0 <= l1): extremes of r cos(l), r sin(l) over the sector are at its corners and
// where it crosses the axes.
inline geo_box3 geo_rect_box(double l0, double p0, double l1, double p1) noexcept {
  constexpr double to_rad = std::numbers::pi / 180.0;
  const double c0 = std::cos(p0 * to_rad), c1 = std::cos(p1 * to_rad);
  const double r_min = std::min(c0, c1);
  const double r_max = (p0 <= 0.0 && p1 >= 0.0) ? 1.0 : std::max(c0, c1);
  double lo[3] = {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(), std::sin(p0 * to_rad)};
  double hi[3] = {-std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(), std::sin(p1 * to_rad)};
  auto add = [&](double l_deg, double r) {
    const double x = r * std::cos(l_deg * to_rad), y = r * std::sin(l_deg * to_rad);
    lo[0] = std::min(lo[0], x);
    hi[0] = std::max(hi[0], x);
    lo[1] = std::min(lo[1], y);
    hi[1] = std::max(hi[1], y);
  };
  for (double l : {l0, l1})
    for (double r : {r_min, r_max}) add(l, r);
  for (double a : {-180.0, -90.0, 0.0, 90.0, 180.0})
    if (a >= l0 && a <= l1) add(a, r_max);
  const double s = 1e-12;
  return {{lo[0] - s, lo[1] - s, lo[2] - s}, {hi[0] + s, hi[1] + s, hi[2] + s}};
}
}  // namespace detail

CRMKIT_FUNC std::vector<std::int32_t> geo_index::in_box(double min_lon, double min_lat, double max_lon, double max_lat,
                                                        const geo_query_options& q) const {
  impl_->check_query(q, "geo_index::in_box");
  const bool norm = impl_->options.normalize_longitude;
  detail::geo_check_point(min_lon, min_lat, norm, "geo_index::in_box (min corner)");
  detail::geo_check_point(max_lon, max_lat, norm, "geo_index::in_box (max corner)");
  if (min_lat > max_lat)
    throw error(errc::invalid_argument,
                fmt::format("geo_index::in_box: min_lat {} is greater than max_lat {}", min_lat, max_lat));
  std::vector<std::int32_t> ids;
  const auto& lon = impl_->lon;
  const auto& lat = impl_->lat;
  auto run = [&](double l0, double l1) {
    impl_->tree.for_each_in_box(detail::geo_rect_box(l0, min_lat, l1, max_lat), [&](std::int32_t id) {
      const auto i = static_cast<std::size_t>(id);
      if (lat[i] >= min_lat && lat[i] <= max_lat && lon[i] >= l0 && lon[i] <= l1 &&
          (q.filter == nullptr || q.filter->keeps(i)))
        ids.push_back(id);
    });
  };
  if (min_lon <= max_lon) {
    run(min_lon, max_lon);
  } else {  // across the antimeridian: two disjoint longitude ranges
    run(min_lon, 180.0);
    run(-180.0, max_lon);
  }
  if (q.order != geo_order::none) std::sort(ids.begin(), ids.end());
  return ids;
}

CRMKIT_FUNC std::vector<std::int32_t> geo_index::in_territory(const territory& area, const geo_query_options& q) const {
  impl_->check_query(q, "geo_index::in_territory");
  std::vector<std::int32_t> ids;
  if (area.empty()) return ids;
  const auto& lon = impl_->lon;
  const auto& lat = impl_->lat;
  geo_query_options box_q;
  box_q.filter = q.filter;
  std::vector<std::int32_t> candidates;
  if (area.polygons().size() == 1) {
    const auto& b = area.bounds();
    candidates = in_box(b[0], b[1], b[2], b[3], box_q);
  } else {
    // One box per polygon: a territory split at the antimeridian spans every longitude.
    for (const auto& poly : area.polygons()) {
      double b[4] = {poly[0][0][0], poly[0][0][1], poly[0][0][0], poly[0][0][1]};
      for (const auto& p : poly[0]) {
        b[0] = std::min(b[0], p[0]);
        b[1] = std::min(b[1], p[1]);
        b[2] = std::max(b[2], p[0]);
        b[3] = std::max(b[3], p[1]);
      }
      // Longitudes of a territory across the antimeridian may exceed 180 (territory.hpp):
      // wrapped, a box across it has min_lon > max_lon, which in_box() takes as such.
      for (int c : {0, 2})
        if (b[c] > 180.0) b[c] -= 360.0;
      auto part = in_box(b[0], b[1], b[2], b[3], box_q);
      candidates.insert(candidates.end(), part.begin(), part.end());
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  }
  for (std::int32_t id : candidates) {
    const auto i = static_cast<std::size_t>(id);
    if (area.contains(lon[i], lat[i])) ids.push_back(id);
  }
  if (q.order != geo_order::none) std::sort(ids.begin(), ids.end());
  return ids;
}

namespace detail {
inline void geo_check_batch(std::span<const double> lon, std::span<const double> lat, const char* what) {
  if (lon.size() != lat.size())
    throw error(errc::invalid_argument, fmt::format("{}: {} query longitudes but {} latitudes", what, lon.size(), lat.size()));
}
inline constexpr std::size_t geo_batch_chunk = 256;

// The order in which a batch visits its queries: sorted along a Morton (Z-order) curve of
// longitude/latitude, so that consecutive queries descend into the same tree nodes while
// they are still in cache (on 1e6 points the tree is larger than the L3 cache, and random
// query order spends most of its time in cache misses). Results are written back by
// query index, so the output order is the query order whatever this order is.
inline std::vector<std::uint32_t> geo_query_order(std::span<const double> lon, std::span<const double> lat) {
  auto spread = [](std::uint32_t v) {
    std::uint64_t x = v;
    x = (x | (x << 16)) & 0x0000FFFF0000FFFFull;
    x = (x | (x << 8)) & 0x00FF00FF00FF00FFull;
    x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0Full;
    x = (x | (x << 2)) & 0x3333333333333333ull;
    x = (x | (x << 1)) & 0x5555555555555555ull;
    return x;
  };
  auto cell = [](double v, double lo, double span) {
    const double t = (v - lo) / span * 4294967295.0;  // NaN and out-of-range values are
    return t >= 0.0 && t <= 4294967295.0 ? static_cast<std::uint32_t>(t) : 0u;  // checked by the query itself
  };
  // Keys (code << 32 | query index) in a least-significant-digit radix sort of the 32
  // code bits (three stable passes of 11 bits): the order of std::sort on (code, index).
  const std::size_t n = lon.size();
  std::vector<std::uint64_t> keyed(n), tmp(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t code = (spread(cell(lon[i], -180.0, 360.0) >> 16) << 1) | spread(cell(lat[i], -90.0, 180.0) >> 16);
    keyed[i] = (code << 32) | static_cast<std::uint64_t>(i);
  }
  constexpr unsigned digit_bits = 11;
  constexpr std::size_t buckets = std::size_t{1} << digit_bits;
  std::vector<std::size_t> start(buckets + 1);
  for (unsigned shift = 32; shift < 64; shift += digit_bits) {
    std::fill(start.begin(), start.end(), std::size_t{0});
    for (std::size_t i = 0; i < n; ++i) ++start[((keyed[i] >> shift) & (buckets - 1)) + 1];
    for (std::size_t b = 1; b <= buckets; ++b) start[b] += start[b - 1];
    for (std::size_t i = 0; i < n; ++i) tmp[start[(keyed[i] >> shift) & (buckets - 1)]++] = keyed[i];
    keyed.swap(tmp);
  }
  std::vector<std::uint32_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(keyed[i] & 0xFFFFFFFFu);
  return order;
}
}  // namespace detail

CRMKIT_FUNC geo_batch_hits geo_index::within_batch(std::span<const double> lon, std::span<const double> lat,
                                                   double radius_m, const geo_query_options& q) const {
  detail::geo_check_batch(lon, lat, "geo_index::within_batch");
  impl_->check_query(q, "geo_index::within_batch");
  impl::check_radius(radius_m, "geo_index::within_batch");
  const std::size_t m = lon.size();
  const std::size_t n_chunks = (m + detail::geo_batch_chunk - 1) / detail::geo_batch_chunk;
  const std::vector<std::uint32_t> order = detail::geo_query_order(lon, lat);
  struct part {
    std::vector<std::int32_t> ids;
    std::vector<double> dist;
  };
  std::vector<part> parts(n_chunks);
  std::vector<std::size_t> counts(m);
  crmkit::parallel_for(m, detail::geo_batch_chunk, q.n_threads,
                              [&](std::size_t c, std::size_t begin, std::size_t end) {
                                part& p = parts[c];
                                for (std::size_t j = begin; j < end; ++j) {
                                  const std::size_t i = order[j];
                                  const std::size_t before = p.ids.size();
                                  impl_->within(lon[i], lat[i], radius_m, q, p.ids, p.dist);
                                  counts[i] = p.ids.size() - before;
                                }
                              });
  geo_batch_hits out;
  out.offsets.resize(m + 1);
  out.offsets[0] = 0;
  for (std::size_t i = 0; i < m; ++i) out.offsets[i + 1] = out.offsets[i] + counts[i];
  out.ids.resize(out.offsets[m]);
  if (q.with_distances) out.distances_m.resize(out.offsets[m]);
  // Scatter each chunk's rows to their query's place (visit order -> query order).
  for (std::size_t c = 0; c < n_chunks; ++c) {
    part& p = parts[c];
    std::size_t at = 0;
    for (std::size_t j = c * detail::geo_batch_chunk; j < std::min(m, (c + 1) * detail::geo_batch_chunk); ++j) {
      const std::size_t i = order[j];
      std::copy_n(p.ids.begin() + static_cast<std::ptrdiff_t>(at), counts[i],
                  out.ids.begin() + static_cast<std::ptrdiff_t>(out.offsets[i]));
      if (q.with_distances)
        std::copy_n(p.dist.begin() + static_cast<std::ptrdiff_t>(at), counts[i],
                    out.distances_m.begin() + static_cast<std::ptrdiff_t>(out.offsets[i]));
      at += counts[i];
    }
    p = part{};
  }
  return out;
}

CRMKIT_FUNC std::vector<std::size_t> geo_index::count_within_batch(std::span<const double> lon,
                                                                   std::span<const double> lat, double radius_m,
                                                                   const geo_query_options& q) const {
  detail::geo_check_batch(lon, lat, "geo_index::count_within_batch");
  impl_->check_query(q, "geo_index::count_within_batch");
  impl::check_radius(radius_m, "geo_index::count_within_batch");
  std::vector<std::size_t> out(lon.size());
  const std::vector<std::uint32_t> order = detail::geo_query_order(lon, lat);
  const double key = impl_->key_of_radius(radius_m);
  crmkit::parallel_for(lon.size(), detail::geo_batch_chunk, q.n_threads,
                              [&](std::size_t, std::size_t begin, std::size_t end) {
                                for (std::size_t j = begin; j < end; ++j) {
                                  const std::size_t i = order[j];
                                  out[i] = impl_->count_key(lon[i], lat[i], key, q);
                                }
                              });
  return out;
}

CRMKIT_FUNC geo_neighbors geo_index::nearest_batch(std::span<const double> lon, std::span<const double> lat,
                                                   std::size_t k, const geo_query_options& q) const {
  detail::geo_check_batch(lon, lat, "geo_index::nearest_batch");
  impl_->check_query(q, "geo_index::nearest_batch");
  if (k < 1) throw error(errc::invalid_argument, "geo_index::nearest_batch: k must be at least 1");
  geo_neighbors out;
  out.k = k;
  out.ids.assign(lon.size() * k, -1);
  out.distances_m.assign(lon.size() * k, std::numeric_limits<double>::quiet_NaN());
  const std::vector<std::uint32_t> order = detail::geo_query_order(lon, lat);
  crmkit::parallel_for(lon.size(), detail::geo_batch_chunk, q.n_threads,
                              [&](std::size_t, std::size_t begin, std::size_t end) {
                                std::vector<std::pair<double, std::int32_t>> found;
                                for (std::size_t j = begin; j < end; ++j) {
                                  const std::size_t i = order[j];
                                  impl_->nearest(lon[i], lat[i], k, q.filter, found);
                                  for (std::size_t n = 0; n < found.size(); ++n) {
                                    out.ids[i * k + n] = found[n].second;
                                    out.distances_m[i * k + n] = impl_->distance_of_key(found[n].first);
                                  }
                                }
                              });
  return out;
}

CRMKIT_END_NAMESPACE
