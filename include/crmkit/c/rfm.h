/**
 * @file crmkit/c/rfm.h
 * C ABI of RFM analysis: per-customer recency/frequency/monetary summary at a reference
 * date, quantile scores 1..k, named segments and the segment summary (C++:
 * crmkit/segmentation/rfm.hpp and rfm_segments.hpp, whose docs define every column).
 *
 * `#include <crmkit/crmkit.h>` (which includes this header) and link `libcrmkit.so`.
 *
 * Thread safety: a crmkit_rfm handle is not synchronized; use it from one thread at a
 * time. Distinct handles are independent.
 *
 * @code
 * crmkit_rfm* rfm = NULL;
 * size_t n = 0;
 * if (crmkit_rfm_create(&rfm) != CRMKIT_OK) return 1;
 * crmkit_rfm_set_int(rfm, CRMKIT_RFM_AS_OF, 899251200);  // 1998-07-01T00:00:00Z
 * if (crmkit_rfm_compute(rfm, dataset) == CRMKIT_OK && crmkit_rfm_size(rfm, &n) == CRMKIT_OK) {
 *   double* monetary = malloc(n * sizeof *monetary);
 *   crmkit_rfm_column_double(rfm, CRMKIT_RFM_MONETARY, monetary, n);
 *   free(monetary);
 * }
 * crmkit_rfm_free(rfm);
 * @endcode
 */
#ifndef CRMKIT_C_RFM_H
#define CRMKIT_C_RFM_H

#include "crmkit/crmkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/** RFM settings and, after crmkit_rfm_compute(), its results. Opaque. */
typedef struct crmkit_rfm crmkit_rfm;

/* Integer settings (crmkit_rfm_set_int). */
/** Reference time, Unix seconds UTC; must not be before the last transaction. Default 0. */
#define CRMKIT_RFM_AS_OF 1
/** Time unit of the recency and tenure columns, in seconds (>= 1). Default 86400. */
#define CRMKIT_RFM_TIME_UNIT_SECONDS 2
/** Number of score classes k (2 to 1000). Default 5. */
#define CRMKIT_RFM_BINS 3
/** Tie rule: CRMKIT_RFM_TIES_RANK_FIRST (default) or CRMKIT_RFM_TIES_R_RFM. */
#define CRMKIT_RFM_TIE_RULE 4
/** Threads for the summary pass (>= 1; results do not depend on it). Default 1. */
#define CRMKIT_RFM_N_THREADS 5
/** Segment map preset (CRMKIT_RFM_PRESET_*), used when no rule was added. Default grid11.
 *  The presets are written for k = 5; with another CRMKIT_RFM_BINS the customers are
 *  segmented on their scores rescaled to quintiles (class v of k -> ceil(5 (2v - 1) / 2k),
 *  crmkit::rfm_rescale_scores); the score columns keep their k classes. */
#define CRMKIT_RFM_SEGMENT_PRESET 6

/** pandas: qcut on rank(method="first"): equal-sized classes, ties by customer id
 *  (byte-wise order, as pandas groupby sorts str ids; decimal-integer ids by value, first),
 *  so independent of row order. */
#define CRMKIT_RFM_TIES_RANK_FIRST 0
/** R rfm package: type-7 quantile edges + 1, half-open intervals. */
#define CRMKIT_RFM_TIES_R_RFM 1

/** The 11-segment grid over R and mean(F, M) (k = 5). */
#define CRMKIT_RFM_PRESET_GRID11 0
/** The R rfm package's documented range table (k = 5). */
#define CRMKIT_RFM_PRESET_R_RFM 1
/** The popular R x F map (k = 5). */
#define CRMKIT_RFM_PRESET_RF_GRID 2

/* Columns: double (crmkit_rfm_column_double). */
#define CRMKIT_RFM_RECENCY_DAYS 1
#define CRMKIT_RFM_RECENCY 2
#define CRMKIT_RFM_FREQUENCY 3
#define CRMKIT_RFM_DISTINCT_DAYS 4
#define CRMKIT_RFM_MONETARY 5
#define CRMKIT_RFM_MONETARY_MEAN 6
#define CRMKIT_RFM_TENURE 7
/* Columns: int64 (crmkit_rfm_column_int64), Unix seconds. */
#define CRMKIT_RFM_FIRST_PURCHASE 20
#define CRMKIT_RFM_LAST_PURCHASE 21
/* Columns: int32 (crmkit_rfm_column_int32). */
/** Dense customer index into the dataset's customers. */
#define CRMKIT_RFM_CUSTOMER 30
#define CRMKIT_RFM_R_SCORE 31
#define CRMKIT_RFM_F_SCORE 32
#define CRMKIT_RFM_M_SCORE 33
/** Index into the segment names (crmkit_rfm_segment_name). */
#define CRMKIT_RFM_SEGMENT 34

/* Segment summary statistics (crmkit_rfm_segment_summary). */
#define CRMKIT_RFM_SEG_CUSTOMERS 1
#define CRMKIT_RFM_SEG_CUSTOMER_SHARE 2
#define CRMKIT_RFM_SEG_ORDERS 3
#define CRMKIT_RFM_SEG_REVENUE 4
#define CRMKIT_RFM_SEG_REVENUE_SHARE 5
#define CRMKIT_RFM_SEG_MEAN_RECENCY_DAYS 6
#define CRMKIT_RFM_SEG_MEAN_FREQUENCY 7
#define CRMKIT_RFM_SEG_MEAN_MONETARY 8
#define CRMKIT_RFM_SEG_MEAN_R 9
#define CRMKIT_RFM_SEG_MEAN_F 10
#define CRMKIT_RFM_SEG_MEAN_M 11

/**
 * Creates an RFM handle with the default settings.
 * @param[out] out receives the handle (NULL on failure); release it with crmkit_rfm_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (out NULL); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_rfm_create(crmkit_rfm** out);

/** Releases a handle and its results. Accepts NULL. */
CRMKIT_API void crmkit_rfm_free(crmkit_rfm* rfm);

/**
 * Sets and reads an integer setting (CRMKIT_RFM_AS_OF ... CRMKIT_RFM_SEGMENT_PRESET). Keys 1-5
 * are the options' table (crmkit::option_table<crmkit::rfm_options>); the segment preset is a
 * setting of the handle's segment map.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (a NULL pointer, unknown key, value outside the
 *         key's range; the message names the constant, the value and the range).
 */
CRMKIT_API int crmkit_rfm_set_int(crmkit_rfm* rfm, int32_t key, int64_t value);
CRMKIT_API int crmkit_rfm_get_int(const crmkit_rfm* rfm, int32_t key, int64_t* out);

/**
 * The range and default of option `key` (CRMKIT_RFM_AS_OF ... CRMKIT_RFM_N_THREADS; not the
 * segment preset); needs no handle; any out pointer may be NULL.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (unknown key).
 */
CRMKIT_API int crmkit_rfm_option_bounds(int32_t key, double* out_lo, double* out_hi, double* out_default);

/**
 * Appends a host range rule to the segment map (first match wins; customers no rule
 * matches get the "other" name). Once a rule is added the preset is no longer used.
 * @param rfm the handle.
 * @param name segment name, UTF-8, non-empty; copied.
 * @param bounds 8 closed bounds: r_min, r_max, f_min, f_max, m_min, m_max, fm_min, fm_max
 *        (fm = (F + M) / 2); use -HUGE_VAL / HUGE_VAL for "unbounded"; copied.
 * @param n_bounds must be 8.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, empty name, n_bounds != 8,
 *         a NaN bound or min > max).
 */
CRMKIT_API int crmkit_rfm_add_segment_rule(crmkit_rfm* rfm, const char* name, const double* bounds, size_t n_bounds);

/**
 * Removes every host rule (the preset applies again) and resets the "other" name.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (rfm NULL).
 */
CRMKIT_API int crmkit_rfm_clear_segment_rules(crmkit_rfm* rfm);

/**
 * Sets the name of customers that no host rule matches (default "Others"); copied.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument or empty name).
 */
CRMKIT_API int crmkit_rfm_set_other_name(crmkit_rfm* rfm, const char* name);

/**
 * Computes the summary, scores, segments and segment summary of `dataset`'s transactions,
 * replacing earlier results. Rows are the customers with at least one transaction, in
 * ascending customer index. On failure the earlier results are discarded.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, empty log, as_of before the
 *         last transaction, fewer than 2 customers);
 *         CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_rfm_compute(crmkit_rfm* rfm, const crmkit_dataset* dataset);

/**
 * Number of rows of the computed table.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument); CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_rfm_size(const crmkit_rfm* rfm, size_t* out);

/**
 * Copies a double column (CRMKIT_RFM_RECENCY_DAYS ... CRMKIT_RFM_TENURE) into `out`.
 * @param[out] out caller-allocated, `n` doubles.
 * @param n must be at least crmkit_rfm_size(); exactly that many values are written.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, unknown column);
 *         CRMKIT_E_BUFFER_TOO_SMALL (n too small); CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_rfm_column_double(const crmkit_rfm* rfm, int32_t column, double* out, size_t n);

/** As crmkit_rfm_column_double() for CRMKIT_RFM_FIRST_PURCHASE / CRMKIT_RFM_LAST_PURCHASE. */
CRMKIT_API int crmkit_rfm_column_int64(const crmkit_rfm* rfm, int32_t column, int64_t* out, size_t n);

/** As crmkit_rfm_column_double() for CRMKIT_RFM_CUSTOMER, the scores and CRMKIT_RFM_SEGMENT. */
CRMKIT_API int crmkit_rfm_column_int32(const crmkit_rfm* rfm, int32_t column, int32_t* out, size_t n);

/**
 * Number of segment names (the distinct rule names in order, then the "other" name).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument); CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_rfm_segment_count(const crmkit_rfm* rfm, size_t* out);

/**
 * Segment name `index` with the two-call text protocol (see crmkit.h).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, index out of range);
 *         CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_rfm_segment_name(const crmkit_rfm* rfm, size_t index, char* buf, size_t cap,
                                       size_t* out_needed);

/**
 * One statistic (CRMKIT_RFM_SEG_*) of every segment, in segment-name order; empty
 * segments have NaN means.
 * @param[out] out caller-allocated, `n` doubles, n >= crmkit_rfm_segment_count().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, unknown statistic);
 *         CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_rfm_segment_summary(const crmkit_rfm* rfm, int32_t statistic, double* out, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* CRMKIT_C_RFM_H */
