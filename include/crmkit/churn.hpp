/// @file crmkit/churn.hpp
/// Churn module: buy-till-you-die models for non-contractual customers (BG/NBD,
/// Pareto/NBD, modified BG/NBD, BG/BB) with P(alive), conditional expectations, the
/// conditional distribution of the number of future purchases and P(no purchase) (the churn
/// score) for each, the Gamma-Gamma spend model, customer lifetime value (BG/BB: DERT), and
/// the hold-out validation of churn scores; forecasts for new customers, confidence
/// intervals of predictions (delta method, parameter bootstrap), BG/NBD with covariates, and
/// retention models for subscription customers (sBG, BdW).
///
/// `#include <crmkit/churn.hpp>`
///
/// Thread safety: see each header; fitted models are immutable after construction;
/// concurrent const use is safe.
///
/// @code
/// auto s = crmkit::summarize_btyd(data.transactions(), options);
/// crmkit::bg_nbd model;
/// auto report = model.fit(s);
/// std::vector<double> silent(s.size());
/// model.conditional_probability_no_purchase(39, s.frequency, s.recency, s.T, silent);  // churn score
/// double p2 = model.conditional_probability_of_purchases(2, 39, 2, 30.43, 38.86);   // P(2 purchases)
/// @endcode
#pragma once

#include "crmkit/churn/btyd_summary.hpp"
#include "crmkit/churn/fit_report.hpp"
#include "crmkit/churn/bg_nbd.hpp"
#include "crmkit/churn/gamma_gamma.hpp"
#include "crmkit/churn/pareto_nbd.hpp"
#include "crmkit/churn/modified_bg_nbd.hpp"
#include "crmkit/churn/bg_bb.hpp"
#include "crmkit/churn/btyd_model.hpp"
#include "crmkit/churn/clv.hpp"
#include "crmkit/churn/validation.hpp"
#include "crmkit/churn/new_customer.hpp"
#include "crmkit/churn/intervals.hpp"
#include "crmkit/churn/bg_nbd_covariates.hpp"
#include "crmkit/churn/pareto_nbd_covariates.hpp"
#include "crmkit/churn/gamma_gamma_covariates.hpp"
#include "crmkit/churn/retention.hpp"
#include "crmkit/churn/logistic.hpp"
#include "crmkit/churn/metrics.hpp"
