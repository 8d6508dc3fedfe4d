/**
 * @file crmkit/c/state.h
 * C ABI of the mergeable per-customer state (C++: crmkit/state/customer_state.hpp,
 * state_csv.hpp, state_scoring.hpp): build one state per partition (or per file, or keep
 * one in a host and append orders as they arrive), merge states exactly, save them to bytes
 * and load them back, and score the customer table from the merged state with the config of
 * crmkit_score_customers().
 *
 * `#include <crmkit/crmkit.h>` (which includes this header) and link `libcrmkit.so`.
 *
 * Thread safety: a state is not synchronized: use it from one thread at a time (the const
 * functions -- save, info, ids, score -- may run concurrently on a state nobody modifies).
 * Different states are independent.
 *
 * @code
 * crmkit_state *a = NULL, *b = NULL, *c = NULL;
 * crmkit_table* table = NULL;
 * size_t n = 0;
 * crmkit_state_create(&a);
 * crmkit_state_create(&b);
 * crmkit_state_add_csv(a, "orders-2026-11.csv", options, 0);   // options: crmkit_csv_options*
 * crmkit_state_add_csv(b, "orders-2026-12.csv", options, 0);
 * crmkit_state_save(b, NULL, 0, &n);                            // ship b as n bytes
 * char* bytes = malloc(n);
 * crmkit_state_save(b, bytes, n, &n);
 * crmkit_state_load(bytes, n, &c);
 * crmkit_state_merge(a, c);                                     // exact
 * if (crmkit_state_score_customers(a, as_of, NULL, &table) != CRMKIT_OK)
 *   fprintf(stderr, "crmkit: %s\n", crmkit_last_error());
 * @endcode
 *
 * Memory: per customer about 150 bytes plus the id plus 24-32 bytes per distinct purchase
 * day (crmkit_state_info() reports it); never the lines.
 */
#ifndef CRMKIT_C_STATE_H
#define CRMKIT_C_STATE_H

#include "crmkit/crmkit.h"
#include "crmkit/c/scoring.h"
#include "crmkit/c/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A per-customer state. Opaque. */
typedef struct crmkit_state crmkit_state;

/**
 * Creates an empty state.
 * @param[out] out receives the state (NULL on error); release it with crmkit_state_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (out NULL); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_state_create(crmkit_state** out);

/** Frees a state; NULL is accepted. */
CRMKIT_API void crmkit_state_free(crmkit_state* state);

/**
 * Adds every transaction of a dataset (its purchases: with an order column, one per order,
 * rolled up as the dataset was built). C++: customer_state::add(dataset).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, a time beyond +-5.8 million
 *         years); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_state_add_dataset(crmkit_state* state, const crmkit_dataset* dataset);

/**
 * Adds transactions held by the caller and, when `out_rows` is not NULL, returns the rows
 * of the customers they touch (C++: customer_state::append): an incremental update for one
 * order or a day's batch. Customers are given as codes into a packed list of distinct ids
 * (what pandas.factorize gives; the layout of crmkit_dataset_create_from_order_lines):
 * id k is the bytes ids[offsets[k] .. offsets[k+1]).
 *
 * The rows table has one row per touched customer, in order of first appearance in the
 * batch, with the columns of crmkit_score_customers' summary part: `orders`,
 * `recency_days`, `tenure_days` (int64), `monetary`, `avg_order_value` (float64),
 * `first_purchase`, `last_purchase` (time), at `as_of`; and the BTYD summary at calibration
 * end `as_of` in periods of `period_days`: `frequency`, `recency`, `T`, `monetary_value`
 * (float64). Each row equals a full recompute over all transactions so far.
 *
 * @param customer n codes into the ids.
 * @param ids, offsets, n_ids the distinct customer ids (UTF-8, non-empty); offsets has
 *        n_ids + 1 entries, offsets[0] = 0.
 * @param time n timestamps, Unix seconds UTC.
 * @param amount n amounts (finite; negative = refund).
 * @param n number of transactions; 0 is accepted (nothing added, an empty rows table).
 * @param as_of, period_days read only when out_rows is not NULL: as_of must be on or after
 *        the state's last transaction; period_days > 0 (7 = weeks).
 * @param[out] out_rows receives the rows table, or NULL to only add.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument with n > 0, a code outside
 *         [0, n_ids), an empty id, a non-finite amount, as_of before the last transaction,
 *         a negative amount when rows are asked); nothing of the batch is added on error;
 *         CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_state_append(crmkit_state* state, const int32_t* customer, const char* ids,
                                   const size_t* offsets, size_t n_ids, const int64_t* time, const double* amount,
                                   size_t n, int64_t as_of, double period_days, crmkit_table** out_rows);

/**
 * Adds the transactions of a CSV file, read in blocks of `block_bytes` (0: 16 MiB), so
 * memory is the state plus one block (C++: add_transactions_csv). The columns, time format,
 * filters and bad-row policy come from `options` (as crmkit_dataset_create_from_csv; an
 * order column is not supported). On an error the state keeps the blocks read before it.
 * @param options the CSV options, or NULL for the defaults.
 * @return CRMKIT_OK; CRMKIT_E_IO (missing or unreadable file, named); CRMKIT_E_PARSE (empty
 *         file, a missing header column, in fail mode the first bad row: "file:line: ...");
 *         CRMKIT_E_UNSUPPORTED (an order column); CRMKIT_E_INVALID_ARGUMENT (NULL argument,
 *         block_bytes in [1, 1023]); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_state_add_csv(crmkit_state* state, const char* path, const crmkit_csv_options* options,
                                    size_t block_bytes);

/**
 * Adds the state `other` into `state` (exact, associative, commutative); `other` is not
 * changed. `other` may be `state` itself (its transactions then count twice).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_state_merge(crmkit_state* state, const crmkit_state* other);

/**
 * The state as its binary document (format in crmkit/state/customer_state.hpp; canonical:
 * equal states give equal bytes), with the caller-buffer protocol: `*out_needed` receives
 * the size in bytes (no terminating NUL; the bytes may contain NULs).
 * @param buf the buffer, or NULL with cap 0 to ask the size.
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL (cap < *out_needed; nothing written);
 *         CRMKIT_E_INVALID_ARGUMENT (state or out_needed NULL, buf NULL with cap > 0).
 */
CRMKIT_API int crmkit_state_save(const crmkit_state* state, char* buf, size_t cap, size_t* out_needed);

/**
 * A state from a document written by crmkit_state_save(). The bytes are untrusted: every
 * length, count and time is checked before use.
 * @param[out] out receives the state (NULL on error).
 * @return CRMKIT_OK; CRMKIT_E_PARSE (a malformed document: the message names the byte
 *         offset and what is wrong); CRMKIT_E_UNSUPPORTED (another format version);
 *         CRMKIT_E_INVALID_ARGUMENT (NULL argument); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_state_load(const char* bytes, size_t len, crmkit_state** out);

/**
 * Sizes of a state; any out pointer may be NULL.
 * @param[out] out_customers number of customers.
 * @param[out] out_transactions number of transactions added over all merges.
 * @param[out] out_memory_bytes bytes held (ids, records, day lists).
 * @param[out] out_min_time, out_max_time earliest and latest transaction time (0 when empty).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (state NULL).
 */
CRMKIT_API int crmkit_state_info(const crmkit_state* state, size_t* out_customers, int64_t* out_transactions,
                                 size_t* out_memory_bytes, int64_t* out_min_time, int64_t* out_max_time);

/**
 * The customer ids in the state's row order (the rows of crmkit_state_score_customers()),
 * packed back to back with the layout of crmkit_dataset_customer_ids(): id i is
 * buf[offsets[i] .. offsets[i+1]). Call with buf NULL, cap 0 to get the total size.
 * @param offsets n_offsets entries (customers + 1), or NULL.
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL (nothing written); CRMKIT_E_INVALID_ARGUMENT
 *         (state or out_needed NULL, buf NULL with cap > 0, wrong n_offsets).
 */
CRMKIT_API int crmkit_state_customer_ids(const crmkit_state* state, char* buf, size_t cap, size_t* offsets,
                                         size_t n_offsets, size_t* out_needed);

/**
 * The customer table of the state at `as_of`, with the columns of crmkit_score_customers()
 * (same config, same values per customer id; C++: score_customers(customer_state, ...)):
 * one row per customer of the state in id order (crmkit_state_customer_ids()). The
 * lifecycle columns are present and missing: fill them with
 * crmkit_state_score_lifecycle() on customer-complete partitions.
 * @param config a parsed config, or NULL for the defaults.
 * @param[out] out receives the table (NULL on error); crmkit_table_report_json() tells what
 *             was fitted.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (empty state, as_of before its last
 *         transaction, a negative amount with a BTYD model, NULL argument);
 *         CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_state_score_customers(const crmkit_state* state, int64_t as_of,
                                            const crmkit_score_config* config, crmkit_table** out);

/**
 * The lifecycle replay's start for the transactions of `state` (the first second of the UTC
 * day of its earliest transaction): pass the merged state's to crmkit_state_score_lifecycle().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (empty state, NULL argument).
 */
CRMKIT_API int crmkit_state_lifecycle_start(const crmkit_state* state, int64_t* out);

/**
 * The lifecycle columns (`lifecycle_stage`, `stage_since`) of crmkit_score_customers() for
 * the customers of `dataset`, replayed from `start` to `as_of`: equal, per customer, to the
 * one-process table when the dataset holds all of that customer's transactions. The table
 * has the dataset's rows and ids (crmkit_table_customer_id()); no columns when the config
 * turns the lifecycle off.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (as_of before start, NULL argument);
 *         CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_state_score_lifecycle(const crmkit_dataset* dataset, int64_t start, int64_t as_of,
                                            const crmkit_score_config* config, crmkit_table** out);

#ifdef __cplusplus
}
#endif
#endif /* CRMKIT_C_STATE_H */
