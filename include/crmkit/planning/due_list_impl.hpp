// Definitions for crmkit/planning/due_list.hpp. Included by that header in header-only mode
// and by src/planning/due_list.cpp otherwise.
// IWYU pragma: private, include "crmkit/planning/due_list.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/planning/due_list.hpp"
#include "crmkit/scoring/audience.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail::due {

inline const table_column& need(const customer_table& t, const std::string& name, const char* role) {
  const table_column* c = t.find_column(name);
  if (c == nullptr)
    throw error(errc::invalid_argument,
                fmt::format("due_list: the customer table has no column '{}' ({})", name, role));
  return *c;
}

inline std::vector<double> numeric(const customer_table& t, const std::string& name, const char* role) {
  const table_column& c = need(t, name, role);
  if (c.type != column_type::float64 && c.type != column_type::int64)
    throw error(errc::invalid_argument, fmt::format("due_list: column '{}' ({}) is {}, expected float64 or int64",
                                                    name, role, to_string(c.type)));
  std::vector<double> v(t.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = c.as_double(i);
  return v;
}

inline const categorical_column& category(const customer_table& t, const std::string& name, const char* role) {
  const table_column& c = need(t, name, role);
  if (c.type != column_type::category)
    throw error(errc::invalid_argument,
                fmt::format("due_list: column '{}' ({}) is {}, expected category", name, role, to_string(c.type)));
  return c.category;
}

}  // namespace detail::due

CRMKIT_FUNC customer_table due_list(const customer_table& table, std::int64_t as_of, const due_list_options& o) {
  using namespace detail::due;
  const std::size_t n = table.size();
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  if (!(o.horizon_days >= 0) || !std::isfinite(o.horizon_days))
    throw error(errc::invalid_argument, fmt::format("due_list: horizon_days is {}, expected a finite number >= 0", o.horizon_days));
  if (!(o.default_interval_days >= 0) || !std::isfinite(o.default_interval_days))
    throw error(errc::invalid_argument,
                fmt::format("due_list: default_interval_days is {}, expected a finite number >= 0", o.default_interval_days));
  // priority
  std::vector<double> priority;
  if (!o.priority_rules.empty()) {
    // the guard language through select_customers (no copy of the evaluator)
    std::vector<double> sum(n, 0.0);
    for (std::size_t k = 0; k < o.priority_rules.size(); ++k) {
      const auto& [condition, weight] = o.priority_rules[k];
      if (!std::isfinite(weight))
        throw error(errc::invalid_argument,
                    fmt::format("due_list: priority rule {} \"{}\": the weight is {}, not a finite number", k + 1,
                                condition, weight));
      std::vector<std::int32_t> rows;
      try {
        rows = select_customers(table, condition);
      } catch (const error& e) {
        throw error(errc::invalid_argument, fmt::format("due_list: priority rule {}: {}", k + 1, e.what()));
      }
      for (std::int32_t row : rows) sum[static_cast<std::size_t>(row)] += weight;
    }
    priority = std::move(sum);
    if (!o.priority_column.empty()) {
      const auto base = numeric(table, o.priority_column, "priority, multiplied by the priority rules");
      for (std::size_t i = 0; i < n; ++i) priority[i] *= base[i];
    }
  } else if (o.priority_column.empty()) {
    const auto clv = numeric(table, "clv", "customer lifetime value for the default priority clv x (1 - p_alive)");
    const auto alive = numeric(table, "p_alive", "probability alive for the default priority clv x (1 - p_alive)");
    priority.resize(n);
    for (std::size_t i = 0; i < n; ++i) priority[i] = clv[i] * (1.0 - alive[i]);
  } else {
    priority = numeric(table, o.priority_column, "priority");
  }
  // interval per customer
  std::vector<double> interval(n, o.default_interval_days > 0 ? o.default_interval_days : nan);
  for (const auto& [level, days] : o.cadence)
    if (!(days > 0) || !std::isfinite(days))
      throw error(errc::invalid_argument,
                  fmt::format("due_list: the cadence of class '{}' is {} days, expected a finite number > 0", level, days));
  if (!o.class_column.empty()) {
    const categorical_column& cls = category(table, o.class_column, "class");
    std::vector<double> by_code(cls.levels ? cls.levels->size() : 0, nan);
    for (std::size_t k = 0; k < by_code.size(); ++k)
      if (o.default_interval_days > 0) by_code[k] = o.default_interval_days;
    for (const auto& [level, days] : o.cadence) {
      const std::int32_t code = cls.levels ? cls.levels->find(level) : -1;
      if (code < 0)
        throw error(errc::invalid_argument,
                    fmt::format("due_list: the cadence names class '{}', which column '{}' does not have", level,
                                o.class_column));
      by_code[static_cast<std::size_t>(code)] = days;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::int32_t code = cls.codes[i];
      interval[i] = code < 0 ? (o.default_interval_days > 0 ? o.default_interval_days : nan)
                             : by_code[static_cast<std::size_t>(code)];
    }
  } else if (!o.cadence.empty()) {
    throw error(errc::invalid_argument, "due_list: cadence rules by class need a class_column");
  }
  // last visit
  const table_column& last = need(table, o.last_visit_column, "last visit");
  if (last.type != column_type::time)
    throw error(errc::invalid_argument, fmt::format("due_list: column '{}' (last visit) is {}, expected time",
                                                    o.last_visit_column, to_string(last.type)));
  const categorical_column* rep = o.rep_column.empty() ? nullptr : &category(table, o.rep_column, "rep");

  std::vector<std::int64_t> next_due(n, missing_int64), due(n, 0), rank(n, missing_int64);
  std::vector<double> overdue(n, nan), urgency(n, nan);
  const double horizon_s = o.horizon_days * 86400.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(interval[i])) continue;
    const double p = std::isnan(priority[i]) ? 0.0 : priority[i];
    if (last.int64[i] == missing_int64) {
      due[i] = 1;
      urgency[i] = 2.0 * p;
      continue;
    }
    const double nd = static_cast<double>(last.int64[i]) + interval[i] * 86400.0;
    next_due[i] = static_cast<std::int64_t>(std::llround(nd));
    overdue[i] = (static_cast<double>(as_of) - nd) / 86400.0;
    due[i] = nd <= static_cast<double>(as_of) + horizon_s ? 1 : 0;
    urgency[i] = p * (1.0 + std::max(0.0, overdue[i]) / interval[i]);
  }
  // rank within rep
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < n; ++i)
    if (due[i]) order.push_back(i);
  auto rep_of = [&](std::size_t i) { return rep ? rep->codes[i] : 0; };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (rep_of(a) != rep_of(b)) return rep_of(a) < rep_of(b);
    return urgency[a] > urgency[b];
  });
  std::int64_t k = 0;
  for (std::size_t j = 0; j < order.size(); ++j) {
    k = j > 0 && rep_of(order[j]) == rep_of(order[j - 1]) ? k + 1 : 1;
    rank[order[j]] = k;
  }
  customer_table out = customer_table::from_ids(table.shared_ids());
  out.set_column("priority", column<double>::owned(std::move(priority)));
  out.set_column("interval_days", column<double>::owned(std::move(interval)));
  out.set_time_column("next_due", column<std::int64_t>::owned(std::move(next_due)));
  out.set_column("days_overdue", column<double>::owned(std::move(overdue)));
  out.set_int64_column("due", column<std::int64_t>::owned(std::move(due)));
  out.set_column("urgency", column<double>::owned(std::move(urgency)));
  out.set_int64_column("rank", column<std::int64_t>::owned(std::move(rank)));
  if (rep != nullptr) out.set_category_column("rep", *rep);
  return out;
}

CRMKIT_END_NAMESPACE
