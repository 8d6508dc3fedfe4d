/// @file crmkit/geo/coverage.hpp
/// Field-force coverage: how well a rep covered the customers assigned to them over a
/// period (which were visited, how often, when last) and one summary row per local day
/// (distance driven, visits, time at customers, customers due that day but not visited),
/// computed from the rep's GPS track(s) with the rules of crmkit/geo/track.hpp.
///
/// `#include <crmkit/geo/coverage.hpp>`
///
/// Thread safety: stateless; safe (reps are independent: call it concurrently per rep).
///
/// @code
/// crmkit::coverage_options o;
/// o.period_start = crmkit::unix_seconds(2024, 3, 4);   // Monday 00:00 UTC
/// o.period_end = crmkit::unix_seconds(2024, 3, 9);     // to Saturday 00:00 UTC (exclusive)
/// o.utc_offset_s = 3600;                               // days run from local midnight, UTC+1
/// crmkit::gps_track week{times, lons, lats};
/// const std::vector<std::int32_t> weekly(assigned.size(), 7);   // every assigned customer weekly
/// crmkit::visit_schedule due;                          // spans: the vectors must outlive the call
/// due.frequency_days = weekly;
/// crmkit::rep_coverage c = crmkit::compute_rep_coverage({&week, 1}, assigned, &customer_index, due, o);
/// // c.n_covered of c.customers.size() visited; c.days[d].due_not_visited for each day
/// @endcode
///
/// ## Rules
/// - Tracks: each track is analysed on its own by analyze_track() (outliers, stops,
///   visits); no distance is counted between two tracks. Only what happens inside the
///   period [period_start, period_end) counts; a leg or stop crossing its bounds is
///   clipped to it.
/// - Days: local calendar days, day d = floor((t + utc_offset_s) / 86400) (days since
///   1970-01-01 in local time); one row for every local day the period touches, empty
///   days included.
/// - Distance: each leg between consecutive kept fixes is split between the days it spans
///   in proportion to time (the rep is assumed to move uniformly along it). A leg whose
///   time gap exceeds max_gap_s (when > 0) counts no distance: where the rep went while
///   the phone was off is unknown, and the straight line would understate it.
/// - Visits: a stop matched to a customer (any indexed customer, assigned or not). It is
///   counted once, on the day it starts (its clipped start); its time is split between
///   the days it overlaps. For coverage only visits to assigned customers count.
/// - Due dates: customer i has a next due day N_i: the local day of next_due[i] when given,
///   else (with a frequency) the first day of the period, else none. On day D it is due
///   when N_i <= D (overdue customers stay due) and "due but not visited" when, in
///   addition, no visit to it overlaps day D. A visit starting on day V sets N_i = V + f_i
///   when frequency_days[i] = f_i > 0 and clears the due date otherwise (a one-off due
///   date is met by any visit in the period, early or late). Customers without next_due
///   and frequency are never due.
/// - Memory: O(fixes + assigned customers + days x due customers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/geo/geo_index.hpp"
#include "crmkit/geo/track.hpp"

CRMKIT_BEGIN_NAMESPACE

/// One GPS track: parallel spans of Unix seconds (non-decreasing) and degrees.
struct gps_track {
  std::span<const std::int64_t> time;
  std::span<const double> lon;
  std::span<const double> lat;
};

/// "No due date" in visit_schedule::next_due.
inline constexpr std::int64_t no_due_date = std::numeric_limits<std::int64_t>::min();

/// When the assigned customers should be visited; each span is empty (not used) or has
/// one entry per assigned customer, in the same order.
struct visit_schedule {
  std::span<const std::int64_t> next_due;       ///< Unix seconds of the next due visit, or no_due_date
  std::span<const std::int32_t> frequency_days; ///< visit every f days (0 = no frequency)
};

/// Period, day boundaries and thresholds of compute_rep_coverage().
struct coverage_options {
  std::int64_t period_start = 0;   ///< Unix seconds, inclusive
  std::int64_t period_end = 0;     ///< Unix seconds, exclusive (> period_start)
  std::int64_t utc_offset_s = 0;   ///< local time = UTC + offset, |offset| <= 18 h; sets the day boundaries
  std::int64_t max_gap_s = 0;      ///< legs with a longer time gap count no distance (0 = no limit)
  track_options track;             ///< outliers, dwell stops and visit radius
};

/// Coverage of one assigned customer.
struct customer_coverage {
  std::int32_t customer = -1;             ///< index id in the geo_index
  std::uint32_t n_visits = 0;             ///< visits in the period
  std::int64_t last_visit = no_due_date;  ///< start (Unix seconds) of the last visit, or no_due_date
  std::int64_t time_at_s = 0;             ///< time spent there within the period, seconds
};

/// One rep's day (local calendar day).
struct rep_day {
  std::int64_t day = 0;                   ///< local days since 1970-01-01
  std::int64_t day_start = 0;             ///< Unix seconds of the local midnight that starts it
  double distance_m = 0;                  ///< distance travelled that day
  std::uint32_t n_visits = 0;             ///< visits starting that day (any customer)
  std::uint32_t n_assigned_visits = 0;    ///< of which to assigned customers
  std::int64_t time_at_customers_s = 0;   ///< time at customers within the day, seconds
  std::uint32_t n_due = 0;                ///< assigned customers due that day
  std::vector<std::int32_t> due_not_visited;  ///< customer ids due that day but not visited, ascending
};

/// The result of compute_rep_coverage().
struct rep_coverage {
  std::vector<customer_coverage> customers;  ///< one per assigned customer, in input order
  std::size_t n_covered = 0;                 ///< assigned customers visited at least once
  double share_covered = 0;                  ///< n_covered / assigned (NaN when none assigned)
  std::vector<rep_day> days;                 ///< one per local day of the period, in order
  std::vector<track_stop> visits;            ///< the visits in the period (any customer), in time order
};

/// Coverage and daily summary of one rep (see the file comment). `assigned` are index ids
/// of `customers` (duplicates rejected); `customers` matches stops to customers.
/// @throws crmkit::error (invalid_argument) on an empty or inverted period, an offset
///         beyond 18 h, a negative max_gap_s, an assigned id out of range or repeated,
///         schedule spans of the wrong length, a negative frequency, a null index, or a
///         bad track (as analyze_track(), naming the track).
[[nodiscard]] CRMKIT_FUNC rep_coverage compute_rep_coverage(std::span<const gps_track> tracks,
                                                            std::span<const std::int32_t> assigned,
                                                            const geo_index* customers,
                                                            const visit_schedule& schedule = {},
                                                            const coverage_options& options = {});

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/geo/coverage_impl.hpp"
#endif
