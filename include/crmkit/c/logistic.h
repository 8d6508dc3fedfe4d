/**
 * @file crmkit/c/logistic.h
 * C ABI of the supervised churn model and of the churn evaluation metrics (C++:
 * crmkit/churn/logistic.hpp and crmkit/churn/metrics.hpp, whose docs define the
 * semantics): L2-regularised logistic regression (scikit-learn's LogisticRegression
 * objective; standardisation kept in the model; class and sample weights; convergence
 * status), probability prediction, text serialisation; ROC-AUC, KS, Brier score, lift
 * table and Platt calibration.
 *
 * `#include <crmkit/crmkit.h>` (which includes this header) and link `libcrmkit.so`.
 *
 * Thread safety: a crmkit_logistic handle is not synchronized; use it from one thread at
 * a time. Distinct handles are independent. The metric functions are stateless; safe.
 *
 * Buffers: inputs are borrowed for the call only (features row-major, `n_rows * n_cols`
 * doubles; labels one double per row, each exactly 0 or 1; optional weights one double
 * per row, NULL meaning all 1); outputs are caller-allocated with the sizes documented
 * per function. Memory: a fit temporarily holds a standardised copy of the features
 * (8 n_rows (n_cols + 1) bytes); the handle keeps 4 n_cols doubles.
 *
 * @code
 * crmkit_logistic* lr = NULL;
 * if (crmkit_logistic_create(&lr) != CRMKIT_OK) return 1;
 * crmkit_logistic_set_double(lr, CRMKIT_LOGISTIC_C, 0.5);
 * crmkit_logistic_set_int(lr, CRMKIT_LOGISTIC_CLASS_WEIGHT, CRMKIT_LOGISTIC_CLASS_WEIGHT_BALANCED);
 * if (crmkit_logistic_fit(lr, x, n_rows, n_cols, y, NULL) == CRMKIT_OK) {
 *   int32_t status;
 *   crmkit_logistic_fit_report(lr, &status, NULL, NULL, NULL);
 *   if (status != CRMKIT_FIT_CONVERGED) fprintf(stderr, "did not converge\n");
 *   double* p = malloc(n_rows * sizeof *p);
 *   double auc;
 *   crmkit_logistic_predict_proba(lr, x, n_rows, n_cols, p, n_rows);
 *   crmkit_roc_auc(y, p, NULL, n_rows, &auc);
 *   free(p);
 * } else {
 *   fprintf(stderr, "%s\n", crmkit_last_error());
 * }
 * crmkit_logistic_free(lr);
 * @endcode
 */
#ifndef CRMKIT_C_LOGISTIC_H
#define CRMKIT_C_LOGISTIC_H

#include "crmkit/crmkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Logistic regression settings and, after a fit, the fitted model. Opaque. */
typedef struct crmkit_logistic crmkit_logistic;

/* Integer settings (crmkit_logistic_set_int / crmkit_logistic_get_int). */
/** 1 (default): fit an unpenalised intercept; 0: none. */
#define CRMKIT_LOGISTIC_FIT_INTERCEPT 1
/** 1 (default): standardise the features (kept in the model); 0: use them as given. */
#define CRMKIT_LOGISTIC_STANDARDIZE 2
/** CRMKIT_LOGISTIC_CLASS_WEIGHT_NONE (default), _BALANCED or _GIVEN. */
#define CRMKIT_LOGISTIC_CLASS_WEIGHT 3
/** Newton iteration limit (>= 1). Default 100. */
#define CRMKIT_LOGISTIC_MAX_ITER 4

/* Double settings (crmkit_logistic_set_double / crmkit_logistic_get_double). */
/** Inverse regularisation strength C (finite, > 0), scikit-learn's. Default 1. */
#define CRMKIT_LOGISTIC_C 101
/** Convergence tolerance on the scaled gradient (finite, > 0). Default 1e-10. */
#define CRMKIT_LOGISTIC_TOL 102
/** Weight of class 0 with CRMKIT_LOGISTIC_CLASS_WEIGHT_GIVEN (finite, >= 0). Default 1. */
#define CRMKIT_LOGISTIC_CLASS_WEIGHT_0 103
/** Weight of class 1 with CRMKIT_LOGISTIC_CLASS_WEIGHT_GIVEN (finite, >= 0). Default 1. */
#define CRMKIT_LOGISTIC_CLASS_WEIGHT_1 104

/* Values of CRMKIT_LOGISTIC_CLASS_WEIGHT. */
#define CRMKIT_LOGISTIC_CLASS_WEIGHT_NONE 0
/** c_k = n / (2 n_k), scikit-learn's "balanced". */
#define CRMKIT_LOGISTIC_CLASS_WEIGHT_BALANCED 1
#define CRMKIT_LOGISTIC_CLASS_WEIGHT_GIVEN 2


/* Coefficient spaces (crmkit_logistic_coef). */
/** Coefficients of the original features: p = sigmoid(intercept + x . coef). */
#define CRMKIT_LOGISTIC_ORIGINAL_UNITS 0
/** The penalised coefficients of the standardised features. */
#define CRMKIT_LOGISTIC_STANDARDIZED_UNITS 1

/* Columns of one crmkit_lift_table row, in this order. */
#define CRMKIT_LIFT_ROWS 0
#define CRMKIT_LIFT_POSITIVES 1
#define CRMKIT_LIFT_MIN_SCORE 2
#define CRMKIT_LIFT_MAX_SCORE 3
#define CRMKIT_LIFT_RESPONSE_RATE 4
#define CRMKIT_LIFT_LIFT 5
#define CRMKIT_LIFT_CUMULATIVE_ROWS 6
#define CRMKIT_LIFT_CUMULATIVE_POSITIVES 7
#define CRMKIT_LIFT_CUMULATIVE_GAIN 8
#define CRMKIT_LIFT_CUMULATIVE_LIFT 9
/** Number of columns of a crmkit_lift_table row. */
#define CRMKIT_LIFT_N_COLUMNS 10

/**
 * Creates a logistic regression handle with default settings.
 * @param[out] out receives the handle (NULL on failure); release it with crmkit_logistic_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (out NULL); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_logistic_create(crmkit_logistic** out);

/**
 * Creates a fitted handle from a model document written by crmkit_logistic_save(); its
 * predictions are bit-identical to those of the handle that wrote it.
 * @param text NUL-terminated UTF-8; borrowed for the call.
 * @param[out] out receives the handle (NULL on failure).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL); CRMKIT_E_PARSE (the message names
 *         the line, the key and why); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_logistic_load(const char* text, crmkit_logistic** out);

/** Releases a handle and its model. Accepts NULL. */
CRMKIT_API void crmkit_logistic_free(crmkit_logistic* logistic);

/**
 * Sets an integer setting (CRMKIT_LOGISTIC_FIT_INTERCEPT .. CRMKIT_LOGISTIC_MAX_ITER).
 * Takes effect at the next fit.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL handle, unknown key, value out of range).
 */
CRMKIT_API int crmkit_logistic_set_int(crmkit_logistic* logistic, int32_t key, int64_t value);

/**
 * Reads an integer setting.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, unknown key).
 */
CRMKIT_API int crmkit_logistic_get_int(const crmkit_logistic* logistic, int32_t key, int64_t* out);

/**
 * Sets a double setting (CRMKIT_LOGISTIC_C .. CRMKIT_LOGISTIC_CLASS_WEIGHT_1). Takes
 * effect at the next fit.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL handle, unknown key, value out of
 *         range; the message names the key and the range).
 */
CRMKIT_API int crmkit_logistic_set_double(crmkit_logistic* logistic, int32_t key, double value);

/**
 * Reads a double setting.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, unknown key).
 */
CRMKIT_API int crmkit_logistic_get_double(const crmkit_logistic* logistic, int32_t key, double* out);

/**
 * The accepted range and the default of a setting (zstd's ZSTD_cParam_getBounds), from
 * option_table<logistic_options> in crmkit/churn/logistic.hpp: every value in [lo, hi]
 * is accepted by the setter (whole numbers for an integer key; lo is the smallest
 * positive double for a setting that must be > 0). Needs no handle. Any out pointer may
 * be NULL.
 * @param[out] out_lo, out_hi the closed range; out_default the value of a new handle.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (unknown key).
 */
CRMKIT_API int crmkit_logistic_option_bounds(int32_t key, double* out_lo, double* out_hi, double* out_default);

/**
 * Fits the model, replacing any previous one. A fit that does not converge still succeeds
 * (CRMKIT_OK) and says so in crmkit_logistic_fit_report(); check it.
 * @param data row-major n_rows x n_cols features, finite; borrowed for the call.
 * @param y n_rows labels, each 0 or 1, both present.
 * @param sample_weight n_rows finite weights >= 0, or NULL for all 1.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, n_rows 0, a NaN or infinite
 *         feature: the message names its row and column; a label other than 0/1; a single
 *         class; bad weights); CRMKIT_E_OUT_OF_MEMORY. On failure the handle holds no model.
 */
CRMKIT_API int crmkit_logistic_fit(crmkit_logistic* logistic, const double* data, size_t n_rows, size_t n_cols,
                                   const double* y, const double* sample_weight);

/**
 * The number of features of the fitted model.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL); CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_logistic_n_features(const crmkit_logistic* logistic, size_t* out);

/**
 * How the last fit ended (the shared getter of crmkit/c/fit_report.h). Any out pointer may be NULL.
 * @param[out] out_status CRMKIT_FIT_CONVERGED, _BOUNDARY, _ITERATION_LIMIT or _NUMERICAL_FAILURE.
 * @param[out] out_iterations Newton iterations done.
 * @param[out] out_objective the penalised objective f(w, b) at the model.
 * @param[out] out_gradient_norm largest |gradient component| of the objective at the model.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (handle NULL); CRMKIT_E_NOT_FITTED (no fit yet).
 */
CRMKIT_API int crmkit_logistic_fit_report(const crmkit_logistic* logistic, int32_t* out_status, int32_t* out_iterations,
                                  double* out_objective, double* out_gradient_norm);

/**
 * The last fit's message (why the fit stopped when it did not converge; empty when converged), two-call text protocol: *out_needed receives the size
 * including the NUL; buf may be NULL when cap is 0.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_logistic_fit_message(const crmkit_logistic* logistic, char* buf, size_t cap, size_t* out_needed);

/**
 * Copies the coefficients (n_features doubles) and the intercept.
 * @param units CRMKIT_LOGISTIC_ORIGINAL_UNITS or CRMKIT_LOGISTIC_STANDARDIZED_UNITS.
 * @param[out] out caller buffer of `cap` >= n_features doubles (may be NULL when n_features is 0).
 * @param[out] out_intercept receives the intercept in the same units (may be NULL).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_logistic_coef(const crmkit_logistic* logistic, int32_t units, double* out, size_t cap,
                                    double* out_intercept);

/**
 * Copies the standardisation kept in the model: column means and scales (n_features each;
 * zeros and ones without standardisation).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_logistic_scaling(const crmkit_logistic* logistic, double* out_means, double* out_scales,
                                       size_t cap);

/**
 * P(y = 1) for each row of `data` (n_cols must equal n_features).
 * @param[out] out caller buffer of `cap` >= n_rows doubles.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, wrong n_cols, a non-finite feature);
 *         CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_logistic_predict_proba(const crmkit_logistic* logistic, const double* data, size_t n_rows,
                                             size_t n_cols, double* out, size_t cap);

/**
 * The linear predictor (log-odds of y = 1) for each row; arguments as crmkit_logistic_predict_proba.
 */
CRMKIT_API int crmkit_logistic_decision_function(const crmkit_logistic* logistic, const double* data, size_t n_rows,
                                                 size_t n_cols, double* out, size_t cap);

/**
 * Writes the fitted model as a model document (crmkit/core/model_document.hpp: TOML with
 * the parameters to 17 digits, the options and the fit report; see crmkit_logistic_load)
 * with the two-call protocol: `*out_needed` receives the size including the NUL.
 * @param[out] buf caller buffer of `cap` bytes; may be NULL when cap is 0.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED;
 *         CRMKIT_E_BUFFER_TOO_SMALL (nothing useful written; call again with *out_needed).
 */
CRMKIT_API int crmkit_logistic_save(const crmkit_logistic* logistic, char* buf, size_t cap, size_t* out_needed);

/**
 * ROC-AUC of `score` against labels `y` (ties count one half; scikit-learn's roc_auc_score).
 * @param sample_weight n weights or NULL.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, n 0, a label other than 0/1, a
 *         non-finite score, a single class).
 */
CRMKIT_API int crmkit_roc_auc(const double* y, const double* score, const double* sample_weight, size_t n,
                              double* out);

/** Kolmogorov-Smirnov statistic max |TPR - FPR| over thresholds; arguments as crmkit_roc_auc. */
CRMKIT_API int crmkit_ks_statistic(const double* y, const double* score, const double* sample_weight, size_t n,
                                   double* out);

/**
 * Brier score: weighted mean of (probability - y)^2; probabilities in [0, 1].
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT.
 */
CRMKIT_API int crmkit_brier_score(const double* y, const double* probability, const double* sample_weight, size_t n,
                                  double* out);

/**
 * Gains and lift table: rows sorted by decreasing score (ties in input order), cut into
 * n_bins bins of near-equal size; bin 0 is the best-scored.
 * @param[out] out caller buffer of `cap` >= n_bins * CRMKIT_LIFT_N_COLUMNS doubles,
 *         row-major, columns CRMKIT_LIFT_ROWS .. CRMKIT_LIFT_CUMULATIVE_LIFT.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, n_bins 0 or > n, no positive label,
 *         bad labels or scores); CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_lift_table(const double* y, const double* score, size_t n, size_t n_bins, double* out,
                                 size_t cap);

/**
 * Fits Platt's sigmoid calibration P(y = 1 | s) = 1 / (1 + exp(a s + b)).
 * @param[out] out_a, out_b receive a and b.
 * @param[out] out_status receives CRMKIT_FIT_CONVERGED or another CRMKIT_FIT_* status (may be NULL).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, bad input, a single class).
 */
CRMKIT_API int crmkit_platt_fit(const double* score, const double* y, const double* sample_weight, size_t n,
                                double* out_a, double* out_b, int32_t* out_status);

#ifdef __cplusplus
}
#endif

#endif /* CRMKIT_C_LOGISTIC_H */
