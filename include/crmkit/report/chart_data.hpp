/// @file crmkit/report/chart_data.hpp
/// The data behind every chart of crmkit's customer report (`crmkit report`), as small
/// named tables a host can draw with its own toolkit: revenue by month, the Lorenz curve,
/// the RFM heat map, cluster profiles, the churn model card, P(alive) by frequency and
/// recency, risk against value, lifecycle stage counts and flow, territories.
///
/// `#include <crmkit/report/chart_data.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::report_data r = crmkit::build_report(data, as_of, config, &ingest);
/// for (const crmkit::chart_data& c : r.charts)
///   write_file(c.name + ".csv", crmkit::to_csv(c));   // or draw c.columns yourself
/// @endcode
///
/// Every chart is a table: equally long columns, each either numbers (NaN = missing) or
/// labels. `kind` says how crmkit's own renderer draws it (the HTML report of the command
/// line) and `x`, `y`, `value` name the columns it plots:
/// | kind | drawn as |
/// |---|---|
/// | `line` | x (labels or numbers) against each y column |
/// | `bar` | one bar per row: x labels, first y column |
/// | `stacked` | x labels, the y columns stacked (lifecycle stage counts) |
/// | `heatmap` | x labels by y labels, cells coloured by `value` |
/// | `scatter` | x against the first y column, one point per row |
/// | `table` | a table of all columns |
///
/// Everything is deterministic: rows are ordered by label, level, code or customer id,
/// never by input order. Memory: a few numbers per chart row; the customer table holds
/// the per-customer scores (see crmkit/scoring/score_customers.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/core/dataset.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/lifecycle/replay.hpp"
#include "crmkit/scoring/score_config.hpp"
#include "crmkit/scoring/score_customers.hpp"

CRMKIT_BEGIN_NAMESPACE

/// One column of a chart table: numbers or labels (see the file comment).
struct chart_column {
  std::string name;
  bool is_label = false;
  std::vector<double> values;       ///< numbers (NaN = missing); empty when is_label
  std::vector<std::string> labels;  ///< labels; empty unless is_label
  [[nodiscard]] std::size_t size() const noexcept { return is_label ? labels.size() : values.size(); }
};

/// One chart's data (see the file comment).
struct chart_data {
  std::string name;     ///< file stem, unique within a report: "revenue_by_month"
  std::string section;  ///< "overview", "value", "rfm", "clusters", "churn", "lifecycle", "geo"
  std::string title;    ///< a one-line caption
  std::string kind;     ///< "line", "bar", "stacked", "heatmap", "scatter", "table"
  std::string x;               ///< the x column (heatmap: columns of the grid)
  std::vector<std::string> y;  ///< the y column(s) (heatmap: the one row-label column)
  std::string value;           ///< heatmap cell colour column
  std::vector<chart_column> columns;
  /// Number of rows (all columns have this length).
  [[nodiscard]] std::size_t rows() const noexcept { return columns.empty() ? 0 : columns.front().size(); }
  /// The column `name`, or nullptr.
  [[nodiscard]] CRMKIT_FUNC const chart_column* find(std::string_view column_name) const noexcept;
};

/// Orders, revenue and buying customers per calendar month (UTC) of the transactions at or
/// before `as_of`; x "month" (YYYY-MM). Months without orders between the first and the
/// last appear with zeros.
[[nodiscard]] CRMKIT_FUNC chart_data revenue_by_month(const transaction_log& log, std::int64_t as_of);

/// Headline numbers ("metric", "value" table): customers, active customers, orders, revenue,
/// first and last order (Unix days), rows read and dropped by the reader (when `ingest`).
[[nodiscard]] CRMKIT_FUNC chart_data overview_numbers(const dataset& data, const customer_table& table,
                                                      const score_report& score, const ingest_report* ingest);

/// Rows the reader dropped, counted by reason ("reason", "rows"); empty without drops.
[[nodiscard]] CRMKIT_FUNC chart_data ingest_drops(const ingest_report& ingest);

/// The Lorenz curve of customer revenue (`monetary`, negative net revenue counted as 0):
/// "customer_share" against "revenue_share", `points` evenly spaced (>= 2), highest
/// customers last (the classic convex curve).
[[nodiscard]] CRMKIT_FUNC chart_data lorenz_curve(const customer_table& table, std::size_t points = 101);

/// Gini, the share of the top 20%, the share of customers making 80% ("metric", "value").
[[nodiscard]] CRMKIT_FUNC chart_data value_concentration(const customer_table& table);

/// Customers and revenue per ABC class (the table's `abc` column).
[[nodiscard]] CRMKIT_FUNC chart_data abc_counts(const customer_table& table);

/// The `n` customers with the highest revenue (revenue_rank 1..n): id, orders, monetary,
/// segment, p_alive, clv (those present).
[[nodiscard]] CRMKIT_FUNC chart_data top_customers(const customer_table& table, std::size_t n = 20);

/// Recency score (x) by frequency score (y) grid: customers and mean monetary per cell.
[[nodiscard]] CRMKIT_FUNC chart_data rfm_heatmap(const customer_table& table);

/// Customers, revenue and revenue share per RFM segment (levels in dictionary order).
[[nodiscard]] CRMKIT_FUNC chart_data segment_summary(const customer_table& table);

/// Per k-means cluster: customers and mean recency_days, orders, monetary, p_alive.
[[nodiscard]] CRMKIT_FUNC chart_data cluster_profiles(const customer_table& table);

/// The churn model card ("parameter", "value" table): model, status, log-likelihood, the
/// fitted parameters, the spend model's.
[[nodiscard]] CRMKIT_FUNC chart_data churn_model_card(const score_report& score);

/// Mean P(alive) by recency (x, `recency_bins` equal-width bins of recency_days) and
/// orders (y: 1, 2, ..., `max_orders`+) over customers with p_alive.
[[nodiscard]] CRMKIT_FUNC chart_data alive_heatmap(const customer_table& table, std::size_t recency_bins = 10,
                                                   std::int64_t max_orders = 10);

/// One point per customer (at most `max_points`, every k-th by id when more): churn risk
/// 1 - p_alive (x) against value (clv when present, else monetary).
[[nodiscard]] CRMKIT_FUNC chart_data risk_value_points(const customer_table& table, std::size_t max_points = 2000);

/// Stage counts at each replay step: x "period" (YYYY-MM-DD), one column per stage.
[[nodiscard]] CRMKIT_FUNC chart_data lifecycle_stage_counts(const replay_result& replay);

/// Stage-to-stage hops over the whole replay ("from", "to", "hops"), non-zero only.
[[nodiscard]] CRMKIT_FUNC chart_data lifecycle_flow(const replay_result& replay);

/// Customers and revenue per territory ("(none)" for located customers in none).
/// Empty (no rows) without a `territory` column.
[[nodiscard]] CRMKIT_FUNC chart_data territory_summary(const customer_table& table);

/// Located customers: lon, lat, territory (at most `max_points`, every k-th when more).
[[nodiscard]] CRMKIT_FUNC chart_data customer_map(const customer_table& table, std::size_t max_points = 5000);

/// A whole report's inputs and charts.
struct report_data {
  std::int64_t as_of = 0;
  customer_table table;         ///< score_customers()'s table
  score_report score;           ///< what it fitted
  std::optional<replay_result> lifecycle;  ///< monthly default-model replay (none when config.lifecycle is false)
  std::vector<chart_data> charts;  ///< in report order, sections as in chart_data::section
};

/// Scores `data` at `as_of`, replays the default lifecycle model monthly from the first
/// order's month to as_of, and computes every chart above (geo ones only with locations).
/// @throws crmkit::error as score_customers().
[[nodiscard]] CRMKIT_FUNC report_data build_report(const dataset& data, std::int64_t as_of,
                                                   const score_config& config = {},
                                                   const ingest_report* ingest = nullptr);

/// The chart as CSV: a header of column names, then one line per row (RFC 4180 quoting;
/// numbers in shortest round-trip form; missing numbers empty).
[[nodiscard]] CRMKIT_FUNC std::string to_csv(const chart_data& chart);

/// The chart as one JSON object: name, section, title, kind, x, y, value, and "columns"
/// {name: [values]} (missing numbers null).
[[nodiscard]] CRMKIT_FUNC std::string to_json(const chart_data& chart);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/report/chart_data_impl.hpp"
#endif
