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
/// Memory: 10 bytes per customer (stage, previous stage, entry time) plus 8 bytes per
/// logged transition (transition_entry) and 16 per run of records logged at one time (one
/// per evaluation or event with hops); the log's array grows by doubling, so it reserves at
/// most twice its records (or one entry per customer, reserved when an evaluation starts on
/// an empty log: address space, resident only as written), and restart() keeps that memory
/// for the next evaluations. With n_threads > 1, a chunk whose earlier chunks are all in
/// the log when it starts appends to the log directly; the others write per-chunk buffers,
/// copied into the log in chunk order (up to 8 bytes per hop more, kept with the log for
/// the next evaluations).
/// Evaluation scratch is O(n_threads * transitions * 512) bytes. Threads: with n_threads > 1
/// the first full evaluation starts n_threads - 1 worker threads, which sleep between
/// evaluations and stop when the machine is destroyed or set_threads changes the count.
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
#include <compare>
#include <iterator>
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
#include "crmkit/core/detail/pod_array.hpp"
#include "crmkit/core/parallel_for.hpp"
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
  /// Not from a temporary: the columns would point into it after it is gone.
  void add_metrics(customer_metrics&&) = delete;
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

/// One logged stage change, as log() reports it (the log stores it in 8 bytes: the time is
/// kept once per run of records logged by one event, see transition_log_view).
struct transition_record {
  std::int64_t at = 0;       ///< event time, Unix seconds UTC
  std::int32_t customer = 0; ///< customer index
  std::int16_t rule = 0;     ///< transition index, or rule_host_set / rule_reset
  std::int8_t from = 0;      ///< state left
  std::int8_t to = 0;        ///< state entered
};
/// A logged stage change without its time: the 8 bytes the log stores per record.
struct transition_entry {
  std::int32_t customer = 0; ///< customer index
  std::int16_t rule = 0;     ///< transition index, or rule_host_set / rule_reset
  std::int8_t from = 0;      ///< state left
  std::int8_t to = 0;        ///< state entered
};
/// The records of the log logged at one time: entries [begin, the next run's begin, or the
/// end of the log). Runs are in strictly increasing time and never empty.
struct transition_run {
  std::size_t begin = 0;  ///< index of the run's first record
  std::int64_t at = 0;    ///< their time, Unix seconds UTC
};
/// `transition_record::rule` of a stage set by the host.
inline constexpr std::int16_t rule_host_set = -1;
/// `transition_record::rule` of a reset.
inline constexpr std::int16_t rule_reset = -2;
/// A time that is not known (the start of a machine created without one).
inline constexpr std::int64_t unknown_time = std::numeric_limits<std::int64_t>::min();

/// The transition log of a machine as records (a borrowed view; valid until the machine next
/// changes). Records are produced on access from the stored 8-byte entries and the time of
/// their run: `operator[]` finds the run by binary search (O(log runs)); iteration is O(1)
/// per record. Bulk readers can walk entries() and runs() directly.
///
/// `#include <crmkit/lifecycle/machine.hpp>`
///
/// Thread safety: read-only; safe to read from several threads while the machine is not changed.
///
/// @code
/// for (const crmkit::transition_record& r : machine.log()) count[r.to]++;
/// crmkit::transition_record last = machine.log().back();
/// @endcode
class transition_log_view {
 public:
  /// Input iterator (random-access movement) yielding records by value. It holds the
  /// machine's arrays, not the view, so it outlives a temporary view.
  class iterator {
   public:
    using iterator_concept = std::random_access_iterator_tag;
    using iterator_category = std::input_iterator_tag;
    using value_type = transition_record;
    using difference_type = std::ptrdiff_t;
    using reference = transition_record;
    struct pointer {
      transition_record r;
      const transition_record* operator->() const noexcept { return &r; }
    };
    iterator() = default;
    iterator(std::span<const transition_entry> entries, std::span<const transition_run> runs, std::size_t i) noexcept
        : entries_(entries.data()), runs_(runs), i_(i), run_(run_of(runs, i)) {}
    transition_record operator*() const noexcept { return make(entries_[i_], runs_[run_].at); }
    pointer operator->() const noexcept { return {**this}; }
    transition_record operator[](difference_type k) const noexcept { return *(*this + k); }
    iterator& operator++() noexcept {
      ++i_;
      if (run_ + 1 < runs_.size() && runs_[run_ + 1].begin == i_) ++run_;
      return *this;
    }
    iterator operator++(int) noexcept { iterator t = *this; ++*this; return t; }
    iterator& operator--() noexcept {
      --i_;
      if (run_ > 0 && i_ < runs_[run_].begin) --run_;
      return *this;
    }
    iterator operator--(int) noexcept { iterator t = *this; --*this; return t; }
    iterator& operator+=(difference_type k) noexcept {
      i_ = static_cast<std::size_t>(static_cast<difference_type>(i_) + k);
      run_ = run_of(runs_, i_);
      return *this;
    }
    iterator& operator-=(difference_type k) noexcept { return *this += -k; }
    friend iterator operator+(iterator it, difference_type k) noexcept { return it += k; }
    friend iterator operator+(difference_type k, iterator it) noexcept { return it += k; }
    friend iterator operator-(iterator it, difference_type k) noexcept { return it -= k; }
    friend difference_type operator-(const iterator& a, const iterator& b) noexcept {
      return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.i_ == b.i_; }
    friend auto operator<=>(const iterator& a, const iterator& b) noexcept { return a.i_ <=> b.i_; }

   private:
    const transition_entry* entries_ = nullptr;
    std::span<const transition_run> runs_;
    std::size_t i_ = 0;
    std::size_t run_ = 0;
  };

  transition_log_view() = default;
  transition_log_view(std::span<const transition_entry> entries, std::span<const transition_run> runs) noexcept
      : entries_(entries), runs_(runs) {}

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  /// Record i (i < size()).
  [[nodiscard]] transition_record operator[](std::size_t i) const noexcept {
    return make(entries_[i], runs_[run_of(runs_, i)].at);
  }
  [[nodiscard]] transition_record front() const noexcept { return (*this)[0]; }
  [[nodiscard]] transition_record back() const noexcept { return make(entries_[size() - 1], runs_.back().at); }
  [[nodiscard]] iterator begin() const noexcept { return {entries_, runs_, 0}; }
  [[nodiscard]] iterator end() const noexcept { return {entries_, runs_, size()}; }
  /// The stored records without their times, in log order.
  [[nodiscard]] std::span<const transition_entry> entries() const noexcept { return entries_; }
  /// The runs of equal time (see transition_run).
  [[nodiscard]] std::span<const transition_run> runs() const noexcept { return runs_; }
  /// The time of record i (i < size()).
  [[nodiscard]] std::int64_t time_of(std::size_t i) const noexcept { return runs_[run_of(runs_, i)].at; }
  /// Index of the first record at or after time `t` (size() when none): the log is in time order.
  [[nodiscard]] std::size_t lower_bound(std::int64_t t) const noexcept {
    const auto it = std::lower_bound(runs_.begin(), runs_.end(), t,
                                     [](const transition_run& r, std::int64_t x) { return r.at < x; });
    return it == runs_.end() ? size() : it->begin;
  }

 private:
  std::span<const transition_entry> entries_;
  std::span<const transition_run> runs_;

  // The run holding record i (the last run for i == size(); 0 without runs).
  [[nodiscard]] static std::size_t run_of(std::span<const transition_run> runs, std::size_t i) noexcept {
    if (runs.empty()) return 0;
    const auto it = std::upper_bound(runs.begin(), runs.end(), i,
                                     [](std::size_t x, const transition_run& r) { return x < r.begin; });
    return it == runs.begin() ? 0 : static_cast<std::size_t>(it - runs.begin()) - 1;
  }
  [[nodiscard]] static transition_record make(const transition_entry& e, std::int64_t at) noexcept {
    return {at, e.customer, e.rule, e.from, e.to};
  }
};

namespace detail {

/// The transition log's storage: the 8-byte entries in a growable array, plus the runs of
/// equal time. clear() keeps the entries' memory (its capacity). The entries are a
/// core/detail/pod_array: on Linux from 1 MiB on in their own anonymous mapping grown with
/// mremap, so a log of millions of entries is written once and each of its pages touched
/// once (std::vector would copy it at every doubling). Each buffer owns its memory: nothing
/// is shared between machines.
class transition_buffer {
 public:
  /// The entries appended from now on are at time `at` (>= the last run's time).
  void begin_run(std::int64_t at) {
    if (!runs_.empty() && runs_.back().at == at) return;
    if (!runs_.empty() && runs_.back().begin == entries_.size()) {  // an empty run: retime it
      runs_.back().at = at;
      return;
    }
    runs_.push_back({entries_.size(), at});
  }
  /// Drops a trailing run without entries.
  void end_run() noexcept {
    if (!runs_.empty() && runs_.back().begin == entries_.size()) runs_.pop_back();
  }
  void push_back(const transition_entry& e) { entries_.push_back(e); }
  /// An entry at time `at` (a run of its own unless the last run has that time).
  void push_back(const transition_record& r) {
    begin_run(r.at);
    push_back(transition_entry{r.customer, r.rule, r.from, r.to});
  }
  void append(const transition_entry* first, std::size_t count) { entries_.append(first, count); }
  /// Grows the log by `count` entries left unwritten and returns the first (the caller
  /// writes them all before the log is read).
  [[nodiscard]] transition_entry* append_for_overwrite(std::size_t count) { return entries_.append_for_overwrite(count); }
  /// Room for `count` entries in all (see pod_array::reserve).
  void reserve(std::size_t count) { entries_.reserve(count); }
  /// Drops the entries from `count` on (count <= size()) and the runs that start there.
  void truncate(std::size_t count) noexcept {
    entries_.truncate(count);
    while (!runs_.empty() && runs_.back().begin >= count) runs_.pop_back();
  }
  /// Empties the log, keeping the memory of its entries.
  void clear() noexcept {
    entries_.clear();
    runs_.clear();
  }
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return entries_.capacity(); }
  [[nodiscard]] std::span<const transition_entry> entries() const noexcept { return {entries_.data(), entries_.size()}; }
  [[nodiscard]] transition_log_view view() const noexcept { return {entries(), runs_}; }

 private:
  pod_array<transition_entry> entries_;
  std::vector<transition_run> runs_;
};

/// A machine's worker threads, started by its first evaluation on threads and kept, asleep,
/// for the next ones: with a thread started per evaluation, two threads evaluated from
/// prospect at 1.29-1.34x one thread's speed, with kept ones at 1.45-1.60x
/// (docs/benchmarks.md, ninth round). A copy starts without.
class kept_team {
 public:
  kept_team() = default;
  kept_team(const kept_team&) noexcept {}
  kept_team& operator=(const kept_team&) noexcept {
    team_.reset();
    return *this;
  }
  kept_team(kept_team&&) noexcept = default;
  kept_team& operator=(kept_team&&) noexcept = default;
  ~kept_team() = default;

  /// The team of `n_threads` threads (made, or remade for another count, here).
  thread_team& get(std::size_t n_threads) {
    if (!team_ || team_->size() != thread_count(n_threads)) {
      team_.reset();
      team_ = std::make_unique<thread_team>(n_threads);
    }
    return *team_;
  }
  /// Stops the threads.
  void reset() noexcept { team_.reset(); }

 private:
  std::unique_ptr<thread_team> team_;
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
  /// The append-only log, in time order (customer order within one evaluation), as a view
  /// of records (transition_log_view; valid until the machine next changes).
  [[nodiscard]] transition_log_view log() const noexcept { return log_.view(); }
  /// Latest event time seen (start() before any event); the next event may not be earlier.
  [[nodiscard]] std::int64_t last_time() const noexcept { return last_time_; }
  /// Number of customers in each stage now.
  [[nodiscard]] CRMKIT_FUNC std::vector<std::int64_t> stage_counts() const;
  [[nodiscard]] const machine_options& options() const noexcept { return options_; }
  /// Changes the thread count. @throws crmkit::error (invalid_argument) for 0.
  CRMKIT_FUNC void set_threads(std::size_t n_threads);
  /// Starts over: every customer back in the model's initial stage since `start`, no previous
  /// stage, an empty log, as a new machine of the same model, size and options; but the
  /// memory of the log is kept (its capacity, as std::vector::clear keeps it), so a host that
  /// classifies its customers from scratch again and again (a stateless nightly run, what-if
  /// runs) writes each evaluation's log into memory that is already mapped. Fresh memory is
  /// expensive (a page fault the first time a page is written); the memory kept is
  /// at most twice the largest log the machine held (see Memory in the file comment).
  CRMKIT_FUNC void restart(std::int64_t start = unknown_time);

 private:
  std::shared_ptr<const lifecycle_model> model_;
  machine_options options_;
  std::int64_t start_;
  std::int64_t last_time_;
  std::vector<std::uint8_t> stage_;
  std::vector<std::int8_t> previous_;
  std::vector<std::int64_t> entered_;
  detail::transition_buffer log_;
  // With threads, the hops of each chunk of customers after the first, appended to the log
  // in chunk order; kept, like the log's memory, so that the next evaluation writes into
  // pages already mapped.
  std::vector<detail::transition_buffer> chunk_hops_;
  detail::kept_team team_;  // with n_threads > 1: the workers, kept between evaluations

  CRMKIT_FUNC std::size_t run(std::int64_t as_of, const lifecycle_columns& columns, int trigger,
                              std::span<const std::int32_t> subset, bool use_subset);
  CRMKIT_FUNC void check_time(std::int64_t at, const char* what) const;
  CRMKIT_FUNC void apply(const transition_record& r);
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/lifecycle/machine_impl.hpp"
#endif
