// Tests of crmkit/offers/{weighting,item_knn,offer_value}.hpp and the ALS model document:
// BM25 / TF-IDF against the formulas written out densely, item kNN against a dense cosine
// matrix, thread determinism, value ranking, the next_best_offer columns, save/load.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "crmkit/core/customer_table.hpp"
#include "crmkit/error.hpp"
#include "crmkit/offers/implicit_als.hpp"
#include "crmkit/offers/item_knn.hpp"
#include "crmkit/offers/offer_value.hpp"
#include "crmkit/offers/weighting.hpp"

namespace {

// Random matrix with continuous values (no ties among cosines) and optional empty rows/cols.
crmkit::interaction_matrix random_matrix(std::uint32_t seed, std::size_t rows, std::size_t cols, double density,
                                         bool counts = false) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::int64_t> indptr{0};
  std::vector<std::int32_t> indices;
  std::vector<double> values;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c)
      if (u(rng) < density) {
        indices.push_back(static_cast<std::int32_t>(c));
        values.push_back(counts ? 1.0 + std::floor(u(rng) * 4) : 0.1 + u(rng));
      }
    indptr.push_back(static_cast<std::int64_t>(indices.size()));
  }
  return crmkit::make_interaction_matrix(indptr, indices, values, rows, cols);
}

Eigen::MatrixXd dense(const crmkit::interaction_matrix& m) {
  Eigen::MatrixXd d = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(m.n_rows), static_cast<Eigen::Index>(m.n_cols));
  for (std::size_t r = 0; r < m.n_rows; ++r) {
    const auto c = m.row_indices(r);
    const auto v = m.row_values(r);
    for (std::size_t j = 0; j < c.size(); ++j) d(static_cast<Eigen::Index>(r), c[j]) = v[j];
  }
  return d;
}

}  // namespace

TEST_CASE("bm25_weight and tfidf_weight: implicit's formulas, entries weighted <= 0 dropped") {
  const auto m = random_matrix(3, 40, 12, 0.3, true);
  const Eigen::MatrixXd d = dense(m);
  const double n = 40;
  Eigen::VectorXd idf(12), len = d.rowwise().sum();
  for (Eigen::Index j = 0; j < 12; ++j) idf(j) = std::log(n / (1.0 + static_cast<double>((d.col(j).array() > 0).count())));
  const double avg = len.mean(), k1 = 1.2, b = 0.75;
  const auto w = crmkit::bm25_weight(m, k1, b);
  const auto t = crmkit::tfidf_weight(m);
  const Eigen::MatrixXd dw = dense(w), dt = dense(t);
  for (Eigen::Index r = 0; r < 40; ++r)
    for (Eigen::Index j = 0; j < 12; ++j) {
      const double x = d(r, j);
      double expect = x > 0 ? x * (k1 + 1) / (k1 * ((1 - b) + b * len(r) / avg) + x) * idf(j) : 0.0;
      double expect_t = x > 0 ? std::sqrt(x) * idf(j) : 0.0;
      if (expect <= 0) expect = 0;
      if (expect_t <= 0) expect_t = 0;
      CHECK(dw(r, j) == doctest::Approx(expect).epsilon(1e-14));
      CHECK(dt(r, j) == doctest::Approx(expect_t).epsilon(1e-14));
    }
  // A column held by every row has idf < 0: dropped, never a negative confidence.
  const std::vector<std::int64_t> indptr{0, 2, 3, 4};
  const std::vector<std::int32_t> idx{0, 1, 0, 0};
  const std::vector<double> val{1, 2, 1, 3};
  const auto all = crmkit::make_interaction_matrix(indptr, idx, val, 3, 2);
  const auto wa = crmkit::bm25_weight(all);
  CHECK(wa.nnz() == 1);
  CHECK(wa.indices[0] == 1);
  CHECK(wa.values[0] > 0);
  for (const double v : crmkit::tfidf_weight(all).values) CHECK(v > 0);
  CHECK_THROWS_AS((void)crmkit::bm25_weight(m, -1, 0.5), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::bm25_weight(m, 1, 1.5), crmkit::error);
  crmkit::interaction_matrix empty;
  empty.n_rows = 3;
  empty.n_cols = 2;
  empty.indptr.assign(4, 0);
  CHECK_THROWS_AS((void)crmkit::tfidf_weight(empty), crmkit::error);
}

TEST_CASE("ALS weighting option: the fit on bm25 equals the fit on the weighted matrix") {
  const auto m = random_matrix(5, 30, 10, 0.3, true);
  crmkit::als_options o;
  o.factors = 4;
  o.max_iter = 3;
  o.seed = 9;
  o.weighting = crmkit::matrix_weighting::bm25;
  o.bm25_k1 = 1.2;
  o.bm25_b = 0.75;
  const auto a = crmkit::als_fit(m, o);
  crmkit::als_options plain = o;
  plain.weighting = crmkit::matrix_weighting::none;
  const auto b = crmkit::als_fit(crmkit::bm25_weight(m, 1.2, 0.75), plain);
  CHECK(a.user_factors == b.user_factors);
  CHECK(a.item_factors == b.item_factors);
  o.weighting = crmkit::matrix_weighting::tfidf;
  const auto c = crmkit::als_fit(m, o);
  const auto d = crmkit::als_fit(crmkit::tfidf_weight(m), plain);
  CHECK(c.item_factors == d.item_factors);
  CHECK(a.item_factors != c.item_factors);
}

TEST_CASE("item kNN: cosine of columns, top K per item (itself included), equal to a dense computation") {
  const auto m = random_matrix(11, 60, 25, 0.15);
  const Eigen::MatrixXd d = dense(m);
  Eigen::VectorXd norm = d.colwise().norm();
  crmkit::item_knn_options o;
  o.neighbours = 6;
  const auto knn = crmkit::item_knn_fit(m, o);
  REQUIRE(knn.similarity.n_rows == 25);
  for (std::size_t i = 0; i < 25; ++i) {
    std::vector<std::pair<double, int>> expected;
    for (int j = 0; j < 25; ++j) {
      const double dot = d.col(static_cast<Eigen::Index>(i)).dot(d.col(j));
      if (dot > 0) expected.emplace_back(dot / (norm(static_cast<Eigen::Index>(i)) * norm(j)), j);
    }
    std::sort(expected.begin(), expected.end(), [](auto a, auto b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    if (expected.size() > 6) expected.resize(6);
    std::sort(expected.begin(), expected.end(), [](auto a, auto b) { return a.second < b.second; });
    const auto cols = knn.similarity.row_indices(i);
    const auto vals = knn.similarity.row_values(i);
    REQUIRE(cols.size() == expected.size());
    for (std::size_t q = 0; q < cols.size(); ++q) {
      CHECK(cols[q] == expected[q].second);
      CHECK(vals[q] == doctest::Approx(expected[q].first).epsilon(1e-12));
    }
  }
  // threads do not change a bit
  o.n_threads = 3;
  const auto knn3 = crmkit::item_knn_fit(m, o);
  CHECK(knn3.similarity.values == knn.similarity.values);
  CHECK(knn3.similarity.indices == knn.similarity.indices);
  // recommend: score = r_u . S, own items left out, best first
  const auto t = crmkit::item_knn_recommend(knn, m, 4);
  const auto t3 = crmkit::item_knn_recommend(knn, m, 4, true, 2);
  CHECK(t.item == t3.item);
  CHECK(t.score == t3.score);
  const Eigen::MatrixXd s = dense(knn.similarity);
  for (std::size_t u = 0; u < m.n_rows; ++u) {
    const Eigen::RowVectorXd score = d.row(static_cast<Eigen::Index>(u)) * s;
    for (std::size_t j = 0; j < 4; ++j) {
      const std::int32_t item = t.item[u * 4 + j];
      REQUIRE(item >= 0);
      CHECK(d(static_cast<Eigen::Index>(u), item) == 0.0);
      if (score(item) > 0) CHECK(t.score[u * 4 + j] == doctest::Approx(score(item)).epsilon(1e-12));
      if (j > 0 && t.cold_start[u] == 0 && score(item) > 0) CHECK(t.score[u * 4 + j - 1] >= t.score[u * 4 + j]);
    }
  }
  const auto like = crmkit::item_knn_similar(knn, 0, 3);
  CHECK(like.size() <= 3);
  for (const auto& x : like) CHECK(x.item != 0);
  CHECK_THROWS_AS((void)crmkit::item_knn_similar(knn, 25, 3), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::item_knn_recommend(knn, m, 0), crmkit::error);
}

TEST_CASE("item kNN: a cold-start row gets popularity, flagged; a product seen once has one customer's neighbours") {
  // rows: 0 buys {0,1}, 1 buys {1,2}, 2 buys nothing, 3 buys {3} (product 3 seen once)
  const std::vector<std::int64_t> indptr{0, 2, 4, 4, 5};
  const std::vector<std::int32_t> idx{0, 1, 1, 2, 3};
  const std::vector<double> val{1, 1, 1, 1, 1};
  const auto m = crmkit::make_interaction_matrix(indptr, idx, val, 4, 5);
  const auto knn = crmkit::item_knn_fit(m, {});
  CHECK(knn.similarity.row_indices(4).empty());  // product 4 never bought
  const auto s3 = knn.similarity.row_indices(3);
  REQUIRE(s3.size() == 1);  // only itself
  const auto t = crmkit::item_knn_recommend(knn, m, 2);
  CHECK(t.cold_start[2] == 1);
  CHECK(t.item[2 * 2] == 1);  // most popular
  CHECK(t.cold_start[0] == 0);
  CHECK(t.item[0] == 2);  // 0 -> via product 1 -> 2
  CHECK(t.cold_start[3] == 1);  // product 3's only neighbour is itself: nothing new
  for (const double v : t.score) CHECK(std::isfinite(v));
}

TEST_CASE("rank_by_value and add_offer_columns") {
  crmkit::offer_table t;
  t.n_rows = 3;
  t.top_n = 2;
  t.item = {0, 1, 2, -1, 1, 0};
  t.score = {0.9, 0.5, 1.7, 0.0, 0.2, -0.3};
  t.cold_start = {0, 0, 1};
  const std::vector<double> clv{100.0, 10.0, std::nan("")};
  const auto v = crmkit::rank_by_value(t, clv);
  CHECK(v.value == std::vector<double>{90.0, 50.0, 10.0, 0.0, 0.0, 0.0});
  CHECK(v.item == t.item);
  const std::vector<double> price{1.0, 4.0, 2.0};
  const auto w = crmkit::rank_by_value(t, clv, price);
  CHECK(w.item == std::vector<std::int32_t>{1, 0, 2, -1, 1, 0});
  CHECK(w.value == std::vector<double>{200.0, 90.0, 20.0, 0.0, 0.0, 0.0});
  CHECK(w.score[0] == 0.5);
  const std::vector<double> bad{1.0, -1.0, 0.0};
  CHECK_THROWS_AS((void)crmkit::rank_by_value(t, bad), crmkit::error);
  const std::vector<double> short_price{1.0};
  CHECK_THROWS_AS((void)crmkit::rank_by_value(t, clv, short_price), crmkit::error);

  auto table = crmkit::customer_table::with_index_ids(4);  // ids "0".."3"
  const std::vector<std::string> ids{"2", "0", "1"};
  const std::vector<std::string> names{"P-b", "P-a", "P-c"};
  crmkit::add_offer_columns(table, w, ids, names);
  const auto& nbo = table.category("next_best_offer");
  // first offers: row "2" item 1 (P-a), row "0" item 2 (P-c), row "1" item 1 (P-a); levels in byte order
  REQUIRE(nbo.levels->size() == 2);
  CHECK(nbo.levels->at(0) == "P-a");
  CHECK(nbo.levels->at(nbo.codes[0]) == "P-c");
  CHECK(nbo.levels->at(nbo.codes[2]) == "P-a");
  CHECK(nbo.codes[3] == -1);
  CHECK(table.float64("next_best_offer_value")[2] == 200.0);
  CHECK(table.float64("next_best_offer_score")[0] == 1.7);
  CHECK(std::isnan(table.float64("next_best_offer_score")[3]));
  CHECK(table.int64("next_best_offer_cold_start")[1] == 1);
  CHECK(table.int64("next_best_offer_cold_start")[3] == crmkit::missing_int64);
  const std::vector<std::string> two{"0", "1"};
  CHECK_THROWS_AS(crmkit::add_offer_columns(table, w, two, names), crmkit::error);
}

#ifndef CRMKIT_HEADER_ONLY
TEST_CASE("ALS model document: save, load, the same bits; damage is a parse error") {
  const auto m = random_matrix(21, 20, 8, 0.3, true);
  crmkit::als_options o;
  o.factors = 3;
  o.max_iter = 4;
  o.seed = 2;
  o.weighting = crmkit::matrix_weighting::tfidf;
  const auto model = crmkit::als_fit(m, o);
  const std::string text = crmkit::als_to_text(model, o, &m);
  const auto back = crmkit::als_from_text(text);
  CHECK(back.model.user_factors == model.user_factors);
  CHECK(back.model.item_factors == model.item_factors);
  CHECK(back.model.report.iterations == model.report.iterations);
  CHECK(back.options.weighting == crmkit::matrix_weighting::tfidf);
  CHECK(back.history.indices == m.indices);
  CHECK(back.history.values == m.values);
  CHECK(crmkit::als_to_text(back.model, back.options, &back.history) == text);
  const auto r1 = crmkit::als_recommend(model, m, 3);
  const auto r2 = crmkit::als_recommend(back.model, back.history, 3);
  CHECK(r1.item == r2.item);
  CHECK(r1.score == r2.score);
  const auto no_history = crmkit::als_from_text(crmkit::als_to_text(model, o));
  CHECK(no_history.history.n_rows == 0);
  std::string bad = text;
  bad.replace(bad.find("factors = 3"), 11, "factors = 4");
  CHECK_THROWS_AS((void)crmkit::als_from_text(bad), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::als_from_text("model = \"kmeans\"\nformat = 1\n"), crmkit::error);
}
#endif
