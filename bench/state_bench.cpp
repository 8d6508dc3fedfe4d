// customer_state benchmarks (crmkit/state/customer_state.hpp, crmkit/state/state_csv.hpp).
//   BM_append_order/<history>: one order appended to a customer that already has <history>
//     purchase days, among 100,000 customers, and its updated RFM + BTYD rows returned --
//     the incremental path; the cost should not grow with the history.
//   BM_merge_partitions/<customers>: merging two partition states of that many customers
//     each (half of them shared).
//   BM_stream_csv: add_transactions_csv over the file named by CRMKIT_STATE_CSV (skipped
//     without it); make one with bench/make_state_csv.py, never commit it. Run it under
//     /usr/bin/time -v for the peak RSS (docs/scale-out.md); bench/state_100m.sh does all
//     of this for 100 million lines.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "crmkit/core/time.hpp"
#include "crmkit/state/customer_state.hpp"
#include "crmkit/state/state_csv.hpp"

namespace {

constexpr std::int64_t day0 = 1577836800;  // 2020-01-01

std::string customer_id(std::size_t i) { return "C" + std::to_string(1000000 + i); }

void BM_append_order(benchmark::State& bench) {
  const auto history = static_cast<std::size_t>(bench.range(0));
  crmkit::customer_state state;
  for (std::size_t c = 0; c < 100000; ++c) state.add(customer_id(c), day0 + static_cast<std::int64_t>(c % 7) * 86400, 10.0);
  const std::string target = customer_id(42);
  for (std::size_t d = 1; d < history; ++d) state.add(target, day0 + static_cast<std::int64_t>(d) * 86400, 12.5);
  crmkit::rfm_options ro;
  ro.as_of = day0 + std::int64_t{4000000} * 86400;
  crmkit::btyd_summary_options bo;
  bo.calibration_end = ro.as_of;
  std::int64_t t = day0 + static_cast<std::int64_t>(history) * 86400;
  for (auto _ : bench) {
    const crmkit::state_transaction order{target, t, 19.99};
    t += 86400;  // a new purchase day each time: the day list grows at its end
    auto rows = state.append({&order, 1}, ro, bo);
    benchmark::DoNotOptimize(rows.btyd.frequency.data());
  }
  bench.SetItemsProcessed(static_cast<std::int64_t>(bench.iterations()));
  bench.counters["memory_MB"] = static_cast<double>(state.memory_bytes()) / 1e6;
}
BENCHMARK(BM_append_order)->Arg(1)->Arg(100)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

void BM_merge_partitions(benchmark::State& bench) {
  const auto n = static_cast<std::size_t>(bench.range(0));
  crmkit::customer_state a, b;
  for (std::size_t c = 0; c < n; ++c) {
    a.add(customer_id(c), day0 + static_cast<std::int64_t>(c % 30) * 86400, 5.0);
    b.add(customer_id(c + n / 2), day0 + static_cast<std::int64_t>(c % 11) * 86400, 7.0);
  }
  for (auto _ : bench) {
    crmkit::customer_state m = a;
    m.merge(b);
    benchmark::DoNotOptimize(m.size());
  }
  bench.SetItemsProcessed(static_cast<std::int64_t>(bench.iterations() * n));
}
BENCHMARK(BM_merge_partitions)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_stream_csv(benchmark::State& bench) {
  const char* path = std::getenv("CRMKIT_STATE_CSV");
  if (path == nullptr) {
    bench.SkipWithError("set CRMKIT_STATE_CSV to a transaction file (bench/make_state_csv.py)");
    return;
  }
  std::size_t customers = 0, memory = 0;
  std::uint64_t lines = 0;
  // CRMKIT_STATE_CSV_TIME_FORMAT=epoch_seconds for files with Unix-second times
  // (bench/make_order_lines.c); ISO 8601 otherwise.
  crmkit::csv_options options;
  const char* format = std::getenv("CRMKIT_STATE_CSV_TIME_FORMAT");
  if (format != nullptr && std::string(format) == "epoch_seconds") options.timestamps = crmkit::time_format::epoch_seconds;
  for (auto _ : bench) {
    crmkit::customer_state state;
    crmkit::add_transactions_csv(state, path, {}, options);
    customers = state.size();
    memory = state.memory_bytes();
    lines = state.n_transactions();
  }
  bench.counters["customers"] = static_cast<double>(customers);
  bench.counters["lines"] = static_cast<double>(lines);
  bench.counters["state_bytes_per_customer"] = static_cast<double>(memory) / static_cast<double>(customers);
  bench.counters["lines_per_s"] =
      benchmark::Counter(static_cast<double>(lines) * static_cast<double>(bench.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_stream_csv)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
