/// @file crmkit/planning/due_list.hpp
/// Visit cadence and due lists: which customers each rep should visit on a date, ranked
/// by the value at stake. Reads the customer table (crmkit/core/customer_table.hpp): a
/// priority per customer (default: expected value at risk, `clv` x (1 - `p_alive`), the
/// columns the churn models append), a class per customer (default: the `abc` category of
/// the Pareto analysis) with a cadence per class (for example A every 14 days, B every
/// 30), the last visit (a time column from the host's records or from detected visits,
/// crmkit/geo/track.hpp) and the rep (a category column).
///
/// `#include <crmkit/planning/due_list.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::due_list_options o;
/// o.cadence = {{"A", 14}, {"B", 30}, {"C", 90}};
/// o.priority_rules = {{"p_alive < 0.5 and clv > 1000", 3}, {"segment == 'Champions'", 1}};
/// crmkit::customer_table due = crmkit::due_list(table, as_of_unix_seconds, o);
/// // due.int64("rank"): 1, 2, ... within each rep among the due customers
/// @endcode
///
/// Semantics, per customer with a cadence (an interval of I > 0 days for its class):
/// - `next_due` = last visit + I days; never visited (missing last visit): due now;
/// - `days_overdue` = (as_of - next_due) / 86400 (NaN when never visited);
/// - `due` = 1 when next_due <= as_of + horizon_days (or never visited), else 0;
/// - `urgency` = priority x (1 + max(0, days_overdue) / I); a never-visited customer counts
///   as overdue by one interval (urgency = 2 x priority); a missing priority counts as 0;
/// - `rank` = 1, 2, ... among the due customers of the same rep by urgency descending
///   (ties: the customer table's row order); missing for customers not due. Customers
///   without a rep (code -1) are ranked together as one group.
/// A customer whose class has no rule and `default_interval_days` = 0 has no cadence:
/// never due, interval NaN.
///
/// Memory: the returned table (7 columns of 8 bytes per customer plus the rep column,
/// shared) and an index per customer while ranking.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Where the due list reads its inputs and the cadence rules.
struct due_list_options {
  /// A float64/int64 column holding the priority; "" (default): `clv` x (1 - `p_alive`).
  std::string priority_column;
  /// Priority rules, (condition, weight) pairs; each condition is a guard-language
  /// expression over the table's columns (crmkit/lifecycle/guard.hpp, evaluated as
  /// select_customers of crmkit/scoring/audience.hpp does: numbers against float64, int64
  /// and time columns, quoted levels against category columns, a missing value satisfies
  /// no comparison). When given, the priority is the sum of the weights of the conditions
  /// a customer satisfies, multiplied by `priority_column` when that is set; the default
  /// clv x (1 - p_alive) applies only when both are empty.
  std::vector<std::pair<std::string, double>> priority_rules;
  std::string class_column = "abc";            ///< category column of the class; "" : every customer in one class
  std::vector<std::pair<std::string, double>> cadence;  ///< class level -> interval days (> 0)
  double default_interval_days = 0;            ///< interval of classes without a rule; 0: none
  std::string last_visit_column = "last_visit";  ///< time column (Unix seconds); missing: never visited
  std::string rep_column = "rep";              ///< category column of the rep; "" : one list
  double horizon_days = 0;                     ///< due within this many days counts as due
};

/// The due list as a customer table with the input table's ids (see the file comment):
/// columns `priority`, `interval_days`, `next_due` (time), `days_overdue`, `due` (int64
/// 0/1), `urgency`, `rank` (int64) and `rep` (the input's rep category, when given).
/// @param as_of the date, Unix seconds UTC.
/// @throws crmkit::error (invalid_argument: a missing column or one of the wrong type, a
///         cadence interval <= 0 or not finite, an unknown class level in the rules, a
///         negative horizon, a priority rule that does not parse, names an unknown column
///         or level, or has a weight that is not finite; the message names the column or
///         rule and, for a parse error, the character position).
[[nodiscard]] CRMKIT_FUNC customer_table due_list(const customer_table& table, std::int64_t as_of,
                                                  const due_list_options& options);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/planning/due_list_impl.hpp"
#endif
