/**
 * @file crmkit/crmkit.h
 * The C ABI of crmkit: a stable, pure-C99 surface over the C++ library, for hosts in C
 * and for foreign-function layers (the Python package uses it through ctypes).
 *
 * `#include <crmkit/crmkit.h>` and link `libcrmkit.so` (CMake: `crmkit::crmkit_c`).
 *
 * This header is the contract: what is not declared here is not published API. It
 * includes only <stddef.h>, <stdint.h> and crmkit/version.h.
 *
 * @code
 * crmkit_dataset* ds = NULL;
 * if (crmkit_dataset_create_from_csv("orders.csv", NULL, NULL, &ds) != CRMKIT_OK) {
 *   fprintf(stderr, "crmkit: %s\n", crmkit_last_error());
 *   return 1;
 * }
 * size_t n = 0;
 * crmkit_dataset_n_transactions(ds, &n);
 * crmkit_dataset_free(ds);
 * @endcode
 *
 * ## Conventions (apply to every function below)
 * - **Status codes.** Every function that can fail returns `int`: `CRMKIT_OK` (0) or a
 *   negative `CRMKIT_E_*` code. The list only ever grows; treat an unknown negative code
 *   as `CRMKIT_E_GENERIC`. No C++ exception and no abort() ever crosses this boundary.
 * - **Error messages.** After a failure, crmkit_last_error() returns a UTF-8 message for
 *   the calling thread naming what, where and why. Successful calls do not clear it, so
 *   check the return code first: the message can be stale.
 * - **Arguments.** Handle first, then inputs, then outputs (`out` / `out_*`) last. A NULL
 *   pointer where one is required, or a value outside its domain, is rejected with
 *   `CRMKIT_E_INVALID_ARGUMENT` and a message naming the argument.
 * - **Out-handles.** A creating function sets `*out` to NULL when it fails; on success
 *   the caller owns the handle and releases it with the matching `_free`.
 * - **`_free` functions** return void and accept NULL (a no-op).
 * - **Inputs are borrowed for the call** and copied when kept, unless the function says
 *   "borrowed: the buffers must outlive the handle" (`CRMKIT_BORROW`).
 * - **Borrowed getters.** A pointer returned through an out-parameter points into the
 *   handle; how long it stays valid is written on each getter. Never free it.
 * - **Text out** uses the two-call protocol: pass `buf` and its capacity `cap` (bytes);
 *   `*out_needed` receives the bytes required including the terminating NUL, and the
 *   call returns `CRMKIT_E_BUFFER_TOO_SMALL` (leaving `buf` unchanged) when `cap` is
 *   smaller. `buf` may be NULL when `cap` is 0, to query the size.
 * - **Types.** Only double, int32_t, int64_t, size_t, UTF-8 `const char*` and opaque
 *   struct pointers cross the boundary. Enumerations are int32_t constants. Timestamps
 *   are int64_t Unix seconds, UTC.
 * - **Threads.** There is no global state apart from the thread-local last error.
 *   Distinct handles never share mutable state. Each handle type states its rule.
 */
#ifndef CRMKIT_H
#define CRMKIT_H

#include <stddef.h>
#include <stdint.h>

#include "crmkit/version.h"

/* CRMKIT_API marks the exported functions: default visibility while libcrmkit itself is
 * being built (everything else in it is hidden), nothing for its users. */
#if defined(CRMKIT_BUILDING_C_API) && (defined(__GNUC__) || defined(__clang__))
#  define CRMKIT_API __attribute__((visibility("default")))
#else
#  define CRMKIT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================================
 * Status codes, errors and version
 * ====================================================================================== */

/** Success. */
#define CRMKIT_OK 0
/** Anything not covered by a more specific code. */
#define CRMKIT_E_GENERIC (-1)
/** A NULL pointer, or a parameter or input value outside its domain. */
#define CRMKIT_E_INVALID_ARGUMENT (-2)
/** An allocation failed. */
#define CRMKIT_E_OUT_OF_MEMORY (-3)
/** A caller-supplied output buffer is too small; the needed size was reported. */
#define CRMKIT_E_BUFFER_TOO_SMALL (-4)
/** A model was used before it was fitted. */
#define CRMKIT_E_NOT_FITTED (-5)
/** The operation is not supported in this build or mode. */
#define CRMKIT_E_UNSUPPORTED (-6)
/** A file could not be opened or read. */
#define CRMKIT_E_IO (-7)
/** Input text could not be parsed (CSV, timestamps, numbers). */
#define CRMKIT_E_PARSE (-8)
/** A named item (customer id, attribute, column) does not exist. */
#define CRMKIT_E_NOT_FOUND (-9)

/**
 * The message of the last failure on the calling thread.
 *
 * Thread safety: stateless; safe (the message is thread-local).
 * @return a UTF-8 string owned by the library, never NULL; "" when no call on this thread
 *         has failed yet. Valid until the next crmkit call on the same thread. Successful
 *         calls do not clear it: check the return code first.
 */
CRMKIT_API const char* crmkit_last_error(void);

/**
 * A short static English description of a status code ("invalid argument", ...).
 *
 * Thread safety: stateless; safe.
 * @param status a `CRMKIT_OK` or `CRMKIT_E_*` value.
 * @return a static string, never NULL; "unknown status" for a value not in the list.
 */
CRMKIT_API const char* crmkit_status_str(int32_t status);

/**
 * The version of the linked library as major*10000 + minor*100 + patch. Compare it with
 * `CRMKIT_VERSION_NUMBER` (the header's) to detect a header/library mismatch; the ABI is
 * stable within a major version.
 *
 * Thread safety: stateless; safe.
 */
CRMKIT_API int32_t crmkit_version_number(void);

/**
 * The version of the linked library as "major.minor.patch" (compare with
 * `CRMKIT_VERSION_STRING`).
 *
 * Thread safety: stateless; safe.
 * @return a static string, never NULL.
 */
CRMKIT_API const char* crmkit_version_string(void);

/* ======================================================================================
 * CSV options
 * ====================================================================================== */

/**
 * Options for reading CSV files: parsing settings and which header columns hold what.
 * Settings are enum-keyed (zstd's ZSTD_CCtx_setParameter style), so new options are new
 * keys and no struct layout is frozen.
 *
 * Created by crmkit_csv_options_create(), released by crmkit_csv_options_free().
 * Thread safety: not synchronized; use from one thread at a time. Once set, an options
 * handle may be read by any number of concurrent crmkit_dataset_create_from_csv() calls
 * as long as nobody is changing it.
 */
typedef struct crmkit_csv_options crmkit_csv_options;

/* Integer keys, for crmkit_csv_options_set_int(). */
/** Field separator, an ASCII character code 1..127 except CR, LF and the quote. Default ','. */
#define CRMKIT_CSV_DELIMITER 1
/** RFC 4180 quote character, an ASCII character code 1..127 except CR and LF. Default '"'. */
#define CRMKIT_CSV_QUOTE 2
/** How timestamps are written: one of CRMKIT_TIME_*. Default CRMKIT_TIME_ISO8601. */
#define CRMKIT_CSV_TIME_FORMAT 3
/** What to do with a row that does not parse: one of CRMKIT_BAD_ROW_*. Default FAIL. */
#define CRMKIT_CSV_ON_BAD_ROW 4
/** Earliest accepted timestamp, Unix seconds; earlier ones are bad values. Default 1900-01-01. */
#define CRMKIT_CSV_MIN_TIME 5
/** Latest accepted timestamp, Unix seconds; later ones are bad values. Default 2200-01-01. */
#define CRMKIT_CSV_MAX_TIME 6
/** 1 (default) to accept negative amounts (refunds), 0 to treat them as bad values. */
#define CRMKIT_CSV_ALLOW_NEGATIVE_AMOUNTS 7
/* Order-line filters, 0 (default) or 1. A dropped line is counted, not a bad row; read the
 * counts with crmkit_dataset_filtered_count(). A line counts for the first filter that
 * applies: empty customer, order prefix, quantity, unit price. */
/** 1 to drop lines whose quantity is <= 0 (needs CRMKIT_CSV_QUANTITY_COLUMN). */
#define CRMKIT_CSV_DROP_NONPOSITIVE_QUANTITY 8
/** 1 to drop lines whose unit price is <= 0 (needs CRMKIT_CSV_UNIT_PRICE_COLUMN). */
#define CRMKIT_CSV_DROP_NONPOSITIVE_UNIT_PRICE 9
/** 1 to drop lines with an empty customer id (otherwise they are bad rows). */
#define CRMKIT_CSV_DROP_EMPTY_CUSTOMER 10
/** Threads parsing a plain transaction file, 1..1024 (default 1); results are identical for
 * any value. Order-line and customer files are read on one thread. */
#define CRMKIT_CSV_N_THREADS 11

/* Values of CRMKIT_CSV_TIME_FORMAT. */
/** `YYYY-MM-DD` or an ISO-8601 date-time with optional `Z`/`+HH:MM` offset (none = UTC). */
#define CRMKIT_TIME_ISO8601 0
/** A signed integer count of seconds since 1970-01-01T00:00:00Z. */
#define CRMKIT_TIME_EPOCH_SECONDS 1
/** `YYYYMMDD`, midnight UTC (as in the CDNOW files). */
#define CRMKIT_TIME_COMPACT_DATE 2

/* Values of CRMKIT_CSV_ON_BAD_ROW. */
/** Fail with CRMKIT_E_PARSE at the first bad row; the message names file and line. */
#define CRMKIT_BAD_ROW_FAIL 0
/** Leave bad rows out and record them (crmkit_dataset_skipped_row()). */
#define CRMKIT_BAD_ROW_SKIP 1

/* String keys, for crmkit_csv_options_set_string(): header names in the transaction file. */
/** Column holding the customer id. Default "customer_id". Must not be empty. */
#define CRMKIT_CSV_CUSTOMER_COLUMN 101
/** Column holding the timestamp. Default "timestamp". Must not be empty. */
#define CRMKIT_CSV_TIME_COLUMN 102
/** Column holding the amount. Default "amount". Must not be empty. */
#define CRMKIT_CSV_AMOUNT_COLUMN 103
/** Optional categorical product column; "" (default) means none. */
#define CRMKIT_CSV_PRODUCT_COLUMN 104
/** Optional categorical channel column; "" (default) means none. */
#define CRMKIT_CSV_CHANNEL_COLUMN 105
/* String keys: header names in the customer file (used only with a customers_path). */
/** Column holding the customer id in the customer file. Default "customer_id". Must not be empty. */
#define CRMKIT_CSV_CUSTOMER_ID_COLUMN 106
/** Optional longitude column (degrees) of the customer file, set together with the latitude. */
#define CRMKIT_CSV_LONGITUDE_COLUMN 107
/** Optional latitude column (degrees) of the customer file, set together with the longitude. */
#define CRMKIT_CSV_LATITUDE_COLUMN 108
/* String keys: order lines (invoice lines) in the transaction file. */
/** Optional order id column: the lines of an order roll up into one purchase (earliest
 *  time, summed amount, the order's customer; an order whose lines name two customers is
 *  a bad row naming both). The lines are kept: crmkit_dataset_order_lines(). Not with a
 *  channel column. "" (default) means none. */
#define CRMKIT_CSV_ORDER_COLUMN 109
/** Optional quantity column, set together with the unit price: a line's amount is
 *  quantity x unit price and the amount column is not read. */
#define CRMKIT_CSV_QUANTITY_COLUMN 110
/** Optional unit price column, set together with the quantity. */
#define CRMKIT_CSV_UNIT_PRICE_COLUMN 111
/** A filter: drop the lines whose order id starts with this prefix (e.g. "C" for
 *  cancellations); needs CRMKIT_CSV_ORDER_COLUMN. "" (default) means off. */
#define CRMKIT_CSV_EXCLUDE_ORDER_PREFIX 112

/**
 * Creates an options handle holding the defaults listed with each key.
 *
 * @param[out] out receives the new handle (NULL on failure); release it with
 *             crmkit_csv_options_free().
 * @return CRMKIT_OK, CRMKIT_E_INVALID_ARGUMENT (out is NULL), CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_csv_options_create(crmkit_csv_options** out);

/**
 * Releases an options handle. Accepts NULL. Datasets read with it are unaffected.
 */
CRMKIT_API void crmkit_csv_options_free(crmkit_csv_options* options);

/**
 * Sets an integer option.
 *
 * @param options the handle.
 * @param key one of the integer keys CRMKIT_CSV_DELIMITER .. CRMKIT_CSV_N_THREADS.
 * @param value the value; its domain is written on each key.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT when options is NULL, the key is unknown or
 *         is a string key, or the value is outside the key's domain (the option is then
 *         left unchanged).
 */
CRMKIT_API int crmkit_csv_options_set_int(crmkit_csv_options* options, int32_t key, int64_t value);

/**
 * Sets a string option (a column name, or the order prefix filter). The string is copied.
 *
 * @param options the handle.
 * @param key one of the string keys CRMKIT_CSV_CUSTOMER_COLUMN .. CRMKIT_CSV_EXCLUDE_ORDER_PREFIX.
 * @param value a NUL-terminated UTF-8 column name; "" clears an optional column (or the filter).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT when options or value is NULL, the key is
 *         unknown or is an integer key, or value is empty for a required column.
 */
CRMKIT_API int crmkit_csv_options_set_string(crmkit_csv_options* options, int32_t key, const char* value);

/**
 * Reads an integer option.
 * @param[out] out the value.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, unknown key, a string key).
 */
CRMKIT_API int crmkit_csv_options_get_int(const crmkit_csv_options* options, int32_t key, int64_t* out);

/**
 * Reads a string option with the two-call protocol: *out_needed receives the length plus
 * the NUL; `buf` (`cap` bytes; may be NULL when cap is 0) receives the text.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL handle or out_needed, unknown key, an
 *         integer key); CRMKIT_E_BUFFER_TOO_SMALL (cap < *out_needed; nothing written).
 */
CRMKIT_API int crmkit_csv_options_get_string(const crmkit_csv_options* options, int32_t key, char* buf, size_t cap,
                                             size_t* out_needed);

/**
 * The accepted range and the default of an option (zstd's ZSTD_cParam_getBounds), from
 * option_table<csv_read_options> in crmkit/io/csv.hpp. Integer keys: every whole number
 * in [lo, hi] is accepted except CR and LF for the delimiter and quote. String keys: lo
 * and hi bound the length in bytes (lo 1: a required column) and the default is NaN (read
 * it with crmkit_csv_options_get_string on a new handle). Needs no handle; any out
 * pointer may be NULL.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (unknown key).
 */
CRMKIT_API int crmkit_csv_options_option_bounds(int32_t key, double* out_lo, double* out_hi, double* out_default);

/**
 * Adds a numeric attribute column to read from the customer file (used only with a
 * customers_path). An empty field reads as NaN (missing). The name is copied.
 *
 * @param options the handle.
 * @param name a non-empty NUL-terminated UTF-8 column name.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT when options or name is NULL, name is
 *         empty, or the column was already added.
 */
CRMKIT_API int crmkit_csv_options_add_attribute_column(crmkit_csv_options* options, const char* name);

/* ======================================================================================
 * Dataset: customers and their transactions
 * ====================================================================================== */

/**
 * A dataset: a customer table (string ids, optional locations, named numeric attribute
 * columns) and the transaction log that refers to it (customer index, timestamp,
 * amount per transaction). It is what every analysis takes as input.
 *
 * Created by crmkit_dataset_create_from_csv() or crmkit_dataset_create_from_columns(),
 * released by crmkit_dataset_free(). The transactions never change after creation; the
 * customer side can be completed with the crmkit_dataset_set_* functions.
 *
 * Thread safety: not synchronized; use from one thread at a time while set_* functions
 * are being called. After the last set_* call it is immutable: concurrent use of the
 * getters from any number of threads is then safe.
 *
 * @code
 * int32_t customer[3] = {0, 1, 0};
 * int64_t time[3] = {1704067200, 1704153600, 1706745600};
 * double amount[3] = {19.9, 5.0, 42.0};
 * const char* ids[2] = {"C-17", "C-4"};
 * crmkit_dataset* ds = NULL;
 * // Zero copy: the three arrays must outlive ds.
 * if (crmkit_dataset_create_from_columns(customer, time, amount, 3, 2, CRMKIT_BORROW, &ds) != CRMKIT_OK ||
 *     crmkit_dataset_set_customer_ids(ds, ids, 2) != CRMKIT_OK)
 *   fprintf(stderr, "%s\n", crmkit_last_error());
 * crmkit_dataset_free(ds);
 * @endcode
 */
typedef struct crmkit_dataset crmkit_dataset;

/* Values of the `flags` argument of the functions that take caller buffers. */
/** The library copies the caller's buffers; they may be freed after the call. */
#define CRMKIT_COPY 0
/** Zero copy. Borrowed: the buffers must outlive the handle and must not change. */
#define CRMKIT_BORROW 1

/**
 * Reads a dataset from a transaction CSV file and, optionally, a customer CSV file.
 *
 * Without a customer file, customers are numbered in order of first appearance in the
 * transaction file and have no locations or attributes. With one, the customer table is
 * read first (its id, location and attribute columns as set in `options`; a repeated id
 * is a bad row) and a transaction naming an id absent from it is a bad row ("unknown
 * customer id").
 *
 * @param transactions_path path of the transaction file (UTF-8).
 * @param customers_path path of the customer file (UTF-8), or NULL for none.
 * @param options parsing options and column names, or NULL for the defaults. Not kept:
 *        it may be freed right after the call.
 * @param[out] out receives the new dataset (NULL on failure); release it with
 *             crmkit_dataset_free(). Its ingest report (crmkit_dataset_rows_read(),
 *             crmkit_dataset_skipped_row()) describes the read.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (transactions_path or out NULL, or
 *         inconsistent options); CRMKIT_E_IO (a file is missing or unreadable; the message
 *         names the path); CRMKIT_E_PARSE (empty file, missing header column, or with
 *         CRMKIT_BAD_ROW_FAIL the first bad row; the message names file and line);
 *         CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_dataset_create_from_csv(const char* transactions_path, const char* customers_path,
                                              const crmkit_csv_options* options, crmkit_dataset** out);

/**
 * Creates a dataset from transaction columns held by the caller. The customers get the
 * ids "0" .. "n_customers-1" until crmkit_dataset_set_customer_ids() names them.
 *
 * Every row is validated: customer[i] in [0, n_customers) and amount[i] finite.
 *
 * @param customer n_rows dense customer indices.
 * @param time n_rows timestamps, Unix seconds UTC.
 * @param amount n_rows amounts (negative = refund).
 * @param n_rows number of transactions; when 0 the three pointers may be NULL.
 * @param n_customers number of customers (some may have no transaction), at most 2^31-1.
 * @param flags CRMKIT_COPY: the library copies the three columns. CRMKIT_BORROW: zero
 *        copy; borrowed: the buffers must outlive the handle and must not be modified
 *        while it lives.
 * @param[out] out receives the new dataset (NULL on failure); release it with
 *             crmkit_dataset_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (a NULL pointer with n_rows > 0, out NULL,
 *         unknown flags, too many customers, or an invalid row: the message names the
 *         row and value); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_dataset_create_from_columns(const int32_t* customer, const int64_t* time, const double* amount,
                                                  size_t n_rows, size_t n_customers, int32_t flags,
                                                  crmkit_dataset** out);

/**
 * Creates a dataset from order lines (invoice lines) held by the caller, with the same
 * roll-up and line filters as crmkit_dataset_create_from_csv() with an order column.
 * Every input is copied. String columns are passed as codes into a packed list of
 * distinct strings (what pandas.factorize gives): string k is the bytes
 * ids[offsets[k] .. offsets[k+1]) (offsets has n_ids + 1 entries, offsets[0] = 0); code -1,
 * or a code naming an empty string, is missing.
 *
 * Customers are numbered in order of first appearance among the kept lines and named by
 * their ids. With an order column each order becomes one purchase (earliest time, summed
 * amount; purchases sorted by time, then order id) and the lines are kept
 * (crmkit_dataset_order_lines()); without one, each kept line is a purchase. Lines the
 * filters drop are counted (crmkit_dataset_filtered_count(); line numbers are 0-based rows).
 *
 * @param customer n_lines codes into customer_ids.
 * @param customer_ids, customer_id_offsets, n_customer_ids the distinct customer ids (UTF-8).
 * @param time n_lines timestamps, Unix seconds UTC.
 * @param amount n_lines line amounts, or NULL when quantity and unit_price are given.
 * @param quantity, unit_price n_lines each (amount = quantity x unit_price), or both NULL.
 * @param order n_lines codes into order_ids, or NULL: each line is a purchase.
 * @param order_ids, order_id_offsets, n_order_ids the distinct order ids (NULL/0 without order).
 * @param product n_lines codes into product_levels, or NULL for none.
 * @param product_levels, product_level_offsets, n_product_levels the distinct products.
 * @param n_lines number of lines; when 0 the column pointers may be NULL.
 * @param options only its filter keys are read (CRMKIT_CSV_EXCLUDE_ORDER_PREFIX,
 *        CRMKIT_CSV_DROP_*); NULL for no filters.
 * @param[out] out receives the new dataset (NULL on failure).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (a NULL pointer where columns are needed,
 *         codes out of range, a missing customer or order id, a non-finite number, an id
 *         that is not UTF-8, an order whose lines name two customers (the message names
 *         the order, both customers and both rows), a filter without its column);
 *         CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_dataset_create_from_order_lines(
    const int32_t* customer, const char* customer_ids, const size_t* customer_id_offsets, size_t n_customer_ids,
    const int64_t* time, const double* amount, const double* quantity, const double* unit_price,
    const int32_t* order, const char* order_ids, const size_t* order_id_offsets, size_t n_order_ids,
    const int32_t* product, const char* product_levels, const size_t* product_level_offsets, size_t n_product_levels,
    size_t n_lines, const crmkit_csv_options* options, crmkit_dataset** out);

/**
 * Releases a dataset and everything it owns. Accepts NULL. Borrowed caller buffers are
 * not touched, and may be released once this returns. Every pointer obtained from the
 * dataset's getters becomes invalid.
 */
CRMKIT_API void crmkit_dataset_free(crmkit_dataset* dataset);

/**
 * Names the customers: customer i gets ids[i]. The strings are copied.
 *
 * Locations and attributes already set are kept (pointers obtained for them stay
 * valid). Thread safety: not synchronized (see crmkit_dataset).
 *
 * @param dataset the handle.
 * @param ids n NUL-terminated UTF-8 ids, non-empty and pairwise distinct.
 * @param n number of ids; must equal the dataset's number of customers.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (dataset or ids NULL, ids[i] NULL or
 *         empty, a duplicate id, or n different from the number of customers; the
 *         dataset is then unchanged); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_dataset_set_customer_ids(crmkit_dataset* dataset, const char* const* ids, size_t n);

/**
 * Sets (or replaces) the customers' locations, in degrees (WGS84). A customer without a
 * location has NaN in both arrays.
 *
 * Thread safety: not synchronized (see crmkit_dataset). Invalidates pointers previously
 * obtained from crmkit_dataset_customer_locations().
 *
 * @param dataset the handle.
 * @param longitude n longitudes in [-180, 180] or NaN.
 * @param latitude n latitudes in [-90, 90] or NaN (NaN exactly where longitude is NaN).
 * @param n number of values; must equal the number of customers (when 0 the pointers
 *        may be NULL).
 * @param flags CRMKIT_COPY, or CRMKIT_BORROW (zero copy; borrowed: the buffers must
 *        outlive the handle and must not change).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, unknown flags, n different
 *         from the number of customers, a coordinate out of range or only one of a pair
 *         NaN; the dataset is then unchanged); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_dataset_set_customer_locations(crmkit_dataset* dataset, const double* longitude,
                                                     const double* latitude, size_t n, int32_t flags);

/**
 * Adds or replaces the numeric customer attribute `name` (a metric per customer, NaN =
 * missing).
 *
 * Thread safety: not synchronized (see crmkit_dataset). Replacing an attribute
 * invalidates the pointers previously obtained for it from
 * crmkit_dataset_customer_attribute().
 *
 * @param dataset the handle.
 * @param name a non-empty NUL-terminated UTF-8 name; copied.
 * @param values n values; when n is 0 it may be NULL.
 * @param n number of values; must equal the number of customers.
 * @param flags CRMKIT_COPY, or CRMKIT_BORROW (zero copy; borrowed: the buffer must
 *        outlive the handle and must not change).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, empty name, unknown flags, or
 *         n different from the number of customers); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_dataset_set_customer_attribute(crmkit_dataset* dataset, const char* name, const double* values,
                                                     size_t n, int32_t flags);

/**
 * The number of transactions.
 * @param dataset the handle.
 * @param[out] out receives the count.
 * @return CRMKIT_OK, or CRMKIT_E_INVALID_ARGUMENT when an argument is NULL.
 */
CRMKIT_API int crmkit_dataset_n_transactions(const crmkit_dataset* dataset, size_t* out);

/**
 * The number of customers (including customers without transactions).
 * @param dataset the handle.
 * @param[out] out receives the count.
 * @return CRMKIT_OK, or CRMKIT_E_INVALID_ARGUMENT when an argument is NULL.
 */
CRMKIT_API int crmkit_dataset_n_customers(const crmkit_dataset* dataset, size_t* out);

/**
 * The earliest and latest transaction timestamps, Unix seconds UTC (both 0 for a dataset
 * without transactions).
 * @param dataset the handle.
 * @param[out] out_min receives the earliest timestamp.
 * @param[out] out_max receives the latest timestamp.
 * @return CRMKIT_OK, or CRMKIT_E_INVALID_ARGUMENT when an argument is NULL.
 */
CRMKIT_API int crmkit_dataset_time_range(const crmkit_dataset* dataset, int64_t* out_min, int64_t* out_max);

/**
 * Borrowed views of the transaction columns, without copying.
 *
 * The pointers are valid until the handle is freed (the transactions never change).
 * For a dataset created with CRMKIT_BORROW they are the caller's own buffers. They may
 * be NULL when *out_n is 0.
 *
 * @param dataset the handle.
 * @param[out] out_customer receives the customer-index column (int32_t[*out_n]).
 * @param[out] out_time receives the timestamp column (int64_t[*out_n], Unix seconds UTC).
 * @param[out] out_amount receives the amount column (double[*out_n]).
 * @param[out] out_n receives the number of transactions.
 * @return CRMKIT_OK, or CRMKIT_E_INVALID_ARGUMENT when an argument is NULL.
 */
CRMKIT_API int crmkit_dataset_transactions(const crmkit_dataset* dataset, const int32_t** out_customer,
                                           const int64_t** out_time, const double** out_amount, size_t* out_n);

/**
 * The id of customer `index`, copied into `buf` with the two-call protocol.
 *
 * @param dataset the handle.
 * @param index a customer index in [0, number of customers).
 * @param buf receives the NUL-terminated UTF-8 id; may be NULL when cap is 0.
 * @param cap capacity of buf in bytes.
 * @param[out] out_needed receives strlen(id) + 1, also when the buffer is too small.
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL (cap < *out_needed; buf unchanged);
 *         CRMKIT_E_INVALID_ARGUMENT (dataset or out_needed NULL, buf NULL with cap > 0,
 *         index out of range).
 */
CRMKIT_API int crmkit_dataset_customer_id(const crmkit_dataset* dataset, int32_t index, char* buf, size_t cap,
                                          size_t* out_needed);

/**
 * All customer ids at once, packed back to back without separators, for hosts that need
 * the whole list (one call instead of one per customer). Id i is the bytes
 * buf[offsets[i] .. offsets[i+1]). Two-call protocol: query with cap 0 first.
 *
 * @param dataset the handle.
 * @param buf receives the packed UTF-8 bytes (no NUL anywhere); may be NULL when cap is 0.
 * @param cap capacity of buf in bytes.
 * @param offsets receives n_offsets offsets into buf (size_t[number of customers + 1],
 *        offsets[0] = 0); may be NULL when cap is 0 (a size query).
 * @param n_offsets number of entries of offsets; must be the number of customers + 1
 *        when offsets is not NULL.
 * @param[out] out_needed receives the total number of bytes of all ids.
 * @return CRMKIT_OK (also for a size query when the total is 0);
 *         CRMKIT_E_BUFFER_TOO_SMALL (cap < *out_needed; nothing written);
 *         CRMKIT_E_INVALID_ARGUMENT (dataset or out_needed NULL, buf or offsets NULL with
 *         cap > 0, wrong n_offsets).
 */
CRMKIT_API int crmkit_dataset_customer_ids(const crmkit_dataset* dataset, char* buf, size_t cap, size_t* offsets,
                                           size_t n_offsets, size_t* out_needed);

/**
 * The index of the customer whose id is `id`.
 *
 * @param dataset the handle.
 * @param id a NUL-terminated UTF-8 id.
 * @param[out] out_index receives the index (-1 when not found).
 * @return CRMKIT_OK; CRMKIT_E_NOT_FOUND (no such id; the message names it);
 *         CRMKIT_E_INVALID_ARGUMENT (an argument is NULL).
 */
CRMKIT_API int crmkit_dataset_customer_index(const crmkit_dataset* dataset, const char* id, int32_t* out_index);

/**
 * Borrowed views of the customer locations, in degrees.
 *
 * The pointers are valid until the next crmkit_dataset_set_customer_locations() on the
 * handle or until it is freed.
 *
 * @param dataset the handle.
 * @param[out] out_longitude receives the longitudes (double[*out_n], NaN = no location).
 * @param[out] out_latitude receives the latitudes (double[*out_n]).
 * @param[out] out_n receives the number of customers.
 * @return CRMKIT_OK; CRMKIT_E_NOT_FOUND (the dataset has no locations; outputs set to
 *         NULL/0); CRMKIT_E_INVALID_ARGUMENT (an argument is NULL).
 */
CRMKIT_API int crmkit_dataset_customer_locations(const crmkit_dataset* dataset, const double** out_longitude,
                                                 const double** out_latitude, size_t* out_n);

/**
 * The number of customer attributes.
 * @param dataset the handle.
 * @param[out] out receives the count.
 * @return CRMKIT_OK, or CRMKIT_E_INVALID_ARGUMENT when an argument is NULL.
 */
CRMKIT_API int crmkit_dataset_attribute_count(const crmkit_dataset* dataset, size_t* out);

/**
 * The name of the i-th customer attribute (in the order attributes were first set),
 * with the two-call protocol.
 *
 * @param dataset the handle.
 * @param i an attribute position in [0, crmkit_dataset_attribute_count()).
 * @param buf receives the NUL-terminated UTF-8 name; may be NULL when cap is 0.
 * @param cap capacity of buf in bytes.
 * @param[out] out_needed receives strlen(name) + 1.
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL (buf unchanged); CRMKIT_E_INVALID_ARGUMENT
 *         (a NULL argument, buf NULL with cap > 0, or i out of range).
 */
CRMKIT_API int crmkit_dataset_attribute_name(const crmkit_dataset* dataset, size_t i, char* buf, size_t cap,
                                             size_t* out_needed);

/**
 * Borrowed view of the customer attribute `name`.
 *
 * The pointer is valid until the attribute is replaced by
 * crmkit_dataset_set_customer_attribute() or the handle is freed.
 *
 * @param dataset the handle.
 * @param name the attribute name.
 * @param[out] out_values receives the values (double[*out_n], NaN = missing).
 * @param[out] out_n receives the number of customers.
 * @return CRMKIT_OK; CRMKIT_E_NOT_FOUND (no such attribute; the message lists those
 *         present); CRMKIT_E_INVALID_ARGUMENT (an argument is NULL).
 */
CRMKIT_API int crmkit_dataset_customer_attribute(const crmkit_dataset* dataset, const char* name,
                                                 const double** out_values, size_t* out_n);

/**
 * Ingest report: the number of data records (header excluded) seen in the transaction
 * file, kept or not. For a dataset built from columns it is the number of rows given.
 *
 * @param dataset the handle.
 * @param[out] out receives the count.
 * @return CRMKIT_OK, or CRMKIT_E_INVALID_ARGUMENT when an argument is NULL.
 */
CRMKIT_API int crmkit_dataset_rows_read(const crmkit_dataset* dataset, size_t* out);

/**
 * Ingest report: the number of rows left out under CRMKIT_BAD_ROW_SKIP, over the
 * customer file (first) and the transaction file (0 for a dataset built from columns).
 *
 * @param dataset the handle.
 * @param[out] out receives the count.
 * @return CRMKIT_OK, or CRMKIT_E_INVALID_ARGUMENT when an argument is NULL.
 */
CRMKIT_API int crmkit_dataset_skipped_count(const crmkit_dataset* dataset, size_t* out);

/**
 * Ingest report: the i-th skipped row, as its line number and a message of the form
 * `path:line: column 'c': reason: 'value'`, with the two-call protocol for the message.
 *
 * @param dataset the handle.
 * @param i a position in [0, crmkit_dataset_skipped_count()).
 * @param[out] out_line receives the 1-based line on which the record starts (also when
 *             the buffer is too small).
 * @param buf receives the NUL-terminated UTF-8 message; may be NULL when cap is 0.
 * @param cap capacity of buf in bytes.
 * @param[out] out_needed receives strlen(message) + 1.
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL (buf unchanged); CRMKIT_E_INVALID_ARGUMENT
 *         (a NULL argument, buf NULL with cap > 0, or i out of range).
 */
CRMKIT_API int crmkit_dataset_skipped_row(const crmkit_dataset* dataset, size_t i, int64_t* out_line, char* buf,
                                          size_t cap, size_t* out_needed);

/**
 * Ingest report: how many lines an order-line filter dropped.
 *
 * @param dataset the handle.
 * @param filter the option key of the filter: CRMKIT_CSV_DROP_EMPTY_CUSTOMER,
 *        CRMKIT_CSV_EXCLUDE_ORDER_PREFIX, CRMKIT_CSV_DROP_NONPOSITIVE_QUANTITY or
 *        CRMKIT_CSV_DROP_NONPOSITIVE_UNIT_PRICE.
 * @param[out] out_lines receives the count (0 when the filter was off).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (a NULL argument or another key).
 */
CRMKIT_API int crmkit_dataset_filtered_count(const crmkit_dataset* dataset, int32_t filter, size_t* out_lines);

/**
 * Ingest report: the first lines (at most 5) an order-line filter dropped: 1-based file
 * lines, or 0-based rows for crmkit_dataset_create_from_order_lines().
 *
 * @param dataset the handle.
 * @param filter a filter key, as for crmkit_dataset_filtered_count().
 * @param lines receives the line numbers; may be NULL when cap is 0.
 * @param cap capacity of lines (entries); 5 is always enough.
 * @param[out] out_n receives the number of lines listed.
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL (cap < *out_n; lines unchanged);
 *         CRMKIT_E_INVALID_ARGUMENT (a NULL argument, lines NULL with cap > 0, another key).
 */
CRMKIT_API int crmkit_dataset_filtered_lines(const crmkit_dataset* dataset, int32_t filter, int64_t* lines, size_t cap,
                                             size_t* out_n);

/**
 * Borrowed views of the order lines behind the purchases of a dataset read with an order
 * column, in the order they were read: line i belongs to transaction row out_order[i]
 * and has amount out_amount[i] (quantity x unit price when read so). Valid until the
 * handle is freed; may be NULL when *out_n is 0.
 *
 * @param dataset the handle.
 * @param[out] out_order receives the transaction row of each line (int32_t[*out_n]).
 * @param[out] out_amount receives the amount of each line (double[*out_n]).
 * @param[out] out_n receives the number of lines.
 * @return CRMKIT_OK; CRMKIT_E_NOT_FOUND (the dataset was not read by order; outputs set
 *         to NULL/0); CRMKIT_E_INVALID_ARGUMENT (an argument is NULL).
 */
CRMKIT_API int crmkit_dataset_order_lines(const crmkit_dataset* dataset, const int32_t** out_order,
                                          const double** out_amount, size_t* out_n);

/**
 * The order id of transaction row `row` of a dataset read with an order column, with
 * the two-call protocol.
 *
 * @param dataset the handle.
 * @param row a transaction row in [0, number of transactions).
 * @param buf receives the NUL-terminated UTF-8 id; may be NULL when cap is 0.
 * @param cap capacity of buf in bytes.
 * @param[out] out_needed receives strlen(id) + 1.
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL (buf unchanged); CRMKIT_E_NOT_FOUND (not
 *         read by order); CRMKIT_E_INVALID_ARGUMENT (a NULL argument, row out of range).
 */
CRMKIT_API int crmkit_dataset_order_id(const crmkit_dataset* dataset, size_t row, char* buf, size_t cap,
                                       size_t* out_needed);

#ifdef __cplusplus
}
#endif

/* The analysis modules' C ABI, one header each under crmkit/c/ (libgit2's layout). Each
 * includes this header first, so any of them may also be included on its own. */
#include "crmkit/c/modules.h"

#endif /* CRMKIT_H */
