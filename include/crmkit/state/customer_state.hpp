/// @file crmkit/state/customer_state.hpp
/// `customer_state`: the mergeable per-customer state behind the customer table's
/// summaries. Build one per partition of the transactions (or per block of a file, or keep
/// one in a host and append orders as they arrive), merge states exactly, and read from the
/// merged state the RFM summary (rfm_summary) and the BTYD summary (summarize_btyd) that the
/// single-pass functions give on all the transactions together, bit for bit. The state saves
/// to a compact, versioned binary document and loads back (crmkit/state/customer_state.hpp,
/// `save` / `load`) so a host can keep it and a distributed engine can ship it.
///
/// `#include <crmkit/state/customer_state.hpp>`
///
/// Thread safety: not synchronized; use from one thread at a time. (Const members --
/// rfm, btyd, rows, save -- may run concurrently on a state nobody modifies.)
///
/// @code
/// crmkit::customer_state a, b;
/// a.add(partition_1);                       // a crmkit::dataset (ids, times, amounts)
/// b.add(partition_2);
/// a.merge(b);                               // exact, associative, commutative
/// crmkit::rfm_options ro; ro.as_of = crmkit::unix_seconds(1998, 7, 1);
/// crmkit::rfm_table rfm = a.rfm(ro);        // == rfm_summary(all lines), rows in id order
/// crmkit::btyd_summary_options bo; bo.calibration_end = crmkit::unix_seconds(1998, 6, 30);
/// crmkit::btyd_summary s = a.btyd(bo);      // == summarize_btyd(all lines)
/// std::string doc = a.save();               // canonical: equal states, equal bytes
/// crmkit::customer_state c = crmkit::customer_state::load(doc);
/// // incremental: one order arrives; the affected customer's rows come back
/// crmkit::state_transaction order{"C-17", crmkit::unix_seconds(1998, 7, 1), 42.5};
/// crmkit::customer_state_rows r = c.append({&order, 1}, ro, bo);
/// @endcode
///
/// What a customer's state holds: first and last purchase time, the number of
/// transactions, the total amount as an exact_sum fixed-point integer (crmkit/core/exact_sum.hpp,
/// so the order of adding and merging never matters), and the sorted list of its distinct
/// UTC purchase days, each with the exact sum of that day's amounts. The day list is what
/// makes a merge exact: two purchases on the same day that land in different partitions are
/// one purchase day after the merge, as in the single pass (BTYD's "all purchases on one day
/// are one transaction"; RFM's `distinct_days`). It is also what lets one state serve any
/// calibration end, hold-out end and time unit.
///
/// Semantics vs the single-pass functions (tested on the bundled CDNOW sample split into
/// 1..5 random partitions merged in random orders):
/// - `rfm(options)` equals `rfm_summary(dataset, options)` column for column, bit for bit,
///   rows permuted: the state's rows are in customer-id order (rfm_id_ranks: decimal ids by
///   value first, then byte order), `customer[i]` is the row's index into `ids()`, and
///   `id_rank[i] = i`, so rfm_score gives the same scores per customer as on the dataset;
///   `n_threads` is ignored (there is nothing to split);
/// - `btyd(options)` equals `summarize_btyd(log, options)`, rows in id order with
///   `customer[i]` an index into `ids()`; the same errors (an empty state, a calibration end
///   before the first purchase, a hold-out end not after it, a negative amount anywhere);
/// - a sum beyond exact_sum's range (+-3.6e16) makes rfm / btyd throw naming the customer.
///   In that pathological case (and only then) the result of a merge can depend on the merge
///   order, as an overflow can depend on the summation order.
///
/// Cost: add() is a hash lookup plus O(1) when transactions of a customer arrive in time
/// order (same day: an addition; a later day: an append), O(log d + d) for an earlier day
/// (binary search and insertion into the customer's d days). Rows of a customer cost O(1)
/// when the calibration end is on or after its last purchase, else O(log d + d).
///
/// Memory: per customer, the id in a string_dictionary (the characters plus about 72
/// bytes), an 80-byte record and 24 bytes per distinct purchase day (about 32 with the day
/// list's growth slack); memory_bytes() reports the total. Measured: 488 bytes per customer
/// for customers with about 10 purchase days (docs/scale-out.md). Memory is proportional to
/// customers x purchase days, not to lines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/churn/btyd_summary.hpp"
#include "crmkit/config.hpp"
#include "crmkit/core/dataset.hpp"
#include "crmkit/core/exact_sum.hpp"
#include "crmkit/core/string_dictionary.hpp"
#include "crmkit/segmentation/rfm.hpp"

CRMKIT_BEGIN_NAMESPACE

/// One transaction for customer_state::append: the customer's id, the time (Unix seconds,
/// UTC) and the amount. The id is borrowed for the call.
struct state_transaction {
  std::string_view customer;
  std::int64_t time = 0;
  double amount = 0.0;
};

/// The rows of some customers (customer_state::rows, customer_state::append).
struct customer_state_rows {
  /// The customers' ids, in the order asked for (each once).
  std::vector<std::string> id;
  /// Their RFM rows, in `id` order; `customer[i]` indexes `id`; `id_rank` is empty.
  rfm_table rfm;
  /// Their BTYD rows, in `id` order, leaving out customers whose first purchase is after
  /// the calibration end; `customer[i]` indexes `id`.
  btyd_summary btyd;
};

/// The mergeable per-customer state (see the file comment).
class customer_state {
 public:
  /// Version of the document `save` writes (`load` reads this version).
  static constexpr std::uint32_t format_version = 1;

  customer_state() = default;

  /// Adds one transaction of customer `id` (Unix seconds UTC; the amount may be negative:
  /// a refund, which btyd() rejects as summarize_btyd does).
  /// @throws crmkit::error (invalid_argument) for an empty id, a non-finite amount or a
  ///         time whose day number does not fit 32 bits (beyond +-5.8 million years).
  CRMKIT_FUNC void add(std::string_view id, std::int64_t time, double amount);
  /// Adds every transaction of a dataset (its customer ids name the customers).
  CRMKIT_FUNC void add(const dataset& data);
  /// Adds the transactions of `log`, whose customer indices name the ids in `ids`.
  /// @throws crmkit::error (invalid_argument) when an index is outside `ids`.
  CRMKIT_FUNC void add(const transaction_log& log, const string_dictionary& ids);
  /// Adds the state of other partitions: afterwards this state is the state of the union of
  /// both sets of transactions (exact; associative and commutative).
  CRMKIT_FUNC void merge(const customer_state& other);

  /// Number of customers.
  [[nodiscard]] std::size_t size() const noexcept { return records_.size(); }
  [[nodiscard]] bool empty() const noexcept { return records_.empty(); }
  /// Number of transactions added (over all merges).
  [[nodiscard]] std::uint64_t n_transactions() const noexcept { return n_transactions_; }
  /// Earliest and latest transaction time (Unix seconds UTC) over all customers; 0 for an
  /// empty state.
  [[nodiscard]] std::int64_t min_time() const noexcept { return min_time_; }
  [[nodiscard]] std::int64_t max_time() const noexcept { return max_time_; }
  /// The customer ids in output order (rfm_id_ranks order: decimal ids by value, then the
  /// others byte-wise): row i of rfm() belongs to ids()[i].
  [[nodiscard]] CRMKIT_FUNC std::vector<std::string> ids() const;

  /// The RFM summary of all transactions (see the file comment for the row order).
  /// @throws crmkit::error (invalid_argument) as rfm_summary: an empty state, `as_of`
  ///         before the last transaction, a time unit < 1 second; a sum out of range.
  [[nodiscard]] CRMKIT_FUNC rfm_table rfm(const rfm_options& options) const;
  /// The BTYD summary of all transactions (see the file comment for the row order).
  /// @throws crmkit::error (invalid_argument) as summarize_btyd.
  [[nodiscard]] CRMKIT_FUNC btyd_summary btyd(const btyd_summary_options& options) const;

  /// The RFM and BTYD rows of the named customers only, each equal to that customer's row
  /// of rfm() / btyd() (the checks against the whole state -- as_of after the last
  /// transaction, calibration end after the first purchase, no negative amount -- are the
  /// same). A repeated id is reported once.
  /// @throws crmkit::error (not_found) for an id the state does not hold; otherwise as rfm()
  ///         and btyd().
  [[nodiscard]] CRMKIT_FUNC customer_state_rows rows(std::span<const std::string_view> ids, const rfm_options& rfm_opt,
                                                     const btyd_summary_options& btyd_opt) const;
  /// Incremental update: adds the transactions of `batch` (one order, or a day's orders)
  /// and returns the updated rows of the customers they touch, in order of first
  /// appearance in the batch. Equal to a full recompute over all transactions so far.
  /// On an invalid transaction nothing of the batch is added.
  /// @throws crmkit::error as add() and rows().
  CRMKIT_FUNC customer_state_rows append(std::span<const state_transaction> batch, const rfm_options& rfm_opt,
                                         const btyd_summary_options& btyd_opt);

  /// The state as a compact binary document (format below). Canonical: customers in id
  /// order, so two states holding the same transactions give the same bytes whatever the
  /// order of adding and merging.
  ///
  /// Format, version 1 (little-endian; "varint" = unsigned LEB128, "zigzag" = signed as
  /// zigzag LEB128, 128-bit integers likewise up to 19 bytes):
  /// magic "CRMKITCS", varint version (1), varint customer count, then per customer:
  /// varint id length, the id bytes, one flag byte (bit 0: its sum left exact_sum's range;
  /// bit 1: it has a negative amount; other bits 0), varint transaction count, zigzag first
  /// time, varint last - first time, varint number of days d >= 1, zigzag first day, d - 1
  /// varint day gaps (>= 1), d zigzag day sums (exact_sum fixed point, 2^-72 units). Nothing
  /// may follow.
  [[nodiscard]] CRMKIT_FUNC std::string save() const;
  /// Reads a document written by save(). The input is untrusted: every length, count and
  /// time is checked (the days increasing, the first and last time on the first and last
  /// day, at least as many transactions as days, no repeated id) before it is used.
  /// @throws crmkit::error (parse_error) naming the byte offset and what is wrong;
  ///         (unsupported) for another format version.
  [[nodiscard]] CRMKIT_FUNC static customer_state load(std::string_view document);

  /// Bytes held by the state (ids, records, day lists, by capacity; excluding the
  /// allocator's per-allocation overhead).
  [[nodiscard]] CRMKIT_FUNC std::size_t memory_bytes() const noexcept;

  /// One purchase day of a customer: the UTC day number and the exact sum of its amounts
  /// (exact_sum fixed point, as two 64-bit halves to keep the entry 4-byte aligned: 24 bytes).
  struct day_entry {
    std::int32_t day = 0;
    std::uint32_t pad = 0;
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
  };
  /// A customer's state (see the file comment).
  struct record {
    std::int64_t first_time = 0;
    std::int64_t last_time = 0;
    std::uint64_t count = 0;      ///< transactions
    exact_sum::int128 total = 0;  ///< sum of the amounts, fixed point
    bool sum_ok = true;           ///< false once the sum left exact_sum's range
    bool negative = false;        ///< some amount < 0
    std::vector<day_entry> days;  ///< distinct purchase days, ascending
  };

 private:
  void add_to(std::int32_t index, std::int64_t time, double amount);
  [[nodiscard]] std::vector<std::int32_t> id_order() const;
  void check_rfm(const rfm_options& options) const;
  void check_btyd(const btyd_summary_options& options) const;
  void rfm_row(const record& r, const rfm_options& options, rfm_table& out) const;
  void btyd_row(const record& r, std::int32_t row, const btyd_summary_options& options, btyd_summary& out) const;

  string_dictionary ids_;
  std::vector<record> records_;  // indexed like ids_
  std::uint64_t n_transactions_ = 0;
  std::uint64_t n_negative_ = 0;  // customers with a negative amount
  std::int64_t min_time_ = 0;
  std::int64_t max_time_ = 0;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/state/customer_state_impl.hpp"
#endif
