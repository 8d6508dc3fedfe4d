/// @file crmkit/core/exact_sum.hpp
/// `exact_sum`: a sum of doubles that does not depend on the order of its terms, and that
/// merges exactly (partial sums of partitions add up to the sum of the whole). Each term is
/// converted to a 128-bit fixed-point integer with 2^-60 resolution, so integer addition,
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
/// Semantics: terms with |x| < 2^-60 (about 8.7e-19) lose the bits below 2^-60 (truncated
/// toward zero, the same way for every order); otherwise the value is the exactly rounded
/// sum, which is at least as accurate as Kahan's compensated sum. The range is |sum| and
/// |term| < 2^67 (about 1.47e20, far beyond any currency total); beyond it, or for a NaN or
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
  // GCC/Clang's 128-bit integer (`__extension__`: accepted under -Wpedantic).
  __extension__ typedef __int128 int128;

 public:
  /// Fractional bits of the fixed-point accumulator.
  static constexpr int fraction_bits = 60;

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
    if (!ok_) return std::numeric_limits<double>::quiet_NaN();
    return std::ldexp(static_cast<double>(acc_), -fraction_bits);
  }
  /// False after a non-finite term or an overflow of the range.
  [[nodiscard]] bool ok() const noexcept { return ok_; }

 private:
  // x * 2^60 truncated toward zero, from the IEEE-754 fields (no libgcc call per term).
  static bool to_fixed(double x, int128& out) noexcept {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    const int exponent_field = static_cast<int>((bits >> 52) & 0x7ff);
    if (exponent_field == 0x7ff) return false;  // NaN or infinity
    std::uint64_t mantissa = bits & ((std::uint64_t{1} << 52) - 1);
    if (exponent_field != 0) mantissa |= std::uint64_t{1} << 52;
    // x = mantissa * 2^(e - 1075) (subnormals: e = 1); as fixed point: mantissa * 2^(e - 1075 + 60).
    const int shift = (exponent_field == 0 ? 1 : exponent_field) - 1075 + fraction_bits;
    int128 magnitude = 0;
    if (shift >= 0) {
      if (shift > 126 - 53) return false;  // |x| >= 2^67: out of range
      magnitude = static_cast<int128>(mantissa) << shift;
    } else if (shift > -64) {
      magnitude = static_cast<int128>(mantissa >> -shift);
    }
    out = (bits >> 63) ? -magnitude : magnitude;
    return true;
  }

  int128 acc_ = 0;
  bool ok_ = true;
};

CRMKIT_END_NAMESPACE
