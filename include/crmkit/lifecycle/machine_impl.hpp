// Definitions for crmkit/lifecycle/machine.hpp. Included by that header in header-only
// mode and by src/lifecycle/machine.cpp otherwise.
// IWYU pragma: private, include "crmkit/lifecycle/machine.hpp"
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <new>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/parallel_for.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/lifecycle/machine.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC void lifecycle_columns::set(std::string name, std::span<const double> values) {
  for (auto& c : columns_)
    if (c.first == name) {
      c.second = values;
      return;
    }
  columns_.emplace_back(std::move(name), values);
}

CRMKIT_FUNC void lifecycle_columns::add_metrics(const customer_metrics& m) {
  set("recency_days", m.recency_days);
  set("orders", m.orders);
  set("tenure_days", m.tenure_days);
  set("monetary", m.monetary);
  set("avg_order_value", m.avg_order_value);
  set("median_gap_days", m.median_gap_days);
}

CRMKIT_FUNC void lifecycle_columns::add_table(const customer_table& table) {
  for (const table_column& c : table.columns()) {
    if (c.type == column_type::float64) {
      set(c.name, c.float64.view());
      continue;
    }
    std::vector<double> values(c.size());
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = c.as_double(i);
    converted_.push_back(std::move(values));
    set(c.name, converted_.back());
  }
}

CRMKIT_FUNC const std::span<const double>* lifecycle_columns::find(std::string_view name) const noexcept {
  for (const auto& c : columns_)
    if (c.first == name) return &c.second;
  return nullptr;
}

CRMKIT_FUNC lifecycle_machine::lifecycle_machine(std::shared_ptr<const lifecycle_model> model, std::size_t n_customers,
                                                 std::int64_t start, machine_options options)
    : model_(std::move(model)), options_(options), start_(start), last_time_(start) {
  if (!model_) throw error(errc::invalid_argument, "lifecycle_machine: the model is null");
  if (options_.n_threads == 0) throw error(errc::invalid_argument, "lifecycle_machine: n_threads is 0; it must be >= 1");
  if (n_customers > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw error(errc::invalid_argument, fmt::format("lifecycle_machine: {} customers; at most 2^31-1", n_customers));
  stage_.assign(n_customers, static_cast<std::uint8_t>(model_->initial()));
  previous_.assign(n_customers, -1);
  entered_.assign(n_customers, start);
}

CRMKIT_FUNC void lifecycle_machine::set_threads(std::size_t n_threads) {
  if (n_threads == 0) throw error(errc::invalid_argument, "lifecycle_machine: n_threads is 0; it must be >= 1");
  options_.n_threads = n_threads;
  team_.reset();
}

CRMKIT_FUNC void lifecycle_machine::restart(std::int64_t start) {
  start_ = start;
  last_time_ = start;
  std::fill(stage_.begin(), stage_.end(), static_cast<std::uint8_t>(model_->initial()));
  std::fill(previous_.begin(), previous_.end(), std::int8_t{-1});
  std::fill(entered_.begin(), entered_.end(), start);
  log_.clear();
}

CRMKIT_FUNC std::vector<std::int64_t> lifecycle_machine::stage_counts() const {
  std::vector<std::int64_t> counts(model_->n_states(), 0);
  for (auto s : stage_) ++counts[s];
  return counts;
}

CRMKIT_FUNC void lifecycle_machine::check_time(std::int64_t at, const char* what) const {
  if (at < last_time_)
    throw error(errc::invalid_argument,
                fmt::format("lifecycle_machine::{}: time {} is before the last event at {}; the log is "
                            "append-only and time only moves forward",
                            what, format_iso8601(at), format_iso8601(last_time_)));
}

CRMKIT_FUNC void lifecycle_machine::apply(const transition_record& r) {
  const auto c = static_cast<std::size_t>(r.customer);
  stage_[c] = static_cast<std::uint8_t>(r.to);
  previous_[c] = static_cast<std::int8_t>(r.from);
  entered_[c] = r.at;
  log_.push_back(r);
  last_time_ = r.at;
}

CRMKIT_FUNC void lifecycle_machine::set_stage(std::int32_t customer, int state, std::int64_t at) {
  if (customer < 0 || static_cast<std::size_t>(customer) >= n_customers())
    throw error(errc::invalid_argument,
                fmt::format("lifecycle_machine::set_stage: customer {} is outside [0, {})", customer, n_customers()));
  if (state < 0 || static_cast<std::size_t>(state) >= model_->n_states())
    throw error(errc::invalid_argument,
                fmt::format("lifecycle_machine::set_stage: state {} is outside [0, {})", state, model_->n_states()));
  check_time(at, "set_stage");
  const int from = stage_[static_cast<std::size_t>(customer)];
  if (from == state) return;
  const int rf = model_->chain_rank(from), rt = model_->chain_rank(state);
  if (rf >= 0 && rt > rf + 1)
    throw error(errc::invalid_argument,
                fmt::format("lifecycle_machine::set_stage: customer {} from '{}' to '{}' skips a stage of the no_skip chain",
                            customer, model_->state_name(from), model_->state_name(state)));
  if (model_->forward_only() && state < from)
    throw error(errc::invalid_argument,
                fmt::format("lifecycle_machine::set_stage: customer {} from '{}' back to '{}' in a forward_only model; "
                            "use reset()",
                            customer, model_->state_name(from), model_->state_name(state)));
  apply({at, customer, rule_host_set, static_cast<std::int8_t>(from), static_cast<std::int8_t>(state)});
}

CRMKIT_FUNC void lifecycle_machine::reset(std::int32_t customer, std::int64_t at) {
  if (customer < 0 || static_cast<std::size_t>(customer) >= n_customers())
    throw error(errc::invalid_argument,
                fmt::format("lifecycle_machine::reset: customer {} is outside [0, {})", customer, n_customers()));
  check_time(at, "reset");
  const int from = stage_[static_cast<std::size_t>(customer)];
  if (from == model_->initial()) return;
  apply({at, customer, rule_reset, static_cast<std::int8_t>(from), static_cast<std::int8_t>(model_->initial())});
}

CRMKIT_FUNC std::size_t lifecycle_machine::evaluate(std::int64_t as_of, const lifecycle_columns& columns) {
  return run(as_of, columns, static_cast<int>(transition_trigger::time), {}, false);
}

CRMKIT_FUNC std::size_t lifecycle_machine::purchase(std::span<const std::int32_t> customers, std::int64_t at,
                                                    const lifecycle_columns& columns) {
  for (std::size_t i = 0; i < customers.size(); ++i)
    if (customers[i] < 0 || static_cast<std::size_t>(customers[i]) >= n_customers())
      throw error(errc::invalid_argument, fmt::format("lifecycle_machine::purchase: customers[{}] = {} is outside [0, {})",
                                                      i, customers[i], n_customers()));
  return run(at, columns, static_cast<int>(transition_trigger::purchase), customers, true);
}

namespace detail {

// Everything one evaluation reads, shared read-only by the worker threads.
struct lifecycle_eval_context {
  const lifecycle_model* model;
  std::vector<const double*> base;  // column id -> values (stage_days: nullptr)
  const std::uint8_t* stage;
  const std::int8_t* previous;
  const std::int64_t* entered;
  // Where decide_bits() writes each customer's new state after its hops (the bit form
  // applies the hops as it goes; run() restores the state from the log if anything throws).
  std::uint8_t* stage_out;
  std::int8_t* previous_out;
  std::int64_t* entered_out;
  std::int64_t as_of;
  int trigger;
  std::vector<int> active;          // transitions this trigger evaluates, in try order
  std::vector<std::vector<int>> by_state;      // per state: the active transitions leaving it, in try order
  std::vector<std::uint8_t> reads_stage_days;  // per transition
  bool needs_stage_days;
  // The bit form of the rules (when at most 64 transitions are active): bit j stands for
  // active[j], the j-th transition in try order.
  bool bits = false;
  std::vector<std::uint64_t> leaving_bits;  // per state: the bits of the active transitions leaving it
  std::vector<int> bit_target;              // per bit: the target state, or -1 for @history
  std::uint64_t stage_days_bits = 0;        // bits of the transitions whose guard reads stage_days
};

[[noreturn]] inline void unique_conflict(const lifecycle_eval_context& ctx, std::size_t c, int s, int a, int b) {
  const auto& t = ctx.model->transitions();
  throw error(errc::invalid_argument,
              fmt::format("lifecycle: under the unique policy customer {} in stage '{}' matches both '{}' and '{}' at {}",
                          c, ctx.model->state_name(s), t[static_cast<std::size_t>(a)].name,
                          t[static_cast<std::size_t>(b)].name, format_iso8601(ctx.as_of)));
}

// Decides the hops of one customer. `mask_of(k)` returns 1/0 when transition k's guard is
// known from the block masks (they depend on the columns only, so they stay valid during a
// cascade unless the guard reads stage_days, which is 0 after a hop), or -1 when the guard
// must be evaluated for the row.
template <class MaskOf, class Out>
inline void decide(const lifecycle_eval_context& ctx, std::size_t c, MaskOf&& mask_of, Out& out) {
  const lifecycle_model& m = *ctx.model;
  const auto& ts = m.transitions();
  int s = ctx.stage[c];
  int prev = ctx.previous[c];
  for (int hop = 0; hop < m.max_hops(); ++hop) {
    int chosen = -1, target = -1;
    for (int k : ctx.by_state[static_cast<std::size_t>(s)]) {
      const lifecycle_transition& t = ts[static_cast<std::size_t>(k)];
      int holds = hop > 0 && ctx.reads_stage_days[static_cast<std::size_t>(k)] ? -1 : mask_of(k);
      if (holds < 0) holds = t.condition.evaluate_row(ctx.base.data(), c, stage_days_column, 0.0) ? 1 : 0;
      if (!holds) continue;
      int to = t.to >= 0 ? t.to : prev;
      if (to < 0 || to == s) continue;
      if (t.to < 0) {  // history: never skip along the chain
        const int rs = m.chain_rank(s), rt = m.chain_rank(to);
        if (rs >= 0 && rt > rs + 1) continue;
      }
      if (m.policy() == rule_policy::unique) {
        if (chosen >= 0) unique_conflict(ctx, c, s, chosen, k);
        chosen = k, target = to;
        continue;
      }
      chosen = k, target = to;
      break;
    }
    if (chosen < 0) break;
    out.push_back(transition_entry{static_cast<std::int32_t>(c), static_cast<std::int16_t>(chosen),
                                   static_cast<std::int8_t>(s), static_cast<std::int8_t>(target)});
    prev = s;
    s = target;
  }
}

// Decides the hops of one customer from the bits of the guards that hold for it: `hold`
// at its own stage_days, `hold0` at stage_days = 0 (after a hop; only the bits of
// stage_days_bits are read from it). The same choices as decide(), without a call per rule.
template <class Out>
inline void decide_bits(const lifecycle_eval_context& ctx, std::size_t c, std::uint64_t hold, std::uint64_t hold0,
                        Out& out) {
  const lifecycle_model& m = *ctx.model;
  const bool unique = m.policy() == rule_policy::unique;
  int s = ctx.stage[c];
  int prev = ctx.previous[c];
  bool moved = false;
  for (int hop = 0; hop < m.max_hops(); ++hop) {
    std::uint64_t candidates = hold & ctx.leaving_bits[static_cast<std::size_t>(s)];
    int chosen = -1, target = -1;
    while (candidates != 0) {
      const int j = std::countr_zero(candidates);
      candidates &= candidates - 1;
      const int fixed = ctx.bit_target[static_cast<std::size_t>(j)];
      const int to = fixed >= 0 ? fixed : prev;
      if (to < 0 || to == s) continue;
      if (fixed < 0) {  // history: never skip along the chain
        const int rs = m.chain_rank(s), rt = m.chain_rank(to);
        if (rs >= 0 && rt > rs + 1) continue;
      }
      if (unique && chosen >= 0)
        unique_conflict(ctx, c, s, ctx.active[static_cast<std::size_t>(chosen)], ctx.active[static_cast<std::size_t>(j)]);
      chosen = j, target = to;
      if (!unique) break;
    }
    if (chosen < 0) break;
    out.push_back(transition_entry{static_cast<std::int32_t>(c),
                                   static_cast<std::int16_t>(ctx.active[static_cast<std::size_t>(chosen)]),
                                   static_cast<std::int8_t>(s), static_cast<std::int8_t>(target)});
    prev = s;
    s = target;
    moved = true;
    if (hop == 0) hold = (hold & ~ctx.stage_days_bits) | (hold0 & ctx.stage_days_bits);
  }
  if (moved) {
    ctx.stage_out[c] = static_cast<std::uint8_t>(s);
    ctx.previous_out[c] = static_cast<std::int8_t>(prev);
    ctx.entered_out[c] = ctx.as_of;
  }
}

// Hops of customers [lo, hi), or of customers rows[lo], ..., rows[hi - 1] when `rows` is
// given (their column values are then gathered per block), column-wise per block.
template <class Out>
inline void decide_range(const lifecycle_eval_context& ctx, std::size_t lo, std::size_t hi, Out& out,
                         const std::int32_t* rows = nullptr) {
  const auto& ts = ctx.model->transitions();
  constexpr std::size_t B = guard::block_size;
  std::vector<std::uint8_t> masks(ctx.bits ? B : ts.size() * B);
  std::vector<double> stage_days(B);
  std::vector<std::uint64_t> hold(ctx.bits ? B : 0), hold0(ctx.bits ? B : 0);
  const bool cascade_stage_days = ctx.bits && ctx.stage_days_bits != 0 && ctx.model->max_hops() > 1;
  const std::vector<double> zeros(cascade_stage_days ? B : 0, 0.0);
  std::vector<const double*> block(ctx.base.size());
  std::vector<double> gathered(rows ? ctx.base.size() * B : 0);
  const double today = static_cast<double>(floor_days(ctx.as_of));
  const auto customer = [&](std::size_t pos) { return rows ? static_cast<std::size_t>(rows[pos]) : pos; };
  for (std::size_t b = lo; b < hi; b += B) {
    const std::size_t n = std::min(B, hi - b);
    std::uint64_t present = 0;
    for (std::size_t i = 0; i < n; ++i) present |= std::uint64_t{1} << ctx.stage[customer(b + i)];
    for (std::size_t col = 0; col < block.size(); ++col) {
      if (!ctx.base[col]) {
        block[col] = nullptr;
      } else if (rows) {
        double* g = gathered.data() + col * B;
        for (std::size_t i = 0; i < n; ++i) g[i] = ctx.base[col][rows[b + i]];
        block[col] = g;
      } else {
        block[col] = ctx.base[col] + b;
      }
    }
    if (ctx.needs_stage_days) {
      // Entry times repeat (everybody starts together; hops of one evaluation share its
      // time): the day division is done once per run of equal times.
      std::int64_t last_entered = unknown_time;
      double last_days = std::numeric_limits<double>::quiet_NaN();
      for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t e = ctx.entered[customer(b + i)];
        if (e != last_entered) {
          last_entered = e;
          last_days = e == unknown_time ? std::numeric_limits<double>::quiet_NaN()
                                        : today - static_cast<double>(floor_days(e));
        }
        stage_days[i] = last_days;
      }
      block[stage_days_column] = stage_days.data();
    }
    // With cascade a customer can reach any stage, so every active mask is computed.
    const std::uint64_t sources = ctx.model->max_hops() > 1 ? ~std::uint64_t{0} : present;
    if (ctx.bits) {
      // Each customer's holding guards as bits in try order, once at its stage_days and,
      // for the guards that read stage_days, once at 0 (the value after a hop).
      std::fill(hold.begin(), hold.begin() + static_cast<std::ptrdiff_t>(n), std::uint64_t{0});
      for (std::size_t j = 0; j < ctx.active.size(); ++j) {
        const auto& t = ts[static_cast<std::size_t>(ctx.active[j])];
        if ((t.from_mask & sources) == 0) continue;
        t.condition.evaluate(block.data(), 0, n, masks.data());
        for (std::size_t i = 0; i < n; ++i) hold[i] |= std::uint64_t{masks[i]} << j;
      }
      if (cascade_stage_days) {
        std::fill(hold0.begin(), hold0.begin() + static_cast<std::ptrdiff_t>(n), std::uint64_t{0});
        block[stage_days_column] = zeros.data();
        for (std::size_t j = 0; j < ctx.active.size(); ++j) {
          if (((ctx.stage_days_bits >> j) & 1) == 0) continue;
          ts[static_cast<std::size_t>(ctx.active[j])].condition.evaluate(block.data(), 0, n, masks.data());
          for (std::size_t i = 0; i < n; ++i) hold0[i] |= std::uint64_t{masks[i]} << j;
        }
      }
      for (std::size_t i = 0; i < n; ++i) decide_bits(ctx, customer(b + i), hold[i], hold0[i], out);
      continue;
    }
    for (int k : ctx.active) {
      const auto& t = ts[static_cast<std::size_t>(k)];
      if ((t.from_mask & sources) != 0) t.condition.evaluate(block.data(), 0, n, masks.data() + static_cast<std::size_t>(k) * B);
    }
    // A transition's mask is computed only when some customer of the block can be in one of
    // its sources; decide() only asks for transitions leaving the customer's stage.
    for (std::size_t i = 0; i < n; ++i)
      decide(ctx, customer(b + i), [&](int k) { return static_cast<int>(masks[static_cast<std::size_t>(k) * B + i]); },
             out);
  }
}

}  // namespace detail

CRMKIT_FUNC std::size_t lifecycle_machine::run(std::int64_t as_of, const lifecycle_columns& columns, int trigger,
                                               std::span<const std::int32_t> subset, bool use_subset) {
  check_time(as_of, use_subset ? "purchase" : "evaluate");
  const lifecycle_model& m = *model_;
  detail::lifecycle_eval_context ctx;
  ctx.model = &m;
  ctx.stage = stage_.data();
  ctx.previous = previous_.data();
  ctx.entered = entered_.data();
  ctx.stage_out = stage_.data();
  ctx.previous_out = previous_.data();
  ctx.entered_out = entered_.data();
  ctx.as_of = as_of;
  ctx.trigger = trigger;
  for (int k : m.try_order())
    if (static_cast<int>(m.transitions()[static_cast<std::size_t>(k)].on) & trigger) ctx.active.push_back(k);
  ctx.by_state.resize(m.n_states());
  for (std::size_t st = 0; st < m.n_states(); ++st)
    for (int k : ctx.active)
      if ((m.transitions()[static_cast<std::size_t>(k)].from_mask >> st) & 1) ctx.by_state[st].push_back(k);
  for (const auto& t : m.transitions()) {
    const auto cols = t.condition.columns();
    ctx.reads_stage_days.push_back(std::find(cols.begin(), cols.end(), stage_days_column) != cols.end() ? 1 : 0);
  }
  ctx.bits = ctx.active.size() <= 64;
  if (ctx.bits) {
    ctx.leaving_bits.assign(m.n_states(), 0);
    for (std::size_t j = 0; j < ctx.active.size(); ++j) {
      const auto k = static_cast<std::size_t>(ctx.active[j]);
      const lifecycle_transition& t = m.transitions()[k];
      for (std::size_t st = 0; st < m.n_states(); ++st)
        if ((t.from_mask >> st) & 1) ctx.leaving_bits[st] |= std::uint64_t{1} << j;
      ctx.bit_target.push_back(t.to);
      if (ctx.reads_stage_days[k]) ctx.stage_days_bits |= std::uint64_t{1} << j;
    }
  }
  // Bind the columns the active guards read.
  std::vector<bool> needed(m.columns().size(), false);
  for (int k : ctx.active)
    for (int col : m.transitions()[static_cast<std::size_t>(k)].condition.columns()) needed[static_cast<std::size_t>(col)] = true;
  ctx.base.assign(m.columns().size(), nullptr);
  ctx.needs_stage_days = needed[stage_days_column];
  for (std::size_t col = 0; col < needed.size(); ++col) {
    if (!needed[col] || static_cast<int>(col) == stage_days_column) continue;
    const auto* values = columns.find(m.columns()[col]);
    if (!values)
      throw error(errc::not_found, fmt::format("lifecycle_machine: the guards read column '{}', which was not supplied",
                                               m.columns()[col]));
    if (values->size() != n_customers())
      throw error(errc::invalid_argument, fmt::format("lifecycle_machine: column '{}' has {} values for {} customers",
                                                      m.columns()[col], values->size(), n_customers()));
    ctx.base[col] = values->data();
  }
  // Hops are decided first and applied after, so that an error leaves the machine unchanged.
  // They are appended to the log directly and cut off again on error.
  const std::size_t old_size = log_.size();
  detail::transition_buffer& hops = log_;
  // An empty log (a new or restarted machine) gets room for one hop per customer at once:
  // a full evaluation from the initial stage logs a few per customer, and reserving is
  // only address space, while growing from small would first-touch 4 KiB pages and copy
  // (pod_array maps this much onto huge pages, detail/huge_pages.hpp).
  if (old_size == 0) hops.reserve(use_subset ? subset.size() : n_customers());
  hops.begin_run(as_of);  // every hop of this call is at as_of
  std::vector<detail::transition_buffer>& parts = chunk_hops_;  // the hops of chunks 1, 2, ... with threads
  for (auto& part : parts) part.clear();
  try {
  if (use_subset) {
    // The buyers in customer order. With the bit form their column values are gathered per
    // block and evaluated as in a full evaluation; otherwise row-wise with the same bytecode,
    // stage_days passed as the row's override value (no column of n_customers values per
    // event: a replay sends one purchase event per transaction time).
    const double today = static_cast<double>(floor_days(as_of));
    std::vector<std::int32_t> sorted(subset.begin(), subset.end());
    if (!std::is_sorted(sorted.begin(), sorted.end())) std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    if (ctx.bits) {
      detail::decide_range(ctx, 0, sorted.size(), hops, sorted.data());
    } else {
      for (auto c : sorted) {
        const auto row = static_cast<std::size_t>(c);
        const std::int64_t e = entered_[row];
        const double stage_days =
            e == unknown_time ? std::numeric_limits<double>::quiet_NaN() : today - static_cast<double>(floor_days(e));
        detail::decide(ctx, row, [&](int k) {
          return m.transitions()[static_cast<std::size_t>(k)].condition.evaluate_row(ctx.base.data(), row,
                                                                                       stage_days_column, stage_days)
                     ? 1
                     : 0;
        }, hops);
      }
    }
  } else {
    const std::size_t n = n_customers();
    // Fixed chunks of customers (crmkit/core/parallel_for.hpp), each deciding its own range;
    // the log gets the chunks' hops in chunk order, so it is the same as one range's for any
    // thread count. A chunk claimed when every earlier chunk is in the log appends to the log
    // directly; any other decides into its own buffer, which whoever completes the chunk
    // before it copies into the log. A thread that does every chunk in turn (one thread, or
    // a second thread the scheduler does not run) so copies nothing.
    constexpr std::size_t chunk = 16384;
    if (thread_count(options_.n_threads) <= 1 || n <= chunk) {
      detail::decide_range(ctx, 0, n, hops);
    } else {
      const std::size_t n_chunks = chunk_count(n, chunk);
      parts.resize(n_chunks);
      std::vector<std::uint8_t> decided(n_chunks, 0);  // in parts[c], not yet in the log
      std::size_t in_log = 0;                          // chunks [0, in_log) are in the log
      std::mutex log_mutex;                            // guards decided, in_log and the log
      team_.get(options_.n_threads).parallel_for(n, chunk, [&](std::size_t c, std::size_t begin, std::size_t end) {
        bool direct = false;
        {
          std::lock_guard<std::mutex> lock(log_mutex);
          direct = in_log == c;  // then no one else appends until this chunk is done
        }
        detail::decide_range(ctx, begin, end, direct ? hops : parts[c]);
        std::lock_guard<std::mutex> lock(log_mutex);
        if (direct) {
          in_log = c + 1;
        } else {
          decided[c] = 1;
        }
        for (; in_log < n_chunks && decided[in_log] != 0; ++in_log) {
          const detail::transition_buffer& part = parts[in_log];
          if (part.size() == 0) continue;
          transition_entry* tail = hops.append_for_overwrite(part.size());
          std::memcpy(static_cast<void*>(tail), part.entries().data(), part.size() * sizeof(transition_entry));
        }
      });
    }
  }
  } catch (...) {
    if (ctx.bits) {
      // The bit form applied hops as it went: every customer with a hop in this evaluation
      // gets back the state of its last earlier record (the state is always that of the
      // customer's last record, or the initial one without records).
      std::vector<bool> touched(n_customers(), false);
      for (std::size_t i = old_size; i < log_.size(); ++i) touched[static_cast<std::size_t>(log_.entries()[i].customer)] = true;
      for (const auto& part : parts)
        for (const transition_entry& r : part.entries()) touched[static_cast<std::size_t>(r.customer)] = true;
      for (std::size_t c = 0; c < n_customers(); ++c)
        if (touched[c]) {
          stage_[c] = static_cast<std::uint8_t>(m.initial());
          previous_[c] = -1;
          entered_[c] = start_;
        }
      log_.truncate(old_size);
      for (const transition_record r : log_.view()) {
        const auto c = static_cast<std::size_t>(r.customer);
        if (!touched[c]) continue;
        stage_[c] = static_cast<std::uint8_t>(r.to);
        previous_[c] = static_cast<std::int8_t>(r.from);
        entered_[c] = r.at;
      }
    }
    log_.truncate(old_size);
    throw;
  }
  hops.end_run();
  if (ctx.bits) {  // already applied
    last_time_ = as_of;
    return log_.size() - old_size;
  }
  for (std::size_t i = old_size; i < log_.size(); ++i) {
    const transition_entry& r = log_.entries()[i];
    const auto c = static_cast<std::size_t>(r.customer);
    stage_[c] = static_cast<std::uint8_t>(r.to);
    previous_[c] = static_cast<std::int8_t>(r.from);
    entered_[c] = as_of;
  }
  last_time_ = as_of;
  return log_.size() - old_size;
}

CRMKIT_END_NAMESPACE
