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

/* ---- breaks, route limits, plans over several days ---- */
static void breaks_and_days(void) {
  /* two customers east at 10 and 20, service 10, the near one due by 15; a break of 15
     starting in [25, 30]: after the first visit, leaving at 5, working 75 (vrptw_test.cpp) */
  const double x[2] = {10, 20}, y[2] = {0, 0}, demand[2] = {1, 1}, ready[2] = {0, 0}, due[2] = {15, 100};
  const double service[2] = {10, 10}, depot = 0;
  const double capacity[2] = {10, 10}, s0[2] = {0, 0}, s1[2] = {200, 200};
  const double be[2] = {25, 25}, bl[2] = {30, 30}, bd[2] = {15, 15}, too_long[2] = {15, 250};
  const int32_t depots[2] = {0, 0};
  double depart[2], duration[2], bstart[2];
  int32_t bafter[2], vday[4], vrep[4], vehicle[4], status[4];
  size_t nv = 0;
  int v;
  crmkit_vrp* vrp = NULL;
  CHECK_OK(crmkit_vrp_create(&vrp));
  CHECK_OK(crmkit_vrp_set_double(vrp, CRMKIT_VRP_TIME_LIMIT, 0.0));
  CHECK_OK(crmkit_vrp_set_int(vrp, CRMKIT_VRP_MAX_ITER, 300));
  CHECK_OK(crmkit_vrp_set_customers(vrp, 2, x, y, demand, ready, due, service, NULL, NULL));
  CHECK_OK(crmkit_vrp_set_depots(vrp, 1, &depot, &depot));
  CHECK_OK(crmkit_vrp_set_vehicles(vrp, 2, capacity, s0, s1, depots, depots));
  CHECK_STATUS(crmkit_vrp_set_limits(vrp, 2, be, NULL, bd, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_vrp_set_limits(vrp, 2, be, bl, too_long, NULL, NULL));
  CHECK_STATUS(crmkit_vrp_solve(vrp), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(strstr(crmkit_last_error(), "vehicle 1: the break (250) is longer than the shift") != NULL);
  CHECK_OK(crmkit_vrp_set_limits(vrp, 2, be, bl, bd, NULL, NULL));
  CHECK_OK(crmkit_vrp_solve(vrp));
  CHECK_STATUS(crmkit_vrp_schedule(vrp, depart, duration, bstart, bafter, 1), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_OK(crmkit_vrp_schedule(vrp, depart, duration, bstart, bafter, 2));
  CHECK_OK(crmkit_vrp_visits(vrp, vehicle, NULL, NULL, NULL, status, 2));
  CHECK(vehicle[0] == vehicle[1] && vehicle[0] >= 0);
  v = vehicle[0];
  CHECK(bafter[v] == 1 && fabs(bstart[v] - 25) < 1e-9);
  CHECK(fabs(depart[v] - 5) < 1e-9 && fabs(duration[v] - 75) < 1e-9);
  CHECK(isnan(bstart[1 - v]) && bafter[1 - v] == -1);
  /* a working-time limit of 44 < trip 20 + service 10 + break 15: route limits */
  {
    const double limit[2] = {44, 44};
    CHECK_OK(crmkit_vrp_set_limits(vrp, 2, be, bl, bd, NULL, limit));
    CHECK_OK(crmkit_vrp_solve(vrp));
    CHECK_OK(crmkit_vrp_visits(vrp, NULL, NULL, NULL, NULL, status, 2));
    CHECK(status[0] == CRMKIT_VISIT_ROUTE_LIMITS && status[1] == CRMKIT_VISIT_ROUTE_LIMITS);
  }
  /* two days, one rep working day 0 only; customer 1 allowed on day 1 only (mask 0b10) */
  {
    const int32_t works[4] = {1, 0, 1, 1};
    const int64_t allowed[2] = {0, 2};
    const int32_t latest_bad[2] = {1, 2};
    CHECK_OK(crmkit_vrp_set_limits(vrp, 2, NULL, NULL, NULL, NULL, NULL));
    CHECK_OK(crmkit_vrp_solve_days(vrp, 2, works, NULL, NULL, allowed));
    CHECK_STATUS(crmkit_vrp_day_vehicles(vrp, vday, vrep, 2, &nv), CRMKIT_E_BUFFER_TOO_SMALL);
    CHECK(nv == 3);
    CHECK_OK(crmkit_vrp_day_vehicles(vrp, vday, vrep, 4, &nv));
    CHECK(vday[0] == 0 && vrep[0] == 0 && vday[1] == 0 && vrep[1] == 1 && vday[2] == 1 && vrep[2] == 1);
    CHECK_OK(crmkit_vrp_visits(vrp, vehicle, NULL, NULL, NULL, status, 2));
    CHECK(status[0] == CRMKIT_VISIT_ROUTED && status[1] == CRMKIT_VISIT_ROUTED);
    CHECK(vday[vehicle[1]] == 1);
    CHECK_STATUS(crmkit_vrp_solve_days(vrp, 2, works, NULL, latest_bad, NULL), CRMKIT_E_INVALID_ARGUMENT);
    CHECK(strstr(crmkit_last_error(), "customer 1") != NULL);
    CHECK_STATUS(crmkit_vrp_solve_days(vrp, 0, NULL, NULL, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  }
  crmkit_vrp_free(vrp);
}

/* cost to serve: the hand case of cost_to_serve_test.cpp (c0 bears 10 of the route's
   20 + 10 sqrt 2, c1 the rest and 15 of waiting; periods 2, 2 per time, 0.5 per distance) */
static void cost_to_serve(void) {
  const double x[3] = {0, 10, 100}, y[3] = {10, 10, 0}, demand[3] = {1, 1, 1}, ready[3] = {0, 40, 0};
  const double due[3] = {20, 100, 0}, service[3] = {5, 5, 5}, depot = 0;
  const double capacity = 10, s0 = 0, s1 = 200, margin[3] = {100, 30, 7};
  const int32_t depots = 0;
  const char* ids[3] = {"c0", "c1", "c2"};
  double cost[3], profit[3];
  size_t col = 0;
  crmkit_vrp* vrp = NULL;
  crmkit_table *table = NULL, *out = NULL;
  CHECK_OK(crmkit_vrp_create(&vrp));
  CHECK_OK(crmkit_vrp_set_double(vrp, CRMKIT_VRP_TIME_LIMIT, 0.0));
  CHECK_OK(crmkit_vrp_set_int(vrp, CRMKIT_VRP_MAX_ITER, 200));
  CHECK_OK(crmkit_vrp_set_customers(vrp, 3, x, y, demand, ready, due, service, NULL, NULL));
  CHECK_OK(crmkit_vrp_set_depots(vrp, 1, &depot, &depot));
  CHECK_OK(crmkit_vrp_set_vehicles(vrp, 1, &capacity, &s0, &s1, &depots, &depots));
  CHECK_OK(crmkit_table_create(ids, 3, &table));
  CHECK_OK(crmkit_table_set_float64(table, "margin", margin, 3));
  CHECK_STATUS(crmkit_vrp_cost_to_serve(vrp, table, NULL, 2, 2, 0.5, &out), CRMKIT_E_NOT_FITTED);
  CHECK_OK(crmkit_vrp_solve(vrp));
  CHECK_STATUS(crmkit_vrp_cost_to_serve(vrp, table, "gross", 2, 2, 0.5, &out), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(out == NULL && strstr(crmkit_last_error(), "'gross'") != NULL);
  CHECK_OK(crmkit_vrp_cost_to_serve(vrp, table, NULL, 2, 2, 0.5, &out));
  CHECK_OK(crmkit_table_find_column(out, "cost_to_serve", &col));
  CHECK_OK(crmkit_table_float64(out, col, cost, 3));
  CHECK_OK(crmkit_table_find_column(out, "profitability", &col));
  CHECK_OK(crmkit_table_float64(out, col, profit, 3));
  CHECK(fabs(cost[0] - 17.5) < 1e-9);
  CHECK(fabs(cost[1] - (2 * (15 + 5 * sqrt(2.0)) + 0.5 * (5 + 5 * sqrt(2.0)))) < 1e-9);
  CHECK(cost[2] == 0 && fabs(profit[2] - 7) < 1e-12);
  CHECK(fabs(profit[0] - 82.5) < 1e-9);
  crmkit_table_free(out);
  crmkit_table_free(table);
  crmkit_vrp_free(vrp);
}

int main(void) {
  hand_solvable();
  checkins();
  breaks_and_days();
  cost_to_serve();
  return test_report("planning_c_test");
}
