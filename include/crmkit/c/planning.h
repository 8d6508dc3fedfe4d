/**
 * @file crmkit/c/planning.h
 * C ABI of field planning: the vehicle-routing solver with time windows (crmkit_vrp; C++:
 * crmkit/planning/vrptw.hpp, whose docs define every number) and the visit due lists
 * (crmkit_due_list; C++: crmkit/planning/due_list.hpp) and check-in verification against GPS
 * tracks (crmkit_checkin_verify; C++: crmkit/planning/checkin.hpp).
 *
 * `#include <crmkit/crmkit.h>` (which includes this header) and link `libcrmkit.so`.
 *
 * Thread safety: a crmkit_vrp handle is not synchronized; use it from one thread at a
 * time. Distinct handles are independent.
 *
 * @code
 * crmkit_vrp* vrp = NULL;
 * double routes = 0;
 * crmkit_vrp_create(&vrp);
 * crmkit_vrp_set_double(vrp, CRMKIT_VRP_TIME_LIMIT, 2.0);
 * crmkit_vrp_set_customers(vrp, n, x, y, demand, ready, due, service, NULL, NULL);
 * crmkit_vrp_set_depots(vrp, 1, &depot_x, &depot_y);
 * crmkit_vrp_set_vehicles(vrp, n_reps, capacity, shift_start, shift_end, start_depot, end_depot);
 * if (crmkit_vrp_solve(vrp) == CRMKIT_OK) {
 *   crmkit_vrp_summary(vrp, CRMKIT_VRP_N_ROUTES, &routes);
 *   crmkit_vrp_visits(vrp, vehicle, position, arrival, start, status, n);
 * }
 * crmkit_vrp_free(vrp);
 * @endcode
 *
 * Memory: the handle keeps a copy of the problem (about 80 bytes per customer, 40 per
 * vehicle, the matrices when given: 16 N^2 bytes) and the last plan (about 40 bytes per
 * customer and per vehicle); a solve also holds the solver's working memory (see
 * crmkit/planning/vrptw.hpp).
 */
#ifndef CRMKIT_C_PLANNING_H
#define CRMKIT_C_PLANNING_H

#include "crmkit/crmkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A routing problem, its settings and the last plan. Opaque. */
typedef struct crmkit_vrp crmkit_vrp;

/* Integer settings (crmkit_vrp_set_int); ranges: crmkit_vrp_option_bounds. */
/** Objective: CRMKIT_VRP_MIN_ROUTES (default) or CRMKIT_VRP_PRIZE. */
#define CRMKIT_VRP_OBJECTIVE 1
/** Travel: CRMKIT_VRP_EUCLIDEAN (default), _SPHERE, _WGS84 or _MATRIX. */
#define CRMKIT_VRP_METRIC 2
/** Ruin-and-recreate iterations, both phases; 0 (default): none, the time limit rules. */
#define CRMKIT_VRP_MAX_ITER 3
/** Random seed, [0, 2^32 - 1]. Default 0. */
#define CRMKIT_VRP_SEED 4
/* Double settings (crmkit_vrp_set_double). */
/** Speed for the sphere and wgs84 metrics, km/h (times in seconds). Default 40. */
#define CRMKIT_VRP_SPEED_KMH 101
/** Prize collecting: value units per distance unit. Default 1. */
#define CRMKIT_VRP_COST_PER_DISTANCE 102
/** Wall-clock seconds; 0: none (then MAX_ITER > 0; the result is reproducible). Default 10. */
#define CRMKIT_VRP_TIME_LIMIT 103
/** Share of the budget for route minimisation, [0, 0.99]. Default 0.3. */
#define CRMKIT_VRP_FLEET_SHARE 104
/** SISR mean visits removed per ruin, >= 1. Default 10. */
#define CRMKIT_VRP_AVERAGE_REMOVED 105
/** SISR longest string removed, >= 1. Default 10. */
#define CRMKIT_VRP_MAX_STRING 106
/** Start temperature in mean arc lengths. Default 5. */
#define CRMKIT_VRP_TEMPERATURE_START 107
/** End temperature in mean arc lengths. Default 0.05. */
#define CRMKIT_VRP_TEMPERATURE_END 108

/* Values of CRMKIT_VRP_OBJECTIVE. */
#define CRMKIT_VRP_MIN_ROUTES 0
#define CRMKIT_VRP_PRIZE 1
/* Values of CRMKIT_VRP_METRIC. */
#define CRMKIT_VRP_EUCLIDEAN 0
#define CRMKIT_VRP_SPHERE 1
#define CRMKIT_VRP_WGS84 2
#define CRMKIT_VRP_MATRIX 3

/* Visit status codes written by crmkit_vrp_visits (crmkit::visit_status). */
#define CRMKIT_VISIT_ROUTED 0
#define CRMKIT_VISIT_DROPPED 1
#define CRMKIT_VISIT_NO_ROOM 2
#define CRMKIT_VISIT_WINDOW_UNREACHABLE 3
#define CRMKIT_VISIT_SERVICE_EXCEEDS_SHIFT 4
#define CRMKIT_VISIT_DEMAND_EXCEEDS_CAPACITY 5
#define CRMKIT_VISIT_CANNOT_RETURN 6

/* Statistics of the last plan (crmkit_vrp_summary). */
#define CRMKIT_VRP_N_ROUTES 1
#define CRMKIT_VRP_N_ROUTED 2
#define CRMKIT_VRP_DISTANCE 3
#define CRMKIT_VRP_VALUE 4
/** Prize: value - cost_per_distance x distance; min routes: the distance. */
#define CRMKIT_VRP_OBJECTIVE_VALUE 5
#define CRMKIT_VRP_ITERATIONS 6
#define CRMKIT_VRP_SECONDS 7
/** 1 when the run stopped at the time limit (then not reproducible), else 0. */
#define CRMKIT_VRP_TIME_LIMIT_REACHED 8

/**
 * Creates a handle with the default settings and no problem.
 * @param[out] out receives the handle (NULL on failure); release with crmkit_vrp_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (out NULL); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_vrp_create(crmkit_vrp** out);

/** Releases a handle. Accepts NULL. */
CRMKIT_API void crmkit_vrp_free(crmkit_vrp* vrp);

/** Sets an integer setting (CRMKIT_VRP_OBJECTIVE ... CRMKIT_VRP_SEED).
 *  @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, unknown key, a double key, out of range). */
CRMKIT_API int crmkit_vrp_set_int(crmkit_vrp* vrp, int32_t key, int64_t value);

/** Sets a double setting (CRMKIT_VRP_SPEED_KMH ... CRMKIT_VRP_TEMPERATURE_END).
 *  @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, unknown key, an integer key, out of range, NaN). */
CRMKIT_API int crmkit_vrp_set_double(crmkit_vrp* vrp, int32_t key, double value);

/** Reads an integer setting. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT. */
CRMKIT_API int crmkit_vrp_get_int(const crmkit_vrp* vrp, int32_t key, int64_t* out);

/** Reads a double setting. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT. */
CRMKIT_API int crmkit_vrp_get_double(const crmkit_vrp* vrp, int32_t key, double* out);

/** The range and default of a setting; needs no handle; any out pointer may be NULL.
 *  @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (unknown key). */
CRMKIT_API int crmkit_vrp_option_bounds(int32_t key, double* out_lo, double* out_hi, double* out_default);

/**
 * Sets the customers (copied; replaces earlier customers and the last plan). Checked by
 * crmkit_vrp_solve, which names the customer of a bad value.
 * @param n number of customers.
 * @param x, y coordinates (longitude, latitude in degrees for sphere/wgs84); NULL for the
 *        matrix metric.
 * @param demand, ready, due, service n doubles each (window for the start of service).
 * @param value NULL (all 0) or n doubles: the value of each visit (prize collecting).
 * @param required NULL (none) or n int32 flags: 1 must be visited (prize collecting).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL handle or array; x and y must be both
 *         NULL or both given); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_vrp_set_customers(crmkit_vrp* vrp, size_t n, const double* x, const double* y,
                                        const double* demand, const double* ready, const double* due,
                                        const double* service, const double* value, const int32_t* required);

/**
 * Sets the depots (copied; x, y may be NULL for the matrix metric, which still needs the
 * count).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_vrp_set_depots(crmkit_vrp* vrp, size_t n, const double* x, const double* y);

/**
 * Sets the vehicles (reps; copied): capacity, shift [start, end] and start and end depot
 * indices, n of each.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_vrp_set_vehicles(crmkit_vrp* vrp, size_t n, const double* capacity, const double* shift_start,
                                       const double* shift_end, const int32_t* start_depot, const int32_t* end_depot);

/**
 * Sets the host's travel matrices for CRMKIT_VRP_MATRIX (copied): n_locations x
 * n_locations row-major over the customers then the depots.
 * @param distance NULL: the distance is the travel time.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL handle or travel_time);
 *         CRMKIT_E_OUT_OF_MEMORY. The size is checked by the solve.
 */
CRMKIT_API int crmkit_vrp_set_matrix(crmkit_vrp* vrp, size_t n_locations, const double* travel_time,
                                     const double* distance);

/**
 * Solves the problem with the handle's settings, replacing the last plan.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (a bad problem or settings: the message
 *         names the customer, vehicle or option); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_vrp_solve(crmkit_vrp* vrp);

/**
 * One statistic of the last plan (CRMKIT_VRP_N_ROUTES ... CRMKIT_VRP_TIME_LIMIT_REACHED).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, unknown statistic); CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_vrp_summary(const crmkit_vrp* vrp, int32_t statistic, double* out);

/**
 * Per customer of the last plan: its vehicle (-1 when not routed), its 0-based stop
 * number (-1), arrival and service start times (NaN when not routed) and status
 * (CRMKIT_VISIT_*). Any out pointer may be NULL.
 * @param n capacity of each array, >= the number of customers.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL handle); CRMKIT_E_BUFFER_TOO_SMALL;
 *         CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_vrp_visits(const crmkit_vrp* vrp, int32_t* vehicle, int32_t* position, double* arrival,
                                 double* start, int32_t* status, size_t n);

/**
 * Per vehicle of the last plan: route distance, arrival at the end depot (shift_start
 * when unused), load and number of stops. Any out pointer may be NULL.
 * @param n capacity of each array, >= the number of vehicles.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_vrp_routes(const crmkit_vrp* vrp, double* distance, double* end_time, double* load,
                                 int32_t* n_stops, size_t n);

/**
 * The due list of crmkit/planning/due_list.hpp: reads `table` and returns a new customer
 * table (same ids) with the columns priority, interval_days, next_due (time),
 * days_overdue, due (0/1), urgency, rank (1, 2, ... within each rep among the due
 * customers) and rep.
 * @param table the customer table (not modified).
 * @param as_of the date, Unix seconds UTC.
 * @param priority_column NULL or "": clv x (1 - p_alive); else a float64/int64 column.
 * @param class_column NULL: "abc"; "": every customer in one class.
 * @param class_levels, interval_days n_rules cadence rules: class level -> days (> 0);
 *        NULL when n_rules = 0.
 * @param default_interval_days interval of classes without a rule; 0: none.
 * @param last_visit_column NULL: "last_visit" (a time column; missing: never visited).
 * @param rep_column NULL: "rep"; "": one list.
 * @param horizon_days due within this many days counts as due (>= 0).
 * @param[out] out receives the table (NULL on error); release with crmkit_table_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (a missing column or one of the wrong
 *         type, a bad rule; the message names it); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_due_list(const crmkit_table* table, int64_t as_of, const char* priority_column,
                               const char* class_column, const char* const* class_levels, const double* interval_days,
                               size_t n_rules, double default_interval_days, const char* last_visit_column,
                               const char* rep_column, double horizon_days, crmkit_table** out);

/**
 * Check-in verification of crmkit/planning/checkin.hpp: claims (customer index, time)
 * against one rep's GPS track.
 * @param time, lon, lat the track, n_fixes each (Unix seconds non-decreasing, degrees).
 * @param customer_lon, customer_lat n_customers each (NaN, NaN: no location).
 * @param claim_customer, claim_time n_claims each.
 * @param radius_m R (> 0; the C++ default is 100), min_dwell_s D (>= 0; default 300),
 *        time_slack_s (>= 0; default 3600), max_speed_mps outlier speed (> 0; default 70).
 * @param[out] out_verified, out_dwell_s, out_nearest_m n_claims each; any may be NULL.
 * @param[out] out_unclaimed_customer, out_unclaimed_start, out_unclaimed_end the visits
 *        detected but not claimed, up to `cap` each (any may be NULL when cap is 0).
 * @param[out] out_n_unclaimed receives the number of unclaimed visits (may be NULL).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL arrays with a nonzero count, bad
 *         thresholds, a claim of an unknown customer or one without a location, times
 *         going backwards; named); CRMKIT_E_BUFFER_TOO_SMALL (cap < the unclaimed
 *         visits: *out_n_unclaimed holds the count, the claim outputs are written).
 */
CRMKIT_API int crmkit_checkin_verify(const int64_t* time, const double* lon, const double* lat, size_t n_fixes,
                                     const double* customer_lon, const double* customer_lat, size_t n_customers,
                                     const int32_t* claim_customer, const int64_t* claim_time, size_t n_claims,
                                     double radius_m, int64_t min_dwell_s, int64_t time_slack_s, double max_speed_mps,
                                     int32_t* out_verified, int64_t* out_dwell_s, double* out_nearest_m,
                                     int32_t* out_unclaimed_customer, int64_t* out_unclaimed_start,
                                     int64_t* out_unclaimed_end, size_t cap, size_t* out_n_unclaimed);

/* ==== Routing: breaks, route limits, plans over several days (issue 15, routing side) ==== */

/* More visit status codes (crmkit::visit_status). */
/** Every vehicle that could reach it would exceed max_duration (trip, service and break). */
#define CRMKIT_VISIT_ROUTE_LIMITS 7
/** No vehicle works on one of its allowed days. */
#define CRMKIT_VISIT_NO_ALLOWED_DAY 8

/**
 * Sets the vehicles' breaks and route limits (copied; crmkit/planning/vrptw.hpp defines
 * them): a break of break_duration[v] starting within [break_earliest[v],
 * break_latest[v]], taken anywhere on the route; at most max_stops[v] visits (0: no
 * limit); at most max_duration[v] of working time (0: no limit). Call after
 * crmkit_vrp_set_vehicles (which does not clear them); n must be its vehicle count.
 * @param break_earliest, break_latest, break_duration all three NULL (no breaks) or n each.
 * @param max_stops NULL (no limits) or n int32.
 * @param max_duration NULL (no limits) or n doubles.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL handle, the break arrays not all or
 *         none); CRMKIT_E_OUT_OF_MEMORY. The values are checked by the solve, which names
 *         the vehicle (a break window ending before it starts, a negative duration, a
 *         break longer than the shift).
 */
CRMKIT_API int crmkit_vrp_set_limits(crmkit_vrp* vrp, size_t n, const double* break_earliest,
                                     const double* break_latest, const double* break_duration,
                                     const int32_t* max_stops, const double* max_duration);

/**
 * Per vehicle of the last plan: the latest departure that does not delay the return
 * (shift_start when unused), the working time (0 when unused), the start of the break in
 * the earliest schedule (NaN: none) and the number of visits before it (-1: none). Any
 * out pointer may be NULL.
 * @param n capacity of each array, >= the number of vehicles of the plan.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_vrp_schedule(const crmkit_vrp* vrp, double* depart, double* duration, double* break_start,
                                   int32_t* break_after, size_t n);

/**
 * Solves a plan over n_days days (crmkit/planning/multi_day.hpp): the handle's vehicles
 * are the reps, their shifts, breaks and limits times of day, repeated on each working
 * day; one solve over the working (day, rep) pairs, each visit at most once. Afterwards
 * crmkit_vrp_visits, _routes, _schedule and _summary describe the plan over those pairs
 * (vehicle k = the k-th pair, crmkit_vrp_day_vehicles).
 * @param n_days [1, 63].
 * @param works NULL (every rep every day) or n_reps x n_days flags, rep-major: nonzero works.
 * @param earliest_day, latest_day NULL (0, n_days - 1) or one per customer: the day range.
 * @param allowed_days NULL or one per customer: bit d (0..62) set may be visited on day d;
 *        0 any day; negative values are rejected.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (as crmkit_vrp_solve, and a day range
 *         ending before it starts or outside the horizon, named by customer);
 *         CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_vrp_solve_days(crmkit_vrp* vrp, int32_t n_days, const int32_t* works,
                                     const int32_t* earliest_day, const int32_t* latest_day,
                                     const int64_t* allowed_days);

/**
 * The (day, rep) pair of each vehicle of the last plan: after crmkit_vrp_solve_days the
 * working pairs in day-then-rep order; after crmkit_vrp_solve day 0 and rep = vehicle.
 * @param day, rep capacity n each (either may be NULL).
 * @param[out] out_n the number of vehicles (may be NULL).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_BUFFER_TOO_SMALL (*out_n holds the
 *         count); CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_vrp_day_vehicles(const crmkit_vrp* vrp, int32_t* day, int32_t* rep, size_t n, size_t* out_n);

/**
 * crmkit_due_list with a guard-language priority (crmkit/planning/due_list.hpp,
 * due_list_options::priority_rules): the priority is the sum of rule_weights[k] over the
 * rule_conditions[k] a customer satisfies (guard language of crmkit/lifecycle/guard.hpp
 * over the table's columns, e.g. "p_alive < 0.5 and abc == 'A'"), multiplied by
 * priority_column when that is given (not NULL, not ""). With n_priority_rules = 0 it is
 * crmkit_due_list. The other parameters are those of crmkit_due_list.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (as crmkit_due_list, and a rule that does not
 *         parse, names an unknown column or level, or has a weight that is not finite: the
 *         message names the rule number and the column); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_due_list_with_rules(const crmkit_table* table, int64_t as_of, const char* priority_column,
                                          const char* const* rule_conditions, const double* rule_weights,
                                          size_t n_priority_rules, const char* class_column,
                                          const char* const* class_levels, const double* interval_days, size_t n_rules,
                                          double default_interval_days, const char* last_visit_column,
                                          const char* rep_column, double horizon_days, crmkit_table** out);

/**
 * Cost to serve and profitability from the last plan (crmkit/planning/cost_to_serve.hpp,
 * which defines the attribution rule and units): a new customer table (the ids of
 * `table`, whose row i is customer i of the plan) with the float64 columns visits,
 * travel_time, travel_distance, visit_time (per period, the travel-time unit),
 * cost_to_serve and profitability (per period, the money unit of the rates and margin).
 * Works after crmkit_vrp_solve and crmkit_vrp_solve_days.
 * @param margin_column NULL: "margin" (float64/int64, margin per period).
 * @param periods the plan covers this many periods (> 0).
 * @param cost_per_time, cost_per_distance money per time unit and per distance unit (>= 0).
 * @param[out] out receives the table (NULL on error); release with crmkit_table_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, a missing or non-numeric margin
 *         column (named), a table whose size is not the number of customers, bad rates);
 *         CRMKIT_E_NOT_FITTED (no plan); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_vrp_cost_to_serve(const crmkit_vrp* vrp, const crmkit_table* table, const char* margin_column,
                                        double periods, double cost_per_time, double cost_per_distance,
                                        crmkit_table** out);

/* ==== end of the routing additions ==== */

/* ---- territory balancing and spatial value analysis (planning_territory.cpp) ---- */

/**
 * Territory balancing of crmkit/planning/territory_balance.hpp (whose docs define the
 * model, the objective and every number): reps, settings and the last result. Opaque; not
 * synchronized, use from one thread at a time.
 *
 * @code
 * crmkit_balance* b = NULL;
 * crmkit_table* assignment = NULL;
 * crmkit_balance_create(&b);
 * crmkit_balance_set_double(b, CRMKIT_BALANCE_WORKLOAD_TOLERANCE, 0.1);
 * crmkit_balance_set_reps(b, 3, names, home_lon, home_lat, NULL);
 * crmkit_balance_run(b, customers, "clv", "visits", "service_min", "rep", "lon", "lat", &assignment);
 * crmkit_balance_rep_column(b, CRMKIT_BALANCE_REP_WORKLOAD_AFTER, workload, 3);
 * @endcode
 * Memory: see the C++ header; the handle keeps the reps and the per-rep report.
 */
typedef struct crmkit_balance crmkit_balance;

/* Integer settings (crmkit_balance_set_int); ranges: crmkit_balance_option_bounds. */
/** Most customers that may change rep; -1 (default): no limit; 0 keeps today's assignment. */
#define CRMKIT_BALANCE_MAX_MOVES 1
/** kNN graph degree of the compactness term, [1, 100]. Default 6. */
#define CRMKIT_BALANCE_N_NEIGHBORS 2
/** Local-search passes. Default 100. */
#define CRMKIT_BALANCE_MAX_ITER 3
/* Double settings (crmkit_balance_set_double). */
/** Allowed relative workload deviation from the fair share. Default 0.1. */
#define CRMKIT_BALANCE_WORKLOAD_TOLERANCE 101
/** Allowed relative value deviation from the fair share. Default 0.1. */
#define CRMKIT_BALANCE_VALUE_TOLERANCE 102
/** Travel speed of the estimate, km/h. Default 40. */
#define CRMKIT_BALANCE_SPEED_KMH 103
/** Distance travelled per visit / home-customer distance. Default 2 (a round trip). */
#define CRMKIT_BALANCE_TRAVEL_FACTOR 104
/** Minutes per visit without a service column. Default 30. */
#define CRMKIT_BALANCE_DEFAULT_SERVICE_MIN 105
/** Visits per period without a visits column. Default 1. */
#define CRMKIT_BALANCE_DEFAULT_VISITS 106
/** Weight of the excess over the tolerances (times the customer count). Default 1000. */
#define CRMKIT_BALANCE_BALANCE_WEIGHT 107
/** Weight of travel (in units of the mean smallest travel). Default 1. */
#define CRMKIT_BALANCE_TRAVEL_WEIGHT 108
/** Weight of a kNN edge between two territories. Default 2. */
#define CRMKIT_BALANCE_CUT_WEIGHT 109
/** Cost of a customer changing rep. Default 1. */
#define CRMKIT_BALANCE_MOVE_PENALTY 110

/* Statistics of the last run (crmkit_balance_summary). */
#define CRMKIT_BALANCE_N_MOVED 1
#define CRMKIT_BALANCE_N_UNASSIGNED_BEFORE 2
#define CRMKIT_BALANCE_MAX_WORKLOAD_DEVIATION_BEFORE 3
#define CRMKIT_BALANCE_MAX_WORKLOAD_DEVIATION_AFTER 4
#define CRMKIT_BALANCE_MAX_VALUE_DEVIATION_BEFORE 5
#define CRMKIT_BALANCE_MAX_VALUE_DEVIATION_AFTER 6
/** 1 when every rep is within both tolerances, else 0. */
#define CRMKIT_BALANCE_WITHIN_TOLERANCE_BEFORE 7
#define CRMKIT_BALANCE_WITHIN_TOLERANCE_AFTER 8
#define CRMKIT_BALANCE_CUT_EDGES_BEFORE 9
#define CRMKIT_BALANCE_CUT_EDGES_AFTER 10
#define CRMKIT_BALANCE_OBJECTIVE_BEFORE 11
#define CRMKIT_BALANCE_OBJECTIVE_AFTER 12
#define CRMKIT_BALANCE_PASSES 13

/* Per-rep report columns (crmkit_balance_rep_column), in the reps' order. */
#define CRMKIT_BALANCE_REP_CUSTOMERS_BEFORE 1
#define CRMKIT_BALANCE_REP_CUSTOMERS_AFTER 2
#define CRMKIT_BALANCE_REP_WORKLOAD_BEFORE 3
#define CRMKIT_BALANCE_REP_WORKLOAD_AFTER 4
#define CRMKIT_BALANCE_REP_VALUE_BEFORE 5
#define CRMKIT_BALANCE_REP_VALUE_AFTER 6
#define CRMKIT_BALANCE_REP_WORKLOAD_DEVIATION_BEFORE 7
#define CRMKIT_BALANCE_REP_WORKLOAD_DEVIATION_AFTER 8
#define CRMKIT_BALANCE_REP_VALUE_DEVIATION_BEFORE 9
#define CRMKIT_BALANCE_REP_VALUE_DEVIATION_AFTER 10
#define CRMKIT_BALANCE_REP_MOVED_IN 11
#define CRMKIT_BALANCE_REP_MOVED_OUT 12
#define CRMKIT_BALANCE_REP_FRAGMENTS_BEFORE 13
#define CRMKIT_BALANCE_REP_FRAGMENTS_AFTER 14

/** Creates a handle with the default settings and no reps.
 *  @param[out] out the handle (NULL on failure); release with crmkit_balance_free().
 *  @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_OUT_OF_MEMORY. */
CRMKIT_API int crmkit_balance_create(crmkit_balance** out);
/** Releases a handle. Accepts NULL. */
CRMKIT_API void crmkit_balance_free(crmkit_balance* balance);
/** Sets an integer setting. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (unknown key, out of range). */
CRMKIT_API int crmkit_balance_set_int(crmkit_balance* balance, int32_t key, int64_t value);
/** Sets a double setting. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (unknown key, out of range, NaN). */
CRMKIT_API int crmkit_balance_set_double(crmkit_balance* balance, int32_t key, double value);
/** Reads an integer setting. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT. */
CRMKIT_API int crmkit_balance_get_int(const crmkit_balance* balance, int32_t key, int64_t* out);
/** Reads a double setting. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT. */
CRMKIT_API int crmkit_balance_get_double(const crmkit_balance* balance, int32_t key, double* out);
/** Range and default of a setting; needs no handle; any out pointer may be NULL.
 *  @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (unknown key). */
CRMKIT_API int crmkit_balance_option_bounds(int32_t key, double* out_lo, double* out_hi, double* out_default);

/**
 * Sets the reps (copied; replaces earlier reps and the last result). Checked by
 * crmkit_balance_run, which names the rep of a bad value.
 * @param names n UTF-8 names (the levels of the assignment; unique).
 * @param home_lon, home_lat n homes in degrees (NaN: no home, an error at the run).
 * @param capacity NULL (1 each) or n share weights > 0.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL arrays); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_balance_set_reps(crmkit_balance* balance, size_t n, const char* const* names,
                                       const double* home_lon, const double* home_lat, const double* capacity);

/**
 * Balances the territories of `customers` (locations required).
 * @param value_column float64/int64 column of the value balanced (NULL: "clv").
 * @param visits_column visits per period (NULL or "": the DEFAULT_VISITS setting).
 * @param service_column minutes per visit (NULL or "": the DEFAULT_SERVICE_MIN setting).
 * @param current_rep_column category column of today's rep, levels = rep names (NULL:
 *        "rep"; "": nobody has a rep today).
 * @param lon_column, lat_column float64 columns of the locations in degrees (NULL: "lon"
 *        and "lat"; NaN: no location, an error naming the customer).
 * @param[out] out a new table with the same ids: rep, previous_rep (categories), moved
 *        (int64 0/1), distance_km, workload_min; release with crmkit_table_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (the message names the customer or rep: no
 *         location, NaN value, a rep without a home, an unknown rep); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_balance_run(crmkit_balance* balance, const crmkit_table* customers, const char* value_column,
                                  const char* visits_column, const char* service_column,
                                  const char* current_rep_column, const char* lon_column, const char* lat_column,
                                  crmkit_table** out);

/** One statistic of the last run (CRMKIT_BALANCE_N_MOVED ... CRMKIT_BALANCE_PASSES).
 *  @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (unknown statistic); CRMKIT_E_NOT_FITTED. */
CRMKIT_API int crmkit_balance_summary(const crmkit_balance* balance, int32_t statistic, double* out);

/** One per-rep report column of the last run (CRMKIT_BALANCE_REP_*), n >= the number of reps.
 *  @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_NOT_FITTED. */
CRMKIT_API int crmkit_balance_rep_column(const crmkit_balance* balance, int32_t column, double* out, size_t n);

/**
 * Hot and cold spots of customer value (Getis-Ord Gi*) and whitespace of
 * crmkit/planning/hot_spots.hpp (whose docs define the cells, the statistic, the
 * significance rule and whitespace): settings and the last map. Opaque; not synchronized.
 *
 * @code
 * crmkit_hot_spots* h = NULL;
 * size_t n_cells = 0;
 * crmkit_hot_spots_create(&h);
 * crmkit_hot_spots_set_int(h, CRMKIT_HOT_SPOTS_CELLS, CRMKIT_HOT_SPOTS_GEOHASH);
 * crmkit_hot_spots_compute(h, lon, lat, clv, n, NULL, NULL, NULL, 0);
 * crmkit_hot_spots_grid(h, &n_cells, NULL, NULL, NULL, NULL, NULL, NULL);
 * crmkit_hot_spots_cells(h, NULL, NULL, count, value, z, p, spot, NULL, NULL, NULL, NULL, n_cells);
 * @endcode
 */
typedef struct crmkit_hot_spots crmkit_hot_spots;

/* Integer settings (crmkit_hot_spots_set_int). */
/** Cells: CRMKIT_HOT_SPOTS_GRID (default) or CRMKIT_HOT_SPOTS_GEOHASH. */
#define CRMKIT_HOT_SPOTS_CELLS 1
/** Geohash characters, [1, 8]. Default 5. */
#define CRMKIT_HOT_SPOTS_PRECISION 2
/** Neighbourhood: CRMKIT_HOT_SPOTS_QUEEN (default) or CRMKIT_HOT_SPOTS_DISTANCE_BAND. */
#define CRMKIT_HOT_SPOTS_NEIGHBOURHOOD 3
/** 1: Benjamini-Hochberg false discovery rate at ALPHA; 0 (default): p < ALPHA. */
#define CRMKIT_HOT_SPOTS_FDR 4
/** Whitespace without potential: fewer customers than this (default 1). */
#define CRMKIT_HOT_SPOTS_MIN_CUSTOMERS 5
/* Double settings (crmkit_hot_spots_set_double). */
/** Grid cell size in degrees. Default 0.05. */
#define CRMKIT_HOT_SPOTS_CELL_DEG 101
/** Distance band radius, km. Default 10. */
#define CRMKIT_HOT_SPOTS_BAND_KM 102
/** Significance level, two-sided. Default 0.05 (|z| > 1.96). */
#define CRMKIT_HOT_SPOTS_ALPHA 103
/** Whitespace: penetration below this share of the overall penetration. Default 0.5. */
#define CRMKIT_HOT_SPOTS_WHITESPACE_SHARE 104

/* Values of CRMKIT_HOT_SPOTS_CELLS and _NEIGHBOURHOOD. */
#define CRMKIT_HOT_SPOTS_GRID 0
#define CRMKIT_HOT_SPOTS_GEOHASH 1
#define CRMKIT_HOT_SPOTS_QUEEN 0
#define CRMKIT_HOT_SPOTS_DISTANCE_BAND 1

/* Statistics of the last map (crmkit_hot_spots_summary). */
#define CRMKIT_HOT_SPOTS_N_HOT 1
#define CRMKIT_HOT_SPOTS_N_COLD 2
#define CRMKIT_HOT_SPOTS_N_WHITESPACE 3
#define CRMKIT_HOT_SPOTS_MEAN 4
#define CRMKIT_HOT_SPOTS_SD 5
#define CRMKIT_HOT_SPOTS_P_CUT 6
#define CRMKIT_HOT_SPOTS_OVERALL_PENETRATION 7

/** Creates a handle with the default settings. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_OUT_OF_MEMORY. */
CRMKIT_API int crmkit_hot_spots_create(crmkit_hot_spots** out);
/** Releases a handle. Accepts NULL. */
CRMKIT_API void crmkit_hot_spots_free(crmkit_hot_spots* hot_spots);
/** Sets an integer setting. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT. */
CRMKIT_API int crmkit_hot_spots_set_int(crmkit_hot_spots* hot_spots, int32_t key, int64_t value);
/** Sets a double setting. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT. */
CRMKIT_API int crmkit_hot_spots_set_double(crmkit_hot_spots* hot_spots, int32_t key, double value);
/** Reads an integer setting. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT. */
CRMKIT_API int crmkit_hot_spots_get_int(const crmkit_hot_spots* hot_spots, int32_t key, int64_t* out);
/** Reads a double setting. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT. */
CRMKIT_API int crmkit_hot_spots_get_double(const crmkit_hot_spots* hot_spots, int32_t key, double* out);
/** Range and default of a setting; any out pointer may be NULL. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT. */
CRMKIT_API int crmkit_hot_spots_option_bounds(int32_t key, double* out_lo, double* out_hi, double* out_default);
/** Restricts the map to {min_lon, min_lat, max_lon, max_lat} (degrees); all NaN (the
 *  default): the points' bounding box. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL). */
CRMKIT_API int crmkit_hot_spots_set_bounds(crmkit_hot_spots* hot_spots, double min_lon, double min_lat, double max_lon,
                                           double max_lat);

/**
 * Computes the map, replacing the last one.
 * @param lon, lat, value n customers (degrees; finite values).
 * @param potential_lon, potential_lat, potential_weight n_potential points (NULL when 0).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (names the customer row or potential point:
 *         no location, NaN value, negative potential; too many cells); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_hot_spots_compute(crmkit_hot_spots* hot_spots, const double* lon, const double* lat,
                                        const double* value, size_t n, const double* potential_lon,
                                        const double* potential_lat, const double* potential_weight,
                                        size_t n_potential);

/** The lattice of the last map: cells (= n_lon x n_lat), columns, rows, the south-west
 *  corner and the cell size in degrees. Any out pointer may be NULL.
 *  @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED. */
CRMKIT_API int crmkit_hot_spots_grid(const crmkit_hot_spots* hot_spots, size_t* out_n_cells, size_t* out_n_lon,
                                     size_t* out_n_lat, double* out_min_lon, double* out_min_lat,
                                     double* out_cell_lon, double* out_cell_lat);

/** One statistic of the last map (CRMKIT_HOT_SPOTS_N_HOT ... _OVERALL_PENETRATION).
 *  @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED. */
CRMKIT_API int crmkit_hot_spots_summary(const crmkit_hot_spots* hot_spots, int32_t statistic, double* out);

/**
 * Per cell of the last map (cell c = row x n_lon + column, row 0 south): centre, customers,
 * value sum, Gi* z and p (NaN: undefined), spot (+1 hot, -1 cold, 0), potential (0 without
 * potential points), penetration (NaN without), whitespace (0/1) and gap. Any out pointer
 * may be NULL.
 * @param n capacity of each array, >= the number of cells.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_hot_spots_cells(const crmkit_hot_spots* hot_spots, double* centre_lon, double* centre_lat,
                                      int64_t* count, double* value, double* z, double* p, int32_t* spot,
                                      double* potential, double* penetration, int32_t* whitespace, double* gap,
                                      size_t n);

/**
 * The cells' names into fixed slots of `slot` bytes each (NUL-terminated): the geohash for
 * geohash cells, "row:column" for grid cells.
 * @param cap bytes in `out`, >= n_cells x slot; slot >= 24 fits every name.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (slot too small for a name: named);
 *         CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_hot_spots_names(const crmkit_hot_spots* hot_spots, char* out, size_t slot, size_t cap);
/* ---- end of territory balancing and spatial value analysis ---- */

#ifdef __cplusplus
}
#endif

#endif /* CRMKIT_C_PLANNING_H */
