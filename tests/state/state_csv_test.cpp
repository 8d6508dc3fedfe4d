// add_transactions_csv: reading a file in blocks gives the state of the whole file, and bad
// rows name their line in the file.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "crmkit/error.hpp"
#include "crmkit/state/state_csv.hpp"
#include "state_test_util.hpp"

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = (std::filesystem::temp_directory_path() / ("crmkit_" + name)).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace

TEST_CASE("add_transactions_csv: any block size gives the state of the whole file") {
  crmkit::customer_state whole;
  whole.add(state_test::sample());
  for (const std::size_t block : {std::size_t{1024}, std::size_t{4099}, std::size_t{1} << 20}) {
    CAPTURE(block);
    crmkit::customer_state s;
    crmkit::ingest_report report;
    crmkit::add_transactions_csv(s, state_test::sample_path(), state_test::sample_columns(), {}, &report, block);
    CHECK(report.rows_read == 6919);
    CHECK(report.rows_loaded == 6919);
    CHECK(s.save() == whole.save());
  }
}

TEST_CASE("add_transactions_csv: bad rows carry their file line, as read_transactions_csv reports them") {
  std::string text = "customer_id,timestamp,amount\n";
  for (int i = 0; i < 400; ++i) text += "c" + std::to_string(i % 37) + ",2020-01-" + (i % 28 < 9 ? "0" : "") + std::to_string(1 + i % 28) + ",1.5\n";
  text += "c1,2020-02-01,12.5x\n";  // line 402
  text += "\"c,2\",2020-02-02,\"3\"\n";
  text += "\"c\n3\",2020-02-03,4\n";  // a quoted line break: lines 404-405
  for (int i = 0; i < 100; ++i) text += "c5,2020-03-01,1\n";
  text += "c7,not-a-date,1\n";  // line 506
  const std::string path = write_temp("state_csv_bad_rows.csv", text);
  // Fail mode: the first bad row, with the same message as the whole-file reader.
  std::string expected;
  try {
    (void)crmkit::read_transactions_csv(path);
  } catch (const crmkit::error& e) {
    expected = e.what();
  }
  CAPTURE(expected);
  REQUIRE(expected.find(":402:") != std::string::npos);
  crmkit::customer_state s;
  try {
    crmkit::add_transactions_csv(s, path, {}, {}, nullptr, 1024);
    FAIL("a bad row must fail");
  } catch (const crmkit::error& e) {
    CHECK(std::string(e.what()) == expected);
  }
  // Skip mode: the same rows skipped, the same state as the whole-file reader.
  crmkit::csv_options skip;
  skip.on_bad_row = crmkit::bad_row_policy::skip;
  crmkit::ingest_report whole_report, block_report;
  const auto data = crmkit::read_transactions_csv(path, {}, skip, &whole_report);
  crmkit::customer_state whole, blocks;
  whole.add(data);
  crmkit::add_transactions_csv(blocks, path, {}, skip, &block_report, 1024);
  CHECK(blocks.save() == whole.save());
  REQUIRE(block_report.skipped.size() == 2);
  CHECK(block_report.skipped[0].line == 402);
  CHECK(block_report.skipped[1].line == 506);
  CHECK(block_report.skipped[1].message(path) == whole_report.skipped[1].message(path));
  CHECK(block_report.rows_read == whole_report.rows_read);
  CHECK(blocks.ids().size() == 39);  // c0..c36, "c,2", "c\n3"
  std::remove(path.c_str());
}

TEST_CASE("add_transactions_csv: errors") {
  crmkit::customer_state s;
  CHECK_THROWS_AS(crmkit::add_transactions_csv(s, "/no/such/file.csv"), crmkit::error);
  crmkit::transaction_columns orders;
  orders.order = "InvoiceNo";
  try {
    crmkit::add_transactions_csv(s, state_test::sample_path(), orders);
    FAIL("an order column must be rejected");
  } catch (const crmkit::error& e) {
    CHECK(e.code() == crmkit::errc::unsupported);
  }
  CHECK_THROWS_AS(crmkit::add_transactions_csv(s, state_test::sample_path(), state_test::sample_columns(), {}, nullptr, 10),
                  crmkit::error);
  const std::string empty = write_temp("state_csv_empty.csv", "");
  CHECK_THROWS_AS(crmkit::add_transactions_csv(s, empty), crmkit::error);
  const std::string header_only = write_temp("state_csv_header.csv", "customer_id,timestamp,amount\n");
  crmkit::add_transactions_csv(s, header_only);
  CHECK(s.empty());
  const std::string wrong = write_temp("state_csv_wrong.csv", "id,timestamp,amount\nc,2020-01-01,1\n");
  CHECK_THROWS_AS(crmkit::add_transactions_csv(s, wrong), crmkit::error);
  for (const auto& p : {empty, header_only, wrong}) std::remove(p.c_str());
}
