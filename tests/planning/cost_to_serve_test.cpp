// Cost to serve and profitability from a plan (crmkit/planning/cost_to_serve.hpp).
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>

#include "crmkit/error.hpp"
#include "crmkit/planning/cost_to_serve.hpp"

namespace {

// Depot (0, 0); c0 at (0, 10) due by 20, c1 at (10, 10) ready at 40, c2 far and closed (not
// routed); service 5. The route is depot -> c0 -> c1 -> depot: 10 + 10 + 10 sqrt 2.
crmkit::vrp_problem hand_problem() {
  crmkit::vrp_problem p;
  p.x = {0, 10, 100};
  p.y = {10, 10, 0};
  p.demand = {1, 1, 1};
  p.ready = {0, 40, 0};
  p.due = {20, 100, 0};
  p.service = {5, 5, 5};
  p.depot_x = {0};
  p.depot_y = {0};
  p.capacity = {10};
  p.shift_start = {0};
  p.shift_end = {200};
  p.start_depot = {0};
  p.end_depot = {0};
  return p;
}

crmkit::customer_table margins() {
  auto ids = std::make_shared<crmkit::string_dictionary>();
  for (const char* id : {"c0", "c1", "c2"}) ids->insert(id);
  auto t = crmkit::customer_table::from_ids(ids);
  t.set_column("margin", crmkit::column<double>::owned({100, 30, 7}));
  return t;
}

}  // namespace

TEST_CASE("cost to serve: a hand-computed route") {
  const auto p = hand_problem();
  crmkit::vrp_options o;
  o.time_limit = 0;
  o.max_iter = 200;
  const auto plan = crmkit::solve_vrptw(p, o);
  REQUIRE(plan.routes[0] == std::vector<std::int32_t>{0, 1});
  crmkit::cost_to_serve_options c;
  c.periods = 2;
  c.cost_per_time = 2;
  c.cost_per_distance = 0.5;
  const auto t = crmkit::cost_to_serve(margins(), p, o, plan, c);
  // removal savings: c0 10 + 10 - 10 sqrt 2, c1 10 + 10 sqrt 2 - 10 = 10 sqrt 2; they sum to
  // 20, so c0 bears (20 + 10 sqrt 2)(20 - 10 sqrt 2) / 20 = 10 of the route's 20 + 10 sqrt 2
  // and c1 the other 10 + 10 sqrt 2; per period (2): 5 and 5 + 5 sqrt 2.
  const double r2 = std::sqrt(2.0);
  const auto tt = t.float64("travel_time");
  const auto td = t.float64("travel_distance");
  const auto vt = t.float64("visit_time");
  const auto cost = t.float64("cost_to_serve");
  const auto profit = t.float64("profitability");
  const auto visits = t.float64("visits");
  CHECK(tt[0] == doctest::Approx(5));
  CHECK(tt[1] == doctest::Approx(5 + 5 * r2));
  CHECK(td[0] == doctest::Approx(5));
  CHECK(td[1] == doctest::Approx(5 + 5 * r2));
  CHECK(tt[0] + tt[1] == doctest::Approx(plan.distance / 2));
  // visit time: service 5, and c1 waits from 20 + 10 = 25 to 40: 5 + 15; per period
  CHECK(vt[0] == doctest::Approx(2.5));
  CHECK(vt[1] == doctest::Approx(10));
  CHECK(visits[0] == doctest::Approx(0.5));
  // cost = 2 x (travel + visit time) + 0.5 x distance
  CHECK(cost[0] == doctest::Approx(2 * (5 + 2.5) + 0.5 * 5));  // 17.5
  CHECK(cost[1] == doctest::Approx(2 * (5 + 5 * r2 + 10) + 0.5 * (5 + 5 * r2)));
  CHECK(profit[0] == doctest::Approx(100 - 17.5));
  CHECK(profit[1] == doctest::Approx(30 - cost[1]));
  CHECK(profit[1] < 0);
  // c2 is not routed: no cost, its margin
  CHECK(plan.status[2] == crmkit::visit_status::window_unreachable);
  CHECK(cost[2] == 0);
  CHECK(profit[2] == doctest::Approx(7));
  CHECK(t.id(2) == "c2");
}

TEST_CASE("cost to serve: bad input names the column or value") {
  const auto p = hand_problem();
  crmkit::vrp_options o;
  o.time_limit = 0;
  o.max_iter = 50;
  const auto plan = crmkit::solve_vrptw(p, o);
  auto fails_with = [&](const crmkit::customer_table& t, const crmkit::cost_to_serve_options& c,
                        const std::string& part) {
    try {
      (void)crmkit::cost_to_serve(t, p, o, plan, c);
      FAIL("no error, expected " << part);
    } catch (const crmkit::error& e) {
      CHECK(e.code() == crmkit::errc::invalid_argument);
      CHECK_MESSAGE(std::string(e.what()).find(part) != std::string::npos, e.what());
    }
  };
  crmkit::cost_to_serve_options c;
  c.margin_column = "gross";
  fails_with(margins(), c, "no column 'gross' (margin)");
  c = {};
  c.periods = 0;
  fails_with(margins(), c, "periods is 0");
  c = {};
  c.cost_per_time = -1;
  fails_with(margins(), c, "cost_per_time is -1");
  auto ids = std::make_shared<crmkit::string_dictionary>();
  ids->insert("x");
  auto small = crmkit::customer_table::from_ids(ids);
  small.set_column("margin", crmkit::column<double>::owned({1}));
  fails_with(small, {}, "the table has 1 customers, the problem 3");
}
