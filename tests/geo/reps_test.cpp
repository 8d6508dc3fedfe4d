#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <tuple>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/geo/geodesic.hpp"
#include "crmkit/geo/reps.hpp"

TEST_CASE("nearest available rep, availability and territories") {
  // Reps on the equator at longitudes 0, 1, 2, 3.
  crmkit::rep_roster reps(std::vector<double>{0, 1, 2, 3}, std::vector<double>{0, 0, 0, 0});
  auto h = reps.nearest_available(0.9, 0, 2);
  CHECK(h.ids == std::vector<std::int32_t>{1, 0});
  CHECK(h.distances_m[0] == doctest::Approx(crmkit::haversine_m(0.9, 0, 1, 0)).epsilon(1e-12));
  reps.set_available(1, false);
  CHECK(reps.nearest_available(0.9, 0, 1).ids == std::vector<std::int32_t>{0});
  crmkit::rep_query_options close;
  close.max_distance_m = 50000;  // rep 0 is ~100 km away
  CHECK(reps.nearest_available(0.9, 0, 1, close).ids.empty());
  CHECK_THROWS_AS(reps.set_available(9, true), crmkit::error);
  CHECK_THROWS_AS((void)reps.nearest_available(0, 0, 0), crmkit::error);

  // Territories: rep 0 covers x < 1.5, rep 1 covers x >= 1.5; rep 2 has none.
  std::vector<crmkit::territory> t = {crmkit::territory::parse("POLYGON((-1 -1, 1.5 -1, 1.5 1, -1 1, -1 -1))"),
                                      crmkit::territory::parse("POLYGON((1.5 -1, 5 -1, 5 1, 1.5 1, 1.5 -1))"),
                                      crmkit::territory()};
  crmkit::rep_roster zoned(std::vector<double>{0, 4, 10}, std::vector<double>{0, 0, 0}, t);
  crmkit::rep_query_options in_zone;
  in_zone.within_territory = true;
  CHECK(zoned.nearest_available(1.4, 0, 1).ids == std::vector<std::int32_t>{0});
  CHECK(zoned.nearest_available(1.6, 0, 1).ids == std::vector<std::int32_t>{0});           // nearest overall
  CHECK(zoned.nearest_available(1.6, 0, 1, in_zone).ids == std::vector<std::int32_t>{1});  // its zone's rep
  CHECK(zoned.nearest_available(20, 0, 3, in_zone).ids == std::vector<std::int32_t>{2});   // only the free-roaming rep
  CHECK_THROWS_AS(crmkit::rep_roster(std::vector<double>{0, 1}, std::vector<double>{0, 0}, t), crmkit::error);
}

TEST_CASE("assignment with capacities: hand-checkable and against an independent greedy") {
  crmkit::rep_roster two(std::vector<double>{0, 10}, std::vector<double>{0, 0});
  // Three requests near rep 0, capacity 1 each: the closest goes to rep 0; of the other
  // two, the one nearer to rep 1 (the last) goes there and the middle one stays open.
  const auto a = two.assign(std::vector<double>{0.1, 0.2, 0.3}, std::vector<double>{0, 0, 0},
                            std::vector<std::int32_t>{1, 1});
  CHECK(a.rep == std::vector<std::int32_t>{0, -1, 1});
  CHECK(a.load == std::vector<std::int32_t>{1, 1});
  CHECK(a.n_unassigned == 1);
  CHECK(std::isnan(a.distance_m[1]));
  CHECK_THROWS_AS((void)two.assign(std::vector<double>{0}, std::vector<double>{0}, std::vector<std::int32_t>{1}),
                  crmkit::error);
  CHECK_THROWS_AS((void)two.assign(std::vector<double>{0}, std::vector<double>{0}, std::vector<std::int32_t>{1, -1}),
                  crmkit::error);

  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> ux(2.0, 2.6), uy(48.7, 49.0);
  std::vector<double> rx(12), ry(12), qx(300), qy(300);
  for (std::size_t i = 0; i < rx.size(); ++i) {
    rx[i] = ux(rng);
    ry[i] = uy(rng);
  }
  for (std::size_t i = 0; i < qx.size(); ++i) {
    qx[i] = ux(rng);
    qy[i] = uy(rng);
  }
  crmkit::rep_roster reps(rx, ry);
  reps.set_available(5, false);
  std::vector<std::int32_t> cap(12);
  for (std::size_t r = 0; r < cap.size(); ++r) cap[r] = static_cast<std::int32_t>(10 + 3 * r);
  const auto got = reps.assign(qx, qy, cap);
  // Independent greedy over haversine distances.
  std::vector<std::tuple<double, std::size_t, std::size_t>> pairs;
  for (std::size_t i = 0; i < qx.size(); ++i)
    for (std::size_t r = 0; r < rx.size(); ++r)
      if (r != 5) pairs.emplace_back(crmkit::haversine_m(qx[i], qy[i], rx[r], ry[r]), i, r);
  std::sort(pairs.begin(), pairs.end());
  std::vector<std::int32_t> want(qx.size(), -1), load(rx.size(), 0);
  for (const auto& [d, i, r] : pairs)
    if (want[i] < 0 && load[r] < cap[r]) {
      want[i] = static_cast<std::int32_t>(r);
      ++load[r];
    }
  CHECK(got.rep == want);
  CHECK(got.load == load);
  CHECK(got.load[5] == 0);
  std::int32_t total_cap = 0;
  for (std::size_t r = 0; r < cap.size(); ++r) total_cap += r == 5 ? 0 : cap[r];
  CHECK(got.n_unassigned == qx.size() - static_cast<std::size_t>(std::min<std::int32_t>(total_cap, 300)));
}

TEST_CASE("reps ranked by WGS84 geodesic distance when asked") {
  // From (0, 0): rep 0 one degree east (111,319 m on WGS84), rep 1 1.003 degrees north
  // (about 110,906 m on WGS84 but farther on the sphere, where both degrees are equal).
  const std::vector<double> lon = {1.0, 0.0}, lat = {0.0, 1.003};
  const crmkit::rep_roster sphere(lon, lat);
  CHECK(sphere.nearest_available(0.0, 0.0, 1).ids[0] == 0);
  crmkit::geo_index_options o;
  o.distance_model = crmkit::geo_distance_model::wgs84;
  const crmkit::rep_roster ellipsoid(lon, lat, {}, o);
  const auto best = ellipsoid.nearest_available(0.0, 0.0, 2);
  REQUIRE(best.ids.size() == 2);
  CHECK(best.ids[0] == 1);
  CHECK(best.distances_m[0] == crmkit::wgs84_geodesic_m(0.0, 0.0, 0.0, 1.003));
  CHECK(best.distances_m[1] == crmkit::wgs84_geodesic_m(0.0, 0.0, 1.0, 0.0));
}
