// Replays the bundled CDNOW sample through crmkit's default lifecycle model at monthly
// steps and prints the stage counts by month, the stage-to-stage flow matrix over the whole
// period (the data behind a Sankey diagram) and the conversion rates between stages.
//
// Usage: example_lifecycle_replay [path/to/cdnow_sample.csv]
#include <cstdio>
#include <exception>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "crmkit/core/time.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/lifecycle.hpp"

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : CRMKIT_EXAMPLE_DATA_DIR "/cdnow_sample.csv";
  try {
    crmkit::transaction_columns columns;
    columns.customer = "customer_id";
    columns.time = "date";
    columns.amount = "amount";
    const crmkit::dataset data = crmkit::read_transactions_csv(path, columns);
    auto model = std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model());
    // CDNOW: first purchases in Q1 1997, the log ends 1998-06-30.
    const std::int64_t start = crmkit::unix_seconds(1997, 1, 1), end = crmkit::unix_seconds(1998, 7, 1);
    const crmkit::replay_result r = crmkit::replay(model, data.transactions(), start, end);
    const std::size_t S = model->n_states();
    fmt::print("{} customers, {} transactions, default lifecycle model, monthly replay\n\n", data.n_customers(),
               data.n_transactions());
    fmt::print("{:<10}", "month");
    for (const auto& s : model->states()) fmt::print(" {:>11}", s);
    fmt::print("\n");
    for (std::size_t k = 0; k < r.times.size(); ++k) {
      fmt::print("{:<10}", crmkit::format_iso_date(r.times[k]));
      for (std::size_t s = 0; s < S; ++s) fmt::print(" {:>11}", r.counts[k * S + s]);
      fmt::print("\n");
    }
    const auto flow = crmkit::flow_matrix(r.machine, start, end + 1);
    fmt::print("\nflow matrix {} .. {} (row: from, column: to; {} hops)\n{:<12}", crmkit::format_iso_date(start),
               crmkit::format_iso_date(end), r.machine.log().size(), "");
    for (const auto& s : model->states()) fmt::print(" {:>11}", s);
    fmt::print("\n");
    for (std::size_t a = 0; a < S; ++a) {
      fmt::print("{:<12}", model->state_name(static_cast<int>(a)));
      for (std::size_t b = 0; b < S; ++b) fmt::print(" {:>11}", flow[a * S + b]);
      fmt::print("\n");
    }
    const auto conv = crmkit::conversion_rates(r.machine);
    fmt::print("\nconversion: exploration -> formation {:.3f}, formation -> stability {:.3f}, "
               "churned -> won_back {:.3f}\n",
               conv.rate[1 * S + 2], conv.rate[2 * S + 3], conv.rate[5 * S + 6]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "example_lifecycle_replay: %s\n", e.what());
    return 1;
  }
  return 0;
}
