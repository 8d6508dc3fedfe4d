// Next-best-offer benchmark: FP-growth on 500,000 generated baskets, and one implicit-ALS
// iteration (all customers, then all products; conjugate gradient, 3 steps per row) on a
// 5,000 x 4,000 customer x product matrix, against a NumPy/SciPy implementation of the
// same update (bench/offers_peer.py) on the same matrix and the same initial factors.
//
//   cmake --preset release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache && cmake --build build/release --target offers_bench
//   build/release/bench/offers_bench --write-data /tmp/crmkit_offers     # matrix, init, crmkit's factors
//   build/release/bench/offers_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//   /usr/bin/python3 bench/offers_peer.py /tmp/crmkit_offers
//
// Data (fixed splitmix64 streams): baskets of 1-8 items over 2,000 products with
// Zipf-like popularity and a companion bought with an item 30% of the time; the ALS matrix
// has about 40 products per customer (200,000 non-zeros), counts 1-4, popularity
// Zipf-like. Factors 32, regularization 0.01, alpha 10, initial factors uniform [0, 0.01).
#include <benchmark/benchmark.h>

#include "bench_random.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "crmkit/offers/association_rules.hpp"
#include "crmkit/offers/implicit_als.hpp"

namespace {

using crmkit_bench::splitmix64;

std::int32_t zipf_item(splitmix64& rng, std::size_t n) {
  // Inverse of a power-law CDF (exponent about 1): small indices are popular.
  const double u = rng.uniform();
  const auto i = static_cast<std::size_t>(std::floor(std::pow(static_cast<double>(n) + 1.0, u))) - 1;
  return static_cast<std::int32_t>(std::min(i, n - 1));
}

const crmkit::basket_set& baskets_500k() {
  static const crmkit::basket_set b = [] {
    splitmix64 rng{0xBA5CE7ull};
    const std::size_t n_items = 2000;
    std::vector<std::int64_t> offsets{0};
    std::vector<std::int32_t> items;
    for (std::size_t k = 0; k < 500000; ++k) {
      const int len = 1 + static_cast<int>(rng.uniform() * 8);
      for (int j = 0; j < len; ++j) {
        const std::int32_t item = zipf_item(rng, n_items);
        items.push_back(item);
        if (rng.uniform() < 0.3) items.push_back(item ^ 1);
      }
      offsets.push_back(static_cast<std::int64_t>(items.size()));
    }
    return crmkit::make_baskets(offsets, items, n_items);
  }();
  return b;
}

struct als_problem {
  crmkit::interaction_matrix m;
  crmkit::factor_matrix users, items;
};

const als_problem& als_5000x4000() {
  static const als_problem p = [] {
    splitmix64 rng{0xA15ull};
    const std::size_t rows = 5000, cols = 4000;
    std::vector<std::int64_t> indptr{0};
    std::vector<std::int32_t> indices;
    std::vector<double> values;
    for (std::size_t r = 0; r < rows; ++r) {
      for (int j = 0; j < 40; ++j) {
        indices.push_back(zipf_item(rng, cols));
        values.push_back(1.0 + std::floor(rng.uniform() * 4));
      }
      indptr.push_back(static_cast<std::int64_t>(indices.size()));
    }
    als_problem out;
    out.m = crmkit::make_interaction_matrix(indptr, indices, values, rows, cols);
    out.users.resize(static_cast<Eigen::Index>(rows), 32);
    out.items.resize(static_cast<Eigen::Index>(cols), 32);
    for (Eigen::Index i = 0; i < out.users.size(); ++i) out.users.data()[i] = 0.01 * rng.uniform();
    for (Eigen::Index i = 0; i < out.items.size(); ++i) out.items.data()[i] = 0.01 * rng.uniform();
    return out;
  }();
  return p;
}

crmkit::als_options als_options(int n_threads) {
  crmkit::als_options o;
  o.factors = 32;
  o.regularization = 0.01;
  o.alpha = 10.0;
  o.max_iter = 1;
  o.cg_steps = 3;
  o.n_threads = n_threads;
  return o;
}

void bm_fpgrowth(benchmark::State& state) {
  const auto& b = baskets_500k();
  crmkit::rules_options o;
  o.min_support = 0.001;
  o.max_len = static_cast<int>(state.range(0));
  std::size_t n_sets = 0;
  for (auto _ : state) {
    const auto sets = crmkit::fpgrowth(b, o);
    n_sets = sets.size();
    benchmark::DoNotOptimize(sets.data());
  }
  state.counters["itemsets"] = static_cast<double>(n_sets);
  state.counters["baskets"] = static_cast<double>(b.size());
}
BENCHMARK(bm_fpgrowth)->Arg(0)->Arg(3)->Unit(benchmark::kMillisecond)->UseRealTime();

void bm_als_iteration(benchmark::State& state) {
  const auto& p = als_5000x4000();
  const auto o = als_options(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    const auto model = crmkit::als_fit(p.m, o, p.users, p.items);
    benchmark::DoNotOptimize(model.user_factors.data());
  }
  state.counters["nnz"] = static_cast<double>(p.m.nnz());
}
BENCHMARK(bm_als_iteration)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

template <class T>
void write_raw(const std::string& path, const T* data, std::size_t n) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n * sizeof(T)));
}

}  // namespace

int main(int argc, char** argv) {
  // --write-data DIR: the ALS matrix, the initial factors and crmkit's factors after one
  // iteration, as raw little-endian arrays for bench/offers_peer.py.
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--write-data") == 0) {
      const std::string dir = argv[i + 1];
      const auto& p = als_5000x4000();
      write_raw(dir + "/indptr.i64", p.m.indptr.data(), p.m.indptr.size());
      write_raw(dir + "/indices.i32", p.m.indices.data(), p.m.indices.size());
      write_raw(dir + "/data.f64", p.m.values.data(), p.m.values.size());
      write_raw(dir + "/users0.f64", p.users.data(), static_cast<std::size_t>(p.users.size()));
      write_raw(dir + "/items0.f64", p.items.data(), static_cast<std::size_t>(p.items.size()));
      const auto model = crmkit::als_fit(p.m, als_options(1), p.users, p.items);
      write_raw(dir + "/users1.f64", model.user_factors.data(), static_cast<std::size_t>(model.user_factors.size()));
      write_raw(dir + "/items1.f64", model.item_factors.data(), static_cast<std::size_t>(model.item_factors.size()));
      std::printf("wrote %s: %zu x %zu, %zu non-zeros\n", dir.c_str(), p.m.n_rows, p.m.n_cols, p.m.nnz());
      return 0;
    }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
