#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/geo/geo_index.hpp"
#include "crmkit/geo/territory.hpp"
#include "geo_test_util.hpp"

namespace {
std::string error_of(const std::string& text, crmkit::errc code, const crmkit::territory_options& options = {}) {
  try {
    (void)crmkit::territory::parse(text, options);
  } catch (const crmkit::error& e) {
    CHECK(e.code() == code);
    return e.what();
  }
  FAIL("no error for: " << text);
  return {};
}
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("a square with a hole: WKT and GeoJSON agree, area fraction as expected") {
  const auto wkt = crmkit::territory::parse(
      "polygon ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 8, 8 8, 8 2, 2 2))");
  const auto json = crmkit::territory::parse(R"({"type": "Feature", "properties": {"name": "north"},
      "geometry": {"type": "Polygon", "coordinates": [[[0,0],[10,0],[10,10],[0,10],[0,0]],
                                                       [[2,2],[2,8],[8,8],[8,2],[2,2]]]}})");
  CHECK(wkt.polygons() == json.polygons());
  CHECK(wkt.bounds() == std::array<double, 4>{0, 0, 10, 10});
  CHECK(wkt.contains(1, 1));
  CHECK(!wkt.contains(5, 5));  // in the hole
  CHECK(!wkt.contains(11, 5));
  CHECK(!wkt.contains(std::nan(""), 5));
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-1, 11);
  std::vector<double> x(200000), y(200000);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = u(rng);
    y[i] = u(rng);
  }
  const auto mask = wkt.contains(x, y);
  double inside = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const bool expected = x[i] > 0 && x[i] < 10 && y[i] > 0 && y[i] < 10 && !(x[i] > 2 && x[i] < 8 && y[i] > 2 && y[i] < 8);
    CHECK(mask[i] == (expected ? 1 : 0));
    inside += mask[i];
  }
  CHECK(inside / 200000.0 == doctest::Approx(64.0 / 144.0).epsilon(0.01));
  CHECK(wkt.contains(x, y, 3) == mask);
}

TEST_CASE("multipolygons split at the antimeridian, islands in holes, and the index") {
  // Fiji-like territory split at 180 (RFC 7946, 3.1.9), plus a lake with an island.
  const auto t = crmkit::territory::parse(
      "MULTIPOLYGON (((177 -20, 180 -20, 180 -15, 177 -15, 177 -20)), ((-180 -20, -178 -20, -178 -15, -180 -15, -180 -20)),"
      " ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 8 2, 8 8, 2 8, 2 2)), ((4 4, 6 4, 6 6, 4 6, 4 4)))");
  CHECK(t.polygons().size() == 4);
  CHECK(t.contains(179.5, -17));
  CHECK(t.contains(-179.5, -17));
  CHECK(!t.contains(-177.5, -17));
  CHECK(t.contains(5, 5));   // the island
  CHECK(!t.contains(3, 3));  // the lake
  const geo_points p = geo_test_points(20000, 31);
  const crmkit::geo_index index(p.lon, p.lat);
  std::vector<std::int32_t> expected;
  for (std::size_t i = 0; i < p.lon.size(); ++i)
    if (t.contains(p.lon[i], p.lat[i])) expected.push_back(static_cast<std::int32_t>(i));
  crmkit::geo_query_options q;
  q.order = crmkit::geo_order::by_index;
  CHECK(index.in_territory(t, q) == expected);
  CHECK(!expected.empty());
  const auto paris = crmkit::territory::parse("POLYGON((2.3 48.8, 2.4 48.8, 2.4 48.9, 2.3 48.9, 2.3 48.8))");
  expected.clear();
  for (std::size_t i = 0; i < p.lon.size(); ++i)
    if (paris.contains(p.lon[i], p.lat[i])) expected.push_back(static_cast<std::int32_t>(i));
  CHECK(expected.size() > 100);
  CHECK(index.in_territory(paris, q) == expected);
}

TEST_CASE("unsplit territories across the antimeridian equal their split form") {
  // A box from 170 E to 170 W with a hole across 180, unsplit (edges the short way) and
  // split at +-180 into a MultiPolygon (RFC 7946, 3.1.9; the hole becomes two notches):
  // the same region.
  crmkit::territory_options wrap;
  wrap.wrap_antimeridian = true;
  const auto unsplit = crmkit::territory::parse(
      "POLYGON ((170 -10, -170 -10, -170 10, 170 10, 170 -10), (178 -2, 178 2, -178 2, -178 -2, 178 -2))", wrap);
  const auto split = crmkit::territory::parse(
      "MULTIPOLYGON (((170 -10, 180 -10, 180 -2, 178 -2, 178 2, 180 2, 180 10, 170 10, 170 -10)),"
      " ((-180 -10, -170 -10, -170 10, -180 10, -180 2, -178 2, -178 -2, -180 -2, -180 -10)))");
  CHECK(unsplit.contains(175, 0));
  CHECK(unsplit.contains(-175, 0));
  CHECK(unsplit.contains(180, 5));
  CHECK(unsplit.contains(-180, 5));
  CHECK(!unsplit.contains(179.5, 0));   // the hole
  CHECK(!unsplit.contains(-179.5, 0));
  CHECK(!unsplit.contains(0, 0));
  CHECK(!unsplit.contains(165, 0));
  CHECK(!unsplit.contains(-165, 0));
  // bounds() in [-180, 180], crossing: min_lon > max_lon.
  CHECK(unsplit.bounds()[0] == 170.0);
  CHECK(unsplit.bounds()[2] == -170.0);
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> lon(-180, 180), lat(-12, 12);
  for (int i = 0; i < 20000; ++i) {
    const double x = i % 4 == 0 ? 170 + 20 * (lon(rng) + 180) / 360 : lon(rng), y = lat(rng);
    const double xw = x > 180 ? x - 360 : x;
    if (std::fabs(std::fabs(xw) - 180) < 1e-9 || std::fabs(std::fabs(xw) - 170) < 1e-9) continue;  // edges
    REQUIRE(unsplit.contains(xw, y) == split.contains(xw, y));
  }
  // Several polygons, one across 180, one just east of it on the other side (placed in
  // the same window), one elsewhere; the index agrees with contains().
  const auto many = crmkit::territory::parse(
      "MULTIPOLYGON (((170 -20, -175 -20, -175 -10, 170 -10, 170 -20)), ((-174 -20, -160 -20, -160 -10, -174 -10, -174 -20)),"
      " ((0 0, 10 0, 10 10, 0 10, 0 0)))",
      wrap);
  CHECK(many.contains(179, -15));
  CHECK(many.contains(-176, -15));
  CHECK(many.contains(-165, -15));
  CHECK(!many.contains(-174.5, -15));
  CHECK(many.contains(5, 5));
  const geo_points p = geo_test_points(20000, 37);
  const crmkit::geo_index index(p.lon, p.lat);
  crmkit::geo_query_options q;
  q.order = crmkit::geo_order::by_index;
  for (const auto* t : {&unsplit, &many}) {
    std::vector<std::int32_t> expected;
    for (std::size_t i = 0; i < p.lon.size(); ++i)
      if (t->contains(p.lon[i], p.lat[i])) expected.push_back(static_cast<std::int32_t>(i));
    CHECK(expected.size() > 50);
    CHECK(index.in_territory(*t, q) == expected);
  }
}

TEST_CASE("parse errors carry their position") {
  using crmkit::errc;
  CHECK(has(error_of("POLYGON ((0 0, 1 0, 1 1 0 0))", errc::parse_error), "offset 24 (line 1, column 25)"));
  CHECK(has(error_of("POLYGON ((0 0, 1 0, 1 1, 0 0)", errc::parse_error), "expected ')'"));
  CHECK(has(error_of("LINESTRING (0 0, 1 1)", errc::parse_error), "expected POLYGON or MULTIPOLYGON"));
  CHECK(has(error_of("POLYGON Z ((0 0 1, 1 0 1, 1 1 1, 0 0 1))", errc::parse_error), "Z/M"));
  CHECK(has(error_of("POLYGON EMPTY", errc::parse_error), "EMPTY"));
  CHECK(has(error_of("POLYGON ((0 0, 1 0, 1 1, 0 0)) x", errc::parse_error), "end of the WKT"));
  CHECK(has(error_of("{\"type\": \"Polygon\",\n \"coordinates\": [[[0, 0], [1, 0] [1, 1], [0, 0]]]}", errc::parse_error),
            "line 2, column 34"));
  CHECK(has(error_of(R"({"type": "Point", "coordinates": [0, 0]})", errc::parse_error), "\"Point\" is not a territory"));
  CHECK(has(error_of(R"({"type": "Polygon", "coordinates": [[[0, 0, 5], [1, 0, 5], [1, 1, 5], [0, 0, 5]]]})",
                     errc::parse_error),
            "3D positions"));
  CHECK(has(error_of(R"({"type": "Polygon", "coordinates": [[[0, 0], [1, "a"], [1, 1], [0, 0]]]})", errc::parse_error),
            "offset 49"));
  CHECK(has(error_of(R"({"type": "Polygon"})", errc::parse_error), "no \"coordinates\""));
  CHECK(has(error_of("{\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [1, 0], [1, 1], [0, 0]]]", errc::parse_error),
            "expected '}'"));
  CHECK(has(error_of("   ", errc::parse_error), "empty"));
}

TEST_CASE("invalid geometries are rejected") {
  using crmkit::errc;
  CHECK(has(error_of("POLYGON ((0 0, 1 0, 1 1, 0 1))", errc::invalid_argument), "not closed"));
  CHECK(has(error_of("POLYGON ((0 0, 1 0, 0 0))", errc::invalid_argument), "at least 4"));
  CHECK(has(error_of("POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))", errc::invalid_argument), "self-intersects"));  // a bow tie
  CHECK(has(error_of("POLYGON ((0 0, 2 2, 2 0, 0 1, 0 0))", errc::invalid_argument), "self-intersects"));
  CHECK(has(error_of("POLYGON ((0 0, 2 0, 2 2, 1 0, 0 2, 0 0))", errc::invalid_argument), "self-intersects"));
  CHECK(has(error_of("POLYGON ((0 0, 1 0, 2 0, 0 0))", errc::invalid_argument), "self-intersects"));  // folds back
  CHECK(has(error_of("POLYGON ((0 0, 1 0, 1 1, 0 0), (0.5 0.25, 0.625 0.375, 0.75 0.5, 0.5 0.25))", errc::invalid_argument), "hole 1"));
  // Unsplit across the antimeridian: rejected by default, checked when allowed.
  CHECK(has(error_of("POLYGON ((170 0, -170 0, -170 5, 170 5, 170 0))", errc::invalid_argument), "antimeridian"));
  crmkit::territory_options wrap;
  wrap.wrap_antimeridian = true;
  CHECK(has(error_of("POLYGON ((0 80, 120 80, -120 80, 0 80))", errc::invalid_argument, wrap), "winds around a pole"));
  // Across the antimeridian, one polygon 170..190 and one at -179..-178 inside it.
  CHECK(has(error_of("MULTIPOLYGON (((170 -5, -170 -5, -170 5, 170 5, 170 -5)), ((-179 0, -178 0, -178 1, -179 1, -179 0)))",
                     errc::invalid_argument, wrap),
            "lies inside polygon 0"));
  // Polygons covering every longitude while one crosses the antimeridian.
  CHECK(has(error_of("MULTIPOLYGON (((170 -5, -170 -5, -170 5, 170 5, 170 -5)),"
                     " ((-175 10, -50 10, 60 10, 60 11, -50 11, -175 11, -175 10)),"
                     " ((55 20, 120 20, 178 20, 178 21, 120 21, 55 21, 55 20)))",
                     errc::invalid_argument, wrap),
            "cover every longitude"));
  CHECK(has(error_of("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (5 5, 6 5, 6 6, 5 6, 5 5))", errc::invalid_argument),
            "hole 1 lies outside"));
  CHECK(has(error_of("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 5 1, 5 2, 1 2, 1 1))", errc::invalid_argument),
            "must not cross"));
  CHECK(has(error_of("MULTIPOLYGON (((0 0, 4 0, 4 4, 0 4, 0 0)), ((1 1, 2 1, 2 2, 1 2, 1 1)))", errc::invalid_argument),
            "lies inside polygon 0"));
  CHECK(has(error_of("POLYGON ((0 0, 1 0, 1 95, 0 0))", errc::invalid_argument), "latitude 95"));
  // Consecutive duplicate vertices are harmless.
  CHECK(crmkit::territory::parse("POLYGON ((0 0, 1 0, 1 0, 1 1, 0 0))").polygons()[0][0].size() == 4);
}

// Issue 12: an empty GeoJSON geometry used to give a territory with NaN bounds whose
// contains() read past its (empty) band table.
TEST_CASE("empty GeoJSON geometries are rejected like WKT EMPTY") {
  using crmkit::errc;
  CHECK(has(error_of(R"({"type":"MultiPolygon","coordinates":[]})", errc::parse_error),
            "an empty MultiPolygon is not a territory at offset 37"));
  CHECK(has(error_of(R"({"type":"FeatureCollection","features":[]})", errc::parse_error),
            "an empty FeatureCollection is not a territory"));
  CHECK(has(error_of(R"({"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[]}})", errc::parse_error),
            "empty MultiPolygon"));
  CHECK(has(error_of("MULTIPOLYGON EMPTY", errc::parse_error), "EMPTY"));
  try {
    (void)crmkit::territory::from_polygons({});
    FAIL("from_polygons({}) did not throw");
  } catch (const crmkit::error& e) {
    CHECK(e.code() == errc::invalid_argument);
    CHECK(has(e.what(), "no polygon"));
  }
  // The default (empty) territory contains nothing, anywhere.
  const crmkit::territory none;
  CHECK(none.empty());
  CHECK(!none.contains(0, 0));
  CHECK(!none.contains(10, 10));
  CHECK(none.contains(std::vector<double>{0, 1}, std::vector<double>{0, 1}) == std::vector<std::uint8_t>{0, 0});
}

TEST_CASE("deeply nested GeoJSON is a parse error, not a stack overflow") {
  using crmkit::errc;
  CHECK(has(error_of(std::string(100000, '['), errc::parse_error), "expected POLYGON"));  // WKT: no recursion
  CHECK(has(error_of("{\"type\":\"Polygon\",\"coordinates\":" + std::string(100000, '['), errc::parse_error),
            "nesting deeper than"));
  std::string features;
  for (int i = 0; i < 20000; ++i) features += R"({"type":"Feature","geometry":)";
  CHECK(has(error_of(features, errc::parse_error), "nesting deeper than"));
}
