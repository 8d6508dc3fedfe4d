// Definitions for crmkit/core/customer_table.hpp.
// IWYU pragma: private, include "crmkit/core/customer_table.hpp"
#pragma once

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "crmkit/core/customer_table.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC customer_table customer_table::from_ids(std::shared_ptr<const string_dictionary> ids) {
  if (!ids) throw error(errc::invalid_argument, "customer_table::from_ids: the id dictionary is null");
  customer_table table;
  table.ids_ = std::move(ids);
  return table;
}

CRMKIT_FUNC customer_table customer_table::with_index_ids(std::size_t n) {
  if (n > string_dictionary::max_size)
    throw error(errc::invalid_argument, fmt::format("customer_table: {} customers exceed 2^31-1", n));
  auto ids = std::make_shared<string_dictionary>();
  ids->reserve(n, n * 7);
  for (std::size_t i = 0; i < n; ++i) ids->insert(fmt::format_int(i).c_str());
  return from_ids(std::move(ids));
}

CRMKIT_FUNC void customer_table::set_locations(crmkit::column<double> longitude, crmkit::column<double> latitude) {
  if (longitude.size() != size() || latitude.size() != size())
    throw error(errc::invalid_argument,
                fmt::format("customer_table::set_locations: {} longitudes and {} latitudes for {} customers",
                            longitude.size(), latitude.size(), size()));
  const auto lon = longitude.view();
  const auto lat = latitude.view();
  for (std::size_t i = 0; i < lon.size(); ++i) {
    const bool lon_missing = std::isnan(lon[i]);
    const bool lat_missing = std::isnan(lat[i]);
    if (lon_missing != lat_missing)
      throw error(errc::invalid_argument,
                  fmt::format("customer_table::set_locations: customer '{}' has only one of longitude/latitude "
                              "({}, {})", id(static_cast<std::int32_t>(i)), lon[i], lat[i]));
    if (lon_missing) continue;
    if (!(lon[i] >= -180.0 && lon[i] <= 180.0) || !(lat[i] >= -90.0 && lat[i] <= 90.0))
      throw error(errc::invalid_argument,
                  fmt::format("customer_table::set_locations: customer '{}': ({}, {}) is not a longitude in "
                              "[-180, 180] and latitude in [-90, 90]", id(static_cast<std::int32_t>(i)), lon[i], lat[i]));
  }
  longitude_ = std::move(longitude);
  latitude_ = std::move(latitude);
  located_ = true;
}

namespace detail {
inline std::string column_list(const std::vector<table_column>& columns) {
  std::string names;
  for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c.name;
  return names.empty() ? "none" : names;
}
}  // namespace detail

CRMKIT_FUNC void customer_table::set(table_column column) {
  if (column.name.empty()) throw error(errc::invalid_argument, "customer_table::set: empty column name");
  if (column.size() != size())
    throw error(errc::invalid_argument, fmt::format("customer_table::set: column '{}' has {} values for {} customers",
                                                    column.name, column.size(), size()));
  if (column.type == column_type::category) {
    if (!column.category.levels)
      throw error(errc::invalid_argument,
                  fmt::format("customer_table::set: category column '{}' has no levels", column.name));
    const auto n_levels = static_cast<std::int32_t>(column.category.levels->size());
    const auto codes = column.category.codes.view();
    for (std::size_t i = 0; i < codes.size(); ++i)
      if (codes[i] < -1 || codes[i] >= n_levels)
        throw error(errc::invalid_argument,
                    fmt::format("customer_table::set: category column '{}': customer '{}' has code {} outside "
                                "[-1, {})", column.name, id(static_cast<std::int32_t>(i)), codes[i], n_levels));
  }
  for (auto& existing : columns_)
    if (existing.name == column.name) {
      existing = std::move(column);
      return;
    }
  columns_.push_back(std::move(column));
}

CRMKIT_FUNC void customer_table::set_column(std::string name, crmkit::column<double> values) {
  table_column c;
  c.name = std::move(name);
  c.type = column_type::float64;
  c.float64 = std::move(values);
  set(std::move(c));
}

CRMKIT_FUNC void customer_table::set_int64_column(std::string name, crmkit::column<std::int64_t> values) {
  table_column c;
  c.name = std::move(name);
  c.type = column_type::int64;
  c.int64 = std::move(values);
  set(std::move(c));
}

CRMKIT_FUNC void customer_table::set_time_column(std::string name, crmkit::column<std::int64_t> values) {
  table_column c;
  c.name = std::move(name);
  c.type = column_type::time;
  c.int64 = std::move(values);
  set(std::move(c));
}

CRMKIT_FUNC void customer_table::set_category_column(std::string name, categorical_column values) {
  table_column c;
  c.name = std::move(name);
  c.type = column_type::category;
  c.category = std::move(values);
  set(std::move(c));
}

CRMKIT_FUNC const table_column* customer_table::find_column(std::string_view name) const noexcept {
  for (const auto& c : columns_)
    if (c.name == name) return &c;
  return nullptr;
}

CRMKIT_FUNC const table_column& customer_table::column(std::string_view name) const {
  if (const table_column* c = find_column(name)) return *c;
  throw error(errc::not_found,
              fmt::format("customer_table: no column '{}' (present: {})", name, detail::column_list(columns_)));
}

namespace detail {
[[noreturn]] inline void wrong_column_type(const table_column& c, const char* wanted) {
  throw error(errc::invalid_argument,
              fmt::format("customer_table: column '{}' is {}, not {}", c.name, to_string(c.type), wanted));
}
}  // namespace detail

CRMKIT_FUNC std::span<const double> customer_table::float64(std::string_view name) const {
  const table_column& c = column(name);
  if (c.type != column_type::float64) detail::wrong_column_type(c, "float64");
  return c.float64.view();
}

CRMKIT_FUNC std::span<const std::int64_t> customer_table::int64(std::string_view name) const {
  const table_column& c = column(name);
  if (c.type != column_type::int64 && c.type != column_type::time) detail::wrong_column_type(c, "int64 or time");
  return c.int64.view();
}

CRMKIT_FUNC const categorical_column& customer_table::category(std::string_view name) const {
  const table_column& c = column(name);
  if (c.type != column_type::category) detail::wrong_column_type(c, "category");
  return c.category;
}

CRMKIT_FUNC std::vector<std::string> customer_table::column_names() const {
  std::vector<std::string> names;
  names.reserve(columns_.size());
  for (const auto& c : columns_) names.push_back(c.name);
  return names;
}

CRMKIT_FUNC std::vector<std::string> customer_table::attribute_names() const {
  std::vector<std::string> names;
  for (const auto& c : columns_)
    if (c.type == column_type::float64) names.push_back(c.name);
  return names;
}

CRMKIT_END_NAMESPACE
