// Decimal number parsing for the CSV reader: an exact fast path for the plain decimals
// CRM exports are made of, std::from_chars for everything else.
// IWYU pragma: private, include "crmkit/io/csv.hpp"
#pragma once

#ifndef CRMKIT_IO_CSV_HPP
#  error "crmkit/io/detail/csv_number.hpp is internal: include <crmkit/io/csv.hpp> instead"
#endif

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
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
