// Definitions for crmkit/offers/offer_value.hpp. Included by that header in header-only
// mode and by src/offers/offer_value.cpp otherwise.
// IWYU pragma: private, include "crmkit/offers/offer_value.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/categorical_column.hpp"
#include "crmkit/core/column.hpp"
#include "crmkit/core/string_dictionary.hpp"
#include "crmkit/error.hpp"
#include "crmkit/offers/offer_value.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

inline void check_offer_layout(const offer_table& t, const char* where) {
  if (t.item.size() != t.n_rows * t.top_n || t.score.size() != t.item.size() || t.cold_start.size() != t.n_rows ||
      (!t.value.empty() && t.value.size() != t.item.size()))
    throw error(errc::invalid_argument,
                fmt::format("{}: malformed offer table ({} rows x {} offers, {} items, {} scores, {} flags)", where,
                            t.n_rows, t.top_n, t.item.size(), t.score.size(), t.cold_start.size()));
}

}  // namespace detail

CRMKIT_FUNC offer_table rank_by_value(const offer_table& offers, std::span<const double> row_value,
                                      std::span<const double> item_value) {
  constexpr const char* where = "rank_by_value";
  detail::check_offer_layout(offers, where);
  if (row_value.size() != offers.n_rows)
    throw error(errc::invalid_argument,
                fmt::format("{}: {} row values for {} rows of offers", where, row_value.size(), offers.n_rows));
  for (std::size_t r = 0; r < row_value.size(); ++r)
    if (row_value[r] < 0 || std::isinf(row_value[r]))
      throw error(errc::invalid_argument,
                  fmt::format("{}: the value of row {} is {}; it must be >= 0 and finite (NaN: missing)", where, r,
                              row_value[r]));
  for (std::size_t i = 0; i < item_value.size(); ++i)
    if (!(item_value[i] >= 0) || !std::isfinite(item_value[i]))
      throw error(errc::invalid_argument,
                  fmt::format("{}: the value of item {} is {}; it must be finite and >= 0", where, i, item_value[i]));
  offer_table out = offers;
  out.value.assign(offers.item.size(), 0.0);
  const std::size_t n = offers.top_n;
  std::vector<std::size_t> order(n);
  std::vector<double> value(n);
  for (std::size_t r = 0; r < offers.n_rows; ++r) {
    const std::size_t base = r * n;
    for (std::size_t j = 0; j < n; ++j) {
      const std::int32_t item = offers.item[base + j];
      if (item < 0) {
        value[j] = -1.0;  // no offer: stays last
        continue;
      }
      double v = std::isnan(row_value[r]) ? 0.0 : std::clamp(offers.score[base + j], 0.0, 1.0) * row_value[r];
      if (!item_value.empty()) {
        if (static_cast<std::size_t>(item) >= item_value.size())
          throw error(errc::invalid_argument, fmt::format("{}: row {} offers item {}, outside the {} item values",
                                                          where, r, item, item_value.size()));
        v *= item_value[static_cast<std::size_t>(item)];
      }
      value[j] = v;
    }
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return value[a] > value[b]; });
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t from = base + order[j];
      out.item[base + j] = offers.item[from];
      out.score[base + j] = offers.score[from];
      out.value[base + j] = offers.item[from] < 0 ? 0.0 : value[order[j]];
    }
  }
  return out;
}

CRMKIT_FUNC void add_offer_columns(customer_table& table, const offer_table& offers,
                                   std::span<const std::string> row_ids, std::span<const std::string> item_names,
                                   std::string_view prefix) {
  constexpr const char* where = "add_offer_columns";
  detail::check_offer_layout(offers, where);
  if (prefix.empty()) throw error(errc::invalid_argument, fmt::format("{}: the column prefix is empty", where));
  if (row_ids.size() != offers.n_rows)
    throw error(errc::invalid_argument,
                fmt::format("{}: {} customer ids for {} rows of offers", where, row_ids.size(), offers.n_rows));
  const std::size_t n = table.size();
  std::vector<std::int32_t> code(n, -1);
  std::vector<double> score(n, std::numeric_limits<double>::quiet_NaN());
  std::vector<double> value(n, std::numeric_limits<double>::quiet_NaN());
  std::vector<std::int64_t> cold(n, missing_int64);
  // Levels: the offered product ids, in byte order.
  std::vector<std::int32_t> first(offers.n_rows, -1);
  std::vector<std::int32_t> used;
  for (std::size_t r = 0; r < offers.n_rows; ++r) {
    if (offers.top_n == 0) break;
    const std::int32_t item = offers.item[r * offers.top_n];
    if (item < 0) continue;
    if (static_cast<std::size_t>(item) >= item_names.size())
      throw error(errc::invalid_argument, fmt::format("{}: row {} offers item {}, outside the {} product ids", where,
                                                      r, item, item_names.size()));
    first[r] = item;
    used.push_back(item);
  }
  std::sort(used.begin(), used.end(), [&](std::int32_t a, std::int32_t b) {
    return item_names[static_cast<std::size_t>(a)] < item_names[static_cast<std::size_t>(b)];
  });
  used.erase(std::unique(used.begin(), used.end()), used.end());
  auto levels = std::make_shared<string_dictionary>();
  for (const std::int32_t item : used) levels->insert(item_names[static_cast<std::size_t>(item)]);
  for (std::size_t r = 0; r < offers.n_rows; ++r) {
    const std::int32_t at = table.find(row_ids[r]);
    if (at < 0) continue;
    const auto t = static_cast<std::size_t>(at);
    cold[t] = offers.cold_start[r] != 0 ? 1 : 0;
    if (first[r] < 0) continue;
    code[t] = levels->find(item_names[static_cast<std::size_t>(first[r])]);
    score[t] = offers.score[r * offers.top_n];
    if (!offers.value.empty()) value[t] = offers.value[r * offers.top_n];
  }
  const std::string name(prefix);
  table.set_category_column(name, categorical_column{column<std::int32_t>::owned(std::move(code)), std::move(levels)});
  table.set_column(name + "_score", column<double>::owned(std::move(score)));
  if (!offers.value.empty()) table.set_column(name + "_value", column<double>::owned(std::move(value)));
  table.set_int64_column(name + "_cold_start", column<std::int64_t>::owned(std::move(cold)));
}

CRMKIT_END_NAMESPACE
