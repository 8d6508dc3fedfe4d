/**
 * @file crmkit/c/offers.h
 * C ABI of next-best-offer analyses (C++: crmkit/offers/{baskets,association_rules,implicit_als}.hpp, whose docs define the
 * semantics): baskets and the customer x product matrix from a dataset's order lines
 * (crmkit_baskets), association rules by FP-growth with mlxtend's metrics and Spark's
 * basket suggestions (crmkit_rules), and implicit-feedback ALS solved by conjugate
 * gradient with top-N offers, a popularity fallback for customers without history and
 * item-item similarity (crmkit_als).
 *
 * `#include <crmkit/c/offers.h>` and link `libcrmkit.so`.
 *
 * Thread safety: a crmkit_rules or crmkit_als handle is not synchronized; use it from one
 * thread at a time. A crmkit_baskets handle is immutable after creation; concurrent use is
 * safe. Distinct handles are independent.
 *
 * Buffers: inputs are borrowed for the call only; outputs are caller-allocated with the
 * capacities stated per function (CRMKIT_E_BUFFER_TOO_SMALL, nothing written, when short).
 * Lists of names (product ids, customer ids) come as one buffer of NUL-terminated
 * strings, one after the other, plus a final NUL, with the two-call protocol of crmkit.h.
 *
 * @code
 * crmkit_baskets* b = NULL;
 * crmkit_rules* rules = NULL;
 * if (crmkit_baskets_from_dataset(ds, &b) != CRMKIT_OK) return 1;
 * crmkit_rules_create(&rules);
 * crmkit_rules_set_double(rules, CRMKIT_RULES_MIN_SUPPORT, 0.01);
 * crmkit_rules_set_double(rules, CRMKIT_RULES_MIN_THRESHOLD, 0.3);
 * if (crmkit_rules_fit_baskets(rules, b) == CRMKIT_OK) {
 *   int32_t basket[2] = {3, 17}, offers[10];
 *   double confidence[10];
 *   size_t n = 0;
 *   crmkit_rules_suggest(rules, basket, 2, offers, confidence, 10, &n);
 * }
 * crmkit_rules_free(rules);
 * crmkit_baskets_free(b);
 * @endcode
 */
#ifndef CRMKIT_C_OFFERS_H
#define CRMKIT_C_OFFERS_H

#include "crmkit/crmkit.h"
#include "crmkit/c/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- baskets ------------------------------------------------------------------------ */

/** Baskets of a dataset, products and customers in the byte order of their ids. Opaque. */
typedef struct crmkit_baskets crmkit_baskets;

/* Values of a customer x product matrix cell (crmkit_baskets_matrix). */
/** Number of the customer's orders holding the product. */
#define CRMKIT_INTERACTION_ORDERS 0
/** Sum of the amounts of the customer's lines of the product. */
#define CRMKIT_INTERACTION_SPEND 1

/**
 * The baskets of a dataset read from order lines with a product column: one per order
 * holding at least one product line, the distinct products of the order.
 * @param[out] out receives the handle (NULL on failure); release it with crmkit_baskets_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, no order lines, no product
 *         column); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_baskets_from_dataset(const crmkit_dataset* data, crmkit_baskets** out);

/**
 * Baskets from arrays: basket b holds items[offsets[b] .. offsets[b + 1]) (any order,
 * duplicates kept once), items in [0, n_items). No names, no customers.
 * @param offsets n_baskets + 1 offsets, from 0 to n_entries.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, bad offsets, an item out of
 *         range: the message names the basket); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_baskets_from_arrays(const int64_t* offsets, size_t n_baskets, const int32_t* items,
                                          size_t n_entries, size_t n_items, crmkit_baskets** out);

/** Releases a baskets handle. Accepts NULL. */
CRMKIT_API void crmkit_baskets_free(crmkit_baskets* baskets);

/**
 * Sizes: baskets, (basket, item) entries, items (products) and rows (customers; 0 for
 * baskets from arrays). Any out pointer may be NULL.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (baskets NULL).
 */
CRMKIT_API int crmkit_baskets_shape(const crmkit_baskets* baskets, size_t* out_n_baskets, size_t* out_n_entries,
                                    size_t* out_n_items, size_t* out_n_rows);

/**
 * Copies the baskets: offsets (n_baskets + 1 values) and items (n_entries values,
 * ascending within a basket).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer); CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_baskets_items(const crmkit_baskets* baskets, int64_t* offsets, size_t offsets_cap,
                                    int32_t* items, size_t items_cap);

/**
 * Copies each basket's customer row (index into crmkit_baskets_row_ids) and order time
 * (Unix seconds UTC); n_baskets values each. Either pointer may be NULL.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (baskets NULL, or from arrays);
 *         CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_baskets_basket_rows(const crmkit_baskets* baskets, int32_t* out_row, int64_t* out_time,
                                          size_t cap);

/**
 * The product id of each item (in item order) as NUL-terminated strings one after the
 * other plus a final NUL (two-call protocol; empty list for baskets from arrays).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_BUFFER_TOO_SMALL (*out_needed set).
 */
CRMKIT_API int crmkit_baskets_item_names(const crmkit_baskets* baskets, char* buf, size_t cap, size_t* out_needed);

/**
 * The customer id of each row, as crmkit_baskets_item_names (every customer of the
 * dataset, in byte order of the ids).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_BUFFER_TOO_SMALL (*out_needed set).
 */
CRMKIT_API int crmkit_baskets_row_ids(const crmkit_baskets* baskets, char* buf, size_t cap, size_t* out_needed);

/**
 * The customer x product matrix (rows x items, CSR) of CRMKIT_INTERACTION_ORDERS or
 * _SPEND. Call with indptr NULL and caps 0 to learn *out_nnz, then with buffers of
 * n_rows + 1 (indptr) and *out_nnz (indices, data) values.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL handle or out_nnz, unknown value,
 *         baskets from arrays); CRMKIT_E_BUFFER_TOO_SMALL (*out_nnz set).
 */
CRMKIT_API int crmkit_baskets_matrix(const crmkit_baskets* baskets, int32_t value, int64_t* indptr,
                                     size_t indptr_cap, int32_t* indices, double* data, size_t nnz_cap,
                                     size_t* out_nnz);

/**
 * Splits baskets by time: *out_before holds the baskets with time < cutoff, *out_after
 * the others; both keep the items, product ids and customer rows (equal matrix shapes).
 * @param[out] out_before, out_after new handles (NULL on failure); free each.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, baskets from arrays);
 *         CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_baskets_time_split(const crmkit_baskets* baskets, int64_t cutoff, crmkit_baskets** out_before,
                                         crmkit_baskets** out_after);

/* ---- offers from a history and their evaluation (crmkit/offers/evaluation.hpp) ----- */

/** Values written by crmkit_offers_evaluate: precision@k, recall@k, MAP@k, NDCG@k,
 *  coverage, and the number of customers evaluated (as a double). */
#define CRMKIT_OFFERS_N_METRICS 6

/**
 * The popularity baseline: every row of the history (CSR structure, n_rows x n_cols)
 * gets the top_n items held by the most rows (score = share of rows), its own left out
 * when exclude_history is 1; out_cold_start[r] (may be NULL) is 1 for rows without history.
 * @param cap capacity of out_items and out_scores (>= n_rows * top_n).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, malformed CSR, top_n 0);
 *         CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_offers_popularity(const int64_t* indptr, const int32_t* indices, size_t n_rows, size_t n_cols,
                                        size_t nnz, size_t top_n, int32_t exclude_history, int32_t* out_items,
                                        double* out_scores, int32_t* out_cold_start, size_t cap);

/**
 * Scores offers (row-major n_rows x top_n item indices, -1 for none) against the
 * relevant items of each row (CSR structure n_rows x n_cols) at cutoff k (1 <= k <= top_n):
 * writes CRMKIT_OFFERS_N_METRICS values (definitions in crmkit/offers/evaluation.hpp).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, malformed CSR, k out of
 *         range); CRMKIT_E_BUFFER_TOO_SMALL (cap < CRMKIT_OFFERS_N_METRICS).
 */
CRMKIT_API int crmkit_offers_evaluate(const int32_t* offer_items, size_t n_rows, size_t top_n,
                                      const int64_t* relevant_indptr, const int32_t* relevant_indices,
                                      size_t n_cols, size_t relevant_nnz, size_t k, double* out_metrics, size_t cap);

/* ---- association rules -------------------------------------------------------------- */

/** FP-growth and rule settings and, after a fit, the itemsets and rules. Opaque. */
typedef struct crmkit_rules crmkit_rules;

/* Integer settings (crmkit_rules_set_int / _get_int). */
/** Largest itemset size (>= 0; 0: no limit). Default 0. */
#define CRMKIT_RULES_MAX_LEN 1
/** The metric min_threshold applies to: CRMKIT_RULES_METRIC_*. Default confidence. */
#define CRMKIT_RULES_METRIC 2
/* Double settings (crmkit_rules_set_double / _get_double). */
/** Smallest support of a frequent itemset, in (0, 1]. Default 0.5 (mlxtend's). */
#define CRMKIT_RULES_MIN_SUPPORT 101
/** A rule is kept when its metric >= this (finite). Default 0.8 (mlxtend's). */
#define CRMKIT_RULES_MIN_THRESHOLD 102

/* Values of CRMKIT_RULES_METRIC, and the columns of crmkit_rules_rules' metrics. */
#define CRMKIT_RULES_METRIC_SUPPORT 0
#define CRMKIT_RULES_METRIC_CONFIDENCE 1
#define CRMKIT_RULES_METRIC_LIFT 2
#define CRMKIT_RULES_METRIC_LEVERAGE 3
#define CRMKIT_RULES_METRIC_CONVICTION 4
#define CRMKIT_RULES_METRIC_ZHANGS_METRIC 5
/** Columns per rule in crmkit_rules_rules: antecedent support, consequent support, support,
 *  confidence, lift, leverage, conviction, zhangs_metric. */
#define CRMKIT_RULES_N_COLUMNS 8

/**
 * Creates a rules handle with default settings.
 * @param[out] out receives the handle (NULL on failure); release it with crmkit_rules_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (out NULL); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_rules_create(crmkit_rules** out);
/** Releases a handle. Accepts NULL. */
CRMKIT_API void crmkit_rules_free(crmkit_rules* rules);
/**
 * Sets an integer setting (CRMKIT_RULES_MAX_LEN, CRMKIT_RULES_METRIC); keys, ranges and
 * defaults are option_table<rules_options> (crmkit/offers/association_rules.hpp).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, unknown key, a double key, out of range).
 */
CRMKIT_API int crmkit_rules_set_int(crmkit_rules* rules, int32_t key, int64_t value);
/**
 * Sets a double setting (CRMKIT_RULES_MIN_SUPPORT, CRMKIT_RULES_MIN_THRESHOLD).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, unknown key, an integer key, out of range).
 */
CRMKIT_API int crmkit_rules_set_double(crmkit_rules* rules, int32_t key, double value);
/**
 * Reads an integer setting.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, unknown key, a double key).
 */
CRMKIT_API int crmkit_rules_get_int(const crmkit_rules* rules, int32_t key, int64_t* out);
/**
 * Reads a double setting.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, unknown key, an integer key).
 */
CRMKIT_API int crmkit_rules_get_double(const crmkit_rules* rules, int32_t key, double* out);
/**
 * Range and default of a setting; any out pointer may be NULL.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (unknown key).
 */
CRMKIT_API int crmkit_rules_option_bounds(int32_t key, double* out_lo, double* out_hi, double* out_default);

/**
 * Mines the frequent itemsets of the baskets and the rules, replacing any previous
 * result.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, no baskets, an itemset with
 *         more than 30 items: set CRMKIT_RULES_MAX_LEN); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_rules_fit_baskets(crmkit_rules* rules, const crmkit_baskets* baskets);

/**
 * Sizes of the result: itemsets, their item entries, rules, antecedent and consequent
 * item entries. Any out pointer may be NULL.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (rules NULL); CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_rules_sizes(const crmkit_rules* rules, size_t* out_n_itemsets, size_t* out_itemset_entries,
                                  size_t* out_n_rules, size_t* out_antecedent_entries,
                                  size_t* out_consequent_entries);

/**
 * Copies the frequent itemsets (by size, then items): offsets (n_itemsets + 1 values),
 * items, basket counts and supports (n_itemsets values each).
 * @param sets_cap capacity of counts and support (offsets: sets_cap + 1).
 * @param items_cap capacity of items.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer); CRMKIT_E_NOT_FITTED;
 *         CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_rules_itemsets(const crmkit_rules* rules, int64_t* offsets, int32_t* items, int64_t* counts,
                                     double* support, size_t sets_cap, size_t items_cap);

/**
 * Copies the rules (by antecedent, then confidence descending, then consequent):
 * antecedent and consequent offsets (n_rules + 1 values each) and items, and
 * CRMKIT_RULES_N_COLUMNS metrics per rule, row-major.
 * @param rules_cap capacity in rules (offsets: rules_cap + 1; metrics: 8 rules_cap).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer); CRMKIT_E_NOT_FITTED;
 *         CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_rules_rules(const crmkit_rules* rules, int64_t* antecedent_offsets, int32_t* antecedent_items,
                                  size_t antecedent_cap, int64_t* consequent_offsets, int32_t* consequent_items,
                                  size_t consequent_cap, double* metrics, size_t rules_cap);

/**
 * Keeps only the first n rules of each antecedent (the n of highest confidence).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (rules NULL); CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_rules_keep_top_per_antecedent(crmkit_rules* rules, size_t n);

/**
 * The items the rules suggest for a basket (Spark's FPGrowthModel.transform: consequents
 * of rules whose antecedent is in the basket, minus the basket), best confidence first.
 * @param basket n item indices (any order, duplicates allowed); NULL when n is 0.
 * @param[out] out_items, out_scores caller buffers of cap values (confidence).
 * @param[out] out_needed the number of suggestions.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer); CRMKIT_E_NOT_FITTED;
 *         CRMKIT_E_BUFFER_TOO_SMALL (cap < *out_needed; nothing written).
 */
CRMKIT_API int crmkit_rules_suggest(const crmkit_rules* rules, const int32_t* basket, size_t n, int32_t* out_items,
                                    double* out_scores, size_t cap, size_t* out_needed);

/**
 * Offers from the rules for every row of a history (CSR structure n_rows x n_cols; a
 * row's items are its basket): the suggested consequents by confidence, then the most
 * popular items of the history; out_cold_start[r] (may be NULL) is 1 when the rules
 * suggested nothing for row r. Layout as crmkit_als_recommend.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, malformed CSR, top_n 0, a
 *         rule item >= n_cols); CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_rules_recommend(const crmkit_rules* rules, const int64_t* indptr, const int32_t* indices,
                                      size_t n_rows, size_t n_cols, size_t nnz, size_t top_n,
                                      int32_t exclude_history, int32_t* out_items, double* out_scores,
                                      int32_t* out_cold_start, size_t cap);

/* ---- implicit ALS ------------------------------------------------------------------- */

/** Implicit-feedback ALS settings and, after a fit, the factors. Opaque. */
typedef struct crmkit_als crmkit_als;

/* Integer settings (crmkit_als_set_int / _get_int). */
/** Latent dimension, 1 .. 4096. Default 32. */
#define CRMKIT_ALS_FACTORS 1
/** ALS iterations (each: all customers, then all products), >= 1. Default 15. */
#define CRMKIT_ALS_MAX_ITER 2
/** Conjugate-gradient steps per row and iteration, >= 1. Default 3. */
#define CRMKIT_ALS_CG_STEPS 3
/** CRMKIT_ALS_SOLVER_CG (default) or CRMKIT_ALS_SOLVER_CHOLESKY (exact per row). */
#define CRMKIT_ALS_SOLVER 4
/** Seed of the initial factors, 0 .. 2^53. Default 0. */
#define CRMKIT_ALS_SEED 5
/** Threads (>= 1); results are identical for any value. Default 1. */
#define CRMKIT_ALS_N_THREADS 6
/* Double settings (crmkit_als_set_double / _get_double). */
/** L2 penalty lambda (>= 0). Default 0.01. */
#define CRMKIT_ALS_REGULARIZATION 101
/** Confidence slope: c = 1 + alpha * value (>= 0). Default 1. */
#define CRMKIT_ALS_ALPHA 102
/** Relative loss decrease to stop at (>= 0; 0: run max_iter). Default 0. */
#define CRMKIT_ALS_TOL 103
/** Matrix weighting before the fit (crmkit/offers/weighting.hpp): CRMKIT_ALS_WEIGHTING_*. Default none. */
#define CRMKIT_ALS_WEIGHTING 7
/** K1 of BM25 weighting (>= 0). Default 100 (implicit's for ALS). */
#define CRMKIT_ALS_BM25_K1 104
/** B of BM25 weighting, in [0, 1]. Default 0.8. */
#define CRMKIT_ALS_BM25_B 105

/* Values of CRMKIT_ALS_WEIGHTING (implicit's bm25_weight / tfidf_weight; entries weighted
 * <= 0, in a column held by n_rows - 1 rows or more, are dropped). */
#define CRMKIT_ALS_WEIGHTING_NONE 0
#define CRMKIT_ALS_WEIGHTING_BM25 1
#define CRMKIT_ALS_WEIGHTING_TFIDF 2

/* Values of CRMKIT_ALS_SOLVER. */
#define CRMKIT_ALS_SOLVER_CG 0
#define CRMKIT_ALS_SOLVER_CHOLESKY 1

/**
 * Creates an ALS handle with default settings.
 * @param[out] out receives the handle (NULL on failure); release it with crmkit_als_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (out NULL); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_als_create(crmkit_als** out);
/** Releases a handle and its model. Accepts NULL. */
CRMKIT_API void crmkit_als_free(crmkit_als* als);
/**
 * Sets an integer setting (CRMKIT_ALS_FACTORS .. CRMKIT_ALS_N_THREADS); keys, ranges and
 * defaults are option_table<als_options> (crmkit/offers/implicit_als.hpp).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, unknown key, a double key, out of range).
 */
CRMKIT_API int crmkit_als_set_int(crmkit_als* als, int32_t key, int64_t value);
/**
 * Sets a double setting (CRMKIT_ALS_REGULARIZATION, _ALPHA, _TOL).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, unknown key, an integer key, out of range).
 */
CRMKIT_API int crmkit_als_set_double(crmkit_als* als, int32_t key, double value);
/**
 * Reads an integer setting.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, unknown key, a double key).
 */
CRMKIT_API int crmkit_als_get_int(const crmkit_als* als, int32_t key, int64_t* out);
/**
 * Reads a double setting.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, unknown key, an integer key).
 */
CRMKIT_API int crmkit_als_get_double(const crmkit_als* als, int32_t key, double* out);
/**
 * Range and default of a setting; any out pointer may be NULL.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (unknown key).
 */
CRMKIT_API int crmkit_als_option_bounds(int32_t key, double* out_lo, double* out_hi, double* out_default);

/**
 * Fits the factorization to an n_rows x n_cols CSR matrix (scipy's indptr, indices,
 * data; values >= 0, duplicates summed), replacing any previous model; the handle keeps
 * a copy of the matrix as the history crmkit_als_recommend excludes.
 * @param user_init, item_init NULL (seeded start) or row-major n_rows x factors and
 *        n_cols x factors initial factors (both or neither).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, malformed matrix, a
 *         negative or non-finite value, empty matrix, one init without the other);
 *         CRMKIT_E_OUT_OF_MEMORY. On failure the handle holds no model.
 */
CRMKIT_API int crmkit_als_fit(crmkit_als* als, const int64_t* indptr, const int32_t* indices, const double* data,
                              size_t n_rows, size_t n_cols, size_t nnz, const double* user_init,
                              const double* item_init);

/**
 * Shape of the model: rows (customers), columns (products), factors.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (a NULL pointer); CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_als_shape(const crmkit_als* als, size_t* out_n_rows, size_t* out_n_cols,
                                size_t* out_factors);

/**
 * Copies the customer factors, row-major n_rows x factors.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_als_user_factors(const crmkit_als* als, double* out, size_t cap);
/**
 * Copies the product factors, row-major n_cols x factors.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_als_item_factors(const crmkit_als* als, double* out, size_t cap);

/**
 * How the last fit ended (the shared getter of crmkit/c/fit_report.h). Any out pointer may be NULL.
 * @param[out] out_status CRMKIT_FIT_ITERATION_LIMIT (max_iter run), _CONVERGED (tol reached)
 *             or _NUMERICAL_FAILURE (a non-finite loss).
 * @param[out] out_objective the loss; out_gradient_norm the last relative loss decrease.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (handle NULL); CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_als_fit_report(const crmkit_als* als, int32_t* out_status, int32_t* out_iterations,
                                     double* out_objective, double* out_gradient_norm);
/**
 * The last fit's message (two-call protocol).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_als_fit_message(const crmkit_als* als, char* buf, size_t cap, size_t* out_needed);

/**
 * Top-N offers for every row of the training matrix: out_items[r * top_n + j] is row r's
 * j-th product (best first; -1 with score 0 when fewer remain), out_scores its score
 * (x_u . y_i, or the popularity share for a cold-start row), out_cold_start[r] 1 when row
 * r had no history and got the popularity ranking. Uses CRMKIT_ALS_N_THREADS.
 * @param exclude_bought 1: leave out the row's own products; 0: keep them.
 * @param cap capacity of out_items and out_scores (>= n_rows * top_n); out_cold_start
 *        holds n_rows values (may be NULL).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, top_n 0); CRMKIT_E_NOT_FITTED;
 *         CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_als_recommend(const crmkit_als* als, size_t top_n, int32_t exclude_bought, int32_t* out_items,
                                    double* out_scores, int32_t* out_cold_start, size_t cap);

/**
 * The top_n products most similar to `item` by the cosine of their factors (the item
 * left out), best first.
 * @param[out] out_count the number written (min(top_n, n_cols - 1)).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, item out of range, top_n 0);
 *         CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL (cap < *out_count; nothing written).
 */
CRMKIT_API int crmkit_als_similar_items(const crmkit_als* als, int32_t item, size_t top_n, int32_t* out_items,
                                        double* out_scores, size_t cap, size_t* out_count);

/**
 * Saves the fitted model as a model document (crmkit/core/model_document.hpp, model
 * "implicit_als": the factors to 17 digits, the options, the report, and the history
 * matrix the offers exclude), so that crmkit_als_load gives a handle whose
 * crmkit_als_recommend and crmkit_als_similar_items return the same bits. Customer and
 * product ids are not in it. Two-call protocol: `*out_needed` receives the size including
 * the NUL; buf may be NULL when cap is 0. Size: about 25 bytes per factor value and per
 * history entry.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_als_save(const crmkit_als* als, char* buf, size_t cap, size_t* out_needed);

/**
 * Creates a fitted handle from a document written by crmkit_als_save (or by
 * crmkit::als_to_text; a document without [history] loads, and its crmkit_als_recommend
 * then fails with CRMKIT_E_INVALID_ARGUMENT: there is no history to exclude).
 * @param text NUL-terminated UTF-8; borrowed for the call.
 * @param[out] out receives the handle (NULL on failure); free it with crmkit_als_free.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL); CRMKIT_E_PARSE (the message names the
 *         line, the key and why); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_als_load(const char* text, crmkit_als** out);

/* ---- offers by value and the customer table (crmkit/offers/offer_value.hpp) -------- */

/**
 * Re-ranks offers (n_rows x top_n, the layout of crmkit_als_recommend) by expected value
 * = clamp(score, 0, 1) x row_value[r] x item_value[item] (item_value NULL: 1), in the
 * units of the values (CLV or expected spend: currency). Each row is re-sorted by value
 * (ties: the given order); out_scores keep the affinity. A NaN row value (missing) gives
 * value 0 for the row's offers; values are never NaN.
 * @param row_value n_rows values, >= 0 or NaN.
 * @param item_value NULL, or n_items values >= 0 (every offered item below n_items).
 * @param[out] out_items, out_scores, out_values caller buffers of cap >= n_rows * top_n.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, a negative or infinite row
 *         value, a bad item value, an offered item >= n_items); CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_offers_rank_by_value(const int32_t* items, const double* scores, size_t n_rows, size_t top_n,
                                           const double* row_value, const double* item_value, size_t n_items,
                                           int32_t* out_items, double* out_scores, double* out_values, size_t cap);

/**
 * Adds (or replaces) the next-best-offer columns of a customer table: `<prefix>`
 * (category: the product id of each customer's first offer), `<prefix>_score` (float64),
 * `<prefix>_value` (float64; only when values is not NULL) and `<prefix>_cold_start`
 * (int64 0/1). Offer row r is customer row_ids[r]; table customers without an offer get
 * missing values; offer rows of unknown ids are ignored. The table is otherwise unchanged.
 * @param prefix NUL-terminated; NULL: "next_best_offer".
 * @param row_ids, item_names n_rows customer ids and n_items product ids (NUL-terminated).
 * @param items, scores, values n_rows x top_n offers (values may be NULL); cold_start n_rows flags (may be NULL: 0).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, an offered item >= n_items,
 *         top_n 0, an empty prefix); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_offers_add_columns(crmkit_table* table, const char* prefix, const char* const* row_ids,
                                         size_t n_rows, const char* const* item_names, size_t n_items,
                                         const int32_t* items, const double* scores, const double* values,
                                         const int32_t* cold_start, size_t top_n);

/* ---- item kNN (crmkit/offers/item_knn.hpp) ------------------------------------------ */

/** Item-item cosine kNN settings and, after a fit, the neighbour lists. Opaque. */
typedef struct crmkit_item_knn crmkit_item_knn;

/* Integer settings (crmkit_item_knn_set_int / _get_int). */
/** Neighbours kept per product (K, the product itself included, as implicit's), >= 1. Default 20. */
#define CRMKIT_ITEM_KNN_NEIGHBOURS 1
/** Threads (>= 1); results are identical for any value. Default 1. */
#define CRMKIT_ITEM_KNN_N_THREADS 2

/**
 * Creates an item kNN handle with default settings.
 * @param[out] out receives the handle (NULL on failure); release it with crmkit_item_knn_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (out NULL); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_item_knn_create(crmkit_item_knn** out);
/** Releases a handle and its model. Accepts NULL. */
CRMKIT_API void crmkit_item_knn_free(crmkit_item_knn* knn);
/**
 * Sets an integer setting (CRMKIT_ITEM_KNN_NEIGHBOURS, _N_THREADS); keys, ranges and
 * defaults are option_table<item_knn_options> (crmkit/offers/item_knn.hpp).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, unknown key, out of range).
 */
CRMKIT_API int crmkit_item_knn_set_int(crmkit_item_knn* knn, int32_t key, int64_t value);
/**
 * Reads an integer setting.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, unknown key).
 */
CRMKIT_API int crmkit_item_knn_get_int(const crmkit_item_knn* knn, int32_t key, int64_t* out);
/**
 * Range and default of a setting; any out pointer may be NULL.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (unknown key).
 */
CRMKIT_API int crmkit_item_knn_option_bounds(int32_t key, double* out_lo, double* out_hi, double* out_default);

/**
 * Computes the neighbour lists of the columns of an n_rows x n_cols CSR matrix (scipy's
 * indptr, indices, data; values >= 0, duplicates summed), replacing any previous model;
 * the handle keeps a copy of the matrix as the history crmkit_item_knn_recommend reads.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, malformed matrix, a negative
 *         or non-finite value, no columns); CRMKIT_E_OUT_OF_MEMORY. On failure the handle
 *         holds no model.
 */
CRMKIT_API int crmkit_item_knn_fit(crmkit_item_knn* knn, const int64_t* indptr, const int32_t* indices,
                                   const double* data, size_t n_rows, size_t n_cols, size_t nnz);

/**
 * The similarity matrix (n_cols x n_cols CSR: row i the kept neighbours of product i,
 * columns ascending, cosine values). Call with indptr NULL and caps 0 to learn *out_nnz,
 * then with buffers of n_cols + 1 (indptr) and *out_nnz (indices, data) values.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL handle or out_nnz); CRMKIT_E_NOT_FITTED;
 *         CRMKIT_E_BUFFER_TOO_SMALL (*out_nnz set).
 */
CRMKIT_API int crmkit_item_knn_similarity(const crmkit_item_knn* knn, int64_t* indptr, size_t indptr_cap,
                                          int32_t* indices, double* data, size_t nnz_cap, size_t* out_nnz);

/**
 * Top-N offers for every row of the fitted matrix (layout as crmkit_als_recommend): the
 * products of score sum_i r_ui s_ij > 0 best first, then the most popular products not yet
 * offered (score = popularity share); out_cold_start[r] 1 when the neighbours suggested
 * nothing (a row without history). Uses CRMKIT_ITEM_KNN_N_THREADS.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, top_n 0); CRMKIT_E_NOT_FITTED;
 *         CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_item_knn_recommend(const crmkit_item_knn* knn, size_t top_n, int32_t exclude_bought,
                                         int32_t* out_items, double* out_scores, int32_t* out_cold_start, size_t cap);

/**
 * The kept neighbours of `item` other than itself, best first, at most top_n.
 * @param[out] out_count the number written.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, item out of range, top_n 0);
 *         CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL (cap < *out_count; nothing written).
 */
CRMKIT_API int crmkit_item_knn_similar_items(const crmkit_item_knn* knn, int32_t item, size_t top_n,
                                             int32_t* out_items, double* out_scores, size_t cap, size_t* out_count);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CRMKIT_C_OFFERS_H */
