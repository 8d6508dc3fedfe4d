/// @file crmkit/core/transaction_log.hpp
/// `transaction_log`: the purchases every analysis reads, held as columns: customer
/// (dense index into the customer dictionary), timestamp (Unix seconds, UTC), amount,
/// and optional categorical columns (product, channel).
///
/// `#include <crmkit/core/transaction_log.hpp>`
///
/// Thread safety: immutable after construction; concurrent const use is safe.
///
/// @code
/// std::vector<std::int32_t> customer = {0, 1, 0};
/// std::vector<std::int64_t> time = {1704067200, 1704153600, 1706745600};
/// std::vector<double> amount = {19.9, 5.0, 42.0};
/// auto log = crmkit::transaction_log::from_columns(
///     crmkit::column<std::int32_t>::owned(customer), crmkit::column<std::int64_t>::owned(time),
///     crmkit::column<double>::owned(amount), /*n_customers=*/2);
/// for (std::size_t i = 0; i < log.size(); ++i) total += log.amount()[i];
/// @endcode
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "crmkit/config.hpp"
#include "crmkit/core/categorical_column.hpp"
#include "crmkit/core/column.hpp"
#include "crmkit/core/order_lines.hpp"
#include "crmkit/core/string_dictionary.hpp"

CRMKIT_BEGIN_NAMESPACE


/// A cheap, non-owning view of a transaction log's columns, valid while the log lives.
struct transaction_view {
  std::span<const std::int32_t> customer;
  std::span<const std::int64_t> time;
  std::span<const double> amount;
  [[nodiscard]] std::size_t size() const noexcept { return customer.size(); }
};

/// The immutable columnar transaction log (see the file comment).
class transaction_log {
 public:
  transaction_log() = default;

  /// Builds a log from columns, validating every row: equal lengths, customer indices
  /// in [0, n_customers), finite amounts, codes of categorical columns in range or -1.
  /// Borrowed columns are not copied; their buffers must outlive the log.
  /// `n_threads` (values below 1 mean 1) threads share the validation scan in fixed
  /// chunks of rows (core/parallel_for.hpp); the log, and the error thrown, are the same
  /// for any count.
  /// @throws crmkit::error (invalid_argument) naming the first offending row and value:
  /// the first bad customer index or amount in row order, else the first bad product
  /// code, else the first bad channel code.
  CRMKIT_FUNC static transaction_log from_columns(column<std::int32_t> customer, column<std::int64_t> time,
                                                  column<double> amount, std::size_t n_customers,
                                                  std::optional<categorical_column> product = std::nullopt,
                                                  std::optional<categorical_column> channel = std::nullopt,
                                                  std::size_t n_threads = 1);

  /// Number of transactions.
  [[nodiscard]] std::size_t size() const noexcept { return customer_.size(); }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  /// Number of customers the indices refer to (some may have no transaction).
  [[nodiscard]] std::size_t n_customers() const noexcept { return n_customers_; }

  [[nodiscard]] std::span<const std::int32_t> customer() const noexcept { return customer_.view(); }
  [[nodiscard]] std::span<const std::int64_t> time() const noexcept { return time_.view(); }
  [[nodiscard]] std::span<const double> amount() const noexcept { return amount_.view(); }
  [[nodiscard]] transaction_view view() const noexcept { return {customer(), time(), amount()}; }

  /// The product column, or nullptr when the log has none.
  [[nodiscard]] const categorical_column* product() const noexcept { return product_ ? &*product_ : nullptr; }
  /// The channel column, or nullptr when the log has none.
  [[nodiscard]] const categorical_column* channel() const noexcept { return channel_ ? &*channel_ : nullptr; }

  /// The same log with the order lines its purchases were rolled up from attached
  /// (row r of the log is order r of `lines`).
  /// @throws crmkit::error (invalid_argument) when lines.n_orders() differs from size().
  [[nodiscard]] CRMKIT_FUNC transaction_log with_lines(order_lines lines) const;
  /// The order lines behind the purchases, or nullptr when the log was not rolled up
  /// from order lines (see crmkit/core/order_lines.hpp).
  [[nodiscard]] const order_lines* lines() const noexcept { return lines_.get(); }

  /// Earliest and latest timestamps (0 for an empty log).
  [[nodiscard]] std::int64_t min_time() const noexcept { return min_time_; }
  [[nodiscard]] std::int64_t max_time() const noexcept { return max_time_; }

  /// Bytes held by the columns this log owns (borrowed columns count 0).
  [[nodiscard]] CRMKIT_FUNC std::size_t owned_bytes() const noexcept;

 private:
  column<std::int32_t> customer_;
  column<std::int64_t> time_;
  column<double> amount_;
  std::optional<categorical_column> product_;
  std::optional<categorical_column> channel_;
  std::shared_ptr<const order_lines> lines_;
  std::size_t n_customers_ = 0;
  std::int64_t min_time_ = 0;
  std::int64_t max_time_ = 0;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/core/transaction_log_impl.hpp"
#endif
