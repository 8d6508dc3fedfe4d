/// @file crmkit/planning/territory_balance.hpp
/// Territory balancing: assign customers to sales reps so that each rep's workload (visits
/// x service time + estimated travel) and value (a customer-table column, e.g. `clv`) are
/// within stated tolerances of the rep's fair share, territories stay compact (spatially
/// contiguous as far as the data allows) and few customers move from today's assignment.
/// Reports every rep before and after.
///
/// `#include <crmkit/planning/territory_balance.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::territory_reps reps;
/// reps.names = {"ana", "ben", "eva"};
/// reps.home_lon = {2.30, 2.45, 2.38}; reps.home_lat = {48.85, 48.90, 48.80};
/// crmkit::territory_columns cols;            // value "clv", today's rep "rep"
/// cols.visits = "visits"; cols.service_min = "service_min";
/// crmkit::territory_balance_options o;       // +-10 % workload and value
/// o.max_moves = 50;                          // at most 50 customers change rep
/// crmkit::territory_balance_result r = crmkit::balance_territories(table, reps, cols, o);
/// r.assignment.category("rep");              // the new rep per customer
/// for (const auto& s : r.reps) std::printf("%s %.0f -> %.0f min\n", s.rep.c_str(), s.workload_before, s.workload_after);
/// @endcode
///
/// ## Model (units: minutes per planning period, the host's value unit)
/// - Customer i has a location (required), `visits_i` visits per period (column or
///   `default_visits`), `service_i` minutes per visit (column or `default_service_min`)
///   and a value v_i (column; missing or NaN is an error naming the customer).
/// - Travel estimate: t_ir = visits_i x travel_factor x d(home_r, i) / speed_kmh (in
///   minutes), d the great-circle distance (crmkit/geo/sphere.hpp). travel_factor = 2
///   (default) charges a round trip per visit: an upper bound of a route that chains
///   visits; lower it for dense territories.
/// - Workload of rep r: W_r = sum over its customers of visits_i x service_i + t_ir; value
///   V_r = sum of v_i.
/// - Fair share: rep r's target is c_r / sum(c) of the total (c = `capacity`, default 1 per
///   rep; a half-time rep has 0.5). Relative deviation dev_r = W_r / target_r - 1 (same for
///   V); rep r is within tolerance when |dev| <= tolerance for workload and value. With a
///   total of 0 (no value column values, say) the criterion is not balanced (dev 0).
///
/// ## Objective (minimised)
///   J = balance_weight x n x sum_r [q(e_W,r) + q(e_V,r)]
///     + travel_weight x sum_i t_i,rep(i) / t_bar
///     + cut_weight x (kNN edges between customers of different reps)
///     + move_penalty x (customers whose rep differs from today's)
/// with e = max(0, |dev| - tolerance) the excess over the tolerance, q(e) = e + e^2 (the
/// linear part makes any excess cost more than typical moves, the square lets an overloaded
/// rep pass customers along a chain of neighbours), t_bar the mean over customers of the
/// smallest t_ir (1 if 0). The kNN graph joins each customer to its `n_neighbors` nearest
/// customers (symmetrised); cut edges are the compactness term: a customer surrounded by
/// another rep's customers costs up to n_neighbors x cut_weight, so territories stay in
/// one piece unless the balance needs otherwise. `fragments` in the report counts the
/// connected pieces of each territory in that graph.
///
/// ## Algorithm (deterministic; no random numbers)
/// Start: today's rep (the category column `current_rep`, whose levels are rep names);
/// customers without one go to the rep with the nearest home (they do not count as moved).
/// Then passes of a transfer-and-swap local search, customers visited in the byte order of
/// their ids (so the result does not depend on the order of the input rows): per customer
/// the best transfer to any other rep, then per kNN edge between two reps the swap of its
/// two customers, each applied when it lowers J (by more than 1e-12 x (1 + |J|)). Targets
/// are recomputed at the start of each pass (travel changes the total). A change that would
/// make more than `max_moves` customers differ from today's rep is not made (moving a
/// customer back is always allowed), so `max_moves` = 0 keeps today's assignment. Stops
/// after a pass without change or `max_iter` passes. Ties go to the lower rep index.
///
/// A local search: tolerances are met when single transfers and swaps can reach them;
/// `within_tolerance` says whether they were, and the per-rep deviations show by how much.
///
/// Memory: n x reps doubles of distances (8 n k bytes), the kNN graph (about 8 n x
/// n_neighbors x 2 bytes), a geo_index over the customers during its build (about 60
/// bytes per customer) and the result table (about 40 bytes per customer).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/core/option_table.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The reps (or territories) to balance: names (the levels of the assignment column),
/// home or office locations (degrees; required) and capacity shares.
struct territory_reps {
  std::vector<std::string> names;     ///< unique, non-empty
  std::vector<double> home_lon, home_lat;  ///< degrees, one per rep
  std::vector<double> capacity;       ///< share weights > 0; empty: 1 each
};

/// Which customer-table columns the balancing reads.
struct territory_columns {
  std::string value = "clv";          ///< float64/int64 column of the value balanced
  std::string visits;                 ///< visits per period (float64/int64); "": default_visits
  std::string service_min;            ///< minutes per visit (float64/int64); "": default_service_min
  std::string current_rep = "rep";    ///< category column of today's rep (levels = rep names); "": none
  std::string lon, lat;               ///< float64 location columns (degrees); "" (default): the table's locations
};

/// Settings of balance_territories (see the file comment for the objective).
struct territory_balance_options {
  double workload_tolerance = 0.10;   ///< |W_r / target - 1| allowed
  double value_tolerance = 0.10;      ///< |V_r / target - 1| allowed
  double speed_kmh = 40.0;            ///< travel speed of the estimate
  double travel_factor = 2.0;         ///< distance travelled per visit / home-customer distance
  double default_service_min = 30.0;  ///< minutes per visit without a service column
  double default_visits = 1.0;        ///< visits per period without a visits column
  double balance_weight = 1000.0;     ///< weight of the excess over the tolerances (x n)
  double travel_weight = 1.0;         ///< weight of travel in units of t_bar
  double cut_weight = 2.0;            ///< weight of a kNN edge between two territories
  double move_penalty = 1.0;          ///< cost of a customer changing rep
  std::int64_t max_moves = -1;        ///< most customers that may change rep; -1: no limit
  std::int64_t n_neighbors = 6;       ///< kNN graph degree for compactness
  std::int64_t max_iter = 100;        ///< passes of the local search
};

/// The description of territory_balance_options from which the C ABI
/// (`crmkit_balance_set_int`, ..., keys `CRMKIT_BALANCE_<NAME>`) and the Python keywords
/// derive (crmkit/core/option_table.hpp).
template <>
struct option_table<territory_balance_options> {
  static constexpr std::string_view c_prefix = "CRMKIT_BALANCE_";
  static constexpr std::array<option_spec<territory_balance_options>, 13> entries{{
      CRMKIT_OPTION(territory_balance_options, 1, max_moves, integer, -1, option_int_limit,
                    "most customers that may change rep; -1: no limit"),
      CRMKIT_OPTION(territory_balance_options, 2, n_neighbors, integer, 1, 100, "kNN graph degree"),
      CRMKIT_OPTION(territory_balance_options, 3, max_iter, integer, 0, option_int_limit, "local-search passes"),
      CRMKIT_OPTION(territory_balance_options, 101, workload_tolerance, real, 0, option_finite,
                    "allowed relative workload deviation"),
      CRMKIT_OPTION(territory_balance_options, 102, value_tolerance, real, 0, option_finite,
                    "allowed relative value deviation"),
      CRMKIT_OPTION(territory_balance_options, 103, speed_kmh, real, option_positive, option_finite, "travel speed, km/h"),
      CRMKIT_OPTION(territory_balance_options, 104, travel_factor, real, 0, option_finite,
                    "distance per visit / home distance"),
      CRMKIT_OPTION(territory_balance_options, 105, default_service_min, real, 0, option_finite,
                    "minutes per visit without a column"),
      CRMKIT_OPTION(territory_balance_options, 106, default_visits, real, 0, option_finite,
                    "visits per period without a column"),
      CRMKIT_OPTION(territory_balance_options, 107, balance_weight, real, 0, option_finite, "weight of tolerance excess"),
      CRMKIT_OPTION(territory_balance_options, 108, travel_weight, real, 0, option_finite, "weight of travel"),
      CRMKIT_OPTION(territory_balance_options, 109, cut_weight, real, 0, option_finite, "weight of a cut kNN edge"),
      CRMKIT_OPTION(territory_balance_options, 110, move_penalty, real, 0, option_finite, "cost of a moved customer"),
  }};
};

/// One rep before (today's assignment; customers without a rep left out) and after.
struct territory_rep_report {
  std::string rep;
  std::size_t customers_before = 0, customers_after = 0;
  double workload_before = 0, workload_after = 0;  ///< minutes per period
  double value_before = 0, value_after = 0;
  double workload_deviation_before = 0, workload_deviation_after = 0;  ///< W_r / target - 1
  double value_deviation_before = 0, value_deviation_after = 0;        ///< V_r / target - 1
  std::size_t moved_in = 0, moved_out = 0;   ///< customers gained from / lost to other reps
  std::size_t fragments_before = 0, fragments_after = 0;  ///< connected pieces in the kNN graph
};

/// The result of balance_territories.
struct territory_balance_result {
  /// Per customer (the input's ids): `rep` (category, levels = rep names), `previous_rep`
  /// (category; missing when the customer had none), `moved` (int64 0/1: has a previous
  /// rep and it differs), `distance_km` (to the new rep's home), `workload_min` (visits x
  /// service + travel under the new rep).
  customer_table assignment;
  std::vector<territory_rep_report> reps;  ///< in the reps' order
  std::size_t n_moved = 0;                 ///< customers whose rep changed
  std::size_t n_unassigned_before = 0;     ///< customers without a rep today
  double max_workload_deviation_before = 0, max_workload_deviation_after = 0;  ///< max |dev|
  double max_value_deviation_before = 0, max_value_deviation_after = 0;        ///< max |dev|
  bool within_tolerance_before = false, within_tolerance_after = false;  ///< every rep, both criteria
  std::size_t cut_edges_before = 0, cut_edges_after = 0;  ///< kNN edges between territories
  double objective_before = 0, objective_after = 0;      ///< J (start point, incl. nearest-home fill)
  std::int64_t passes = 0;                               ///< local-search passes run
};

/// Balances the territories (see the file comment).
/// @param customers the customer table: locations and the columns named in `columns`.
/// @throws crmkit::error (invalid_argument) naming the customer or rep: a customer without
///         a location or with a missing/NaN/infinite value, visits or service, negative
///         visits or service; a rep without a home (NaN), a duplicate or empty rep name, a
///         capacity <= 0; today's rep naming a level that is no rep; a missing column or one
///         of the wrong type; no reps; options out of range.
[[nodiscard]] CRMKIT_FUNC territory_balance_result balance_territories(const customer_table& customers,
                                                                       const territory_reps& reps,
                                                                       const territory_columns& columns,
                                                                       const territory_balance_options& options = {});

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/planning/territory_balance_impl.hpp"
#endif
