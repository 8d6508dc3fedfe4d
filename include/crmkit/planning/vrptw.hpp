/// @file crmkit/planning/vrptw.hpp
/// Field routes: a vehicle-routing solver with time windows (VRPTW) for sales reps.
/// Customers have a location, a demand, a time window [ready, due] in which the visit must
/// start, a service time and a value; vehicles (reps) have a capacity, a shift
/// [shift_start, shift_end] and a start and an end depot (home or office). Two objectives:
/// - `min_routes_then_distance`: every visit is required; fewest routes first, then the
///   least total distance (the ranking of the VRPTW literature, Solomon / Gehring-Homberger);
/// - `prize_collecting`: maximise value collected minus travel cost
///   (`cost_per_distance` x distance); visits not marked required may be dropped when they
///   do not pay for their detour or do not fit.
///
/// `#include <crmkit/planning/vrptw.hpp>`
///
/// Thread safety: stateless; safe (every function is a pure function of its arguments).
///
/// @code
/// crmkit::vrp_problem p;
/// p.x = {0, 10, 10}; p.y = {10, 0, 10};            // three customers
/// p.demand = {1, 1, 1}; p.ready = {0, 0, 0}; p.due = {100, 100, 100}; p.service = {5, 5, 5};
/// p.depot_x = {0}; p.depot_y = {0};
/// p.capacity = {10}; p.shift_start = {0}; p.shift_end = {200};
/// p.start_depot = {0}; p.end_depot = {0};
/// crmkit::vrp_options o; o.max_iter = 2000; o.time_limit = 0;   // deterministic
/// crmkit::vrp_result r = crmkit::solve_vrptw(p, o);
/// for (auto c : r.routes[0]) std::printf("%d ", c);              // visiting order of rep 0
/// @endcode
///
/// Travel: `euclidean` (plane coordinates; travel time = distance, the convention of the
/// Solomon and Gehring-Homberger benchmarks, distances not rounded), `sphere` (x =
/// longitude, y = latitude in degrees; great-circle metres, crmkit/geo/sphere.hpp) or
/// `wgs84` (geodesic metres on the ellipsoid, crmkit/geo/geodesic.hpp), both travelled at
/// `speed_kmh` so that times are in seconds; or `matrix` (the host's travel-time and
/// distance matrices over the customers followed by the depots; road networks stay
/// outside the library). Windows, service times and shifts are in the time unit of the
/// travel times.
///
/// Semantics (Solomon 1987): a rep leaves its start depot at shift_start, may wait at a
/// customer until `ready`, must start the visit by `due` (the visit may end after due),
/// stays `service`, and must reach its end depot by shift_end; the load of a route (sum of
/// demands) must not exceed its capacity. A visit no vehicle could make even alone (window
/// not reachable, service longer than the shift, demand over every capacity, no return to
/// the depot in time) is reported in `status` and left out; the plan is made for the
/// others.
///
/// Algorithm: Slack Induction by String Removals (SISR; J. Christiaens and G. Vanden
/// Berghe, "Slack induction by string removals for vehicle routing problems",
/// Transportation Science 54(2), 2020): ruin by removing strings (and split strings) of
/// consecutive visits from routes near a random seed visit, recreate by greedy best
/// insertion with blinks (each position skipped with probability 0.01) in a random,
/// largest-demand, farthest or closest order; simulated-annealing acceptance with a
/// geometric temperature from `temperature_start` to `temperature_end` (both in units of
/// the mean arc length of the plan the distance phase starts from). The construction is the recreate step on
/// an empty plan. In `min_routes_then_distance` a first phase (a share `fleet_share` of the
/// budget) minimises routes as in SISR: remove the smallest route, then ruin and recreate
/// without opening routes, accepting plans with fewer missing visits or a smaller sum of
/// the missing visits' absence counters; it stops early at the capacity lower bound. The
/// second phase minimises distance without opening routes. Insertion feasibility is
/// checked in O(1) from per-route earliest and latest service-start times. The split-string
/// length is drawn geometrically (p = 1/2), a simplification of the paper's rule.
///
/// Quality (docs/benchmarks.md): on the 60 Gehring-Homberger instances with 200 customers,
/// 10 s each on one shared core, every plan had the best-known number of routes and the
/// mean distance gap to the best-known solutions was 1.39% (per class 0.6% to 2.5%).
///
/// Breaks and route limits (optional, per vehicle; the semantics of VROOM's breaks): a
/// break of `break_duration` must start within [break_earliest, break_latest] and is taken
/// anywhere on a used route: at the start depot before the first visit, between two
/// visits (after the service of the first, at its location, before travelling on) or after
/// the last visit before driving to the end depot; the rep may wait for the break window
/// to open, and a break before a customer whose window opens late replaces waiting there
/// (the rep arrives later and waits less). An unused route takes no break. `max_stops` caps the visits of a route;
/// `max_duration` caps its working time = arrival at the end depot - departure from the
/// start depot, where the rep leaves as late as possible without returning later (the
/// latest departure is reported as `route_depart`; arrival and start times are those of
/// leaving at shift_start, the earliest schedule). Working time includes travel, service,
/// the break and waiting after the departure. When a route admits several break positions
/// the solver reports the one of least working time, then earliest return, then earliest
/// position.
///
/// Days (plans over several days, crmkit/planning/multi_day.hpp builds them): a vehicle may
/// carry a `day` (0..63) and a customer a bit mask `allowed_days` of the days it may be
/// visited on; a visit goes only to a vehicle of an allowed day.
///
/// Not modelled yet: per-vehicle fixed costs, several breaks per route.
///
/// Determinism: with `time_limit` = 0 the result is a pure function of the problem, the
/// options and the seed. A time limit is a wall-clock guard: the run stops when it is
/// reached (and the cooling follows the elapsed share of the time), so a time-limited
/// result can differ between runs.
///
/// Memory: the travel-time and distance matrices over the N = customers + depots locations
/// (16 N^2 bytes), each customer's up to 100 nearest customers (400 n bytes), and two
/// copies of the plan (O(n + vehicles)).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/option_table.hpp"

CRMKIT_BEGIN_NAMESPACE

/// What the solver minimises.
enum class vrp_objective : int {
  min_routes_then_distance = 0,  ///< every visit required; fewest routes, then distance
  prize_collecting = 1,          ///< value collected minus cost_per_distance x distance; optional visits may drop
};

/// How travel times and distances are obtained.
enum class vrp_metric : int {
  euclidean = 0,  ///< plane coordinates; time = distance (Solomon's convention)
  sphere = 1,     ///< longitude/latitude degrees; great-circle metres at speed_kmh
  wgs84 = 2,      ///< longitude/latitude degrees; WGS84 geodesic metres at speed_kmh
  matrix = 3,     ///< the host's matrices (vrp_problem::travel_time, ::distance)
};

/// The solver's settings.
struct vrp_options {
  vrp_objective objective = vrp_objective::min_routes_then_distance;
  vrp_metric metric = vrp_metric::euclidean;
  double speed_kmh = 40.0;          ///< travel speed for sphere and wgs84 (times in seconds)
  double cost_per_distance = 1.0;   ///< prize_collecting: value units per distance unit (metre on the Earth)
  double time_limit = 10.0;         ///< wall-clock seconds; 0: no time limit (then max_iter must be > 0)
  std::int64_t max_iter = 0;        ///< ruin-and-recreate iterations, both phases; 0: none (then time_limit > 0)
  std::uint32_t seed = 0;           ///< random seed
  double fleet_share = 0.3;         ///< share of the budget for route minimisation (min_routes_then_distance), [0, 0.99]
  double average_removed = 10.0;    ///< SISR c-bar: mean number of visits removed per ruin
  double max_string = 10.0;         ///< SISR L_max: longest string removed
  double temperature_start = 5.0;   ///< initial temperature / mean arc length (distance phase)
  double temperature_end = 0.05;    ///< final temperature / mean arc length (distance phase)
};

/// The description of vrp_options from which the C ABI (`crmkit_vrp_set_int`, ...,
/// `crmkit_vrp_option_bounds`, keys `CRMKIT_VRP_<NAME>`), the Python keywords and
/// solve_vrptw's validation derive (crmkit/core/option_table.hpp).
template <>
struct option_table<vrp_options> {
  static constexpr std::string_view c_prefix = "CRMKIT_VRP_";
  static constexpr std::array<option_spec<vrp_options>, 12> entries{{
      CRMKIT_OPTION(vrp_options, 1, objective, enumeration, 0, 1, "0 min routes then distance, 1 prize collecting"),
      CRMKIT_OPTION(vrp_options, 2, metric, enumeration, 0, 3, "0 euclidean, 1 sphere, 2 wgs84, 3 host matrix"),
      CRMKIT_OPTION(vrp_options, 3, max_iter, integer, 0, option_int_limit, "ruin-and-recreate iterations; 0: none"),
      CRMKIT_OPTION(vrp_options, 4, seed, integer, 0, 4294967295.0, "random seed"),
      CRMKIT_OPTION(vrp_options, 101, speed_kmh, real, option_positive, option_finite, "speed for sphere/wgs84, km/h"),
      CRMKIT_OPTION(vrp_options, 102, cost_per_distance, real, 0, option_finite, "prize: cost of one distance unit"),
      CRMKIT_OPTION(vrp_options, 103, time_limit, real, 0, option_finite, "wall-clock seconds; 0: none"),
      CRMKIT_OPTION(vrp_options, 104, fleet_share, real, 0, 0.99, "budget share for route minimisation"),
      CRMKIT_OPTION(vrp_options, 105, average_removed, real, 1, option_finite, "mean visits removed per ruin"),
      CRMKIT_OPTION(vrp_options, 106, max_string, real, 1, option_finite, "longest string removed"),
      CRMKIT_OPTION(vrp_options, 107, temperature_start, real, 0, option_finite, "start temperature / mean arc"),
      CRMKIT_OPTION(vrp_options, 108, temperature_end, real, 0, option_finite, "end temperature / mean arc"),
  }};
};

/// The instance. Customers are indexed 0..n-1 (the `customer` of every message and result),
/// depots 0..n_depots-1, vehicles 0..n_vehicles-1.
struct vrp_problem {
  std::vector<double> x, y;            ///< customer coordinates (lon, lat for sphere/wgs84); ignored for matrix
  std::vector<double> demand;          ///< >= 0
  std::vector<double> ready, due;      ///< window for the start of service, ready <= due
  std::vector<double> service;         ///< service time, >= 0
  std::vector<double> value;           ///< prize_collecting: value of the visit; empty: all 0
  std::vector<std::uint8_t> required;  ///< prize_collecting: 1 must be visited; empty: none required
  std::vector<double> depot_x, depot_y;  ///< depot coordinates; ignored for matrix
  std::vector<double> capacity;        ///< per vehicle, > 0
  std::vector<double> shift_start, shift_end;  ///< per vehicle, start <= end
  std::vector<std::int32_t> start_depot, end_depot;  ///< per vehicle, depot indices
  /// metric matrix: N x N row-major over the customers then the depots (N = n + n_depots),
  /// finite, >= 0. `distance` empty: the distance is the travel time.
  std::vector<double> travel_time, distance;
  /// Breaks, per vehicle (all three empty: no breaks): the break must start within
  /// [break_earliest, break_latest] and lasts break_duration (>= 0, at most the shift; 0: no break).
  std::vector<double> break_earliest, break_latest, break_duration;
  /// Per vehicle, the most visits on its route (>= 0; 0: no limit); empty: no limits.
  std::vector<std::int32_t> max_stops;
  /// Per vehicle, the most working time of its route (>= 0; 0: no limit); empty: no limits.
  std::vector<double> max_duration;
  /// Per vehicle, its day in [0, 63]; empty: all day 0.
  std::vector<std::int32_t> day;
  /// Per customer, bit d set: may be visited on day d; 0 or empty: any day.
  std::vector<std::uint64_t> allowed_days;
};

/// Why a visit is or is not in the plan.
enum class visit_status : int {
  routed = 0,                   ///< on a route
  dropped = 1,                  ///< prize_collecting: optional and not worth it (or no room)
  no_room = 2,                  ///< required but no vehicle had room (fleet too small or search too short)
  window_unreachable = 3,       ///< no vehicle can arrive by `due` even going straight there
  service_exceeds_shift = 4,    ///< the service is longer than every shift
  demand_exceeds_capacity = 5,  ///< the demand exceeds every vehicle's capacity
  cannot_return = 6,            ///< no vehicle can serve it and reach its end depot by shift_end
  route_limits = 7,             ///< every vehicle that could reach it would exceed max_duration (trip, service and break)
  no_allowed_day = 8,           ///< no vehicle works on one of its allowed days
};

/// Static English name of a status ("routed", "dropped", ...).
[[nodiscard]] constexpr const char* status_name(visit_status s) noexcept {
  switch (s) {
    case visit_status::routed: return "routed";
    case visit_status::dropped: return "dropped";
    case visit_status::no_room: return "no_room";
    case visit_status::window_unreachable: return "window_unreachable";
    case visit_status::service_exceeds_shift: return "service_exceeds_shift";
    case visit_status::demand_exceeds_capacity: return "demand_exceeds_capacity";
    case visit_status::cannot_return: return "cannot_return";
    case visit_status::route_limits: return "route_limits";
    case visit_status::no_allowed_day: return "no_allowed_day";
  }
  return "unknown";
}

/// A solved plan. A plain value.
struct vrp_result {
  std::vector<std::vector<std::int32_t>> routes;  ///< per vehicle, the customers in visiting order (empty: unused)
  std::vector<std::int32_t> vehicle;   ///< per customer, its vehicle, -1 when not routed
  std::vector<std::int32_t> position;  ///< per customer, 0-based stop number on its route, -1
  std::vector<double> arrival;         ///< per customer, arrival time (NaN when not routed)
  std::vector<double> start;           ///< per customer, service start = max(arrival, ready) (NaN)
  std::vector<visit_status> status;    ///< per customer
  std::vector<double> route_distance;  ///< per vehicle
  std::vector<double> route_end;       ///< per vehicle, arrival at the end depot (shift_start when unused)
  std::vector<double> route_load;      ///< per vehicle
  std::vector<double> route_depart;    ///< per vehicle, the latest departure that does not delay the return (shift_start when unused)
  std::vector<double> route_duration;  ///< per vehicle, working time = route_end - route_depart (0 when unused)
  std::vector<double> break_start;     ///< per vehicle, start of the break in the earliest schedule (NaN: none)
  std::vector<std::int32_t> break_after;  ///< per vehicle, visits made before the break (-1: none)
  std::size_t n_routes = 0;            ///< vehicles used
  std::size_t n_routed = 0;            ///< visits on routes
  double distance = 0;                 ///< total distance
  double value = 0;                    ///< value of the routed visits
  double objective = 0;                ///< prize: value - cost_per_distance x distance; else the distance
  std::int64_t iterations = 0;         ///< ruin-and-recreate iterations run
  double seconds = 0;                  ///< wall-clock seconds
  bool time_limit_reached = false;     ///< the run stopped at time_limit (then not reproducible)
};

/// Travel times and distances between all locations (customers, then depots).
struct vrp_travel {
  std::size_t n_locations = 0;
  std::vector<double> time;      ///< n_locations^2, row-major
  std::vector<double> distance;  ///< n_locations^2, row-major
  [[nodiscard]] double t(std::size_t a, std::size_t b) const noexcept { return time[a * n_locations + b]; }
  [[nodiscard]] double d(std::size_t a, std::size_t b) const noexcept { return distance[a * n_locations + b]; }
};

/// Checks the problem (sizes, finiteness, windows, depots; the messages name the customer,
/// depot or vehicle and the field) and builds the travel matrices for `options.metric`.
/// @throws crmkit::error (invalid_argument).
[[nodiscard]] CRMKIT_FUNC vrp_travel vrp_build_travel(const vrp_problem& problem, const vrp_options& options);

/// The first violation of `route` (customers in order) driven by `vehicle`: "" when the
/// route is feasible, else e.g. "customer 4 starts at 130 after its due 120". Checks
/// windows, capacity, the shift end, that no customer appears twice, the allowed days, the
/// stop limit, and that some break position makes the break window and the working-time
/// limit hold (each position is tried: forward times from shift_start, the latest
/// departure by a backward pass); independent of the solver (used by the tests on every
/// route). Times are compared with a relative slack of 1e-9. For a route with a break the
/// message is a working-time excess when some position fails only by it, else the failure
/// of the last position.
[[nodiscard]] CRMKIT_FUNC std::string vrp_route_violation(const vrp_problem& problem, const vrp_travel& travel,
                                                          std::size_t vehicle, std::span<const std::int32_t> route);

/// Solves the problem (see the file comment).
/// @throws crmkit::error (invalid_argument: a bad problem or options, the message names the
///         customer, vehicle or option).
[[nodiscard]] CRMKIT_FUNC vrp_result solve_vrptw(const vrp_problem& problem, const vrp_options& options);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/planning/vrptw_impl.hpp"
#endif
