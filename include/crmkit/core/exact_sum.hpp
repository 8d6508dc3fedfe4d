/// @file crmkit/core/exact_sum.hpp
/// `exact_sum`: a sum of doubles that does not depend on the order of its terms, and that
/// merges exactly (partial sums of partitions add up to the sum of the whole). Each term is
/// converted to a 128-bit fixed-point integer with 2^-72 resolution, so integer addition,
/// which is associative, does the summing; the result is rounded to double once.
///
/// `#include <crmkit/core/exact_sum.hpp>`
///
/// Thread safety: a plain value; not synchronized.
///
/// @code
/// crmkit::exact_sum a, b;
/// a.add(0.1); a.add(1e15); b.add(-1e15);
/// a.merge(b);
/// double total = a.value();   // 0.1 exactly as a double, in any order
/// @endcode
///
/// Semantics: each term keeps its bits down to 2^-72 (about 2.1e-22; lower bits are truncated
/// toward zero, the same way in every order), so every term of 2^-20 or more (any amount of
/// a currency) is exact and the value is the exactly rounded sum; a million terms of any size
/// add at most 2.1e-16 of absolute truncation error. The range is |sum| and |term| < 2^55
/// (about 3.6e16, beyond any customer's total in any currency); beyond it, or for a NaN or
/// infinite term, `ok()` turns false and value() is NaN.
/// Memory: 16 bytes plus a flag.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// An order-independent, mergeable exact sum (see the file comment).
class exact_sum {
 public:
  /// GCC/Clang's 128-bit integer (`__extension__`: accepted under -Wpedantic).
  __extension__ typedef __int128 int128;

  /// Fractional bits of the fixed-point accumulator.
  static constexpr int fraction_bits = 72;

  /// Adds one term.
  void add(double x) noexcept {
    int128 v = 0;
    if (!to_fixed(x, v)) {
      ok_ = false;
      return;
    }
    if (__builtin_add_overflow(acc_, v, &acc_)) ok_ = false;
  }
  /// Adds the terms of another sum.
  void merge(const exact_sum& other) noexcept {
    ok_ = ok_ && other.ok_;
    if (__builtin_add_overflow(acc_, other.acc_, &acc_)) ok_ = false;
  }
  /// The sum rounded to double (NaN when !ok()).
  [[nodiscard]] double value() const noexcept {
    return ok_ ? to_double(acc_) : std::numeric_limits<double>::quiet_NaN();
  }
  /// A fixed-point integer as the nearest double.
  [[nodiscard]] static double to_double(int128 fixed) noexcept {
    return std::ldexp(static_cast<double>(fixed), -fraction_bits);
  }
  /// False after a non-finite term or an overflow of the range.
  [[nodiscard]] bool ok() const noexcept { return ok_; }

  /// x * 2^72 truncated toward zero, from the IEEE-754 fields (no libgcc call per term);
  /// false for NaN, infinity or |x| >= 2^55. For accumulators that keep the raw integer
  /// (the RFM summary's 32-byte per-customer slot).
  static bool to_fixed(double x, int128& out) noexcept {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    const int exponent_field = static_cast<int>((bits >> 52) & 0x7ff);
    if (exponent_field == 0x7ff) return false;  // NaN or infinity
    std::uint64_t mantissa = bits & ((std::uint64_t{1} << 52) - 1);
    if (exponent_field != 0) mantissa |= std::uint64_t{1} << 52;
    // x = mantissa * 2^(e - 1075) (subnormals: e = 1); as fixed point: mantissa * 2^(e - 1075 + 72).
    const int shift = (exponent_field == 0 ? 1 : exponent_field) - 1075 + fraction_bits;
    int128 magnitude = 0;
    if (shift >= 0) {
      if (shift > 126 - 53) return false;  // |x| >= 2^55: out of range
      magnitude = static_cast<int128>(mantissa) << shift;
    } else if (shift > -64) {
      magnitude = static_cast<int128>(mantissa >> -shift);
    }
    out = (bits >> 63) ? -magnitude : magnitude;
    return true;
  }

 private:
  int128 acc_ = 0;
  bool ok_ = true;
};

CRMKIT_END_NAMESPACE
