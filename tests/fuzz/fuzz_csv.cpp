// libFuzzer target: the transaction CSV reader (crmkit::parse_transactions_csv) with fuzzed
// options. Byte 0: delimiter; 1: quote; 2: time format (mod 3); 3: bits: bad-row policy,
// negative amounts, product column, channel column; 4: order lines, bits: order column
// ("order"), quantity and unit price columns ("quantity", "unit_price"; the amount column is
// then not read), the filters drop_nonpositive_quantity, drop_nonpositive_unit_price,
// drop_empty_customer, order_id_exclude_prefix "C"; the rest is the CSV text.
// There is no in-memory CSV parse in the C ABI (crmkit_dataset_create_from_csv reads files),
// so this target uses the C++ API. Any crmkit::error is an expected outcome; a crash, a
// sanitizer report or another exception is a finding.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "crmkit/error.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/io/detail/csv_tuning.hpp"
#include "crmkit/io/detail/utf8.hpp"
#include "fuzz_util.hpp"

namespace {

// What one read gave: the dataset, or the error's message; and the report.
struct outcome {
  std::optional<crmkit::dataset> data;
  std::string error;
  crmkit::ingest_report report;
};

outcome read(std::string_view text, const crmkit::transaction_columns& columns, const crmkit::csv_options& options,
             bool stream, std::size_t block) {
  outcome out;
  crmkit::detail::csv_input input;
  input.path_or_text = text;
  input.name = "fuzz.csv";
  input.stream_text = stream;
  crmkit::detail::csv_tuning tuning;
  if (stream) tuning.block_size = block;
  try {
    out.data = crmkit::detail::ingest_transactions(input, nullptr, columns, options, &out.report, tuning);
  } catch (const crmkit::error& e) {
    out.error = e.what();
  }
  return out;
}

bool same_categorical(const crmkit::categorical_column* p, const crmkit::categorical_column* q) {
  if ((p == nullptr) != (q == nullptr)) return false;
  if (!p) return true;
  if (p->levels->size() != q->levels->size() || p->codes.size() != q->codes.size()) return false;
  for (std::size_t l = 0; l < p->levels->size(); ++l)
    if (p->levels->at(static_cast<std::int32_t>(l)) != q->levels->at(static_cast<std::int32_t>(l))) return false;
  for (std::size_t i = 0; i < p->codes.size(); ++i)
    if (p->codes[i] != q->codes[i]) return false;
  return true;
}

// Bit-identical results (or the same error) from two reads.
bool same(const outcome& a, const outcome& b) {
  if (a.data.has_value() != b.data.has_value() || a.error != b.error) return false;
  if (!a.data) return true;
  const crmkit::dataset& x = *a.data;
  const crmkit::dataset& y = *b.data;
  if (x.n_customers() != y.n_customers() || x.n_transactions() != y.n_transactions()) return false;
  for (std::size_t i = 0; i < x.n_customers(); ++i)
    if (x.customers().id(static_cast<std::int32_t>(i)) != y.customers().id(static_cast<std::int32_t>(i))) return false;
  const auto& s = x.transactions();
  const auto& t = y.transactions();
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s.customer()[i] != t.customer()[i] || s.time()[i] != t.time()[i] ||
        std::bit_cast<std::uint64_t>(s.amount()[i]) != std::bit_cast<std::uint64_t>(t.amount()[i]))
      return false;
  if (!same_categorical(s.product(), t.product()) || !same_categorical(s.channel(), t.channel())) return false;
  if (a.report.rows_read != b.report.rows_read || a.report.rows_loaded != b.report.rows_loaded ||
      a.report.skipped.size() != b.report.skipped.size())
    return false;
  for (std::size_t i = 0; i < a.report.skipped.size(); ++i)
    if (a.report.skipped[i].message("f") != b.report.skipped[i].message("f")) return false;
  return true;
}

}  // namespace

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
  const std::string_view text = in.rest();
  crmkit::ingest_report report;
  try {
    const crmkit::dataset d = crmkit::parse_transactions_csv(text, columns, options, &report, "fuzz.csv");
    for (const auto& row : report.skipped) (void)row.message("fuzz.csv");
    (void)d.transactions().size();
    // What the reader lets through is UTF-8 (it skips the check on records it found all
    // ASCII, so this checks that shortcut): customer ids and product levels.
    for (std::size_t i = 0; i < d.n_customers(); ++i)
      if (!crmkit::detail::valid_utf8(d.customers().id(static_cast<std::int32_t>(i)))) __builtin_trap();
    if (const crmkit::categorical_column* product = d.transactions().product())
      for (std::size_t l = 0; l < product->levels->size(); ++l)
        if (!crmkit::detail::valid_utf8(product->levels->at(static_cast<std::int32_t>(l)))) __builtin_trap();
    std::size_t dropped = 0;
    for (const auto& f : report.filtered) {
      if (f.first_lines.size() > crmkit::filter_count::max_listed || f.first_lines.size() > f.lines) __builtin_trap();
      dropped += f.lines;
    }
    (void)dropped;
  } catch (const crmkit::error&) {
  }
  // Parallel reads (csv_options::n_threads) must equal the serial one bit for bit: in
  // place, and streamed through rounds of tiny blocks so that the cuts fall everywhere.
  {  // (order-line reads ignore n_threads: the comparison then checks that they do)
    const outcome serial = read(text, columns, options, false, 0);
    crmkit::csv_options parallel = options;
    parallel.n_threads = 3;
    if (!same(serial, read(text, columns, parallel, false, 0))) __builtin_trap();
    parallel.n_threads = 2;
    if (!same(serial, read(text, columns, parallel, true, 5))) __builtin_trap();
  }
  return 0;
}
