// Round trips: random rows are written as CSV text (random dialect, random quoting,
// awkward ids), parsed back, and compared with the rows column by column, exactly.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/time.hpp"
#include "crmkit/io/csv.hpp"
#include "csv_test_util.hpp"

namespace {

struct row {
  std::string customer;
  std::int64_t time;
  double amount;
  std::string product;  // empty = missing
  std::string channel;
};

struct dialect {
  char delimiter;
  const char* line_end;
  bool quote_everything;
};

// RFC 4180 quoting, applied when the field needs it or when asked to anyway.
std::string field(const std::string& text, const dialect& d, bool force_quote) {
  const bool needs = text.find_first_of(std::string{d.delimiter, '"', '\n', '\r'}) != std::string::npos ||
                     (!text.empty() && text.front() == '"');
  if (!needs && !force_quote && !d.quote_everything) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// A timestamp written in one of the ISO-8601 forms; the offset form is shifted so that it
// names the same instant.
std::string iso_text(std::int64_t t, std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0: return t % 86400 == 0 ? crmkit::format_iso_date(t) : crmkit::format_iso8601(t);
    case 1: return crmkit::format_iso8601(t);
    case 2: {
      std::string s = crmkit::format_iso8601(t);
      s[10] = ' ';
      s.pop_back();  // no zone: UTC
      return s;
    }
    default: {
      const std::int64_t local = t + 5 * 3600 + 30 * 60;  // +05:30
      std::string s = crmkit::format_iso8601(local);
      s.pop_back();
      return s + "+05:30";
    }
  }
}

std::vector<row> random_rows(std::mt19937_64& rng, std::size_t n, std::uint64_t customer_pool = 500) {
  const std::vector<std::string> awkward = {"C-1",     "C,2",   "C\"3\"", "\"C4",     "C\n5",   "C\r\n6", "  C7 ",
                                            "C\xC3\xA9", "C;8", "C\t9",   "C|10",     "'C11'",  "C12\"",  "x"};
  const std::vector<std::string> products = {"", "P1", "P 2", "P,3", "P\"4\"", "P\n5"};
  const std::vector<std::string> channels = {"", "web", "store", "app"};
  std::vector<row> rows(n);
  for (auto& r : rows) {
    r.customer = rng() % 3 == 0 ? awkward[rng() % awkward.size()] : fmt::format("C-{:07}", rng() % customer_pool);
    const bool whole_day = rng() % 2 == 0;
    r.time = crmkit::unix_seconds(2022, 1, 1) + static_cast<std::int64_t>(rng() % (730 * 86400));
    if (whole_day) r.time -= r.time % 86400;
    switch (rng() % 3) {
      case 0: r.amount = static_cast<double>(rng() % 10000000) / 100.0; break;
      case 1: r.amount = -static_cast<double>(rng() % 100000) / 100.0; break;
      default: r.amount = std::ldexp(static_cast<double>(rng() >> 11), -static_cast<int>(rng() % 60)); break;
    }
    r.product = products[rng() % products.size()];
    r.channel = channels[rng() % channels.size()];
  }
  return rows;
}

std::string write_csv(const std::vector<row>& rows, const dialect& d, std::mt19937_64& rng) {
  const std::string sep(1, d.delimiter);
  std::string text = field("customer_id", d, false) + sep + "channel" + sep + "amount" + sep + "timestamp" + sep +
                     "product" + sep + "ignored" + d.line_end;
  for (const auto& r : rows) {
    // Amounts in shortest round-trip form ("{}") or with two decimals, both exact.
    const std::string amount = rng() % 2 ? fmt::format("{}", r.amount) : fmt::format("{:.2f}", r.amount);
    const bool exact_two = std::stod(fmt::format("{:.2f}", r.amount)) == r.amount;
    text += field(r.customer, d, rng() % 5 == 0) + sep + field(r.channel, d, rng() % 5 == 0) + sep +
            field(exact_two ? amount : fmt::format("{}", r.amount), d, rng() % 7 == 0) + sep +
            field(iso_text(r.time, rng), d, false) + sep + field(r.product, d, false) + sep +
            field(rng() % 2 ? "" : "note, \"quoted\"", d, false) + d.line_end;
  }
  return text;
}

void check_round_trip(const std::vector<row>& rows, const crmkit::dataset& data) {
  std::unordered_map<std::string, std::int32_t> customers, products, channels;
  const auto code = [](std::unordered_map<std::string, std::int32_t>& levels, const std::string& s) {
    if (s.empty()) return std::int32_t{-1};
    return levels.emplace(s, static_cast<std::int32_t>(levels.size())).first->second;
  };
  const auto& log = data.transactions();
  REQUIRE(log.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CAPTURE(i);
    REQUIRE(log.customer()[i] == code(customers, rows[i].customer));
    REQUIRE(data.customers().id(log.customer()[i]) == rows[i].customer);
    REQUIRE(log.time()[i] == rows[i].time);
    REQUIRE(csv_test::same_bits(log.amount()[i], rows[i].amount));
    REQUIRE(log.product()->codes[i] == code(products, rows[i].product));
    REQUIRE(log.channel()->codes[i] == code(channels, rows[i].channel));
    if (!rows[i].product.empty()) REQUIRE(log.product()->levels->at(log.product()->codes[i]) == rows[i].product);
  }
  REQUIRE(data.n_customers() == customers.size());
}

crmkit::transaction_columns columns() {
  crmkit::transaction_columns c;
  c.product = "product";
  c.channel = "channel";
  return c;
}

}  // namespace

TEST_CASE("round trip: random rows in random dialects, through tiny blocks and files") {
  std::mt19937_64 rng(12345);
  const dialect dialects[] = {{',', "\n", false}, {',', "\r\n", false}, {';', "\n", true},
                              {'\t', "\r\n", false}, {'|', "\n", false}};
  constexpr int rounds = csv_test::rounds_divisor > 1 ? 5 : 10;  // every dialect at least once
  // Under the sanitizers also half the rows per text: each is parsed about thirty ways,
  // through blocks as small as one byte (most of this suite's time there).
  constexpr std::size_t n_rows = csv_test::rounds_divisor > 1 ? 150 : 300;
  for (int round = 0; round < rounds; ++round) {
    const dialect& d = dialects[static_cast<std::size_t>(round) % std::size(dialects)];
    CAPTURE(round);
    const auto rows = random_rows(rng, n_rows);
    const std::string text = write_csv(rows, d, rng);
    crmkit::csv_options options;
    options.delimiter = d.delimiter;
    check_round_trip(rows, csv_test::parse_every_way(text, columns(), options));
  }
}

TEST_CASE("round trip: a file several default-size blocks long, with many customers") {
  // 60,000 distinct customers: the customer dictionary is rebuilt several times.
  std::mt19937_64 rng(99);
  const auto rows = random_rows(rng, 120000, 100000);
  const dialect d{',', "\n", false};
  const std::string text = write_csv(rows, d, rng);
  REQUIRE(text.size() > 3 * (std::size_t{1} << 20));  // crosses at least three 1 MiB blocks
  const csv_test::temp_file file(text);
  crmkit::ingest_report report;
  const auto data = crmkit::read_transactions_csv(file.path(), columns(), {}, &report);
  check_round_trip(rows, data);
  CHECK(report.rows_read == rows.size());
  CHECK(report.rows_loaded == rows.size());
  CHECK(report.skipped.empty());
  csv_test::require_same(data, crmkit::parse_transactions_csv(text, columns()));
}

TEST_CASE("random bytes never crash the reader and always end in data or a parse error") {
  std::mt19937_64 rng(4242);
  const std::string alphabet = "ab,;\"\n\r 0123456789.-e:T+Z";
  for (int round = 0; round < 300 / csv_test::rounds_divisor; ++round) {
    std::string text = "customer_id,timestamp,amount\n";
    const std::size_t n = rng() % 200;
    for (std::size_t i = 0; i < n; ++i) text += alphabet[rng() % alphabet.size()];
    for (const auto policy : {crmkit::bad_row_policy::fail, crmkit::bad_row_policy::skip}) {
      crmkit::csv_options options;
      options.on_bad_row = policy;
      crmkit::ingest_report report;
      const auto f = csv_test::capture([&] { (void)csv_test::parse_every_way(text, {}, options, &report); });
      if (f.thrown) CHECK(f.code == crmkit::errc::parse_error);
      if (policy == crmkit::bad_row_policy::skip) {
        CHECK_FALSE(f.thrown);
        CHECK(report.rows_loaded + report.skipped.size() == report.rows_read);
      }
    }
  }
}
