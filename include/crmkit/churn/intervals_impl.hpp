// Definitions for crmkit/churn/intervals.hpp. Included by that header in header-only mode and
// by src/churn/intervals.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/intervals.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <boost/math/distributions/normal.hpp>
#include <fmt/format.h>

#include "crmkit/churn/detail/delta_method.hpp"  // delta_z, delta_gradient_at, delta_variance
#include "crmkit/churn/intervals.hpp"
#include "crmkit/core/option_table.hpp"
#include "crmkit/core/parallel_for.hpp"
#include "crmkit/error.hpp"
#include "crmkit/synth/random.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

// The covariance of ln p (k x k row-major): Sigma_ij / (p_i p_j), from `given` or the fit report.
inline std::vector<double> log_covariance(const btyd_model& model, std::span<const double> given, const char* where) {
  const auto p = model.params();  // not_fitted
  const std::size_t k = p.size();
  std::span<const double> cov = given;
  if (cov.empty()) {
    const fit_report* r = model.report();
    if (r == nullptr || r->covariance.empty())
      throw error(errc::invalid_argument,
                  fmt::format("{}: the {} model has no parameter covariance (it was given its parameters, loaded from a "
                              "document without one, or fitted with standard_errors off); pass one",
                              where, model.name()));
    cov = r->covariance;
  }
  if (cov.size() != k * k)
    throw error(errc::invalid_argument,
                fmt::format("{}: covariance has {} values, the {} model needs {} x {}", where, cov.size(), model.name(), k, k));
  std::vector<double> out(k * k);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) out[i * k + j] = cov[i * k + j] / (p[i] * p[j]);
  return out;
}

inline void predict_into(const btyd_model& m, btyd_prediction what, double t, std::span<const double> x,
                         std::span<const double> tx, std::span<const double> T, std::span<double> out, int n_threads) {
  switch (what) {
    case btyd_prediction::p_alive: m.conditional_probability_alive(x, tx, T, out, n_threads); return;
    case btyd_prediction::expected_purchases:
      m.conditional_expected_number_of_purchases_up_to_time(t, x, tx, T, out, n_threads);
      return;
    case btyd_prediction::p_no_purchase: m.conditional_probability_no_purchase(t, x, tx, T, out, n_threads); return;
  }
  throw error(errc::invalid_argument,
              fmt::format("btyd intervals: unknown prediction {} (1 p_alive, 2 expected_purchases, 3 p_no_purchase)",
                          static_cast<int>(what)));
}

inline void check_interval_options(const interval_options& o, const char* where) {
  ::crmkit::check_n_threads(o.n_threads, where);
  (void)delta_z(o.level, where);
}

// Predictions at p_hat and d f / d ln p_j, row by row: detail::delta_gradient_at (central
// differences, step 1e-4 in ln p) on a copy of the model. Its first call, at p_hat itself,
// validates every row and t before any perturbation.
inline delta_gradient gradient_of(const btyd_model& model, btyd_prediction what, double t,
                                  std::span<const double> x, std::span<const double> tx, std::span<const double> T,
                                  int n_threads) {
  delta_point point;
  point.params = model.params();
  point.log_scale.assign(point.params.size(), 1);
  const auto copy = model.clone();
  return delta_gradient_at(point, x.size(), [&](std::span<const double> params, std::span<double> out) {
    copy->set_params(params);
    predict_into(*copy, what, t, x, tx, T, out, n_threads);
  });
}

inline interval clipped(btyd_prediction what, double f, double var, double z, bool total, double n_rows) {
  interval r;
  r.estimate = f;
  r.standard_error = var >= 0 ? std::sqrt(var) : std::numeric_limits<double>::quiet_NaN();
  const double hi_limit = what == btyd_prediction::expected_purchases ? std::numeric_limits<double>::infinity()
                                                                      : (total ? n_rows : 1.0);
  r.lower = std::max(0.0, f - z * r.standard_error);
  r.upper = std::min(hi_limit, f + z * r.standard_error);
  if (std::isnan(r.standard_error)) r.lower = r.upper = std::numeric_limits<double>::quiet_NaN();
  return r;
}

// Bounds and spread of bootstrap totals (sorted in place): numpy's linear-interpolation quantiles.
inline interval summarise_draws(std::vector<double>& totals, double estimate, double level) {
  const std::size_t n_draws = totals.size();
  double mean = 0;
  for (double v : totals) mean += v;
  mean /= static_cast<double>(n_draws);
  double ss = 0;
  for (double v : totals) ss += (v - mean) * (v - mean);
  std::sort(totals.begin(), totals.end());
  auto quantile = [&](double prob) {
    const double pos = prob * static_cast<double>(n_draws - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, n_draws - 1);
    return totals[lo] + (pos - static_cast<double>(lo)) * (totals[hi] - totals[lo]);
  };
  interval r;
  r.estimate = estimate;
  r.standard_error = std::sqrt(ss / static_cast<double>(n_draws - 1));
  r.lower = quantile(0.5 - 0.5 * level);
  r.upper = quantile(0.5 + 0.5 * level);
  return r;
}

// One simulated customer of age T from the BTYD model `kind` with parameters p: (x, t_x).
inline void simulate_customer(btyd_kind kind, std::span<const double> p, double T, synth::random_stream& rng,
                              double& x, double& tx) {
  x = 0;
  tx = 0;
  const double lambda = synth::sample_gamma(rng, p[0]) / p[1];
  if (kind == btyd_kind::pareto_nbd) {
    const double mu = synth::sample_gamma(rng, p[2]) / p[3];
    const double end = std::min(T, synth::sample_exponential(rng) / mu);
    double clock = 0;
    while (lambda > 0) {
      clock += synth::sample_exponential(rng) / lambda;
      if (!(clock <= end)) break;
      x += 1;
      tx = clock;
    }
    return;
  }
  const double g1 = synth::sample_gamma(rng, p[2]), g2 = synth::sample_gamma(rng, p[3]);
  const double drop = g1 / (g1 + g2);
  if (kind == btyd_kind::modified_bg_nbd && rng.uniform() < drop) return;  // inactive from time 0
  double clock = 0;
  while (lambda > 0) {
    clock += synth::sample_exponential(rng) / lambda;
    if (!(clock <= T)) break;
    x += 1;
    tx = clock;
    if (rng.uniform() < drop) break;
  }
}

// Totals of `what` over the rows at the parameters refitted on n_draws data sets simulated
// from the model (see the file comment); NaN for a draw whose refit failed.
inline std::vector<double> refit_totals(const btyd_model& model, btyd_prediction what, double t,
                                        std::span<const double> x, std::span<const double> tx,
                                        std::span<const double> T, const interval_options& options, const char* where) {
  const btyd_kind kind = model.kind();
  if (kind != btyd_kind::bg_nbd && kind != btyd_kind::pareto_nbd && kind != btyd_kind::modified_bg_nbd)
    throw error(errc::unsupported, fmt::format("{}: the refit bootstrap simulates BG/NBD, Pareto/NBD and modified "
                                               "BG/NBD data; the {} model is not supported (use parameter_sampling)",
                                               where, model.name()));
  const std::span<const double> ages = options.population_T.empty() ? T : options.population_T;
  for (std::size_t i = 0; i < ages.size(); ++i)
    if (!(ages[i] > 0) || !std::isfinite(ages[i]))
      throw error(errc::invalid_argument,
                  fmt::format("{}: population_T[{}] = {} must be finite and > 0", where, i, ages[i]));
  const auto p = model.params();
  fit_options fo = model.options();
  fo.standard_errors = false;
  fo.n_threads = 1;
  fo.initial_params = p;
  const auto n_draws = static_cast<std::size_t>(options.n_draws);
  std::vector<double> totals(n_draws, std::numeric_limits<double>::quiet_NaN());
  crmkit::parallel_for(n_draws, 1, options.n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    auto copy = model.clone();
    std::vector<double> sx(ages.size()), stx(ages.size()), out(x.size());
    for (std::size_t b = begin; b < end; ++b) {
      synth::random_stream rng(options.seed, 0x72656669u /* "refi" */, b);
      for (std::size_t i = 0; i < ages.size(); ++i) simulate_customer(kind, p, ages[i], rng, sx[i], stx[i]);
      try {
        (void)copy->fit(sx, stx, ages, {}, fo);
        if (!copy->fitted()) continue;
        predict_into(*copy, what, t, x, tx, T, out, 1);
      } catch (const error&) {
        continue;  // a data set the model cannot be fitted on (say, no repeat purchase): left out
      }
      double sum = 0;
      for (double v : out) sum += v;
      totals[b] = sum;
    }
  });
  return totals;
}

}  // namespace detail

CRMKIT_FUNC std::vector<interval> parameter_intervals(const btyd_model& model, double level,
                                                      std::span<const double> covariance) {
  constexpr const char* where = "parameter_intervals";
  const double z = detail::delta_z(level, where);
  const auto s = detail::log_covariance(model, covariance, where);
  const auto p = model.params();
  const std::size_t k = p.size();
  std::vector<interval> out(k);
  for (std::size_t i = 0; i < k; ++i) {
    const double v = s[i * k + i];
    const double se_log = v >= 0 ? std::sqrt(v) : std::numeric_limits<double>::quiet_NaN();
    out[i] = {p[i], se_log * p[i], p[i] * std::exp(-z * se_log), p[i] * std::exp(z * se_log)};
  }
  return out;
}

CRMKIT_FUNC prediction_intervals delta_method_intervals(const btyd_model& model, btyd_prediction what, double t,
                                                        std::span<const double> x, std::span<const double> tx,
                                                        std::span<const double> T, const interval_options& options,
                                                        std::span<const double> covariance) {
  constexpr const char* where = "delta_method_intervals";
  detail::check_interval_options(options, where);
  const double z = detail::delta_z(options.level, where);
  const auto s = detail::log_covariance(model, covariance, where);
  const auto grad = detail::gradient_of(model, what, t, x, tx, T, options.n_threads);
  const std::size_t n = x.size(), k = grad.g.size();
  prediction_intervals r;
  r.estimate = grad.f;
  r.standard_error.resize(n);
  r.lower.resize(n);
  r.upper.resize(n);
  std::vector<double> g(k);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < k; ++j) g[j] = grad.g[j][i];
    const auto one = detail::clipped(what, grad.f[i], detail::delta_variance(s, g), z, false, 1);
    r.standard_error[i] = one.standard_error;
    r.lower[i] = one.lower;
    r.upper[i] = one.upper;
  }
  return r;
}

CRMKIT_FUNC interval delta_method_total_interval(const btyd_model& model, btyd_prediction what, double t,
                                                 std::span<const double> x, std::span<const double> tx,
                                                 std::span<const double> T, const interval_options& options,
                                                 std::span<const double> covariance) {
  constexpr const char* where = "delta_method_total_interval";
  detail::check_interval_options(options, where);
  const double z = detail::delta_z(options.level, where);
  const auto s = detail::log_covariance(model, covariance, where);
  const auto grad = detail::gradient_of(model, what, t, x, tx, T, options.n_threads);
  // Sums in row order (fixed, so independent of n_threads).
  double f = 0;
  for (double v : grad.f) f += v;
  std::vector<double> g(grad.g.size(), 0.0);
  for (std::size_t j = 0; j < g.size(); ++j)
    for (double v : grad.g[j]) g[j] += v;
  return detail::clipped(what, f, detail::delta_variance(s, g), z, true, static_cast<double>(x.size()));
}

CRMKIT_FUNC interval bootstrap_total_interval(const btyd_model& model, btyd_prediction what, double t,
                                              std::span<const double> x, std::span<const double> tx,
                                              std::span<const double> T, const interval_options& options,
                                              std::span<const double> covariance) {
  constexpr const char* where = "bootstrap_total_interval";
  detail::check_interval_options(options, where);
  if (options.n_draws < 10)
    throw error(errc::invalid_argument, fmt::format("{}: n_draws = {} must be >= 10", where, options.n_draws));
  if (options.method != bootstrap_method::parameter_sampling && options.method != bootstrap_method::refit)
    throw error(errc::invalid_argument, fmt::format("{}: unknown method {} (2 parameter_sampling, 3 refit)", where,
                                                    static_cast<int>(options.method)));
  std::vector<double> f(x.size());
  detail::predict_into(model, what, t, x, tx, T, f, 1);  // validates the rows before any thread starts
  double estimate = 0;
  for (double v : f) estimate += v;
  const auto n_draws = static_cast<std::size_t>(options.n_draws);
  if (options.method == bootstrap_method::refit) {
    auto all = detail::refit_totals(model, what, t, x, tx, T, options, where);
    std::vector<double> totals;
    for (double v : all)
      if (std::isfinite(v)) totals.push_back(v);
    if (totals.size() * 2 < n_draws)
      throw error(errc::invalid_argument,
                  fmt::format("{}: only {} of {} refits on simulated data succeeded (too few customers or repeat "
                              "purchases to fit the {} model on)",
                              where, totals.size(), n_draws, model.name()));
    return detail::summarise_draws(totals, estimate, options.level);
  }
  const auto s = detail::log_covariance(model, covariance, where);
  const auto p = model.params();
  const std::size_t k = p.size();
  Eigen::MatrixXd sigma(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j)
      sigma(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = s[i * k + j];
  const Eigen::LLT<Eigen::MatrixXd> llt(sigma);
  if (llt.info() != Eigen::Success || !sigma.allFinite())
    throw error(errc::invalid_argument,
                fmt::format("{}: the parameter covariance is not positive definite (a boundary fit?)", where));
  const Eigen::MatrixXd L = llt.matrixL();
  std::vector<double> totals(n_draws);
  // One draw per chunk: each draw b has its own stream (seed, b) and writes totals[b].
  crmkit::parallel_for(n_draws, 1, options.n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    auto copy = model.clone();
    std::vector<double> out(x.size()), z(k), q(k);
    for (std::size_t b = begin; b < end; ++b) {
      detail::synth::random_stream rng(options.seed, 0x62747964u /* "btyd" */, b);
      for (auto& v : z) v = rng.normal();
      for (std::size_t i = 0; i < k; ++i) {
        double shift = 0;
        for (std::size_t j = 0; j <= i; ++j)
          shift += L(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) * z[j];
        q[i] = p[i] * std::exp(shift);
      }
      copy->set_params(q);
      detail::predict_into(*copy, what, t, x, tx, T, out, 1);
      double sum = 0;
      for (double v : out) sum += v;
      totals[b] = sum;
    }
  });
  return detail::summarise_draws(totals, estimate, options.level);
}

CRMKIT_END_NAMESPACE
