// Definitions for crmkit/lifecycle/replay.hpp. Included by that header in header-only
// mode and by src/lifecycle/replay.cpp otherwise.
// IWYU pragma: private, include "crmkit/lifecycle/replay.hpp"
#pragma once

#include <algorithm>

#include <fmt/format.h>

#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/lifecycle/replay.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC std::vector<std::int64_t> replay_times(std::int64_t start, std::int64_t end, replay_step step) {
  if (end < start)
    throw error(errc::invalid_argument, fmt::format("replay: end {} is before start {}", format_iso8601(end),
                                                    format_iso8601(start)));
  // The step count is known (daily, weekly) or bounded (monthly: a month has at least 28
  // days) before anything is allocated; the span is an unsigned difference, which cannot
  // overflow for any start <= end.
  const std::uint64_t span = static_cast<std::uint64_t>(end) - static_cast<std::uint64_t>(start);
  const char* step_name = step == replay_step::monthly ? "monthly" : step == replay_step::weekly ? "weekly" : "daily";
  auto too_many = [&](std::uint64_t at_least) {
    return error(errc::invalid_argument,
                 fmt::format("replay: {} steps from {} to {} (Unix seconds) are at least {}, more than the limit of "
                             "{} steps; use a longer step or a shorter span",
                             step_name, start, end, at_least, max_replay_steps));
  };
  std::vector<std::int64_t> out;
  if (step == replay_step::monthly) {
    const std::uint64_t at_least = span / (31 * static_cast<std::uint64_t>(seconds_per_day)) + 1;
    if (at_least > max_replay_steps) throw too_many(at_least);
    const std::int64_t day0 = floor_days(start);
    const std::int64_t second_of_day = start - day0 * seconds_per_day;
    const civil_date d = civil_from_days(day0);
    for (std::int64_t k = 0;; ++k) {
      const std::int64_t months = (d.year * 12 + (d.month - 1)) + k;
      const std::int64_t y = months >= 0 ? months / 12 : -((-months + 11) / 12);
      const auto m = static_cast<unsigned>(months - y * 12 + 1);
      const unsigned day = std::min(d.day, days_in_month(y, m));
      const std::int64_t t = unix_seconds(y, m, day) + second_of_day;
      if (t > end) break;
      out.push_back(t);
      if (out.size() > max_replay_steps) throw too_many(out.size());
    }
  } else {
    const std::uint64_t dt = static_cast<std::uint64_t>((step == replay_step::weekly ? 7 : 1) * seconds_per_day);
    const std::uint64_t n = span / dt + 1;
    if (n > max_replay_steps) throw too_many(n);
    out.reserve(static_cast<std::size_t>(n) + 1);
    for (std::uint64_t k = 0; k < n; ++k)
      out.push_back(static_cast<std::int64_t>(static_cast<std::uint64_t>(start) + k * dt));
  }
  // The state at `end` includes everything up to `end`: a last evaluation at `end` itself
  // when the steps do not land on it.
  if (out.back() < end) {
    if (out.size() + 1 > max_replay_steps) throw too_many(out.size() + 1);
    out.push_back(end);
  }
  return out;
}

CRMKIT_FUNC replay_result replay(std::shared_ptr<const lifecycle_model> model, const transaction_log& log,
                                 std::int64_t start, std::int64_t end, const replay_options& options,
                                 const customer_table* attributes) {
  if (!model) throw error(errc::invalid_argument, "replay: the model is null");
  if (attributes && attributes->size() != log.n_customers())
    throw error(errc::invalid_argument, fmt::format("replay: the customer table has {} rows, the log {} customers",
                                                    attributes->size(), log.n_customers()));
  const auto times = replay_times(start, end, options.step);
  const auto& used = model->columns_used();
  // Median gaps cost a per-customer recomputation on every purchase: only when a guard reads them.
  metric_tracker tracker(log, used[5]);
  lifecycle_machine machine(model, log.n_customers(), start, machine_options{options.n_threads});
  bool has_purchase_rules = false;
  for (const auto& t : model->transitions())
    if (static_cast<int>(t.on) & static_cast<int>(transition_trigger::purchase)) has_purchase_rules = true;
  customer_metrics metrics;
  lifecycle_columns columns;
  if (attributes) columns.add_table(*attributes);
  std::vector<std::int64_t> counts;
  counts.reserve(times.size() * model->n_states());
  // Only the metric columns the guards read are computed (the others stay empty).
  tracker.fill(start, metrics, &used);  // sizes the columns once; they stay valid views below
  columns.add_metrics(metrics);
  for (std::size_t k = 0; k < times.size(); ++k) {
    const std::int64_t t = times[k];
    if (has_purchase_rules) {
      if (k == 0) {
        // Purchases up to the start are one event at the start (the machine begins there).
        tracker.advance(t);
        tracker.fill_rows(t, tracker.changed(), metrics, &used);
        if (!tracker.changed().empty()) machine.purchase(tracker.changed(), t, columns);
      }
      // Each later purchase is an event at its own time, in time order, with the metrics
      // as of that moment (only the buyers' rows are read by a purchase event).
      for (std::int64_t at = tracker.next_time(); at <= t; at = tracker.next_time()) {
        tracker.advance(at);
        tracker.fill_rows(at, tracker.changed(), metrics, &used);
        machine.purchase(tracker.changed(), at, columns);
      }
    }
    tracker.advance(t);
    tracker.fill(t, metrics, &used);
    machine.evaluate(t, columns);
    const auto c = machine.stage_counts();
    counts.insert(counts.end(), c.begin(), c.end());
  }
  return {times, std::move(counts), std::move(machine)};
}

CRMKIT_FUNC std::size_t evaluate_dataset(lifecycle_machine& machine, const dataset& data, std::int64_t as_of) {
  if (data.n_customers() != machine.n_customers())
    throw error(errc::invalid_argument, fmt::format("evaluate_dataset: the dataset has {} customers, the machine {}",
                                                    data.n_customers(), machine.n_customers()));
  const auto metrics = compute_metrics(data.transactions(), as_of);
  lifecycle_columns columns;
  columns.add_table(data.customers());
  columns.add_metrics(metrics);
  return machine.evaluate(as_of, columns);
}

CRMKIT_END_NAMESPACE
