/**
 * @file crmkit/c/pareto.h
 * C ABI of the 80/20 (Pareto) analysis of customer value: Lorenz curve, Gini, top share,
 * key customers, ABC classes (overall and per segment) and low-return customers (C++:
 * crmkit/pareto/pareto.hpp, whose docs define every number).
 *
 * `#include <crmkit/crmkit.h>` (which includes this header) and link `libcrmkit.so`.
 *
 * Thread safety: a crmkit_pareto handle is not synchronized; use it from one thread at a
 * time. Distinct handles are independent.
 *
 * @code
 * crmkit_pareto* p = NULL;
 * double gini = 0;
 * crmkit_pareto_create(&p);
 * if (crmkit_pareto_fit(p, revenue, n_customers) == CRMKIT_OK)
 *   crmkit_pareto_summary(p, CRMKIT_PARETO_GINI, &gini);
 * crmkit_pareto_free(p);
 * @endcode
 */
#ifndef CRMKIT_C_PARETO_H
#define CRMKIT_C_PARETO_H

#include "crmkit/crmkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Pareto settings and the last analysis. Opaque. */
typedef struct crmkit_pareto crmkit_pareto;

/* Double settings (crmkit_pareto_set_double). */
/** Value share the key customers make, (0, 1]. Default 0.8. */
#define CRMKIT_PARETO_TARGET_SHARE 1
/** Cumulative share closing class A, (0, 1]. Default 0.8. */
#define CRMKIT_PARETO_ABC_A 2
/** Cumulative share closing class B, [A, 1]. Default 0.95. */
#define CRMKIT_PARETO_ABC_B 3
/** p of the CRMKIT_PARETO_TOP_SHARE statistic, (0, 1]. Default 0.2. */
#define CRMKIT_PARETO_TOP_FRACTION 4
/* Integer settings (crmkit_pareto_set_int). */
/** Points of the downsampled Lorenz curve (>= 2). Default 101. */
#define CRMKIT_PARETO_LORENZ_POINTS 10

/* Statistics (crmkit_pareto_summary, crmkit_pareto_group_summary). */
#define CRMKIT_PARETO_N 1
#define CRMKIT_PARETO_TOTAL 2
#define CRMKIT_PARETO_GINI 3
#define CRMKIT_PARETO_TOP_SHARE 4
#define CRMKIT_PARETO_KEY_CUSTOMERS 5
#define CRMKIT_PARETO_KEY_CUSTOMER_SHARE 6
#define CRMKIT_PARETO_A_COUNT 7
#define CRMKIT_PARETO_B_COUNT 8
#define CRMKIT_PARETO_C_COUNT 9
/** Groups only: the group's share of the overall total. */
#define CRMKIT_PARETO_VALUE_SHARE 10

/* ABC class codes written by crmkit_pareto_abc(). */
#define CRMKIT_ABC_A 0
#define CRMKIT_ABC_B 1
#define CRMKIT_ABC_C 2

/**
 * Creates a handle with the default settings.
 * @param[out] out receives the handle (NULL on failure); release with crmkit_pareto_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (out NULL); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_pareto_create(crmkit_pareto** out);

/** Releases a handle. Accepts NULL. */
CRMKIT_API void crmkit_pareto_free(crmkit_pareto* pareto);

/**
 * Sets a double setting (CRMKIT_PARETO_TARGET_SHARE ... CRMKIT_PARETO_TOP_FRACTION); the
 * ranges are those of option_table<pareto_options> in crmkit/pareto/pareto.hpp
 * (crmkit_pareto_option_bounds). ABC_B >= ABC_A is checked by the next fit.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (pareto NULL, unknown key, an integer key,
 *         value out of range or NaN; the message names the constant and the range).
 */
CRMKIT_API int crmkit_pareto_set_double(crmkit_pareto* pareto, int32_t key, double value);

/**
 * Sets an integer setting (CRMKIT_PARETO_LORENZ_POINTS, 2 .. 2^32).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (pareto NULL, unknown key, a double key,
 *         value out of range).
 */
CRMKIT_API int crmkit_pareto_set_int(crmkit_pareto* pareto, int32_t key, int64_t value);

/** Reads a double setting into *out. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL,
 *  unknown key, an integer key). */
CRMKIT_API int crmkit_pareto_get_double(const crmkit_pareto* pareto, int32_t key, double* out);

/** Reads an integer setting into *out. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL,
 *  unknown key, a double key). */
CRMKIT_API int crmkit_pareto_get_int(const crmkit_pareto* pareto, int32_t key, int64_t* out);

/**
 * The accepted range and the default of a setting (zstd's ZSTD_cParam_getBounds); lo is
 * the smallest positive double for a share that must be > 0. Needs no handle; any out
 * pointer may be NULL.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (unknown key).
 */
CRMKIT_API int crmkit_pareto_option_bounds(int32_t key, double* out_lo, double* out_hi, double* out_default);

/**
 * Analyses `values` (one per customer, finite, >= 0, positive total), replacing earlier
 * results; with `groups` non-NULL also per group.
 * @param values caller's n doubles, read during the call only.
 * @param groups NULL, or n labels in [0, n_groups) (read during the call only).
 * @param n number of customers (>= 1).
 * @param n_groups number of groups (ignored when groups is NULL).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL values, n = 0, a negative or
 *         non-finite value, a zero total, a label out of range, settings out of domain;
 *         the message names the position); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_pareto_fit(crmkit_pareto* pareto, const double* values, size_t n, const int32_t* groups,
                                 size_t n_groups);

/**
 * One overall statistic (CRMKIT_PARETO_N ... CRMKIT_PARETO_C_COUNT).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, unknown statistic);
 *         CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_pareto_summary(const crmkit_pareto* pareto, int32_t statistic, double* out);

/**
 * Share of the total held by the ceil(p n) largest values.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, p outside (0, 1]);
 *         CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_pareto_share_of_top(const crmkit_pareto* pareto, double p, double* out);

/**
 * Smallest number of customers making at least `target` of the total.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, target outside (0, 1]);
 *         CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_pareto_customers_for_share(const crmkit_pareto* pareto, double target, size_t* out);

/**
 * Number of Lorenz points: n + 1 for the full curve (sampled = 0), the
 * CRMKIT_PARETO_LORENZ_POINTS setting for the downsampled one (sampled = 1).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_pareto_lorenz_size(const crmkit_pareto* pareto, int32_t sampled, size_t* out);

/**
 * Copies the Lorenz curve (x = customer share, y = value share, ascending).
 * @param[out] out_x, out_y caller-allocated, n doubles each, n >= crmkit_pareto_lorenz_size().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_pareto_lorenz(const crmkit_pareto* pareto, int32_t sampled, double* out_x, double* out_y,
                                    size_t n);

/**
 * Copies the ABC class (CRMKIT_ABC_*) of each customer, overall (within_group = 0) or
 * within its group (within_group = 1, after a fit with groups).
 * @param[out] out caller-allocated, n int32 values, n >= the fitted number of customers.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, within_group without
 *         groups); CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_pareto_abc(const crmkit_pareto* pareto, int32_t within_group, int32_t* out, size_t n);

/**
 * One statistic (CRMKIT_PARETO_N ... CRMKIT_PARETO_VALUE_SHARE) of every group; a group
 * with no customers or a zero total has NaN ratios.
 * @param[out] out caller-allocated, n doubles, n >= n_groups of the fit.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, unknown statistic, fit
 *         without groups); CRMKIT_E_BUFFER_TOO_SMALL; CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_pareto_group_summary(const crmkit_pareto* pareto, int32_t statistic, double* out, size_t n);

/**
 * Flags the low-return customers: recency_days >= min_recency_days and value <=
 * max_value, or, when max_value is NaN, value in ABC class C under the handle's
 * thresholds. Stateless apart from reading the handle's settings.
 * @param recency_days, values caller's n doubles each.
 * @param[out] out_flags caller-allocated, n int32 values: 1 low-return, 0 not.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, NaN recency, values the
 *         ABC rule rejects).
 */
CRMKIT_API int crmkit_pareto_low_return(const crmkit_pareto* pareto, const double* recency_days, const double* values,
                                        size_t n, double min_recency_days, double max_value, int32_t* out_flags);

#ifdef __cplusplus
}
#endif

#endif /* CRMKIT_C_PARETO_H */
