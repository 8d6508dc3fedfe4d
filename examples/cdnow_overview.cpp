// The end-to-end example on the bundled CDNOW sample: load the purchase log, then
// summarise customers, revenue over time and the concentration of revenue.
//
// Usage: example_cdnow_overview [path/to/cdnow_sample.csv]
#include <algorithm>
#include <cstdio>
#include <map>
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
  try {
    crmkit::transaction_columns columns;  // which header names hold what
    columns.customer = "customer_id";
    columns.time = "date";
    columns.amount = "amount";
    crmkit::ingest_report report;
    const crmkit::dataset data = crmkit::read_transactions_csv(path, columns, {}, &report);
    const crmkit::transaction_log& log = data.transactions();

    fmt::print("{}: {} transactions by {} customers, {} to {}\n", path, data.n_transactions(), data.n_customers(),
               crmkit::format_iso_date(log.min_time()), crmkit::format_iso_date(log.max_time()));

    // Per-customer revenue and distinct purchase days (same-day purchases are one visit).
    std::vector<double> revenue(data.n_customers(), 0.0);
    std::vector<std::vector<std::int64_t>> days(data.n_customers());
    std::map<std::string, double> revenue_by_quarter;
    for (std::size_t i = 0; i < log.size(); ++i) {
      const auto customer = static_cast<std::size_t>(log.customer()[i]);
      revenue[customer] += log.amount()[i];
      days[customer].push_back(crmkit::floor_days(log.time()[i]));
      const auto date = crmkit::civil_from_days(crmkit::floor_days(log.time()[i]));
      revenue_by_quarter[fmt::format("{}-Q{}", date.year, (date.month - 1) / 3 + 1)] += log.amount()[i];
    }
    std::size_t repeat_buyers = 0;
    for (auto& d : days) {
      std::sort(d.begin(), d.end());
      repeat_buyers += std::unique(d.begin(), d.end()) - d.begin() > 1;
    }
    const double total = std::accumulate(revenue.begin(), revenue.end(), 0.0);
    fmt::print("revenue {:.2f}, mean per customer {:.2f}; {} of {} customers ({:.1f}%) came back on another day\n",
               total, total / static_cast<double>(data.n_customers()), repeat_buyers, data.n_customers(),
               100.0 * static_cast<double>(repeat_buyers) / static_cast<double>(data.n_customers()));

    fmt::print("\nrevenue by quarter\n");
    for (const auto& [quarter, amount] : revenue_by_quarter)
      fmt::print("  {}  {:>10.2f}  {:>5.1f}%\n", quarter, amount, 100.0 * amount / total);

    // Concentration: the share of revenue held by the top customers.
    std::vector<std::int32_t> order(data.n_customers());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
      return revenue[static_cast<std::size_t>(a)] > revenue[static_cast<std::size_t>(b)];
    });
    fmt::print("\ntop customers by revenue\n");
    for (std::size_t rank = 0; rank < 5; ++rank) {
      const auto c = order[rank];
      fmt::print("  {:>2}. customer {}  {:>8.2f}\n", rank + 1, data.customers().id(c), revenue[static_cast<std::size_t>(c)]);
    }
    const std::size_t top_fifth = data.n_customers() / 5;
    double top_fifth_revenue = 0.0;
    for (std::size_t rank = 0; rank < top_fifth; ++rank) top_fifth_revenue += revenue[static_cast<std::size_t>(order[rank])];
    fmt::print("the top 20% of customers ({}) bring {:.1f}% of revenue\n", top_fifth, 100.0 * top_fifth_revenue / total);
    return 0;
  } catch (const crmkit::error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
