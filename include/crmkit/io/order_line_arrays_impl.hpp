// Definitions for crmkit/io/order_line_arrays.hpp. Included by that header in header-only
// mode and by src/io/order_line_arrays.cpp otherwise.
// IWYU pragma: private, include "crmkit/io/order_line_arrays.hpp"
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/string_dictionary.hpp"
#include "crmkit/core/transaction_log.hpp"
#include "crmkit/error.hpp"
#include "crmkit/io/detail/order_rollup.hpp"
#include "crmkit/io/detail/utf8.hpp"
#include "crmkit/io/order_line_arrays.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

/// Maps the caller's codes of one string column to dictionary indices, numbering the
/// strings in the order they are first used.
class code_map {
 public:
  code_map(std::span<const std::string_view> strings, const char* what) : strings_(strings), what_(what) {}

  /// The string of `code` at `row` (checked: in range), empty for a missing one.
  [[nodiscard]] std::string_view text(std::int32_t code, std::size_t row, const char* function) const {
    if (code < -1 || code >= static_cast<std::int64_t>(strings_.size()))
      throw error(errc::invalid_argument, fmt::format("{}: row {}: {} code {} is outside [-1, {})", function, row,
                                                      what_, code, strings_.size()));
    return code < 0 ? std::string_view{} : strings_[static_cast<std::size_t>(code)];
  }

  /// The index of (non-missing) `code` in `dictionary`, inserting it on first use.
  template <class Insert>
  std::int32_t index(std::int32_t code, std::size_t row, const char* function, Insert insert) {
    if (map_.empty()) map_.assign(strings_.size(), -1);
    std::int32_t& slot = map_[static_cast<std::size_t>(code)];
    if (slot < 0) {
      const std::string_view text = strings_[static_cast<std::size_t>(code)];
      if (!valid_utf8(text))
        throw error(errc::invalid_argument, fmt::format("{}: row {}: {} '{}' is not valid UTF-8", function, row,
                                                        what_, escape_bytes(text)));
      slot = insert(text);
    }
    return slot;
  }

 private:
  std::span<const std::string_view> strings_;
  const char* what_;
  std::vector<std::int32_t> map_;
};

}  // namespace detail

CRMKIT_FUNC dataset dataset_from_order_lines(const order_line_arrays& in, const line_filters& filters,
                                             ingest_report* report) {
  constexpr const char* function = "dataset_from_order_lines";
  const std::size_t n = in.customer.size();
  const bool by_quantity = !in.quantity.empty() || !in.unit_price.empty();
  const bool by_order = !in.order.empty();
  const bool has_product = !in.product.empty();
  const auto length_error = [&](const char* what, std::size_t size) {
    return error(errc::invalid_argument,
                 fmt::format("{}: the {} column has {} rows, the customer column {}", function, what, size, n));
  };
  if (in.time.size() != n) throw length_error("time", in.time.size());
  if (by_quantity) {
    if (in.quantity.size() != n) throw length_error("quantity", in.quantity.size());
    if (in.unit_price.size() != n) throw length_error("unit price", in.unit_price.size());
    if (!in.amount.empty())
      throw error(errc::invalid_argument,
                  fmt::format("{}: give either the amount or the quantity and unit price, not both", function));
  } else if (in.amount.size() != n) {
    throw length_error("amount", in.amount.size());
  }
  if (by_order && in.order.size() != n) throw length_error("order", in.order.size());
  if (has_product && in.product.size() != n) throw length_error("product", in.product.size());
  if (!filters.order_id_exclude_prefix.empty() && !by_order)
    throw error(errc::invalid_argument, fmt::format("{}: order_id_exclude_prefix needs an order column", function));
  if ((filters.drop_nonpositive_quantity || filters.drop_nonpositive_unit_price) && !by_quantity)
    throw error(errc::invalid_argument,
                fmt::format("{}: the quantity and unit price filters need those columns", function));

  ingest_report local;
  ingest_report& out = report ? *report : local;
  out = ingest_report{};
  out.source = "<arrays>";
  out.rows_read = n;

  auto ids = std::make_shared<string_dictionary>();
  std::shared_ptr<string_dictionary> products = has_product ? std::make_shared<string_dictionary>() : nullptr;
  detail::code_map customers(in.customer_ids, "customer");
  detail::code_map orders(in.order_ids, "order");
  detail::code_map product_codes(in.product_levels, "product");
  detail::order_rollup rollup(by_quantity, has_product);
  std::vector<std::int32_t> customer_out;
  std::vector<std::int64_t> time_out;
  std::vector<double> amount_out;
  std::vector<std::int32_t> product_out;

  for (std::size_t i = 0; i < n; ++i) {
    const auto row = static_cast<std::int64_t>(i);
    const std::string_view customer_id = customers.text(in.customer[i], i, function);
    if (customer_id.empty()) {
      if (filters.drop_empty_customer) {
        detail::count_filtered(out, line_filter::empty_customer, row);
        continue;
      }
      throw error(errc::invalid_argument, fmt::format("{}: row {}: the customer id is missing", function, i));
    }
    std::int32_t order_code = -1;
    if (by_order) {
      order_code = in.order[i];
      const std::string_view order_id = orders.text(order_code, i, function);
      if (order_id.empty())
        throw error(errc::invalid_argument, fmt::format("{}: row {}: the order id is missing", function, i));
      if (!filters.order_id_exclude_prefix.empty() && order_id.starts_with(filters.order_id_exclude_prefix)) {
        detail::count_filtered(out, line_filter::order_prefix, row);
        continue;
      }
    }
    double quantity = 0, unit_price = 0, amount;
    if (by_quantity) {
      quantity = in.quantity[i];
      unit_price = in.unit_price[i];
      if (!std::isfinite(quantity) || !std::isfinite(unit_price))
        throw error(errc::invalid_argument, fmt::format("{}: row {}: quantity {} or unit price {} is not finite",
                                                        function, i, quantity, unit_price));
      if (filters.drop_nonpositive_quantity && !(quantity > 0)) {
        detail::count_filtered(out, line_filter::nonpositive_quantity, row);
        continue;
      }
      if (filters.drop_nonpositive_unit_price && !(unit_price > 0)) {
        detail::count_filtered(out, line_filter::nonpositive_unit_price, row);
        continue;
      }
      amount = quantity * unit_price;
      if (!std::isfinite(amount))
        throw error(errc::invalid_argument,
                    fmt::format("{}: row {}: quantity x unit price is not finite", function, i));
    } else {
      amount = in.amount[i];
      if (!std::isfinite(amount))
        throw error(errc::invalid_argument, fmt::format("{}: row {}: amount {} is not finite", function, i, amount));
    }
    std::int32_t product = -1;
    if (has_product && !product_codes.text(in.product[i], i, function).empty())
      product = product_codes.index(in.product[i], i, function, [&](std::string_view t) { return products->insert(t); });
    const std::int32_t customer =
        customers.index(in.customer[i], i, function, [&](std::string_view t) { return ids->insert(t); });

    if (by_order) {
      const std::int32_t order = orders.index(order_code, i, function,
                                              [&](std::string_view t) { return rollup.order_index(t); });
      detail::order_rollup::owner first{};
      if (!rollup.add(order, customer, in.time[i], amount, quantity, unit_price, product, row, first))
        throw error(errc::invalid_argument,
                    fmt::format("{}: row {}: order '{}' has lines of two customers: '{}' (row {}) and '{}' (row {})",
                                function, i, detail::escape_bytes(rollup.order_id(order)), ids->at(first.customer),
                                first.line, customer_id, i));
    } else {
      customer_out.push_back(customer);
      time_out.push_back(in.time[i]);
      amount_out.push_back(amount);
      if (has_product) product_out.push_back(product);
    }
  }

  customer_table table = customer_table::from_ids(ids);
  if (by_order) {
    out.rows_loaded = rollup.lines();
    transaction_log log = rollup.finish(table.size(), products);  // before `table` is moved (see csv_impl.hpp)
    return dataset(std::move(table), std::move(log));
  }
  out.rows_loaded = customer_out.size();
  std::optional<categorical_column> product_column;
  if (has_product) product_column = categorical_column{column<std::int32_t>::owned(std::move(product_out)), products};
  auto log = transaction_log::from_columns(column<std::int32_t>::owned(std::move(customer_out)),
                                           column<std::int64_t>::owned(std::move(time_out)),
                                           column<double>::owned(std::move(amount_out)), table.size(),
                                           std::move(product_column));
  return dataset(std::move(table), std::move(log));
}

CRMKIT_END_NAMESPACE
