#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/planning/multi_day.hpp"

namespace {

using crmkit::multi_day_problem;
using crmkit::vrp_options;
using crmkit::visit_status;

vrp_options deterministic(std::int64_t iterations, std::uint32_t seed = 3) {
  vrp_options o;
  o.time_limit = 0;
  o.max_iter = iterations;
  o.seed = seed;
  return o;
}

// n customers around a depot, one or two reps with a daily shift [0, 100].
multi_day_problem small(std::size_t n, std::size_t reps, std::uint32_t seed) {
  std::mt19937 g(seed);
  auto u = [&](double lo, double hi) { return lo + (hi - lo) * (static_cast<double>(g()) / 4294967296.0); };
  multi_day_problem m;
  auto& p = m.base;
  for (std::size_t i = 0; i < n; ++i) {
    p.x.push_back(std::round(u(-20, 20)));
    p.y.push_back(std::round(u(-20, 20)));
    p.demand.push_back(1);
    p.ready.push_back(0);
    p.due.push_back(100);
    p.service.push_back(10);
    p.value.push_back(std::round(u(20, 100)));
  }
  p.depot_x = {0};
  p.depot_y = {0};
  for (std::size_t r = 0; r < reps; ++r) {
    p.capacity.push_back(100);
    p.shift_start.push_back(0);
    p.shift_end.push_back(100);
    p.start_depot.push_back(0);
    p.end_depot.push_back(0);
  }
  return m;
}

// Each visit at most once, on an allowed day, by a working rep; every route feasible by the
// checker on the expanded problem; the per-day report adds up.
void check_plan(const multi_day_problem& m, const vrp_options& o, const crmkit::multi_day_result& r) {
  std::vector<std::int32_t> vd, vr;
  const auto p = crmkit::multi_day_expand(m, vd, vr);
  const auto tr = crmkit::vrp_build_travel(p, o);
  CHECK(vd == r.vehicle_day);
  CHECK(vr == r.vehicle_rep);
  const std::size_t n = p.demand.size(), nd = static_cast<std::size_t>(m.n_days);
  std::vector<int> seen(n, 0);
  std::vector<std::size_t> visits(nd, 0);
  std::vector<double> dist(nd, 0);
  for (std::size_t v = 0; v < r.plan.routes.size(); ++v) {
    CHECK(crmkit::vrp_route_violation(p, tr, v, r.plan.routes[v]) == "");
    for (auto c : r.plan.routes[v]) {
      const auto ci = static_cast<std::size_t>(c);
      ++seen[ci];
      CHECK(r.day[ci] == vd[v]);
      CHECK(r.rep[ci] == vr[v]);
      const std::int32_t d = vd[v];
      if (!m.earliest_day.empty()) CHECK(d >= m.earliest_day[ci]);
      if (!m.latest_day.empty()) CHECK(d <= m.latest_day[ci]);
      if (!m.allowed_days.empty() && m.allowed_days[ci] != 0) CHECK(((m.allowed_days[ci] >> d) & 1u) == 1u);
      if (!m.works.empty())
        CHECK(m.works[static_cast<std::size_t>(vr[v]) * nd + static_cast<std::size_t>(d)] == 1);
      ++visits[static_cast<std::size_t>(d)];
    }
    dist[static_cast<std::size_t>(vd[v])] += r.plan.route_distance[v];
  }
  for (std::size_t c = 0; c < n; ++c) CHECK(seen[c] <= 1);
  for (std::size_t d = 0; d < nd; ++d) {
    CHECK(visits[d] == r.day_visits[d]);
    CHECK(dist[d] == doctest::Approx(r.day_distance[d]));
  }
}

}  // namespace

TEST_CASE("multi-day: a hand case, day ranges and weekday masks place the visits") {
  // Four customers on a line east of the depot at 10, 20, 30, 40, service 10; one rep with a
  // shift of 100: at most three of them fit a day (10+10+10+10+10+10+30 = 90 for the first
  // three; all four need 40+40+40 = 120). Two days. Customer 3 may only be visited on day 1,
  // customer 0 only on day 0 (range [0, 0]); every visit required: two rep-days.
  multi_day_problem m;
  auto& p = m.base;
  p.x = {10, 20, 30, 40};
  p.y = {0, 0, 0, 0};
  p.demand = {1, 1, 1, 1};
  p.ready = {0, 0, 0, 0};
  p.due = {100, 100, 100, 100};
  p.service = {10, 10, 10, 10};
  p.depot_x = {0};
  p.depot_y = {0};
  p.capacity = {100};
  p.shift_start = {0};
  p.shift_end = {100};
  p.start_depot = {0};
  p.end_depot = {0};
  m.n_days = 2;
  m.earliest_day = {0, 0, 0, 0};
  m.latest_day = {0, 1, 1, 1};
  m.allowed_days = {0, 0, 0, 0b10};
  const auto o = deterministic(500);
  const auto r = crmkit::solve_multi_day(m, o);
  check_plan(m, o, r);
  CHECK(r.plan.n_routed == 4);
  CHECK(r.day[0] == 0);
  CHECK(r.day[3] == 1);
  CHECK(r.day_routes[0] == 1);
  CHECK(r.day_routes[1] == 1);
  CHECK(r.day_visits[0] + r.day_visits[1] == 4);
  // the least distance: {0, 1} on day 0 (40) and {2, 3} on day 1 (80); {1, 2, 3} in one
  // day needs 80 + 30 = 110 > 100, {0, 1, 2} + {3} costs 60 + 80
  CHECK(r.plan.distance == doctest::Approx(120));
  CHECK(r.route(0, 0) == std::vector<std::int32_t>{0, 1});
  CHECK(r.route(1, 0) == std::vector<std::int32_t>{2, 3});
  CHECK(r.day_distance[0] == doctest::Approx(40));
  CHECK(r.day_distance[1] == doctest::Approx(80));
  // the rep does not work on day 1: customer 3 cannot be planned
  m.works = {1, 0};
  const auto r2 = crmkit::solve_multi_day(m, o);
  check_plan(m, o, r2);
  CHECK(r2.plan.status[3] == visit_status::no_allowed_day);
  CHECK(r2.day[3] == -1);
  CHECK(r2.vehicle_day.size() == 1);
  CHECK(r2.route(1, 0).empty());
}

TEST_CASE("multi-day: prize collecting across days keeps the most valuable visits") {
  // Six customers, one rep, shift 100, service 30: two visits a day (at most three by time
  // alone is 90 + travel > 100 once they are spread out); three days of room for six visits
  // but only one day allowed for the cheap ones: they are the ones dropped.
  auto m = small(6, 1, 5);
  m.n_days = 3;
  for (auto& s : m.base.service) s = 30;
  m.base.value = {500, 500, 500, 1, 1, 1};
  m.base.max_stops = {2};
  m.earliest_day = {0, 0, 0, 2, 2, 2};
  m.latest_day = {2, 2, 2, 2, 2, 2};
  auto o = deterministic(3000);
  o.objective = crmkit::vrp_objective::prize_collecting;
  o.cost_per_distance = 0.01;
  const auto r = crmkit::solve_multi_day(m, o);
  check_plan(m, o, r);
  for (std::size_t c = 0; c < 3; ++c) CHECK(r.plan.status[c] == visit_status::routed);
  std::size_t cheap = 0;
  for (std::size_t c = 3; c < 6; ++c)
    if (r.plan.status[c] == visit_status::routed) ++cheap;
  // day 2 has room for two visits: one expensive visit may take it, so 1 or 2 cheap ones;
  // with three days x two stops = six stops, the three valuable visits and at most two cheap
  CHECK(cheap <= 2);
  CHECK(r.day_visits[0] + r.day_visits[1] + r.day_visits[2] == r.plan.n_routed);
  for (std::size_t d = 0; d < 3; ++d) CHECK(r.day_visits[d] <= 2);
}

TEST_CASE("multi-day: random instances, every visit once, feasible, per-day report") {
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    INFO("seed " << seed);
    auto m = small(12, 2, seed);
    m.n_days = 3;
    std::mt19937 g(seed);
    m.earliest_day.resize(12);
    m.latest_day.resize(12);
    m.allowed_days.resize(12);
    for (std::size_t c = 0; c < 12; ++c) {
      m.earliest_day[c] = static_cast<std::int32_t>(g() % 3);
      m.latest_day[c] = m.earliest_day[c] + static_cast<std::int32_t>(g() % static_cast<unsigned>(3 - m.earliest_day[c]));
      m.allowed_days[c] = g() % 2 ? 0 : 0b101;
    }
    m.works = {1, 1, 0, 1, 0, 1};
    m.base.break_earliest = {30, 30};
    m.base.break_latest = {60, 60};
    m.base.break_duration = {10, 10};
    auto o = deterministic(1500, seed);
    o.objective = crmkit::vrp_objective::prize_collecting;
    const auto r = crmkit::solve_multi_day(m, o);
    check_plan(m, o, r);
  }
}

TEST_CASE("multi-day: bad input names the customer or the field") {
  auto m = small(3, 1, 1);
  m.n_days = 2;
  const auto o = deterministic(10);
  auto fails_with = [&](const multi_day_problem& q, const std::string& part) {
    try {
      (void)crmkit::solve_multi_day(q, o);
      FAIL("no error, expected " << part);
    } catch (const crmkit::error& e) {
      CHECK(e.code() == crmkit::errc::invalid_argument);
      CHECK_MESSAGE(std::string(e.what()).find(part) != std::string::npos, e.what());
    }
  };
  auto q = m;
  q.n_days = 0;
  fails_with(q, "n_days is 0");
  q = m;
  q.earliest_day = {0, 1, 0};
  q.latest_day = {1, 0, 1};
  fails_with(q, "customer 1: the day range ends (day 0) before it starts (day 1)");
  q = m;
  q.latest_day = {1, 2, 1};
  fails_with(q, "customer 1: the day range [0, 2] is outside the horizon");
  q = m;
  q.works = {1};
  fails_with(q, "works has 1 entries");
  q = m;
  q.base.due[2] = -1;
  fails_with(q, "customer 2: the window ends");
}
