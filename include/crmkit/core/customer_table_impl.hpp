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

CRMKIT_FUNC void customer_table::set_locations(column<double> longitude, column<double> latitude) {
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

CRMKIT_FUNC void customer_table::set_attribute(std::string name, column<double> values) {
  if (name.empty()) throw error(errc::invalid_argument, "customer_table::set_attribute: empty attribute name");
  if (values.size() != size())
    throw error(errc::invalid_argument, fmt::format("customer_table::set_attribute: '{}' has {} values for {} customers",
                                                    name, values.size(), size()));
  for (auto& [existing, column] : attributes_)
    if (existing == name) {
      column = std::move(values);
      return;
    }
  attributes_.emplace_back(std::move(name), std::move(values));
}

CRMKIT_FUNC bool customer_table::has_attribute(std::string_view name) const noexcept {
  for (const auto& entry : attributes_)
    if (entry.first == name) return true;
  return false;
}

CRMKIT_FUNC std::span<const double> customer_table::attribute(std::string_view name) const {
  for (const auto& entry : attributes_)
    if (entry.first == name) return entry.second.view();
  std::string present;
  for (const auto& entry : attributes_) present += (present.empty() ? "" : ", ") + entry.first;
  throw error(errc::not_found, fmt::format("customer_table: no attribute '{}' (present: {})", name,
                                           present.empty() ? "none" : present));
}

CRMKIT_FUNC std::vector<std::string> customer_table::attribute_names() const {
  std::vector<std::string> names;
  names.reserve(attributes_.size());
  for (const auto& entry : attributes_) names.push_back(entry.first);
  return names;
}

CRMKIT_END_NAMESPACE
