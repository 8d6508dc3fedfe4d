#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/geo/sphere.hpp"
#include "crmkit/planning/checkin.hpp"

namespace {

struct track {
  std::vector<std::int64_t> t;
  std::vector<double> lon, lat;
  void fix(std::int64_t time, double x, double y) {
    t.push_back(time);
    lon.push_back(x);
    lat.push_back(y);
  }
  // one fix a minute at (x, y) +- ~10 m for `minutes`
  void dwell(std::int64_t from, int minutes, double x, double y) {
    for (int k = 0; k <= minutes; ++k) fix(from + 60 * k, x + (k % 2 ? 1e-4 : -1e-4), y + (k % 3 ? 5e-5 : 0));
  }
};

constexpr std::int64_t nine = 1'700'000'000 - 1'700'000'000 % 86400 + 9 * 3600;

}  // namespace

TEST_CASE("check-ins: verified by a dwell within R for D, exceptions both ways") {
  // customers 0..3 in Berlin, about 1.5 km apart
  const std::vector<double> clon = {13.400, 13.420, 13.440, 13.460};
  const std::vector<double> clat = {52.500, 52.500, 52.500, 52.500};
  track tr;
  tr.dwell(nine, 10, clon[0], clat[0]);                 // customer 0: 10 minutes
  tr.fix(nine + 20 * 60, 13.41, 52.50);                 // driving
  tr.dwell(nine + 30 * 60, 3, clon[1], clat[1]);        // customer 1: only 3 minutes
  tr.fix(nine + 40 * 60, 13.43, 52.50);
  tr.fix(nine + 41 * 60, 5.0, 40.0);                    // an outlier fix in Spain, dropped
  tr.dwell(nine + 50 * 60, 20, clon[2], clat[2]);       // customer 2: 20 minutes, not claimed
  const std::vector<std::int32_t> claims = {0, 1, 3, 0};
  const std::vector<std::int64_t> at = {nine + 5 * 60, nine + 31 * 60, nine + 60 * 60, nine + 5 * 3600};
  const auto r = crmkit::verify_checkins(tr.t, tr.lon, tr.lat, clon, clat, claims, at);
  REQUIRE(r.verified.size() == 4);
  CHECK(r.verified[0] == 1);
  CHECK(r.dwell_s[0] == 600);
  CHECK(r.nearest_m[0] < 15);
  CHECK(r.verified[1] == 0);  // 3 minutes < 5
  CHECK(r.dwell_s[1] == 0);
  CHECK(r.nearest_m[1] < 15);
  CHECK(r.verified[2] == 0);  // never near customer 3
  CHECK(r.nearest_m[2] > 1000);
  CHECK(r.verified[3] == 0);  // customer 0 again 5 hours later: outside the +-1 h window
  CHECK(std::isnan(r.nearest_m[3]));
  CHECK(r.n_verified == 1);
  REQUIRE(r.unclaimed.size() == 1);
  CHECK(r.unclaimed[0].customer == 2);
  CHECK(r.unclaimed[0].start == nine + 50 * 60);
  CHECK(r.unclaimed[0].end == nine + 70 * 60);
  // D = 2 minutes verifies customer 1; R = 5 m verifies nothing (the fixes jitter ~7 m)
  crmkit::checkin_options o;
  o.min_dwell_s = 120;
  CHECK(crmkit::verify_checkins(tr.t, tr.lon, tr.lat, clon, clat, claims, at, o).verified[1] == 1);
  o = {};
  o.radius_m = 5;
  CHECK(crmkit::verify_checkins(tr.t, tr.lon, tr.lat, clon, clat, claims, at, o).n_verified == 0);
}

TEST_CASE("check-ins: clear errors") {
  const std::vector<double> clon = {13.4, NAN}, clat = {52.5, NAN};
  const std::vector<std::int64_t> t = {0, 60};
  const std::vector<double> lon = {13.4, 13.4}, lat = {52.5, 52.5};
  const std::vector<std::int32_t> c = {5};
  const std::vector<std::int64_t> at = {0};
  CHECK_THROWS_WITH_AS((void)crmkit::verify_checkins(t, lon, lat, clon, clat, c, at), doctest::Contains("claim 0: customer 5"),
                       crmkit::error);
  const std::vector<std::int32_t> c1 = {1};
  CHECK_THROWS_WITH_AS((void)crmkit::verify_checkins(t, lon, lat, clon, clat, c1, at), doctest::Contains("no location"),
                       crmkit::error);
  crmkit::checkin_options o;
  o.radius_m = 0;
  const std::vector<std::int32_t> c0 = {0};
  CHECK_THROWS_WITH_AS((void)crmkit::verify_checkins(t, lon, lat, clon, clat, c0, at, o), doctest::Contains("radius_m"),
                       crmkit::error);
  const std::vector<std::int64_t> back = {60, 0};
  CHECK_THROWS_AS((void)crmkit::verify_checkins(back, lon, lat, clon, clat, c0, at), crmkit::error);
}
