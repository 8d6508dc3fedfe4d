// k-means customer segments on the bundled CDNOW sample: RFM per customer, log1p and
// z-score features, inertia and silhouette over k = 2..8 to help choose k, then a
// 4-segment k-means (10 k-means++ initialisations, seed 0) with centroids back in days,
// orders and dollars and a profile of each segment (size, revenue share, mean R/F/M).
//
//   example_segments_kmeans [transactions.csv] [k]
//
// The same features through scikit-learn 1.2 (customers in order of first appearance,
// pandas groupby(sort=False); KMeans(k, n_init=10, random_state=0)) give the same
// partitions: the test in examples/CMakeLists.txt checks the inertia, silhouette and
// iteration count printed here against the values scikit-learn computed on this file.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/crmkit.hpp"

#ifndef CRMKIT_EXAMPLE_DATA_DIR
#  define CRMKIT_EXAMPLE_DATA_DIR "examples/data"
#endif

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : CRMKIT_EXAMPLE_DATA_DIR "/cdnow_sample.csv";
  const std::size_t k = argc > 2 ? static_cast<std::size_t>(std::strtoul(argv[2], nullptr, 10)) : 4;
  try {
    crmkit::transaction_columns columns;
    columns.customer = "customer_id";
    columns.time = "date";
    columns.amount = "amount";
    const crmkit::dataset data = crmkit::read_transactions_csv(path, columns);
    const crmkit::transaction_log& log = data.transactions();

    // RFM at the day after the last purchase.
    crmkit::rfm_options options;
    options.as_of = (crmkit::floor_days(log.max_time()) + 1) * crmkit::seconds_per_day;
    const crmkit::rfm_table table = crmkit::rfm_summary(log, options);
    const auto n = static_cast<Eigen::Index>(table.size());
    crmkit::feature_matrix rfm(n, 3);
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto r = static_cast<std::size_t>(i);
      rfm(i, 0) = table.recency_days[r];
      rfm(i, 1) = table.frequency[r];
      rfm(i, 2) = table.monetary[r];
    }
    // Skewed counts and amounts: log1p, then z-scores so each feature weighs the same.
    const auto scaler = crmkit::feature_scaler::fit(rfm, {true, true, true});
    const crmkit::feature_matrix z = scaler.transform(rfm);

    crmkit::kmeans_options km;
    km.n_init = 10;
    km.seed = 0;
    km.n_threads = 2;
    fmt::print("k-means segments: {} ({} customers, features log1p + z-score of recency days, orders, revenue)\n\n",
               path, table.size());
    fmt::print("Choosing k (inertia falls with k; the silhouette, on all customers, peaks at a good k):\n");
    fmt::print("  {:>2}  {:>12}  {:>10}\n", "k", "inertia", "silhouette");
    for (const auto& s : crmkit::kmeans_scan_k(z, 2, 8, km, /*silhouette_sample_size=*/0))
      fmt::print("  {:>2}  {:>12.4f}  {:>10.4f}\n", s.k, s.inertia, s.silhouette);

    km.n_clusters = k;
    const crmkit::kmeans_result fit = crmkit::kmeans_fit(z, km);
    const double silhouette = crmkit::silhouette_score(z, fit.labels, 0, 0, km.n_threads);
    fmt::print("\nk = {}: inertia {:.4f}, silhouette {:.4f}, {} iterations (initialisation {} of {} kept)\n", k,
               fit.inertia, silhouette, fit.n_iter, fit.best_init + 1, km.n_init);

    const crmkit::feature_matrix centres = scaler.inverse_transform(fit.centers);
    const auto profile = crmkit::kmeans_profile(rfm, fit.labels, k, table.monetary);
    std::vector<std::size_t> order(k);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return profile[a].value > profile[b].value; });
    fmt::print("\n  {:>7}  {:>9}  {:>8}  {:>8}   {:>10} {:>7} {:>9}   {:>10} {:>7} {:>9}\n", "segment", "customers",
               "share", "revenue", "centroid:R", "F", "M", "mean:R", "F", "M");
    for (std::size_t j : order) {
      const auto& p = profile[j];
      const auto row = static_cast<Eigen::Index>(j);
      fmt::print("  {:>7}  {:>9}  {:>7.1f}%  {:>7.1f}%   {:>10.0f} {:>7.2f} {:>9.2f}   {:>10.0f} {:>7.2f} {:>9.2f}\n", j,
                 p.size, 100.0 * p.share, 100.0 * p.value_share, centres(row, 0), centres(row, 1), centres(row, 2),
                 p.mean[0], p.mean[1], p.mean[2]);
    }
    fmt::print("\n(centroid: the cluster centre mapped back to days / orders / dollars, a geometric mean of\n"
               " the members; mean: the arithmetic mean of the members' R, F and M)\n");
  } catch (const crmkit::error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
