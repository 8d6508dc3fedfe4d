// Customer value report on the bundled CDNOW sample: RFM summary and scores, named
// segments with their summary, and the 80/20 analysis (Gini, top shares, key customers,
// ABC classes overall and per segment, low-return customers).
//
// Usage: example_value_report [path/to/cdnow_sample.csv] [as_of YYYY-MM-DD]
#include <cstdio>
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
    crmkit::transaction_columns columns;
    columns.customer = "customer_id";
    columns.time = "date";
    columns.amount = "amount";
    const crmkit::dataset data = crmkit::read_transactions_csv(path, columns);
    const crmkit::transaction_log& log = data.transactions();

    // The reference date is explicit: the day after the last purchase unless given.
    crmkit::rfm_options options;
    options.as_of = (crmkit::floor_days(log.max_time()) + 1) * crmkit::seconds_per_day;
    if (argc > 2 && crmkit::parse_iso8601(argv[2], options.as_of) != crmkit::time_parse_status::ok) {
      std::fprintf(stderr, "cannot parse the reference date '%s' (expected YYYY-MM-DD)\n", argv[2]);
      return 2;
    }
    const crmkit::rfm_table table = crmkit::rfm_summary(log, options);
    const crmkit::rfm_scores scores = crmkit::rfm_score(table, options);
    const auto segments = crmkit::rfm_segment(scores, crmkit::rfm_segment_preset(crmkit::rfm_preset::grid11));
    const auto summary = crmkit::rfm_segment_summary(table, scores, segments);

    fmt::print("Customer value report: {} ({} transactions, {} customers)\n", path, data.n_transactions(),
               table.size());
    fmt::print("reference date {}; purchases {} to {}\n\n", crmkit::format_iso_date(options.as_of),
               crmkit::format_iso_date(log.min_time()), crmkit::format_iso_date(log.max_time()));

    double recency = 0, frequency = 0, monetary = 0;
    for (std::size_t i = 0; i < table.size(); ++i) {
      recency += table.recency_days[i];
      frequency += table.frequency[i];
      monetary += table.monetary[i];
    }
    const double n = static_cast<double>(table.size());
    fmt::print("RFM means: recency {:.1f} days, frequency {:.2f} purchases, monetary {:.2f}\n", recency / n,
               frequency / n, monetary / n);
    fmt::print("scores: quintiles of rank (pandas qcut on rank(method='first')); R 5 = most recent\n\n");

    fmt::print("{:<28} {:>9} {:>8} {:>9} {:>10} {:>8} {:>7} {:>9}\n", "segment", "customers", "share", "revenue",
               "rev.share", "recency", "freq.", "monetary");
    for (const auto& row : summary) {
      if (row.customers == 0) continue;
      fmt::print("{:<28} {:>9} {:>7.1f}% {:>9.0f} {:>9.1f}% {:>8.0f} {:>7.2f} {:>9.2f}\n", row.name, row.customers,
                 100 * row.customer_share, row.revenue, 100 * row.revenue_share, row.mean_recency_days,
                 row.mean_frequency, row.mean_monetary);
    }

    // 80/20: revenue per customer (this sample has no net-negative customers).
    const crmkit::pareto_result p = crmkit::pareto(table.monetary);
    fmt::print("\n80/20 analysis of revenue\n");
    fmt::print("  Gini coefficient                   {:.3f}\n", p.gini);
    fmt::print("  revenue share of the top 20%       {:.1f}%\n", 100 * p.share_of_top(0.2));
    fmt::print("  revenue share of the top 1%        {:.1f}%\n", 100 * p.share_of_top(0.01));
    fmt::print("  customers making 80% of revenue    {} ({:.1f}%)\n", p.key_customers, 100 * p.key_customer_share);
    fmt::print("  ABC classes (80/15/5% of revenue)  A {}  B {}  C {}\n", p.abc_count[0], p.abc_count[1],
               p.abc_count[2]);
    fmt::print("  Lorenz curve (customer share -> revenue share):");
    for (std::size_t j = 0; j < p.lorenz_sample_x.size(); j += 20)
      fmt::print("  {:.0f}%->{:.1f}%", 100 * p.lorenz_sample_x[j], 100 * p.lorenz_sample_y[j]);
    fmt::print("\n");

    const auto by_segment = crmkit::pareto_by_group(table.monetary, segments.segment, segments.names.size());
    fmt::print("\nconcentration within segments\n{:<28} {:>6} {:>22}\n", "segment", "Gini", "customers for 80%");
    for (std::size_t g = 0; g < by_segment.groups.size(); ++g) {
      const auto& s = by_segment.groups[g];
      if (s.n == 0) continue;
      fmt::print("{:<28} {:>6.3f} {:>14} ({:>4.1f}%)\n", segments.names[g], s.gini, s.key_customers,
                 100 * s.key_customer_share);
    }

    crmkit::low_return_options low;
    low.min_recency_days = 365;
    const auto stop = crmkit::low_return_customers(table.recency_days, table.monetary, low);
    double stop_revenue = 0;
    for (auto i : stop) stop_revenue += table.monetary[i];
    fmt::print("\nlow-return customers (no purchase for {:.0f}+ days and in ABC class C): {} ({:.1f}% of customers, "
               "{:.2f}% of revenue)\n",
               low.min_recency_days, stop.size(), 100.0 * static_cast<double>(stop.size()) / n,
               100.0 * stop_revenue / p.total);
    fmt::print("  first ids:");
    for (std::size_t j = 0; j < stop.size() && j < 8; ++j)
      fmt::print(" {}", data.customers().id(table.customer[stop[j]]));
    fmt::print("\n");
  } catch (const crmkit::error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
