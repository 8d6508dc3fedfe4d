// k-means benchmark: crmkit::kmeans_fit (Lloyd and Hamerly, 1 and 2 threads) on
// standardized log1p RFM-like features, against scikit-learn 1.2 on the same files
// (bench/kmeans_peer.py), same initial centres, same number of iterations.
//
//   cmake -S . -B build/km-release -DCMAKE_BUILD_TYPE=Release -DCRMKIT_BUILD_BENCH=ON
//   cmake --build build/km-release -j2 --target kmeans_bench
//   build/km-release/bench/kmeans_bench --write-data /tmp/crmkit_kmeans   # data + init
//   build/km-release/bench/kmeans_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//   /usr/bin/python3 bench/kmeans_peer.py /tmp/crmkit_kmeans
//
// Thread scaling (quiet machine; wall time, as the CPU column counts the calling thread):
//   build/km-release/bench/kmeans_bench --benchmark_filter='bm_fit/.*/0/[12]/' --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Data: n customers with recency (days), frequency (orders), monetary (total), and for
// the 8-feature set also tenure, mean order value, distinct active months, days between
// orders and a share of returns, from a fixed splitmix64 stream (identical everywhere),
// log1p'd and z-scored by crmkit::feature_scaler. Initial centres: k-means++ (k = 8,
// seed 0) on those features. Runs use tol = 0 and max_iter = 30, so both libraries run
// exactly 30 iterations (unless the labels converge earlier, which both report).
// The files go to the directory given to --write-data, or $CRMKIT_KMEANS_BENCH_DIR, or
// <temp dir>/crmkit_kmeans; the benchmark writes them itself when they are missing.
#include <benchmark/benchmark.h>

#include "bench_random.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/segmentation/features.hpp"
#include "crmkit/segmentation/kmeans.hpp"

namespace {

using crmkit_bench::splitmix64;

// Raw RFM-like customer features (not yet transformed).
crmkit::feature_matrix make_raw(std::size_t n, std::size_t d) {
  splitmix64 rng{0x5EEDull + n * 31 + d};
  crmkit::feature_matrix x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
  for (std::size_t i = 0; i < n; ++i) {
    // A latent "engagement" drives all features, with four rough customer types.
    const double type = std::floor(rng.uniform() * 4.0);
    const double engagement = 0.8 * type + 0.6 * rng.normal();
    const double frequency = 1.0 + std::floor(std::exp(0.5 + 0.6 * engagement + 0.5 * rng.normal()));
    const double recency = std::floor(730.0 * std::pow(rng.uniform(), 1.0 + 0.7 * std::max(0.0, engagement)));
    const double mean_value = std::exp(3.2 + 0.3 * engagement + 0.6 * rng.normal());
    const double monetary = frequency * mean_value;
    const auto r = static_cast<Eigen::Index>(i);
    x(r, 0) = recency;
    x(r, 1) = frequency;
    x(r, 2) = monetary;
    if (d >= 8) {
      const double tenure = recency + std::floor(900.0 * rng.uniform() * (1.0 + 0.2 * type));
      x(r, 3) = tenure;
      x(r, 4) = mean_value;
      x(r, 5) = std::min(frequency, 1.0 + std::floor(tenure / 30.0 * rng.uniform()));
      x(r, 6) = frequency > 1.0 ? (tenure - recency) / (frequency - 1.0) : 0.0;
      x(r, 7) = std::floor(frequency * 0.1 * rng.uniform() * 10.0) / 10.0;
    }
  }
  return x;
}

struct bench_set {
  crmkit::feature_matrix x;
  crmkit::feature_matrix init;
};

std::string data_dir() {
  if (const char* env = std::getenv("CRMKIT_KMEANS_BENCH_DIR")) return env;
  return (std::filesystem::temp_directory_path() / "crmkit_kmeans").string();
}

void write_npy(const std::string& path, const crmkit::feature_matrix& m) {
  std::string header = fmt::format("{{'descr': '<f8', 'fortran_order': False, 'shape': ({}, {}), }}", m.rows(), m.cols());
  const std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const auto len = static_cast<std::uint16_t>(header.size());
  const char le[2] = {static_cast<char>(len & 0xFF), static_cast<char>(len >> 8)};
  out.write(le, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(m.data()), static_cast<std::streamsize>(m.size() * 8));
  if (!out) throw std::runtime_error("cannot write " + path);
}

bench_set make_set(std::size_t n, std::size_t d) {
  const auto raw = make_raw(n, d);
  const auto scaler = crmkit::feature_scaler::fit(raw, std::vector<bool>(d, true));
  bench_set s;
  s.x = scaler.transform(raw);
  const auto idx = crmkit::kmeans_plusplus(s.x, 8, /*seed=*/0, 0, 2);
  s.init.resize(8, static_cast<Eigen::Index>(d));
  for (std::size_t j = 0; j < idx.size(); ++j) s.init.row(static_cast<Eigen::Index>(j)) = s.x.row(static_cast<Eigen::Index>(idx[j]));
  return s;
}

const bench_set& get_set(std::size_t n, std::size_t d) {
  static bench_set big = make_set(1000000, 3);
  static bench_set wide = make_set(200000, 8);
  if (n == 1000000 && d == 3) return big;
  if (n == 200000 && d == 8) return wide;
  throw std::invalid_argument("kmeans_bench: no data set of that shape");
}

void write_data(const std::string& dir) {
  std::filesystem::create_directories(dir);
  for (auto [n, d] : {std::pair<std::size_t, std::size_t>{1000000, 3}, {200000, 8}}) {
    const auto& s = get_set(n, d);
    write_npy(fmt::format("{}/x_{}x{}.npy", dir, n, d), s.x);
    write_npy(fmt::format("{}/init_{}x{}_k8.npy", dir, n, d), s.init);
  }
  std::printf("wrote %s/{x,init}_*.npy\n", dir.c_str());
}

void bm_fit(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto d = static_cast<std::size_t>(state.range(1));
  const auto& s = get_set(n, d);
  crmkit::kmeans_options o;
  o.n_clusters = 8;
  o.tol = 0.0;
  o.max_iter = 30;
  o.algorithm = state.range(2) == 0 ? crmkit::kmeans_algorithm::lloyd : crmkit::kmeans_algorithm::hamerly;
  o.n_threads = static_cast<int>(state.range(3));
  int iters = 0;
  double inertia = 0.0, seconds = 0.0;
  std::int64_t fits = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = crmkit::kmeans_fit(s.x, s.init, o);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ++fits;
    iters = r.n_iter;
    inertia = r.inertia;
    benchmark::DoNotOptimize(r.labels.data());
  }
  state.counters["n_iter"] = iters;
  state.counters["inertia"] = inertia;
  // wall milliseconds per k-means iteration (the whole fit divided by n_iter)
  state.counters["ms_per_iter"] = fits && iters ? 1e3 * seconds / static_cast<double>(fits) / iters : 0.0;
  state.SetLabel(fmt::format("{}x{} k=8 {} threads={}", n, d, state.range(2) == 0 ? "lloyd" : "hamerly",
                             state.range(3)));
}

void bm_plusplus(benchmark::State& state) {
  const auto& s = get_set(1000000, 3);
  for (auto _ : state) benchmark::DoNotOptimize(crmkit::kmeans_plusplus(s.x, 8, 0, 0, static_cast<int>(state.range(0))));
  state.SetLabel(fmt::format("1000000x3 k=8 threads={}", state.range(0)));
}

void bm_silhouette(benchmark::State& state) {
  const auto& s = get_set(200000, 8);
  crmkit::kmeans_options o;
  o.n_clusters = 8;
  const auto labels = crmkit::kmeans_predict(s.init, s.x);
  for (auto _ : state)
    benchmark::DoNotOptimize(crmkit::silhouette_score(s.x, labels, 10000, 0, static_cast<int>(state.range(0))));
  state.SetLabel(fmt::format("200000x8 sample=10000 threads={}", state.range(0)));
}

}  // namespace

BENCHMARK(bm_fit)
    ->ArgsProduct({{1000000}, {3}, {0, 1}, {1, 2}})
    ->ArgsProduct({{200000}, {8}, {0, 1}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(bm_plusplus)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bm_silhouette)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--write-data") == 0) {
    write_data(argc >= 3 ? argv[2] : data_dir());
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
