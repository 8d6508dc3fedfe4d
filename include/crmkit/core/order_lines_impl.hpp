// Definitions for crmkit/core/order_lines.hpp. Included by that header in header-only
// mode and by src/core/order_lines.cpp otherwise.
// IWYU pragma: private, include "crmkit/core/order_lines.hpp"
#pragma once

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "crmkit/core/order_lines.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC order_lines order_lines::from_columns(column<std::int32_t> order, column<std::int64_t> time,
                                                  column<double> amount, column<double> quantity,
                                                  column<double> unit_price,
                                                  std::shared_ptr<const string_dictionary> order_ids,
                                                  column<std::int32_t> product,
                                                  std::shared_ptr<const string_dictionary> product_levels) {
  const std::size_t rows = order.size();
  const auto same = [rows](std::size_t n, bool optional) { return n == rows || (optional && n == 0); };
  if (!same(time.size(), false) || !same(amount.size(), false) || !same(quantity.size(), true) ||
      !same(unit_price.size(), true) || quantity.size() != unit_price.size() || !same(product.size(), true))
    throw error(errc::invalid_argument,
                fmt::format("order_lines: column lengths differ (order {}, time {}, amount {}, quantity {}, unit price "
                            "{}, product {})",
                            rows, time.size(), amount.size(), quantity.size(), unit_price.size(), product.size()));
  if (!order_ids) throw error(errc::invalid_argument, "order_lines: the order id dictionary is null");
  if (!product.empty() && !product_levels)
    throw error(errc::invalid_argument, "order_lines: product codes without product levels");
  const auto limit = static_cast<std::int64_t>(order_ids->size());
  const std::int64_t levels = product_levels ? static_cast<std::int64_t>(product_levels->size()) : 0;
  for (std::size_t i = 0; i < rows; ++i) {
    if (order[i] < 0 || order[i] >= limit)
      throw error(errc::invalid_argument,
                  fmt::format("order_lines: row {}: order index {} is outside [0, {})", i, order[i], limit));
    if (!std::isfinite(amount[i]))
      throw error(errc::invalid_argument, fmt::format("order_lines: row {}: amount {} is not finite", i, amount[i]));
    if (!product.empty() && (product[i] < -1 || product[i] >= levels))
      throw error(errc::invalid_argument,
                  fmt::format("order_lines: row {}: product code {} is outside [-1, {})", i, product[i], levels));
  }
  order_lines lines;
  lines.order_ = std::move(order);
  lines.time_ = std::move(time);
  lines.amount_ = std::move(amount);
  lines.quantity_ = std::move(quantity);
  lines.unit_price_ = std::move(unit_price);
  lines.order_ids_ = std::move(order_ids);
  lines.product_ = std::move(product);
  lines.product_levels_ = std::move(product_levels);
  return lines;
}

CRMKIT_END_NAMESPACE
