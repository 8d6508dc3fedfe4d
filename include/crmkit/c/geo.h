/**
 * @file crmkit/c/geo.h
 * C ABI of crmkit's geospatial queries (C++: crmkit/geo.hpp and the headers it includes,
 * whose docs define the semantics): a spatial index over customer locations with radius,
 * k-nearest, bounding-box and territory (WKT/GeoJSON) queries, exact great-circle
 * distances in metres on a sphere (mean Earth radius 6,371,008.8 m by default), attribute
 * filters, and batched threaded queries whose output does not depend on the thread count;
 * reps (positions, availability, territories) with the nearest available rep and capacity
 * assignment (crmkit/geo/reps.hpp); GPS tracks: distance, stops and visits
 * (crmkit/geo/track.hpp) and a rep's coverage of their assigned customers with a daily
 * summary (crmkit/geo/coverage.hpp); density grids and geohash cells with GeoJSON
 * (crmkit/geo/density.hpp, crmkit/geo/geohash.hpp); WGS84 / GCJ-02 / BD-09 conversions
 * (crmkit/geo/china_coordinates.hpp) and sphere or WGS84 ellipsoid distances
 * (crmkit/geo/sphere.hpp, crmkit/geo/geodesic.hpp; also as an index option).
 *
 * `#include <crmkit/crmkit.h>` (which includes this header) and link `libcrmkit.so`.
 *
 * Thread safety: a built crmkit_geo_index is immutable: concurrent queries on one index
 * are safe. A crmkit_geo_filter is not synchronized while being built (crmkit_geo_filter_require);
 * once built it may be shared by concurrent queries. crmkit_geo_result handles are
 * independent values. crmkit_geo_territory_contains is stateless; safe; a
 * crmkit_geo_territory is immutable after creation (concurrent use is safe). A crmkit_geo_reps
 * is not synchronized: crmkit_geo_reps_set_available mutates it; the queries
 * (crmkit_geo_reps_nearest, crmkit_geo_reps_assign) are const and may run concurrently
 * while nothing mutates. A crmkit_geo_track_options is not synchronized while being set;
 * crmkit_geo_track and crmkit_geo_grid results are immutable values (concurrent reads are
 * safe), as are crmkit_geo_geohash_grid and crmkit_geo_coverage results.
 * crmkit_geo_convert, crmkit_geo_distance, crmkit_geo_geohash_encode/_decode and
 * crmkit_geo_coverage_compute are stateless; safe.
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
#include "crmkit/c/table.h"

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
/** Distances and radii are geodesics on the WGS84 ellipsoid (GeographicLib, Karney 2013)
 *  instead of great circles on the sphere; earth_radius_m must then be 0. Slower per
 *  candidate (one geodesic inverse each); see crmkit/geo/geo_index.hpp. */
#define CRMKIT_GEO_WGS84_DISTANCES 2

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
 * 52-60 bytes per located point (32 more while it is built).
 * @param lon longitudes in degrees, [-180, 180] (or any finite value with CRMKIT_GEO_NORMALIZE_LONGITUDE)
 * @param lat latitudes in degrees, [-90, 90]
 * @param earth_radius_m sphere radius in metres; 0 selects the mean Earth radius 6,371,008.8 m
 * @param flags 0, or CRMKIT_GEO_NORMALIZE_LONGITUDE and/or CRMKIT_GEO_WGS84_DISTANCES
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

/** A parsed, validated territory (polygon or multipolygon), reusable across calls. Opaque. */
typedef struct crmkit_geo_territory crmkit_geo_territory;

/* Flags of crmkit_geo_territory_create. */
/** Accept polygons crossing the antimeridian unsplit: an edge spanning more than 180
 *  degrees of longitude goes the short way, across +-180 (170 -> -170 is 20 degrees east).
 *  Without it such an edge is rejected, as RFC 7946 asks for a split MultiPolygon. */
#define CRMKIT_GEO_WRAP_ANTIMERIDIAN 1

/**
 * Parses and validates a territory once (WKT or GeoJSON as for crmkit_geo_index_in_territory),
 * for repeated tests without parsing again. The text is copied into the handle's structures.
 * Immutable after creation: concurrent use is safe.
 * @param flags 0 or CRMKIT_GEO_WRAP_ANTIMERIDIAN
 * @param[out] out receives the territory (NULL on failure); free it with crmkit_geo_territory_free().
 * @return CRMKIT_OK; CRMKIT_E_PARSE (malformed text: offset, line and column);
 *         CRMKIT_E_INVALID_ARGUMENT (invalid polygon, an edge across the antimeridian
 *         without the flag, polygons covering every longitude, unknown flags, NULL pointer);
 *         CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_geo_territory_create(const char* territory, int32_t flags, crmkit_geo_territory** out);

/** Releases a territory. Accepts NULL. */
CRMKIT_API void crmkit_geo_territory_free(crmkit_geo_territory* territory);

/**
 * The territory's bounding box in degrees; out_min_lon > out_max_lon when it crosses the
 * antimeridian.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer).
 */
CRMKIT_API int crmkit_geo_territory_bounds(const crmkit_geo_territory* territory, double* out_min_lon,
                                           double* out_min_lat, double* out_max_lon, double* out_max_lat);

/**
 * Tests n points against a parsed territory: out_inside[i] = 1 when inside, else 0.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer with n > 0, n_threads < 1).
 */
CRMKIT_API int crmkit_geo_territory_test(const crmkit_geo_territory* territory, const double* lon, const double* lat,
                                         size_t n, int32_t n_threads, int32_t* out_inside);

/**
 * The index's points inside a parsed territory (as crmkit_geo_index_in_territory). One
 * row, no distances.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, filter size mismatch,
 *         unknown order); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_geo_index_in_area(const crmkit_geo_index* index, const crmkit_geo_territory* territory,
                                        const crmkit_geo_filter* filter, int32_t order, crmkit_geo_result** out);

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
 * @param offsets_cap entries out_offsets holds (>= n_queries + 1 when given)
 * @param hits_cap entries out_ids and out_distances_m hold (>= n_hits when given)
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (result NULL); CRMKIT_E_BUFFER_TOO_SMALL (a
 *         capacity too small; nothing written).
 */
CRMKIT_API int crmkit_geo_result_copy(const crmkit_geo_result* result, int64_t* out_offsets, size_t offsets_cap,
                                      int32_t* out_ids, double* out_distances_m, size_t hits_cap);

/** Releases a result. Accepts NULL. */
CRMKIT_API void crmkit_geo_result_free(crmkit_geo_result* result);

/* ======================================================================================
 * Reps: nearest available rep and capacity assignment (crmkit/geo/reps.hpp)
 * ====================================================================================== */

/** Sales or service reps with positions, availability and optional territories. Opaque. */
typedef struct crmkit_geo_reps crmkit_geo_reps;

/* Flags of crmkit_geo_reps_nearest and crmkit_geo_reps_assign. */
/** Only reps whose territory contains the request (reps without a territory serve anywhere). */
#define CRMKIT_GEO_WITHIN_TERRITORY 1

/**
 * Creates n reps at (lon[i], lat[i]) in degrees, all available. Inputs are copied.
 * Memory: about 70 bytes per rep plus the parsed territories.
 * @param territories NULL (no territories), or n NUL-terminated UTF-8 strings: WKT or
 *        GeoJSON as for crmkit_geo_index_in_territory; a NULL or empty entry means the rep
 *        serves anywhere
 * @param[out] out receives the reps (NULL on failure); free them with crmkit_geo_reps_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer with n > 0, a rep without a
 *         valid location, an invalid territory: the message names the rep); CRMKIT_E_PARSE
 *         (malformed territory text: the message names the rep, line and column);
 *         CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_geo_reps_create(const double* lon, const double* lat, size_t n, const char* const* territories,
                                      crmkit_geo_reps** out);

/** Releases reps. Accepts NULL. */
CRMKIT_API void crmkit_geo_reps_free(crmkit_geo_reps* reps);

/**
 * The number of reps.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer).
 */
CRMKIT_API int crmkit_geo_reps_size(const crmkit_geo_reps* reps, size_t* out_n);

/**
 * Marks rep `rep` available (nonzero) or not (0). Not synchronized: no query may run on
 * the same reps meanwhile.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, rep >= size).
 */
CRMKIT_API int crmkit_geo_reps_set_available(crmkit_geo_reps* reps, size_t rep, int32_t available);

/**
 * Copies the availability of every rep (1 available, 0 not).
 * @param[out] out_available size entries
 * @param cap the entries each given output holds per row: at least the reps;
 *        CRMKIT_E_BUFFER_TOO_SMALL (nothing written) when smaller.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer).
 */
CRMKIT_API int crmkit_geo_reps_available(const crmkit_geo_reps* reps, int32_t* out_available, size_t cap);

/**
 * The k nearest available, eligible reps for each of m requests, closest first (ties by
 * the smaller rep index). Rows are independent, so the output does not depend on n_threads.
 * @param max_distance_m only reps at most this far (metres, >= 0; INFINITY for no limit)
 * @param flags 0 or CRMKIT_GEO_WITHIN_TERRITORY
 * @param n_threads >= 1 (1 = the caller's thread)
 * @param[out] out_ids m * k rep indices, row-major; -1 pads a row when fewer reps are eligible
 * @param[out] out_distances_m m * k distances in metres (NaN where the id is -1); may be NULL
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, k < 1, invalid request
 *         point: the message names the request, NaN or negative max_distance_m, unknown
 *         flags, n_threads < 1).
 */
CRMKIT_API int crmkit_geo_reps_nearest(const crmkit_geo_reps* reps, const double* lon, const double* lat, size_t m,
                                       size_t k, double max_distance_m, int32_t flags, int32_t n_threads,
                                       int32_t* out_ids, double* out_distances_m);

/**
 * Assigns m requests to available reps with at most capacity[rep] requests each: all
 * eligible (request, rep) pairs in ascending distance (ties by request, then rep) and a
 * pair is used while the request is open and the rep has capacity left (greedy
 * nearest-first, deterministic; not the minimum-total-distance assignment). Time
 * O(m P log(m P)), memory 16 bytes per eligible pair for P reps.
 * @param capacity size entries, each >= 0
 * @param max_distance_m, flags as for crmkit_geo_reps_nearest()
 * @param[out] out_rep m rep indices (-1: no eligible rep had capacity left)
 * @param[out] out_distances_m m distances in metres (NaN when unassigned); may be NULL
 * @param[out] out_load size counts of requests per rep; may be NULL
 * @param[out] out_n_unassigned the number of requests left open; may be NULL
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, negative capacity, invalid
 *         request point: the message names the index, NaN or negative max_distance_m,
 *         unknown flags); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_geo_reps_assign(const crmkit_geo_reps* reps, const double* lon, const double* lat, size_t m,
                                      const int32_t* capacity, double max_distance_m, int32_t flags, int32_t* out_rep,
                                      double* out_distances_m, int32_t* out_load, size_t* out_n_unassigned);

/* ======================================================================================
 * GPS tracks: distance, stops and visits (crmkit/geo/track.hpp)
 * ====================================================================================== */

/** Thresholds of crmkit_geo_track_analyze. Opaque. */
typedef struct crmkit_geo_track_options crmkit_geo_track_options;
/** The analysis of one track: distance, kept fixes, stops and visits. Opaque. */
typedef struct crmkit_geo_track crmkit_geo_track;

/* Keys of crmkit_geo_track_options_set_int (MIN_DWELL_S) and _set_double (the others); defaults
 * in parentheses, ranges from crmkit_geo_track_options_option_bounds. */
/** A fix reached from the last kept fix faster than this is dropped as an outlier (70 m/s; > 0). */
#define CRMKIT_GEO_TRACK_MAX_SPEED_MPS 1
/** A stop stays within this distance of its first fix (100 m; >= 0). */
#define CRMKIT_GEO_TRACK_STOP_RADIUS_M 2
/** Minimum stop duration, a whole number of seconds (300 s; >= 0). */
#define CRMKIT_GEO_TRACK_MIN_DWELL_S 3
/** A stop within this distance of an indexed customer is a visit (150 m; >= 0). */
#define CRMKIT_GEO_TRACK_VISIT_RADIUS_M 4

/**
 * Creates track options with the defaults.
 * @param[out] out receives the options (NULL on failure); free them with crmkit_geo_track_options_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (out NULL); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_geo_track_options_create(crmkit_geo_track_options** out);

/** Releases track options. Accepts NULL. */
CRMKIT_API void crmkit_geo_track_options_free(crmkit_geo_track_options* options);

/**
 * Sets and reads one threshold (CRMKIT_GEO_TRACK_*): the integer setter/getter for
 * CRMKIT_GEO_TRACK_MIN_DWELL_S, the double ones for the others (the options' table,
 * crmkit::option_table<crmkit::track_options>).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, unknown key, the other kind's
 *         key, a value outside its range; the message names the constant, value and range).
 */
CRMKIT_API int crmkit_geo_track_options_set_int(crmkit_geo_track_options* options, int32_t key, int64_t value);
CRMKIT_API int crmkit_geo_track_options_set_double(crmkit_geo_track_options* options, int32_t key, double value);
CRMKIT_API int crmkit_geo_track_options_get_int(const crmkit_geo_track_options* options, int32_t key, int64_t* out);
CRMKIT_API int crmkit_geo_track_options_get_double(const crmkit_geo_track_options* options, int32_t key,
                                                   double* out);

/**
 * The range and default of a CRMKIT_GEO_TRACK_* key (zstd's ZSTD_cParam_getBounds idea);
 * needs no handle; any out pointer may be NULL.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (unknown key).
 */
CRMKIT_API int crmkit_geo_track_options_option_bounds(int32_t key, double* out_lo, double* out_hi,
                                                      double* out_default);

/**
 * Analyses a track of n fixes in time order: drops outliers by speed, sums the
 * great-circle distance over the kept fixes, finds stops by dwell and, when `customers` is
 * not NULL, matches each stop to the nearest indexed customer within the visit radius.
 * Inputs are borrowed for the call. Memory: 1 byte per fix plus 64 bytes per stop.
 * @param time Unix seconds, non-decreasing
 * @param customers NULL (no visit matching) or an index whose ids the visits report
 * @param options NULL for the defaults
 * @param[out] out receives the result (NULL on failure); free it with crmkit_geo_track_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer with n > 0, timestamps going
 *         backwards: the message names the fix and both times, an invalid position: the
 *         message names the fix); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_geo_track_analyze(const int64_t* time, const double* lon, const double* lat, size_t n,
                                        const crmkit_geo_index* customers, const crmkit_geo_track_options* options,
                                        crmkit_geo_track** out);

/** Releases a track result. Accepts NULL. */
CRMKIT_API void crmkit_geo_track_free(crmkit_geo_track* track);

/**
 * The totals of a track; each output may be NULL to skip it.
 * @param[out] out_n_fixes the number of input fixes
 * @param[out] out_distance_m metres travelled over the kept fixes
 * @param[out] out_n_dropped fixes dropped as outliers
 * @param[out] out_n_stops stops found
 * @param[out] out_n_visits stops matched to a customer
 * @param[out] out_time_at_customers_s total duration of those stops, seconds
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (track NULL).
 */
CRMKIT_API int crmkit_geo_track_summary(const crmkit_geo_track* track, size_t* out_n_fixes, double* out_distance_m,
                                        size_t* out_n_dropped, size_t* out_n_stops, size_t* out_n_visits,
                                        int64_t* out_time_at_customers_s);

/**
 * Which fixes were kept (1) or dropped as outliers (0).
 * @param[out] out_kept n_fixes entries
 * @param cap the entries each given output holds per row: at least the n_fixes;
 *        CRMKIT_E_BUFFER_TOO_SMALL (nothing written) when smaller.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer).
 */
CRMKIT_API int crmkit_geo_track_kept(const crmkit_geo_track* track, int32_t* out_kept, size_t cap);

/**
 * The stops, in time order; every output has n_stops entries and may be NULL to skip it.
 * @param[out] out_first, out_last the first and last fix of the stop (indices into the input)
 * @param[out] out_start, out_end their times, Unix seconds
 * @param[out] out_lon, out_lat the stop's position: the mean of its fixes, degrees
 * @param[out] out_customer the visited customer's index in the index, or -1
 * @param[out] out_customer_distance_m distance from the stop to that customer (NaN if none)
 * @param cap the entries each given output holds per row: at least the n_stops;
 *        CRMKIT_E_BUFFER_TOO_SMALL (nothing written) when smaller.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (track NULL).
 */
CRMKIT_API int crmkit_geo_track_stops(const crmkit_geo_track* track, int64_t* out_first, int64_t* out_last,
                                      int64_t* out_start, int64_t* out_end, double* out_lon, double* out_lat,
                                      int32_t* out_customer, double* out_customer_distance_m, size_t cap);

/* ======================================================================================
 * Density grids (crmkit/geo/density.hpp)
 * ====================================================================================== */

/** Points (and optional values) aggregated on a regular longitude/latitude grid. Opaque. */
typedef struct crmkit_geo_grid crmkit_geo_grid;

/**
 * Aggregates n points on the grid of cells of cell_deg degrees covering
 * [min_lon, max_lon] x [min_lat, max_lat]: n_lon = ceil((max_lon - min_lon) / cell_deg)
 * columns and n_lat rows; a point belongs to the cell [min_lon + c d, min_lon + (c+1) d) x
 * [min_lat + r d, min_lat + (r+1) d), points on the upper bound to the last cell. Points
 * outside the bounds and rows with NaN coordinates are only counted (see
 * crmkit_geo_grid_sizes). Inputs are borrowed for the call. Memory: 24 bytes per cell.
 * @param values NULL, or n values per point (revenue, churn risk, ...; NaN = missing)
 * @param[out] out receives the grid (NULL on failure); free it with crmkit_geo_grid_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer with n > 0, cell_deg <= 0 or
 *         not finite, bounds out of range or empty, more than 2^31 - 1 cells);
 *         CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_geo_grid_create(const double* lon, const double* lat, const double* values, size_t n,
                                      double cell_deg, double min_lon, double min_lat, double max_lon, double max_lat,
                                      crmkit_geo_grid** out);

/** Releases a grid. Accepts NULL. */
CRMKIT_API void crmkit_geo_grid_free(crmkit_geo_grid* grid);

/**
 * The grid's shape and the points it did not place; each output may be NULL to skip it.
 * @param[out] out_n_lon, out_n_lat columns and rows (cells: n_lon * n_lat)
 * @param[out] out_n_outside located points outside the bounds
 * @param[out] out_n_unlocated points with NaN coordinates
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (grid NULL).
 */
CRMKIT_API int crmkit_geo_grid_sizes(const crmkit_geo_grid* grid, size_t* out_n_lon, size_t* out_n_lat,
                                     size_t* out_n_outside, size_t* out_n_unlocated);

/**
 * The cells, row-major (cell r * n_lon + c; row 0 at min_lat); each output has
 * n_lon * n_lat entries and may be NULL to skip it.
 * @param[out] out_count points per cell
 * @param[out] out_sum sum of the non-NaN values per cell (NaN everywhere for a grid without values)
 * @param[out] out_mean mean of the non-NaN values per cell (NaN without values)
 * @param cap the entries each given output holds per row: at least the n_lon * n_lat cells;
 *        CRMKIT_E_BUFFER_TOO_SMALL (nothing written) when smaller.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (grid NULL).
 */
CRMKIT_API int crmkit_geo_grid_cells(const crmkit_geo_grid* grid, int64_t* out_count, double* out_sum,
                                     double* out_mean, size_t cap);

/**
 * The grid as a GeoJSON FeatureCollection (UTF-8): one Polygon Feature per cell with at
 * least max(min_count, 1) points, properties "cell", "count" and, with values, "sum" and
 * "mean" (null when NaN). Two-call protocol (crmkit.h): *out_needed receives the bytes
 * including the NUL; CRMKIT_E_BUFFER_TOO_SMALL when cap is smaller (buf unchanged).
 * @param min_count 0 .. 4294967295
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_INVALID_ARGUMENT (grid or
 *         out_needed NULL, buf NULL with cap > 0, min_count out of range).
 */
CRMKIT_API int crmkit_geo_grid_geojson(const crmkit_geo_grid* grid, int64_t min_count, char* buf, size_t cap,
                                       size_t* out_needed);

/* ======================================================================================
 * Coordinate systems and distances (crmkit/geo/china_coordinates.hpp, sphere.hpp, geodesic.hpp)
 * ====================================================================================== */

/* Coordinate systems of crmkit_geo_convert. */
/** WGS84: GPS fixes, OpenStreetMap, Google Maps outside China. */
#define CRMKIT_GEO_WGS84 0
/** GCJ-02: Gaode/Amap, Tencent (China's "Mars" coordinates). */
#define CRMKIT_GEO_GCJ02 1
/** BD-09: Baidu. */
#define CRMKIT_GEO_BD09 2

/* Methods of crmkit_geo_distance. */
/** Haversine great-circle distance on the sphere of the mean Earth radius 6,371,008.8 m. */
#define CRMKIT_GEO_DISTANCE_SPHERE 0
/** Geodesic on the WGS84 ellipsoid (crmkit::wgs84_geodesic_m: GeographicLib, Karney 2013,
 *  accurate to about 15 nm for any pair of points). */
#define CRMKIT_GEO_DISTANCE_WGS84 1

/**
 * Converts n points from one coordinate system to another (CRMKIT_GEO_WGS84, _GCJ02,
 * _BD09). WGS84 <-> GCJ-02 leave points outside mainland China's box unchanged; GCJ-02 ->
 * WGS84 is iterated to 1e-10 degrees; BD-09 -> GCJ-02 is the usual approximate inverse
 * (about 1e-6 degrees). A point with NaN in either coordinate stays NaN in both.
 * In place: out_lon may be lon and out_lat may be lat (each point is read before it is
 * written); other overlaps between inputs and outputs are not allowed.
 * @param[out] out_lon, out_lat n converted coordinates, degrees
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer with n > 0, unknown system,
 *         a coordinate out of range or infinite: the message names the point).
 */
CRMKIT_API int crmkit_geo_convert(int32_t from, int32_t to, const double* lon, const double* lat, size_t n,
                                  double* out_lon, double* out_lat);

/**
 * Distances in metres between (lon1[i], lat1[i]) and (lon2[i], lat2[i]), degrees, for
 * i < n. NaN in any coordinate of a pair gives NaN.
 * @param method CRMKIT_GEO_DISTANCE_SPHERE or CRMKIT_GEO_DISTANCE_WGS84
 * @param[out] out_m n distances
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer with n > 0, unknown method, a
 *         coordinate out of range or infinite: the message names the pair).
 */
CRMKIT_API int crmkit_geo_distance(const double* lon1, const double* lat1, const double* lon2, const double* lat2,
                                   size_t n, int32_t method, double* out_m);

/* ======================================================================================
 * Geohash cells (crmkit/geo/geohash.hpp)
 * ====================================================================================== */

/** Longest geohash (characters). */
#define CRMKIT_GEO_GEOHASH_MAX_PRECISION 12

/** Points (and optional value columns) aggregated on geohash cells of one precision. Opaque. */
typedef struct crmkit_geo_geohash_grid crmkit_geo_geohash_grid;

/**
 * The geohashes of n points (G. Niemeyer's scheme, precision 1..12 characters).
 * @param[out] out n * (precision + 1) bytes: hash i is the NUL-terminated string at
 *             out + i * (precision + 1); a point with NaN coordinates gets "" (no location)
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer with n > 0, precision out of
 *         range, a coordinate out of range or NaN in only one of the pair: the message
 *         names the point).
 */
CRMKIT_API int crmkit_geo_geohash_encode(const double* lon, const double* lat, size_t n, int32_t precision, char* out);

/**
 * The cell of a geohash (1..12 characters of the geohash alphabet, case-insensitive).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, empty or too long hash, a
 *         character outside the alphabet: the message names it and its position).
 */
CRMKIT_API int crmkit_geo_geohash_decode(const char* hash, double* out_min_lon, double* out_min_lat, double* out_max_lon,
                                         double* out_max_lat);

/**
 * Aggregates n points on the geohash cells of `precision` characters; only non-empty
 * cells are kept, in ascending hash order. Inputs are borrowed for the call. Memory: 4
 * bytes per point plus about 40 + 12 n_values bytes per non-empty cell.
 * @param values NULL (n_values = 0), or n rows x n_values columns of values, row-major
 *        (revenue, churn risk, ...; NaN = missing)
 * @param[out] out receives the grid (NULL on failure); free it with crmkit_geo_geohash_grid_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer with n > 0, precision out of
 *         range, NaN in only one coordinate, out-of-range coordinates: the message names the
 *         row); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_geo_geohash_grid_create(const double* lon, const double* lat, size_t n, const double* values,
                                              size_t n_values, int32_t precision, crmkit_geo_geohash_grid** out);

/** Releases a geohash grid. Accepts NULL. */
CRMKIT_API void crmkit_geo_geohash_grid_free(crmkit_geo_geohash_grid* grid);

/**
 * The grid's sizes; each output may be NULL to skip it.
 * @param[out] out_n_cells non-empty cells
 * @param[out] out_n_values value columns
 * @param[out] out_n_points input points
 * @param[out] out_n_unlocated points with NaN coordinates
 * @param[out] out_precision characters per hash
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (grid NULL).
 */
CRMKIT_API int crmkit_geo_geohash_grid_sizes(const crmkit_geo_geohash_grid* grid, size_t* out_n_cells,
                                             size_t* out_n_values, size_t* out_n_points, size_t* out_n_unlocated,
                                             int32_t* out_precision);

/**
 * The cells in ascending hash order; each output may be NULL to skip it.
 * @param[out] out_hashes n_cells * (precision + 1) bytes: NUL-terminated hashes at stride precision + 1
 * @param[out] out_count n_cells points per cell
 * @param[out] out_sum n_cells x n_values sums of the non-NaN values, row-major
 * @param[out] out_mean n_cells x n_values means (NaN when a cell has no value), row-major
 * @param[out] out_box n_cells x 4: min_lon, min_lat, max_lon, max_lat of each cell
 * @param cap the entries each given output holds per row: at least the n_cells (rows);
 *        CRMKIT_E_BUFFER_TOO_SMALL (nothing written) when smaller.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (grid NULL).
 */
CRMKIT_API int crmkit_geo_geohash_grid_cells(const crmkit_geo_geohash_grid* grid, char* out_hashes, int64_t* out_count,
                                             double* out_sum, double* out_mean, double* out_box, size_t cap);

/**
 * The cell of each input point (index into the cells, -1 without a location).
 * @param[out] out_cell n_points entries
 * @param cap the entries each given output holds per row: at least the n_points;
 *        CRMKIT_E_BUFFER_TOO_SMALL (nothing written) when smaller.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer).
 */
CRMKIT_API int crmkit_geo_geohash_grid_point_cells(const crmkit_geo_geohash_grid* grid, int32_t* out_cell, size_t cap);

/**
 * The grid as a GeoJSON FeatureCollection: one Polygon per cell with at least
 * max(min_count, 1) points, properties "geohash", "count" and per value column c
 * "sum_c" and "mean_c" (null when NaN). Two-call protocol as crmkit_geo_grid_geojson().
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_INVALID_ARGUMENT (grid or
 *         out_needed NULL, min_count out of range).
 */
CRMKIT_API int crmkit_geo_geohash_grid_geojson(const crmkit_geo_geohash_grid* grid, int64_t min_count, char* buf,
                                               size_t cap, size_t* out_needed);

/* ======================================================================================
 * Coverage of a rep's assigned customers and the daily summary (crmkit/geo/coverage.hpp)
 * ====================================================================================== */

/** A rep's coverage over a period: per assigned customer, per local day, and the visits. Opaque. */
typedef struct crmkit_geo_coverage crmkit_geo_coverage;

/** "No due date" in next_due, and "never visited" in crmkit_geo_coverage_customers: INT64_MIN. */
#define CRMKIT_GEO_NO_DUE_DATE INT64_MIN

/**
 * Computes one rep's coverage of the customers assigned to them over
 * [period_start, period_end) from their GPS tracks (each analysed as
 * crmkit_geo_track_analyze does; no distance between tracks), with local days starting
 * at local midnight (UTC + utc_offset_s). See crmkit/geo/coverage.hpp for the rules
 * (clipping to the period, distance split between days, due dates). Inputs are borrowed
 * for the call.
 * @param time, lon, lat the fixes of all tracks, concatenated (track_offsets[n_tracks] of them)
 * @param track_offsets n_tracks + 1 entries: track t is fixes [offsets[t], offsets[t+1]), offsets[0] = 0
 * @param assigned n_assigned customer ids of `customers` (no repeats)
 * @param customers the index the visits are matched through (required)
 * @param next_due NULL, or n_assigned Unix seconds of the next due visit (CRMKIT_GEO_NO_DUE_DATE: none)
 * @param frequency_days NULL, or n_assigned visit frequencies in days (0: none)
 * @param max_gap_s legs with a longer time gap count no distance (0: no limit)
 * @param track_options NULL for the defaults (outliers, stops, visit radius)
 * @param[out] out receives the result (NULL on failure); free it with crmkit_geo_coverage_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, offsets not increasing from 0,
 *         an empty or inverted period, |utc_offset_s| > 18 h, negative max_gap_s, an
 *         assigned id out of range or repeated, a negative frequency, a bad track: the
 *         message names the track and fix); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_geo_coverage_compute(const int64_t* time, const double* lon, const double* lat,
                                           const int64_t* track_offsets, size_t n_tracks, const int32_t* assigned,
                                           size_t n_assigned, const crmkit_geo_index* customers,
                                           const int64_t* next_due, const int32_t* frequency_days,
                                           int64_t period_start, int64_t period_end, int64_t utc_offset_s,
                                           int64_t max_gap_s, const crmkit_geo_track_options* track_options,
                                           crmkit_geo_coverage** out);

/** Releases a coverage result. Accepts NULL. */
CRMKIT_API void crmkit_geo_coverage_free(crmkit_geo_coverage* coverage);

/**
 * The totals; each output may be NULL to skip it.
 * @param[out] out_n_assigned assigned customers
 * @param[out] out_n_covered of them visited at least once in the period
 * @param[out] out_share_covered n_covered / n_assigned (NaN when none assigned)
 * @param[out] out_n_days local days of the period
 * @param[out] out_n_visits visits in the period (any customer)
 * @param[out] out_n_due_not_visited total entries of the days' due-but-not-visited lists
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (coverage NULL).
 */
CRMKIT_API int crmkit_geo_coverage_summary(const crmkit_geo_coverage* coverage, size_t* out_n_assigned,
                                           size_t* out_n_covered, double* out_share_covered, size_t* out_n_days,
                                           size_t* out_n_visits, size_t* out_n_due_not_visited);

/**
 * Per assigned customer, in input order; each output has n_assigned entries and may be NULL.
 * @param[out] out_customer the customer id
 * @param[out] out_n_visits visits in the period
 * @param[out] out_last_visit start of the last visit (Unix seconds) or CRMKIT_GEO_NO_DUE_DATE
 * @param[out] out_time_at_s time spent there within the period, seconds
 * @param cap the entries each given output holds per row: at least the n_assigned;
 *        CRMKIT_E_BUFFER_TOO_SMALL (nothing written) when smaller.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (coverage NULL).
 */
CRMKIT_API int crmkit_geo_coverage_customers(const crmkit_geo_coverage* coverage, int32_t* out_customer,
                                             int64_t* out_n_visits, int64_t* out_last_visit, int64_t* out_time_at_s, size_t cap);

/**
 * One row per local day, in order; each output has n_days entries (out_due_offsets
 * n_days + 1) and may be NULL.
 * @param[out] out_day local days since 1970-01-01
 * @param[out] out_day_start Unix seconds of the local midnight starting the day
 * @param[out] out_distance_m distance travelled that day
 * @param[out] out_n_visits visits starting that day (any customer)
 * @param[out] out_n_assigned_visits of which to assigned customers
 * @param[out] out_time_at_customers_s time at customers within the day
 * @param[out] out_n_due assigned customers due that day
 * @param[out] out_due_offsets the day's due-but-not-visited customers are entries
 *             [offsets[d], offsets[d+1]) of crmkit_geo_coverage_due_not_visited()
 * @param cap the entries each given output holds per row: at least the n_days (out_due_offsets holds cap + 1);
 *        CRMKIT_E_BUFFER_TOO_SMALL (nothing written) when smaller.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (coverage NULL).
 */
CRMKIT_API int crmkit_geo_coverage_days(const crmkit_geo_coverage* coverage, int64_t* out_day, int64_t* out_day_start,
                                        double* out_distance_m, int64_t* out_n_visits, int64_t* out_n_assigned_visits,
                                        int64_t* out_time_at_customers_s, int64_t* out_n_due,
                                        int64_t* out_due_offsets, size_t cap);

/**
 * The due-but-not-visited customer ids of all days, concatenated (ascending within a day).
 * @param[out] out_ids n_due_not_visited entries
 * @param cap the entries each given output holds per row: at least the n_due_not_visited;
 *        CRMKIT_E_BUFFER_TOO_SMALL (nothing written) when smaller.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer).
 */
CRMKIT_API int crmkit_geo_coverage_due_not_visited(const crmkit_geo_coverage* coverage, int32_t* out_ids, size_t cap);

/**
 * The visits in the period (any customer), in time order; each output has n_visits
 * entries and may be NULL.
 * @param[out] out_start, out_end the visit's (clipped) times, Unix seconds
 * @param[out] out_lon, out_lat the stop's position, degrees
 * @param[out] out_customer the visited customer id
 * @param[out] out_customer_distance_m distance from the stop to that customer
 * @param cap the entries each given output holds per row: at least the n_visits;
 *        CRMKIT_E_BUFFER_TOO_SMALL (nothing written) when smaller.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (coverage NULL).
 */
CRMKIT_API int crmkit_geo_coverage_visits(const crmkit_geo_coverage* coverage, int64_t* out_start, int64_t* out_end,
                                          double* out_lon, double* out_lat, int32_t* out_customer,
                                          double* out_customer_distance_m, size_t cap);

/* ======================================================================================
 * Geo over a dataset's customers (crmkit/geo/customers.hpp): per-customer results as a
 * crmkit_table keyed by customer id. Customers without a location (NaN in both
 * coordinates) are never queried; their cells are missing, and the table's report
 * (crmkit_table_report_json) counts them: {"n_customers": .., "n_located": ..,
 * "n_unlocated": ..}.
 * ====================================================================================== */

/**
 * An index over the dataset's customer locations: id i is customer i (the dataset's customer
 * order); customers without a location are never returned. As crmkit_geo_index_create().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, the dataset has no customer
 *         locations, bad radius or flags); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_geo_index_from_dataset(const crmkit_dataset* dataset, double earth_radius_m, int32_t flags,
                                             crmkit_geo_index** out);

/**
 * The k nearest available, eligible reps of every customer (crmkit_geo_reps_nearest() on the
 * located customers). Columns: for k = 1 `rep` (int64, CRMKIT_MISSING_INT64 when none) and
 * `rep_distance_m` (float64, NaN); for k > 1 `rep_0` .. `rep_<k-1>` and `rep_distance_m_0` ..
 * closest first. The output does not depend on n_threads.
 * @param[out] out receives the table (NULL on error); release it with crmkit_table_free().
 * @return CRMKIT_OK; CRMKIT_E_NOT_FOUND (the dataset has no customer locations);
 *         CRMKIT_E_INVALID_ARGUMENT (NULL argument, k < 1, NaN or negative max_distance_m,
 *         unknown flags, n_threads < 1).
 */
CRMKIT_API int crmkit_geo_reps_nearest_from_dataset(const crmkit_geo_reps* reps, const crmkit_dataset* dataset,
                                                    size_t k, double max_distance_m, int32_t flags,
                                                    int32_t n_threads, crmkit_table** out);

/**
 * Assigns the located customers to available reps with at most capacity[rep] customers each
 * (crmkit_geo_reps_assign()). Columns `rep` (int64, missing when unassigned or unlocated) and
 * `rep_distance_m` (float64). The report adds "n_unassigned" (located customers left open)
 * and "load" (customers per rep).
 * @param capacity n_capacity entries, one per rep, each >= 0
 * @return CRMKIT_OK; CRMKIT_E_NOT_FOUND (no customer locations); CRMKIT_E_INVALID_ARGUMENT
 *         (NULL argument, n_capacity other than the number of reps, a negative capacity, bad max_distance_m or
 *         flags); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_geo_reps_assign_from_dataset(const crmkit_geo_reps* reps, const crmkit_dataset* dataset,
                                                   const int32_t* capacity, size_t n_capacity, double max_distance_m,
                                                   int32_t flags, crmkit_table** out);

/**
 * The territory of every customer: category column `territory` with the levels `names`, the
 * first of the n territories (in order) that contains the customer; -1 when none does or the
 * customer has no location. The output does not depend on n_threads.
 * @param territories n territory handles; @param names n distinct, non-empty UTF-8 names
 * @return CRMKIT_OK; CRMKIT_E_NOT_FOUND (no customer locations); CRMKIT_E_INVALID_ARGUMENT
 *         (NULL argument, an empty or repeated name, n_threads < 1).
 */
CRMKIT_API int crmkit_geo_territories_from_dataset(const crmkit_dataset* dataset,
                                                   const crmkit_geo_territory* const* territories,
                                                   const char* const* names, size_t n, int32_t n_threads,
                                                   crmkit_table** out);

#ifdef __cplusplus
}
#endif

#endif /* CRMKIT_C_GEO_H */
