/// @file crmkit/churn/metrics.hpp
/// Evaluation of churn scores against observed outcomes: ROC-AUC with ties counted half,
/// gains and lift by score bin (deciles by default) and the top-decile lift, the
/// Kolmogorov-Smirnov statistic, the Brier score, and Platt's sigmoid calibration. They
/// are generic: any score where higher means "more likely to churn" (a logistic
/// regression's probability, a BTYD model's P(no purchase), ...) against 0/1 outcomes.
///
/// `#include <crmkit/churn/metrics.hpp>`
///
/// Thread safety: stateless; safe. (`platt_scaling` is a plain value: immutable after
/// construction; concurrent const use is safe.)
///
/// @code
/// std::vector<double> churned = ...;  // 1 = churned (or silent in the hold-out), else 0
/// std::vector<double> score = ...;    // higher = more at risk
/// double auc = crmkit::roc_auc(churned, score);
/// auto table = crmkit::lift_table(churned, score);     // 10 rows, best-scored decile first
/// double top = table.front().lift;                     // == crmkit::top_decile_lift(...)
/// crmkit::platt_scaling cal = crmkit::platt_fit(score, churned);
/// double p = cal(score[0]);                             // calibrated probability
/// @endcode
///
/// Conventions shared by every function: `y` holds one value per row, each exactly 0 or 1;
/// scores and weights must be finite (weights >= 0); an empty `sample_weight` means all 1;
/// spans of different lengths, a NaN score or a label other than 0/1 throw
/// `crmkit::error` (invalid_argument) naming the row. Functions that compare classes
/// (AUC, KS) need a positive total weight in both classes.
///
/// Memory: O(n) (an index permutation and, for AUC and KS, the sorted scores). Time:
/// O(n log n) for the sorting functions, O(n) per Newton iteration for `platt_fit`.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/churn/logistic.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Area under the ROC curve: the probability that a random positive (y = 1) scores above
/// a random negative, ties counting one half (the Mann-Whitney U statistic over
/// n_pos * n_neg; with weights, pairs weigh w_i w_j). Equals scikit-learn's
/// `roc_auc_score` (trapezoidal area over the tie-collapsed ROC curve).
/// @throws crmkit::error (invalid_argument) on bad input or a single class.
[[nodiscard]] CRMKIT_FUNC double roc_auc(std::span<const double> y, std::span<const double> score,
                                         std::span<const double> sample_weight = {});

/// Kolmogorov-Smirnov statistic: max over thresholds t of |TPR(t) - FPR(t)|, i.e. the largest
/// distance between the score distributions of positives and negatives (scipy's
/// `ks_2samp(...).statistic` without weights). Thresholds are the distinct scores, so tied
/// rows are never split.
/// @throws crmkit::error (invalid_argument) on bad input or a single class.
[[nodiscard]] CRMKIT_FUNC double ks_statistic(std::span<const double> y, std::span<const double> score,
                                              std::span<const double> sample_weight = {});

/// Brier score: the (weighted) mean of (p_i - y_i)^2 (scikit-learn's `brier_score_loss`).
/// @param probability predicted P(y = 1) per row, each in [0, 1].
/// @throws crmkit::error (invalid_argument) on bad input or a zero total weight.
[[nodiscard]] CRMKIT_FUNC double brier_score(std::span<const double> y, std::span<const double> probability,
                                             std::span<const double> sample_weight = {});

/// One score bin of a gains/lift table (rows counted unweighted).
struct lift_row {
  std::size_t rows = 0;              ///< rows in the bin
  double positives = 0;              ///< rows with y = 1 in the bin
  double min_score = 0;              ///< lowest score in the bin
  double max_score = 0;              ///< highest score in the bin
  double response_rate = 0;          ///< positives / rows
  double lift = 0;                   ///< response_rate / overall positive rate
  std::size_t cumulative_rows = 0;   ///< rows in this and every better-scored bin
  double cumulative_positives = 0;   ///< positives in this and every better-scored bin
  double cumulative_gain = 0;        ///< cumulative_positives / all positives ("gains")
  double cumulative_lift = 0;        ///< cumulative response rate / overall positive rate
};

/// Gains and lift by score bin. The rows are sorted by decreasing score (stable: tied rows
/// keep their input order, so a tie straddling a bin boundary is split by row order) and
/// cut into `n_bins` bins of as equal size as possible: bin b holds the sorted rows
/// [floor(b n / n_bins), floor((b + 1) n / n_bins)). Row 0 of the result is the
/// best-scored bin. With 10 bins these are deciles, and `cumulative_gain` of row k is the
/// share of all churners found in the top (k + 1) * 10 % of customers.
/// @throws crmkit::error (invalid_argument) on bad input, n_bins == 0, fewer rows than
///         bins, or no positive label.
[[nodiscard]] CRMKIT_FUNC std::vector<lift_row> lift_table(std::span<const double> y, std::span<const double> score,
                                                           std::size_t n_bins = 10);

/// Lift of the best-scored 10 % of rows: `lift_table(y, score, 10).front().lift`.
[[nodiscard]] CRMKIT_FUNC double top_decile_lift(std::span<const double> y, std::span<const double> score);

/// Platt's sigmoid calibration P(y = 1 | s) = 1 / (1 + exp(a s + b)) (scikit-learn's
/// convention and sign; a < 0 when higher scores mean churn).
struct platt_scaling {
  double a = 0.0;  ///< slope
  double b = 0.0;  ///< intercept
  fit_status status = fit_status::iteration_limit;  ///< how the fit ended (line search: numerical_failure)
  int iterations = 0;                                         ///< Newton iterations
  /// The calibrated probability of a score.
  [[nodiscard]] CRMKIT_FUNC double operator()(double score) const noexcept;
  /// The calibrated probability of each score into `out` (same size as `score`).
  /// @throws crmkit::error (invalid_argument) when the sizes differ.
  CRMKIT_FUNC void transform(std::span<const double> score, std::span<double> out) const;
};

/// Fits Platt scaling (Platt 1999, "Probabilistic outputs for support vector machines";
/// the regularised targets t+ = (N+ + 1)/(N+ + 2), t- = 1/(N- + 2) of its section 2.2,
/// N+/N- the (weighted) class totals), minimising the weighted cross-entropy
/// sum_i w_i [softplus(z_i) - (1 - t_i) z_i], z_i = a s_i + b, by Newton's method with a
/// backtracking line search (Lin, Lin & Weng 2007, "A note on Platt's probabilistic outputs
/// for support vector machines"). The objective is scikit-learn's `_sigmoid_calibration`
/// (CalibratedClassifierCV(method="sigmoid")), which stops earlier (BFGS, gtol 1e-5).
/// @throws crmkit::error (invalid_argument) on bad input or a single class.
[[nodiscard]] CRMKIT_FUNC platt_scaling platt_fit(std::span<const double> score, std::span<const double> y,
                                                  std::span<const double> sample_weight = {});

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/metrics_impl.hpp"
#endif
