// Definitions for crmkit/lifecycle/report.hpp. Included by that header in header-only
// mode and by src/lifecycle/report.cpp otherwise.
// IWYU pragma: private, include "crmkit/lifecycle/report.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/lifecycle/report.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC std::vector<std::int64_t> flow_matrix(const lifecycle_machine& machine, std::int64_t from, std::int64_t to) {
  if (to < from)
    throw error(errc::invalid_argument, fmt::format("flow_matrix: the window ends ({}) before it starts ({})",
                                                    format_iso8601(to), format_iso8601(from)));
  const std::size_t S = machine.model().n_states();
  std::vector<std::int64_t> out(S * S, 0);
  const auto log = machine.log();
  // The log is in time order: binary search the window (by its runs of equal time).
  const auto entries = log.entries();
  const std::size_t hi = log.lower_bound(to);
  for (std::size_t i = log.lower_bound(from); i < hi; ++i)
    ++out[static_cast<std::size_t>(entries[i].from) * S + static_cast<std::size_t>(entries[i].to)];
  return out;
}

CRMKIT_FUNC std::vector<std::int64_t> stage_counts_at(const lifecycle_machine& machine,
                                                      std::span<const std::int64_t> times) {
  if (!std::is_sorted(times.begin(), times.end()))
    throw error(errc::invalid_argument, "stage_counts_at: times must be ascending");
  const std::size_t S = machine.model().n_states();
  std::vector<std::int64_t> counts(S, 0);
  counts[static_cast<std::size_t>(machine.model().initial())] = static_cast<std::int64_t>(machine.n_customers());
  std::vector<std::int64_t> out;
  out.reserve(times.size() * S);
  const auto log = machine.log();
  auto next = log.begin();
  const auto last = log.end();
  for (const std::int64_t t : times) {
    // Each hop moves one customer between stages, so counts update without per-customer state.
    for (; next != last && next->at <= t; ++next) {
      const transition_record r = *next;
      --counts[static_cast<std::size_t>(r.from)];
      ++counts[static_cast<std::size_t>(r.to)];
    }
    out.insert(out.end(), counts.begin(), counts.end());
  }
  return out;
}

CRMKIT_FUNC std::vector<std::int64_t> month_starts(std::int64_t from, std::int64_t to) {
  std::vector<std::int64_t> out;
  if (to < from) return out;
  civil_date d = civil_from_days(floor_days(from));
  std::int64_t y = d.year;
  unsigned m = d.month;
  std::int64_t t = unix_seconds(y, m, 1);
  if (t < from) {
    if (++m == 13) m = 1, ++y;
    t = unix_seconds(y, m, 1);
  }
  while (t <= to) {
    out.push_back(t);
    if (++m == 13) m = 1, ++y;
    t = unix_seconds(y, m, 1);
  }
  return out;
}

namespace detail {
// Log indices grouped by customer, time order kept within a customer (counting sort).
inline void log_by_customer(const lifecycle_machine& machine, std::vector<std::size_t>& offsets,
                            std::vector<std::uint32_t>& order) {
  const auto log = machine.log().entries();
  const std::size_t n = machine.n_customers();
  offsets.assign(n + 1, 0);
  for (const auto& r : log) ++offsets[static_cast<std::size_t>(r.customer) + 1];
  for (std::size_t c = 0; c < n; ++c) offsets[c + 1] += offsets[c];
  std::vector<std::size_t> fill(offsets.begin(), offsets.end() - 1);
  order.resize(log.size());
  for (std::size_t i = 0; i < log.size(); ++i) order[fill[static_cast<std::size_t>(log[i].customer)]++] = static_cast<std::uint32_t>(i);
}
}  // namespace detail

CRMKIT_FUNC stage_conversion conversion_rates(const lifecycle_machine& machine) {
  const std::size_t S = machine.model().n_states();
  stage_conversion out;
  out.n_states = S;
  out.visited.assign(S, 0);
  out.reached.assign(S * S, 0);
  std::vector<std::size_t> offsets;
  std::vector<std::uint32_t> order;
  detail::log_by_customer(machine, offsets, order);
  const auto log = machine.log().entries();
  const auto init = static_cast<std::size_t>(machine.model().initial());
  // Per customer: the stages seen so far and, per pair (a, b), whether b was entered after a.
  std::vector<std::uint64_t> pair(S, 0);  // pair[a] bit b
  for (std::size_t c = 0; c < machine.n_customers(); ++c) {
    std::uint64_t seen = std::uint64_t{1} << init;
    std::fill(pair.begin(), pair.end(), 0);
    for (std::size_t k = offsets[c]; k < offsets[c + 1]; ++k) {
      const auto b = static_cast<std::size_t>(log[order[k]].to);
      for (std::size_t a = 0; a < S; ++a)
        if (((seen >> a) & 1) && a != b) pair[a] |= std::uint64_t{1} << b;
      seen |= std::uint64_t{1} << b;
    }
    for (std::size_t a = 0; a < S; ++a) {
      if ((seen >> a) & 1) ++out.visited[a];
      for (std::size_t b = 0; b < S; ++b)
        if ((pair[a] >> b) & 1) ++out.reached[a * S + b];
    }
  }
  out.rate.resize(S * S);
  for (std::size_t a = 0; a < S; ++a)
    for (std::size_t b = 0; b < S; ++b)
      out.rate[a * S + b] = out.visited[a] == 0 ? std::numeric_limits<double>::quiet_NaN()
                                                : static_cast<double>(out.reached[a * S + b]) / static_cast<double>(out.visited[a]);
  return out;
}

CRMKIT_FUNC std::vector<stage_visit> stage_history(const lifecycle_machine& machine, std::int32_t customer) {
  if (customer < 0 || static_cast<std::size_t>(customer) >= machine.n_customers())
    throw error(errc::invalid_argument,
                fmt::format("stage_history: customer {} is outside [0, {})", customer, machine.n_customers()));
  std::vector<stage_visit> out;
  out.push_back({machine.model().initial(), machine.start()});
  for (const auto& r : machine.log()) {
    if (r.customer != customer) continue;
    out.back().exited = r.at;
    out.push_back({r.to, r.at});
  }
  return out;
}

CRMKIT_FUNC stage_histories all_stage_histories(const lifecycle_machine& machine) {
  const std::size_t n = machine.n_customers();
  std::vector<std::size_t> offsets;
  std::vector<std::uint32_t> order;
  detail::log_by_customer(machine, offsets, order);
  const auto log = machine.log().entries();
  // Each record's time, from its run.
  std::vector<std::int64_t> at(log.size());
  {
    const auto runs = machine.log().runs();
    for (std::size_t k = 0; k < runs.size(); ++k)
      std::fill(at.begin() + static_cast<std::ptrdiff_t>(runs[k].begin),
                at.begin() + static_cast<std::ptrdiff_t>(k + 1 < runs.size() ? runs[k + 1].begin : log.size()), runs[k].at);
  }
  stage_histories out;
  out.offsets.resize(n + 1);
  out.visits.resize(n + log.size());
  const int init = machine.model().initial();
  for (std::size_t c = 0; c < n; ++c) {
    // Customer c has offsets[c+1] - offsets[c] hops, hence one more visit; c visits precede.
    std::size_t v = offsets[c] + c;
    out.offsets[c] = static_cast<std::int64_t>(v);
    out.visits[v] = {init, machine.start()};
    for (std::size_t k = offsets[c]; k < offsets[c + 1]; ++k) {
      const transition_entry& r = log[order[k]];
      const std::int64_t t = at[order[k]];
      out.visits[v].exited = t;
      out.visits[++v] = {r.to, t};
    }
  }
  out.offsets[n] = static_cast<std::int64_t>(out.visits.size());
  return out;
}

CRMKIT_FUNC stage_time time_in_stage(const lifecycle_machine& machine, std::int64_t as_of) {
  if (as_of < machine.last_time())
    throw error(errc::invalid_argument, fmt::format("time_in_stage: as_of {} is before the machine's last event at {}",
                                                    format_iso8601(as_of), format_iso8601(machine.last_time())));
  const std::size_t S = machine.model().n_states();
  const std::size_t n = machine.n_customers();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  stage_time out;
  out.n_states = S;
  out.cumulative_days.assign(n * S, 0.0);
  out.latest_days.assign(n * S, nan);
  std::vector<std::int64_t> entered(n, machine.start());
  std::vector<std::uint8_t> stage(n, static_cast<std::uint8_t>(machine.model().initial()));
  auto close = [&](std::size_t c, std::int64_t at) {
    const double days = entered[c] == unknown_time ? nan : static_cast<double>(at - entered[c]) / 86400.0;
    out.cumulative_days[c * S + stage[c]] += days;
    out.latest_days[c * S + stage[c]] = days;
  };
  for (const auto& r : machine.log()) {
    const auto c = static_cast<std::size_t>(r.customer);
    close(c, r.at);
    stage[c] = static_cast<std::uint8_t>(r.to);
    entered[c] = r.at;
  }
  for (std::size_t c = 0; c < n; ++c) close(c, as_of);
  return out;
}

CRMKIT_FUNC customer_table lifecycle_table(const lifecycle_machine& machine, std::int64_t as_of,
                                           std::shared_ptr<const string_dictionary> ids) {
  if (as_of == unknown_time) as_of = machine.last_time();
  if (as_of < machine.last_time())
    throw error(errc::invalid_argument, fmt::format("lifecycle_table: as_of {} is before the machine's last event at {}",
                                                    format_iso8601(as_of), format_iso8601(machine.last_time())));
  const std::size_t n = machine.n_customers();
  if (ids && ids->size() != n)
    throw error(errc::invalid_argument,
                fmt::format("lifecycle_table: {} customer ids for a machine of {} customers", ids->size(), n));
  customer_table table = ids ? customer_table::from_ids(std::move(ids)) : customer_table::with_index_ids(n);
  auto levels = std::make_shared<string_dictionary>();
  for (const auto& s : machine.model().states()) levels->insert(s);
  const auto stages = machine.stages();
  const auto previous = machine.previous();
  const auto entered = machine.entered_at();
  std::vector<double> days(n);
  for (std::size_t c = 0; c < n; ++c)
    days[c] = entered[c] == unknown_time ? std::numeric_limits<double>::quiet_NaN()
                                         : static_cast<double>(as_of - entered[c]) / 86400.0;
  table.set_category_column("stage", {column<std::int32_t>::owned({stages.begin(), stages.end()}), levels});
  table.set_category_column("previous_stage", {column<std::int32_t>::owned({previous.begin(), previous.end()}), levels});
  // unknown_time and missing_int64 are both INT64_MIN: an unknown entry is a missing time.
  table.set_time_column("entered_at", column<std::int64_t>::owned({entered.begin(), entered.end()}));
  table.set_column("stage_days", column<double>::owned(std::move(days)));
  return table;
}

CRMKIT_END_NAMESPACE
