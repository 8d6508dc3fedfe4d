/// @file crmkit/churn/clv.hpp
/// Customer lifetime value from a purchase model (BG/NBD, Pareto/NBD, modified BG/NBD) and
/// an expected spend per purchase (Gamma-Gamma): the discounted expected revenue over a
/// horizon of cash-flow periods, CLV = sum_{i=1..H} spend (E[Y(i L)] - E[Y((i-1) L)]) / (1+d)^i,
/// with L the cash-flow period in the model's time unit (Fader, Hardie & Lee 2005, "RFM and
/// CLV", the discrete form used by lifetimes' `customer_lifetime_value`).
///
/// Units: the horizon is calendar time, H periods of `period_days` days each (default a
/// month of 4.345 weeks = 30.415 days, lifetimes' convention), and d is the discount rate per
/// such period. The purchase model works in the time unit of the summary it was fitted on
/// (btyd_summary::period_days: 7 for weeks, 1 for days), so L = period_days /
/// model_period_days. `model_period_days` has no default: it must be given, or it is taken
/// from the summary by the btyd_summary overload (which refuses a different explicit value).
/// The same calendar horizon then gives the same CLV whatever the model's unit (a model
/// fitted in days has its rate parameters alpha, beta 7 times those of one fitted in weeks).
/// The result is money in the amounts' currency over H * period_days days.
///
/// `#include <crmkit/churn/clv.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::clv_options o;          // 12 months of 30.415 days at 1% per month
/// std::vector<double> clv(s.size());
/// crmkit::customer_lifetime_value(bgnbd, spend, s, clv, o);   // the model's unit from s.period_days
/// o.model_period_days = 7;        // or explicitly, with bare arrays in weeks
/// crmkit::customer_lifetime_value(bgnbd, spend, s.frequency, s.recency, s.T, s.monetary_value, clv, o);
/// @endcode
#pragma once

#include <cmath>
#include <span>

#include <fmt/format.h>

#include "crmkit/churn/btyd_summary.hpp"
#include "crmkit/churn/detail/batch.hpp"
#include "crmkit/churn/gamma_gamma.hpp"
#include "crmkit/config.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

/// CLV horizon and discounting, in calendar units (see the file comment).
struct clv_options {
  int horizon = 12;               ///< number of cash-flow periods
  double period_days = 30.415;    ///< one cash-flow period in days (30.415 = 4.345 weeks, a month)
  /// The purchase model's time unit in days (btyd_summary::period_days of its fitting data:
  /// 7 for weeks, 1 for days). 0 = not given: required by the array overloads; the summary
  /// overload takes the summary's.
  double model_period_days = 0.0;
  double discount_rate = 0.01;    ///< per cash-flow period; period i's cash flow is divided by (1+d)^i
  int n_threads = 1;              ///< threads for the batch version (results do not depend on it)
  /// One cash-flow period in the model's time unit (period_days / model_period_days).
  [[nodiscard]] double period_length() const noexcept { return period_days / model_period_days; }
};

namespace detail {
inline void check_clv_options(const clv_options& o) {
  if (o.horizon < 1 || o.horizon > 100000)
    throw error(errc::invalid_argument, fmt::format("customer_lifetime_value: horizon {} outside [1, 100000]", o.horizon));
  if (!(o.period_days > 0) || !std::isfinite(o.period_days))
    throw error(errc::invalid_argument,
                fmt::format("customer_lifetime_value: period_days {} must be finite and > 0", o.period_days));
  if (o.model_period_days == 0)
    throw error(errc::invalid_argument,
                "customer_lifetime_value: model_period_days is not set: give the purchase model's time unit in days "
                "(the btyd_summary::period_days it was fitted on: 7 for weeks, 1 for days), or pass the summary");
  if (!(o.model_period_days > 0) || !std::isfinite(o.model_period_days))
    throw error(errc::invalid_argument, fmt::format("customer_lifetime_value: model_period_days {} must be finite and > 0",
                                                    o.model_period_days));
  if (!(o.discount_rate > -1) || !std::isfinite(o.discount_rate))
    throw error(errc::invalid_argument,
                fmt::format("customer_lifetime_value: discount_rate {} must be finite and > -1", o.discount_rate));
}
}  // namespace detail

/// CLV of one customer with history (x, t_x, T) in the model's time unit and expected spend
/// per purchase.
/// @tparam PurchaseModel has `double conditional_expected_purchases(t, x, tx, T) const`.
/// @throws crmkit::error (invalid_argument) for bad options, (not_fitted) for an unfitted model.
template <class PurchaseModel>
double customer_lifetime_value(const PurchaseModel& model, double expected_spend, double x, double tx, double T,
                               const clv_options& options = {}) {
  detail::check_clv_options(options);
  double clv = 0.0, previous = 0.0, discount = 1.0;
  for (int i = 1; i <= options.horizon; ++i) {
    const double cumulative = model.conditional_expected_purchases(i * options.period_length(), x, tx, T);
    discount /= 1.0 + options.discount_rate;
    clv += expected_spend * (cumulative - previous) * discount;
    previous = cumulative;
  }
  return clv;
}

/// Batch CLV: the expected spend per purchase comes from `spend` at (x, monetary_value).
/// @throws crmkit::error (invalid_argument) when the lengths differ or options are bad,
///         (not_fitted) when a model is not fitted.
template <class PurchaseModel>
void customer_lifetime_value(const PurchaseModel& model, const gamma_gamma& spend, std::span<const double> x,
                             std::span<const double> tx, std::span<const double> T,
                             std::span<const double> monetary_value, std::span<double> out,
                             const clv_options& options = {}) {
  detail::check_clv_options(options);
  (void)spend.params();
  (void)model.params();
  detail::check_n_threads("customer_lifetime_value", options.n_threads);
  if (monetary_value.size() != x.size() || tx.size() != x.size() || T.size() != x.size() || out.size() != x.size())
    throw error(errc::invalid_argument,
                fmt::format("customer_lifetime_value: lengths differ (frequency {}, recency {}, T {}, monetary {}, out {})",
                            x.size(), tx.size(), T.size(), monetary_value.size(), out.size()));
  crmkit::parallel_for(x.size(), 4096, options.n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      out[i] = customer_lifetime_value(model, spend.conditional_expected_spend(x[i], monetary_value[i]), x[i], tx[i],
                                       T[i], options);
  });
}

/// Batch CLV of a summary's customers; the model's time unit is `summary.period_days`.
/// @throws crmkit::error (invalid_argument) when `options.model_period_days` is set and
///         differs from the summary's period (a model fitted in weeks applied to days, say),
///         `out` has another length or options are bad; (not_fitted).
template <class PurchaseModel>
void customer_lifetime_value(const PurchaseModel& model, const gamma_gamma& spend, const btyd_summary& summary,
                             std::span<double> out, clv_options options = {}) {
  if (options.model_period_days != 0 && options.model_period_days != summary.period_days)
    throw error(errc::invalid_argument,
                fmt::format("customer_lifetime_value: model_period_days {} differs from the summary's period of {} "
                            "days",
                            options.model_period_days, summary.period_days));
  options.model_period_days = summary.period_days;
  customer_lifetime_value(model, spend, summary.frequency, summary.recency, summary.T, summary.monetary_value, out,
                          options);
}

CRMKIT_END_NAMESPACE
