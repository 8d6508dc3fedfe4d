/// @file crmkit/core/option_table.hpp
/// One description per options struct, from which the C setters, getters and bounds
/// queries, the Python keyword defaults and the C++ validation are all derived.
///
/// Each options struct (kmeans_options, logistic_options, fit_options, csv_read_options)
/// has an `option_table<Options>` specialisation beside it: one `option_spec` per
/// option with its C key (the value of the C header's `#define`), its name (the C++
/// field name == the C constant's suffix lowercased == the Python keyword), its kind,
/// its range [lo, hi] and a one-line doc. The default is never written in the table: it
/// is read from a default-constructed `Options{}`. The generic functions below set and
/// get an option by key with the range check, report its bounds (zstd's
/// `ZSTD_cParam_getBounds`) and validate a whole struct; the C++ fitters call
/// `validate_options`, so validation lives in C++ only and the C layer adds none of its
/// own. docs/architecture.md ("Bindings from one description") says why this is a
/// table of accessor functions built by one macro rather than a generator.
///
/// The thread rule lives here too: every `n_threads` is an `int` in [1, max_threads],
/// checked by `check_n_threads`.
///
/// `#include <crmkit/core/option_table.hpp>`
///
/// Thread safety: stateless; safe (the tables are constexpr constants).
///
/// @code
/// crmkit::kmeans_options o;
/// crmkit::set_option(o, 7 /* CRMKIT_KMEANS_N_THREADS */, std::int64_t{4}, "example");
/// const crmkit::option_bounds b = crmkit::option_bounds_of<crmkit::kmeans_options>(7);
/// // b.lo == 1, b.hi == crmkit::max_threads, b.default_value == 1
/// crmkit::validate_options(o, "example");  // throws crmkit::error naming the option
/// @endcode
///
/// Semantics vs reference: zstd's `ZSTD_CCtx_setParameter` / `ZSTD_cParam_getBounds`
/// (one integer key per parameter, a bounds query, out-of-range values rejected, never
/// clamped).
///
/// Memory: none; the tables are static constants, the functions allocate only the text of
/// an error message.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

#include "crmkit/config.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The largest `n_threads` any crmkit call accepts: one rule for every module.
inline constexpr int max_threads = 1024;

/// Throws crmkit::error (invalid_argument) unless 1 <= n_threads <= max_threads:
/// "where: n_threads = 0 is outside [1, 1024]".
inline void check_n_threads(std::int64_t n_threads, std::string_view where) {
  if (n_threads < 1 || n_threads > max_threads)
    throw error(errc::invalid_argument,
                fmt::format("{}: n_threads = {} is outside [1, {}]", where, n_threads, max_threads));
}

/// What an option holds, and so which C setter takes it.
enum class option_kind : int {
  integer = 0,      ///< a whole number (C: `_set_int`)
  real = 1,         ///< a finite double (C: `_set_double`)
  enumeration = 2,  ///< one of the named constants lo..hi (C: `_set_int`)
  string = 3,       ///< UTF-8 text; lo and hi bound its length in bytes (C: `_set_string`)
  flag = 4,         ///< 0 or 1 (C: `_set_int`)
};

/// Static English name of a kind ("integer", ...).
constexpr const char* to_string(option_kind kind) noexcept {
  switch (kind) {
    case option_kind::integer: return "integer";
    case option_kind::real: return "real";
    case option_kind::enumeration: return "enumeration";
    case option_kind::string: return "string";
    case option_kind::flag: return "flag";
  }
  return "unknown";
}

/// A bounds query's answer: the closed range and the default (NaN for a string option).
struct option_bounds {
  double lo = 0;
  double hi = 0;
  double default_value = 0;
};

/// The largest whole number a double holds exactly (2^53): the bound of every integer
/// option that has no narrower one, so that lo, hi and the default cross a bounds query
/// without rounding.
inline constexpr double option_int_limit = 9007199254740992.0;

/// The smallest positive double: the `lo` of an option that must be > 0.
inline constexpr double option_positive = std::numeric_limits<double>::denorm_min();

/// The largest finite double: the `hi` of a real option bounded only by finiteness.
inline constexpr double option_finite = std::numeric_limits<double>::max();

/// One option of `Options`. Built by CRMKIT_OPTION / CRMKIT_OPTION_AT /
/// CRMKIT_OPTION_STRING_AT, which write the accessors.
template <class Options>
struct option_spec {
  std::int32_t key;       ///< the C constant's value
  std::string_view name;  ///< the C++ field == C constant suffix lowercased == Python keyword
  option_kind kind;
  double lo;              ///< smallest value (string: shortest length)
  double hi;              ///< largest value (string: longest length)
  std::string_view doc;   ///< one line
  double (*get_number)(const Options&);            ///< numeric kinds; null for strings
  void (*set_number)(Options&, double);            ///< numeric kinds; the value already checked
  const std::string& (*get_string)(const Options&);  ///< string kind; null otherwise
  void (*set_string)(Options&, std::string_view);  ///< string kind; null otherwise
  /// A value inside [lo, hi] that is still invalid, with why ("a line break"); null
  /// when every value in the range is valid.
  const char* (*excluded)(double value) = nullptr;

  [[nodiscard]] constexpr bool is_string() const noexcept { return kind == option_kind::string; }
};

/// Specialised beside each options struct: `static constexpr std::string_view c_prefix`
/// ("CRMKIT_KMEANS_") and `static constexpr std::array<option_spec<Options>, N> entries`.
template <class Options>
struct option_table;

namespace detail {

// "an integer option (a whole number)": the kind in an error message that names the setter to use.
constexpr const char* kind_phrase(option_kind kind) noexcept {
  switch (kind) {
    case option_kind::integer: return "an integer option (a whole number)";
    case option_kind::real: return "a real option";
    case option_kind::enumeration: return "an enumeration option (one of its named constants)";
    case option_kind::string: return "a string option";
    case option_kind::flag: return "a flag option (0 or 1)";
  }
  return "an option of unknown kind";
}

template <class T>
constexpr double option_to_number(const T& field) noexcept {
  if constexpr (std::is_enum_v<T>)
    return static_cast<double>(static_cast<std::underlying_type_t<T>>(field));
  else if constexpr (std::is_same_v<T, bool>)
    return field ? 1.0 : 0.0;
  else
    return static_cast<double>(field);
}

template <class T>
constexpr void option_from_number(T& field, double value) noexcept {
  if constexpr (std::is_enum_v<T>)
    field = static_cast<T>(static_cast<std::underlying_type_t<T>>(value));
  else if constexpr (std::is_same_v<T, bool>)
    field = value != 0.0;
  else
    field = static_cast<T>(value);
}

template <class Options>
[[noreturn]] void unknown_option(std::int32_t key, std::string_view where) {
  throw error(errc::invalid_argument, fmt::format("{}: unknown option key {} (no {}* constant has this value)",
                                                  where, key, option_table<Options>::c_prefix));
}

// The accessor to use instead: "crmkit_kmeans_set_int" + "set_double" ->
// "crmkit_kmeans_set_double"; a C++ caller's `where` gets "_set_double".
inline std::string sibling_function(std::string_view where, std::string_view verb) {
  for (const std::string_view stem : {"_set_", "_get_"}) {
    const auto at = where.rfind(stem);
    if (at != std::string_view::npos) return fmt::format("{}_{}", where.substr(0, at), verb);
  }
  return fmt::format("_{}", verb);
}

// "CRMKIT_KMEANS_" + "N_THREADS".
template <class Options>
std::string c_name_of(const option_spec<Options>& spec) {
  std::string name(option_table<Options>::c_prefix);
  for (const char c : spec.name) name += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return name;
}

inline std::string option_range_text(double lo, double hi) {
  if (lo == option_positive) return hi == option_finite ? "a finite number > 0" : fmt::format("in (0, {}]", hi);
  if (hi == option_finite) return fmt::format("a finite number >= {}", lo);
  return fmt::format("in [{}, {}]", lo, hi);
}

template <class Options>
[[noreturn]] void option_out_of_range(const option_spec<Options>& spec, std::string_view value,
                                      std::string_view where, const char* why = nullptr) {
  if (why != nullptr)
    throw error(errc::invalid_argument, fmt::format("{}: {} = {} is invalid ({}); it must be {} and not {}", where,
                                                    c_name_of(spec), value, spec.name, option_range_text(spec.lo, spec.hi), why));
  throw error(errc::invalid_argument, fmt::format("{}: {} = {} is outside the range of {}: it must be {}", where,
                                                  c_name_of(spec), value, spec.name,
                                                  option_range_text(spec.lo, spec.hi)));
}

// Throws unless `value` is a valid value of `spec` (numeric kinds).
template <class Options>
void check_option_value(const option_spec<Options>& spec, double value, std::string_view where) {
  if (!(value >= spec.lo && value <= spec.hi)) option_out_of_range(spec, fmt::format("{}", value), where);
  if (spec.kind != option_kind::real && value != std::floor(value))
    option_out_of_range(spec, fmt::format("{}", value), where, "a fraction");
  if (spec.excluded != nullptr) {
    if (const char* why = spec.excluded(value)) option_out_of_range(spec, fmt::format("{}", value), where, why);
  }
}

}  // namespace detail

/// The entry of `key`, or nullptr.
template <class Options>
constexpr const option_spec<Options>* find_option(std::int32_t key) noexcept {
  for (const auto& spec : option_table<Options>::entries)
    if (spec.key == key) return &spec;
  return nullptr;
}

/// The entry named `name` (the C++ field / Python keyword), or nullptr.
template <class Options>
constexpr const option_spec<Options>* find_option(std::string_view name) noexcept {
  for (const auto& spec : option_table<Options>::entries)
    if (spec.name == name) return &spec;
  return nullptr;
}

/// The entry of `key`.
/// @throws crmkit::error (invalid_argument) for a key no entry has, naming `where`.
template <class Options>
const option_spec<Options>& option_at(std::int32_t key, std::string_view where) {
  const auto* spec = find_option<Options>(key);
  if (spec == nullptr) detail::unknown_option<Options>(key, where);
  return *spec;
}

/// Checks `value` against the range of the option named `name` (for a free function
/// that takes the same quantity as an argument, such as a seed).
/// @throws crmkit::error (invalid_argument) as set_option; (generic) for an unknown name.
template <class Options>
void check_option_value(std::string_view name, double value, std::string_view where) {
  const auto* spec = find_option<Options>(name);
  if (spec == nullptr)
    throw error(errc::generic, fmt::format("{}: no option named {} (internal error)", where, name));
  detail::check_option_value(*spec, value, where);
}

/// The C constant's name of an entry ("CRMKIT_KMEANS_N_THREADS").
template <class Options>
std::string option_c_name(const option_spec<Options>& spec) {
  return detail::c_name_of(spec);
}

/// Sets the integer-valued option `key` (integer, enumeration or flag) to `value`.
/// @throws crmkit::error (invalid_argument): unknown key, a real or string option (the
///         message names the setter to use), a value outside [lo, hi] or excluded; the
///         message names the C constant, the value and the range. `o` is unchanged then.
template <class Options>
void set_option(Options& o, std::int32_t key, std::int64_t value, std::string_view where) {
  const auto& spec = option_at<Options>(key, where);
  if (spec.kind == option_kind::real || spec.is_string())
    throw error(errc::invalid_argument,
                fmt::format("{}: {} is {}; use {}", where, option_c_name(spec), detail::kind_phrase(spec.kind),
                            detail::sibling_function(where, spec.is_string() ? "set_string" : "set_double")));
  // Compared as integers where the bound is one (a double rounds 2^53 + 1 to 2^53).
  const bool below = spec.lo >= -option_int_limit ? value < static_cast<std::int64_t>(spec.lo)
                                                  : static_cast<double>(value) < spec.lo;
  const bool above = spec.hi <= option_int_limit ? value > static_cast<std::int64_t>(spec.hi)
                                                 : static_cast<double>(value) > spec.hi;
  if (below || above) detail::option_out_of_range(spec, fmt::format("{}", value), where);
  detail::check_option_value(spec, static_cast<double>(value), where);
  spec.set_number(o, static_cast<double>(value));
}

/// Sets the real option `key` to `value`. Throws as the integer overload (a NaN or
/// infinite value is outside every range).
template <class Options>
void set_option(Options& o, std::int32_t key, double value, std::string_view where) {
  const auto& spec = option_at<Options>(key, where);
  if (spec.kind != option_kind::real)
    throw error(errc::invalid_argument,
                fmt::format("{}: {} is {}; use {}", where, option_c_name(spec), detail::kind_phrase(spec.kind),
                            detail::sibling_function(where, spec.is_string() ? "set_string" : "set_int")));
  detail::check_option_value(spec, value, where);
  spec.set_number(o, value);
}

/// Sets the string option `key` to `value` (its length in bytes within [lo, hi]).
/// Throws as the integer overload.
template <class Options>
void set_option(Options& o, std::int32_t key, std::string_view value, std::string_view where) {
  const auto& spec = option_at<Options>(key, where);
  if (!spec.is_string())
    throw error(errc::invalid_argument,
                fmt::format("{}: {} is {}; use {}", where, option_c_name(spec), detail::kind_phrase(spec.kind),
                            detail::sibling_function(where, spec.kind == option_kind::real ? "set_double" : "set_int")));
  const auto n = static_cast<double>(value.size());
  if (!(n >= spec.lo && n <= spec.hi))
    throw error(errc::invalid_argument,
                fmt::format("{}: {} = '{}' has {} bytes; {} must have {} to {} bytes{}", where, option_c_name(spec),
                            value.substr(0, 200), value.size(), spec.name, spec.lo, spec.hi,
                            spec.lo > 0 ? " (it names a required column)" : ""));
  spec.set_string(o, value);
}

/// The value of the integer-valued option `key` (integer, enumeration or flag).
/// @throws crmkit::error (invalid_argument): unknown key, or a real or string option (the
///         message names the getter to use).
template <class Options>
std::int64_t get_int_option(const Options& o, std::int32_t key, std::string_view where) {
  const auto& spec = option_at<Options>(key, where);
  if (spec.kind == option_kind::real || spec.is_string())
    throw error(errc::invalid_argument, fmt::format("{}: {} is {}; use {}", where, option_c_name(spec),
                                                    detail::kind_phrase(spec.kind),
                                                    detail::sibling_function(where, spec.is_string() ? "get_string" : "get_double")));
  return static_cast<std::int64_t>(spec.get_number(o));
}

/// The value of the real option `key`. @throws as get_int_option for another kind.
template <class Options>
double get_real_option(const Options& o, std::int32_t key, std::string_view where) {
  const auto& spec = option_at<Options>(key, where);
  if (spec.kind != option_kind::real)
    throw error(errc::invalid_argument, fmt::format("{}: {} is {}; use {}", where, option_c_name(spec),
                                                    detail::kind_phrase(spec.kind),
                                                    detail::sibling_function(where, spec.is_string() ? "get_string" : "get_int")));
  return spec.get_number(o);
}

/// The value of the string option `key`. @throws as get_option for a numeric option.
template <class Options>
const std::string& get_string_option(const Options& o, std::int32_t key, std::string_view where) {
  const auto& spec = option_at<Options>(key, where);
  if (!spec.is_string())
    throw error(errc::invalid_argument, fmt::format("{}: {} is {}, not a string; use the integer or double getter", where,
                                                    option_c_name(spec), detail::kind_phrase(spec.kind)));
  return spec.get_string(o);
}

/// lo, hi and the default (from `Options{}`; NaN for a string option, whose lo and hi
/// bound the length) of option `key`. @throws crmkit::error (invalid_argument) for an
/// unknown key.
template <class Options>
option_bounds option_bounds_of(std::int32_t key, std::string_view where = "option_bounds_of") {
  const auto& spec = option_at<Options>(key, where);
  const Options defaults{};
  return {spec.lo, spec.hi,
          spec.is_string() ? std::numeric_limits<double>::quiet_NaN() : spec.get_number(defaults)};
}

/// Checks every option of `o` against its range (string lengths too); the fitters call
/// this first, so a struct filled field by field in C++ is held to the same rules as the
/// C setters. Stops at the first invalid option.
/// @throws crmkit::error (invalid_argument) naming `where`, the C constant, the value and
///         the range.
template <class Options>
void validate_options(const Options& o, std::string_view where) {
  for (const auto& spec : option_table<Options>::entries) {
    if (spec.is_string()) {
      const auto n = static_cast<double>(spec.get_string(o).size());
      if (!(n >= spec.lo && n <= spec.hi))
        throw error(errc::invalid_argument, fmt::format("{}: {} ({}) has {} bytes; it must have {} to {}", where,
                                                        spec.name, option_c_name(spec), spec.get_string(o).size(),
                                                        spec.lo, spec.hi));
    } else {
      detail::check_option_value(spec, spec.get_number(o), where);
    }
  }
}

CRMKIT_END_NAMESPACE

/// One numeric option whose C++ field is `field` (a direct member of `Options`); its
/// name is the field's name, so the two cannot differ.
#define CRMKIT_OPTION(Options, key, field, kind, lo, hi, doc) \
  CRMKIT_OPTION_AT(Options, key, #field, field, kind, lo, hi, doc)

/// One numeric option at a member path (`fit.max_iter`, `class_weights[0]`) under the
/// name `name` (the last member's name, or the C suffix for an array element).
#define CRMKIT_OPTION_AT(Options, key, name, path, kind, lo, hi, doc)                                          \
  ::crmkit::option_spec<Options> {                                                                             \
    key, name, ::crmkit::option_kind::kind, lo, hi, doc,                                                       \
        [](const Options& o) -> double { return ::crmkit::detail::option_to_number(o.path); },                 \
        [](Options& o, double v) { ::crmkit::detail::option_from_number(o.path, v); }, nullptr, nullptr, nullptr \
  }

/// As CRMKIT_OPTION_AT, plus `excluded`: a function `const char*(double)` that names why a
/// value inside [lo, hi] is still invalid (or returns nullptr).
#define CRMKIT_OPTION_AT_EXCLUDING(Options, key, name, path, kind, lo, hi, doc, excluded)        \
  ::crmkit::option_spec<Options> {                                                              \
    key, name, ::crmkit::option_kind::kind, lo, hi, doc,                                        \
        [](const Options& o) -> double { return ::crmkit::detail::option_to_number(o.path); },  \
        [](Options& o, double v) { ::crmkit::detail::option_from_number(o.path, v); }, nullptr, \
        nullptr, excluded                                                                       \
  }

/// One string option at a member path (a `std::string`); lo and hi bound its length.
#define CRMKIT_OPTION_STRING_AT(Options, key, name, path, min_length, max_length, doc)              \
  ::crmkit::option_spec<Options> {                                                                 \
    key, name, ::crmkit::option_kind::string, min_length, max_length, doc, nullptr, nullptr,        \
        [](const Options& o) -> const std::string& { return o.path; },                             \
        [](Options& o, std::string_view v) { o.path = std::string(v); }, nullptr                  \
  }
