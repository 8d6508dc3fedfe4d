#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/geo/sphere.hpp"
#include "crmkit/planning/vrptw.hpp"

namespace {

using crmkit::vrp_options;
using crmkit::vrp_problem;
using crmkit::vrp_result;
using crmkit::visit_status;

// Every route of a result is feasible (the solver-independent checker), every routed
// customer appears once, and the per-customer arrays agree with the routes.
void check_feasible(const vrp_problem& p, const vrp_options& o, const vrp_result& r) {
  const auto travel = crmkit::vrp_build_travel(p, o);
  const std::size_t n = p.demand.size();
  std::vector<int> seen(n, 0);
  double distance = 0;
  for (std::size_t v = 0; v < r.routes.size(); ++v) {
    INFO("vehicle " << v);
    CHECK(crmkit::vrp_route_violation(p, travel, v, r.routes[v]) == "");
    for (std::size_t k = 0; k < r.routes[v].size(); ++k) {
      const auto c = static_cast<std::size_t>(r.routes[v][k]);
      ++seen[c];
      CHECK(r.vehicle[c] == static_cast<std::int32_t>(v));
      CHECK(r.position[c] == static_cast<std::int32_t>(k));
      CHECK(r.start[c] >= p.ready[c]);
      CHECK(r.start[c] <= p.due[c] + 1e-9);
      CHECK(r.start[c] >= r.arrival[c]);
    }
    if (!r.routes[v].empty()) {
      std::size_t prev = n + static_cast<std::size_t>(p.start_depot[v]);
      for (auto c : r.routes[v]) {
        distance += travel.d(prev, static_cast<std::size_t>(c));
        prev = static_cast<std::size_t>(c);
      }
      distance += travel.d(prev, n + static_cast<std::size_t>(p.end_depot[v]));
    }
  }
  for (std::size_t c = 0; c < n; ++c) {
    CHECK(seen[c] <= 1);
    CHECK((seen[c] == 1) == (r.status[c] == visit_status::routed));
  }
  CHECK(r.distance == doctest::Approx(distance).epsilon(1e-9));
}

// Random small instance: n customers in [0,100]^2, windows of random width, one depot at
// the centre, nv identical vehicles.
vrp_problem random_problem(std::uint32_t seed, std::size_t n, std::size_t nv, double capacity) {
  std::mt19937 g(seed);
  auto u = [&](double lo, double hi) { return lo + (hi - lo) * (static_cast<double>(g()) / 4294967296.0); };
  vrp_problem p;
  for (std::size_t i = 0; i < n; ++i) {
    p.x.push_back(std::round(u(0, 100)));
    p.y.push_back(std::round(u(0, 100)));
    p.demand.push_back(std::round(u(1, 10)));
    const double a = std::round(u(0, 250));
    p.ready.push_back(a);
    p.due.push_back(a + std::round(u(20, 150)));
    p.service.push_back(10);
    p.value.push_back(std::round(u(0, 120)));
  }
  p.depot_x = {50};
  p.depot_y = {50};
  for (std::size_t v = 0; v < nv; ++v) {
    p.capacity.push_back(capacity);
    p.shift_start.push_back(0);
    p.shift_end.push_back(500);
    p.start_depot.push_back(0);
    p.end_depot.push_back(0);
  }
  return p;
}

// Brute force over identical vehicles: every ordered subset of customers (a prefix of a
// permutation) cut into at most nv consecutive routes, each checked by the public checker.
struct brute_best {
  std::size_t routes = std::numeric_limits<std::size_t>::max();
  double distance = std::numeric_limits<double>::infinity();
  double profit = -std::numeric_limits<double>::infinity();
};

brute_best brute_force(const vrp_problem& p, const vrp_options& o, bool prize) {
  const auto travel = crmkit::vrp_build_travel(p, o);
  const std::size_t n = p.demand.size(), nv = p.capacity.size();
  std::vector<std::int32_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  brute_best best;
  auto route_distance = [&](const std::vector<std::int32_t>& r) {
    std::size_t prev = n;
    double d = 0;
    for (auto c : r) {
      d += travel.d(prev, static_cast<std::size_t>(c));
      prev = static_cast<std::size_t>(c);
    }
    return d + travel.d(prev, n);
  };
  do {
    for (std::size_t k = prize ? 0 : n; k <= n; ++k) {
      const std::size_t cuts = k > 0 ? k - 1 : 0;
      for (std::uint32_t mask = 0; mask < (1u << cuts); ++mask) {
        std::vector<std::vector<std::int32_t>> routes(1);
        for (std::size_t i = 0; i < k; ++i) {
          routes.back().push_back(perm[i]);
          if (i + 1 < k && (mask >> i) & 1u) routes.emplace_back();
        }
        if (k == 0) routes.clear();
        if (routes.size() > nv) continue;
        double d = 0, value = 0;
        bool ok = true;
        for (const auto& r : routes) {
          if (!crmkit::vrp_route_violation(p, travel, 0, r).empty()) {
            ok = false;
            break;
          }
          d += route_distance(r);
          for (auto c : r) value += p.value[static_cast<std::size_t>(c)];
        }
        if (!ok) continue;
        if (prize) {
          const double profit = value - o.cost_per_distance * d;
          if (profit > best.profit) {
            best.profit = profit;
            best.distance = d;
            best.routes = routes.size();
          }
        } else if (routes.size() < best.routes || (routes.size() == best.routes && d < best.distance)) {
          best.routes = routes.size();
          best.distance = d;
        }
      }
    }
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

vrp_options deterministic(std::int64_t iterations, std::uint32_t seed = 7) {
  vrp_options o;
  o.time_limit = 0;
  o.max_iter = iterations;
  o.seed = seed;
  return o;
}

}  // namespace

TEST_CASE("a hand-solvable instance: two clusters, two reps, the optimal routes") {
  // Customers at (10,0), (20,0) east and (-10,0), (-20,0) west of the depot; capacity 2
  // forces one rep per side; the optimum is out and back along each side: distance 80.
  vrp_problem p;
  p.x = {10, 20, -10, -20};
  p.y = {0, 0, 0, 0};
  p.demand = {1, 1, 1, 1};
  p.ready = {0, 0, 0, 0};
  p.due = {1000, 1000, 1000, 1000};
  p.service = {0, 0, 0, 0};
  p.depot_x = {0};
  p.depot_y = {0};
  p.capacity = {2, 2, 2};
  p.shift_start = {0, 0, 0};
  p.shift_end = {1000, 1000, 1000};
  p.start_depot = {0, 0, 0};
  p.end_depot = {0, 0, 0};
  const auto o = deterministic(500);
  const auto r = crmkit::solve_vrptw(p, o);
  check_feasible(p, o, r);
  CHECK(r.n_routes == 2);
  CHECK(r.distance == doctest::Approx(80.0));
  CHECK(r.vehicle[0] == r.vehicle[1]);
  CHECK(r.vehicle[2] == r.vehicle[3]);
  CHECK(r.vehicle[0] != r.vehicle[2]);
  // windows force the order: the far east customer first (due 25), then the near one
  p.due[1] = 25;
  p.ready[0] = 30;
  const auto r2 = crmkit::solve_vrptw(p, o);
  check_feasible(p, o, r2);
  const auto& east = r2.routes[static_cast<std::size_t>(r2.vehicle[1])];
  REQUIRE(east.size() == 2);
  CHECK(east[0] == 1);
  CHECK(east[1] == 0);
  CHECK(r2.start[1] == doctest::Approx(20.0));
  CHECK(r2.start[0] == doctest::Approx(30.0));
  CHECK(r2.distance == doctest::Approx(80.0));
}

TEST_CASE("random small instances: routes and distance equal the brute-force optimum") {
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    INFO("seed " << seed);
    const auto p = random_problem(seed, 6, 3, 20);
    const auto o = deterministic(3000, seed);
    const auto best = brute_force(p, o, false);
    const auto r = crmkit::solve_vrptw(p, o);
    check_feasible(p, o, r);
    if (best.routes == std::numeric_limits<std::size_t>::max()) {
      CHECK(std::count(r.status.begin(), r.status.end(), visit_status::routed) < 6);
      continue;
    }
    REQUIRE(r.n_routed == 6);
    CHECK(r.n_routes == best.routes);
    CHECK(r.distance == doctest::Approx(best.distance).epsilon(1e-9));
  }
}

TEST_CASE("prize collecting: value minus travel cost equals the brute-force optimum") {
  for (std::uint32_t seed = 11; seed <= 16; ++seed) {
    INFO("seed " << seed);
    const auto p = random_problem(seed, 5, 2, 20);
    auto o = deterministic(3000, seed);
    o.objective = crmkit::vrp_objective::prize_collecting;
    o.cost_per_distance = 0.8;
    const auto best = brute_force(p, o, true);
    const auto r = crmkit::solve_vrptw(p, o);
    check_feasible(p, o, r);
    CHECK(r.objective == doctest::Approx(best.profit).epsilon(1e-9));
    CHECK(r.objective == doctest::Approx(r.value - 0.8 * r.distance).epsilon(1e-12));
    for (std::size_t c = 0; c < 5; ++c)
      CHECK((r.status[c] == visit_status::routed || r.status[c] == visit_status::dropped));
  }
}

TEST_CASE("prize collecting: a far visit of little value is dropped, a required one is kept") {
  vrp_problem p;
  p.x = {10, 200};
  p.y = {0, 0};
  p.demand = {1, 1};
  p.ready = {0, 0};
  p.due = {1000, 1000};
  p.service = {5, 5};
  p.value = {50, 100};  // the far visit costs 2 x 190 more distance than it brings
  p.depot_x = {0};
  p.depot_y = {0};
  p.capacity = {10};
  p.shift_start = {0};
  p.shift_end = {1000};
  p.start_depot = {0};
  p.end_depot = {0};
  auto o = deterministic(200);
  o.objective = crmkit::vrp_objective::prize_collecting;
  auto r = crmkit::solve_vrptw(p, o);
  check_feasible(p, o, r);
  CHECK(r.status[0] == visit_status::routed);
  CHECK(r.status[1] == visit_status::dropped);
  CHECK(r.objective == doctest::Approx(50.0 - 20.0));
  p.required = {0, 1};
  r = crmkit::solve_vrptw(p, o);
  check_feasible(p, o, r);
  CHECK(r.status[1] == visit_status::routed);
  CHECK(r.objective == doctest::Approx(150.0 - 400.0));
}

TEST_CASE("infeasible visits are reported per visit and the others are planned") {
  vrp_problem p;
  p.x = {10, 50, 10, 10, 300, 20};
  p.y = {0, 0, 0, 0, 0, 0};
  p.demand = {1, 1, 1, 50, 1, 1};
  p.ready = {0, 0, 0, 0, 0, 0};
  p.due = {100, 20, 100, 100, 1000, 100};  // customer 1: 50 away, due 20
  p.service = {5, 5, 500, 5, 5, 5};        // customer 2: service 500 > shift 400
  p.depot_x = {0};
  p.depot_y = {0};
  p.capacity = {10, 10};  // customer 3: demand 50
  p.shift_start = {0, 0};
  p.shift_end = {400, 400};  // customer 4: 300 out, 300 back > 400
  p.start_depot = {0, 0};
  p.end_depot = {0, 0};
  const auto o = deterministic(300);
  const auto r = crmkit::solve_vrptw(p, o);
  check_feasible(p, o, r);
  CHECK(r.status[0] == visit_status::routed);
  CHECK(r.status[1] == visit_status::window_unreachable);
  CHECK(r.status[2] == visit_status::service_exceeds_shift);
  CHECK(r.status[3] == visit_status::demand_exceeds_capacity);
  CHECK(r.status[4] == visit_status::cannot_return);
  CHECK(r.status[5] == visit_status::routed);
  CHECK(r.n_routes == 1);
  CHECK(r.distance == doctest::Approx(40.0));
  CHECK(std::string(crmkit::status_name(r.status[1])) == "window_unreachable");
}

TEST_CASE("a fleet too small leaves required visits as no_room, not an error") {
  auto p = random_problem(3, 6, 1, 8);  // one vehicle of capacity 8 cannot take everything
  const auto o = deterministic(500);
  const auto r = crmkit::solve_vrptw(p, o);
  check_feasible(p, o, r);
  CHECK(r.n_routes == 1);
  CHECK(std::count(r.status.begin(), r.status.end(), visit_status::no_room) > 0);
  CHECK(r.route_load[0] <= 8.0);
}

TEST_CASE("deterministic for a seed with an iteration limit") {
  const auto p = random_problem(5, 40, 10, 40);
  const auto o = deterministic(2000, 3);
  const auto a = crmkit::solve_vrptw(p, o);
  const auto b = crmkit::solve_vrptw(p, o);
  check_feasible(p, o, a);
  CHECK(a.routes == b.routes);
  CHECK(a.distance == b.distance);
  CHECK(a.iterations == 2000);
  CHECK_FALSE(a.time_limit_reached);
  // a row order independent check: permuting the vehicles does not change the cost
  // much is not guaranteed for a heuristic; the seed changes the search
  const auto c = crmkit::solve_vrptw(p, deterministic(2000, 4));
  check_feasible(p, o, c);
}

TEST_CASE("sphere and wgs84 metrics: times in seconds at the stated speed") {
  vrp_problem p;
  p.x = {13.40, 13.45};  // Berlin
  p.y = {52.52, 52.50};
  p.demand = {0, 0};
  p.ready = {0, 0};
  p.due = {36000, 36000};
  p.service = {600, 600};
  p.depot_x = {13.38};
  p.depot_y = {52.51};
  p.capacity = {1};
  p.shift_start = {28800};
  p.shift_end = {64800};
  p.start_depot = {0};
  p.end_depot = {0};
  auto o = deterministic(100);
  o.metric = crmkit::vrp_metric::sphere;
  o.speed_kmh = 36;  // 10 m/s
  const auto r = crmkit::solve_vrptw(p, o);
  check_feasible(p, o, r);
  REQUIRE(r.n_routed == 2);
  const auto first = static_cast<std::size_t>(r.routes[0][0]);
  const double d = crmkit::haversine_m(13.38, 52.51, p.x[first], p.y[first]);
  CHECK(r.arrival[first] == doctest::Approx(28800 + d / 10.0));
  o.metric = crmkit::vrp_metric::wgs84;
  const auto w = crmkit::solve_vrptw(p, o);
  check_feasible(p, o, w);
  CHECK(w.distance == doctest::Approx(r.distance).epsilon(0.01));
  CHECK(w.distance != r.distance);
}

TEST_CASE("a host matrix, asymmetric: the solver follows it") {
  // locations: customers 0, 1, depot 2. Going 0 -> 1 is cheap, 1 -> 0 expensive.
  vrp_problem p;
  p.demand = {1, 1};
  p.ready = {0, 0};
  p.due = {100, 100};
  p.service = {0, 0};
  p.depot_x = {0};
  p.depot_y = {0};
  p.capacity = {5};
  p.shift_start = {0};
  p.shift_end = {100};
  p.start_depot = {0};
  p.end_depot = {0};
  p.travel_time = {0, 1, 5,  //
                   9, 0, 5,  //
                   5, 5, 0};
  auto o = deterministic(100);
  o.metric = crmkit::vrp_metric::matrix;
  const auto r = crmkit::solve_vrptw(p, o);
  check_feasible(p, o, r);
  REQUIRE(r.routes[0].size() == 2);
  CHECK(r.routes[0][0] == 0);
  CHECK(r.distance == doctest::Approx(11.0));
}

TEST_CASE("bad input: clear errors naming the customer") {
  auto p = random_problem(1, 4, 1, 20);
  const auto o = deterministic(10);
  auto fails_with = [&](const vrp_problem& q, const vrp_options& oo, const std::string& part) {
    try {
      (void)crmkit::solve_vrptw(q, oo);
      FAIL("no error, expected " << part);
    } catch (const crmkit::error& e) {
      CHECK(e.code() == crmkit::errc::invalid_argument);
      CHECK_MESSAGE(std::string(e.what()).find(part) != std::string::npos, e.what());
    }
  };
  auto q = p;
  q.due[2] = q.ready[2] - 1;
  fails_with(q, o, "customer 2: the window ends");
  q = p;
  q.service[1] = -5;
  fails_with(q, o, "customer 1: service time is -5");
  q = p;
  q.x[3] = std::numeric_limits<double>::quiet_NaN();
  fails_with(q, o, "customer 3: missing coordinates");
  q = p;
  q.start_depot[0] = 4;
  fails_with(q, o, "vehicle 0: start_depot 4");
  q = p;
  q.ready.pop_back();
  fails_with(q, o, "ready has 3 entries");
  auto no_budget = o;
  no_budget.max_iter = 0;
  fails_with(p, no_budget, "no budget");
  auto bad_option = o;
  bad_option.fleet_share = 2;
  fails_with(p, bad_option, "fleet_share");
}

TEST_CASE("Gehring-Homberger C1_2_1: feasible, near the best known after a short search") {
  std::ifstream in(std::string(CRMKIT_SOURCE_DIR) + "/tests/planning/data/c1_2_1.txt");
  REQUIRE(in);
  std::string line;
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::vector<double> v;
    double x;
    while (ls >> x) v.push_back(x);
    if (v.size() == 7) rows.push_back(v);
  }
  REQUIRE(rows.size() == 201);
  vrp_problem p;
  p.depot_x = {rows[0][1]};
  p.depot_y = {rows[0][2]};
  for (std::size_t i = 1; i < rows.size(); ++i) {
    p.x.push_back(rows[i][1]);
    p.y.push_back(rows[i][2]);
    p.demand.push_back(rows[i][3]);
    p.ready.push_back(rows[i][4]);
    p.due.push_back(rows[i][5]);
    p.service.push_back(rows[i][6]);
  }
  for (int v = 0; v < 50; ++v) {
    p.capacity.push_back(200);
    p.shift_start.push_back(rows[0][4]);
    p.shift_end.push_back(rows[0][5]);
    p.start_depot.push_back(0);
    p.end_depot.push_back(0);
  }
  const auto o = deterministic(4000, 1);
  const auto r = crmkit::solve_vrptw(p, o);
  check_feasible(p, o, r);
  CHECK(r.n_routed == 200);
  CHECK(r.n_routes <= 21);                  // best known: 20
  CHECK(r.distance <= 1.10 * 2704.5678);    // best known: 2704.5678
}

TEST_CASE("nothing to plan: no customers, or none feasible, returns at once") {
  vrp_problem p;
  p.depot_x = {0};
  p.depot_y = {0};
  p.capacity = {1};
  p.shift_start = {0};
  p.shift_end = {10};
  p.start_depot = {0};
  p.end_depot = {0};
  vrp_options o;  // the default 10 s time limit must not be spent
  auto r = crmkit::solve_vrptw(p, o);
  CHECK(r.n_routes == 0);
  CHECK(r.iterations == 0);
  CHECK(r.seconds < 5);
  p.x = {100};
  p.y = {0};
  p.demand = {0};
  p.ready = {0};
  p.due = {1000};
  p.service = {0};
  r = crmkit::solve_vrptw(p, o);
  CHECK(r.status[0] == visit_status::cannot_return);
  CHECK(r.iterations == 0);
}

// ---- breaks, stop and working-time limits (issue 15, part 2) ----

namespace {

// The reported timed schedule of every used route, re-simulated here: leaving at shift_start
// with the break after stop break_after gives the reported arrivals, starts and return;
// leaving at route_depart instead returns at the same time, keeps every window and the
// break window; the working time is route_end - route_depart and within max_duration.
void check_schedule(const vrp_problem& p, const vrp_options& o, const vrp_result& r) {
  const auto tr = crmkit::vrp_build_travel(p, o);
  const std::size_t n = p.demand.size();
  for (std::size_t v = 0; v < r.routes.size(); ++v) {
    INFO("vehicle " << v);
    const auto& route = r.routes[v];
    const bool brk = !route.empty() && !p.break_duration.empty() && p.break_duration[v] > 0;
    if (route.empty()) {
      CHECK(std::isnan(r.break_start[v]));
      CHECK(r.route_duration[v] == 0);
      continue;
    }
    CHECK(brk == (r.break_after[v] >= 0));
    if (!p.max_stops.empty() && p.max_stops[v] > 0) CHECK(route.size() <= static_cast<std::size_t>(p.max_stops[v]));
    auto simulate = [&](double depart, bool record) {
      double t = depart;
      std::size_t prev = n + static_cast<std::size_t>(p.start_depot[v]);
      for (std::size_t k = 0; k <= route.size(); ++k) {
        if (brk && static_cast<std::int32_t>(k) == r.break_after[v]) {
          const double bs = std::max(t, p.break_earliest[v]);
          if (record) CHECK(bs == doctest::Approx(r.break_start[v]));
          CHECK(bs <= p.break_latest[v] + 1e-9);
          t = bs + p.break_duration[v];
        }
        const std::size_t next =
            k < route.size() ? static_cast<std::size_t>(route[k]) : n + static_cast<std::size_t>(p.end_depot[v]);
        t += tr.t(prev, next);
        if (k < route.size()) {
          if (record) CHECK(t == doctest::Approx(r.arrival[next]));
          t = std::max(t, p.ready[next]);
          if (record) CHECK(t == doctest::Approx(r.start[next]));
          CHECK(t <= p.due[next] + 1e-9);
          t += p.service[next];
        }
        prev = next;
      }
      return t;
    };
    const double end = simulate(p.shift_start[v], true);
    CHECK(end == doctest::Approx(r.route_end[v]));
    CHECK(end <= p.shift_end[v] + 1e-9);
    CHECK(r.route_depart[v] >= p.shift_start[v] - 1e-9);
    CHECK(simulate(r.route_depart[v], false) == doctest::Approx(end));
    CHECK(r.route_duration[v] == doctest::Approx(end - r.route_depart[v]));
    if (!p.max_duration.empty() && p.max_duration[v] > 0) CHECK(r.route_duration[v] <= p.max_duration[v] + 1e-9);
  }
}

void add_limits(vrp_problem& p, double break_earliest, double break_latest, double break_duration,
                std::int32_t max_stops, double max_duration) {
  const std::size_t nv = p.capacity.size();
  p.break_earliest.assign(nv, break_earliest);
  p.break_latest.assign(nv, break_latest);
  p.break_duration.assign(nv, break_duration);
  p.max_stops.assign(nv, max_stops);
  p.max_duration.assign(nv, max_duration);
}

// Two customers east of the depot at 10 and 20, service 10, the shift [0, 200], a break of
// 15 to start in [25, 30]: after the first visit (done at 20) the rep waits to 25, rests to
// 40, visits the second at 50 and returns at 80: working time 75 = travel 40 + service 20 +
// break 15, leaving at 5 (leaving later would not return earlier). A break at the depot
// (25 to 40) also works 75 but returns at 100; after the second visit (done at 40) is too late.
vrp_problem line_problem() {
  vrp_problem p;
  p.x = {10, 20};
  p.y = {0, 0};
  p.demand = {1, 1};
  p.ready = {0, 0};
  p.due = {100, 100};
  p.service = {10, 10};
  p.depot_x = {0};
  p.depot_y = {0};
  p.capacity = {10, 10};
  p.shift_start = {0, 0};
  p.shift_end = {200, 200};
  p.start_depot = {0, 0};
  p.end_depot = {0, 0};
  add_limits(p, 25, 30, 15, 0, 0);
  return p;
}

}  // namespace

TEST_CASE("breaks: a hand case, the break position, departure and working time") {
  auto p = line_problem();
  p.due[0] = 15;  // the near customer first (the reverse order would rest at 30 and return at 75)
  const auto o = deterministic(300);
  const auto r = crmkit::solve_vrptw(p, o);
  check_feasible(p, o, r);
  check_schedule(p, o, r);
  REQUIRE(r.n_routes == 1);
  const auto v = static_cast<std::size_t>(r.vehicle[0]);
  CHECK(r.routes[v] == std::vector<std::int32_t>{0, 1});
  CHECK(r.break_after[v] == 1);
  CHECK(r.break_start[v] == doctest::Approx(25));
  CHECK(r.start[0] == doctest::Approx(10));
  CHECK(r.arrival[1] == doctest::Approx(50));
  CHECK(r.route_end[v] == doctest::Approx(80));
  CHECK(r.route_depart[v] == doctest::Approx(5));
  CHECK(r.route_duration[v] == doctest::Approx(75));
  CHECK(r.distance == doctest::Approx(40));
  p.due[0] = 100;
  const auto travel = crmkit::vrp_build_travel(p, o);
  // the checker: the route is feasible; a break window that closes before any position
  // could be reached, or a working-time limit below 75, makes it infeasible
  CHECK(crmkit::vrp_route_violation(p, travel, 0, std::vector<std::int32_t>{0, 1}) == "");
  auto q = p;
  q.max_duration = {74, 74};
  CHECK(crmkit::vrp_route_violation(q, travel, 0, std::vector<std::int32_t>{0, 1}).find("max_duration") !=
        std::string::npos);
  q.max_duration = {75, 75};
  CHECK(crmkit::vrp_route_violation(q, travel, 0, std::vector<std::int32_t>{0, 1}) == "");
  q = p;
  q.due = {100, 45};  // feasible without the break (the second visit starts at 30), not with it
  q.break_duration = {0, 0};
  CHECK(crmkit::vrp_route_violation(q, travel, 0, std::vector<std::int32_t>{0, 1}) == "");
  q.break_duration = {15, 15};
  CHECK(crmkit::vrp_route_violation(q, travel, 0, std::vector<std::int32_t>{0, 1}) != "");
  q = p;
  q.max_stops = {1, 1};
  CHECK(crmkit::vrp_route_violation(q, travel, 0, std::vector<std::int32_t>{0, 1}).find("max_stops") !=
        std::string::npos);
  // the solver under the limits: one visit per rep
  q = p;
  q.max_duration = {74, 74};
  auto r2 = crmkit::solve_vrptw(q, o);
  check_feasible(q, o, r2);
  check_schedule(q, o, r2);
  CHECK(r2.n_routes == 2);
  CHECK(r2.n_routed == 2);
  q = p;
  q.max_stops = {1, 1};
  r2 = crmkit::solve_vrptw(q, o);
  check_feasible(q, o, r2);
  CHECK(r2.n_routes == 2);
  // a working-time limit below trip + service + break: route_limits; a break that fits
  // nowhere (the visits' windows keep the rep from resting before, the break window closes
  // before it is done): no_room
  q = p;
  q.max_duration = {44, 44};  // the near visit alone: 20 + 10 + 15 = 45
  r2 = crmkit::solve_vrptw(q, o);
  CHECK(r2.status[0] == visit_status::route_limits);
  CHECK(r2.status[1] == visit_status::route_limits);
  q.max_duration = {45, 45};
  r2 = crmkit::solve_vrptw(q, o);
  CHECK(r2.status[0] == visit_status::routed);
  CHECK(r2.status[1] == visit_status::route_limits);
  check_schedule(q, o, r2);
  q = p;
  q.ready = {50, 50};
  q.due = {50, 50};
  q.break_earliest = {15, 15};
  q.break_latest = {45, 45};
  q.break_duration = {40, 40};
  r2 = crmkit::solve_vrptw(q, o);
  CHECK(r2.status[0] == visit_status::no_room);
  CHECK(r2.status[1] == visit_status::no_room);
  CHECK(r2.n_routed == 0);
}

TEST_CASE("breaks and limits: random small instances equal the brute-force optimum") {
  for (std::uint32_t seed = 21; seed <= 28; ++seed) {
    INFO("seed " << seed);
    auto p = random_problem(seed, 6, 3, 30);
    add_limits(p, 100, 180, 40, 3, 330);
    const auto o = deterministic(3000, seed);
    const auto best = brute_force(p, o, false);
    const auto r = crmkit::solve_vrptw(p, o);
    check_feasible(p, o, r);
    check_schedule(p, o, r);
    if (best.routes == std::numeric_limits<std::size_t>::max()) {
      CHECK(r.n_routed < 6);
      continue;
    }
    REQUIRE(r.n_routed == 6);
    CHECK(r.n_routes == best.routes);
    CHECK(r.distance == doctest::Approx(best.distance).epsilon(1e-9));
  }
  for (std::uint32_t seed = 31; seed <= 36; ++seed) {
    INFO("prize seed " << seed);
    auto p = random_problem(seed, 5, 2, 30);
    add_limits(p, 60, 160, 50, 3, 280);
    auto o = deterministic(3000, seed);
    o.objective = crmkit::vrp_objective::prize_collecting;
    o.cost_per_distance = 0.8;
    const auto best = brute_force(p, o, true);
    const auto r = crmkit::solve_vrptw(p, o);
    check_feasible(p, o, r);
    check_schedule(p, o, r);
    CHECK(r.objective == doctest::Approx(best.profit).epsilon(1e-9));
  }
}

TEST_CASE("breaks and limits: bad input names the rep") {
  auto p = line_problem();
  const auto o = deterministic(10);
  auto fails_with = [&](const vrp_problem& q, const std::string& part) {
    try {
      (void)crmkit::solve_vrptw(q, o);
      FAIL("no error, expected " << part);
    } catch (const crmkit::error& e) {
      CHECK(e.code() == crmkit::errc::invalid_argument);
      CHECK_MESSAGE(std::string(e.what()).find(part) != std::string::npos, e.what());
    }
  };
  auto q = p;
  q.break_duration = {15, -1};
  fails_with(q, "vehicle 1: the break duration is -1");
  q = p;
  q.break_latest = {30, 20};
  fails_with(q, "vehicle 1: the break window ends (20) before it starts (25)");
  q = p;
  q.break_duration = {15, 250};
  fails_with(q, "vehicle 1: the break (250) is longer than the shift");
  q = p;
  q.break_earliest = {25, 300};
  q.break_latest = {30, 300};
  fails_with(q, "vehicle 1: the break window [300, 300]");
  q = p;
  q.break_latest = {30};
  fails_with(q, "break_latest has 1 entries");
  q = p;
  q.max_stops = {-2, 0};
  fails_with(q, "vehicle 0: max_stops is -2");
  q = p;
  q.max_duration = {0, -3};
  fails_with(q, "vehicle 1: max_duration is -3");
  q = p;
  q.service[1] = -1;
  fails_with(q, "customer 1: service time is -1");
}
