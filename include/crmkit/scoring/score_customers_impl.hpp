// Definitions for crmkit/scoring/score_customers.hpp.
// IWYU pragma: private, include "crmkit/scoring/score_customers.hpp"
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/churn/btyd_summary.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/scoring/detail/score_columns.hpp"
#include "crmkit/scoring/score_customers.hpp"
#include "crmkit/segmentation/rfm.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC customer_table score_customers(const dataset& data, std::int64_t as_of, const score_config& config,
                                           score_report* report_out) {
  validate(config);
  score_report report;
  report.as_of = as_of;
  const std::size_t n = data.n_customers();
  if (n == 0 || data.n_transactions() == 0) throw error(errc::invalid_argument, "score_customers: the dataset is empty");
  const transaction_log log = detail::log_up_to(data.transactions(), as_of);
  if (log.empty())
    throw error(errc::invalid_argument, fmt::format("score_customers: no transaction at or before as_of {} (the first "
                                                    "is at {})", format_iso8601(as_of), format_iso8601(data.transactions().min_time())));
  report.n_customers = n;
  report.n_transactions = log.size();
  customer_table table = data.customers();
  const std::vector<std::int32_t> id_rank = rfm_id_ranks(table.ids());

  // RFM summary, its rows in id order.
  rfm_options ro;
  ro.as_of = as_of;
  ro.n_threads = config.n_threads;
  const rfm_table summary = rfm_summary(log, ro);
  const rfm_table rows = detail::permuted(summary, detail::id_order(summary.customer, id_rank));
  report.n_active = rows.size();
  detail::add_segmentation_columns(table, rows, config, report);

  // Churn and value.
  if (config.btyd_model != btyd_model_kind::none) {
    btyd_summary_options bo;
    bo.calibration_end = as_of;
    bo.period_days = config.btyd_period_days;
    const btyd_summary raw = summarize_btyd(log, bo);
    const btyd_summary s = detail::permuted(raw, detail::id_order(raw.customer, id_rank));
    detail::add_churn_columns(table, s, config, report);
  }

  // Lifecycle stage at as_of, replayed monthly from the first purchase day.
  if (config.lifecycle) detail::add_lifecycle_columns(table, log, detail::day_start(log.min_time()), as_of, config);

  detail::add_geo_columns(table, config, report);
  if (report_out) *report_out = std::move(report);
  return table;
}

CRMKIT_END_NAMESPACE
