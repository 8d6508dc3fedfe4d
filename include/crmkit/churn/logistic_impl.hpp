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

#include "crmkit/churn/detail/logistic_kernels.hpp"
#include "crmkit/churn/logistic.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail::logistic {

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
  // omega_i = sample weight x class weight; not stored when every row weighs 1.
  const bool unit_weights = sample_weight.empty() && cw[0] == 1.0 && cw[1] == 1.0;
  Eigen::VectorXd omega(unit_weights ? 0 : static_cast<Eigen::Index>(n));
  std::array<double, 2> class_total{0.0, 0.0};
  if (unit_weights) {
    class_total = {static_cast<double>(count[0]), static_cast<double>(count[1])};
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      const auto k = static_cast<std::size_t>(y[i]);
      const double w = (sample_weight.empty() ? 1.0 : sample_weight[i]) * cw[k];
      omega[static_cast<Eigen::Index>(i)] = w;
      class_total[k] += w;
    }
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

  // The design matrix A: the raw features when they are not standardised (no copy), else a
  // standardised copy. The intercept is not a column of A: it is added to z = A w + b.
  logistic_matrix scaled;
  if (o.standardize) {
    scaled.resize(static_cast<Eigen::Index>(n), d);
    for (Eigen::Index i = 0; i < scaled.rows(); ++i)
      for (Eigen::Index j = 0; j < d; ++j) scaled(i, j) = (x(i, j) - means[j]) / scales[j];
  }
  const Eigen::Ref<const logistic_matrix> a(o.standardize ? Eigen::Ref<const logistic_matrix>(scaled) : x);
  const Eigen::Index p = d + (o.fit_intercept ? 1 : 0);
  // Penalty on w only: the intercept is free, as in scikit-learn's lbfgs solver.
  Eigen::VectorXd penalty = Eigen::VectorXd::Ones(p);
  if (o.fit_intercept) penalty[d] = 0.0;

  const double C = o.C;
  const double grad_scale = std::max(1.0, C * total_weight);
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(p);
  // Start at the optimum of the intercept-only model: logit of the weighted churn rate.
  if (o.fit_intercept) theta[d] = std::log(class_total[1] / class_total[0]);

  // Per row: z = A w + b and e = exp(-|z|), from which the loss, the probability and the
  // Hessian weight all follow. The row passes are the kernels of detail/logistic_kernels.hpp
  // (vectorised exp and log1p; the same bits on every instruction set).
  const kernel_set kern = select_kernels();
  const Eigen::Index rows = static_cast<Eigen::Index>(n);
  Eigen::VectorXd z = Eigen::VectorXd::Zero(rows), loss = Eigen::VectorXd::Zero(rows), zt(rows), lt(rows);
  Eigen::VectorXd xtr(d + 1);  // X' r of the last pass with a gradient (one spare slot: never empty)
  const double no_columns = 0.0;  // a valid address for a matrix without columns
  row_pass_args pass;
  pass.x = d > 0 ? a.data() : &no_columns;
  pass.n = n;
  pass.d = static_cast<std::size_t>(d);
  pass.ld = d > 0 ? static_cast<std::size_t>(a.outerStride()) : 0;
  pass.omega = unit_weights ? nullptr : omega.data();
  pass.y = y.data();
  const auto penalty_of = [&](const Eigen::VectorXd& t) { return 0.5 * t.cwiseProduct(penalty).squaredNorm(); };
  // One pass over the rows at theta + step dir (z + step u, u = A dir_w + dir_b computed per
  // block of rows, not stored): the trial's z and loss terms into zt, lt, their sum and the sum
  // of the row-wise changes to `loss` in pass.sums; with_grad: X' r at the trial point too,
  // while each block of rows is in cache. The line search compares the summed changes, not
  // the difference of two totals, which would resolve changes of f only down to eps |f|
  // (near the optimum the decrease of a step is far below that).
  const auto evaluate = [&](const Eigen::VectorXd& dir, double step, bool with_grad) {
    pass.dw = dir.data();
    pass.db = o.fit_intercept ? dir[d] : 0.0;
    pass.step = step;
    pass.z = z.data();
    pass.loss_old = loss.data();
    pass.zt = zt.data();
    pass.lt = lt.data();
    pass.grad = with_grad ? xtr.data() : nullptr;
    kern.evaluate(pass);
  };
  const auto gradient_pass = [&] {
    pass.z = z.data();
    pass.grad = xtr.data();
    kern.gradient(pass);
  };
  Eigen::VectorXd g(p), delta(p), trial(p);
  // g = C [A 1]' r + penalty * t from the last pass with a gradient; returns its max-norm.
  const auto assemble_gradient = [&](const Eigen::VectorXd& t) {
    g.head(d) = C * xtr.head(d);
    if (o.fit_intercept) g[d] = C * pass.sums[2];
    g += t.cwiseProduct(penalty);
    return g.size() ? g.cwiseAbs().maxCoeff() : 0.0;
  };

  // The Hessian C [A 1]' diag(omega p (1 - p)) [A 1] + diag(penalty), accumulated by rank-4
  // updates (no second n x p matrix); p (1 - p) = e / (1 + e)^2. On large inputs it is first
  // estimated from every `stride`-th row (weights times stride: an inexact Newton
  // direction, linear convergence at a rate of about sqrt(p / rows used)), then computed
  // from all rows once the iterates are close and reused while it keeps the gradient
  // falling fast (see the file comment). Only the direction depends on it: the optimum
  // and the stopping test use the exact gradient.
  logistic_matrix h(p, p);
  const std::size_t padded = (static_cast<std::size_t>(p) + 3) / 4 * 4;
  std::vector<double> hessian_rows(4 * padded + 1), hessian_sum(static_cast<std::size_t>(p) * padded + 1);
  const auto hessian = [&](Eigen::Index stride) {
    std::fill(hessian_sum.begin(), hessian_sum.end(), 0.0);
    hessian_args ha;
    ha.x = pass.x;
    ha.n = n;
    ha.d = pass.d;
    ha.ld = pass.ld;
    ha.p = static_cast<std::size_t>(p);
    ha.stride = static_cast<std::size_t>(stride);
    ha.omega = pass.omega;
    ha.z = z.data();
    ha.cs = C * static_cast<double>(stride);
    ha.h = hessian_sum.data();
    ha.scratch = hessian_rows.data();
    kern.hessian(ha);
    for (Eigen::Index j = 0; j < p; ++j)
      for (Eigen::Index k = 0; k <= j; ++k) h(j, k) = hessian_sum[static_cast<std::size_t>(j) * padded + static_cast<std::size_t>(k)];
    h.diagonal() += penalty;
    h.triangularView<Eigen::StrictlyUpper>() = h.transpose();
  };
  constexpr Eigen::Index subsample_rows = 32768;
  const Eigen::Index sub_stride = rows >= 2 * subsample_rows ? rows / subsample_rows : 1;
  enum class hessian_kind { none, subsampled, full };
  hessian_kind have = hessian_kind::none;
  Eigen::LDLT<Eigen::MatrixXd> ldlt;

  logistic_fit_report rep;
  // The starting point through the same pass from z = 0 (u = A w + b), with its gradient.
  evaluate(theta, 1.0, true);
  z.swap(zt);
  loss.swap(lt);
  double f = penalty_of(theta) + C * pass.sums[0];
  bool gradient_ready = true;  // xtr and pass.sums[2] hold the gradient at theta
  bool exact_next = false;     // the next step uses a freshly computed exact Hessian
  double previous_norm = std::numeric_limits<double>::infinity();
  rep.status = fit_status::iteration_limit;
  for (int iter = 0;; ++iter) {
    if (!gradient_ready) gradient_pass();
    const double norm = assemble_gradient(theta);
    rep.iterations = iter;
    rep.objective = f;
    rep.gradient_norm = norm;
    if (norm <= o.tol * grad_scale) {
      rep.status = fit_status::converged;
      break;
    }
    if (iter >= o.max_iter) {
      rep.message = fmt::format("stopped at the iteration limit {} with gradient norm {:.3g}", o.max_iter, norm);
      break;
    }
    const double ratio = norm / previous_norm;
    previous_norm = norm;
    // Which Hessian: the exact one on small inputs; on large ones the subsample until a step
    // cuts the gradient 10x (the iterates are close), then the full one, reused while each
    // step cuts the gradient 50x. The last step is always an exact Newton step (below).
    hessian_kind want = hessian_kind::full;
    bool reuse = false;
    if (exact_next) {
      exact_next = false;
    } else if (sub_stride > 1) {
      if (have == hessian_kind::none || (have == hessian_kind::subsampled && !(ratio < 0.1)))
        want = hessian_kind::subsampled;
      else if (have == hessian_kind::full && ratio < 0.02)
        reuse = true;
    }
    double slope = 0.0, step = 1.0;
    bool accepted = false, at_resolution = false;
    const double penalty_now = penalty_of(theta);
    for (int attempt = 0; attempt < 3 && !accepted; ++attempt) {
      if (!reuse) {
        hessian(want == hessian_kind::subsampled ? sub_stride : 1);
        ldlt.compute(h);
        have = want;
      }
      delta = ldlt.solve(-g);
      slope = g.dot(delta);
      if (ldlt.info() != Eigen::Success || !delta.allFinite() || !(slope < 0.0)) {
        if (reuse || have != hessian_kind::full) {  // an approximation failed: the exact Hessian
          want = hessian_kind::full;
          reuse = false;
          continue;
        }
        delta = -g;  // steepest descent when the Hessian is numerically singular
        slope = -g.squaredNorm();
      }
      // Newton decrement: -slope = g' H^-1 g, and -slope / 2 predicts f - f*. Below the
      // resolution of f no line search can make progress: take the step and stop.
      at_resolution = -0.5 * slope <= 8.0 * std::numeric_limits<double>::epsilon() * (1.0 + std::abs(f));
      // At resolution a subsampled Hessian is replaced by the exact one; a reused exact one
      // (from the previous iterate, where the gradient already fell 50x) is kept, and the
      // step is followed by an exact Newton step unless it reaches the tolerance.
      if (at_resolution && have != hessian_kind::full) {
        want = hessian_kind::full;
        reuse = false;
        continue;
      }
      // The unit step first, in one pass with u = A delta and the gradient at the trial
      // point (a Newton step is almost always accepted whole); a shorter step recomputes u.
      step = 1.0;
      for (int k = 0; k < 60; ++k, step *= 0.5) {
        trial = theta + step * delta;
        evaluate(delta, step, k == 0);
        const double penalty_trial = penalty_of(trial);
        const double ft = penalty_trial + C * pass.sums[0];
        const double change = penalty_trial - penalty_now + C * pass.sums[1];
        if (std::isfinite(ft) && (change <= 1e-4 * step * slope || (at_resolution && change <= 0.0))) {
          theta.swap(trial);
          z.swap(zt);
          loss.swap(lt);
          f = ft;
          gradient_ready = k == 0;
          accepted = true;
          break;
        }
      }
      // An approximate Hessian that gives no descent is replaced by the exact one once.
      if (!accepted && (reuse || (have != hessian_kind::full && !at_resolution))) {
        want = hessian_kind::full;
        reuse = false;
      } else {
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
      if (!gradient_ready) gradient_pass();
      gradient_ready = true;
      const double final_norm = assemble_gradient(theta);
      if (reuse && !(final_norm <= o.tol * grad_scale)) {
        exact_next = true;  // the reused Hessian's step did not reach the tolerance
        continue;
      }
      rep.iterations = iter + 1;
      rep.objective = f;
      rep.gradient_norm = final_norm;
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
