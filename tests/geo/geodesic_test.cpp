#include <doctest/doctest.h>

#include <cmath>
#include <vector>

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

TEST_CASE("WGS84 geodesic: equal to python3-geographiclib (Karney) to 1e-6 m, antipodes included") {
  // Generated with /usr/bin/python3 (Debian python3-geographiclib 2.0):
  //   Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)['s12'] printed to 1e-9 m, for hand-picked
  //   pairs (equator antipodes, poles, the antimeridian, Vincenty's line, Paris-London, NYC-Tokyo)
  //   and random ones (random.seed(6)).
  struct ref {
    double lon1, lat1, lon2, lat2, s12;
  };
  const ref refs[] = {
      {0, 0, 179.5, 0.5, 19936288.578965314},
      {0, 0, 180, 0, 20003931.458625447},
      {0, 0, 179.9, 0, 20003008.421509411},
      {10, 89.9, -170, 89.9, 22338.795682520},
      {0, -90, 123, 90, 20003931.458625447},
      {179.99, 10, -179.99, -10, 2211710.775725327},
      {-180, 0, 180, 0.001, 110.574275822},
      {144.42486789, -37.95103342, 143.92649553, -37.65282114, 54972.271208541},
      {2.3522, 48.8566, -0.1276, 51.5072, 343896.891266770},
      {0, 0, 0, 90, 10001965.729312724},
      {-73.9857, 40.7484, 139.6917, 35.6895, 10870055.012533443},
      {0.5, -0.3, -179.6, 0.2, 19992082.107954830},
      {105.60243, 57.951728, -5.387534, -42.908133, 15078921.998751020},
      {-179.837383, 29.307341, -10.708467, 46.751514, 11510630.932946855},
      {-45.662266, 48.62517, -81.828689, 54.344787, 2560707.975410254},
      {82.73694, -15.478841, 13.789879, 32.769313, 9062628.167746030},
      {-110.525445, 9.65073, 109.844658, -42.20621, 14682373.205215026},
      {109.211511, 33.424179, 123.941637, -29.595237, 7145678.778677678},
      {-146.471547, 54.05089, 109.721345, -9.861765, 11790907.338664783},
      {-146.239065, -54.510832, 48.570787, -37.586959, 9701829.886871206},
  };
  for (const ref& r : refs) CHECK(std::abs(crmkit::wgs84_geodesic_m(r.lon1, r.lat1, r.lon2, r.lat2) - r.s12) < 1e-6);
}

TEST_CASE("pair_distances_m: the single-pair functions per pair, NaN for a missing point, nothing written on error") {
  const std::vector<double> lon1{144.42486789, 0.0, 10.0, std::nan("")}, lat1{-37.95103342, 0.0, 50.0, 1.0};
  const std::vector<double> lon2{143.92649553, 1.0, 10.0, 2.0}, lat2{-37.65282114, 0.0, std::nan(""), 2.0};
  std::vector<double> out(4, -1.0);
  crmkit::pair_distances_m(lon1, lat1, lon2, lat2, crmkit::distance_method::wgs84, out);
  CHECK(out[0] == crmkit::wgs84_geodesic_m(lon1[0], lat1[0], lon2[0], lat2[0]));
  CHECK(out[1] == crmkit::wgs84_geodesic_m(0.0, 0.0, 1.0, 0.0));
  CHECK(std::isnan(out[2]));
  CHECK(std::isnan(out[3]));
  crmkit::pair_distances_m(lon1, lat1, lon2, lat2, crmkit::distance_method::sphere, out);
  CHECK(out[1] == crmkit::haversine_m(0.0, 0.0, 1.0, 0.0));
  std::vector<double> bad_lat2 = lat2;
  bad_lat2[1] = 91.0;
  std::vector<double> untouched(4, -1.0);
  CHECK_THROWS_WITH_AS(crmkit::pair_distances_m(lon1, lat1, lon2, bad_lat2, crmkit::distance_method::sphere, untouched),
                       doctest::Contains("second point of pair 1"), crmkit::error);
  CHECK(untouched == std::vector<double>(4, -1.0));
  CHECK_THROWS_AS(crmkit::pair_distances_m(lon1, lat1, lon2, lat2, static_cast<crmkit::distance_method>(2), out),
                  crmkit::error);
}
