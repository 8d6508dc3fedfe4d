// Model documents (crmkit/core/model_document.hpp): the writer, and the reader over the TOML
// tree of the lifecycle module's toml++ translation unit (detail/toml_document.hpp), so that
// toml++ is compiled in one place only.
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "crmkit/core/detail/model_document_io.hpp"
#include "crmkit/core/model_document.hpp"
#include "crmkit/error.hpp"
#include "crmkit/version.h"

#define CRMKIT_LIFECYCLE_INTERNAL 1
#include "crmkit/lifecycle/detail/json.hpp"
#include "crmkit/lifecycle/detail/toml_document.hpp"
#undef CRMKIT_LIFECYCLE_INTERNAL

CRMKIT_BEGIN_NAMESPACE
namespace detail {

namespace {

constexpr std::int64_t document_format = 1;

// 17 significant digits read back to the same double; a '.' or an exponent keeps it a
// TOML float (so -0.0 survives); nan and inf as TOML spells them.
void append_double(std::string& s, double v) {
  if (std::isnan(v)) {
    s += "nan";
    return;
  }
  if (std::isinf(v)) {
    s += v > 0 ? "inf" : "-inf";
    return;
  }
  const std::size_t start = s.size();
  fmt::format_to(std::back_inserter(s), "{:.17g}", v);
  if (s.find_first_of(".e", start) == std::string::npos) s += ".0";
}

void append_toml_string(std::string& s, std::string_view text) {
  s += '"';
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': s += "\\\""; break;
      case '\\': s += "\\\\"; break;
      case '\n': s += "\\n"; break;
      case '\t': s += "\\t"; break;
      case '\r': s += "\\r"; break;
      default:
        if (u < 0x20 || u == 0x7f) fmt::format_to(std::back_inserter(s), "\\u{:04X}", static_cast<unsigned>(u));
        else s += c;
    }
  }
  s += '"';
}

}  // namespace

document_writer::document_writer(std::string_view model) {
  s_ = "# crmkit model document (crmkit/core/model_document.hpp)\nmodel = ";
  append_toml_string(s_, model);
  s_ += fmt::format("\nformat = {}\ncrmkit_version = ", document_format);
  append_toml_string(s_, CRMKIT_VERSION_STRING);
  s_ += '\n';
}

void document_writer::section(std::string_view name) { s_ += fmt::format("\n[{}]\n", name); }

void document_writer::number(std::string_view key, double value) {
  s_ += key;
  s_ += " = ";
  append_double(s_, value);
  s_ += '\n';
}

void document_writer::integer(std::string_view key, std::int64_t value) { s_ += fmt::format("{} = {}\n", key, value); }

void document_writer::boolean(std::string_view key, bool value) {
  s_ += fmt::format("{} = {}\n", key, value ? "true" : "false");
}

void document_writer::text(std::string_view key, std::string_view value) {
  s_ += key;
  s_ += " = ";
  append_toml_string(s_, value);
  s_ += '\n';
}

void document_writer::numbers(std::string_view key, std::span<const double> values) {
  s_ += key;
  s_ += " = [";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) s_ += ", ";
    append_double(s_, values[i]);
  }
  s_ += "]\n";
}

void document_writer::matrix(std::string_view key, std::span<const double> values, std::size_t rows,
                             std::size_t cols) {
  s_ += key;
  s_ += " = [\n";
  for (std::size_t r = 0; r < rows; ++r) {
    s_ += "  [";
    for (std::size_t c = 0; c < cols; ++c) {
      if (c) s_ += ", ";
      append_double(s_, values[r * cols + c]);
    }
    s_ += "],\n";
  }
  s_ += "]\n";
}

void document_writer::report(const fit_report& r) {
  section("fit_report");
  text("status", status_name(r.status));
  integer("iterations", r.iterations);
  number("objective", r.objective);
  number("gradient_norm", r.gradient_norm);
  text("message", r.message);
  integer("evaluations", r.evaluations);
  integer("n_rows", static_cast<std::int64_t>(r.n_rows));
  integer("n_groups", static_cast<std::int64_t>(r.n_groups));
  number("log_likelihood", r.log_likelihood);
  numbers("standard_errors", r.standard_errors);
  // Written only when present, so documents of fits without it stay as they were.
  if (!r.covariance.empty()) numbers("covariance", r.covariance);
  // The diagnostics of issue 17, likewise only when they say something.
  if (!std::isnan(r.hessian_condition)) number("hessian_condition", r.hessian_condition);
  if (!r.standard_errors_note.empty()) text("standard_errors_note", r.standard_errors_note);
  if (r.n_starts != 1 || r.best_start != 0) {
    integer("n_starts", r.n_starts);
    integer("best_start", r.best_start);
  }
  if (r.fallback_used) boolean("fallback_used", true);
}

struct document_reader::impl {
  json::value root;
  std::string model;
};

namespace {

using json::kind;
using json::value;

const value* section_of(const value& root, std::string_view section) {
  if (section.empty()) return &root;
  const value* s = root.find(section);
  return s != nullptr && s->type == kind::object ? s : nullptr;
}

std::string key_name(std::string_view section, std::string_view key) {
  return section.empty() ? std::string(key) : fmt::format("{}.{}", section, key);
}

}  // namespace

document_reader::document_reader(std::string_view text, std::string_view model) : impl_(std::make_unique<impl>()) {
  try {
    impl_->root = toml_document(text, "model document");
  } catch (const error& e) {  // toml++'s own messages do not all carry the context
    const std::string_view what = e.what();
    if (what.starts_with("model document")) throw;
    throw error(e.code(), fmt::format("model document: {}", what));
  }
  if (impl_->root.type != kind::object) fail("", "model", "the document is not a TOML table");
  impl_->model = this->text("", "model");
  const auto format = integer("", "format", 0, std::numeric_limits<std::int32_t>::max());
  if (format != document_format)
    fail("", "format", fmt::format("format {} is not supported (this reader knows format {})", format, document_format));
  (void)this->text("", "crmkit_version");
  if (!model.empty() && impl_->model != model)
    fail("", "model", fmt::format("the document holds a '{}' model, not a '{}' one", impl_->model, model));
}

document_reader::~document_reader() = default;

void document_reader::fail(std::string_view section, std::string_view key, std::string_view why) const {
  std::size_t line = 0;
  if (const value* s = section_of(impl_->root, section)) {
    if (const value* v = s->find(key)) line = v->line;
    else if (!section.empty()) line = s->line;
  }
  if (line > 0)
    throw error(errc::parse_error, fmt::format("model document: line {}: {}: {}", line, key_name(section, key), why));
  throw error(errc::parse_error, fmt::format("model document: {}: {}", key_name(section, key), why));
}

bool document_reader::has_section(std::string_view section) const {
  return section_of(impl_->root, section) != nullptr;
}

bool document_reader::has_key(std::string_view section, std::string_view key) const {
  const value* sec = section_of(impl_->root, section);
  return sec != nullptr && sec->find(key) != nullptr;
}

namespace {
const value& need(const document_reader& r, const value& root, std::string_view section, std::string_view key,
                  kind type) {
  const value* s = section_of(root, section);
  if (s == nullptr) r.fail(section, key, fmt::format("the section [{}] is missing", section));
  const value* v = s->find(key);
  if (v == nullptr) r.fail(section, key, "the key is missing");
  if (v->type != type) r.fail(section, key, fmt::format("expected {}, found {}", json::kind_name(type), json::kind_name(v->type)));
  return *v;
}
}  // namespace

double document_reader::number(std::string_view section, std::string_view key, bool finite) const {
  const double v = need(*this, impl_->root, section, key, kind::number).number;
  if (finite && !std::isfinite(v)) fail(section, key, fmt::format("{} is not finite", v));
  return v;
}

double document_reader::positive(std::string_view section, std::string_view key) const {
  const double v = number(section, key);
  if (!(v > 0)) fail(section, key, fmt::format("{} must be > 0", v));
  return v;
}

std::int64_t document_reader::integer(std::string_view section, std::string_view key, std::int64_t lo,
                                      std::int64_t hi) const {
  const double v = need(*this, impl_->root, section, key, kind::number).number;
  if (!(v == std::floor(v)) || v < static_cast<double>(lo) || v > static_cast<double>(hi))
    fail(section, key, fmt::format("{} is not a whole number in [{}, {}]", v, lo, hi));
  return static_cast<std::int64_t>(v);
}

bool document_reader::boolean(std::string_view section, std::string_view key) const {
  return need(*this, impl_->root, section, key, kind::boolean).boolean;
}

std::string document_reader::text(std::string_view section, std::string_view key) const {
  return need(*this, impl_->root, section, key, kind::string).text;
}

std::vector<double> document_reader::numbers(std::string_view section, std::string_view key,
                                             std::optional<std::size_t> size, bool finite) const {
  const value& a = need(*this, impl_->root, section, key, kind::array);
  if (size && a.items.size() != *size)
    fail(section, key, fmt::format("{} values, expected {}", a.items.size(), *size));
  std::vector<double> out;
  out.reserve(a.items.size());
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    const value& item = a.items[i];
    if (item.type != kind::number) fail(section, key, fmt::format("item {} is {}, not a number", i, json::kind_name(item.type)));
    if (finite && !std::isfinite(item.number)) fail(section, key, fmt::format("item {} is not finite", i));
    out.push_back(item.number);
  }
  return out;
}

std::vector<double> document_reader::matrix(std::string_view section, std::string_view key, std::size_t rows,
                                            std::size_t cols) const {
  const value& a = need(*this, impl_->root, section, key, kind::array);
  if (a.items.size() != rows) fail(section, key, fmt::format("{} rows, expected {}", a.items.size(), rows));
  std::vector<double> out;  // grown row by row: rows x cols comes from the document
  for (std::size_t r = 0; r < rows; ++r) {
    const value& row = a.items[r];
    if (row.type != kind::array || row.items.size() != cols)
      fail(section, key, fmt::format("row {} is not an array of {} numbers", r, cols));
    for (std::size_t c = 0; c < cols; ++c) {
      const value& item = row.items[c];
      if (item.type != kind::number || !std::isfinite(item.number))
        fail(section, key, fmt::format("row {} item {} is not a finite number", r, c));
      out.push_back(item.number);
    }
  }
  return out;
}

std::optional<fit_report> document_reader::report(std::size_t n_params) const {
  if (!has_section("fit_report")) return std::nullopt;
  constexpr std::string_view s = "fit_report";
  fit_report r;
  const auto name = text(s, "status");
  const auto status = fit_status_from_name(name);
  if (!status)
    fail(s, "status", fmt::format("'{}' is not converged, boundary, iteration_limit or numerical_failure", name));
  r.status = *status;
  constexpr auto int_max = std::numeric_limits<int>::max();
  r.iterations = static_cast<int>(integer(s, "iterations", 0, int_max));
  r.objective = number(s, "objective", false);
  r.gradient_norm = number(s, "gradient_norm", false);
  r.message = text(s, "message");
  r.evaluations = static_cast<int>(integer(s, "evaluations", 0, int_max));
  constexpr std::int64_t big = std::int64_t{1} << 53;
  r.n_rows = static_cast<std::size_t>(integer(s, "n_rows", 0, big));
  r.n_groups = static_cast<std::size_t>(integer(s, "n_groups", 0, big));
  r.log_likelihood = number(s, "log_likelihood", false);
  r.standard_errors = numbers(s, "standard_errors", std::nullopt, false);
  if (!r.standard_errors.empty() && r.standard_errors.size() != n_params)
    fail(s, "standard_errors", fmt::format("{} values, expected 0 or {}", r.standard_errors.size(), n_params));
  if (const value* sec = section_of(impl_->root, s); sec != nullptr && sec->find("covariance") != nullptr) {
    r.covariance = numbers(s, "covariance", n_params * n_params, false);
  }
  if (has_key(s, "hessian_condition")) {
    r.hessian_condition = number(s, "hessian_condition", false);
    if (!(r.hessian_condition >= 1) && !std::isnan(r.hessian_condition))
      fail(s, "hessian_condition", "a condition number is >= 1 (or nan)");
  }
  if (has_key(s, "standard_errors_note")) r.standard_errors_note = text(s, "standard_errors_note");
  if (has_key(s, "n_starts")) {
    r.n_starts = static_cast<int>(integer(s, "n_starts", 1, 1000));
    r.best_start = static_cast<int>(integer(s, "best_start", 0, r.n_starts - 1));
  }
  if (has_key(s, "fallback_used")) r.fallback_used = boolean(s, "fallback_used");
  return r;
}

}  // namespace detail

std::string model_document_kind(std::string_view text) {
  const detail::document_reader reader(text, "");
  return reader.text("", "model");
}

CRMKIT_END_NAMESPACE
