// The large implicit-ALS case of issue 16: a generated customer x product matrix of
// 1,000,000 x 100,000 with about 50,000,000 non-zeros (50 distinct products per customer,
// Zipf-like popularity, counts 1-4), one ALS iteration at a time (all customers, then all
// products; 32 factors, 3 CG steps, alpha 10, regularization 0.01), with the wall time of
// each half and of the loss, and the process's peak resident memory (getrusage) after
// generating the matrix, after transposing it and after the iterations. The data are made
// in memory (fixed splitmix64 stream) and never written. Not a Google Benchmark: one run of
// minutes, printed as text.
//
//   build/release/bench/offers_large_bench [rows=1000000] [cols=100000] [per_row=50] [iterations=2] [threads=2]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bench_random.hpp"
#include "crmkit/offers/implicit_als.hpp"

namespace {

double peak_rss_gib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB on Linux
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::size_t arg(int argc, char** argv, int i, std::size_t fallback) {
  return argc > i ? static_cast<std::size_t>(std::strtoull(argv[i], nullptr, 10)) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t rows = arg(argc, argv, 1, 1000000), cols = arg(argc, argv, 2, 100000),
                    per_row = arg(argc, argv, 3, 50), iterations = arg(argc, argv, 4, 2);
  const int threads = static_cast<int>(arg(argc, argv, 5, 2));
  crmkit_bench::splitmix64 rng{20261207};
  auto t0 = std::chrono::steady_clock::now();
  crmkit::interaction_matrix m;
  m.n_rows = rows;
  m.n_cols = cols;
  m.indptr.assign(rows + 1, 0);
  m.indices.reserve(rows * per_row);
  m.values.reserve(rows * per_row);
  std::vector<std::int32_t> row;
  const double log_n = std::log(static_cast<double>(cols) + 1.0);
  for (std::size_t r = 0; r < rows; ++r) {
    row.clear();
    while (row.size() < per_row) {
      // Power-law popularity (exponent about 1): small indices are popular.
      const auto i = static_cast<std::size_t>(std::floor(std::exp(rng.uniform() * log_n))) - 1;
      const auto item = static_cast<std::int32_t>(std::min(i, cols - 1));
      if (std::find(row.begin(), row.end(), item) == row.end()) row.push_back(item);
    }
    std::sort(row.begin(), row.end());
    for (const std::int32_t c : row) {
      m.indices.push_back(c);
      m.values.push_back(1.0 + std::floor(rng.uniform() * 4.0));
    }
    m.indptr[r + 1] = static_cast<std::int64_t>(m.indices.size());
  }
  std::printf("matrix %zu x %zu, %zu non-zeros: generated in %.1f s; peak RSS %.2f GiB\n", rows, cols, m.nnz(),
              seconds_since(t0), peak_rss_gib());
  t0 = std::chrono::steady_clock::now();
  const crmkit::interaction_matrix mt = crmkit::transpose(m);
  std::printf("transpose: %.1f s; peak RSS %.2f GiB\n", seconds_since(t0), peak_rss_gib());

  crmkit::als_options o;
  o.factors = 32;
  o.alpha = 10;
  o.regularization = 0.01;
  o.cg_steps = 3;
  o.n_threads = threads;
  crmkit::factor_matrix users(static_cast<Eigen::Index>(rows), o.factors);
  crmkit::factor_matrix items(static_cast<Eigen::Index>(cols), o.factors);
  for (Eigen::Index i = 0; i < users.size(); ++i) users.data()[i] = 0.01 * rng.uniform();
  for (Eigen::Index i = 0; i < items.size(); ++i) items.data()[i] = 0.01 * rng.uniform();
  for (std::size_t it = 1; it <= iterations; ++it) {
    t0 = std::chrono::steady_clock::now();
    crmkit::als_solve_rows(m, items, users, o);
    const double t_users = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    crmkit::als_solve_rows(mt, users, items, o);
    const double t_items = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    const double loss = crmkit::als_loss(m, users, items, o);
    const double t_loss = seconds_since(t0);
    std::printf("iteration %zu (%d threads): customers %.2f s + products %.2f s = %.2f s; loss %.2f s (%.6g); "
                "peak RSS %.2f GiB\n",
                it, threads, t_users, t_items, t_users + t_items, t_loss, loss, peak_rss_gib());
  }
  return 0;
}
