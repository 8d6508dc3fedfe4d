#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/geo/density.hpp"
#include "crmkit/geo/territory.hpp"

TEST_CASE("a hand-checkable grid") {
  crmkit::density_grid_options o;
  o.cell_deg = 1.0;
  o.bounds = {0.0, 0.0, 2.0, 2.0};
  // (0.5, 0.5) x2 -> cell 0; (1.5, 0.5) -> cell 1; (0.5, 1.5) -> cell 2; (2, 2) on the upper
  // bound -> cell 3; (3, 0) outside; one row without a location.
  const std::vector<double> lon = {0.5, 0.5, 1.5, 0.5, 2.0, 3.0, NAN};
  const std::vector<double> lat = {0.5, 0.5, 0.5, 1.5, 2.0, 0.0, NAN};
  const std::vector<double> revenue = {10, 30, 5, NAN, 7, 100, 1};
  const auto g = crmkit::grid_density(lon, lat, revenue, o);
  CHECK(g.n_lon == 2);
  CHECK(g.n_lat == 2);
  CHECK(g.count == std::vector<std::uint32_t>{2, 1, 1, 1});
  CHECK(g.value_sum == std::vector<double>{40, 5, 0, 7});
  CHECK(g.mean(0) == 20.0);
  CHECK(std::isnan(g.mean(2)));
  CHECK(g.n_outside == 1);
  CHECK(g.n_unlocated == 1);
  const std::string json = g.to_geojson(2);
  CHECK(json.find("\"count\": 2, \"sum\": 40, \"mean\": 20") != std::string::npos);
  CHECK(json.find("\"cell\": 1") == std::string::npos);
  // The single cell's polygon is a valid territory.
  const auto pos = json.find("{\"type\": \"Polygon\"");
  const auto end = json.find("]]]}", pos) + 4;
  const auto cell = crmkit::territory::parse(json.substr(pos, end - pos));
  CHECK(cell.contains(0.5, 0.5));
  CHECK(!cell.contains(1.5, 0.5));
  CHECK(g.to_geojson(1).find("\"mean\": null") != std::string::npos);
}

TEST_CASE("counts add up and match a direct count") {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> ux(-10, 30), uy(35, 60);
  std::vector<double> lon(50000), lat(50000);
  for (std::size_t i = 0; i < lon.size(); ++i) {
    lon[i] = ux(rng);
    lat[i] = uy(rng);
  }
  crmkit::density_grid_options o;
  o.cell_deg = 0.7;
  o.bounds = {-5, 40, 25, 55};
  const auto g = crmkit::grid_density(lon, lat, {}, o);
  std::size_t total = 0;
  for (auto c : g.count) total += c;
  CHECK(total + g.n_outside == lon.size());
  const std::size_t probe = 7 * g.n_lon + 11;
  std::uint32_t direct = 0;
  for (std::size_t i = 0; i < lon.size(); ++i)
    if (lon[i] >= -5 + 11 * 0.7 && lon[i] < -5 + 12 * 0.7 && lat[i] >= 40 + 7 * 0.7 && lat[i] < 40 + 8 * 0.7) ++direct;
  CHECK(g.count[probe] == direct);
  CHECK(g.value_sum.empty());
  CHECK_THROWS_AS((void)crmkit::grid_density(lon, lat, {}, {0.0, o.bounds}), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::grid_density(lon, std::vector<double>(3), {}, o), crmkit::error);
  crmkit::density_grid_options bad = o;
  bad.bounds = {10, 40, 5, 55};
  CHECK_THROWS_AS((void)crmkit::grid_density(lon, lat, {}, bad), crmkit::error);
}
