/// @file crmkit/planning/checkin.hpp
/// Check-in verification: a visit a rep claims (customer, time) is verified against the
/// rep's GPS track when the track stays within `radius_m` of the customer for at least
/// `min_dwell_s`, in a window of `time_slack_s` around the claimed time; an exception
/// report lists the claims not verified and the visits the track shows but nobody claimed
/// (SPOTIO-style automatic visits, built on crmkit/geo/track.hpp).
///
/// `#include <crmkit/planning/checkin.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::checkin_options o;                       // 100 m for 5 min, +-60 min around the claim
/// crmkit::checkin_report r = crmkit::verify_checkins(t, lon, lat, cust_lon, cust_lat,
///                                                     claim_customer, claim_time, o);
/// for (std::size_t k = 0; k < r.verified.size(); ++k) if (!r.verified[k]) ...;  // claimed, not verified
/// for (const auto& v : r.unclaimed) ...;                                          // visited, not claimed
/// @endcode
///
/// Rules (defaults: R = 100 m, D = 300 s = 5 minutes, slack = 3600 s, outliers faster than
/// 70 m/s dropped as in analyze_track):
/// - a claim of customer c at time t is verified when some maximal run of consecutive kept
///   fixes, all within R of c (great-circle metres), lasts at least D (first to last fix)
///   and overlaps [t - slack, t + slack]; `dwell_s` is the longest such run's duration
///   (0 when none), `nearest_m` the distance of the nearest kept fix in the window (NaN
///   when the window has no fix);
/// - a visit is detected as analyze_track does (stops of radius R lasting D, matched to the
///   nearest customer within R); it is unclaimed when no claim of that customer has a
///   window overlapping the stop.
///
/// Memory: the kept-fix flags of the track (n bytes), a geo_index of the customers (about
/// 40 bytes each) and the report (about 20 bytes per claim and per unclaimed visit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Thresholds of verify_checkins().
struct checkin_options {
  double radius_m = 100.0;          ///< R: the track must stay within this distance (> 0)
  std::int64_t min_dwell_s = 300;   ///< D: for at least this long (>= 0)
  std::int64_t time_slack_s = 3600; ///< the dwell must overlap [claim - slack, claim + slack] (>= 0)
  double max_speed_mps = 70.0;      ///< outlier fixes (faster legs) are ignored (> 0)
};

/// A visit the track shows and nobody claimed.
struct unclaimed_visit {
  std::int32_t customer = -1;
  std::int64_t start = 0, end = 0;  ///< Unix seconds of the stop
};

/// The verification of a day's claims.
struct checkin_report {
  std::vector<std::uint8_t> verified;  ///< per claim: 1 verified, 0 claimed but not verified
  std::vector<std::int64_t> dwell_s;   ///< per claim: longest qualifying run within R overlapping the window
  std::vector<double> nearest_m;       ///< per claim: nearest kept fix in the window (NaN: none)
  std::vector<unclaimed_visit> unclaimed;  ///< visited but not claimed, in track order
  std::size_t n_verified = 0;
};

/// Verifies claims against one rep's track (see the file comment).
/// @param time, lon, lat the track: Unix seconds (non-decreasing), degrees.
/// @param customer_lon, customer_lat the customers' locations (degrees; NaN, NaN: none).
/// @param claim_customer, claim_time the claims: customer index and claimed time.
/// @throws crmkit::error (invalid_argument: length mismatches, times going backwards,
///         invalid coordinates, a claim of a customer index out of range or without a
///         location, thresholds out of range; the message names the fix, claim or option).
[[nodiscard]] CRMKIT_FUNC checkin_report verify_checkins(std::span<const std::int64_t> time, std::span<const double> lon,
                                                         std::span<const double> lat,
                                                         std::span<const double> customer_lon,
                                                         std::span<const double> customer_lat,
                                                         std::span<const std::int32_t> claim_customer,
                                                         std::span<const std::int64_t> claim_time,
                                                         const checkin_options& options = {});

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/planning/checkin_impl.hpp"
#endif
