/// @file crmkit/planning/multi_day.hpp
/// Plans over several days: every rep has a shift on each day it works, every visit has the
/// days it may be made on (a weekday mask, and/or a day range from its due date or
/// cadence), each visit is made at most once over the horizon; one solve of the routing
/// solver (crmkit/planning/vrptw.hpp) over day-indexed vehicles, one per (day, rep), so
/// that the plan trades visits between days (prize collecting across days, or fewest
/// rep-days then distance when every visit is required). Reported per day.
///
/// `#include <crmkit/planning/multi_day.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::multi_day_problem m;
/// m.base = problem;                 // customers, depots, one vehicle per rep (times of day)
/// m.n_days = 5;                     // Monday .. Friday
/// m.earliest_day = {0, 2, 0};       // customer 1 not before Wednesday
/// m.latest_day = {4, 4, 1};         // customer 2 due by Tuesday
/// crmkit::vrp_options o; o.objective = crmkit::vrp_objective::prize_collecting;
/// o.time_limit = 0; o.max_iter = 5000;
/// crmkit::multi_day_result r = crmkit::solve_multi_day(m, o);
/// r.day[1];                         // the day customer 1 is visited (-1: not planned)
/// r.route(2, 0);                    // rep 0's visiting order on day 2
/// @endcode
///
/// Semantics: times of day (customer windows, shifts, breaks) are the same on every day, in
/// the unit of the travel times; days do not interact except through "each visit at most
/// once". A visit may be made on day d when d is in [earliest_day, latest_day] and bit d of
/// `allowed_days` is set (0: any day). Rep r works day d when works[r * n_days + d] is 1.
/// The underlying vehicles are the working (day, rep) pairs in day-then-rep order
/// (vehicle_day, vehicle_rep); every per-vehicle field of the base problem (capacity,
/// shift, depots, break, max_stops, max_duration) applies to the rep on each of its days.
/// A visit with no working rep on an allowed day has status `no_allowed_day`.
///
/// Memory: the expanded problem (about 80 bytes per rep-day) and the solver's memory
/// (crmkit/planning/vrptw.hpp); the result adds 8 bytes per customer and 40 per day.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/planning/vrptw.hpp"

CRMKIT_BEGIN_NAMESPACE

/// A plan over several days.
struct multi_day_problem {
  vrp_problem base;                  ///< customers, depots, one vehicle per rep; base.day and base.allowed_days empty
  std::int32_t n_days = 1;           ///< [1, 63]
  std::vector<std::uint8_t> works;   ///< n_reps x n_days, rep-major: 1 works that day; empty: every day
  std::vector<std::uint64_t> allowed_days;  ///< per customer, bit d: may be visited on day d; 0 or empty: any
  std::vector<std::int32_t> earliest_day;   ///< per customer, first allowed day; empty: 0
  std::vector<std::int32_t> latest_day;     ///< per customer, last allowed day; empty: n_days - 1
};

/// A plan over several days. A plain value.
struct multi_day_result {
  vrp_result plan;                          ///< over the working (day, rep) vehicles
  std::vector<std::int32_t> vehicle_day;    ///< per vehicle of `plan`
  std::vector<std::int32_t> vehicle_rep;    ///< per vehicle of `plan`
  std::vector<std::int32_t> day;            ///< per customer, the day of its visit (-1: not routed)
  std::vector<std::int32_t> rep;            ///< per customer, the rep of its visit (-1)
  std::vector<std::size_t> day_visits;      ///< per day, visits made
  std::vector<std::size_t> day_routes;      ///< per day, reps on the road
  std::vector<double> day_distance;         ///< per day
  std::vector<double> day_value;            ///< per day, value of the visits made
  std::vector<double> day_duration;         ///< per day, sum of the routes' working time
  /// The visiting order of rep `of_rep` on day `on_day` (empty when the rep does not work or stays home).
  [[nodiscard]] std::vector<std::int32_t> route(std::int32_t on_day, std::int32_t of_rep) const {
    for (std::size_t v = 0; v < vehicle_day.size(); ++v)
      if (vehicle_day[v] == on_day && vehicle_rep[v] == of_rep) return plan.routes[v];
    return {};
  }
};

/// The expanded single-solve problem (one vehicle per working (day, rep), the customers'
/// day masks); exposed for checks (vrp_route_violation on it) and for hosts that solve it
/// themselves. `vehicle_day`, `vehicle_rep` receive the pairs.
/// @throws crmkit::error (invalid_argument: sizes, n_days, a day range ending before it
///         starts or outside the horizon; named by customer or rep).
[[nodiscard]] CRMKIT_FUNC vrp_problem multi_day_expand(const multi_day_problem& problem,
                                                      std::vector<std::int32_t>& vehicle_day,
                                                      std::vector<std::int32_t>& vehicle_rep);

/// Solves the plan over the days (see the file comment).
/// @throws crmkit::error (invalid_argument, as multi_day_expand and solve_vrptw).
[[nodiscard]] CRMKIT_FUNC multi_day_result solve_multi_day(const multi_day_problem& problem,
                                                         const vrp_options& options);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/planning/multi_day_impl.hpp"
#endif
