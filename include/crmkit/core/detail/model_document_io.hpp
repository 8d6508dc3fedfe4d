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

}  // namespace detail
CRMKIT_END_NAMESPACE
