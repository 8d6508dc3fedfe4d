// crmkit/c/geo.h: the geo index, filter and result handles over crmkit/geo/geo_index.hpp;
// reps, tracks, density grids, coordinate conversions and distances over the rest of
// crmkit/geo.hpp.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/ranges.h>

#include "c_api_internal.hpp"
#include "crmkit/geo/china_coordinates.hpp"
#include "crmkit/geo/coverage.hpp"
#include "crmkit/geo/customers.hpp"
#include "crmkit/geo/density.hpp"
#include "crmkit/core/parallel_for.hpp"
#include "crmkit/geo/geo_index.hpp"
#include "crmkit/geo/geodesic.hpp"
#include "crmkit/geo/geohash.hpp"
#include "crmkit/geo/reps.hpp"
#include "crmkit/geo/sphere.hpp"
#include "crmkit/geo/track.hpp"

using namespace crmkit::capi;

struct crmkit_geo_index {
  crmkit::geo_index index;
};

struct crmkit_geo_filter {
  crmkit::geo_filter filter;
};

struct crmkit_geo_result {
  std::vector<std::size_t> offsets;
  std::vector<std::int32_t> ids;
  std::vector<double> distances_m;  // empty: no distances
};

struct crmkit_geo_territory {
  crmkit::territory area;
};

struct crmkit_geo_reps {
  crmkit::rep_roster roster;
};

struct crmkit_geo_track_options {
  crmkit::track_options options;
};

struct crmkit_geo_track {
  std::size_t n_fixes = 0;
  crmkit::track_summary summary;
};

struct crmkit_geo_grid {
  crmkit::density_grid grid;
};

struct crmkit_geo_geohash_grid {
  std::size_t n_points = 0;
  crmkit::geohash_density grid;
};

struct crmkit_geo_coverage {
  crmkit::rep_coverage coverage;
};

namespace {


crmkit::geo_query_options query_options(const crmkit_geo_filter* filter, std::int32_t order, std::int32_t n_threads,
                                        const char* function) {
  crmkit::geo_query_options q;
  q.filter = filter == nullptr ? nullptr : &filter->filter;
  switch (order) {
    case CRMKIT_GEO_ORDER_NONE: q.order = crmkit::geo_order::none; break;
    case CRMKIT_GEO_ORDER_DISTANCE: q.order = crmkit::geo_order::by_distance; break;
    case CRMKIT_GEO_ORDER_INDEX: q.order = crmkit::geo_order::by_index; break;
    default: fail(function, "order {} is not one of CRMKIT_GEO_ORDER_NONE/_DISTANCE/_INDEX", order);
  }
  if (n_threads < 1) fail(function, "n_threads = {} must be >= 1", n_threads);
  q.n_threads = static_cast<std::size_t>(n_threads);
  return q;
}

crmkit_geo_result* single_row(std::vector<std::int32_t> ids) {
  // RAII until handed out: the offsets allocation may throw bad_alloc.
  auto r = std::make_unique<crmkit_geo_result>();
  r->offsets = {0, ids.size()};
  r->ids = std::move(ids);
  return r.release();
}

void check_threads(std::int32_t n_threads, const char* function) {
  if (n_threads < 1) fail(function, "n_threads = {} must be >= 1", n_threads);
}

// out_inside[i] = whether point i lies in `area` (crmkit_geo_territory_contains/_test).
void contains_into(const crmkit::territory& area, const double* lon, const double* lat, std::size_t n,
                   std::int32_t n_threads, std::int32_t* out_inside, const char* function) {
  if (out_inside == nullptr && n > 0) throw_null(function, "out_inside");
  check_threads(n_threads, function);
  const auto mask = area.contains(array_arg(lon, n, function, "lon"), array_arg(lat, n, function, "lat"),
                                  static_cast<std::size_t>(n_threads));
  for (std::size_t i = 0; i < n; ++i) out_inside[i] = mask[i];
}

// The rep query options of crmkit_geo_reps_nearest/_assign.
crmkit::rep_query_options rep_options(double max_distance_m, std::int32_t flags, const char* function) {
  if ((flags & ~CRMKIT_GEO_WITHIN_TERRITORY) != 0) fail(function, "unknown flags {}", flags);
  if (std::isnan(max_distance_m) || max_distance_m < 0)
    fail(function, "max_distance_m = {} must be >= 0 (INFINITY for no limit)", max_distance_m);
  crmkit::rep_query_options o;
  o.within_territory = (flags & CRMKIT_GEO_WITHIN_TERRITORY) != 0;
  o.max_distance_m = max_distance_m;
  return o;
}

// The min_count of the GeoJSON functions, checked.
std::uint32_t min_count_of(std::int64_t min_count, const char* function) {
  if (min_count < 0 || min_count > static_cast<std::int64_t>(std::numeric_limits<std::uint32_t>::max()))
    fail(function, "min_count = {} must be in [0, 4294967295]", min_count);
  return static_cast<std::uint32_t>(min_count);
}

// The index options of crmkit_geo_index_create/_from_dataset.
crmkit::geo_index_options index_options(double earth_radius_m, std::int32_t flags, const char* f) {
  if ((flags & ~(CRMKIT_GEO_NORMALIZE_LONGITUDE | CRMKIT_GEO_WGS84_DISTANCES)) != 0) fail(f, "unknown flags {}", flags);
  crmkit::geo_index_options o;
  if ((flags & CRMKIT_GEO_WGS84_DISTANCES) != 0) {
    if (earth_radius_m != 0.0)
      throw error(errc::invalid_argument,
                  fmt::format("{}: earth_radius_m = {} with CRMKIT_GEO_WGS84_DISTANCES (the ellipsoid has no radius; "
                              "pass 0)", f, earth_radius_m));
    o.distance_model = crmkit::geo_distance_model::wgs84;
  }
  if (earth_radius_m != 0.0) o.earth_radius_m = earth_radius_m;
  o.normalize_longitude = (flags & CRMKIT_GEO_NORMALIZE_LONGITUDE) != 0;
  return o;
}

// A per-customer result handed out as a crmkit_table with the location report.
crmkit_table* table_with_report(crmkit::customer_table table, const crmkit::geo_location_report& r,
                                std::string_view extra = {}) {
  return new_table(std::move(table), fmt::format(R"({{"n_customers": {}, "n_located": {}, "n_unlocated": {}{}}})",
                                                 r.n_customers, r.n_located, r.n_unlocated, extra));
}

// The visit columns of track stops (crmkit_geo_track_stops, crmkit_geo_coverage_visits);
// a NULL column is skipped.
void copy_visits(const std::vector<crmkit::track_stop>& stops, int64_t* out_start, int64_t* out_end, double* out_lon,
                 double* out_lat, int32_t* out_customer, double* out_customer_distance_m) {
  CRMKIT_COPY_FIELD(out_start, stops, start);
  CRMKIT_COPY_FIELD(out_end, stops, end);
  CRMKIT_COPY_FIELD(out_lon, stops, lon);
  CRMKIT_COPY_FIELD(out_lat, stops, lat);
  CRMKIT_COPY_FIELD(out_customer, stops, customer);
  CRMKIT_COPY_FIELD(out_customer_distance_m, stops, customer_distance_m);
}

}  // namespace

extern "C" {

CRMKIT_API int crmkit_geo_index_create(const double* lon, const double* lat, size_t n, double earth_radius_m,
                                       int32_t flags, crmkit_geo_index** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  const char* f = __func__;
  const auto o = index_options(earth_radius_m, flags, f);
  *out = new crmkit_geo_index{crmkit::geo_index(array_arg(lon, n, f, "lon"), array_arg(lat, n, f, "lat"), o)};
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_geo_index_free(crmkit_geo_index* index) { delete index; }

CRMKIT_API int crmkit_geo_index_size(const crmkit_geo_index* index, size_t* out_n, size_t* out_n_located) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(index, out_n, out_n_located);
  *out_n = index->index.size();
  *out_n_located = index->index.n_located();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_index_count_within(const crmkit_geo_index* index, const double* lon, const double* lat,
                                             size_t m, double radius_m, const crmkit_geo_filter* filter,
                                             int32_t n_threads, int64_t* out_counts) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  CRMKIT_CHECK_NOT_NULL(index);
  if (out_counts == nullptr && m > 0) throw_null(f, "out_counts");
  const auto q = query_options(filter, CRMKIT_GEO_ORDER_NONE, n_threads, f);
  const auto counts = index->index.count_within_batch(array_arg(lon, m, f, "lon"), array_arg(lat, m, f, "lat"), radius_m, q);
  for (std::size_t i = 0; i < m; ++i) out_counts[i] = static_cast<std::int64_t>(counts[i]);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_index_within(const crmkit_geo_index* index, const double* lon, const double* lat, size_t m,
                                       double radius_m, const crmkit_geo_filter* filter, int32_t order,
                                       int32_t n_threads, crmkit_geo_result** out) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(index);
  const auto q = query_options(filter, order, n_threads, f);
  auto hits = index->index.within_batch(array_arg(lon, m, f, "lon"), array_arg(lat, m, f, "lat"), radius_m, q);
  auto* r = new crmkit_geo_result();
  r->offsets = std::move(hits.offsets);
  r->ids = std::move(hits.ids);
  r->distances_m = std::move(hits.distances_m);
  *out = r;
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_index_nearest(const crmkit_geo_index* index, const double* lon, const double* lat, size_t m,
                                        size_t k, const crmkit_geo_filter* filter, int32_t n_threads,
                                        int32_t* out_ids, double* out_distances_m) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  CRMKIT_CHECK_NOT_NULL(index);
  if (out_ids == nullptr && m > 0) throw_null(f, "out_ids");
  if (k > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) fail(f, "k = {} is too large", k);
  const auto q = query_options(filter, CRMKIT_GEO_ORDER_DISTANCE, n_threads, f);
  const auto nn = index->index.nearest_batch(array_arg(lon, m, f, "lon"), array_arg(lat, m, f, "lat"), k, q);
  std::copy(nn.ids.begin(), nn.ids.end(), out_ids);
  if (out_distances_m != nullptr) std::copy(nn.distances_m.begin(), nn.distances_m.end(), out_distances_m);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_index_in_box(const crmkit_geo_index* index, double min_lon, double min_lat, double max_lon,
                                       double max_lat, const crmkit_geo_filter* filter, int32_t order,
                                       crmkit_geo_result** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(index);
  const auto q = query_options(filter, order, 1, __func__);
  *out = single_row(index->index.in_box(min_lon, min_lat, max_lon, max_lat, q));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_index_in_territory(const crmkit_geo_index* index, const char* territory,
                                             const crmkit_geo_filter* filter, int32_t order, crmkit_geo_result** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(index, territory);
  const auto q = query_options(filter, order, 1, __func__);
  *out = single_row(index->index.in_territory(crmkit::territory::parse(territory), q));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_territory_contains(const char* territory, const double* lon, const double* lat, size_t n,
                                             int32_t n_threads, int32_t* out_inside) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(territory);
  contains_into(crmkit::territory::parse(territory), lon, lat, n, n_threads, out_inside, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_territory_create(const char* territory, int32_t flags, crmkit_geo_territory** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(territory);
  if ((flags & ~CRMKIT_GEO_WRAP_ANTIMERIDIAN) != 0) fail(__func__, "unknown flags {}", flags);
  crmkit::territory_options o;
  o.wrap_antimeridian = (flags & CRMKIT_GEO_WRAP_ANTIMERIDIAN) != 0;
  *out = new crmkit_geo_territory{crmkit::territory::parse(territory, o)};
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_geo_territory_free(crmkit_geo_territory* territory) { delete territory; }

CRMKIT_API int crmkit_geo_territory_bounds(const crmkit_geo_territory* territory, double* out_min_lon,
                                           double* out_min_lat, double* out_max_lon, double* out_max_lat) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(territory, out_min_lon, out_min_lat, out_max_lon, out_max_lat);
  const auto& b = territory->area.bounds();
  *out_min_lon = b[0];
  *out_min_lat = b[1];
  *out_max_lon = b[2];
  *out_max_lat = b[3];
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_territory_test(const crmkit_geo_territory* territory, const double* lon, const double* lat,
                                         size_t n, int32_t n_threads, int32_t* out_inside) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(territory);
  contains_into(territory->area, lon, lat, n, n_threads, out_inside, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_index_in_area(const crmkit_geo_index* index, const crmkit_geo_territory* territory,
                                        const crmkit_geo_filter* filter, int32_t order, crmkit_geo_result** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(index, territory);
  const auto q = query_options(filter, order, 1, __func__);
  *out = single_row(index->index.in_territory(territory->area, q));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_filter_create(size_t n, crmkit_geo_filter** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  *out = new crmkit_geo_filter{crmkit::geo_filter(n)};
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_geo_filter_free(crmkit_geo_filter* filter) { delete filter; }

CRMKIT_API int crmkit_geo_filter_require(crmkit_geo_filter* filter, const double* values, size_t n, int32_t op,
                                         double threshold) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  CRMKIT_CHECK_NOT_NULL(filter);
  if (op < CRMKIT_GEO_EQUAL || op > CRMKIT_GEO_GREATER_EQUAL)
    fail(f, "op {} is not one of CRMKIT_GEO_EQUAL .. CRMKIT_GEO_GREATER_EQUAL", op);
  filter->filter.require(array_arg(values, n, f, "values"), static_cast<crmkit::geo_compare>(op), threshold);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_filter_count(const crmkit_geo_filter* filter, size_t* out_count) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(filter, out_count);
  *out_count = filter->filter.count();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_result_sizes(const crmkit_geo_result* result, size_t* out_n_queries, size_t* out_n_hits) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(result, out_n_queries, out_n_hits);
  *out_n_queries = result->offsets.empty() ? 0 : result->offsets.size() - 1;
  *out_n_hits = result->ids.size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_result_copy(const crmkit_geo_result* result, int64_t* out_offsets, size_t offsets_cap,
                                      int32_t* out_ids, double* out_distances_m, size_t hits_cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(result);
  if (out_offsets != nullptr) check_capacity(offsets_cap, result->offsets.size(), __func__, "offsets_cap");
  if (out_ids != nullptr || out_distances_m != nullptr) check_capacity(hits_cap, result->ids.size(), __func__, "hits_cap");
  if (out_offsets != nullptr)
    for (std::size_t i = 0; i < result->offsets.size(); ++i) out_offsets[i] = static_cast<std::int64_t>(result->offsets[i]);
  if (out_ids != nullptr) std::copy(result->ids.begin(), result->ids.end(), out_ids);
  if (out_distances_m != nullptr) {
    if (result->distances_m.size() == result->ids.size()) {
      std::copy(result->distances_m.begin(), result->distances_m.end(), out_distances_m);
    } else {
      std::fill(out_distances_m, out_distances_m + result->ids.size(), std::numeric_limits<double>::quiet_NaN());
    }
  }
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_geo_result_free(crmkit_geo_result* result) { delete result; }

// ---------------------------------------------------------------------------------------
// Reps

CRMKIT_API int crmkit_geo_reps_create(const double* lon, const double* lat, size_t n, const char* const* territories,
                                      crmkit_geo_reps** out) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  CRMKIT_CLEAR_OUT(out);
  std::vector<crmkit::territory> areas;
  if (territories != nullptr) {
    areas.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (territories[i] == nullptr || territories[i][0] == '\0') continue;
      try {
        areas[i] = crmkit::territory::parse(territories[i]);
      } catch (const error& e) {
        throw error(e.code(), fmt::format("{}: territory of rep {}: {}", f, i, e.what()));
      }
    }
  }
  *out = new crmkit_geo_reps{crmkit::rep_roster(array_arg(lon, n, f, "lon"), array_arg(lat, n, f, "lat"), std::move(areas))};
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_geo_reps_free(crmkit_geo_reps* reps) { delete reps; }

CRMKIT_API int crmkit_geo_reps_size(const crmkit_geo_reps* reps, size_t* out_n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(reps, out_n);
  *out_n = reps->roster.size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_reps_set_available(crmkit_geo_reps* reps, size_t rep, int32_t available) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(reps);
  reps->roster.set_available(rep, available != 0);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_reps_available(const crmkit_geo_reps* reps, int32_t* out_available, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(reps);
  check_capacity(cap, reps->roster.size(), __func__);
  if (out_available == nullptr && reps->roster.size() > 0) throw_null(__func__, "out_available");
  for (std::size_t r = 0; r < reps->roster.size(); ++r) out_available[r] = reps->roster.available(r) ? 1 : 0;
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_reps_nearest(const crmkit_geo_reps* reps, const double* lon, const double* lat, size_t m,
                                       size_t k, double max_distance_m, int32_t flags, int32_t n_threads,
                                       int32_t* out_ids, double* out_distances_m) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  CRMKIT_CHECK_NOT_NULL(reps);
  if (out_ids == nullptr && m > 0) throw_null(f, "out_ids");
  const auto o = rep_options(max_distance_m, flags, f);
  check_threads(n_threads, f);
  const crmkit::geo_neighbors near = reps->roster.nearest_available_batch(
      array_arg(lon, m, f, "lon"), array_arg(lat, m, f, "lat"), k, o, static_cast<std::size_t>(n_threads));
  std::copy(near.ids.begin(), near.ids.end(), out_ids);
  if (out_distances_m != nullptr) std::copy(near.distances_m.begin(), near.distances_m.end(), out_distances_m);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_reps_assign(const crmkit_geo_reps* reps, const double* lon, const double* lat, size_t m,
                                      const int32_t* capacity, double max_distance_m, int32_t flags, int32_t* out_rep,
                                      double* out_distances_m, int32_t* out_load, size_t* out_n_unassigned) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  CRMKIT_CHECK_NOT_NULL(reps);
  if (out_rep == nullptr && m > 0) throw_null(f, "out_rep");
  const std::size_t n_reps = reps->roster.size();
  const auto o = rep_options(max_distance_m, flags, f);
  if (capacity == nullptr && n_reps > 0) throw_null(f, "capacity");
  const auto plan = reps->roster.assign(array_arg(lon, m, f, "lon"), array_arg(lat, m, f, "lat"),
                                        std::span<const std::int32_t>(capacity, n_reps), o);
  std::copy(plan.rep.begin(), plan.rep.end(), out_rep);
  if (out_distances_m != nullptr) std::copy(plan.distance_m.begin(), plan.distance_m.end(), out_distances_m);
  if (out_load != nullptr) std::copy(plan.load.begin(), plan.load.end(), out_load);
  put(out_n_unassigned, plan.n_unassigned);
  CRMKIT_API_END();
}

// ---------------------------------------------------------------------------------------
// Tracks

CRMKIT_C_CREATE_FREE(crmkit_geo_track_options)
CRMKIT_C_OPTIONS(crmkit_geo_track_options, options)

CRMKIT_API int crmkit_geo_track_analyze(const int64_t* time, const double* lon, const double* lat, size_t n,
                                        const crmkit_geo_index* customers, const crmkit_geo_track_options* options,
                                        crmkit_geo_track** out) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  CRMKIT_CLEAR_OUT(out);
  if (time == nullptr && n > 0) throw_null(f, "time");
  const crmkit::track_options defaults;
  auto t = std::make_unique<crmkit_geo_track>();
  t->n_fixes = n;
  t->summary = crmkit::analyze_track(std::span<const std::int64_t>(time, n), array_arg(lon, n, f, "lon"),
                                     array_arg(lat, n, f, "lat"), customers == nullptr ? nullptr : &customers->index,
                                     options == nullptr ? defaults : options->options);
  *out = t.release();
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_geo_track_free(crmkit_geo_track* track) { delete track; }

CRMKIT_API int crmkit_geo_track_summary(const crmkit_geo_track* track, size_t* out_n_fixes, double* out_distance_m,
                                        size_t* out_n_dropped, size_t* out_n_stops, size_t* out_n_visits,
                                        int64_t* out_time_at_customers_s) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(track);
  const auto& s = track->summary;
  put(out_n_fixes, track->n_fixes, out_distance_m, s.distance_m, out_n_dropped, s.n_dropped,
      out_n_stops, s.stops.size(), out_n_visits, s.n_visits, out_time_at_customers_s, s.time_at_customers_s);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_track_kept(const crmkit_geo_track* track, int32_t* out_kept, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(track);
  check_capacity(cap, track->summary.kept.size(), __func__);
  if (out_kept == nullptr && track->n_fixes > 0) throw_null(__func__, "out_kept");
  std::copy(track->summary.kept.begin(), track->summary.kept.end(), out_kept);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_track_stops(const crmkit_geo_track* track, int64_t* out_first, int64_t* out_last,
                                      int64_t* out_start, int64_t* out_end, double* out_lon, double* out_lat,
                                      int32_t* out_customer, double* out_customer_distance_m, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(track);
  const auto& stops = track->summary.stops;
  check_capacity(cap, stops.size(), __func__);
  CRMKIT_COPY_FIELD(out_first, stops, first);
  CRMKIT_COPY_FIELD(out_last, stops, last);
  copy_visits(stops, out_start, out_end, out_lon, out_lat, out_customer, out_customer_distance_m);
  CRMKIT_API_END();
}

// ---------------------------------------------------------------------------------------
// Density grids

CRMKIT_API int crmkit_geo_grid_create(const double* lon, const double* lat, const double* values, size_t n,
                                      double cell_deg, double min_lon, double min_lat, double max_lon, double max_lat,
                                      crmkit_geo_grid** out) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  CRMKIT_CLEAR_OUT(out);
  crmkit::density_grid_options o;
  o.cell_deg = cell_deg;
  o.bounds = {min_lon, min_lat, max_lon, max_lat};
  const std::span<const double> v = values == nullptr ? std::span<const double>() : std::span<const double>(values, n);
  *out = new crmkit_geo_grid{crmkit::grid_density(array_arg(lon, n, f, "lon"), array_arg(lat, n, f, "lat"), v, o)};
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_geo_grid_free(crmkit_geo_grid* grid) { delete grid; }

CRMKIT_API int crmkit_geo_grid_sizes(const crmkit_geo_grid* grid, size_t* out_n_lon, size_t* out_n_lat,
                                     size_t* out_n_outside, size_t* out_n_unlocated) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(grid);
  const auto& g = grid->grid;
  put(out_n_lon, g.n_lon, out_n_lat, g.n_lat, out_n_outside, g.n_outside, out_n_unlocated, g.n_unlocated);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_grid_cells(const crmkit_geo_grid* grid, int64_t* out_count, double* out_sum,
                                     double* out_mean, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(grid);
  const auto& g = grid->grid;
  check_capacity(cap, g.count.size(), __func__);
  const bool has_values = !g.value_sum.empty();
  for (std::size_t i = 0; i < g.count.size(); ++i) {
    if (out_count != nullptr) out_count[i] = g.count[i];
    if (out_sum != nullptr) out_sum[i] = has_values ? g.value_sum[i] : std::numeric_limits<double>::quiet_NaN();
    if (out_mean != nullptr) out_mean[i] = g.mean(i);
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_grid_geojson(const crmkit_geo_grid* grid, int64_t min_count, char* buf, size_t cap,
                                       size_t* out_needed) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  CRMKIT_CHECK_NOT_NULL(grid, out_needed);
  copy_out(grid->grid.to_geojson(min_count_of(min_count, f)), buf, cap, out_needed, f);
  CRMKIT_API_END();
}

// ---------------------------------------------------------------------------------------
// Coordinate systems and distances

CRMKIT_API int crmkit_geo_convert(int32_t from, int32_t to, const double* lon, const double* lat, size_t n,
                                  double* out_lon, double* out_lat) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  crmkit::convert_coordinates(static_cast<crmkit::coordinate_system>(from), static_cast<crmkit::coordinate_system>(to),
                              array_arg(lon, n, f, "lon"), array_arg(lat, n, f, "lat"), array_arg(out_lon, n, f, "out_lon"),
                              array_arg(out_lat, n, f, "out_lat"), f);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_distance(const double* lon1, const double* lat1, const double* lon2, const double* lat2,
                                   size_t n, int32_t method, double* out_m) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  crmkit::pair_distances_m(array_arg(lon1, n, f, "lon1"), array_arg(lat1, n, f, "lat1"), array_arg(lon2, n, f, "lon2"),
                           array_arg(lat2, n, f, "lat2"), static_cast<crmkit::distance_method>(method),
                           array_arg(out_m, n, f, "out_m"), f);
  CRMKIT_API_END();
}


// ---------------------------------------------------------------------------------------
// Geohash cells

CRMKIT_API int crmkit_geo_geohash_encode(const double* lon, const double* lat, size_t n, int32_t precision, char* out) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  if (out == nullptr && n > 0) throw_null(f, "out");
  // The C contract: `out` holds n * (precision + 1) bytes (a precision out of range fails first).
  const std::size_t stride = precision >= 1 && precision <= crmkit::geohash_max_precision
                                 ? static_cast<std::size_t>(precision) + 1 : 0;
  crmkit::geohash_encode_into(array_arg(lon, n, f, "lon"), array_arg(lat, n, f, "lat"), precision,
                              std::span<char>(out, n * stride), f);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_geohash_decode(const char* hash, double* out_min_lon, double* out_min_lat, double* out_max_lon,
                                         double* out_max_lat) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(hash, out_min_lon, out_min_lat, out_max_lon, out_max_lat);
  const crmkit::geohash_box b = crmkit::geohash_decode(hash);
  *out_min_lon = b.min_lon;
  *out_min_lat = b.min_lat;
  *out_max_lon = b.max_lon;
  *out_max_lat = b.max_lat;
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_geohash_grid_create(const double* lon, const double* lat, size_t n, const double* values,
                                              size_t n_values, int32_t precision, crmkit_geo_geohash_grid** out) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  CRMKIT_CLEAR_OUT(out);
  if (values == nullptr && n > 0 && n_values > 0) throw_null(f, "values");
  // The C++ side takes one span per column; the C input is row-major: transpose once.
  std::vector<std::vector<double>> columns(n_values, std::vector<double>(n));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t c = 0; c < n_values; ++c) columns[c][i] = values[i * n_values + c];
  std::vector<std::span<const double>> spans(columns.begin(), columns.end());
  auto g = std::make_unique<crmkit_geo_geohash_grid>();
  g->n_points = n;
  g->grid = crmkit::geohash_grid(array_arg(lon, n, f, "lon"), array_arg(lat, n, f, "lat"), spans, precision);
  *out = g.release();
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_geo_geohash_grid_free(crmkit_geo_geohash_grid* grid) { delete grid; }

CRMKIT_API int crmkit_geo_geohash_grid_sizes(const crmkit_geo_geohash_grid* grid, size_t* out_n_cells,
                                             size_t* out_n_values, size_t* out_n_points, size_t* out_n_unlocated,
                                             int32_t* out_precision) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(grid);
  const auto& g = grid->grid;
  put(out_n_cells, g.cells.size(), out_n_values, g.value_sum.size(), out_n_points, grid->n_points,
      out_n_unlocated, g.n_unlocated, out_precision, g.precision);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_geohash_grid_cells(const crmkit_geo_geohash_grid* grid, char* out_hashes, int64_t* out_count,
                                             double* out_sum, double* out_mean, double* out_box, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(grid);
  const auto& g = grid->grid;
  check_capacity(cap, g.cells.size(), __func__);
  const std::size_t stride = static_cast<std::size_t>(g.precision) + 1, n_values = g.value_sum.size();
  for (std::size_t i = 0; i < g.cells.size(); ++i) {
    if (out_hashes != nullptr) {
      char* slot = out_hashes + i * stride;
      std::copy(g.cells[i].begin(), g.cells[i].end(), slot);
      slot[g.cells[i].size()] = '\0';
    }
    if (out_count != nullptr) out_count[i] = g.count[i];
    for (std::size_t c = 0; c < n_values; ++c) {
      if (out_sum != nullptr) out_sum[i * n_values + c] = g.value_sum[c][i];
      if (out_mean != nullptr) out_mean[i * n_values + c] = g.mean(c, i);
    }
    if (out_box != nullptr) {
      const crmkit::geohash_box b = g.box(i);
      out_box[4 * i] = b.min_lon;
      out_box[4 * i + 1] = b.min_lat;
      out_box[4 * i + 2] = b.max_lon;
      out_box[4 * i + 3] = b.max_lat;
    }
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_geohash_grid_point_cells(const crmkit_geo_geohash_grid* grid, int32_t* out_cell, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(grid);
  check_capacity(cap, grid->grid.point_cell.size(), __func__);
  if (out_cell == nullptr && !grid->grid.point_cell.empty()) throw_null(__func__, "out_cell");
  std::copy(grid->grid.point_cell.begin(), grid->grid.point_cell.end(), out_cell);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_geohash_grid_geojson(const crmkit_geo_geohash_grid* grid, int64_t min_count, char* buf,
                                               size_t cap, size_t* out_needed) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  CRMKIT_CHECK_NOT_NULL(grid, out_needed);
  copy_out(grid->grid.to_geojson(min_count_of(min_count, f)), buf, cap, out_needed, f);
  CRMKIT_API_END();
}

// ---------------------------------------------------------------------------------------
// Coverage

CRMKIT_API int crmkit_geo_coverage_compute(const int64_t* time, const double* lon, const double* lat,
                                           const int64_t* track_offsets, size_t n_tracks, const int32_t* assigned,
                                           size_t n_assigned, const crmkit_geo_index* customers,
                                           const int64_t* next_due, const int32_t* frequency_days,
                                           int64_t period_start, int64_t period_end, int64_t utc_offset_s,
                                           int64_t max_gap_s, const crmkit_geo_track_options* track_options,
                                           crmkit_geo_coverage** out) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(track_offsets, customers);
  if (assigned == nullptr && n_assigned > 0) throw_null(f, "assigned");
  if (track_offsets[0] != 0) fail(f, "track_offsets[0] = {} must be 0", track_offsets[0]);
  for (std::size_t t = 0; t < n_tracks; ++t)
    if (track_offsets[t + 1] < track_offsets[t])
      fail(f, "track_offsets decrease at track {} ({} after {})", t, track_offsets[t + 1], track_offsets[t]);
  const auto n_fixes = static_cast<std::size_t>(track_offsets[n_tracks]);
  if (time == nullptr && n_fixes > 0) throw_null(f, "time");
  const std::span<const std::int64_t> all_t(time, n_fixes);
  const auto all_x = array_arg(lon, n_fixes, f, "lon"), all_y = array_arg(lat, n_fixes, f, "lat");
  std::vector<crmkit::gps_track> tracks(n_tracks);
  for (std::size_t t = 0; t < n_tracks; ++t) {
    const auto b = static_cast<std::size_t>(track_offsets[t]);
    const auto len = static_cast<std::size_t>(track_offsets[t + 1]) - b;
    tracks[t] = {all_t.subspan(b, len), all_x.subspan(b, len), all_y.subspan(b, len)};
  }
  crmkit::visit_schedule schedule;
  if (next_due != nullptr) schedule.next_due = {next_due, n_assigned};
  if (frequency_days != nullptr) schedule.frequency_days = {frequency_days, n_assigned};
  crmkit::coverage_options o;
  o.period_start = period_start;
  o.period_end = period_end;
  o.utc_offset_s = utc_offset_s;
  o.max_gap_s = max_gap_s;
  if (track_options != nullptr) o.track = track_options->options;
  auto c = std::make_unique<crmkit_geo_coverage>();
  c->coverage = crmkit::compute_rep_coverage(tracks, std::span<const std::int32_t>(assigned, n_assigned),
                                             &customers->index, schedule, o);
  *out = c.release();
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_geo_coverage_free(crmkit_geo_coverage* coverage) { delete coverage; }

CRMKIT_API int crmkit_geo_coverage_summary(const crmkit_geo_coverage* coverage, size_t* out_n_assigned,
                                           size_t* out_n_covered, double* out_share_covered, size_t* out_n_days,
                                           size_t* out_n_visits, size_t* out_n_due_not_visited) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(coverage);
  const auto& c = coverage->coverage;
  put(out_n_assigned, c.customers.size(), out_n_covered, c.n_covered, out_share_covered, c.share_covered,
      out_n_days, c.days.size(), out_n_visits, c.visits.size());
  if (out_n_due_not_visited != nullptr) {
    std::size_t total = 0;
    for (const auto& d : c.days) total += d.due_not_visited.size();
    *out_n_due_not_visited = total;
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_coverage_customers(const crmkit_geo_coverage* coverage, int32_t* out_customer,
                                             int64_t* out_n_visits, int64_t* out_last_visit, int64_t* out_time_at_s, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(coverage);
  const auto& cs = coverage->coverage.customers;
  check_capacity(cap, cs.size(), __func__);
  CRMKIT_COPY_FIELD(out_customer, cs, customer);
  CRMKIT_COPY_FIELD(out_n_visits, cs, n_visits);
  CRMKIT_COPY_FIELD(out_last_visit, cs, last_visit);
  CRMKIT_COPY_FIELD(out_time_at_s, cs, time_at_s);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_coverage_days(const crmkit_geo_coverage* coverage, int64_t* out_day, int64_t* out_day_start,
                                        double* out_distance_m, int64_t* out_n_visits, int64_t* out_n_assigned_visits,
                                        int64_t* out_time_at_customers_s, int64_t* out_n_due,
                                        int64_t* out_due_offsets, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(coverage);
  const auto& days = coverage->coverage.days;
  check_capacity(cap, days.size(), __func__);  // out_due_offsets holds cap + 1
  std::int64_t offset = 0;
  if (out_due_offsets != nullptr) out_due_offsets[0] = 0;
  for (std::size_t d = 0; d < days.size(); ++d) {
    const auto& r = days[d];
    if (out_day != nullptr) out_day[d] = r.day;
    if (out_day_start != nullptr) out_day_start[d] = r.day_start;
    if (out_distance_m != nullptr) out_distance_m[d] = r.distance_m;
    if (out_n_visits != nullptr) out_n_visits[d] = r.n_visits;
    if (out_n_assigned_visits != nullptr) out_n_assigned_visits[d] = r.n_assigned_visits;
    if (out_time_at_customers_s != nullptr) out_time_at_customers_s[d] = r.time_at_customers_s;
    if (out_n_due != nullptr) out_n_due[d] = r.n_due;
    offset += static_cast<std::int64_t>(r.due_not_visited.size());
    if (out_due_offsets != nullptr) out_due_offsets[d + 1] = offset;
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_coverage_due_not_visited(const crmkit_geo_coverage* coverage, int32_t* out_ids, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(coverage);
  std::size_t needed = 0;
  for (const auto& d : coverage->coverage.days) needed += d.due_not_visited.size();
  check_capacity(cap, needed, __func__);
  std::size_t k = 0;
  for (const auto& d : coverage->coverage.days) {
    if (out_ids == nullptr && !d.due_not_visited.empty()) throw_null(__func__, "out_ids");
    for (const std::int32_t id : d.due_not_visited) out_ids[k++] = id;
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_coverage_visits(const crmkit_geo_coverage* coverage, int64_t* out_start, int64_t* out_end,
                                          double* out_lon, double* out_lat, int32_t* out_customer,
                                          double* out_customer_distance_m, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(coverage);
  const auto& v = coverage->coverage.visits;
  check_capacity(cap, v.size(), __func__);
  copy_visits(v, out_start, out_end, out_lon, out_lat, out_customer, out_customer_distance_m);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_index_from_dataset(const crmkit_dataset* dataset, double earth_radius_m, int32_t flags,
                                             crmkit_geo_index** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(dataset);
  auto index = crmkit::geo_index::from_customers(dataset->data.customers(), index_options(earth_radius_m, flags, __func__));
  *out = new crmkit_geo_index{std::move(index)};
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_reps_nearest_from_dataset(const crmkit_geo_reps* reps, const crmkit_dataset* dataset,
                                                    size_t k, double max_distance_m, int32_t flags,
                                                    int32_t n_threads, crmkit_table** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(reps, dataset);
  check_threads(n_threads, __func__);
  crmkit::geo_location_report report;
  auto table = crmkit::nearest_reps(reps->roster, dataset->data.customers(), k,
                                    rep_options(max_distance_m, flags, __func__), static_cast<std::size_t>(n_threads),
                                    &report);
  *out = table_with_report(std::move(table), report);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_reps_assign_from_dataset(const crmkit_geo_reps* reps, const crmkit_dataset* dataset,
                                                   const int32_t* capacity, size_t n_capacity, double max_distance_m,
                                                   int32_t flags, crmkit_table** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(reps, dataset);
  if (capacity == nullptr && n_capacity > 0) throw_null(__func__, "capacity");
  crmkit::geo_location_report report;
  crmkit::rep_assignment plan;
  auto table = crmkit::assign_reps(reps->roster, dataset->data.customers(), {capacity, n_capacity},
                                   rep_options(max_distance_m, flags, __func__), &plan, &report);
  *out = table_with_report(std::move(table), report,
                           fmt::format(R"(, "n_unassigned": {}, "load": [{}])", plan.n_unassigned,
                                       fmt::join(plan.load, ", ")));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_territories_from_dataset(const crmkit_dataset* dataset,
                                                   const crmkit_geo_territory* const* territories,
                                                   const char* const* names, size_t n, int32_t n_threads,
                                                   crmkit_table** out) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(dataset);
  if (n > 0 && territories == nullptr) throw_null(f, "territories");
  if (n > 0 && names == nullptr) throw_null(f, "names");
  check_threads(n_threads, f);
  std::vector<crmkit::territory> areas;
  std::vector<std::string> labels;
  for (std::size_t t = 0; t < n; ++t) {
    if (territories[t] == nullptr) throw_null(f, fmt::format("territories[{}]", t).c_str());
    if (names[t] == nullptr) throw_null(f, fmt::format("names[{}]", t).c_str());
    areas.push_back(territories[t]->area);
    labels.emplace_back(names[t]);
  }
  crmkit::geo_location_report report;
  auto table = crmkit::customer_territories(dataset->data.customers(), areas, labels,
                                            static_cast<std::size_t>(n_threads), &report);
  *out = table_with_report(std::move(table), report);
  CRMKIT_API_END();
}

}  // extern "C"

