// The delta method over any parameter vector and any per-row prediction, shared by the CLV
// and covariate-model intervals (crmkit/churn/clv_intervals.hpp, covariate_forecasts.hpp).
// Positive parameters are perturbed on the log scale (as crmkit/churn/intervals.hpp does),
// covariate weights on their own scale; the covariance is converted to match.
// IWYU pragma: private
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <span>
#include <vector>

#include <boost/math/distributions/normal.hpp>
#include <fmt/format.h>

#include "crmkit/churn/fit_report.hpp"
#include "crmkit/churn/intervals.hpp"
#include "crmkit/config.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

// z of a two-sided interval at `level` in (0, 1).
inline double delta_z(double level, const char* where) {
  if (!(level > 0 && level < 1))
    throw error(errc::invalid_argument, fmt::format("{}: level = {} must be in (0, 1)", where, level));
  return boost::math::quantile(boost::math::normal(), 0.5 + 0.5 * level);
}

// Writes the prediction of every row at `params` into `out`.
using delta_prediction = std::function<void(std::span<const double> params, std::span<double> out)>;

// A parameter vector for the delta method: its values, which ones are perturbed on the log
// scale (positive parameters) and the covariance of the perturbed coordinates theta
// (theta_j = ln p_j or p_j), k x k row-major.
struct delta_point {
  std::vector<double> params;
  std::vector<char> log_scale;
  std::vector<double> theta_covariance;
};

// The covariance of a fitted model from its report (or `given`, k x k), with an error saying
// why there is none.
inline std::span<const double> fitted_covariance(const fit_report* report, std::span<const double> given,
                                                 std::size_t k, const char* model, const char* where) {
  std::span<const double> cov = given;
  if (cov.empty()) {
    if (report == nullptr || report->covariance.empty())
      throw error(errc::invalid_argument,
                  fmt::format("{}: the {} model has no parameter covariance (it was given its parameters, loaded from "
                              "a document without one, or fitted with standard_errors off)",
                              where, model));
    cov = report->covariance;
  }
  if (cov.size() != k * k)
    throw error(errc::invalid_argument,
                fmt::format("{}: the {} model's covariance has {} values, it needs {} x {}", where, model, cov.size(), k, k));
  return cov;
}

// Appends a model's block to `point` (block-diagonal: the models were fitted independently).
// The first n_positive parameters are perturbed on the log scale, the rest (weights) as they are.
inline void append_block(delta_point& point, std::span<const double> params, std::size_t n_positive,
                         std::span<const double> cov) {
  const std::size_t k0 = point.params.size(), kb = params.size(), k = k0 + kb;
  std::vector<double> joined(k * k, 0.0);
  for (std::size_t i = 0; i < k0; ++i)
    for (std::size_t j = 0; j < k0; ++j) joined[i * k + j] = point.theta_covariance[i * k0 + j];
  for (std::size_t i = 0; i < kb; ++i)
    for (std::size_t j = 0; j < kb; ++j) {
      const double si = i < n_positive ? params[i] : 1.0, sj = j < n_positive ? params[j] : 1.0;
      joined[(k0 + i) * k + k0 + j] = cov[i * kb + j] / (si * sj);
    }
  point.theta_covariance = std::move(joined);
  for (std::size_t i = 0; i < kb; ++i) {
    point.params.push_back(params[i]);
    point.log_scale.push_back(i < n_positive ? 1 : 0);
  }
}

// f at the point and d f / d theta_j for every row by central differences (step 1e-4 in
// theta: relative 1e-4 for log-scale parameters, absolute 1e-4 for weights). g[j][i].
struct delta_gradient {
  std::vector<double> f;
  std::vector<std::vector<double>> g;
};

inline delta_gradient delta_gradient_at(const delta_point& point, std::size_t n, const delta_prediction& predict) {
  constexpr double h = 1e-4;
  delta_gradient r;
  r.f.resize(n);
  predict(point.params, r.f);
  std::vector<double> plus(n), minus(n), q = point.params;
  for (std::size_t j = 0; j < q.size(); ++j) {
    const double pj = point.params[j];
    q[j] = point.log_scale[j] ? pj * std::exp(h) : pj + h;
    predict(q, plus);
    q[j] = point.log_scale[j] ? pj * std::exp(-h) : pj - h;
    predict(q, minus);
    q[j] = pj;
    std::vector<double> g(n);
    for (std::size_t i = 0; i < n; ++i) g[i] = (plus[i] - minus[i]) / (2 * h);
    r.g.push_back(std::move(g));
  }
  return r;
}

inline double delta_variance(const std::vector<double>& s, std::span<const double> g) {
  const std::size_t k = g.size();
  double v = 0;
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t b = 0; b < k; ++b) v += g[a] * s[a * k + b] * g[b];
  return v;
}

// f -+ z se clipped to [0, hi]; NaN bounds when the variance is (a boundary fit) or f is NaN.
inline interval delta_interval(double f, double var, double z, double hi) {
  interval r;
  r.estimate = f;
  r.standard_error = var >= 0 ? std::sqrt(var) : std::numeric_limits<double>::quiet_NaN();
  r.lower = std::max(0.0, f - z * r.standard_error);
  r.upper = std::min(hi, f + z * r.standard_error);
  if (std::isnan(r.standard_error) || std::isnan(f)) r.lower = r.upper = std::numeric_limits<double>::quiet_NaN();
  return r;
}

// Per-row intervals (hi: the upper limit of one row's value, 1 for probabilities).
inline prediction_intervals delta_rows(const delta_point& point, std::size_t n, const delta_prediction& predict,
                                       double level, double hi, const char* where) {
  const double z = delta_z(level, where);
  const auto grad = delta_gradient_at(point, n, predict);
  const std::size_t k = grad.g.size();
  prediction_intervals r;
  r.estimate = grad.f;
  r.standard_error.resize(n);
  r.lower.resize(n);
  r.upper.resize(n);
  std::vector<double> g(k);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < k; ++j) g[j] = grad.g[j][i];
    const interval one = delta_interval(grad.f[i], delta_variance(point.theta_covariance, g), z, hi);
    r.standard_error[i] = one.standard_error;
    r.lower[i] = one.lower;
    r.upper[i] = one.upper;
  }
  return r;
}

// The interval of the rows' total (sums in row order: independent of threads).
inline interval delta_total(const delta_point& point, std::size_t n, const delta_prediction& predict, double level,
                            double hi_per_row, const char* where) {
  const double z = delta_z(level, where);
  const auto grad = delta_gradient_at(point, n, predict);
  double f = 0;
  for (double v : grad.f) f += v;
  std::vector<double> g(grad.g.size(), 0.0);
  for (std::size_t j = 0; j < g.size(); ++j)
    for (double v : grad.g[j]) g[j] += v;
  return delta_interval(f, delta_variance(point.theta_covariance, g), z, hi_per_row * static_cast<double>(n));
}

}  // namespace detail
CRMKIT_END_NAMESPACE
