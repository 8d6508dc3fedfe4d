// Definitions for crmkit/lifecycle/metrics.hpp. Included by that header in header-only
// mode and by src/lifecycle/metrics.cpp otherwise.
// IWYU pragma: private, include "crmkit/lifecycle/metrics.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/lifecycle/metrics.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC metric_tracker::metric_tracker(const transaction_log& log, bool track_gaps)
    : log_(&log), track_gaps_(track_gaps), last_as_of_(std::numeric_limits<std::int64_t>::min()) {
  const std::size_t n = log.n_customers();
  const std::size_t m = log.size();
  if (m > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw error(errc::invalid_argument, "metric_tracker: more than 2^31-1 transactions");
  const auto time = log.time();
  const auto cust = log.customer();
  order_.resize(m);
  std::iota(order_.begin(), order_.end(), 0);
  if (!std::is_sorted(time.begin(), time.end()))
    std::stable_sort(order_.begin(), order_.end(), [&](std::int32_t a, std::int32_t b) {
      return time[static_cast<std::size_t>(a)] < time[static_cast<std::size_t>(b)];
    });
  first_day_.assign(n, 0);
  last_day_.assign(n, 0);
  orders_.assign(n, 0.0);
  monetary_.assign(n, 0.0);
  median_gap_.assign(n, std::numeric_limits<double>::quiet_NaN());
  changed_flag_.assign(n, 0);
  if (track_gaps_) {
    // Counting sort by customer over the time order keeps each customer's days ascending.
    offsets_.assign(n + 1, 0);
    for (std::size_t i = 0; i < m; ++i) ++offsets_[static_cast<std::size_t>(cust[i]) + 1];
    for (std::size_t c = 0; c < n; ++c) offsets_[c + 1] += offsets_[c];
    std::vector<std::int64_t> fill(offsets_.begin(), offsets_.end() - 1);
    days_.resize(m);
    for (std::int32_t idx : order_) {
      const auto i = static_cast<std::size_t>(idx);
      days_[static_cast<std::size_t>(fill[static_cast<std::size_t>(cust[i])]++)] =
          static_cast<std::int32_t>(floor_days(time[i]));
    }
  }
}

CRMKIT_FUNC void metric_tracker::update_gap(std::int32_t customer) {
  const auto c = static_cast<std::size_t>(customer);
  const auto begin = static_cast<std::size_t>(offsets_[c]);
  const auto count = static_cast<std::size_t>(orders_[c]);
  // Gaps between consecutive distinct days among the customer's first `count` purchases.
  std::vector<double> gaps;
  for (std::size_t k = 1; k < count; ++k) {
    const std::int32_t d = days_[begin + k] - days_[begin + k - 1];
    if (d > 0) gaps.push_back(d);
  }
  if (gaps.empty()) {
    median_gap_[c] = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  const std::size_t h = gaps.size() / 2;
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(h), gaps.end());
  double med = gaps[h];
  if (gaps.size() % 2 == 0) med = 0.5 * (med + *std::max_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(h)));
  median_gap_[c] = med;
}

CRMKIT_FUNC void metric_tracker::advance(std::int64_t as_of) {
  if (as_of < last_as_of_)
    throw error(errc::invalid_argument, fmt::format("metric_tracker: as_of {} is earlier than the previous as_of {}; "
                                                    "time only moves forward",
                                                    format_iso8601(as_of), format_iso8601(last_as_of_)));
  last_as_of_ = as_of;
  for (auto c : changed_) changed_flag_[static_cast<std::size_t>(c)] = 0;
  changed_.clear();
  const auto time = log_->time();
  const auto cust = log_->customer();
  const auto amount = log_->amount();
  while (next_ < order_.size()) {
    const auto i = static_cast<std::size_t>(order_[next_]);
    if (time[i] > as_of) break;
    ++next_;
    const auto c = static_cast<std::size_t>(cust[i]);
    const std::int64_t day = floor_days(time[i]);
    if (orders_[c] == 0.0) first_day_[c] = day;
    last_day_[c] = std::max(last_day_[c], day);
    orders_[c] += 1.0;
    monetary_[c] += amount[i];
    if (!changed_flag_[c]) changed_flag_[c] = 1, changed_.push_back(cust[i]);
  }
  std::sort(changed_.begin(), changed_.end());
  if (track_gaps_)
    for (auto c : changed_) update_gap(c);
}

CRMKIT_FUNC void metric_tracker::fill_row(std::size_t c, double today, customer_metrics& out) const noexcept {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const bool any = orders_[c] > 0.0;
  out.recency_days[c] = any ? today - static_cast<double>(last_day_[c]) : nan;
  out.tenure_days[c] = any ? today - static_cast<double>(first_day_[c]) : nan;
  out.orders[c] = orders_[c];
  out.monetary[c] = monetary_[c];
  out.avg_order_value[c] = any ? monetary_[c] / orders_[c] : nan;
  out.median_gap_days[c] = median_gap_[c];
}

namespace detail {
inline void resize_metrics(customer_metrics& out, std::size_t n) {
  for (auto* v : {&out.recency_days, &out.orders, &out.tenure_days, &out.monetary, &out.avg_order_value,
                  &out.median_gap_days})
    v->resize(n);
}
}  // namespace detail

CRMKIT_FUNC void metric_tracker::fill(std::int64_t as_of, customer_metrics& out) const {
  const std::size_t n = n_customers();
  detail::resize_metrics(out, n);
  const auto today = static_cast<double>(floor_days(as_of));
  for (std::size_t c = 0; c < n; ++c) fill_row(c, today, out);
}

CRMKIT_FUNC void metric_tracker::fill_rows(std::int64_t as_of, std::span<const std::int32_t> rows,
                                           customer_metrics& out) const {
  if (out.orders.size() != n_customers()) detail::resize_metrics(out, n_customers());
  const auto today = static_cast<double>(floor_days(as_of));
  for (const std::int32_t c : rows) fill_row(static_cast<std::size_t>(c), today, out);
}

CRMKIT_FUNC std::int64_t metric_tracker::next_time() const noexcept {
  return next_ < order_.size() ? log_->time()[static_cast<std::size_t>(order_[next_])]
                               : std::numeric_limits<std::int64_t>::max();
}

CRMKIT_FUNC customer_metrics compute_metrics(const transaction_log& log, std::int64_t as_of) {
  metric_tracker tracker(log, true);
  tracker.advance(as_of);
  customer_metrics out;
  tracker.fill(as_of, out);
  return out;
}

CRMKIT_END_NAMESPACE
