// A small strict JSON (RFC 8259) reader for lifecycle model documents. Internal.
// Strict means: no comments, no trailing commas, no leading zeros, no NaN/Infinity,
// duplicate object keys rejected, control characters in strings rejected. Errors carry
// the line and column (1-based) of the offending character.
// IWYU pragma: private, include "crmkit/lifecycle/model.hpp"
#pragma once

#ifndef CRMKIT_LIFECYCLE_INTERNAL
#  error "crmkit/lifecycle/detail/json.hpp is internal; include crmkit/lifecycle.hpp"
#endif

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/config.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail::json {

enum class kind { null, boolean, number, string, array, object };

/// The deepest nesting of arrays and objects a document may have: the reader (and the
/// tree's destructor) recurse once per level, so the limit keeps any input off the end
/// of the stack. Model documents need 4 levels.
inline constexpr int max_nesting = 64;

struct member;

/// One JSON value; `line`/`column` locate where it starts in the document.
struct value {
  kind type = kind::null;
  bool boolean = false;
  double number = 0.0;
  std::string text;             // string value
  std::vector<value> items;     // array items
  std::vector<member> members;  // object members in document order
  std::size_t line = 1, column = 1;

  [[nodiscard]] const value* find(std::string_view key) const noexcept;
};

/// An object member. A struct of its own rather than std::pair<std::string, value>: a
/// pair of the still incomplete `value` inside `value` does not compile with clang and
/// libstdc++ 12 in C++20 (pair's constraints need a complete type).
struct member {
  std::string key;
  value val;
};

inline const value* value::find(std::string_view key) const noexcept {
  for (const auto& m : members)
    if (m.key == key) return &m.val;
  return nullptr;
}

[[nodiscard]] inline const char* kind_name(kind k) noexcept {
  switch (k) {
    case kind::null: return "null";
    case kind::boolean: return "a boolean";
    case kind::number: return "a number";
    case kind::string: return "a string";
    case kind::array: return "an array";
    case kind::object: return "an object";
  }
  return "?";
}

class parser {
 public:
  explicit parser(std::string_view text) : s_(text) {}

  value parse_document() {
    skip_ws();
    value v = parse_value(0);
    skip_ws();
    if (pos_ != s_.size()) fail("unexpected text after the JSON value");
    return v;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0, line_ = 1, line_start_ = 0;

  [[noreturn]] void fail(const std::string& why) const {
    throw error(errc::parse_error,
                fmt::format("JSON line {} column {}: {}", line_, pos_ - line_start_ + 1, why));
  }
  void skip_ws() {
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '\n') {
        ++pos_;
        ++line_;
        line_start_ = pos_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else {
        break;
      }
    }
  }
  value parse_value(int depth) {
    if (depth > max_nesting) fail(fmt::format("arrays and objects nested deeper than {} levels", max_nesting));
    if (pos_ >= s_.size()) fail("unexpected end of document, expected a value");
    value v;
    v.line = line_;
    v.column = pos_ - line_start_ + 1;
    const char c = s_[pos_];
    if (c == '{') {
      v.type = kind::object;
      ++pos_;
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return v;
      }
      for (;;) {
        skip_ws();
        if (pos_ >= s_.size() || s_[pos_] != '"') fail("expected a string key in an object");
        std::string key = parse_string();
        for (const auto& m : v.members)
          if (m.key == key) fail(fmt::format("duplicate key \"{}\"", key));
        skip_ws();
        if (pos_ >= s_.size() || s_[pos_] != ':') fail("expected ':' after an object key");
        ++pos_;
        skip_ws();
        value item = parse_value(depth + 1);
        v.members.push_back(member{std::move(key), std::move(item)});
        skip_ws();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == '}') {
          ++pos_;
          return v;
        }
        fail("expected ',' or '}' in an object");
      }
    }
    if (c == '[') {
      v.type = kind::array;
      ++pos_;
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return v;
      }
      for (;;) {
        skip_ws();
        v.items.push_back(parse_value(depth + 1));
        skip_ws();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == ']') {
          ++pos_;
          return v;
        }
        fail("expected ',' or ']' in an array");
      }
    }
    if (c == '"') {
      v.type = kind::string;
      v.text = parse_string();
      return v;
    }
    if (literal("true")) {
      v.type = kind::boolean;
      v.boolean = true;
      return v;
    }
    if (literal("false")) {
      v.type = kind::boolean;
      return v;
    }
    if (literal("null")) return v;
    if (c == '-' || (c >= '0' && c <= '9')) {
      v.type = kind::number;
      v.number = parse_number();
      return v;
    }
    fail(fmt::format("unexpected character '{}'", c));
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  double parse_number() {
    const std::size_t start = pos_;
    auto digit = [&] { return pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; };
    if (s_[pos_] == '-') ++pos_;
    if (!digit()) fail("expected a digit");
    if (s_[pos_] == '0') {
      ++pos_;
      if (digit()) fail("leading zeros are not allowed in JSON numbers");
    } else {
      while (digit()) ++pos_;
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!digit()) fail("expected a digit after '.'");
      while (digit()) ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digit()) fail("expected a digit in the exponent");
      while (digit()) ++pos_;
    }
    double out = 0.0;
    const auto r = std::from_chars(s_.data() + start, s_.data() + pos_, out);
    if (r.ec != std::errc()) fail("number out of range");
    return out;
  }
  unsigned hex4() {
    if (pos_ + 4 > s_.size()) fail("truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
      else fail("invalid hex digit in \\u escape");
    }
    return v;
  }
  static void put_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  std::string parse_string() {
    ++pos_;  // opening quote
    std::string out;
    for (;;) {
      if (pos_ >= s_.size()) fail("unterminated string");
      const char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string (escape it)");
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= s_.size()) fail("unterminated escape");
      const char e = s_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (pos_ + 2 > s_.size() || s_[pos_] != '\\' || s_[pos_ + 1] != 'u') fail("unpaired surrogate");
            pos_ += 2;
            const unsigned lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) fail("invalid low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail("unpaired surrogate");
          }
          put_utf8(out, cp);
          break;
        }
        default: fail(fmt::format("invalid escape '\\{}'", e));
      }
    }
  }
};

/// Parses a whole document. @throws crmkit::error (parse_error) with line and column.
[[nodiscard]] inline value parse(std::string_view text) { return parser(text).parse_document(); }

}  // namespace detail::json
CRMKIT_END_NAMESPACE
