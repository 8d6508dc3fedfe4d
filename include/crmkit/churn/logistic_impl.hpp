// Definitions for crmkit/churn/logistic.hpp. Included by that header in header-only mode
// and by src/churn/logistic.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/logistic.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <fmt/format.h>

#include "crmkit/churn/logistic.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail::logistic {

// log(1 + e^z) without overflow or cancellation.
inline double softplus(double z) noexcept { return std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))); }

// 1 / (1 + e^-z), evaluated on the side where exp cannot overflow.
inline double sigmoid(double z) noexcept {
  if (z >= 0.0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

inline void check_features(Eigen::Ref<const logistic_matrix> x, const char* function) {
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      if (!std::isfinite(x(i, j)))
        throw error(errc::invalid_argument,
                    fmt::format("{}: feature at row {}, column {} is {}; features must be finite numbers (impute or "
                                "drop missing values first)",
                                function, i, j, x(i, j)));
}

}  // namespace detail::logistic

CRMKIT_FUNC logistic_fit_report logistic_regression::fit(Eigen::Ref<const logistic_matrix> x, std::span<const double> y,
                                                         std::span<const double> sample_weight) {
  using namespace detail::logistic;
  const char* fn = "logistic_regression::fit";
  const auto& o = options_;
  validate_options(o, fn);  // the ranges of option_table<logistic_options>
  const auto n = static_cast<std::size_t>(x.rows());
  const auto d = x.cols();
  if (n == 0) throw error(errc::invalid_argument, fmt::format("{}: the feature matrix has no rows", fn));
  if (y.size() != n)
    throw error(errc::invalid_argument, fmt::format("{}: {} labels for {} feature rows", fn, y.size(), n));
  if (!sample_weight.empty() && sample_weight.size() != n)
    throw error(errc::invalid_argument, fmt::format("{}: {} sample weights for {} rows", fn, sample_weight.size(), n));
  check_features(x, fn);
  std::array<std::size_t, 2> count{0, 0};
  for (std::size_t i = 0; i < n; ++i) {
    if (y[i] != 0.0 && y[i] != 1.0)
      throw error(errc::invalid_argument,
                  fmt::format("{}: label at row {} is {}; labels must be 0 (stays) or 1 (churns)", fn, i, y[i]));
    ++count[y[i] == 1.0 ? 1 : 0];
  }
  if (count[0] == 0 || count[1] == 0)
    throw error(errc::invalid_argument,
                fmt::format("{}: all {} labels are {}; a classifier needs both classes (0 and 1) in the labels", fn, n,
                            count[1] == 0 ? 0 : 1));
  for (std::size_t i = 0; i < sample_weight.size(); ++i)
    if (!(sample_weight[i] >= 0.0) || !std::isfinite(sample_weight[i]))
      throw error(errc::invalid_argument,
                  fmt::format("{}: sample weight at row {} is {}; weights must be finite and >= 0", fn, i,
                              sample_weight[i]));

  // Per-class weights: scikit-learn 1.2 computes "balanced" from the unweighted counts.
  std::array<double, 2> cw{1.0, 1.0};
  if (o.class_weight == class_weight_mode::balanced)
    for (std::size_t k = 0; k < 2; ++k) cw[k] = static_cast<double>(n) / (2.0 * static_cast<double>(count[k]));
  else if (o.class_weight == class_weight_mode::given)
    cw = o.class_weights;
  Eigen::VectorXd omega(static_cast<Eigen::Index>(n));
  std::array<double, 2> class_total{0.0, 0.0};
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(y[i]);
    const double w = (sample_weight.empty() ? 1.0 : sample_weight[i]) * cw[k];
    omega[static_cast<Eigen::Index>(i)] = w;
    class_total[k] += w;
  }
  if (!(class_total[0] > 0.0) || !(class_total[1] > 0.0))
    throw error(errc::invalid_argument,
                fmt::format("{}: class {} has total weight 0 after sample and class weighting; both classes need "
                            "positive weight",
                            fn, class_total[0] > 0.0 ? 1 : 0));
  const double total_weight = class_total[0] + class_total[1];

  // Standardisation (StandardScaler: mean, population variance, constant columns kept at
  // scale 1 by its rule var <= n eps var + (n |mean| eps)^2).
  Eigen::VectorXd means = Eigen::VectorXd::Zero(d), scales = Eigen::VectorXd::Ones(d);
  if (o.standardize) {
    const double nd = static_cast<double>(n);
    const double eps = std::numeric_limits<double>::epsilon();
    for (Eigen::Index j = 0; j < d; ++j) {
      double sum = 0.0;
      for (Eigen::Index i = 0; i < x.rows(); ++i) sum += x(i, j);
      const double mean = sum / nd;
      double ss = 0.0;
      for (Eigen::Index i = 0; i < x.rows(); ++i) ss += (x(i, j) - mean) * (x(i, j) - mean);
      const double var = ss / nd;
      const double bound = nd * eps * var + (nd * mean * eps) * (nd * mean * eps);
      means[j] = mean;
      scales[j] = var <= bound ? 1.0 : std::sqrt(var);
    }
  }

  // The design matrix: standardised features, then a column of ones for the intercept.
  const Eigen::Index p = d + (o.fit_intercept ? 1 : 0);
  logistic_matrix a(static_cast<Eigen::Index>(n), p);
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    for (Eigen::Index j = 0; j < d; ++j) a(i, j) = (x(i, j) - means[j]) / scales[j];
    if (o.fit_intercept) a(i, d) = 1.0;
  }
  Eigen::VectorXd yv(static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) yv[static_cast<Eigen::Index>(i)] = y[i];
  // Penalty on w only: the intercept is free, as in scikit-learn's lbfgs solver.
  Eigen::VectorXd penalty = Eigen::VectorXd::Ones(p);
  if (o.fit_intercept) penalty[d] = 0.0;

  const double C = o.C;
  const double grad_scale = std::max(1.0, C * total_weight);
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(p);
  // Start at the optimum of the intercept-only model: logit of the weighted churn rate.
  if (o.fit_intercept) theta[d] = std::log(class_total[1] / class_total[0]);

  Eigen::VectorXd z(static_cast<Eigen::Index>(n)), prob(static_cast<Eigen::Index>(n)), r(static_cast<Eigen::Index>(n));
  const auto objective = [&](const Eigen::VectorXd& t, Eigen::VectorXd& zz) {
    zz.noalias() = a * t;
    double loss = 0.0;
    for (Eigen::Index i = 0; i < zz.size(); ++i) loss += omega[i] * (softplus(zz[i]) - yv[i] * zz[i]);
    return 0.5 * t.cwiseProduct(penalty).squaredNorm() + C * loss;
  };

  logistic_fit_report rep;
  double f = objective(theta, z);
  Eigen::VectorXd g(p), delta(p), trial(p), ztrial(static_cast<Eigen::Index>(n));
  logistic_matrix h(p, p);
  constexpr Eigen::Index block = 4096;  // rows per rank update: large enough for an efficient GEMM, 4096 (d + 1) doubles
  rep.status = fit_status::iteration_limit;
  for (int iter = 0;; ++iter) {
    for (Eigen::Index i = 0; i < z.size(); ++i) {
      prob[i] = sigmoid(z[i]);
      r[i] = omega[i] * (prob[i] - yv[i]);
    }
    g.noalias() = C * (a.transpose() * r);
    g += theta.cwiseProduct(penalty);
    rep.iterations = iter;
    rep.objective = f;
    rep.gradient_norm = g.size() ? g.cwiseAbs().maxCoeff() : 0.0;
    if (rep.gradient_norm <= o.tol * grad_scale) {
      rep.status = fit_status::converged;
      break;
    }
    if (iter >= o.max_iter) {
      rep.message = fmt::format("stopped at the iteration limit {} with gradient norm {:.3g}", o.max_iter,
                                rep.gradient_norm);
      break;
    }
    // Hessian C A' diag(omega p (1 - p)) A + diag(penalty), accumulated by row blocks so
    // that no second n x p matrix is held.
    h.setZero();
    for (Eigen::Index start = 0; start < a.rows(); start += block) {
      const Eigen::Index rows = std::min(block, a.rows() - start);
      logistic_matrix b = a.middleRows(start, rows);
      for (Eigen::Index i = 0; i < rows; ++i) {
        const double pi = prob[start + i];
        b.row(i) *= std::sqrt(C * omega[start + i] * pi * (1.0 - pi));
      }
      h.selfadjointView<Eigen::Lower>().rankUpdate(b.transpose());
    }
    h.diagonal() += penalty;
    h.triangularView<Eigen::StrictlyUpper>() = h.transpose();
    Eigen::LDLT<Eigen::MatrixXd> ldlt(h);
    delta = ldlt.solve(-g);
    double slope = g.dot(delta);
    if (ldlt.info() != Eigen::Success || !delta.allFinite() || !(slope < 0.0)) {
      delta = -g;  // steepest descent when the Hessian is numerically singular
      slope = -g.squaredNorm();
    }
    // Newton decrement: -slope = g' H^-1 g, and -slope / 2 predicts f - f*. Below the
    // resolution of f no line search can make progress: take the step and stop.
    const bool at_resolution = -0.5 * slope <= 8.0 * std::numeric_limits<double>::epsilon() * (1.0 + std::abs(f));
    double step = 1.0;
    bool accepted = false;
    for (int k = 0; k < 60; ++k, step *= 0.5) {
      trial = theta + step * delta;
      const double ft = objective(trial, ztrial);
      if (std::isfinite(ft) && (ft <= f + 1e-4 * step * slope || (at_resolution && ft <= f))) {
        theta.swap(trial);
        z.swap(ztrial);
        f = ft;
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      if (at_resolution) {
        rep.status = fit_status::converged;
        rep.iterations = iter + 1;
      } else {
        rep.status = fit_status::numerical_failure;
        rep.message = fmt::format("line search failed: no step along the Newton direction decreased the objective "
                                  "(gradient norm {:.3g})",
                                  rep.gradient_norm);
      }
      break;
    }
    if (at_resolution) {
      for (Eigen::Index i = 0; i < z.size(); ++i) r[i] = omega[i] * (sigmoid(z[i]) - yv[i]);
      g.noalias() = C * (a.transpose() * r);
      g += theta.cwiseProduct(penalty);
      rep.iterations = iter + 1;
      rep.objective = f;
      rep.gradient_norm = g.size() ? g.cwiseAbs().maxCoeff() : 0.0;
      rep.status = fit_status::converged;
      break;
    }
  }

  coef_ = theta.head(d);
  intercept_ = o.fit_intercept ? theta[d] : 0.0;
  means_ = std::move(means);
  scales_ = std::move(scales);
  report_ = rep;
  fitted_ = true;
  return rep;
}

CRMKIT_FUNC void logistic_regression::check_fitted(const char* function) const {
  if (!fitted_)
    throw error(errc::not_fitted,
                fmt::format("{}: the logistic regression is not fitted; call fit (or from_text) first", function));
}

CRMKIT_FUNC void logistic_regression::check_predict_input(Eigen::Ref<const logistic_matrix> x, std::size_t out_size,
                                                          const char* function) const {
  check_fitted(function);
  if (x.cols() != coef_.size())
    throw error(errc::invalid_argument, fmt::format("{}: {} feature columns; the model was fitted on {}", function,
                                                    x.cols(), coef_.size()));
  if (out_size != static_cast<std::size_t>(x.rows()))
    throw error(errc::invalid_argument,
                fmt::format("{}: output holds {} values for {} rows", function, out_size, x.rows()));
  detail::logistic::check_features(x, function);
}

CRMKIT_FUNC void logistic_regression::decision_function(Eigen::Ref<const logistic_matrix> x,
                                                        std::span<double> out) const {
  check_predict_input(x, out.size(), "logistic_regression::decision_function");
  // One fixed summation order over the stored parameters: a model read back with
  // from_text gives the same bits.
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    double s = intercept_;
    for (Eigen::Index j = 0; j < x.cols(); ++j) s += coef_[j] * ((x(i, j) - means_[j]) / scales_[j]);
    out[static_cast<std::size_t>(i)] = s;
  }
}

CRMKIT_FUNC void logistic_regression::predict_proba(Eigen::Ref<const logistic_matrix> x, std::span<double> out) const {
  check_predict_input(x, out.size(), "logistic_regression::predict_proba");
  decision_function(x, out);
  for (double& v : out) v = detail::logistic::sigmoid(v);
}

CRMKIT_FUNC Eigen::VectorXd logistic_regression::predict_proba(Eigen::Ref<const logistic_matrix> x) const {
  check_fitted("logistic_regression::predict_proba");
  Eigen::VectorXd out(x.rows());
  predict_proba(x, std::span<double>(out.data(), static_cast<std::size_t>(out.size())));
  return out;
}

CRMKIT_FUNC Eigen::VectorXd logistic_regression::coef() const {
  check_fitted("logistic_regression::coef");
  return coef_.cwiseQuotient(scales_);
}

CRMKIT_FUNC double logistic_regression::intercept() const {
  check_fitted("logistic_regression::intercept");
  double b = intercept_;
  for (Eigen::Index j = 0; j < coef_.size(); ++j) b -= coef_[j] * means_[j] / scales_[j];
  return b;
}

CRMKIT_FUNC const Eigen::VectorXd& logistic_regression::standardized_coef() const {
  check_fitted("logistic_regression::standardized_coef");
  return coef_;
}

CRMKIT_FUNC double logistic_regression::standardized_intercept() const {
  check_fitted("logistic_regression::standardized_intercept");
  return intercept_;
}

CRMKIT_FUNC const Eigen::VectorXd& logistic_regression::feature_means() const {
  check_fitted("logistic_regression::feature_means");
  return means_;
}

CRMKIT_FUNC const Eigen::VectorXd& logistic_regression::feature_scales() const {
  check_fitted("logistic_regression::feature_scales");
  return scales_;
}

CRMKIT_END_NAMESPACE
