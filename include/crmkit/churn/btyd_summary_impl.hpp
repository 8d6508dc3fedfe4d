// Definitions for crmkit/churn/btyd_summary.hpp. Included by that header in header-only mode
// and by src/churn/btyd_summary.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/btyd_summary.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "crmkit/churn/btyd_summary.hpp"
#include "crmkit/core/exact_sum.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC btyd_summary summarize_btyd(const transaction_log& log, const btyd_summary_options& options) {
  if (!(options.period_days > 0) || !std::isfinite(options.period_days))
    throw error(errc::invalid_argument,
                fmt::format("summarize_btyd: period_days {} must be finite and > 0", options.period_days));
  if (log.empty()) throw error(errc::invalid_argument, "summarize_btyd: the transaction log is empty");
  const std::int64_t cal_day = floor_days(options.calibration_end);
  const std::int64_t first_day = floor_days(log.min_time());
  if (cal_day < first_day)
    throw error(errc::invalid_argument,
                fmt::format("summarize_btyd: the calibration end {} is before the first purchase ({})",
                            format_iso_date(options.calibration_end), format_iso_date(log.min_time())));
  std::int64_t holdout_day = cal_day;
  if (options.holdout_end) {
    holdout_day = floor_days(*options.holdout_end);
    if (holdout_day <= cal_day)
      throw error(errc::invalid_argument,
                  fmt::format("summarize_btyd: the hold-out end {} is not after the calibration end {}",
                              format_iso_date(*options.holdout_end), format_iso_date(options.calibration_end)));
  }
  const auto customers = log.customer();
  const auto times = log.time();
  const auto amounts = log.amount();
  for (std::size_t i = 0; i < log.size(); ++i)
    if (amounts[i] < 0)
      throw error(errc::invalid_argument,
                  fmt::format("summarize_btyd: transaction {} (customer index {}) has negative spend {}; remove "
                              "refunds or net them against their purchase first",
                              i, customers[i], amounts[i]));

  // Bucket the transactions by customer (counting sort), then sort each bucket by day.
  const std::size_t n_customers = log.n_customers();
  std::vector<std::size_t> offset(n_customers + 1, 0);
  for (std::size_t i = 0; i < log.size(); ++i) ++offset[static_cast<std::size_t>(customers[i]) + 1];
  for (std::size_t c = 0; c < n_customers; ++c) offset[c + 1] += offset[c];
  std::vector<std::pair<std::int64_t, double>> rows(log.size());
  {
    std::vector<std::size_t> fill(offset.begin(), offset.end() - 1);
    for (std::size_t i = 0; i < log.size(); ++i)
      rows[fill[static_cast<std::size_t>(customers[i])]++] = {floor_days(times[i]), amounts[i]};
  }

  btyd_summary out;
  const double unit = options.period_days;
  out.period_days = options.period_days;
  if (options.holdout_end) out.duration_holdout = static_cast<double>(holdout_day - cal_day) / unit;
  for (std::size_t c = 0; c < n_customers; ++c) {
    auto first = rows.begin() + static_cast<std::ptrdiff_t>(offset[c]);
    auto last = rows.begin() + static_cast<std::ptrdiff_t>(offset[c + 1]);
    if (first == last) continue;
    std::sort(first, last);
    const std::int64_t day0 = first->first;
    if (day0 > cal_day) continue;  // not yet a customer at calibration end
    std::int64_t prev = day0, last_day = day0;
    double repeat_days = 0.0, holdout_days = 0.0;
    // Exact (crmkit/core/exact_sum.hpp): the correctly rounded sum, the same when the
    // customer's lines are summarised in parts and merged (crmkit/state/customer_state.hpp).
    exact_sum repeat_spend;
    for (auto it = first; it != last; ++it) {
      const std::int64_t day = it->first;
      if (day > holdout_day) break;
      if (day > cal_day) {
        if (day != prev) holdout_days += 1.0;
        prev = day;
        continue;
      }
      if (day != day0) {
        repeat_spend.add(it->second);  // same-day amounts are summed into one transaction
        if (day != prev) repeat_days += 1.0;
        last_day = day;
      }
      prev = day;
    }
    if (!repeat_spend.ok())
      throw error(errc::invalid_argument,
                  fmt::format("summarize_btyd: customer index {}: the sum of its amounts is beyond +-3.6e16", c));
    out.customer.push_back(static_cast<std::int32_t>(c));
    out.frequency.push_back(repeat_days);
    out.recency.push_back(static_cast<double>(last_day - day0) / unit);
    out.T.push_back(static_cast<double>(cal_day - day0) / unit);
    out.monetary_value.push_back(repeat_days > 0 ? repeat_spend.value() / repeat_days : 0.0);
    if (options.holdout_end) out.frequency_holdout.push_back(holdout_days);
  }
  return out;
}

CRMKIT_END_NAMESPACE
