/* C ABI of the geo queries (crmkit/c/geo.h): NULL arguments, real queries on points
 * with hand-checkable great-circle distances (the equator and a meridian, where one degree
 * is pi R / 180), filters, territories, and bad input. */
#include <math.h>

#include "test_util.h"

/* Points on the equator at longitudes 0, 1, 2, 3; a point without a location; one at the
 * north pole. */
static const double lon[] = {0.0, 1.0, 2.0, 3.0, NAN, 0.0};
static const double lat[] = {0.0, 0.0, 0.0, 0.0, NAN, 90.0};
static const double one_degree_m = 3.14159265358979323846 * 6371008.8 / 180.0;

static void test_null_arguments(void) {
  crmkit_geo_index* index = NULL;
  crmkit_geo_result* result = NULL;
  crmkit_geo_filter* filter = NULL;
  size_t a = 0, b = 0;
  int64_t counts[1];
  int32_t ids[1], inside[1];
  double q = 0.0;
  CHECK_STATUS(crmkit_geo_index_create(lon, lat, 6, 0.0, 0, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_index_create(NULL, lat, 6, 0.0, 0, &index), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("lon");
  CHECK(index == NULL);
  CHECK_STATUS(crmkit_geo_index_size(NULL, &a, &b), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_index_count_within(NULL, &q, &q, 1, 1.0, NULL, 1, counts), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_index_within(NULL, &q, &q, 1, 1.0, NULL, 0, 1, &result), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(result == NULL);
  CHECK_STATUS(crmkit_geo_index_nearest(NULL, &q, &q, 1, 1, NULL, 1, ids, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_index_in_box(NULL, 0, 0, 1, 1, NULL, 0, &result), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_index_in_territory(NULL, "POLYGON((0 0,1 0,1 1,0 0))", NULL, 0, &result),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_territory_contains(NULL, &q, &q, 1, 1, inside), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_filter_create(3, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_filter_require(NULL, &q, 1, CRMKIT_GEO_LESS, 1.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_filter_count(NULL, &a), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_result_sizes(NULL, &a, &b), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_result_copy(NULL, NULL, 0, NULL, NULL, 0), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_geo_index_free(NULL);
  crmkit_geo_filter_free(NULL);
  crmkit_geo_result_free(NULL);
  CHECK_OK(crmkit_geo_index_create(lon, lat, 6, 0.0, 0, &index));
  CHECK_STATUS(crmkit_geo_index_nearest(index, &q, &q, 1, 1, NULL, 1, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("out_ids");
  CHECK_OK(crmkit_geo_filter_create(6, &filter));
  CHECK_STATUS(crmkit_geo_filter_require(filter, NULL, 6, CRMKIT_GEO_LESS, 1.0), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_geo_filter_free(filter);
  crmkit_geo_index_free(index);
}

static void test_queries(void) {
  crmkit_geo_index* index = NULL;
  crmkit_geo_result* result = NULL;
  crmkit_geo_filter* filter = NULL;
  size_t n = 0, located = 0, n_queries = 0, n_hits = 0, kept = 0;
  const double qlon[] = {0.0, 3.0}, qlat[] = {0.0, 0.0};
  const double value[] = {0.9, 0.1, 0.8, 0.7, 0.0, 0.95};
  int64_t counts[2], offsets[3];
  int32_t ids[8], nn[6], inside[6];
  double dist[8], nd[6];
  CHECK_OK(crmkit_geo_index_create(lon, lat, 6, 0.0, 0, &index));
  CHECK_OK(crmkit_geo_index_size(index, &n, &located));
  CHECK(n == 6 && located == 5);
  /* Within 1.5 degrees of (0, 0): ids 0 and 1; of (3, 0): ids 3 and 2. */
  CHECK_OK(crmkit_geo_index_count_within(index, qlon, qlat, 2, 1.5 * one_degree_m, NULL, 2, counts));
  CHECK(counts[0] == 2 && counts[1] == 2);
  CHECK_OK(crmkit_geo_index_within(index, qlon, qlat, 2, 1.5 * one_degree_m, NULL, CRMKIT_GEO_ORDER_DISTANCE, 1,
                                   &result));
  CHECK_OK(crmkit_geo_result_sizes(result, &n_queries, &n_hits));
  CHECK(n_queries == 2 && n_hits == 4);
  CHECK_OK(crmkit_geo_result_copy(result, offsets, 3, ids, dist, 8));
  CHECK_STATUS(crmkit_geo_result_copy(result, offsets, 2, ids, dist, 8), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(crmkit_geo_result_copy(result, NULL, 0, ids, NULL, 3), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(offsets[0] == 0 && offsets[1] == 2 && offsets[2] == 4);
  CHECK(ids[0] == 0 && ids[1] == 1 && ids[2] == 3 && ids[3] == 2);
  CHECK(dist[0] == 0.0 && fabs(dist[1] - one_degree_m) < 1e-6 && fabs(dist[3] - one_degree_m) < 1e-6);
  crmkit_geo_result_free(result);
  /* The 3 nearest to (0, 0): 0, 1, 2; the pole is a quarter circle away. */
  CHECK_OK(crmkit_geo_index_nearest(index, qlon, qlat, 2, 3, NULL, 1, nn, nd));
  CHECK(nn[0] == 0 && nn[1] == 1 && nn[2] == 2 && nn[3] == 3 && nn[4] == 2 && nn[5] == 1);
  CHECK(fabs(nd[2] - 2 * one_degree_m) < 1e-6);
  /* A filter (value > 0.5) drops id 1. */
  CHECK_OK(crmkit_geo_filter_create(6, &filter));
  CHECK_OK(crmkit_geo_filter_require(filter, value, 6, CRMKIT_GEO_GREATER, 0.5));
  CHECK_OK(crmkit_geo_filter_count(filter, &kept));
  CHECK(kept == 4);
  CHECK_OK(crmkit_geo_index_nearest(index, qlon, qlat, 1, 2, filter, 1, nn, nd));
  CHECK(nn[0] == 0 && nn[1] == 2);
  /* Box and territory. */
  CHECK_OK(crmkit_geo_index_in_box(index, 0.5, -1, 2.5, 1, NULL, CRMKIT_GEO_ORDER_INDEX, &result));
  CHECK_OK(crmkit_geo_result_sizes(result, &n_queries, &n_hits));
  CHECK(n_queries == 1 && n_hits == 2);
  CHECK_OK(crmkit_geo_result_copy(result, NULL, 0, ids, dist, 8));
  CHECK(ids[0] == 1 && ids[1] == 2 && isnan(dist[0]));
  crmkit_geo_result_free(result);
  CHECK_OK(crmkit_geo_index_in_territory(index, "{\"type\":\"Polygon\",\"coordinates\":[[[-0.5,-1],[2.5,-1],[2.5,1],[-0.5,1],[-0.5,-1]]]}",
                                         filter, CRMKIT_GEO_ORDER_INDEX, &result));
  CHECK_OK(crmkit_geo_result_sizes(result, &n_queries, &n_hits));
  CHECK_OK(crmkit_geo_result_copy(result, NULL, 0, ids, NULL, 8));
  CHECK(n_hits == 2 && ids[0] == 0 && ids[1] == 2); /* id 1 is inside but filtered out */
  crmkit_geo_result_free(result);
  CHECK_OK(crmkit_geo_territory_contains("POLYGON ((-0.5 -1, 2.5 -1, 2.5 1, -0.5 1, -0.5 -1))", lon, lat, 6, 2, inside));
  CHECK(inside[0] == 1 && inside[1] == 1 && inside[2] == 1 && inside[3] == 0 && inside[4] == 0 && inside[5] == 0);
  crmkit_geo_filter_free(filter);
  crmkit_geo_index_free(index);
}

static void test_bad_input(void) {
  crmkit_geo_index* index = NULL;
  crmkit_geo_result* result = NULL;
  const double bad_lat[] = {0.0, 91.0};
  const double two[] = {0.0, 1.0};
  const double wide[] = {190.0, 0.0};
  double q = 0.0, lat_bad = -95.0;
  int64_t counts[1];
  int32_t ids[1];
  CHECK_STATUS(crmkit_geo_index_create(two, bad_lat, 2, 0.0, 0, &index), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("latitude 91");
  CHECK_STATUS(crmkit_geo_index_create(wide, two, 2, 0.0, 0, &index), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("longitude 190");
  CHECK_STATUS(crmkit_geo_index_create(two, two, 2, 0.0, 99, &index), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_geo_index_create(wide, two, 2, 0.0, CRMKIT_GEO_NORMALIZE_LONGITUDE, &index));
  CHECK_STATUS(crmkit_geo_index_nearest(index, &q, &q, 1, 0, NULL, 1, ids, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("k must be at least 1");
  CHECK_STATUS(crmkit_geo_index_count_within(index, &q, &q, 1, -5.0, NULL, 1, counts), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("radius");
  CHECK_STATUS(crmkit_geo_index_count_within(index, &q, &lat_bad, 1, 5.0, NULL, 1, counts), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_index_count_within(index, &q, &q, 1, 5.0, NULL, 0, counts), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_index_within(index, &q, &q, 1, 5.0, NULL, 7, 1, &result), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_index_in_territory(index, "POLYGON ((0 0, 1 0, 1 1", NULL, 0, &result), CRMKIT_E_PARSE);
  CHECK_MESSAGE_HAS("column");
  CHECK_STATUS(crmkit_geo_index_in_territory(index, "POLYGON ((0 0, 1 0, 1 1, 0 1))", NULL, 0, &result),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("not closed");
  CHECK(result == NULL);
  crmkit_geo_index_free(index);
}

/* A parsed territory across the antimeridian: the square [170, -170] x [-5, 5] unsplit. */
static void test_parsed_territory(void) {
  static const char* square = "POLYGON ((170 -5, -170 -5, -170 5, 170 5, 170 -5))";
  const double plon[] = {175.0, -175.0, 180.0, 0.0, 165.0}, plat[] = {0.0, 1.0, 0.0, 0.0, 0.0};
  crmkit_geo_territory* area = NULL;
  crmkit_geo_index* index = NULL;
  crmkit_geo_result* result = NULL;
  size_t n_queries = 0, n_hits = 0;
  int32_t inside[5], ids[5];
  double b[4];
  CHECK_STATUS(crmkit_geo_territory_create(square, 0, &area), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("antimeridian");
  CHECK(area == NULL);
  CHECK_STATUS(crmkit_geo_territory_create(square, 4, &area), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("flags");
  CHECK_STATUS(crmkit_geo_territory_create(NULL, 0, &area), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_territory_create(square, 0, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_territory_create("POLYGON ((0 0, 1 0", CRMKIT_GEO_WRAP_ANTIMERIDIAN, &area), CRMKIT_E_PARSE);
  CHECK_OK(crmkit_geo_territory_create(square, CRMKIT_GEO_WRAP_ANTIMERIDIAN, &area));
  CHECK_OK(crmkit_geo_territory_bounds(area, &b[0], &b[1], &b[2], &b[3]));
  CHECK(b[0] == 170.0 && b[1] == -5.0 && b[2] == -170.0 && b[3] == 5.0); /* min_lon > max_lon: crosses */
  CHECK_OK(crmkit_geo_territory_test(area, plon, plat, 5, 2, inside));
  CHECK(inside[0] == 1 && inside[1] == 1 && inside[2] == 1 && inside[3] == 0 && inside[4] == 0);
  CHECK_OK(crmkit_geo_index_create(plon, plat, 5, 0.0, 0, &index));
  CHECK_OK(crmkit_geo_index_in_area(index, area, NULL, CRMKIT_GEO_ORDER_INDEX, &result));
  CHECK_OK(crmkit_geo_result_sizes(result, &n_queries, &n_hits));
  CHECK_OK(crmkit_geo_result_copy(result, NULL, 0, ids, NULL, 8));
  CHECK(n_queries == 1 && n_hits == 3 && ids[0] == 0 && ids[1] == 1 && ids[2] == 2);
  crmkit_geo_result_free(result);
  result = NULL;
  CHECK_STATUS(crmkit_geo_index_in_area(index, NULL, NULL, 0, &result), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_index_in_area(index, area, NULL, 9, &result), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(result == NULL);
  CHECK_STATUS(crmkit_geo_territory_test(area, plon, plat, 5, 0, inside), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_territory_test(area, plon, plat, 5, 1, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_territory_test(NULL, plon, plat, 5, 1, inside), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_territory_bounds(NULL, &b[0], &b[1], &b[2], &b[3]), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_geo_territory_free(NULL);
  crmkit_geo_territory_free(area);
  crmkit_geo_index_free(index);
}

/* Issue 12: empty GeoJSON geometries are rejected like WKT EMPTY (they used to give a
 * territory with NaN bounds whose test crashed). */
static void test_empty_territory(void) {
  static const char* empty[] = {"{\"type\":\"MultiPolygon\",\"coordinates\":[]}",
                                "{\"type\":\"FeatureCollection\",\"features\":[]}", "POLYGON EMPTY"};
  const double lon = 0.0, lat = 0.0;
  int32_t inside = 7;
  size_t i;
  for (i = 0; i < sizeof empty / sizeof empty[0]; ++i) {
    crmkit_geo_territory* area = (crmkit_geo_territory*)&inside; /* must be reset to NULL */
    CHECK_STATUS(crmkit_geo_territory_create(empty[i], 0, &area), CRMKIT_E_PARSE);
    CHECK_MESSAGE_HAS(i == 2 ? "EMPTY" : "is not a territory");
    CHECK(area == NULL);
    CHECK_STATUS(crmkit_geo_territory_contains(empty[i], &lon, &lat, 1, 1, &inside), CRMKIT_E_PARSE);
  }
}

int main(void) {
  test_null_arguments();
  test_empty_territory();
  test_queries();
  test_bad_input();
  test_parsed_territory();
  return test_report("geo_test");
}
