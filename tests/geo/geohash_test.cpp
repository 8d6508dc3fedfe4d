#include <doctest/doctest.h>

#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/geo/geohash.hpp"
#include "geo_test_util.hpp"

TEST_CASE("geohash: the published examples") {
  // Wikipedia's "Geohash" article: ezs42 is (42.605, -5.603) +- 0.022 degrees.
  CHECK(crmkit::geohash_encode(-5.6, 42.6, 5) == "ezs42");
  const crmkit::geohash_box b = crmkit::geohash_decode("ezs42");
  CHECK(b.lat() == doctest::Approx(42.605).epsilon(1e-4));
  CHECK(b.lon() == doctest::Approx(-5.603).epsilon(1e-3));
  CHECK(b.max_lat - b.min_lat == doctest::Approx(180.0 / 4096));  // 12 latitude bisections
  CHECK(b.max_lon - b.min_lon == doctest::Approx(360.0 / 8192));  // 13 longitude bisections
  // geohash.org's own example (Jutland): u4pruydqqvj.
  CHECK(crmkit::geohash_encode(10.40744, 57.64911, 11) == "u4pruydqqvj");
  CHECK(crmkit::geohash_decode("U4PRUYDQQVJ").lat() == doctest::Approx(57.64911).epsilon(1e-6));
}

TEST_CASE("geohash: equal to Perl's Geo::Hash (Debian libgeo-hash-perl 0.02)") {
  // Generated with: perl -MGeo::Hash -e 'srand(20261123); ... $g->encode($lat, $lon, $p)'
  // (random points, precisions 1 to 12).
  struct ref {
    double lon, lat;
    const char* hash;
  };
  const ref refs[] = {
      {111.805195, 63.969388, "y7"},           {-136.259880, -5.784010, "2yz"},
      {172.238091, 14.156392, "xfd2"},         {-60.240145, -74.423780, "4dv0t"},
      {15.469651, 19.784914, "s7e081"},        {-34.160785, -63.481744, "5hxwyes"},
      {-129.754972, 77.955698, "cjgerr7k"},    {-105.418527, -58.507682, "1tt51jh84"},
      {21.837044, 37.864391, "sqxx2vj204"},    {-138.858666, 41.827295, "8zmmbnqjwsf"},
      {64.480887, -9.838706, "mqmb52ct3s60"},  {-151.212771, 58.488981, "b"},
      {-28.633926, -4.886316, "7r"},           {-81.652494, 68.076143, "fhj"},
      {-41.037490, 28.961958, "ej4u"},         {11.763756, 29.699175, "sm22g"},
  };
  for (const ref& r : refs) {
    const std::string h = r.hash;
    CHECK(crmkit::geohash_encode(r.lon, r.lat, static_cast<int>(h.size())) == h);
  }
}

TEST_CASE("geohash: cells contain their points and nest") {
  const geo_points p = geo_test_points(4000, 11);
  for (std::size_t i = 0; i < p.lon.size(); ++i) {
    if (std::isnan(p.lon[i])) continue;
    std::string parent;
    for (int precision = 1; precision <= crmkit::geohash_max_precision; ++precision) {
      const std::string h = crmkit::geohash_encode(p.lon[i], p.lat[i], precision);
      REQUIRE(h.substr(0, parent.size()) == parent);  // a cell's id prefixes its children's
      const crmkit::geohash_box b = crmkit::geohash_decode(h);
      CHECK(p.lon[i] >= b.min_lon);
      CHECK((p.lon[i] < b.max_lon || (p.lon[i] == 180.0 && b.max_lon == 180.0)));
      CHECK(p.lat[i] >= b.min_lat);
      CHECK((p.lat[i] < b.max_lat || (p.lat[i] == 90.0 && b.max_lat == 90.0)));
      parent = h;
    }
  }
  CHECK(crmkit::geohash_encode(180.0, 90.0, 3) == "zzz");
  CHECK(crmkit::geohash_encode(-180.0, -90.0, 3) == "000");
}

TEST_CASE("geohash density: counts, sums and means per cell") {
  const geo_points p = geo_test_points(20000, 5);
  const std::size_t n = p.lon.size();
  std::vector<double> revenue(n), risk(n);
  for (std::size_t i = 0; i < n; ++i) {
    revenue[i] = static_cast<double>(i % 97);
    risk[i] = i % 10 == 0 ? std::nan("") : static_cast<double>(i % 13) / 13.0;
  }
  const std::vector<std::span<const double>> cols = {revenue, risk};
  for (int precision : {1, 3, 5}) {
    const crmkit::geohash_density g = crmkit::geohash_grid(p.lon, p.lat, cols, precision);
    CHECK(g.precision == precision);
    REQUIRE(g.point_cell.size() == n);
    std::size_t located = 0, total = 0;
    for (std::size_t i = 0; i < n; ++i) located += std::isnan(p.lon[i]) ? 0 : 1;
    for (auto c : g.count) total += c;
    CHECK(total == located);
    CHECK(g.n_unlocated == n - located);
    for (std::size_t k = 1; k < g.cells.size(); ++k) CHECK(g.cells[k - 1] < g.cells[k]);
    // Brute force: each point is in its cell's box, and its cell is its own geohash.
    std::vector<double> sum0(g.cells.size()), sum1(g.cells.size());
    std::vector<std::uint32_t> n1(g.cells.size()), cnt(g.cells.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isnan(p.lon[i])) {
        CHECK(g.point_cell[i] == -1);
        continue;
      }
      const auto c = static_cast<std::size_t>(g.point_cell[i]);
      REQUIRE(c < g.cells.size());
      CHECK(g.cells[c] == crmkit::geohash_encode(p.lon[i], p.lat[i], precision));
      const crmkit::geohash_box b = g.box(c);
      CHECK((p.lon[i] >= b.min_lon && p.lon[i] <= b.max_lon && p.lat[i] >= b.min_lat && p.lat[i] <= b.max_lat));
      ++cnt[c];
      sum0[c] += revenue[i];
      if (!std::isnan(risk[i])) {
        sum1[c] += risk[i];
        ++n1[c];
      }
    }
    for (std::size_t c = 0; c < g.cells.size(); ++c) {
      CHECK(g.count[c] == cnt[c]);
      CHECK(g.value_sum[0][c] == doctest::Approx(sum0[c]));
      CHECK(g.value_count[1][c] == n1[c]);
      if (n1[c] > 0) {
        CHECK(g.mean(1, c) == doctest::Approx(sum1[c] / n1[c]));
      } else {
        CHECK(std::isnan(g.mean(1, c)));
      }
    }
    // GeoJSON: one Feature per cell with at least min_count points.
    std::size_t busy = 0;
    for (auto c : g.count) busy += c >= 3 ? 1 : 0;
    const std::string json = g.to_geojson(3);
    std::size_t features = 0;
    for (std::size_t at = json.find("\"Feature\""); at != std::string::npos; at = json.find("\"Feature\"", at + 1))
      ++features;
    CHECK(features == busy);
  }
  // A point of the dense city lands in a cell named in the GeoJSON.
  const crmkit::geohash_density g = crmkit::geohash_grid(std::vector<double>{2.35}, std::vector<double>{48.85}, {}, 5);
  CHECK(g.to_geojson().find(R"("geohash": "u09tv", "count": 1)") != std::string::npos);
}

TEST_CASE("geohash: bad input is rejected") {
  CHECK_THROWS_AS((void)crmkit::geohash_encode(0, 0, 0), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::geohash_encode(0, 0, 13), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::geohash_encode(0, 91, 5), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::geohash_encode(std::nan(""), 0, 5), crmkit::error);
  CHECK_THROWS_WITH_AS((void)crmkit::geohash_decode("ezs4a"), doctest::Contains("'a' at position 4"), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::geohash_decode(""), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::geohash_decode("0123456789bcd"), crmkit::error);
  const std::vector<double> x = {0.0, std::nan("")}, y = {0.0, 1.0}, one = {1.0};
  CHECK_THROWS_WITH_AS((void)crmkit::geohash_grid(x, y, {}, 5), doctest::Contains("row 1"), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::geohash_grid(x, one, {}, 5), crmkit::error);
  const std::vector<std::span<const double>> short_col = {one};
  CHECK_THROWS_WITH_AS((void)crmkit::geohash_grid(y, y, short_col, 5), doctest::Contains("value column 0"),
                       crmkit::error);
}

TEST_CASE("geohash_encode_into: fixed slots equal geohash_encode, empty for a missing point, nothing written on error") {
  const std::vector<double> lon{-5.6, std::nan(""), 139.75}, lat{42.6, std::nan(""), 35.68};
  std::vector<char> out(3 * 6, 'x');
  crmkit::geohash_encode_into(lon, lat, 5, out);
  CHECK(std::string(out.data()) == crmkit::geohash_encode(-5.6, 42.6, 5));
  CHECK(std::string(out.data() + 6).empty());
  CHECK(std::string(out.data() + 12) == crmkit::geohash_encode(139.75, 35.68, 5));
  const std::vector<double> half{42.6, 1.0, 35.68};  // point 1: NaN longitude only
  std::vector<char> untouched(3 * 6, 'x');
  CHECK_THROWS_WITH_AS(crmkit::geohash_encode_into(lon, half, 5, untouched), doctest::Contains("point 1"), crmkit::error);
  CHECK(untouched == std::vector<char>(3 * 6, 'x'));
  CHECK_THROWS_AS(crmkit::geohash_encode_into(lon, lat, 5, std::span<char>(out.data(), 17)), crmkit::error);
}
