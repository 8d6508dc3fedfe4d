// UTF-8 checks for id fields, and printable renderings of bad bytes for messages.
// IWYU pragma: private, include "crmkit/io/csv.hpp"
#pragma once

#ifndef CRMKIT_IO_CSV_HPP
#  error "crmkit/io/detail/utf8.hpp is internal: include <crmkit/io/csv.hpp> instead"
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

/// The length of the well-formed UTF-8 sequence at p[0..n) (n > 0, p[0] >= 0x80), or 0
/// when it is not one (overlong forms, surrogates and code points past U+10FFFF included).
inline std::size_t utf8_sequence(const unsigned char* p, std::size_t n) noexcept {
  const unsigned c = p[0];
  std::size_t length;
  std::uint32_t code;
  std::uint32_t least;
  if ((c & 0xE0u) == 0xC0u) {
    length = 2, code = c & 0x1Fu, least = 0x80;
  } else if ((c & 0xF0u) == 0xE0u) {
    length = 3, code = c & 0x0Fu, least = 0x800;
  } else if ((c & 0xF8u) == 0xF0u) {
    length = 4, code = c & 0x07u, least = 0x10000;
  } else {
    return 0;
  }
  if (length > n) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((p[k] & 0xC0u) != 0x80u) return 0;
    code = (code << 6) | (p[k] & 0x3Fu);
  }
  if (code < least || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

/// True when `text` is valid UTF-8. ASCII text (the usual id) is checked 8 bytes at a time.
inline bool valid_utf8(std::string_view text) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, p + i, 8);
    if (word & 0x8080808080808080ull) break;
  }
  while (i < n) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence(p + i, n - i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

/// `text` with NUL bytes written `\0` and bytes that are not UTF-8 written `\xNN`, so
/// that a message about them stays printable text.
inline std::string escape_bytes(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (p[i] == 0) {
      out += "\\0";
      ++i;
    } else if (p[i] < 0x80) {
      out += static_cast<char>(p[i++]);
    } else if (const std::size_t length = utf8_sequence(p + i, text.size() - i); length > 0) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += fmt::format("\\x{:02X}", p[i++]);
    }
  }
  return out;
}

}  // namespace detail

CRMKIT_END_NAMESPACE
