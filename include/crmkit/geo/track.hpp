/// @file crmkit/geo/track.hpp
/// A rep's GPS track (timestamped fixes): distance travelled with outlier fixes dropped
/// by a maximum speed, stops detected by dwell (radius and minimum time), and stops
/// matched to customers as visits.
///
/// `#include <crmkit/geo/track.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::track_options o;                      // 70 m/s, stops: 100 m for 5 min, visits within 150 m
/// crmkit::track_summary s = crmkit::analyze_track(times, lon, lat, &customer_index, o);
/// fmt::print("{:.1f} km, {} stops, {} visits\n", s.distance_m / 1000, s.stops.size(), s.n_visits);
/// @endcode
///
/// ## Rules
/// - Outliers: fixes are read in time order; a fix is dropped when reaching it from the
///   last kept fix needs more than max_speed_mps (a fix at the same second but another
///   place counts as infinitely fast). distance_m sums the great-circle legs between kept
///   fixes (crmkit/geo/sphere.hpp).
/// - Stops (dwell): from a kept fix, the following kept fixes within stop_radius_m of it
///   form a candidate; it is a stop when it lasts at least min_dwell_s (first to last fix),
///   and the scan resumes after it; otherwise the scan moves one fix on. A stop's position
///   is the mean of its fixes' coordinates (fine for the sub-kilometre extent of a stop;
///   not meaningful across the antimeridian).
/// - Visits: a stop is a visit to the nearest indexed customer within visit_radius_m of
///   its position (ties by smaller index), found through a geo_index.
/// Coverage of a rep's assigned customers over a period and the per-rep daily summary are
/// built on this in crmkit/geo/coverage.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/option_table.hpp"
#include "crmkit/geo/geo_index.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Thresholds of analyze_track().
struct track_options {
  double max_speed_mps = 70.0;    ///< faster legs mark the fix as an outlier (> 0)
  double stop_radius_m = 100.0;   ///< a stop stays within this distance of its first fix (>= 0)
  std::int64_t min_dwell_s = 300; ///< minimum stop duration in seconds (>= 0)
  double visit_radius_m = 150.0;  ///< a stop within this distance of a customer is a visit (>= 0)
};

/// The description of track_options from which the C ABI (`crmkit_geo_track_options_set_int`
/// / `_set_double`, the getters, `_option_bounds`, keys `CRMKIT_GEO_TRACK_<NAME>`) and the
/// Python keywords of `crmkit.Track` derive (crmkit/core/option_table.hpp).
template <>
struct option_table<track_options> {
  static constexpr std::string_view c_prefix = "CRMKIT_GEO_TRACK_";
  static constexpr std::array<option_spec<track_options>, 4> entries{{
      CRMKIT_OPTION(track_options, 3, min_dwell_s, integer, 0, option_int_limit, "minimum stop duration, seconds"),
      CRMKIT_OPTION(track_options, 1, max_speed_mps, real, option_positive, option_finite,
                    "faster legs mark a fix as an outlier, m/s"),
      CRMKIT_OPTION(track_options, 2, stop_radius_m, real, 0, option_finite,
                    "a stop stays within this distance of its first fix, metres"),
      CRMKIT_OPTION(track_options, 4, visit_radius_m, real, 0, option_finite,
                    "a stop within this distance of a customer is a visit, metres"),
  }};
};

/// One stop: fixes [first, last] (indices into the input), its times and position.
struct track_stop {
  std::size_t first = 0, last = 0;
  std::int64_t start = 0, end = 0;   ///< Unix seconds
  double lon = 0, lat = 0;            ///< mean position, degrees
  std::int32_t customer = -1;         ///< the visited customer (index), or -1
  double customer_distance_m = 0;     ///< distance from the stop to that customer (NaN if none)
};

/// The analysis of a track.
struct track_summary {
  double distance_m = 0;              ///< over kept fixes
  std::vector<std::uint8_t> kept;     ///< per fix: 1 kept, 0 dropped as an outlier
  std::size_t n_dropped = 0;
  std::vector<track_stop> stops;
  std::size_t n_visits = 0;           ///< stops matched to a customer
  std::int64_t time_at_customers_s = 0;  ///< total duration of those stops
};

/// Analyses one track (see the file comment). `customers` may be null (no visit matching).
/// @throws crmkit::error (invalid_argument) on length mismatches, timestamps that go
///         backwards (naming the fix), invalid coordinates (NaN, out of range), or
///         thresholds out of range.
[[nodiscard]] CRMKIT_FUNC track_summary analyze_track(std::span<const std::int64_t> time, std::span<const double> lon,
                                                      std::span<const double> lat, const geo_index* customers = nullptr,
                                                      const track_options& options = {});

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/geo/track_impl.hpp"
#endif
