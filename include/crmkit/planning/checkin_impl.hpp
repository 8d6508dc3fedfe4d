// Definitions for crmkit/planning/checkin.hpp. Included by that header in header-only mode
// and by src/planning/checkin.cpp otherwise.
// IWYU pragma: private, include "crmkit/planning/checkin.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/geo/geo_index.hpp"
#include "crmkit/geo/sphere.hpp"
#include "crmkit/geo/track.hpp"
#include "crmkit/planning/checkin.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC checkin_report verify_checkins(std::span<const std::int64_t> time, std::span<const double> lon,
                                           std::span<const double> lat, std::span<const double> customer_lon,
                                           std::span<const double> customer_lat,
                                           std::span<const std::int32_t> claim_customer,
                                           std::span<const std::int64_t> claim_time, const checkin_options& o) {
  auto bad = [](const std::string& m) { throw error(errc::invalid_argument, "verify_checkins: " + m); };
  if (!(o.radius_m > 0) || !std::isfinite(o.radius_m)) bad(fmt::format("radius_m is {}, expected > 0", o.radius_m));
  if (o.min_dwell_s < 0) bad(fmt::format("min_dwell_s is {}, expected >= 0", o.min_dwell_s));
  if (o.time_slack_s < 0) bad(fmt::format("time_slack_s is {}, expected >= 0", o.time_slack_s));
  if (claim_customer.size() != claim_time.size())
    bad(fmt::format("{} claimed customers but {} claim times", claim_customer.size(), claim_time.size()));
  const std::size_t nc = customer_lon.size();
  for (std::size_t k = 0; k < claim_customer.size(); ++k) {
    const std::int32_t c = claim_customer[k];
    if (c < 0 || static_cast<std::size_t>(c) >= nc)
      bad(fmt::format("claim {}: customer {} is not in [0, {})", k, c, nc));
    if (std::isnan(customer_lon[static_cast<std::size_t>(c)]))
      bad(fmt::format("claim {}: customer {} has no location", k, c));
  }
  // outliers, stops and detected visits exactly as analyze_track, with R and D
  const geo_index customers(customer_lon, customer_lat);
  track_options t;
  t.max_speed_mps = o.max_speed_mps;
  t.stop_radius_m = o.radius_m;
  t.min_dwell_s = o.min_dwell_s;
  t.visit_radius_m = o.radius_m;
  const track_summary s = analyze_track(time, lon, lat, &customers, t);

  checkin_report r;
  const std::size_t n = time.size();
  const std::size_t m = claim_customer.size();
  r.verified.assign(m, 0);
  r.dwell_s.assign(m, 0);
  r.nearest_m.assign(m, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t k = 0; k < m; ++k) {
    const auto c = static_cast<std::size_t>(claim_customer[k]);
    const double clon = customer_lon[c], clat = customer_lat[c];
    const std::int64_t lo = claim_time[k] - o.time_slack_s, hi = claim_time[k] + o.time_slack_s;
    std::size_t i = 0;
    while (i < n) {
      if (!s.kept[i]) {
        ++i;
        continue;
      }
      const double d = haversine_m(lon[i], lat[i], clon, clat);
      if (time[i] >= lo && time[i] <= hi && !(d >= r.nearest_m[k])) r.nearest_m[k] = d;
      if (d > o.radius_m) {
        ++i;
        continue;
      }
      // a maximal run of kept fixes within R (dropped fixes are skipped, not breaking it)
      std::size_t last = i, j = i + 1;
      for (; j < n; ++j) {
        if (!s.kept[j]) continue;
        const double dj = haversine_m(lon[j], lat[j], clon, clat);
        if (time[j] >= lo && time[j] <= hi && !(dj >= r.nearest_m[k])) r.nearest_m[k] = dj;
        if (dj > o.radius_m) break;
        last = j;
      }
      const std::int64_t dwell = time[last] - time[i];
      if (dwell >= o.min_dwell_s && time[i] <= hi && time[last] >= lo) {
        r.verified[k] = 1;
        r.dwell_s[k] = std::max(r.dwell_s[k], dwell);
      }
      i = j;
    }
    r.n_verified += r.verified[k];
  }
  for (const track_stop& stop : s.stops) {
    if (stop.customer < 0) continue;
    bool claimed = false;
    for (std::size_t k = 0; k < m && !claimed; ++k)
      claimed = claim_customer[k] == stop.customer && stop.start <= claim_time[k] + o.time_slack_s &&
                stop.end >= claim_time[k] - o.time_slack_s;
    if (!claimed) r.unclaimed.push_back({stop.customer, stop.start, stop.end});
  }
  return r;
}

CRMKIT_END_NAMESPACE
