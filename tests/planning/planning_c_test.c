/* The planning C ABI (crmkit/c/planning.h) from C99, as a host calls it. */
#include <math.h>

#include "crmkit/c/planning.h"
#include "test_util.h"

static void hand_solvable(void) {
  /* two customers east, two west of the depot; capacity 2: optimum 2 routes, distance 80 */
  const double x[4] = {10, 20, -10, -20}, y[4] = {0, 0, 0, 0};
  const double demand[4] = {1, 1, 1, 1}, ready[4] = {0, 0, 0, 0}, due[4] = {1000, 1000, 1000, 1000};
  const double service[4] = {0, 0, 0, 0};
  const double depot_x = 0, depot_y = 0;
  const double capacity[3] = {2, 2, 2}, shift_start[3] = {0, 0, 0}, shift_end[3] = {1000, 1000, 1000};
  const int32_t depots[3] = {0, 0, 0};
  int32_t vehicle[4], position[4], status[4], stops[3];
  double arrival[4], start[4], dist[3], value = 0, lo = 0, hi = 0, def = 0;
  int64_t seed = 0;
  crmkit_vrp* vrp = NULL;
  CHECK_STATUS(crmkit_vrp_create(&vrp), CRMKIT_OK);
  CHECK_STATUS(crmkit_vrp_summary(vrp, CRMKIT_VRP_N_ROUTES, &value), CRMKIT_E_NOT_FITTED);
  CHECK_STATUS(crmkit_vrp_set_double(vrp, CRMKIT_VRP_TIME_LIMIT, 0.0), CRMKIT_OK);
  CHECK_STATUS(crmkit_vrp_set_int(vrp, CRMKIT_VRP_MAX_ITER, 500), CRMKIT_OK);
  CHECK_STATUS(crmkit_vrp_set_int(vrp, CRMKIT_VRP_SEED, 9), CRMKIT_OK);
  CHECK_STATUS(crmkit_vrp_get_int(vrp, CRMKIT_VRP_SEED, &seed), CRMKIT_OK);
  CHECK(seed == 9);
  CHECK_STATUS(crmkit_vrp_set_int(vrp, CRMKIT_VRP_METRIC, 4), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_vrp_set_double(vrp, CRMKIT_VRP_FLEET_SHARE, 1.5), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_vrp_option_bounds(CRMKIT_VRP_TIME_LIMIT, &lo, &hi, &def), CRMKIT_OK);
  CHECK(lo == 0 && def == 10);
  CHECK_STATUS(crmkit_vrp_set_customers(vrp, 4, x, y, demand, ready, due, service, NULL, NULL), CRMKIT_OK);
  CHECK_STATUS(crmkit_vrp_set_depots(vrp, 1, &depot_x, &depot_y), CRMKIT_OK);
  CHECK_STATUS(crmkit_vrp_set_vehicles(vrp, 3, capacity, shift_start, shift_end, depots, depots), CRMKIT_OK);
  CHECK_STATUS(crmkit_vrp_solve(vrp), CRMKIT_OK);
  CHECK_STATUS(crmkit_vrp_summary(vrp, CRMKIT_VRP_N_ROUTES, &value), CRMKIT_OK);
  CHECK(value == 2);
  CHECK_STATUS(crmkit_vrp_summary(vrp, CRMKIT_VRP_DISTANCE, &value), CRMKIT_OK);
  CHECK(fabs(value - 80.0) < 1e-9);
  CHECK_STATUS(crmkit_vrp_summary(vrp, CRMKIT_VRP_ITERATIONS, &value), CRMKIT_OK);
  CHECK(value == 500);
  CHECK_STATUS(crmkit_vrp_visits(vrp, vehicle, position, arrival, start, status, 3), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(crmkit_vrp_visits(vrp, vehicle, position, arrival, start, status, 4), CRMKIT_OK);
  CHECK(vehicle[0] == vehicle[1] && vehicle[2] == vehicle[3] && vehicle[0] != vehicle[2]);
  CHECK(status[0] == CRMKIT_VISIT_ROUTED && status[3] == CRMKIT_VISIT_ROUTED);
  CHECK(position[0] + position[1] == 1);
  CHECK(start[0] == arrival[0]);
  CHECK_STATUS(crmkit_vrp_routes(vrp, dist, NULL, NULL, stops, 3), CRMKIT_OK);
  CHECK(stops[0] + stops[1] + stops[2] == 4);
  CHECK(fabs(dist[0] + dist[1] + dist[2] - 80.0) < 1e-9);
  /* a window that ends before it starts: an error naming the customer, the plan is gone */
  {
    const double bad_due[4] = {1000, 1000, -1, 1000};
    CHECK_STATUS(crmkit_vrp_set_customers(vrp, 4, x, y, demand, ready, bad_due, service, NULL, NULL), CRMKIT_OK);
    CHECK_STATUS(crmkit_vrp_solve(vrp), CRMKIT_E_INVALID_ARGUMENT);
    CHECK(strstr(crmkit_last_error(), "customer 2") != NULL);
    CHECK_STATUS(crmkit_vrp_summary(vrp, CRMKIT_VRP_N_ROUTES, &value), CRMKIT_E_NOT_FITTED);
  }
  /* prize collecting through a host matrix: customer 1 does not pay for its detour */
  {
    const double tt[9] = {0, 50, 5, 50, 0, 50, 5, 50, 0};
    const double v[2] = {20, 30}, z[2] = {0, 0}, one[2] = {1, 1}, win[2] = {100, 100};
    CHECK_STATUS(crmkit_vrp_set_customers(vrp, 2, NULL, NULL, one, z, win, z, v, NULL), CRMKIT_OK);
    CHECK_STATUS(crmkit_vrp_set_depots(vrp, 1, NULL, NULL), CRMKIT_OK);
    CHECK_STATUS(crmkit_vrp_set_vehicles(vrp, 1, capacity, shift_start, shift_end, depots, depots), CRMKIT_OK);
    CHECK_STATUS(crmkit_vrp_set_matrix(vrp, 3, tt, NULL), CRMKIT_OK);
    CHECK_STATUS(crmkit_vrp_set_int(vrp, CRMKIT_VRP_METRIC, CRMKIT_VRP_MATRIX), CRMKIT_OK);
    CHECK_STATUS(crmkit_vrp_set_int(vrp, CRMKIT_VRP_OBJECTIVE, CRMKIT_VRP_PRIZE), CRMKIT_OK);
    CHECK_STATUS(crmkit_vrp_solve(vrp), CRMKIT_OK);
    CHECK_STATUS(crmkit_vrp_visits(vrp, NULL, NULL, NULL, NULL, status, 2), CRMKIT_OK);
    CHECK(status[0] == CRMKIT_VISIT_ROUTED);
    CHECK(status[1] == CRMKIT_VISIT_DROPPED);
    CHECK_STATUS(crmkit_vrp_summary(vrp, CRMKIT_VRP_OBJECTIVE_VALUE, &value), CRMKIT_OK);
    CHECK(fabs(value - 10.0) < 1e-9);
  }
  CHECK_STATUS(crmkit_vrp_solve(NULL), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_vrp_free(vrp);
  crmkit_vrp_free(NULL);
}

static void checkins(void) {
  /* customer 0 visited 10 minutes (one fix a minute), customer 1 for 2 minutes, neither far */
  int64_t t[14];
  double lon[14], lat[14];
  const double clon[2] = {13.40, 13.42}, clat[2] = {52.5, 52.5};
  const int32_t claim_c[2] = {0, 1};
  const int64_t claim_t[2] = {300, 1300};
  int32_t verified[2], unclaimed_c[1];
  int64_t dwell[2], us[1], ue[1];
  double nearest[2];
  size_t n_unclaimed = 99;
  int k;
  for (k = 0; k < 11; ++k) {
    t[k] = 60 * k;
    lon[k] = 13.40;
    lat[k] = 52.5;
  }
  for (k = 11; k < 14; ++k) {
    t[k] = 1200 + 60 * (k - 11);
    lon[k] = 13.42;
    lat[k] = 52.5;
  }
  CHECK_OK(crmkit_checkin_verify(t, lon, lat, 14, clon, clat, 2, claim_c, claim_t, 2, 100, 300, 3600, 70, verified,
                                 dwell, nearest, unclaimed_c, us, ue, 1, &n_unclaimed));
  CHECK(verified[0] == 1 && verified[1] == 0);
  CHECK(dwell[0] == 600 && dwell[1] == 0);
  CHECK(nearest[0] < 1 && nearest[1] < 1);
  CHECK(n_unclaimed == 0);
  /* no claims: the visit to customer 0 is unclaimed; cap 0 is too small */
  CHECK_STATUS(crmkit_checkin_verify(t, lon, lat, 14, clon, clat, 2, NULL, NULL, 0, 100, 300, 3600, 70, NULL, NULL,
                                     NULL, NULL, NULL, NULL, 0, &n_unclaimed),
               CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(n_unclaimed == 1);
  CHECK_OK(crmkit_checkin_verify(t, lon, lat, 14, clon, clat, 2, NULL, NULL, 0, 100, 300, 3600, 70, NULL, NULL, NULL,
                                 unclaimed_c, us, ue, 1, &n_unclaimed));
  CHECK(unclaimed_c[0] == 0 && us[0] == 0 && ue[0] == 600);
  CHECK_STATUS(crmkit_checkin_verify(t, lon, lat, 14, clon, clat, 2, claim_c, claim_t, 2, 0, 300, 3600, 70, NULL, NULL,
                                     NULL, NULL, NULL, NULL, 0, NULL),
               CRMKIT_E_INVALID_ARGUMENT);
}

int main(void) {
  hand_solvable();
  checkins();
  return test_report("planning_c_test");
}
