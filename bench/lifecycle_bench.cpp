// Lifecycle benchmark: the default model evaluated for 1,000,000 customers at one as-of
// date (1 and 2 threads), the metrics computation, and a monthly replay (a purchase event at each transaction time) of a
// 10,000,000-transaction log over two years; `--memory-10m` evaluates 10,000,000
// customers once and prints the peak resident set size. The pandas/numpy peer
// (bench/lifecycle_peer.py) runs the same rules on the same files and checks that its
// replay counts equal crmkit's.
//
//   cmake -S . -B build/lc-release -DCMAKE_BUILD_TYPE=Release -DCRMKIT_BUILD_BENCH=ON
//   cmake --build build/lc-release -j2 --target lifecycle_bench
//   build/lc-release/bench/lifecycle_bench --write-data /tmp/crmkit_lifecycle   # data + replay counts
//   build/lc-release/bench/lifecycle_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//   build/lc-release/bench/lifecycle_bench --memory-10m
//   /usr/bin/python3 bench/lifecycle_peer.py /tmp/crmkit_lifecycle
//
// Data: crmkit::generate_transactions with 1,000,000 customers, 10,000,000 transactions,
// seed 42, 2023-01-01 .. 2025-01-01 (deterministic). The directory is --write-data's, or
// $CRMKIT_LIFECYCLE_BENCH_DIR, or <temp dir>/crmkit_lifecycle; the benchmark writes the
// files itself when they are missing.
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/time.hpp"
#include "crmkit/lifecycle.hpp"
#include "crmkit/synth/generator.hpp"

namespace {

constexpr std::size_t kCustomers = 1'000'000;
constexpr std::size_t kTransactions = 10'000'000;
const std::int64_t kStart = crmkit::unix_seconds(2023, 1, 1);
const std::int64_t kEnd = crmkit::unix_seconds(2025, 1, 1);

std::filesystem::path data_dir() {
  if (const char* d = std::getenv("CRMKIT_LIFECYCLE_BENCH_DIR")) return d;
  return std::filesystem::temp_directory_path() / "crmkit_lifecycle";
}

template <class T>
void write_raw(const std::filesystem::path& p, const T* data, std::size_t n) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n * sizeof(T)));
}

template <class T>
std::vector<T> read_raw(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary | std::ios::ate);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  std::vector<T> v(bytes / sizeof(T));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(bytes));
  return v;
}

std::shared_ptr<const crmkit::lifecycle_model> default_model() {
  return std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model());
}

void write_data(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  crmkit::synth_options o;
  o.n_customers = kCustomers;
  o.n_transactions = kTransactions;
  o.seed = 42;
  o.start_time = kStart;
  o.end_time = kEnd;
  o.n_threads = 2;
  const auto data = crmkit::generate_transactions(o);
  const auto& log = data.transactions();
  write_raw(dir / "customer.i32", log.customer().data(), log.size());
  write_raw(dir / "time.i64", log.time().data(), log.size());
  std::ofstream(dir / "meta.txt") << kCustomers << ' ' << kStart << ' ' << kEnd << '\n';
  const auto r = crmkit::replay(default_model(), log, kStart, kEnd);
  write_raw(dir / "counts.i64", r.counts.data(), r.counts.size());
  // One evaluation of everybody from the initial stage at kEnd (BM_evaluate_from_prospect):
  // the hop count, then the stage counts, for the peer to compare with its own.
  {
    crmkit::lifecycle_columns cols;
    const auto metrics = crmkit::compute_metrics(log, kEnd);
    cols.add_metrics(metrics);
    crmkit::lifecycle_machine m(default_model(), kCustomers, kStart);
    std::vector<std::int64_t> e{static_cast<std::int64_t>(m.evaluate(kEnd, cols))};
    const auto c = m.stage_counts();
    e.insert(e.end(), c.begin(), c.end());
    write_raw(dir / "evaluate_counts.i64", e.data(), e.size());
  }
  std::fprintf(stderr, "wrote %zu transactions of %zu customers and %zu replay steps to %s\n", log.size(), kCustomers,
               r.times.size(), dir.c_str());
}

// Minor page faults of the process so far (first touches of fresh pages).
long minor_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

// The log, loaded once.
const crmkit::transaction_log& the_log() {
  static const crmkit::transaction_log log = [] {
    const auto dir = data_dir();
    if (!std::filesystem::exists(dir / "time.i64")) write_data(dir);
    auto customer = read_raw<std::int32_t>(dir / "customer.i32");
    auto time = read_raw<std::int64_t>(dir / "time.i64");
    std::vector<double> amount(customer.size(), 1.0);
    return crmkit::transaction_log::from_columns(crmkit::column<std::int32_t>::owned(std::move(customer)),
                                                 crmkit::column<std::int64_t>::owned(std::move(time)),
                                                 crmkit::column<double>::owned(std::move(amount)), kCustomers);
  }();
  return log;
}

const crmkit::customer_metrics& metrics_at_end() {
  static const crmkit::customer_metrics m = crmkit::compute_metrics(the_log(), kEnd);
  return m;
}

// One evaluation of every customer from the initial stage (everybody cascades through
// several stages: the heaviest case), as a host that classifies its customers from scratch
// on every run does it: one machine, restart()ed before each evaluation (untimed), so the
// log is written into memory the machine already holds (the peer's temporaries likewise
// come from its allocator's warm heap after the first of its 5 runs).
void BM_evaluate_from_prospect(benchmark::State& state) {
  const auto model = default_model();
  crmkit::lifecycle_columns cols;
  cols.add_metrics(metrics_at_end());
  std::size_t hops = 0;
  crmkit::lifecycle_machine m(model, kCustomers, kStart, {static_cast<std::size_t>(state.range(0))});
  for (auto _ : state) {
    state.PauseTiming();
    m.restart(kStart);
    state.ResumeTiming();
    hops = m.evaluate(kEnd, cols);
    benchmark::DoNotOptimize(hops);
  }
  state.counters["hops"] = static_cast<double>(hops);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kCustomers));
}
BENCHMARK(BM_evaluate_from_prospect)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same on a new machine each time (created untimed): the first evaluation of a machine,
// which writes its log into fresh memory (expensive on a VM per page fault: the log's room
// is reserved at once and mapped on huge pages, so `page_faults` counts few).
void BM_evaluate_from_prospect_new_machine(benchmark::State& state) {
  const auto model = default_model();
  crmkit::lifecycle_columns cols;
  cols.add_metrics(metrics_at_end());
  std::size_t hops = 0;
  long faults = 0;  // page faults taken by the evaluations (the log's fresh pages)
  for (auto _ : state) {
    state.PauseTiming();
    auto m = std::make_unique<crmkit::lifecycle_machine>(model, kCustomers, kStart,
                                                         crmkit::machine_options{static_cast<std::size_t>(state.range(0))});
    const long faults_before = minor_faults();
    state.ResumeTiming();
    hops = m->evaluate(kEnd, cols);
    benchmark::DoNotOptimize(hops);
    state.PauseTiming();
    faults += minor_faults() - faults_before;
    m.reset();  // freeing the machine is not part of the evaluation
    state.ResumeTiming();
  }
  state.counters["page_faults"] = static_cast<double>(faults) / static_cast<double>(state.iterations());
  state.counters["hops"] = static_cast<double>(hops);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kCustomers));
}
BENCHMARK(BM_evaluate_from_prospect_new_machine)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// The steady state: customers already evaluated a month earlier; one more month passes.
void BM_evaluate_next_month(benchmark::State& state) {
  const auto model = default_model();
  const std::int64_t before = crmkit::unix_seconds(2024, 12, 1);
  const auto m_before = crmkit::compute_metrics(the_log(), before);
  crmkit::lifecycle_columns cols_before, cols;
  cols_before.add_metrics(m_before);
  cols.add_metrics(metrics_at_end());
  crmkit::lifecycle_machine base(model, kCustomers, kStart);
  base.evaluate(before, cols_before);
  std::size_t hops = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto m = std::make_unique<crmkit::lifecycle_machine>(base);
    m->set_threads(static_cast<std::size_t>(state.range(0)));
    state.ResumeTiming();
    hops = m->evaluate(kEnd, cols);
    benchmark::DoNotOptimize(hops);
    state.PauseTiming();
    m.reset();  // freeing the copy is not part of the evaluation
    state.ResumeTiming();
  }
  state.counters["hops"] = static_cast<double>(hops);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kCustomers));
}
BENCHMARK(BM_evaluate_next_month)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_metrics_10M_transactions(benchmark::State& state) {
  const auto& log = the_log();
  for (auto _ : state) {
    auto m = crmkit::compute_metrics(log, kEnd);
    benchmark::DoNotOptimize(m.recency_days.data());
  }
}
BENCHMARK(BM_metrics_10M_transactions)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_replay_monthly_10M_transactions(benchmark::State& state) {
  const auto model = default_model();
  const auto& log = the_log();
  std::size_t steps = 0, hops = 0;
  for (auto _ : state) {
    auto r = crmkit::replay(model, log, kStart, kEnd, {crmkit::replay_step::monthly, static_cast<std::size_t>(state.range(0))});
    steps = r.times.size();
    hops = r.machine.log().size();
  }
  state.counters["steps"] = static_cast<double>(steps);
  state.counters["hops"] = static_cast<double>(hops);
}
BENCHMARK(BM_replay_monthly_10M_transactions)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

// 10,000,000 customers: metric columns from a splitmix64 stream, one evaluation.
int memory_10m() {
  constexpr std::size_t n = 10'000'000;
  std::uint64_t s = 7;
  auto next = [&s] {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  crmkit::customer_metrics m;
  m.recency_days.resize(n);
  m.orders.resize(n);
  m.tenure_days.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    m.orders[i] = static_cast<double>(next() % 12);
    m.recency_days[i] = m.orders[i] == 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(next() % 700);
    m.tenure_days[i] = m.orders[i] == 0 ? std::numeric_limits<double>::quiet_NaN() : m.recency_days[i] + static_cast<double>(next() % 300);
  }
  crmkit::lifecycle_columns cols;
  cols.set("recency_days", m.recency_days);
  cols.set("orders", m.orders);
  cols.set("tenure_days", m.tenure_days);
  crmkit::lifecycle_machine machine(default_model(), n, kStart);
  const auto hops = machine.evaluate(kEnd, cols);
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  std::printf("10,000,000 customers evaluated (%zu hops, log %zu bytes); peak RSS %.1f MiB\n", hops,
              machine.log().size() * sizeof(crmkit::transition_entry), static_cast<double>(u.ru_maxrss) / 1024.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--write-data") == 0 && i + 1 < argc) {
      write_data(argv[i + 1]);
      return 0;
    }
    if (std::strcmp(argv[i], "--memory-10m") == 0) return memory_10m();
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
