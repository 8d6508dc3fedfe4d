// Tests of crmkit/offers/implicit_als.hpp: CG against the exact normal equations, thread
// determinism, the loss, recommendations with the cold-start fallback, similarity.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <set>

#include <Eigen/Dense>

#include "crmkit/error.hpp"
#include "crmkit/offers/implicit_als.hpp"
#include "offers_test_util.hpp"

namespace {

crmkit::interaction_matrix random_matrix(std::uint32_t seed, std::size_t rows, std::size_t cols, double density,
                                         std::size_t empty_rows = 0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::int64_t> indptr{0};
  std::vector<std::int32_t> indices;
  std::vector<double> values;
  for (std::size_t r = 0; r < rows; ++r) {
    if (r >= rows - empty_rows) {
      indptr.push_back(static_cast<std::int64_t>(indices.size()));
      continue;
    }
    for (std::size_t c = 0; c < cols; ++c)
      if (u(rng) < density) {
        indices.push_back(static_cast<std::int32_t>(c));
        values.push_back(1.0 + std::floor(u(rng) * 4));
      }
    indptr.push_back(static_cast<std::int64_t>(indices.size()));
  }
  return crmkit::make_interaction_matrix(indptr, indices, values, rows, cols);
}

// The exact solve of one row's system, written out densely from the definition.
Eigen::VectorXd exact_row(const crmkit::interaction_matrix& m, std::size_t u, const crmkit::factor_matrix& y,
                          double lambda, double alpha) {
  const auto k = y.cols();
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(k, k) * lambda;
  Eigen::VectorXd b = Eigen::VectorXd::Zero(k);
  std::vector<double> r(m.n_cols, 0.0);
  for (std::size_t j = 0; j < m.row_indices(u).size(); ++j) r[static_cast<std::size_t>(m.row_indices(u)[j])] = m.row_values(u)[j];
  for (std::size_t i = 0; i < m.n_cols; ++i) {
    const Eigen::VectorXd yi = y.row(static_cast<Eigen::Index>(i)).transpose();
    const double c = 1.0 + alpha * r[i];
    const double p = r[i] > 0 ? 1.0 : 0.0;
    a += c * yi * yi.transpose();
    b += c * p * yi;
  }
  return a.colPivHouseholderQr().solve(b);
}

}  // namespace

TEST_CASE("CG with enough steps equals the exact normal-equations solve per row") {
  const auto m = random_matrix(1, 30, 20, 0.2, 2);
  crmkit::als_options o;
  o.factors = 6;
  o.regularization = 0.1;
  o.alpha = 2.0;
  o.cg_steps = 40;
  crmkit::factor_matrix y(20, 6), x(30, 6);
  std::mt19937 rng(4);
  std::uniform_real_distribution<double> u(-1, 1);
  for (Eigen::Index i = 0; i < y.size(); ++i) y.data()[i] = u(rng);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = u(rng);
  crmkit::factor_matrix cg = x, chol = x;
  crmkit::als_solve_rows(m, y, cg, o);
  o.solver = crmkit::als_solver::cholesky;
  crmkit::als_solve_rows(m, y, chol, o);
  for (std::size_t r = 0; r < 30; ++r) {
    CAPTURE(r);
    const Eigen::VectorXd e = exact_row(m, r, y, 0.1, 2.0);
    for (Eigen::Index k = 0; k < 6; ++k) {
      CHECK(std::abs(cg(static_cast<Eigen::Index>(r), k) - e(k)) <= 1e-8 * (1 + std::abs(e(k))));
      CHECK(std::abs(chol(static_cast<Eigen::Index>(r), k) - e(k)) <= 1e-10 * (1 + std::abs(e(k))));
    }
  }
  // Three CG steps do not reach it (the warm start matters): the test can fail.
  o.solver = crmkit::als_solver::conjugate_gradient;
  o.cg_steps = 1;
  crmkit::factor_matrix one = x;
  crmkit::als_solve_rows(m, y, one, o);
  CHECK((one - chol).norm() > 1e-6);
}

TEST_CASE("als_fit: the loss decreases, the result is bit-identical for 1 and 2 threads") {
  const auto m = random_matrix(2, 700, 60, 0.05, 10);
  crmkit::als_options o;
  o.factors = 8;
  o.alpha = 5.0;
  o.max_iter = 6;
  o.seed = 11;
  const auto one = crmkit::als_fit(m, o);
  o.n_threads = 2;
  const auto two = crmkit::als_fit(m, o);
  CHECK(one.user_factors == two.user_factors);
  CHECK(one.item_factors == two.item_factors);
  CHECK(one.report.objective == two.report.objective);
  CHECK(one.report.status == crmkit::fit_status::iteration_limit);
  CHECK(one.report.iterations == 6);
  // A fit that stops earlier has a higher loss; ALS never increases it (exact solver).
  double previous = std::numeric_limits<double>::infinity();
  o.solver = crmkit::als_solver::cholesky;
  for (int it = 1; it <= 4; ++it) {
    o.max_iter = it;
    const double loss = crmkit::als_fit(m, o).report.objective;
    CHECK(loss <= previous * (1 + 1e-12));
    previous = loss;
  }
  // The loss is the definition, summed over every cell.
  double direct = 0;
  for (std::size_t r = 0; r < m.n_rows; ++r) {
    std::vector<double> v(m.n_cols, 0.0);
    for (std::size_t j = 0; j < m.row_indices(r).size(); ++j) v[static_cast<std::size_t>(m.row_indices(r)[j])] = m.row_values(r)[j];
    for (std::size_t i = 0; i < m.n_cols; ++i) {
      const double xy = one.user_factors.row(static_cast<Eigen::Index>(r)).dot(one.item_factors.row(static_cast<Eigen::Index>(i)));
      const double p = v[i] > 0 ? 1.0 : 0.0;
      direct += (1 + 5.0 * v[i]) * (p - xy) * (p - xy);
    }
  }
  direct += 0.01 * (one.user_factors.squaredNorm() + one.item_factors.squaredNorm());
  CHECK(one.report.objective == doctest::Approx(direct).epsilon(1e-10));
  // tol stops the fit with status converged.
  o.max_iter = 200;
  o.tol = 1e-3;
  const auto conv = crmkit::als_fit(m, o);
  CHECK(conv.report.status == crmkit::fit_status::converged);
  CHECK(conv.report.iterations < 200);
}

TEST_CASE("als_recommend: bought items excluded, cold-start rows get popularity") {
  const auto m = random_matrix(3, 200, 40, 0.08, 5);
  crmkit::als_options o;
  o.factors = 5;
  o.alpha = 10;
  o.max_iter = 5;
  const auto model = crmkit::als_fit(m, o);
  const auto t = crmkit::als_recommend(model, m, 4);
  const auto t2 = crmkit::als_recommend(model, m, 4, true, 3);
  CHECK(t.item == t2.item);
  CHECK(t.score == t2.score);
  const auto pop = crmkit::popularity_recommend(m, 4);
  for (std::size_t r = 0; r < m.n_rows; ++r) {
    CAPTURE(r);
    const auto own = m.row_indices(r);
    const bool cold = own.empty();
    CHECK(t.cold_start[r] == (cold ? 1 : 0));
    for (std::size_t j = 0; j < 4; ++j) {
      const auto item = t.item[r * 4 + j];
      REQUIRE(item >= 0);
      CHECK(std::find(own.begin(), own.end(), item) == own.end());
      CHECK(!std::isnan(t.score[r * 4 + j]));
      if (j > 0) CHECK(t.score[r * 4 + j - 1] >= t.score[r * 4 + j]);
      if (cold) CHECK(item == pop.item[r * 4 + j]);
    }
    if (!cold) {  // the best unbought item by x.y
      double best = -1e300;
      for (std::size_t i = 0; i < m.n_cols; ++i)
        if (std::find(own.begin(), own.end(), static_cast<std::int32_t>(i)) == own.end())
          best = std::max(best, model.user_factors.row(static_cast<Eigen::Index>(r)).dot(model.item_factors.row(static_cast<Eigen::Index>(i))));
      CHECK(t.score[r * 4] == best);
    }
  }
  // Not excluding: a row's own items may come back.
  const auto all = crmkit::als_recommend(model, m, 40, false);
  CHECK(std::set<std::int32_t>(all.item.begin(), all.item.begin() + 40).size() == 40);
  // More offers asked than items left: padded with -1 and score 0.
  const auto many = crmkit::als_recommend(model, m, 45);
  CHECK(many.item[44] == -1);
  CHECK(many.score[44] == 0.0);

  const auto sim = crmkit::similar_items(model, 3, 5);
  REQUIRE(sim.size() == 5);
  for (const auto& s : sim) {
    CHECK(s.item != 3);
    CHECK(s.score <= 1.0 + 1e-12);
  }
  CHECK_THROWS_WITH_AS(static_cast<void>(crmkit::similar_items(model, 40, 5)), doctest::Contains("item 40"),
                       crmkit::error);
}

TEST_CASE("als_fit on a dataset does not depend on line order; bad options are rejected") {
  auto lines = offers_test::random_lines(5, 300, 50, 30);
  crmkit::als_options o;
  o.factors = 4;
  o.max_iter = 3;
  const auto fit = [&](const std::vector<offers_test::line>& l) {
    const auto b = crmkit::baskets_from_dataset(offers_test::dataset_of(l));
    return crmkit::als_fit(crmkit::customer_product_matrix(b, crmkit::interaction_value::orders), o);
  };
  const auto ref = fit(lines);
  std::mt19937 rng(1);
  std::shuffle(lines.begin(), lines.end(), rng);
  const auto again = fit(lines);
  CHECK(again.user_factors == ref.user_factors);
  CHECK(again.item_factors == ref.item_factors);

  o.factors = 0;
  const auto m = random_matrix(3, 10, 5, 0.3);
  CHECK_THROWS_WITH_AS(static_cast<void>(crmkit::als_fit(m, o)), doctest::Contains("CRMKIT_ALS_FACTORS = 0"),
                       crmkit::error);
  o.factors = 2;
  CHECK_THROWS_WITH_AS(static_cast<void>(crmkit::als_fit(crmkit::interaction_matrix{}, o)),
                       doctest::Contains("empty"), crmkit::error);
  crmkit::factor_matrix bad(3, 2);
  CHECK_THROWS_WITH_AS(static_cast<void>(crmkit::als_fit(m, o, bad, bad)), doctest::Contains("expected 10 x 2"),
                       crmkit::error);
}
