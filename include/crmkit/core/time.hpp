/// @file crmkit/core/time.hpp
/// Calendar arithmetic and timestamp parsing. crmkit keeps every timestamp as `int64_t`
/// Unix seconds, UTC, and never reads the clock.
///
/// `#include <crmkit/core/time.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// std::int64_t t = 0;
/// auto status = crmkit::parse_iso8601("2024-03-15T10:20:30+02:00", t);
/// assert(status == crmkit::time_parse_status::ok && t == 1710490830);
/// assert(crmkit::format_iso_date(t) == "2024-03-15");
/// @endcode
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

inline constexpr std::int64_t seconds_per_day = 86400;

/// How a text timestamp is written.
enum class time_format : int {
  iso8601 = 0,        ///< `YYYY-MM-DD`, or a date-time `YYYY-MM-DDTHH:MM[:SS[.fff]]` (`T` or
                      ///< a space) with an optional `Z`, `+HH:MM`, `+HHMM` or `+HH` offset;
                      ///< no offset means UTC; fractional seconds are truncated
  epoch_seconds = 1,  ///< a signed integer count of seconds since 1970-01-01T00:00:00Z
  compact_date = 2,   ///< `YYYYMMDD` (as in the CDNOW files)
};

/// Why a timestamp did not parse.
enum class time_parse_status : int {
  ok = 0,
  empty,           ///< the field is empty
  bad_syntax,      ///< not of the expected shape
  bad_date,        ///< a month or day outside the calendar (2024-02-30, 2024-13-01)
  bad_time,        ///< an hour, minute or second out of range
  bad_offset,      ///< a UTC offset beyond +-18:00 or malformed
  out_of_range,    ///< the value does not fit the representable range
};

/// A short English reason for `status` ("invalid calendar date", ...).
[[nodiscard]] constexpr const char* to_string(time_parse_status status) noexcept {
  switch (status) {
    case time_parse_status::ok: return "ok";
    case time_parse_status::empty: return "empty timestamp";
    case time_parse_status::bad_syntax: return "not a valid timestamp";
    case time_parse_status::bad_date: return "invalid calendar date";
    case time_parse_status::bad_time: return "invalid time of day";
    case time_parse_status::bad_offset: return "invalid UTC offset";
    case time_parse_status::out_of_range: return "timestamp out of range";
  }
  return "unknown";
}

/// Days since 1970-01-01 of the proleptic Gregorian date y-m-d (Howard Hinnant's
/// `days_from_civil`). Precondition: a valid date.
[[nodiscard]] constexpr std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) noexcept {
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

/// A calendar date.
struct civil_date {
  std::int64_t year;
  unsigned month;  ///< 1..12
  unsigned day;    ///< 1..31
};

/// The date `days` days after 1970-01-01 (inverse of days_from_civil).
[[nodiscard]] constexpr civil_date civil_from_days(std::int64_t days) noexcept {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2), month, day};
}

/// True for Gregorian leap years.
[[nodiscard]] constexpr bool is_leap_year(std::int64_t year) noexcept {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

/// Number of days in `month` (1..12) of `year`.
[[nodiscard]] constexpr unsigned days_in_month(std::int64_t year, unsigned month) noexcept {
  constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29u : days[month - 1];
}

/// Unix seconds of 00:00:00 UTC on y-m-d. Precondition: a valid date.
[[nodiscard]] constexpr std::int64_t unix_seconds(std::int64_t year, unsigned month, unsigned day) noexcept {
  return days_from_civil(year, month, day) * seconds_per_day;
}

/// The day number (days since 1970-01-01) of the UTC day containing `seconds`:
/// seconds / 86400 rounded toward negative infinity.
[[nodiscard]] constexpr std::int64_t floor_days(std::int64_t seconds) noexcept {
  return seconds >= 0 ? seconds / seconds_per_day : -((-seconds + seconds_per_day - 1) / seconds_per_day);
}

/// Parses an ISO-8601 date or date-time (see time_format::iso8601) into Unix seconds.
[[nodiscard]] constexpr time_parse_status parse_iso8601(std::string_view text, std::int64_t& out) noexcept;

/// Parses `YYYYMMDD` into Unix seconds at midnight UTC.
[[nodiscard]] constexpr time_parse_status parse_compact_date(std::string_view text, std::int64_t& out) noexcept;

/// Parses a signed integer count of Unix seconds.
[[nodiscard]] constexpr time_parse_status parse_epoch_seconds(std::string_view text, std::int64_t& out) noexcept;

/// Parses `text` written in `format`.
[[nodiscard]] constexpr time_parse_status parse_time(std::string_view text, time_format format, std::int64_t& out) noexcept {
  switch (format) {
    case time_format::iso8601: return parse_iso8601(text, out);
    case time_format::epoch_seconds: return parse_epoch_seconds(text, out);
    case time_format::compact_date: return parse_compact_date(text, out);
  }
  return time_parse_status::bad_syntax;
}

/// `YYYY-MM-DD` of the UTC date containing `seconds`.
[[nodiscard]] inline std::string format_iso_date(std::int64_t seconds);

/// `YYYY-MM-DDTHH:MM:SSZ` for `seconds`.
[[nodiscard]] inline std::string format_iso8601(std::int64_t seconds);

// ---------------------------------------------------------------------------------------
namespace detail {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Reads exactly `count` digits at text[pos]; false when any is not a digit.
constexpr bool read_digits(std::string_view text, std::size_t pos, std::size_t count, unsigned& out) noexcept {
  if (pos + count > text.size()) return false;
  unsigned value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (!is_digit(c)) return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  out = value;
  return true;
}

constexpr time_parse_status finish_date(unsigned year, unsigned month, unsigned day, std::int64_t& days) noexcept {
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return time_parse_status::bad_date;
  days = days_from_civil(year, month, day);
  return time_parse_status::ok;
}

}  // namespace detail

constexpr time_parse_status parse_iso8601(std::string_view text, std::int64_t& out) noexcept {
  using detail::read_digits;
  if (text.empty()) return time_parse_status::empty;
  unsigned year = 0, month = 0, day = 0;
  if (text.size() < 10 || !read_digits(text, 0, 4, year) || text[4] != '-' || !read_digits(text, 5, 2, month) ||
      text[7] != '-' || !read_digits(text, 8, 2, day))
    return time_parse_status::bad_syntax;
  std::int64_t days = 0;
  if (auto s = detail::finish_date(year, month, day, days); s != time_parse_status::ok) return s;
  if (text.size() == 10) {
    out = days * seconds_per_day;
    return time_parse_status::ok;
  }
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return time_parse_status::bad_syntax;
  unsigned hour = 0, minute = 0, second = 0;
  if (!read_digits(text, 11, 2, hour) || text.size() < 16 || text[13] != ':' || !read_digits(text, 14, 2, minute))
    return time_parse_status::bad_syntax;
  std::size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!read_digits(text, pos + 1, 2, second)) return time_parse_status::bad_syntax;
    pos += 3;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      const std::size_t first = pos;
      while (pos < text.size() && detail::is_digit(text[pos])) ++pos;
      if (pos == first) return time_parse_status::bad_syntax;
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return time_parse_status::bad_time;
  std::int64_t offset_seconds = 0;
  if (pos < text.size()) {
    const char zone = text[pos];
    if (zone == 'Z' || zone == 'z') {
      if (pos + 1 != text.size()) return time_parse_status::bad_syntax;
    } else if (zone == '+' || zone == '-') {
      unsigned offset_hours = 0, offset_minutes = 0;
      const std::size_t rest = text.size() - pos - 1;
      if (rest == 2) {
        if (!read_digits(text, pos + 1, 2, offset_hours)) return time_parse_status::bad_offset;
      } else if (rest == 4) {
        if (!read_digits(text, pos + 1, 2, offset_hours) || !read_digits(text, pos + 3, 2, offset_minutes))
          return time_parse_status::bad_offset;
      } else if (rest == 5) {
        if (!read_digits(text, pos + 1, 2, offset_hours) || text[pos + 3] != ':' ||
            !read_digits(text, pos + 4, 2, offset_minutes))
          return time_parse_status::bad_offset;
      } else {
        return time_parse_status::bad_offset;
      }
      if (offset_hours > 18 || offset_minutes > 59 || (offset_hours == 18 && offset_minutes > 0))
        return time_parse_status::bad_offset;
      offset_seconds = (zone == '+' ? 1 : -1) * static_cast<std::int64_t>(offset_hours * 3600 + offset_minutes * 60);
    } else {
      return time_parse_status::bad_syntax;
    }
  }
  // Local time = UTC + offset, so UTC = local - offset.
  out = days * seconds_per_day + hour * 3600 + minute * 60 + second - offset_seconds;
  return time_parse_status::ok;
}

constexpr time_parse_status parse_compact_date(std::string_view text, std::int64_t& out) noexcept {
  if (text.empty()) return time_parse_status::empty;
  unsigned year = 0, month = 0, day = 0;
  if (text.size() != 8 || !detail::read_digits(text, 0, 4, year) || !detail::read_digits(text, 4, 2, month) ||
      !detail::read_digits(text, 6, 2, day))
    return time_parse_status::bad_syntax;
  std::int64_t days = 0;
  if (auto s = detail::finish_date(year, month, day, days); s != time_parse_status::ok) return s;
  out = days * seconds_per_day;
  return time_parse_status::ok;
}

constexpr time_parse_status parse_epoch_seconds(std::string_view text, std::int64_t& out) noexcept {
  if (text.empty()) return time_parse_status::empty;
  std::size_t pos = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    pos = 1;
  }
  if (pos == text.size()) return time_parse_status::bad_syntax;
  std::uint64_t value = 0;
  for (; pos < text.size(); ++pos) {
    if (!detail::is_digit(text[pos])) return time_parse_status::bad_syntax;
    // 18 digits always fit; past that, guard the multiply. Bound: 2^62 seconds.
    if (value > (std::uint64_t{1} << 62) / 10) return time_parse_status::out_of_range;
    value = value * 10 + static_cast<unsigned>(text[pos] - '0');
  }
  if (value > (std::uint64_t{1} << 62)) return time_parse_status::out_of_range;
  out = negative ? -static_cast<std::int64_t>(value) : static_cast<std::int64_t>(value);
  return time_parse_status::ok;
}

inline std::string format_iso_date(std::int64_t seconds) {
  const civil_date d = civil_from_days(floor_days(seconds));
  char buffer[32];
  const int n = __builtin_snprintf(buffer, sizeof buffer, "%04lld-%02u-%02u", static_cast<long long>(d.year), d.month, d.day);
  return std::string(buffer, static_cast<std::size_t>(n));
}

inline std::string format_iso8601(std::int64_t seconds) {
  const std::int64_t days = floor_days(seconds);
  const std::int64_t second_of_day = seconds - days * seconds_per_day;
  const civil_date d = civil_from_days(days);
  char buffer[48];
  const int n = __builtin_snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                                   static_cast<long long>(d.year), d.month, d.day,
                                   static_cast<long long>(second_of_day / 3600),
                                   static_cast<long long>(second_of_day / 60 % 60),
                                   static_cast<long long>(second_of_day % 60));
  return std::string(buffer, static_cast<std::size_t>(n));
}

CRMKIT_END_NAMESPACE
