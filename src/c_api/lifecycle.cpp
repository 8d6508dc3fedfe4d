// crmkit/c/lifecycle.h: the crmkit_lifecycle_model and crmkit_lifecycle handles.
#include <algorithm>
#include <climits>
#include <cstdint>
#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "c_api_internal.hpp"
#include "crmkit/c/lifecycle.h"
#include "crmkit/c/table.h"
#include "crmkit/lifecycle.hpp"

using namespace crmkit::capi;

struct crmkit_lifecycle_model {
  std::shared_ptr<const crmkit::lifecycle_model> model;
};

struct crmkit_lifecycle_builder {
  crmkit::lifecycle_model_builder builder;
};

struct crmkit_lifecycle {
  crmkit::lifecycle_machine machine;
  std::vector<std::int64_t> replay_times;
  std::vector<std::int64_t> replay_counts;
};

namespace {


// A new model handle for `model`.
crmkit_lifecycle_model* new_model(crmkit::lifecycle_model model) {
  return new crmkit_lifecycle_model{std::make_shared<const crmkit::lifecycle_model>(std::move(model))};
}

// n NUL-terminated strings, each checked for NULL.
std::vector<std::string> strings(const char* const* items, std::size_t n, const char* function, const char* argument) {
  if (n > 0 && items == nullptr) throw_null(function, argument);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    if (items[i] == nullptr) fail(function, "{}[{}] is NULL", argument, i);
    out.emplace_back(items[i]);
  }
  return out;
}

// The host's columns (borrowed for the call): names[j] -> columns[j][0 .. n_rows).
crmkit::lifecycle_columns host_columns(const char* const* names, const double* const* columns, std::size_t n_rows,
                                      std::size_t n_cols, std::size_t n_customers, const char* function) {
  if (n_cols > 0 && names == nullptr) throw_null(function, "column_names");
  if (n_rows != n_customers)  // every column pointer covers n_rows values: the machine's customers
    fail(function, "n_rows is {}, the machine has {} customers", n_rows, n_customers);
  if (n_cols > 0 && columns == nullptr) throw_null(function, "columns");
  crmkit::lifecycle_columns out;
  for (std::size_t j = 0; j < n_cols; ++j) {
    if (names[j] == nullptr) fail(function, "column_names[{}] is NULL", j);
    if (columns[j] == nullptr && n_rows > 0) fail(function, "columns[{}] ('{}') is NULL", j, names[j]);
    out.set(names[j], std::span<const double>(columns[j], n_rows));
  }
  return out;
}

}  // namespace

extern "C" {

CRMKIT_API int crmkit_lifecycle_model_from_json(const char* text, size_t length, crmkit_lifecycle_model** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(text);
  *out = new_model(crmkit::lifecycle_model::from_json(std::string_view(text, length)));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_model_default(int32_t scale_to_gap, double decline_days, double churn_days,
                                              crmkit_lifecycle_model** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  crmkit::default_model_options o;
  o.scale_to_gap = scale_to_gap != 0;
  o.decline_days = decline_days;
  o.churn_days = churn_days;
  *out = new_model(crmkit::default_lifecycle_model(o));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_model_from_toml(const char* text, size_t length, crmkit_lifecycle_model** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(text);
  *out = new_model(crmkit::lifecycle_model::from_toml(std::string_view(text, length)));
  CRMKIT_API_END();
}

CRMKIT_C_CREATE_FREE(crmkit_lifecycle_builder)

CRMKIT_API int crmkit_lifecycle_builder_add_state(crmkit_lifecycle_builder* builder, const char* name,
                                                  int32_t chain_rank) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(builder, name);
  builder->builder.add_state(name, chain_rank);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_builder_set_initial(crmkit_lifecycle_builder* builder, const char* name) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(builder, name);
  builder->builder.set_initial(name);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_builder_add_column(crmkit_lifecycle_builder* builder, const char* name) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(builder, name);
  builder->builder.add_column(name);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_builder_add_transition(crmkit_lifecycle_builder* builder, const char* const* from,
                                                       size_t n_from, const char* to, const char* guard,
                                                       const char* name, int32_t priority, int32_t on) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(builder, from, to);
  builder->builder.add_transition({name ? name : "", strings(from, n_from, __func__, "from"), to,
                                   guard ? guard : "true", priority, static_cast<crmkit::transition_trigger>(on)});
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_builder_set_no_skip(crmkit_lifecycle_builder* builder, const char* const* chain,
                                                    size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(builder);
  builder->builder.set_no_skip(strings(chain, n, __func__, "chain"));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_builder_set_int(crmkit_lifecycle_builder* builder, int32_t key, int64_t value) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(builder);
  auto flag = [&](const char* what) {
    if (value != 0 && value != 1) fail(__func__, "{} is {}; it must be 0 or 1", what, value);
    return value == 1;
  };
  auto& b = builder->builder;
  switch (key) {
    case CRMKIT_LIFECYCLE_BUILD_POLICY:
      b.set_policy(static_cast<crmkit::rule_policy>(std::clamp<int64_t>(value, INT32_MIN, INT32_MAX)));
      break;
    case CRMKIT_LIFECYCLE_BUILD_FORWARD_ONLY: b.set_forward_only(flag("CRMKIT_LIFECYCLE_BUILD_FORWARD_ONLY")); break;
    case CRMKIT_LIFECYCLE_BUILD_CASCADE: b.set_cascade(flag("CRMKIT_LIFECYCLE_BUILD_CASCADE")); break;
    case CRMKIT_LIFECYCLE_BUILD_MAX_HOPS: b.set_max_hops(value); break;
    default: fail(__func__, "unknown key {}", key);
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_builder_build(const crmkit_lifecycle_builder* builder, crmkit_lifecycle_model** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(builder);
  *out = new_model(builder->builder.build());
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_model_save(const crmkit_lifecycle_model* model, char* buf, size_t cap,
                                           size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model, out_needed);
  copy_out(model->model->to_text(), buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_model_load(const char* text, size_t length, crmkit_lifecycle_model** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(text);
  *out = new_model(crmkit::lifecycle_model::from_text(std::string_view(text, length)));
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_lifecycle_model_free(crmkit_lifecycle_model* model) { delete model; }

CRMKIT_API int crmkit_lifecycle_model_count(const crmkit_lifecycle_model* model, int32_t what, size_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model, out);
  const auto& m = *model->model;
  switch (what) {
    case CRMKIT_LIFECYCLE_COUNT_STATES: *out = m.n_states(); break;
    case CRMKIT_LIFECYCLE_COUNT_TRANSITIONS: *out = m.transitions().size(); break;
    case CRMKIT_LIFECYCLE_COUNT_COLUMNS: *out = m.columns().size(); break;
    default: fail(__func__, "unknown what {}", what);
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_model_name(const crmkit_lifecycle_model* model, int32_t what, size_t index, char* buf,
                                           size_t cap, size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model, out_needed);
  const auto& m = *model->model;
  std::size_t count = 0;
  switch (what) {
    case CRMKIT_LIFECYCLE_COUNT_STATES: count = m.n_states(); break;
    case CRMKIT_LIFECYCLE_COUNT_TRANSITIONS: count = m.transitions().size(); break;
    case CRMKIT_LIFECYCLE_COUNT_COLUMNS: count = m.columns().size(); break;
    default: fail(__func__, "unknown what {}", what);
  }
  if (index >= count) fail(__func__, "index {} is outside [0, {})", index, count);
  const std::string& name = what == CRMKIT_LIFECYCLE_COUNT_STATES        ? m.states()[index]
                            : what == CRMKIT_LIFECYCLE_COUNT_TRANSITIONS ? m.transitions()[index].name
                                                                         : m.columns()[index];
  copy_out(name, buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_create(const crmkit_lifecycle_model* model, size_t n_customers, int64_t start,
                                       crmkit_lifecycle** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(model);
  *out = new crmkit_lifecycle{crmkit::lifecycle_machine(model->model, n_customers, start), {}, {}};
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_lifecycle_free(crmkit_lifecycle* machine) { delete machine; }

CRMKIT_API int crmkit_lifecycle_set_int(crmkit_lifecycle* machine, int32_t key, int64_t value) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(machine);
  if (key != CRMKIT_LIFECYCLE_N_THREADS) fail(__func__, "unknown key {}", key);
  crmkit::check_n_threads(value, "crmkit_lifecycle_set_int (CRMKIT_LIFECYCLE_N_THREADS)");
  machine->machine.set_threads(static_cast<std::size_t>(value));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_evaluate(crmkit_lifecycle* machine, int64_t as_of, const char* const* column_names,
                                         const double* const* columns, size_t n_rows, size_t n_cols, size_t* out_hops) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(machine);
  auto& m = machine->machine;
  const std::size_t hops = m.evaluate(as_of, host_columns(column_names, columns, n_rows, n_cols, m.n_customers(), __func__));
  if (out_hops) *out_hops = hops;
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_evaluate_dataset(crmkit_lifecycle* machine, const crmkit_dataset* dataset,
                                                 int64_t as_of, size_t* out_hops) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(machine, dataset);
  const std::size_t hops = crmkit::evaluate_dataset(machine->machine, dataset->data, as_of);
  if (out_hops) *out_hops = hops;
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_purchase(crmkit_lifecycle* machine, const int32_t* customers, size_t n_customers,
                                         int64_t at, const char* const* column_names, const double* const* columns,
                                         size_t n_rows, size_t n_cols, size_t* out_hops) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(machine);
  if (n_customers > 0) CRMKIT_CHECK_NOT_NULL(customers);
  auto& m = machine->machine;
  const std::size_t hops = m.purchase(std::span<const std::int32_t>(customers, n_customers), at,
                                      host_columns(column_names, columns, n_rows, n_cols, m.n_customers(), __func__));
  if (out_hops) *out_hops = hops;
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_set_stage(crmkit_lifecycle* machine, int32_t customer, int32_t state, int64_t at) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(machine);
  machine->machine.set_stage(customer, state, at);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_reset(crmkit_lifecycle* machine, int32_t customer, int64_t at) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(machine);
  machine->machine.reset(customer, at);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_replay(const crmkit_lifecycle_model* model, const crmkit_dataset* dataset,
                                       int64_t start, int64_t end, int32_t step, int32_t n_threads,
                                       crmkit_lifecycle** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(model, dataset);
  if (step < CRMKIT_LIFECYCLE_DAILY || step > CRMKIT_LIFECYCLE_MONTHLY) fail(__func__, "unknown step {}", step);
  if (n_threads < 1) fail(__func__, "n_threads is {}; it must be >= 1", n_threads);
  crmkit::replay_options o;
  o.step = static_cast<crmkit::replay_step>(step);
  o.n_threads = static_cast<std::size_t>(n_threads);
  auto r = crmkit::replay(model->model, dataset->data.transactions(), start, end, o, &dataset->data.customers());
  *out = new crmkit_lifecycle{std::move(r.machine), std::move(r.times), std::move(r.counts)};
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_size(const crmkit_lifecycle* machine, int32_t what, size_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(machine, out);
  switch (what) {
    case CRMKIT_LIFECYCLE_SIZE_CUSTOMERS: *out = machine->machine.n_customers(); break;
    case CRMKIT_LIFECYCLE_SIZE_STATES: *out = machine->machine.model().n_states(); break;
    case CRMKIT_LIFECYCLE_SIZE_LOG: *out = machine->machine.log().size(); break;
    case CRMKIT_LIFECYCLE_SIZE_STEPS: *out = machine->replay_times.size(); break;
    default: fail(__func__, "unknown what {}", what);
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_stages(const crmkit_lifecycle* machine, int32_t* out_stage, int32_t* out_previous,
                                       int64_t* out_entered_at, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(machine);
  const auto& m = machine->machine;
  check_capacity(n, m.n_customers(), __func__, "n");
  const auto stage = m.stages();
  const auto previous = m.previous();
  const auto entered = m.entered_at();
  if (out_stage) std::copy(stage.begin(), stage.end(), out_stage);
  if (out_previous) std::copy(previous.begin(), previous.end(), out_previous);
  if (out_entered_at) std::copy(entered.begin(), entered.end(), out_entered_at);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_table(const crmkit_lifecycle* machine, const crmkit_dataset* dataset, int64_t as_of,
                                      crmkit_table** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(machine);
  *out = new_table(
      crmkit::lifecycle_table(machine->machine, as_of, dataset ? dataset->data.customers().shared_ids() : nullptr));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_log(const crmkit_lifecycle* machine, int32_t* out_customer, int32_t* out_from,
                                    int32_t* out_to, int32_t* out_rule, int64_t* out_at, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(machine);
  const auto log = machine->machine.log();
  check_capacity(n, log.size(), __func__, "n");
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (out_customer) out_customer[i] = log[i].customer;
    if (out_from) out_from[i] = log[i].from;
    if (out_to) out_to[i] = log[i].to;
    if (out_rule) out_rule[i] = log[i].rule;
    if (out_at) out_at[i] = log[i].at;
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_flow(const crmkit_lifecycle* machine, int64_t from, int64_t to, int64_t* out,
                                     size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(machine, out);
  const std::size_t S = machine->machine.model().n_states();
  check_capacity(n, S * S, __func__, "n");
  const auto flow = crmkit::flow_matrix(machine->machine, from, to);
  std::copy(flow.begin(), flow.end(), out);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_stage_counts_at(const crmkit_lifecycle* machine, const int64_t* times, size_t n_times,
                                                int64_t* out, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(machine, out);
  if (n_times > 0) CRMKIT_CHECK_NOT_NULL(times);
  const std::size_t S = machine->machine.model().n_states();
  check_capacity(n, n_times * S, __func__, "n");
  const auto counts = crmkit::stage_counts_at(machine->machine, std::span<const std::int64_t>(times, n_times));
  std::copy(counts.begin(), counts.end(), out);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_conversion(const crmkit_lifecycle* machine, double* out, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(machine, out);
  const std::size_t S = machine->machine.model().n_states();
  check_capacity(n, S * S, __func__, "n");
  const auto c = crmkit::conversion_rates(machine->machine);
  std::copy(c.rate.begin(), c.rate.end(), out);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_history(const crmkit_lifecycle* machine, int64_t* out_offsets, int32_t* out_stage,
                                        int64_t* out_entered, int64_t* out_exited, size_t n_visits,
                                        size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(machine, out_needed);
  const auto& m = machine->machine;
  const std::size_t needed = m.n_customers() + m.log().size();
  *out_needed = needed;
  check_capacity(n_visits, needed, __func__, "n_visits");
  const auto h = crmkit::all_stage_histories(m);
  if (out_offsets) std::copy(h.offsets.begin(), h.offsets.end(), out_offsets);
  for (std::size_t v = 0; v < h.visits.size(); ++v) {
    if (out_stage) out_stage[v] = h.visits[v].state;
    if (out_entered) out_entered[v] = h.visits[v].entered;
    if (out_exited) out_exited[v] = h.visits[v].exited;
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_time_in_stage(const crmkit_lifecycle* machine, int64_t as_of,
                                              double* out_cumulative_days, double* out_latest_days, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(machine);
  const auto& m = machine->machine;
  check_capacity(n, m.n_customers() * m.model().n_states(), __func__, "n");
  const auto t = crmkit::time_in_stage(m, as_of);
  if (out_cumulative_days) std::copy(t.cumulative_days.begin(), t.cumulative_days.end(), out_cumulative_days);
  if (out_latest_days) std::copy(t.latest_days.begin(), t.latest_days.end(), out_latest_days);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lifecycle_replay_counts(const crmkit_lifecycle* machine, int64_t* out_times, int64_t* out_counts,
                                              size_t n_steps) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(machine);
  check_capacity(n_steps, machine->replay_times.size(), __func__, "n_steps");
  if (out_times) std::copy(machine->replay_times.begin(), machine->replay_times.end(), out_times);
  if (out_counts) std::copy(machine->replay_counts.begin(), machine->replay_counts.end(), out_counts);
  CRMKIT_API_END();
}

}  // extern "C"
