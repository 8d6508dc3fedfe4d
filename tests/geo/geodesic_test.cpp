#include <doctest/doctest.h>

#include <cmath>

#include "crmkit/error.hpp"
#include "crmkit/geo/geodesic.hpp"
#include "crmkit/geo/sphere.hpp"

TEST_CASE("WGS84 geodesic: Vincenty's Flinders Peak - Buninyong test line") {
  // Flinders Peak 37 57 03.72030 S, 144 25 29.52440 E; Buninyong 37 39 10.15610 S,
  // 143 55 35.38390 E; published geodesic distance 54,972.271 m (T. Vincenty, Survey
  // Review 23(176), 1975; Geoscience Australia's worked example).
  const double lat1 = -(37 + 57 / 60.0 + 3.72030 / 3600.0), lon1 = 144 + 25 / 60.0 + 29.52440 / 3600.0;
  const double lat2 = -(37 + 39 / 60.0 + 10.15610 / 3600.0), lon2 = 143 + 55 / 60.0 + 35.38390 / 3600.0;
  const double d = crmkit::wgs84_geodesic_m(lon1, lat1, lon2, lat2);
  CHECK(std::abs(d - 54972.271) < 0.002);
  // The sphere is within 0.5 % of it.
  CHECK(std::abs(crmkit::haversine_m(lon1, lat1, lon2, lat2) / d - 1) < 0.005);
  // A quarter meridian on WGS84: 10,001,965.729 m.
  CHECK(std::abs(crmkit::wgs84_geodesic_m(0, 0, 0, 90) - 10001965.729) < 0.01);
  CHECK_THROWS_AS((void)crmkit::wgs84_geodesic_m(0, 95, 0, 0), crmkit::error);
}
