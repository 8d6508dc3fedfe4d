/**
 * @file crmkit/c/table.h
 * C ABI of the customer table (C++: crmkit/core/customer_table.hpp): one row per customer
 * in the dataset's customer order, named typed columns. Every per-customer result of the
 * library comes through this one handle (crmkit_score_customers() makes one).
 *
 * `#include <crmkit/crmkit.h>` (which includes this header) and link `libcrmkit.so`.
 *
 * Thread safety: reading calls on one handle are safe concurrently; the crmkit_table_set_*
 * calls are not synchronized (build a table from one thread, then share it).
 *
 * Column types and missing values: CRMKIT_COLUMN_FLOAT64 (double, NaN), CRMKIT_COLUMN_INT64
 * (int64_t, CRMKIT_MISSING_INT64), CRMKIT_COLUMN_CATEGORY (int32_t codes into the column's
 * levels, -1), CRMKIT_COLUMN_TIME (int64_t Unix seconds UTC, CRMKIT_MISSING_INT64).
 *
 * @code
 * size_t rows = 0, col = 0;
 * crmkit_table_n_rows(table, &rows);
 * double* p_alive = malloc(rows * sizeof(double));
 * if (crmkit_table_find_column(table, "p_alive", &col) == CRMKIT_OK &&
 *     crmkit_table_float64(table, col, p_alive, rows) == CRMKIT_OK)
 *   printf("first customer: %.3f\n", p_alive[0]);
 * crmkit_table_free(table);
 * @endcode
 *
 * Memory: the handle owns its columns (8 bytes per row per numeric column, 4 per category
 * column plus levels) and shares the customer ids with the dataset it came from.
 */
#ifndef CRMKIT_C_TABLE_H
#define CRMKIT_C_TABLE_H

#include "crmkit/crmkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A customer table. Opaque. */
typedef struct crmkit_table crmkit_table;

/* Column types (crmkit_table_column_type). */
#define CRMKIT_COLUMN_FLOAT64 0
#define CRMKIT_COLUMN_INT64 1
#define CRMKIT_COLUMN_CATEGORY 2
#define CRMKIT_COLUMN_TIME 3
/** The missing value of int64 and time columns (INT64_MIN). */
#define CRMKIT_MISSING_INT64 INT64_MIN

/**
 * A table of `n` customers with the given ids and no columns (for hosts that hold their
 * own per-customer columns and want audiences from them).
 * @param ids n NUL-terminated UTF-8 ids, all distinct.
 * @param[out] out receives the table (NULL on error).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, a repeated id: named).
 */
CRMKIT_API int crmkit_table_create(const char* const* ids, size_t n, crmkit_table** out);

/**
 * Adds or replaces a column, copying `n` values (n must be the row count). The int64 setter
 * makes an int64 column, the time setter a time column (Unix seconds UTC).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, empty name, n other than the
 *         row count, for categories a code outside [-1, n_levels) or a repeated level).
 */
CRMKIT_API int crmkit_table_set_float64(crmkit_table* table, const char* name, const double* values, size_t n);
CRMKIT_API int crmkit_table_set_int64(crmkit_table* table, const char* name, const int64_t* values, size_t n);
CRMKIT_API int crmkit_table_set_time(crmkit_table* table, const char* name, const int64_t* values, size_t n);
CRMKIT_API int crmkit_table_set_category(crmkit_table* table, const char* name, const int32_t* codes, size_t n,
                                         const char* const* levels, size_t n_levels);

/** Frees a table; NULL is accepted. */
CRMKIT_API void crmkit_table_free(crmkit_table* table);

/** Number of rows (customers). @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (a NULL argument). */
CRMKIT_API int crmkit_table_n_rows(const crmkit_table* table, size_t* out);

/** Number of columns. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (a NULL argument). */
CRMKIT_API int crmkit_table_n_columns(const crmkit_table* table, size_t* out);

/**
 * The name of column `column` (two-call protocol: *out_needed receives strlen + 1).
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_INVALID_ARGUMENT (NULL argument,
 *         column out of range).
 */
CRMKIT_API int crmkit_table_column_name(const crmkit_table* table, size_t column, char* buf, size_t cap,
                                        size_t* out_needed);

/** The type (CRMKIT_COLUMN_*) of column `column`. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT. */
CRMKIT_API int crmkit_table_column_type(const crmkit_table* table, size_t column, int32_t* out_type);

/**
 * The position of the column named `name`.
 * @return CRMKIT_OK; CRMKIT_E_NOT_FOUND (the message lists the columns present);
 *         CRMKIT_E_INVALID_ARGUMENT (a NULL argument).
 */
CRMKIT_API int crmkit_table_find_column(const crmkit_table* table, const char* name, size_t* out_column);

/**
 * Copies a float64 column into `out` (`cap` values; at least the row count).
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL (cap < rows; nothing written);
 *         CRMKIT_E_INVALID_ARGUMENT (NULL argument, column out of range or of another type,
 *         the message naming both types).
 */
CRMKIT_API int crmkit_table_float64(const crmkit_table* table, size_t column, double* out, size_t cap);

/** Copies an int64 or time column into `out`; as crmkit_table_float64(). */
CRMKIT_API int crmkit_table_int64(const crmkit_table* table, size_t column, int64_t* out, size_t cap);

/** Copies a category column's codes (-1 missing) into `out`; as crmkit_table_float64(). */
CRMKIT_API int crmkit_table_category_codes(const crmkit_table* table, size_t column, int32_t* out, size_t cap);

/** Number of levels of a category column. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT. */
CRMKIT_API int crmkit_table_n_levels(const crmkit_table* table, size_t column, size_t* out);

/**
 * Level `level` of a category column (two-call protocol).
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_INVALID_ARGUMENT.
 */
CRMKIT_API int crmkit_table_level(const crmkit_table* table, size_t column, size_t level, char* buf, size_t cap,
                                  size_t* out_needed);

/**
 * The customer id of row `row` (two-call protocol). The rows are the dataset's customers in
 * its order, so crmkit_dataset_customer_ids() gives all of them at once.
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_INVALID_ARGUMENT.
 */
CRMKIT_API int crmkit_table_customer_id(const crmkit_table* table, size_t row, char* buf, size_t cap,
                                        size_t* out_needed);

/**
 * The rows for which `condition` holds, ascending (C++: crmkit::select_customers, the
 * lifecycle guard language over the table's columns, e.g. "p_alive < 0.3 and abc == 'A'").
 * Two-call protocol: *out_n receives the number of rows; nothing is written when cap is
 * smaller.
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_PARSE (with the position);
 *         CRMKIT_E_NOT_FOUND (unknown column or level); CRMKIT_E_INVALID_ARGUMENT.
 */
CRMKIT_API int crmkit_table_select(const crmkit_table* table, const char* condition, int32_t* out_rows, size_t cap,
                                   size_t* out_n);

/**
 * What made the table, as a JSON object (for crmkit_score_customers(): as_of, counts, the
 * fitted models' parameters and status, and notes on skipped steps); "{}" otherwise.
 * Two-call protocol.
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_INVALID_ARGUMENT.
 */
CRMKIT_API int crmkit_table_report_json(const crmkit_table* table, char* buf, size_t cap, size_t* out_needed);

#ifdef __cplusplus
}
#endif
#endif /* CRMKIT_C_TABLE_H */
