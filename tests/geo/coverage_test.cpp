#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/geo/coverage.hpp"

namespace {
// Metres along the equator -> degrees of longitude on the default sphere.
double deg(double metres) { return metres / crmkit::earth_mean_radius_m * 180.0 / std::numbers::pi; }

// A synthetic track along the equator: drives at 10 m/s with a fix every 10 s (100 m steps)
// and stays put with a fix every 60 s, so stops and distances are known by hand.
struct track_builder {
  std::vector<std::int64_t> t;
  std::vector<double> lon, lat;
  double x = 0;  // metres east of lon 0
  track_builder(std::int64_t start, double x0) : x(x0) { fix(start); }
  void fix(std::int64_t time) {
    t.push_back(time);
    lon.push_back(deg(x));
    lat.push_back(0.0);
  }
  track_builder& drive(double to) {
    const double step = to > x ? 100.0 : -100.0;
    while (std::abs(to - x) > 1e-9) {
      x += step;
      fix(t.back() + 10);
    }
    return *this;
  }
  track_builder& stay(std::int64_t seconds) {
    const std::int64_t end = t.back() + seconds;
    while (t.back() + 60 < end) fix(t.back() + 60);
    fix(end);
    return *this;
  }
  track_builder& jump(std::int64_t seconds, double to) {  // a gap in the recording
    x = to;
    fix(t.back() + seconds);
    return *this;
  }
  [[nodiscard]] crmkit::gps_track view() const { return {t, lon, lat}; }
};

constexpr std::int64_t hour = 3600, minute = 60;
const std::int64_t monday = crmkit::unix_seconds(2024, 3, 4);  // a Monday, 00:00 UTC
constexpr std::int64_t day = crmkit::seconds_per_day;

// Customers on the equator: 0 at 1 km, 1 at 5 km, 2 at 9 km (assigned, never visited),
// 3 at 3 km (not assigned).
crmkit::geo_index customer_index() {
  return crmkit::geo_index(std::vector<double>{deg(1000), deg(5000), deg(9000), deg(3000)},
                           std::vector<double>{0, 0, 0, 0});
}

// The week of the rep (see the expected values in the test case).
std::vector<track_builder> week() {
  std::vector<track_builder> w;
  // Monday 08:00: customer 0 for 30 min, customer 3 for 10 min, back home: 6 km.
  w.emplace_back(monday + 8 * hour, 0.0);
  w.back().drive(1000).stay(1800).drive(3000).stay(600).drive(0);
  // Tuesday: nothing. Wednesday 09:00: customer 1 for 15 min, then the phone is off for
  // two hours and the last fix is 2 km further (a gap).
  w.emplace_back(monday + 2 * day + 9 * hour, 0.0);
  w.back().drive(5000).stay(900).jump(2 * hour, 7000);
  // Wednesday 23:30: customer 0 from 23:31:40 to Thursday 00:21:40 (a stop across
  // midnight), then home.
  w.emplace_back(monday + 2 * day + 23 * hour + 30 * minute, 0.0);
  w.back().drive(1000).stay(3000).drive(0);
  // Thursday 23:58:25: to customer 0, arriving Friday 00:00:05 (the leg 23:59:55 - 00:00:05
  // crosses midnight), 10 min there.
  w.emplace_back(monday + 3 * day + 23 * hour + 58 * minute + 25, 0.0);
  w.back().drive(1000).stay(600);
  return w;
}

crmkit::coverage_options week_options() {
  crmkit::coverage_options o;
  o.period_start = monday;
  o.period_end = monday + 5 * day;  // Monday to Friday
  o.max_gap_s = hour;
  o.track.stop_radius_m = 50.0;  // the 100 m driving steps never form a stop
  return o;
}
}  // namespace

TEST_CASE("coverage and daily summary of a hand-built week") {
  const crmkit::geo_index customers = customer_index();
  const std::vector<track_builder> w = week();
  std::vector<crmkit::gps_track> tracks;
  for (const auto& b : w) tracks.push_back(b.view());
  const std::vector<std::int32_t> assigned = {0, 1, 2};
  // Customer 0 every 2 days, customer 1 once on Tuesday, customer 2 every day.
  const std::vector<std::int64_t> next_due = {crmkit::no_due_date, monday + day + 10 * hour, crmkit::no_due_date};
  const std::vector<std::int32_t> frequency = {2, 0, 1};
  const crmkit::rep_coverage c =
      crmkit::compute_rep_coverage(tracks, assigned, &customers, {next_due, frequency}, week_options());

  REQUIRE(c.days.size() == 5);
  for (std::size_t d = 0; d < 5; ++d) {
    CHECK(c.days[d].day == crmkit::floor_days(monday) + static_cast<std::int64_t>(d));
    CHECK(c.days[d].day_start == monday + static_cast<std::int64_t>(d) * day);
  }
  // Distance: Monday 1 + 2 + 3 km; Tuesday none; Wednesday 5 km (the 2 km across the gap
  // do not count) + 1 km; Thursday 1 km home + 950 m of the leg across midnight; Friday 50 m.
  const double expected_m[5] = {6000, 0, 6000, 1950, 50};
  for (std::size_t d = 0; d < 5; ++d) CHECK(c.days[d].distance_m == doctest::Approx(expected_m[d]).epsilon(1e-9));
  // Visits on the day they start; time split at midnight (23:31:40 -> 00:21:40 is
  // 1,700 s on Wednesday and 1,300 s on Thursday).
  const std::uint32_t visits[5] = {2, 0, 2, 0, 1}, assigned_visits[5] = {1, 0, 2, 0, 1};
  const std::int64_t time_at[5] = {1800 + 600, 0, 900 + 1700, 1300, 600};
  for (std::size_t d = 0; d < 5; ++d) {
    CHECK(c.days[d].n_visits == visits[d]);
    CHECK(c.days[d].n_assigned_visits == assigned_visits[d]);
    CHECK(c.days[d].time_at_customers_s == time_at[d]);
  }
  REQUIRE(c.visits.size() == 5);
  CHECK(c.visits[0].customer == 0);
  CHECK(c.visits[0].start == monday + 8 * hour + 100);
  CHECK(c.visits[0].end == monday + 8 * hour + 1900);
  CHECK(c.visits[1].customer == 3);
  CHECK(c.visits[2].customer == 1);
  CHECK(c.visits[3].customer == 0);
  CHECK(c.visits[4].start == monday + 4 * day + 5);

  // Coverage: 0 visited three times (30 + 50 + 10 min), 1 once, 2 never.
  REQUIRE(c.customers.size() == 3);
  CHECK(c.customers[0].customer == 0);
  CHECK(c.customers[0].n_visits == 3);
  CHECK(c.customers[0].last_visit == monday + 4 * day + 5);
  CHECK(c.customers[0].time_at_s == 1800 + 3000 + 600);
  CHECK(c.customers[1].n_visits == 1);
  CHECK(c.customers[1].time_at_s == 900);
  CHECK(c.customers[2].n_visits == 0);
  CHECK(c.customers[2].last_visit == crmkit::no_due_date);
  CHECK(c.n_covered == 2);
  CHECK(c.share_covered == doctest::Approx(2.0 / 3.0));

  // Due: 0 on Monday, again two days after (Wednesday), then Friday; 1 on Tuesday, missed,
  // overdue and met on Wednesday; 2 every day, never met.
  const std::uint32_t n_due[5] = {2, 2, 3, 1, 2};
  const std::vector<std::vector<std::int32_t>> missed = {{2}, {1, 2}, {2}, {2}, {2}};
  for (std::size_t d = 0; d < 5; ++d) {
    CHECK(c.days[d].n_due == n_due[d]);
    CHECK(c.days[d].due_not_visited == missed[d]);
  }
}

TEST_CASE("gaps without a limit, time zones and clipping to the period") {
  const crmkit::geo_index customers = customer_index();
  const std::vector<track_builder> w = week();
  std::vector<crmkit::gps_track> tracks;
  for (const auto& b : w) tracks.push_back(b.view());
  const std::vector<std::int32_t> assigned = {0};
  crmkit::coverage_options o = week_options();
  o.max_gap_s = 0;  // the 2 km after the gap count: Wednesday is 5 + 2 + 1 km
  auto c = crmkit::compute_rep_coverage(tracks, assigned, &customers, {}, o);
  CHECK(c.days[2].distance_m == doctest::Approx(8000).epsilon(1e-9));
  // No schedule: nobody is due.
  for (const auto& d : c.days) {
    CHECK(d.n_due == 0);
    CHECK(d.due_not_visited.empty());
  }

  // UTC+1: the period touches six local days (Monday 01:00 to Saturday 01:00 local); the
  // stop of Wednesday night (00:31:40 - 01:21:40 local) is all on Thursday and the
  // midnight leg (00:59:55 - 01:00:05 local) all on Friday.
  o.utc_offset_s = hour;
  c = crmkit::compute_rep_coverage(tracks, assigned, &customers, {}, o);
  REQUIRE(c.days.size() == 6);
  CHECK(c.days[0].day_start == monday - hour);
  CHECK(c.days[2].time_at_customers_s == 900);
  CHECK(c.days[3].time_at_customers_s == 3000);
  CHECK(c.days[3].n_visits == 1);
  CHECK(c.days[4].distance_m == doctest::Approx(1000).epsilon(1e-9));
  CHECK(c.days[5].distance_m == 0.0);

  // A period ending at Wednesday 23:45 UTC clips the stop across midnight to 13:20 (the
  // drive to it, 23:30:00 - 23:31:40, is inside; the drive home is not).
  o.utc_offset_s = 0;
  o.period_end = monday + 2 * day + 23 * hour + 45 * minute;
  c = crmkit::compute_rep_coverage(tracks, assigned, &customers, {}, o);
  REQUIRE(c.days.size() == 3);
  CHECK(c.days[2].time_at_customers_s == 900 + 800);
  CHECK(c.days[2].distance_m == doctest::Approx(8000).epsilon(1e-9));  // all before 23:45
  CHECK(c.customers[0].n_visits == 2);
  CHECK(c.customers[0].time_at_s == 1800 + 800);

  // No tracks at all: empty days, nothing covered.
  c = crmkit::compute_rep_coverage({}, assigned, &customers, {}, week_options());
  CHECK(c.days.size() == 5);
  CHECK(c.n_covered == 0);
  CHECK(c.share_covered == 0.0);
  CHECK(std::isnan(crmkit::compute_rep_coverage({}, {}, &customers, {}, week_options()).share_covered));
}

TEST_CASE("bad coverage inputs are rejected") {
  const crmkit::geo_index customers = customer_index();
  const crmkit::coverage_options o = week_options();
  const std::vector<std::int32_t> dup = {1, 1}, out_of_range = {4}, one = {0};
  CHECK_THROWS_WITH_AS((void)crmkit::compute_rep_coverage({}, dup, &customers, {}, o),
                       doctest::Contains("customer 1 is assigned twice"), crmkit::error);
  CHECK_THROWS_WITH_AS((void)crmkit::compute_rep_coverage({}, out_of_range, &customers, {}, o),
                       doctest::Contains("assigned customer 4"), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::compute_rep_coverage({}, one, nullptr, {}, o), crmkit::error);
  const std::vector<std::int32_t> two_freq = {1, 1}, negative = {-1};
  CHECK_THROWS_WITH_AS((void)crmkit::compute_rep_coverage({}, one, &customers, {{}, two_freq}, o),
                       doctest::Contains("2 frequency_days entries for 1"), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::compute_rep_coverage({}, one, &customers, {{}, negative}, o), crmkit::error);
  crmkit::coverage_options bad = o;
  bad.period_end = bad.period_start;
  CHECK_THROWS_WITH_AS((void)crmkit::compute_rep_coverage({}, one, &customers, {}, bad), doctest::Contains("empty"),
                       crmkit::error);
  bad = o;
  bad.utc_offset_s = 19 * hour;
  CHECK_THROWS_AS((void)crmkit::compute_rep_coverage({}, one, &customers, {}, bad), crmkit::error);
  const std::vector<std::int64_t> t = {10, 5};
  const std::vector<double> x = {0, 0};
  const crmkit::gps_track tracks[2] = {crmkit::gps_track{}, crmkit::gps_track{t, x, x}};
  CHECK_THROWS_WITH_AS((void)crmkit::compute_rep_coverage(tracks, one, &customers, {}, o),
                       doctest::Contains("track 1: analyze_track: timestamps go backwards"), crmkit::error);
}
