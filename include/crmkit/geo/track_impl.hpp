/// @file crmkit/geo/track_impl.hpp
/// Definitions of crmkit/geo/track.hpp (compiled once by src/geo/track.cpp, or inline under
/// CRMKIT_HEADER_ONLY). Include crmkit/geo/track.hpp instead.
#pragma once

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/geo/sphere.hpp"
#include "crmkit/geo/track.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC track_summary analyze_track(std::span<const std::int64_t> time, std::span<const double> lon,
                                        std::span<const double> lat, const geo_index* customers,
                                        const track_options& o) {
  if (time.size() != lon.size() || lat.size() != lon.size())
    throw error(errc::invalid_argument, fmt::format("analyze_track: {} times, {} longitudes, {} latitudes", time.size(),
                                                    lon.size(), lat.size()));
  validate_options(o, "analyze_track");  // the ranges of option_table<track_options>
  for (std::size_t i = 0; i < time.size(); ++i) {
    if (i > 0 && time[i] < time[i - 1])
      throw error(errc::invalid_argument, fmt::format("analyze_track: timestamps go backwards at fix {} ({} after {})", i,
                                                      time[i], time[i - 1]));
    if (!(lat[i] >= -90.0 && lat[i] <= 90.0 && lon[i] >= -180.0 && lon[i] <= 180.0))
      throw error(errc::invalid_argument,
                  fmt::format("analyze_track: fix {} has an invalid position (longitude {}, latitude {})", i, lon[i], lat[i]));
  }
  track_summary s;
  s.kept.assign(time.size(), 0);
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < time.size(); ++i) {
    if (!kept.empty()) {
      const std::size_t p = kept.back();
      const double d = haversine_m(lon[p], lat[p], lon[i], lat[i]);
      const auto dt = static_cast<double>(time[i] - time[p]);
      if (d > o.max_speed_mps * dt) continue;  // too fast (dt == 0 and d > 0 included)
      s.distance_m += d;
    }
    kept.push_back(i);
    s.kept[i] = 1;
  }
  s.n_dropped = time.size() - kept.size();
  for (std::size_t a = 0; a < kept.size();) {
    std::size_t b = a;
    while (b + 1 < kept.size() &&
           haversine_m(lon[kept[a]], lat[kept[a]], lon[kept[b + 1]], lat[kept[b + 1]]) <= o.stop_radius_m)
      ++b;
    if (b > a && time[kept[b]] - time[kept[a]] >= o.min_dwell_s) {
      track_stop st;
      st.first = kept[a];
      st.last = kept[b];
      st.start = time[kept[a]];
      st.end = time[kept[b]];
      double sx = 0, sy = 0;
      for (std::size_t j = a; j <= b; ++j) {
        sx += lon[kept[j]];
        sy += lat[kept[j]];
      }
      st.lon = sx / static_cast<double>(b - a + 1);
      st.lat = sy / static_cast<double>(b - a + 1);
      st.customer_distance_m = std::numeric_limits<double>::quiet_NaN();
      if (customers != nullptr) {
        const auto near = customers->nearest(st.lon, st.lat, 1);
        if (!near.ids.empty() && near.distances_m[0] <= o.visit_radius_m) {
          st.customer = near.ids[0];
          st.customer_distance_m = near.distances_m[0];
          ++s.n_visits;
          s.time_at_customers_s += st.end - st.start;
        }
      }
      s.stops.push_back(st);
      a = b + 1;
    } else {
      ++a;
    }
  }
  return s;
}

CRMKIT_END_NAMESPACE
