// Order lines (invoice lines, UCI Online Retail style) in: each invoice's lines roll up into
// one purchase, cancellations, returns, free items and lines without a customer are
// filtered out and counted, and the lines stay available for basket questions.
//
// Usage: example_order_lines [path/to/order_lines_sample.csv]
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/crmkit.hpp"

#ifndef CRMKIT_EXAMPLE_DATA_DIR
#  define CRMKIT_EXAMPLE_DATA_DIR "examples/data"
#endif

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : CRMKIT_EXAMPLE_DATA_DIR "/order_lines_sample.csv";
  try {
    crmkit::transaction_columns columns;
    columns.customer = "CustomerID";
    columns.time = "InvoiceDate";
    columns.order = "InvoiceNo";     // lines of one invoice -> one purchase
    columns.quantity = "Quantity";   // amount = Quantity x UnitPrice
    columns.unit_price = "UnitPrice";
    columns.product = "StockCode";   // kept per line
    crmkit::csv_options options;
    options.filters.order_id_exclude_prefix = "C";  // cancellations
    options.filters.drop_nonpositive_quantity = true;
    options.filters.drop_nonpositive_unit_price = true;
    options.filters.drop_empty_customer = true;
    crmkit::ingest_report report;
    const crmkit::dataset data = crmkit::read_transactions_csv(path, columns, options, &report);

    fmt::print("{}: {} lines read, {} kept, {} bad\n", path, report.rows_read, report.rows_loaded, report.skipped.size());
    const char* names[crmkit::n_line_filters] = {"empty customer id", "order id starts with 'C'", "quantity <= 0",
                                                 "unit price <= 0"};
    for (std::size_t f = 0; f < crmkit::n_line_filters; ++f) {
      const auto& count = report.filtered[f];
      std::string first;
      for (const auto line : count.first_lines) first += fmt::format("{}{}", first.empty() ? "" : ", ", line);
      fmt::print("  dropped: {:<26} {:>5} lines{}\n", names[f], count.lines,
                 first.empty() ? std::string() : fmt::format(" (first: {})", first));
    }

    const crmkit::transaction_log& log = data.transactions();
    const crmkit::order_lines& lines = *log.lines();
    double revenue = 0;
    for (const double amount : log.amount()) revenue += amount;
    fmt::print("{} purchases (invoices) by {} customers, {} to {}, revenue {:.2f}\n", log.size(), data.n_customers(),
               crmkit::format_iso_date(log.min_time()), crmkit::format_iso_date(log.max_time()), revenue);
    fmt::print("mean basket: {:.2f} lines, {:.2f} per purchase\n",
               static_cast<double>(lines.size()) / static_cast<double>(log.size()),
               revenue / static_cast<double>(log.size()));

    // Per-customer purchase counts: how many customers came back.
    std::vector<int> purchases(data.n_customers(), 0);
    for (const auto customer : log.customer()) ++purchases[static_cast<std::size_t>(customer)];
    const auto repeat = std::count_if(purchases.begin(), purchases.end(), [](int n) { return n > 1; });
    fmt::print("{} customers ({:.1f}%) bought more than once\n", repeat,
               100.0 * static_cast<double>(repeat) / static_cast<double>(data.n_customers()));

    // Basket view: the product most often on an invoice.
    const auto& levels = *lines.product_levels();
    std::vector<int> on_invoices(levels.size(), 0);
    for (const auto code : lines.product())
      if (code >= 0) ++on_invoices[static_cast<std::size_t>(code)];
    const auto top = std::max_element(on_invoices.begin(), on_invoices.end()) - on_invoices.begin();
    fmt::print("most frequent product: {} on {} lines; first purchase is invoice {}\n",
               levels.at(static_cast<std::int32_t>(top)), on_invoices[static_cast<std::size_t>(top)],
               lines.order_ids().at(0));
    return 0;
  } catch (const crmkit::error& e) {
    std::fprintf(stderr, "example_order_lines: %s\n", e.what());
    return 1;
  }
}
