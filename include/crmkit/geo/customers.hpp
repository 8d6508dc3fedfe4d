/// @file crmkit/geo/customers.hpp
/// Geo over a dataset's customers: the nearest reps, a capacity-limited rep assignment and
/// the territory of every customer, from the customer table's locations, as customer
/// tables keyed by customer id (crmkit/core/customer_table.hpp). The index itself comes
/// from `geo_index::from_customers(data.customers())`; density grids from
/// `customer_density`.
///
/// `#include <crmkit/geo/customers.hpp>`
///
/// Thread safety: stateless; safe (the roster and territories are only read).
///
/// @code
/// crmkit::dataset data = crmkit::read_dataset_csv("orders.csv", options);  // with locations
/// crmkit::geo_location_report located;
/// crmkit::customer_table near = crmkit::nearest_reps(reps, data.customers(), 1, {}, 4, &located);
/// auto rep = near.int64("rep");                  // missing_int64: no location, or no rep in range
/// crmkit::customer_table zone = crmkit::customer_territories(data.customers(), areas, names);
/// @endcode
///
/// Customers without a location (NaN longitude and latitude) are handled explicitly: they
/// are never queried, their result cells are missing (int64 missing_int64, category -1,
/// float64 NaN), and `geo_location_report` counts them, so "no location" and "nothing in
/// range" can be told apart. Semantics are those of the per-point functions (reps.hpp,
/// territory.hpp, density.hpp) applied to the located customers. Results do not depend on
/// the thread count (crmkit/core/parallel_for.hpp).
/// Memory: the result table (8 or 4 bytes per customer and column) plus the located
/// customers' coordinates (16 bytes each).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/geo/density.hpp"
#include "crmkit/geo/reps.hpp"
#include "crmkit/geo/territory.hpp"

CRMKIT_BEGIN_NAMESPACE

/// How many customers had a location (the others' results are missing).
struct geo_location_report {
  std::size_t n_customers = 0;
  std::size_t n_located = 0;
  std::size_t n_unlocated = 0;
};

/// The k nearest available, eligible reps of every customer (rep_roster::nearest_available).
/// Columns: for k = 1 `rep` (int64 rep index, missing when none) and `rep_distance_m`
/// (float64, NaN); for k > 1 `rep_0` .. `rep_{k-1}` and `rep_distance_m_0` .. closest first.
/// @throws crmkit::error (not_found) when the table has no locations; (invalid_argument) k < 1,
///         n_threads < 1 or max_distance_m is negative or NaN.
[[nodiscard]] CRMKIT_FUNC customer_table nearest_reps(const rep_roster& reps, const customer_table& customers,
                                                      std::size_t k = 1, const rep_query_options& options = {},
                                                      std::size_t n_threads = 1,
                                                      geo_location_report* report = nullptr);

/// Assigns every located customer to an available rep with at most capacity[rep] customers
/// each (rep_roster::assign: greedy nearest-first). Columns `rep` (int64, missing when
/// unassigned or unlocated) and `rep_distance_m` (float64). `plan`, when given, receives the
/// per-rep load and the number of located customers left unassigned.
/// @throws crmkit::error (invalid_argument) as rep_roster::assign; (not_found) when the table
///         has no locations.
[[nodiscard]] CRMKIT_FUNC customer_table assign_reps(const rep_roster& reps, const customer_table& customers,
                                                     std::span<const std::int32_t> capacity,
                                                     const rep_query_options& options = {},
                                                     rep_assignment* plan = nullptr,
                                                     geo_location_report* report = nullptr);

/// The territory of every customer: category column `territory` whose levels are `names`,
/// the first territory (in the given order) that contains the customer; -1 when none does
/// or the customer has no location.
/// @throws crmkit::error (not_found) when the table has no locations; (invalid_argument) when
///         the counts of territories and names differ, a name is empty or repeated, or n_threads < 1.
[[nodiscard]] CRMKIT_FUNC customer_table customer_territories(const customer_table& customers,
                                                              std::span<const territory> territories,
                                                              std::span<const std::string> names,
                                                              std::size_t n_threads = 1,
                                                              geo_location_report* report = nullptr);

/// A density grid of the customers' locations (grid_density), with the float64 column
/// `value_column` of the table as the values when not empty.
/// @throws crmkit::error (not_found) when the table has no locations or the value column is
///         missing; (invalid_argument) on bad options or a value column that is not float64.
[[nodiscard]] CRMKIT_FUNC density_grid customer_density(const customer_table& customers,
                                                        std::string_view value_column = {},
                                                        const density_grid_options& options = {});

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/geo/customers_impl.hpp"
#endif
