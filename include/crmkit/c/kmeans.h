/**
 * @file crmkit/c/kmeans.h
 * C ABI of k-means segmentation (C++: crmkit/segmentation/kmeans.hpp, whose docs define
 * the semantics: scikit-learn 1.2's KMeans, point for point): fit on a dense row-major
 * matrix with k-means++ / random seeding or explicit initial centres, read labels,
 * centres, inertia and iteration count, predict new rows; plus k-means++ seeding alone,
 * the silhouette score, the scan over k (inertia and silhouette per k), cluster profiles
 * and the feature scaler (log1p and z-scores, crmkit/segmentation/features.hpp) that
 * prepares RFM features and maps centroids back to original units.
 *
 * `#include <crmkit/crmkit.h>` (which includes this header) and link `libcrmkit.so`.
 *
 * Thread safety: a crmkit_kmeans handle is not synchronized; use it from one thread at a
 * time. Distinct handles are independent. A fitted crmkit_feature_scaler is immutable:
 * concurrent use is safe. The free functions are stateless; safe.
 *
 * Buffers: inputs are borrowed for the call only (row-major, `n_rows * n_cols` doubles);
 * outputs are caller-allocated with the sizes documented per function.
 *
 * @code
 * crmkit_kmeans* km = NULL;
 * if (crmkit_kmeans_create(&km) != CRMKIT_OK) return 1;
 * crmkit_kmeans_set_int(km, CRMKIT_KMEANS_N_CLUSTERS, 4);
 * crmkit_kmeans_set_int(km, CRMKIT_KMEANS_SEED, 42);
 * if (crmkit_kmeans_fit(km, data, n_rows, n_cols) == CRMKIT_OK) {
 *   int32_t* labels = malloc(n_rows * sizeof *labels);
 *   double inertia;
 *   crmkit_kmeans_labels(km, labels, n_rows);
 *   crmkit_kmeans_inertia(km, &inertia);
 *   free(labels);
 * } else {
 *   fprintf(stderr, "%s\n", crmkit_last_error());
 * }
 * crmkit_kmeans_free(km);
 * @endcode
 */
#ifndef CRMKIT_C_KMEANS_H
#define CRMKIT_C_KMEANS_H

#include "crmkit/crmkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/** k-means settings and, after a fit, the fitted model. Opaque. */
typedef struct crmkit_kmeans crmkit_kmeans;

/* Integer settings (crmkit_kmeans_set_int / crmkit_kmeans_get_int). */
/** Number of clusters k, 1 <= k <= n_rows at fit. Default 8. */
#define CRMKIT_KMEANS_N_CLUSTERS 1
/** Seeding: CRMKIT_KMEANS_INIT_KMEANS_PLUSPLUS (default) or CRMKIT_KMEANS_INIT_RANDOM. */
#define CRMKIT_KMEANS_INIT 2
/** Number of initialisations, the best kept (>= 1). Default 1. */
#define CRMKIT_KMEANS_N_INIT 3
/** Iteration limit per run (>= 1). Default 300. */
#define CRMKIT_KMEANS_MAX_ITER 4
/** CRMKIT_KMEANS_ALGORITHM_LLOYD (default) or CRMKIT_KMEANS_ALGORITHM_HAMERLY; same results. */
#define CRMKIT_KMEANS_ALGORITHM 5
/** numpy RandomState seed, 0 .. 2^32-1 (scikit-learn's random_state). Default 0. */
#define CRMKIT_KMEANS_SEED 6
/** Threads (>= 1); results are identical for any value. Default 1. */
#define CRMKIT_KMEANS_N_THREADS 7
/** k-means++ candidates per step (>= 0; 0: 2 + floor(ln k)). Default 0. */
#define CRMKIT_KMEANS_N_LOCAL_TRIALS 8

/* Double settings (crmkit_kmeans_set_double / crmkit_kmeans_get_double). */
/** Relative tolerance on the total squared centre shift (>= 0). Default 1e-4. */
#define CRMKIT_KMEANS_TOL 101

/* Values of CRMKIT_KMEANS_INIT. */
#define CRMKIT_KMEANS_INIT_KMEANS_PLUSPLUS 0
#define CRMKIT_KMEANS_INIT_RANDOM 1

/* Values of CRMKIT_KMEANS_ALGORITHM. */
#define CRMKIT_KMEANS_ALGORITHM_LLOYD 0
#define CRMKIT_KMEANS_ALGORITHM_HAMERLY 1

/**
 * Creates a k-means handle with default settings.
 * @param[out] out receives the handle (NULL on failure); release it with crmkit_kmeans_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (out NULL); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_kmeans_create(crmkit_kmeans** out);

/** Releases a handle and its fitted model. Accepts NULL. */
CRMKIT_API void crmkit_kmeans_free(crmkit_kmeans* kmeans);

/**
 * Sets an integer setting (CRMKIT_KMEANS_N_CLUSTERS .. CRMKIT_KMEANS_N_LOCAL_TRIALS).
 * Takes effect at the next fit. The keys, ranges and defaults are those of
 * option_table<kmeans_options> in crmkit/segmentation/kmeans.hpp (query them with
 * crmkit_kmeans_option_bounds).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (kmeans NULL, unknown key, a double key,
 *         value out of range; the message names the constant, the value and the range).
 */
CRMKIT_API int crmkit_kmeans_set_int(crmkit_kmeans* kmeans, int32_t key, int64_t value);

/**
 * Sets a double setting (CRMKIT_KMEANS_TOL).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (kmeans NULL, unknown key, an integer key,
 *         value out of range or not finite).
 */
CRMKIT_API int crmkit_kmeans_set_double(crmkit_kmeans* kmeans, int32_t key, double value);

/**
 * Reads an integer setting.
 * @param[out] out the value.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, unknown key, a double key).
 */
CRMKIT_API int crmkit_kmeans_get_int(const crmkit_kmeans* kmeans, int32_t key, int64_t* out);

/**
 * Reads a double setting.
 * @param[out] out the value.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, unknown key, an integer key).
 */
CRMKIT_API int crmkit_kmeans_get_double(const crmkit_kmeans* kmeans, int32_t key, double* out);

/**
 * The accepted range and the default of a setting (zstd's ZSTD_cParam_getBounds): every
 * value in [lo, hi] is accepted by the setter (whole numbers for an integer key), every
 * other value rejected. Needs no handle. Any out pointer may be NULL.
 * @param[out] out_lo, out_hi the closed range; out_default the value of a new handle.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (unknown key).
 */
CRMKIT_API int crmkit_kmeans_option_bounds(int32_t key, double* out_lo, double* out_hi, double* out_default);

/**
 * Fits k-means to `n_rows` points of `n_cols` features, replacing any previous model.
 * @param data row-major n_rows x n_cols doubles, finite; borrowed for the call.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, n_rows or n_cols 0, k < 1 or
 *         k > n_rows, a NaN or infinite value: the message names its row and column);
 *         CRMKIT_E_OUT_OF_MEMORY. On failure the handle holds no model.
 */
CRMKIT_API int crmkit_kmeans_fit(crmkit_kmeans* kmeans, const double* data, size_t n_rows, size_t n_cols);

/**
 * Fits from explicit initial centres (scikit-learn's init=ndarray; one run, the seed
 * and CRMKIT_KMEANS_N_INIT unused). CRMKIT_KMEANS_N_CLUSTERS is set to n_centers.
 * @param centers row-major n_centers x n_cols doubles; borrowed for the call.
 * @return as crmkit_kmeans_fit, plus CRMKIT_E_INVALID_ARGUMENT for centers NULL,
 *         n_centers 0 or > n_rows, or a non-finite centre.
 */
CRMKIT_API int crmkit_kmeans_fit_with_centers(crmkit_kmeans* kmeans, const double* data, size_t n_rows,
                                              size_t n_cols, const double* centers, size_t n_centers);

/**
 * Fits with sample weights (scikit-learn 1.2's `sample_weight`: weighted centres and
 * inertia; the seeding ignores the weights, as 1.2's k-means++ does), from the seeding
 * settings when `centers` is NULL, else from those n_centers initial centres (as
 * crmkit_kmeans_fit_with_centers).
 * @param sample_weight n_rows finite weights >= 0, not all 0; NULL: every weight 1.
 * @return as crmkit_kmeans_fit, plus CRMKIT_E_INVALID_ARGUMENT for a negative or
 *         non-finite weight (the message names its row) or all weights 0.
 */
CRMKIT_API int crmkit_kmeans_fit_weighted(crmkit_kmeans* kmeans, const double* data, size_t n_rows, size_t n_cols,
                                          const double* sample_weight, const double* centers, size_t n_centers);

/**
 * Shape of the fitted model: number of clusters, features and training rows.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (a NULL pointer); CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_kmeans_shape(const crmkit_kmeans* kmeans, size_t* out_n_clusters, size_t* out_n_features,
                                   size_t* out_n_rows);

/**
 * Copies the training labels (one int32 in [0, k) per training row).
 * @param[out] out caller buffer of `cap` >= n_rows values.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL); CRMKIT_E_NOT_FITTED;
 *         CRMKIT_E_BUFFER_TOO_SMALL (cap < n_rows; nothing written).
 */
CRMKIT_API int crmkit_kmeans_labels(const crmkit_kmeans* kmeans, int32_t* out, size_t cap);

/**
 * Copies the centres, row-major k x n_features, in the units of the training data.
 * @param[out] out caller buffer of `cap` >= k * n_features doubles.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_kmeans_centers(const crmkit_kmeans* kmeans, double* out, size_t cap);

/**
 * Fit statistics: inertia (sum of squared distances to the assigned centres), iterations
 * of the kept run, empty-cluster relocations and the index of the kept initialisation.
 * How the run stopped: crmkit_kmeans_fit_report / crmkit_kmeans_fit_message. Any out
 * pointer may be NULL.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (kmeans NULL); CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_kmeans_stats(const crmkit_kmeans* kmeans, double* out_inertia, int32_t* out_n_iter,
                                   int64_t* out_n_relocated, int32_t* out_best_init);

/**
 * How the last fit ended (the shared getter of crmkit/c/fit_report.h). Any out pointer may be NULL.
 * @param[out] out_status CRMKIT_FIT_CONVERGED, _BOUNDARY, _ITERATION_LIMIT or _NUMERICAL_FAILURE.
 * @param[out] out_iterations Lloyd/Hamerly iterations of the kept run (= n_iter).
 * @param[out] out_objective the inertia.
 * @param[out] out_gradient_norm the total squared centre shift of the last iteration.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (handle NULL); CRMKIT_E_NOT_FITTED (no fit yet).
 */
CRMKIT_API int crmkit_kmeans_fit_report(const crmkit_kmeans* kmeans, int32_t* out_status, int32_t* out_iterations,
                                  double* out_objective, double* out_gradient_norm);

/**
 * The last fit's message ("labels unchanged", "centre shift below tol" or "iteration limit"), two-call text protocol: *out_needed receives the size
 * including the NUL; buf may be NULL when cap is 0.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_kmeans_fit_message(const crmkit_kmeans* kmeans, char* buf, size_t cap, size_t* out_needed);

/**
 * Saves the fitted model as a model document (crmkit/core/model_document.hpp: TOML with the
 * centres (the labels of the training rows are not kept: crmkit_kmeans_shape reports 0 rows after a load), the options and report of its fit, the library version; doubles to 17 digits, so
 * that crmkit_kmeans_load gives a handle that predicts bit-identically). Two-call protocol:
 * `*out_needed` receives the size including the NUL; buf may be NULL when cap is 0.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_NOT_FITTED; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_kmeans_save(const crmkit_kmeans* kmeans, char* buf, size_t cap, size_t* out_needed);

/**
 * Creates a fitted handle from a document written by crmkit_kmeans_save.
 * @param text NUL-terminated UTF-8; borrowed for the call.
 * @param[out] out receives the handle (NULL on failure); free it with crmkit_kmeans_free.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL); CRMKIT_E_PARSE (the message names the
 *         line, the key and why); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_kmeans_load(const char* text, crmkit_kmeans** out);

/**
 * Labels of new rows: the nearest fitted centre (lowest index on an exact tie).
 * @param data row-major n_rows x n_cols doubles (n_cols = the fitted n_features).
 * @param[out] out caller buffer of n_rows int32 values.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL with n_rows > 0, column mismatch,
 *         non-finite value); CRMKIT_E_NOT_FITTED.
 */
CRMKIT_API int crmkit_kmeans_predict(const crmkit_kmeans* kmeans, const double* data, size_t n_rows, size_t n_cols,
                                     int32_t* out);

/**
 * k-means++ seeding alone (scikit-learn 1.2's sklearn.cluster.kmeans_plusplus on the
 * same data with random_state = seed picks the same rows).
 * @param n_local_trials 0: 2 + floor(ln k).
 * @param[out] out caller buffer of n_clusters row indices.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, empty data, n_clusters outside
 *         [1, n_rows], negative n_local_trials, n_threads < 1, non-finite value).
 */
CRMKIT_API int crmkit_kmeans_plusplus(const double* data, size_t n_rows, size_t n_cols, size_t n_clusters,
                                      int64_t seed, int32_t n_local_trials, int32_t n_threads, int64_t* out);

/**
 * Mean silhouette coefficient with Euclidean distances (sklearn.metrics.silhouette_score).
 * @param labels n_rows labels (>= 0).
 * @param sample_size 0 for all rows (O(n^2) work), else the first sample_size indices of
 *        numpy's RandomState(seed).permutation(n_rows), as scikit-learn samples.
 * @param[out] out the score in [-1, 1].
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, fewer than 2 or more than n - 1
 *         distinct labels, bad sample_size, negative label, non-finite value).
 */
CRMKIT_API int crmkit_silhouette_score(const double* data, size_t n_rows, size_t n_cols, const int32_t* labels,
                                       size_t sample_size, int64_t seed, int32_t n_threads, double* out);

/**
 * Help choosing k: fits k = k_min .. k_max with the settings of `kmeans` (its
 * CRMKIT_KMEANS_N_CLUSTERS ignored; the handle's model is left unchanged) and reports per
 * k the inertia (an "elbow" plot), the iterations and the silhouette score on a sample.
 * @param silhouette_sample_size -1: no silhouette (NaN); 0: all rows (O(n^2) work);
 *        otherwise a sample of that many rows drawn with the handle's seed (all rows when
 *        it is >= n_rows). The silhouette is NaN for k = 1, for a fit with a single
 *        distinct label, and when the sample has no more points than k.
 * @param[out] out_inertia, out_n_iter, out_silhouette caller buffers of at least
 *        k_max - k_min + 1 values each (out_n_iter and out_silhouette may be NULL).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, not 1 <= k_min <= k_max <=
 *         n_rows, silhouette_sample_size < -1 or 1, and whatever crmkit_kmeans_fit rejects);
 *         CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_kmeans_scan_k(const crmkit_kmeans* kmeans, const double* data, size_t n_rows, size_t n_cols,
                                    size_t k_min, size_t k_max, int64_t silhouette_sample_size, double* out_inertia,
                                    int32_t* out_n_iter, double* out_silhouette);

/**
 * Profiles clusters: for each label 0 .. n_clusters-1 its size, share of rows, total and
 * share of `value` (e.g. revenue; the share is NaN when the total is 0) and the mean of
 * each column of `features` (e.g. the original recency, frequency, monetary; NaN for an
 * empty cluster).
 * @param features row-major n_rows x n_cols doubles; NULL with n_cols 0 for no means.
 * @param labels n_rows labels in [0, n_clusters).
 * @param value n_rows doubles, or NULL (then out_value and out_value_share get zeros and NaN).
 * @param[out] out_size n_clusters counts; out_share n_clusters doubles; out_value,
 *        out_value_share n_clusters doubles (may be NULL); out_mean n_clusters x n_cols
 *        doubles, row-major (may be NULL).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer where a buffer is needed,
 *         n_clusters 0, a label outside [0, n_clusters): the message names its row).
 */
CRMKIT_API int crmkit_kmeans_profile(const double* features, size_t n_rows, size_t n_cols, const int32_t* labels,
                                     size_t n_clusters, const double* value, int64_t* out_size, double* out_share,
                                     double* out_value, double* out_value_share, double* out_mean);

/** A fitted feature transform: optional log1p per column, then z-scores. Opaque. */
typedef struct crmkit_feature_scaler crmkit_feature_scaler;

/**
 * Fits a scaler on `n_rows` x `n_cols` features: log1p of the flagged columns, then
 * (x - mean) / scale with the population standard deviation (scikit-learn's
 * StandardScaler; a constant column gets scale 1).
 * @param log1p n_cols flags (non-zero: log1p that column), or NULL for none.
 * @param standardize 0: only the log1p (the fitted mean is 0 and the scale 1).
 * @param[out] out receives the scaler (NULL on failure); release with crmkit_feature_scaler_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer, empty data, a non-finite
 *         value or a log1p column value <= -1: the message names its row and column);
 *         CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_feature_scaler_fit(const double* data, size_t n_rows, size_t n_cols, const int32_t* log1p,
                                         int32_t standardize, crmkit_feature_scaler** out);

/** Releases a scaler. Accepts NULL. */
CRMKIT_API void crmkit_feature_scaler_free(crmkit_feature_scaler* scaler);

/**
 * Saves the fitted scaler as a model document (crmkit/core/model_document.hpp, model
 * "feature_scaler": means and scales to 17 digits, the log1p flags), so that
 * crmkit_feature_scaler_load gives a scaler that transforms bit-identically. Two-call
 * protocol: `*out_needed` receives the size including the NUL; buf may be NULL when cap is 0.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL); CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_feature_scaler_save(const crmkit_feature_scaler* scaler, char* buf, size_t cap,
                                          size_t* out_needed);

/**
 * Creates a scaler from a document written by crmkit_feature_scaler_save.
 * @param text NUL-terminated UTF-8; borrowed for the call.
 * @param[out] out receives the scaler (NULL on failure); release with crmkit_feature_scaler_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL); CRMKIT_E_PARSE (the message names the
 *         line, the key and why); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_feature_scaler_load(const char* text, crmkit_feature_scaler** out);

/**
 * The fitted parameters: number of features and, into caller buffers of `cap` >=
 * n_features values each (any may be NULL), the per-column means and scales of the
 * (log-transformed) training data and the log1p flags.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (scaler or out_n_features NULL);
 *         CRMKIT_E_BUFFER_TOO_SMALL (a buffer given and cap < n_features; nothing written).
 */
CRMKIT_API int crmkit_feature_scaler_params(const crmkit_feature_scaler* scaler, size_t* out_n_features,
                                            double* out_mean, double* out_scale, int32_t* out_log1p, size_t cap);

/**
 * Applies the transform to n_rows x n_cols values (n_cols = the fitted n_features).
 * @param[out] out caller buffer of n_rows * n_cols doubles, row-major (may equal `data`).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer with n_rows > 0, column
 *         mismatch, non-finite value, log1p column value <= -1).
 */
CRMKIT_API int crmkit_feature_scaler_transform(const crmkit_feature_scaler* scaler, const double* data,
                                               size_t n_rows, size_t n_cols, double* out);

/**
 * Maps transformed points (e.g. k-means centroids) back to original units: x * scale +
 * mean, then expm1 on the log1p columns.
 * @param[out] out caller buffer of n_rows * n_cols doubles, row-major (may equal `data`).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL pointer with n_rows > 0, column mismatch).
 */
CRMKIT_API int crmkit_feature_scaler_inverse_transform(const crmkit_feature_scaler* scaler, const double* data,
                                                       size_t n_rows, size_t n_cols, double* out);

#ifdef __cplusplus
}
#endif

#endif /* CRMKIT_C_KMEANS_H */
