// Definitions for crmkit/scoring/audience.hpp.
// IWYU pragma: private, include "crmkit/scoring/audience.hpp"
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/lifecycle/guard.hpp"
#include "crmkit/scoring/audience.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC std::vector<std::int32_t> select_customers(const customer_table& table, std::string_view condition) {
  const auto& columns = table.columns();
  auto resolve = [&](std::string_view name) -> int {
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (columns[i].name == name) return static_cast<int>(i);
    return -1;
  };
  auto levels = [&](int id, std::string_view level) -> std::optional<double> {
    const table_column& c = columns[static_cast<std::size_t>(id)];
    if (c.type != column_type::category)
      throw error(errc::invalid_argument, fmt::format("select_customers \"{}\": column '{}' is {}; compare it with a "
                                                      "number, not '{}'", condition, c.name, to_string(c.type), level));
    const std::int32_t code = c.category.levels->find(level);
    if (code < 0) return std::nullopt;
    return static_cast<double>(code);
  };
  const guard g = guard::parse(condition, resolve, levels);
  // The guard reads doubles: each column it uses, converted once (missing -> NaN).
  std::vector<std::vector<double>> values(columns.size());
  std::vector<const double*> pointers(columns.size(), nullptr);
  const std::size_t n = table.size();
  for (int id : g.columns()) {
    auto& v = values[static_cast<std::size_t>(id)];
    const table_column& c = columns[static_cast<std::size_t>(id)];
    v.resize(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = c.as_double(i);
    pointers[static_cast<std::size_t>(id)] = v.data();
  }
  std::vector<std::uint8_t> mask(n);
  for (std::size_t begin = 0; begin < n; begin += guard::block_size) {
    const std::size_t count = std::min(guard::block_size, n - begin);
    g.evaluate(pointers.data(), begin, count, mask.data() + begin);
  }
  std::vector<std::int32_t> rows;
  for (std::size_t i = 0; i < n; ++i)
    if (mask[i]) rows.push_back(static_cast<std::int32_t>(i));
  return rows;
}

CRMKIT_END_NAMESPACE
