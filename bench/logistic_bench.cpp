// Logistic regression benchmark: crmkit::logistic_regression::fit (exact Newton, one
// thread) on synthetic churn-like feature matrices, against scikit-learn 1.2's
// LogisticRegression (lbfgs) on the same files (bench/logistic_peer.py).
//
//   cmake -S . -B build/<dir> -DCMAKE_BUILD_TYPE=Release -DCRMKIT_BUILD_BENCH=ON
//   cmake --build build/<dir> -j2 --target logistic_bench
//   build/<dir>/bench/logistic_bench --write-data /tmp/crmkit_logistic
//   build/<dir>/bench/logistic_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//   /usr/bin/python3 bench/logistic_peer.py /tmp/crmkit_logistic
//
// Data: n rows x d features from a fixed splitmix64 stream: standard normal features, a
// quarter of them binary (one-hot-like, p = 0.3), labels drawn from a logistic model
// with coefficients ((j mod 5) - 2) * 0.3 and intercept -1 (about 30 % positives, not
// separable). Written as little-endian float64 files `x_<n>_<d>.f64` (row-major) and
// `y_<n>_<d>.f64` (plus crmkit's coefficients `coef_<n>_<d>.f64`) to the directory given to
// --write-data; the benchmark itself generates the data in memory. Fits use C = 1, standardize = false (the peer fits the same
// raw matrix) and the default tol 1e-10, so crmkit returns the optimum to rounding.
#include <benchmark/benchmark.h>

#include "bench_random.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/churn/logistic.hpp"

namespace {

using crmkit_bench::splitmix64;

struct dataset {
  crmkit::logistic_matrix x;
  std::vector<double> y;
};

dataset make(std::size_t n, std::size_t d) {
  splitmix64 rng{0xC4121ull + n * 131 + d};
  dataset s{crmkit::logistic_matrix(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d)),
            std::vector<double>(n)};
  for (std::size_t i = 0; i < n; ++i) {
    double z = -1.0;
    for (std::size_t j = 0; j < d; ++j) {
      const double v = (j % 4 == 3) ? (rng.uniform() < 0.3 ? 1.0 : 0.0) : rng.normal();
      s.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v;
      z += (static_cast<double>(j % 5) - 2.0) * 0.3 * v;
    }
    s.y[i] = rng.uniform() < 1.0 / (1.0 + std::exp(-z)) ? 1.0 : 0.0;
  }
  return s;
}

const std::vector<std::pair<std::size_t, std::size_t>> kSizes = {{100000, 20}, {200000, 40}, {1000000, 10}};

void write_f64(const std::filesystem::path& p, const double* data, std::size_t count) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(count * sizeof(double)));
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

const dataset& cached(std::size_t n, std::size_t d) {
  static std::map<std::pair<std::size_t, std::size_t>, dataset> cache;
  auto it = cache.find({n, d});
  if (it == cache.end()) it = cache.emplace(std::make_pair(n, d), make(n, d)).first;
  return it->second;
}

void BM_logistic_fit(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0)), d = static_cast<std::size_t>(state.range(1));
  const dataset& s = cached(n, d);
  crmkit::logistic_options o;
  o.standardize = false;
  crmkit::logistic_fit_report rep;
  for (auto _ : state) {
    crmkit::logistic_regression m(o);
    rep = m.fit(s.x, s.y);
    benchmark::DoNotOptimize(m.standardized_coef().data());
  }
  state.counters["iterations"] = rep.iterations;
  state.counters["converged"] = rep.converged() ? 1 : 0;
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_logistic_predict(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0)), d = static_cast<std::size_t>(state.range(1));
  const dataset& s = cached(n, d);
  crmkit::logistic_options o;
  o.standardize = false;
  crmkit::logistic_regression m(o);
  (void)m.fit(s.x, s.y);
  std::vector<double> p(n);
  for (auto _ : state) {
    m.predict_proba(s.x, p);
    benchmark::DoNotOptimize(p.data());
  }
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK(BM_logistic_fit)->Args({100000, 20})->Args({200000, 40})->Args({1000000, 10})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_logistic_predict)->Args({1000000, 10})->Unit(benchmark::kMillisecond)->UseRealTime();

int main(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--write-data") == 0) {
      const std::filesystem::path dir = argv[i + 1];
      std::filesystem::create_directories(dir);
      for (const auto& [n, d] : kSizes) {
        const dataset s = make(n, d);
        write_f64(dir / fmt::format("x_{}_{}.f64", n, d), s.x.data(), n * d);
        write_f64(dir / fmt::format("y_{}_{}.f64", n, d), s.y.data(), n);
        // crmkit's own fit, for the peer to compare coefficients with
        crmkit::logistic_options o;
        o.standardize = false;
        crmkit::logistic_regression m(o);
        (void)m.fit(s.x, s.y);
        std::vector<double> coef(d + 1);
        for (std::size_t j = 0; j < d; ++j) coef[j] = m.coef()[static_cast<Eigen::Index>(j)];
        coef[d] = m.intercept();
        write_f64(dir / fmt::format("coef_{}_{}.f64", n, d), coef.data(), d + 1);
        std::printf("wrote %zu x %zu to %s\n", n, d, dir.string().c_str());
      }
      return 0;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
