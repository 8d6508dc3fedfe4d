// crmkit/c/geo.h: the geo index, filter and result handles over crmkit/geo/geo_index.hpp.
#include <cmath>
#include <limits>
#include <span>
#include <string_view>

#include "c_api_internal.hpp"
#include "crmkit/geo/geo_index.hpp"

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

namespace {

using crmkit::errc;
using crmkit::error;

std::span<const double> as_span(const double* p, std::size_t n, const char* function, const char* name) {
  if (p == nullptr && n > 0) crmkit::capi::throw_null(function, name);
  return {p, n};
}

crmkit::geo_query_options query_options(const crmkit_geo_filter* filter, std::int32_t order, std::int32_t n_threads,
                                        const char* function) {
  crmkit::geo_query_options q;
  q.filter = filter == nullptr ? nullptr : &filter->filter;
  switch (order) {
    case CRMKIT_GEO_ORDER_NONE: q.order = crmkit::geo_order::none; break;
    case CRMKIT_GEO_ORDER_DISTANCE: q.order = crmkit::geo_order::by_distance; break;
    case CRMKIT_GEO_ORDER_INDEX: q.order = crmkit::geo_order::by_index; break;
    default:
      throw error(errc::invalid_argument,
                  fmt::format("{}: order {} is not one of CRMKIT_GEO_ORDER_NONE/_DISTANCE/_INDEX", function, order));
  }
  if (n_threads < 1) throw error(errc::invalid_argument, fmt::format("{}: n_threads = {} must be >= 1", function, n_threads));
  q.n_threads = static_cast<std::size_t>(n_threads);
  return q;
}

crmkit_geo_result* single_row(std::vector<std::int32_t> ids) {
  auto* r = new crmkit_geo_result();
  r->offsets = {0, ids.size()};
  r->ids = std::move(ids);
  return r;
}

}  // namespace

extern "C" {

CRMKIT_API int crmkit_geo_index_create(const double* lon, const double* lat, size_t n, double earth_radius_m,
                                       int32_t flags, crmkit_geo_index** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  *out = nullptr;
  const char* f = __func__;
  if ((flags & ~CRMKIT_GEO_NORMALIZE_LONGITUDE) != 0)
    throw error(errc::invalid_argument, fmt::format("{}: unknown flags {}", f, flags));
  crmkit::geo_index_options o;
  if (earth_radius_m != 0.0) o.earth_radius_m = earth_radius_m;
  o.normalize_longitude = (flags & CRMKIT_GEO_NORMALIZE_LONGITUDE) != 0;
  *out = new crmkit_geo_index{crmkit::geo_index(as_span(lon, n, f, "lon"), as_span(lat, n, f, "lat"), o)};
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_geo_index_free(crmkit_geo_index* index) { delete index; }

CRMKIT_API int crmkit_geo_index_size(const crmkit_geo_index* index, size_t* out_n, size_t* out_n_located) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(index);
  CRMKIT_CHECK_NOT_NULL(out_n);
  CRMKIT_CHECK_NOT_NULL(out_n_located);
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
  if (out_counts == nullptr && m > 0) crmkit::capi::throw_null(f, "out_counts");
  const auto q = query_options(filter, CRMKIT_GEO_ORDER_NONE, n_threads, f);
  const auto counts = index->index.count_within_batch(as_span(lon, m, f, "lon"), as_span(lat, m, f, "lat"), radius_m, q);
  for (std::size_t i = 0; i < m; ++i) out_counts[i] = static_cast<std::int64_t>(counts[i]);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_index_within(const crmkit_geo_index* index, const double* lon, const double* lat, size_t m,
                                       double radius_m, const crmkit_geo_filter* filter, int32_t order,
                                       int32_t n_threads, crmkit_geo_result** out) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  CRMKIT_CHECK_NOT_NULL(out);
  *out = nullptr;
  CRMKIT_CHECK_NOT_NULL(index);
  const auto q = query_options(filter, order, n_threads, f);
  auto hits = index->index.within_batch(as_span(lon, m, f, "lon"), as_span(lat, m, f, "lat"), radius_m, q);
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
  if (out_ids == nullptr && m > 0) crmkit::capi::throw_null(f, "out_ids");
  if (k > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw error(errc::invalid_argument, fmt::format("{}: k = {} is too large", f, k));
  const auto q = query_options(filter, CRMKIT_GEO_ORDER_DISTANCE, n_threads, f);
  const auto nn = index->index.nearest_batch(as_span(lon, m, f, "lon"), as_span(lat, m, f, "lat"), k, q);
  std::copy(nn.ids.begin(), nn.ids.end(), out_ids);
  if (out_distances_m != nullptr) std::copy(nn.distances_m.begin(), nn.distances_m.end(), out_distances_m);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_index_in_box(const crmkit_geo_index* index, double min_lon, double min_lat, double max_lon,
                                       double max_lat, const crmkit_geo_filter* filter, int32_t order,
                                       crmkit_geo_result** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  *out = nullptr;
  CRMKIT_CHECK_NOT_NULL(index);
  const auto q = query_options(filter, order, 1, __func__);
  *out = single_row(index->index.in_box(min_lon, min_lat, max_lon, max_lat, q));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_index_in_territory(const crmkit_geo_index* index, const char* territory,
                                             const crmkit_geo_filter* filter, int32_t order, crmkit_geo_result** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  *out = nullptr;
  CRMKIT_CHECK_NOT_NULL(index);
  CRMKIT_CHECK_NOT_NULL(territory);
  const auto q = query_options(filter, order, 1, __func__);
  *out = single_row(index->index.in_territory(crmkit::territory::parse(territory), q));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_territory_contains(const char* territory, const double* lon, const double* lat, size_t n,
                                             int32_t n_threads, int32_t* out_inside) {
  CRMKIT_API_BEGIN();
  const char* f = __func__;
  CRMKIT_CHECK_NOT_NULL(territory);
  if (out_inside == nullptr && n > 0) crmkit::capi::throw_null(f, "out_inside");
  if (n_threads < 1) throw error(errc::invalid_argument, fmt::format("{}: n_threads = {} must be >= 1", f, n_threads));
  const auto area = crmkit::territory::parse(territory);
  const auto mask = area.contains(as_span(lon, n, f, "lon"), as_span(lat, n, f, "lat"), static_cast<std::size_t>(n_threads));
  for (std::size_t i = 0; i < n; ++i) out_inside[i] = mask[i];
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_filter_create(size_t n, crmkit_geo_filter** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  *out = nullptr;
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
    throw error(errc::invalid_argument, fmt::format("{}: op {} is not one of CRMKIT_GEO_EQUAL .. CRMKIT_GEO_GREATER_EQUAL", f, op));
  filter->filter.require(as_span(values, n, f, "values"), static_cast<crmkit::geo_compare>(op), threshold);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_filter_count(const crmkit_geo_filter* filter, size_t* out_count) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(filter);
  CRMKIT_CHECK_NOT_NULL(out_count);
  *out_count = filter->filter.count();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_result_sizes(const crmkit_geo_result* result, size_t* out_n_queries, size_t* out_n_hits) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(result);
  CRMKIT_CHECK_NOT_NULL(out_n_queries);
  CRMKIT_CHECK_NOT_NULL(out_n_hits);
  *out_n_queries = result->offsets.empty() ? 0 : result->offsets.size() - 1;
  *out_n_hits = result->ids.size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_geo_result_copy(const crmkit_geo_result* result, int64_t* out_offsets, int32_t* out_ids,
                                      double* out_distances_m) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(result);
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

}  // extern "C"
