// Definitions for crmkit/churn/group_forecast.hpp. Included by that header in header-only
// mode and by src/churn/group_forecast.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/group_forecast.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/math/distributions/normal.hpp>
#include <fmt/format.h>

#include "crmkit/churn/group_forecast.hpp"
#include "crmkit/core/exact_sum.hpp"
#include "crmkit/core/option_table.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

inline constexpr double group_forecast_nan = std::numeric_limits<double>::quiet_NaN();

// The covariance of ln p (k x k) from a fit report's covariance of p (model order).
inline std::vector<double> group_forecast_log_covariance(const std::vector<double>& p, const fit_report* report,
                                                         const char* model, const char* where) {
  const std::size_t k = p.size();
  if (report == nullptr || report->covariance.size() != k * k)
    throw error(errc::invalid_argument,
                fmt::format("{}: the {} model has no parameter covariance (it was given its parameters, loaded from a "
                            "document without one, or fitted with standard_errors off); refit it, or set "
                            "intervals = false",
                            where, model));
  std::vector<double> out(k * k);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) out[i * k + j] = report->covariance[i * k + j] / (p[i] * p[j]);
  return out;
}

inline double group_forecast_quadratic(const std::vector<double>& s, const std::vector<double>& g) {
  const std::size_t k = g.size();
  double v = 0;
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t b = 0; b < k; ++b) v += g[a] * s[a * k + b] * g[b];
  return v;
}

// Exact (order-free) sums of one group.
struct group_forecast_sums {
  std::size_t customers = 0;
  exact_sum purchases, revenue, actual_purchases, actual_revenue;
  std::vector<exact_sum> d_purchases;     // d P / d ln theta_j
  std::vector<exact_sum> d_revenue;       // d R / d ln theta_j
  std::vector<exact_sum> d_revenue_spend; // d R / d ln phi_k
};

inline interval group_forecast_interval(double estimate, double variance, double z) {
  interval r;
  r.estimate = estimate;
  r.standard_error = variance >= 0 ? std::sqrt(variance) : group_forecast_nan;
  if (std::isnan(r.standard_error)) {
    r.lower = r.upper = group_forecast_nan;
  } else {
    r.lower = std::max(0.0, estimate - z * r.standard_error);
    r.upper = estimate + z * r.standard_error;
  }
  return r;
}

inline forecast_accuracy group_forecast_accuracy(const interval& predicted, double actual, bool has_actual) {
  forecast_accuracy a{group_forecast_nan, group_forecast_nan, group_forecast_nan, group_forecast_nan, -1};
  if (!has_actual) return a;
  a.actual = actual;
  a.error = predicted.estimate - actual;
  if (actual > 0) {
    a.relative_error = a.error / actual;
    a.absolute_percentage_error = std::abs(a.error) / actual;
  }
  if (!std::isnan(predicted.lower) && !std::isnan(predicted.upper))
    a.in_interval = predicted.lower <= actual && actual <= predicted.upper ? 1 : 0;
  return a;
}

inline void check_group_forecast_values(std::span<const double> v, const char* what, const char* where) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!(v[i] >= 0) || !std::isfinite(v[i]))
      throw error(errc::invalid_argument,
                  fmt::format("{}: {}[row {}] = {} must be finite and >= 0", where, what, i, v[i]));
}

}  // namespace detail

CRMKIT_FUNC group_forecast forecast_by_group(const btyd_model& purchases, const gamma_gamma* spend,
                                             std::span<const std::int64_t> group, std::span<const double> frequency,
                                             std::span<const double> recency, std::span<const double> T,
                                             std::span<const double> monetary_value,
                                             const group_forecast_options& options,
                                             std::span<const double> actual_purchases,
                                             std::span<const double> actual_revenue) {
  constexpr const char* where = "forecast_by_group";
  const std::size_t n = frequency.size();
  if (n == 0) throw error(errc::invalid_argument, fmt::format("{}: no rows", where));
  auto same_length = [&](std::size_t size, const char* what) {
    if (size != n)
      throw error(errc::invalid_argument,
                  fmt::format("{}: {} has {} values, frequency has {}", where, what, size, n));
  };
  same_length(group.size(), "group");
  same_length(recency.size(), "recency");
  same_length(T.size(), "T");
  if (spend != nullptr) {
    same_length(monetary_value.size(), "monetary_value");
  } else if (!monetary_value.empty() || !actual_revenue.empty()) {
    throw error(errc::invalid_argument,
                fmt::format("{}: {} given without a spend model (revenue needs a Gamma-Gamma model)", where,
                            monetary_value.empty() ? "actual_revenue" : "monetary_value"));
  }
  if (!actual_purchases.empty()) same_length(actual_purchases.size(), "actual_purchases");
  if (!actual_revenue.empty()) same_length(actual_revenue.size(), "actual_revenue");
  if (!(std::isfinite(options.horizon) && options.horizon > 0))
    throw error(errc::invalid_argument,
                fmt::format("{}: horizon = {} must be finite and > 0 (in the model's time unit)", where, options.horizon));
  if (!(options.level > 0 && options.level < 1))
    throw error(errc::invalid_argument, fmt::format("{}: level = {} must be in (0, 1)", where, options.level));
  check_n_threads(options.n_threads, where);
  detail::check_group_forecast_values(monetary_value, "monetary_value", where);
  detail::check_group_forecast_values(actual_purchases, "actual_purchases", where);
  detail::check_group_forecast_values(actual_revenue, "actual_revenue", where);
  const int threads = options.n_threads;
  const double t = options.horizon;

  // Predictions (the model checks every row and t) and, for the intervals, their
  // derivatives in the log-parameters by central differences (intervals.hpp's step).
  constexpr double h = 1e-4;
  std::vector<double> f(n);
  purchases.conditional_expected_number_of_purchases_up_to_time(t, frequency, recency, T, f, threads);
  const auto theta = purchases.params();
  std::vector<double> theta_cov;
  std::vector<std::vector<double>> df;  // df[j][i]
  if (options.intervals) {
    theta_cov = detail::group_forecast_log_covariance(theta, purchases.report(), purchases.name(), where);
    auto copy = purchases.clone();
    std::vector<double> plus(n), minus(n);
    for (std::size_t j = 0; j < theta.size(); ++j) {
      auto q = theta;
      q[j] = theta[j] * std::exp(h);
      copy->set_params(q);
      copy->conditional_expected_number_of_purchases_up_to_time(t, frequency, recency, T, plus, threads);
      q[j] = theta[j] * std::exp(-h);
      copy->set_params(q);
      copy->conditional_expected_number_of_purchases_up_to_time(t, frequency, recency, T, minus, threads);
      std::vector<double> g(n);
      for (std::size_t i = 0; i < n; ++i) g[i] = (plus[i] - minus[i]) / (2 * h);
      df.push_back(std::move(g));
    }
  }
  std::vector<double> s;                // E[Z_i]
  std::vector<std::vector<double>> ds;  // ds[k][i]
  std::vector<double> phi_cov;
  if (spend != nullptr) {
    const gamma_gamma_params phi = spend->params();  // not_fitted
    if (!(phi.q > 1))
      throw error(errc::invalid_argument,
                  fmt::format("{}: the spend model has q = {} <= 1: its mean spend does not exist", where, phi.q));
    s.resize(n);
    spend->conditional_expected_spend(frequency, monetary_value, s, threads);
    if (options.intervals) {
      const std::vector<double> p{phi.p, phi.q, phi.gamma};
      phi_cov = detail::group_forecast_log_covariance(p, spend->report(), "gamma_gamma", where);
      std::vector<double> plus(n), minus(n);
      for (std::size_t k = 0; k < 3; ++k) {
        auto q = p;
        q[k] = p[k] * std::exp(h);
        gamma_gamma(gamma_gamma_params{q[0], q[1], q[2]})
            .conditional_expected_spend(frequency, monetary_value, plus, threads);
        q[k] = p[k] * std::exp(-h);
        gamma_gamma(gamma_gamma_params{q[0], q[1], q[2]})
            .conditional_expected_spend(frequency, monetary_value, minus, threads);
        std::vector<double> g(n);
        for (std::size_t i = 0; i < n; ++i) g[i] = (plus[i] - minus[i]) / (2 * h);
        ds.push_back(std::move(g));
      }
    }
  }

  // Groups: the distinct keys in order, then the missing group.
  std::vector<std::int64_t> keys;
  for (std::int64_t k : group)
    if (k != missing_int64) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  const std::size_t n_groups = keys.size() + 1;  // + missing
  auto fresh = [&] {
    detail::group_forecast_sums a;
    a.d_purchases.resize(df.size());
    a.d_revenue.resize(df.size());
    a.d_revenue_spend.resize(ds.size());
    return a;
  };
  std::vector<detail::group_forecast_sums> sums(n_groups, fresh());
  detail::group_forecast_sums all = fresh();
  auto add = [&](detail::group_forecast_sums& a, std::size_t i) {
    ++a.customers;
    a.purchases.add(f[i]);
    for (std::size_t j = 0; j < df.size(); ++j) a.d_purchases[j].add(df[j][i]);
    if (spend != nullptr) {
      a.revenue.add(f[i] * s[i]);
      for (std::size_t j = 0; j < df.size(); ++j) a.d_revenue[j].add(df[j][i] * s[i]);
      for (std::size_t k = 0; k < ds.size(); ++k) a.d_revenue_spend[k].add(f[i] * ds[k][i]);
    }
    if (!actual_purchases.empty()) a.actual_purchases.add(actual_purchases[i]);
    if (!actual_revenue.empty()) a.actual_revenue.add(actual_revenue[i]);
  };
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t gi =
        group[i] == missing_int64
            ? keys.size()
            : static_cast<std::size_t>(std::lower_bound(keys.begin(), keys.end(), group[i]) - keys.begin());
    add(sums[gi], i);
    add(all, i);
  }

  const double z = boost::math::quantile(boost::math::normal(), 0.5 + 0.5 * options.level);
  group_forecast out;
  out.horizon = t;
  out.level = options.level;
  out.has_revenue = spend != nullptr;
  out.has_actual_purchases = !actual_purchases.empty();
  out.has_actual_revenue = !actual_revenue.empty();
  auto values = [](const std::vector<exact_sum>& v) {
    std::vector<double> r(v.size());
    for (std::size_t j = 0; j < v.size(); ++j) r[j] = v[j].value();
    return r;
  };
  auto finish = [&](const detail::group_forecast_sums& a, std::int64_t key, std::string label, bool missing) {
    if (!a.purchases.ok() || (spend != nullptr && !a.revenue.ok()))
      throw error(errc::invalid_argument,
                  fmt::format("{}: the total of group '{}' is beyond +-3.6e16 or not finite", where, label));
    group_forecast_row r;
    r.key = key;
    r.label = std::move(label);
    r.missing = missing;
    r.customers = a.customers;
    const double var_p = options.intervals ? detail::group_forecast_quadratic(theta_cov, values(a.d_purchases))
                                           : detail::group_forecast_nan;
    r.purchases = detail::group_forecast_interval(a.purchases.value(), var_p, z);
    if (spend != nullptr) {
      const double var_r = options.intervals
                               ? detail::group_forecast_quadratic(theta_cov, values(a.d_revenue)) +
                                     detail::group_forecast_quadratic(phi_cov, values(a.d_revenue_spend))
                               : detail::group_forecast_nan;
      r.revenue = detail::group_forecast_interval(a.revenue.value(), var_r, z);
    } else {
      r.revenue = {detail::group_forecast_nan, detail::group_forecast_nan, detail::group_forecast_nan,
                   detail::group_forecast_nan};
    }
    r.purchases_accuracy =
        detail::group_forecast_accuracy(r.purchases, a.actual_purchases.value(), out.has_actual_purchases);
    r.revenue_accuracy = detail::group_forecast_accuracy(r.revenue, a.actual_revenue.value(), out.has_actual_revenue);
    return r;
  };
  for (std::size_t gi = 0; gi < n_groups; ++gi) {
    if (sums[gi].customers == 0) continue;
    const bool missing = gi == keys.size();
    out.groups.push_back(finish(sums[gi], missing ? missing_int64 : keys[gi],
                                missing ? std::string() : std::to_string(keys[gi]), missing));
  }
  out.total = finish(all, missing_int64, "total", false);

  // Across groups: WAPE (weighted by actual) and MAPE (groups with actual > 0).
  auto summary = [&](forecast_accuracy group_forecast_row::*m, bool has, double& wape, double& mape) {
    wape = mape = detail::group_forecast_nan;
    if (!has) return;
    exact_sum abs_error, actual;
    exact_sum ape;
    std::size_t counted = 0;
    for (const auto& r : out.groups) {
      const forecast_accuracy& a = r.*m;
      abs_error.add(std::abs(a.error));
      actual.add(a.actual);
      if (a.actual > 0) {
        ape.add(a.absolute_percentage_error);
        ++counted;
      }
    }
    if (actual.value() > 0) wape = abs_error.value() / actual.value();
    if (counted > 0) mape = ape.value() / static_cast<double>(counted);
  };
  summary(&group_forecast_row::purchases_accuracy, out.has_actual_purchases, out.purchases_wape, out.purchases_mape);
  summary(&group_forecast_row::revenue_accuracy, out.has_actual_revenue, out.revenue_wape, out.revenue_mape);
  return out;
}

CRMKIT_FUNC group_keys group_keys_of(const customer_table& table, std::string_view column,
                                     std::span<const std::int32_t> customer) {
  constexpr const char* where = "group_keys_of";
  const table_column& c = table.column(column);  // not_found naming the columns present
  for (std::size_t r = 0; r < customer.size(); ++r)
    if (customer[r] < 0 || static_cast<std::size_t>(customer[r]) >= table.size())
      throw error(errc::invalid_argument,
                  fmt::format("{}: customer[row {}] = {} is not a row of the table ({} rows)", where, r, customer[r],
                              table.size()));
  group_keys out;
  out.key.resize(customer.size());
  switch (c.type) {
    case column_type::category: {
      for (std::size_t r = 0; r < customer.size(); ++r) {
        const std::int32_t code = c.category.codes[static_cast<std::size_t>(customer[r])];
        out.key[r] = code < 0 ? missing_int64 : code;
      }
      const auto& levels = *c.category.levels;
      out.levels.reserve(levels.size());
      for (std::size_t l = 0; l < levels.size(); ++l) out.levels.emplace_back(levels.at(static_cast<std::int32_t>(l)));
      break;
    }
    case column_type::int64:
      for (std::size_t r = 0; r < customer.size(); ++r) out.key[r] = c.int64[static_cast<std::size_t>(customer[r])];
      break;
    case column_type::float64:
      for (std::size_t r = 0; r < customer.size(); ++r) {
        const double v = c.float64[static_cast<std::size_t>(customer[r])];
        if (std::isnan(v)) {
          out.key[r] = missing_int64;
        } else if (v == std::floor(v) && std::abs(v) <= 9007199254740992.0) {
          out.key[r] = static_cast<std::int64_t>(v);
        } else {
          throw error(errc::invalid_argument,
                      fmt::format("{}: column '{}' (float64) has {} at table row {}: only whole numbers group; bin "
                                  "the column first (or use a category or int64 column)",
                                  where, column, v, customer[r]));
        }
      }
      break;
    case column_type::time:
      throw error(errc::invalid_argument,
                  fmt::format("{}: column '{}' holds times; group by a category or integer column (bin the times "
                              "into periods first)",
                              where, column));
  }
  return out;
}

CRMKIT_FUNC group_forecast forecast_by_group(const customer_table& table, std::string_view column,
                                             const btyd_summary& summary, const btyd_model& purchases,
                                             const gamma_gamma* spend, const group_forecast_options& options,
                                             std::span<const double> actual_revenue) {
  const group_keys keys = group_keys_of(table, column, summary.customer);
  auto out = forecast_by_group(purchases, spend, keys.key, summary.frequency, summary.recency, summary.T,
                               spend != nullptr ? std::span<const double>(summary.monetary_value)
                                                : std::span<const double>(),
                               options, summary.frequency_holdout, actual_revenue);
  if (!keys.levels.empty())
    for (auto& r : out.groups)
      if (!r.missing) r.label = keys.levels[static_cast<std::size_t>(r.key)];
  return out;
}

CRMKIT_FUNC std::vector<double> summarize_holdout_revenue(const transaction_log& log, const btyd_summary& summary,
                                                          const btyd_summary_options& options) {
  constexpr const char* where = "summarize_holdout_revenue";
  if (!options.holdout_end)
    throw error(errc::invalid_argument, fmt::format("{}: the summary options have no hold-out end", where));
  const std::int64_t cal_day = floor_days(options.calibration_end);
  const std::int64_t holdout_day = floor_days(*options.holdout_end);
  std::vector<exact_sum> revenue(log.n_customers());
  const auto customers = log.customer();
  const auto times = log.time();
  const auto amounts = log.amount();
  for (std::size_t i = 0; i < log.size(); ++i) {
    const std::int64_t day = floor_days(times[i]);
    if (day > cal_day && day <= holdout_day) revenue[static_cast<std::size_t>(customers[i])].add(amounts[i]);
  }
  std::vector<double> out(summary.size());
  for (std::size_t r = 0; r < summary.size(); ++r) {
    const std::int32_t c = summary.customer[r];
    if (c < 0 || static_cast<std::size_t>(c) >= revenue.size())
      throw error(errc::invalid_argument,
                  fmt::format("{}: summary row {} names customer index {}, the log has {} customers", where, r, c,
                              revenue.size()));
    out[r] = revenue[static_cast<std::size_t>(c)].value();
  }
  return out;
}

CRMKIT_FUNC group_forecast forecast_holdout_by_group(const dataset& data, const customer_table& groups,
                                                     std::string_view column,
                                                     const holdout_forecast_options& options,
                                                     const btyd_model* purchases, const gamma_gamma* spend) {
  constexpr const char* where = "forecast_holdout_by_group";
  if (groups.size() != data.n_customers())
    throw error(errc::invalid_argument,
                fmt::format("{}: the groups table has {} customers, the dataset {}", where, groups.size(),
                            data.n_customers()));
  if (&groups.ids() != &data.customers().ids())
    for (std::size_t i = 0; i < groups.size(); ++i) {
      const auto row = static_cast<std::int32_t>(i);
      if (groups.id(row) != data.customers().id(row))
        throw error(errc::invalid_argument,
                    fmt::format("{}: row {} of the groups table is customer '{}', of the dataset '{}'", where, i,
                                groups.id(row), data.customers().id(row)));
    }
  check_n_threads(options.n_threads, where);
  (void)groups.column(column);  // an unknown column fails before the fits
  btyd_summary_options so;
  so.calibration_end = options.calibration_end;
  so.holdout_end = options.holdout_end;
  so.period_days = options.period_days;
  const btyd_summary summary = summarize_btyd(data.transactions(), so);
  fit_options fo = options.fit;
  fo.n_threads = options.n_threads;
  std::unique_ptr<btyd_model> fitted;
  if (purchases == nullptr) {
    fitted = make_btyd_model(options.model);
    const fit_report r = fitted->fit(summary, fo);
    if (!r.converged())
      throw error(errc::invalid_argument,
                  fmt::format("{}: the {} fit on the calibration summary did not converge ({}: {}); fit the model "
                              "yourself and pass it",
                              where, fitted->name(), to_string(r.status), r.message));
    purchases = fitted.get();
  }
  gamma_gamma fitted_spend;
  if (spend == nullptr && options.revenue) {
    const fit_report r = fitted_spend.fit(summary.frequency, summary.monetary_value, {}, fo);
    if (!r.converged())
      throw error(errc::invalid_argument,
                  fmt::format("{}: the Gamma-Gamma fit on the calibration summary did not converge ({}: {}); fit "
                              "the model yourself and pass it",
                              where, to_string(r.status), r.message));
    spend = &fitted_spend;
  }
  group_forecast_options go;
  go.horizon = summary.duration_holdout;
  go.level = options.level;
  go.n_threads = options.n_threads;
  go.intervals = options.intervals;
  const std::vector<double> revenue =
      spend != nullptr ? summarize_holdout_revenue(data.transactions(), summary, so) : std::vector<double>();
  return forecast_by_group(groups, column, summary, *purchases, spend, go, revenue);
}

CRMKIT_END_NAMESPACE
