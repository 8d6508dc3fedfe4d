// Definitions for crmkit/planning/cost_to_serve.hpp. Included by that header in header-only
// mode and by src/planning/cost_to_serve.cpp otherwise.
// IWYU pragma: private, include "crmkit/planning/cost_to_serve.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/planning/cost_to_serve.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC customer_table cost_to_serve(const customer_table& table, const vrp_problem& problem,
                                         const vrp_options& options, const vrp_result& plan,
                                         const cost_to_serve_options& costs) {
  auto bad = [](const std::string& message) { throw error(errc::invalid_argument, "cost_to_serve: " + message); };
  const std::size_t n = problem.demand.size();
  if (!(costs.periods > 0) || !std::isfinite(costs.periods))
    bad(fmt::format("periods is {}, expected a finite number > 0", costs.periods));
  if (!(costs.cost_per_time >= 0) || !std::isfinite(costs.cost_per_time))
    bad(fmt::format("cost_per_time is {}, expected a finite number >= 0", costs.cost_per_time));
  if (!(costs.cost_per_distance >= 0) || !std::isfinite(costs.cost_per_distance))
    bad(fmt::format("cost_per_distance is {}, expected a finite number >= 0", costs.cost_per_distance));
  if (table.size() != n)
    bad(fmt::format("the table has {} customers, the problem {} (row i must be customer i)", table.size(), n));
  if (plan.routes.size() != problem.capacity.size())
    bad(fmt::format("the plan has {} routes, the problem {} vehicles", plan.routes.size(), problem.capacity.size()));
  if (plan.arrival.size() != n || plan.start.size() != n)
    bad(fmt::format("the plan has times for {} customers, the problem has {}", plan.arrival.size(), n));
  const table_column* margin_col = table.find_column(costs.margin_column);
  if (margin_col == nullptr) bad(fmt::format("the customer table has no column '{}' (margin)", costs.margin_column));
  if (margin_col->type != column_type::float64 && margin_col->type != column_type::int64)
    bad(fmt::format("column '{}' (margin) is {}, expected float64 or int64", costs.margin_column,
                    to_string(margin_col->type)));
  const vrp_travel tr = vrp_build_travel(problem, options);
  std::vector<double> visits(n, 0), travel_time(n, 0), travel_distance(n, 0), visit_time(n, 0);
  std::vector<double> saving_t, saving_d;
  std::vector<std::size_t> loc;
  for (std::size_t v = 0; v < plan.routes.size(); ++v) {
    const auto& route = plan.routes[v];
    if (route.empty()) continue;
    const std::size_t k = route.size();
    loc.assign(k + 2, 0);
    loc[0] = n + static_cast<std::size_t>(problem.start_depot[v]);
    loc[k + 1] = n + static_cast<std::size_t>(problem.end_depot[v]);
    for (std::size_t i = 0; i < k; ++i) {
      if (route[i] < 0 || static_cast<std::size_t>(route[i]) >= n)
        bad(fmt::format("vehicle {}: customer {} is not in [0, {})", v, route[i], n));
      loc[i + 1] = static_cast<std::size_t>(route[i]);
    }
    double total_t = 0, total_d = 0, sum_t = 0, sum_d = 0;
    for (std::size_t i = 0; i + 1 < loc.size(); ++i) {
      total_t += tr.t(loc[i], loc[i + 1]);
      total_d += tr.d(loc[i], loc[i + 1]);
    }
    saving_t.assign(k, 0);
    saving_d.assign(k, 0);
    for (std::size_t i = 1; i <= k; ++i) {
      saving_t[i - 1] = std::max(0.0, tr.t(loc[i - 1], loc[i]) + tr.t(loc[i], loc[i + 1]) - tr.t(loc[i - 1], loc[i + 1]));
      saving_d[i - 1] = std::max(0.0, tr.d(loc[i - 1], loc[i]) + tr.d(loc[i], loc[i + 1]) - tr.d(loc[i - 1], loc[i + 1]));
      sum_t += saving_t[i - 1];
      sum_d += saving_d[i - 1];
    }
    const double kd = static_cast<double>(k);
    for (std::size_t i = 0; i < k; ++i) {
      const std::size_t c = loc[i + 1];
      visits[c] += 1;
      travel_time[c] += sum_t > 0 ? total_t * saving_t[i] / sum_t : total_t / kd;
      travel_distance[c] += sum_d > 0 ? total_d * saving_d[i] / sum_d : total_d / kd;
      const double wait = std::isfinite(plan.start[c]) && std::isfinite(plan.arrival[c])
                              ? std::max(0.0, plan.start[c] - plan.arrival[c])
                              : 0.0;
      visit_time[c] += problem.service[c] + wait;
    }
  }
  std::vector<double> cost(n), profit(n);
  for (std::size_t c = 0; c < n; ++c) {
    visits[c] /= costs.periods;
    travel_time[c] /= costs.periods;
    travel_distance[c] /= costs.periods;
    visit_time[c] /= costs.periods;
    cost[c] = costs.cost_per_time * (travel_time[c] + visit_time[c]) + costs.cost_per_distance * travel_distance[c];
    profit[c] = margin_col->as_double(c) - cost[c];
  }
  customer_table out = customer_table::from_ids(table.shared_ids());
  out.set_column("visits", column<double>::owned(std::move(visits)));
  out.set_column("travel_time", column<double>::owned(std::move(travel_time)));
  out.set_column("travel_distance", column<double>::owned(std::move(travel_distance)));
  out.set_column("visit_time", column<double>::owned(std::move(visit_time)));
  out.set_column("cost_to_serve", column<double>::owned(std::move(cost)));
  out.set_column("profitability", column<double>::owned(std::move(profit)));
  return out;
}

CRMKIT_END_NAMESPACE
