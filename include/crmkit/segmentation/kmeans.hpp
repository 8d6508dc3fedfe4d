/// @file crmkit/segmentation/kmeans.hpp
/// k-means customer segmentation with scikit-learn 1.2's semantics, so results compare
/// point for point with `sklearn.cluster.KMeans`: k-means++ or random seeding from a
/// numpy-compatible seed, several initialisations keeping the lowest inertia, exact Lloyd
/// iterations or Hamerly's accelerated exact variant (same labels, same centres, bit for
/// bit), empty clusters relocated to the farthest points, multithreading whose result is
/// bit-identical for any thread count; plus help choosing k (inertia over a range of k,
/// silhouette score on a sample) and per-cluster profiles.
///
/// `#include <crmkit/segmentation/kmeans.hpp>`
///
/// Thread safety: stateless; safe. (Every function is a pure function of its arguments;
/// `kmeans_result` is a plain value.)
///
/// @code
/// crmkit::feature_matrix rfm = ...;                        // n x 3: recency, frequency, monetary
/// auto scaler = crmkit::feature_scaler::fit(rfm, {true, true, true});
/// crmkit::kmeans_options opt;
/// opt.n_clusters = 4; opt.n_init = 10; opt.seed = 42; opt.n_threads = 2;
/// crmkit::kmeans_result r = crmkit::kmeans_fit(scaler.transform(rfm), opt);
/// crmkit::feature_matrix centres_in_days_and_dollars = scaler.inverse_transform(r.centers);
/// @endcode
///
/// Semantics (scikit-learn 1.2, `sklearn/cluster/_kmeans.py` and `_k_means_lloyd.pyx`):
/// - the data are centred (column means subtracted) before seeding and iterating, and
///   the means added back to the returned centres;
/// - iteration i assigns every point to its nearest centre (the lowest index on an exact
///   tie), recomputes the centres as means, relocates empty clusters, and stops when the
///   labels equal those of iteration i - 1 ("strict convergence"), or when
///   sum_j |c_j(new) - c_j(old)|^2 <= tol * mean_f var(x_f), or after max_iter;
/// - unless the labels converged strictly, a final assignment makes the labels match the
///   returned centres; inertia = sum_i |x_i - c_label(i)|^2 with those labels;
///   `n_iter` = i + 1;
/// - an empty cluster takes the point farthest from its own (old) centre, the next empty
///   cluster the next farthest, and that point's weight leaves its cluster's sum (no
///   relocation when every point sits on its centre);
/// - of several initialisations the first is kept unless a later one has strictly lower
///   inertia and is not the same partition up to a relabelling.
///
/// Differences that remain: distances here are computed directly, `sum_f (x_f - c_f)^2`,
/// where scikit-learn uses `|c|^2 - 2 x.c` through BLAS, so a point whose two nearest
/// centres are within rounding (about 1e-15 relative) of a tie can take the other label;
/// and with several empty clusters in one iteration scikit-learn pairs them with the
/// farthest points in `np.argpartition` order, here in order of decreasing distance.
///
/// Speed (docs/benchmarks.md): Lloyd's assignment screens each point in float32 (half
/// the memory traffic, twice the vector width) and re-decides in double only the points
/// whose best two centres are within a proven rounding bound, so its labels are exactly
/// those of the double arithmetic; the cluster sums are updated incrementally from the
/// points whose label changed (per-chunk deltas added in chunk order, so the result is
/// the same bits for any thread count and for Lloyd and Hamerly).
///
/// Memory: a fit holds a centred copy of the data in structure-of-arrays layout
/// (8 n d bytes, rows padded to a multiple of 16), for Lloyd with d <= 8 also a float32
/// copy (4 n d bytes), a label per point (4 n bytes) and, for Hamerly, two bounds
/// (16 n bytes), plus per-chunk deltas (k d doubles and k counts per 2,048 rows); the
/// caller's matrix is read during the fit (incremental sums take the moved rows from it).
/// k-means++ seeding adds (5 + floor(ln k)) n doubles while it runs (norms, current
/// distances, cumulative sums, one distance array per candidate).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "crmkit/config.hpp"
#include "crmkit/core/option_table.hpp"
#include "crmkit/core/fit_report.hpp"
#include "crmkit/segmentation/features.hpp"
#include "crmkit/segmentation/kmeans_init.hpp"

CRMKIT_BEGIN_NAMESPACE

/// How the initial centres are chosen (scikit-learn's `init` strings).
enum class kmeans_init_method : int {
  k_means_plus_plus = 0,  ///< greedy k-means++ (scikit-learn's default)
  random = 1,             ///< k distinct points, `RandomState.permutation(n)[:k]`
};

/// The iteration used. Both give the same labels, centres, inertia and iteration count.
enum class kmeans_algorithm : int {
  lloyd = 0,    ///< every point against every centre, every iteration
  hamerly = 1,  ///< Hamerly (2010) bounds skip most distance computations; exact
};

/// Settings of a k-means fit; the defaults are scikit-learn 1.2's except `n_init` (1:
/// scikit-learn 1.4's "auto" for k-means++). Lloyd is the default algorithm: with the
/// vectorised kernels it measured faster than this Hamerly implementation for k = 8 and
/// d <= 8 (docs/benchmarks.md); both give the same result.
struct kmeans_options {
  std::size_t n_clusters = 8;  ///< k, 1 <= k <= number of points
  kmeans_init_method init = kmeans_init_method::k_means_plus_plus;
  int n_init = 1;           ///< initialisations to run (the best is kept), >= 1
  int max_iter = 300;       ///< iteration limit per run, >= 1
  double tol = 1e-4;        ///< relative tolerance on the centre shift, >= 0
  kmeans_algorithm algorithm = kmeans_algorithm::lloyd;
  std::uint32_t seed = 0;   ///< numpy `RandomState` seed (scikit-learn's `random_state`)
  int n_threads = 1;        ///< threads used; results do not depend on it
  int n_local_trials = 0;   ///< k-means++ candidates per step; 0: 2 + floor(ln k)
};

/// The description of kmeans_options from which the C ABI (`crmkit_kmeans_set_int`,
/// `_get_int`, `_option_bounds`, keys `CRMKIT_KMEANS_<NAME>`), the Python keywords of
/// `crmkit.KMeans` and `kmeans_fit`'s validation derive (crmkit/core/option_table.hpp).
template <>
struct option_table<kmeans_options> {
  static constexpr std::string_view c_prefix = "CRMKIT_KMEANS_";
  static constexpr std::array<option_spec<kmeans_options>, 9> entries{{
      CRMKIT_OPTION(kmeans_options, 1, n_clusters, integer, 1, 2147483647, "number of clusters k (<= rows at fit)"),
      CRMKIT_OPTION(kmeans_options, 2, init, enumeration, 0, 1, "seeding: 0 k-means++, 1 random rows"),
      CRMKIT_OPTION(kmeans_options, 3, n_init, integer, 1, 2147483647, "initialisations run, the best kept"),
      CRMKIT_OPTION(kmeans_options, 4, max_iter, integer, 1, 2147483647, "iteration limit per run"),
      CRMKIT_OPTION(kmeans_options, 5, algorithm, enumeration, 0, 1, "0 Lloyd, 1 Hamerly (same results)"),
      CRMKIT_OPTION(kmeans_options, 6, seed, integer, 0, 4294967295.0, "numpy RandomState seed (random_state)"),
      CRMKIT_OPTION(kmeans_options, 7, n_threads, integer, 1, max_threads, "threads; results do not depend on it"),
      CRMKIT_OPTION(kmeans_options, 8, n_local_trials, integer, 0, 1000000, "k-means++ candidates per step; 0: 2 + ln k"),
      CRMKIT_OPTION(kmeans_options, 101, tol, real, 0, option_finite, "relative tolerance on the centre shift"),
  }};
};

/// The result of a fit. A plain value.
struct kmeans_result {
  std::vector<std::int32_t> labels;  ///< cluster of each point, in [0, k)
  feature_matrix centers;            ///< k x d centroids, in the units of the input
  double inertia = 0.0;              ///< sum of (weighted) squared distances to the assigned centres
  int n_iter = 0;                    ///< iterations of the kept run
  /// How the kept run ended (crmkit/core/fit_report.hpp): status converged (message "labels
  /// unchanged": no label changed in the last iteration, scikit-learn's strict convergence;
  /// or "centre shift below tol": the total squared centre shift fell to tol * mean
  /// variance) or iteration_limit (max_iter reached); iterations = n_iter, objective =
  /// inertia, gradient_norm = the total squared centre shift of the last iteration.
  fit_report report;
  std::size_t n_relocated = 0;       ///< empty-cluster relocations in the kept run
  int best_init = 0;                 ///< which initialisation was kept (0-based)
};

/// Fits k-means to the rows of `x` with seeding from `options.init`.
/// @param x n x d points (rows = customers), finite.
/// @param sample_weight empty (every weight 1) or one weight per row, finite and >= 0,
///        not all 0: scikit-learn 1.2's `sample_weight`: centres are weighted means,
///        inertia is the weighted sum, a cluster whose points all have weight 0 counts as
///        empty (relocated). As in scikit-learn 1.2, the k-means++ and random seedings,
///        the centring of the data and the tolerance's variances ignore the weights
///        (1.2's `_kmeans_plusplus` takes no weights; 1.3 added them). scikit-learn also
///        accepts negative weights; these are rejected here.
/// @throws crmkit::error (invalid_argument): empty data, k < 1 or k > n, n_init < 1,
///         max_iter < 1, tol < 0 or not finite, n_threads < 1, n_local_trials < 0, a NaN
///         or infinite feature (the message names its row and column), a bad weight
///         (named by row), a weight count other than n, all weights 0.
[[nodiscard]] CRMKIT_FUNC kmeans_result kmeans_fit(Eigen::Ref<const feature_matrix> x, const kmeans_options& options,
                                                   std::span<const double> sample_weight = {});

/// Fits k-means from explicit initial centres (scikit-learn's `init=ndarray`): one run;
/// `options.init`, `options.n_init` and `options.seed` are ignored, as scikit-learn uses
/// n_init = 1 for an explicit init; `options.n_clusters` must be 0 or equal the rows of
/// `initial_centers`.
/// @param initial_centers k x d starting centroids in the units of `x`.
/// @param sample_weight as for the other overload.
/// @throws crmkit::error (invalid_argument): as kmeans_fit, plus a shape mismatch or a
///         non-finite initial centre.
[[nodiscard]] CRMKIT_FUNC kmeans_result kmeans_fit(Eigen::Ref<const feature_matrix> x,
                                                   Eigen::Ref<const feature_matrix> initial_centers,
                                                   const kmeans_options& options,
                                                   std::span<const double> sample_weight = {});

/// Nearest centre of each row of `x` (lowest index on an exact tie).
/// @throws crmkit::error (invalid_argument): empty centres, column mismatch, non-finite
///         values, n_threads < 1.
[[nodiscard]] CRMKIT_FUNC std::vector<std::int32_t> kmeans_predict(Eigen::Ref<const feature_matrix> centers,
                                                                   Eigen::Ref<const feature_matrix> x,
                                                                   int n_threads = 1);

/// Mean silhouette coefficient (Rousseeuw 1987) with Euclidean distances, as
/// `sklearn.metrics.silhouette_score(x, labels, sample_size=..., random_state=seed)`:
/// for each point s = (b - a) / max(a, b), a = mean distance to the rest of its cluster,
/// b = lowest mean distance to another cluster, s = 0 in a singleton cluster.
/// @param labels one label per row, each >= 0.
/// @param sample_size 0: all points (O(n^2 d) work); otherwise the mean over the first
///        `sample_size` indices of `RandomState(seed).permutation(n)`, the same sample
///        scikit-learn draws.
/// @throws crmkit::error (invalid_argument): size mismatch, a negative label, fewer than
///         2 or more than (sample) n - 1 distinct labels, sample_size > n or == 1,
///         non-finite values, n_threads < 1.
[[nodiscard]] CRMKIT_FUNC double silhouette_score(Eigen::Ref<const feature_matrix> x,
                                                  std::span<const std::int32_t> labels, std::size_t sample_size = 0,
                                                  std::uint32_t seed = 0, int n_threads = 1);

/// One row of a scan over k.
struct kmeans_k_score {
  std::size_t k = 0;
  double inertia = 0.0;
  int n_iter = 0;
  double silhouette = 0.0;  ///< NaN for k = 1 or when not requested
};

/// Help choosing k: fits k = k_min..k_max with `options` (its n_clusters ignored) and
/// reports inertia (for an "elbow" plot) and, when `silhouette_sample_size` is not
/// `no_silhouette`, the silhouette score on a sample of that size (0: all points).
/// @throws crmkit::error (invalid_argument): k_min < 1, k_max < k_min, k_max > n, and
///         whatever kmeans_fit or silhouette_score reject.
inline constexpr std::size_t no_silhouette = static_cast<std::size_t>(-1);
[[nodiscard]] CRMKIT_FUNC std::vector<kmeans_k_score> kmeans_scan_k(Eigen::Ref<const feature_matrix> x,
                                                                   std::size_t k_min, std::size_t k_max,
                                                                   const kmeans_options& options,
                                                                   std::size_t silhouette_sample_size = 10000);

/// Summary of one cluster: size, shares and per-feature means in the units given.
struct cluster_profile {
  std::size_t size = 0;             ///< points in the cluster
  double share = 0.0;               ///< size / n
  double value = 0.0;               ///< sum of `value` over the cluster (e.g. revenue)
  double value_share = 0.0;         ///< value / total value (NaN when the total is 0)
  std::vector<double> mean;         ///< per-feature mean (NaN for an empty cluster)
};

/// Profiles clusters: for each of the `n_clusters` labels, its size, share of points,
/// total and share of `value` (pass monetary totals for revenue share; empty: zeros),
/// and the mean of each column of `features` (pass the original R/F/M for their means).
/// @throws crmkit::error (invalid_argument): size mismatches or a label outside [0, k).
[[nodiscard]] CRMKIT_FUNC std::vector<cluster_profile> kmeans_profile(Eigen::Ref<const feature_matrix> features,
                                                                     std::span<const std::int32_t> labels,
                                                                     std::size_t n_clusters,
                                                                     std::span<const double> value = {});

#ifndef CRMKIT_HEADER_ONLY
/// A fitted k-means model as read from a model document: the options and the result
/// (centres, inertia, n_iter, n_relocated, best_init, report; `labels` is empty: the
/// document keeps the model, not its training rows).
struct kmeans_model {
  kmeans_options options;
  kmeans_result result;
};

/// The model document (crmkit/core/model_document.hpp, model "kmeans") of a fit: its
/// centres (bit-exact), statistics, options and report, library version. Compiled library
/// only. @throws crmkit::error (invalid_argument) for a result without centres.
[[nodiscard]] std::string kmeans_to_text(const kmeans_result& result, const kmeans_options& options);
/// Reads a document written by kmeans_to_text; kmeans_predict on its centres gives the
/// labels of the saved model. Compiled library only.
/// @throws crmkit::error (parse_error) naming the line, the key and why.
[[nodiscard]] kmeans_model kmeans_from_text(std::string_view text);
#endif

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/segmentation/kmeans_impl.hpp"
#endif
