// libFuzzer target: the transaction CSV reader (crmkit::parse_transactions_csv) with fuzzed
// options. Byte 0: delimiter; 1: quote; 2: time format (mod 3); 3: bits: bad-row policy,
// negative amounts, product column, channel column; 4: order lines, bits: order column
// ("order"), quantity and unit price columns ("quantity", "unit_price"; the amount column is
// then not read), the filters drop_nonpositive_quantity, drop_nonpositive_unit_price,
// drop_empty_customer, order_id_exclude_prefix "C"; the rest is the CSV text.
// There is no in-memory CSV parse in the C ABI (crmkit_dataset_create_from_csv reads files),
// so this target uses the C++ API. Any crmkit::error is an expected outcome; a crash, a
// sanitizer report or another exception is a finding.
#include <cstddef>
#include <cstdint>

#include "crmkit/error.hpp"
#include "crmkit/io/csv.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crmkit_fuzz::bytes in(data, size);
  crmkit::csv_options options;
  options.delimiter = static_cast<char>(in.byte());
  options.quote = static_cast<char>(in.byte());
  options.timestamps = static_cast<crmkit::time_format>(in.byte() % 3);
  const std::uint8_t flags = in.byte();
  options.on_bad_row = (flags & 1) ? crmkit::bad_row_policy::skip : crmkit::bad_row_policy::fail;
  options.allow_negative_amounts = (flags & 2) != 0;
  crmkit::transaction_columns columns;
  if (flags & 4) columns.product = "product";
  if (flags & 8) columns.channel = "channel";
  const std::uint8_t lines = in.byte();
  if (lines & 1) columns.order = "order";
  if (lines & 2) {
    columns.quantity = "quantity";
    columns.unit_price = "unit_price";
  }
  options.filters.drop_nonpositive_quantity = (lines & 4) != 0;
  options.filters.drop_nonpositive_unit_price = (lines & 8) != 0;
  options.filters.drop_empty_customer = (lines & 16) != 0;
  if (lines & 32) options.filters.order_id_exclude_prefix = "C";
  crmkit::ingest_report report;
  try {
    const crmkit::dataset d = crmkit::parse_transactions_csv(in.rest(), columns, options, &report, "fuzz.csv");
    for (const auto& row : report.skipped) (void)row.message("fuzz.csv");
    (void)d.transactions().size();
    std::size_t dropped = 0;
    for (const auto& f : report.filtered) {
      if (f.first_lines.size() > crmkit::filter_count::max_listed || f.first_lines.size() > f.lines) __builtin_trap();
      dropped += f.lines;
    }
    (void)dropped;
  } catch (const crmkit::error&) {
  }
  return 0;
}
