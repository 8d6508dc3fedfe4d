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
std::string error_of(const std::string& text, crmkit::errc code) {
  try {
    (void)crmkit::territory::parse(text);
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
  CHECK(has(error_of("POLYGON ((170 0, -170 0, -170 5, 170 5, 170 0))", errc::invalid_argument), "antimeridian"));
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
