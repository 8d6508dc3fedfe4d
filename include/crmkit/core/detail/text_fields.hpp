// Strings as JSON string literals (RFC 8259 escapes) and as CSV fields (RFC 4180 quoting), for
// the few places that write such text: the report's chart data, the command line's output and
// the C ABI's score report. Internal (crmkit::detail).
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// Appends `text` to `out` as a quoted JSON string.
inline void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (char ch : text) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned>(ch));
        else out += ch;
    }
  }
  out += '"';
}

/// `text` as a quoted JSON string.
inline std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

/// Appends `text` to `out` as a CSV field: as is, or quoted (quotes doubled) when it holds a
/// comma, a quote or a line break.
inline void append_csv_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

/// `text` as a CSV field.
inline std::string csv_field(std::string_view text) {
  std::string out;
  append_csv_field(out, text);
  return out;
}

}  // namespace detail
CRMKIT_END_NAMESPACE
