// Definitions for crmkit/churn/covariate_forecasts.hpp. Included by that header in
// header-only mode and by src/churn/covariate_forecasts.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/covariate_forecasts.hpp"
#pragma once

#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "crmkit/churn/covariate_forecasts.hpp"
#include "crmkit/churn/detail/delta_method.hpp"
#include "crmkit/core/option_table.hpp"
#include "crmkit/core/parallel_for.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

inline const char* covariate_model_name(const bg_nbd_covariates&) noexcept { return "bg_nbd_covariates"; }
inline const char* covariate_model_name(const pareto_nbd_covariates&) noexcept { return "pareto_nbd_covariates"; }

// A copy of `m` with the parameters q (report order).
template <class M>
M with_params(const M& m, std::span<const double> q) {
  M copy = m;
  copy.set_params(q, m.n_purchase_covariates(), m.n_dropout_covariates(), m.l2());
  return copy;
}

template <class M>
void covariate_predict(const M& m, btyd_prediction what, double t, std::span<const double> x,
                       std::span<const double> tx, std::span<const double> T, std::span<const double> zp,
                       std::span<const double> zd, std::span<double> out, int n_threads) {
  switch (what) {
    case btyd_prediction::p_alive: m.p_alive(x, tx, T, zp, zd, out, n_threads); return;
    case btyd_prediction::expected_purchases: m.conditional_expected_purchases(t, x, tx, T, zp, zd, out, n_threads); return;
    case btyd_prediction::p_no_purchase: m.conditional_probability_no_purchase(t, x, tx, T, zp, zd, out, n_threads); return;
  }
  throw error(errc::invalid_argument,
              fmt::format("{} intervals: unknown prediction {} (1 p_alive, 2 expected_purchases, 3 p_no_purchase)",
                          covariate_model_name(m), static_cast<int>(what)));
}

// The purchase model's block of the delta point (4 positive base parameters, then weights).
template <class M>
void append_covariate_block(delta_point& point, const M& m, const char* where) {
  const auto p = m.params();  // not_fitted
  append_block(point, p, 4, fitted_covariance(m.report(), {}, p.size(), covariate_model_name(m), where));
}

template <class M>
delta_prediction covariate_prediction(const M& m, btyd_prediction what, double t, std::span<const double> x,
                                      std::span<const double> tx, std::span<const double> T,
                                      std::span<const double> zp, std::span<const double> zd,
                                      const interval_options& options, const char* where) {
  ::crmkit::check_n_threads(options.n_threads, where);
  (void)delta_z(options.level, where);
  std::vector<double> probe(x.size());
  covariate_predict(m, what, t, x, tx, T, zp, zd, probe, options.n_threads);  // validates rows, covariates, t, what
  const int n_threads = options.n_threads;
  return [&m, what, t, x, tx, T, zp, zd, n_threads](std::span<const double> q, std::span<double> out) {
    covariate_predict(with_params(m, q), what, t, x, tx, T, zp, zd, out, n_threads);
  };
}

// CLV per row under each customer's own purchase model and expected spend.
template <class M>
void covariate_clv(const M& purchases, const gamma_gamma_covariates& spend, std::span<const double> x,
                   std::span<const double> tx, std::span<const double> T, std::span<const double> monetary_value,
                   std::span<const double> zp, std::span<const double> zd, std::span<const double> zs,
                   std::span<double> out, const clv_options& clv) {
  constexpr const char* where = "customer_lifetime_value";
  check_clv_options(clv);
  ::crmkit::check_n_threads(clv.n_threads, where);
  const std::size_t n = x.size();
  if (tx.size() != n || T.size() != n || monetary_value.size() != n || out.size() != n)
    throw error(errc::invalid_argument,
                fmt::format("{}: lengths differ (frequency {}, recency {}, T {}, monetary {}, out {})", where, n,
                            tx.size(), T.size(), monetary_value.size(), out.size()));
  // Validates the rows and both covariate matrices before any thread starts.
  std::vector<double> e_spend(n);
  purchases.p_alive(x, tx, T, zp, zd, out, clv.n_threads);
  spend.conditional_expected_spend(x, monetary_value, zs, e_spend, clv.n_threads);
  const std::size_t p1 = purchases.n_purchase_covariates(), p2 = purchases.n_dropout_covariates();
  crmkit::parallel_for(n, 256, clv.n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      try {
        const auto one = purchases.customer_model(zp.subspan(i * p1, p1), zd.subspan(i * p2, p2));
        out[i] = customer_lifetime_value(one, e_spend[i], x[i], tx[i], T[i], clv);
      } catch (const error&) {
        out[i] = std::numeric_limits<double>::quiet_NaN();  // exp(gamma' z) overflowed for this customer
      }
    }
  });
}

template <class M>
struct covariate_clv_problem {
  delta_point point;
  delta_prediction predict;
};

template <class M>
covariate_clv_problem<M> covariate_clv_delta(const M& purchases, const gamma_gamma_covariates& spend,
                                             std::span<const double> x, std::span<const double> tx,
                                             std::span<const double> T, std::span<const double> monetary_value,
                                             std::span<const double> zp, std::span<const double> zd,
                                             std::span<const double> zs, const clv_options& clv,
                                             const interval_options& options, const char* where) {
  ::crmkit::check_n_threads(options.n_threads, where);
  (void)delta_z(options.level, where);
  clv_options c = clv;
  c.n_threads = options.n_threads;
  std::vector<double> probe(x.size());
  covariate_clv(purchases, spend, x, tx, T, monetary_value, zp, zd, zs, probe, c);  // validates everything
  covariate_clv_problem<M> pr;
  append_covariate_block(pr.point, purchases, where);
  const auto sp = spend.params();
  append_block(pr.point, sp, 3, fitted_covariance(spend.report(), {}, sp.size(), "gamma_gamma_covariates", where));
  const std::size_t kp = purchases.params().size(), k = spend.n_covariates();
  pr.predict = [&purchases, &spend, kp, k, c, x, tx, T, monetary_value, zp, zd, zs](std::span<const double> q,
                                                                                    std::span<double> out) {
    gamma_gamma_covariates s = spend;
    s.set_params(q.subspan(kp), k, spend.l2());
    covariate_clv(with_params(purchases, q.subspan(0, kp)), s, x, tx, T, monetary_value, zp, zd, zs, out, c);
  };
  return pr;
}

template <class M>
new_customer_forecast covariate_new_customer(const M& purchases, std::span<const double> z,
                                             std::span<const double> w, std::span<const double> horizons,
                                             const gamma_gamma_covariates* spend, std::span<const double> s) {
  const auto one = purchases.customer_model(z, w);  // not_fitted; sizes, values
  double mean_spend = 0.0;
  if (spend != nullptr) {
    const double zero[1] = {0.0};
    double e[1] = {0.0};
    spend->conditional_expected_spend(zero, zero, s, e);  // p gamma0 exp(delta' s)/(q-1); checks s
    mean_spend = e[0];
  }
  for (std::size_t i = 0; i < horizons.size(); ++i)
    if (!(horizons[i] >= 0) || !std::isfinite(horizons[i]))
      throw error(errc::invalid_argument,
                  fmt::format("forecast_new_customer: horizons[{}] = {} must be finite and >= 0", i, horizons[i]));
  new_customer_forecast f;
  for (const double t : horizons) f.expected_purchases.push_back(one.conditional_expected_purchases(t, 0.0, 0.0, 0.0));
  if (spend != nullptr)
    for (const double v : f.expected_purchases) f.expected_revenue.push_back(v * mean_spend);
  return f;
}

inline double prediction_limit(btyd_prediction what) {
  return what == btyd_prediction::expected_purchases ? std::numeric_limits<double>::infinity() : 1.0;
}

template <class M>
prediction_intervals covariate_rows(const M& m, btyd_prediction what, double t, std::span<const double> x,
                                    std::span<const double> tx, std::span<const double> T, std::span<const double> zp,
                                    std::span<const double> zd, const interval_options& options) {
  constexpr const char* where = "delta_method_intervals";
  const auto predict = covariate_prediction(m, what, t, x, tx, T, zp, zd, options, where);
  delta_point point;
  append_covariate_block(point, m, where);
  return delta_rows(point, x.size(), predict, options.level, prediction_limit(what), where);
}

template <class M>
interval covariate_total(const M& m, btyd_prediction what, double t, std::span<const double> x,
                         std::span<const double> tx, std::span<const double> T, std::span<const double> zp,
                         std::span<const double> zd, const interval_options& options) {
  constexpr const char* where = "delta_method_total_interval";
  const auto predict = covariate_prediction(m, what, t, x, tx, T, zp, zd, options, where);
  delta_point point;
  append_covariate_block(point, m, where);
  return delta_total(point, x.size(), predict, options.level, prediction_limit(what), where);
}

}  // namespace detail

#define CRMKIT_COVARIATE_FORECASTS_(M)                                                                                \
  CRMKIT_FUNC prediction_intervals delta_method_intervals(                                                          \
      const M& model, btyd_prediction what, double t, std::span<const double> x, std::span<const double> tx,       \
      std::span<const double> T, std::span<const double> z_purchase, std::span<const double> z_dropout,           \
      const interval_options& options) {                                                                            \
    return detail::covariate_rows(model, what, t, x, tx, T, z_purchase, z_dropout, options);                       \
  }                                                                                                                 \
  CRMKIT_FUNC interval delta_method_total_interval(                                                                 \
      const M& model, btyd_prediction what, double t, std::span<const double> x, std::span<const double> tx,       \
      std::span<const double> T, std::span<const double> z_purchase, std::span<const double> z_dropout,           \
      const interval_options& options) {                                                                            \
    return detail::covariate_total(model, what, t, x, tx, T, z_purchase, z_dropout, options);                      \
  }                                                                                                                 \
  CRMKIT_FUNC void customer_lifetime_value(                                                                         \
      const M& purchases, const gamma_gamma_covariates& spend, std::span<const double> x,                          \
      std::span<const double> tx, std::span<const double> T, std::span<const double> monetary_value,              \
      std::span<const double> z_purchase, std::span<const double> z_dropout, std::span<const double> z_spend,     \
      std::span<double> out, const clv_options& clv) {                                                              \
    detail::covariate_clv(purchases, spend, x, tx, T, monetary_value, z_purchase, z_dropout, z_spend, out, clv);   \
  }                                                                                                                 \
  CRMKIT_FUNC prediction_intervals clv_intervals(                                                                   \
      const M& purchases, const gamma_gamma_covariates& spend, std::span<const double> x,                          \
      std::span<const double> tx, std::span<const double> T, std::span<const double> monetary_value,              \
      std::span<const double> z_purchase, std::span<const double> z_dropout, std::span<const double> z_spend,     \
      const clv_options& clv, const interval_options& options) {                                                    \
    const auto pr = detail::covariate_clv_delta(purchases, spend, x, tx, T, monetary_value, z_purchase, z_dropout, \
                                                z_spend, clv, options, "clv_intervals");                            \
    return detail::delta_rows(pr.point, x.size(), pr.predict, options.level,                                       \
                              std::numeric_limits<double>::infinity(), "clv_intervals");                           \
  }                                                                                                                 \
  CRMKIT_FUNC interval clv_total_interval(                                                                          \
      const M& purchases, const gamma_gamma_covariates& spend, std::span<const double> x,                          \
      std::span<const double> tx, std::span<const double> T, std::span<const double> monetary_value,              \
      std::span<const double> z_purchase, std::span<const double> z_dropout, std::span<const double> z_spend,     \
      const clv_options& clv, const interval_options& options) {                                                    \
    const auto pr = detail::covariate_clv_delta(purchases, spend, x, tx, T, monetary_value, z_purchase, z_dropout, \
                                                z_spend, clv, options, "clv_total_interval");                       \
    return detail::delta_total(pr.point, x.size(), pr.predict, options.level,                                      \
                               std::numeric_limits<double>::infinity(), "clv_total_interval");                      \
  }                                                                                                                 \
  CRMKIT_FUNC new_customer_forecast forecast_new_customer(const M& purchases, std::span<const double> z,            \
                                                          std::span<const double> w,                                \
                                                          std::span<const double> horizons,                         \
                                                          const gamma_gamma_covariates* spend,                      \
                                                          std::span<const double> s) {                              \
    return detail::covariate_new_customer(purchases, z, w, horizons, spend, s);                                     \
  }

CRMKIT_COVARIATE_FORECASTS_(bg_nbd_covariates)
CRMKIT_COVARIATE_FORECASTS_(pareto_nbd_covariates)
#undef CRMKIT_COVARIATE_FORECASTS_

CRMKIT_END_NAMESPACE
