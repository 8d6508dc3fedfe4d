// Definitions for crmkit/lifecycle/metrics.hpp. Included by that header in header-only
// mode and by src/lifecycle/metrics.cpp otherwise.
// IWYU pragma: private, include "crmkit/lifecycle/metrics.hpp"
#pragma once

#include <algorithm>
#include <array>
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
  // A log already in time order (the usual case: appended as it happens) needs no
  // permutation; advance() then walks it directly.
  if (!std::is_sorted(time.begin(), time.end())) {
    order_.resize(m);
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(), [&](std::int32_t a, std::int32_t b) {
      return time[static_cast<std::size_t>(a)] < time[static_cast<std::size_t>(b)];
    });
  }
  state_.assign(n, customer_state{});
  median_gap_.assign(n, std::numeric_limits<double>::quiet_NaN());
  changed_flag_.assign(n, 0);
  if (track_gaps_) {
    // Counting sort by customer over the time order keeps each customer's days ascending.
    offsets_.assign(n + 1, 0);
    for (std::size_t i = 0; i < m; ++i) ++offsets_[static_cast<std::size_t>(cust[i]) + 1];
    for (std::size_t c = 0; c < n; ++c) offsets_[c + 1] += offsets_[c];
    std::vector<std::int64_t> fill(offsets_.begin(), offsets_.end() - 1);
    days_.resize(m);
    for (std::size_t k = 0; k < m; ++k) {
      const auto i = order_.empty() ? k : static_cast<std::size_t>(order_[k]);
      days_[static_cast<std::size_t>(fill[static_cast<std::size_t>(cust[i])]++)] =
          static_cast<std::int32_t>(floor_days(time[i]));
    }
  }
}

CRMKIT_FUNC void metric_tracker::update_gap(std::int32_t customer) {
  const auto c = static_cast<std::size_t>(customer);
  const auto begin = static_cast<std::size_t>(offsets_[c]);
  const auto count = static_cast<std::size_t>(state_[c].orders);
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
  const std::size_t m = time.size();
  const bool sorted = order_.empty();
  while (next_ < m) {
    const auto i = sorted ? next_ : static_cast<std::size_t>(order_[next_]);
    if (time[i] > as_of) break;
    ++next_;
    const auto c = static_cast<std::size_t>(cust[i]);
    const std::int64_t day = floor_days(time[i]);
    customer_state& st = state_[c];
    if (st.orders == 0.0) st.first_day = day;
    st.last_day = std::max(st.last_day, day);
    st.orders += 1.0;
    st.monetary += amount[i];
    if (!changed_flag_[c]) changed_flag_[c] = 1, changed_.push_back(cust[i]);
  }
  std::sort(changed_.begin(), changed_.end());
  if (track_gaps_)
    for (auto c : changed_) update_gap(c);
}

namespace detail {
// The columns of `out` in customer_metrics order (the first six builtin_columns()).
inline std::array<std::vector<double>*, 6> metric_columns(customer_metrics& out) noexcept {
  return {&out.recency_days, &out.orders, &out.tenure_days, &out.monetary, &out.avg_order_value, &out.median_gap_days};
}
}  // namespace detail

CRMKIT_FUNC void metric_tracker::fill_row(std::size_t c, double today, customer_metrics& out) const noexcept {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const customer_state& st = state_[c];
  const bool any = st.orders > 0.0;
  out.recency_days[c] = any ? today - static_cast<double>(st.last_day) : nan;
  out.tenure_days[c] = any ? today - static_cast<double>(st.first_day) : nan;
  out.orders[c] = st.orders;
  out.monetary[c] = st.monetary;
  out.avg_order_value[c] = any ? st.monetary / st.orders : nan;
  out.median_gap_days[c] = median_gap_[c];
}

// Column k (customer_metrics order) of customers rows[0..count) into v, or of customers
// 0..count when rows is null; one loop per column.
CRMKIT_FUNC void metric_tracker::fill_column(std::size_t k, const std::int32_t* rows, std::size_t count, double today,
                                             double* v) const noexcept {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const customer_state* st = state_.data();
  const auto each = [&](auto&& f) {
    if (rows)
      for (std::size_t i = 0; i < count; ++i) {
        const auto c = static_cast<std::size_t>(rows[i]);
        v[c] = f(c);
      }
    else
      for (std::size_t c = 0; c < count; ++c) v[c] = f(c);
  };
  switch (k) {
    case 0: each([&](std::size_t c) { return st[c].orders > 0.0 ? today - static_cast<double>(st[c].last_day) : nan; }); break;
    case 1: each([&](std::size_t c) { return st[c].orders; }); break;
    case 2: each([&](std::size_t c) { return st[c].orders > 0.0 ? today - static_cast<double>(st[c].first_day) : nan; }); break;
    case 3: each([&](std::size_t c) { return st[c].monetary; }); break;
    case 4: each([&](std::size_t c) { return st[c].orders > 0.0 ? st[c].monetary / st[c].orders : nan; }); break;
    default: each([&](std::size_t c) { return median_gap_[c]; }); break;
  }
}

CRMKIT_FUNC void metric_tracker::fill(std::int64_t as_of, customer_metrics& out, const std::vector<bool>* which) const {
  const std::size_t n = n_customers();
  const auto today = static_cast<double>(floor_days(as_of));
  if (!which) {
    for (auto* v : detail::metric_columns(out)) v->resize(n);
    for (std::size_t c = 0; c < n; ++c) fill_row(c, today, out);
    return;
  }
  // Column by column, only the flagged ones (each a sequential pass).
  const auto cols = detail::metric_columns(out);
  for (std::size_t k = 0; k < cols.size(); ++k) {
    if (k >= which->size() || !(*which)[k]) continue;
    std::vector<double>& v = *cols[k];
    v.resize(n);
    fill_column(k, nullptr, n, today, v.data());
  }
}

CRMKIT_FUNC void metric_tracker::fill_rows(std::int64_t as_of, std::span<const std::int32_t> rows,
                                           customer_metrics& out, const std::vector<bool>* which) const {
  const std::size_t n = n_customers();
  const auto today = static_cast<double>(floor_days(as_of));
  if (!which) {
    for (auto* v : detail::metric_columns(out))
      if (v->size() != n) v->resize(n);
    for (const std::int32_t c : rows) fill_row(static_cast<std::size_t>(c), today, out);
    return;
  }
  const auto cols = detail::metric_columns(out);
  for (std::size_t k = 0; k < cols.size(); ++k) {
    if (k >= which->size() || !(*which)[k]) continue;
    std::vector<double>& v = *cols[k];
    if (v.size() != n) v.resize(n);
    fill_column(k, rows.data(), rows.size(), today, v.data());
  }
}

CRMKIT_FUNC std::int64_t metric_tracker::next_time() const noexcept {
  if (next_ >= log_->size()) return std::numeric_limits<std::int64_t>::max();
  return log_->time()[order_.empty() ? next_ : static_cast<std::size_t>(order_[next_])];
}

CRMKIT_FUNC customer_metrics compute_metrics(const transaction_log& log, std::int64_t as_of) {
  metric_tracker tracker(log, true);
  tracker.advance(as_of);
  customer_metrics out;
  tracker.fill(as_of, out);
  return out;
}

CRMKIT_END_NAMESPACE
