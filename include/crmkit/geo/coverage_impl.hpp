/// @file crmkit/geo/coverage_impl.hpp
/// Definitions of crmkit/geo/coverage.hpp (compiled once by src/geo/coverage.cpp, or
/// inline under CRMKIT_HEADER_ONLY). Include crmkit/geo/coverage.hpp instead.
#pragma once

#include <algorithm>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/geo/coverage.hpp"
#include "crmkit/geo/sphere.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

// The local days of a period: row j is local day first + j.
struct coverage_days {
  std::int64_t period_start, period_end, offset, first;
  std::size_t n;
  // Row of the local day containing t (t inside the period).
  [[nodiscard]] std::size_t row(std::int64_t t) const noexcept {
    return static_cast<std::size_t>(floor_days(t + offset) - first);
  }
  // Unix seconds at which row j starts.
  [[nodiscard]] std::int64_t start_of(std::size_t j) const noexcept {
    return (first + static_cast<std::int64_t>(j)) * seconds_per_day - offset;
  }
  // Calls f(row, seconds) for each day overlapping [a, b) clipped to the period.
  template <class F>
  void split(std::int64_t a, std::int64_t b, F&& f) const {
    a = std::max(a, period_start);
    b = std::min(b, period_end);
    while (a < b) {
      const std::size_t j = row(a);
      const std::int64_t end = std::min(b, start_of(j + 1));
      f(j, end - a);
      a = end;
    }
  }
};

}  // namespace detail

CRMKIT_FUNC rep_coverage compute_rep_coverage(std::span<const gps_track> tracks, std::span<const std::int32_t> assigned,
                                              const geo_index* customers, const visit_schedule& schedule,
                                              const coverage_options& o) {
  constexpr const char* what = "compute_rep_coverage";
  if (customers == nullptr) throw error(errc::invalid_argument, fmt::format("{}: the customer index is null", what));
  if (!(o.period_end > o.period_start))
    throw error(errc::invalid_argument, fmt::format("{}: the period [{}, {}) is empty", what, o.period_start, o.period_end));
  if (o.utc_offset_s < -18 * 3600 || o.utc_offset_s > 18 * 3600)
    throw error(errc::invalid_argument, fmt::format("{}: utc_offset_s {} is beyond 18 hours", what, o.utc_offset_s));
  if (o.max_gap_s < 0) throw error(errc::invalid_argument, fmt::format("{}: max_gap_s {} is negative", what, o.max_gap_s));
  const std::size_t n_assigned = assigned.size();
  if (!schedule.next_due.empty() && schedule.next_due.size() != n_assigned)
    throw error(errc::invalid_argument, fmt::format("{}: {} next_due entries for {} assigned customers", what,
                                                    schedule.next_due.size(), n_assigned));
  if (!schedule.frequency_days.empty() && schedule.frequency_days.size() != n_assigned)
    throw error(errc::invalid_argument, fmt::format("{}: {} frequency_days entries for {} assigned customers", what,
                                                    schedule.frequency_days.size(), n_assigned));
  // Assigned ids sorted with their input position, for lookups by binary search.
  std::vector<std::pair<std::int32_t, std::size_t>> by_id(n_assigned);
  for (std::size_t i = 0; i < n_assigned; ++i) {
    const std::int32_t id = assigned[i];
    if (id < 0 || static_cast<std::size_t>(id) >= customers->size())
      throw error(errc::invalid_argument, fmt::format("{}: assigned customer {} (position {}) is not an id of the "
                                                      "index (0 to {})", what, id, i, customers->size()));
    if (!schedule.frequency_days.empty() && schedule.frequency_days[i] < 0)
      throw error(errc::invalid_argument, fmt::format("{}: frequency_days[{}] = {} is negative", what, i,
                                                      schedule.frequency_days[i]));
    by_id[i] = {id, i};
  }
  std::sort(by_id.begin(), by_id.end());
  for (std::size_t i = 1; i < n_assigned; ++i)
    if (by_id[i].first == by_id[i - 1].first)
      throw error(errc::invalid_argument, fmt::format("{}: customer {} is assigned twice", what, by_id[i].first));
  auto position_of = [&](std::int32_t id) -> std::ptrdiff_t {
    const auto it = std::lower_bound(by_id.begin(), by_id.end(), std::pair<std::int32_t, std::size_t>(id, 0));
    return it != by_id.end() && it->first == id ? static_cast<std::ptrdiff_t>(it->second) : -1;
  };

  const detail::coverage_days days{o.period_start, o.period_end, o.utc_offset_s,
                                   floor_days(o.period_start + o.utc_offset_s),
                                   static_cast<std::size_t>(floor_days(o.period_end - 1 + o.utc_offset_s) -
                                                            floor_days(o.period_start + o.utc_offset_s) + 1)};
  rep_coverage out;
  out.days.resize(days.n);
  for (std::size_t j = 0; j < days.n; ++j) {
    out.days[j].day = days.first + static_cast<std::int64_t>(j);
    out.days[j].day_start = days.start_of(j);
  }
  out.customers.resize(n_assigned);
  for (std::size_t i = 0; i < n_assigned; ++i) out.customers[i].customer = assigned[i];

  // Per assigned customer: (start row, last row) of each visit, for the due-date pass.
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> visit_rows(n_assigned);
  for (std::size_t k = 0; k < tracks.size(); ++k) {
    const gps_track& tr = tracks[k];
    track_summary s;
    try {
      s = analyze_track(tr.time, tr.lon, tr.lat, customers, o.track);
    } catch (const error& e) {
      throw error(e.code(), fmt::format("{}: track {}: {}", what, k, e.what()));
    }
    // Distance: legs between consecutive kept fixes, split between days by time.
    std::size_t prev = tr.time.size();
    for (std::size_t i = 0; i < tr.time.size(); ++i) {
      if (s.kept[i] == 0) continue;
      if (prev != tr.time.size()) {
        const std::int64_t t0 = tr.time[prev], t1 = tr.time[i];
        const bool gap = o.max_gap_s > 0 && t1 - t0 > o.max_gap_s;
        if (t1 > t0 && !gap) {
          const double d = haversine_m(tr.lon[prev], tr.lat[prev], tr.lon[i], tr.lat[i]);
          const double per_s = d / static_cast<double>(t1 - t0);
          days.split(t0, t1, [&](std::size_t j, std::int64_t secs) {
            // A leg inside one day adds d itself (no rounding through the rate).
            out.days[j].distance_m += secs == t1 - t0 ? d : per_s * static_cast<double>(secs);
          });
        }
      }
      prev = i;
    }
    // Visits: stops matched to a customer, clipped to the period.
    for (const track_stop& st : s.stops) {
      if (st.customer < 0) continue;
      const std::int64_t a = std::max(st.start, o.period_start), b = std::min(st.end, o.period_end);
      const bool inside = st.start == st.end ? (st.start >= o.period_start && st.start < o.period_end) : a < b;
      if (!inside) continue;
      out.visits.push_back(st);
      rep_day& first_day = out.days[days.row(a)];
      ++first_day.n_visits;
      days.split(a, b, [&](std::size_t j, std::int64_t secs) { out.days[j].time_at_customers_s += secs; });
      const std::ptrdiff_t pos = position_of(st.customer);
      if (pos < 0) continue;
      ++first_day.n_assigned_visits;
      customer_coverage& c = out.customers[static_cast<std::size_t>(pos)];
      ++c.n_visits;
      c.last_visit = std::max(c.last_visit, st.start);
      c.time_at_s += b - a;
      visit_rows[static_cast<std::size_t>(pos)].emplace_back(days.row(a), days.row(std::max(a, b - 1)));
    }
  }
  std::stable_sort(out.visits.begin(), out.visits.end(),
                   [](const track_stop& x, const track_stop& y) { return x.start < y.start; });
  for (const customer_coverage& c : out.customers) out.n_covered += c.n_visits > 0 ? 1 : 0;
  out.share_covered = n_assigned == 0 ? std::numeric_limits<double>::quiet_NaN()
                                      : static_cast<double>(out.n_covered) / static_cast<double>(n_assigned);

  // Due dates, day by day (rows; "none" is a row past the period).
  constexpr std::int64_t never = std::numeric_limits<std::int64_t>::max();
  std::vector<std::uint8_t> visited(days.n);
  for (std::size_t i = 0; i < n_assigned; ++i) {
    const bool has_due = !schedule.next_due.empty() && schedule.next_due[i] != no_due_date;
    const std::int32_t f = schedule.frequency_days.empty() ? 0 : schedule.frequency_days[i];
    std::int64_t due = has_due ? floor_days(schedule.next_due[i] + o.utc_offset_s) - days.first : (f > 0 ? 0 : never);
    if (due == never) continue;
    auto& rows = visit_rows[i];
    std::sort(rows.begin(), rows.end());
    std::fill(visited.begin(), visited.end(), 0);
    for (const auto& [r0, r1] : rows) std::fill(visited.begin() + static_cast<std::ptrdiff_t>(r0),
                                                visited.begin() + static_cast<std::ptrdiff_t>(r1 + 1), 1);
    std::size_t next_visit = 0;
    for (std::size_t j = 0; j < days.n; ++j) {
      // Visits that started before day j move the due day on.
      for (; next_visit < rows.size() && rows[next_visit].first < j; ++next_visit)
        due = f > 0 ? static_cast<std::int64_t>(rows[next_visit].first) + f : never;
      if (due > static_cast<std::int64_t>(j)) continue;
      ++out.days[j].n_due;
      if (visited[j] == 0) out.days[j].due_not_visited.push_back(assigned[i]);
    }
  }
  for (rep_day& d : out.days) std::sort(d.due_not_visited.begin(), d.due_not_visited.end());
  return out;
}

CRMKIT_END_NAMESPACE
