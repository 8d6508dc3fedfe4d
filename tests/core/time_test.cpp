#include <doctest/doctest.h>

#include <cstdint>
#include <ctime>

#include "crmkit/core/time.hpp"

using crmkit::parse_iso8601;
using crmkit::time_parse_status;

namespace {
// timegm from the C library is the outside reference for the calendar arithmetic.
std::int64_t reference_seconds(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<std::int64_t>(timegm(&tm));
}
}  // namespace

TEST_CASE("days_from_civil agrees with timegm on every day 1900..2200") {
  for (std::int64_t days = crmkit::days_from_civil(1900, 1, 1); days <= crmkit::days_from_civil(2200, 12, 31); ++days) {
    const auto date = crmkit::civil_from_days(days);
    REQUIRE(crmkit::days_from_civil(date.year, date.month, date.day) == days);
    if (days % 97 == 0)
      REQUIRE(days * 86400 == reference_seconds(static_cast<int>(date.year), static_cast<int>(date.month),
                                                static_cast<int>(date.day)));
  }
}

TEST_CASE("parse_iso8601 accepts dates, date-times and offsets") {
  std::int64_t t = 0;
  CHECK(parse_iso8601("2024-03-15", t) == time_parse_status::ok);
  CHECK(t == reference_seconds(2024, 3, 15));
  CHECK(parse_iso8601("2024-03-15T10:20:30Z", t) == time_parse_status::ok);
  CHECK(t == reference_seconds(2024, 3, 15, 10, 20, 30));
  CHECK(parse_iso8601("2024-03-15 10:20", t) == time_parse_status::ok);
  CHECK(t == reference_seconds(2024, 3, 15, 10, 20));
  CHECK(parse_iso8601("2024-03-15T10:20:30+02:00", t) == time_parse_status::ok);
  CHECK(t == reference_seconds(2024, 3, 15, 8, 20, 30));
  CHECK(parse_iso8601("2024-03-15T00:30:00-0130", t) == time_parse_status::ok);
  CHECK(t == reference_seconds(2024, 3, 15, 2, 0, 0));
  CHECK(parse_iso8601("2024-03-15T10:20:30.999Z", t) == time_parse_status::ok);
  CHECK(t == reference_seconds(2024, 3, 15, 10, 20, 30));  // fractions truncate
  CHECK(parse_iso8601("2024-02-29", t) == time_parse_status::ok);
  CHECK(parse_iso8601("1969-12-31T23:59:59Z", t) == time_parse_status::ok);
  CHECK(t == -1);
}

TEST_CASE("parse_iso8601 rejects what is not a timestamp, saying why") {
  std::int64_t t = 42;
  CHECK(parse_iso8601("", t) == time_parse_status::empty);
  CHECK(parse_iso8601("2024/03/15", t) == time_parse_status::bad_syntax);
  CHECK(parse_iso8601("2024-3-15", t) == time_parse_status::bad_syntax);
  CHECK(parse_iso8601("2023-02-29", t) == time_parse_status::bad_date);
  CHECK(parse_iso8601("2024-13-01", t) == time_parse_status::bad_date);
  CHECK(parse_iso8601("2024-04-31", t) == time_parse_status::bad_date);
  CHECK(parse_iso8601("2024-04-00", t) == time_parse_status::bad_date);
  CHECK(parse_iso8601("2024-04-01T24:00:00Z", t) == time_parse_status::bad_time);
  CHECK(parse_iso8601("2024-04-01T10:60Z", t) == time_parse_status::bad_time);
  CHECK(parse_iso8601("2024-04-01T10:00:00+19:00", t) == time_parse_status::bad_offset);
  CHECK(parse_iso8601("2024-04-01T10:00:00+1", t) == time_parse_status::bad_offset);
  CHECK(parse_iso8601("2024-04-01T10:00:00Zjunk", t) == time_parse_status::bad_syntax);
  CHECK(parse_iso8601("2024-04-01x", t) == time_parse_status::bad_syntax);
  CHECK(t == 42);  // failures leave the output alone
}

TEST_CASE("compact dates and epoch seconds") {
  std::int64_t t = 0;
  CHECK(crmkit::parse_compact_date("19970101", t) == time_parse_status::ok);
  CHECK(t == reference_seconds(1997, 1, 1));
  CHECK(crmkit::parse_compact_date("19970230", t) == time_parse_status::bad_date);
  CHECK(crmkit::parse_compact_date("1997011", t) == time_parse_status::bad_syntax);
  CHECK(crmkit::parse_epoch_seconds("1700000000", t) == time_parse_status::ok);
  CHECK(t == 1700000000);
  CHECK(crmkit::parse_epoch_seconds("-86400", t) == time_parse_status::ok);
  CHECK(t == -86400);
  CHECK(crmkit::parse_epoch_seconds("17e8", t) == time_parse_status::bad_syntax);
  CHECK(crmkit::parse_epoch_seconds("-", t) == time_parse_status::bad_syntax);
  CHECK(crmkit::parse_epoch_seconds("99999999999999999999999", t) == time_parse_status::out_of_range);
}

TEST_CASE("formatting round-trips") {
  CHECK(crmkit::format_iso_date(reference_seconds(1997, 9, 30, 23, 59, 59)) == "1997-09-30");
  CHECK(crmkit::format_iso_date(-1) == "1969-12-31");
  CHECK(crmkit::format_iso8601(reference_seconds(2024, 2, 29, 7, 8, 9)) == "2024-02-29T07:08:09Z");
  CHECK(crmkit::floor_days(-1) == -1);
  CHECK(crmkit::floor_days(-86400) == -1);
  CHECK(crmkit::floor_days(86399) == 0);
}
