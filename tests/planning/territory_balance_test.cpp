#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/geo/sphere.hpp"
#include "crmkit/planning/territory_balance.hpp"

namespace {

struct raw_customer {
  std::string id;
  double lon, lat, value, visits, service;
  std::int32_t rep;  // -1: none
};

crmkit::customer_table make_table(const std::vector<raw_customer>& rows, const std::vector<std::string>& rep_names) {
  auto ids = std::make_shared<crmkit::string_dictionary>();
  std::vector<double> lon, lat, value, visits, service;
  std::vector<std::int32_t> rep;
  for (const auto& r : rows) {
    ids->insert(r.id);
    lon.push_back(r.lon);
    lat.push_back(r.lat);
    value.push_back(r.value);
    visits.push_back(r.visits);
    service.push_back(r.service);
    rep.push_back(r.rep);
  }
  auto t = crmkit::customer_table::from_ids(ids);
  t.set_locations(crmkit::column<double>::owned(lon), crmkit::column<double>::owned(lat));
  t.set_column("clv", crmkit::column<double>::owned(value));
  t.set_column("visits", crmkit::column<double>::owned(visits));
  t.set_column("service_min", crmkit::column<double>::owned(service));
  auto levels = std::make_shared<crmkit::string_dictionary>();
  for (const auto& name : rep_names) levels->insert(name);
  t.set_category_column("rep", {crmkit::column<std::int32_t>::owned(rep), levels});
  return t;
}

crmkit::territory_columns columns() {
  crmkit::territory_columns c;
  c.visits = "visits";
  c.service_min = "service_min";
  return c;
}

// Five clusters of different sizes and values around five homes (about 60 x 40 km);
// today's rep is the nearest home: unbalanced.
struct generated {
  std::vector<raw_customer> rows;
  crmkit::territory_reps reps;
};

generated generate(std::uint32_t seed, std::size_t n) {
  generated g;
  g.reps.names = {"r0", "r1", "r2", "r3", "r4"};
  g.reps.home_lon = {2.0, 2.3, 2.6, 2.15, 2.45};
  g.reps.home_lat = {48.7, 48.7, 48.7, 48.95, 48.95};
  const double share[] = {0.35, 0.1, 0.15, 0.25, 0.15};
  std::mt19937 rng(seed);
  std::normal_distribution<double> jitter(0.0, 0.06);
  std::lognormal_distribution<double> val(7.0, 0.8);
  std::uniform_int_distribution<int> vis(1, 4);
  std::uniform_real_distribution<double> pick(0.0, 1.0);
  for (std::size_t i = 0; i < n; ++i) {
    double u = pick(rng);
    std::size_t c = 0;
    while (c < 4 && u > share[c]) u -= share[c++];
    raw_customer r;
    r.id = "C" + std::to_string(100000 + i);
    r.lon = g.reps.home_lon[c] + jitter(rng);
    r.lat = g.reps.home_lat[c] + 0.6 * jitter(rng);
    r.value = std::round(val(rng));
    r.visits = vis(rng);
    r.service = 20 + 10 * static_cast<double>(i % 3);
    double best = 1e18;
    for (std::size_t k = 0; k < 5; ++k) {
      const double d = std::hypot((r.lon - g.reps.home_lon[k]) * 0.66, r.lat - g.reps.home_lat[k]);
      if (d < best) {
        best = d;
        r.rep = static_cast<std::int32_t>(k);
      }
    }
    g.rows.push_back(r);
  }
  return g;
}

}  // namespace

TEST_CASE("territory balance: a hand case with a known balanced answer") {
  // Six identical customers on the equator; rep A (home at lon 0) has the four western
  // ones, rep B (home at lon 1) the two eastern ones. Without travel (travel_factor 0)
  // each customer is 30 minutes and value 1: balance is 3 + 3, and the customer to move is
  // the one at lon 0.4 (the only one whose move cuts no more kNN edges than it joins).
  std::vector<raw_customer> rows = {
      {"c1", 0.1, 0, 1, 1, 30, 0}, {"c2", 0.2, 0, 1, 1, 30, 0}, {"c3", 0.3, 0, 1, 1, 30, 0},
      {"c4", 0.4, 0, 1, 1, 30, 0}, {"c5", 0.8, 0, 1, 1, 30, 1}, {"c6", 0.9, 0, 1, 1, 30, 1},
  };
  crmkit::territory_reps reps;
  reps.names = {"A", "B"};
  reps.home_lon = {0.0, 1.0};
  reps.home_lat = {0.0, 0.0};
  crmkit::territory_balance_options o;
  o.travel_factor = 0;
  o.n_neighbors = 2;
  o.workload_tolerance = 0.05;
  o.value_tolerance = 0.05;
  const auto r = crmkit::balance_territories(make_table(rows, {"A", "B"}), reps, columns(), o);
  const auto& rep = r.assignment.category("rep");
  const std::vector<std::int32_t> expected = {0, 0, 0, 1, 1, 1};
  for (std::size_t i = 0; i < 6; ++i) CHECK(rep.codes[i] == expected[i]);
  CHECK(r.n_moved == 1);
  CHECK(r.assignment.int64("moved")[3] == 1);
  CHECK(r.reps[0].customers_before == 4);
  CHECK(r.reps[0].customers_after == 3);
  CHECK(r.reps[1].customers_after == 3);
  CHECK(r.reps[0].workload_before == doctest::Approx(120));
  CHECK(r.reps[0].workload_after == doctest::Approx(90));
  CHECK(r.reps[1].value_after == doctest::Approx(3));
  CHECK(r.reps[0].workload_deviation_before == doctest::Approx(1.0 / 3));
  CHECK(r.reps[0].moved_out == 1);
  CHECK(r.reps[1].moved_in == 1);
  CHECK_FALSE(r.within_tolerance_before);
  CHECK(r.within_tolerance_after);
  CHECK(r.max_workload_deviation_after == doctest::Approx(0).epsilon(1e-12));
  CHECK(r.reps[0].fragments_after == 1);
  CHECK(r.reps[1].fragments_after == 1);
  CHECK(r.objective_after < r.objective_before);
}

TEST_CASE("territory balance: travel is part of the workload; capacity shares") {
  // Rep B is half-time: a fair share of one third. Travel at 60 km/h, one way (factor 1).
  std::vector<raw_customer> rows;
  for (int i = 0; i < 9; ++i)
    rows.push_back({"k" + std::to_string(i), 0.01 * i, 0.0, 10.0, 1.0, 60.0, 0});
  crmkit::territory_reps reps;
  reps.names = {"A", "B"};
  reps.home_lon = {0.0, 0.08};
  reps.home_lat = {0.0, 0.0};
  reps.capacity = {1.0, 0.5};
  crmkit::territory_balance_options o;
  o.travel_factor = 1;
  o.speed_kmh = 60;
  o.workload_tolerance = 0.15;
  o.value_tolerance = 0.15;
  const auto r = crmkit::balance_territories(make_table(rows, {"A", "B"}), reps, columns(), o);
  CHECK(r.within_tolerance_after);
  CHECK(r.reps[1].customers_after == 3);  // the three eastern ones (6, 7, 8)
  for (std::size_t i = 6; i < 9; ++i) CHECK(r.assignment.category("rep").codes[i] == 1);
  // workload_min = service + travel minutes at 60 km/h (one km per minute)
  const double km = crmkit::haversine_m(0.08, 0.0, 0.06, 0.0) / 1000.0;
  CHECK(r.assignment.float64("workload_min")[6] == doctest::Approx(60.0 + km));
  CHECK(r.assignment.float64("distance_km")[6] == doctest::Approx(km));
}

TEST_CASE("territory balance: tolerances met on generated data, territories stay compact") {
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    const generated g = generate(seed, 600);
    const auto table = make_table(g.rows, g.reps.names);
    crmkit::territory_balance_options o;  // +-10 %
    o.travel_factor = 1.0;
    crmkit::territory_balance_options loose = o;  // no compactness terms: territories bleed
    loose.cut_weight = 0;
    loose.travel_weight = 0;
    const auto l = crmkit::balance_territories(table, g.reps, columns(), loose);
    const auto r = crmkit::balance_territories(table, g.reps, columns(), o);
    CHECK_FALSE(r.within_tolerance_before);
    CHECK(r.max_workload_deviation_before > 0.3);
    CHECK(r.within_tolerance_after);
    CHECK(r.max_workload_deviation_after <= 0.1);
    CHECK(r.max_value_deviation_after <= 0.1);
    CHECK(r.n_moved < 300);
    std::size_t pieces = 0;
    for (const auto& x : r.reps) pieces += x.fragments_after;
    std::size_t loose_pieces = 0;
    for (const auto& x : l.reps) loose_pieces += x.fragments_after;
    MESSAGE(seed, ": pieces ", pieces, " (", loose_pieces, " without compactness), cut edges ", r.cut_edges_before,
            " -> ", r.cut_edges_after, " (", l.cut_edges_after, "), moved ", r.n_moved, ", passes ", r.passes);
    CHECK(r.cut_edges_after < l.cut_edges_after);  // the compactness terms cut fewer edges
    CHECK(pieces < loose_pieces);
    CHECK(pieces <= 40);
    // the report agrees with the per-customer table
    std::vector<double> w(5, 0.0);
    for (std::size_t i = 0; i < g.rows.size(); ++i)
      w[static_cast<std::size_t>(r.assignment.category("rep").codes[i])] += r.assignment.float64("workload_min")[i];
    for (std::size_t k = 0; k < 5; ++k) CHECK(r.reps[k].workload_after == doctest::Approx(w[k]));
    std::int64_t moved = 0;
    for (auto m : r.assignment.int64("moved")) moved += m;
    CHECK(static_cast<std::size_t>(moved) == r.n_moved);
  }
}

TEST_CASE("territory balance: a zero move budget keeps today's assignment; a budget caps moves") {
  for (std::uint32_t seed : {4u, 5u, 6u, 7u}) {
    CAPTURE(seed);
    generated g = generate(seed, 200);
    // some customers have no rep today: they are placed, but never count as moved
    for (std::size_t i = 0; i < g.rows.size(); i += 17) g.rows[i].rep = -1;
    const auto table = make_table(g.rows, g.reps.names);
    crmkit::territory_balance_options o;
    o.max_moves = 0;
    const auto r = crmkit::balance_territories(table, g.reps, columns(), o);
    CHECK(r.n_moved == 0);
    const auto& now = r.assignment.category("rep");
    for (std::size_t i = 0; i < g.rows.size(); ++i)
      if (g.rows[i].rep >= 0) CHECK(now.codes[i] == g.rows[i].rep);
    CHECK(r.n_unassigned_before == (g.rows.size() + 16) / 17);
    for (std::int64_t budget : {3, 12}) {
      o.max_moves = budget;
      const auto b = crmkit::balance_territories(table, g.reps, columns(), o);
      CHECK(b.n_moved <= static_cast<std::size_t>(budget));
      CHECK(b.objective_after <= r.objective_after + 1e-9);
    }
  }
}

TEST_CASE("territory balance: independent of the order of the input rows") {
  generated g = generate(11, 300);
  for (std::size_t i = 0; i < g.rows.size(); i += 23) g.rows[i].rep = -1;
  crmkit::territory_balance_options o;
  const auto a = crmkit::balance_territories(make_table(g.rows, g.reps.names), g.reps, columns(), o);
  std::vector<raw_customer> shuffled = g.rows;
  std::mt19937 rng(99);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  // the category levels of today's rep in another order too
  std::vector<std::string> names = {"r3", "r0", "r4", "r2", "r1"};
  for (auto& row : shuffled)
    if (row.rep >= 0) {
      const std::string name = g.reps.names[static_cast<std::size_t>(row.rep)];
      row.rep = static_cast<std::int32_t>(std::find(names.begin(), names.end(), name) - names.begin());
    }
  const auto tb = make_table(shuffled, names);
  const auto b = crmkit::balance_territories(tb, g.reps, columns(), o);
  CHECK(a.n_moved == b.n_moved);
  CHECK(a.objective_after == b.objective_after);
  for (std::size_t k = 0; k < 5; ++k) {
    CHECK(a.reps[k].workload_after == b.reps[k].workload_after);
    CHECK(a.reps[k].value_after == b.reps[k].value_after);
  }
  for (std::size_t i = 0; i < shuffled.size(); ++i) {
    const std::int32_t ia = a.assignment.find(shuffled[i].id);
    REQUIRE(ia >= 0);
    CHECK(a.assignment.category("rep").codes[static_cast<std::size_t>(ia)] == b.assignment.category("rep").codes[i]);
    CHECK(a.assignment.float64("workload_min")[static_cast<std::size_t>(ia)] == b.assignment.float64("workload_min")[i]);
  }
}

TEST_CASE("territory balance: bad input names the customer or rep") {
  std::vector<raw_customer> rows = {{"ok", 0.1, 0, 1, 1, 30, 0}, {"bad-7", NAN, NAN, 1, 1, 30, 0}};
  crmkit::territory_reps reps;
  reps.names = {"A", "B"};
  reps.home_lon = {0.0, 1.0};
  reps.home_lat = {0.0, 0.0};
  auto throws_with = [&](const crmkit::customer_table& t, const crmkit::territory_reps& rp, const char* what) {
    try {
      (void)crmkit::balance_territories(t, rp, columns());
      FAIL("no error");
    } catch (const crmkit::error& e) {
      CHECK(e.code() == crmkit::errc::invalid_argument);
      CHECK_MESSAGE(std::string(e.what()).find(what) != std::string::npos, e.what());
    }
  };
  throws_with(make_table(rows, {"A", "B"}), reps, "customer 'bad-7' has no location");
  rows[1] = {"nan-value", 0.2, 0, NAN, 1, 30, 0};
  throws_with(make_table(rows, {"A", "B"}), reps, "customer 'nan-value' has value nan");
  rows[1] = {"neg", 0.2, 0, 1, -1, 30, 0};
  throws_with(make_table(rows, {"A", "B"}), reps, "customer 'neg' has -1 visits");
  rows[1] = {"two", 0.2, 0, 1, 1, 30, 1};
  auto homeless = reps;
  homeless.home_lon[1] = NAN;
  throws_with(make_table(rows, {"A", "B"}), homeless, "rep 'B' has no home");
  throws_with(make_table(rows, {"A", "Z"}), reps, "customer 'two' has today's rep 'Z', which is not among the reps");
  auto dup = reps;
  dup.names[1] = "A";
  throws_with(make_table(rows, {"A", "B"}), dup, "rep name 'A' appears twice");
  crmkit::territory_columns c = columns();
  c.value = "nope";
  CHECK_THROWS_AS((void)crmkit::balance_territories(make_table(rows, {"A", "B"}), reps, c), crmkit::error);
  crmkit::territory_balance_options o;
  o.speed_kmh = 0;
  CHECK_THROWS_AS((void)crmkit::balance_territories(make_table(rows, {"A", "B"}), reps, columns(), o), crmkit::error);
}
