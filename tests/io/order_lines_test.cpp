// Tests of the order-line mode of the transaction reader (roll-up of orders, quantity x
// unit price, line filters), of dataset_from_order_lines, and of the reader's rejection
// of NUL bytes and invalid UTF-8 ids. CSV inputs also go through tiny blocks and a file
// (csv_test::parse_every_way).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/io/order_line_arrays.hpp"
#include "csv_test_util.hpp"

using crmkit::errc;
using crmkit::line_filter;
using csv_test::capture;
using csv_test::mentions;
using csv_test::parse_every_way;

namespace {

std::int64_t at(int y, unsigned m, unsigned d, int hour = 0, int minute = 0) {
  return crmkit::unix_seconds(y, m, d) + hour * 3600 + minute * 60;
}

crmkit::transaction_columns retail_columns() {
  crmkit::transaction_columns columns;
  columns.customer = "CustomerID";
  columns.time = "InvoiceDate";
  columns.order = "InvoiceNo";
  columns.quantity = "Quantity";
  columns.unit_price = "UnitPrice";
  columns.product = "StockCode";
  return columns;
}

crmkit::csv_options retail_filters() {
  crmkit::csv_options options;
  options.filters.order_id_exclude_prefix = "C";
  options.filters.drop_nonpositive_quantity = true;
  options.filters.drop_nonpositive_unit_price = true;
  options.filters.drop_empty_customer = true;
  return options;
}

constexpr std::string_view retail_header = "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n";

// (customer id, time, amount) of every purchase, sorted.
std::vector<std::tuple<std::string, std::int64_t, double>> purchases(const crmkit::dataset& data) {
  std::vector<std::tuple<std::string, std::int64_t, double>> out;
  const auto& log = data.transactions();
  for (std::size_t i = 0; i < log.size(); ++i)
    out.emplace_back(std::string(data.customers().id(log.customer()[i])), log.time()[i], log.amount()[i]);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("order lines roll up: earliest time, summed quantity x unit price, lines kept") {
  crmkit::ingest_report report;
  const auto data = parse_every_way(std::string(retail_header) +
                                        "536365,85123A,6,2010-12-01T08:26:00,2.55,17850\n"
                                        "536365,71053,6,2010-12-01T08:26:00,3.39,17850\n"
                                        "536366,22633,6,2010-12-01T08:28:00,1.85,17850\n"
                                        "536367,84879,32,2010-12-01T08:34:00,1.69,13047\n"
                                        "536365,21730,2,2010-12-01T08:20:00,4.25,17850\n",
                                    retail_columns(), {}, &report);
  REQUIRE(data.n_customers() == 2);
  CHECK(data.customers().id(0) == "17850");
  CHECK(data.customers().id(1) == "13047");
  REQUIRE(data.n_transactions() == 3);
  CHECK(report.rows_read == 5);
  CHECK(report.rows_loaded == 5);
  const auto& log = data.transactions();
  // Purchases are in (time, order id) order; 536365's earliest line is 08:20.
  CHECK(log.time()[0] == at(2010, 12, 1, 8, 20));
  CHECK(log.customer()[0] == 0);
  CHECK(log.amount()[0] == doctest::Approx(6 * 2.55 + 6 * 3.39 + 2 * 4.25));
  CHECK(log.time()[1] == at(2010, 12, 1, 8, 28));
  CHECK(log.amount()[1] == doctest::Approx(6 * 1.85));
  CHECK(log.customer()[2] == 1);
  CHECK(log.amount()[2] == doctest::Approx(32 * 1.69));
  CHECK(log.product() == nullptr);

  const crmkit::order_lines* lines = log.lines();
  REQUIRE(lines != nullptr);
  REQUIRE(lines->size() == 5);
  CHECK(lines->n_orders() == 3);
  CHECK(lines->order_ids().at(0) == "536365");
  CHECK(lines->order_ids().at(1) == "536366");
  CHECK(lines->order_ids().at(2) == "536367");
  const std::vector<std::int32_t> order(lines->order().begin(), lines->order().end());
  CHECK(order == std::vector<std::int32_t>{0, 0, 1, 2, 0});
  CHECK(lines->quantity()[3] == 32);
  CHECK(lines->unit_price()[3] == doctest::Approx(1.69));
  CHECK(lines->amount()[1] == doctest::Approx(6 * 3.39));
  CHECK(lines->time()[4] == at(2010, 12, 1, 8, 20));
  REQUIRE(lines->product_levels() != nullptr);
  CHECK(lines->product_levels()->at(lines->product()[0]) == "85123A");
  CHECK(lines->product_levels()->at(lines->product()[4]) == "21730");
}

TEST_CASE("the purchases do not depend on the order of the lines") {
  std::mt19937 rng(7);
  std::vector<std::string> rows;
  for (int order = 0; order < 60; ++order) {
    const int customer = order % 13;
    const int n_lines = 1 + order % 5;
    for (int l = 0; l < n_lines; ++l)
      rows.push_back(fmt::format("{},P{},{},2011-0{}-1{}T1{}:0{}:00,{}.{}{},{}\n", 600000 + order, l, 1 + (l * 7) % 11,
                                 1 + order % 9, order % 10, l % 10, (order + l) % 10, l + 1, order % 10, l % 10,
                                 customer));
  }
  const auto read = [&](const std::vector<std::string>& lines) {
    std::string text(retail_header);
    for (const auto& line : lines) text += line;
    return crmkit::parse_transactions_csv(text, retail_columns());
  };
  const auto first = read(rows);
  CHECK(first.n_transactions() == 60);
  for (int round = 0; round < 5; ++round) {
    auto shuffled = rows;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    const auto again = read(shuffled);
    const auto a = purchases(first);
    const auto b = purchases(again);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      CHECK(std::get<0>(a[i]) == std::get<0>(b[i]));
      CHECK(std::get<1>(a[i]) == std::get<1>(b[i]));
      CHECK(csv_test::same_bits(std::get<2>(a[i]), std::get<2>(b[i])));  // bit for bit
    }
    // The purchase rows themselves come out in the same (time, order id) order.
    for (std::size_t r = 0; r < first.n_transactions(); ++r)
      CHECK(first.transactions().lines()->order_ids().at(static_cast<std::int32_t>(r)) ==
            again.transactions().lines()->order_ids().at(static_cast<std::int32_t>(r)));
  }
}

TEST_CASE("line filters drop lines and count them, listing the first five lines") {
  std::string text(retail_header);
  text += "536365,A,6,2010-12-01,2.55,17850\n";   // line 2: kept
  for (int i = 0; i < 7; ++i) text += "C536379,D,-1,2010-12-01,27.50,14527\n";  // lines 3-9: cancellations
  text += "536380,B,0,2010-12-02,1.00,17850\n";   // line 10: quantity 0
  text += "536381,B,-3,2010-12-02,1.00,17850\n";  // line 11: negative quantity
  text += "536382,B,2,2010-12-02,0,17850\n";      // line 12: price 0
  text += "536383,B,2,2010-12-02,1.5,\n";         // line 13: no customer
  text += "536384,B,2,2010-12-03,1.5,13047\n";    // line 14: kept
  crmkit::ingest_report report;
  const auto data = parse_every_way(text, retail_columns(), retail_filters(), &report);
  CHECK(data.n_transactions() == 2);
  CHECK(data.n_customers() == 2);  // 14527 appears only in cancellations
  CHECK(report.rows_read == 13);
  CHECK(report.rows_loaded == 2);
  CHECK(report.skipped.empty());
  CHECK(report.lines_filtered() == 11);
  const auto& prefix = report.filtered_by(line_filter::order_prefix);
  CHECK(prefix.lines == 7);
  CHECK(prefix.first_lines == std::vector<std::int64_t>{3, 4, 5, 6, 7});
  CHECK(report.filtered_by(line_filter::nonpositive_quantity).lines == 2);
  CHECK(report.filtered_by(line_filter::nonpositive_quantity).first_lines == std::vector<std::int64_t>{10, 11});
  CHECK(report.filtered_by(line_filter::nonpositive_unit_price).first_lines == std::vector<std::int64_t>{12});
  CHECK(report.filtered_by(line_filter::empty_customer).first_lines == std::vector<std::int64_t>{13});

  // Without the filters, the same file fails at the empty customer id...
  const auto strict = capture([&] { (void)parse_every_way(text, retail_columns()); });
  CHECK(mentions(strict.message, {"t.csv:13: column 'CustomerID': empty customer id"}));
  // ... and with only the prefix filter, the returns are purchases of negative amount.
  crmkit::csv_options prefix_only;
  prefix_only.filters.order_id_exclude_prefix = "C";
  prefix_only.on_bad_row = crmkit::bad_row_policy::skip;
  crmkit::ingest_report partial;
  const auto some = parse_every_way(text, retail_columns(), prefix_only, &partial);
  CHECK(some.n_transactions() == 5);
  CHECK(partial.skipped.size() == 1);
  CHECK(partial.filtered_by(line_filter::order_prefix).lines == 7);
  CHECK(partial.filtered_by(line_filter::nonpositive_quantity).lines == 0);
}

TEST_CASE("an order whose lines name two customers is an error naming the order, customers and lines") {
  const std::string text = std::string(retail_header) +
                           "536365,A,1,2010-12-01,2.00,17850\n"
                           "536366,A,1,2010-12-01,2.00,13047\n"
                           "536365,B,1,2010-12-01,3.00,13047\n"
                           "536365,C,1,2010-12-01,4.00,17850\n";
  const auto f = capture([&] { (void)parse_every_way(text, retail_columns()); });
  REQUIRE(f.thrown);
  CHECK(f.code == errc::parse_error);
  CHECK(f.message ==
        "t.csv:4: column 'InvoiceNo': order has lines of two customers: '17850' (line 2) and '13047' (line 4): "
        "'536365'");

  crmkit::csv_options skip;
  skip.on_bad_row = crmkit::bad_row_policy::skip;
  crmkit::ingest_report report;
  const auto data = parse_every_way(text, retail_columns(), skip, &report);
  REQUIRE(report.skipped.size() == 1);
  CHECK(report.skipped[0].line == 4);
  // The order keeps its first customer and its other lines.
  REQUIRE(data.n_transactions() == 2);
  const auto p = purchases(data);
  CHECK(std::get<0>(p[0]) == "13047");
  CHECK(std::get<2>(p[0]) == doctest::Approx(2.0));
  CHECK(std::get<0>(p[1]) == "17850");
  CHECK(std::get<2>(p[1]) == doctest::Approx(6.0));
  CHECK(report.rows_loaded == 3);
}

TEST_CASE("quantity x unit price without an order column: each line is a purchase") {
  crmkit::transaction_columns columns;
  columns.quantity = "qty";
  columns.unit_price = "price";
  columns.product = "sku";
  const auto data = parse_every_way(
      "customer_id,timestamp,qty,price,sku\n"
      "A,2024-01-01,3,2.5,x\n"
      "B,2024-01-02,-1,4,y\n",
      columns);
  REQUIRE(data.n_transactions() == 2);
  CHECK(data.transactions().amount()[0] == 7.5);
  CHECK(data.transactions().amount()[1] == -4.0);
  CHECK(data.transactions().lines() == nullptr);
  REQUIRE(data.transactions().product() != nullptr);

  crmkit::csv_options no_refunds;
  no_refunds.allow_negative_amounts = false;
  const auto f = capture([&] {
    (void)parse_every_way("customer_id,timestamp,qty,price,sku\nA,2024-01-01,-1,4,x\n", columns, no_refunds);
  });
  CHECK(mentions(f.message, {"t.csv:2: column 'qty': negative amount"}));
  const auto bad = capture([&] {
    (void)parse_every_way("customer_id,timestamp,qty,price,sku\nA,2024-01-01,2,abc,x\n", columns);
  });
  CHECK(mentions(bad.message, {"t.csv:2: column 'price': not a number: 'abc'"}));
}

TEST_CASE("order-line options are checked together") {
  const std::string text = "customer_id,timestamp,amount,order,channel,qty,price\nA,2024-01-01,1,o1,web,1,1\n";
  const auto expect_invalid = [&](const crmkit::transaction_columns& columns, const crmkit::csv_options& options,
                                  std::string_view part) {
    const auto f = capture([&] { (void)crmkit::parse_transactions_csv(text, columns, options); });
    CHECK(f.code == errc::invalid_argument);
    CHECK(mentions(f.message, {part}));
  };
  crmkit::transaction_columns half;
  half.quantity = "qty";
  expect_invalid(half, {}, "quantity and the unit price");
  crmkit::csv_options prefix;
  prefix.filters.order_id_exclude_prefix = "C";
  expect_invalid({}, prefix, "needs an order column");
  crmkit::csv_options quantity_filter;
  quantity_filter.filters.drop_nonpositive_quantity = true;
  expect_invalid({}, quantity_filter, "needs a quantity column");
  crmkit::transaction_columns with_channel;
  with_channel.order = "order";
  with_channel.channel = "channel";
  expect_invalid(with_channel, {}, "channel column cannot be read with an order column");

  // An amount column with an order column; an empty order id is a bad row.
  crmkit::transaction_columns by_order;
  by_order.order = "order";
  const auto data = crmkit::parse_transactions_csv(text, by_order);
  CHECK(data.n_transactions() == 1);
  CHECK(data.transactions().lines()->quantity().empty());
  const auto empty_order =
      capture([&] { (void)crmkit::parse_transactions_csv("customer_id,timestamp,amount,order\nA,2024-01-01,1,\n", by_order); });
  CHECK(mentions(empty_order.message, {"<memory>:2: column 'order': empty order id"}));
}

TEST_CASE("a NUL byte in any field is a bad row naming file and line") {
  using namespace std::string_literals;
  const auto f = capture([] {
    (void)parse_every_way("customer_id,timestamp,amount\nA,2024-01-01,1\nB,2024-01-01,2\0x\n"s);
  });
  REQUIRE(f.thrown);
  CHECK(f.code == errc::parse_error);
  CHECK(f.message == "t.csv:3: column 'amount': NUL byte in a field: '2\\0x'");
  // Quoted fields (the RFC 4180 path) too, and the customer reader.
  const auto quoted = capture([] {
    (void)parse_every_way("customer_id,timestamp,amount\n\"A\0\",2024-01-01,1\n"s);
  });
  CHECK(quoted.message == "t.csv:2: column 'customer_id': NUL byte in a field: 'A\\0'");
  crmkit::ingest_report report;
  const auto data = parse_every_way("customer_id,timestamp,amount\nA,2024-01-01,1\n\0,2024-01-01,1\nB,2024-01-02,3\n"s, {},
                                    [] {
                                      crmkit::csv_options o;
                                      o.on_bad_row = crmkit::bad_row_policy::skip;
                                      return o;
                                    }(),
                                    &report);
  CHECK(data.n_transactions() == 2);
  REQUIRE(report.skipped.size() == 1);
  CHECK(report.skipped[0].line == 3);
  const auto customers =
      capture([] { (void)crmkit::parse_customers_csv("customer_id,x\nA,1\nB\0,2\n"s, {}, {}, nullptr, "c.csv"); });
  CHECK(customers.message == "c.csv:3: column 'customer_id': NUL byte in a field: 'B\\0'");
}

TEST_CASE("invalid UTF-8 in customer ids, order ids and products is a bad row") {
  const auto customer = capture([] {
    (void)parse_every_way("customer_id,timestamp,amount\nA,2024-01-01,1\nB\xC3(,2024-01-01,2\n");
  });
  CHECK(customer.message == "t.csv:3: column 'customer_id': invalid UTF-8: 'B\\xC3('");
  const auto product = capture([] {
    crmkit::transaction_columns columns;
    columns.product = "product";
    (void)parse_every_way("customer_id,timestamp,amount,product\nA,2024-01-01,1,\xFF\n", columns);
  });
  CHECK(product.message == "t.csv:2: column 'product': invalid UTF-8: '\\xFF'");
  const auto order = capture([] {
    (void)parse_every_way(std::string(retail_header) + "53\xED\xA0\x80,A,1,2010-12-01,2.00,17850\n", retail_columns());
  });
  CHECK(order.message == "t.csv:2: column 'InvoiceNo': invalid UTF-8: '53\\xED\\xA0\\x80'");  // a surrogate
  const auto overlong = capture([] {
    (void)parse_every_way("customer_id,timestamp,amount\n\xC0\xAF,2024-01-01,1\n");
  });
  CHECK(mentions(overlong.message, {"t.csv:2:", "invalid UTF-8"}));
  // Valid multi-byte ids load.
  const auto data = parse_every_way("customer_id,timestamp,amount\nMüller-東京-😀,2024-01-01,1\n");
  CHECK(data.customers().id(0) == "Müller-東京-😀");
  const auto customers =
      capture([] { (void)crmkit::parse_customers_csv("customer_id\n\xE2\x82\n", {}, {}, nullptr, "c.csv"); });
  CHECK(customers.message == "c.csv:2: column 'customer_id': invalid UTF-8: '\\xE2\\x82'");
}

TEST_CASE("order lines from arrays: the same roll-up, filters and errors") {
  const std::vector<std::string_view> customer_ids = {"17850", "", "13047"};
  const std::vector<std::string_view> order_ids = {"536365", "C536379", "536367"};
  const std::vector<std::string_view> products = {"A", "B"};
  const std::vector<std::int32_t> customer = {0, 0, 2, 1, -1, 2};
  const std::vector<std::int32_t> order = {0, 0, 1, 2, 2, 2};
  const std::vector<std::int32_t> product = {0, 1, 0, -1, 1, 1};
  const std::vector<std::int64_t> time = {200, 100, 300, 400, 500, 600};
  const std::vector<double> quantity = {6, 2, -1, 1, 1, 3};
  const std::vector<double> price = {2.5, 4.0, 27.5, 1.0, 1.0, 0.0};
  crmkit::order_line_arrays lines;
  lines.customer = customer;
  lines.customer_ids = customer_ids;
  lines.time = time;
  lines.quantity = quantity;
  lines.unit_price = price;
  lines.order = order;
  lines.order_ids = order_ids;
  lines.product = product;
  lines.product_levels = products;
  crmkit::line_filters filters;
  filters.order_id_exclude_prefix = "C";
  filters.drop_empty_customer = true;
  filters.drop_nonpositive_unit_price = true;
  crmkit::ingest_report report;
  const auto data = crmkit::dataset_from_order_lines(lines, filters, &report);
  CHECK(report.rows_read == 6);
  CHECK(report.rows_loaded == 2);
  CHECK(report.filtered_by(line_filter::order_prefix).first_lines == std::vector<std::int64_t>{2});
  CHECK(report.filtered_by(line_filter::empty_customer).first_lines == std::vector<std::int64_t>{3, 4});
  CHECK(report.filtered_by(line_filter::nonpositive_unit_price).first_lines == std::vector<std::int64_t>{5});
  REQUIRE(data.n_customers() == 1);
  REQUIRE(data.n_transactions() == 1);
  CHECK(data.transactions().time()[0] == 100);
  CHECK(data.transactions().amount()[0] == 23.0);
  REQUIRE(data.transactions().lines() != nullptr);
  CHECK(data.transactions().lines()->product_levels()->at(data.transactions().lines()->product()[1]) == "B");

  // The same lines as CSV give the same purchases.
  const auto from_text = crmkit::parse_transactions_csv(std::string(retail_header) +
                                                            "536365,A,6,1970-01-01T00:03:20Z,2.5,17850\n"
                                                            "536365,B,2,1970-01-01T00:01:40Z,4.0,17850\n",
                                                        retail_columns());
  CHECK(purchases(from_text) == purchases(data));

  // Two customers in one order.
  const std::vector<std::int32_t> mixed = {0, 2, 2, 2, 2, 2};
  lines.customer = mixed;
  const auto f = capture([&] { (void)crmkit::dataset_from_order_lines(lines, filters); });
  CHECK(f.code == errc::invalid_argument);
  CHECK(mentions(f.message, {"row 1: order '536365' has lines of two customers: '17850' (row 0) and '13047' (row 1)"}));
  // A missing customer without the filter; codes out of range; lengths.
  lines.customer = customer;
  const auto missing = capture([&] { (void)crmkit::dataset_from_order_lines(lines, {}); });
  CHECK(mentions(missing.message, {"row 3: the customer id is missing"}));
  const std::vector<std::int32_t> out_of_range = {0, 0, 3, 0, 0, 0};
  lines.customer = out_of_range;
  const auto range = capture([&] { (void)crmkit::dataset_from_order_lines(lines, {}); });
  CHECK(mentions(range.message, {"row 2: customer code 3 is outside [-1, 3)"}));
  lines.customer = customer;
  lines.time = std::span<const std::int64_t>(time).first(5);
  const auto lengths = capture([&] { (void)crmkit::dataset_from_order_lines(lines, {}); });
  CHECK(mentions(lengths.message, {"the time column has 5 rows, the customer column 6"}));
}

TEST_CASE("without order-line options nothing changes: the plain reader's result") {
  const std::string text = "customer_id,timestamp,amount\nA,2024-01-01,1\nB,2024-01-02,2\nA,2024-01-03,3\n";
  const auto data = parse_every_way(text);
  CHECK(data.transactions().lines() == nullptr);
  CHECK(data.n_transactions() == 3);
  // Turning on only the empty-customer filter switches to the line mode, with the same result.
  crmkit::csv_options filtering;
  filtering.filters.drop_empty_customer = true;
  csv_test::require_same(data, parse_every_way(text, {}, filtering));
}
