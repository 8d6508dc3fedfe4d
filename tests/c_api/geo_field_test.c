/* C ABI of the field-sales geo functions (crmkit/c/geo.h): reps (nearest available rep,
 * capacity assignment), GPS tracks, density grids, coordinate conversions and distances.
 * Points lie on the equator, where one degree of longitude is exactly pi R / 180 of
 * great-circle distance, so every expected value is computed by hand in the comments;
 * the conversions are checked against coordtransform's published value and Vincenty's
 * published Flinders Peak - Buninyong geodesic. */
#include <math.h>

#include "test_util.h"

static const double pi = 3.14159265358979323846;
#define ONE_DEGREE_M (3.14159265358979323846 * 6371008.8 / 180.0)

static int close_to(double a, double b, double tol) { return fabs(a - b) <= tol; }

/* Reps at longitudes 0, 1, 2, 3 on the equator. */
static const double rep_lon[] = {0.0, 1.0, 2.0, 3.0};
static const double rep_lat[] = {0.0, 0.0, 0.0, 0.0};

static void test_reps_null_and_bad_input(void) {
  crmkit_geo_reps* reps = NULL;
  size_t n = 0;
  int32_t ids[4], rep[2], avail[4], capacity[4] = {1, 1, 1, -1};
  double q = 0.0, d[4];
  const double bad_lat[] = {0.0, 95.0, 0.0, 0.0};
  const char* bad_territory[] = {NULL, "POLYGON ((0 0, 1 0, 1 1", NULL, NULL};
  CHECK_STATUS(crmkit_geo_reps_create(rep_lon, rep_lat, 4, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_reps_create(NULL, rep_lat, 4, NULL, &reps), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("lon");
  CHECK(reps == NULL);
  CHECK_STATUS(crmkit_geo_reps_create(rep_lon, bad_lat, 4, NULL, &reps), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("95");
  CHECK_STATUS(crmkit_geo_reps_create(rep_lon, rep_lat, 4, bad_territory, &reps), CRMKIT_E_PARSE);
  CHECK_MESSAGE_HAS("territory of rep 1");
  CHECK(reps == NULL);
  CHECK_STATUS(crmkit_geo_reps_size(NULL, &n), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_reps_set_available(NULL, 0, 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_reps_available(NULL, avail, 4), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_reps_nearest(NULL, &q, &q, 1, 1, INFINITY, 0, 1, ids, d), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_reps_assign(NULL, &q, &q, 1, capacity, INFINITY, 0, rep, NULL, NULL, NULL),
               CRMKIT_E_INVALID_ARGUMENT);
  crmkit_geo_reps_free(NULL);

  CHECK_OK(crmkit_geo_reps_create(rep_lon, rep_lat, 4, NULL, &reps));
  CHECK_STATUS(crmkit_geo_reps_set_available(reps, 4, 0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("rep 4 of 4");
  CHECK_STATUS(crmkit_geo_reps_nearest(reps, &q, &q, 1, 0, INFINITY, 0, 1, ids, d), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("k must be at least 1");
  CHECK_STATUS(crmkit_geo_reps_nearest(reps, &q, &q, 1, 1, -1.0, 0, 1, ids, d), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("max_distance_m");
  CHECK_STATUS(crmkit_geo_reps_nearest(reps, &q, &q, 1, 1, INFINITY, 8, 1, ids, d), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("flags");
  CHECK_STATUS(crmkit_geo_reps_nearest(reps, &q, &q, 1, 1, INFINITY, 0, 0, ids, d), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("n_threads");
  CHECK_STATUS(crmkit_geo_reps_nearest(reps, &q, &q, 1, 1, INFINITY, 0, 1, NULL, d), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("out_ids");
  CHECK_STATUS(crmkit_geo_reps_nearest(reps, &q, bad_lat + 1, 1, 1, INFINITY, 0, 1, ids, d), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("request 0");
  CHECK_STATUS(crmkit_geo_reps_assign(reps, &q, &q, 1, capacity, INFINITY, 0, rep, NULL, NULL, NULL),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("rep 3 has capacity -1");
  CHECK_STATUS(crmkit_geo_reps_assign(reps, &q, &q, 1, NULL, INFINITY, 0, rep, NULL, NULL, NULL),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("capacity");
  crmkit_geo_reps_free(reps);
}

static void test_reps_queries(void) {
  crmkit_geo_reps* reps = NULL;
  /* Rep 2 only serves the square around longitude 2. */
  const char* territories[] = {NULL, "", "POLYGON ((1.5 -1, 2.5 -1, 2.5 1, 1.5 1, 1.5 -1))", NULL};
  const double qlon[] = {0.4, 2.9}, qlat[] = {0.0, 0.0};
  int32_t ids[6], avail[4];
  double d[6];
  size_t n = 0, open = 99;
  CHECK_OK(crmkit_geo_reps_create(rep_lon, rep_lat, 4, territories, &reps));
  CHECK_OK(crmkit_geo_reps_size(reps, &n));
  CHECK(n == 4);
  /* Request at 0.4: reps 0 (0.4 degrees), 1 (0.6), 2 (1.6); at 2.9: 3 (0.1), 2 (0.9), 1 (1.9). */
  CHECK_OK(crmkit_geo_reps_nearest(reps, qlon, qlat, 2, 3, INFINITY, 0, 2, ids, d));
  CHECK(ids[0] == 0 && ids[1] == 1 && ids[2] == 2 && ids[3] == 3 && ids[4] == 2 && ids[5] == 1);
  CHECK(close_to(d[0], 0.4 * ONE_DEGREE_M, 1e-6) && close_to(d[2], 1.6 * ONE_DEGREE_M, 1e-6) &&
        close_to(d[3], 0.1 * ONE_DEGREE_M, 1e-6));
  /* Rep 0 off today. Within the territories, rep 2 serves neither request (both lie
   * outside its square); reps without a territory (NULL or "") serve anywhere. */
  CHECK_OK(crmkit_geo_reps_set_available(reps, 0, 0));
  CHECK_OK(crmkit_geo_reps_available(reps, avail, 4));
  CHECK_STATUS(crmkit_geo_reps_available(reps, avail, 3), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(avail[0] == 0 && avail[1] == 1 && avail[2] == 1 && avail[3] == 1);
  CHECK_OK(crmkit_geo_reps_nearest(reps, qlon, qlat, 2, 3, INFINITY, CRMKIT_GEO_WITHIN_TERRITORY, 1, ids, d));
  CHECK(ids[0] == 1 && ids[1] == 3 && ids[2] == -1 && isnan(d[2]));
  CHECK(ids[3] == 3 && ids[4] == 1 && ids[5] == -1);
  /* At most 1 degree away: 0.4 has only rep 1 (0.6); the padding is -1 / NaN. */
  CHECK_OK(crmkit_geo_reps_nearest(reps, qlon, qlat, 1, 3, ONE_DEGREE_M, 0, 1, ids, d));
  CHECK(ids[0] == 1 && ids[1] == -1 && ids[2] == -1 && isnan(d[1]));
  CHECK_OK(crmkit_geo_reps_set_available(reps, 0, 1));
  {
    /* Requests at 0.1, 0.2, 0.3, capacity 1 each. Pairs in distance order: (r0,p0) 0.1,
     * (r1,p0) 0.2, (r2,p0) 0.3, (r2,p1) 0.7, (r1,p1) 0.8, (r0,p1) 0.9, (r2,p2) 1.7, (r1,p2) 1.8:
     * r0 -> p0, r2 -> p1, r1 -> p2 at 1.8 degrees. A second call with rep 3's capacity only
     * (zero elsewhere) and a 2-degree limit leaves r0 (2.9 away) and r1 (2.8) open. */
    const double alon[] = {0.1, 0.2, 0.3}, alat[] = {0.0, 0.0, 0.0};
    int32_t capacity[] = {1, 1, 1, 1}, only3[] = {0, 0, 0, 5}, rep[3], load[4];
    double ad[3];
    CHECK_OK(crmkit_geo_reps_assign(reps, alon, alat, 3, capacity, INFINITY, 0, rep, ad, load, &open));
    CHECK(rep[0] == 0 && rep[1] == 2 && rep[2] == 1);
    CHECK(close_to(ad[0], 0.1 * ONE_DEGREE_M, 1e-6) && close_to(ad[1], 1.8 * ONE_DEGREE_M, 1e-6) &&
          close_to(ad[2], 0.7 * ONE_DEGREE_M, 1e-6));
    CHECK(load[0] == 1 && load[1] == 1 && load[2] == 1 && load[3] == 0 && open == 0);
    CHECK_OK(crmkit_geo_reps_assign(reps, alon, alat, 3, only3, 2.75 * ONE_DEGREE_M, 0, rep, ad, NULL, &open));
    CHECK(rep[0] == -1 && rep[1] == -1 && rep[2] == 3 && open == 2 && isnan(ad[0]));
  }
  crmkit_geo_reps_free(reps);
}

/* A track on the equator, one fix a minute: 4 legs of 0.001 degrees, a dwell of 6 fixes
 * (5 minutes) at longitude 0.004, a GPS jump of one degree north (1853 m/s: dropped),
 * then 2 more legs of 0.001 degrees. Kept distance: 6 * 0.001 degrees. */
static const int64_t t_track[] = {0, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 660, 720};
static const double lon_track[] = {0.0, 0.001, 0.002, 0.003, 0.004, 0.004, 0.004,
                                   0.004, 0.004, 0.004, 0.004, 0.005, 0.006};
static const double lat_track[] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0};

static void test_track(void) {
  crmkit_geo_track* track = NULL;
  crmkit_geo_track_options* options = NULL;
  crmkit_geo_index* customers = NULL;
  /* Customer 1 is 0.0005 degrees (55.6 m) north of the stop, within the 150 m visit radius. */
  const double clon[] = {0.5, 0.004, -0.2}, clat[] = {0.0, 0.0005, 0.0};
  size_t n_fixes = 0, n_dropped = 0, n_stops = 0, n_visits = 0;
  double distance = 0, slon[2], slat[2], cdist[2];
  int64_t at = 0, first[2], last[2], start[2], end[2];
  int32_t kept[13], customer[2];
  int i;
  CHECK_OK(crmkit_geo_index_create(clon, clat, 3, 0.0, 0, &customers));
  CHECK_OK(crmkit_geo_track_analyze(t_track, lon_track, lat_track, 13, customers, NULL, &track));
  CHECK_OK(crmkit_geo_track_summary(track, &n_fixes, &distance, &n_dropped, &n_stops, &n_visits, &at));
  CHECK(n_fixes == 13 && n_dropped == 1 && n_stops == 1 && n_visits == 1);
  CHECK(close_to(distance, 0.006 * ONE_DEGREE_M, 1e-6));
  /* The stop runs from fix 4 (t = 240) to fix 9 (t = 540): 300 s, at least the 300 s default. */
  CHECK(at == 300);
  CHECK_OK(crmkit_geo_track_kept(track, kept, 13));
  CHECK_STATUS(crmkit_geo_track_kept(track, kept, 12), CRMKIT_E_BUFFER_TOO_SMALL);
  for (i = 0; i < 13; ++i) CHECK(kept[i] == (i == 10 ? 0 : 1));
  CHECK_OK(crmkit_geo_track_stops(track, first, last, start, end, slon, slat, customer, cdist, 2));
  CHECK(first[0] == 4 && last[0] == 9 && start[0] == 240 && end[0] == 540);
  CHECK(close_to(slon[0], 0.004, 1e-12) && slat[0] == 0.0 && customer[0] == 1);
  CHECK(close_to(cdist[0], 0.0005 * ONE_DEGREE_M, 1e-6));
  CHECK_OK(crmkit_geo_track_stops(track, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 2));
  crmkit_geo_track_free(track);
  track = NULL;

  /* A 6-minute minimum dwell: no stop. */
  CHECK_OK(crmkit_geo_track_options_create(&options));
  CHECK_OK(crmkit_geo_track_options_set_int(options, CRMKIT_GEO_TRACK_MIN_DWELL_S, 360));
  CHECK_OK(crmkit_geo_track_analyze(t_track, lon_track, lat_track, 13, NULL, options, &track));
  CHECK_OK(crmkit_geo_track_summary(track, NULL, NULL, NULL, &n_stops, &n_visits, NULL));
  CHECK(n_stops == 0 && n_visits == 0);
  crmkit_geo_track_free(track);
  track = NULL;
  CHECK_OK(crmkit_geo_track_options_set_int(options, CRMKIT_GEO_TRACK_MIN_DWELL_S, 300));
  CHECK_OK(crmkit_geo_track_options_set_double(options, CRMKIT_GEO_TRACK_MAX_SPEED_MPS, 1.0));
  CHECK_OK(crmkit_geo_track_analyze(t_track, lon_track, lat_track, 13, NULL, options, &track));
  CHECK_OK(crmkit_geo_track_summary(track, NULL, &distance, &n_dropped, NULL, NULL, NULL));
  /* From the last kept fix: fixes 1-4 are 111 m per minute away (1.85 m/s), the dwell at
   * 0.004 degrees (444.8 m from fix 0) is reached at 1.48, 1.24, 1.06 m/s (fixes 5-7:
   * dropped) and 0.93 m/s (fix 8, t = 480: kept); fix 9 is in place, fix 10 is the jump,
   * fix 11 is 111 m in 120 s from fix 9 (kept) and fix 12 111 m in 60 s (dropped).
   * Dropped: 1-7, 10, 12; distance 0.004 + 0.001 degrees. */
  CHECK(n_dropped == 9);
  CHECK(close_to(distance, 0.005 * ONE_DEGREE_M, 1e-6));
  crmkit_geo_track_free(track);
  track = NULL;

  /* Bad input. */
  CHECK_STATUS(crmkit_geo_track_options_set_double(options, CRMKIT_GEO_TRACK_MIN_DWELL_S, 2.5), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("whole number");
  CHECK_STATUS(crmkit_geo_track_options_set_int(options, CRMKIT_GEO_TRACK_MIN_DWELL_S, -1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_track_options_set_double(options, CRMKIT_GEO_TRACK_MAX_SPEED_MPS, 0.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_track_options_set_double(options, CRMKIT_GEO_TRACK_STOP_RADIUS_M, NAN), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_track_options_set_double(options, 99, 1.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("unknown option key 99");
  {
    double lo = 0, hi = 0, def = 0, v = 0;
    int64_t dwell = 0;
    CHECK_OK(crmkit_geo_track_options_option_bounds(CRMKIT_GEO_TRACK_VISIT_RADIUS_M, &lo, &hi, &def));
    CHECK(lo == 0.0 && def == 150.0 && hi > 1e300);
    CHECK_OK(crmkit_geo_track_options_get_double(options, CRMKIT_GEO_TRACK_MAX_SPEED_MPS, &v));
    CHECK(v == 1.0);
    CHECK_OK(crmkit_geo_track_options_get_int(options, CRMKIT_GEO_TRACK_MIN_DWELL_S, &dwell));
    CHECK(dwell == 300);
    CHECK_STATUS(crmkit_geo_track_options_get_int(options, CRMKIT_GEO_TRACK_MAX_SPEED_MPS, &dwell), CRMKIT_E_INVALID_ARGUMENT);
  }
  CHECK_STATUS(crmkit_geo_track_options_set_int(NULL, CRMKIT_GEO_TRACK_MIN_DWELL_S, 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_track_options_create(NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_track_analyze(t_track, lon_track, lat_track, 13, NULL, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_track_analyze(NULL, lon_track, lat_track, 13, NULL, NULL, &track), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("time");
  CHECK(track == NULL);
  {
    const int64_t backwards[] = {0, 60, 30};
    const double lon3[] = {0.0, 0.0, 0.0}, lat3[] = {0.0, 0.0, 0.0}, bad_lat3[] = {0.0, 91.0, 0.0};
    CHECK_STATUS(crmkit_geo_track_analyze(backwards, lon3, lat3, 3, NULL, NULL, &track), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("timestamps go backwards at fix 2 (30 after 60)");
    CHECK(track == NULL);
    CHECK_STATUS(crmkit_geo_track_analyze(t_track, lon3, bad_lat3, 3, NULL, NULL, &track), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("fix 1");
  }
  CHECK_STATUS(crmkit_geo_track_summary(NULL, NULL, NULL, NULL, NULL, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_track_kept(NULL, kept, 13), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_track_stops(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_geo_track_free(NULL);
  crmkit_geo_track_options_free(NULL);
  crmkit_geo_track_options_free(options);
  crmkit_geo_index_free(customers);
}

static void test_grid(void) {
  /* 1-degree cells over [0, 3] x [0, 2]: 3 columns, 2 rows. (3, 2) lies on the upper
   * bound and goes to the last cell; (5, 5) is outside; one point has no location. */
  const double lon[] = {0.5, 0.5, 2.5, 3.0, 5.0, NAN};
  const double lat[] = {0.5, 0.6, 1.5, 2.0, 5.0, NAN};
  const double value[] = {1.0, 2.0, 3.0, NAN, 5.0, 6.0};
  crmkit_geo_grid* grid = NULL;
  size_t n_lon = 0, n_lat = 0, outside = 0, unlocated = 0, needed = 0, needed2 = 0;
  int64_t count[6];
  double sum[6], mean[6];
  char small[8] = "unset", *text;
  CHECK_OK(crmkit_geo_grid_create(lon, lat, value, 6, 1.0, 0.0, 0.0, 3.0, 2.0, &grid));
  CHECK_OK(crmkit_geo_grid_sizes(grid, &n_lon, &n_lat, &outside, &unlocated));
  CHECK(n_lon == 3 && n_lat == 2 && outside == 1 && unlocated == 1);
  CHECK_OK(crmkit_geo_grid_cells(grid, count, sum, mean, 6));
  CHECK(count[0] == 2 && count[1] == 0 && count[2] == 0 && count[3] == 0 && count[4] == 0 && count[5] == 2);
  CHECK(sum[0] == 3.0 && mean[0] == 1.5 && sum[1] == 0.0 && isnan(mean[1]));
  CHECK(sum[5] == 3.0 && mean[5] == 3.0); /* the NaN value is skipped */
  /* Two-call protocol for the GeoJSON: the size query reports CRMKIT_E_BUFFER_TOO_SMALL. */
  CHECK_STATUS(crmkit_geo_grid_geojson(grid, 1, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(needed > 100);
  CHECK_STATUS(crmkit_geo_grid_geojson(grid, 1, small, sizeof small, &needed2), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(needed2 == needed && strcmp(small, "unset") == 0);
  text = (char*)malloc(needed);
  CHECK(text != NULL);
  if (text != NULL) {
    CHECK_OK(crmkit_geo_grid_geojson(grid, 1, text, needed, &needed2));
    CHECK(strlen(text) + 1 == needed);
    CHECK(strstr(text, "\"FeatureCollection\"") != NULL);
    CHECK(strstr(text, "\"cell\": 0, \"count\": 2, \"sum\": 3, \"mean\": 1.5") != NULL);
    CHECK(strstr(text, "\"cell\": 5, \"count\": 2") != NULL && strstr(text, "\"cell\": 1,") == NULL);
    free(text);
  }
  /* A minimum count of 3 leaves an empty collection. */
  CHECK_STATUS(crmkit_geo_grid_geojson(grid, 3, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(needed == strlen("{\"type\": \"FeatureCollection\", \"features\": []}") + 1);
  CHECK_STATUS(crmkit_geo_grid_geojson(grid, -1, NULL, 0, &needed), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_grid_geojson(grid, 1, NULL, 0, NULL), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_geo_grid_free(grid);
  grid = NULL;
  /* Without values: sums and means are NaN. */
  CHECK_OK(crmkit_geo_grid_create(lon, lat, NULL, 6, 1.0, 0.0, 0.0, 3.0, 2.0, &grid));
  CHECK_OK(crmkit_geo_grid_cells(grid, count, sum, mean, 6));
  CHECK(count[0] == 2 && isnan(sum[0]) && isnan(mean[0]));
  crmkit_geo_grid_free(grid);
  grid = NULL;
  /* Bad input. */
  CHECK_STATUS(crmkit_geo_grid_create(lon, lat, NULL, 6, 0.0, 0.0, 0.0, 3.0, 2.0, &grid), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("cell_deg");
  CHECK_STATUS(crmkit_geo_grid_create(lon, lat, NULL, 6, 1.0, 0.0, 0.0, 3.0, 95.0, &grid), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("bounds");
  CHECK_STATUS(crmkit_geo_grid_create(NULL, lat, NULL, 6, 1.0, 0.0, 0.0, 3.0, 2.0, &grid), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(grid == NULL);
  CHECK_STATUS(crmkit_geo_grid_create(lon, lat, NULL, 6, 1.0, 0.0, 0.0, 3.0, 2.0, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_grid_sizes(NULL, NULL, NULL, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_geo_grid_cells(NULL, NULL, NULL, NULL, 0), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_geo_grid_free(NULL);
}

static void test_conversions_and_distances(void) {
  /* Tiananmen in WGS84; coordtransform publishes GCJ-02 (116.41024449916938, 39.91640428150164).
   * Paris is outside China: unchanged. */
  double lon[] = {116.404, 2.35, NAN}, lat[] = {39.915, 48.86, NAN};
  double glon[3], glat[3], blon[3], blat[3], wlon[3], wlat[3], d[2];
  const double bad[] = {116.404, 200.0}, bad_lat[] = {39.915, 0.0};
  CHECK_OK(crmkit_geo_convert(CRMKIT_GEO_WGS84, CRMKIT_GEO_GCJ02, lon, lat, 3, glon, glat));
  CHECK(close_to(glon[0], 116.41024449916938, 1e-12) && close_to(glat[0], 39.91640428150164, 1e-12));
  CHECK(glon[1] == 2.35 && glat[1] == 48.86 && isnan(glon[2]) && isnan(glat[2]));
  /* GCJ-02 -> BD-09 is Baidu's published offset: about 0.0065 / 0.006 degrees. */
  CHECK_OK(crmkit_geo_convert(CRMKIT_GEO_GCJ02, CRMKIT_GEO_BD09, glon, glat, 3, blon, blat));
  CHECK(close_to(blon[0] - glon[0], 0.0065, 0.001) && close_to(blat[0] - glat[0], 0.006, 0.001));
  /* BD-09 -> WGS84 comes back within the approximate BD-09 inverse's error (about 1e-6
   * degrees: 1.03e-6 in latitude here, 0.11 m). */
  CHECK_OK(crmkit_geo_convert(CRMKIT_GEO_BD09, CRMKIT_GEO_WGS84, blon, blat, 3, wlon, wlat));
  CHECK(close_to(wlon[0], 116.404, 2e-6) && close_to(wlat[0], 39.915, 2e-6));
  /* In place: the same as out of place. */
  CHECK_OK(crmkit_geo_convert(CRMKIT_GEO_WGS84, CRMKIT_GEO_BD09, lon, lat, 3, lon, lat));
  CHECK(close_to(lon[0], blon[0], 1e-12) && close_to(lat[0], blat[0], 1e-12));
  CHECK_STATUS(crmkit_geo_convert(CRMKIT_GEO_WGS84, 3, lon, lat, 3, glon, glat), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("coordinate system 3");
  CHECK_STATUS(crmkit_geo_convert(CRMKIT_GEO_WGS84, CRMKIT_GEO_GCJ02, bad, bad_lat, 2, glon, glat), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("point 1");
  CHECK_STATUS(crmkit_geo_convert(CRMKIT_GEO_WGS84, CRMKIT_GEO_GCJ02, lon, lat, 3, NULL, glat), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("out_lon");

  {
    /* Vincenty (1975): Flinders Peak - Buninyong is 54,972.271 m on the ellipsoid;
     * one degree on the equator is pi R / 180 on the sphere. */
    const double lon1[] = {144.42486789, 0.0}, lat1[] = {-37.95103342, 0.0};
    const double lon2[] = {143.92649553, 1.0}, lat2[] = {-37.65282114, 0.0};
    CHECK_OK(crmkit_geo_distance(lon1, lat1, lon2, lat2, 2, CRMKIT_GEO_DISTANCE_WGS84, d));
    CHECK(close_to(d[0], 54972.271, 0.001));
    CHECK_OK(crmkit_geo_distance(lon1, lat1, lon2, lat2, 2, CRMKIT_GEO_DISTANCE_SPHERE, d));
    CHECK(close_to(d[1], pi * 6371008.8 / 180.0, 1e-6));
    CHECK(fabs(d[0] - 54972.271) / 54972.271 < 0.005); /* the sphere is within 0.5 % */
    CHECK_STATUS(crmkit_geo_distance(lon1, lat1, lon2, lat2, 2, 2, d), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("method 2");
    CHECK_STATUS(crmkit_geo_distance(lon1, lat1, lon2, lat2, 2, CRMKIT_GEO_DISTANCE_SPHERE, NULL),
                 CRMKIT_E_INVALID_ARGUMENT);
    CHECK_STATUS(crmkit_geo_distance(lon1, bad, lon2, lat2, 2, CRMKIT_GEO_DISTANCE_SPHERE, d), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("first point of pair 0");
  }
}

int main(void) {
  test_reps_null_and_bad_input();
  test_reps_queries();
  test_track();
  test_grid();
  test_conversions_and_distances();
  return test_report("geo_field_test");
}
