/// @file crmkit/churn/btyd_summary.hpp
/// The per-customer recency/frequency/monetary summary the buy-till-you-die models take:
/// frequency x (repeat purchases), recency t_x (first to last purchase), age T (first
/// purchase to the calibration end), mean repeat spend, and optionally the purchases in a
/// hold-out period after the calibration end.
///
/// `#include <crmkit/churn/btyd_summary.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// auto data = crmkit::read_transactions_csv("cdnow_sample.csv", {"customer_id", "date", "amount"});
/// crmkit::btyd_summary_options options;           // weeks, same-day purchases merged
/// options.calibration_end = crmkit::unix_seconds(1997, 9, 30);
/// options.holdout_end = crmkit::unix_seconds(1998, 6, 30);
/// crmkit::btyd_summary s = crmkit::summarize_btyd(data.transactions(), options);
/// // s.frequency[i], s.recency[i], s.T[i] for customer s.customer[i]
/// @endcode
///
/// Conventions (those of Fader, Hardie & Lee 2005 and of the published CDNOW summaries):
/// timestamps are cut to UTC days; all purchases on one day are one transaction (their
/// amounts summed); x = distinct purchase days in calibration - 1; t_x = last - first purchase
/// day; T = calibration-end day - first purchase day; all three in `period_days` units
/// (7 = weeks). A purchase on the calibration-end day belongs to the calibration period; the
/// hold-out period is the days after it up to and including the hold-out end day.
/// Customers whose first purchase is after the calibration end are left out (they did not
/// exist at calibration); `customer` maps each row back to the log's customer index.
/// Memory: the output (5 doubles and one int32 per customer) plus 24 bytes per transaction
/// (a per-customer copy of day and amount) while summarising.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/transaction_log.hpp"

CRMKIT_BEGIN_NAMESPACE

/// How to summarise (see the file comment for the conventions).
struct btyd_summary_options {
  /// Calibration end, Unix seconds UTC; the day containing it is the last calibration day.
  std::int64_t calibration_end = 0;
  /// Hold-out end (inclusive day), or none for no hold-out columns.
  std::optional<std::int64_t> holdout_end;
  /// Length of the time unit in days: 7 for weeks (the published CDNOW convention), 1 for
  /// days, 365.25/12 for months.
  double period_days = 7.0;
};

/// One row per customer who had bought by the calibration end, in customer-index order.
struct btyd_summary {
  std::vector<std::int32_t> customer;  ///< index into the transaction log's customers
  std::vector<double> frequency;       ///< x: repeat purchase days in calibration
  std::vector<double> recency;         ///< t_x, in periods
  std::vector<double> T;               ///< age at calibration end, in periods
  /// Mean amount per repeat purchase day (first purchase excluded), 0 when x = 0: the
  /// Gamma-Gamma model's input.
  std::vector<double> monetary_value;
  std::vector<double> frequency_holdout;  ///< purchase days in the hold-out (empty without one)
  double duration_holdout = 0.0;          ///< hold-out length in periods (0 without one)
  /// The time unit of recency, T and the hold-out, in days (btyd_summary_options::period_days):
  /// a model fitted on this summary predicts in this unit (see clv.hpp).
  double period_days = 7.0;
  [[nodiscard]] std::size_t size() const noexcept { return customer.size(); }
};

/// Summarises a transaction log for the BTYD models.
/// @throws crmkit::error (invalid_argument) for an empty log, a calibration end before the
///         first purchase, a hold-out end not after the calibration end, a non-positive or
///         non-finite `period_days`, or a negative amount.
[[nodiscard]] CRMKIT_FUNC btyd_summary summarize_btyd(const transaction_log& log, const btyd_summary_options& options);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/btyd_summary_impl.hpp"
#endif
