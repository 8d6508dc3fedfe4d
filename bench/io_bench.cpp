// Ingest benchmark: crmkit::read_transactions_csv on a 10,000,000-row transaction file.
//
//   cmake -S . -B build/csv-release -DCMAKE_BUILD_TYPE=Release -DCRMKIT_BUILD_BENCH=ON
//   cmake --build build/csv-release -j2 --target io_bench
//   build/csv-release/bench/io_bench --benchmark_repetitions=5
//   /usr/bin/python3 bench/pandas_read_csv.py <the path io_bench prints in its label>
//
// The input is written once by a deterministic generator below (same bytes on every run
// and machine) to $CRMKIT_INGEST_CSV, or to <temp dir>/crmkit_ingest_<rows>.csv; the row
// count can be lowered with $CRMKIT_INGEST_ROWS for a quick run. The file is never part
// of the repository.
//
// Counters (MB = 10^6 bytes, as in bench/pandas_read_csv.py; Google Benchmark's own
// bytes_per_second is in MiB/s): MB_per_s over wall time, cpu_MB_per_s over the process's
// CPU time (user + kernel), rows/s, and memory: peak_rss_MB is the
// process's resident high-water mark during the load (reset before each load through
// /proc/self/clear_refs), base_rss_MB the resident size before it, columns_MB the bytes
// of the loaded columns, and load_over_columns = (peak - base) / columns.
#include <benchmark/benchmark.h>

#include <malloc.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "crmkit/io/csv.hpp"

namespace {

// splitmix64: tiny, fast and fully specified, so the file is identical everywhere.
struct splitmix64 {
  std::uint64_t state;
  std::uint64_t operator()() noexcept {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() noexcept { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }  // [0, 1)
  double normal() noexcept {  // Box-Muller
    const double u = 1.0 - uniform();
    const double v = uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
  }
};

std::size_t env_size(const char* name, std::size_t fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  return static_cast<std::size_t>(std::strtoull(value, nullptr, 10));
}

// `customer_id,timestamp,amount,product,channel`: ids C-0000000..C-0999999 (uniformly
// random, so nearly all million appear), ISO dates in time order over two years from
// 2022-01-01, lognormal amounts with two decimals (median about 33), 40 products with a
// skewed popularity, three channels.
void write_transactions(const std::string& path, std::size_t rows) {
  const std::string partial = path + ".partial";
  std::FILE* out = std::fopen(partial.c_str(), "wb");
  if (out == nullptr) throw std::runtime_error("cannot create " + partial);
  splitmix64 rng{20240601};
  constexpr std::uint64_t customers = 1000000;
  constexpr std::int64_t days = 730;
  const char* channels[] = {"web", "store", "app"};
  fmt::memory_buffer buffer;
  fmt::format_to(std::back_inserter(buffer), "customer_id,timestamp,amount,product,channel\n");
  const std::int64_t start = crmkit::days_from_civil(2022, 1, 1);
  for (std::size_t i = 0; i < rows; ++i) {
    const std::int64_t day = start + static_cast<std::int64_t>(i) * days / static_cast<std::int64_t>(rows);
    const crmkit::civil_date date = crmkit::civil_from_days(day);
    const std::uint64_t customer = rng() % customers;
    const double amount = std::exp(3.5 + 1.0 * rng.normal());
    const auto product = static_cast<unsigned>(40.0 * std::pow(rng.uniform(), 2.0));  // skewed to low numbers
    const std::uint64_t c = rng() % 10;
    const char* channel = channels[c < 5 ? 0 : c < 8 ? 1 : 2];
    fmt::format_to(std::back_inserter(buffer), "C-{:07},{:04}-{:02}-{:02},{:.2f},P-{:03},{}\n", customer, date.year,
                   date.month, date.day, amount, product, channel);
    if (buffer.size() > (1u << 20)) {
      std::fwrite(buffer.data(), 1, buffer.size(), out);
      buffer.clear();
    }
  }
  std::fwrite(buffer.data(), 1, buffer.size(), out);
  if (std::fclose(out) != 0) throw std::runtime_error("cannot write " + partial);
  std::filesystem::rename(partial, path);  // only a complete file ever has the final name
}

// The benchmark file, written on first use.
const std::string& transactions_file() {
  static const std::string path = [] {
    const std::size_t rows = env_size("CRMKIT_INGEST_ROWS", 10000000);
    const char* configured = std::getenv("CRMKIT_INGEST_CSV");
    std::string p = configured && *configured
                        ? std::string(configured)
                        : (std::filesystem::temp_directory_path() / fmt::format("crmkit_ingest_{}.csv", rows)).string();
    if (!std::filesystem::exists(p)) write_transactions(p, rows);
    return p;
  }();
  return path;
}

// Order lines, UCI Online Retail style: `InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID`,
// 1-12 lines per invoice (lines of an invoice adjacent), 100,000 customers, 3% cancelled
// invoices ('C' prefix, negative quantities), 2% invoices without a customer.
void write_order_lines(const std::string& path, std::size_t rows) {
  const std::string partial = path + ".partial";
  std::FILE* out = std::fopen(partial.c_str(), "wb");
  if (out == nullptr) throw std::runtime_error("cannot create " + partial);
  splitmix64 rng{20101201};
  fmt::memory_buffer buffer;
  fmt::format_to(std::back_inserter(buffer), "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n");
  const std::int64_t start = crmkit::days_from_civil(2010, 12, 1);
  std::size_t written = 0;
  for (std::uint64_t invoice = 536365; written < rows; ++invoice) {
    const auto day = start + static_cast<std::int64_t>(written) * 365 / static_cast<std::int64_t>(rows);
    const crmkit::civil_date date = crmkit::civil_from_days(day);
    const bool cancelled = rng() % 100 < 3;
    const bool anonymous = rng() % 100 < 2;
    const std::uint64_t customer = 12346 + rng() % 100000;
    const std::uint64_t lines = 1 + rng() % 12;
    for (std::uint64_t l = 0; l < lines && written < rows; ++l, ++written) {
      const auto quantity = static_cast<long>(1 + rng() % 24) * (cancelled ? -1 : 1);
      const double price = std::round(std::exp(0.5 + 0.9 * rng.normal()) * 100.0) / 100.0;
      fmt::format_to(std::back_inserter(buffer), "{}{},{},{},{:04}-{:02}-{:02} {:02}:{:02}:00,{:.2f},", cancelled ? "C" : "",
                     invoice, 10000 + rng() % 4000, quantity, date.year, date.month, date.day, 8 + invoice % 11,
                     invoice % 60, price);
      if (anonymous)
        fmt::format_to(std::back_inserter(buffer), "\n");
      else
        fmt::format_to(std::back_inserter(buffer), "{}\n", customer);
    }
    if (buffer.size() > (1u << 20)) {
      std::fwrite(buffer.data(), 1, buffer.size(), out);
      buffer.clear();
    }
  }
  std::fwrite(buffer.data(), 1, buffer.size(), out);
  if (std::fclose(out) != 0) throw std::runtime_error("cannot write " + partial);
  std::filesystem::rename(partial, path);
}

// The order-line benchmark file ($CRMKIT_INGEST_LINES lines, default 5,000,000), written on first use.
const std::string& order_lines_file() {
  static const std::string path = [] {
    const std::size_t rows = env_size("CRMKIT_INGEST_LINES", 5000000);
    std::string p = (std::filesystem::temp_directory_path() / fmt::format("crmkit_order_lines_{}.csv", rows)).string();
    if (!std::filesystem::exists(p)) write_order_lines(p, rows);
    return p;
  }();
  return path;
}

// Linux's resident-set figures, in bytes (0 when unavailable).
std::size_t status_bytes(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const std::size_t length = std::char_traits<char>::length(field);
  while (std::getline(status, line))
    if (line.compare(0, length, field) == 0) return static_cast<std::size_t>(std::strtoull(line.c_str() + length + 1, nullptr, 10)) * 1024;
  return 0;
}

// Resets VmHWM to the current RSS (Linux >= 4.0); false when not possible.
bool reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

// CPU time of the whole process (all reader threads; one thread: the calling thread's).
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

std::size_t peak_rss_bytes() {
  const std::size_t hwm = status_bytes("VmHWM:");
  if (hwm != 0) return hwm;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::size_t>(usage.ru_maxrss) * 1024;  // lifetime peak: an upper bound
}

// The 10M-row read on state.range(0) threads; with `warm_heap`, after one untimed read whose
// memory the process keeps (see BM_read_transactions_csv_warm_heap).
void read_transactions_csv(benchmark::State& state, bool warm_heap) {
  const std::string& path = transactions_file();
  const auto bytes = static_cast<std::int64_t>(std::filesystem::file_size(path));
  crmkit::transaction_columns columns;
  columns.product = "product";
  columns.channel = "channel";
  crmkit::csv_options options;
  options.n_threads = static_cast<int>(state.range(0));  // the /1, /2 variants
  std::size_t rows = 0, customers = 0, column_bytes = 0, base = 0, peak = 0;
  double cpu = 0, wall = 0;
  if (warm_heap) (void)crmkit::read_transactions_csv(path, columns, options);  // freed at once, pages kept
  for (auto _ : state) {
    state.PauseTiming();
    base = status_bytes("VmRSS:");
    reset_peak_rss();
    state.ResumeTiming();
    {
      const auto wall_start = std::chrono::steady_clock::now();
      const double cpu_start = process_cpu_seconds();
      const crmkit::dataset data = crmkit::read_transactions_csv(path, columns, options);
      cpu += process_cpu_seconds() - cpu_start;
      wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
      rows = data.n_transactions();
      customers = data.n_customers();
      column_bytes = data.transactions().owned_bytes();
      peak = peak_rss_bytes();
      state.PauseTiming();  // freeing the result is not part of the load
    }
    state.ResumeTiming();
  }
  constexpr double mb = 1e6;
  state.SetBytesProcessed(bytes * static_cast<std::int64_t>(state.iterations()));
  state.SetItemsProcessed(static_cast<std::int64_t>(rows) * static_cast<std::int64_t>(state.iterations()));
  const double total_mb = static_cast<double>(bytes) * static_cast<double>(state.iterations()) / mb;
  state.counters["MB_per_s"] = total_mb / wall;
  // The same rate over CPU time: the fairer figure while other processes share the cores.
  state.counters["cpu_MB_per_s"] = total_mb / cpu;
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["customers"] = static_cast<double>(customers);
  state.counters["file_MB"] = static_cast<double>(bytes) / mb;
  state.counters["columns_MB"] = static_cast<double>(column_bytes) / mb;
  state.counters["base_rss_MB"] = static_cast<double>(base) / mb;
  state.counters["peak_rss_MB"] = static_cast<double>(peak) / mb;
  state.counters["load_over_columns"] = static_cast<double>(peak - std::min(peak, base)) / static_cast<double>(column_bytes);
  state.SetLabel(path);
}
void BM_read_transactions_csv(benchmark::State& state) { read_transactions_csv(state, false); }
BENCHMARK(BM_read_transactions_csv)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

// The order-line mode: invoices rolled up, quantity x unit price, all four filters on.
void BM_read_order_lines_csv(benchmark::State& state) {
  const std::string& path = order_lines_file();
  const auto bytes = static_cast<std::int64_t>(std::filesystem::file_size(path));
  crmkit::transaction_columns columns;
  columns.customer = "CustomerID";
  columns.time = "InvoiceDate";
  columns.order = "InvoiceNo";
  columns.quantity = "Quantity";
  columns.unit_price = "UnitPrice";
  columns.product = "StockCode";
  crmkit::csv_options options;
  options.filters.order_id_exclude_prefix = "C";
  options.filters.drop_nonpositive_quantity = true;
  options.filters.drop_nonpositive_unit_price = true;
  options.filters.drop_empty_customer = true;
  std::size_t lines = 0, purchases = 0, filtered = 0;
  double wall = 0;
  for (auto _ : state) {
    const auto wall_start = std::chrono::steady_clock::now();
    crmkit::ingest_report report;
    const crmkit::dataset data = crmkit::read_transactions_csv(path, columns, options, &report);
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    lines = report.rows_read;
    purchases = data.n_transactions();
    filtered = report.lines_filtered();
  }
  state.SetBytesProcessed(bytes * static_cast<std::int64_t>(state.iterations()));
  state.counters["MB_per_s"] = static_cast<double>(bytes) * static_cast<double>(state.iterations()) / 1e6 / wall;
  state.counters["lines"] = static_cast<double>(lines);
  state.counters["purchases"] = static_cast<double>(purchases);
  state.counters["filtered"] = static_cast<double>(filtered);
  state.SetLabel(path);
}
BENCHMARK(BM_read_order_lines_csv)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

// "Warm heap": the same read in a process that keeps the memory it frees, as a long-running
// host (or DuckDB's own buffer manager) does: this benchmark (only; the library sets no
// allocator option) tells glibc to serve every allocation from its heap (M_MMAP_MAX 0)
// and never to return freed heap to the kernel (M_TRIM_THRESHOLD), then reads the file
// once untimed and times the second read, whose columns land in pages the first one
// touched. What is left of the fresh-page cost is the id dictionary's arrays, which live
// in their own mappings (core/detail/pod_array.hpp). Registered last: the allocator options
// stay set for the rest of the process. Compare with BM_read_transactions_csv (cold: every
// output page fresh from the kernel).
void BM_read_transactions_csv_warm_heap(benchmark::State& state) {
  static const bool configured = [] {
    return mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max()) == 1;
  }();
  if (!configured) {
    state.SkipWithError("mallopt refused M_MMAP_MAX / M_TRIM_THRESHOLD");
    return;
  }
  read_transactions_csv(state, true);
}
BENCHMARK(BM_read_transactions_csv_warm_heap)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
