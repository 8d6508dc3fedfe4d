#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/geo/geohash.hpp"
#include "crmkit/geo/sphere.hpp"
#include "crmkit/planning/hot_spots.hpp"

namespace {

// Customers at the centres of a 6 x 5 grid of 0.1-degree cells (lon 10.0-10.6, lat 45.0-45.5)
// with values v[r][c]; a hot block in the north-east, a cold (zero) block in the south-west.
struct grid_points {
  std::vector<double> lon, lat, value;
  std::vector<double> cell_value;  // per cell, row-major from the south
};

grid_points make_points() {
  grid_points g;
  for (int r = 0; r < 5; ++r)
    for (int c = 0; c < 6; ++c) {
      double v = 10.0 + ((r * 7 + c * 3) % 5);
      if (r >= 3 && c >= 4) v = 60.0 + r + c;
      if (r <= 1 && c <= 1) v = 0.0;
      g.cell_value.push_back(v);
      // two customers per cell splitting the value
      for (int k = 0; k < 2; ++k) {
        g.lon.push_back(10.0 + 0.1 * c + 0.03 + 0.04 * k);
        g.lat.push_back(45.0 + 0.1 * r + 0.05);
        g.value.push_back(v / 2);
      }
    }
  return g;
}

// The published formula with an explicit binary weight matrix (self included).
std::vector<double> gi_star(const std::vector<double>& x, const std::vector<std::vector<int>>& w) {
  const double n = static_cast<double>(x.size());
  double s = 0, s2 = 0;
  for (double v : x) {
    s += v;
    s2 += v * v;
  }
  const double mean = s / n, sd = std::sqrt(s2 / n - mean * mean);
  std::vector<double> z(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    double wi = 0, lag = 0, w2 = 0;
    for (std::size_t j = 0; j < x.size(); ++j) {
      wi += w[i][j];
      w2 += w[i][j] * w[i][j];
      lag += w[i][j] * x[j];
    }
    z[i] = (lag - mean * wi) / (sd * std::sqrt((n * w2 - wi * wi) / (n - 1)));
  }
  return z;
}

}  // namespace

TEST_CASE("hot spots: Gi* with queen contiguity equals the published formula on a small grid") {
  const grid_points g = make_points();
  crmkit::hot_spot_options o;
  o.cell_deg = 0.1;
  o.bounds = {10.0, 45.0, 10.59, 45.49};
  const auto m = crmkit::hot_spots(g.lon, g.lat, g.value, {}, {}, {}, o);
  REQUIRE(m.n_lon == 6);
  REQUIRE(m.n_lat == 5);
  CHECK(m.min_lon == doctest::Approx(10.0));
  CHECK(m.lat(0) == doctest::Approx(45.05));
  std::vector<std::vector<int>> w(30, std::vector<int>(30, 0));
  for (int i = 0; i < 30; ++i)
    for (int j = 0; j < 30; ++j)
      w[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = std::abs(i / 6 - j / 6) <= 1 && std::abs(i % 6 - j % 6) <= 1;
  const auto z = gi_star(g.cell_value, w);
  for (std::size_t c = 0; c < 30; ++c) {
    CHECK(m.count[c] == 2);
    CHECK(m.value[c] == doctest::Approx(g.cell_value[c]));
    CHECK(m.z[c] == doctest::Approx(z[c]).epsilon(1e-12));
    CHECK(m.p[c] == doctest::Approx(std::erfc(std::abs(z[c]) / std::sqrt(2.0))));
    CHECK(m.spot[c] == (std::abs(z[c]) > 1.959964 ? (z[c] > 0 ? 1 : -1) : 0));
  }
  CHECK(m.neighbours[0] == 4);   // a corner: itself and 3
  CHECK(m.neighbours[7] == 9);   // inside
  CHECK(m.spot[29] == 1);        // the north-east block is hot
  CHECK(m.n_hot >= 1);
  CHECK(m.name(7) == "1:1");
}

TEST_CASE("hot spots: distance band, FDR, geohash cells") {
  const grid_points g = make_points();
  crmkit::hot_spot_options o;
  o.cell_deg = 0.1;
  o.bounds = {10.0, 45.0, 10.59, 45.49};
  o.neighbourhood = crmkit::cell_neighbourhood::distance_band;
  o.band_km = 12.0;  // the 4 edge neighbours (7.9 and 11.1 km) but not the diagonals (13.6 km)
  const auto m = crmkit::hot_spots(g.lon, g.lat, g.value, {}, {}, {}, o);
  std::vector<std::vector<int>> w(30, std::vector<int>(30, 0));
  for (std::size_t i = 0; i < 30; ++i)
    for (std::size_t j = 0; j < 30; ++j)
      w[i][j] = crmkit::haversine_m(m.lon(i), m.lat(i), m.lon(j), m.lat(j)) <= 12000.0;
  CHECK(m.neighbours[7] == 5);
  const auto z = gi_star(g.cell_value, w);
  for (std::size_t c = 0; c < 30; ++c) CHECK(m.z[c] == doctest::Approx(z[c]).epsilon(1e-12));

  // FDR: Benjamini-Hochberg over the 30 p-values
  o.fdr = true;
  const auto f = crmkit::hot_spots(g.lon, g.lat, g.value, {}, {}, {}, o);
  std::vector<double> ps(f.p);
  std::sort(ps.begin(), ps.end());
  double cut = 0;
  for (std::size_t k = 0; k < ps.size(); ++k)
    if (ps[k] <= 0.05 * static_cast<double>(k + 1) / 30.0) cut = ps[k];
  CHECK(f.p_cut == cut);
  std::size_t sig = 0;
  for (std::size_t c = 0; c < 30; ++c) sig += f.spot[c] != 0;
  CHECK(sig == static_cast<std::size_t>(std::count_if(f.p.begin(), f.p.end(), [&](double p) { return p <= cut; })));
  CHECK(f.n_hot + f.n_cold <= m.n_hot + m.n_cold);

  // geohash cells: every customer's cell is its geohash
  crmkit::hot_spot_options h;
  h.cells = crmkit::value_cells::geohash;
  h.precision = 4;
  const auto gh = crmkit::hot_spots(g.lon, g.lat, g.value, {}, {}, {}, h);
  std::size_t total = 0;
  for (std::size_t c = 0; c < gh.size(); ++c) {
    total += gh.count[c];
    const auto box = crmkit::geohash_decode(gh.name(c));
    CHECK(box.lon() == doctest::Approx(gh.lon(c)));
    CHECK(box.lat() == doctest::Approx(gh.lat(c)));
  }
  CHECK(total == g.lon.size());
  for (std::size_t i = 0; i < g.lon.size(); i += 7) {
    const std::string hash = crmkit::geohash_encode(g.lon[i], g.lat[i], 4);
    bool found = false;
    for (std::size_t c = 0; c < gh.size(); ++c)
      if (gh.name(c) == hash) found = gh.count[c] > 0;
    CHECK(found);
  }
}

TEST_CASE("hot spots: whitespace from potential and from thin cells") {
  // four cells in a row; customers 4, 4, 0, 1; potential 10 each: P = 9 / 40
  std::vector<double> lon = {0.05, 0.05, 0.05, 0.05, 0.15, 0.15, 0.15, 0.15, 0.35};
  std::vector<double> lat(9, 0.05), value(9, 1.0);
  std::vector<double> plon = {0.05, 0.15, 0.25, 0.35}, plat(4, 0.05), pw(4, 10.0);
  crmkit::hot_spot_options o;
  o.cell_deg = 0.1;
  const auto m = crmkit::hot_spots(lon, lat, value, plon, plat, pw, o);
  REQUIRE(m.size() == 4);
  CHECK(m.overall_penetration == doctest::Approx(9.0 / 40));
  CHECK(m.whitespace == std::vector<std::uint8_t>{0, 0, 1, 1});  // 0 and 0.1 < 0.5 x 0.225
  CHECK(m.gap[2] == doctest::Approx(2.25));
  CHECK(m.gap[3] == doctest::Approx(1.25));
  CHECK(m.penetration[0] == doctest::Approx(0.4));
  CHECK(m.n_whitespace == 2);
  // without potential: the empty cell between served cells
  const auto t = crmkit::hot_spots(lon, lat, value, {}, {}, {}, o);
  CHECK(t.whitespace == std::vector<std::uint8_t>{0, 0, 1, 0});
  o.min_customers = 2;  // the 1-customer cell is thin too (its neighbour has 0: not served) -> only cell 2
  const auto u = crmkit::hot_spots(lon, lat, value, {}, {}, {}, o);
  CHECK(u.whitespace == std::vector<std::uint8_t>{0, 0, 1, 0});
  CHECK(u.gap[2] == 2);
}

TEST_CASE("hot spots: bad input is named; a customer table overload names the id") {
  std::vector<double> lon = {0.0, NAN}, lat = {0.0, NAN}, value = {1.0, 2.0};
  CHECK_THROWS_WITH_AS((void)crmkit::hot_spots(lon, lat, value), "hot_spots: customer row 1 has no location",
                       crmkit::error);
  lon[1] = 0.1;
  lat[1] = 0.1;
  value[1] = NAN;
  CHECK_THROWS_WITH_AS((void)crmkit::hot_spots(lon, lat, value), "hot_spots: customer row 1 has value nan", crmkit::error);
  auto ids = std::make_shared<crmkit::string_dictionary>();
  ids->insert("A-1");
  ids->insert("B-2");
  auto t = crmkit::customer_table::from_ids(ids);
  t.set_locations(crmkit::column<double>::owned({0.0, 0.1}), crmkit::column<double>::owned({0.0, 0.1}));
  t.set_column("clv", crmkit::column<double>::owned({1.0, NAN}));
  CHECK_THROWS_WITH_AS((void)crmkit::hot_spots(t, "clv"), "hot_spots: customer 'B-2' has value nan in column 'clv'",
                       crmkit::error);
  std::vector<double> pl = {0.0}, pa = {0.0}, pw = {-1.0};
  value[1] = 1;
  CHECK_THROWS_AS((void)crmkit::hot_spots(lon, lat, value, pl, pa, pw), crmkit::error);
  crmkit::hot_spot_options o;
  o.cell_deg = 1e-5;
  o.bounds = {-10, -10, 10, 10};
  CHECK_THROWS_AS((void)crmkit::hot_spots(lon, lat, value, {}, {}, {}, o), crmkit::error);  // too many cells
}
