/// @file crmkit/churn/group_forecast.hpp
/// Forecast by segment, territory and rep: the expected purchases (and, with a Gamma-Gamma
/// spend model, revenue) of each group of customers over a horizon, with delta-method
/// confidence intervals of each group's total, and, given what happened in a hold-out
/// period, the error per group. The groups are the values of any customer-table column
/// (`segment`, `abc`, `territory`, `nearest_rep`, `cluster`, ... of score_customers, or a
/// column the host loaded) or integer keys the caller computed.
///
/// `#include <crmkit/churn/group_forecast.hpp>`
///
/// Thread safety: stateless; safe (the models are only read; copies are perturbed).
/// `n_threads` threads for the predictions; results are bit-identical for any thread count
/// and any order of the rows (every sum is crmkit::exact_sum, order-free).
///
/// @code
/// // the whole check in one call: split at the calibration end, fit BG/NBD and Gamma-Gamma
/// // on the calibration period, forecast the hold-out per ABC class, compare
/// auto table = crmkit::score_customers(data, calibration_end);        // groups known at calibration
/// crmkit::holdout_forecast_options o;
/// o.calibration_end = crmkit::unix_seconds(1997, 9, 30);
/// o.holdout_end = crmkit::unix_seconds(1998, 6, 30);                    // 39 weeks later
/// crmkit::group_forecast f = crmkit::forecast_holdout_by_group(data, table, "abc", o);
/// for (const auto& g : f.groups)                                        // A, B, C, then missing
///   std::printf("%s %.1f [%.1f, %.1f] actual %.0f\n", g.label.c_str(), g.purchases.estimate,
///               g.purchases.lower, g.purchases.upper, g.purchases_accuracy.actual);
/// // f.purchases_wape: sum over groups of |predicted - actual| / sum of actual
/// @endcode
///
/// ## Units
/// Purchases are purchase days (all purchases of a customer on one UTC day are one
/// transaction, btyd_summary.hpp's convention); the horizon t is in the time unit of the
/// summary the model was fitted on (`btyd_summary::period_days`: weeks by default, 7 days;
/// BG/BB: whole transaction opportunities). Revenue is in the currency of the amounts:
/// expected purchase days times the Gamma-Gamma expected spend per purchase day. In the
/// hold-out entry point the horizon is the hold-out length (`duration_holdout`).
///
/// ## What is computed (per group g; the total row is the same over all customers)
/// - purchases: P_g = sum_{i in g} E[Y_i(t) | x_i, t_x,i, T_i] (the purchase model's
///   conditional expectation, btyd_model.hpp).
/// - revenue: R_g = sum_{i in g} E[Y_i(t) | ...] E[Z_i | x_i, zbar_i] (the Gamma-Gamma
///   conditional expected spend, gamma_gamma.hpp; spend is independent of the purchase
///   process in that model, so the expectation of the product is the product).
/// - intervals: the delta method of intervals.hpp on the group total: se(P_g)^2 =
///   g' Sigma_log g with g = d P_g / d ln theta by central differences (f at theta_j
///   e^(+-1e-4)), Sigma_log the purchase model's fit covariance on the log scale; the same
///   numbers as delta_method_total_interval(model, expected_purchases, t, group's rows)
///   (up to the order of summation, ~1e-15 relative). Revenue: the two models' parameters
///   are asymptotically independent (the joint likelihood of purchases and spend factorises
///   under the Gamma-Gamma independence assumption, so its information matrix is block
///   diagonal), hence se(R_g)^2 = a' Sigma_log a + b' Phi_log b with a = d R_g / d ln theta,
///   b = d R_g / d ln phi (phi = p, q, gamma; Phi_log from the spend model's fit covariance).
///   Interval estimate -+ z se, z the normal quantile of (1 + level)/2, lower bound clipped
///   at 0. These are confidence intervals of the *expected* total (parameter uncertainty
///   only), not prediction intervals of the actual total: the Poisson-like noise of actual
///   purchases is not in them, so a large group's actual falls outside them more often than
///   `level` says (docs/churn.md shows how often on CDNOW).
/// - with hold-out actuals: actual, error = predicted - actual, relative error =
///   error / actual, absolute percentage error = |error| / actual (both NaN when actual
///   is 0), in_interval = lower <= actual <= upper; over all groups the weighted absolute
///   percentage error WAPE = sum_g |error_g| / sum_g actual_g (groups weighted by their
///   actual) and the MAPE (unweighted mean over groups with actual > 0).
///
/// ## Groups and their order
/// Groups are sorted by key, the customers without a group (missing value) form one group
/// last. Keys: a category column's codes (so its level order: A, B, C; the segment map's
/// order; the config's territory order) labelled by level; an int64 column's values,
/// labelled in decimal; a float64 column whose values are whole numbers (e.g. frequency),
/// as int64. Only groups with at least one customer appear. The group total of every
/// estimate sums to the total row's (up to rounding).
///
/// Memory: the predictions and their 2k + 2 (with spend 2k + 8) perturbed copies, one
/// double each per customer; 4 + 2k exact sums (16 bytes) per group.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/churn/btyd_model.hpp"
#include "crmkit/churn/btyd_summary.hpp"
#include "crmkit/churn/fit_report.hpp"
#include "crmkit/churn/gamma_gamma.hpp"
#include "crmkit/churn/intervals.hpp"
#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/core/dataset.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Options of forecast_by_group.
struct group_forecast_options {
  /// Horizon t in the purchase model's time unit (finite, > 0; BG/BB a whole number).
  double horizon = 0;
  double level = 0.9;     ///< confidence level of the intervals, in (0, 1)
  int n_threads = 1;      ///< threads of the predictions, [1, 1024] (results do not depend on it)
  /// false: no intervals (their fields are NaN; models without a fit covariance are accepted).
  bool intervals = true;
};

/// Predicted versus actual for one group and one measure (all NaN without actuals).
struct forecast_accuracy {
  double actual;                     ///< what happened in the hold-out
  double error;                      ///< predicted - actual
  double relative_error;             ///< error / actual (NaN when actual is 0)
  double absolute_percentage_error;  ///< |error| / actual (NaN when actual is 0)
  /// 1 when lower <= actual <= upper, 0 when not, -1 without actuals or intervals.
  int in_interval;
};

/// One group of the forecast (or the total over all customers).
struct group_forecast_row {
  /// The group key (category code, integer value); missing_int64 for the customers
  /// without a group and for the total row.
  std::int64_t key = 0;
  std::string label;        ///< the level, the decimal key, "" for missing, "total" for the total
  bool missing = false;     ///< the customers without a group
  std::size_t customers = 0;
  interval purchases;       ///< expected purchase days over the horizon, with its interval
  interval revenue;         ///< expected revenue (all NaN without a spend model)
  forecast_accuracy purchases_accuracy;
  forecast_accuracy revenue_accuracy;
};

/// The result of forecast_by_group.
struct group_forecast {
  std::vector<group_forecast_row> groups;  ///< sorted by key, the missing group last
  group_forecast_row total;                ///< all customers
  double horizon = 0;                      ///< t, in the model's time unit
  double level = 0;                        ///< confidence level of the intervals
  bool has_revenue = false;                ///< a spend model was given
  bool has_actual_purchases = false;
  bool has_actual_revenue = false;
  double purchases_wape = 0;  ///< sum_g |error_g| / sum_g actual_g (NaN without actuals)
  double revenue_wape = 0;    ///< the same for revenue
  double purchases_mape = 0;  ///< mean APE over groups with actual > 0 (NaN without)
  double revenue_mape = 0;
};

/// The per-group forecast from per-customer rows (see the file comment).
/// @param purchases a fitted purchase model (with a fit covariance unless options.intervals is false)
/// @param spend a fitted Gamma-Gamma model for revenue, or nullptr (then monetary_value and
///        actual_revenue must be empty)
/// @param group one key per row; missing_int64 = no group
/// @param frequency, recency, T the calibration summary rows (x, t_x, T; BG/BB: x, t_x, n)
/// @param monetary_value mean repeat spend per row (btyd_summary::monetary_value) with a spend model
/// @param actual_purchases hold-out purchase days per row (btyd_summary::frequency_holdout), or empty
/// @param actual_revenue hold-out revenue per row (summarize_holdout_revenue), or empty
/// @throws crmkit::error (invalid_argument) naming the argument: lengths differ, no rows,
///         a bad row (as the models' predictions), a negative or non-finite monetary value or
///         actual (named by row), horizon or level out of range, a spend model whose q <= 1
///         (no mean spend), no fit covariance; (not_fitted) an unfitted model.
[[nodiscard]] CRMKIT_FUNC group_forecast forecast_by_group(
    const btyd_model& purchases, const gamma_gamma* spend, std::span<const std::int64_t> group,
    std::span<const double> frequency, std::span<const double> recency, std::span<const double> T,
    std::span<const double> monetary_value, const group_forecast_options& options,
    std::span<const double> actual_purchases = {}, std::span<const double> actual_revenue = {});

/// The group keys of a customer-table column for the rows `customer` (table row indices,
/// e.g. btyd_summary::customer), and the label of each key (see "Groups and their order").
struct group_keys {
  std::vector<std::int64_t> key;  ///< one per row, missing_int64 when the value is missing
  /// For a category column its levels (key = code); empty for a numeric column (labels
  /// are the decimal keys).
  std::vector<std::string> levels;
};
/// @throws crmkit::error (not_found) an unknown column (naming the ones present);
///         (invalid_argument) a time column, a float64 value that is not a whole number
///         (naming the row: bin the column first), a row index outside the table.
[[nodiscard]] CRMKIT_FUNC group_keys group_keys_of(const customer_table& table, std::string_view column,
                                                   std::span<const std::int32_t> customer);

/// forecast_by_group grouped by `column` of `table` (whose rows are the transaction log's
/// customers: summary.customer indexes them), on the summary's rows; the actual purchases
/// are summary.frequency_holdout when the summary has a hold-out. Labels are the column's.
/// @throws as forecast_by_group and group_keys_of.
[[nodiscard]] CRMKIT_FUNC group_forecast forecast_by_group(const customer_table& table, std::string_view column,
                                                           const btyd_summary& summary, const btyd_model& purchases,
                                                           const gamma_gamma* spend,
                                                           const group_forecast_options& options,
                                                           std::span<const double> actual_revenue = {});

/// The revenue of each summary row's customer in the hold-out period: the sum of its
/// amounts on the days after the calibration-end day up to and including the hold-out-end
/// day (summarize_btyd's days, UTC). `options` must be the ones that made `summary`.
/// @throws crmkit::error (invalid_argument) no hold-out end in `options`, a summary of
///         another log (customer index out of range).
[[nodiscard]] CRMKIT_FUNC std::vector<double> summarize_holdout_revenue(const transaction_log& log,
                                                                        const btyd_summary& summary,
                                                                        const btyd_summary_options& options);

/// Options of forecast_holdout_by_group.
struct holdout_forecast_options {
  std::int64_t calibration_end = 0;  ///< Unix seconds UTC (its day is the last calibration day)
  std::int64_t holdout_end = 0;      ///< Unix seconds UTC (inclusive day), after calibration_end
  double period_days = 7.0;          ///< the time unit in days (7 = weeks)
  /// The purchase model fitted when none is passed (BG/BB is fitted on patterns, not on a
  /// summary: pass one instead).
  btyd_kind model = btyd_kind::bg_nbd;
  /// Forecast revenue: fit Gamma-Gamma on the calibration summary when no spend model is passed.
  bool revenue = true;
  fit_options fit;       ///< options of both fits (its n_threads is ignored: n_threads below)
  double level = 0.9;    ///< confidence level
  int n_threads = 1;     ///< threads of the fits and predictions
  bool intervals = true; ///< as group_forecast_options::intervals
};

/// The hold-out check per group in one call: summarises `data` at the calibration end with
/// a hold-out (summarize_btyd), fits the purchase model (options.model) and, with
/// options.revenue, Gamma-Gamma on the calibration summary unless they are passed,
/// forecasts the hold-out length per group of `column` of `groups` (a table whose rows are
/// the dataset's customers, such as score_customers(data, calibration_end)'s: score at the
/// calibration end, or the groups will know the hold-out) and compares with the hold-out's
/// purchase days and revenue (summarize_holdout_revenue).
/// @throws crmkit::error (invalid_argument) a hold-out end not after the calibration end,
///         `groups` with other customers than the dataset (size or ids), a fit that does not
///         converge (naming its status; fit the model yourself and pass it); as
///         summarize_btyd, group_keys_of and forecast_by_group otherwise.
[[nodiscard]] CRMKIT_FUNC group_forecast forecast_holdout_by_group(const dataset& data, const customer_table& groups,
                                                                   std::string_view column,
                                                                   const holdout_forecast_options& options,
                                                                   const btyd_model* purchases = nullptr,
                                                                   const gamma_gamma* spend = nullptr);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/group_forecast_impl.hpp"
#endif
