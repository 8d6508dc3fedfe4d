// crmkit/c/table.h: the crmkit_table handle, a translation of crmkit::customer_table.
#include <algorithm>
#include <memory>
#include <vector>
#include <string>

#include "c_api_internal.hpp"
#include "crmkit/c/table.h"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/scoring/audience.hpp"

using namespace crmkit::capi;

namespace {

using crmkit::column_type;
using crmkit::table_column;

const table_column& column_at(const crmkit_table* t, std::size_t column, const char* function) {
  CRMKIT_CHECK_NOT_NULL(t);
  const auto& columns = t->table.columns();
  if (column >= columns.size())
    fail(function, "argument 'column' is {}; the table has {} columns", column, columns.size());
  return columns[column];
}

const table_column& typed_column(const crmkit_table* t, std::size_t column, column_type a, column_type b,
                                 const char* function) {
  const table_column& c = column_at(t, column, function);
  if (c.type != a && c.type != b)
    fail(function, "column '{}' is {}, not {}", c.name, crmkit::to_string(c.type), crmkit::to_string(a));
  return c;
}

template <class T>
void copy_column(std::span<const T> values, T* out, std::size_t cap, const char* function) {
  CRMKIT_CHECK_NOT_NULL(out);
  check_capacity(cap, values.size(), function);
  std::copy(values.begin(), values.end(), out);
}

template <class T>
crmkit::column<T> copied(const T* values, std::size_t n, const char* function) {
  if (values == nullptr && n > 0) throw_null(function, "values");
  return crmkit::column<T>::owned(std::vector<T>(values, values + n));
}

std::shared_ptr<crmkit::string_dictionary> dictionary(const char* const* strings, std::size_t n, const char* function,
                                                      const char* argument) {
  if (strings == nullptr && n > 0) throw_null(function, argument);
  auto d = std::make_shared<crmkit::string_dictionary>();
  for (std::size_t i = 0; i < n; ++i) {
    if (strings[i] == nullptr) fail(function, "argument '{}' has NULL at {}", argument, i);
    if (static_cast<std::size_t>(d->insert(strings[i])) != i)
      fail(function, "argument '{}': '{}' at {} is repeated", argument, strings[i], i);
  }
  return d;
}

}  // namespace

extern "C" {

CRMKIT_API int crmkit_table_create(const char* const* ids, size_t n, crmkit_table** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  *out = new_table(crmkit::customer_table::from_ids(dictionary(ids, n, __func__, "ids")));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_table_set_float64(crmkit_table* table, const char* name, const double* values, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(table, name);
  table->table.set_column(name, copied(values, n, __func__));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_table_set_int64(crmkit_table* table, const char* name, const int64_t* values, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(table, name);
  table->table.set_int64_column(name, copied(values, n, __func__));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_table_set_time(crmkit_table* table, const char* name, const int64_t* values, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(table, name);
  table->table.set_time_column(name, copied(values, n, __func__));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_table_set_category(crmkit_table* table, const char* name, const int32_t* codes, size_t n,
                                         const char* const* levels, size_t n_levels) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(table, name);
  table->table.set_category_column(name, {copied(codes, n, __func__), dictionary(levels, n_levels, __func__, "levels")});
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_table_free(crmkit_table* table) { delete table; }

CRMKIT_API int crmkit_table_n_rows(const crmkit_table* table, size_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(table, out);
  *out = table->table.size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_table_n_columns(const crmkit_table* table, size_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(table, out);
  *out = table->table.columns().size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_table_column_name(const crmkit_table* table, size_t column, char* buf, size_t cap,
                                        size_t* out_needed) {
  CRMKIT_API_BEGIN();
  copy_out(column_at(table, column, __func__).name, buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_table_column_type(const crmkit_table* table, size_t column, int32_t* out_type) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out_type);
  *out_type = static_cast<int32_t>(column_at(table, column, __func__).type);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_table_find_column(const crmkit_table* table, const char* name, size_t* out_column) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(table, name, out_column);
  const table_column& c = table->table.column(name);  // not_found lists the columns present
  *out_column = static_cast<std::size_t>(&c - table->table.columns().data());
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_table_float64(const crmkit_table* table, size_t column, double* out, size_t cap) {
  CRMKIT_API_BEGIN();
  const auto& c = typed_column(table, column, column_type::float64, column_type::float64, __func__);
  copy_column(c.float64.view(), out, cap, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_table_int64(const crmkit_table* table, size_t column, int64_t* out, size_t cap) {
  CRMKIT_API_BEGIN();
  const auto& c = typed_column(table, column, column_type::int64, column_type::time, __func__);
  copy_column(c.int64.view(), out, cap, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_table_category_codes(const crmkit_table* table, size_t column, int32_t* out, size_t cap) {
  CRMKIT_API_BEGIN();
  const auto& c = typed_column(table, column, column_type::category, column_type::category, __func__);
  copy_column(c.category.codes.view(), out, cap, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_table_n_levels(const crmkit_table* table, size_t column, size_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  *out = typed_column(table, column, column_type::category, column_type::category, __func__).category.levels->size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_table_level(const crmkit_table* table, size_t column, size_t level, char* buf, size_t cap,
                                  size_t* out_needed) {
  CRMKIT_API_BEGIN();
  const auto& levels = *typed_column(table, column, column_type::category, column_type::category, __func__).category.levels;
  if (level >= levels.size()) fail(__func__, "argument 'level' is {}; the column has {} levels", level, levels.size());
  copy_out(levels.at(static_cast<std::int32_t>(level)), buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_table_customer_id(const crmkit_table* table, size_t row, char* buf, size_t cap,
                                        size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(table);
  if (row >= table->table.size())
    fail(__func__, "argument 'row' is {}; the table has {} rows", row, table->table.size());
  copy_out(table->table.id(static_cast<std::int32_t>(row)), buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_table_select(const crmkit_table* table, const char* condition, int32_t* out_rows, size_t cap,
                                   size_t* out_n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(table, condition, out_n);
  if (out_rows == nullptr && cap > 0) throw_null(__func__, "out_rows");
  const std::vector<std::int32_t> rows = crmkit::select_customers(table->table, condition);
  *out_n = rows.size();
  check_capacity(cap, rows.size(), __func__);
  std::copy(rows.begin(), rows.end(), out_rows);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_table_report_json(const crmkit_table* table, char* buf, size_t cap, size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(table);
  copy_out(table->report_json, buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

}  // extern "C"
