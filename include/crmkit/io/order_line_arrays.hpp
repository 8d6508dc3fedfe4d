/// @file crmkit/io/order_line_arrays.hpp
/// Order lines from host arrays (a DataFrame's columns, a C caller's buffers): the same
/// roll-up and line filters as the CSV reader's order-line mode (crmkit/io/csv.hpp).
///
/// `#include <crmkit/io/order_line_arrays.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// std::vector<std::string_view> customers = {"17850", "13047"}, orders = {"536365", "C536379"};
/// std::vector<std::int32_t> customer = {0, 0, 1}, order = {0, 0, 1};
/// std::vector<std::int64_t> time = {t0, t0 + 60, t1};
/// std::vector<double> quantity = {6, 2, -1}, price = {2.55, 3.39, 27.5};
/// crmkit::order_line_arrays lines;
/// lines.customer = customer; lines.customer_ids = customers; lines.time = time;
/// lines.quantity = quantity; lines.unit_price = price; lines.order = order; lines.order_ids = orders;
/// crmkit::line_filters filters;
/// filters.order_id_exclude_prefix = "C";
/// crmkit::ingest_report report;
/// crmkit::dataset data = crmkit::dataset_from_order_lines(lines, filters, &report);  // 1 purchase
/// @endcode
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "crmkit/config.hpp"
#include "crmkit/core/dataset.hpp"
#include "crmkit/io/csv.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Order lines as columns (spans the caller owns for the duration of the call). String
/// columns are codes into a list of distinct strings (pandas.factorize's output): code
/// -1, or a code naming an empty string, is missing.
struct order_line_arrays {
  std::span<const std::int32_t> customer;          ///< code into customer_ids, per line
  std::span<const std::string_view> customer_ids;  ///< distinct customer ids
  std::span<const std::int64_t> time;              ///< Unix seconds UTC, per line
  std::span<const double> amount;                  ///< line amount; empty when quantity x unit price
  std::span<const double> quantity;                ///< with unit_price, instead of amount
  std::span<const double> unit_price;
  std::span<const std::int32_t> order;             ///< code into order_ids; empty: each line is a purchase
  std::span<const std::string_view> order_ids;
  std::span<const std::int32_t> product;           ///< optional code into product_levels
  std::span<const std::string_view> product_levels;
};

/// A dataset from order lines. Customers are numbered in order of first appearance
/// among the kept lines. With an order column, each order becomes one purchase (earliest
/// time, summed amount; purchases sorted by time, then order id) and the lines are kept
/// (`transaction_log::lines()`); without one each kept line is a purchase. Lines the
/// filters drop are counted in `report->filtered`, with 0-based row indices.
/// @throws crmkit::error (invalid_argument) for columns of different lengths, codes out
///         of range, a missing customer (unless filtered) or order id, a non-finite
///         number, an id that is not UTF-8, an order whose lines name two customers (the
///         message names the order, both customers and both rows), or filters that need
///         a column not given.
[[nodiscard]] CRMKIT_FUNC dataset dataset_from_order_lines(const order_line_arrays& lines,
                                                           const line_filters& filters = {},
                                                           ingest_report* report = nullptr);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/io/order_line_arrays_impl.hpp"
#endif
