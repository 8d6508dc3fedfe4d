/// @file crmkit/lifecycle/default_model.hpp
/// The default customer lifecycle model, with the reasons for each rule.
///
/// Stages, in funnel order: `prospect`, `exploration`, `formation`, `stability`, `decline`,
/// `churned`, `won_back`. The relationship stages exploration -> formation -> stability are
/// the relationship-development model of Dwyer, Schurr and Oh (1987, "Developing
/// buyer-seller relationships", J. Marketing 51(2)): a relationship develops stage by stage
/// and cannot skip one, so prospect, exploration, formation, stability form the model's
/// `no_skip` chain. Decline (dissolution in Dwyer et al.) can begin at any relationship
/// stage; a customer who recovers from decline returns to the stage they left (`@history`).
/// Inactivity is the e-commerce reading of decline: no purchase for `decline_days` (90 by
/// default, about a quarter) is decline; `churn_days` (180) is churned, the usual
/// non-contractual "lapsed" cut. A churned customer who buys again is `won_back`; after
/// `settle_days` (90) of continued activity the relationship re-forms (`formation`).
///
/// Rules (policy first_match, cascade on; A(d) is "active at threshold d"; trigger `any`
/// (time and purchase events) except the two inactivity rules, which only time can make
/// true, so in a replay exploration, formation, won_back... are entered at the purchase):
/// 1. first_purchase  prospect -> exploration         `orders >= 1`                   any
/// 2. lapse           exploration|formation|stability|won_back -> decline   `not A(decline_days)`  time
/// 3. churn           decline -> churned              `not A(churn_days)`              time
/// 4. recover         decline -> @history             `A(decline_days)`                any
/// 5. win_back        churned -> won_back             `A(decline_days)`                any
/// 6. form            exploration -> formation        `orders >= formation_orders and A(decline_days)`  any
/// 7. stabilise       formation -> stability          `orders >= stability_orders and tenure_days >= stability_tenure_days and A(decline_days)`  any
/// 8. resettle        won_back -> formation           `stage_days >= settle_days and A(decline_days)`  any
///
/// A(d) is `recency_days <= d`. With `scale_to_gap`, a customer who buys rarely is judged by
/// their own rhythm: the threshold becomes max(d, k * median_gap_days) (k =
/// `decline_gap_multiple` for decline_days, `churn_gap_multiple` for churn_days), i.e.
/// A(d) = `recency_days <= d or recency_days <= k * median_gap_days`; a customer with fewer
/// than two purchase days has no gap (NaN) and keeps the plain threshold. The multiples 3
/// and 6 follow the rule of thumb that a customer is overdue after about three typical gaps.
///
/// `#include <crmkit/lifecycle/default_model.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::default_model_options o;
/// o.scale_to_gap = true;
/// crmkit::lifecycle_model model = crmkit::default_lifecycle_model(o);
/// @endcode
#pragma once

#include "crmkit/config.hpp"
#include "crmkit/lifecycle/model.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Thresholds of the default model (see the file comment).
struct default_model_options {
  double decline_days = 90.0;           ///< inactivity (days since last purchase) that starts decline
  double churn_days = 180.0;            ///< inactivity that means churned; must be > decline_days
  bool scale_to_gap = false;            ///< scale both thresholds to the customer's median purchase gap
  double decline_gap_multiple = 3.0;    ///< k for decline_days when scaling
  double churn_gap_multiple = 6.0;      ///< k for churn_days when scaling
  double formation_orders = 2.0;        ///< orders to enter formation (a repeat purchase)
  double stability_orders = 4.0;        ///< orders to enter stability
  double stability_tenure_days = 180.0; ///< days since the first purchase to enter stability
  double settle_days = 90.0;            ///< days in won_back before the relationship re-forms
  bool cascade = true;                  ///< pass through several stages in one evaluation
};

/// The default model's spec, e.g. to adapt it before building.
/// @throws crmkit::error (invalid_argument) for non-finite or negative thresholds or churn_days <= decline_days.
[[nodiscard]] CRMKIT_FUNC model_spec default_lifecycle_spec(const default_model_options& options = {});
/// The validated default model.
[[nodiscard]] CRMKIT_FUNC lifecycle_model default_lifecycle_model(const default_model_options& options = {});

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/lifecycle/default_model_impl.hpp"
#endif
