// Every per-customer score in one call: the bundled CDNOW sample in, the customer table out,
// then an audience selected from it.
//
//   example_score_customers examples/data/cdnow_sample.csv [as_of=1998-07-01]
//
// Prints the model card, the table's first rows and the size of an at-risk audience.
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/scoring.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s transactions.csv [as_of YYYY-MM-DD]\n", argv[0]);
    return 2;
  }
  try {
    crmkit::transaction_columns columns;
    columns.time = "date";
    const crmkit::dataset data = crmkit::read_transactions_csv(argv[1], columns);
    std::int64_t as_of = crmkit::unix_seconds(1998, 7, 1);
    if (argc > 2 && crmkit::parse_time(argv[2], crmkit::time_format::iso8601, as_of) != crmkit::time_parse_status::ok)
      throw crmkit::error(crmkit::errc::invalid_argument, fmt::format("as_of '{}' is not a date", argv[2]));

    // The config a host would store: TOML (or JSON), spans with units.
    const crmkit::score_config config = crmkit::parse_score_config(R"(
[btyd]
model = "bg_nbd"
horizon = "90 days"
[clv]
horizon = "12 months"
annual_discount_rate = 0.1
)");
    crmkit::score_report report;
    const crmkit::customer_table table = crmkit::score_customers(data, as_of, config, &report);
    fmt::print("{} customers, {} active at {}; BG/NBD {} (r {:.3f}, alpha {:.3f}, a {:.3f}, b {:.3f}), k-means k = {}\n",
               table.size(), report.n_active, crmkit::format_iso_date(as_of), report.btyd_status,
               report.btyd_params[0], report.btyd_params[1], report.btyd_params[2], report.btyd_params[3],
               report.kmeans_k);
    for (const auto& note : report.notes) fmt::print("note: {}\n", note);

    const auto orders = table.int64("orders");
    const auto p_alive = table.float64("p_alive");
    const auto clv = table.float64("clv");
    const auto& segment = table.category("segment");
    const auto& abc = table.category("abc");
    const auto& stage = table.category("lifecycle_stage");
    fmt::print("{:>8} {:>6} {:>8} {:>8} {:>20} {:>4} {:>12}\n", "customer", "orders", "p_alive", "clv", "segment", "abc",
               "stage");
    for (std::int32_t i = 0; i < 5; ++i) {
      const auto row = static_cast<std::size_t>(i);
      fmt::print("{:>8} {:>6} {:>8.3f} {:>8.2f} {:>20} {:>4} {:>12}\n", table.id(i), orders[row], p_alive[row], clv[row],
                 segment.levels->at(segment.codes[row]), abc.levels->at(abc.codes[row]),
                 stage.levels->at(stage.codes[row]));
    }
    const auto at_risk = crmkit::select_customers(table, "p_alive < 0.3 and abc == 'A'");
    fmt::print("audience 'p_alive < 0.3 and abc == A': {} customers\n", at_risk.size());
  } catch (const crmkit::error& e) {
    std::fprintf(stderr, "score_customers: %s\n", e.what());
    return 1;
  }
  return 0;
}
