/// @file crmkit/churn/new_customer.hpp
/// Forecasts for a customer not yet acquired (CLVTools' `newcustomer`): the expected number
/// of purchases in (0, t] of a customer acquired today, under any BTYD purchase model
/// through the shared interface (crmkit/churn/btyd_model.hpp; no switch over model kinds),
/// and with a Gamma-Gamma spend model the expected revenue, for acquisition-cost decisions
/// ("what is a new customer worth over the next year?").
///
/// `#include <crmkit/churn/new_customer.hpp>`
///
/// Thread safety: stateless; safe (the models are only read).
///
/// @code
/// auto bg = crmkit::make_btyd_model("bg_nbd");
/// bg->fit(summary);                                   // weeks
/// crmkit::gamma_gamma gg;
/// gg.fit(summary.frequency, summary.monetary_value);
/// const double weeks[] = {13, 26, 52};
/// auto f = crmkit::forecast_new_customer(*bg, weeks, &gg);
/// // f.expected_purchases[2]: repeat purchases in the first year; f.expected_revenue[2]: their value
/// @endcode
///
/// Semantics vs reference: E[X(t)], the unconditional expectation of the model's purchase
/// count X(t) in (0, t] after the acquisition at 0 (the acquisition purchase itself is not
/// counted, as in the models' likelihoods and in CLVTools' `predict(newdata =
/// newcustomer(...))`), which is each model's conditional expectation at x = t_x = T = 0:
///   BG/NBD (FHL 2005 eq. 9): (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]
///     (evaluated as a Beta-mixture integral, valid for any a > 0; detail/bg_expectation.hpp);
///   Pareto/NBD (Schmittlein, Morrison & Colombo 1987): r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)]
///     (its s -> 1 limit r beta/alpha ln(1 + t/beta) where s is 1);
///   modified BG/NBD and BG/BB (t whole opportunities): likewise at x = t_x = T = 0.
/// Expected revenue = E[X(t)] E[Z] with E[Z] = p gamma / (q - 1) the Gamma-Gamma
/// population mean spend per purchase (Fader, Hardie & Lee 2005 note 025; spend independent
/// of the purchase process, that model's assumption); NaN when q <= 1 (the mean does not
/// exist). No discounting (see crmkit/churn/clv.hpp for discounted value of existing
/// customers). Covariates are not supported yet.
/// Tested against numerical integration over the individual-level rates (tests/python)
/// and against simulation (tests/churn/new_customer_test.cpp).
///
/// Memory: the two output vectors.
#pragma once

#include <span>
#include <vector>

#include "crmkit/churn/btyd_model.hpp"
#include "crmkit/churn/gamma_gamma.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// A new customer's forecast, one value per horizon.
struct new_customer_forecast {
  std::vector<double> expected_purchases;  ///< E[X(t)]
  std::vector<double> expected_revenue;    ///< E[X(t)] E[Z]; empty without a spend model
};

/// E[X(t)] (and with `spend` E[X(t)] E[Z]) of a customer acquired at 0, for each horizon t
/// (finite, >= 0, in the time unit the model was fitted in; whole numbers for BG/BB).
/// @throws crmkit::error (not_fitted) for an unfitted model; (invalid_argument) naming the
///         horizon ("horizons[i]").
[[nodiscard]] CRMKIT_FUNC new_customer_forecast forecast_new_customer(const btyd_model& purchases,
                                                                      std::span<const double> horizons,
                                                                      const gamma_gamma* spend = nullptr);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/new_customer_impl.hpp"
#endif
