/* C ABI of geohash cells, rep coverage and the WGS84 index distance (crmkit/c/geo.h):
 * Wikipedia's geohash example, hand-built grids and a hand-built two-day coverage on the
 * equator, where a degree of longitude is exactly pi R / 180 on the sphere and exactly
 * a pi / 180 (a = 6378137 m) along the WGS84 ellipsoid's equator. */
#include <math.h>

#include "test_util.h"

#define PI 3.14159265358979323846
#define SPHERE_DEGREE_M (PI * 6371008.8 / 180.0)
#define WGS84_EQUATOR_DEGREE_M (PI * 6378137.0 / 180.0)

static int close_to(double a, double b, double tol) { return fabs(a - b) <= tol; }

static void test_geohash(void) {
  const double lon[] = {-5.6, 10.40744, NAN}, lat[] = {42.6, 57.64911, NAN};
  char out[3 * 12];
  double box[4];
  crmkit_geo_geohash_grid* grid = NULL;
  size_t n_cells = 0, n_values = 0, n_points = 0, unlocated = 0, needed = 0;
  int32_t precision = 0, cell[4];
  CHECK_OK(crmkit_geo_geohash_encode(lon, lat, 3, 11, out));
  CHECK(strcmp(out + 12, "u4pruydqqvj") == 0 && out[24] == '\0');
  CHECK_OK(crmkit_geo_geohash_encode(lon, lat, 1, 5, out));
  CHECK(strcmp(out, "ezs42") == 0);
  CHECK_OK(crmkit_geo_geohash_decode("ezs42", &box[0], &box[1], &box[2], &box[3]));
  CHECK(box[0] <= -5.6 && -5.6 <= box[2] && box[1] <= 42.6 && 42.6 <= box[3]);
  CHECK(close_to((box[0] + box[2]) / 2, -5.603, 1e-3) && close_to((box[1] + box[3]) / 2, 42.605, 1e-3));
  CHECK_STATUS(crmkit_geo_geohash_encode(lon, lat, 1, 13, out), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("precision 13");
  CHECK_STATUS(crmkit_geo_geohash_encode(lon, lat, 1, 5, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_geohash_decode("ezs4a", &box[0], &box[1], &box[2], &box[3]), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_geohash_decode(NULL, &box[0], &box[1], &box[2], &box[3]), CRMKIT_E_INVALID_ARGUMENT);
  {
    /* Two points in cell "ezs42" (values 1, 3; NaN skipped), one in "u4pru", one unlocated. */
    const double glon[] = {-5.6, -5.601, 10.40744, NAN}, glat[] = {42.6, 42.601, 57.64911, NAN};
    const double values[] = {1.0, 10.0, 3.0, NAN, 5.0, 50.0, 7.0, 70.0}; /* 4 rows x 2 columns */
    char hashes[2 * 6];
    int64_t count[2];
    double sum[4], mean[4], boxes[8];
    CHECK_OK(crmkit_geo_geohash_grid_create(glon, glat, 4, values, 2, 5, &grid));
    CHECK_OK(crmkit_geo_geohash_grid_sizes(grid, &n_cells, &n_values, &n_points, &unlocated, &precision));
    CHECK(n_cells == 2 && n_values == 2 && n_points == 4 && unlocated == 1 && precision == 5);
    CHECK_OK(crmkit_geo_geohash_grid_cells(grid, hashes, count, sum, mean, boxes, 2));
    CHECK_STATUS(crmkit_geo_geohash_grid_cells(grid, hashes, count, sum, mean, boxes, 1), CRMKIT_E_BUFFER_TOO_SMALL);
    CHECK(strcmp(hashes, "ezs42") == 0 && strcmp(hashes + 6, "u4pru") == 0);
    CHECK(count[0] == 2 && count[1] == 1);
    CHECK(sum[0] == 4.0 && sum[1] == 10.0 && mean[0] == 2.0 && mean[1] == 10.0); /* cell 0: columns 0, 1 */
    CHECK(sum[2] == 5.0 && sum[3] == 50.0);
    CHECK(close_to(boxes[0], box[0], 1e-12) && close_to(boxes[3], box[3], 1e-12));
    CHECK_OK(crmkit_geo_geohash_grid_point_cells(grid, cell, 4));
    CHECK_STATUS(crmkit_geo_geohash_grid_point_cells(grid, cell, 3), CRMKIT_E_BUFFER_TOO_SMALL);
    CHECK(cell[0] == 0 && cell[1] == 0 && cell[2] == 1 && cell[3] == -1);
    CHECK_STATUS(crmkit_geo_geohash_grid_geojson(grid, 1, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
    {
      char* text = (char*)malloc(needed);
      CHECK(text != NULL);
      if (text != NULL) {
        CHECK_OK(crmkit_geo_geohash_grid_geojson(grid, 2, text, needed, &needed));
        CHECK(strstr(text, "\"ezs42\"") != NULL && strstr(text, "\"u4pru\"") == NULL);
        free(text);
      }
    }
    crmkit_geo_geohash_grid_free(grid);
    grid = NULL;
    CHECK_STATUS(crmkit_geo_geohash_grid_create(glon, glat, 4, NULL, 2, 5, &grid), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("values");
    CHECK_STATUS(crmkit_geo_geohash_grid_create(glon, glat, 4, NULL, 0, 0, &grid), CRMKIT_E_INVALID_ARGUMENT);
    CHECK(grid == NULL);
    CHECK_STATUS(crmkit_geo_geohash_grid_sizes(NULL, NULL, NULL, NULL, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
    crmkit_geo_geohash_grid_free(NULL);
  }
}

static void test_wgs84_index(void) {
  const double lon[] = {0.0, 1.0, 2.0}, lat[] = {0.0, 0.0, 0.0};
  const double q = 0.0;
  crmkit_geo_index* index = NULL;
  int32_t ids[3];
  double d[3];
  CHECK_OK(crmkit_geo_index_create(lon, lat, 3, 0.0, CRMKIT_GEO_WGS84_DISTANCES, &index));
  CHECK_OK(crmkit_geo_index_nearest(index, &q, &q, 1, 3, NULL, 1, ids, d));
  CHECK(ids[0] == 0 && ids[1] == 1 && ids[2] == 2);
  /* Along the equator the geodesic is the equator itself: a * delta-lambda. */
  CHECK(close_to(d[1], WGS84_EQUATOR_DEGREE_M, 1e-6) && close_to(d[2], 2 * WGS84_EQUATOR_DEGREE_M, 1e-6));
  crmkit_geo_index_free(index);
  index = NULL;
  CHECK_STATUS(crmkit_geo_index_create(lon, lat, 3, 6371008.8, CRMKIT_GEO_WGS84_DISTANCES, &index),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("earth_radius_m");
  CHECK(index == NULL);
}

static void test_coverage(void) {
  /* Customers 0 and 1 on the equator at longitudes 0.01 and 0.02, customer 2 at 0.05.
   * Assigned: 0 and 1, weekly. Period: days 0 and 1 (1970-01-01/02 UTC). Track 0 on day 0
   * drives 0.000 -> 0.010 in 10 legs of 0.001 degrees (a fix a minute) and stays 10
   * minutes at customer 0; track 1 on day 1 stays 10 minutes at customer 2. */
  const double clon[] = {0.01, 0.02, 0.05}, clat[] = {0.0, 0.0, 0.0};
  int64_t t[32], offsets[3];
  double lon[32], lat[32];
  const int32_t assigned[] = {0, 1}, weekly[] = {7, 7};
  crmkit_geo_index* index = NULL;
  crmkit_geo_coverage* cov = NULL;
  size_t n = 0, n_assigned = 0, n_covered = 0, n_days = 0, n_visits = 0, n_missed = 0;
  double share = 0, dist[2];
  int32_t customer[2], missed[4], vcust[2];
  int64_t visits[2], last[2], at[2], day[2], day_visits[2], assigned_visits[2], due[2], due_off[3], vstart[2];
  int i;
  for (i = 0; i <= 10; ++i, ++n) {
    t[n] = 8 * 3600 + 60 * i;
    lon[n] = 0.001 * i;
    lat[n] = 0.0;
  }
  for (i = 1; i <= 10; ++i, ++n) {
    t[n] = 8 * 3600 + 600 + 60 * i;
    lon[n] = 0.01;
    lat[n] = 0.0;
  }
  offsets[0] = 0;
  offsets[1] = (int64_t)n;
  for (i = 0; i <= 10; ++i, ++n) {
    t[n] = 86400 + 9 * 3600 + 60 * i;
    lon[n] = 0.05;
    lat[n] = 0.0;
  }
  offsets[2] = (int64_t)n;
  CHECK_OK(crmkit_geo_index_create(clon, clat, 3, 0.0, 0, &index));
  CHECK_OK(crmkit_geo_coverage_compute(t, lon, lat, offsets, 2, assigned, 2, index, NULL, weekly, 0, 2 * 86400, 0, 0,
                                       NULL, &cov));
  CHECK_OK(crmkit_geo_coverage_summary(cov, &n_assigned, &n_covered, &share, &n_days, &n_visits, &n_missed));
  CHECK(n_assigned == 2 && n_covered == 1 && share == 0.5 && n_days == 2 && n_visits == 2);
  /* Customer 1 is due from day 0 (weekly, no next_due) and never visited: missed both days. */
  CHECK(n_missed == 2);
  CHECK_OK(crmkit_geo_coverage_customers(cov, customer, visits, last, at, 2));
  CHECK(customer[0] == 0 && customer[1] == 1 && visits[0] == 1 && visits[1] == 0);
  CHECK(last[0] == 8 * 3600 + 600 && last[1] == CRMKIT_GEO_NO_DUE_DATE && at[0] == 600 && at[1] == 0);
  CHECK_OK(crmkit_geo_coverage_days(cov, day, NULL, dist, day_visits, assigned_visits, NULL, due, due_off, 2));
  CHECK_STATUS(crmkit_geo_coverage_days(cov, day, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(day[0] == 0 && day[1] == 1 && day_visits[0] == 1 && day_visits[1] == 1);
  CHECK(assigned_visits[0] == 1 && assigned_visits[1] == 0 && due[0] == 2 && due[1] == 1);
  CHECK(close_to(dist[0], 0.01 * SPHERE_DEGREE_M, 1e-6) && dist[1] == 0.0);
  CHECK(due_off[0] == 0 && due_off[1] == 1 && due_off[2] == 2);
  CHECK_OK(crmkit_geo_coverage_due_not_visited(cov, missed, 4));
  CHECK_STATUS(crmkit_geo_coverage_due_not_visited(cov, missed, 1), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(missed[0] == 1 && missed[1] == 1);
  CHECK_OK(crmkit_geo_coverage_visits(cov, vstart, NULL, NULL, NULL, vcust, NULL, 2));
  CHECK(vstart[0] == 8 * 3600 + 600 && vcust[0] == 0 && vcust[1] == 2);
  crmkit_geo_coverage_free(cov);
  cov = NULL;

  /* Bad input. */
  CHECK_STATUS(crmkit_geo_coverage_compute(t, lon, lat, offsets, 2, assigned, 2, index, NULL, NULL, 100, 100, 0, 0, NULL,
                                           &cov), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(cov == NULL);
  CHECK_STATUS(crmkit_geo_coverage_compute(t, lon, lat, offsets, 2, assigned, 2, NULL, NULL, NULL, 0, 86400, 0, 0, NULL,
                                           &cov), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("customers");
  offsets[1] = 40;
  CHECK_STATUS(crmkit_geo_coverage_compute(t, lon, lat, offsets, 2, assigned, 2, index, NULL, NULL, 0, 86400, 0, 0, NULL,
                                           &cov), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("track_offsets decrease at track 1");
  offsets[1] = 21;
  {
    const int32_t twice[] = {0, 0};
    CHECK_STATUS(crmkit_geo_coverage_compute(t, lon, lat, offsets, 2, twice, 2, index, NULL, NULL, 0, 86400, 0, 0, NULL,
                                             &cov), CRMKIT_E_INVALID_ARGUMENT);
  }
  CHECK_STATUS(crmkit_geo_coverage_summary(NULL, NULL, NULL, NULL, NULL, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_geo_coverage_free(NULL);
  crmkit_geo_index_free(index);
}

int main(void) {
  test_geohash();
  test_wgs84_index();
  test_coverage();
  return test_report("geo_cells_test");
}
