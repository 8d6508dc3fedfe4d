/* Territory balancing and hot spots through the C ABI (crmkit/c/planning.h), from C99. */
#include <math.h>
#include <string.h>

#include "crmkit/c/planning.h"
#include "test_util.h"

static void balance(void) {
  /* the hand case of tests/planning/territory_balance_test.cpp: c4 moves from A to B */
  const char* ids[6] = {"c1", "c2", "c3", "c4", "c5", "c6"};
  const double lon[6] = {0.1, 0.2, 0.3, 0.4, 0.8, 0.9}, lat[6] = {0, 0, 0, 0, 0, 0};
  const double clv[6] = {1, 1, 1, 1, 1, 1};
  const int32_t today[6] = {0, 0, 0, 0, 1, 1};
  const char* names[2] = {"A", "B"};
  const double home_lon[2] = {0, 1}, home_lat[2] = {0, 0};
  double nan_home[2] = {0, 0};
  double value = 0, col[2] = {0, 0}, lo = 0, hi = 0, def = 0;
  int32_t codes[6];
  size_t column = 0;
  crmkit_table* t = NULL;
  crmkit_table* out = NULL;
  crmkit_balance* b = NULL;
  nan_home[1] = NAN;
  CHECK_STATUS(crmkit_table_create(ids, 6, &t), CRMKIT_OK);
  CHECK_STATUS(crmkit_table_set_float64(t, "lon", lon, 6), CRMKIT_OK);
  CHECK_STATUS(crmkit_table_set_float64(t, "lat", lat, 6), CRMKIT_OK);
  CHECK_STATUS(crmkit_table_set_float64(t, "clv", clv, 6), CRMKIT_OK);
  CHECK_STATUS(crmkit_table_set_category(t, "rep", today, 6, names, 2), CRMKIT_OK);
  CHECK_STATUS(crmkit_balance_create(&b), CRMKIT_OK);
  CHECK_STATUS(crmkit_balance_option_bounds(CRMKIT_BALANCE_MAX_MOVES, &lo, &hi, &def), CRMKIT_OK);
  CHECK(lo == -1 && def == -1);
  CHECK_STATUS(crmkit_balance_set_double(b, CRMKIT_BALANCE_TRAVEL_FACTOR, 0.0), CRMKIT_OK);
  CHECK_STATUS(crmkit_balance_set_int(b, CRMKIT_BALANCE_N_NEIGHBORS, 2), CRMKIT_OK);
  CHECK_STATUS(crmkit_balance_set_double(b, CRMKIT_BALANCE_SPEED_KMH, 0.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_balance_summary(b, CRMKIT_BALANCE_N_MOVED, &value), CRMKIT_E_NOT_FITTED);
  CHECK_STATUS(crmkit_balance_set_reps(b, 2, names, home_lon, nan_home, NULL), CRMKIT_OK);
  CHECK_STATUS(crmkit_balance_run(b, t, "clv", NULL, NULL, NULL, NULL, NULL, &out), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(out == NULL);
  CHECK(strstr(crmkit_last_error(), "rep 'B' has no home") != NULL);
  CHECK_STATUS(crmkit_balance_set_reps(b, 2, names, home_lon, home_lat, NULL), CRMKIT_OK);
  CHECK_STATUS(crmkit_balance_run(b, t, "clv", NULL, NULL, NULL, NULL, NULL, &out), CRMKIT_OK);
  CHECK_STATUS(crmkit_balance_summary(b, CRMKIT_BALANCE_N_MOVED, &value), CRMKIT_OK);
  CHECK(value == 1);
  CHECK_STATUS(crmkit_balance_summary(b, CRMKIT_BALANCE_WITHIN_TOLERANCE_AFTER, &value), CRMKIT_OK);
  CHECK(value == 1);
  CHECK_STATUS(crmkit_balance_rep_column(b, CRMKIT_BALANCE_REP_CUSTOMERS_AFTER, col, 1), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(crmkit_balance_rep_column(b, CRMKIT_BALANCE_REP_CUSTOMERS_AFTER, col, 2), CRMKIT_OK);
  CHECK(col[0] == 3 && col[1] == 3);
  CHECK_STATUS(crmkit_balance_rep_column(b, CRMKIT_BALANCE_REP_WORKLOAD_BEFORE, col, 2), CRMKIT_OK);
  CHECK(fabs(col[0] - 120) < 1e-9 && fabs(col[1] - 60) < 1e-9);
  CHECK_STATUS(crmkit_table_find_column(out, "rep", &column), CRMKIT_OK);
  CHECK_STATUS(crmkit_table_category_codes(out, column, codes, 6), CRMKIT_OK);
  CHECK(codes[3] == 1 && codes[2] == 0);
  crmkit_table_free(out);
  out = NULL;
  /* zero move budget */
  CHECK_STATUS(crmkit_balance_set_int(b, CRMKIT_BALANCE_MAX_MOVES, 0), CRMKIT_OK);
  CHECK_STATUS(crmkit_balance_run(b, t, "clv", NULL, NULL, NULL, NULL, NULL, &out), CRMKIT_OK);
  CHECK_STATUS(crmkit_balance_summary(b, CRMKIT_BALANCE_N_MOVED, &value), CRMKIT_OK);
  CHECK(value == 0);
  crmkit_table_free(out);
  crmkit_balance_free(b);
  crmkit_table_free(t);
}

static void hot_spots(void) {
  /* a 3 x 3 block of cells, one customer per cell, a high value in the middle */
  double lon[9], lat[9], value[9], z[9], p[9];
  int32_t spot[9];
  int64_t count[9];
  char names[9 * 8];
  size_t n_cells = 0, n_lon = 0;
  double v = 0, mean = 9.0, sd = 0;
  int i;
  crmkit_hot_spots* h = NULL;
  for (i = 0; i < 9; ++i) {
    lon[i] = 0.05 + 0.1 * (i % 3);
    lat[i] = 0.05 + 0.1 * (i / 3);
    value[i] = i == 4 ? 100 : 1;
  }
  CHECK_STATUS(crmkit_hot_spots_create(&h), CRMKIT_OK);
  CHECK_STATUS(crmkit_hot_spots_set_double(h, CRMKIT_HOT_SPOTS_CELL_DEG, 0.1), CRMKIT_OK);
  CHECK_STATUS(crmkit_hot_spots_set_double(h, CRMKIT_HOT_SPOTS_ALPHA, 2.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_hot_spots_grid(h, &n_cells, NULL, NULL, NULL, NULL, NULL, NULL), CRMKIT_E_NOT_FITTED);
  CHECK_STATUS(crmkit_hot_spots_compute(h, lon, lat, value, 9, NULL, NULL, NULL, 0), CRMKIT_OK);
  CHECK_STATUS(crmkit_hot_spots_grid(h, &n_cells, &n_lon, NULL, NULL, NULL, NULL, NULL), CRMKIT_OK);
  CHECK(n_cells == 9 && n_lon == 3);
  CHECK_STATUS(crmkit_hot_spots_cells(h, NULL, NULL, count, NULL, z, p, spot, NULL, NULL, NULL, NULL, 9), CRMKIT_OK);
  CHECK(count[4] == 1);
  /* the centre sees every cell: W = n, z undefined; a corner sees 4 of 9 */
  CHECK(isnan(z[4]));
  mean = (8.0 + 100.0) / 9.0;
  sd = sqrt((8.0 + 10000.0) / 9.0 - mean * mean);
  CHECK(fabs(z[0] - (103.0 - mean * 4) / (sd * sqrt((9.0 * 4 - 16) / 8.0))) < 1e-12);
  CHECK_STATUS(crmkit_hot_spots_summary(h, CRMKIT_HOT_SPOTS_MEAN, &v), CRMKIT_OK);
  CHECK(fabs(v - mean) < 1e-12);
  CHECK_STATUS(crmkit_hot_spots_names(h, names, 8, sizeof names), CRMKIT_OK);
  CHECK(strcmp(names + 8 * 5, "1:2") == 0);
  CHECK_STATUS(crmkit_hot_spots_names(h, names, 8, 10), CRMKIT_E_BUFFER_TOO_SMALL);
  lon[2] = NAN;
  lat[2] = NAN;
  CHECK_STATUS(crmkit_hot_spots_compute(h, lon, lat, value, 9, NULL, NULL, NULL, 0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(strstr(crmkit_last_error(), "customer row 2 has no location") != NULL);
  crmkit_hot_spots_free(h);
}

int main(void) {
  balance();
  hot_spots();
  return test_report("planning_territory_c_test");
}
