// Definitions for crmkit/churn/logistic.hpp. Included by that header in header-only mode
// and by src/churn/logistic.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/logistic.hpp"
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
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

// C99 hexadecimal float ("0x1.8p+0", "-0x0p+0"): exact, locale-independent.
inline void append_hex(std::string& out, double v) {
  char buf[64];
  if (std::signbit(v)) out.push_back('-');
  out += "0x";
  const auto r = std::to_chars(buf, buf + sizeof buf, std::abs(v), std::chars_format::hex);
  out.append(buf, r.ptr);
}

// The text reader: whitespace-separated tokens, line by line, errors naming the line.
class text_reader {
 public:
  explicit text_reader(std::string_view text) : text_(text) {}

  // Moves to the next non-empty line and checks that it starts with `key`.
  void expect_line(std::string_view key) {
    for (;;) {
      if (pos_ >= text_.size()) fail(fmt::format("expected a line '{} ...', found the end of the text", key));
      const auto end = std::min(text_.find('\n', pos_), text_.size());
      line_ = text_.substr(pos_, end - pos_);
      if (!line_.empty() && line_.back() == '\r') line_.remove_suffix(1);
      pos_ = end + 1;
      ++line_no_;
      if (line_.find_first_not_of(" \t") != std::string_view::npos) break;
    }
    const auto word = token(key);
    if (word != key) fail(fmt::format("expected '{}', found '{}'", key, word));
  }

  std::string_view token(std::string_view what) {
    const auto b = line_.find_first_not_of(" \t");
    if (b == std::string_view::npos) fail(fmt::format("expected {}, found the end of the line", what));
    line_.remove_prefix(b);
    const auto e = std::min(line_.find_first_of(" \t"), line_.size());
    const auto t = line_.substr(0, e);
    line_.remove_prefix(e);
    return t;
  }

  double hex(std::string_view what) {
    auto t = token(what);
    bool negative = false;
    if (!t.empty() && t.front() == '-') {
      negative = true;
      t.remove_prefix(1);
    }
    if (t.size() < 3 || t[0] != '0' || (t[1] != 'x' && t[1] != 'X'))
      fail(fmt::format("{}: '{}' is not a hexadecimal float such as 0x1.8p+0", what, t));
    t.remove_prefix(2);
    double v = 0.0;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), v, std::chars_format::hex);
    if (r.ec != std::errc() || r.ptr != t.data() + t.size())
      fail(fmt::format("{}: '0x{}' is not a hexadecimal float", what, t));
    return negative ? -v : v;
  }

  std::int64_t integer(std::string_view what) {
    const auto t = token(what);
    std::int64_t v = 0;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    if (r.ec != std::errc() || r.ptr != t.data() + t.size()) fail(fmt::format("{}: '{}' is not an integer", what, t));
    return v;
  }

  void end_of_line() {
    if (line_.find_first_not_of(" \t") != std::string_view::npos)
      fail(fmt::format("unexpected trailing text '{}'", line_));
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw error(errc::parse_error, fmt::format("logistic_regression::from_text: line {}: {}", line_no_, message));
  }

 private:
  std::string_view text_;
  std::string_view line_;
  std::size_t pos_ = 0;
  std::size_t line_no_ = 0;
};

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

CRMKIT_FUNC std::string logistic_regression::to_text() const {
  using detail::logistic::append_hex;
  check_fitted("logistic_regression::to_text");
  const auto& o = options_;
  std::string s = "crmkit-logistic-regression 1\n";
  s += fmt::format("n_features {}\n", coef_.size());
  s += "C ";
  append_hex(s, o.C);
  s += fmt::format("\nfit_intercept {}\nstandardize {}\nclass_weight {} ", o.fit_intercept ? 1 : 0,
                   o.standardize ? 1 : 0, static_cast<int>(o.class_weight));
  append_hex(s, o.class_weights[0]);
  s += ' ';
  append_hex(s, o.class_weights[1]);
  s += fmt::format("\nmax_iter {}\ntol ", o.max_iter);
  append_hex(s, o.tol);
  // format 1 status codes: 0 converged, 1 iteration limit, 2 line search failed
  const int status_code = report_.status == fit_status::converged ? 0 : report_.status == fit_status::iteration_limit ? 1 : 2;
  s += fmt::format("\nreport {} {} ", status_code, report_.iterations);
  append_hex(s, report_.gradient_norm);
  s += ' ';
  append_hex(s, report_.objective);
  s += "\nintercept ";
  append_hex(s, intercept_);
  const auto vec = [&](const char* key, const Eigen::VectorXd& v) {
    s += '\n';
    s += key;
    for (Eigen::Index j = 0; j < v.size(); ++j) {
      s += ' ';
      append_hex(s, v[j]);
    }
  };
  vec("means", means_);
  vec("scales", scales_);
  vec("coef", coef_);
  s += "\nend\n";
  return s;
}

CRMKIT_FUNC logistic_regression logistic_regression::from_text(std::string_view text) {
  detail::logistic::text_reader in(text);
  in.expect_line("crmkit-logistic-regression");
  const auto version = in.integer("format version");
  if (version != 1) in.fail(fmt::format("format version {} is not supported (this reader knows version 1)", version));
  in.end_of_line();
  in.expect_line("n_features");
  const auto d = in.integer("the feature count");
  if (d < 0 || d > (std::int64_t{1} << 40)) in.fail(fmt::format("feature count {} is out of range", d));
  in.end_of_line();
  logistic_options o;
  in.expect_line("C");
  o.C = in.hex("C");
  in.end_of_line();
  const auto flag = [&](const char* key) {
    in.expect_line(key);
    const auto v = in.integer(key);
    if (v != 0 && v != 1) in.fail(fmt::format("{} must be 0 or 1, found {}", key, v));
    in.end_of_line();
    return v == 1;
  };
  o.fit_intercept = flag("fit_intercept");
  o.standardize = flag("standardize");
  in.expect_line("class_weight");
  const auto mode = in.integer("class weight mode");
  if (mode < 0 || mode > 2) in.fail(fmt::format("class weight mode {} is not 0, 1 or 2", mode));
  o.class_weight = static_cast<class_weight_mode>(mode);
  o.class_weights[0] = in.hex("class weight 0");
  o.class_weights[1] = in.hex("class weight 1");
  in.end_of_line();
  in.expect_line("max_iter");
  const auto max_iter = in.integer("max_iter");
  if (max_iter < 1 || max_iter > std::numeric_limits<int>::max()) in.fail("max_iter is out of range");
  o.max_iter = static_cast<int>(max_iter);
  in.end_of_line();
  in.expect_line("tol");
  o.tol = in.hex("tol");
  in.end_of_line();
  logistic_regression m(o);
  in.expect_line("report");
  const auto status = in.integer("status");
  if (status < 0 || status > 2) in.fail(fmt::format("status {} is not 0, 1 or 2", status));
  m.report_.status = status == 0 ? fit_status::converged : status == 1 ? fit_status::iteration_limit
                                                                      : fit_status::numerical_failure;
  const auto iterations = in.integer("iterations");
  if (iterations < 0 || iterations > std::numeric_limits<int>::max()) in.fail("iterations out of range");
  m.report_.iterations = static_cast<int>(iterations);
  m.report_.gradient_norm = in.hex("gradient norm");
  m.report_.objective = in.hex("objective");
  in.end_of_line();
  in.expect_line("intercept");
  m.intercept_ = in.hex("intercept");
  in.end_of_line();
  const auto vec = [&](const char* key, Eigen::VectorXd& v) {
    in.expect_line(key);
    v.resize(static_cast<Eigen::Index>(d));
    for (Eigen::Index j = 0; j < v.size(); ++j) v[j] = in.hex(key);
    in.end_of_line();
    if (!v.allFinite()) in.fail(fmt::format("{} holds a non-finite value", key));
  };
  vec("means", m.means_);
  vec("scales", m.scales_);
  vec("coef", m.coef_);
  for (Eigen::Index j = 0; j < m.scales_.size(); ++j)
    if (!(m.scales_[j] > 0.0)) in.fail(fmt::format("scale {} is {}; scales must be > 0", j, m.scales_[j]));
  if (!std::isfinite(m.intercept_)) in.fail("the intercept is not finite");
  in.expect_line("end");
  in.end_of_line();
  m.fitted_ = true;
  return m;
}

CRMKIT_END_NAMESPACE
