/// @file crmkit/core/order_lines.hpp
/// `order_lines`: the product lines behind purchases that were rolled up from order lines
/// (invoice lines), kept for basket analyses. Line i belongs to purchase `order()[i]`, a
/// row of the transaction log that holds it (`transaction_log::lines()`); the order id of
/// purchase r is `order_ids().at(r)`.
///
/// `#include <crmkit/core/order_lines.hpp>`
///
/// Thread safety: immutable after construction; concurrent const use is safe.
///
/// @code
/// const crmkit::order_lines* lines = data.transactions().lines();   // null unless read by order
/// for (std::size_t i = 0; i < lines->size(); ++i)
///   basket[lines->order()[i]].push_back(lines->product()[i]);
/// @endcode
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "crmkit/config.hpp"
#include "crmkit/core/column.hpp"
#include "crmkit/core/string_dictionary.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The lines of rolled-up orders, in the order they were read (see the file comment).
class order_lines {
 public:
  order_lines() = default;

  /// Builds the lines, validating every row: equal lengths (quantity and unit_price may
  /// be empty; so may product, when no product column was read), finite values, order
  /// indices in [0, order_ids->size()), product codes in [-1, product_levels->size()).
  /// @throws crmkit::error (invalid_argument) naming the first offending row.
  CRMKIT_FUNC static order_lines from_columns(column<std::int32_t> order, column<std::int64_t> time,
                                              column<double> amount, column<double> quantity,
                                              column<double> unit_price, std::shared_ptr<const string_dictionary> order_ids,
                                              column<std::int32_t> product = {},
                                              std::shared_ptr<const string_dictionary> product_levels = nullptr);

  /// Number of lines.
  [[nodiscard]] std::size_t size() const noexcept { return order_.size(); }
  /// Number of orders (purchases) the lines belong to.
  [[nodiscard]] std::size_t n_orders() const noexcept { return order_ids_ ? order_ids_->size() : 0; }

  /// Purchase (transaction-log row) of each line.
  [[nodiscard]] std::span<const std::int32_t> order() const noexcept { return order_.view(); }
  /// Time of each line, Unix seconds UTC (the purchase has the earliest of its lines).
  [[nodiscard]] std::span<const std::int64_t> time() const noexcept { return time_.view(); }
  /// Amount of each line (quantity x unit price when read so).
  [[nodiscard]] std::span<const double> amount() const noexcept { return amount_.view(); }
  /// Quantity of each line; empty when the amount was read as one column.
  [[nodiscard]] std::span<const double> quantity() const noexcept { return quantity_.view(); }
  /// Unit price of each line; empty when the amount was read as one column.
  [[nodiscard]] std::span<const double> unit_price() const noexcept { return unit_price_.view(); }
  /// Product code of each line (-1 missing), or an empty span without a product column.
  [[nodiscard]] std::span<const std::int32_t> product() const noexcept { return product_.view(); }
  /// The product names the codes index, or nullptr without a product column.
  [[nodiscard]] const string_dictionary* product_levels() const noexcept { return product_levels_.get(); }
  /// Order id of each purchase: `order_ids().at(r)` names transaction-log row r.
  [[nodiscard]] const string_dictionary& order_ids() const noexcept {
    static const string_dictionary none;
    return order_ids_ ? *order_ids_ : none;
  }

 private:
  column<std::int32_t> order_;
  column<std::int64_t> time_;
  column<double> amount_;
  column<double> quantity_;
  column<double> unit_price_;
  std::shared_ptr<const string_dictionary> order_ids_;
  column<std::int32_t> product_;
  std::shared_ptr<const string_dictionary> product_levels_;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/core/order_lines_impl.hpp"
#endif
