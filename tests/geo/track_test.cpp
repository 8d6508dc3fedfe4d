#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/geo/track.hpp"

namespace {
// Metres along the equator -> degrees of longitude on the default sphere.
double deg(double metres) { return metres / crmkit::earth_mean_radius_m * 180.0 / std::numbers::pi; }
}  // namespace

TEST_CASE("distance with an outlier dropped, a dwell stop matched to a customer") {
  std::vector<std::int64_t> t;
  std::vector<double> lon, lat;
  // Drive east at 10 m/s for 100 s (fixes every 10 s), with a 50 km jump at t = 50 s.
  for (int i = 0; i <= 10; ++i) {
    t.push_back(1000 + 10 * i);
    lon.push_back(i == 5 ? deg(50000.0) : deg(100.0 * i));
    lat.push_back(0.0);
  }
  // Stay at 1,000 m east for 10 minutes (fixes every minute, jitter of a few metres).
  for (int i = 1; i <= 10; ++i) {
    t.push_back(1100 + 60 * i);
    lon.push_back(deg(1000.0 + (i % 2 == 0 ? 3.0 : -3.0)));
    lat.push_back(0.0);
  }
  // A customer 20 m from the stop, another 5 km away.
  const crmkit::geo_index customers(std::vector<double>{deg(5000.0), deg(1020.0)}, std::vector<double>{0.0, 0.0});
  crmkit::track_options o;
  o.stop_radius_m = 50.0;  // the drive's 100 m steps stay clear of the radius
  const auto s = crmkit::analyze_track(t, lon, lat, &customers, o);
  CHECK(s.n_dropped == 1);
  CHECK(s.kept[5] == 0);
  // Driving 1,000 m, then the jitter: 997 - 1000 = 3 m, then nine legs of 6 m.
  CHECK(s.distance_m == doctest::Approx(1000.0 + 3.0 + 9 * 6.0).epsilon(1e-9));
  REQUIRE(s.stops.size() == 1);
  // The stop starts at the last driving fix (1,000 m at t = 1100).
  CHECK(s.stops[0].first == 10);
  CHECK(s.stops[0].start == 1100);
  CHECK(s.stops[0].end == 1700);
  CHECK(s.stops[0].customer == 1);
  CHECK(s.stops[0].customer_distance_m == doctest::Approx(20.0).epsilon(0.05));
  CHECK(s.n_visits == 1);
  CHECK(s.time_at_customers_s == 600);
  // A dwell threshold longer than the pause: no stop; without customers: no visit.
  o.min_dwell_s = 700;
  CHECK(crmkit::analyze_track(t, lon, lat, nullptr, o).stops.empty());
  CHECK(crmkit::analyze_track(t, lon, lat).n_visits == 0);
}

TEST_CASE("bad tracks are rejected") {
  const std::vector<double> x = {0.0, 0.001}, y = {0.0, 0.0};
  CHECK_THROWS_WITH_AS((void)crmkit::analyze_track(std::vector<std::int64_t>{10, 5}, x, y),
                       doctest::Contains("timestamps go backwards at fix 1"), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::analyze_track(std::vector<std::int64_t>{1, 2}, std::vector<double>{0.0, NAN}, y),
                  crmkit::error);
  CHECK_THROWS_AS((void)crmkit::analyze_track(std::vector<std::int64_t>{1}, x, y), crmkit::error);
  crmkit::track_options o;
  o.max_speed_mps = 0;
  CHECK_THROWS_AS((void)crmkit::analyze_track(std::vector<std::int64_t>{1, 2}, x, y, nullptr, o), crmkit::error);
}
