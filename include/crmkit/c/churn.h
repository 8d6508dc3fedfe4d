/**
 * @file crmkit/c/churn.h
 * C ABI of the buy-till-you-die churn models (C++: crmkit/churn/{btyd_summary, bg_nbd,
 * pareto_nbd, modified_bg_nbd, bg_bb, gamma_gamma, clv, validation}.hpp, whose docs define
 * the semantics): the recency/frequency summary of a dataset, maximum-likelihood fits with a
 * convergence report, per-customer predictions (P(alive), expected purchases, P(no purchase),
 * the conditional distribution of the number of purchases, expected spend), customer lifetime
 * value (continuous models with Gamma-Gamma spend; BG/BB by DERT) and the hold-out check of a
 * churn score.
 *
 * `#include <crmkit/crmkit.h>` (which includes this header) and link `libcrmkit.so`.
 *
 * Thread safety: a crmkit_btyd handle is not synchronized; use it from one thread at a time
 * (the prediction calls only read the handle, so concurrent predictions on a fitted handle
 * are safe as long as nobody fits or sets it meanwhile). Distinct handles are independent.
 * crmkit_btyd_summarize and crmkit_btyd_validate_holdout are stateless; safe.
 *
 * Buffers: inputs are borrowed for the call only, one double per customer; outputs are
 * caller-allocated with the sizes documented per function. Memory: a fit holds a grouped copy
 * of its rows (4 doubles per distinct row); the handle keeps a few doubles.
 *
 * Recommended churn score: CRMKIT_BTYD_P_NO_PURCHASE (P(no purchase in the next t periods)),
 * not 1 - P(alive): under BG/NBD every customer without repeat purchases has P(alive) = 1,
 * which ranks one-time buyers as safest (AUC 0.32 on the CDNOW hold-out; P(no purchase) 0.76).
 *
 * @code
 * crmkit_btyd* m = NULL;
 * if (crmkit_btyd_create(CRMKIT_BTYD_BG_NBD, &m) != CRMKIT_OK) return 1;
 * if (crmkit_btyd_fit(m, x, tx, T, NULL, n) == CRMKIT_OK) {
 *   int32_t status;
 *   double params[4], neg_ll;
 *   crmkit_btyd_fit_report(m, &status, NULL, &neg_ll, NULL);
 *   if (status != CRMKIT_FIT_CONVERGED) fprintf(stderr, "did not converge\n");
 *   crmkit_btyd_params(m, params, 4);                   // r, alpha, a, b
 *   crmkit_btyd_predict(m, CRMKIT_BTYD_P_NO_PURCHASE, 39.0, x, tx, T, n, score);
 * } else {
 *   fprintf(stderr, "%s\n", crmkit_last_error());
 * }
 * crmkit_btyd_free(m);
 * @endcode
 */
#ifndef CRMKIT_C_CHURN_H
#define CRMKIT_C_CHURN_H

#include "crmkit/crmkit.h"
#include "crmkit/c/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A BTYD model (one of the kinds below): settings, then after a fit the parameters. Opaque. */
typedef struct crmkit_btyd crmkit_btyd;

/* Model kinds (crmkit_btyd_create). Parameter order in brackets. */
/** BG/NBD (Fader, Hardie & Lee 2005) [r, alpha, a, b]. */
#define CRMKIT_BTYD_BG_NBD 1
/** Pareto/NBD [r, alpha, s, beta]. */
#define CRMKIT_BTYD_PARETO_NBD 2
/** Modified BG/NBD (Batislam et al. 2007) [r, alpha, a, b]. */
#define CRMKIT_BTYD_MODIFIED_BG_NBD 3
/** BG/BB, discrete time (Fader, Hardie & Shang 2010) [alpha, beta, gamma, delta]; data (x, t_x, n). */
#define CRMKIT_BTYD_BG_BB 4
/** Gamma-Gamma spend model [p, q, gamma]; fitted with crmkit_btyd_fit_spend. */
#define CRMKIT_BTYD_GAMMA_GAMMA 5

/* Integer settings (crmkit_btyd_set_int / crmkit_btyd_get_int). Keys, ranges and defaults
 * are those of option_table<fit_options> in crmkit/churn/fit_report.hpp; query them with
 * crmkit_btyd_option_bounds. */
/** BFGS iteration limit (>= 0). Default 1000. */
#define CRMKIT_BTYD_MAX_ITER 1
/** Threads for fits and predictions (1..1024; results do not depend on it). Default 1. */
#define CRMKIT_BTYD_N_THREADS 2
/** Gamma-Gamma: what to do with a repeat buyer whose mean spend is 0. Default _REJECT. */
#define CRMKIT_BTYD_ZERO_SPEND 3
/** 1 (default): compute standard errors after a fit; 0: skip them. */
#define CRMKIT_BTYD_STANDARD_ERRORS 4
/** Starts of the optimisation (1..1000): the given or default start plus n - 1 deterministic
 *  perturbations of it from CRMKIT_BTYD_SEED; the lowest objective wins
 *  (crmkit_btyd_fit_diagnostics names the start). Default 1. */
#define CRMKIT_BTYD_N_STARTS 5
/** Seed of the perturbed starts (0..4294967295). Default 0. */
#define CRMKIT_BTYD_SEED 6
/** 1 (default): when BFGS stops early (line search failed, not finite, iteration limit),
 *  Nelder-Mead on the log-parameters from its best point, then BFGS again; 0: off. */
#define CRMKIT_BTYD_FALLBACK 7

/* Double settings (crmkit_btyd_set_double / crmkit_btyd_get_double). */
/** Convergence tolerance on the gradient of the mean log-likelihood (finite, > 0). Default 1e-9. */
#define CRMKIT_BTYD_TOL 101
/** A parameter beyond [1/bound, bound] before convergence stops the fit with
 *  CRMKIT_BTYD_BOUNDARY (finite, > 1). Default 1e6. */
#define CRMKIT_BTYD_PARAMETER_BOUND 102

/* Values of CRMKIT_BTYD_ZERO_SPEND. */
/** Fail with CRMKIT_E_INVALID_ARGUMENT naming the row. */
#define CRMKIT_BTYD_ZERO_SPEND_REJECT 0
/** Leave such rows out of the fit. */
#define CRMKIT_BTYD_ZERO_SPEND_DROP 1

/* Predictions (crmkit_btyd_predict). */
/** P(alive | x, t_x, T) (for BG/BB: alive at opportunity n+1). t is ignored. */
#define CRMKIT_BTYD_P_ALIVE 1
/** Expected purchases in the next t periods (BG/BB: next t opportunities). */
#define CRMKIT_BTYD_EXPECTED_PURCHASES 2
/** P(no purchase in the next t periods): the churn score (every purchase model; BG/BB: next t opportunities). */
#define CRMKIT_BTYD_P_NO_PURCHASE 3
/** Log-likelihood of each row (t ignored). */
#define CRMKIT_BTYD_LOG_LIKELIHOOD 4

/**
 * Creates an unfitted model of `kind` (CRMKIT_BTYD_BG_NBD, ...).
 * @param[out] out the new handle, or NULL on failure; free it with crmkit_btyd_free.
 * @return CRMKIT_OK, CRMKIT_E_INVALID_ARGUMENT (unknown kind, NULL out), CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_btyd_create(int32_t kind, crmkit_btyd** out);

/** Frees a handle; NULL is accepted. */
CRMKIT_API void crmkit_btyd_free(crmkit_btyd* model);

/** Sets an integer setting (CRMKIT_BTYD_MAX_ITER, ...). @return CRMKIT_OK or CRMKIT_E_INVALID_ARGUMENT. */
CRMKIT_API int crmkit_btyd_set_int(crmkit_btyd* model, int32_t key, int64_t value);

/** Sets a double setting (CRMKIT_BTYD_TOL, CRMKIT_BTYD_PARAMETER_BOUND). @return CRMKIT_OK or
 *  CRMKIT_E_INVALID_ARGUMENT (NULL, unknown key, an integer key, out of range: the message
 *  names the constant, the value and the range). */
CRMKIT_API int crmkit_btyd_set_double(crmkit_btyd* model, int32_t key, double value);

/** Reads an integer setting into *out. @return CRMKIT_OK or CRMKIT_E_INVALID_ARGUMENT (NULL,
 *  unknown key, a double key). */
CRMKIT_API int crmkit_btyd_get_int(const crmkit_btyd* model, int32_t key, int64_t* out);

/** Reads a double setting into *out. @return CRMKIT_OK or CRMKIT_E_INVALID_ARGUMENT (NULL,
 *  unknown key, an integer key). */
CRMKIT_API int crmkit_btyd_get_double(const crmkit_btyd* model, int32_t key, double* out);

/**
 * The accepted range and the default of a setting (zstd's ZSTD_cParam_getBounds): every
 * value in [lo, hi] is accepted (whole numbers for an integer key; lo is the smallest
 * positive double for a setting that must be > 0). Needs no handle; any out pointer may
 * be NULL.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (unknown key).
 */
CRMKIT_API int crmkit_btyd_option_bounds(int32_t key, double* out_lo, double* out_hi, double* out_default);

/** The handle's model kind (CRMKIT_BTYD_BG_NBD, ...; e.g. of a loaded document); 0 for NULL. */
CRMKIT_API int32_t crmkit_btyd_kind(const crmkit_btyd* model);

/** Number of parameters of the handle's model kind (4, or 3 for Gamma-Gamma); 0 for NULL. */
CRMKIT_API size_t crmkit_btyd_n_params(const crmkit_btyd* model);

/**
 * Fits a purchase model (every kind but Gamma-Gamma) by maximum likelihood.
 * @param frequency x per customer (repeat purchases; BG/BB: purchases), n doubles
 * @param recency t_x per customer (BG/BB: opportunity of the last purchase), n doubles
 * @param T age per customer (BG/BB: number of opportunities), n doubles
 * @param weights row weights (counts of identical customers), n doubles, or NULL for all 1
 * @return CRMKIT_OK also when the fit did not converge (see crmkit_btyd_fit_report);
 *         CRMKIT_E_INVALID_ARGUMENT for NULL arrays, n = 0, bad rows (T < t_x, non-integer x,
 *         all x = 0, ...), a Gamma-Gamma handle; the message names the row.
 */
CRMKIT_API int crmkit_btyd_fit(crmkit_btyd* model, const double* frequency, const double* recency,
                               const double* T, const double* weights, size_t n);

/**
 * Fits a Gamma-Gamma handle on frequency and mean repeat spend; rows with frequency 0 are
 * skipped, a zero spend with frequency > 0 follows CRMKIT_BTYD_ZERO_SPEND.
 * @return CRMKIT_OK, CRMKIT_E_INVALID_ARGUMENT (negative or non-finite spend, ... , or not a
 *         Gamma-Gamma handle).
 */
CRMKIT_API int crmkit_btyd_fit_spend(crmkit_btyd* model, const double* frequency, const double* monetary_value,
                                     const double* weights, size_t n);

/**
 * Sets the parameters instead of fitting (e.g. published ones), in the kind's order.
 * @return CRMKIT_OK, CRMKIT_E_INVALID_ARGUMENT (n differs from crmkit_btyd_n_params, a value
 *         not finite and > 0).
 */
CRMKIT_API int crmkit_btyd_set_params(crmkit_btyd* model, const double* params, size_t n);

/**
 * Copies the parameters into out (cap >= crmkit_btyd_n_params doubles).
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_BUFFER_TOO_SMALL, CRMKIT_E_INVALID_ARGUMENT.
 */
CRMKIT_API int crmkit_btyd_params(const crmkit_btyd* model, double* out, size_t cap);

/**
 * Copies the standard errors of the last fit into out (cap >= crmkit_btyd_n_params doubles;
 * NaN where the Hessian was not positive definite or standard errors were switched off).
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED (no fit yet), CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_btyd_standard_errors(const crmkit_btyd* model, double* out, size_t cap);

/**
 * How the last fit ended (the shared getter of crmkit/c/fit_report.h). Any out pointer may be NULL.
 * @param[out] out_status CRMKIT_FIT_CONVERGED, _BOUNDARY, _ITERATION_LIMIT or _NUMERICAL_FAILURE.
 * @param[out] out_iterations BFGS iterations.
 * @param[out] out_objective negative total (weighted) log-likelihood.
 * @param[out] out_gradient_norm max |gradient| of the mean log-likelihood in log-parameters.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (handle NULL); CRMKIT_E_NOT_FITTED (no fit yet).
 */
CRMKIT_API int crmkit_btyd_fit_report(const crmkit_btyd* model, int32_t* out_status, int32_t* out_iterations,
                                  double* out_objective, double* out_gradient_norm);

/**
 * The last fit's message (why the fit stopped when it did not converge: which parameter went to the boundary, ...; empty when converged), two-call text protocol: *out_needed receives the size
 * including the NUL; buf may be NULL when cap is 0.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_btyd_fit_message(const crmkit_btyd* model, char* buf, size_t cap, size_t* out_needed);

/**
 * The last fit's diagnostics (the shared getter of crmkit/c/fit_report.h). Any out pointer may be NULL.
 * @param[out] out_hessian_condition 2-norm condition number of the Hessian at the returned
 *        parameters, in the parameters of crmkit_btyd_standard_errors (NaN when not computed:
 *        standard errors off, a boundary solution, a failed fit; inf when singular).
 * @param[out] out_n_starts starts tried (CRMKIT_BTYD_N_STARTS).
 * @param[out] out_best_start the start whose result was kept (0: the given or default one).
 * @param[out] out_fallback_used 1 when the fallback ran on that start (CRMKIT_BTYD_FALLBACK), else 0.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (handle NULL); CRMKIT_E_NOT_FITTED (no fit yet).
 */
CRMKIT_API int crmkit_btyd_fit_diagnostics(const crmkit_btyd* model, double* out_hessian_condition,
                                           int32_t* out_n_starts, int32_t* out_best_start,
                                           int32_t* out_fallback_used);

/**
 * Why the last fit's standard errors are missing or NaN ("not requested", "boundary
 * solution: ...", "Hessian not positive definite ...", "fit failed: ..."); empty when they
 * were computed. Two-call text protocol as crmkit_btyd_fit_message.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_btyd_fit_standard_errors_note(const crmkit_btyd* model, char* buf, size_t cap,
                                                    size_t* out_needed);

/**
 * Saves the fitted model as a model document (crmkit/core/model_document.hpp: TOML with the
 * model kind, the parameters, the options and report of its fit, the library version; doubles to 17 digits, so
 * that crmkit_btyd_load gives a handle that predicts bit-identically). Two-call protocol:
 * `*out_needed` receives the size including the NUL; buf may be NULL when cap is 0.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_btyd_save(const crmkit_btyd* model, char* buf, size_t cap, size_t* out_needed);

/**
 * Creates a fitted handle from a document written by crmkit_btyd_save.
 * @param text NUL-terminated UTF-8; borrowed for the call.
 * @param[out] out receives the handle (NULL on failure); free it with crmkit_btyd_free.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL); CRMKIT_E_PARSE (the message names the
 *         line, the key and why); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_btyd_load(const char* text, crmkit_btyd** out);

/**
 * Per-customer predictions of a fitted purchase model into out (n doubles).
 * @param what CRMKIT_BTYD_P_ALIVE, _EXPECTED_PURCHASES, _P_NO_PURCHASE or _LOG_LIKELIHOOD
 * @param t horizon in the model's time unit (ignored for P_ALIVE and LOG_LIKELIHOOD)
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_UNSUPPORTED (any prediction of a
 *         Gamma-Gamma handle), CRMKIT_E_INVALID_ARGUMENT (bad rows, t < 0; for BG/BB a t
 *         that is not a whole number).
 */
CRMKIT_API int crmkit_btyd_predict(const crmkit_btyd* model, int32_t what, double t, const double* frequency,
                                   const double* recency, const double* T, size_t n, double* out);

/**
 * P(exactly n_purchases purchases in the next t periods | x, t_x, T) per customer: the
 * conditional purchase-count distribution (BG/NBD, modified BG/NBD: FHL 2005 eq. 8 at the
 * posterior parameters; Pareto/NBD: Fader & Hardie 2006; BG/BB: FHS 2010, t = number of
 * future opportunities). Rows with x = t_x = T = 0 give the unconditional distribution of a
 * new customer (for BG/BB, n = 0 opportunities is allowed here). Summed over n_purchases
 * = 0, 1, ... it is 1; at 0 it equals CRMKIT_BTYD_P_NO_PURCHASE.
 * Cost: O(1) per row for BG/NBD and modified BG/NBD, one quadrature (a few hundred
 * exponentials) for Pareto/NBD, O(t) for BG/BB. Uses CRMKIT_BTYD_N_THREADS threads.
 * @param[out] out n doubles
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_UNSUPPORTED (Gamma-Gamma handle),
 *         CRMKIT_E_INVALID_ARGUMENT (NULL arrays, n_purchases < 0, t < 0 or not finite,
 *         bad rows; BG/BB: t not a whole number).
 */
CRMKIT_API int crmkit_btyd_prob_n_purchases(const crmkit_btyd* model, int32_t n_purchases, double t,
                                            const double* frequency, const double* recency, const double* T,
                                            size_t n, double* out);

/**
 * BG/BB residual customer lifetime value: spend[i] times DERT(discount_rate | x, t_x, n), the
 * discounted expected residual transactions (FHS 2010 eq. 14), i.e. the sum over future
 * opportunities n+k of P(purchase at n+k) / (1 + discount_rate)^k.
 * @param model a fitted BG/BB handle
 * @param discount_rate per opportunity, finite and > 0
 * @param frequency, recency, periods the patterns (x, t_x, n), n doubles each
 * @param spend value of one transaction per customer (finite, >= 0), n doubles, or NULL to
 *        get DERT itself
 * @param[out] out n doubles
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_INVALID_ARGUMENT (not a BG/BB handle, NULL
 *         arrays, bad patterns or spend, discount_rate <= 0).
 */
CRMKIT_API int crmkit_btyd_bgbb_clv(const crmkit_btyd* model, double discount_rate, const double* frequency,
                                    const double* recency, const double* periods, const double* spend, size_t n,
                                    double* out);

/**
 * Gamma-Gamma: expected spend per purchase E[Z | x, zbar] into out (n doubles).
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_INVALID_ARGUMENT (not a Gamma-Gamma handle, NULL).
 */
CRMKIT_API int crmkit_btyd_expected_spend(const crmkit_btyd* model, const double* frequency,
                                          const double* monetary_value, size_t n, double* out);

/**
 * Customer lifetime value over a calendar horizon: `horizon` cash-flow periods of
 * `period_days` days each, period i's expected spend times expected purchases discounted by
 * (1 + discount_rate)^i (see crmkit/churn/clv.hpp). The purchase model predicts in the time
 * unit of the summary it was fitted on, which `model_period_days` states (the period_days
 * given to crmkit_btyd_summarize: 7 for weeks, 1 for days); one cash-flow period is
 * period_days / model_period_days model units. 12 months at 1% per month: horizon 12,
 * period_days 30.415, discount_rate 0.01. The result is money over horizon * period_days days.
 * @param purchases a fitted BG/NBD, Pareto/NBD or modified BG/NBD handle
 * @param spend a fitted Gamma-Gamma handle
 * @param[out] out n doubles
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_INVALID_ARGUMENT (wrong kinds, horizon < 1,
 *         period_days or model_period_days not finite and > 0, discount_rate <= -1, ...).
 */
CRMKIT_API int crmkit_btyd_clv(const crmkit_btyd* purchases, const crmkit_btyd* spend, const double* frequency,
                               const double* recency, const double* T, const double* monetary_value, size_t n,
                               int32_t horizon, double period_days, double model_period_days, double discount_rate,
                               double* out);

/**
 * The BTYD summary of a dataset (see crmkit/churn/btyd_summary.hpp for the conventions: UTC
 * days, same-day purchases merged, calibration end day included). One row per customer who
 * had bought by the calibration end, in customer-index order.
 * @param calibration_end Unix seconds UTC
 * @param has_holdout 1: fill frequency_holdout up to holdout_end (Unix seconds); 0: ignore both
 * @param period_days time unit in days (7 = weeks)
 * @param cap capacity of every output array (>= crmkit_dataset_n_customers suffices)
 * @param[out] out_n rows written
 * @param[out] customer customer indices (int32), cap entries; the other outputs are doubles;
 *             frequency_holdout may be NULL; out_duration_holdout may be NULL
 * @return CRMKIT_OK, CRMKIT_E_BUFFER_TOO_SMALL (*out_n says how many rows are needed),
 *         CRMKIT_E_INVALID_ARGUMENT (calibration end before the first purchase, negative
 *         spend, NULL arguments, ...).
 */
CRMKIT_API int crmkit_btyd_summarize(const crmkit_dataset* dataset, int64_t calibration_end, int32_t has_holdout,
                                     int64_t holdout_end, double period_days, size_t cap, size_t* out_n,
                                     int32_t* customer, double* frequency, double* recency, double* T,
                                     double* monetary_value, double* frequency_holdout,
                                     double* out_duration_holdout);

/**
 * Hold-out check: totals, per-frequency means and the AUC of a churn score against hold-out
 * silence (ties count half). Buckets x = 0 .. max_frequency-1 and x >= max_frequency.
 * @param churn_score n doubles (higher = more likely silent), or NULL (then *out_auc is NaN)
 * @param[out] out_totals 3 doubles: actual total, predicted total, silent customers
 * @param[out] out_auc the AUC (NaN without a score or with one class)
 * @param[out] out_buckets 3 (max_frequency + 1) doubles, row-major per bucket: customers,
 *             actual mean, predicted mean; may be NULL
 * @return CRMKIT_OK, CRMKIT_E_INVALID_ARGUMENT.
 */
CRMKIT_API int crmkit_btyd_validate_holdout(const double* frequency, const double* predicted, const double* actual,
                                            const double* churn_score, size_t n, int32_t max_frequency,
                                            double* out_totals, double* out_auc, double* out_buckets);

/**
 * Forecast for a customer acquired today (CLVTools' newcustomer; crmkit/churn/new_customer.hpp):
 * E[X(t)], the expected purchases in (0, t] after the acquisition, for each horizon t, and with
 * a Gamma-Gamma handle the expected revenue E[X(t)] p gamma/(q-1) (NaN when q <= 1).
 * @param purchases a fitted purchase model (any kind but Gamma-Gamma)
 * @param spend a fitted Gamma-Gamma handle, or NULL (then out_revenue must be NULL)
 * @param t n horizons in the model's time unit (finite, >= 0; BG/BB whole opportunities)
 * @param[out] out_purchases n doubles
 * @param[out] out_revenue n doubles, or NULL
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_UNSUPPORTED (purchases is Gamma-Gamma),
 *         CRMKIT_E_INVALID_ARGUMENT (spend not Gamma-Gamma, out_revenue without spend, a bad
 *         horizon named "horizons[i]", NULL arrays, n = 0).
 */
CRMKIT_API int crmkit_btyd_new_customer(const crmkit_btyd* purchases, const crmkit_btyd* spend, const double* t,
                                        size_t n, double* out_purchases, double* out_revenue);

/**
 * BG/NBD or Pareto/NBD with time-invariant customer covariates (Fader & Hardie's note on
 * covariates, exp(gamma' z) links): on a CRMKIT_BTYD_BG_NBD handle (crmkit/churn/
 * bg_nbd_covariates.hpp) alpha_i = alpha0 exp(-g_p' z_i), a_i = a0 exp(g_a' w_i),
 * b_i = b0 exp(g_b' w_i), parameters r, alpha0, a0, b0, g_p..., g_a..., g_b...
 * (4 + p_purchase + 2 p_dropout); on a CRMKIT_BTYD_PARETO_NBD handle (crmkit/churn/
 * pareto_nbd_covariates.hpp) alpha_i = alpha0 exp(-g_p' z_i), beta_i = beta0 exp(-g_d' w_i),
 * parameters r, alpha0, s, beta0, g_p..., g_d... (4 + p_purchase + p_dropout). The fit
 * maximises the log-likelihood minus (l2/2)|gamma|^2. The handle then holds the covariate
 * model: crmkit_btyd_n_params, _params, _standard_errors, _covariance, _fit_report,
 * _fit_message, _save and _load work on it in the order above; its predictions go through
 * crmkit_btyd_predict_covariates (the plain prediction, interval and CLV calls return
 * CRMKIT_E_UNSUPPORTED). crmkit_btyd_fit or _set_params make it a plain model again.
 * With p_purchase = p_dropout = 0 the fit is crmkit_btyd_fit's (same parameters, same report).
 * @param z_purchase n x p_purchase doubles, row-major, one row per customer (NULL when p_purchase is 0)
 * @param z_dropout n x p_dropout doubles, row-major (NULL when p_dropout is 0)
 * @param l2 penalty weight, finite and >= 0
 * @return CRMKIT_OK also when the fit did not converge (crmkit_btyd_fit_report);
 *         CRMKIT_E_INVALID_ARGUMENT (another kind of handle, NULL arrays, n = 0, bad rows, a
 *         non-finite covariate named "z_purchase[row i, column j]", l2 < 0); on error the
 *         handle is unchanged.
 */
CRMKIT_API int crmkit_btyd_fit_covariates(crmkit_btyd* model, const double* frequency, const double* recency,
                                          const double* T, const double* weights, size_t n, const double* z_purchase,
                                          size_t p_purchase, const double* z_dropout, size_t p_dropout, double l2);

/**
 * The covariate counts of a handle fitted (or loaded) with covariates; both 0 and *out_has
 * 0 for a plain model. For a Gamma-Gamma handle with spend covariates *out_p_purchase is
 * their number and *out_p_dropout 0. Any out pointer may be NULL.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL handle).
 */
CRMKIT_API int crmkit_btyd_n_covariates(const crmkit_btyd* model, int32_t* out_has, size_t* out_p_purchase,
                                        size_t* out_p_dropout);

/**
 * Per-customer predictions of a covariate model into out (n doubles); z_purchase and
 * z_dropout as in crmkit_btyd_fit_covariates (n rows each, with the fitted column counts).
 * @param what CRMKIT_BTYD_P_ALIVE, _EXPECTED_PURCHASES, _P_NO_PURCHASE or _LOG_LIKELIHOOD
 * @return CRMKIT_OK; CRMKIT_E_NOT_FITTED; CRMKIT_E_UNSUPPORTED (no covariate model: use
 *         crmkit_btyd_predict); CRMKIT_E_INVALID_ARGUMENT (bad rows, covariates, t, what).
 *         A customer whose exp(gamma' z) overflows gets NaN.
 */
CRMKIT_API int crmkit_btyd_predict_covariates(const crmkit_btyd* model, int32_t what, double t,
                                              const double* frequency, const double* recency, const double* T,
                                              size_t n, const double* z_purchase, const double* z_dropout,
                                              double* out);

/**
 * Gamma-Gamma with spend covariates (crmkit/churn/gamma_gamma_covariates.hpp) on a
 * CRMKIT_BTYD_GAMMA_GAMMA handle: nu_i ~ Gamma(q, gamma0 exp(delta' s_i)), so the expected
 * transaction value p gamma_i/(q-1) scales by exp(delta' s_i); penalty (l2/2)|delta|^2.
 * Parameters p, q, gamma0, delta... (3 + k); the handle then holds this model (params,
 * standard errors, covariance, report, save/load as for crmkit_btyd_fit_covariates), its
 * predictions go through crmkit_btyd_expected_spend_covariates; crmkit_btyd_fit_spend makes
 * it plain again. Rows as crmkit_btyd_fit_spend (frequency 0 skipped, CRMKIT_BTYD_ZERO_SPEND).
 * With k = 0 the fit is crmkit_btyd_fit_spend's.
 * @param covariates n x k doubles, row-major (NULL when k is 0)
 * @return CRMKIT_OK also when the fit did not converge; CRMKIT_E_INVALID_ARGUMENT (not a
 *         Gamma-Gamma handle, NULL arrays, bad rows, a non-finite covariate named
 *         "covariates[row i, column j]", l2 < 0); on error the handle is unchanged.
 */
CRMKIT_API int crmkit_btyd_fit_spend_covariates(crmkit_btyd* model, const double* frequency,
                                                const double* monetary_value, const double* weights, size_t n,
                                                const double* covariates, size_t k, double l2);

/**
 * E[spend per purchase | x, zbar, covariates] = p (gamma_i + x zbar)/(p x + q - 1) per customer
 * into out (n doubles; NaN when q <= 1).
 * @return CRMKIT_OK; CRMKIT_E_NOT_FITTED; CRMKIT_E_UNSUPPORTED (no spend covariate model);
 *         CRMKIT_E_INVALID_ARGUMENT (NULL arrays, bad rows or covariates).
 */
CRMKIT_API int crmkit_btyd_expected_spend_covariates(const crmkit_btyd* model, const double* frequency,
                                                     const double* monetary_value, size_t n, const double* covariates,
                                                     double* out);

/* Interval methods (crmkit_btyd_total_interval). */
/** Delta method from the parameter covariance. */
#define CRMKIT_BTYD_INTERVAL_DELTA 1
/** Parameter-sampling bootstrap (draws from the parameters' fitted normal on the log scale). */
#define CRMKIT_BTYD_INTERVAL_BOOTSTRAP 2
/** Parametric bootstrap by refitting on data sets simulated from the fitted model
 *  (BG/NBD, Pareto/NBD, modified BG/NBD; see crmkit/churn/intervals.hpp). */
#define CRMKIT_BTYD_INTERVAL_REFIT 3

/**
 * The covariance matrix of the parameters from the last fit (crmkit/churn/intervals.hpp:
 * inverse of the numerical Hessian of the log-likelihood), k x k row-major into out
 * (cap >= k*k, k = crmkit_btyd_n_params); all NaN after a boundary fit.
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED (no fit, or a fit without standard errors),
 *         CRMKIT_E_BUFFER_TOO_SMALL, CRMKIT_E_INVALID_ARGUMENT.
 */
CRMKIT_API int crmkit_btyd_covariance(const crmkit_btyd* model, double* out, size_t cap);

/**
 * Wald intervals of the fitted parameters on the log scale at `level` (exp(ln p -+ z se/p)),
 * from the last fit's covariance. out_lower and out_upper receive k values each (cap >= k).
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_BUFFER_TOO_SMALL, CRMKIT_E_UNSUPPORTED
 *         (Gamma-Gamma handle), CRMKIT_E_INVALID_ARGUMENT (no covariance, level not in (0, 1)).
 */
CRMKIT_API int crmkit_btyd_param_intervals(const crmkit_btyd* model, double level, double* out_lower,
                                           double* out_upper, size_t cap);

/**
 * Per-customer delta-method confidence intervals of a prediction's expected value
 * (crmkit/churn/intervals.hpp) at `level`, from the last fit's covariance.
 * @param what CRMKIT_BTYD_P_ALIVE, _EXPECTED_PURCHASES or _P_NO_PURCHASE
 * @param[out] out_estimate, out_se, out_lower, out_upper n doubles each (any may be NULL)
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_UNSUPPORTED (Gamma-Gamma handle),
 *         CRMKIT_E_INVALID_ARGUMENT (no covariance, bad rows, level, what).
 */
CRMKIT_API int crmkit_btyd_predict_interval(const crmkit_btyd* model, int32_t what, double t, double level,
                                            const double* frequency, const double* recency, const double* T,
                                            size_t n, double* out_estimate, double* out_se, double* out_lower,
                                            double* out_upper);

/**
 * Interval of the total of a prediction over n customers (a segment): by the delta method
 * or the parameter-sampling bootstrap (n_draws >= 10 draws with `seed` >= 0; bit-identical for any
 * CRMKIT_BTYD_N_THREADS). n_draws and seed are ignored by the delta method.
 * @param[out] out 4 doubles: estimate, standard error, lower, upper
 * @return as crmkit_btyd_predict_interval; CRMKIT_E_INVALID_ARGUMENT also for an unknown
 *         method or n_draws < 10.
 */
CRMKIT_API int crmkit_btyd_total_interval(const crmkit_btyd* model, int32_t what, double t, double level,
                                          int32_t method, int32_t n_draws, int64_t seed, const double* frequency,
                                          const double* recency, const double* T, size_t n, double* out);

/**
 * Parametric-bootstrap interval of the total of a prediction over n customers
 * (CRMKIT_BTYD_INTERVAL_REFIT; crmkit/churn/intervals.hpp): n_draws >= 10 data sets simulated
 * from the fitted model, one customer per age in population_T (the ages of the customers the
 * model was fitted on; NULL = the rows' T), each refitted, the total evaluated at the refitted
 * parameters; quantiles as bounds. Deterministic for `seed` >= 0, bit-identical for any
 * CRMKIT_BTYD_N_THREADS. Needs no covariance. crmkit_btyd_total_interval with method
 * CRMKIT_BTYD_INTERVAL_REFIT is this call with population_T NULL.
 * @param[out] out 4 doubles: estimate, standard error (of the draws), lower, upper
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_UNSUPPORTED (BG/BB, Gamma-Gamma or covariate
 *         handle), CRMKIT_E_INVALID_ARGUMENT (bad rows, level, what, n_draws < 10, seed < 0, a
 *         population age not finite and > 0, fewer than half the refits succeeding).
 */
CRMKIT_API int crmkit_btyd_refit_interval(const crmkit_btyd* model, int32_t what, double t, double level,
                                          int32_t n_draws, int64_t seed, const double* frequency,
                                          const double* recency, const double* T, size_t n,
                                          const double* population_T, size_t n_population, double* out);

/**
 * Per-customer delta-method confidence intervals of a covariate model's prediction
 * (crmkit/churn/covariate_forecasts.hpp): over all its parameters, covariate weights included,
 * with each customer's covariates (as crmkit_btyd_predict_covariates), from the fit's covariance.
 * @param what CRMKIT_BTYD_P_ALIVE, _EXPECTED_PURCHASES or _P_NO_PURCHASE
 * @param[out] out_estimate, out_se, out_lower, out_upper n doubles each (any may be NULL)
 * @param[out] out_total 4 doubles (estimate, standard error, lower, upper of the n customers'
 *             total), or NULL
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_UNSUPPORTED (no covariate model),
 *         CRMKIT_E_INVALID_ARGUMENT (no covariance, bad rows or covariates, level, what).
 */
CRMKIT_API int crmkit_btyd_predict_interval_covariates(const crmkit_btyd* model, int32_t what, double t, double level,
                                                       const double* frequency, const double* recency,
                                                       const double* T, size_t n, const double* z_purchase,
                                                       const double* z_dropout, double* out_estimate, double* out_se,
                                                       double* out_lower, double* out_upper, double* out_total);

/**
 * CLV of customers under a covariate purchase model and a spend model with covariates
 * (crmkit/churn/covariate_forecasts.hpp): each customer's own BG/NBD or Pareto/NBD and expected
 * spend; horizon, period_days, model_period_days, discount_rate as crmkit_btyd_clv.
 * @param purchases a handle fitted with crmkit_btyd_fit_covariates
 * @param spend a handle fitted with crmkit_btyd_fit_spend_covariates (k = 0 covariates is the
 *        plain Gamma-Gamma fit)
 * @param z_purchase, z_dropout n x p doubles as crmkit_btyd_predict_covariates; z_spend n x k
 *        (each NULL when its count is 0)
 * @param[out] out n doubles (NaN where a customer's exp(gamma' z) overflows)
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_UNSUPPORTED (a handle without covariates),
 *         CRMKIT_E_INVALID_ARGUMENT (bad rows, covariates or CLV options).
 */
CRMKIT_API int crmkit_btyd_clv_covariates(const crmkit_btyd* purchases, const crmkit_btyd* spend,
                                          const double* frequency, const double* recency, const double* T,
                                          const double* monetary_value, size_t n, const double* z_purchase,
                                          const double* z_dropout, const double* z_spend, int32_t horizon,
                                          double period_days, double model_period_days, double discount_rate,
                                          double* out);

/**
 * Delta-method confidence intervals of CLV per customer and of the customers' total
 * (crmkit/churn/clv_intervals.hpp): over the purchase model's and the spend model's
 * parameters with a block-diagonal covariance (the two fits are independent: spend is
 * assumed independent of the purchase process). Plain handles (as crmkit_btyd_clv; z_* must
 * be NULL) or covariate handles (as crmkit_btyd_clv_covariates). Both fits must have computed
 * standard errors.
 * @param[out] out_estimate, out_se, out_lower, out_upper n doubles each (any may be NULL)
 * @param[out] out_total 4 doubles (estimate, standard error, lower, upper of the total), or NULL
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_UNSUPPORTED (BG/BB, a covariate purchase
 *         handle with a plain spend handle or the reverse), CRMKIT_E_INVALID_ARGUMENT (no
 *         covariance, bad rows, covariates, level or CLV options).
 */
CRMKIT_API int crmkit_btyd_clv_interval(const crmkit_btyd* purchases, const crmkit_btyd* spend,
                                        const double* frequency, const double* recency, const double* T,
                                        const double* monetary_value, size_t n, const double* z_purchase,
                                        const double* z_dropout, const double* z_spend, int32_t horizon,
                                        double period_days, double model_period_days, double discount_rate,
                                        double level, double* out_estimate, double* out_se, double* out_lower,
                                        double* out_upper, double* out_total);

/**
 * Forecast for a customer acquired today with covariates (crmkit/churn/covariate_forecasts.hpp):
 * E[X(t)] under the customer's own model for each of n horizons, and with a spend covariate
 * handle E[X(t)] E[Z | s], E[Z | s] = p gamma0 exp(delta' s)/(q-1).
 * @param purchases a handle fitted with crmkit_btyd_fit_covariates
 * @param spend a handle fitted with crmkit_btyd_fit_spend_covariates, or NULL (then
 *        out_revenue must be NULL)
 * @param z p_purchase values, w p_dropout values, s k values (each NULL when its count is 0)
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_UNSUPPORTED (handles without covariates),
 *         CRMKIT_E_INVALID_ARGUMENT (non-finite covariates, a bad horizon named "horizons[i]").
 */
CRMKIT_API int crmkit_btyd_new_customer_covariates(const crmkit_btyd* purchases, const crmkit_btyd* spend,
                                                   const double* z, const double* w, const double* s,
                                                   const double* t, size_t n, double* out_purchases,
                                                   double* out_revenue);

/* ---------------------------------------------------------------------------------------
 * Retention models for contractual (subscription) customers (C++: crmkit/churn/retention.hpp,
 * whose docs define the semantics): the shifted-beta-geometric (sBG, Fader & Hardie 2007) and
 * the beta-discrete-Weibull (BdW, Fader, Hardie, Liu, Davin & Steenburgh 2018) models, fitted
 * on per-customer rows or a cohort's survivor curve; survival, retention rate, expected
 * residual lifetime and discounted expected residual lifetime (DERL) per customer.
 * Time: periods 1, 2, ...; a customer of tenure k has made k renewals and is active;
 * S(t) = P(lifetime > t).
 *
 * Thread safety: as crmkit_btyd (not synchronized; concurrent predictions on a fitted handle
 * that nobody fits meanwhile are safe).
 *
 * @code
 * const double survivors[] = {1000, 631, 468, 382, 326, 289, 262, 241};
 * crmkit_retention* m = NULL;
 * crmkit_retention_create(CRMKIT_RETENTION_SBG, &m);
 * if (crmkit_retention_fit_survivors(m, survivors, 8) == CRMKIT_OK) {
 *   double p[2];
 *   crmkit_retention_params(m, p, 2);                           // 0.704, 1.182
 *   const double tenure[] = {0, 3};
 *   double derl[2];
 *   crmkit_retention_predict(m, CRMKIT_RETENTION_DERL, 0.1, tenure, 2, derl);
 * }
 * crmkit_retention_free(m);
 * @endcode
 * ------------------------------------------------------------------------------------- */

/** A retention model (sBG or BdW): settings, then after a fit the parameters. Opaque. */
typedef struct crmkit_retention crmkit_retention;

/* Model kinds (crmkit_retention_create). Parameter order in brackets. */
/** Shifted-beta-geometric [alpha, beta]. */
#define CRMKIT_RETENTION_SBG 1
/** Beta-discrete-Weibull [alpha, beta, c]; c = 1 is the sBG. */
#define CRMKIT_RETENTION_BDW 2

/* Settings: keys, ranges and defaults of option_table<retention_options>
 * (crmkit/churn/retention.hpp); query them with crmkit_retention_option_bounds. */
/** BFGS iteration limit (>= 0). Default 1000. */
#define CRMKIT_RETENTION_MAX_ITER 1
/** Threads for fits and predictions (1..1024; results do not depend on it). Default 1. */
#define CRMKIT_RETENTION_N_THREADS 2
/** 1 (default): standard errors after a fit; 0: skip them. */
#define CRMKIT_RETENTION_STANDARD_ERRORS 4
/** Starts of the optimisation (1..1000; as CRMKIT_BTYD_N_STARTS). Default 1. */
#define CRMKIT_RETENTION_N_STARTS 5
/** Seed of the perturbed starts (0..4294967295). Default 0. */
#define CRMKIT_RETENTION_SEED 6
/** 1 (default): Nelder-Mead then BFGS again when BFGS stops early (as CRMKIT_BTYD_FALLBACK). */
#define CRMKIT_RETENTION_FALLBACK 7
/** Convergence tolerance on the gradient (finite, > 0; double). Default 1e-9. */
#define CRMKIT_RETENTION_TOL 101
/** A parameter beyond [1/bound, bound] stops the fit with CRMKIT_FIT_BOUNDARY (> 1; double). Default 1e6. */
#define CRMKIT_RETENTION_PARAMETER_BOUND 102

/* Predictions (crmkit_retention_predict), per tenure value. */
/** S(t) = P(lifetime > t) of a new customer at t = tenure[i]; arg ignored. */
#define CRMKIT_RETENTION_SURVIVAL 1
/** Retention rate r(t) = S(t)/S(t-1) at t = tenure[i] >= 1; arg ignored. */
#define CRMKIT_RETENTION_RETENTION_RATE 2
/** P(still active after arg more renewals | tenure[i]) = S(k + arg)/S(k); arg >= 0. */
#define CRMKIT_RETENTION_CONDITIONAL_SURVIVAL 3
/** Expected number of further renewals given tenure[i] (+inf when it diverges); arg ignored. */
#define CRMKIT_RETENTION_EXPECTED_RESIDUAL_LIFETIME 4
/** DERL at discount rate arg (> 0) per period given tenure[i] (Fader & Hardie 2010). */
#define CRMKIT_RETENTION_DERL 5

/**
 * Creates an unfitted model of `kind` (CRMKIT_RETENTION_SBG or _BDW).
 * @param[out] out the new handle, or NULL on failure; free it with crmkit_retention_free.
 * @return CRMKIT_OK, CRMKIT_E_INVALID_ARGUMENT (unknown kind, NULL out), CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_retention_create(int32_t kind, crmkit_retention** out);

/** Frees a handle; NULL is accepted. */
CRMKIT_API void crmkit_retention_free(crmkit_retention* model);

/** Sets an integer setting (CRMKIT_RETENTION_MAX_ITER, ...). @return CRMKIT_OK or
 *  CRMKIT_E_INVALID_ARGUMENT (the message names the constant, the value and the range). */
CRMKIT_API int crmkit_retention_set_int(crmkit_retention* model, int32_t key, int64_t value);

/** Sets a double setting (CRMKIT_RETENTION_TOL, _PARAMETER_BOUND). @return as _set_int. */
CRMKIT_API int crmkit_retention_set_double(crmkit_retention* model, int32_t key, double value);

/** Reads an integer setting into *out. @return CRMKIT_OK or CRMKIT_E_INVALID_ARGUMENT. */
CRMKIT_API int crmkit_retention_get_int(const crmkit_retention* model, int32_t key, int64_t* out);

/** Reads a double setting into *out. @return CRMKIT_OK or CRMKIT_E_INVALID_ARGUMENT. */
CRMKIT_API int crmkit_retention_get_double(const crmkit_retention* model, int32_t key, double* out);

/** Range and default of a setting (as crmkit_btyd_option_bounds); any out pointer may be NULL.
 *  @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (unknown key). */
CRMKIT_API int crmkit_retention_option_bounds(int32_t key, double* out_lo, double* out_hi, double* out_default);

/** The handle's kind (CRMKIT_RETENTION_SBG, _BDW); 0 for NULL. */
CRMKIT_API int32_t crmkit_retention_kind(const crmkit_retention* model);

/** Number of parameters of the handle's kind (2 or 3); 0 for NULL. */
CRMKIT_API size_t crmkit_retention_n_params(const crmkit_retention* model);

/**
 * Maximum-likelihood fit on per-customer rows.
 * @param periods n doubles: lifetime T of a customer who cancelled (whole number >= 1), or
 *        renewals so far of one still active (whole number >= 0)
 * @param churned n doubles, 1 (cancelled at the end of period `periods`) or 0 (active)
 * @param weights n doubles (counts of identical customers, >= 0), or NULL for all 1
 * @return CRMKIT_OK also when the fit did not converge (crmkit_retention_fit_report);
 *         CRMKIT_E_INVALID_ARGUMENT (NULL arrays, n = 0, a bad row: the message names it).
 */
CRMKIT_API int crmkit_retention_fit(crmkit_retention* model, const double* periods, const double* churned,
                                    const double* weights, size_t n);

/**
 * Maximum-likelihood fit on a cohort's survivor curve: survivors[0] acquired,
 * survivors[t] still active after t renewals (non-increasing, >= 0), n >= 2 values.
 * @return as crmkit_retention_fit (an increase is named "survivors[t]").
 */
CRMKIT_API int crmkit_retention_fit_survivors(crmkit_retention* model, const double* survivors, size_t n);

/** Sets the parameters instead of fitting, in the kind's order (n = crmkit_retention_n_params).
 *  @return CRMKIT_OK, CRMKIT_E_INVALID_ARGUMENT (count, a value not finite and > 0). */
CRMKIT_API int crmkit_retention_set_params(crmkit_retention* model, const double* params, size_t n);

/** Copies the parameters into out (cap >= crmkit_retention_n_params).
 *  @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_BUFFER_TOO_SMALL, CRMKIT_E_INVALID_ARGUMENT. */
CRMKIT_API int crmkit_retention_params(const crmkit_retention* model, double* out, size_t cap);

/** Copies the last fit's standard errors into out (cap >= crmkit_retention_n_params; NaN where
 *  missing: Hessian not positive definite, a boundary fit, or switched off).
 *  @return CRMKIT_OK, CRMKIT_E_NOT_FITTED (no fit), CRMKIT_E_BUFFER_TOO_SMALL. */
CRMKIT_API int crmkit_retention_standard_errors(const crmkit_retention* model, double* out, size_t cap);

/** How the last fit ended (crmkit/c/fit_report.h); any out pointer may be NULL.
 *  @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED (no fit yet). */
CRMKIT_API int crmkit_retention_fit_report(const crmkit_retention* model, int32_t* out_status,
                                           int32_t* out_iterations, double* out_objective,
                                           double* out_gradient_norm);

/** The last fit's message, two-call text protocol (crmkit/c/fit_report.h).
 *  @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL. */
CRMKIT_API int crmkit_retention_fit_message(const crmkit_retention* model, char* buf, size_t cap,
                                            size_t* out_needed);

/** The last fit's diagnostics (as crmkit_btyd_fit_diagnostics); any out pointer may be NULL.
 *  @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED (no fit yet). */
CRMKIT_API int crmkit_retention_fit_diagnostics(const crmkit_retention* model, double* out_hessian_condition,
                                                int32_t* out_n_starts, int32_t* out_best_start,
                                                int32_t* out_fallback_used);

/** Why the last fit's standard errors are missing (as crmkit_btyd_fit_standard_errors_note),
 *  two-call text protocol.
 *  @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL. */
CRMKIT_API int crmkit_retention_fit_standard_errors_note(const crmkit_retention* model, char* buf, size_t cap,
                                                         size_t* out_needed);

/** The fitted model as a model document (crmkit/core/model_document.hpp; kind "sbg" or
 *  "bdw"), two-call protocol. @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED;
 *  CRMKIT_E_BUFFER_TOO_SMALL. */
CRMKIT_API int crmkit_retention_save(const crmkit_retention* model, char* buf, size_t cap, size_t* out_needed);

/** A fitted handle from a document written by crmkit_retention_save (text borrowed for the
 *  call). @param[out] out the handle (NULL on failure).
 *  @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_PARSE (line, key and why). */
CRMKIT_API int crmkit_retention_load(const char* text, crmkit_retention** out);

/**
 * Per-customer predictions into out (n doubles), one per tenure value.
 * @param what CRMKIT_RETENTION_SURVIVAL, _RETENTION_RATE, _CONDITIONAL_SURVIVAL,
 *        _EXPECTED_RESIDUAL_LIFETIME or _DERL
 * @param arg horizon in renewals (CONDITIONAL_SURVIVAL), discount rate per period (DERL);
 *        ignored otherwise
 * @param tenure n doubles, whole numbers >= 0 (>= 1 for RETENTION_RATE)
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_INVALID_ARGUMENT (unknown what, NULL
 *         arrays, n = 0, a bad tenure (named by row), arg out of range).
 */
CRMKIT_API int crmkit_retention_predict(const crmkit_retention* model, int32_t what, double arg,
                                        const double* tenure, size_t n, double* out);

/* ---------------------------------------------------------------------------------------
 * Forecast by group (C++: crmkit/churn/group_forecast.hpp, whose docs define the semantics):
 * expected purchases and revenue per group of customers (segment, ABC class, territory, rep,
 * ...) over a horizon, delta-method intervals of each group's total, and the error against
 * hold-out actuals. Groups are int64 keys (a category column's codes, an integer column's
 * values; CRMKIT_MISSING_INT64 = no group), returned sorted with the missing group last;
 * only groups with customers appear. Every group is one row of CRMKIT_GROUP_FORECAST_N_COLUMNS
 * doubles in the order below (NaN where a value does not apply: revenue without a spend
 * model, the hold-out columns without actuals, the interval columns with intervals off).
 */
/** Customers in the group. */
#define CRMKIT_GROUP_FORECAST_CUSTOMERS 0
/** Expected purchases (purchase days) over the horizon; then its standard error, lower, upper. */
#define CRMKIT_GROUP_FORECAST_PURCHASES 1
#define CRMKIT_GROUP_FORECAST_PURCHASES_SE 2
#define CRMKIT_GROUP_FORECAST_PURCHASES_LOWER 3
#define CRMKIT_GROUP_FORECAST_PURCHASES_UPPER 4
/** Expected revenue (expected purchases x Gamma-Gamma expected spend); se, lower, upper. */
#define CRMKIT_GROUP_FORECAST_REVENUE 5
#define CRMKIT_GROUP_FORECAST_REVENUE_SE 6
#define CRMKIT_GROUP_FORECAST_REVENUE_LOWER 7
#define CRMKIT_GROUP_FORECAST_REVENUE_UPPER 8
/** Actual hold-out purchases; error (predicted - actual); error / actual; |error| / actual;
 *  1 / 0 whether the actual is inside the interval (NaN without). */
#define CRMKIT_GROUP_FORECAST_ACTUAL_PURCHASES 9
#define CRMKIT_GROUP_FORECAST_PURCHASES_ERROR 10
#define CRMKIT_GROUP_FORECAST_PURCHASES_RELATIVE_ERROR 11
#define CRMKIT_GROUP_FORECAST_PURCHASES_APE 12
#define CRMKIT_GROUP_FORECAST_PURCHASES_IN_INTERVAL 13
/** The same five for revenue. */
#define CRMKIT_GROUP_FORECAST_ACTUAL_REVENUE 14
#define CRMKIT_GROUP_FORECAST_REVENUE_ERROR 15
#define CRMKIT_GROUP_FORECAST_REVENUE_RELATIVE_ERROR 16
#define CRMKIT_GROUP_FORECAST_REVENUE_APE 17
#define CRMKIT_GROUP_FORECAST_REVENUE_IN_INTERVAL 18
/** Doubles per group row. */
#define CRMKIT_GROUP_FORECAST_N_COLUMNS 19
/** Doubles of out_summary: purchases WAPE, revenue WAPE, purchases MAPE, revenue MAPE. */
#define CRMKIT_GROUP_FORECAST_N_SUMMARY 4

/**
 * Forecast per group from per-customer rows (crmkit::forecast_by_group). Threads:
 * CRMKIT_BTYD_N_THREADS of `purchases` (results do not depend on it).
 * @param purchases a fitted purchase model (any kind but Gamma-Gamma; with a fit covariance
 *        unless intervals is 0)
 * @param spend a fitted Gamma-Gamma handle for revenue, or NULL (then monetary_value and
 *        actual_revenue must be NULL)
 * @param group n keys (CRMKIT_MISSING_INT64 = no group)
 * @param frequency, recency, T, monetary_value n doubles each (monetary_value with spend)
 * @param actual_purchases, actual_revenue n doubles of hold-out actuals each, or NULL
 * @param horizon t in the model's time unit (> 0); level in (0, 1); intervals 1 or 0
 * @param cap rows the outputs hold (n suffices)
 * @param[out] out_n_groups groups found (also when the buffers are too small)
 * @param[out] out_group cap keys; out_rows cap x CRMKIT_GROUP_FORECAST_N_COLUMNS doubles,
 *             row-major (both may be NULL with cap 0, to ask for *out_n_groups); out_total CRMKIT_GROUP_FORECAST_N_COLUMNS doubles (all customers;
 *             may be NULL); out_summary CRMKIT_GROUP_FORECAST_N_SUMMARY doubles (may be NULL)
 * @return CRMKIT_OK, CRMKIT_E_NOT_FITTED, CRMKIT_E_BUFFER_TOO_SMALL (*out_n_groups says how
 *         many rows are needed), CRMKIT_E_INVALID_ARGUMENT (lengths, bad rows or actuals named
 *         by row, horizon, level, no covariance, NULL arrays, n = 0).
 */
CRMKIT_API int crmkit_btyd_forecast_by_group(const crmkit_btyd* purchases, const crmkit_btyd* spend,
                                             const int64_t* group, const double* frequency, const double* recency,
                                             const double* T, const double* monetary_value, size_t n,
                                             const double* actual_purchases, const double* actual_revenue,
                                             double horizon, double level, int32_t intervals, size_t cap,
                                             size_t* out_n_groups, int64_t* out_group, double* out_rows,
                                             double* out_total, double* out_summary);

/**
 * The hold-out check per group in one call (crmkit::forecast_holdout_by_group): summarises the
 * dataset at calibration_end with a hold-out to holdout_end (Unix seconds UTC, period_days the
 * time unit), fits the purchase model of kind `model_kind` (CRMKIT_BTYD_BG_NBD, ...) unless
 * `purchases` is given, and with revenue = 1 Gamma-Gamma unless `spend` is given, forecasts
 * the hold-out length per group of `column` of `groups` and compares with the hold-out's
 * purchase days and revenue. The keys are a category column's codes (its levels:
 * crmkit_table_level) or an integer column's values (a float64 column's whole numbers).
 * @param groups a table whose rows are the dataset's customers (e.g. from
 *        crmkit_score_customers at the calibration end), or NULL for the dataset's own table
 * @param n_threads threads of the fits and predictions (1..1024)
 * @param out_* as crmkit_btyd_forecast_by_group (cap >= crmkit_dataset_n_customers + 1 suffices)
 * @return CRMKIT_OK, CRMKIT_E_NOT_FOUND (unknown column), CRMKIT_E_BUFFER_TOO_SMALL,
 *         CRMKIT_E_INVALID_ARGUMENT (hold-out end not after the calibration end, a time column
 *         or fractions in a float64 column, another table's customers, a fit that did not
 *         converge, ...), CRMKIT_E_UNSUPPORTED (BG/BB to be fitted on a summary).
 */
CRMKIT_API int crmkit_btyd_forecast_holdout_by_group(const crmkit_dataset* dataset, const crmkit_table* groups,
                                                     const char* column, int64_t calibration_end,
                                                     int64_t holdout_end, double period_days, int32_t model_kind,
                                                     const crmkit_btyd* purchases, const crmkit_btyd* spend,
                                                     int32_t revenue, double level, int32_t n_threads, size_t cap,
                                                     size_t* out_n_groups, int64_t* out_group, double* out_rows,
                                                     double* out_total, double* out_summary);

#ifdef __cplusplus
}
#endif

#endif /* CRMKIT_C_CHURN_H */
