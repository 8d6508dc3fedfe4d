// Steps of crmkit::score_customers shared by its dataset overload
// (crmkit/scoring/score_customers.hpp) and its state overload (crmkit/state/state_scoring.hpp):
// the columns each step adds to the customer table. Internal; not installed API.
// IWYU pragma: private, include "crmkit/scoring/score_customers.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/churn/btyd_model.hpp"
#include "crmkit/churn/btyd_summary.hpp"
#include "crmkit/churn/clv.hpp"
#include "crmkit/churn/clv_intervals.hpp"
#include "crmkit/churn/intervals.hpp"
#include "crmkit/churn/gamma_gamma.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/geo/reps.hpp"
#include "crmkit/geo/sphere.hpp"
#include "crmkit/geo/territory.hpp"
#include "crmkit/lifecycle/default_model.hpp"
#include "crmkit/lifecycle/replay.hpp"
#include "crmkit/pareto/pareto.hpp"
#include "crmkit/scoring/score_config.hpp"
#include "crmkit/scoring/score_customers.hpp"
#include "crmkit/segmentation/features.hpp"
#include "crmkit/segmentation/kmeans.hpp"
#include "crmkit/segmentation/rfm.hpp"
#include "crmkit/segmentation/rfm_segments.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

inline constexpr double missing_float = std::numeric_limits<double>::quiet_NaN();

// Levels of a category column, in the given order.
inline std::shared_ptr<const string_dictionary> make_levels(const std::vector<std::string>& names) {
  auto levels = std::make_shared<string_dictionary>();
  for (const auto& name : names) levels->insert(name);
  return levels;
}

// Rows of `log` at or before `as_of` (the log itself when it has none later).
inline transaction_log log_up_to(const transaction_log& log, std::int64_t as_of) {
  if (log.max_time() <= as_of) return log;
  const auto time = log.time();
  std::vector<std::int32_t> customer;
  std::vector<std::int64_t> kept_time;
  std::vector<double> amount;
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (time[i] > as_of) continue;
    customer.push_back(log.customer()[i]);
    kept_time.push_back(time[i]);
    amount.push_back(log.amount()[i]);
  }
  return transaction_log::from_columns(column<std::int32_t>::owned(std::move(customer)),
                                       column<std::int64_t>::owned(std::move(kept_time)),
                                       column<double>::owned(std::move(amount)), log.n_customers());
}

// `v` reordered: out[i] = v[order[i]].
template <class T>
std::vector<T> permuted(const std::vector<T>& v, const std::vector<std::uint32_t>& order) {
  std::vector<T> out(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) out[i] = v[order[i]];
  return out;
}

// Positions of `customers` sorted by the rank of their host ids (rfm_id_ranks: decimal
// integers by value, then the rest byte-wise, the order pandas' groupby sorts ids in): the
// order every step sees, so that no result depends on the order of the input rows.
inline std::vector<std::uint32_t> id_order(const std::vector<std::int32_t>& customers,
                                           const std::vector<std::int32_t>& id_rank) {
  std::vector<std::uint32_t> order(customers.size());
  // Each customer appears at most once and the ranks are distinct: place each row at its
  // rank (a linear pass) instead of sorting; the sort is the fallback for repeated customers.
  {
    constexpr std::uint32_t empty = std::numeric_limits<std::uint32_t>::max();
    std::vector<std::uint32_t> at_rank(id_rank.size(), empty);
    bool unique = true;
    for (std::size_t i = 0; i < customers.size() && unique; ++i) {
      std::uint32_t& slot = at_rank[static_cast<std::size_t>(id_rank[static_cast<std::size_t>(customers[i])])];
      unique = slot == empty;
      slot = static_cast<std::uint32_t>(i);
    }
    if (unique) {
      std::size_t k = 0;
      for (const std::uint32_t i : at_rank)
        if (i != empty) order[k++] = i;
      return order;
    }
  }
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return id_rank[static_cast<std::size_t>(customers[a])] < id_rank[static_cast<std::size_t>(customers[b])];
  });
  return order;
}

inline rfm_table permuted(const rfm_table& t, const std::vector<std::uint32_t>& order) {
  rfm_table out;
  out.customer = permuted(t.customer, order);
  out.recency_days = permuted(t.recency_days, order);
  out.recency = permuted(t.recency, order);
  out.frequency = permuted(t.frequency, order);
  out.distinct_days = permuted(t.distinct_days, order);
  out.monetary = permuted(t.monetary, order);
  out.monetary_mean = permuted(t.monetary_mean, order);
  out.first_purchase = permuted(t.first_purchase, order);
  out.last_purchase = permuted(t.last_purchase, order);
  out.tenure = permuted(t.tenure, order);
  out.as_of = t.as_of;
  out.time_unit_seconds = t.time_unit_seconds;
  return out;
}

inline btyd_summary permuted(const btyd_summary& s, const std::vector<std::uint32_t>& order) {
  btyd_summary out;
  out.customer = permuted(s.customer, order);
  out.frequency = permuted(s.frequency, order);
  out.recency = permuted(s.recency, order);
  out.T = permuted(s.T, order);
  out.monetary_value = permuted(s.monetary_value, order);
  out.period_days = s.period_days;
  return out;
}

// Writes per-row values into a full per-customer column (missing elsewhere).
template <class T>
column<T> scatter(std::size_t n, const std::vector<std::int32_t>& customer, const std::vector<T>& values, T missing) {
  std::vector<T> out(n, missing);
  for (std::size_t i = 0; i < customer.size(); ++i) out[static_cast<std::size_t>(customer[i])] = values[i];
  return column<T>::owned(std::move(out));
}

template <class T, class F>
column<T> scatter_with(std::size_t n, const std::vector<std::int32_t>& customer, T missing, F&& value_of_row) {
  std::vector<T> out(n, missing);
  for (std::size_t i = 0; i < customer.size(); ++i) out[static_cast<std::size_t>(customer[i])] = value_of_row(i);
  return column<T>::owned(std::move(out));
}

// Step scores: RFM values, scores, segments, clusters, ABC and revenue rank.
inline void add_segmentation_columns(customer_table& table, const rfm_table& rows, const score_config& config,
                                     score_report& report) {
  const std::size_t n = table.size();
  const auto& who = rows.customer;
  auto as_int = [](double v) { return static_cast<std::int64_t>(v); };
  table.set_int64_column("orders", scatter_with(n, who, missing_int64, [&](std::size_t i) { return as_int(rows.frequency[i]); }));
  table.set_int64_column("recency_days",
                         scatter_with(n, who, missing_int64, [&](std::size_t i) { return as_int(rows.recency_days[i]); }));
  table.set_int64_column("tenure_days", scatter_with(n, who, missing_int64, [&](std::size_t i) { return as_int(rows.tenure[i]); }));
  table.set_column("monetary", scatter(n, who, rows.monetary, missing_float));
  table.set_column("avg_order_value", scatter(n, who, rows.monetary_mean, missing_float));
  table.set_time_column("first_purchase", scatter(n, who, rows.first_purchase, missing_int64));
  table.set_time_column("last_purchase", scatter(n, who, rows.last_purchase, missing_int64));

  // RFM scores and the named segments.
  std::vector<std::int64_t> r(n, missing_int64), f(n, missing_int64), m(n, missing_int64);
  std::vector<std::int32_t> segment(n, -1);
  std::vector<std::string> segment_names;
  if (rows.size() >= 2) {
    rfm_options o;
    o.as_of = rows.as_of;
    o.bins = config.rfm_bins;
    const rfm_scores s = rfm_score(rows, o);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto c = static_cast<std::size_t>(who[i]);
      r[c] = s.r[i], f[c] = s.f[i], m[c] = s.m[i];
    }
    const rfm_segment_map map = rfm_segment_preset(rfm_preset::grid11);
    if (map.bins == 0 || map.bins == config.rfm_bins) {
      const rfm_segmentation seg = rfm_segment(s, map);
      segment_names = seg.names;
      for (std::size_t i = 0; i < rows.size(); ++i) segment[static_cast<std::size_t>(who[i])] = seg.segment[i];
    } else {
      report.notes.push_back(fmt::format("segment: rfm.bins = {}, the named segments are defined for {} score classes; "
                                         "column left missing", config.rfm_bins, map.bins));
    }
  } else {
    report.notes.push_back("rfm: fewer than 2 customers with orders; scores left missing");
  }
  table.set_int64_column("r_score", column<std::int64_t>::owned(std::move(r)));
  table.set_int64_column("f_score", column<std::int64_t>::owned(std::move(f)));
  table.set_int64_column("m_score", column<std::int64_t>::owned(std::move(m)));
  table.set_category_column("segment", {column<std::int32_t>::owned(std::move(segment)), make_levels(segment_names)});

  // k-means on standardised log1p(recency_days, orders, max(monetary, 0)).
  std::vector<std::int64_t> cluster(n, missing_int64);
  report.kmeans_silhouette = missing_float;
  {
    feature_matrix x(static_cast<Eigen::Index>(rows.size()), 3);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto row = static_cast<Eigen::Index>(i);
      x(row, 0) = rows.recency_days[i];
      x(row, 1) = rows.frequency[i];
      x(row, 2) = std::max(rows.monetary[i], 0.0);
    }
    kmeans_options o;
    o.seed = config.kmeans_seed;
    o.n_threads = config.n_threads;
    o.n_init = 1;
    try {
      if (rows.size() < 3) throw error(errc::invalid_argument, fmt::format("{} customers with orders", rows.size()));
      const feature_scaler scaler = feature_scaler::fit(x, {true, true, true});
      const feature_matrix z = scaler.transform(x);
      std::size_t k = static_cast<std::size_t>(config.kmeans_k);
      if (k == 0) {
        const std::size_t k_max = std::min<std::size_t>(static_cast<std::size_t>(config.kmeans_k_max), rows.size() - 1);
        const auto scan = kmeans_scan_k(z, static_cast<std::size_t>(config.kmeans_k_min), k_max, o, 10000);
        double best = -2.0;
        for (const auto& s : scan)
          if (s.silhouette > best) best = s.silhouette, k = s.k;
        report.kmeans_silhouette = best;
      }
      o.n_clusters = k;
      const kmeans_result fit = kmeans_fit(z, o);
      report.kmeans_k = k;
      for (std::size_t i = 0; i < rows.size(); ++i) cluster[static_cast<std::size_t>(who[i])] = fit.labels[i];
    } catch (const error& e) {
      report.notes.push_back(fmt::format("cluster: k-means not run: {}; column left missing", e.what()));
    }
  }
  table.set_int64_column("cluster", column<std::int64_t>::owned(std::move(cluster)));

  // 80/20: revenue rank and ABC class (negative totals count as 0 revenue).
  std::vector<std::int64_t> rank(n, missing_int64);
  std::vector<std::int32_t> abc(n, -1);
  std::vector<double> revenue(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) revenue[i] = std::max(rows.monetary[i], 0.0);
  if (std::any_of(revenue.begin(), revenue.end(), [](double v) { return v > 0; })) {
    pareto_options o;
    o.abc_a = config.abc_a;
    o.abc_b = config.abc_b;
    const pareto_result p = pareto(revenue, o);
    for (std::size_t j = 0; j < p.order.size(); ++j) rank[static_cast<std::size_t>(who[p.order[j]])] = static_cast<std::int64_t>(j + 1);
    for (std::size_t i = 0; i < rows.size(); ++i) abc[static_cast<std::size_t>(who[i])] = static_cast<std::int32_t>(p.abc[i]);
  } else {
    report.notes.push_back("abc: no positive revenue; revenue_rank and abc left missing");
  }
  table.set_int64_column("revenue_rank", column<std::int64_t>::owned(std::move(rank)));
  table.set_category_column("abc", {column<std::int32_t>::owned(std::move(abc)), make_levels({"A", "B", "C"})});
}

// The purchase model's columns for one model type.
inline void add_btyd_columns(btyd_model& model, const char* name, customer_table& table, const btyd_summary& s,
                      const score_config& config, score_report& report) {
  const std::size_t n = table.size();
  fit_options fo;
  fo.n_threads = config.n_threads;
  const bool intervals = config.interval_level > 0;
  fo.standard_errors = intervals;  // the interval columns need the covariance
  const fit_report fit = model.fit(s, fo);
  report.btyd_model = name;
  report.btyd_status = to_string(fit.status);
  report.btyd_log_likelihood = fit.log_likelihood;
  report.btyd_params = model.params();
  if (fit.status == fit_status::boundary)
    report.notes.push_back(fmt::format("btyd: {} fit stopped at a boundary ({}); the scores are those of the limit "
                                       "model", name, fit.message));
  if (!model.fitted()) {
    report.notes.push_back(fmt::format("btyd: {} fit failed ({}); churn columns left missing", name, report.btyd_status));
    return;  // the caller adds the columns, missing
  }
  const std::size_t rows = s.size();
  std::vector<double> alive(rows), expected(rows), none(rows);
  const double horizon = config.btyd_horizon_days / config.btyd_period_days;
  model.conditional_probability_alive(s.frequency, s.recency, s.T, alive, config.n_threads);
  model.conditional_expected_number_of_purchases_up_to_time(horizon, s.frequency, s.recency, s.T, expected,
                                                            config.n_threads);
  model.conditional_probability_of_n_purchases_up_to_time(0, horizon, s.frequency, s.recency, s.T, none,
                                                          config.n_threads);
  table.set_column("p_alive", scatter(n, s.customer, alive, missing_float));
  table.set_column("expected_purchases", scatter(n, s.customer, expected, missing_float));
  table.set_column("p_no_purchase", scatter(n, s.customer, none, missing_float));
  interval_options io;
  io.level = intervals ? config.interval_level : 0.9;
  io.n_threads = config.n_threads;
  if (intervals) {
    // Delta-method intervals of P(alive) and the expected purchases (crmkit/churn/intervals.hpp).
    try {
      const auto a = delta_method_intervals(model, btyd_prediction::p_alive, 0, s.frequency, s.recency, s.T, io);
      const auto e = delta_method_intervals(model, btyd_prediction::expected_purchases, horizon, s.frequency,
                                            s.recency, s.T, io);
      table.set_column("p_alive_lower", scatter(n, s.customer, a.lower, missing_float));
      table.set_column("p_alive_upper", scatter(n, s.customer, a.upper, missing_float));
      table.set_column("expected_purchases_lower", scatter(n, s.customer, e.lower, missing_float));
      table.set_column("expected_purchases_upper", scatter(n, s.customer, e.upper, missing_float));
    } catch (const error& e) {
      report.notes.push_back(fmt::format("intervals: {}; p_alive and expected_purchases intervals left missing", e.what()));
    }
  }

  // Spend per purchase (Gamma-Gamma on repeat buyers) and CLV.
  std::vector<double> spend(rows, missing_float), clv(rows, missing_float);
  std::vector<double> clv_lower(rows, missing_float), clv_upper(rows, missing_float);
  try {
    gamma_gamma gg;
    fit_options spend_options = fo;
    spend_options.zero_spend = zero_spend_policy::drop;
    const fit_report sf = gg.fit(s.frequency, s.monetary_value, {}, spend_options);
    report.spend_status = to_string(sf.status);
    const auto& gp = gg.params();
    report.spend_params = {gp.p, gp.q, gp.gamma};
    if (!gg.fitted()) throw error(errc::invalid_argument, "fit not finite");
    gg.conditional_expected_spend(s.frequency, s.monetary_value, spend, config.n_threads);
    // Monthly cash flows over the calendar horizon (one step when it is shorter than a month).
    const double month_days = 365.25 / 12.0;
    clv_options co;
    co.horizon = std::max(1, static_cast<int>(std::ceil(config.clv_horizon_days / month_days - 1e-9)));
    const double step_days = config.clv_horizon_days / co.horizon;
    co.period_days = step_days;
    co.model_period_days = config.btyd_period_days;
    co.discount_rate = std::pow(1.0 + config.clv_annual_discount_rate, step_days / 365.25) - 1.0;
    co.n_threads = config.n_threads;
    customer_lifetime_value(model, gg, s.frequency, s.recency, s.T, s.monetary_value, clv, co);
    for (double& v : clv) v *= config.clv_margin;
    if (intervals) {
      // Delta method over both models' parameters, block-diagonal covariance (crmkit/churn/clv_intervals.hpp).
      try {
        const auto ci = clv_intervals(model, gg, s.frequency, s.recency, s.T, s.monetary_value, co, io);
        for (std::size_t i = 0; i < rows; ++i) {
          const double lo = ci.lower[i] * config.clv_margin, hi = ci.upper[i] * config.clv_margin;
          clv_lower[i] = std::min(lo, hi);  // a negative margin swaps the bounds
          clv_upper[i] = std::max(lo, hi);
          if (std::isnan(lo) || std::isnan(hi)) clv_lower[i] = clv_upper[i] = missing_float;
        }
      } catch (const error& e) {
        report.notes.push_back(fmt::format("intervals: {}; clv intervals left missing", e.what()));
        std::fill(clv_lower.begin(), clv_lower.end(), missing_float);
        std::fill(clv_upper.begin(), clv_upper.end(), missing_float);
      }
    }
  } catch (const error& e) {
    report.notes.push_back(fmt::format("clv: spend model not fitted: {}; expected_spend and clv left missing", e.what()));
    std::fill(spend.begin(), spend.end(), missing_float);
    std::fill(clv.begin(), clv.end(), missing_float);
  }
  table.set_column("expected_spend", scatter(n, s.customer, spend, missing_float));
  table.set_column("clv", scatter(n, s.customer, clv, missing_float));
  if (intervals) {
    table.set_column("clv_lower", scatter(n, s.customer, clv_lower, missing_float));
    table.set_column("clv_upper", scatter(n, s.customer, clv_upper, missing_float));
  }
}

inline void add_geo_columns(customer_table& table, const score_config& config, score_report& report) {
  if (config.territories.empty() && config.reps.empty()) return;
  if (!table.has_locations()) {
    report.notes.push_back("geo: the config names territories or reps but the dataset has no customer locations");
    return;
  }
  const std::size_t n = table.size();
  const auto lon = table.longitude();
  const auto lat = table.latitude();
  if (!config.territories.empty()) {
    std::vector<std::int32_t> in(n, -1);
    std::vector<std::string> names;
    for (std::size_t t = 0; t < config.territories.size(); ++t) {
      const auto& spec = config.territories[t];
      territory shape;
      try {
        shape = territory::parse(spec.shape);
      } catch (const error& e) {
        throw error(e.code(), fmt::format("score config: territory '{}': {}", spec.name, e.what()));
      }
      names.push_back(spec.name);
      const auto inside = shape.contains(lon, lat, static_cast<std::size_t>(config.n_threads));
      for (std::size_t i = 0; i < n; ++i)
        if (inside[i] && in[i] < 0) in[i] = static_cast<std::int32_t>(t);
    }
    table.set_category_column("territory", {column<std::int32_t>::owned(std::move(in)), make_levels(names)});
  }
  if (!config.reps.empty()) {
    std::vector<double> rep_lon, rep_lat;
    std::vector<std::string> ids;
    for (const auto& r : config.reps) rep_lon.push_back(r.lon), rep_lat.push_back(r.lat), ids.push_back(r.id);
    const auto levels = make_levels(ids);
    if (levels->size() != ids.size()) throw error(errc::invalid_argument, "score config: geo.reps: rep ids must be unique");
    const rep_roster roster(rep_lon, rep_lat);
    std::vector<std::int32_t> nearest(n, -1);
    std::vector<double> distance(n, missing_float);
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isnan(lon[i])) continue;
      const geo_hits hit = roster.nearest_available(lon[i], lat[i], 1);
      if (hit.ids.empty()) continue;
      nearest[i] = hit.ids[0];
      distance[i] = hit.distances_m[0];
    }
    table.set_category_column("nearest_rep", {column<std::int32_t>::owned(std::move(nearest)), levels});
    table.set_column("rep_distance_m", column<double>::owned(std::move(distance)));
  }
}

// The churn and value columns (p_alive ... clv) from the BTYD summary `s` (rows in id
// order): fits config.btyd_model; on any failure the columns are there, missing.
inline void add_churn_columns(customer_table& table, const btyd_summary& s, const score_config& config,
                              score_report& report) {
  const std::size_t n = table.size();
  try {
    // btyd_model_kind's values are those of btyd_kind (bg_nbd = 1, pareto_nbd = 2, modified_bg_nbd = 3)
    const auto model = make_btyd_model(static_cast<btyd_kind>(config.btyd_model));
    add_btyd_columns(*model, model->name(), table, s, config, report);
  } catch (const error& e) {
    report.btyd_status = e.what();
    report.notes.push_back(fmt::format("btyd: not fitted: {}; churn columns left missing", e.what()));
  }
  // The same columns whether or not the fit worked: a host's schema does not change with its data.
  for (const char* name : {"p_alive", "expected_purchases", "p_no_purchase", "expected_spend", "clv"})
    if (!table.find_column(name)) table.set_column(name, column<double>::owned(std::vector<double>(n, missing_float)));
  if (config.interval_level > 0)
    for (const char* name : {"p_alive_lower", "p_alive_upper", "expected_purchases_lower", "expected_purchases_upper",
                             "clv_lower", "clv_upper"})
      if (!table.find_column(name)) table.set_column(name, column<double>::owned(std::vector<double>(n, missing_float)));
}

// The first second of the UTC day holding `t` (the lifecycle replay's start).
inline std::int64_t day_start(std::int64_t t) { return t - ((t % 86400) + 86400) % 86400; }

// Lifecycle stage at as_of and when it was entered: the default lifecycle model (config's
// thresholds) replayed monthly over `log` (transactions up to as_of) from `start`.
// The table has log.n_customers() rows.
inline void add_lifecycle_columns(customer_table& table, const transaction_log& log, std::int64_t start,
                                  std::int64_t as_of, const score_config& config) {
  default_model_options mo;
  mo.decline_days = config.lifecycle_decline_days;
  mo.churn_days = config.lifecycle_churn_days;
  auto model = std::make_shared<const lifecycle_model>(default_lifecycle_model(mo));
  replay_options po;
  po.step = replay_step::monthly;
  po.n_threads = static_cast<std::size_t>(config.n_threads);
  const replay_result r = replay(model, log, start, as_of, po);
  const auto stages = r.machine.stages();
  std::vector<std::int32_t> stage(stages.begin(), stages.end());
  const auto entered = r.machine.entered_at();
  table.set_category_column("lifecycle_stage", {column<std::int32_t>::owned(std::move(stage)), make_levels(model->states())});
  table.set_time_column("stage_since", column<std::int64_t>::owned({entered.begin(), entered.end()}));
}

}  // namespace detail

CRMKIT_END_NAMESPACE
