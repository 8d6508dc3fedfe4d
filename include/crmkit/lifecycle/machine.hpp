/// @file crmkit/lifecycle/machine.hpp
/// `lifecycle_machine`: the current lifecycle stage of every customer under a
/// `lifecycle_model`, moved by events (time passing to an as-of date, purchases, a stage
/// set by the host, a reset), with an append-only transition log.
///
/// Evaluation at an as-of date is column-wise: for each block of 512 customers every
/// transition's guard is run as bytecode over the metric columns into a byte mask, then each
/// customer picks its rule by the model's policy (first match, priority, unique). With
/// cascade, a customer that moved is re-evaluated from its new stage (stage_days = 0) until
/// no rule fires or `max_hops` hops were made; every hop is logged with the as-of time.
/// With at most 64 transitions active, the masks become one 64-bit set per customer in try
/// order (plus one at stage_days = 0 for the cascade), so a customer's rule is the first
/// set bit among those leaving its stage; purchase events gather their buyers' values into
/// the same blocks.
///
/// Invariants: a `@history` target resolves to the customer's previous stage; a history hop
/// that would skip along the no-skip chain is not taken (the next rule is tried). A
/// host-set stage obeys the model's no-skip and forward-only rules; a reset returns a
/// customer to the initial stage (the only way back in a forward-only model). Event times
/// never decrease: each event's time must be >= the latest event time.
///
/// Results do not depend on `n_threads`: customers are split into contiguous chunks whose
/// hops are appended in customer order. Evaluation is all-or-nothing: when it throws (a
/// unique-policy conflict, a missing column), no customer moves.
///
/// Memory: 12 bytes per customer (stage, previous stage, entry time) plus 16 bytes per
/// logged transition; evaluation scratch is O(n_threads * transitions * 512) bytes.
///
/// `#include <crmkit/lifecycle/machine.hpp>`
///
/// Thread safety: not synchronized; use from one thread at a time.
///
/// @code
/// auto model = std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model());
/// crmkit::lifecycle_machine machine(model, log.n_customers(), start);
/// crmkit::customer_metrics m = crmkit::compute_metrics(log, as_of);
/// crmkit::lifecycle_columns columns;
/// columns.add_metrics(m);
/// machine.evaluate(as_of, columns);
/// std::uint8_t stage = machine.stages()[0];
/// @endcode
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/lifecycle/metrics.hpp"
#include "crmkit/lifecycle/model.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Named per-customer columns a machine reads (borrowed views: the buffers must outlive
/// every evaluate() call that uses them). Not synchronized; use from one thread at a time.
class lifecycle_columns {
 public:
  /// Adds or replaces column `name` (borrowed).
  CRMKIT_FUNC void set(std::string name, std::span<const double> values);
  /// Adds the six built-in metric columns of `m` (borrowed).
  CRMKIT_FUNC void add_metrics(const customer_metrics& m);
  /// Adds every column of `table`: float64 columns borrowed; int64, time and category
  /// columns converted to doubles held here (missing -> NaN; categories as their codes), so
  /// guards read the columns score_customers() writes (`orders`, `p_alive`, ...).
  CRMKIT_FUNC void add_table(const customer_table& table);
  /// The column `name`, or nullptr.
  [[nodiscard]] CRMKIT_FUNC const std::span<const double>* find(std::string_view name) const noexcept;

 private:
  std::vector<std::pair<std::string, std::span<const double>>> columns_;
  std::vector<std::vector<double>> converted_;  // storage of the converted table columns
};

/// One logged stage change (16 bytes: the log of a first evaluation can hold several
/// records per customer).
struct transition_record {
  std::int64_t at = 0;       ///< event time, Unix seconds UTC
  std::int32_t customer = 0; ///< customer index
  std::int16_t rule = 0;     ///< transition index, or rule_host_set / rule_reset
  std::int8_t from = 0;      ///< state left
  std::int8_t to = 0;        ///< state entered
};
/// `transition_record::rule` of a stage set by the host.
inline constexpr std::int16_t rule_host_set = -1;
/// `transition_record::rule` of a reset.
inline constexpr std::int16_t rule_reset = -2;
/// A time that is not known (the start of a machine created without one).
inline constexpr std::int64_t unknown_time = std::numeric_limits<std::int64_t>::min();

namespace detail {

/// The transition log's storage: a growable array of records that grows with realloc
/// (records are trivially copyable). On glibc a large block is moved by remapping its
/// pages instead of copying them, so a log of millions of records is written once and
/// each of its pages is touched once, where std::vector would copy it at every doubling.
class transition_buffer {
 public:
  transition_buffer() = default;
  transition_buffer(const transition_buffer& other) { append(other.data_, other.size_); }
  transition_buffer(transition_buffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  transition_buffer& operator=(const transition_buffer& other) {
    if (this != &other) {
      size_ = 0;
      append(other.data_, other.size_);
    }
    return *this;
  }
  transition_buffer& operator=(transition_buffer&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
    return *this;
  }
  ~transition_buffer() { std::free(data_); }

  void push_back(const transition_record& r) {
    if (size_ == capacity_) grow(size_ + 1);
    data_[size_++] = r;
  }
  void append(const transition_record* first, std::size_t count) {
    if (count == 0) return;
    if (size_ + count > capacity_) grow(size_ + count);
    std::memcpy(static_cast<void*>(data_ + size_), first, count * sizeof(transition_record));
    size_ += count;
  }
  /// Drops the records from `count` on (count <= size()).
  void truncate(std::size_t count) noexcept { size_ = count; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] const transition_record& operator[](std::size_t i) const noexcept { return data_[i]; }
  [[nodiscard]] std::span<const transition_record> view() const noexcept { return {data_, size_}; }

 private:
  transition_record* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;

  CRMKIT_FUNC void grow(std::size_t needed);
};

}  // namespace detail

/// Options of a machine.
struct machine_options {
  std::size_t n_threads = 1;  ///< threads used by evaluate(); 1 means the caller's thread
};

/// The state of every customer and the transition log (see the file comment).
class lifecycle_machine {
 public:
  /// `n_customers` customers, all in the model's initial stage since `start`
  /// (`unknown_time` when not known: stage_days is then NaN until a customer first moves).
  /// @throws crmkit::error (invalid_argument) for a null model, n_threads = 0 or more than 2^31-1 customers.
  CRMKIT_FUNC lifecycle_machine(std::shared_ptr<const lifecycle_model> model, std::size_t n_customers,
                                std::int64_t start = unknown_time, machine_options options = {});

  /// Time passing: evaluates the time-triggered transitions for every customer at `as_of`.
  /// @return the number of hops logged.
  /// @throws crmkit::error (not_found) when `columns` lacks a column the guards read, naming it;
  ///         (invalid_argument) for a column of the wrong length or as_of before the last logged
  ///         event; (invalid_argument) for a unique-policy conflict, naming the customer and rules.
  CRMKIT_FUNC std::size_t evaluate(std::int64_t as_of, const lifecycle_columns& columns);
  /// A purchase event: evaluates the purchase-triggered transitions for `customers` at `at`
  /// (the columns should already reflect the purchase). Same errors as evaluate().
  CRMKIT_FUNC std::size_t purchase(std::span<const std::int32_t> customers, std::int64_t at,
                                   const lifecycle_columns& columns);
  /// The host sets `customer`'s stage. A no-op when already there.
  /// @throws crmkit::error (invalid_argument) for an index or state out of range, a time before the
  ///         last logged event, or a move that breaks the no-skip or forward-only rule.
  CRMKIT_FUNC void set_stage(std::int32_t customer, int state, std::int64_t at);
  /// Returns `customer` to the initial stage (logged with rule_reset; a no-op when already there).
  CRMKIT_FUNC void reset(std::int32_t customer, std::int64_t at);

  [[nodiscard]] const lifecycle_model& model() const noexcept { return *model_; }
  [[nodiscard]] const std::shared_ptr<const lifecycle_model>& shared_model() const noexcept { return model_; }
  [[nodiscard]] std::size_t n_customers() const noexcept { return stage_.size(); }
  [[nodiscard]] std::int64_t start() const noexcept { return start_; }
  /// Current stage of each customer.
  [[nodiscard]] std::span<const std::uint8_t> stages() const noexcept { return stage_; }
  /// Previous stage of each customer (the stage left to enter the current one), -1 when none.
  [[nodiscard]] std::span<const std::int8_t> previous() const noexcept { return previous_; }
  /// When each customer entered its current stage (start() when it never moved).
  [[nodiscard]] std::span<const std::int64_t> entered_at() const noexcept { return entered_; }
  /// The append-only log, in time order (customer order within one evaluation).
  [[nodiscard]] std::span<const transition_record> log() const noexcept { return log_.view(); }
  /// Latest event time seen (start() before any event); the next event may not be earlier.
  [[nodiscard]] std::int64_t last_time() const noexcept { return last_time_; }
  /// Number of customers in each stage now.
  [[nodiscard]] CRMKIT_FUNC std::vector<std::int64_t> stage_counts() const;
  [[nodiscard]] const machine_options& options() const noexcept { return options_; }
  /// Changes the thread count. @throws crmkit::error (invalid_argument) for 0.
  CRMKIT_FUNC void set_threads(std::size_t n_threads);

 private:
  std::shared_ptr<const lifecycle_model> model_;
  machine_options options_;
  std::int64_t start_;
  std::int64_t last_time_;
  std::vector<std::uint8_t> stage_;
  std::vector<std::int8_t> previous_;
  std::vector<std::int64_t> entered_;
  detail::transition_buffer log_;

  CRMKIT_FUNC std::size_t run(std::int64_t as_of, const lifecycle_columns& columns, int trigger,
                              std::span<const std::int32_t> subset, bool use_subset);
  CRMKIT_FUNC void check_time(std::int64_t at, const char* what) const;
  CRMKIT_FUNC void apply(const transition_record& r);
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/lifecycle/machine_impl.hpp"
#endif
