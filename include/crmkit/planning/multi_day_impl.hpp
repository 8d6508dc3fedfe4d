// Definitions for crmkit/planning/multi_day.hpp. Included by that header in header-only mode
// and by src/planning/multi_day.cpp otherwise.
// IWYU pragma: private, include "crmkit/planning/multi_day.hpp"
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/planning/multi_day.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC vrp_problem multi_day_expand(const multi_day_problem& m, std::vector<std::int32_t>& vehicle_day,
                                         std::vector<std::int32_t>& vehicle_rep) {
  auto bad = [](const std::string& message) { throw error(errc::invalid_argument, "solve_multi_day: " + message); };
  const vrp_problem& b = m.base;
  const std::size_t n = b.demand.size(), nr = b.capacity.size();
  if (m.n_days < 1 || m.n_days > 63) bad(fmt::format("n_days is {}, not in [1, 63]", m.n_days));
  const auto nd = static_cast<std::size_t>(m.n_days);
  if (!b.day.empty() || !b.allowed_days.empty())
    bad("base.day and base.allowed_days must be empty (the days come from n_days and the day fields)");
  if (!m.works.empty() && m.works.size() != nr * nd)
    bad(fmt::format("works has {} entries, expected reps x days = {} x {}", m.works.size(), nr, nd));
  for (const auto* f : {&m.earliest_day, &m.latest_day})
    if (!f->empty() && f->size() != n)
      bad(fmt::format("{} has {} entries, expected one per customer ({})",
                      f == &m.earliest_day ? "earliest_day" : "latest_day", f->size(), n));
  if (!m.allowed_days.empty() && m.allowed_days.size() != n)
    bad(fmt::format("allowed_days has {} entries, expected one per customer ({})", m.allowed_days.size(), n));
  vrp_problem p = b;
  p.allowed_days.assign(n, 0);
  for (std::size_t c = 0; c < n; ++c) {
    const std::int32_t lo = m.earliest_day.empty() ? 0 : m.earliest_day[c];
    const std::int32_t hi = m.latest_day.empty() ? m.n_days - 1 : m.latest_day[c];
    if (hi < lo) bad(fmt::format("customer {}: the day range ends (day {}) before it starts (day {})", c, hi, lo));
    if (lo < 0 || hi >= m.n_days)
      bad(fmt::format("customer {}: the day range [{}, {}] is outside the horizon [0, {}]", c, lo, hi, m.n_days - 1));
    std::uint64_t mask = 0;
    for (std::int32_t d = lo; d <= hi; ++d) mask |= std::uint64_t{1} << d;
    if (!m.allowed_days.empty() && m.allowed_days[c] != 0) mask &= m.allowed_days[c];
    // no day left: bit 63, outside the horizon, keeps the visit from every vehicle (no_allowed_day)
    p.allowed_days[c] = mask != 0 ? mask : std::uint64_t{1} << 63;
  }
  vehicle_day.clear();
  vehicle_rep.clear();
  auto per_vehicle = [&](auto& out, const auto& in) {
    if (in.empty()) return;
    out.clear();
    for (std::size_t k = 0; k < vehicle_rep.size(); ++k) out.push_back(in[static_cast<std::size_t>(vehicle_rep[k])]);
  };
  for (std::size_t d = 0; d < nd; ++d)
    for (std::size_t r = 0; r < nr; ++r)
      if (m.works.empty() || m.works[r * nd + d] != 0) {
        vehicle_day.push_back(static_cast<std::int32_t>(d));
        vehicle_rep.push_back(static_cast<std::int32_t>(r));
      }
  if (vehicle_rep.empty()) bad("no rep works on any day");
  // per-vehicle fields of the base (their sizes are checked against the reps first)
  for (const auto* f : {&b.shift_start, &b.shift_end})
    if (f->size() != nr) bad(fmt::format("base: shift_start and shift_end need one entry per rep ({})", nr));
  if (b.start_depot.size() != nr || b.end_depot.size() != nr)
    bad(fmt::format("base: start_depot and end_depot need one entry per rep ({})", nr));
  for (const auto* f : {&b.break_earliest, &b.break_latest, &b.break_duration, &b.max_duration})
    if (!f->empty() && f->size() != nr)
      bad(fmt::format("base: a break or max_duration field has {} entries, expected one per rep ({})", f->size(), nr));
  if (!b.max_stops.empty() && b.max_stops.size() != nr)
    bad(fmt::format("base: max_stops has {} entries, expected one per rep ({})", b.max_stops.size(), nr));
  per_vehicle(p.capacity, b.capacity);
  per_vehicle(p.shift_start, b.shift_start);
  per_vehicle(p.shift_end, b.shift_end);
  per_vehicle(p.start_depot, b.start_depot);
  per_vehicle(p.end_depot, b.end_depot);
  per_vehicle(p.break_earliest, b.break_earliest);
  per_vehicle(p.break_latest, b.break_latest);
  per_vehicle(p.break_duration, b.break_duration);
  per_vehicle(p.max_stops, b.max_stops);
  per_vehicle(p.max_duration, b.max_duration);
  p.day = vehicle_day;
  return p;
}

CRMKIT_FUNC multi_day_result solve_multi_day(const multi_day_problem& m, const vrp_options& options) {
  multi_day_result r;
  const vrp_problem p = multi_day_expand(m, r.vehicle_day, r.vehicle_rep);
  r.plan = solve_vrptw(p, options);
  const std::size_t n = p.demand.size(), nd = static_cast<std::size_t>(m.n_days);
  r.day.assign(n, -1);
  r.rep.assign(n, -1);
  r.day_visits.assign(nd, 0);
  r.day_routes.assign(nd, 0);
  r.day_distance.assign(nd, 0);
  r.day_value.assign(nd, 0);
  r.day_duration.assign(nd, 0);
  for (std::size_t v = 0; v < r.plan.routes.size(); ++v) {
    const auto d = static_cast<std::size_t>(r.vehicle_day[v]);
    const auto& route = r.plan.routes[v];
    if (route.empty()) continue;
    ++r.day_routes[d];
    r.day_distance[d] += r.plan.route_distance[v];
    r.day_duration[d] += r.plan.route_duration[v];
    for (std::int32_t c : route) {
      const auto ci = static_cast<std::size_t>(c);
      r.day[ci] = r.vehicle_day[v];
      r.rep[ci] = r.vehicle_rep[v];
      ++r.day_visits[d];
      r.day_value[d] += p.value.empty() ? 0.0 : p.value[ci];
    }
  }
  return r;
}

CRMKIT_END_NAMESPACE
