// Definitions for crmkit/churn/new_customer.hpp. Included by that header in header-only mode
// and by src/churn/new_customer.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/new_customer.hpp"
#pragma once

#include <cmath>

#include <fmt/format.h>

#include "crmkit/churn/new_customer.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC new_customer_forecast forecast_new_customer(const btyd_model& purchases, std::span<const double> horizons,
                                                        const gamma_gamma* spend) {
  (void)purchases.params();  // not_fitted first
  double mean_spend = 0.0;
  if (spend != nullptr) mean_spend = spend->conditional_expected_spend(0.0, 0.0);  // not_fitted; p gamma/(q-1)
  for (std::size_t i = 0; i < horizons.size(); ++i) {
    const double t = horizons[i];
    if (!(t >= 0) || !std::isfinite(t) || (purchases.discrete_time() && t != std::floor(t)))
      throw error(errc::invalid_argument,
                  fmt::format("forecast_new_customer: horizons[{}] = {} must be finite and >= 0{}", i, t,
                              purchases.discrete_time() ? " and a whole number of opportunities (BG/BB)" : ""));
  }
  new_customer_forecast f;
  f.expected_purchases.reserve(horizons.size());
  for (const double t : horizons) f.expected_purchases.push_back(purchases.expected_number_of_purchases_up_to_time(t));
  if (spend != nullptr)
    for (const double e : f.expected_purchases) f.expected_revenue.push_back(e * mean_spend);
  return f;
}

CRMKIT_END_NAMESPACE
