// Definitions for crmkit/core/transaction_log.hpp. Included by that header in
// header-only mode and by src/core/transaction_log.cpp otherwise.
// IWYU pragma: private, include "crmkit/core/transaction_log.hpp"
#pragma once

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/parallel_for.hpp"
#include "crmkit/core/transaction_log.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

/// Rows per chunk of the validation scans (a fixed cut: the same chunks for any thread count).
inline constexpr std::size_t log_check_chunk = std::size_t{1} << 16;

inline void check_categorical(const categorical_column& column, std::size_t rows, const char* name,
                              std::size_t n_threads) {
  if (column.codes.size() != rows)
    throw error(errc::invalid_argument,
                fmt::format("transaction_log: the {} column has {} rows, the customer column {}", name,
                            column.codes.size(), rows));
  const std::int64_t levels = column.levels ? static_cast<std::int64_t>(column.levels->size()) : 0;
  const auto codes = column.codes.view();
  // The lowest chunk's exception is rethrown, and a chunk stops at its first bad row: the
  // first bad row of the column, as one scan finds it.
  parallel_for(codes.size(), log_check_chunk, n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      if (codes[i] < -1 || codes[i] >= levels)
        throw error(errc::invalid_argument,
                    fmt::format("transaction_log: row {}: {} code {} is outside [-1, {})", i, name, codes[i], levels));
  });
}
}  // namespace detail

CRMKIT_FUNC transaction_log transaction_log::from_columns(column<std::int32_t> customer, column<std::int64_t> time,
                                                          column<double> amount, std::size_t n_customers,
                                                          std::optional<categorical_column> product,
                                                          std::optional<categorical_column> channel,
                                                          std::size_t n_threads) {
  const std::size_t rows = customer.size();
  if (time.size() != rows || amount.size() != rows)
    throw error(errc::invalid_argument,
                fmt::format("transaction_log: column lengths differ (customer {}, time {}, amount {})", rows,
                            time.size(), amount.size()));
  if (rows > 0 && (customer.data() == nullptr || time.data() == nullptr || amount.data() == nullptr))
    throw error(errc::invalid_argument, "transaction_log: a column pointer is null");
  if (n_customers > string_dictionary::max_size)
    throw error(errc::invalid_argument, fmt::format("transaction_log: {} customers exceed 2^31-1", n_customers));

  const auto customers = customer.view();
  const auto times = time.view();
  const auto amounts = amount.view();
  const auto limit = static_cast<std::int64_t>(n_customers);
  // Per chunk: the first bad row (the lowest chunk's error is rethrown: the first in row
  // order) and the time range; min and max are exact in any order.
  const std::size_t chunks = chunk_count(rows, detail::log_check_chunk);
  std::vector<std::int64_t> chunk_min(chunks), chunk_max(chunks);
  parallel_for(rows, detail::log_check_chunk, n_threads, [&](std::size_t c, std::size_t begin, std::size_t end) {
    std::int64_t lo = times[begin];
    std::int64_t hi = lo;
    for (std::size_t i = begin; i < end; ++i) {
      if (customers[i] < 0 || customers[i] >= limit)
        throw error(errc::invalid_argument, fmt::format("transaction_log: row {}: customer index {} is outside [0, {})",
                                                        i, customers[i], n_customers));
      if (!std::isfinite(amounts[i]))
        throw error(errc::invalid_argument, fmt::format("transaction_log: row {}: amount {} is not finite", i, amounts[i]));
      lo = times[i] < lo ? times[i] : lo;
      hi = times[i] > hi ? times[i] : hi;
    }
    chunk_min[c] = lo;
    chunk_max[c] = hi;
  });
  std::int64_t min_time = rows ? times[0] : 0;
  std::int64_t max_time = min_time;
  for (std::size_t c = 0; c < chunks; ++c) {
    min_time = chunk_min[c] < min_time ? chunk_min[c] : min_time;
    max_time = chunk_max[c] > max_time ? chunk_max[c] : max_time;
  }
  if (product) detail::check_categorical(*product, rows, "product", n_threads);
  if (channel) detail::check_categorical(*channel, rows, "channel", n_threads);

  transaction_log log;
  log.customer_ = std::move(customer);
  log.time_ = std::move(time);
  log.amount_ = std::move(amount);
  log.product_ = std::move(product);
  log.channel_ = std::move(channel);
  log.n_customers_ = n_customers;
  log.min_time_ = min_time;
  log.max_time_ = max_time;
  return log;
}

CRMKIT_FUNC transaction_log transaction_log::with_lines(order_lines lines) const {
  if (lines.n_orders() != size())
    throw error(errc::invalid_argument,
                fmt::format("transaction_log: the order lines belong to {} orders, the log has {} rows",
                            lines.n_orders(), size()));
  transaction_log log = *this;
  log.lines_ = std::make_shared<const order_lines>(std::move(lines));
  return log;
}

CRMKIT_FUNC std::size_t transaction_log::owned_bytes() const noexcept {
  std::size_t bytes = 0;
  if (customer_.is_owned()) bytes += customer_.size() * sizeof(std::int32_t);
  if (time_.is_owned()) bytes += time_.size() * sizeof(std::int64_t);
  if (amount_.is_owned()) bytes += amount_.size() * sizeof(double);
  if (product_ && product_->codes.is_owned()) bytes += product_->codes.size() * sizeof(std::int32_t);
  if (channel_ && channel_->codes.is_owned()) bytes += channel_->codes.size() * sizeof(std::int32_t);
  return bytes;
}

CRMKIT_END_NAMESPACE
