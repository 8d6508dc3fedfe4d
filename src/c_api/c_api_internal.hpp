// Internals of the C ABI (src/c_api/*.cpp): the handle structs behind the opaque C
// types, the API_BEGIN/END guard that keeps every exception inside the library, and
// argument checks that name the offending argument.
// Not installed; never included by users.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/dataset.hpp"
#include "crmkit/core/option_table.hpp"
#include "crmkit/core/fit_report.hpp"
#include "crmkit/crmkit.h"
#include "crmkit/error.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/scoring/score_config.hpp"
#include "crmkit/scoring/score_customers.hpp"

// The opaque C types. They live in the global namespace because crmkit.h declares them
// there (`typedef struct crmkit_dataset crmkit_dataset;`).
struct crmkit_csv_options : crmkit::csv_read_options {};

struct crmkit_dataset {
  struct skipped_row {
    std::int64_t line;
    std::string message;
  };
  crmkit::dataset data;
  std::size_t rows_read = 0;
  std::vector<skipped_row> skipped;
  std::array<crmkit::filter_count, crmkit::n_line_filters> filtered{};  // by crmkit::line_filter
  std::optional<crmkit::ingest_report> ingest;  // the reader's report (csv, order lines) for crmkit_report
};

struct crmkit_score_config {
  crmkit::score_config config;
};

struct crmkit_table {
  crmkit::customer_table table;
  std::string report_json = "{}";  // what made the table (crmkit_table_report_json)
};

namespace crmkit::capi {

// Records `message` as the calling thread's last error and returns `status`. Never throws:
// if the message cannot be stored, a short fixed text takes its place.
int set_error(int status, const char* message) noexcept;

// Copies `text` plus a NUL into buf with the two-call protocol (see crmkit.h). Throws
// crmkit::error(buffer_too_small) when cap is too small, after setting *out_needed.
void copy_out(std::string_view text, char* buf, std::size_t cap, std::size_t* out_needed, const char* function);

// The id-list protocol (crmkit_dataset_customer_ids, crmkit_state_customer_ids): the n ids
// one after the other in buf (no NUL) and n + 1 offsets into it; *out_needed is the byte
// count; with offsets NULL it is a size query. id(i) is the i-th id as a string_view.
template <class Id>
void copy_ids_out(std::size_t n, Id id, char* buf, std::size_t cap, std::size_t* offsets, std::size_t n_offsets,
                  std::size_t* out_needed, const char* function);

// A score_report as the JSON object crmkit_table_report_json() returns (src/c_api/scoring.cpp).
std::string score_report_json(const crmkit::score_report& r);

// A new crmkit_table handle owning `table`, with the JSON report of what made it.
inline crmkit_table* new_table(crmkit::customer_table table, std::string report_json = "{}") {
  return new crmkit_table{std::move(table), std::move(report_json)};
}

// The config of a crmkit_score_config handle; the default config for NULL.
inline crmkit::score_config config_of(const crmkit_score_config* config) {
  return config != nullptr ? config->config : crmkit::score_config{};
}

// Throws invalid_argument unless flags is CRMKIT_COPY or CRMKIT_BORROW.
void check_flags(std::int32_t flags, const char* function);

// Throws buffer_too_small unless `cap` >= `needed` (the caller-buffer protocol of every
// array output): "function: argument 'cap' is 3, 10 values are needed".
void check_capacity(std::size_t cap, std::size_t needed, const char* function, const char* argument = "cap");

// The shared fit-report getters of crmkit/c/fit_report.h: every fitted handle's
// crmkit_<model>_fit_report / _fit_message body is one call of these.
inline void write_fit_report(const crmkit::fit_report& r, std::int32_t* out_status, std::int32_t* out_iterations,
                             double* out_objective, double* out_gradient_norm) noexcept {
  if (out_status != nullptr) *out_status = static_cast<std::int32_t>(r.status);
  if (out_iterations != nullptr) *out_iterations = r.iterations;
  if (out_objective != nullptr) *out_objective = r.objective;
  if (out_gradient_norm != nullptr) *out_gradient_norm = r.gradient_norm;
}
inline void write_fit_message(const crmkit::fit_report& r, char* buf, std::size_t cap, std::size_t* out_needed,
                              const char* function) {
  copy_out(r.message, buf, cap, out_needed, function);
}
inline void write_fit_diagnostics(const crmkit::fit_report& r, double* out_hessian_condition, std::int32_t* out_n_starts,
                                  std::int32_t* out_best_start, std::int32_t* out_fallback_used) noexcept {
  if (out_hessian_condition != nullptr) *out_hessian_condition = r.hessian_condition;
  if (out_n_starts != nullptr) *out_n_starts = r.n_starts;
  if (out_best_start != nullptr) *out_best_start = r.best_start;
  if (out_fallback_used != nullptr) *out_fallback_used = r.fallback_used ? 1 : 0;
}

// out[0..k) = the report's standard error of each of k parameters (NaN where it has none).
inline void write_standard_errors(const crmkit::fit_report& r, std::size_t k, double* out) noexcept {
  for (std::size_t i = 0; i < k; ++i)
    out[i] = i < r.standard_errors.size() ? r.standard_errors[i] : std::numeric_limits<double>::quiet_NaN();
}

[[noreturn]] inline void throw_null(const char* function, const char* argument) {
  throw crmkit::error(crmkit::errc::invalid_argument, fmt::format("{}: argument '{}' is NULL", function, argument));
}

// Throws invalid_argument naming the first NULL of `pointers`, whose names are `names`
// ("a, b, c", the stringised argument list of CRMKIT_CHECK_NOT_NULL).
inline void check_not_null(const char* function, std::string_view names, std::initializer_list<const void*> pointers) {
  for (const void* p : pointers) {
    const auto comma = names.find(',');
    if (p == nullptr) throw_null(function, std::string(names.substr(0, comma)).c_str());
    names.remove_prefix(comma == std::string_view::npos ? names.size() : names.find_first_not_of(' ', comma + 1));
  }
}

// *out = value for each (out, value) pair whose out is not NULL (the optional
// out-arguments of a getter): put(out_n, v.size(), out_sum, total).
template <class T, class V, class... Rest>
void put(T* out, const V& value, Rest&&... rest) {
  if (out != nullptr) *out = static_cast<T>(value);
  if constexpr (sizeof...(Rest) > 0) put(std::forward<Rest>(rest)...);
}

// out[i] = get(rows[i]) for every row when out is not NULL (the optional columns of a
// getter that copies a vector of records into caller arrays); CRMKIT_COPY_FIELD below.
template <class T, class Rows, class Get>
void copy_column(T* out, const Rows& rows, Get get) {
  if (out == nullptr) return;
  std::size_t i = 0;
  for (const auto& r : rows) out[i++] = static_cast<T>(get(r));
}

// The names every C ABI file uses unqualified (`using namespace crmkit::capi;`).
using crmkit::errc;
using crmkit::error;

// Throws invalid_argument "function: <message>" (an argument the C++ call cannot take).
template <class... Args>
[[noreturn]] void fail(const char* function, fmt::format_string<Args...> message, Args&&... args) {
  throw error(errc::invalid_argument,
              fmt::format("{}: {}", function, fmt::format(message, std::forward<Args>(args)...)));
}

// Throws crmkit::error(code, "function: <message>").
template <class... Args>
[[noreturn]] void fail(errc code, const char* function, fmt::format_string<Args...> message, Args&&... args) {
  throw error(code, fmt::format("{}: {}", function, fmt::format(message, std::forward<Args>(args)...)));
}

// `p`, or throws invalid_argument naming `function` and `argument` when it is NULL; used
// through CRMKIT_NOT_NULL so that a one-line body checks and uses a pointer at once.
template <class T>
T* not_null(T* p, const char* function, const char* argument) {
  if (p == nullptr) throw_null(function, argument);
  return p;
}

// A caller's array of n values as a span: NULL is refused unless n is 0 (inputs and outputs).
template <class T>
std::span<T> array_arg(T* p, std::size_t n, const char* function, const char* argument) {
  if (p == nullptr && n > 0) throw_null(function, argument);
  return {p, n};
}

// n values at p, already checked (or never NULL).
template <class T>
std::span<const T> span_of(const T* p, std::size_t n) {
  return {p, n};
}

// An optional input array (sample weights): empty when NULL.
template <class T>
std::span<const T> optional_arg(const T* p, std::size_t n) {
  return p == nullptr ? std::span<const T>{} : std::span<const T>(p, n);
}

// Throws invalid_argument unless a row count n is positive: "function: n is 0".
inline void check_count(const char* function, std::size_t n) {
  if (n == 0) throw crmkit::error(crmkit::errc::invalid_argument, fmt::format("{}: n is 0", function));
}

// One numeric field of a result record chosen by a C constant: the enum-keyed getters
// (crmkit_vrp_summary, crmkit_balance_rep_column, crmkit_rfm_segment_summary, ...) are a
// translation of a list of member pointers in the order of the constants first, first + 1, ...
//   const keyed_field get(statistic, CRMKIT_VRP_N_ROUTES, __func__, "statistic", &result::n_routes, ...);
//   *out = get(r);   // static_cast<double>(r.n_routes); a bool is 0 or 1
// A key outside the list is invalid_argument "function: unknown <what> <key>".
template <class Record, class... T>
class keyed_field {
 public:
  keyed_field(std::int32_t key, std::int32_t first, const char* function, const char* what, T Record::*... fields)
      : fields_(fields...) {
    if (key < first || key - first >= static_cast<std::int32_t>(sizeof...(T)))
      fail(function, "unknown {} {}", what, key);
    index_ = static_cast<std::size_t>(key - first);
  }
  double operator()(const Record& r) const {
    double v = 0.0;
    std::apply(
        [&](auto... field) {
          std::size_t i = 0;
          ((i++ == index_ ? (void)(v = static_cast<double>(r.*field)) : (void)0), ...);
        },
        fields_);
    return v;
  }

 private:
  std::tuple<T Record::*...> fields_;
  std::size_t index_ = 0;
};

// The bounds query of every options-bearing handle (crmkit_<x>_option_bounds): lo, hi and
// default of `key` from option_table<Options>; any out pointer may be NULL.
template <class Options>
void option_bounds(std::int32_t key, double* out_lo, double* out_hi, double* out_default, const char* function) {
  const auto b = crmkit::option_bounds_of<Options>(key, function);
  if (out_lo != nullptr) *out_lo = b.lo;
  if (out_hi != nullptr) *out_hi = b.hi;
  if (out_default != nullptr) *out_default = b.default_value;
}

template <class Id>
void copy_ids_out(std::size_t n, Id id, char* buf, std::size_t cap, std::size_t* offsets, std::size_t n_offsets,
                  std::size_t* out_needed, const char* function) {
  if (out_needed == nullptr) throw_null(function, "out_needed");
  if (cap > 0 && buf == nullptr) throw_null(function, "buf");
  if (cap > 0 && offsets == nullptr) throw_null(function, "offsets");
  if (offsets != nullptr && n_offsets != n + 1)
    throw crmkit::error(crmkit::errc::invalid_argument,
                        fmt::format("{}: argument 'n_offsets' is {}; expected the number of customers + 1 = {}",
                                    function, n_offsets, n + 1));
  std::size_t needed = 0;
  for (std::size_t i = 0; i < n; ++i) needed += id(i).size();
  *out_needed = needed;
  if (cap < needed)
    throw crmkit::error(crmkit::errc::buffer_too_small,
                        fmt::format("{}: buffer too small: {} bytes needed, capacity {}", function, needed, cap));
  if (offsets == nullptr) return;  // a size query whose answer is 0
  std::size_t position = 0;
  offsets[0] = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view text = id(i);
    if (!text.empty()) std::memcpy(buf + position, text.data(), text.size());
    position += text.size();
    offsets[i + 1] = position;
  }
}

}  // namespace crmkit::capi

// Rejects a NULL pointer argument with a message naming the function and the first NULL
// argument: CRMKIT_CHECK_NOT_NULL(index, out_n) (plain argument names, checked in order).
#define CRMKIT_CHECK_NOT_NULL(...) ::crmkit::capi::check_not_null(__func__, #__VA_ARGS__, {__VA_ARGS__})

// `arg` after rejecting NULL as CRMKIT_CHECK_NOT_NULL does, as an expression:
// `crmkit::set_option(CRMKIT_NOT_NULL(kmeans)->options, key, value, __func__)`.
#define CRMKIT_NOT_NULL(arg) (::crmkit::capi::not_null((arg), __func__, #arg))

// out[i] = rows[i].field for every row when out is not NULL: CRMKIT_COPY_FIELD(out_start, visits, start).
#define CRMKIT_COPY_FIELD(out, rows, field) \
  ::crmkit::capi::copy_column((out), (rows), [](const auto& r_) { return r_.field; })

// Rejects a NULL `out` (the handle-out argument of a constructor entry point) and sets *out
// to NULL, so that a failure leaves NULL there.
#define CRMKIT_CLEAR_OUT(out) (*CRMKIT_NOT_NULL(out) = nullptr)

// The entry points every handle of a default-constructible struct `handle` has, in one line
// each (the struct's name is the C prefix): crmkit_<x>_create(&out) and crmkit_<x>_free(h).
#define CRMKIT_C_CREATE_FREE(handle)                                                            \
  CRMKIT_API int handle##_create(handle** out) {                                                \
    CRMKIT_API_BEGIN();                                                                         \
    CRMKIT_CLEAR_OUT(out);                                                                      \
    *out = new handle();                                                                        \
    CRMKIT_API_END();                                                                           \
  }                                                                                             \
  CRMKIT_API void handle##_free(handle* param_) { delete param_; }

// The option accessors of a handle whose options struct (with an option_table) is the member
// `options`: one translation of set_option / get_*_option / option_bounds_of each, whatever
// the handle. `param` is the handle argument's name, which a NULL error names.
#define CRMKIT_C_INT_OPTIONS(handle, param)                                                     \
  CRMKIT_API int handle##_set_int(handle* param, int32_t key, int64_t value) {                  \
    CRMKIT_API_BEGIN();                                                                         \
    ::crmkit::set_option(CRMKIT_NOT_NULL(param)->options, key, value, __func__);                \
    CRMKIT_API_END();                                                                           \
  }                                                                                             \
  CRMKIT_API int handle##_get_int(const handle* param, int32_t key, int64_t* out) {             \
    CRMKIT_API_BEGIN();                                                                         \
    *CRMKIT_NOT_NULL(out) = ::crmkit::get_int_option(CRMKIT_NOT_NULL(param)->options, key, __func__); \
    CRMKIT_API_END();                                                                           \
  }
#define CRMKIT_C_REAL_OPTIONS(handle, param)                                                    \
  CRMKIT_API int handle##_set_double(handle* param, int32_t key, double value) {                \
    CRMKIT_API_BEGIN();                                                                         \
    ::crmkit::set_option(CRMKIT_NOT_NULL(param)->options, key, value, __func__);                \
    CRMKIT_API_END();                                                                           \
  }                                                                                             \
  CRMKIT_API int handle##_get_double(const handle* param, int32_t key, double* out) {           \
    CRMKIT_API_BEGIN();                                                                         \
    *CRMKIT_NOT_NULL(out) = ::crmkit::get_real_option(CRMKIT_NOT_NULL(param)->options, key, __func__); \
    CRMKIT_API_END();                                                                           \
  }
#define CRMKIT_C_OPTION_BOUNDS(handle)                                                          \
  CRMKIT_API int handle##_option_bounds(int32_t key, double* out_lo, double* out_hi, double* out_default) { \
    CRMKIT_API_BEGIN();                                                                         \
    ::crmkit::capi::option_bounds<decltype(handle::options)>(key, out_lo, out_hi, out_default, __func__); \
    CRMKIT_API_END();                                                                           \
  }
// The fit-report getters of crmkit/c/fit_report.h (crmkit_<x>_fit_report, _fit_message) of a
// handle whose crmkit::fit_report is the expression `report` of the handle argument `param`
// (evaluated in each body, so it may check the handle and name __func__).
#define CRMKIT_C_FIT_REPORT(handle, param, report)                                              \
  CRMKIT_API int handle##_fit_report(const handle* param, int32_t* out_status, int32_t* out_iterations, \
                                     double* out_objective, double* out_gradient_norm) {        \
    CRMKIT_API_BEGIN();                                                                         \
    ::crmkit::capi::write_fit_report((report), out_status, out_iterations, out_objective, out_gradient_norm); \
    CRMKIT_API_END();                                                                           \
  }                                                                                             \
  CRMKIT_API int handle##_fit_message(const handle* param, char* buf, size_t cap, size_t* out_needed) { \
    CRMKIT_API_BEGIN();                                                                         \
    ::crmkit::capi::write_fit_message((report), buf, cap, out_needed, __func__);               \
    CRMKIT_API_END();                                                                           \
  }
// The diagnostics of a multi-start fit with a Hessian (crmkit_<x>_fit_diagnostics and
// _fit_standard_errors_note), as CRMKIT_C_FIT_REPORT.
#define CRMKIT_C_FIT_DIAGNOSTICS(handle, param, report)                                         \
  CRMKIT_API int handle##_fit_diagnostics(const handle* param, double* out_hessian_condition,   \
                                          int32_t* out_n_starts, int32_t* out_best_start,       \
                                          int32_t* out_fallback_used) {                         \
    CRMKIT_API_BEGIN();                                                                         \
    ::crmkit::capi::write_fit_diagnostics((report), out_hessian_condition, out_n_starts, out_best_start, \
                                          out_fallback_used);                                   \
    CRMKIT_API_END();                                                                           \
  }                                                                                             \
  CRMKIT_API int handle##_fit_standard_errors_note(const handle* param, char* buf, size_t cap,  \
                                                   size_t* out_needed) {                        \
    CRMKIT_API_BEGIN();                                                                         \
    ::crmkit::capi::copy_out((report).standard_errors_note, buf, cap, out_needed, __func__);   \
    CRMKIT_API_END();                                                                           \
  }

// crmkit_<x>_standard_errors(h, out, cap) of a handle whose fit computes a Hessian: out[0..k)
// = the standard error of each of the k = `n_params` parameters (NaN where there is none) of
// the crmkit::fit_report `report`, as CRMKIT_C_FIT_REPORT; CRMKIT_E_BUFFER_TOO_SMALL when cap < k.
#define CRMKIT_C_STANDARD_ERRORS(handle, param, report, n_params)                               \
  CRMKIT_API int handle##_standard_errors(const handle* param, double* out, size_t cap) {       \
    CRMKIT_API_BEGIN();                                                                         \
    CRMKIT_CHECK_NOT_NULL(param, out);                                                          \
    const ::crmkit::fit_report& report_ = (report);                                             \
    const std::size_t k_ = (n_params);                                                          \
    ::crmkit::capi::check_capacity(cap, k_, __func__);                                          \
    ::crmkit::capi::write_standard_errors(report_, k_, out);                                    \
    CRMKIT_API_END();                                                                           \
  }

// The model document of a fitted handle (crmkit/core/model_document.hpp), one pair of entry
// points whatever the model: crmkit_<x>_save(h, buf, cap, &needed) copies the document
// `to_text` (an expression of the handle argument `param`, which is checked non-NULL first)
// with the two-call text protocol; crmkit_<x>_load(text, &out) makes a new handle from
// `from_text(text)` (a function const char* -> handle, returning it by value) and leaves *out
// NULL on failure.
#define CRMKIT_C_SAVE_LOAD(handle, param, to_text, from_text)                                   \
  CRMKIT_API int handle##_save(const handle* param, char* buf, size_t cap, size_t* out_needed) { \
    CRMKIT_API_BEGIN();                                                                         \
    CRMKIT_CHECK_NOT_NULL(param);                                                               \
    ::crmkit::capi::copy_out((to_text), buf, cap, out_needed, __func__);                        \
    CRMKIT_API_END();                                                                           \
  }                                                                                             \
  CRMKIT_API int handle##_load(const char* text, handle** out) {                                \
    CRMKIT_API_BEGIN();                                                                         \
    CRMKIT_CLEAR_OUT(out);                                                                      \
    *out = new handle(from_text(CRMKIT_NOT_NULL(text)));                                        \
    CRMKIT_API_END();                                                                           \
  }

// All five accessors (set/get int and double, bounds) of an options-bearing handle.
#define CRMKIT_C_OPTIONS(handle, param) \
  CRMKIT_C_INT_OPTIONS(handle, param)   \
  CRMKIT_C_REAL_OPTIONS(handle, param)  \
  CRMKIT_C_OPTION_BOUNDS(handle)

// Every entry point's body runs between these two: no exception crosses into the host.
// crmkit::error keeps its category; bad_alloc is CRMKIT_E_OUT_OF_MEMORY; anything else
// is CRMKIT_E_GENERIC. The body returns CRMKIT_OK by falling off the end.
#define CRMKIT_API_BEGIN() try {
#define CRMKIT_API_END()                                                                      \
  }                                                                                           \
  catch (const ::crmkit::error& e) {                                                          \
    const int code = static_cast<int>(e.code());                                              \
    return ::crmkit::capi::set_error(code < 0 ? code : CRMKIT_E_GENERIC, e.what());           \
  }                                                                                           \
  catch (const std::bad_alloc&) {                                                             \
    return ::crmkit::capi::set_error(CRMKIT_E_OUT_OF_MEMORY, "out of memory");                \
  }                                                                                           \
  catch (const std::exception& e) {                                                           \
    return ::crmkit::capi::set_error(CRMKIT_E_GENERIC, e.what());                             \
  }                                                                                           \
  catch (...) {                                                                               \
    return ::crmkit::capi::set_error(CRMKIT_E_GENERIC, "unknown exception");                  \
  }                                                                                           \
  return CRMKIT_OK
