#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

#include "crmkit/geo/sphere.hpp"

using crmkit::earth_mean_radius_m;

TEST_CASE("haversine closed forms on the sphere") {
  const double R = earth_mean_radius_m;
  const double pi = std::numbers::pi;
  CHECK(crmkit::haversine_m(0, 0, 0, 90) == doctest::Approx(pi / 2 * R).epsilon(1e-14));
  CHECK(crmkit::haversine_m(0, 0, 90, 0) == doctest::Approx(pi / 2 * R).epsilon(1e-14));
  CHECK(crmkit::haversine_m(0, 0, 180, 0) == doctest::Approx(pi * R).epsilon(1e-14));
  CHECK(crmkit::haversine_m(10, -90, -170, 90) == doctest::Approx(pi * R).epsilon(1e-14));
  // One degree of longitude on the equator, and across the antimeridian.
  CHECK(crmkit::haversine_m(179.5, 0, -179.5, 0) == doctest::Approx(pi / 180 * R).epsilon(1e-12));
  // At latitude 60 a short east-west step is cos(60) times as long as on the equator.
  CHECK(crmkit::haversine_m(0, 60, 0.001, 60) == doctest::Approx(0.5 * crmkit::haversine_m(0, 0, 0.001, 0)).epsilon(1e-6));
  CHECK(crmkit::haversine_m(5, 5, 5, 5) == 0.0);
  CHECK(crmkit::haversine_m(0, 0, 0, 90, 1.0) == doctest::Approx(pi / 2).epsilon(1e-14));
}

TEST_CASE("the chord form equals the haversine formula") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> lon(-180, 180), z(-1, 1), small(-0.05, 0.05);
  for (int i = 0; i < 20000; ++i) {
    const double lon1 = lon(rng), lat1 = std::asin(z(rng)) * 180 / std::numbers::pi;
    double lon2 = lon(rng), lat2 = std::asin(z(rng)) * 180 / std::numbers::pi;
    if (i % 2 == 0) {  // short distances too, where rounding matters most
      lon2 = std::fmod(lon1 + small(rng) + 540.0, 360.0) - 180.0;
      lat2 = std::clamp(lat1 + small(rng), -90.0, 90.0);
    }
    const double d_h = crmkit::haversine_m(lon1, lat1, lon2, lat2);
    const double d_c = crmkit::distance_of_chord2(
        crmkit::chord2(crmkit::to_unit_vector(lon1, lat1), crmkit::to_unit_vector(lon2, lat2)));
    CHECK(std::fabs(d_h - d_c) <= 1e-6 + 1e-12 * d_h);
  }
  // chord_of_distance inverts distance_of_chord2.
  for (double d : {0.0, 1.0, 2000.0, 1e6, 1.9e7}) {
    const double c = crmkit::chord_of_distance(d);
    CHECK(crmkit::distance_of_chord2(c * c) == doctest::Approx(d).epsilon(1e-12));
  }
  CHECK(crmkit::chord_of_distance(1e9) == 2.0);
}
