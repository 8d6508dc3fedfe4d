// RFM + 80/20 benchmark: crmkit::rfm_summary, rfm_score and pareto on 10,000,000
// transactions of about 900,000 customers held in memory, against the pandas peer
// bench/rfm_peer.py doing the same work on the same columns.
//
//   cmake -S . -B build/rfm-release -DCMAKE_BUILD_TYPE=Release -DCRMKIT_BUILD_BENCH=ON
//   cmake --build build/rfm-release -j2 --target rfm_bench
//   build/rfm-release/bench/rfm_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//   /usr/bin/python3 bench/rfm_peer.py <the directory rfm_bench prints>
//
// The input is made once by crmkit's synthetic generator (seed 2024: 900,000 customers,
// 10,000,000 time-sorted transactions with a time of day, Pareto/NBD-like purchasing) and
// written as raw little-endian columns customer.i32, time.i64, amount.f64 to
// $CRMKIT_RFM_BENCH_DIR, default <temp dir>/crmkit_rfm_<rows>; $CRMKIT_RFM_BENCH_ROWS
// lowers the row count (customers scale with it) for a quick run. Not part of the repo.
//
// Counters: rows/s; table_MB = bytes of the RFM table; peak_rss_MB = the process's
// resident high-water mark during the timed work (reset through /proc/self/clear_refs),
// base_rss_MB the resident size before it (the log itself is about 200 MB).
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/pareto/pareto.hpp"
#include "crmkit/segmentation/rfm.hpp"
#include "crmkit/synth/generator.hpp"

namespace {

std::size_t env_size(const char* name, std::size_t fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  return static_cast<std::size_t>(std::strtoull(value, nullptr, 10));
}

template <class T>
void write_column(const std::filesystem::path& path, std::span<const T> values) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size_bytes()));
}

template <class T>
std::vector<T> read_column(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  std::vector<T> values(bytes / sizeof(T));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(bytes));
  return values;
}

struct bench_input {
  std::filesystem::path dir;
  crmkit::transaction_log log;
  std::int64_t as_of = 0;
};

const bench_input& input() {
  static const bench_input data = [] {
    const std::size_t rows = env_size("CRMKIT_RFM_BENCH_ROWS", 10'000'000);
    const std::size_t customers = std::max<std::size_t>(rows * 9 / 100, 2);
    bench_input in;
    const char* dir = std::getenv("CRMKIT_RFM_BENCH_DIR");
    in.dir = dir && *dir ? std::filesystem::path(dir)
                         : std::filesystem::temp_directory_path() / fmt::format("crmkit_rfm_{}", rows);
    std::filesystem::create_directories(in.dir);
    if (!std::filesystem::exists(in.dir / "amount.f64")) {
      crmkit::synth_options options;
      options.seed = 2024;
      options.n_customers = customers;
      options.n_transactions = rows;
      options.with_time_of_day = true;
      const auto generated = crmkit::generate_transactions(options);
      const auto& log = generated.transactions();
      write_column(in.dir / "customer.i32", log.customer());
      write_column(in.dir / "time.i64", log.time());
      write_column(in.dir / "amount.f64", log.amount());
      std::ofstream(in.dir / "n_customers.txt") << customers << "\n";
    }
    std::size_t n_customers = 0;
    std::ifstream(in.dir / "n_customers.txt") >> n_customers;
    in.log = crmkit::transaction_log::from_columns(
        crmkit::column<std::int32_t>::owned(read_column<std::int32_t>(in.dir / "customer.i32")),
        crmkit::column<std::int64_t>::owned(read_column<std::int64_t>(in.dir / "time.i64")),
        crmkit::column<double>::owned(read_column<double>(in.dir / "amount.f64")), n_customers);
    // The reference date both sides use: midnight after the last purchase.
    in.as_of = (crmkit::floor_days(in.log.max_time()) + 1) * crmkit::seconds_per_day;
    std::ofstream(in.dir / "as_of.txt") << in.as_of << "\n";
    std::fprintf(stderr, "rfm_bench input: %s (%zu rows, %zu customers)\n", in.dir.c_str(), in.log.size(),
                 n_customers);
    return in;
  }();
  return data;
}

double rss_mb(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field, 0) == 0) return std::strtod(line.c_str() + std::string(field).size(), nullptr) / 1024.0;
  return 0.0;
}

void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

// The work the pandas peer does: summary, three quantile scores, the Pareto analysis of
// monetary (clipped at 0, as the peer does, so refunds cannot make a total negative).
void BM_rfm_scores_pareto(benchmark::State& state) {
  const auto& in = input();
  crmkit::rfm_options options;
  options.as_of = in.as_of;
  options.n_threads = static_cast<int>(state.range(0));
  const double base = rss_mb("VmRSS:");
  reset_peak_rss();
  double table_mb = 0.0, gini = 0.0;
  for (auto _ : state) {
    const auto table = crmkit::rfm_summary(in.log, options);
    const auto scores = crmkit::rfm_score(table, options);
    std::vector<double> value(table.monetary);
    for (double& v : value) v = std::max(v, 0.0);
    const auto p = crmkit::pareto(value);
    gini = p.gini;
    table_mb = static_cast<double>(table.size() * (8 * 9 + 4)) / 1e6;
    benchmark::DoNotOptimize(scores.r.data());
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(in.log.size()), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["table_MB"] = table_mb;
  state.counters["base_rss_MB"] = base;
  state.counters["peak_rss_MB"] = rss_mb("VmHWM:");
  state.counters["gini"] = gini;
}
BENCHMARK(BM_rfm_scores_pareto)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_rfm_summary(benchmark::State& state) {
  const auto& in = input();
  crmkit::rfm_options options;
  options.as_of = in.as_of;
  options.n_threads = static_cast<int>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(crmkit::rfm_summary(in.log, options).monetary.data());
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(in.log.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_rfm_summary)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_rfm_score(benchmark::State& state) {
  const auto& in = input();
  crmkit::rfm_options options;
  options.as_of = in.as_of;
  const auto table = crmkit::rfm_summary(in.log, options);
  options.n_threads = static_cast<int>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(crmkit::rfm_score(table, options).m.data());
}
BENCHMARK(BM_rfm_score)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_pareto(benchmark::State& state) {
  const auto& in = input();
  crmkit::rfm_options options;
  options.as_of = in.as_of;
  auto value = crmkit::rfm_summary(in.log, options).monetary;
  for (double& v : value) v = std::max(v, 0.0);
  for (auto _ : state) benchmark::DoNotOptimize(crmkit::pareto(value).gini);
}
BENCHMARK(BM_pareto)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
