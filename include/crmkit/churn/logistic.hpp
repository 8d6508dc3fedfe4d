/// @file crmkit/churn/logistic.hpp
/// Supervised churn model: L2-regularised logistic regression on a dense feature matrix,
/// with the standardisation of the features kept inside the model, optional class and
/// sample weights, an exact Newton solver that reports whether it converged, probability
/// prediction, and a text serialisation that round-trips bit for bit.
///
/// `#include <crmkit/churn/logistic.hpp>`
///
/// Thread safety: not synchronized; use from one thread at a time. (`fit` and `from_text`
/// replace the model; the const members of a fitted model, prediction, accessors and
/// `to_text`, modify nothing and may run concurrently with each other.)
///
/// @code
/// crmkit::logistic_options opt;
/// opt.C = 1.0;                                       // scikit-learn's C
/// opt.class_weight = crmkit::class_weight_mode::balanced;
/// crmkit::logistic_regression model(opt);
/// crmkit::logistic_fit_report rep = model.fit(X, y);  // X: n x d row-major, y: 0/1
/// if (!rep.converged()) { ... }                       // not an exception: a status
/// Eigen::VectorXd p = model.predict_proba(X_new);     // P(churn) per row
/// std::string text = model.to_text();                 // read back: from_text(text)
/// @endcode
///
/// The problem solved is scikit-learn's `LogisticRegression(penalty="l2", C=C)` with the
/// lbfgs/newton-cg solvers (the intercept is not penalised):
///
///     minimise  f(w, b) = 1/2 |w|^2 + C * sum_i s_i * c_{y_i} * [log(1 + exp(z_i)) - y_i z_i],
///     z_i = b + sum_j w_j * (x_ij - m_j) / d_j
///
/// with s_i the sample weights, c_0, c_1 the class weights, and (m_j, d_j) the column means
/// and population standard deviations of the training features when `standardize` is on
/// (m = 0, d = 1 otherwise). With `standardize` on, the result is scikit-learn's
/// `make_pipeline(StandardScaler(), LogisticRegression(C=C))`: the penalty acts on the
/// coefficients of the standardised features. `coef()` maps them back to the original
/// units (w_j / d_j, intercept b - sum_j w_j m_j / d_j), so `sigmoid(b' + x.w')` is the
/// same probability up to rounding; `standardized_coef()` is what was penalised.
///
/// Solver: Newton's method (equivalently iteratively reweighted least squares) on the
/// strictly convex objective above, with the Hessian C X'diag(s c p (1-p))X + I, a Cholesky
/// (LDLT) solve and a backtracking Armijo line search (Nocedal & Wright, Numerical
/// Optimization, 2nd ed., algorithms 3.1 and 6.x) along u = X delta, on the sum of the
/// rows' loss changes (which resolves decreases far below eps |f|); the loss uses the
/// stable softplus log(1+e^z) = max(z,0) + log1p(e^{-|z|}), and one e^{-|z|} per row gives
/// loss, probability and Hessian weight. Each iteration makes one pass over the rows for
/// the unit step: per block of rows u = X delta, the trial point's loss terms and X' r
/// while the block is in cache, so that an accepted step (the usual case) also has the
/// next gradient; a shorter step costs a pass more. exp and log1p are vectorised
/// polynomials (within 2 ulp of the C library, the same bits on every x86-64 CPU: an AVX2
/// build of the row kernels is picked at run time, without fused multiply-add). On inputs
/// of 65,536 rows or more the Hessian is first estimated from every k-th row (k = n /
/// 32,768, weights times k: an inexact Newton direction) until a step cuts the gradient
/// 10x, then computed from all rows and reused while each step cuts the gradient 50x; the
/// last step is an exact Newton step, or one with the exact Hessian of the previous iterate
/// that reaches the tolerance. The Hessian only chooses the direction: the stopping test
/// uses the exact gradient, so the optimum is the same. Convergence: the largest gradient
/// component, divided by max(1, C * sum_i s_i c_{y_i}), falls to `tol`. Because Newton
/// converges quadratically near the optimum, a converged fit is the optimum to about
/// machine precision, which is why it agrees with scikit-learn run to a tight tolerance.
///
/// Memory: with `standardize` a fit holds a standardised copy of the features (8 n d
/// bytes; without it the caller's matrix is read in place), 4 work vectors of n doubles
/// (z and the loss terms, at the current and the trial point) plus the n row weights when
/// there are sample or class weights, and the (d + 1)^2 Hessian and its factor; the model
/// keeps 3 d + O(1) doubles. Time per iteration: O(n d) plus the Hessian, O(n d^2 + d^3)
/// (O(32,768 d^2) when subsampled); typically 5-8 iterations. Single-threaded (see
/// docs/benchmarks.md for measured times).
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include <Eigen/Core>

#include "crmkit/config.hpp"
#include "crmkit/core/option_table.hpp"
#include "crmkit/core/fit_report.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Dense row-major feature matrix: one row per customer, one column per feature (the
/// layout of numpy, pandas and the C ABI; `Eigen::Map` of a host buffer avoids a copy).
using logistic_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// How the classes are weighted in the loss.
enum class class_weight_mode : int {
  none = 0,      ///< every class weighs 1 (scikit-learn's class_weight=None)
  balanced = 1,  ///< c_k = n / (2 n_k), n_k the row count of class k (scikit-learn's "balanced")
  given = 2,     ///< c_0, c_1 from `logistic_options::class_weights`
};

/// Settings of a logistic regression fit (scikit-learn's names where they exist).
struct logistic_options {
  /// Inverse regularisation strength, > 0 and finite: C multiplies the summed loss.
  double C = 1.0;
  /// Fit an unpenalised intercept b (otherwise b = 0 in the standardised space).
  bool fit_intercept = true;
  /// Standardise every column to mean 0, population sd 1 before fitting (kept with the
  /// model and applied at prediction). Constant columns keep scale 1, as in StandardScaler.
  bool standardize = true;
  /// Class weighting; `class_weights` is used only when `given`.
  class_weight_mode class_weight = class_weight_mode::none;
  /// c_0 and c_1, each finite and >= 0, for `class_weight_mode::given`.
  std::array<double, 2> class_weights{1.0, 1.0};
  /// Newton iteration limit, >= 1.
  int max_iter = 100;
  /// Convergence tolerance on the scaled gradient (see the file comment), > 0.
  double tol = 1e-10;
};

/// The description of logistic_options from which the C ABI (`crmkit_logistic_set_int`,
/// `_set_double`, `_get_*`, `_option_bounds`, keys `CRMKIT_LOGISTIC_<NAME>`), the Python
/// keywords of `crmkit.LogisticChurn` and the fit's validation derive
/// (crmkit/core/option_table.hpp). `class_weight_0/1` are the elements of `class_weights`.
template <>
struct option_table<logistic_options> {
  static constexpr std::string_view c_prefix = "CRMKIT_LOGISTIC_";
  static constexpr std::array<option_spec<logistic_options>, 8> entries{{
      CRMKIT_OPTION(logistic_options, 1, fit_intercept, flag, 0, 1, "fit an unpenalised intercept"),
      CRMKIT_OPTION(logistic_options, 2, standardize, flag, 0, 1, "standardise the columns before fitting"),
      CRMKIT_OPTION(logistic_options, 3, class_weight, enumeration, 0, 2, "0 none, 1 balanced, 2 given"),
      CRMKIT_OPTION(logistic_options, 4, max_iter, integer, 1, 2147483647, "Newton iteration limit"),
      CRMKIT_OPTION(logistic_options, 101, C, real, option_positive, option_finite, "inverse regularisation strength"),
      CRMKIT_OPTION(logistic_options, 102, tol, real, option_positive, option_finite, "tolerance on the scaled gradient"),
      CRMKIT_OPTION_AT(logistic_options, 103, "class_weight_0", class_weights[0], real, 0, option_finite,
                       "weight of class 0 when class_weight is given"),
      CRMKIT_OPTION_AT(logistic_options, 104, "class_weight_1", class_weights[1], real, 0, option_finite,
                       "weight of class 1 when class_weight is given"),
  }};
};

/// What a fit reports: the shared crmkit::fit_report (crmkit/core/fit_report.hpp) with
/// status converged (scaled gradient norm <= tol), iteration_limit (max_iter reached) or
/// numerical_failure (no step along the Newton direction decreased the objective),
/// iterations (Newton), objective f(w, b) and gradient_norm (largest |gradient component|).
using logistic_fit_report = fit_report;

/// L2-regularised logistic regression (see the file comment for the exact problem).
class logistic_regression {
 public:
  /// An unfitted model with the given options (validated at `fit`).
  explicit logistic_regression(logistic_options options = {}) : options_(options) {}

  /// Fits the model to `x` (n x d, finite) and labels `y` (n values, each exactly 0 or 1,
  /// both classes present), with optional per-row `sample_weight` (empty: all 1; else n
  /// finite values >= 0 with a positive sum per class after class weighting). Replaces
  /// any previous fit. A fit that does not converge keeps its last (finite) iterate and
  /// says so in the report; `fitted()` is then true and the model usable.
  /// @throws crmkit::error (invalid_argument) for bad options, shapes, a NaN or infinite
  ///         feature (naming its row and column), a label other than 0/1, a single class,
  ///         or bad weights.
  CRMKIT_FUNC logistic_fit_report fit(Eigen::Ref<const logistic_matrix> x, std::span<const double> y,
                                      std::span<const double> sample_weight = {});

  /// True after a successful `fit` or `from_text`.
  [[nodiscard]] bool fitted() const noexcept { return fitted_; }

  /// The linear predictor z = b + sum_j w_j (x_j - m_j) / d_j of each row, written to
  /// `out` (size n).
  /// @throws crmkit::error (not_fitted) before a fit; (invalid_argument) for a column
  ///         count other than the training one, a non-finite feature, or `out` of the
  ///         wrong size.
  CRMKIT_FUNC void decision_function(Eigen::Ref<const logistic_matrix> x, std::span<double> out) const;
  /// P(y = 1) = 1 / (1 + exp(-z)) of each row into `out` (size n). Throws as above.
  CRMKIT_FUNC void predict_proba(Eigen::Ref<const logistic_matrix> x, std::span<double> out) const;
  /// P(y = 1) of each row, as a new vector. Throws as above.
  [[nodiscard]] CRMKIT_FUNC Eigen::VectorXd predict_proba(Eigen::Ref<const logistic_matrix> x) const;

  /// Number of features d of the training data (0 before a fit).
  [[nodiscard]] std::size_t n_features() const noexcept { return static_cast<std::size_t>(coef_.size()); }
  /// Coefficients in the units of the original features (w_j / d_j). @throws not_fitted.
  [[nodiscard]] CRMKIT_FUNC Eigen::VectorXd coef() const;
  /// Intercept in the units of the original features (b - sum_j w_j m_j / d_j). @throws not_fitted.
  [[nodiscard]] CRMKIT_FUNC double intercept() const;
  /// The penalised coefficients w of the standardised features. @throws not_fitted.
  [[nodiscard]] CRMKIT_FUNC const Eigen::VectorXd& standardized_coef() const;
  /// The intercept b of the standardised problem. @throws not_fitted.
  [[nodiscard]] CRMKIT_FUNC double standardized_intercept() const;
  /// Column means m used for standardising (zeros without `standardize`). @throws not_fitted.
  [[nodiscard]] CRMKIT_FUNC const Eigen::VectorXd& feature_means() const;
  /// Column scales d used for standardising (ones without `standardize`). @throws not_fitted.
  [[nodiscard]] CRMKIT_FUNC const Eigen::VectorXd& feature_scales() const;
  /// The options of the model.
  [[nodiscard]] const logistic_options& options() const noexcept { return options_; }
  /// The report of the last fit (also restored by `from_text`).
  [[nodiscard]] const logistic_fit_report& report() const noexcept { return report_; }

#ifndef CRMKIT_HEADER_ONLY
  /// The fitted model as a model document (crmkit/core/model_document.hpp, model
  /// "logistic_regression"): the standardised coefficients, intercept, means and scales to
  /// 17 digits, the options and the fit report, so that `from_text(to_text())` predicts
  /// exactly the same bits. Compiled library only. @throws not_fitted.
  [[nodiscard]] std::string to_text() const;
  /// Reads a model written by `to_text`. Compiled library only.
  /// @throws crmkit::error (parse_error) naming the line, the key and why.
  [[nodiscard]] static logistic_regression from_text(std::string_view text);
#endif

 private:
  CRMKIT_FUNC void check_fitted(const char* function) const;
  CRMKIT_FUNC void check_predict_input(Eigen::Ref<const logistic_matrix> x, std::size_t out_size,
                                       const char* function) const;

  logistic_options options_;
  logistic_fit_report report_;
  Eigen::VectorXd coef_;    // w, standardised space
  Eigen::VectorXd means_;   // m
  Eigen::VectorXd scales_;  // d
  double intercept_ = 0.0;  // b, standardised space
  bool fitted_ = false;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/logistic_impl.hpp"
#endif
