// Tests of crmkit/io/csv.hpp: the transaction and customer readers, their dialects,
// their error messages and their skip-mode reports. Every transaction input is also
// parsed through tiny blocks and from a file (csv_test::parse_every_way).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/io/csv.hpp"
#include "csv_test_util.hpp"

using crmkit::errc;
using csv_test::capture;
using csv_test::mentions;
using csv_test::parse_every_way;

namespace {

std::int64_t day(int y, unsigned m, unsigned d) { return crmkit::unix_seconds(y, m, d); }

crmkit::transaction_columns all_columns() {
  crmkit::transaction_columns columns;
  columns.product = "product";
  columns.channel = "channel";
  return columns;
}

crmkit::csv_options skipping() {
  crmkit::csv_options options;
  options.on_bad_row = crmkit::bad_row_policy::skip;
  return options;
}

// The error a fail-mode parse of `text` throws (checked to be identical every way).
csv_test::failure transaction_error(std::string_view text, const crmkit::transaction_columns& columns = {},
                                    const crmkit::csv_options& options = {}) {
  return capture([&] { (void)parse_every_way(text, columns, options); });
}

}  // namespace

TEST_CASE("a plain transaction file loads column by column") {
  const auto data = parse_every_way(
      "customer_id,timestamp,amount,product,channel\n"
      "C-2,2024-01-02,10.50,P1,web\n"
      "C-1,2024-01-03,3,P2,\n"
      "C-2,2024-01-04,-2.25,,store\n",
      all_columns());
  REQUIRE(data.n_transactions() == 3);
  REQUIRE(data.n_customers() == 2);
  // Customers are numbered in order of first appearance.
  CHECK(data.customers().id(0) == "C-2");
  CHECK(data.customers().id(1) == "C-1");
  const auto& log = data.transactions();
  CHECK(log.customer()[0] == 0);
  CHECK(log.customer()[1] == 1);
  CHECK(log.customer()[2] == 0);
  CHECK(log.time()[0] == day(2024, 1, 2));
  CHECK(log.time()[2] == day(2024, 1, 4));
  CHECK(log.amount()[0] == 10.5);
  CHECK(log.amount()[1] == 3.0);
  CHECK(log.amount()[2] == -2.25);
  REQUIRE(log.product() != nullptr);
  REQUIRE(log.channel() != nullptr);
  CHECK(log.product()->codes[0] == 0);
  CHECK(log.product()->codes[1] == 1);
  CHECK(log.product()->codes[2] == -1);  // empty field = missing
  CHECK(log.product()->levels->at(1) == "P2");
  CHECK(log.channel()->codes[0] == 0);
  CHECK(log.channel()->codes[1] == -1);
  CHECK(log.channel()->codes[2] == 1);
  CHECK(log.channel()->levels->at(1) == "store");
}

TEST_CASE("columns are found by header name, in any order, and the rest is ignored") {
  crmkit::transaction_columns columns;
  columns.customer = "who";
  columns.time = "when";
  columns.amount = "how much";
  const auto data = parse_every_way("note,how much,when,extra,who\nx,1.5,2024-05-01,y,A\nz,2,2024-05-02,w,B\n", columns);
  REQUIRE(data.n_transactions() == 2);
  CHECK(data.customers().id(1) == "B");
  CHECK(data.transactions().amount()[1] == 2.0);
  CHECK(data.transactions().product() == nullptr);
  CHECK(data.transactions().channel() == nullptr);
}

TEST_CASE("a header wider than the tokenizer's first guess is read whole") {
  std::string header, row;
  for (int i = 0; i < 150; ++i) {
    header += fmt::format("c{},", i);
    row += fmt::format("{},", i);
  }
  const auto data = parse_every_way(header + "customer_id,timestamp,amount\n" + row + "C,2024-01-01,7\n");
  REQUIRE(data.n_transactions() == 1);
  CHECK(data.transactions().amount()[0] == 7.0);
}

TEST_CASE("RFC 4180 quoting: delimiters, doubled quotes and line breaks inside quotes") {
  crmkit::ingest_report report;
  const auto data = parse_every_way(
      "\"customer_id\",\"timestamp\",amount,product,channel\n"
      "\"C,1\",2024-01-01,\"1.5\",\"Widget \"\"XL\"\"\",\"web\"\n"
      "\"C\n2\",2024-01-02,2,\"multi\r\nline\",\n"
      "C-3,2024-01-03,3,\"\",\"\"\n"
      "C-4,2024-01-04,x,p,q\n",
      all_columns(), skipping(), &report);
  REQUIRE(data.n_transactions() == 3);
  CHECK(data.customers().id(0) == "C,1");
  CHECK(data.customers().id(1) == "C\n2");
  const auto& log = data.transactions();
  CHECK(log.product()->levels->at(0) == "Widget \"XL\"");
  CHECK(log.product()->levels->at(1) == "multi\r\nline");  // CRLF inside quotes is data
  CHECK(log.product()->codes[2] == -1);  // a quoted empty field is empty too
  CHECK(log.channel()->codes[2] == -1);
  CHECK(log.amount()[0] == 1.5);
  // Line numbers count the line breaks inside quoted fields: the bad row starts on line 7.
  REQUIRE(report.skipped.size() == 1);
  CHECK(report.skipped[0].line == 7);
}

TEST_CASE("a quote inside an unquoted field is an ordinary character") {
  const auto data = parse_every_way("customer_id,timestamp,amount\nC\"1,2024-01-01,1\nC\"\"2\",2024-01-01,2\n");
  REQUIRE(data.n_customers() == 2);
  CHECK(data.customers().id(0) == "C\"1");
  CHECK(data.customers().id(1) == "C\"\"2\"");
}

TEST_CASE("text after a closing quote is a bad row naming the column") {
  const auto f = transaction_error("customer_id,timestamp,amount\nC-1,2024-01-01,1\n\"C-2\"x,2024-01-01,1\n");
  REQUIRE(f.thrown);
  CHECK(f.code == errc::parse_error);
  CHECK(mentions(f.message, {"t.csv:3:", "column 'customer_id'", "text after a closing quote", "'C-2x'"}));
}

TEST_CASE("other delimiters: semicolon, tab, pipe") {
  crmkit::csv_options options;
  for (const char delimiter : {';', '\t', '|'}) {
    CAPTURE(delimiter);
    options.delimiter = delimiter;
    std::string text = "customer_id;timestamp;amount;product\nC-1;2024-01-01;1.25;\"a;b,c\"\nC-2;2024-01-02;2,5;x\n";
    for (char& c : text)
      if (c == ';') c = delimiter;
    crmkit::transaction_columns columns;
    columns.product = "product";
    crmkit::ingest_report report;
    options.on_bad_row = crmkit::bad_row_policy::skip;
    const auto data = parse_every_way(text, columns, options, &report);
    REQUIRE(data.n_transactions() == 1);
    CHECK(data.transactions().amount()[0] == 1.25);
    std::string expected_level = "a;b,c";
    for (char& c : expected_level)
      if (c == ';') c = delimiter;
    CHECK(data.transactions().product()->levels->at(0) == expected_level);
    // A decimal comma is not a number, whatever the delimiter.
    REQUIRE(report.skipped.size() == 1);
    CHECK(report.skipped[0].value == "2,5");
    CHECK(report.skipped[0].reason == "not a number");
  }
}

TEST_CASE("CRLF line ends, a BOM, blank lines and a last line without a line break") {
  const auto data = parse_every_way(
      "\xEF\xBB\xBF"
      "customer_id,timestamp,amount\r\n"
      "C-1,2024-01-01,1\r\n"
      "\r\n"
      "C-2,2024-01-02,2\r\n"
      "C-3,2024-01-03,3");
  REQUIRE(data.n_transactions() == 3);
  CHECK(data.customers().id(0) == "C-1");  // the BOM did not stick to the header name
  CHECK(data.transactions().amount()[2] == 3.0);

  const auto trailing = parse_every_way("customer_id,timestamp,amount\nC-1,2024-01-01,1\n\n");
  CHECK(trailing.n_transactions() == 1);
  const auto crlf_end = parse_every_way("customer_id,timestamp,amount\r\nC-1,2024-01-01,1\r\n\r\n");
  CHECK(crlf_end.n_transactions() == 1);
  const auto quoted_end = parse_every_way("customer_id,timestamp,amount\r\nC-1,2024-01-01,\"1\"\r\n");
  CHECK(quoted_end.transactions().amount()[0] == 1.0);
  const auto header_only = parse_every_way("customer_id,timestamp,amount\n");
  CHECK(header_only.n_transactions() == 0);
  CHECK(header_only.n_customers() == 0);

  // Line numbers keep counting the blank lines.
  crmkit::ingest_report report;
  (void)parse_every_way("customer_id,timestamp,amount\n\n\nC-1,2024-01-01,x\n", {}, skipping(), &report);
  REQUIRE(report.skipped.size() == 1);
  CHECK(report.skipped[0].line == 4);
  CHECK(report.rows_read == 1);
}

TEST_CASE("timestamps: ISO dates and date-times with offsets, epoch seconds, compact dates") {
  const auto iso = parse_every_way(
      "customer_id,timestamp,amount\n"
      "A,2024-03-15,1\n"
      "A,2024-03-15T10:20:30Z,1\n"
      "A,2024-03-15T10:20:30+02:00,1\n"
      "A,2024-03-15 00:30-0130,1\n"
      "A,2024-03-15,1\n");
  const auto t = iso.transactions().time();
  CHECK(t[0] == day(2024, 3, 15));
  CHECK(t[1] == day(2024, 3, 15) + 10 * 3600 + 20 * 60 + 30);
  CHECK(t[2] == day(2024, 3, 15) + 8 * 3600 + 20 * 60 + 30);
  CHECK(t[3] == day(2024, 3, 15) + 2 * 3600);
  CHECK(t[4] == day(2024, 3, 15));

  crmkit::csv_options options;
  options.timestamps = crmkit::time_format::epoch_seconds;
  const auto epoch = parse_every_way("customer_id,timestamp,amount\nA,1710460800,1\nA,-86400,2\n", {}, options);
  CHECK(epoch.transactions().time()[0] == day(2024, 3, 15));
  CHECK(epoch.transactions().time()[1] == day(1969, 12, 31));

  options.timestamps = crmkit::time_format::compact_date;
  const auto compact = parse_every_way("customer_id,timestamp,amount\nA,19970101,1\nA,19970101,1\nA,19980630,2\n", {}, options);
  CHECK(compact.transactions().time()[1] == day(1997, 1, 1));
  CHECK(compact.transactions().time()[2] == day(1998, 6, 30));
}

TEST_CASE("the date cache never accepts what a parse would reject") {
  crmkit::ingest_report report;
  const auto data = parse_every_way(
      "customer_id,timestamp,amount\n"
      "A,2024-02-28,1\nA,2024-02-29,1\nA,2023-02-29,1\nA,2024-02-29,1\nA,2024-02-2x,1\nA,2024-02-29,1\n",
      {}, skipping(), &report);
  CHECK(data.n_transactions() == 4);
  REQUIRE(report.skipped.size() == 2);
  CHECK(report.skipped[0].line == 4);
  CHECK(report.skipped[0].reason == "invalid calendar date");
  CHECK(report.skipped[1].line == 6);
  CHECK(report.skipped[1].reason == "not a valid timestamp");
}

TEST_CASE("amounts: exact decimals, exponents, and what is not a finite number") {
  crmkit::ingest_report report;
  const auto data = parse_every_way(
      "customer_id,timestamp,amount\n"
      "A,2024-01-01,0.1\n"
      "A,2024-01-01,+12.34\n"
      "A,2024-01-01,1e3\n"
      "A,2024-01-01,-0.0\n"
      "A,2024-01-01,123456789012345678901234567890\n"
      "A,2024-01-01,nan\nA,2024-01-01,NaN\nA,2024-01-01,-nan\nA,2024-01-01,inf\nA,2024-01-01,-Infinity\n"
      "A,2024-01-01,INF\nA,2024-01-01,1e999\nA,2024-01-01,12,5x\nA,2024-01-01,12.5x\nA,2024-01-01, 12\n"
      "A,2024-01-01,\nA,2024-01-01,0x10\nA,2024-01-01,--1\nA,2024-01-01,.\n",
      {}, skipping(), &report);
  const auto a = data.transactions().amount();
  REQUIRE(a.size() == 5);
  CHECK(a[0] == 0.1);
  CHECK(a[1] == 12.34);
  CHECK(a[2] == 1000.0);
  CHECK((a[3] == 0.0 && std::signbit(a[3])));
  CHECK(a[4] == 1.2345678901234568e29);
  REQUIRE(report.skipped.size() == 14);
  for (std::size_t i = 0; i < 6; ++i) {
    CAPTURE(report.skipped[i].value);
    CHECK(report.skipped[i].reason == "not a finite number");
  }
  CHECK(report.skipped[6].reason == "number out of range");
  CHECK(report.skipped[7].reason == "expected 3 fields, found 4");  // 12,5x
  CHECK(report.skipped[8].reason == "not a number");
  CHECK(report.skipped[9].reason == "not a number");  // no silent trimming
  CHECK(report.skipped[10].reason == "empty field");
  CHECK(report.skipped[11].reason == "not a number");
  CHECK(report.skipped[12].reason == "not a number");
  CHECK(report.skipped[13].reason == "not a number");
  CHECK(report.rows_read == 19);
  CHECK(report.rows_loaded == 5);
}

TEST_CASE("negative amounts are refunds unless disallowed") {
  crmkit::csv_options options;
  options.allow_negative_amounts = false;
  const auto f = transaction_error("customer_id,timestamp,amount\nA,2024-01-01,5\nA,2024-01-02,-5.5\n", {}, options);
  REQUIRE(f.thrown);
  CHECK(f.code == errc::parse_error);
  CHECK(mentions(f.message, {"t.csv:3:", "column 'amount'", "negative amount", "'-5.5'"}));
  CHECK(parse_every_way("customer_id,timestamp,amount\nA,2024-01-01,-0.00\n", {}, options).n_transactions() == 1);
}

TEST_CASE("fail mode: every kind of bad row names file, line, column and value") {
  const std::string head = "customer_id,timestamp,amount\nC-1,2024-01-01,1\n";
  struct bad_case {
    std::string row;
    std::vector<std::string_view> expected;
  };
  const bad_case cases[] = {
      {"C-2,2024-01-02\n", {"t.csv:3: ", "expected 3 fields, found 2", "'C-2,2024-01-02'"}},
      {"C-2,2024-01-02,1,9\n", {"t.csv:3: ", "expected 3 fields, found 4", "'C-2,2024-01-02,1,9'"}},
      {",2024-01-02,1\n", {"t.csv:3: ", "column 'customer_id'", "empty customer id", "''"}},
      {"\"\",2024-01-02,1\n", {"t.csv:3: ", "column 'customer_id'", "empty customer id"}},
      {"C-2,2024-02-30,1\n", {"t.csv:3: ", "column 'timestamp'", "invalid calendar date", "'2024-02-30'"}},
      {"C-2,02/01/2024,1\n", {"t.csv:3: ", "column 'timestamp'", "not a valid timestamp", "'02/01/2024'"}},
      {"C-2,,1\n", {"t.csv:3: ", "column 'timestamp'", "empty timestamp", "''"}},
      {"C-2,1009-06-01,1\n", {"t.csv:3: ", "column 'timestamp'", "timestamp outside", "1900-01-01", "'1009-06-01'"}},
      {"C-2,2024-01-02,12.5x\n", {"t.csv:3: ", "column 'amount'", "not a number", "'12.5x'"}},
      {"C-2,2024-01-02,NaN\n", {"t.csv:3: ", "column 'amount'", "not a finite number", "'NaN'"}},
      {"C-2,2024-01-02,-inf\n", {"t.csv:3: ", "column 'amount'", "not a finite number", "'-inf'"}},
      {"C-2,2024-01-02,iNfInItY\n", {"t.csv:3: ", "column 'amount'", "not a finite number", "'iNfInItY'"}},
      {"C-2,2024-01-02,\"1\n", {"t.csv:3: ", "column 'amount'", "unterminated quote", "'1\nC-3,2024-01-03,3\n'"}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.row);
    const auto f = transaction_error(head + c.row + "C-3,2024-01-03,3\n");
    REQUIRE(f.thrown);
    CHECK(f.code == errc::parse_error);
    for (const auto part : c.expected) CHECK(mentions(f.message, {part}));
  }
}

TEST_CASE("the first bad row is reported, in file order") {
  const auto f = transaction_error(
      "customer_id,timestamp,amount\nA,2024-01-01,1\nA,2024-01-01,x\nA,2024-13-01,1\n");
  CHECK(mentions(f.message, {"t.csv:3: column 'amount': not a number: 'x'"}));
}

TEST_CASE("min_time and max_time bound the timestamps") {
  crmkit::csv_options options;
  options.min_time = day(2020, 1, 1);
  options.max_time = day(2021, 1, 1);
  const auto f = transaction_error("customer_id,timestamp,amount\nA,2020-06-01,1\nA,2021-01-01T00:00:01Z,1\n", {}, options);
  CHECK(mentions(f.message,
                 {"t.csv:3: column 'timestamp': timestamp outside [2020-01-01T00:00:00Z, 2021-01-01T00:00:00Z]",
                  "'2021-01-01T00:00:01Z'"}));
  CHECK(parse_every_way("customer_id,timestamp,amount\nA,2021-01-01,1\nA,2020-01-01,1\n", {}, options)
            .n_transactions() == 2);
}

TEST_CASE("an unterminated quote names the line where the record starts") {
  const auto f = transaction_error("customer_id,timestamp,amount\nA,2024-01-01,1\n\"B,2024-01-01,1\nC,2024-01-01,1\n");
  REQUIRE(f.thrown);
  CHECK(mentions(f.message, {"t.csv:3: column 'customer_id': unterminated quote: 'B,2024-01-01,1\nC,2024-01-01,1\n'"}));

  // Skip mode records it and stops: everything after the quote is inside it.
  crmkit::ingest_report report;
  const auto data = parse_every_way("customer_id,timestamp,amount\nA,2024-01-01,1\n\"B,2024-01-01,1\nC,2024-01-01,1\n",
                                    {}, skipping(), &report);
  CHECK(data.n_transactions() == 1);
  REQUIRE(report.skipped.size() == 1);
  CHECK(report.skipped[0].reason == "unterminated quote");
  CHECK(report.skipped[0].line == 3);

  const auto in_header = transaction_error("customer_id,\"timestamp,amount\nA,1,2\n");
  CHECK(in_header.code == errc::parse_error);
  CHECK(mentions(in_header.message, {"t.csv:1: header: unterminated quote"}));
}

TEST_CASE("a record longer than max_record_size is a parse error, not unbounded memory") {
  std::string text = "customer_id,timestamp,amount\nA,2024-01-01,1\n\"";
  text += std::string(5000, 'x');
  crmkit::detail::csv_input input;
  input.path_or_text = text;
  input.name = "long.csv";
  input.stream_text = true;
  crmkit::detail::csv_tuning tuning;
  tuning.block_size = 64;
  tuning.max_record_size = 1024;
  const auto f = capture([&] { (void)crmkit::detail::ingest_transactions(input, nullptr, {}, {}, nullptr, tuning); });
  REQUIRE(f.thrown);
  CHECK(f.code == errc::parse_error);
  CHECK(mentions(f.message, {"long.csv:3: record longer than 1024 bytes"}));
}

TEST_CASE("header problems: missing column, ambiguous column, empty file") {
  const auto missing = transaction_error("customer_id,date,amount\nA,2024-01-01,1\n");
  CHECK(missing.code == errc::parse_error);
  CHECK(mentions(missing.message,
                 {"t.csv:1: missing column 'timestamp' (the header has: 'customer_id', 'date', 'amount')"}));

  const auto missing_optional = transaction_error("customer_id,timestamp,amount\n", all_columns());
  CHECK(mentions(missing_optional.message, {"missing column 'product'"}));

  const auto twice = transaction_error("customer_id,timestamp,amount,amount\nA,2024-01-01,1,2\n");
  CHECK(mentions(twice.message, {"t.csv:1: column 'amount' appears 2 times"}));

  for (const char* empty : {"", "\xEF\xBB\xBF", "\n\n", "\r\n"}) {
    const auto f = transaction_error(empty);
    CHECK(f.code == errc::parse_error);
    CHECK(mentions(f.message, {"t.csv:1: empty file"}));
  }
}

TEST_CASE("files: a missing file is an io_error naming it; a real file reads like text") {
  const auto f = capture([] { (void)crmkit::read_transactions_csv("/nonexistent/dir/orders.csv"); });
  REQUIRE(f.thrown);
  CHECK(f.code == errc::io_error);
  CHECK(mentions(f.message, {"/nonexistent/dir/orders.csv", "cannot open file", "No such file"}));

  const auto dir = capture([] { (void)crmkit::read_transactions_csv(std::filesystem::temp_directory_path().string()); });
  CHECK(dir.code == errc::io_error);

  const csv_test::temp_file file("customer_id,timestamp,amount\nA,2024-01-01,1\nB,2024-01-02,x\n");
  crmkit::ingest_report report;
  const auto data = crmkit::read_transactions_csv(file.path(), {}, skipping(), &report);
  CHECK(data.n_transactions() == 1);
  CHECK(report.source == file.path());
  REQUIRE(report.skipped.size() == 1);
  CHECK(report.skipped[0].message(report.source) == file.path() + ":3: column 'amount': not a number: 'x'");
  const auto thrown = capture([&] { (void)crmkit::read_transactions_csv(file.path()); });
  CHECK(thrown.message == file.path() + ":3: column 'amount': not a number: 'x'");
}

TEST_CASE("skip mode records every skipped row and keeps the rest") {
  crmkit::ingest_report report;
  report.skipped.push_back({});  // stale content is cleared
  const auto data = parse_every_way(
      "customer_id,timestamp,amount,product\n"
      "A,2024-01-01,1,p\n"
      ",2024-01-01,1,p\n"
      "B,2024-01-01,oops,q\n"
      "B,2024-01-01\n"
      "C,2024-01-01,3,r\n"
      "D,2024-99-01,4,s\n",
      [] {
        crmkit::transaction_columns c;
        c.product = "product";
        return c;
      }(),
      skipping(), &report);
  CHECK(report.source == "t.csv");
  CHECK(report.rows_read == 6);
  CHECK(report.rows_loaded == 2);
  REQUIRE(report.skipped.size() == 4);
  CHECK(report.skipped[0].line == 3);
  CHECK(report.skipped[0].column == "customer_id");
  CHECK(report.skipped[0].reason == "empty customer id");
  CHECK(report.skipped[1].line == 4);
  CHECK(report.skipped[1].column == "amount");
  CHECK(report.skipped[1].value == "oops");
  CHECK(report.skipped[2].line == 5);
  CHECK(report.skipped[2].column.empty());
  CHECK(report.skipped[2].value == "B,2024-01-01");
  CHECK(report.skipped[3].line == 7);
  CHECK(report.skipped[3].column == "timestamp");
  CHECK(report.skipped[3].message("t.csv") == "t.csv:7: column 'timestamp': invalid calendar date: '2024-99-01'");
  // Rejected rows leave no trace: no customer B, no product q or s.
  REQUIRE(data.n_customers() == 2);
  CHECK(data.customers().id(1) == "C");
  CHECK(data.transactions().product()->levels->size() == 2);
}

// The tokenizer marks a record ASCII from the 64-byte chunks it scanned, and the reader
// then skips the UTF-8 check of its fields: bad bytes at every offset of a chunk, in ids
// and products, right after a record that ends on a chunk's last byte, must still be
// found, and valid non-ASCII ids kept.
TEST_CASE("invalid UTF-8 is found wherever it falls in the tokenizer's 64-byte chunks") {
  const std::string bad[] = {"\xFF", "\xC3(", "\xED\xA0\x80", "\xE2\x82"};
  for (std::size_t pad = 0; pad < 70; pad += 3) {
    std::string text = "customer_id,timestamp,amount,product\n";
    std::vector<std::int64_t> expected_lines;
    std::int64_t line = 2;
    for (std::size_t r = 0; r < 24; ++r, ++line) {
      const std::size_t kind = (r * 7 + pad) % 6;
      std::string id = "C" + std::string((pad + r * 5) % 67, 'x') + std::to_string(r % 5);
      std::string product = "p" + std::to_string(r % 3);
      if (kind == 0) id.insert(1 + r % (id.size() - 1), bad[r % 4]);
      if (kind == 1) product += bad[(r + 1) % 4];
      if (kind == 2) id += "\xC3\xA9";  // 'e' with an acute accent: valid
      if (kind <= 1) expected_lines.push_back(line);
      text += id + ",2024-01-01," + std::to_string(r) + "," + product + "\n";
    }
    CAPTURE(pad);
    crmkit::ingest_report report;
    crmkit::transaction_columns columns;
    columns.product = "product";
    (void)parse_every_way(text, columns, skipping(), &report);
    REQUIRE(report.skipped.size() == expected_lines.size());
    for (std::size_t i = 0; i < expected_lines.size(); ++i) {
      CHECK(report.skipped[i].line == expected_lines[i]);
      CHECK(report.skipped[i].reason == "invalid UTF-8");
    }
  }
}

TEST_CASE("bad_row::message formats row-level and field-level problems") {
  crmkit::bad_row row;
  row.line = 17;
  row.column = "amount";
  row.value = "12,5x";
  row.reason = "not a number";
  CHECK(row.message("orders.csv") == "orders.csv:17: column 'amount': not a number: '12,5x'");
  row.column.clear();
  row.value = "a,b";
  row.reason = "expected 3 fields, found 2";
  CHECK(row.message("orders.csv") == "orders.csv:17: expected 3 fields, found 2: 'a,b'");
}

TEST_CASE("long offending values are clipped to 200 bytes on a UTF-8 boundary") {
  std::string value;
  for (int i = 0; i < 150; ++i) value += "\xC3\xA9";  // 'é', 2 bytes each
  crmkit::ingest_report report;
  (void)parse_every_way("customer_id,timestamp,amount\nA,2024-01-01," + value + "\n", {}, skipping(), &report);
  REQUIRE(report.skipped.size() == 1);
  const std::string& clipped = report.skipped[0].value;
  CHECK(clipped.size() <= 200);
  CHECK(clipped.size() >= 190);
  CHECK(clipped.substr(clipped.size() - 3) == "...");
  CHECK(clipped.substr(0, 196) == value.substr(0, 196));
}

TEST_CASE("known customers: indices come from the table; an unknown id is a bad row") {
  const auto customers = crmkit::parse_customers_csv("customer_id\nK-1\nK-2\nK-3\n");
  const std::string text =
      "customer_id,timestamp,amount,product\n"
      "K-3,2024-01-01,1,a\n"
      "K-9,2024-01-02,2,b\n"
      "K-1,2024-01-03,3,c\n";
  crmkit::transaction_columns columns;
  columns.product = "product";
  crmkit::ingest_report report;
  const auto data = parse_every_way(text, columns, skipping(), &report, &customers);
  CHECK(data.n_customers() == 3);
  REQUIRE(data.n_transactions() == 2);
  CHECK(data.transactions().customer()[0] == 2);
  CHECK(data.transactions().customer()[1] == 0);
  CHECK(data.transactions().n_customers() == 3);
  // The rejected row's product never became a level.
  CHECK(data.transactions().product()->levels->size() == 2);
  REQUIRE(report.skipped.size() == 1);
  CHECK(report.skipped[0].message("t.csv") == "t.csv:3: column 'customer_id': unknown customer id: 'K-9'");

  const auto f = capture([&] { (void)parse_every_way(text, columns, {}, nullptr, &customers); });
  CHECK(f.code == errc::parse_error);
  CHECK(f.message == "t.csv:3: column 'customer_id': unknown customer id: 'K-9'");

  // Unknown ids in a batch are reported before a later bad field in the same batch.
  const auto order = capture([&] {
    (void)parse_every_way("customer_id,timestamp,amount\nK-1,2024-01-01,1\nK-7,2024-01-01,1\nK-2,2024-01-01,x\n", {},
                          {}, nullptr, &customers);
  });
  CHECK(mentions(order.message, {"t.csv:3:", "unknown customer id"}));

  const csv_test::temp_file file(text);
  crmkit::ingest_report file_report;
  const auto from_file = crmkit::read_transactions_csv(file.path(), customers, columns, skipping(), &file_report);
  csv_test::require_same(from_file, data);
}

TEST_CASE("invalid options are rejected as invalid_argument") {
  crmkit::csv_options options;
  options.delimiter = '"';
  CHECK(capture([&] { (void)crmkit::parse_transactions_csv("a", {}, options); }).code == errc::invalid_argument);
  options = {};
  options.quote = '\n';
  CHECK(capture([&] { (void)crmkit::parse_transactions_csv("a", {}, options); }).code == errc::invalid_argument);
  options = {};
  options.min_time = 10;
  options.max_time = 0;
  CHECK(capture([&] { (void)crmkit::parse_customers_csv("a", {}, options); }).code == errc::invalid_argument);
  crmkit::transaction_columns columns;
  columns.amount.clear();
  CHECK(capture([&] { (void)crmkit::parse_transactions_csv("a", columns); }).code == errc::invalid_argument);
  crmkit::customer_columns customer_columns;
  customer_columns.longitude = "lon";
  CHECK(capture([&] { (void)crmkit::parse_customers_csv("a", customer_columns); }).code == errc::invalid_argument);
  customer_columns = {};
  customer_columns.attributes = {"x", "x"};
  CHECK(capture([&] { (void)crmkit::parse_customers_csv("a", customer_columns); }).code == errc::invalid_argument);
  options = {};
  options.n_threads = 0;
  const csv_test::failure zero_threads = capture([&] { (void)crmkit::parse_transactions_csv("a", {}, options); });
  CHECK(zero_threads.code == errc::invalid_argument);
  CHECK(mentions(zero_threads.message, {"n_threads", "0"}));
}

TEST_CASE("parallel reads equal the serial read: ids, levels, bad rows, quoted line breaks across the cuts") {
  // 3,000 rows, ids reappearing at random, quoted products with line breaks and delimiters
  // (so that cuts at line breaks fall inside quotes), blank lines and a few bad rows.
  std::string text = "customer_id,timestamp,amount,product,channel\n";
  std::uint64_t state = 12345;
  const auto next = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  for (int i = 0; i < 3000; ++i) {
    const auto r = next();
    const std::string product = r % 7 == 0 ? "\"line\nbreak, quoted\"" : fmt::format("p{}", r % 13);
    if (r % 97 == 0) text += "\n";                                               // a blank line
    if (r % 89 == 0) text += fmt::format("C{},2024-02-30,1.00,{},web\n", r % 400, product);  // bad date
    text += fmt::format("C{},2024-01-{:02},{}.{:02},{},{}\n", next() % 400, 1 + r % 28, r % 1000, r % 100, product,
                        r % 3 == 0 ? "" : (r % 3 == 1 ? "web" : "store"));
  }
  crmkit::transaction_columns columns;
  columns.product = "product";
  columns.channel = "channel";
  crmkit::csv_options options;
  options.on_bad_row = crmkit::bad_row_policy::skip;
  crmkit::ingest_report serial_report;
  const crmkit::dataset serial = crmkit::parse_transactions_csv(text, columns, options, &serial_report);
  CHECK(serial_report.skipped.size() >= 20);
  CHECK(serial.n_customers() == 400);
  for (const int threads : {2, 3, 4, 7}) {
    for (const std::size_t block : {std::size_t{50}, std::size_t{333}, std::size_t{4096}, std::size_t{1} << 20}) {
      crmkit::ingest_report report;
      const crmkit::dataset parallel = csv_test::read_streamed(text, columns, options, threads, block, &report);
      csv_test::require_same(serial, parallel);
      csv_test::require_same(serial_report, report);
    }
  }
  // Fail mode: the same first error (file order, line number) for any thread count.
  options.on_bad_row = crmkit::bad_row_policy::fail;
  options.n_threads = 1;
  const csv_test::failure serial_failure = capture([&] { (void)crmkit::parse_transactions_csv(text, columns, options); });
  REQUIRE(serial_failure.thrown);
  for (const int threads : {2, 3, 5}) {
    options.n_threads = threads;
    const csv_test::failure parallel_failure = capture([&] { (void)crmkit::parse_transactions_csv(text, columns, options); });
    CHECK(parallel_failure.message == serial_failure.message);
  }
}

TEST_CASE("parallel reads: quoted customer ids first seen in a round number as in the serial read") {
  // Ids that are quoted (some with a delimiter or a line break inside) are parsed by the
  // tokenizer's general path into scratch storage; a parallel read keeps those new to the
  // round until the merge numbers them. Every id appears quoted and unquoted, many only
  // late in the file, so that first appearances fall in many rounds and pieces.
  std::string text = "customer_id,timestamp,amount,product\n";
  std::uint64_t state = 777;
  const auto next = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  for (int i = 0; i < 4000; ++i) {
    const auto id = next() % (50 + static_cast<std::uint64_t>(i) / 4);  // new ids keep coming
    const auto r = next();
    std::string key = fmt::format("K{}", id);
    if (id % 5 == 0) key = fmt::format("K,{}", id);    // needs quotes
    if (id % 11 == 0) key = fmt::format("K\n{}", id);  // a line break inside the id
    const bool quoted = r % 2 == 0 || key.find_first_of(",\n") != std::string::npos;
    text += fmt::format("{},2024-03-{:02},{}.5,p{}\n", quoted ? "\"" + key + "\"" : key, 1 + r % 28, r % 100, r % 5);
  }
  crmkit::transaction_columns columns;
  columns.product = "product";
  crmkit::csv_options options;
  const crmkit::dataset serial = crmkit::parse_transactions_csv(text, columns, options);
  REQUIRE(serial.n_transactions() == 4000);
  CHECK(serial.n_customers() > 500);
  CHECK(serial.customers().ids().find("K,10") >= 0);   // quoted delimiter kept in the id
  CHECK(serial.customers().ids().find("K\n11") >= 0);  // and a quoted line break
  CHECK(serial.customers().ids().find("K10") == -1);
  for (const int threads : {2, 3, 5}) {
    for (const std::size_t block : {std::size_t{64}, std::size_t{1000}, std::size_t{1} << 16}) {
      const crmkit::dataset parallel = csv_test::read_streamed(text, columns, options, threads, block);
      csv_test::require_same(serial, parallel);
    }
  }
}

// ---------------------------------------------------------------------------------------
TEST_CASE("customer file: ids, locations and attributes with NaN for empty fields") {
  crmkit::customer_columns columns;
  columns.longitude = "lon";
  columns.latitude = "lat";
  columns.attributes = {"credit_limit", "age"};
  const auto table = crmkit::parse_customers_csv(
      "\xEF\xBB\xBF"
      "customer_id;lat;lon;age;credit_limit;note\r\n"
      "C-1;48.85;2.35;41;500.5;\"a;b\"\r\n"
      "C-2;;;;;\r\n"
      "\"C;3\";-33.9;151.2;30;1e3;x",
      columns, [] {
        crmkit::csv_options o;
        o.delimiter = ';';
        return o;
      }());
  REQUIRE(table.size() == 3);
  CHECK(table.id(2) == "C;3");
  REQUIRE(table.has_locations());
  CHECK(table.longitude()[0] == 2.35);
  CHECK(table.latitude()[0] == 48.85);
  CHECK(std::isnan(table.longitude()[1]));
  CHECK(std::isnan(table.latitude()[1]));
  CHECK(table.latitude()[2] == -33.9);
  CHECK(table.attribute("credit_limit")[0] == 500.5);
  CHECK(std::isnan(table.attribute("credit_limit")[1]));
  CHECK(table.attribute("credit_limit")[2] == 1000.0);
  CHECK(table.attribute("age")[2] == 30.0);
  CHECK(table.attribute_names() == std::vector<std::string>{"credit_limit", "age"});
}

TEST_CASE("customer file: duplicates, bad coordinates and bad attributes are bad rows") {
  crmkit::customer_columns columns;
  columns.longitude = "lon";
  columns.latitude = "lat";
  columns.attributes = {"score"};
  const std::string text =
      "customer_id,lon,lat,score\n"
      "A,10,20,1\n"      // 2
      "A,11,21,2\n"      // 3 duplicate
      "B,181,20,1\n"     // 4 longitude out of range
      "C,10,-90.5,1\n"   // 5 latitude out of range
      "D,10,,1\n"        // 6 latitude missing
      "E,,5,1\n"         // 7 longitude missing
      "F,east,5,1\n"     // 8 not a number
      "G,1,2,nan\n"      // 9 not finite
      "H,1,2,abc\n"      // 10
      ",1,2,3\n"         // 11 empty id
      "I,1,2\n"          // 12 wrong width
      "B,-180,90,-4\n";  // 13 fine: B was never loaded
  crmkit::ingest_report report;
  const auto table = crmkit::parse_customers_csv(text, columns, skipping(), &report, "cust.csv");
  REQUIRE(table.size() == 2);
  CHECK(table.id(1) == "B");
  CHECK(table.longitude()[1] == -180.0);
  CHECK(table.attribute("score")[1] == -4.0);
  CHECK(report.rows_read == 12);
  CHECK(report.rows_loaded == 2);
  REQUIRE(report.skipped.size() == 10);
  const char* expected[] = {
      "cust.csv:3: column 'customer_id': duplicate customer id: 'A'",
      "cust.csv:4: column 'lon': longitude outside [-180, 180]: '181'",
      "cust.csv:5: column 'lat': latitude outside [-90, 90]: '-90.5'",
      "cust.csv:6: column 'lat': latitude missing while longitude is given: ''",
      "cust.csv:7: column 'lon': longitude missing while latitude is given: ''",
      "cust.csv:8: column 'lon': not a number: 'east'",
      "cust.csv:9: column 'score': not a finite number: 'nan'",
      "cust.csv:10: column 'score': not a number: 'abc'",
      "cust.csv:11: column 'customer_id': empty customer id: ''",
      "cust.csv:12: expected 4 fields, found 3: 'I,1,2'",
  };
  for (std::size_t i = 0; i < report.skipped.size(); ++i) CHECK(report.skipped[i].message(report.source) == expected[i]);

  const auto f = capture([&] { (void)crmkit::parse_customers_csv(text, columns, {}, nullptr, "cust.csv"); });
  CHECK(f.code == errc::parse_error);
  CHECK(f.message == expected[0]);
}

TEST_CASE("customer file from disk, through tiny blocks, and its header errors") {
  crmkit::customer_columns columns;
  columns.attributes = {"v"};
  std::string text = "customer_id,v\n";
  for (int i = 0; i < 500; ++i) text += fmt::format("\"C-{}\",{}.5\n", i, i);
  const csv_test::temp_file file(text);
  const auto table = crmkit::read_customers_csv(file.path(), columns);
  REQUIRE(table.size() == 500);
  for (const std::size_t block : csv_test::tiny_blocks) {
    crmkit::detail::csv_input input;
    input.path_or_text = text;
    input.name = "c.csv";
    input.stream_text = true;
    crmkit::detail::csv_tuning tuning;
    tuning.block_size = block;
    const auto again = crmkit::detail::ingest_customers(input, columns, {}, nullptr, tuning);
    REQUIRE(again.size() == 500);
    for (std::int32_t i = 0; i < 500; ++i) {
      REQUIRE(again.id(i) == table.id(i));
      REQUIRE(again.attribute("v")[static_cast<std::size_t>(i)] == table.attribute("v")[static_cast<std::size_t>(i)]);
    }
  }
  const auto missing = capture([] { (void)crmkit::read_customers_csv("/nonexistent/customers.csv"); });
  CHECK(missing.code == errc::io_error);
  const auto no_id = capture([] { (void)crmkit::parse_customers_csv("id,x\n1,2\n", {}, {}, nullptr, "c.csv"); });
  CHECK(no_id.message == "c.csv:1: missing column 'customer_id' (the header has: 'id', 'x')");
  const auto empty = capture([] { (void)crmkit::parse_customers_csv("", {}, {}, nullptr, "c.csv"); });
  CHECK(empty.message == "c.csv:1: empty file (no header line)");
}

TEST_CASE("parallel reads with many distinct ids, new and repeated across rounds, equal the serial read") {
  // 250,000 rows: the first ones mostly bring new ids, later ones mostly repeat ids of
  // earlier rounds, with new ones among them to the end; 131,073+ distinct ids, so the
  // shared dictionary's arrays grow past 1 MiB (into their own mappings) while pieces of
  // later rounds look ids up and the merge numbers the misses. Also a file with 7 ids.
  for (const std::uint64_t pool : {std::uint64_t{7}, std::uint64_t{0}}) {
    std::string text = "customer_id,timestamp,amount,product,channel\n";
    std::uint64_t state = 777 + pool;
    const auto next = [&state] {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      return state >> 33;
    };
    std::uint64_t fresh = 0;
    for (std::uint64_t i = 0; i < 250000; ++i) {
      const auto r = next();
      std::uint64_t id;
      if (pool != 0) {
        id = r % pool;
      } else {
        const bool is_new = fresh == 0 || r % 1000 < (i < 100000 ? 900u : 300u);
        id = is_new ? fresh++ : next() % fresh;
      }
      text += fmt::format("C-{},2024-01-{:02},{}.{:02},p{},{}\n", id * 7919 % 1000003, 1 + r % 28, r % 1000, r % 100,
                          r % 41, r % 3 == 0 ? "" : (r % 3 == 1 ? "web" : "store"));
    }
    crmkit::transaction_columns columns;
    columns.product = "product";
    columns.channel = "channel";
    crmkit::csv_options options;
    crmkit::ingest_report serial_report;
    const crmkit::dataset serial = crmkit::parse_transactions_csv(text, columns, options, &serial_report);
    if (pool == 0) {
      CHECK(serial.n_customers() == fresh);
      CHECK(serial.n_customers() > 131072);  // 8-byte offsets past 1 MiB
    } else {
      CHECK(serial.n_customers() == pool);
    }
    CHECK(serial.n_transactions() == 250000);
    for (const int threads : {2, 3, 5}) {
      for (const std::size_t block : {std::size_t{1} << 14, std::size_t{1} << 20}) {
        crmkit::ingest_report report;
        const crmkit::dataset parallel = csv_test::read_streamed(text, columns, options, threads, block, &report);
        csv_test::require_same(serial, parallel);
        csv_test::require_same(serial_report, report);
      }
    }
  }
}
