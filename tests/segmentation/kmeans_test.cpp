// Tests of crmkit/segmentation/{features,kmeans_init,kmeans}.hpp. The scikit-learn
// comparisons live in tests/python/test_kmeans.py; here: numpy's random stream (values
// printed by numpy 1.24), closed forms, Lloyd == Hamerly, thread-count invariance, bad input.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/segmentation/features.hpp"
#include "crmkit/segmentation/kmeans.hpp"
#include "crmkit/segmentation/kmeans_init.hpp"

namespace {

// Gaussian blobs around `k` random centres (a fixed std::mt19937 stream).
crmkit::feature_matrix blobs(std::size_t n, std::size_t d, std::size_t k, std::uint32_t seed, double spread = 1.0) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  crmkit::feature_matrix centres(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(d));
  for (Eigen::Index j = 0; j < centres.rows(); ++j)
    for (Eigen::Index f = 0; f < centres.cols(); ++f) centres(j, f) = 4.0 * normal(gen);
  crmkit::feature_matrix x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index f = 0; f < x.cols(); ++f) x(i, f) = centres(i % centres.rows(), f) + spread * normal(gen);
  return x;
}

void check_identical(const crmkit::kmeans_result& a, const crmkit::kmeans_result& b) {
  CHECK(a.labels == b.labels);
  CHECK(a.n_iter == b.n_iter);
  CHECK(a.report.status == b.report.status);
  CHECK(a.report.message == b.report.message);
  CHECK(a.inertia == b.inertia);  // bit for bit
  CHECK(a.centers == b.centers);
  CHECK(a.n_relocated == b.n_relocated);
}

}  // namespace

TEST_CASE("numpy_random_state reproduces numpy's legacy RandomState") {
  // np.random.RandomState(0): randint(100) -> 44, randint(1000003) -> 305711,
  // uniform(size=3) -> [0.7151893663724195, 0.6027633760716439, 0.5448831829968969]
  crmkit::numpy_random_state r(0);
  CHECK(r.randint(100) == 44);
  CHECK(r.randint(1000003) == 305711);
  const auto u = r.uniform(3);
  CHECK(u[0] == 0.7151893663724195);
  CHECK(u[1] == 0.6027633760716439);
  CHECK(u[2] == 0.5448831829968969);
  // np.random.RandomState(42).permutation(10)
  crmkit::numpy_random_state p(42);
  CHECK(p.permutation(10) == std::vector<std::size_t>{8, 1, 5, 0, 7, 2, 9, 4, 3, 6});
  // [np.random.RandomState(7).randint(5) for _ in range(10)] uses one stream
  crmkit::numpy_random_state s(7);
  std::vector<std::uint64_t> got;
  for (int i = 0; i < 10; ++i) got.push_back(s.randint(5));
  CHECK(got == std::vector<std::uint64_t>{4, 1, 3, 3, 4, 1, 0, 1, 2, 2});
}

TEST_CASE("feature_scaler: log1p and z-scores in closed form, and back to original units") {
  crmkit::feature_matrix x(4, 2);
  x << 0.0, 1.0, 1.0, 3.0, 3.0, 5.0, 7.0, 7.0;
  const auto s = crmkit::feature_scaler::fit(x, {true, false});
  // column 0: log1p -> log 1, log 2, log 4, log 8 = (0,1,2,3) log 2: mean 1.5 log 2,
  // population sd sqrt(1.25) log 2; column 1: mean 4, sd sqrt(5).
  CHECK(s.mean()[0] == doctest::Approx(1.5 * std::log(2.0)).epsilon(1e-14));
  CHECK(s.scale()[0] == doctest::Approx(std::sqrt(1.25) * std::log(2.0)).epsilon(1e-14));
  CHECK(s.mean()[1] == doctest::Approx(4.0).epsilon(1e-15));
  CHECK(s.scale()[1] == doctest::Approx(std::sqrt(5.0)).epsilon(1e-15));
  const auto z = s.transform(x);
  CHECK(z(0, 1) == doctest::Approx(-3.0 / std::sqrt(5.0)).epsilon(1e-14));
  CHECK(z(3, 0) == doctest::Approx(1.5 / std::sqrt(1.25)).epsilon(1e-14));
  const auto back = s.inverse_transform(z);
  for (Eigen::Index i = 0; i < 4; ++i)
    for (Eigen::Index j = 0; j < 2; ++j) CHECK(back(i, j) == doctest::Approx(x(i, j)).epsilon(1e-12));
  // A constant column gets scale 1 (scikit-learn's StandardScaler).
  crmkit::feature_matrix c(3, 1);
  c << 2.0, 2.0, 2.0;
  CHECK(crmkit::feature_scaler::fit(c).scale()[0] == 1.0);
}

TEST_CASE("feature_scaler: the model document round-trips to the same bits and rejects damage") {
  crmkit::feature_matrix x(5, 3);
  x << 0.5, 1.0, -2.0, 1.0, 3.0, 0.1, 3.0, 5.0, 7.25, 7.0, 7.0, 1e-3, 11.0, -4.0, 2.0;
  const auto s = crmkit::feature_scaler::fit(x, {true, false, false});
  const auto text = s.to_text();
  CHECK(text.find("model = \"feature_scaler\"") != std::string::npos);
  const auto back = crmkit::feature_scaler::from_text(text);
  CHECK(back.to_text() == text);
  CHECK(back.log1p() == s.log1p());
  const crmkit::feature_matrix z0 = s.transform(x), z1 = back.transform(x);
  CHECK(std::memcmp(z0.data(), z1.data(), sizeof(double) * static_cast<std::size_t>(z0.size())) == 0);
  auto bad = text;
  bad.replace(bad.find("\nlog1p = [1."), 12, "\nlog1p = [2.");
  CHECK_THROWS_WITH_AS((void)crmkit::feature_scaler::from_text(bad), doctest::Contains("params.log1p"), crmkit::error);
  auto zero = text;
  zero.replace(zero.find("\nscale = ["), 10, "\nscale = [0.0, ");
  CHECK_THROWS_AS((void)crmkit::feature_scaler::from_text(zero), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::feature_scaler().to_text(), crmkit::error);
}

TEST_CASE("feature_scaler rejects bad input with clear errors") {
  crmkit::feature_matrix x(2, 2);
  x << 1.0, 2.0, std::nan(""), 4.0;
  CHECK_THROWS_WITH_AS((void)crmkit::feature_scaler::fit(x), doctest::Contains("row 1, column 0"), crmkit::error);
  x(1, 0) = -1.0;
  CHECK_THROWS_WITH_AS((void)crmkit::feature_scaler::fit(x, {true, false}), doctest::Contains("log1p"), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::feature_scaler::fit(x, {true}), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::feature_scaler::fit(crmkit::feature_matrix(0, 2)), crmkit::error);
}

TEST_CASE("two separated groups: centres are the group means, inertia the within sum of squares") {
  crmkit::feature_matrix x(6, 2);
  x << 0, 0, 1, 0, 0, 1, 10, 10, 11, 10, 10, 11;
  crmkit::kmeans_options o;
  o.n_clusters = 2;
  o.n_init = 3;
  for (auto alg : {crmkit::kmeans_algorithm::lloyd, crmkit::kmeans_algorithm::hamerly}) {
    o.algorithm = alg;
    const auto r = crmkit::kmeans_fit(x, o);
    CHECK(r.labels[0] == r.labels[1]);
    CHECK(r.labels[0] == r.labels[2]);
    CHECK(r.labels[3] == r.labels[4]);
    CHECK(r.labels[0] != r.labels[3]);
    const auto a = static_cast<Eigen::Index>(r.labels[0]), b = static_cast<Eigen::Index>(r.labels[3]);
    CHECK(r.centers(a, 0) == doctest::Approx(1.0 / 3.0).epsilon(1e-14));
    CHECK(r.centers(b, 1) == doctest::Approx(31.0 / 3.0).epsilon(1e-14));
    // each group: sum of squared distances to (1/3, 1/3) = 4/3
    CHECK(r.inertia == doctest::Approx(8.0 / 3.0).epsilon(1e-13));
    CHECK(r.report.status == crmkit::fit_status::converged);
    CHECK(r.report.message == "labels unchanged");
    CHECK(r.report.objective == r.inertia);
    CHECK(r.report.iterations == r.n_iter);
    CHECK(crmkit::kmeans_predict(r.centers, x) == r.labels);
  }
}

TEST_CASE("explicit initial centres: one Lloyd step by hand") {
  // 1-D points 0, 2, 4, 10 from centres 0 and 10: iteration 1 gives {0,2,4}->0 (4 is
  // nearer 0 than 10), {10}->1, centres 2 and 10; iteration 2 keeps the labels: n_iter 2.
  crmkit::feature_matrix x(4, 1);
  x << 0, 2, 4, 10;
  crmkit::feature_matrix init(2, 1);
  init << 0, 10;
  crmkit::kmeans_options o;
  o.n_clusters = 2;
  o.tol = 0.0;
  const auto r = crmkit::kmeans_fit(x, init, o);
  CHECK(r.labels == std::vector<std::int32_t>{0, 0, 0, 1});
  CHECK(r.centers(0, 0) == doctest::Approx(2.0).epsilon(1e-15));
  CHECK(r.centers(1, 0) == doctest::Approx(10.0).epsilon(1e-15));
  CHECK(r.n_iter == 2);
  CHECK(r.inertia == doctest::Approx(8.0).epsilon(1e-14));
  // max_iter = 1: stops after one iteration, then a final assignment.
  o.max_iter = 1;
  const auto one = crmkit::kmeans_fit(x, init, o);
  CHECK(one.n_iter == 1);
  CHECK(one.report.status == crmkit::fit_status::iteration_limit);
}

TEST_CASE("an empty cluster takes the point farthest from its centre") {
  // Centre 2 at 100 gets nothing in iteration 1; the farthest point from its own centre
  // is 9 (centre 0 gets {0, 1, 9}? no: 9 is nearer 10) -- set up: points 0, 1, 2, 9, 10
  // and centres 0, 10, 100: labels {0,1,2}->0, {9,10}->1, cluster 2 empty. Distances to
  // own old centre: 0, 1, 4, 1, 0 -> the farthest is point 2 (value 2), which moves to
  // cluster 2: sums c0 = (0+1)/2, c1 = 9.5, c2 = 2.
  crmkit::feature_matrix x(5, 1);
  x << 0, 1, 2, 9, 10;
  crmkit::feature_matrix init(3, 1);
  init << 0, 10, 100;
  crmkit::kmeans_options o;
  o.n_clusters = 3;
  o.max_iter = 1;
  for (auto alg : {crmkit::kmeans_algorithm::lloyd, crmkit::kmeans_algorithm::hamerly}) {
    o.algorithm = alg;
    const auto r = crmkit::kmeans_fit(x, init, o);
    CHECK(r.n_relocated == 1);
    CHECK(r.centers(0, 0) == doctest::Approx(0.5).epsilon(1e-15));
    CHECK(r.centers(1, 0) == doctest::Approx(9.5).epsilon(1e-15));
    CHECK(r.centers(2, 0) == doctest::Approx(2.0).epsilon(1e-15));
    CHECK(r.labels == std::vector<std::int32_t>{0, 0, 2, 1, 1});
  }
}

TEST_CASE("Hamerly gives Lloyd's result bit for bit, for any thread count") {
  for (std::size_t d : {1u, 3u, 8u, 11u}) {  // 11: the generic (runtime d) kernels
    const auto x = blobs(20000, d, 6, static_cast<std::uint32_t>(d), 2.0);
    for (double tol : {0.0, 1e-4}) {
      for (std::size_t k : {1u, 2u, 5u, 9u}) {
        crmkit::kmeans_options o;
        o.n_clusters = k;
        o.tol = tol;
        o.seed = 3;
        o.n_init = 2;
        o.algorithm = crmkit::kmeans_algorithm::lloyd;
        const auto lloyd = crmkit::kmeans_fit(x, o);
        CAPTURE(d);
        CAPTURE(k);
        CAPTURE(tol);
        o.algorithm = crmkit::kmeans_algorithm::hamerly;
        check_identical(lloyd, crmkit::kmeans_fit(x, o));
        for (int threads : {2, 3, 7}) {
          o.n_threads = threads;
          check_identical(lloyd, crmkit::kmeans_fit(x, o));
          o.algorithm = crmkit::kmeans_algorithm::lloyd;
          check_identical(lloyd, crmkit::kmeans_fit(x, o));
          o.algorithm = crmkit::kmeans_algorithm::hamerly;
        }
        if (k > 1) {
          CHECK(lloyd.n_iter > 1);
        }
      }
    }
  }
}

TEST_CASE("Lloyd's float32 screening decides exactly as the double arithmetic: ties, huge and tiny scales") {
  // Integer grid points with integer centres: many points are exactly equidistant from
  // two centres (the lowest index must win) and many more within float rounding of a tie.
  // Hamerly uses only the double kernels, so Lloyd == Hamerly bit for bit checks every
  // screening decision; scaling by 1e13 (beyond the float range the bound admits) and by
  // 1e-30 (float underflow: every point is re-decided in double) covers the fallbacks.
  for (std::size_t d : {2u, 3u, 8u}) {
    crmkit::feature_matrix grid(3000, static_cast<Eigen::Index>(d));
    std::mt19937 gen(static_cast<std::uint32_t>(d));
    std::uniform_int_distribution<int> coord(-6, 6);
    for (Eigen::Index i = 0; i < grid.rows(); ++i)
      for (Eigen::Index f = 0; f < grid.cols(); ++f) grid(i, f) = coord(gen);
    crmkit::feature_matrix init(5, static_cast<Eigen::Index>(d));
    for (Eigen::Index j = 0; j < init.rows(); ++j)
      for (Eigen::Index f = 0; f < init.cols(); ++f) init(j, f) = 2.0 * static_cast<double>(coord(gen) / 2);
    for (double scale : {1.0, 1e11, 1e13, 1e-30}) {
      CAPTURE(d);
      CAPTURE(scale);
      const crmkit::feature_matrix x = grid * scale, c0 = init * scale;
      crmkit::kmeans_options o;
      o.n_clusters = 5;
      o.tol = 0.0;
      for (int max_iter : {1, 50}) {
        o.max_iter = max_iter;
        o.algorithm = crmkit::kmeans_algorithm::lloyd;
        const auto lloyd = crmkit::kmeans_fit(x, c0, o);
        o.algorithm = crmkit::kmeans_algorithm::hamerly;
        check_identical(lloyd, crmkit::kmeans_fit(x, c0, o));
        o.n_threads = 2;
        o.algorithm = crmkit::kmeans_algorithm::lloyd;
        check_identical(lloyd, crmkit::kmeans_fit(x, c0, o));
        o.n_threads = 1;
      }
    }
  }
}

TEST_CASE("sample weights: integer weights equal duplicated rows; unit weights change nothing") {
  const auto x = blobs(3000, 3, 5, 31, 1.5);
  std::mt19937 gen(5);
  std::uniform_int_distribution<int> copies(0, 3);
  std::vector<double> w(3000);
  std::vector<Eigen::Index> rows;
  for (std::size_t i = 0; i < w.size(); ++i) {
    w[i] = copies(gen);
    for (int c = 0; c < static_cast<int>(w[i]); ++c) rows.push_back(static_cast<Eigen::Index>(i));
  }
  crmkit::feature_matrix dup(static_cast<Eigen::Index>(rows.size()), 3);
  for (std::size_t r = 0; r < rows.size(); ++r) dup.row(static_cast<Eigen::Index>(r)) = x.row(rows[r]);
  crmkit::feature_matrix init = x.topRows(5);
  crmkit::kmeans_options o;
  o.n_clusters = 5;
  o.tol = 0.0;
  const auto weighted = crmkit::kmeans_fit(x, init, o, w);
  const auto expanded = crmkit::kmeans_fit(dup, init, o);
  CHECK(weighted.n_iter == expanded.n_iter);
  CHECK(weighted.inertia == doctest::Approx(expanded.inertia).epsilon(1e-12));
  for (Eigen::Index j = 0; j < 5; ++j)
    for (Eigen::Index f = 0; f < 3; ++f) CHECK(std::fabs(weighted.centers(j, f) - expanded.centers(j, f)) < 1e-12);
  for (std::size_t r = 0; r < rows.size(); ++r)
    CHECK(weighted.labels[static_cast<std::size_t>(rows[r])] == expanded.labels[r]);
  // Hamerly and two threads: the same bits.
  o.algorithm = crmkit::kmeans_algorithm::hamerly;
  check_identical(weighted, crmkit::kmeans_fit(x, init, o, w));
  o.n_threads = 2;
  check_identical(weighted, crmkit::kmeans_fit(x, init, o, w));
  o.algorithm = crmkit::kmeans_algorithm::lloyd;
  o.n_threads = 1;
  // Weights of 1: the unweighted fit, bit for bit (seeded fit: seeding ignores weights).
  const std::vector<double> ones(3000, 1.0);
  o.n_init = 2;
  o.seed = 9;
  check_identical(crmkit::kmeans_fit(x, o), crmkit::kmeans_fit(x, o, ones));
  // Bad weights.
  auto bad = w;
  bad[17] = -1.0;
  CHECK_THROWS_WITH_AS(static_cast<void>(crmkit::kmeans_fit(x, o, bad)), doctest::Contains("row 17"), crmkit::error);
  bad[17] = std::nan("");
  CHECK_THROWS_AS(static_cast<void>(crmkit::kmeans_fit(x, o, bad)), crmkit::error);
  CHECK_THROWS_AS(static_cast<void>(crmkit::kmeans_fit(x, o, std::vector<double>(3000, 0.0))), crmkit::error);
  CHECK_THROWS_AS(static_cast<void>(crmkit::kmeans_fit(x, o, std::vector<double>(10, 1.0))), crmkit::error);
}

TEST_CASE("k-means++ is reproducible, thread-independent and picks distinct points") {
  const auto x = blobs(5000, 3, 4, 11);
  const auto a = crmkit::kmeans_plusplus(x, 8, 5);
  CHECK(a.size() == 8);
  CHECK(a == crmkit::kmeans_plusplus(x, 8, 5, 0, 2));
  CHECK(a != crmkit::kmeans_plusplus(x, 8, 6));
  auto sorted = a;
  std::sort(sorted.begin(), sorted.end());
  CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
}

TEST_CASE("more initialisations never give a higher inertia than the first") {
  const auto x = blobs(3000, 2, 7, 5, 1.5);
  crmkit::kmeans_options o;
  o.n_clusters = 7;
  o.seed = 1;
  o.init = crmkit::kmeans_init_method::random;
  const auto one = crmkit::kmeans_fit(x, o);
  o.n_init = 8;
  const auto many = crmkit::kmeans_fit(x, o);
  CHECK(many.inertia <= one.inertia);
  // a fresh sequence of seeds: the first run of n_init = 8 is the n_init = 1 run
  if (many.best_init == 0) CHECK(many.inertia == one.inertia);
}

TEST_CASE("silhouette in closed form, and the scan over k") {
  // 1-D {0, 1} and {10, 11}: for 0, a = 1, b = (10 + 11) / 2 = 10.5, s = 9.5 / 10.5;
  // for 1, a = 1, b = 9.5, s = 8.5 / 9.5; symmetric for the other cluster.
  crmkit::feature_matrix x(4, 1);
  x << 0, 1, 10, 11;
  const std::vector<std::int32_t> labels{0, 0, 1, 1};
  const double expected = (9.5 / 10.5 + 8.5 / 9.5) / 2.0;
  CHECK(crmkit::silhouette_score(x, labels) == doctest::Approx(expected).epsilon(1e-15));
  CHECK(crmkit::silhouette_score(x, labels, 0, 0, 3) == crmkit::silhouette_score(x, labels));
  // {0, 1, 10} and the singleton {11}, which scores 0: for 0, a = (1 + 10) / 2, b = 11;
  // for 1, a = (1 + 9) / 2, b = 10; for 10, a = (10 + 9) / 2, b = 1.
  CHECK(crmkit::silhouette_score(x, std::vector<std::int32_t>{0, 0, 0, 1}) ==
        doctest::Approx((5.5 / 11.0 + 5.0 / 10.0 + (1.0 - 9.5) / 9.5 + 0.0) / 4.0).epsilon(1e-15));
  CHECK_THROWS_AS((void)crmkit::silhouette_score(x, std::vector<std::int32_t>{0, 0, 0, 0}), crmkit::error);

  // four tight groups around the corners of a 10 x 10 square
  crmkit::feature_matrix xb(4000, 2);
  std::mt19937 gen(21);
  std::normal_distribution<double> normal(0.0, 0.5);
  for (Eigen::Index i = 0; i < xb.rows(); ++i) {
    xb(i, 0) = 10.0 * static_cast<double>(i % 2) + normal(gen);
    xb(i, 1) = 10.0 * static_cast<double>((i / 2) % 2) + normal(gen);
  }
  crmkit::kmeans_options o;
  o.n_init = 2;
  const auto scan = crmkit::kmeans_scan_k(xb, 1, 6, o, 1000);
  REQUIRE(scan.size() == 6);
  CHECK(std::isnan(scan[0].silhouette));
  for (std::size_t i = 1; i < scan.size(); ++i) CHECK(scan[i].inertia < scan[i - 1].inertia);
  // well separated blobs: the silhouette peaks at the true k = 4
  std::size_t best = 1;
  for (std::size_t i = 1; i < scan.size(); ++i)
    if (scan[i].silhouette > scan[best].silhouette) best = i;
  CHECK(scan[best].k == 4);
}

TEST_CASE("cluster profile: sizes, shares, value shares and means") {
  crmkit::feature_matrix f(4, 2);
  f << 1, 10, 3, 20, 5, 30, 7, 40;
  const std::vector<std::int32_t> labels{0, 1, 0, 2};
  const std::vector<double> value{10, 20, 30, 40};
  const auto p = crmkit::kmeans_profile(f, labels, 3, value);
  REQUIRE(p.size() == 3);
  CHECK(p[0].size == 2);
  CHECK(p[0].share == 0.5);
  CHECK(p[0].value == 40.0);
  CHECK(p[0].value_share == 0.4);
  CHECK(p[0].mean == std::vector<double>{3.0, 20.0});
  CHECK(p[2].mean == std::vector<double>{7.0, 40.0});
  CHECK_THROWS_AS((void)crmkit::kmeans_profile(f, std::vector<std::int32_t>{0, 1, 0, 3}, 3), crmkit::error);
}

TEST_CASE("bad input gets a clear error") {
  const auto x = blobs(10, 2, 2, 1);
  crmkit::kmeans_options o;
  o.n_clusters = 0;
  CHECK_THROWS_WITH_AS((void)crmkit::kmeans_fit(x, o), doctest::Contains("n_clusters = 0"), crmkit::error);
  o.n_clusters = 11;
  CHECK_THROWS_WITH_AS((void)crmkit::kmeans_fit(x, o), doctest::Contains("number of points (10)"), crmkit::error);
  o.n_clusters = 2;
  auto bad = x;
  bad(4, 1) = std::nan("");
  CHECK_THROWS_WITH_AS((void)crmkit::kmeans_fit(bad, o), doctest::Contains("row 4, column 1"), crmkit::error);
  bad(4, 1) = INFINITY;
  CHECK_THROWS_AS((void)crmkit::kmeans_fit(bad, o), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::kmeans_fit(crmkit::feature_matrix(0, 3), o), crmkit::error);
  o.tol = -1.0;
  CHECK_THROWS_WITH_AS((void)crmkit::kmeans_fit(x, o), doctest::Contains("tol"), crmkit::error);
  o.tol = 1e-4;
  o.n_threads = 0;
  CHECK_THROWS_WITH_AS((void)crmkit::kmeans_fit(x, o), doctest::Contains("n_threads"), crmkit::error);
  o.n_threads = 1;
  o.max_iter = 0;
  CHECK_THROWS_AS((void)crmkit::kmeans_fit(x, o), crmkit::error);
  o.max_iter = 10;
  o.n_init = 0;
  CHECK_THROWS_AS((void)crmkit::kmeans_fit(x, o), crmkit::error);
  o.n_init = 1;
  crmkit::feature_matrix init(3, 2);
  init.setZero();
  CHECK_THROWS_WITH_AS((void)crmkit::kmeans_fit(x, init, o), doctest::Contains("initial_centers has 3 rows"),
                       crmkit::error);
  o.n_clusters = 0;
  crmkit::feature_matrix init1(3, 1);
  init1.setZero();
  CHECK_THROWS_AS((void)crmkit::kmeans_fit(x, init1, o), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::kmeans_predict(crmkit::feature_matrix(0, 2), x), crmkit::error);
  try {
    (void)crmkit::kmeans_fit(x, crmkit::kmeans_options{.n_clusters = 11});
  } catch (const crmkit::error& e) {
    CHECK(e.code() == crmkit::errc::invalid_argument);
  }
}

// Issue 12: more clusters than distinct points returned empty clusters at the data mean
// with no warning (scikit-learn warns: "Number of distinct clusters (m) found smaller than
// n_clusters (k)").
TEST_CASE("more clusters than distinct points is an error") {
  crmkit::feature_matrix x(6, 2);
  x << 1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 5, 6;  // 3 distinct points
  crmkit::kmeans_options o;
  o.n_clusters = 4;
  auto message = [&](auto&& call) -> std::string {
    try {
      (void)call();
    } catch (const crmkit::error& e) {
      CHECK(e.code() == crmkit::errc::invalid_argument);
      return e.what();
    }
    return "(no error)";
  };
  CHECK(message([&] { return crmkit::kmeans_fit(x, o); }) ==
        "kmeans_fit: n_clusters = 4 but the data has only 3 distinct points; 1 clusters would stay empty (lower "
        "n_clusters)");
  crmkit::feature_matrix init(4, 2);
  init << 0, 0, 1, 1, 2, 2, 3, 3;
  CHECK(message([&] { return crmkit::kmeans_fit(x, init, o); }).find("only 3 distinct points") != std::string::npos);
  // Zero weights do not count: two distinct points with weight.
  const std::vector<double> w{1, 1, 1, 1, 1, 0};
  o.n_clusters = 3;
  CHECK(message([&] { return crmkit::kmeans_fit(x, o, w); }).find("only 2 distinct points with positive weight") !=
        std::string::npos);
  // Exactly as many clusters as distinct points is fine: each point its own cluster.
  const auto r = crmkit::kmeans_fit(x, o);
  CHECK(r.inertia == doctest::Approx(0.0));
  CHECK(r.labels[0] == r.labels[1]);
  CHECK(r.labels[0] == r.labels[4]);
}

TEST_CASE("kmeans: the model document round-trips bit for bit") {
  const auto x = blobs(500, 3, 4, 11, 1.0);
  crmkit::kmeans_options o;
  o.n_clusters = 4;
  o.n_init = 2;
  o.seed = 5;
  o.algorithm = crmkit::kmeans_algorithm::hamerly;
  const auto r = crmkit::kmeans_fit(x, o);
  const std::string text = crmkit::kmeans_to_text(r, o);
  const auto back = crmkit::kmeans_from_text(text);
  CHECK(back.result.centers == r.centers);  // every bit
  CHECK(back.result.inertia == r.inertia);
  CHECK(back.result.report.status == r.report.status);
  CHECK(back.result.report.message == r.report.message);
  CHECK(back.options.algorithm == crmkit::kmeans_algorithm::hamerly);
  CHECK(back.options.seed == 5);
  CHECK(crmkit::kmeans_predict(back.result.centers, x) == r.labels);
  CHECK(crmkit::kmeans_to_text(back.result, back.options) == text);
  auto bad = text;
  bad.replace(bad.find("algorithm = \"hamerly\""), 21, "algorithm = \"elkan\"  ");
  CHECK_THROWS_WITH_AS((void)crmkit::kmeans_from_text(bad), doctest::Contains("options.algorithm: 'elkan'"),
                       crmkit::error);
}
