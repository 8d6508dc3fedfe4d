/// @file crmkit/churn/validation.hpp
/// Hold-out validation of a BTYD model and of a churn score: predicted versus actual repeat
/// purchases in the hold-out period, overall and by calibration frequency (the check of
/// Fader, Hardie & Lee 2005, fig. 4), and the ROC AUC of a churn score against actual
/// hold-out silence (no purchase in the hold-out).
///
/// `#include <crmkit/churn/validation.hpp>`
///
/// Thread safety: stateless; safe.
///
/// Which churn score: under BG/NBD a customer without repeat purchases has P(alive) = 1 by
/// construction (dropout can only follow a purchase), so 1 - P(alive) ranks the one-time
/// buyers -- the customers most likely to stay silent -- as the safest, and scores worse than
/// chance on CDNOW. crmkit's recommended score is P(no purchase in the next t periods | x,
/// t_x, T) (`bg_nbd::conditional_probability_no_purchase`), which combines P(alive) with the
/// customer's purchase rate; the expected purchases E[Y(t)] (lower = more at risk) is the
/// other sound choice.
///
/// @code
/// std::vector<double> expected(n), silent(n);
/// model.conditional_expected_purchases(s.duration_holdout, s.frequency, s.recency, s.T, expected);
/// model.conditional_probability_no_purchase(s.duration_holdout, s.frequency, s.recency, s.T, silent);
/// auto check = crmkit::validate_holdout(s.frequency, expected, s.frequency_holdout, silent);
/// // check.auc ~ 0.76 on CDNOW; check.by_frequency[k]: actual vs predicted means
/// @endcode
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// One calibration-frequency bucket of the hold-out check.
struct holdout_bucket {
  double frequency = 0;          ///< calibration frequency x (the last bucket holds x >= this)
  std::size_t customers = 0;     ///< customers in the bucket
  double actual_mean = 0;        ///< mean actual hold-out purchases
  double predicted_mean = 0;     ///< mean predicted hold-out purchases
};

/// Result of `validate_holdout`.
struct holdout_report {
  std::size_t customers = 0;
  double actual_total = 0;        ///< sum of actual hold-out purchases
  double predicted_total = 0;     ///< sum of predicted hold-out purchases
  std::size_t silent = 0;         ///< customers without a hold-out purchase (the positive class)
  double auc = 0;  ///< ROC AUC of the churn score against silence (NaN without a score or with one class)
  std::vector<holdout_bucket> by_frequency;  ///< x = 0, 1, ..., max_frequency - 1, then x >= max_frequency
};

/// The hold-out check. `churn_score` may be empty (then auc is NaN); higher means more likely
/// silent. The AUC is `crmkit::roc_auc` (metrics.hpp: ties count half) with silence as the
/// positive class; NaN when every customer is silent or none is. Buckets: x = 0 .. max_frequency-1 and one for x >= max_frequency (the paper uses 7).
/// @throws crmkit::error (invalid_argument) on length mismatch, non-finite or negative
///         values, or max_frequency < 1.
[[nodiscard]] CRMKIT_FUNC holdout_report validate_holdout(std::span<const double> frequency,
                                                          std::span<const double> predicted,
                                                          std::span<const double> actual,
                                                          std::span<const double> churn_score = {},
                                                          int max_frequency = 7);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/validation_impl.hpp"
#endif
