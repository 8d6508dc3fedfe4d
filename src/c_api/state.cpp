// crmkit/c/state.h: the per-customer state, a translation of crmkit::customer_state,
// crmkit::add_transactions_csv and crmkit::score_customers(customer_state, ...).
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "c_api_internal.hpp"
#include "crmkit/c/state.h"
#include "crmkit/core/time.hpp"
#include "crmkit/state/customer_state.hpp"
#include "crmkit/state/state_csv.hpp"
#include "crmkit/state/state_scoring.hpp"

using namespace crmkit::capi;

struct crmkit_state {
  crmkit::customer_state state;
};

namespace {


// The batch of crmkit_state_append, every row checked before anything is added.
std::vector<crmkit::state_transaction> read_batch(const int32_t* customer, const char* ids, const size_t* offsets,
                                                  size_t n_ids, const int64_t* time, const double* amount, size_t n,
                                                  const char* function) {
  std::vector<crmkit::state_transaction> batch;
  if (n == 0) return batch;
  if (customer == nullptr) throw_null(function, "customer");
  if (time == nullptr) throw_null(function, "time");
  if (amount == nullptr) throw_null(function, "amount");
  if (offsets == nullptr) throw_null(function, "offsets");
  if (ids == nullptr && offsets[n_ids] > 0) throw_null(function, "ids");
  if (offsets[0] != 0) fail(function, "offsets[0] is {}, not 0", offsets[0]);
  for (size_t k = 0; k < n_ids; ++k)
    if (offsets[k + 1] < offsets[k])
      fail(function, "offsets[{}] = {} < offsets[{}] = {}", k + 1, offsets[k + 1], k, offsets[k]);
  batch.reserve(n);
  constexpr std::int64_t lo_day = std::numeric_limits<std::int32_t>::min();
  constexpr std::int64_t hi_day = std::numeric_limits<std::int32_t>::max();
  for (size_t i = 0; i < n; ++i) {
    const int32_t c = customer[i];
    if (c < 0 || static_cast<size_t>(c) >= n_ids)
      fail(function, "row {}: customer code {} is not in [0, {})", i, c, n_ids);
    const auto k = static_cast<size_t>(c);
    const std::string_view id(ids == nullptr ? "" : ids + offsets[k], offsets[k + 1] - offsets[k]);
    if (id.empty()) fail(function, "row {}: the customer id is empty", i);
    if (!std::isfinite(amount[i])) fail(function, "row {}: amount {} is not finite", i, amount[i]);
    const std::int64_t day = crmkit::floor_days(time[i]);
    if (day < lo_day || day > hi_day) fail(function, "row {}: time {} is out of range", i, time[i]);
    batch.push_back({id, time[i], amount[i]});
  }
  return batch;
}

// The rows of crmkit_state_append as a table keyed by the touched customers' ids.
crmkit::customer_table rows_table(const crmkit::customer_state_rows& rows) {
  using crmkit::column;
  auto ids = std::make_shared<crmkit::string_dictionary>();
  for (const auto& id : rows.id) ids->insert(id);
  crmkit::customer_table table = crmkit::customer_table::from_ids(std::move(ids));
  const std::size_t n = rows.id.size();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::int64_t> orders(n, crmkit::missing_int64), recency(n, crmkit::missing_int64),
      tenure(n, crmkit::missing_int64), first(n, crmkit::missing_int64), last(n, crmkit::missing_int64);
  std::vector<double> monetary(n, nan), mean(n, nan);
  const auto& r = rows.rfm;
  for (std::size_t i = 0; i < r.customer.size(); ++i) {
    const auto c = static_cast<std::size_t>(r.customer[i]);
    orders[c] = static_cast<std::int64_t>(r.frequency[i]);
    recency[c] = static_cast<std::int64_t>(r.recency_days[i]);
    tenure[c] = static_cast<std::int64_t>(r.tenure[i]);
    monetary[c] = r.monetary[i];
    mean[c] = r.monetary_mean[i];
    first[c] = r.first_purchase[i];
    last[c] = r.last_purchase[i];
  }
  table.set_int64_column("orders", column<std::int64_t>::owned(std::move(orders)));
  table.set_int64_column("recency_days", column<std::int64_t>::owned(std::move(recency)));
  table.set_int64_column("tenure_days", column<std::int64_t>::owned(std::move(tenure)));
  table.set_column("monetary", column<double>::owned(std::move(monetary)));
  table.set_column("avg_order_value", column<double>::owned(std::move(mean)));
  table.set_time_column("first_purchase", column<std::int64_t>::owned(std::move(first)));
  table.set_time_column("last_purchase", column<std::int64_t>::owned(std::move(last)));
  std::vector<double> f(n, nan), rec(n, nan), T(n, nan), value(n, nan);
  const auto& b = rows.btyd;
  for (std::size_t i = 0; i < b.customer.size(); ++i) {
    const auto c = static_cast<std::size_t>(b.customer[i]);
    f[c] = b.frequency[i];
    rec[c] = b.recency[i];
    T[c] = b.T[i];
    value[c] = b.monetary_value[i];
  }
  table.set_column("frequency", column<double>::owned(std::move(f)));
  table.set_column("recency", column<double>::owned(std::move(rec)));
  table.set_column("T", column<double>::owned(std::move(T)));
  table.set_column("monetary_value", column<double>::owned(std::move(value)));
  return table;
}

}  // namespace

extern "C" {

CRMKIT_C_CREATE_FREE(crmkit_state)

CRMKIT_API int crmkit_state_add_dataset(crmkit_state* state, const crmkit_dataset* dataset) {
  CRMKIT_API_BEGIN();
  CRMKIT_NOT_NULL(state)->state.add(CRMKIT_NOT_NULL(dataset)->data);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_state_append(crmkit_state* state, const int32_t* customer, const char* ids,
                                   const size_t* offsets, size_t n_ids, const int64_t* time, const double* amount,
                                   size_t n, int64_t as_of, double period_days, crmkit_table** out_rows) {
  CRMKIT_API_BEGIN();
  put(out_rows, nullptr);
  CRMKIT_CHECK_NOT_NULL(state);
  const auto batch = read_batch(customer, ids, offsets, n_ids, time, amount, n, __func__);
  if (out_rows == nullptr) {
    for (const auto& t : batch) state->state.add(t.customer, t.time, t.amount);  // checked: cannot throw but bad_alloc
    return CRMKIT_OK;
  }
  crmkit::rfm_options ro;
  ro.as_of = as_of;
  crmkit::btyd_summary_options bo;
  bo.calibration_end = as_of;
  bo.period_days = period_days;
  auto table = std::make_unique<crmkit_table>();  // allocated first: a failure leaves the state as it was
  table->table = rows_table(state->state.append(batch, ro, bo));
  *out_rows = table.release();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_state_add_csv(crmkit_state* state, const char* path, const crmkit_csv_options* options,
                                    size_t block_bytes) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(state, path);
  const crmkit_csv_options defaults{};
  const crmkit_csv_options& o = options != nullptr ? *options : defaults;
  crmkit::add_transactions_csv(state->state, path, o.transactions, o.csv, nullptr,
                               block_bytes == 0 ? std::size_t{16} << 20 : block_bytes);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_state_merge(crmkit_state* state, const crmkit_state* other) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(state, other);
  if (state == other) {
    const crmkit::customer_state copy = other->state;
    state->state.merge(copy);
  } else {
    state->state.merge(other->state);
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_state_save(const crmkit_state* state, char* buf, size_t cap, size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(state, out_needed);
  if (cap > 0) CRMKIT_CHECK_NOT_NULL(buf);
  const std::string doc = state->state.save();
  *out_needed = doc.size();
  check_capacity(cap, doc.size(), __func__);
  if (!doc.empty()) std::memcpy(buf, doc.data(), doc.size());
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_state_load(const char* bytes, size_t len, crmkit_state** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  if (bytes == nullptr && len > 0) throw_null(__func__, "bytes");
  auto state = std::make_unique<crmkit_state>();
  state->state = crmkit::customer_state::load(std::string_view(bytes == nullptr ? "" : bytes, len));
  *out = state.release();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_state_info(const crmkit_state* state, size_t* out_customers, int64_t* out_transactions,
                                 size_t* out_memory_bytes, int64_t* out_min_time, int64_t* out_max_time) {
  CRMKIT_API_BEGIN();
  const crmkit::customer_state& s = CRMKIT_NOT_NULL(state)->state;
  put(out_customers, s.size(), out_transactions, static_cast<int64_t>(s.n_transactions()),
      out_memory_bytes, s.memory_bytes(), out_min_time, s.min_time(), out_max_time, s.max_time());
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_state_customer_ids(const crmkit_state* state, char* buf, size_t cap, size_t* offsets,
                                         size_t n_offsets, size_t* out_needed) {
  CRMKIT_API_BEGIN();
  const std::vector<std::string> ids = CRMKIT_NOT_NULL(state)->state.ids();
  copy_ids_out(
      ids.size(), [&](std::size_t i) { return std::string_view(ids[i]); }, buf, cap, offsets, n_offsets, out_needed,
      __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_state_score_customers(const crmkit_state* state, int64_t as_of,
                                            const crmkit_score_config* config, crmkit_table** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(state);
  crmkit::score_report report;
  auto table = crmkit::score_customers(state->state, as_of, config_of(config), &report);
  *out = new_table(std::move(table), score_report_json(report));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_state_lifecycle_start(const crmkit_state* state, int64_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  *out = crmkit::lifecycle_start(CRMKIT_NOT_NULL(state)->state);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_state_score_lifecycle(const crmkit_dataset* dataset, int64_t start, int64_t as_of,
                                            const crmkit_score_config* config, crmkit_table** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(dataset);
  *out = new_table(crmkit::score_lifecycle(dataset->data, start, as_of, config_of(config)));
  CRMKIT_API_END();
}

}  // extern "C"
