// Writer and reader of model documents (crmkit/core/model_document.hpp). Defined in
// src/core/model_document.cpp (the reader uses the lifecycle module's toml++ translation
// unit); compiled library only. Internal (crmkit::detail).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/fit_report.hpp"
#include "crmkit/core/option_table.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// Builds a document: the header (model, format, crmkit_version), then sections of keys.
class document_writer {
 public:
  explicit document_writer(std::string_view model);
  void section(std::string_view name);
  void number(std::string_view key, double value);
  void integer(std::string_view key, std::int64_t value);
  void boolean(std::string_view key, bool value);
  void text(std::string_view key, std::string_view value);
  void numbers(std::string_view key, std::span<const double> values);
  /// `key = [[...], [...]]`: rows of a row-major rows x cols matrix.
  void matrix(std::string_view key, std::span<const double> values, std::size_t rows, std::size_t cols);
  /// The [fit_report] section (standard errors named by `param_names`).
  void report(const fit_report& r);
  [[nodiscard]] std::string str() const { return s_; }

 private:
  std::string s_;
};

/// Reads a document; every accessor throws parse_error naming the line, the key and why.
class document_reader {
 public:
  /// Parses `text` and checks `model` (the expected kind) and `format`.
  document_reader(std::string_view text, std::string_view model);
  ~document_reader();
  document_reader(const document_reader&) = delete;
  document_reader& operator=(const document_reader&) = delete;

  [[nodiscard]] bool has_section(std::string_view section) const;
  /// Whether `section` has `key` (optional keys of newer documents).
  [[nodiscard]] bool has_key(std::string_view section, std::string_view key) const;
  /// A finite number (or any double with `finite` false).
  [[nodiscard]] double number(std::string_view section, std::string_view key, bool finite = true) const;
  /// A finite number > 0.
  [[nodiscard]] double positive(std::string_view section, std::string_view key) const;
  [[nodiscard]] std::int64_t integer(std::string_view section, std::string_view key, std::int64_t lo,
                                     std::int64_t hi) const;
  [[nodiscard]] bool boolean(std::string_view section, std::string_view key) const;
  [[nodiscard]] std::string text(std::string_view section, std::string_view key) const;
  /// An array of numbers, of exactly `size` items unless `size` is empty.
  [[nodiscard]] std::vector<double> numbers(std::string_view section, std::string_view key,
                                            std::optional<std::size_t> size, bool finite = true) const;
  /// An array of `rows` arrays of `cols` finite numbers, row-major.
  [[nodiscard]] std::vector<double> matrix(std::string_view section, std::string_view key, std::size_t rows,
                                           std::size_t cols) const;
  /// The [fit_report] section if present; `n_params` standard errors when it has them.
  [[nodiscard]] std::optional<fit_report> report(std::size_t n_params) const;
  /// Throws parse_error "model document: line L: section.key: why" (line of the key, or of
  /// the section when the key is missing).
  [[noreturn]] void fail(std::string_view section, std::string_view key, std::string_view why) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};


/// Writes every option of `o` under its option-table name (crmkit/core/option_table.hpp):
/// flags as booleans, integers and enumerations as integers, reals as numbers, strings as
/// text. The options of a model are described once, in its option table.
template <class Options>
void write_options(document_writer& w, const Options& o) {
  for (const auto& spec : option_table<Options>::entries) {
    switch (spec.kind) {
      case option_kind::flag: w.boolean(spec.name, spec.get_number(o) != 0.0); break;
      case option_kind::integer:
      case option_kind::enumeration: w.integer(spec.name, static_cast<std::int64_t>(spec.get_number(o))); break;
      case option_kind::real: w.number(spec.name, spec.get_number(o)); break;
      case option_kind::string: w.text(spec.name, spec.get_string(o)); break;
    }
  }
}

/// Reads every option of `Options` from `section`, each checked against its range as a
/// setter would check it; a bad value is a parse_error naming the line and the key.
template <class Options>
Options read_options(const document_reader& r, std::string_view section) {
  Options o{};
  for (const auto& spec : option_table<Options>::entries) {
    if (spec.kind == option_kind::string) {
      const auto v = r.text(section, spec.name);
      const auto length = static_cast<double>(v.size());
      if (length < spec.lo || length > spec.hi) r.fail(section, spec.name, "its length is out of range");
      spec.set_string(o, v);
      continue;
    }
    double v = 0;
    if (spec.kind == option_kind::flag) {
      v = r.boolean(section, spec.name) ? 1.0 : 0.0;
    } else if (spec.kind == option_kind::real) {
      v = r.number(section, spec.name);
    } else {
      const auto lo = spec.lo < -option_int_limit ? -option_int_limit : spec.lo;
      const auto hi = spec.hi > option_int_limit ? option_int_limit : spec.hi;
      v = static_cast<double>(r.integer(section, spec.name, static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi)));
    }
    try {
      detail::check_option_value(spec, v, "model document");
    } catch (const error& e) {
      r.fail(section, spec.name, e.what());
    }
    spec.set_number(o, v);
  }
  return o;
}

}  // namespace detail
CRMKIT_END_NAMESPACE
