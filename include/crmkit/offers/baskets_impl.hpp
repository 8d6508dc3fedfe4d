// Definitions for crmkit/offers/baskets.hpp. Included by that header in header-only mode
// and by src/offers/baskets.cpp otherwise.
// IWYU pragma: private, include "crmkit/offers/baskets.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/offers/baskets.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

inline void check_offsets(std::span<const std::int64_t> offsets, std::size_t n_entries, const char* where,
                          const char* what) {
  if (offsets.empty() || offsets[0] != 0)
    throw error(errc::invalid_argument, fmt::format("{}: {} must start at 0 (it has {} values)", where, what,
                                                    offsets.size()));
  for (std::size_t i = 1; i < offsets.size(); ++i)
    if (offsets[i] < offsets[i - 1])
      throw error(errc::invalid_argument, fmt::format("{}: {} decreases at position {} ({} after {})", where, what, i,
                                                      offsets[i], offsets[i - 1]));
  if (static_cast<std::uint64_t>(offsets.back()) != n_entries)
    throw error(errc::invalid_argument, fmt::format("{}: {} ends at {}, but {} entries were given", where, what,
                                                    offsets.back(), n_entries));
}

// Indices 0..n-1 ordered by the byte order of name(i).
template <class Name>
std::vector<std::int32_t> byte_order(std::size_t n, const Name& name) {
  std::vector<std::int32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) { return name(a) < name(b); });
  return order;
}

}  // namespace detail

CRMKIT_FUNC basket_set make_baskets(std::span<const std::int64_t> offsets, std::span<const std::int32_t> items,
                                    std::size_t n_items) {
  constexpr const char* where = "make_baskets";
  detail::check_offsets(offsets, items.size(), where, "offsets");
  basket_set out;
  out.n_items = n_items;
  out.offsets.assign(1, 0);
  out.offsets.reserve(offsets.size());
  out.items.reserve(items.size());
  for (std::size_t b = 0; b + 1 < offsets.size(); ++b) {
    const auto begin = out.items.size();
    for (auto e = offsets[b]; e < offsets[b + 1]; ++e) {
      const std::int32_t item = items[static_cast<std::size_t>(e)];
      if (item < 0 || static_cast<std::size_t>(item) >= n_items)
        throw error(errc::invalid_argument, fmt::format("{}: item {} of basket {} (entry {}) is outside [0, {})",
                                                        where, item, b, e, n_items));
      out.items.push_back(item);
    }
    const auto first = out.items.begin() + static_cast<std::ptrdiff_t>(begin);
    std::sort(first, out.items.end());
    out.items.erase(std::unique(first, out.items.end()), out.items.end());
    out.offsets.push_back(static_cast<std::int64_t>(out.items.size()));
  }
  return out;
}

CRMKIT_FUNC basket_set baskets_from_dataset(const dataset& data) {
  constexpr const char* where = "baskets_from_dataset";
  const order_lines* lines = data.transactions().lines();
  if (lines == nullptr)
    throw error(errc::invalid_argument,
                fmt::format("{}: the dataset has no order lines; read it with an order id column (order_column) "
                            "and a product column",
                            where));
  if (lines->product_levels() == nullptr || (lines->product().empty() && lines->size() > 0))
    throw error(errc::invalid_argument,
                fmt::format("{}: the dataset's order lines have no product column; read them with one", where));
  const string_dictionary& products = *lines->product_levels();
  basket_set out;
  // Items in byte order of the product ids.
  const auto item_order = detail::byte_order(products.size(), [&](std::int32_t i) { return products.at(i); });
  std::vector<std::int32_t> item_of_code(products.size());
  out.item_names.reserve(products.size());
  for (std::size_t j = 0; j < item_order.size(); ++j) {
    item_of_code[static_cast<std::size_t>(item_order[j])] = static_cast<std::int32_t>(j);
    out.item_names.emplace_back(products.at(item_order[j]));
  }
  out.n_items = products.size();
  // Rows in byte order of the customer ids.
  const string_dictionary& ids = data.customers().ids();
  out.row_customer = detail::byte_order(ids.size(), [&](std::int32_t i) { return ids.at(i); });
  std::vector<std::int32_t> row_of_customer(ids.size());
  out.row_ids.reserve(ids.size());
  for (std::size_t r = 0; r < out.row_customer.size(); ++r) {
    row_of_customer[static_cast<std::size_t>(out.row_customer[r])] = static_cast<std::int32_t>(r);
    out.row_ids.emplace_back(ids.at(out.row_customer[r]));
  }
  // Group the lines by purchase (transaction-log row) with a counting sort: stable, so
  // the lines of an order keep their input order (which only affects the spend sums' order
  // of addition; the sums are then taken per item in ascending line amount order below).
  const std::size_t n_orders = data.n_transactions();
  const auto order = lines->order();
  const auto product = lines->product();
  const auto amount = lines->amount();
  std::vector<std::int64_t> start(n_orders + 1, 0);
  for (std::size_t i = 0; i < lines->size(); ++i)
    if (product[i] >= 0) ++start[static_cast<std::size_t>(order[i]) + 1];
  for (std::size_t r = 0; r < n_orders; ++r) start[r + 1] += start[r];
  std::vector<std::pair<std::int32_t, double>> entry(static_cast<std::size_t>(start[n_orders]));
  {
    std::vector<std::int64_t> fill(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < lines->size(); ++i)
      if (product[i] >= 0)
        entry[static_cast<std::size_t>(fill[static_cast<std::size_t>(order[i])]++)] = {
            item_of_code[static_cast<std::size_t>(product[i])], amount[i]};
  }
  const auto customer = data.transactions().customer();
  const auto time = data.transactions().time();
  out.offsets.assign(1, 0);
  for (std::size_t r = 0; r < n_orders; ++r) {
    const auto first = entry.begin() + start[r];
    const auto last = entry.begin() + start[r + 1];
    if (first == last) continue;
    // (item, amount) sorted: equal items adjacent, their amounts summed in ascending
    // order, so the spend does not depend on the order of the lines.
    std::sort(first, last);
    for (auto it = first; it != last;) {
      double s = 0;
      const std::int32_t item = it->first;
      for (; it != last && it->first == item; ++it) s += it->second;
      out.items.push_back(item);
      out.spend.push_back(s);
    }
    out.offsets.push_back(static_cast<std::int64_t>(out.items.size()));
    out.basket_row.push_back(row_of_customer[static_cast<std::size_t>(customer[r])]);
    out.basket_time.push_back(time[r]);
  }
  return out;
}

CRMKIT_FUNC interaction_matrix make_interaction_matrix(std::span<const std::int64_t> indptr,
                                                       std::span<const std::int32_t> indices,
                                                       std::span<const double> data, std::size_t n_rows,
                                                       std::size_t n_cols) {
  constexpr const char* where = "make_interaction_matrix";
  if (indptr.size() != n_rows + 1)
    throw error(errc::invalid_argument,
                fmt::format("{}: indptr has {} values; n_rows + 1 = {} expected", where, indptr.size(), n_rows + 1));
  if (indices.size() != data.size())
    throw error(errc::invalid_argument, fmt::format("{}: indices has {} values and data {}; they must be equal",
                                                    where, indices.size(), data.size()));
  if (n_cols > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw error(errc::invalid_argument, fmt::format("{}: n_cols = {} exceeds 2^31 - 1", where, n_cols));
  detail::check_offsets(indptr, indices.size(), where, "indptr");
  interaction_matrix m;
  m.n_rows = n_rows;
  m.n_cols = n_cols;
  m.indptr.assign(1, 0);
  m.indptr.reserve(n_rows + 1);
  m.indices.reserve(indices.size());
  m.values.reserve(data.size());
  std::vector<std::pair<std::int32_t, double>> row;
  for (std::size_t r = 0; r < n_rows; ++r) {
    row.clear();
    for (auto e = indptr[r]; e < indptr[r + 1]; ++e) {
      const auto k = static_cast<std::size_t>(e);
      const std::int32_t c = indices[k];
      if (c < 0 || static_cast<std::size_t>(c) >= n_cols)
        throw error(errc::invalid_argument,
                    fmt::format("{}: column {} in row {} (entry {}) is outside [0, {})", where, c, r, e, n_cols));
      if (!std::isfinite(data[k]) || data[k] < 0)
        throw error(errc::invalid_argument, fmt::format("{}: value {} at row {}, column {} is {}; values must be "
                                                        "finite and >= 0 (implicit feedback)",
                                                        where, data[k], r, c, std::isfinite(data[k]) ? "negative" : "not finite"));
      row.emplace_back(c, data[k]);
    }
    std::stable_sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t i = 0; i < row.size();) {
      double s = 0;
      const std::int32_t c = row[i].first;
      for (; i < row.size() && row[i].first == c; ++i) s += row[i].second;
      if (s > 0) {
        m.indices.push_back(c);
        m.values.push_back(s);
      }
    }
    m.indptr.push_back(static_cast<std::int64_t>(m.indices.size()));
  }
  return m;
}

CRMKIT_FUNC interaction_matrix transpose(const interaction_matrix& m) {
  interaction_matrix t;
  t.n_rows = m.n_cols;
  t.n_cols = m.n_rows;
  t.indptr.assign(m.n_cols + 1, 0);
  for (const std::int32_t c : m.indices) ++t.indptr[static_cast<std::size_t>(c) + 1];
  for (std::size_t c = 0; c < m.n_cols; ++c) t.indptr[c + 1] += t.indptr[c];
  t.indices.resize(m.nnz());
  t.values.resize(m.nnz());
  std::vector<std::int64_t> fill(t.indptr.begin(), t.indptr.end() - 1);
  for (std::size_t r = 0; r < m.n_rows; ++r)
    for (auto e = m.indptr[r]; e < m.indptr[r + 1]; ++e) {
      const auto k = static_cast<std::size_t>(e);
      const auto at = static_cast<std::size_t>(fill[static_cast<std::size_t>(m.indices[k])]++);
      t.indices[at] = static_cast<std::int32_t>(r);
      t.values[at] = m.values[k];
    }
  return t;
}

CRMKIT_FUNC interaction_matrix customer_product_matrix(const basket_set& baskets, interaction_value value) {
  if (baskets.row_ids.empty() || baskets.basket_row.size() != baskets.size())
    throw error(errc::invalid_argument,
                "customer_product_matrix: the baskets have no customer rows (they were not built by "
                "baskets_from_dataset); build the matrix with make_interaction_matrix");
  const std::size_t n_rows = baskets.row_ids.size();
  // Baskets of each row, in basket order (counting sort).
  std::vector<std::int64_t> start(n_rows + 1, 0);
  for (const std::int32_t r : baskets.basket_row) ++start[static_cast<std::size_t>(r) + 1];
  for (std::size_t r = 0; r < n_rows; ++r) start[r + 1] += start[r];
  std::vector<std::int32_t> of_row(baskets.size());
  {
    std::vector<std::int64_t> fill(start.begin(), start.end() - 1);
    for (std::size_t b = 0; b < baskets.size(); ++b)
      of_row[static_cast<std::size_t>(fill[static_cast<std::size_t>(baskets.basket_row[b])]++)] =
          static_cast<std::int32_t>(b);
  }
  interaction_matrix m;
  m.n_rows = n_rows;
  m.n_cols = baskets.n_items;
  m.indptr.assign(1, 0);
  std::vector<double> acc(baskets.n_items, 0.0);
  std::vector<char> seen(baskets.n_items, 0);
  std::vector<std::int32_t> touched;
  for (std::size_t r = 0; r < n_rows; ++r) {
    touched.clear();
    for (auto k = start[r]; k < start[r + 1]; ++k) {
      const auto b = static_cast<std::size_t>(of_row[static_cast<std::size_t>(k)]);
      for (auto e = baskets.offsets[b]; e < baskets.offsets[b + 1]; ++e) {
        const auto item = static_cast<std::size_t>(baskets.items[static_cast<std::size_t>(e)]);
        if (!seen[item]) {
          seen[item] = 1;
          touched.push_back(static_cast<std::int32_t>(item));
        }
        acc[item] += value == interaction_value::orders ? 1.0 : baskets.spend[static_cast<std::size_t>(e)];
      }
    }
    std::sort(touched.begin(), touched.end());
    for (const std::int32_t item : touched) {
      const auto i = static_cast<std::size_t>(item);
      if (acc[i] > 0) {
        m.indices.push_back(item);
        m.values.push_back(acc[i]);
      }
      acc[i] = 0;
      seen[i] = 0;
    }
    m.indptr.push_back(static_cast<std::int64_t>(m.indices.size()));
  }
  return m;
}

CRMKIT_END_NAMESPACE
