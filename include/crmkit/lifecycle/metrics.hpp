/// @file crmkit/lifecycle/metrics.hpp
/// Per-customer metrics at an as-of date, computed from a transaction log, as the guards
/// of a lifecycle model read them: `recency_days`, `orders`, `tenure_days`, `monetary`,
/// `avg_order_value` and `median_gap_days`. `metric_tracker` advances through time so that a
/// replay over many as-of dates reads each transaction once.
///
/// Definitions at as-of time T (only transactions with time <= T count; days are UTC
/// calendar days, `floor_days`):
/// - orders: number of transactions (0 when none);
/// - monetary: sum of their amounts (0 when none); avg_order_value = monetary / orders (NaN when none);
/// - recency_days: day(T) - day(last transaction) (NaN when none);
/// - tenure_days: day(T) - day(first transaction) (NaN when none);
/// - median_gap_days: median of the gaps between consecutive distinct purchase days, the
///   mean of the two middle gaps for an even count as numpy.median (NaN with < 2 distinct days).
///
/// Memory: the tracker keeps 4 doubles/int64 per customer plus the median gaps, a time-order
/// permutation of the log (4 bytes per transaction; none when the log is already in time
/// order) and, when gaps are tracked, the purchase days grouped by customer (8 + 4 bytes per
/// transaction).
///
/// `#include <crmkit/lifecycle/metrics.hpp>`
///
/// Thread safety: not synchronized; use from one thread at a time.
///
/// @code
/// crmkit::metric_tracker tracker(log);
/// crmkit::customer_metrics m;
/// tracker.advance(as_of);
/// tracker.fill(as_of, m);
/// double r = m.recency_days[0];
/// @endcode
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/transaction_log.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The built-in metric columns of every customer (one value per customer in each vector).
struct customer_metrics {
  std::vector<double> recency_days;
  std::vector<double> orders;
  std::vector<double> tenure_days;
  std::vector<double> monetary;
  std::vector<double> avg_order_value;
  std::vector<double> median_gap_days;
};

/// Running per-customer aggregates of a transaction log (see the file comment).
class metric_tracker {
 public:
  /// Borrows `log` (it must outlive the tracker). `track_gaps = false` skips the median gap
  /// (its column is then all NaN) and the memory it needs.
  CRMKIT_FUNC explicit metric_tracker(const transaction_log& log, bool track_gaps = true);

  /// Consumes every transaction with time <= as_of not consumed yet.
  /// @throws crmkit::error (invalid_argument) when as_of is earlier than a previous call's.
  CRMKIT_FUNC void advance(std::int64_t as_of);
  /// Customers with a transaction consumed by the last advance(), ascending, unique.
  [[nodiscard]] std::span<const std::int32_t> changed() const noexcept { return changed_; }
  /// Writes the metrics at `as_of` (normally the last advance()'s) into `out`, resizing it.
  /// `which` (optional): one flag per column of customer_metrics in declaration order (the
  /// first six of builtin_columns(), e.g. lifecycle_model::columns_used()); the columns not
  /// flagged are left empty and not computed (a replay fills only what its guards read).
  CRMKIT_FUNC void fill(std::int64_t as_of, customer_metrics& out, const std::vector<bool>* which = nullptr) const;
  /// Writes the metrics at `as_of` of the customers `rows` only (e.g. changed()), leaving the
  /// other rows of `out` as they are; the columns (of `which`, as in fill()) are resized to
  /// n_customers() when their size differs.
  CRMKIT_FUNC void fill_rows(std::int64_t as_of, std::span<const std::int32_t> rows, customer_metrics& out,
                             const std::vector<bool>* which = nullptr) const;
  /// Time of the earliest transaction not consumed yet, or INT64_MAX when all are.
  [[nodiscard]] CRMKIT_FUNC std::int64_t next_time() const noexcept;
  [[nodiscard]] std::size_t n_customers() const noexcept { return state_.size(); }

 private:
  const transaction_log* log_;
  bool track_gaps_;
  std::vector<std::int32_t> order_;     // transaction indices by time (stable); empty when the log is time-sorted
  std::size_t next_ = 0;
  std::int64_t last_as_of_;
  // The running aggregates of one customer, together: a transaction updates one 32-byte
  // record (one cache line) instead of one line in each of four arrays.
  struct customer_state {
    std::int64_t first_day = 0, last_day = 0;
    double orders = 0.0, monetary = 0.0;
  };
  std::vector<customer_state> state_;
  std::vector<double> median_gap_;
  std::vector<std::int32_t> changed_;
  std::vector<std::uint8_t> changed_flag_;
  // Purchase days grouped by customer, ascending within each customer (CSR).
  std::vector<std::int64_t> offsets_;
  std::vector<std::int32_t> days_;
  CRMKIT_FUNC void update_gap(std::int32_t customer);
  CRMKIT_FUNC void fill_row(std::size_t c, double today, customer_metrics& out) const noexcept;
  CRMKIT_FUNC void fill_column(std::size_t k, const std::int32_t* rows, std::size_t count, double today,
                               double* v) const noexcept;
};

/// The metrics of every customer of `log` at `as_of`. Stateless; safe.
[[nodiscard]] CRMKIT_FUNC customer_metrics compute_metrics(const transaction_log& log, std::int64_t as_of);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/lifecycle/metrics_impl.hpp"
#endif
