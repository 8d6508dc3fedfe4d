// crmkit/c/planning.h: the crmkit_vrp handle.
#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "c_api_internal.hpp"
#include "crmkit/c/planning.h"
#include "crmkit/planning/checkin.hpp"
#include "crmkit/planning/cost_to_serve.hpp"
#include "crmkit/planning/due_list.hpp"
#include "crmkit/planning/multi_day.hpp"
#include "crmkit/planning/vrptw.hpp"

using namespace crmkit::capi;

struct crmkit_vrp {
  crmkit::vrp_options options;
  crmkit::vrp_problem problem;
  std::optional<crmkit::vrp_result> result;
  std::vector<std::int32_t> vehicle_day, vehicle_rep;  // of the last plan (crmkit_vrp_day_vehicles)
};

namespace {


std::vector<double> copy_of(const double* p, std::size_t n) { return p == nullptr ? std::vector<double>{} : std::vector<double>(p, p + n); }

const crmkit::vrp_result& solved_or_throw(const crmkit_vrp* v, const char* function) {
  if (!v->result) fail(errc::not_fitted, function, "no plan yet; call crmkit_vrp_solve() first");
  return *v->result;
}

}  // namespace

extern "C" {

CRMKIT_C_CREATE_FREE(crmkit_vrp)
CRMKIT_C_OPTIONS(crmkit_vrp, vrp)

CRMKIT_API int crmkit_vrp_set_customers(crmkit_vrp* vrp, size_t n, const double* x, const double* y,
                                        const double* demand, const double* ready, const double* due,
                                        const double* service, const double* value, const int32_t* required) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(vrp, demand, ready, due, service);
  if ((x == nullptr) != (y == nullptr)) fail(__func__, "x and y must be both NULL or both given");
  vrp->result.reset();
  crmkit::vrp_problem& p = vrp->problem;
  p.x = copy_of(x, n);
  p.y = copy_of(y, n);
  p.demand = copy_of(demand, n);
  p.ready = copy_of(ready, n);
  p.due = copy_of(due, n);
  p.service = copy_of(service, n);
  p.value = copy_of(value, n);
  p.required.clear();
  if (required != nullptr)
    for (std::size_t i = 0; i < n; ++i) p.required.push_back(required[i] != 0 ? 1 : 0);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_vrp_set_depots(crmkit_vrp* vrp, size_t n, const double* x, const double* y) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(vrp);
  if ((x == nullptr) != (y == nullptr)) fail(__func__, "x and y must be both NULL or both given");
  vrp->result.reset();
  // without coordinates (matrix metric) the depots still count: NaN placeholders
  vrp->problem.depot_x = x ? copy_of(x, n) : std::vector<double>(n, std::numeric_limits<double>::quiet_NaN());
  vrp->problem.depot_y = y ? copy_of(y, n) : std::vector<double>(n, std::numeric_limits<double>::quiet_NaN());
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_vrp_set_vehicles(crmkit_vrp* vrp, size_t n, const double* capacity, const double* shift_start,
                                       const double* shift_end, const int32_t* start_depot, const int32_t* end_depot) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(vrp, capacity, shift_start, shift_end, start_depot, end_depot);
  vrp->result.reset();
  crmkit::vrp_problem& p = vrp->problem;
  p.capacity = copy_of(capacity, n);
  p.shift_start = copy_of(shift_start, n);
  p.shift_end = copy_of(shift_end, n);
  p.start_depot.assign(start_depot, start_depot + n);
  p.end_depot.assign(end_depot, end_depot + n);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_vrp_set_matrix(crmkit_vrp* vrp, size_t n_locations, const double* travel_time,
                                     const double* distance) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(vrp, travel_time);
  vrp->result.reset();
  vrp->problem.travel_time = copy_of(travel_time, n_locations * n_locations);
  vrp->problem.distance = copy_of(distance, n_locations * n_locations);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_vrp_solve(crmkit_vrp* vrp) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(vrp);
  vrp->result.reset();
  vrp->result = crmkit::solve_vrptw(vrp->problem, vrp->options);
  vrp->vehicle_day.assign(vrp->result->routes.size(), 0);
  vrp->vehicle_rep.resize(vrp->result->routes.size());
  for (std::size_t v = 0; v < vrp->vehicle_rep.size(); ++v) vrp->vehicle_rep[v] = static_cast<std::int32_t>(v);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_vrp_summary(const crmkit_vrp* vrp, int32_t statistic, double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(vrp, out);
  const auto& r = solved_or_throw(vrp, __func__);
  using result = crmkit::vrp_result;
  const keyed_field get(statistic, CRMKIT_VRP_N_ROUTES, __func__, "statistic", &result::n_routes, &result::n_routed,
                        &result::distance, &result::value, &result::objective, &result::iterations, &result::seconds,
                        &result::time_limit_reached);
  *out = get(r);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_vrp_visits(const crmkit_vrp* vrp, int32_t* vehicle, int32_t* position, double* arrival,
                                 double* start, int32_t* status, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(vrp);
  const auto& r = solved_or_throw(vrp, __func__);
  check_capacity(n, r.vehicle.size(), __func__, "n");
  if (vehicle != nullptr) std::copy(r.vehicle.begin(), r.vehicle.end(), vehicle);
  if (position != nullptr) std::copy(r.position.begin(), r.position.end(), position);
  if (arrival != nullptr) std::copy(r.arrival.begin(), r.arrival.end(), arrival);
  if (start != nullptr) std::copy(r.start.begin(), r.start.end(), start);
  if (status != nullptr)
    for (std::size_t i = 0; i < r.status.size(); ++i) status[i] = static_cast<int32_t>(r.status[i]);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_vrp_routes(const crmkit_vrp* vrp, double* distance, double* end_time, double* load,
                                 int32_t* n_stops, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(vrp);
  const auto& r = solved_or_throw(vrp, __func__);
  check_capacity(n, r.routes.size(), __func__, "n");
  if (distance != nullptr) std::copy(r.route_distance.begin(), r.route_distance.end(), distance);
  if (end_time != nullptr) std::copy(r.route_end.begin(), r.route_end.end(), end_time);
  if (load != nullptr) std::copy(r.route_load.begin(), r.route_load.end(), load);
  if (n_stops != nullptr)
    for (std::size_t v = 0; v < r.routes.size(); ++v) n_stops[v] = static_cast<int32_t>(r.routes[v].size());
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_due_list(const crmkit_table* table, int64_t as_of, const char* priority_column,
                               const char* class_column, const char* const* class_levels, const double* interval_days,
                               size_t n_rules, double default_interval_days, const char* last_visit_column,
                               const char* rep_column, double horizon_days, crmkit_table** out) {
  return crmkit_due_list_with_rules(table, as_of, priority_column, nullptr, nullptr, 0, class_column, class_levels,
                                    interval_days, n_rules, default_interval_days, last_visit_column, rep_column,
                                    horizon_days, out);
}

CRMKIT_API int crmkit_checkin_verify(const int64_t* time, const double* lon, const double* lat, size_t n_fixes,
                                     const double* customer_lon, const double* customer_lat, size_t n_customers,
                                     const int32_t* claim_customer, const int64_t* claim_time, size_t n_claims,
                                     double radius_m, int64_t min_dwell_s, int64_t time_slack_s, double max_speed_mps,
                                     int32_t* out_verified, int64_t* out_dwell_s, double* out_nearest_m,
                                     int32_t* out_unclaimed_customer, int64_t* out_unclaimed_start,
                                     int64_t* out_unclaimed_end, size_t cap, size_t* out_n_unclaimed) {
  CRMKIT_API_BEGIN();
  if (n_fixes > 0) CRMKIT_CHECK_NOT_NULL(time, lon, lat);
  if (n_customers > 0) CRMKIT_CHECK_NOT_NULL(customer_lon, customer_lat);
  if (n_claims > 0) CRMKIT_CHECK_NOT_NULL(claim_customer, claim_time);
  crmkit::checkin_options o;
  o.radius_m = radius_m;
  o.min_dwell_s = min_dwell_s;
  o.time_slack_s = time_slack_s;
  o.max_speed_mps = max_speed_mps;
  const auto r = crmkit::verify_checkins(
      std::span<const std::int64_t>(time, n_fixes), std::span<const double>(lon, n_fixes),
      std::span<const double>(lat, n_fixes), std::span<const double>(customer_lon, n_customers),
      std::span<const double>(customer_lat, n_customers), std::span<const std::int32_t>(claim_customer, n_claims),
      std::span<const std::int64_t>(claim_time, n_claims), o);
  for (std::size_t k = 0; k < n_claims; ++k) {
    if (out_verified != nullptr) out_verified[k] = r.verified[k];
    if (out_dwell_s != nullptr) out_dwell_s[k] = r.dwell_s[k];
    if (out_nearest_m != nullptr) out_nearest_m[k] = r.nearest_m[k];
  }
  put(out_n_unclaimed, r.unclaimed.size());
  check_capacity(cap, r.unclaimed.size(), __func__, "cap");
  CRMKIT_COPY_FIELD(out_unclaimed_customer, r.unclaimed, customer);
  CRMKIT_COPY_FIELD(out_unclaimed_start, r.unclaimed, start);
  CRMKIT_COPY_FIELD(out_unclaimed_end, r.unclaimed, end);
  CRMKIT_API_END();
}

// ==== Routing: breaks, route limits, plans over several days (issue 15, routing side) ====

CRMKIT_API int crmkit_vrp_set_limits(crmkit_vrp* vrp, size_t n, const double* break_earliest,
                                     const double* break_latest, const double* break_duration,
                                     const int32_t* max_stops, const double* max_duration) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(vrp);
  const int given = (break_earliest != nullptr) + (break_latest != nullptr) + (break_duration != nullptr);
  if (given != 0 && given != 3)
    fail(__func__, "break_earliest, break_latest and break_duration must be all NULL or all given");
  vrp->result.reset();
  crmkit::vrp_problem& p = vrp->problem;
  p.break_earliest = copy_of(break_earliest, n);
  p.break_latest = copy_of(break_latest, n);
  p.break_duration = copy_of(break_duration, n);
  p.max_stops = max_stops == nullptr ? std::vector<std::int32_t>{} : std::vector<std::int32_t>(max_stops, max_stops + n);
  p.max_duration = copy_of(max_duration, n);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_vrp_schedule(const crmkit_vrp* vrp, double* depart, double* duration, double* break_start,
                                   int32_t* break_after, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(vrp);
  const auto& r = solved_or_throw(vrp, __func__);
  check_capacity(n, r.routes.size(), __func__, "n");
  if (depart != nullptr) std::copy(r.route_depart.begin(), r.route_depart.end(), depart);
  if (duration != nullptr) std::copy(r.route_duration.begin(), r.route_duration.end(), duration);
  if (break_start != nullptr) std::copy(r.break_start.begin(), r.break_start.end(), break_start);
  if (break_after != nullptr) std::copy(r.break_after.begin(), r.break_after.end(), break_after);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_vrp_solve_days(crmkit_vrp* vrp, int32_t n_days, const int32_t* works,
                                     const int32_t* earliest_day, const int32_t* latest_day,
                                     const int64_t* allowed_days) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(vrp);
  vrp->result.reset();
  crmkit::multi_day_problem m;
  m.base = vrp->problem;
  m.n_days = n_days;
  const std::size_t n = m.base.demand.size(), nr = m.base.capacity.size();
  if (works != nullptr && n_days > 0)
    for (std::size_t k = 0; k < nr * static_cast<std::size_t>(n_days); ++k) m.works.push_back(works[k] != 0 ? 1 : 0);
  if (earliest_day != nullptr) m.earliest_day.assign(earliest_day, earliest_day + n);
  if (latest_day != nullptr) m.latest_day.assign(latest_day, latest_day + n);
  if (allowed_days != nullptr)
    for (std::size_t c = 0; c < n; ++c) {
      if (allowed_days[c] < 0)
        fail(__func__, "customer {}: allowed_days is {}, not a mask of days 0..62", c, allowed_days[c]);
      m.allowed_days.push_back(static_cast<std::uint64_t>(allowed_days[c]));
    }
  auto r = crmkit::solve_multi_day(m, vrp->options);
  vrp->vehicle_day = std::move(r.vehicle_day);
  vrp->vehicle_rep = std::move(r.vehicle_rep);
  vrp->result = std::move(r.plan);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_vrp_day_vehicles(const crmkit_vrp* vrp, int32_t* day, int32_t* rep, size_t n, size_t* out_n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(vrp);
  (void)solved_or_throw(vrp, __func__);
  put(out_n, vrp->vehicle_day.size());
  check_capacity(n, vrp->vehicle_day.size(), __func__, "n");
  if (day != nullptr) std::copy(vrp->vehicle_day.begin(), vrp->vehicle_day.end(), day);
  if (rep != nullptr) std::copy(vrp->vehicle_rep.begin(), vrp->vehicle_rep.end(), rep);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_due_list_with_rules(const crmkit_table* table, int64_t as_of, const char* priority_column,
                                          const char* const* rule_conditions, const double* rule_weights,
                                          size_t n_priority_rules, const char* class_column,
                                          const char* const* class_levels, const double* interval_days, size_t n_rules,
                                          double default_interval_days, const char* last_visit_column,
                                          const char* rep_column, double horizon_days, crmkit_table** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(table);
  if (n_rules > 0) CRMKIT_CHECK_NOT_NULL(class_levels, interval_days);
  if (n_priority_rules > 0) CRMKIT_CHECK_NOT_NULL(rule_conditions, rule_weights);
  crmkit::due_list_options o;
  if (priority_column != nullptr) o.priority_column = priority_column;
  for (std::size_t k = 0; k < n_priority_rules; ++k) {
    if (rule_conditions[k] == nullptr) fail(__func__, "rule_conditions[{}] is NULL", k);
    o.priority_rules.emplace_back(rule_conditions[k], rule_weights[k]);
  }
  if (class_column != nullptr) o.class_column = class_column;
  for (std::size_t k = 0; k < n_rules; ++k) {
    if (class_levels[k] == nullptr) fail(__func__, "class_levels[{}] is NULL", k);
    o.cadence.emplace_back(class_levels[k], interval_days[k]);
  }
  o.default_interval_days = default_interval_days;
  if (last_visit_column != nullptr) o.last_visit_column = last_visit_column;
  if (rep_column != nullptr) o.rep_column = rep_column;
  o.horizon_days = horizon_days;
  *out = new_table(crmkit::due_list(table->table, as_of, o));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_vrp_cost_to_serve(const crmkit_vrp* vrp, const crmkit_table* table, const char* margin_column,
                                        double periods, double cost_per_time, double cost_per_distance,
                                        crmkit_table** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(vrp, table);
  const auto& plan = solved_or_throw(vrp, __func__);
  // the plan's vehicles: the reps, or the (day, rep) pairs of crmkit_vrp_solve_days
  crmkit::vrp_problem p = vrp->problem;
  p.break_earliest.clear();
  p.break_latest.clear();
  p.break_duration.clear();
  p.max_stops.clear();
  p.max_duration.clear();
  p.day.clear();
  p.allowed_days.clear();
  auto expand = [&](auto& field) {
    auto base = field;
    field.clear();
    for (std::int32_t r : vrp->vehicle_rep) field.push_back(base[static_cast<std::size_t>(r)]);
  };
  expand(p.capacity);
  expand(p.shift_start);
  expand(p.shift_end);
  expand(p.start_depot);
  expand(p.end_depot);
  crmkit::cost_to_serve_options c;
  if (margin_column != nullptr) c.margin_column = margin_column;
  c.periods = periods;
  c.cost_per_time = cost_per_time;
  c.cost_per_distance = cost_per_distance;
  *out = new_table(crmkit::cost_to_serve(table->table, p, vrp->options, plan, c));
  CRMKIT_API_END();
}

// ==== end of the routing additions ====

}  // extern "C"
