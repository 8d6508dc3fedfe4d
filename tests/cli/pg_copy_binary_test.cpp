// The binary COPY reader and writer of the command line (tools/cli/pg_copy_binary.hpp):
// round trips, every piece size, PostgreSQL's own encodings of numeric / date / timestamp,
// and a clear error for each kind of malformed stream.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "../../tools/cli/pg_copy_binary.hpp"

using namespace crmkit_cli::pg_copy;

namespace {

struct row_values {
  std::vector<bool> null;
  std::vector<std::string> text;
  std::vector<std::int64_t> integer;
  std::vector<double> number;
};

std::vector<row_values> read_all(const std::vector<pg_type>& types, const std::string& bytes, std::size_t piece) {
  reader r(types);
  std::vector<row_values> rows;
  const auto on_row = [&](std::span<const field> f) {
    row_values v;
    for (const field& x : f) {
      v.null.push_back(x.null);
      v.text.emplace_back(x.text);
      v.integer.push_back(x.integer);
      v.number.push_back(x.number);
    }
    rows.push_back(v);
  };
  for (std::size_t at = 0; at < bytes.size(); at += piece) r.feed(std::string_view(bytes).substr(at, piece), on_row);
  r.finish();
  return rows;
}

std::string be16(std::uint16_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v & 0xFF)}; }
std::string be32(std::uint32_t v) { return be16(static_cast<std::uint16_t>(v >> 16)) + be16(static_cast<std::uint16_t>(v)); }
std::string header() { return std::string("PGCOPY\n\377\r\n\0", 11) + be32(0) + be32(0); }
std::string field_bytes(const std::string& payload) { return be32(static_cast<std::uint32_t>(payload.size())) + payload; }
// A numeric as PostgreSQL sends it.
std::string numeric(std::vector<std::uint16_t> digits, std::int16_t weight, std::uint16_t sign, std::int16_t dscale) {
  std::string p = be16(static_cast<std::uint16_t>(digits.size())) + be16(static_cast<std::uint16_t>(weight)) + be16(sign) +
                  be16(static_cast<std::uint16_t>(dscale));
  for (auto d : digits) p += be16(d);
  return p;
}
std::string one_row(const std::vector<std::string>& payloads) {
  std::string s = header() + be16(static_cast<std::uint16_t>(payloads.size()));
  for (const auto& p : payloads) s += field_bytes(p);
  return s + be16(0xFFFF);
}

std::string error_of(const std::vector<pg_type>& types, const std::string& bytes) {
  try {
    (void)read_all(types, bytes, bytes.size() ? bytes.size() : 1);
  } catch (const copy_format_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("writer and reader round trip, in pieces of every size") {
  const std::vector<pg_type> types{pg_type::text, pg_type::int8, pg_type::float8, pg_type::timestamptz};
  writer w(types);
  w.begin_row();
  w.text("C-17850 ü");
  w.int8(-42);
  w.float8(0.1);
  w.timestamptz(946684800 + 1);
  w.end_row();
  w.begin_row();
  w.null();
  w.null();
  w.float8(-1e300);
  w.timestamptz(-86400 * 365);  // before 1970 and before 2000
  w.end_row();
  w.finish();
  const std::string bytes = w.take();
  for (std::size_t piece = 1; piece <= bytes.size(); ++piece) {
    const auto rows = read_all(types, bytes, piece);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].text[0] == "C-17850 ü");
    CHECK(rows[0].integer[1] == -42);
    CHECK(rows[0].number[2] == 0.1);
    CHECK(rows[0].integer[3] == 946684801);
    CHECK(rows[1].null[0]);
    CHECK(rows[1].null[1]);
    CHECK(rows[1].number[2] == -1e300);
    CHECK(rows[1].integer[3] == -86400 * 365);
  }
}

TEST_CASE("PostgreSQL encodings: numeric, real, date, timestamp fractions") {
  // 12345.678 = digits 1, 2345, 6780 with weight 1; -0.0012 = digit 12 with weight -1.
  auto rows = read_all({pg_type::numeric}, one_row({numeric({1, 2345, 6780}, 1, 0x0000, 3)}), 1000);
  CHECK(rows[0].number[0] == 12345.678);
  rows = read_all({pg_type::numeric}, one_row({numeric({12}, -1, 0x4000, 4)}), 1000);
  CHECK(rows[0].number[0] == -0.0012);
  rows = read_all({pg_type::numeric}, one_row({numeric({}, 0, 0x0000, 0)}), 1000);
  CHECK(rows[0].number[0] == 0.0);
  rows = read_all({pg_type::numeric}, one_row({numeric({}, 0, 0xC000, 0)}), 1000);
  CHECK(std::isnan(rows[0].number[0]));
  rows = read_all({pg_type::numeric}, one_row({numeric({1}, 200, 0x0000, 0)}), 1000);  // 1e800
  CHECK(rows[0].number[0] == std::numeric_limits<double>::infinity());
  // real 1.65f is read as the double 1.65 (its text), not 1.64999997615814.
  const float f = 1.65f;
  std::uint32_t bits;
  std::memcpy(&bits, &f, 4);
  rows = read_all({pg_type::float4}, one_row({be32(bits)}), 1000);
  CHECK(rows[0].number[0] == 1.65);
  // date: days since 2000-01-01; -1 is 1999-12-31.
  rows = read_all({pg_type::date}, one_row({be32(static_cast<std::uint32_t>(-1))}), 1000);
  CHECK(rows[0].integer[0] == 946684800 - 86400);
  // timestamp -0.25 s after 2000-01-01 is floored to the second before.
  const std::int64_t us = -250000;
  rows = read_all({pg_type::timestamp}, one_row({be32(static_cast<std::uint32_t>(static_cast<std::uint64_t>(us) >> 32)) +
                                                 be32(static_cast<std::uint32_t>(us))}),
                  1000);
  CHECK(rows[0].integer[0] == 946684799);
}

TEST_CASE("malformed streams are clear errors") {
  const std::vector<pg_type> int4{pg_type::int4};
  const std::string good = one_row({be32(7)});
  CHECK(read_all(int4, good, 3).at(0).integer[0] == 7);
  CHECK(error_of(int4, "").find("ended inside its header") != std::string::npos);
  CHECK(error_of(int4, "PGCOPX\n\377\r\n\0xxxxxxxx").find("no PGCOPY signature") != std::string::npos);
  CHECK(error_of(int4, "hello").find("no PGCOPY signature") != std::string::npos);
  // Truncated anywhere: an error, never a crash or a silent short read.
  for (std::size_t cut = 0; cut < good.size(); ++cut)
    CHECK(!error_of(int4, good.substr(0, cut)).empty());
  // Bytes after the trailer.
  CHECK(error_of(int4, good + "x").find("follow the trailer") != std::string::npos);
  // Flags: OIDs, critical bits.
  std::string oids = good;
  oids[12] = 1;  // bit 16
  CHECK(error_of(int4, oids).find("OIDs") != std::string::npos);
  std::string critical = good;
  critical[14] = 1;
  CHECK(error_of(int4, critical).find("critical header flags") != std::string::npos);
  // Field count and lengths.
  CHECK(error_of(int4, header() + be16(2) + field_bytes(be32(1)) + field_bytes(be32(2)) + be16(0xFFFF))
            .find("row 1 has 2 fields, the query 1 columns") != std::string::npos);
  CHECK(error_of(int4, one_row({std::string("\1\2\3", 3)})).find("a field of 3 bytes for type integer (4 bytes)") !=
        std::string::npos);
  CHECK(error_of(int4, header() + be16(1) + be32(0xFFFFFFFE) + be16(0xFFFF)).find("field length -2") != std::string::npos);
  CHECK(error_of({pg_type::text}, header() + be16(1) + be32(0x7FFFFFFF) + "abcd").find("without its trailer") != std::string::npos);
  // Numerics: length vs digits, digit range, sign, NaN with digits.
  const std::vector<pg_type> num{pg_type::numeric};
  CHECK(error_of(num, one_row({numeric({1, 2}, 0, 0, 0).substr(0, 10)})).find("digits in 10 bytes") != std::string::npos);
  CHECK(error_of(num, one_row({numeric({10000}, 0, 0, 0)})).find("not in [0, 9999]") != std::string::npos);
  CHECK(error_of(num, one_row({numeric({1}, 0, 0x1234, 0)})).find("numeric sign") != std::string::npos);
  CHECK(error_of(num, one_row({numeric({1}, 0, 0xC000, 0)})).find("NaN with digits") != std::string::npos);
  CHECK(error_of(num, one_row({std::string("\0\0\0", 3)})).find("numeric of 3 bytes") != std::string::npos);
  // A failed reader stays failed.
  reader r(int4);
  CHECK_THROWS_AS(r.feed("garbage!", [](std::span<const field>) {}), copy_format_error);
  CHECK_THROWS_AS(r.feed(good, [](std::span<const field>) {}), copy_format_error);
}
