#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "crmkit/geo/china_coordinates.hpp"
#include "crmkit/geo/sphere.hpp"

// Reference values: the README of wandergis/coordtransform (MIT), the common JavaScript
// and Python implementation, for the point (116.404, 39.915) in Beijing.
TEST_CASE("published reference values of coordtransform") {
  const crmkit::lon_lat p{116.404, 39.915};
  const auto gcj = crmkit::wgs84_to_gcj02(p);
  CHECK(gcj[0] == doctest::Approx(116.41024449916938).epsilon(1e-14));
  CHECK(gcj[1] == doctest::Approx(39.91640428150164).epsilon(1e-14));
  const auto bd = crmkit::gcj02_to_bd09(p);
  CHECK(bd[0] == doctest::Approx(116.41036949371029).epsilon(1e-14));
  CHECK(bd[1] == doctest::Approx(39.92133699351021).epsilon(1e-14));
  const auto g2 = crmkit::bd09_to_gcj02(p);
  CHECK(g2[0] == doctest::Approx(116.39762729119315).epsilon(1e-14));
  CHECK(g2[1] == doctest::Approx(39.90865673957631).epsilon(1e-14));
  const auto wb = crmkit::wgs84_to_bd09(p);
  CHECK(wb[0] == doctest::Approx(116.41662724378733).epsilon(1e-14));
  CHECK(wb[1] == doctest::Approx(39.922699552216216).epsilon(1e-14));
  // The offsets are hundreds of metres (the 100-700 m).
  const double d = crmkit::haversine_m(p[0], p[1], gcj[0], gcj[1]);
  CHECK(d > 100);
  CHECK(d < 800);
}

TEST_CASE("inverses round-trip; outside China nothing moves") {
  std::mt19937_64 rng(2);
  std::uniform_real_distribution<double> lon(74, 134), lat(18, 53);
  for (int i = 0; i < 2000; ++i) {
    const crmkit::lon_lat w{lon(rng), lat(rng)};
    const auto back = crmkit::gcj02_to_wgs84(crmkit::wgs84_to_gcj02(w));
    CHECK(crmkit::haversine_m(w[0], w[1], back[0], back[1]) < 0.02);
    const auto bd_back = crmkit::bd09_to_wgs84(crmkit::wgs84_to_bd09(w));
    CHECK(crmkit::haversine_m(w[0], w[1], bd_back[0], bd_back[1]) < 0.5);
  }
  const crmkit::lon_lat paris{2.35, 48.86};
  CHECK(crmkit::wgs84_to_gcj02(paris) == paris);
  CHECK(crmkit::gcj02_to_wgs84(paris) == paris);
}

TEST_CASE("multiple-angle sines equal direct libm sines across China") {
  // The offset series is evaluated from one sincos per coordinate (detail::
  // gcj_multiple_angle_sines); check each sine against std::sin of its own angle over the
  // whole range of t = lon - 105 and t = lat - 35. The identities amplify rounding by up to
  // 360x (measured 1.6e-12); 1e-11 in a sine moves a converted coordinate by < 5e-14 degrees.
  const double pi = std::numbers::pi;
  double worst = 0.0;
  for (double t = -34.0; t <= 34.0; t += 0.0137) {
    const auto s = crmkit::detail::gcj_multiple_angle_sines(t);
    const double direct[6] = {std::sin(t * pi),      std::sin(2.0 * t * pi),  std::sin(6.0 * t * pi),
                              std::sin(t / 3.0 * pi), std::sin(t / 12.0 * pi), std::sin(t * pi / 30.0)};
    const double got[6] = {s.s1, s.s2, s.s6, s.s3, s.s12, s.s30};
    for (int i = 0; i < 6; ++i) worst = std::max(worst, std::fabs(got[i] - direct[i]));
  }
  CHECK(worst < 1e-11);
  CHECK(worst > 0.0);  // the two evaluations are genuinely different
}

TEST_CASE("the branch-free sincos equals libm to an ulp over the series' angles") {
  // detail::sincos_reduced replaces libm in the conversion so that the batch loop vectorises;
  // its range is the angles the conversion feeds it inside the box (|w| < 1.8 for the
  // series, latitude 0.8..56 degrees).
  double worst = 0.0;
  for (double w = -2.2; w <= 2.2; w += 1.0e-4) {
    double s = 0.0, c = 0.0;
    crmkit::detail::sincos_reduced(w, s, c);
    worst = std::max({worst, std::fabs(s - std::sin(w)), std::fabs(c - std::cos(w))});
  }
  CHECK(worst < 4.0e-16);
}

TEST_CASE("the batch WGS84 -> GCJ-02 equals the point conversion bit for bit") {
  // The batch path is a separate, vectorised loop (china_coordinates_impl.hpp); it must give
  // the very bits of wgs84_to_gcj02 inside the box, the input outside it and NaN for NaN.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> ulon(60.0, 150.0), ulat(-5.0, 65.0);
  std::vector<double> lon(20001), lat(20001);
  for (std::size_t i = 0; i < lon.size(); ++i) {
    lon[i] = ulon(rng);
    lat[i] = ulat(rng);
  }
  lon[7] = std::nan("");
  lat[9] = std::nan("");
  lon[11] = 72.004;  // the box's edges are inside
  lat[11] = 0.8293;
  std::vector<double> out_lon(lon.size()), out_lat(lon.size());
  crmkit::convert_coordinates(crmkit::coordinate_system::wgs84, crmkit::coordinate_system::gcj02, lon, lat, out_lon,
                              out_lat);
  std::size_t inside = 0, mismatches = 0;
  for (std::size_t i = 0; i < lon.size(); ++i) {
    if (std::isnan(lon[i]) || std::isnan(lat[i])) {
      CHECK(std::isnan(out_lon[i]));
      CHECK(std::isnan(out_lat[i]));
      continue;
    }
    const auto p = crmkit::wgs84_to_gcj02({lon[i], lat[i]});
    inside += crmkit::outside_china({lon[i], lat[i]}) ? 0u : 1u;
    mismatches += (p[0] != out_lon[i] || p[1] != out_lat[i]) ? 1u : 0u;
  }
  CHECK(mismatches == 0);
  CHECK(inside > 5000);
  CHECK(inside < lon.size() - 5000);
  // In place is allowed.
  std::vector<double> lon2 = lon, lat2 = lat;
  crmkit::convert_coordinates(crmkit::coordinate_system::wgs84, crmkit::coordinate_system::gcj02, lon2, lat2, lon2,
                              lat2);
  for (std::size_t i = 0; i < lon.size(); ++i)
    if (!std::isnan(out_lon[i])) CHECK((lon2[i] == out_lon[i] && lat2[i] == out_lat[i]));
}
