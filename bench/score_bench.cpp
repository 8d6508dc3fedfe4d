// End-to-end benchmark of the customer table: order-line CSV in, every score out
// (crmkit::read_transactions_csv in order-line mode, then crmkit::score_customers), against
// bench/score_peer.py doing the same steps with pandas + scikit-learn + scipy.
//
//   cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DCRMKIT_BUILD_BENCH=ON
//   cmake --build build/release -j2 --target score_bench
//   build/release/bench/score_bench [lines=10000000] [customers=1000000] [threads=1]
//   /usr/bin/python3 bench/score_peer.py <the CSV path score_bench prints>
//
// The input is written once by the deterministic generator below (UCI Online Retail's
// columns: InvoiceNo, StockCode, Quantity, InvoiceDate, UnitPrice, CustomerID; 1-4 lines
// per invoice, lines grouped by customer under scattered ids, a log-normal price level per customer, about 2% cancellations 'C...', 1% lines without a customer) to
// <temp dir>/crmkit_score_<lines>_<customers>.csv; it is never part of the repository.
// Prints wall and CPU seconds of ingest and scoring, and the peak resident set size.
#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "crmkit/core/time.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/scoring/score_customers.hpp"

namespace {

struct splitmix64 {
  std::uint64_t state;
  std::uint64_t operator()() noexcept {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() noexcept { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
};

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// Customers buy at their own rate over the year and may stop (a BG/NBD-like process),
// so the churn models have something to find.
std::string generate(std::size_t lines, std::size_t customers) {
  const auto path = std::filesystem::temp_directory_path() / fmt::format("crmkit_score_{}_{}.csv", lines, customers);
  if (std::filesystem::exists(path)) return path.string();
  const auto tmp = path.string() + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) throw std::runtime_error("cannot write " + tmp);
  std::fputs("InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n", f);
  splitmix64 rng{2024};
  const std::int64_t start = crmkit::unix_seconds(2010, 12, 1);
  const std::int64_t span = 373 * 86400;
  std::size_t written = 0;
  std::uint64_t invoice = 536365;
  std::size_t next_customer = 0;
  fmt::memory_buffer out;
  while (written < lines) {
    // Customers one after another (each has about 10 lines), under scattered ids.
    const std::size_t c = (next_customer++ * 2654435761u) % customers;
    const std::int64_t birth = start + static_cast<std::int64_t>(rng.uniform() * 0.7 * static_cast<double>(span));
    const double rate_per_day = 0.01 + 0.08 * rng.uniform();
    const double death_per_order = 0.1 + 0.3 * rng.uniform();
    // Customers differ in what they spend per line (Gamma-Gamma's heterogeneity): a
    // log-normal price level per customer.
    const double level = std::exp(0.8 * std::sqrt(-2.0 * std::log(1.0 - rng.uniform())) *
                                  std::cos(6.283185307179586 * rng.uniform()));
    std::int64_t t = birth;
    while (t < start + span && written < lines) {
      const bool cancel = rng.uniform() < 0.02;
      const bool anonymous = rng.uniform() < 0.01;
      const int n_lines = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < n_lines && written < lines; ++k, ++written) {
        const int quantity = (cancel ? -1 : 1) * (1 + static_cast<int>(rng() % 12));
        const double price = std::round((0.5 + static_cast<double>(rng() % 2000) / 100.0) * level * 100.0) / 100.0 + 0.01;
        fmt::format_to(std::back_inserter(out), "{}{},{},{},{},{:.2f},", cancel ? "C" : "", invoice,
                       85000 + rng() % 4000, quantity, crmkit::format_iso8601(t), price);
        if (!anonymous) fmt::format_to(std::back_inserter(out), "{}", 12000 + c);
        out.push_back('\n');
      }
      ++invoice;
      if (out.size() > (1 << 20)) std::fwrite(out.data(), 1, out.size(), f), out.clear();
      if (rng.uniform() < death_per_order) break;
      t += static_cast<std::int64_t>(-std::log(1.0 - rng.uniform()) / rate_per_day * 86400.0);
    }
  }
  std::fwrite(out.data(), 1, out.size(), f);
  std::fclose(f);
  std::filesystem::rename(tmp, path);
  return path.string();
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t lines = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  const std::size_t customers = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 1;
  const std::string path = generate(lines, customers);
  std::printf("input %s (%.1f MB)\n", path.c_str(), static_cast<double>(std::filesystem::file_size(path)) / 1e6);

  crmkit::transaction_columns columns;
  columns.customer = "CustomerID";
  columns.time = "InvoiceDate";
  columns.order = "InvoiceNo";
  columns.quantity = "Quantity";
  columns.unit_price = "UnitPrice";
  crmkit::csv_options options;
  options.filters.order_id_exclude_prefix = "C";
  options.filters.drop_nonpositive_quantity = true;
  options.filters.drop_nonpositive_unit_price = true;
  options.filters.drop_empty_customer = true;
  const double rss_before = peak_rss_mb();

  auto w0 = std::chrono::steady_clock::now();
  double c0 = cpu_seconds();
  crmkit::ingest_report report;
  const crmkit::dataset data = crmkit::read_transactions_csv(path, columns, options, &report);
  auto w1 = std::chrono::steady_clock::now();
  double c1 = cpu_seconds();
  crmkit::score_config config;
  config.n_threads = threads;
  crmkit::score_report score;
  const crmkit::customer_table table =
      crmkit::score_customers(data, crmkit::unix_seconds(2011, 12, 10), config, &score);
  auto w2 = std::chrono::steady_clock::now();
  double c2 = cpu_seconds();
  const auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };

  std::printf("lines read %zu, kept %zu, orders %zu, customers %zu (active %zu), threads %d\n", report.rows_read,
              report.rows_loaded, data.n_transactions(), table.size(), score.n_active, threads);
  std::printf("bg_nbd: %s, params %.4g %.4g %.4g %.4g; k-means k = %zu\n", score.btyd_status.c_str(),
              score.btyd_params.size() > 0 ? score.btyd_params[0] : NAN, score.btyd_params.size() > 1 ? score.btyd_params[1] : NAN,
              score.btyd_params.size() > 2 ? score.btyd_params[2] : NAN, score.btyd_params.size() > 3 ? score.btyd_params[3] : NAN,
              score.kmeans_k);
  // A checksum of every cell's bits (and the ids), to check that a change left the table as it was.
  std::uint64_t digest = 1469598103934665603ull;
  const auto mix = [&digest](std::uint64_t v) { digest = (digest ^ v) * 1099511628211ull; };
  for (std::size_t i = 0; i < table.size(); ++i)
    for (const char c : table.ids().at(static_cast<std::int32_t>(i))) mix(static_cast<unsigned char>(c));
  for (const crmkit::table_column& c : table.columns())
    for (std::size_t i = 0; i < c.size(); ++i) {
      const double v = c.as_double(i);
      std::uint64_t bits;
      std::memcpy(&bits, &v, sizeof bits);
      mix(bits);
    }
  std::printf("table: %zu columns, digest %016llx\n", table.columns().size(), static_cast<unsigned long long>(digest));
  std::printf("ingest: wall %.0f ms, cpu %.0f ms\n", ms(w0, w1), (c1 - c0) * 1e3);
  std::printf("score:  wall %.0f ms, cpu %.0f ms\n", ms(w1, w2), (c2 - c1) * 1e3);
  std::printf("total:  wall %.0f ms, cpu %.0f ms\n", ms(w0, w2), (c2 - c0) * 1e3);
  std::printf("peak RSS %.0f MB (before loading %.0f MB); transaction columns %.0f MB\n", peak_rss_mb(), rss_before,
              static_cast<double>(data.transactions().owned_bytes()) / 1e6);
  return 0;
}
