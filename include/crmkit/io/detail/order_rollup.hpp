// Rolling order lines up into purchases, shared by the CSV reader and the array path.
// IWYU pragma: private, include "crmkit/io/csv.hpp"
#pragma once

#ifndef CRMKIT_IO_CSV_HPP
#  error "crmkit/io/detail/order_rollup.hpp is internal: include <crmkit/io/csv.hpp> instead"
#endif

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/order_lines.hpp"
#include "crmkit/core/string_dictionary.hpp"
#include "crmkit/core/transaction_log.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

/// Counts a line that `filter` dropped, listing the first few.
inline void count_filtered(ingest_report& report, line_filter filter, std::int64_t line) {
  filter_count& count = report.filtered[static_cast<std::size_t>(filter)];
  if (count.first_lines.size() < filter_count::max_listed) count.first_lines.push_back(line);
  ++count.lines;
}

/// Collects order lines and rolls them up into one purchase per order.
///
/// Orders are numbered in the order their first line arrives; an order belongs to the
/// customer of its first line. At the end the purchases are sorted by (time, order id),
/// and each purchase's amount is the sum of its line amounts taken in ascending order, so
/// that the purchases depend on the lines alone, not on the order they came in.
class order_rollup {
 public:
  order_rollup(bool quantities, bool products) : quantities_(quantities), products_(products) {}

  /// The index of order `id`, numbering new ids in first-seen order. Files list an
  /// order's lines together, so the last id is remembered.
  std::int32_t order_index(std::string_view id) {
    if (have_last_ && id == last_id_) return last_index_;
    last_index_ = ids_->insert(id);
    last_id_.assign(id);
    have_last_ = true;
    return last_index_;
  }

  [[nodiscard]] std::string_view order_id(std::int32_t order) const noexcept { return ids_->at(order); }

  /// The order's customer and the line it was first seen on (for conflict messages).
  struct owner {
    std::int32_t customer;
    std::int64_t line;
  };

  /// Adds a line of `order` (from order_index). Returns false, and the order's owner in
  /// `first`, when the order belongs to another customer; the line is then not added.
  bool add(std::int32_t order, std::int32_t customer, std::int64_t time, double amount, double quantity,
           double unit_price, std::int32_t product, std::int64_t line, owner& first) {
    const auto index = static_cast<std::size_t>(order);
    if (index == owners_.size()) {
      owners_.push_back({customer, line});
    } else if (owners_[index].customer != customer) {
      first = owners_[index];
      return false;
    }
    line_order_.push_back(order);
    line_time_.push_back(time);
    line_amount_.push_back(amount);
    if (quantities_) {
      line_quantity_.push_back(quantity);
      line_price_.push_back(unit_price);
    }
    if (products_) line_product_.push_back(product);
    return true;
  }

  /// Room for `lines` lines in all; the order-id dictionary gets room for the orders that
  /// many lines are expected to hold (at the ratio of orders to lines so far, plus 3%), so
  /// that it does not rehash as it grows.
  void reserve(std::size_t lines) {
    if (lines > line_order_.size() && !line_order_.empty()) {
      const double per_line = static_cast<double>(owners_.size()) / static_cast<double>(line_order_.size());
      const auto orders = static_cast<std::size_t>(static_cast<double>(lines) * per_line * 1.03) + 64;
      ids_->reserve(orders);
    }
    line_order_.reserve(lines);
    line_time_.reserve(lines);
    line_amount_.reserve(lines);
    if (quantities_) {
      line_quantity_.reserve(lines);
      line_price_.reserve(lines);
    }
    if (products_) line_product_.reserve(lines);
  }
  [[nodiscard]] std::size_t lines() const noexcept { return line_order_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return line_order_.capacity(); }

  /// The purchases (one per order, with the lines attached) over `n_customers` customers.
  [[nodiscard]] transaction_log finish(std::size_t n_customers, std::shared_ptr<const string_dictionary> product_levels) {
    const std::size_t n_orders = owners_.size();
    const std::size_t n_lines = line_order_.size();
    // Lines grouped by order (counting sort), for the per-order minimum time and sum.
    std::vector<std::size_t> start(n_orders + 1, 0);
    for (const std::int32_t o : line_order_) ++start[static_cast<std::size_t>(o) + 1];
    std::partial_sum(start.begin(), start.end(), start.begin());
    std::vector<double> grouped(n_lines);
    std::vector<std::int64_t> first_time(n_orders, 0);
    {
      std::vector<std::size_t> next(start.begin(), start.end() - 1);
      std::vector<bool> seen(n_orders, false);
      for (std::size_t i = 0; i < n_lines; ++i) {
        const auto o = static_cast<std::size_t>(line_order_[i]);
        grouped[next[o]++] = line_amount_[i];
        if (!seen[o] || line_time_[i] < first_time[o]) first_time[o] = line_time_[i];
        seen[o] = true;
      }
    }
    std::vector<double> total(n_orders, 0.0);
    for (std::size_t o = 0; o < n_orders; ++o) {
      const auto begin = grouped.begin() + static_cast<std::ptrdiff_t>(start[o]);
      const auto end = grouped.begin() + static_cast<std::ptrdiff_t>(start[o + 1]);
      std::sort(begin, end);
      double sum = 0.0;
      for (auto it = begin; it != end; ++it) sum += *it;
      total[o] = sum;
    }
    // Purchases in (time, order id) order.
    std::vector<std::int32_t> by_time(n_orders);
    std::iota(by_time.begin(), by_time.end(), 0);
    std::sort(by_time.begin(), by_time.end(), [&](std::int32_t a, std::int32_t b) {
      const auto ua = static_cast<std::size_t>(a);
      const auto ub = static_cast<std::size_t>(b);
      if (first_time[ua] != first_time[ub]) return first_time[ua] < first_time[ub];
      return ids_->at(a) < ids_->at(b);
    });
    std::vector<std::int32_t> row_of(n_orders);
    std::vector<std::int32_t> customer(n_orders);
    std::vector<std::int64_t> time(n_orders);
    std::vector<double> amount(n_orders);
    for (std::size_t r = 0; r < n_orders; ++r) {
      const auto o = static_cast<std::size_t>(by_time[r]);
      row_of[o] = static_cast<std::int32_t>(r);
      customer[r] = owners_[o].customer;
      time[r] = first_time[o];
      amount[r] = total[o];
    }
    // The order ids numbered by row: the dictionary renumbered in place, not rebuilt (no
    // hashing, no second slot table); the roll-up is spent after finish.
    ids_->renumber(by_time, row_of);
    std::shared_ptr<string_dictionary> row_ids = std::move(ids_);
    for (auto& o : line_order_) o = row_of[static_cast<std::size_t>(o)];

    auto log = transaction_log::from_columns(column<std::int32_t>::owned(std::move(customer)),
                                             column<std::int64_t>::owned(std::move(time)),
                                             column<double>::owned(std::move(amount)), n_customers);
    column<std::int32_t> products;
    if (products_) products = column<std::int32_t>::owned(std::move(line_product_));
    auto lines = order_lines::from_columns(
        column<std::int32_t>::owned(std::move(line_order_)), column<std::int64_t>::owned(std::move(line_time_)),
        column<double>::owned(std::move(line_amount_)), column<double>::owned(std::move(line_quantity_)),
        column<double>::owned(std::move(line_price_)), std::move(row_ids), std::move(products),
        products_ ? std::move(product_levels) : nullptr);
    return log.with_lines(std::move(lines));
  }

 private:
  bool quantities_;
  bool products_;
  std::shared_ptr<string_dictionary> ids_ = std::make_shared<string_dictionary>();
  bool have_last_ = false;
  std::string last_id_;
  std::int32_t last_index_ = -1;
  std::vector<owner> owners_;  // by order index
  std::vector<std::int32_t> line_order_;
  std::vector<std::int64_t> line_time_;
  std::vector<double> line_amount_;
  std::vector<double> line_quantity_;
  std::vector<double> line_price_;
  std::vector<std::int32_t> line_product_;
};

}  // namespace detail

CRMKIT_END_NAMESPACE
