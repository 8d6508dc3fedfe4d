// The CSV reader's decimal parser must be bit-identical to strtod (correct rounding) on
// every decimal both accept: the Clinger fast path and the from_chars fallback alike.
#include <doctest/doctest.h>

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

#include <fmt/format.h>

#include "crmkit/io/csv.hpp"
#include "crmkit/io/detail/csv_number.hpp"
#include "csv_test_util.hpp"

using crmkit::detail::number_status;
using crmkit::detail::parse_decimal;

namespace {

// A random decimal of a random shape: short money amounts most of the time, and around
// the fast path's limits (19 digits, 2^53, 10^22) and beyond the rest of the time.
std::string random_decimal(std::mt19937_64& rng) {
  const auto pick = [&](std::uint64_t n) { return static_cast<std::size_t>(rng() % n); };
  const auto digits = [&](std::size_t n, bool leading_nonzero) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
      s += static_cast<char>('0' + (i == 0 && leading_nonzero ? 1 + pick(9) : pick(10)));
    return s;
  };
  std::string s;
  switch (pick(4)) {
    case 0: s = "-"; break;
    case 1: s = "+"; break;
    default: break;
  }
  switch (pick(6)) {
    case 0:  // money: up to 7 integer digits, 2 decimals
      s += digits(1 + pick(7), true) + "." + digits(2, false);
      break;
    case 1: {  // any number of digits on both sides, up to 30 in all
      const std::size_t a = pick(16);
      const std::size_t b = pick(16);
      s += (a ? digits(a, false) : "0") + (b ? "." + digits(b, false) : "");
      break;
    }
    case 2: {  // exactly around 2^53 = 9007199254740992
      const std::uint64_t m = (std::uint64_t{1} << 53) - 50 + rng() % 100;
      const std::string text = std::to_string(m);
      const std::size_t point = pick(text.size() + 1);
      s += text.substr(0, point) + (point < text.size() ? "." + text.substr(point) : "");
      break;
    }
    case 3:  // 17 to 21 significant digits: the 19-digit boundary
      s += digits(1 + pick(3), true) + "." + digits(16 + pick(4), false);
      break;
    case 4:  // 20 to 25 fraction digits: the 10^22 boundary
      s += "0." + digits(20 + pick(6), false);
      break;
    default:  // exponents (from_chars path), kept within the normal range of doubles
      s += digits(1 + pick(20), true) + (pick(2) ? "." + digits(1 + pick(10), false) : "") + (pick(2) ? "e" : "E") +
           std::to_string(static_cast<int>(pick(560)) - 280);
      break;
  }
  return s;
}

}  // namespace

TEST_CASE("parse_decimal is bit-identical to strtod on a million random decimals") {
  std::mt19937_64 rng(20240531);
  for (int i = 0; i < 1000000; ++i) {
    const std::string text = random_decimal(rng);
    double value = 0;
    REQUIRE(parse_decimal(text, value) == number_status::ok);
    const double expected = std::strtod(text.c_str(), nullptr);
    if (!csv_test::same_bits(value, expected)) {
      CAPTURE(text);
      REQUIRE(fmt::format("{}", value) == fmt::format("{}", expected));
      REQUIRE(csv_test::same_bits(value, expected));
    }
  }
}

TEST_CASE("parse_decimal at the exact limits of the fast path") {
  const char* cases[] = {"9007199254740992",      "9007199254740993",      "900719925474099.3",
                         "9007199254740993.0",    "0.0000000000000000000001", "0.00000000000000000000001",
                         "1234567890123456789",   "12345678901234567890",  "0.1234567890123456789",
                         "-0",                    "+0.000",                "00000000000000000000000012.5",
                         "1.",                    ".5",                    "-.5",
                         "2.2250738585072014e-308", "1.7976931348623157e308", "4.9e-324"};
  for (const char* text : cases) {
    CAPTURE(text);
    double value = 1;
    REQUIRE(parse_decimal(text, value) == number_status::ok);
    CHECK(csv_test::same_bits(value, std::strtod(text, nullptr)));
  }
}

namespace {

// What parse_decimal must return for text without exponents, NaN or infinity, from
// std::from_chars (correctly rounded): an optional sign, then a body from_chars reads whole.
number_status reference_decimal(const std::string& text, double& out) {
  if (text.empty()) return number_status::empty;
  std::size_t start = text[0] == '-' || text[0] == '+' ? 1 : 0;
  const char* body = text.data() + start;
  const char* end = text.data() + text.size();
  if (body == end || *body == '-' || *body == '+') return number_status::not_a_number;
  double value = 0;
  const auto [ptr, ec] = std::from_chars(body, end, value, std::chars_format::fixed);
  if (ec != std::errc{} || ptr != end) return number_status::not_a_number;
  out = text[0] == '-' ? -value : value;
  return number_status::ok;
}

void check_against_reference(const std::string& text) {
  double value = 42, expected = 42;
  const number_status status = parse_decimal(text, value);
  const number_status want = reference_decimal(text, expected);
  if (status != want || (want == number_status::ok && !csv_test::same_bits(value, expected))) {
    CAPTURE(text);
    REQUIRE(static_cast<int>(status) == static_cast<int>(want));
    REQUIRE(csv_test::same_bits(value, expected));
  }
  if (want != number_status::ok) REQUIRE(value == 42);
}

}  // namespace

// Short texts, where the fast path and the fallback meet: every text of up to 6 characters
// over digits, points, signs and two other bytes, and random texts of 7 to 10, must read as
// from_chars reads them (value and status).
TEST_CASE("parse_decimal on short texts: every arrangement of digits, points and signs") {
  const std::string alphabet = "0159.-+a\x80";
  std::string text;
  std::size_t checked = 0;
  for (std::size_t length = 1; length <= 6; ++length) {
    std::size_t total = 1;
    for (std::size_t i = 0; i < length; ++i) total *= alphabet.size();
    text.assign(length, '0');
    for (std::size_t code = 0; code < total; ++code) {
      std::size_t rest = code;
      for (std::size_t i = 0; i < length; ++i, rest /= alphabet.size()) text[i] = alphabet[rest % alphabet.size()];
      check_against_reference(text);
      ++checked;
    }
  }
  std::mt19937_64 rng(8);
  const std::string common = "0123456789.";
  for (int i = 0; i < 300000; ++i) {
    text.assign(7 + rng() % 4, '0');
    for (char& c : text) c = rng() % 16 == 0 ? alphabet[rng() % alphabet.size()] : common[rng() % common.size()];
    check_against_reference(text);
    ++checked;
  }
  CHECK(checked == 300000 + 9 + 81 + 729 + 6561 + 59049 + 531441);
}

TEST_CASE("parse_decimal rejects everything that is not a finite decimal") {
  double value = 42;
  CHECK(parse_decimal("", value) == number_status::empty);
  for (const char* text : {"nan", "NAN", "-nan", "+NaN", "nan(1)", "inf", "-inf", "+INF", "Infinity", "-iNfInItY"}) {
    CAPTURE(text);
    CHECK(parse_decimal(text, value) == number_status::not_finite);
  }
  for (const char* text : {"-", "+", ".", "-.", "e5", "1e", "1e+", "--1", "+-1", "-+1", " 1", "1 ", "1,5", "0x1p3", "1.2.3",
                           "12a", "1_000", "\xE2\x88\x92" "1"}) {
    CAPTURE(text);
    CHECK(parse_decimal(text, value) == number_status::not_a_number);
  }
  for (const char* text : {"1e309", "-1e400", "1e-400"}) {
    CAPTURE(text);
    CHECK(parse_decimal(text, value) == number_status::out_of_range);
  }
  CHECK(value == 42);  // never written on failure
}

TEST_CASE("amounts read through the CSV reader are bit-identical to strtod") {
  std::mt19937_64 rng(7);
  std::vector<std::string> texts;
  std::string csv = "customer_id,timestamp,amount\n";
  for (int i = 0; i < 100000; ++i) {
    texts.push_back(random_decimal(rng));
    csv += fmt::format("C{},2024-01-01,{}\n", i % 97, texts.back());
  }
  const auto data = crmkit::parse_transactions_csv(csv);
  const auto amounts = data.transactions().amount();
  REQUIRE(amounts.size() == texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    CAPTURE(texts[i]);
    REQUIRE(csv_test::same_bits(amounts[i], std::strtod(texts[i].c_str(), nullptr)));
  }
}
