// Definitions for crmkit/geo/customers.hpp (inline in header-only mode, compiled in
// src/geo/customers.cpp otherwise).
#pragma once

#include <cmath>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/geo/customers.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

// The located customers of a table: their row indices and coordinates.
struct located_customers {
  std::vector<std::size_t> row;
  std::vector<double> lon, lat;
  geo_location_report report;
};

inline located_customers locate_customers(const customer_table& customers, const char* where,
                                          geo_location_report* report) {
  if (!customers.has_locations())
    throw error(errc::not_found,
                fmt::format("{}: the dataset has no customer locations (set them with set_locations, or read a "
                            "customers file with longitude and latitude columns)",
                            where));
  located_customers out;
  const auto lon = customers.longitude(), lat = customers.latitude();
  for (std::size_t i = 0; i < customers.size(); ++i) {
    if (std::isnan(lon[i]) && std::isnan(lat[i])) continue;
    out.row.push_back(i);
    out.lon.push_back(lon[i]);
    out.lat.push_back(lat[i]);
  }
  out.report.n_customers = customers.size();
  out.report.n_located = out.row.size();
  out.report.n_unlocated = customers.size() - out.row.size();
  if (report != nullptr) *report = out.report;
  return out;
}

}  // namespace detail

CRMKIT_FUNC customer_table nearest_reps(const rep_roster& reps, const customer_table& customers, std::size_t k,
                                        const rep_query_options& options, std::size_t n_threads,
                                        geo_location_report* report) {
  const detail::located_customers at = detail::locate_customers(customers, "nearest_reps", report);
  const geo_neighbors near = reps.nearest_available_batch(at.lon, at.lat, k, options, n_threads);
  const std::size_t n = customers.size();
  customer_table out = customer_table::from_ids(customers.shared_ids());
  std::vector<std::vector<std::int64_t>> rep(k, std::vector<std::int64_t>(n, missing_int64));
  std::vector<std::vector<double>> dist(k, std::vector<double>(n, std::numeric_limits<double>::quiet_NaN()));
  for (std::size_t j = 0; j < at.row.size(); ++j)
    for (std::size_t r = 0; r < k; ++r) {
      const std::int32_t id = near.ids[j * k + r];
      if (id < 0) continue;
      rep[r][at.row[j]] = id;
      dist[r][at.row[j]] = near.distances_m[j * k + r];
    }
  for (std::size_t r = 0; r < k; ++r) {
    const std::string suffix = k == 1 ? std::string() : fmt::format("_{}", r);
    out.set_int64_column("rep" + suffix, column<std::int64_t>::owned(std::move(rep[r])));
    out.set_column("rep_distance_m" + suffix, column<double>::owned(std::move(dist[r])));
  }
  return out;
}

CRMKIT_FUNC customer_table assign_reps(const rep_roster& reps, const customer_table& customers,
                                       std::span<const std::int32_t> capacity, const rep_query_options& options,
                                       rep_assignment* plan, geo_location_report* report) {
  const detail::located_customers at = detail::locate_customers(customers, "assign_reps", report);
  rep_assignment a = reps.assign(at.lon, at.lat, capacity, options);
  const std::size_t n = customers.size();
  std::vector<std::int64_t> rep(n, missing_int64);
  std::vector<double> dist(n, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t j = 0; j < at.row.size(); ++j) {
    if (a.rep[j] < 0) continue;
    rep[at.row[j]] = a.rep[j];
    dist[at.row[j]] = a.distance_m[j];
  }
  customer_table out = customer_table::from_ids(customers.shared_ids());
  out.set_int64_column("rep", column<std::int64_t>::owned(std::move(rep)));
  out.set_column("rep_distance_m", column<double>::owned(std::move(dist)));
  if (plan != nullptr) *plan = std::move(a);
  return out;
}

CRMKIT_FUNC customer_table customer_territories(const customer_table& customers,
                                                std::span<const territory> territories,
                                                std::span<const std::string> names, std::size_t n_threads,
                                                geo_location_report* report) {
  const char* f = "customer_territories";
  if (territories.size() != names.size())
    throw error(errc::invalid_argument,
                fmt::format("{}: {} territories but {} names", f, territories.size(), names.size()));
  if (n_threads < 1) throw error(errc::invalid_argument, fmt::format("{}: n_threads = 0 must be >= 1", f));
  auto levels = std::make_shared<string_dictionary>();
  for (std::size_t t = 0; t < names.size(); ++t) {
    if (names[t].empty()) throw error(errc::invalid_argument, fmt::format("{}: territory {} has an empty name", f, t));
    if (levels->insert(names[t]) != static_cast<std::int32_t>(t))
      throw error(errc::invalid_argument, fmt::format("{}: territory name '{}' is repeated", f, names[t]));
  }
  const detail::located_customers at = detail::locate_customers(customers, f, report);
  std::vector<std::int32_t> code(customers.size(), -1);
  std::vector<std::uint8_t> open(at.row.size(), 1);  // located customers without a territory yet
  for (std::size_t t = 0; t < territories.size(); ++t) {
    const std::vector<std::uint8_t> inside = territories[t].contains(at.lon, at.lat, n_threads);
    for (std::size_t j = 0; j < at.row.size(); ++j)
      if (open[j] != 0 && inside[j] != 0) {
        code[at.row[j]] = static_cast<std::int32_t>(t);
        open[j] = 0;
      }
  }
  customer_table out = customer_table::from_ids(customers.shared_ids());
  out.set_category_column("territory", categorical_column{column<std::int32_t>::owned(std::move(code)), levels});
  return out;
}

CRMKIT_FUNC density_grid customer_density(const customer_table& customers, std::string_view value_column,
                                          const density_grid_options& options) {
  if (!customers.has_locations())
    throw error(errc::not_found, "customer_density: the dataset has no customer locations");
  std::span<const double> values;
  if (!value_column.empty()) values = customers.float64(value_column);
  return grid_density(customers.longitude(), customers.latitude(), values, options);
}

CRMKIT_END_NAMESPACE
