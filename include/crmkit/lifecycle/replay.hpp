/// @file crmkit/lifecycle/replay.hpp
/// Replay: runs a transaction log through a lifecycle model at a fixed step (daily, weekly,
/// monthly) and records every customer's stage history and the stage counts at each step.
///
/// Purchases are events at their own time: when the model has purchase-triggered
/// transitions, every transaction time tau (in time order; transactions sharing a time are
/// one event) evaluates those transitions for the customers who bought at tau, with the
/// metrics as of tau (crmkit/lifecycle/metrics.hpp), so a stage entered on a purchase
/// (exploration, formation, won_back in the default model) is entered at the purchase time.
/// Purchases up to `start` are one event at `start`. At each step time t (start, then start
/// advanced by one step, ... while <= end, and finally `end` itself when the last step falls
/// before it, so that the final states include every purchase up to `end`), after the
/// purchases up to t, the time-triggered
/// transitions are evaluated for every customer at t with the metrics as of t, and the stage
/// counts are recorded. Host attribute columns the model declares are read from `attributes`
/// (constant over the replay). Monthly steps keep start's day of month, clamped to the
/// month's length (Jan 31 -> Feb 29 -> Mar 31).
///
/// Memory: the machine (12 bytes per customer + 24 per hop), the metric tracker (about 48
/// bytes per customer + 16 per transaction) and the counts (8 * steps * states bytes; at
/// most max_replay_steps steps).
///
/// `#include <crmkit/lifecycle/replay.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// auto model = std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model());
/// crmkit::replay_result r = crmkit::replay(model, data.transactions(), start, end);
/// // r.counts[k * n_states + s]: customers in stage s at r.times[k]
/// @endcode
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/core/dataset.hpp"
#include "crmkit/core/transaction_log.hpp"
#include "crmkit/lifecycle/machine.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Replay step.
enum class replay_step : int { daily = 0, weekly = 1, monthly = 2 };

/// Options of replay().
struct replay_options {
  replay_step step = replay_step::monthly;
  std::size_t n_threads = 1;  ///< threads of each evaluation; results do not depend on it
};

/// What replay() returns.
struct replay_result {
  std::vector<std::int64_t> times;   ///< step times
  std::vector<std::int64_t> counts;  ///< k * n_states + s: customers in stage s at times[k]
  lifecycle_machine machine;         ///< final states and the full transition log
};

/// Most steps a replay takes (10 million, the final step at `end` included): the counts
/// alone are then at most 80 MB per state.
inline constexpr std::size_t max_replay_steps = 10'000'000;

/// The step times from `start` to `end` inclusive: start, start + 1 step, ... while <= end,
/// then `end` itself when the last of those is before it (so the last time is always `end`).
/// The step count is computed (monthly: bounded) before anything is allocated.
/// @throws crmkit::error (invalid_argument) when end < start or the span needs more than
///         max_replay_steps steps (e.g. daily steps over +-2^62 seconds).
[[nodiscard]] CRMKIT_FUNC std::vector<std::int64_t> replay_times(std::int64_t start, std::int64_t end, replay_step step);

/// Replays `log` through `model` (see the file comment). Customers start in the initial
/// stage at `start`. @throws crmkit::error for a null model, a missing host column, or the
/// errors of lifecycle_machine::evaluate().
[[nodiscard]] CRMKIT_FUNC replay_result replay(std::shared_ptr<const lifecycle_model> model, const transaction_log& log,
                                               std::int64_t start, std::int64_t end, const replay_options& options = {},
                                               const customer_table* attributes = nullptr);

/// Time passing over a dataset: evaluates the time-triggered transitions of `machine` at
/// `as_of` against the dataset's customer columns plus the purchase metrics of its
/// transactions up to `as_of` (crmkit/lifecycle/metrics.hpp) - the columns a replay step
/// sees. What C `crmkit_lifecycle_evaluate_dataset` and Python `Lifecycle.evaluate(dataset)`
/// call.
/// @return the number of hops logged.
/// @throws crmkit::error (invalid_argument) when the dataset's customer count differs from
///         the machine's; otherwise as lifecycle_machine::evaluate.
CRMKIT_FUNC std::size_t evaluate_dataset(lifecycle_machine& machine, const dataset& data, std::int64_t as_of);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/lifecycle/replay_impl.hpp"
#endif
