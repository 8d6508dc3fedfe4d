/// @file crmkit/planning/cost_to_serve.hpp
/// Cost to serve and profitability per customer from a route plan: the travel and visit
/// time each customer costs per period and its margin minus that cost, as customer-table
/// columns.
///
/// `#include <crmkit/planning/cost_to_serve.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::vrp_result plan = crmkit::solve_vrptw(problem, options);   // a week of routes
/// crmkit::cost_to_serve_options c;
/// c.periods = 1;                        // the plan covers one period (a week)
/// c.cost_per_time = 40.0 / 3600;        // 40 per hour of rep time (times in seconds)
/// c.cost_per_distance = 0.30 / 1000;    // 0.30 per km (distances in metres)
/// crmkit::customer_table t = crmkit::cost_to_serve(table, problem, options, plan, c);
/// t.float64("profitability");           // margin - cost_to_serve, per week
/// @endcode
///
/// Attribution rule (insertion-cost share): the travel of a route (start depot, visits, end
/// depot) is shared among its visits in proportion to each visit's removal saving
/// s_i = t(prev, i) + t(i, next) - t(prev, next) (what the route would save without the
/// visit, floored at 0); equal shares when every saving is 0. Travel time and distance are
/// shared separately, each by its own savings. The visit time of a customer is its service
/// time plus its waiting (service start - arrival); breaks are not attributed. A customer
/// visited k times in the plan (a multi-day plan, crmkit/planning/multi_day.hpp, visits a
/// customer at most once; several plans can be added by the host) costs the sum.
///
/// Columns of the returned table (same ids as `table`, row i = customer i of the problem),
/// all per period, i.e. divided by `periods`:
/// - `visits`: visits in the plan;
/// - `travel_time`, `visit_time`: in the time unit of the travel times (seconds for the
///   sphere and wgs84 metrics, the host's unit for a matrix);
/// - `travel_distance`: in the distance unit (metres on the Earth);
/// - `cost_to_serve` = cost_per_time x (travel_time + visit_time) + cost_per_distance x
///   travel_distance, in the host's money unit (the unit of the rates);
/// - `profitability` = margin - cost_to_serve, in the same money unit per period (the
///   margin column must hold margin per period in that unit; NaN margin gives NaN).
/// A customer not on any route costs 0 and keeps its margin as profitability.
///
/// Memory: the travel matrices (vrp_build_travel, 16 N^2 bytes) and 6 columns of 8 bytes
/// per customer.
#pragma once

#include <string>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/planning/vrptw.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Rates and the period of cost_to_serve.
struct cost_to_serve_options {
  double periods = 1;              ///< the plan covers this many periods (> 0); results are per period
  double cost_per_time = 0;        ///< money per time unit of travel and visit time (>= 0)
  double cost_per_distance = 0;    ///< money per distance unit (>= 0)
  std::string margin_column = "margin";  ///< float64/int64 column: margin per period, money unit
};

/// Cost to serve and profitability (see the file comment). `problem` and `options` are the
/// ones the plan was solved with (for a multi-day plan: the expanded problem,
/// multi_day_expand); `plan.routes` has one route per vehicle of `problem`.
/// @throws crmkit::error (invalid_argument: the table's size is not the problem's number of
///         customers, the plan does not match the problem (vehicle count, a customer out of
///         range), a missing or non-numeric margin column (named), periods <= 0, a negative
///         or non-finite rate; and the errors of vrp_build_travel).
[[nodiscard]] CRMKIT_FUNC customer_table cost_to_serve(const customer_table& table, const vrp_problem& problem,
                                                       const vrp_options& options, const vrp_result& plan,
                                                       const cost_to_serve_options& costs);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/planning/cost_to_serve_impl.hpp"
#endif
