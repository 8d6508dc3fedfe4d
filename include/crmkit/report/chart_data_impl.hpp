// Definitions for crmkit/report/chart_data.hpp. Included by that header in header-only mode
// and by src/report/chart_data.cpp otherwise.
// IWYU pragma: private, include "crmkit/report/chart_data.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/detail/text_fields.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/lifecycle/default_model.hpp"
#include "crmkit/lifecycle/report.hpp"
#include "crmkit/pareto/pareto.hpp"
#include "crmkit/report/chart_data.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

inline constexpr double report_nan = std::numeric_limits<double>::quiet_NaN();

inline chart_column number_column(std::string name, std::vector<double> values) {
  chart_column c;
  c.name = std::move(name);
  c.values = std::move(values);
  return c;
}

inline chart_column label_column(std::string name, std::vector<std::string> labels) {
  chart_column c;
  c.name = std::move(name);
  c.is_label = true;
  c.labels = std::move(labels);
  return c;
}

inline chart_data make_chart(std::string name, std::string section, std::string title, std::string kind) {
  chart_data c;
  c.name = std::move(name);
  c.section = std::move(section);
  c.title = std::move(title);
  c.kind = std::move(kind);
  return c;
}

// A column of the table as doubles (missing = NaN), or all NaN when absent.
inline std::vector<double> report_values(const customer_table& table, std::string_view name) {
  std::vector<double> v(table.size(), report_nan);
  if (const table_column* c = table.find_column(name))
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = c->as_double(i);
  return v;
}

inline std::string category_label(const table_column* c, std::size_t row) {
  if (!c || c->type != column_type::category) return {};
  const std::int32_t code = c->category.codes[row];
  return code < 0 ? std::string() : std::string(c->category.levels->at(code));
}

inline std::string month_label(std::int64_t seconds) {
  const civil_date d = civil_from_days(floor_days(seconds));
  return fmt::format("{:04}-{:02}", d.year, d.month);
}

// Rows of `table` ordered by host id (byte-wise), for deterministic sampling.
inline std::vector<std::int32_t> rows_by_id(const customer_table& table) {
  std::vector<std::int32_t> rows(table.size());
  std::iota(rows.begin(), rows.end(), 0);
  std::sort(rows.begin(), rows.end(), [&](std::int32_t a, std::int32_t b) { return table.id(a) < table.id(b); });
  return rows;
}

inline std::string number_text(double v) { return std::isfinite(v) ? fmt::format("{}", v) : std::string(); }

}  // namespace detail

CRMKIT_FUNC const chart_column* chart_data::find(std::string_view column_name) const noexcept {
  for (const auto& c : columns)
    if (c.name == column_name) return &c;
  return nullptr;
}

CRMKIT_FUNC chart_data revenue_by_month(const transaction_log& log, std::int64_t as_of) {
  using namespace detail;
  chart_data chart = make_chart("revenue_by_month", "overview", "Revenue by month", "bar");
  chart.x = "month";
  chart.y = {"revenue"};
  const auto t = log.time();
  const auto amount = log.amount();
  const auto customer = log.customer();
  std::int64_t first = std::numeric_limits<std::int64_t>::max(), last = std::numeric_limits<std::int64_t>::min();
  for (std::size_t i = 0; i < t.size(); ++i)
    if (t[i] <= as_of) {
      first = std::min(first, t[i]);
      last = std::max(last, t[i]);
    }
  std::vector<std::string> months;
  std::vector<double> orders, revenue, buyers;
  if (first <= last) {
    auto month_index = [&](std::int64_t s) {
      const civil_date a = civil_from_days(floor_days(first)), b = civil_from_days(floor_days(s));
      return static_cast<std::size_t>((b.year - a.year) * 12 + static_cast<std::int64_t>(b.month) -
                                      static_cast<std::int64_t>(a.month));
    };
    const std::size_t n = month_index(last) + 1;
    const civil_date a = civil_from_days(floor_days(first));
    for (std::size_t m = 0; m < n; ++m) {
      const std::int64_t months_from_zero = a.year * 12 + static_cast<std::int64_t>(a.month) - 1 + static_cast<std::int64_t>(m);
      months.push_back(fmt::format("{:04}-{:02}", months_from_zero / 12, months_from_zero % 12 + 1));
    }
    orders.assign(n, 0.0);
    revenue.assign(n, 0.0);
    buyers.assign(n, 0.0);
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (t[i] > as_of) continue;
      const std::size_t m = month_index(t[i]);
      orders[m] += 1;
      revenue[m] += amount[i];
    }
    // Exact distinct counts independent of input order.
    std::vector<std::pair<std::size_t, std::int32_t>> pairs;
    pairs.reserve(t.size());
    for (std::size_t i = 0; i < t.size(); ++i)
      if (t[i] <= as_of) pairs.emplace_back(month_index(t[i]), customer[i]);
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    for (const auto& p : pairs) buyers[p.first] += 1;
  }
  chart.columns.push_back(label_column("month", std::move(months)));
  chart.columns.push_back(number_column("orders", std::move(orders)));
  chart.columns.push_back(number_column("revenue", std::move(revenue)));
  chart.columns.push_back(number_column("customers", std::move(buyers)));
  return chart;
}

CRMKIT_FUNC chart_data overview_numbers(const dataset& data, const customer_table& table, const score_report& score,
                                        const ingest_report* ingest) {
  using namespace detail;
  chart_data chart = make_chart("overview", "overview", "Overview", "table");
  std::vector<std::string> metric;
  std::vector<double> value;
  auto add = [&](std::string name, double v) {
    metric.push_back(std::move(name));
    value.push_back(v);
  };
  double revenue = 0;
  for (double m : report_values(table, "monetary"))
    if (std::isfinite(m)) revenue += m;
  add("customers", static_cast<double>(table.size()));
  add("active_customers", static_cast<double>(score.n_active));
  add("orders", static_cast<double>(score.n_transactions));
  add("revenue", revenue);
  add("as_of_unix_seconds", static_cast<double>(score.as_of));
  if (data.n_transactions() > 0) {
    add("first_order_unix_seconds", static_cast<double>(data.transactions().min_time()));
    add("last_order_unix_seconds", static_cast<double>(data.transactions().max_time()));
  }
  if (ingest) {
    add("rows_read", static_cast<double>(ingest->rows_read));
    add("rows_loaded", static_cast<double>(ingest->rows_loaded));
    add("rows_dropped", static_cast<double>(ingest->skipped.size()));
  }
  chart.columns.push_back(label_column("metric", std::move(metric)));
  chart.columns.push_back(number_column("value", std::move(value)));
  return chart;
}

CRMKIT_FUNC chart_data ingest_drops(const ingest_report& ingest) {
  using namespace detail;
  chart_data chart = make_chart("ingest_drops", "overview", "Rows dropped by the reader, by reason", "bar");
  chart.x = "reason";
  chart.y = {"rows"};
  std::map<std::string, double> counts;
  for (const auto& r : ingest.skipped)
    counts[r.column.empty() ? r.reason : fmt::format("{}: {}", r.column, r.reason)] += 1;
  std::vector<std::string> reasons;
  std::vector<double> rows;
  for (auto& [k, v] : counts) {
    reasons.push_back(k);
    rows.push_back(v);
  }
  chart.columns.push_back(label_column("reason", std::move(reasons)));
  chart.columns.push_back(number_column("rows", std::move(rows)));
  return chart;
}

namespace detail {
inline std::vector<double> clipped_revenue(const customer_table& table) {
  std::vector<double> v = report_values(table, "monetary");
  for (double& x : v)
    if (!std::isfinite(x) || x < 0) x = 0;
  return v;
}
inline bool positive_total(const std::vector<double>& v) {
  double total = 0;
  for (double x : v) total += x;
  return total > 0;
}
}  // namespace detail

CRMKIT_FUNC chart_data lorenz_curve(const customer_table& table, std::size_t points) {
  using namespace detail;
  chart_data chart = make_chart("lorenz_curve", "value", "Lorenz curve of customer revenue", "line");
  chart.x = "customer_share";
  chart.y = {"revenue_share", "equality"};
  const std::vector<double> v = clipped_revenue(table);
  std::vector<double> x, y;
  if (!v.empty() && positive_total(v)) {
    pareto_options o;
    o.lorenz_points = std::max<std::size_t>(points, 2);
    const pareto_result p = pareto(v, o);
    x = p.lorenz_sample_x;
    y = p.lorenz_sample_y;
  }
  chart.columns.push_back(number_column("customer_share", x));
  chart.columns.push_back(number_column("revenue_share", std::move(y)));
  chart.columns.push_back(number_column("equality", std::move(x)));
  return chart;
}

CRMKIT_FUNC chart_data value_concentration(const customer_table& table) {
  using namespace detail;
  chart_data chart = make_chart("value_concentration", "value", "Concentration of revenue", "table");
  const std::vector<double> v = clipped_revenue(table);
  std::vector<std::string> metric{"gini", "top_20pct_share", "customers_for_80pct_share", "key_customers"};
  std::vector<double> value(metric.size(), report_nan);
  if (!v.empty() && positive_total(v)) {
    const pareto_result p = pareto(v);
    value = {p.gini, p.top_share, p.key_customer_share, static_cast<double>(p.key_customers)};
  }
  chart.columns.push_back(label_column("metric", std::move(metric)));
  chart.columns.push_back(number_column("value", std::move(value)));
  return chart;
}

namespace detail {
// Count and revenue per level of a category column, levels in dictionary order.
inline chart_data per_level(const customer_table& table, std::string_view column, chart_data chart, bool missing_row,
                            std::string_view missing_label) {
  const table_column* c = table.find_column(column);
  std::vector<std::string> levels;
  std::vector<double> customers, revenue;
  if (c && c->type == column_type::category) {
    const std::size_t n_levels = c->category.levels->size();
    levels.reserve(n_levels + 1);
    for (std::size_t l = 0; l < n_levels; ++l) levels.emplace_back(c->category.levels->at(static_cast<std::int32_t>(l)));
    if (missing_row) levels.emplace_back(missing_label);
    customers.assign(levels.size(), 0.0);
    revenue.assign(levels.size(), 0.0);
    const std::vector<double> m = report_values(table, "monetary");
    for (std::size_t i = 0; i < table.size(); ++i) {
      const std::int32_t code = c->category.codes[i];
      std::size_t slot;
      if (code >= 0) slot = static_cast<std::size_t>(code);
      else if (missing_row) slot = n_levels;
      else continue;
      customers[slot] += 1;
      if (std::isfinite(m[i])) revenue[slot] += m[i];
    }
  }
  double total = 0;
  for (double r : revenue) total += r;
  std::vector<double> share(revenue.size(), report_nan);
  if (total != 0)
    for (std::size_t i = 0; i < share.size(); ++i) share[i] = revenue[i] / total;
  chart.columns.push_back(label_column(std::string(column), std::move(levels)));
  chart.columns.push_back(number_column("customers", std::move(customers)));
  chart.columns.push_back(number_column("revenue", std::move(revenue)));
  chart.columns.push_back(number_column("revenue_share", std::move(share)));
  chart.x = std::string(column);
  return chart;
}
}  // namespace detail

CRMKIT_FUNC chart_data abc_counts(const customer_table& table) {
  chart_data chart = detail::make_chart("abc_classes", "value", "Customers per ABC class", "bar");
  chart.y = {"customers"};
  return detail::per_level(table, "abc", std::move(chart), false, "");
}

CRMKIT_FUNC chart_data top_customers(const customer_table& table, std::size_t n) {
  using namespace detail;
  chart_data chart = make_chart("top_customers", "value", fmt::format("Top {} customers by revenue", n), "table");
  std::vector<std::int32_t> rows;
  if (const table_column* rank = table.find_column("revenue_rank")) {
    for (std::size_t i = 0; i < table.size(); ++i) {
      const double r = rank->as_double(i);
      if (std::isfinite(r) && r >= 1 && r <= static_cast<double>(n)) rows.push_back(static_cast<std::int32_t>(i));
    }
    std::sort(rows.begin(), rows.end(), [&](std::int32_t a, std::int32_t b) {
      return rank->as_double(static_cast<std::size_t>(a)) < rank->as_double(static_cast<std::size_t>(b));
    });
  }
  std::vector<std::string> ids;
  for (std::int32_t r : rows) ids.emplace_back(table.id(r));
  chart.columns.push_back(label_column("customer_id", std::move(ids)));
  for (const char* name : {"revenue_rank", "orders", "monetary", "segment", "abc", "p_alive", "clv"}) {
    const table_column* c = table.find_column(name);
    if (!c) continue;
    if (c->type == column_type::category) {
      std::vector<std::string> labels;
      for (std::int32_t r : rows) labels.push_back(category_label(c, static_cast<std::size_t>(r)));
      chart.columns.push_back(label_column(name, std::move(labels)));
    } else {
      std::vector<double> values;
      for (std::int32_t r : rows) values.push_back(c->as_double(static_cast<std::size_t>(r)));
      chart.columns.push_back(number_column(name, std::move(values)));
    }
  }
  return chart;
}

CRMKIT_FUNC chart_data rfm_heatmap(const customer_table& table) {
  using namespace detail;
  chart_data chart = make_chart("rfm_heatmap", "rfm", "Mean revenue by recency score (R) and frequency score (F)",
                                "heatmap");
  chart.x = "r_score";
  chart.y = {"f_score"};
  chart.value = "mean_monetary";
  const std::vector<double> r = report_values(table, "r_score"), f = report_values(table, "f_score"),
                            m = report_values(table, "monetary");
  std::map<std::pair<int, int>, std::pair<double, double>> cells;  // (f, r) -> (count, sum)
  int max_r = 0, max_f = 0;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (!std::isfinite(r[i]) || !std::isfinite(f[i])) continue;
    const int ri = static_cast<int>(r[i]), fi = static_cast<int>(f[i]);
    max_r = std::max(max_r, ri);
    max_f = std::max(max_f, fi);
    auto& cell = cells[{fi, ri}];
    cell.first += 1;
    if (std::isfinite(m[i])) cell.second += m[i];
  }
  std::vector<std::string> rs, fs;
  std::vector<double> count, mean;
  for (int fi = max_f; fi >= 1; --fi)
    for (int ri = 1; ri <= max_r; ++ri) {
      rs.push_back(fmt::format("R{}", ri));
      fs.push_back(fmt::format("F{}", fi));
      const auto it = cells.find({fi, ri});
      const double c = it == cells.end() ? 0.0 : it->second.first;
      count.push_back(c);
      mean.push_back(c > 0 ? it->second.second / c : report_nan);
    }
  chart.columns.push_back(label_column("r_score", std::move(rs)));
  chart.columns.push_back(label_column("f_score", std::move(fs)));
  chart.columns.push_back(number_column("customers", std::move(count)));
  chart.columns.push_back(number_column("mean_monetary", std::move(mean)));
  return chart;
}

CRMKIT_FUNC chart_data segment_summary(const customer_table& table) {
  chart_data chart = detail::make_chart("rfm_segments", "rfm", "Customers and revenue per RFM segment", "bar");
  chart.y = {"customers"};
  return detail::per_level(table, "segment", std::move(chart), false, "");
}

CRMKIT_FUNC chart_data cluster_profiles(const customer_table& table) {
  using namespace detail;
  chart_data chart = make_chart("cluster_profiles", "clusters", "k-means cluster profiles: customers per cluster, means in the table", "bar");
  chart.x = "cluster";
  chart.y = {"customers"};
  const std::vector<double> cluster = report_values(table, "cluster");
  const char* measures[] = {"recency_days", "orders", "monetary", "avg_order_value", "p_alive", "clv"};
  std::map<long long, std::vector<double>> sums;  // cluster -> count, then sums, then counts
  constexpr std::size_t k = std::size(measures);
  std::vector<std::vector<double>> values;
  for (const char* name : measures) values.push_back(report_values(table, name));
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (!std::isfinite(cluster[i])) continue;
    auto& s = sums[static_cast<long long>(cluster[i])];
    if (s.empty()) s.assign(1 + 2 * k, 0.0);
    s[0] += 1;
    for (std::size_t j = 0; j < k; ++j)
      if (std::isfinite(values[j][i])) {
        s[1 + j] += values[j][i];
        s[1 + k + j] += 1;
      }
  }
  std::vector<std::string> labels;
  std::vector<double> counts;
  std::vector<std::vector<double>> means(k);
  for (const auto& [c, s] : sums) {
    labels.push_back(fmt::format("{}", c));
    counts.push_back(s[0]);
    for (std::size_t j = 0; j < k; ++j) means[j].push_back(s[1 + k + j] > 0 ? s[1 + j] / s[1 + k + j] : report_nan);
  }
  chart.columns.push_back(label_column("cluster", std::move(labels)));
  chart.columns.push_back(number_column("customers", std::move(counts)));
  for (std::size_t j = 0; j < k; ++j)
    if (table.find_column(measures[j])) chart.columns.push_back(number_column(fmt::format("mean_{}", measures[j]), std::move(means[j])));
  return chart;
}

CRMKIT_FUNC chart_data churn_model_card(const score_report& score) {
  using namespace detail;
  chart_data chart = make_chart("churn_model_card", "churn", "Churn model card", "table");
  std::vector<std::string> parameter, text;
  auto add = [&](std::string p, std::string v) {
    parameter.push_back(std::move(p));
    text.push_back(std::move(v));
  };
  add("model", score.btyd_model.empty() ? "none" : score.btyd_model);
  add("status", score.btyd_status);
  add("log_likelihood", number_text(score.btyd_log_likelihood));
  static constexpr const char* bg_names[] = {"r", "alpha", "a", "b"};
  static constexpr const char* pnbd_names[] = {"r", "alpha", "s", "beta"};
  const bool pnbd = score.btyd_model == "pareto_nbd";
  for (std::size_t i = 0; i < score.btyd_params.size(); ++i)
    add(i < 4 ? (pnbd ? pnbd_names[i] : bg_names[i]) : fmt::format("param_{}", i), number_text(score.btyd_params[i]));
  static constexpr const char* gg_names[] = {"p", "q", "gamma"};
  for (std::size_t i = 0; i < score.spend_params.size(); ++i)
    add(fmt::format("spend_{}", i < 3 ? gg_names[i] : "param"), number_text(score.spend_params[i]));
  add("spend_status", score.spend_status);
  add("active_customers", fmt::format("{}", score.n_active));
  add("transactions", fmt::format("{}", score.n_transactions));
  for (const auto& note : score.notes) add("note", note);
  chart.columns.push_back(label_column("parameter", std::move(parameter)));
  chart.columns.push_back(label_column("value", std::move(text)));
  return chart;
}

CRMKIT_FUNC chart_data alive_heatmap(const customer_table& table, std::size_t recency_bins, std::int64_t max_orders) {
  using namespace detail;
  chart_data chart = make_chart("alive_heatmap", "churn", "Mean P(alive) by recency (days) and orders", "heatmap");
  chart.x = "recency";
  chart.y = {"orders"};
  chart.value = "mean_p_alive";
  recency_bins = std::max<std::size_t>(recency_bins, 1);
  max_orders = std::max<std::int64_t>(max_orders, 1);
  const std::vector<double> p = report_values(table, "p_alive"), rec = report_values(table, "recency_days"),
                            orders = report_values(table, "orders");
  double max_rec = 0;
  for (std::size_t i = 0; i < table.size(); ++i)
    if (std::isfinite(p[i]) && std::isfinite(rec[i])) max_rec = std::max(max_rec, rec[i]);
  const double width = std::max(1.0, std::ceil((max_rec + 1) / static_cast<double>(recency_bins)));
  const std::size_t n_orders = static_cast<std::size_t>(max_orders);
  std::vector<double> count(recency_bins * n_orders, 0.0), sum(recency_bins * n_orders, 0.0);
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (!std::isfinite(p[i]) || !std::isfinite(rec[i]) || !std::isfinite(orders[i]) || orders[i] < 1) continue;
    const std::size_t b = std::min(recency_bins - 1, static_cast<std::size_t>(rec[i] / width));
    const std::size_t o = static_cast<std::size_t>(std::min(orders[i], static_cast<double>(max_orders))) - 1;
    count[o * recency_bins + b] += 1;
    sum[o * recency_bins + b] += p[i];
  }
  std::vector<std::string> xs, ys;
  std::vector<double> customers, mean;
  for (std::size_t o = n_orders; o-- > 0;)
    for (std::size_t b = 0; b < recency_bins; ++b) {
      xs.push_back(fmt::format("{}-{}", static_cast<long long>(static_cast<double>(b) * width),
                               static_cast<long long>(static_cast<double>(b + 1) * width - 1)));
      ys.push_back(o + 1 == n_orders ? fmt::format("{}+", o + 1) : fmt::format("{}", o + 1));
      const double c = count[o * recency_bins + b];
      customers.push_back(c);
      mean.push_back(c > 0 ? sum[o * recency_bins + b] / c : report_nan);
    }
  chart.columns.push_back(label_column("recency", std::move(xs)));
  chart.columns.push_back(label_column("orders", std::move(ys)));
  chart.columns.push_back(number_column("customers", std::move(customers)));
  chart.columns.push_back(number_column("mean_p_alive", std::move(mean)));
  return chart;
}

CRMKIT_FUNC chart_data risk_value_points(const customer_table& table, std::size_t max_points) {
  using namespace detail;
  const bool has_clv = table.find_column("clv") != nullptr;
  const char* value_name = has_clv ? "clv" : "monetary";
  chart_data chart = make_chart("risk_value", "churn", fmt::format("Churn risk (1 - P(alive)) against {}", value_name),
                                "scatter");
  chart.x = "risk";
  chart.y = {value_name};
  const std::vector<double> p = report_values(table, "p_alive"), v = report_values(table, value_name);
  std::vector<std::int32_t> rows;
  for (std::int32_t r : rows_by_id(table))
    if (std::isfinite(p[static_cast<std::size_t>(r)]) && std::isfinite(v[static_cast<std::size_t>(r)])) rows.push_back(r);
  const std::size_t step = max_points == 0 ? 1 : std::max<std::size_t>(1, (rows.size() + max_points - 1) / max_points);
  std::vector<std::string> ids;
  std::vector<double> risk, value;
  for (std::size_t i = 0; i < rows.size(); i += step) {
    const auto r = static_cast<std::size_t>(rows[i]);
    ids.emplace_back(table.id(rows[i]));
    risk.push_back(1 - p[r]);
    value.push_back(v[r]);
  }
  chart.columns.push_back(label_column("customer_id", std::move(ids)));
  chart.columns.push_back(number_column("risk", std::move(risk)));
  chart.columns.push_back(number_column(value_name, std::move(value)));
  return chart;
}

CRMKIT_FUNC chart_data lifecycle_stage_counts(const replay_result& replay) {
  using namespace detail;
  chart_data chart = make_chart("lifecycle_stage_counts", "lifecycle", "Customers per lifecycle stage over time", "stacked");
  chart.x = "period";
  const lifecycle_model& model = replay.machine.model();
  const std::size_t S = model.n_states();
  std::vector<std::string> periods;
  for (std::int64_t t : replay.times) periods.push_back(format_iso_date(t));
  chart.columns.push_back(label_column("period", std::move(periods)));
  for (std::size_t s = 0; s < S; ++s) {
    std::vector<double> v;
    for (std::size_t k = 0; k < replay.times.size(); ++k) v.push_back(static_cast<double>(replay.counts[k * S + s]));
    chart.y.push_back(model.state_name(static_cast<int>(s)));
    chart.columns.push_back(number_column(model.state_name(static_cast<int>(s)), std::move(v)));
  }
  return chart;
}

CRMKIT_FUNC chart_data lifecycle_flow(const replay_result& replay) {
  using namespace detail;
  chart_data chart = make_chart("lifecycle_flow", "lifecycle", "Stage-to-stage moves over the replay", "table");
  const lifecycle_model& model = replay.machine.model();
  const std::size_t S = model.n_states();
  std::vector<std::string> from, to;
  std::vector<double> hops;
  if (!replay.times.empty()) {
    const auto flow = flow_matrix(replay.machine, std::numeric_limits<std::int64_t>::min() / 2,
                                  std::numeric_limits<std::int64_t>::max() / 2);
    for (std::size_t a = 0; a < S; ++a)
      for (std::size_t b = 0; b < S; ++b)
        if (flow[a * S + b] > 0) {
          from.push_back(model.state_name(static_cast<int>(a)));
          to.push_back(model.state_name(static_cast<int>(b)));
          hops.push_back(static_cast<double>(flow[a * S + b]));
        }
  }
  chart.columns.push_back(label_column("from", std::move(from)));
  chart.columns.push_back(label_column("to", std::move(to)));
  chart.columns.push_back(number_column("hops", std::move(hops)));
  return chart;
}

CRMKIT_FUNC chart_data territory_summary(const customer_table& table) {
  chart_data chart = detail::make_chart("territories", "geo", "Customers and revenue per territory", "bar");
  chart.y = {"customers"};
  return detail::per_level(table, "territory", std::move(chart), table.has_locations(), "(none)");
}

CRMKIT_FUNC chart_data customer_map(const customer_table& table, std::size_t max_points) {
  using namespace detail;
  chart_data chart = make_chart("customer_map", "geo", "Customer locations", "scatter");
  chart.x = "lon";
  chart.y = {"lat"};
  std::vector<std::int32_t> rows;
  if (table.has_locations())
    for (std::int32_t r : rows_by_id(table))
      if (std::isfinite(table.longitude()[static_cast<std::size_t>(r)])) rows.push_back(r);
  const std::size_t step = max_points == 0 ? 1 : std::max<std::size_t>(1, (rows.size() + max_points - 1) / max_points);
  const table_column* territory = table.find_column("territory");
  std::vector<std::string> ids, names;
  std::vector<double> lon, lat;
  for (std::size_t i = 0; i < rows.size(); i += step) {
    const auto r = static_cast<std::size_t>(rows[i]);
    ids.emplace_back(table.id(rows[i]));
    lon.push_back(table.longitude()[r]);
    lat.push_back(table.latitude()[r]);
    names.push_back(category_label(territory, r));
  }
  chart.columns.push_back(label_column("customer_id", std::move(ids)));
  chart.columns.push_back(number_column("lon", std::move(lon)));
  chart.columns.push_back(number_column("lat", std::move(lat)));
  chart.columns.push_back(label_column("territory", std::move(names)));
  return chart;
}

CRMKIT_FUNC report_data build_report(const dataset& data, std::int64_t as_of, const score_config& config,
                                     const ingest_report* ingest) {
  report_data r;
  r.as_of = as_of;
  r.table = score_customers(data, as_of, config, &r.score);
  const transaction_log& log = data.transactions();
  if (config.lifecycle && log.size() > 0 && log.min_time() <= as_of) {
    default_model_options o;
    o.decline_days = config.lifecycle_decline_days;
    o.churn_days = config.lifecycle_churn_days;
    auto model = std::make_shared<const lifecycle_model>(default_lifecycle_model(o));
    const civil_date first = civil_from_days(floor_days(log.min_time()));
    const std::int64_t start = unix_seconds(first.year, first.month, 1);
    replay_options ro;
    ro.n_threads = static_cast<std::size_t>(config.n_threads);
    r.lifecycle.emplace(replay(model, log, start, as_of, ro));
  }
  auto& c = r.charts;
  c.push_back(overview_numbers(data, r.table, r.score, ingest));
  c.push_back(revenue_by_month(log, as_of));
  if (ingest) c.push_back(ingest_drops(*ingest));
  c.push_back(value_concentration(r.table));
  c.push_back(lorenz_curve(r.table));
  c.push_back(abc_counts(r.table));
  c.push_back(top_customers(r.table));
  c.push_back(rfm_heatmap(r.table));
  c.push_back(segment_summary(r.table));
  c.push_back(cluster_profiles(r.table));
  c.push_back(churn_model_card(r.score));
  c.push_back(alive_heatmap(r.table));
  c.push_back(risk_value_points(r.table));
  if (r.lifecycle) {
    c.push_back(lifecycle_stage_counts(*r.lifecycle));
    c.push_back(lifecycle_flow(*r.lifecycle));
  }
  if (r.table.has_locations()) {
    c.push_back(territory_summary(r.table));
    c.push_back(customer_map(r.table));
  }
  return r;
}

CRMKIT_FUNC std::string to_csv(const chart_data& chart) {
  std::string out;
  for (std::size_t j = 0; j < chart.columns.size(); ++j) {
    if (j) out += ',';
    detail::append_csv_field(out, chart.columns[j].name);
  }
  out += '\n';
  for (std::size_t i = 0; i < chart.rows(); ++i) {
    for (std::size_t j = 0; j < chart.columns.size(); ++j) {
      if (j) out += ',';
      const chart_column& c = chart.columns[j];
      if (c.is_label) detail::append_csv_field(out, c.labels[i]);
      else out += detail::number_text(c.values[i]);
    }
    out += '\n';
  }
  return out;
}

CRMKIT_FUNC std::string to_json(const chart_data& chart) {
  using detail::append_json_string;
  std::string out = "{";
  auto key = [&](std::string_view k) {
    if (out.size() > 1) out += ',';
    append_json_string(out, k);
    out += ':';
  };
  for (auto [k, v] : {std::pair<std::string_view, const std::string*>{"name", &chart.name}, {"section", &chart.section},
                      {"title", &chart.title}, {"kind", &chart.kind}, {"x", &chart.x}, {"value", &chart.value}}) {
    key(k);
    append_json_string(out, *v);
  }
  key("y");
  out += '[';
  for (std::size_t i = 0; i < chart.y.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, chart.y[i]);
  }
  out += "]";
  key("columns");
  out += '{';
  for (std::size_t j = 0; j < chart.columns.size(); ++j) {
    const chart_column& c = chart.columns[j];
    if (j) out += ',';
    append_json_string(out, c.name);
    out += ":[";
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (i) out += ',';
      if (c.is_label) append_json_string(out, c.labels[i]);
      else if (std::isfinite(c.values[i])) out += fmt::format("{}", c.values[i]);
      else out += "null";
    }
    out += ']';
  }
  out += "}}\n";
  return out;
}

CRMKIT_END_NAMESPACE
