/// @file crmkit/lifecycle/report.hpp
/// Reports over a lifecycle machine's transition log: the stage-to-stage flow matrix
/// between two dates (the data behind a Sankey diagram or a delta grid), stage counts at
/// given times (e.g. monthly), conversion rates between stages, each customer's stage
/// history (visits with entry and exit times), time spent in each stage, and every
/// customer's current stage as customer-table columns (lifecycle_table()).
///
/// All reports read the log only: the stage of a customer at time t is the initial stage
/// changed by every logged hop with `at <= t`.
///
/// `#include <crmkit/lifecycle/report.hpp>`
///
/// Thread safety: stateless; safe (the machine must not be mutated meanwhile).
///
/// @code
/// auto flow = crmkit::flow_matrix(machine, t0, t1);          // n_states x n_states, row = from
/// auto months = crmkit::month_starts(t0, t1);
/// auto counts = crmkit::stage_counts_at(machine, months);    // months.size() x n_states
/// @endcode
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/core/string_dictionary.hpp"
#include "crmkit/lifecycle/machine.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Number of logged hops from stage i to stage j (entry i * n_states + j) with
/// `from <= at < to`. Over the whole time range it sums to the log length.
/// @throws crmkit::error (invalid_argument) when to < from.
[[nodiscard]] CRMKIT_FUNC std::vector<std::int64_t> flow_matrix(const lifecycle_machine& machine, std::int64_t from,
                                                                std::int64_t to);

/// Number of customers in each stage at each of `times` (ascending): entry k * n_states + s.
/// Each row sums to the number of customers.
/// @throws crmkit::error (invalid_argument) when `times` is not ascending.
[[nodiscard]] CRMKIT_FUNC std::vector<std::int64_t> stage_counts_at(const lifecycle_machine& machine,
                                                                    std::span<const std::int64_t> times);

/// 00:00 UTC of the first day of every month in [from, to] (the first is the month
/// containing `from` when `from` is a month start, else the next one).
[[nodiscard]] CRMKIT_FUNC std::vector<std::int64_t> month_starts(std::int64_t from, std::int64_t to);

/// Conversion between stages over the whole log.
struct stage_conversion {
  std::size_t n_states = 0;
  std::vector<std::int64_t> visited;  ///< customers who were ever in stage a (the initial stage counts)
  std::vector<std::int64_t> reached;  ///< a * n_states + b: customers who entered b after being in a
  std::vector<double> rate;           ///< reached / visited (NaN when visited is 0)
};
/// Conversion rates: of the customers who were ever in stage a, the share that later
/// entered stage b (at any later hop, not only the next one).
[[nodiscard]] CRMKIT_FUNC stage_conversion conversion_rates(const lifecycle_machine& machine);

/// One visit of a customer to a stage.
struct stage_visit {
  int state = 0;
  std::int64_t entered = 0;  ///< machine.start() for the initial visit (possibly unknown_time)
  std::int64_t exited = std::numeric_limits<std::int64_t>::max();  ///< INT64_MAX while still there
};
/// The visits of `customer`, oldest first. @throws crmkit::error (invalid_argument) for a bad index.
[[nodiscard]] CRMKIT_FUNC std::vector<stage_visit> stage_history(const lifecycle_machine& machine, std::int32_t customer);

/// Every customer's visits, grouped by customer (compressed rows).
struct stage_histories {
  std::vector<std::int64_t> offsets;  ///< n_customers + 1: customer c's visits are [offsets[c], offsets[c+1])
  std::vector<stage_visit> visits;    ///< oldest first within a customer; n_customers + log size in all
};
/// The visits of every customer in one pass over the log (stage_history() per customer
/// would read the log once per customer). Memory: 24 * (n_customers + log size) bytes.
[[nodiscard]] CRMKIT_FUNC stage_histories all_stage_histories(const lifecycle_machine& machine);

/// Time spent in each stage up to `as_of`, in days (seconds / 86400).
struct stage_time {
  std::size_t n_states = 0;
  std::vector<double> cumulative_days;  ///< customer * n_states + s: total over all visits (0 if never)
  std::vector<double> latest_days;      ///< customer * n_states + s: the most recent visit (NaN if never)
};
/// Cumulative and latest time in each stage at `as_of` (the open visit counts up to as_of).
/// A visit that started at an unknown time (machine start unknown) counts as NaN.
/// Memory: 16 * n_customers * n_states bytes.
/// @throws crmkit::error (invalid_argument) when as_of is before the machine's last event.
[[nodiscard]] CRMKIT_FUNC stage_time time_in_stage(const lifecycle_machine& machine, std::int64_t as_of);

/// Every customer's lifecycle state at `as_of` as a customer table (the one shape of
/// per-customer results), one row per customer in index order, with the columns
/// - `stage` (category over the model's states),
/// - `previous_stage` (category; missing when the customer never moved),
/// - `entered_at` (time: when the current stage was entered; missing when unknown),
/// - `stage_days` (float64: (as_of - entered_at) / 86400, the time in the current stage in
///   days; NaN when the entry time is unknown).
/// `as_of` = unknown_time means the machine's last event time (last_time()). The rows are
/// named by `ids` (e.g. the dataset's `customers().shared_ids()`); nullptr names them "0",
/// "1", ... Memory: 24 bytes per customer.
/// @throws crmkit::error (invalid_argument) when as_of is before the machine's last event or
///         `ids` does not have one entry per customer.
///
/// @code
/// crmkit::replay_result r = crmkit::replay(model, data.transactions(), start, end);
/// crmkit::customer_table t = crmkit::lifecycle_table(r.machine, end, data.customers().shared_ids());
/// double days = t.float64("stage_days")[0];
/// @endcode
[[nodiscard]] CRMKIT_FUNC customer_table lifecycle_table(const lifecycle_machine& machine,
                                                         std::int64_t as_of = unknown_time,
                                                         std::shared_ptr<const string_dictionary> ids = nullptr);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/lifecycle/report_impl.hpp"
#endif
