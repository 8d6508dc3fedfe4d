// Decimal number parsing for the CSV reader: an exact fast path for the plain decimals
// CRM exports are made of, std::from_chars for everything else.
// IWYU pragma: private, include "crmkit/io/csv.hpp"
#pragma once

#ifndef CRMKIT_IO_CSV_HPP
#  error "crmkit/io/detail/csv_number.hpp is internal: include <crmkit/io/csv.hpp> instead"
#endif

#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

/// Why a numeric field did not parse.
enum class number_status : int {
  ok = 0,
  empty,         ///< the field is empty
  not_a_number,  ///< not of the shape [-+]digits[.digits][e[-+]digits]
  not_finite,    ///< "nan", "inf", "infinity" in any case, with or without a sign
  out_of_range,  ///< the magnitude overflows (or underflows to zero from) a double
};

/// A short English reason for `status`.
[[nodiscard]] constexpr const char* to_string(number_status status) noexcept {
  switch (status) {
    case number_status::ok: return "ok";
    case number_status::empty: return "empty field";
    case number_status::not_a_number: return "not a number";
    case number_status::not_finite: return "not a finite number";
    case number_status::out_of_range: return "number out of range";
  }
  return "unknown";
}

// Every power of ten up to 1e22 is exactly representable in a double (5^22 < 2^53).
inline constexpr double exact_powers_of_ten[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/// The plain decimals of 1 to 8 characters that money amounts are ("136.47", "5", ".5",
/// "12345.67": digits with at most one '.', at least one digit), read 8 bytes at a time:
/// the point is found and squeezed out, and the eight digit lanes are checked and
/// combined with three multiplies (the SWAR technique of Lemire's "Number parsing at a
/// gigabyte per second", 2021), with no branch per character. The value is then the one
/// parse_decimal's fast path computes (mantissa < 10^8 and 10^k exact: one correctly
/// rounded division). False, with `out` untouched, for any other text.
[[nodiscard]] inline bool parse_short_decimal(const char* p, std::size_t n, double& out) noexcept {
  if constexpr (std::endian::native != std::endian::little) {
    return false;  // the lane arithmetic below assumes the first byte in the low lane
  } else {
    if (n == 0 || n > 8) return false;
    // The n bytes in the low lanes, zeros above; only bytes of the text are read.
    std::uint64_t word;
    if (n >= 4) {
      std::uint32_t first, last;
      std::memcpy(&first, p, 4);
      std::memcpy(&last, p + n - 4, 4);
      word = std::uint64_t{first} | (std::uint64_t{last} << (8 * (n - 4)));  // overlap: same bytes
    } else {
      word = std::uint64_t{static_cast<unsigned char>(p[0])} |
             std::uint64_t{static_cast<unsigned char>(p[n / 2])} << (8 * (n / 2)) |
             std::uint64_t{static_cast<unsigned char>(p[n - 1])} << (8 * (n - 1));
    }
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t low7 = 0x7F7F7F7F7F7F7F7Full;
    // Lanes equal to '.' (exact zero-byte test; the zero lanes above n hold '.' ^ 0 != 0).
    const std::uint64_t x = word ^ (ones * '.');
    const std::uint64_t points = ~(((x & low7) + low7) | x | low7);
    std::uint64_t digits = word;
    std::size_t count = n;     // digit characters
    std::size_t fraction = 0;  // digits after the point
    if (points != 0) {
      if ((points & (points - 1)) != 0) return false;  // two points
      const auto at = static_cast<std::size_t>(std::countr_zero(points)) / 8;
      const std::uint64_t before = at == 0 ? 0 : (~std::uint64_t{0} >> (64 - 8 * at));
      digits = (word & before) | ((word >> 8) & ~before);  // the lanes after the point moved down one
      count = n - 1;
      fraction = n - 1 - at;
      if (count == 0) return false;  // "." alone
    }
    // Right-align the digits in the high lanes, '0' in the low ones (leading zeros).
    const std::uint64_t padded =
        (digits << (8 * (8 - count))) | (count == 8 ? 0 : (ones * '0') >> (8 * count));
    // Every lane a digit: its high nibble 3, and adding 6 keeps it there.
    constexpr std::uint64_t high_nibbles = 0xF0F0F0F0F0F0F0F0ull;
    if (((padded & high_nibbles) | (((padded + ones * 6) & high_nibbles) >> 4)) != ones * 0x33) return false;
    std::uint64_t v = padded - ones * '0';
    v = (v * 10) + (v >> 8);  // pairs of digits in every other lane
    v = (((v & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
         (((v >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >>
        32;
    double value = static_cast<double>(static_cast<std::uint32_t>(v));  // < 10^8: exact
    if (fraction != 0) value /= exact_powers_of_ten[fraction];
    out = value;
    return true;
  }
}

/// Parses a decimal number, correctly rounded (bit-identical to strtod in the C locale
/// for every input both accept and that does not over- or underflow).
///
/// Fast path (Clinger 1990, "How to read floating point numbers accurately"): for
/// `[-+]digits[.digits]` with at most 19 digits, a mantissa m <= 2^53 and k <= 22
/// fractional digits, m and 10^k are both exact doubles, so the single IEEE division
/// m / 10^k is the correctly rounded result. Anything else (more digits, exponents)
/// goes to std::from_chars, which is also correctly rounded. Unlike strtod this
/// rejects leading spaces, hexadecimal floats and every spelling of NaN and infinity.
[[nodiscard]] inline number_status parse_decimal(std::string_view text, double& out) noexcept {
  const char* p = text.data();
  const char* const end = p + text.size();
  if (p == end) return number_status::empty;
  bool negative = false;
  if (*p == '-' || *p == '+') {
    negative = *p == '-';
    ++p;
  }
  const char* const body = p;
  if (double value; parse_short_decimal(body, static_cast<std::size_t>(end - body), value)) {
    out = negative ? -value : value;
    return number_status::ok;
  }
  std::uint64_t mantissa = 0;
  // Past 19 digits the mantissa wraps around (well defined for unsigned); the digit count
  // below then routes the text to the slow path, which never looks at `mantissa`.
  while (p != end) {
    const unsigned digit = static_cast<unsigned>(static_cast<unsigned char>(*p)) - unsigned{'0'};
    if (digit > 9) break;
    mantissa = mantissa * 10 + digit;
    ++p;
  }
  const auto integer_digits = static_cast<std::size_t>(p - body);
  std::size_t fraction_digits = 0;
  if (p != end && *p == '.') {
    ++p;
    const char* const fraction = p;
    while (p != end) {
      const unsigned digit = static_cast<unsigned>(static_cast<unsigned char>(*p)) - unsigned{'0'};
      if (digit > 9) break;
      mantissa = mantissa * 10 + digit;
      ++p;
    }
    fraction_digits = static_cast<std::size_t>(p - fraction);
  }
  const std::size_t digits = integer_digits + fraction_digits;
  if (p == end && digits > 0 && digits <= 19 && mantissa <= (std::uint64_t{1} << 53) && fraction_digits <= 22) {
    double value = static_cast<double>(mantissa);  // exact: mantissa <= 2^53
    if (fraction_digits != 0) value /= exact_powers_of_ten[fraction_digits];
    out = negative ? -value : value;
    return number_status::ok;
  }

  // Slow path. from_chars accepts a leading '-' but no '+', so the sign was taken above;
  // a second sign ("+-5", "--5") is not a number.
  if (body == end || *body == '-' || *body == '+') return number_status::not_a_number;
  double value = 0;
  const auto [ptr, ec] = std::from_chars(body, end, value, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) return number_status::out_of_range;
  if (ec != std::errc{} || ptr != end) return number_status::not_a_number;
  if (!std::isfinite(value)) return number_status::not_finite;
  out = negative ? -value : value;
  return number_status::ok;
}

}  // namespace detail

CRMKIT_END_NAMESPACE
