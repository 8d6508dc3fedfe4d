// Definitions for crmkit/state/state_scoring.hpp. Included by that header in header-only
// mode and by src/state/state_scoring.cpp otherwise.
// IWYU pragma: private, include "crmkit/state/state_scoring.hpp"
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/scoring/detail/score_columns.hpp"
#include "crmkit/state/state_scoring.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC customer_table score_customers(const customer_state& state, std::int64_t as_of, const score_config& config,
                                           score_report* report_out) {
  validate(config);
  if (state.empty()) throw error(errc::invalid_argument, "score_customers: the customer state is empty");
  if (as_of < state.max_time())
    throw error(errc::invalid_argument,
                fmt::format("score_customers: as_of {} is before the state's last transaction ({}); a state scores at "
                            "or after everything it holds (add only the transactions up to as_of)",
                            format_iso8601(as_of), format_iso8601(state.max_time())));
  score_report report;
  report.as_of = as_of;
  auto ids = std::make_shared<string_dictionary>();
  for (const std::string& id : state.ids()) ids->insert(id);
  customer_table table = customer_table::from_ids(std::move(ids));
  report.n_customers = table.size();
  report.n_transactions = static_cast<std::size_t>(state.n_transactions());

  // RFM rows: already in id order, row i = table row i.
  rfm_options ro;
  ro.as_of = as_of;
  ro.n_threads = config.n_threads;
  const rfm_table rows = state.rfm(ro);
  report.n_active = rows.size();
  detail::add_segmentation_columns(table, rows, config, report);

  if (config.btyd_model != btyd_model_kind::none) {
    btyd_summary_options bo;
    bo.calibration_end = as_of;
    bo.period_days = config.btyd_period_days;
    detail::add_churn_columns(table, state.btyd(bo), config, report);
  }

  if (config.lifecycle) {
    // Same levels and schema as the dataset version; values from score_lifecycle.
    const auto levels = default_lifecycle_model().states();
    table.set_category_column("lifecycle_stage", {column<std::int32_t>::owned(std::vector<std::int32_t>(table.size(), -1)),
                                                  detail::make_levels(levels)});
    table.set_time_column("stage_since", column<std::int64_t>::owned(std::vector<std::int64_t>(table.size(), missing_int64)));
    report.notes.push_back("lifecycle: a customer state keeps purchase days, not each purchase's time; lifecycle_stage "
                           "and stage_since are left missing here (score_lifecycle fills them from customer-complete "
                           "partitions)");
  }

  detail::add_geo_columns(table, config, report);
  if (report_out) *report_out = std::move(report);
  return table;
}

CRMKIT_FUNC std::int64_t lifecycle_start(const customer_state& state) {
  if (state.empty()) throw error(errc::invalid_argument, "lifecycle_start: the customer state is empty");
  return detail::day_start(state.min_time());
}

CRMKIT_FUNC customer_table score_lifecycle(const dataset& data, std::int64_t start, std::int64_t as_of,
                                           const score_config& config) {
  validate(config);
  if (as_of < start)
    throw error(errc::invalid_argument, fmt::format("score_lifecycle: as_of {} is before the start {}",
                                                    format_iso8601(as_of), format_iso8601(start)));
  customer_table table = data.customers();
  if (config.lifecycle) {
    const transaction_log log = data.n_transactions() == 0 ? data.transactions()
                                                           : detail::log_up_to(data.transactions(), as_of);
    detail::add_lifecycle_columns(table, log, start, as_of, config);
  }
  return table;
}

CRMKIT_END_NAMESPACE
