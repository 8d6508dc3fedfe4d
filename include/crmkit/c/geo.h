/**
 * @file crmkit/c/geo.h
 * C ABI of crmkit's geospatial queries (C++: crmkit/geo/geo_index.hpp and
 * crmkit/geo/territory.hpp, whose docs define the semantics): a spatial index over
 * customer locations with radius, k-nearest, bounding-box and territory (WKT/GeoJSON)
 * queries, exact great-circle distances in metres on a sphere (mean Earth radius
 * 6,371,008.8 m by default), attribute filters, and batched threaded queries whose output
 * does not depend on the thread count.
 *
 * `#include <crmkit/crmkit.h>` (which includes this header) and link `libcrmkit.so`.
 *
 * Thread safety: a built crmkit_geo_index is immutable: concurrent queries on one index
 * are safe. A crmkit_geo_filter is not synchronized while being built (crmkit_geo_filter_require);
 * once built it may be shared by concurrent queries. crmkit_geo_result handles are
 * independent values. crmkit_geo_territory_contains is stateless; safe.
 *
 * Buffers: inputs are borrowed for the call only (the index copies the coordinates);
 * outputs are caller-allocated with the sizes documented per function, or returned in a
 * crmkit_geo_result handle the caller frees.
 *
 * @code
 * crmkit_geo_index* index = NULL;
 * if (crmkit_geo_index_create(lon, lat, n, 0.0, 0, &index) != CRMKIT_OK) {
 *   fprintf(stderr, "%s\n", crmkit_last_error());
 *   return 1;
 * }
 * double qlon = 2.35, qlat = 48.86;
 * crmkit_geo_result* hits = NULL;
 * if (crmkit_geo_index_within(index, &qlon, &qlat, 1, 5000.0, NULL, CRMKIT_GEO_ORDER_DISTANCE, 1, &hits) == CRMKIT_OK) {
 *   size_t n_queries, n_hits;
 *   crmkit_geo_result_sizes(hits, &n_queries, &n_hits);
 *   int32_t* ids = malloc(n_hits * sizeof *ids + 1);
 *   double* metres = malloc(n_hits * sizeof *metres + 1);
 *   crmkit_geo_result_copy(hits, NULL, ids, metres);
 *   free(ids); free(metres);
 * }
 * crmkit_geo_result_free(hits);
 * crmkit_geo_index_free(index);
 * @endcode
 */
#ifndef CRMKIT_C_GEO_H
#define CRMKIT_C_GEO_H

#include "crmkit/crmkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A spatial index over points (longitude, latitude). Opaque. */
typedef struct crmkit_geo_index crmkit_geo_index;
/** A row mask over an index's points, built from attribute columns. Opaque. */
typedef struct crmkit_geo_filter crmkit_geo_filter;
/** Query results in compressed rows (offsets, ids, distances). Opaque. */
typedef struct crmkit_geo_result crmkit_geo_result;

/* Flags of crmkit_geo_index_create. */
/** Wrap longitudes outside [-180, 180] into it (points and queries) instead of rejecting them. */
#define CRMKIT_GEO_NORMALIZE_LONGITUDE 1

/* Result orders (crmkit_geo_index_within, _in_box, _in_territory). */
/** The index's internal order: deterministic for a given index, fastest. */
#define CRMKIT_GEO_ORDER_NONE 0
/** Ascending distance, ties by index (box/territory queries: as CRMKIT_GEO_ORDER_INDEX). */
#define CRMKIT_GEO_ORDER_DISTANCE 1
/** Ascending index. */
#define CRMKIT_GEO_ORDER_INDEX 2

/* Comparisons of crmkit_geo_filter_require (`value op threshold`; NaN values never pass). */
#define CRMKIT_GEO_EQUAL 0
#define CRMKIT_GEO_NOT_EQUAL 1
#define CRMKIT_GEO_LESS 2
#define CRMKIT_GEO_LESS_EQUAL 3
#define CRMKIT_GEO_GREATER 4
#define CRMKIT_GEO_GREATER_EQUAL 5

/**
 * Builds an index over n points; point i has id i. Rows with NaN in both coordinates
 * have no location and are never returned. The coordinates are copied. Memory: about
 * 64 bytes per located point.
 * @param lon longitudes in degrees, [-180, 180] (or any finite value with CRMKIT_GEO_NORMALIZE_LONGITUDE)
 * @param lat latitudes in degrees, [-90, 90]
 * @param earth_radius_m sphere radius in metres; 0 selects the mean Earth radius 6,371,008.8 m
 * @param flags 0 or CRMKIT_GEO_NORMALIZE_LONGITUDE
 * @param[out] out receives the index (NULL on failure); release it with crmkit_geo_index_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer with n > 0, a coordinate out of
 *         range, infinite or NaN in only one of the pair: the message names the row; a
 *         negative radius; unknown flags); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_geo_index_create(const double* lon, const double* lat, size_t n, double earth_radius_m,
                                       int32_t flags, crmkit_geo_index** out);

/** Releases an index. Accepts NULL. */
CRMKIT_API void crmkit_geo_index_free(crmkit_geo_index* index);

/**
 * The number of points (ids are 0 .. n - 1) and how many have a location.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer).
 */
CRMKIT_API int crmkit_geo_index_size(const crmkit_geo_index* index, size_t* out_n, size_t* out_n_located);

/**
 * Counts the points within radius_m metres (boundary included) of each of m query points.
 * @param filter NULL, or a filter over exactly the index's size() rows
 * @param n_threads >= 1 (1 = the caller's thread); counts do not depend on it
 * @param[out] out_counts m counts
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, invalid query point: the
 *         message names it, negative or NaN radius, n_threads < 1, filter size mismatch).
 */
CRMKIT_API int crmkit_geo_index_count_within(const crmkit_geo_index* index, const double* lon, const double* lat,
                                             size_t m, double radius_m, const crmkit_geo_filter* filter,
                                             int32_t n_threads, int64_t* out_counts);

/**
 * The points within radius_m metres of each of m query points, with their distances.
 * @param order CRMKIT_GEO_ORDER_NONE, _DISTANCE or _INDEX (per query row)
 * @param[out] out receives a result with m rows (NULL on failure); free it with crmkit_geo_result_free().
 * @return as crmkit_geo_index_count_within(); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_geo_index_within(const crmkit_geo_index* index, const double* lon, const double* lat, size_t m,
                                       double radius_m, const crmkit_geo_filter* filter, int32_t order,
                                       int32_t n_threads, crmkit_geo_result** out);

/**
 * The k nearest points to each of m query points, closest first, ties by smaller id.
 * @param[out] out_ids m * k ids, row-major; -1 pads a row when fewer than k points are eligible
 * @param[out] out_distances_m m * k distances in metres (NaN where the id is -1); may be NULL
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (k < 1, NULL pointer, invalid query point,
 *         n_threads < 1, filter size mismatch).
 */
CRMKIT_API int crmkit_geo_index_nearest(const crmkit_geo_index* index, const double* lon, const double* lat, size_t m,
                                        size_t k, const crmkit_geo_filter* filter, int32_t n_threads,
                                        int32_t* out_ids, double* out_distances_m);

/**
 * The points with min_lat <= lat <= max_lat and min_lon <= lon <= max_lon; when
 * min_lon > max_lon the box crosses the antimeridian. The result has one row and no distances.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (out of range, min_lat > max_lat, NULL pointer).
 */
CRMKIT_API int crmkit_geo_index_in_box(const crmkit_geo_index* index, double min_lon, double min_lat, double max_lon,
                                       double max_lat, const crmkit_geo_filter* filter, int32_t order,
                                       crmkit_geo_result** out);

/**
 * The points inside a territory given as WKT (POLYGON/MULTIPOLYGON) or GeoJSON (Polygon,
 * MultiPolygon, Feature, FeatureCollection), UTF-8, NUL-terminated. One row, no distances.
 * @return CRMKIT_OK; CRMKIT_E_PARSE (malformed text: the message gives offset, line and
 *         column); CRMKIT_E_INVALID_ARGUMENT (unclosed, self-intersecting or otherwise
 *         invalid polygon, crossing the antimeridian, NULL pointer).
 */
CRMKIT_API int crmkit_geo_index_in_territory(const crmkit_geo_index* index, const char* territory,
                                             const crmkit_geo_filter* filter, int32_t order, crmkit_geo_result** out);

/**
 * Tests n points against a territory (WKT or GeoJSON, as above): out_inside[i] = 1 when
 * (lon[i], lat[i]) is inside, else 0. Stateless; safe.
 * @return as crmkit_geo_index_in_territory(); n_threads < 1 is CRMKIT_E_INVALID_ARGUMENT.
 */
CRMKIT_API int crmkit_geo_territory_contains(const char* territory, const double* lon, const double* lat, size_t n,
                                             int32_t n_threads, int32_t* out_inside);

/**
 * Creates a filter over n rows that keeps every row.
 * @param[out] out receives the filter (NULL on failure); free it with crmkit_geo_filter_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (out NULL); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_geo_filter_create(size_t n, crmkit_geo_filter** out);

/** Releases a filter. Accepts NULL. */
CRMKIT_API void crmkit_geo_filter_free(crmkit_geo_filter* filter);

/**
 * Keeps only the rows whose `values[row] op threshold` holds (AND with earlier calls).
 * @param values n doubles (an attribute column: churn risk, a segment code, ...); borrowed for the call
 * @param op CRMKIT_GEO_EQUAL .. CRMKIT_GEO_GREATER_EQUAL
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, n differs from the filter's
 *         size, unknown op, NaN threshold).
 */
CRMKIT_API int crmkit_geo_filter_require(crmkit_geo_filter* filter, const double* values, size_t n, int32_t op,
                                         double threshold);

/**
 * The number of rows the filter keeps.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer).
 */
CRMKIT_API int crmkit_geo_filter_count(const crmkit_geo_filter* filter, size_t* out_count);

/**
 * The number of query rows and of hits in a result.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer).
 */
CRMKIT_API int crmkit_geo_result_sizes(const crmkit_geo_result* result, size_t* out_n_queries, size_t* out_n_hits);

/**
 * Copies a result out. Each output may be NULL to skip it.
 * @param[out] out_offsets n_queries + 1 entries: the hits of row q are [offsets[q], offsets[q+1])
 * @param[out] out_ids n_hits ids
 * @param[out] out_distances_m n_hits distances in metres (NaN for box and territory results)
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (result NULL).
 */
CRMKIT_API int crmkit_geo_result_copy(const crmkit_geo_result* result, int64_t* out_offsets, int32_t* out_ids,
                                      double* out_distances_m);

/** Releases a result. Accepts NULL. */
CRMKIT_API void crmkit_geo_result_free(crmkit_geo_result* result);

#ifdef __cplusplus
}
#endif

#endif /* CRMKIT_C_GEO_H */
