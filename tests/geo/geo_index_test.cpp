#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/geo/geo_index.hpp"
#include "crmkit/geo/geodesic.hpp"
#include "geo_test_util.hpp"

namespace {

using crmkit::geo_index;

// The brute-force definitions the index must reproduce (see geo_index.hpp).
std::vector<std::pair<double, std::int32_t>> brute(const geo_points& p, double qlon, double qlat,
                                                   const crmkit::geo_filter* filter = nullptr) {
  const auto q = crmkit::to_unit_vector(qlon, qlat);
  std::vector<std::pair<double, std::int32_t>> all;
  for (std::size_t i = 0; i < p.lon.size(); ++i) {
    if (std::isnan(p.lon[i])) continue;
    if (filter != nullptr && !filter->keeps(i)) continue;
    all.emplace_back(crmkit::chord2(q, crmkit::to_unit_vector(p.lon[i], p.lat[i])), static_cast<std::int32_t>(i));
  }
  std::sort(all.begin(), all.end());
  return all;
}

std::vector<std::int32_t> brute_within(const geo_points& p, double qlon, double qlat, double r,
                                       const crmkit::geo_filter* filter = nullptr) {
  const double c = crmkit::chord_of_distance(r);
  std::vector<std::int32_t> ids;
  for (const auto& [d2, id] : brute(p, qlon, qlat, filter))
    if (d2 <= c * c) ids.push_back(id);
  return ids;
}

// The point at great-circle distance d (metres) and bearing theta (radians) from (lon, lat).
std::pair<double, double> destination(double lon, double lat, double theta, double d) {
  constexpr double rad = std::numbers::pi / 180;
  const double delta = d / crmkit::earth_mean_radius_m, phi1 = lat * rad;
  const double phi2 = std::asin(std::sin(phi1) * std::cos(delta) + std::cos(phi1) * std::sin(delta) * std::cos(theta));
  const double lambda2 = lon * rad + std::atan2(std::sin(theta) * std::sin(delta) * std::cos(phi1),
                                                std::cos(delta) - std::sin(phi1) * std::sin(phi2));
  return {geo_test_wrap(lambda2 / rad), phi2 / rad};
}

std::vector<std::pair<double, double>> queries(const geo_points& p, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::pair<double, double>> q = {{0, 90},     {0, -90},  {180, 0},  {-180, 0},  {180, 45},
                                              {-179.9, -3}, {2.35, 48.85}, {0, 0}, {179.99, 89.99}};
  while (q.size() < n) {
    const std::size_t i = static_cast<std::size_t>(u(rng) * static_cast<double>(p.lon.size()));
    if (!std::isnan(p.lon[i]) && u(rng) < 0.5) {
      q.emplace_back(p.lon[i], p.lat[i]);  // on a data point (ties, zero distances)
    } else {
      q.emplace_back(-180 + 360 * u(rng), std::asin(2 * u(rng) - 1) * 180 / std::numbers::pi);
    }
  }
  return q;
}

}  // namespace

TEST_CASE("radius queries equal brute force (poles, antimeridian, duplicates)") {
  const geo_points p = geo_test_points(6000, 1);
  const geo_index index(p.lon, p.lat);
  CHECK(index.size() == 6000);
  for (const auto& [qlon, qlat] : queries(p, 120, 2)) {
    for (double r : {0.0, 1.0, 800.0, 15000.0, 300000.0, 3.0e6, 2.1e7}) {
      const auto expected = brute_within(p, qlon, qlat, r);
      crmkit::geo_query_options q;
      q.order = crmkit::geo_order::by_index;
      auto hits = index.within(qlon, qlat, r, q);
      std::vector<std::int32_t> sorted_expected = expected;
      std::sort(sorted_expected.begin(), sorted_expected.end());
      REQUIRE(hits.ids == sorted_expected);
      CHECK(index.count_within(qlon, qlat, r) == expected.size());
      // Sorted by distance: the brute-force (chord, index) order; distances exact.
      q.order = crmkit::geo_order::by_distance;
      hits = index.within(qlon, qlat, r, q);
      CHECK(hits.ids == expected);
      for (std::size_t j = 0; j < hits.ids.size(); ++j) {
        const auto i = static_cast<std::size_t>(hits.ids[j]);
        const double d = crmkit::haversine_m(qlon, qlat, p.lon[i], p.lat[i]);
        CHECK(std::fabs(hits.distances_m[j] - d) <= 1e-6 + 1e-10 * d);  // both forms are ill-conditioned near antipodes
        CHECK(hits.distances_m[j] <= r * (1 + 1e-12) + 1e-6);
      }
    }
  }
  // A radius beyond half the circumference returns every located point.
  std::size_t located = 0;
  for (double x : p.lon) located += std::isnan(x) ? 0 : 1;
  CHECK(index.n_located() == located);
  CHECK(index.count_within(10, 10, 3e7) == located);
}

TEST_CASE("exact-radius boundaries agree with brute force and with the haversine formula") {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(0, 1);
  for (const auto& centre : std::vector<std::pair<double, double>>{{2.35, 48.85}, {179.999, 0.5}, {-45, 89.99}, {0, -90}}) {
    // Plain variables, not a structured binding: clang 14 cannot capture one in the
    // lambda CHECK_MESSAGE expands to.
    const double lon0 = centre.first, lat0 = centre.second;
    for (double r : {2000.0, 10000.0, 1.0e6}) {
      geo_points p;
      std::vector<int> expect_in;  // 1 in, 0 out, -1 exactly on the radius (either way)
      for (int i = 0; i < 300; ++i) {
        const double theta = 2 * std::numbers::pi * u(rng);
        const int kind = i % 3;
        const double d = kind == 0 ? r : (kind == 1 ? r * (1 - 1e-9) : r * (1 + 1e-9));
        const auto [x, y] = destination(lon0, lat0, theta, d);
        p.lon.push_back(x);
        p.lat.push_back(y);
        // The destination formula itself is inexact near the poles (asin near 1), so the
        // expectation comes from the haversine distance of the point actually made.
        const double h = crmkit::haversine_m(lon0, lat0, x, y);
        expect_in.push_back(h < r * (1 - 1e-10) ? 1 : (h > r * (1 + 1e-10) ? 0 : -1));
        (void)kind;
      }
      const geo_index index(p.lon, p.lat);
      crmkit::geo_query_options q;
      q.order = crmkit::geo_order::by_index;
      const auto hits = index.within(lon0, lat0, r, q);
      auto expected = brute_within(p, lon0, lat0, r);
      std::sort(expected.begin(), expected.end());
      CHECK(hits.ids == expected);
      std::vector<int> in(p.lon.size(), 0);
      for (auto id : hits.ids) in[static_cast<std::size_t>(id)] = 1;
      int decided = 0;
      for (std::size_t i = 0; i < in.size(); ++i) decided += expect_in[i] >= 0 ? 1 : 0;
      CHECK(decided >= 150);  // most of the r(1 +- 1e-9) points are decidable
      for (std::size_t i = 0; i < in.size(); ++i)
        if (expect_in[i] >= 0)
          CHECK_MESSAGE(in[i] == expect_in[i], lon0, " ", lat0, " r=", r, " haversine=",
                        crmkit::haversine_m(lon0, lat0, p.lon[i], p.lat[i]));
    }
  }
}

TEST_CASE("k nearest equal brute force, ties by index, with filters") {
  const geo_points p = geo_test_points(5000, 3);
  const geo_index index(p.lon, p.lat);
  std::vector<double> segment(p.lon.size());
  for (std::size_t i = 0; i < segment.size(); ++i) segment[i] = static_cast<double>(i % 5);
  crmkit::geo_filter filter(p.lon.size());
  filter.require(segment, crmkit::geo_compare::greater_equal, 3.0);
  CHECK(filter.count() == 2000);
  for (const auto& [qlon, qlat] : queries(p, 150, 4)) {
    for (std::size_t k : {1u, 2u, 10u, 57u}) {
      for (const crmkit::geo_filter* f : {static_cast<const crmkit::geo_filter*>(nullptr), static_cast<const crmkit::geo_filter*>(&filter)}) {
        auto all = brute(p, qlon, qlat, f);
        all.resize(std::min(all.size(), k));
        crmkit::geo_query_options q;
        q.filter = f;
        const auto hits = index.nearest(qlon, qlat, k, q);
        REQUIRE(hits.ids.size() == all.size());
        for (std::size_t j = 0; j < all.size(); ++j) {
          CHECK(hits.ids[j] == all[j].second);
          CHECK(hits.distances_m[j] == crmkit::distance_of_chord2(all[j].first));
        }
      }
    }
  }
  // Many exact ties: 40 copies of one point, the nearest 7 are the 7 smallest indices.
  geo_points t;
  for (int i = 0; i < 40; ++i) {
    t.lon.push_back(i % 2 == 0 ? 10.0 : 10.001);
    t.lat.push_back(20.0);
  }
  const geo_index ti(t.lon, t.lat);
  const auto hits = ti.nearest(10.0, 20.0, 7);
  CHECK(hits.ids == std::vector<std::int32_t>{0, 2, 4, 6, 8, 10, 12});
  CHECK(hits.distances_m[6] == 0.0);
  CHECK(ti.nearest(10.0005, 20.0, 3).ids.size() == 3);
  // Fewer points than k.
  CHECK(ti.nearest(0, 0, 100).ids.size() == 40);
}

TEST_CASE("radius queries with attribute filters equal brute force") {
  const geo_points p = geo_test_points(4000, 8);
  const geo_index index(p.lon, p.lat);
  std::vector<double> risk(p.lon.size()), stage(p.lon.size());
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> u(0, 1);
  for (std::size_t i = 0; i < risk.size(); ++i) {
    risk[i] = i % 11 == 0 ? std::nan("") : u(rng);
    stage[i] = static_cast<double>(i % 4);
  }
  crmkit::geo_filter f(p.lon.size());
  f.require(risk, crmkit::geo_compare::greater, 0.6).require_in(stage, std::vector<double>{1.0, 3.0});
  for (std::size_t i = 0; i < risk.size(); ++i)
    CHECK(f.keeps(i) == (!std::isnan(risk[i]) && risk[i] > 0.6 && (stage[i] == 1.0 || stage[i] == 3.0)));
  crmkit::geo_query_options q;
  q.filter = &f;
  q.order = crmkit::geo_order::by_index;
  for (const auto& [qlon, qlat] : queries(p, 60, 10)) {
    auto expected = brute_within(p, qlon, qlat, 200000.0, &f);
    std::sort(expected.begin(), expected.end());
    CHECK(index.within(qlon, qlat, 200000.0, q).ids == expected);
  }
  crmkit::geo_filter wrong(3);
  q.filter = &wrong;
  CHECK_THROWS_AS((void)index.within(0, 0, 10, q), crmkit::error);
  CHECK_THROWS_AS(f.require(std::vector<double>(3), crmkit::geo_compare::less, 1.0), crmkit::error);
}

TEST_CASE("bounding boxes equal brute force, across the antimeridian and at the poles") {
  const geo_points p = geo_test_points(6000, 12);
  const geo_index index(p.lon, p.lat);
  std::mt19937_64 rng(13);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::array<double, 4>> boxes = {{-180, -90, 180, 90}, {170, -10, -170, 10}, {-10, 80, 10, 90},
                                              {179.9, -5, -179.9, 5}, {-180, -90, -179.8, 0}, {2.3, 48.8, 2.4, 48.9},
                                              {0, 89.5, 0.0, 90}, {100, -90, -100, -89.7}};
  for (int i = 0; i < 200; ++i) {
    const double a = -180 + 360 * u(rng), b = -180 + 360 * u(rng);
    double y0 = -90 + 180 * u(rng), y1 = -90 + 180 * u(rng);
    if (y0 > y1) std::swap(y0, y1);
    boxes.push_back({a, y0, i % 3 == 0 ? b : std::min(180.0, a + 40 * u(rng)), y1});
  }
  for (const auto& b : boxes) {
    std::vector<std::int32_t> expected;
    for (std::size_t i = 0; i < p.lon.size(); ++i) {
      const double x = p.lon[i], y = p.lat[i];
      if (std::isnan(x) || y < b[1] || y > b[3]) continue;
      const bool in_lon = b[0] <= b[2] ? (x >= b[0] && x <= b[2]) : (x >= b[0] || x <= b[2]);
      if (in_lon) expected.push_back(static_cast<std::int32_t>(i));
    }
    crmkit::geo_query_options q;
    q.order = crmkit::geo_order::by_index;
    CHECK(index.in_box(b[0], b[1], b[2], b[3], q) == expected);
  }
  CHECK_THROWS_AS((void)index.in_box(0, 10, 1, 5), crmkit::error);
}

TEST_CASE("batched queries equal single queries, identical for any thread count") {
  const geo_points p = geo_test_points(8000, 21);
  const geo_index index(p.lon, p.lat);
  std::vector<double> qlon, qlat;
  for (const auto& [x, y] : queries(p, 1500, 22)) {
    qlon.push_back(x);
    qlat.push_back(y);
  }
  crmkit::geo_query_options q1;
  q1.order = crmkit::geo_order::by_distance;
  const auto b1 = index.within_batch(qlon, qlat, 400000.0, q1);
  REQUIRE(b1.size() == qlon.size());
  for (std::size_t i = 0; i < qlon.size(); i += 37) {
    const auto single = index.within(qlon[i], qlat[i], 400000.0, q1);
    const auto ids = b1.ids_of(i);
    CHECK(std::vector<std::int32_t>(ids.begin(), ids.end()) == single.ids);
  }
  const auto n1 = index.nearest_batch(qlon, qlat, 5, q1);
  const auto c1 = index.count_within_batch(qlon, qlat, 400000.0, q1);
  for (std::size_t i = 0; i < qlon.size(); ++i) CHECK(c1[i] == b1.offsets[i + 1] - b1.offsets[i]);
  for (std::size_t threads : {2u, 3u, 7u}) {
    crmkit::geo_query_options qt = q1;
    qt.n_threads = threads;
    const auto bt = index.within_batch(qlon, qlat, 400000.0, qt);
    CHECK(bt.offsets == b1.offsets);
    CHECK(bt.ids == b1.ids);
    CHECK(bt.distances_m == b1.distances_m);
    const auto nt = index.nearest_batch(qlon, qlat, 5, qt);
    CHECK(nt.ids == n1.ids);
    CHECK(index.count_within_batch(qlon, qlat, 400000.0, qt) == c1);
  }
  for (std::size_t i = 0; i < qlon.size(); i += 53) {
    const auto single = index.nearest(qlon[i], qlat[i], 5);
    CHECK(std::vector<std::int32_t>(n1.ids.begin() + static_cast<std::ptrdiff_t>(i * 5),
                                    n1.ids.begin() + static_cast<std::ptrdiff_t>(i * 5 + 5)) == single.ids);
  }
  // Fewer eligible points than k: padded with -1 / NaN.
  const geo_index tiny(std::vector<double>{1.0, 2.0}, std::vector<double>{1.0, 2.0});
  const auto padded = tiny.nearest_batch(std::vector<double>{0.0}, std::vector<double>{0.0}, 3);
  CHECK(padded.ids == std::vector<std::int32_t>{0, 1, -1});
  CHECK(std::isnan(padded.distances_m[2]));
}

TEST_CASE("customer tables and the empty index") {
  auto table = crmkit::customer_table::with_index_ids(3);
  table.set_locations(crmkit::column<double>::owned({2.35, std::nan(""), 2.36}),
                      crmkit::column<double>::owned({48.85, std::nan(""), 48.85}));
  const auto index = geo_index::from_customers(table);
  CHECK(index.n_located() == 2);
  CHECK(index.nearest(2.35, 48.85, 5).ids == std::vector<std::int32_t>{0, 2});
  CHECK_THROWS_AS((void)geo_index::from_customers(crmkit::customer_table::with_index_ids(2)), crmkit::error);
  const geo_index empty(std::vector<double>{}, std::vector<double>{});
  CHECK(empty.within(0, 0, 1e6).ids.empty());
  CHECK(empty.nearest(0, 0, 3).ids.empty());
}

TEST_CASE("bad input is rejected with clear errors") {
  auto message = [](auto&& f) {
    try {
      f();
    } catch (const crmkit::error& e) {
      CHECK(e.code() == crmkit::errc::invalid_argument);
      return std::string(e.what());
    }
    FAIL("no error");
    return std::string();
  };
  const std::vector<double> ok{1.0, 2.0};
  CHECK(message([&] { geo_index(ok, std::vector<double>{1.0, 91.0}); }).find("row 1: latitude 91") != std::string::npos);
  CHECK(message([&] { geo_index(std::vector<double>{181.0, 0.0}, ok); }).find("longitude 181") != std::string::npos);
  CHECK(message([&] { geo_index(std::vector<double>{std::nan(""), 0.0}, ok); }).find("only one NaN") != std::string::npos);
  CHECK(message([&] { geo_index(ok, std::vector<double>{1.0}); }).find("2 longitudes but 1") != std::string::npos);
  CHECK(message([&] { geo_index(std::vector<double>{INFINITY}, std::vector<double>{0.0}); }).find("infinite") !=
        std::string::npos);
  const geo_index index(ok, ok);
  CHECK(message([&] { (void)index.nearest(0, 0, 0); }).find("k must be at least 1") != std::string::npos);
  CHECK(message([&] { (void)index.within(0, 0, -1.0); }).find("radius -1") != std::string::npos);
  CHECK(message([&] { (void)index.within(0, 0, std::nan("")); }).find("radius") != std::string::npos);
  CHECK(message([&] { (void)index.within(0, -90.5, 1.0); }).find("latitude -90.5") != std::string::npos);
  CHECK(message([&] { (void)index.within(std::nan(""), 0, 1.0); }).find("NaN") != std::string::npos);
  // Normalisation, when asked for, wraps longitudes for points and queries alike.
  crmkit::geo_index_options o;
  o.normalize_longitude = true;
  const geo_index wrapped(std::vector<double>{190.0, -540.0}, std::vector<double>{0.0, 0.0}, o);
  CHECK(wrapped.longitude()[0] == doctest::Approx(-170.0));
  CHECK(std::fabs(wrapped.longitude()[1]) == 180.0);
  CHECK(wrapped.nearest(-170.0, 0.0, 1).ids[0] == 0);
  CHECK(wrapped.nearest(190.0, 0.0, 1).distances_m[0] == doctest::Approx(0.0));
}

namespace {
// Brute force on the ellipsoid: every located point as (geodesic distance, id), ascending.
std::vector<std::pair<double, std::int32_t>> brute_wgs84(const geo_points& p, double qlon, double qlat,
                                                         const crmkit::geo_filter* filter = nullptr) {
  std::vector<std::pair<double, std::int32_t>> all;
  for (std::size_t i = 0; i < p.lon.size(); ++i) {
    if (std::isnan(p.lon[i]) || (filter != nullptr && !filter->keeps(i))) continue;
    all.emplace_back(crmkit::wgs84_geodesic_m(qlon, qlat, p.lon[i], p.lat[i]), static_cast<std::int32_t>(i));
  }
  std::sort(all.begin(), all.end());
  return all;
}

crmkit::geo_index_options wgs84_options() {
  crmkit::geo_index_options o;
  o.distance_model = crmkit::geo_distance_model::wgs84;
  return o;
}
}  // namespace

TEST_CASE("wgs84: the sphere/ellipsoid bound of the prefilter holds") {
  // (b^2/a) theta <= s <= (a^2/b) theta for the central angle theta (geo_index.hpp).
  const double a = 6378137.0, b = 6356752.314245179;
  const geo_points p = geo_test_points(2000, 9);
  double lo = 1e300, hi = 0;
  for (std::size_t i = 1; i < p.lon.size(); ++i) {
    if (std::isnan(p.lon[i]) || std::isnan(p.lon[i - 1])) continue;
    const double theta = crmkit::haversine_m(p.lon[i - 1], p.lat[i - 1], p.lon[i], p.lat[i], 1.0);
    if (theta < 1e-9) continue;
    const double r = crmkit::wgs84_geodesic_m(p.lon[i - 1], p.lat[i - 1], p.lon[i], p.lat[i]) / theta;
    lo = std::min(lo, r);
    hi = std::max(hi, r);
  }
  CHECK(lo >= b * b / a);
  CHECK(hi <= a * a / b);
  CHECK(hi / lo > 1.002);  // the sample spans a good part of the range
}

TEST_CASE("wgs84: radius queries equal brute force with GeographicLib distances") {
  const geo_points p = geo_test_points(2500, 21);
  const geo_index index(p.lon, p.lat, wgs84_options());
  crmkit::geo_filter some(p.lon.size());
  std::vector<double> parity(p.lon.size());
  for (std::size_t i = 0; i < parity.size(); ++i) parity[i] = static_cast<double>(i % 3);
  some.require(parity, crmkit::geo_compare::not_equal, 0.0);
  std::mt19937_64 rng(4);
  for (const auto& [qlon, qlat] : queries(p, 50, 22)) {
    const auto all = brute_wgs84(p, qlon, qlat);
    // Radii, one of them exactly a point's geodesic distance (boundary included).
    std::vector<double> radii = {0.0, 1.0, 800.0, 15000.0, 300000.0, 3.0e6, 1.9e7, 2.1e7};
    radii.push_back(all[static_cast<std::size_t>(rng() % all.size())].first);
    for (double r : radii) {
      for (const crmkit::geo_filter* f : std::vector<const crmkit::geo_filter*>{nullptr, &some}) {
        std::vector<std::int32_t> expected;
        std::vector<double> expected_d;
        for (const auto& [s, id] : f == nullptr ? all : brute_wgs84(p, qlon, qlat, f))
          if (s <= r) {
            expected.push_back(id);
            expected_d.push_back(s);
          }
        crmkit::geo_query_options q;
        q.order = crmkit::geo_order::by_distance;
        q.filter = f;
        const auto hits = index.within(qlon, qlat, r, q);
        REQUIRE(hits.ids == expected);
        CHECK(hits.distances_m == expected_d);
        CHECK(index.count_within(qlon, qlat, r, q) == expected.size());
      }
    }
  }
}

TEST_CASE("wgs84: k-nearest equals brute force; batches equal single queries for 1 and 2 threads") {
  const geo_points p = geo_test_points(2500, 23);
  const geo_index index(p.lon, p.lat, wgs84_options());
  const auto qs = queries(p, 60, 24);
  std::vector<double> qlon, qlat;
  for (const auto& [x, y] : qs) {
    qlon.push_back(x);
    qlat.push_back(y);
  }
  for (std::size_t k : {std::size_t{1}, std::size_t{7}, std::size_t{60}}) {
    crmkit::geo_query_options q1, q2;
    q2.n_threads = 2;
    const auto b1 = index.nearest_batch(qlon, qlat, k, q1);
    const auto b2 = index.nearest_batch(qlon, qlat, k, q2);
    CHECK(b1.ids == b2.ids);
    for (std::size_t j = 0; j < qs.size(); ++j) {
      const auto all = brute_wgs84(p, qlon[j], qlat[j]);
      const auto hits = index.nearest(qlon[j], qlat[j], k);
      REQUIRE(hits.ids.size() == k);
      for (std::size_t n = 0; n < k; ++n) {
        CHECK(hits.ids[n] == all[n].second);
        CHECK(hits.distances_m[n] == all[n].first);
        CHECK(b1.ids[j * k + n] == all[n].second);
        CHECK(b1.distances_m[j * k + n] == all[n].first);
      }
    }
  }
  crmkit::geo_query_options q1, q2;
  q2.n_threads = 2;
  const auto w1 = index.within_batch(qlon, qlat, 500000.0, q1);
  const auto w2 = index.within_batch(qlon, qlat, 500000.0, q2);
  CHECK(w1.ids == w2.ids);
  CHECK(w1.distances_m == w2.distances_m);
  CHECK(index.count_within_batch(qlon, qlat, 500000.0, q2) == index.count_within_batch(qlon, qlat, 500000.0, q1));
  for (std::size_t j = 0; j < qs.size(); ++j) CHECK(w1.ids_of(j).size() == index.count_within(qlon[j], qlat[j], 500000.0));
  // Fewer eligible points than k: all of them, padded.
  const geo_index two(std::vector<double>{0.0, 179.0}, std::vector<double>{0.0, 1.0}, wgs84_options());
  const auto few = two.nearest(-179.5, 0.5, 5);
  REQUIRE(few.ids.size() == 2);
  CHECK(few.ids[0] == 1);
  CHECK(few.distances_m[1] == crmkit::wgs84_geodesic_m(-179.5, 0.5, 0.0, 0.0));
}
