// L2-regularised logistic regression (crmkit/churn/logistic.hpp) against closed forms: the
// intercept-only and 2x2-table maximum-likelihood estimates, the optimality condition of
// the penalised problem, weight identities, invariances, and its error handling.
// scikit-learn agreement is checked in tests/python/test_logistic.py.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "crmkit/churn/logistic.hpp"
#include "crmkit/error.hpp"

using crmkit::logistic_matrix;
using crmkit::logistic_options;
using crmkit::logistic_regression;

namespace {

double logit(double p) { return std::log(p / (1.0 - p)); }

// A fixed pseudo-random design: splitmix64 uniforms, labels drawn from a known logistic
// model so that the data are not separable.
struct synthetic {
  logistic_matrix x;
  std::vector<double> y;
};

std::uint64_t splitmix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
double uniform(std::uint64_t& s) { return static_cast<double>(splitmix(s) >> 11) * 0x1.0p-53; }

synthetic make_data(Eigen::Index n, Eigen::Index d, std::uint64_t seed) {
  synthetic s{logistic_matrix(n, d), std::vector<double>(static_cast<std::size_t>(n))};
  for (Eigen::Index i = 0; i < n; ++i) {
    double z = -0.5;
    for (Eigen::Index j = 0; j < d; ++j) {
      // columns on very different scales and offsets, as raw CRM features are
      const double v = (uniform(seed) * 2.0 - 1.0) * std::pow(10.0, static_cast<double>(j % 3)) + 3.0 * static_cast<double>(j);
      s.x(i, j) = v;
      z += (j % 2 ? 0.8 : -0.6) * (v - 3.0 * static_cast<double>(j)) / std::pow(10.0, static_cast<double>(j % 3));
    }
    s.y[static_cast<std::size_t>(i)] = uniform(seed) < 1.0 / (1.0 + std::exp(-z)) ? 1.0 : 0.0;
  }
  return s;
}

// Gradient of the penalised objective at the fitted model, in long double, computed here
// from the definition (file comment of logistic.hpp), independently of the solver.
std::vector<long double> kkt_gradient(const logistic_regression& m, const logistic_matrix& x, const std::vector<double>& y,
                                      const std::vector<double>& omega) {
  const auto& o = m.options();
  const auto d = x.cols();
  std::vector<long double> g(static_cast<std::size_t>(d) + 1, 0.0L);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    long double z = m.standardized_intercept();
    for (Eigen::Index j = 0; j < d; ++j)
      z += static_cast<long double>(m.standardized_coef()[j]) *
           ((static_cast<long double>(x(i, j)) - m.feature_means()[j]) / m.feature_scales()[j]);
    const long double p = 1.0L / (1.0L + std::exp(-z));
    const long double r = static_cast<long double>(o.C) * omega[static_cast<std::size_t>(i)] * (p - y[static_cast<std::size_t>(i)]);
    for (Eigen::Index j = 0; j < d; ++j)
      g[static_cast<std::size_t>(j)] += r * ((static_cast<long double>(x(i, j)) - m.feature_means()[j]) / m.feature_scales()[j]);
    g[static_cast<std::size_t>(d)] += r;
  }
  for (Eigen::Index j = 0; j < d; ++j) g[static_cast<std::size_t>(j)] += m.standardized_coef()[j];
  return g;
}

template <class F>
std::string error_of(F&& f, crmkit::errc expected) {
  try {
    f();
  } catch (const crmkit::error& e) {
    CHECK(e.code() == expected);
    return e.what();
  }
  FAIL("no crmkit::error thrown");
  return {};
}

}  // namespace

TEST_CASE("logistic: intercept-only model is the logit of the (weighted) churn rate") {
  logistic_matrix x(7, 0);
  const std::vector<double> y = {1, 0, 0, 1, 0, 0, 0};
  logistic_regression m;
  const auto rep = m.fit(x, y);
  REQUIRE(rep.converged());
  CHECK(m.intercept() == doctest::Approx(logit(2.0 / 7.0)).epsilon(1e-14));
  const std::vector<double> w = {3, 1, 1, 0.5, 1, 2, 1};  // weighted rate 3.5 / 9.5
  REQUIRE(m.fit(x, y, w).converged());
  CHECK(m.intercept() == doctest::Approx(logit(3.5 / 9.5)).epsilon(1e-14));
  const auto p = m.predict_proba(x);
  CHECK(p.size() == 7);
  CHECK(p[0] == doctest::Approx(3.5 / 9.5).epsilon(1e-14));
}

TEST_CASE("logistic: a binary feature reproduces the 2x2-table maximum-likelihood estimate") {
  // Group x = 0: 30 rows, 6 churners; group x = 1: 20 rows, 12 churners.
  logistic_matrix x(50, 1);
  std::vector<double> y(50);
  for (int i = 0; i < 50; ++i) {
    x(i, 0) = i < 30 ? 0.0 : 1.0;
    y[static_cast<std::size_t>(i)] = (i < 6 || (i >= 30 && i < 42)) ? 1.0 : 0.0;
  }
  for (bool standardize : {false, true}) {
    CAPTURE(standardize);
    logistic_options o;
    o.C = 1e12;  // effectively unpenalised
    o.standardize = standardize;
    logistic_regression m(o);
    const auto rep = m.fit(x, y);
    REQUIRE(rep.converged());
    CHECK(m.intercept() == doctest::Approx(logit(0.2)).epsilon(1e-9));
    CHECK(m.coef()[0] == doctest::Approx(logit(0.6) - logit(0.2)).epsilon(1e-9));
  }
}

TEST_CASE("logistic: the fit satisfies the optimality condition of the penalised problem") {
  const auto data = make_data(400, 5, 7);
  for (bool standardize : {false, true})
    for (double C : {0.01, 1.0, 100.0}) {
      CAPTURE(standardize);
      CAPTURE(C);
      logistic_options o;
      o.C = C;
      o.standardize = standardize;
      logistic_regression m(o);
      const auto rep = m.fit(data.x, data.y);
      REQUIRE(rep.converged());
      CHECK(rep.iterations < 30);
      const auto g = kkt_gradient(m, data.x, data.y, std::vector<double>(400, 1.0));
      // relative to the size of the loss gradient, C * n * (largest |feature|)
      const double scale = C * 400.0 * (standardize ? 5.0 : 1000.0);
      for (auto gj : g) CHECK(std::abs(static_cast<double>(gj)) < 1e-9 * scale);
    }
}

TEST_CASE("logistic: large inputs (subsampled Hessian, then exact Newton) reach the same optimality condition") {
  // 70,000 rows: above the size where the Hessian is first estimated from a subsample of
  // rows; the stopping test uses the exact gradient, so the fit is the optimum to rounding.
  const auto data = make_data(70000, 5, 21);
  std::vector<double> w(70000, 1.0);
  for (std::size_t i = 0; i < w.size(); i += 7) w[i] = 2.5;  // sample weights too
  for (bool standardize : {false, true})
    for (double C : {0.01, 1.0, 100.0}) {
      CAPTURE(standardize);
      CAPTURE(C);
      logistic_options o;
      o.C = C;
      o.standardize = standardize;
      logistic_regression m(o);
      const auto rep = m.fit(data.x, data.y, w);
      REQUIRE(rep.converged());
      CHECK(rep.iterations < 30);
      const auto g = kkt_gradient(m, data.x, data.y, w);
      const double scale = C * 70000.0 * 2.5 * (standardize ? 5.0 : 1000.0);
      for (auto gj : g) CHECK(std::abs(static_cast<double>(gj)) < 1e-9 * scale);
    }
}

TEST_CASE("logistic: weights: integer sample weights equal repeated rows; balanced equals given class weights") {
  const auto data = make_data(120, 3, 11);
  std::vector<double> w(120, 1.0);
  w[5] = 2.0;
  w[17] = 3.0;
  logistic_matrix rep_x(123, 3);
  std::vector<double> rep_y;
  Eigen::Index r = 0;
  for (Eigen::Index i = 0; i < 120; ++i)
    for (int k = 0; k < static_cast<int>(w[static_cast<std::size_t>(i)]); ++k) {
      rep_x.row(r++) = data.x.row(i);
      rep_y.push_back(data.y[static_cast<std::size_t>(i)]);
    }
  logistic_options o;
  o.standardize = false;  // standardisation statistics are unweighted by design
  logistic_regression a(o), b(o);
  REQUIRE(a.fit(data.x, data.y, w).converged());
  REQUIRE(b.fit(rep_x, rep_y).converged());
  for (Eigen::Index j = 0; j < 3; ++j) CHECK(a.coef()[j] == doctest::Approx(b.coef()[j]).epsilon(1e-10));
  CHECK(a.intercept() == doctest::Approx(b.intercept()).epsilon(1e-10));

  double n1 = 0;
  for (double v : data.y) n1 += v;
  const double c0 = 120.0 / (2.0 * (120.0 - n1)), c1 = 120.0 / (2.0 * n1);
  logistic_options bal;
  bal.class_weight = crmkit::class_weight_mode::balanced;
  logistic_options given;
  given.class_weight = crmkit::class_weight_mode::given;
  given.class_weights = {c0, c1};
  std::vector<double> cw(120);
  for (std::size_t i = 0; i < 120; ++i) cw[i] = data.y[i] == 1.0 ? c1 : c0;
  logistic_regression mb(bal), mg(given), mw;
  REQUIRE(mb.fit(data.x, data.y).converged());
  REQUIRE(mg.fit(data.x, data.y).converged());
  REQUIRE(mw.fit(data.x, data.y, cw).converged());
  for (Eigen::Index j = 0; j < 3; ++j) {
    CHECK(mb.coef()[j] == doctest::Approx(mg.coef()[j]).epsilon(1e-12));
    CHECK(mb.coef()[j] == doctest::Approx(mw.coef()[j]).epsilon(1e-10));
  }
  // the weighted optimality condition holds too
  const auto g = kkt_gradient(mw, data.x, data.y, cw);
  for (auto gj : g) CHECK(std::abs(static_cast<double>(gj)) < 1e-9 * 120.0 * 5.0);
}

TEST_CASE("logistic: invariances: flipped labels negate the model; rescaled columns do not matter when standardised") {
  auto data = make_data(300, 4, 3);
  logistic_regression m;
  REQUIRE(m.fit(data.x, data.y).converged());
  std::vector<double> flipped(data.y.size());
  for (std::size_t i = 0; i < flipped.size(); ++i) flipped[i] = 1.0 - data.y[i];
  logistic_regression f;
  REQUIRE(f.fit(data.x, flipped).converged());
  for (Eigen::Index j = 0; j < 4; ++j) CHECK(f.coef()[j] == doctest::Approx(-m.coef()[j]).epsilon(1e-10));
  CHECK(f.intercept() == doctest::Approx(-m.intercept()).epsilon(1e-10));

  logistic_matrix scaled = data.x;
  scaled.col(2) = scaled.col(2) * 1000.0 + Eigen::VectorXd::Constant(300, 5e4);
  logistic_regression s;
  REQUIRE(s.fit(scaled, data.y).converged());
  const auto p0 = m.predict_proba(data.x), p1 = s.predict_proba(scaled);
  for (Eigen::Index i = 0; i < 300; ++i) CHECK(p1[i] == doctest::Approx(p0[i]).epsilon(1e-9));
  for (Eigen::Index j = 0; j < 4; ++j)
    CHECK(s.standardized_coef()[j] == doctest::Approx(m.standardized_coef()[j]).epsilon(1e-9));
  CHECK(s.coef()[2] == doctest::Approx(m.coef()[2] / 1000.0).epsilon(1e-9));

  // a constant column keeps scale 1 and gets coefficient 0
  logistic_matrix with_const(300, 5);
  with_const.leftCols(4) = data.x;
  with_const.col(4).setConstant(42.0);
  logistic_regression c;
  REQUIRE(c.fit(with_const, data.y).converged());
  CHECK(c.feature_scales()[4] == 1.0);
  CHECK(std::abs(c.coef()[4]) < 1e-12);
  for (Eigen::Index j = 0; j < 4; ++j) CHECK(c.coef()[j] == doctest::Approx(m.coef()[j]).epsilon(1e-10));
}

TEST_CASE("logistic: original-unit coefficients give the same probabilities; no intercept means b = 0") {
  const auto data = make_data(200, 3, 5);
  logistic_regression m;
  REQUIRE(m.fit(data.x, data.y).converged());
  const auto p = m.predict_proba(data.x);
  const auto w = m.coef();
  for (Eigen::Index i = 0; i < 200; ++i) {
    const double z = m.intercept() + data.x.row(i).dot(w.transpose());
    CHECK(1.0 / (1.0 + std::exp(-z)) == doctest::Approx(p[i]).epsilon(1e-12));
  }
  logistic_options o;
  o.fit_intercept = false;
  o.standardize = false;
  logistic_regression n(o);
  REQUIRE(n.fit(data.x, data.y).converged());
  CHECK(n.intercept() == 0.0);
  const auto g = kkt_gradient(n, data.x, data.y, std::vector<double>(200, 1.0));
  for (std::size_t j = 0; j < 3; ++j) CHECK(std::abs(static_cast<double>(g[j])) < 1e-9 * 200.0 * 1000.0);
}

TEST_CASE("logistic: a fit stopped at max_iter reports it; the model stays usable and finite") {
  const auto data = make_data(300, 4, 9);
  logistic_options o;
  o.max_iter = 1;
  o.C = 1e4;
  o.standardize = false;
  logistic_regression m(o);
  const auto rep = m.fit(data.x, data.y);
  CHECK(rep.status == crmkit::fit_status::iteration_limit);
  CHECK_FALSE(rep.converged());
  CHECK(rep.iterations == 1);
  CHECK(rep.gradient_norm > 0.0);
  CHECK(m.fitted());
  CHECK(m.report().status == crmkit::fit_status::iteration_limit);
  CHECK(m.coef().allFinite());
  CHECK(std::string(crmkit::to_string(rep.status)).find("without converging") != std::string::npos);
}

TEST_CASE("logistic: text serialisation round-trips bit for bit") {
  const auto data = make_data(250, 6, 21);
  logistic_options o;
  o.C = 0.37;
  o.class_weight = crmkit::class_weight_mode::balanced;
  logistic_regression m(o);
  REQUIRE(m.fit(data.x, data.y).converged());
  const std::string text = m.to_text();
  const auto back = logistic_regression::from_text(text);
  CHECK(back.fitted());
  CHECK(back.to_text() == text);
  const auto p0 = m.predict_proba(data.x), p1 = back.predict_proba(data.x);
  REQUIRE(p0.size() == p1.size());
  CHECK(std::memcmp(p0.data(), p1.data(), sizeof(double) * static_cast<std::size_t>(p0.size())) == 0);
  CHECK(back.intercept() == m.intercept());
  CHECK(back.options().C == 0.37);
  CHECK(back.options().class_weight == crmkit::class_weight_mode::balanced);
  CHECK(back.report().iterations == m.report().iterations);
  CHECK(back.report().status == m.report().status);

  // damaged texts are parse errors naming the line and the key
  CHECK(text.find("model = \"logistic_regression\"") != std::string::npos);
  auto bad = text;
  bad.replace(bad.find("\ncoef = "), 8, "\ncoeff = ");
  const auto missing = error_of([&] { (void)logistic_regression::from_text(bad); }, crmkit::errc::parse_error);
  CHECK(missing.find("params.coef") != std::string::npos);
  CHECK(missing.find("line ") != std::string::npos);
  CHECK(error_of([&] { (void)logistic_regression::from_text(text.substr(0, text.size() / 2)); },
                 crmkit::errc::parse_error)
            .size() > 0);
  auto future = text;
  future.replace(future.find("format = 1"), 10, "format = 2");
  CHECK(error_of([&] { (void)logistic_regression::from_text(future); }, crmkit::errc::parse_error).find("format") !=
        std::string::npos);
  auto out_of_range = text;
  out_of_range.replace(out_of_range.find("\nC = "), 5, "\nC = -");
  CHECK(error_of([&] { (void)logistic_regression::from_text(out_of_range); }, crmkit::errc::parse_error)
            .find("options.C") != std::string::npos);
  CHECK(error_of([&] { (void)logistic_regression::from_text(""); }, crmkit::errc::parse_error).size() > 0);
}

TEST_CASE("logistic: bad input is rejected with what, where and why") {
  const auto data = make_data(50, 3, 1);
  logistic_regression m;
  // predict before fit
  CHECK(error_of([&] { (void)m.predict_proba(data.x); }, crmkit::errc::not_fitted).find("not fitted") !=
        std::string::npos);
  CHECK(error_of([&] { (void)m.to_text(); }, crmkit::errc::not_fitted).size() > 0);
  CHECK(error_of([&] { (void)m.coef(); }, crmkit::errc::not_fitted).size() > 0);
  // NaN feature
  auto x = data.x;
  x(3, 1) = std::nan("");
  CHECK(error_of([&] { (void)m.fit(x, data.y); }, crmkit::errc::invalid_argument).find("row 3, column 1") !=
        std::string::npos);
  CHECK_FALSE(m.fitted());
  // a single class
  const std::vector<double> ones(50, 1.0);
  CHECK(error_of([&] { (void)m.fit(data.x, ones); }, crmkit::errc::invalid_argument).find("both classes") !=
        std::string::npos);
  // labels other than 0/1, wrong lengths, bad weights
  auto y = data.y;
  y[7] = 2.0;
  CHECK(error_of([&] { (void)m.fit(data.x, y); }, crmkit::errc::invalid_argument).find("row 7") != std::string::npos);
  CHECK(error_of([&] { (void)m.fit(data.x, std::span<const double>(data.y).first(49)); },
                 crmkit::errc::invalid_argument)
            .find("49 labels") != std::string::npos);
  std::vector<double> w(50, 1.0);
  w[4] = -1.0;
  CHECK(error_of([&] { (void)m.fit(data.x, data.y, w); }, crmkit::errc::invalid_argument).find("row 4") !=
        std::string::npos);
  std::vector<double> w0(50, 1.0);
  for (std::size_t i = 0; i < 50; ++i)
    if (data.y[i] == 1.0) w0[i] = 0.0;
  CHECK(error_of([&] { (void)m.fit(data.x, data.y, w0); }, crmkit::errc::invalid_argument).find("total weight 0") !=
        std::string::npos);
  CHECK(error_of([&] { (void)m.fit(logistic_matrix(0, 3), std::vector<double>{}); }, crmkit::errc::invalid_argument)
            .find("no rows") != std::string::npos);
  // options
  for (double C : {0.0, -1.0, std::nan(""), HUGE_VAL}) {
    logistic_options o;
    o.C = C;
    logistic_regression bad(o);
    CHECK(error_of([&] { (void)bad.fit(data.x, data.y); }, crmkit::errc::invalid_argument).find("C =") !=
          std::string::npos);
  }
  logistic_options o;
  o.max_iter = 0;
  CHECK(error_of([&] { (void)logistic_regression(o).fit(data.x, data.y); }, crmkit::errc::invalid_argument).size() > 0);
  // predict with the wrong width or a NaN
  REQUIRE(m.fit(data.x, data.y).converged());
  CHECK(error_of([&] { (void)m.predict_proba(logistic_matrix::Zero(2, 4)); }, crmkit::errc::invalid_argument)
            .find("fitted on 3") != std::string::npos);
  CHECK(error_of([&] { (void)m.predict_proba(x); }, crmkit::errc::invalid_argument).find("row 3, column 1") !=
        std::string::npos);
}
