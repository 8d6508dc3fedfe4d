// Definitions for crmkit/churn/validation.hpp. Included by that header in header-only mode
// and by src/churn/validation.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/validation.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include <fmt/format.h>

#include "crmkit/churn/metrics.hpp"
#include "crmkit/churn/validation.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC holdout_report validate_holdout(std::span<const double> frequency, std::span<const double> predicted,
                                            std::span<const double> actual, std::span<const double> churn_score,
                                            int max_frequency) {
  const std::size_t n = frequency.size();
  if (predicted.size() != n || actual.size() != n || (!churn_score.empty() && churn_score.size() != n))
    throw error(errc::invalid_argument,
                fmt::format("validate_holdout: lengths differ (frequency {}, predicted {}, actual {}, score {})", n,
                            predicted.size(), actual.size(), churn_score.size()));
  if (max_frequency < 1 || max_frequency > 100000)
    throw error(errc::invalid_argument, fmt::format("validate_holdout: max_frequency {} outside [1, 100000]", max_frequency));
  holdout_report report;
  report.customers = n;
  const auto buckets = static_cast<std::size_t>(max_frequency) + 1;
  report.by_frequency.resize(buckets);
  for (std::size_t k = 0; k < buckets; ++k) report.by_frequency[k].frequency = static_cast<double>(k);
  std::vector<double> silent(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(frequency[i]) || frequency[i] < 0 || !std::isfinite(predicted[i]) || predicted[i] < 0 ||
        !std::isfinite(actual[i]) || actual[i] < 0)
      throw error(errc::invalid_argument,
                  fmt::format("validate_holdout: row {}: frequency {}, predicted {}, actual {} must be finite and >= 0",
                              i, frequency[i], predicted[i], actual[i]));
    const auto k = std::min(buckets - 1, static_cast<std::size_t>(frequency[i]));
    auto& b = report.by_frequency[k];
    ++b.customers;
    b.actual_mean += actual[i];
    b.predicted_mean += predicted[i];
    report.actual_total += actual[i];
    report.predicted_total += predicted[i];
    silent[i] = actual[i] == 0 ? 1.0 : 0.0;
    report.silent += actual[i] == 0;
  }
  for (auto& b : report.by_frequency)
    if (b.customers > 0) {
      b.actual_mean /= static_cast<double>(b.customers);
      b.predicted_mean /= static_cast<double>(b.customers);
    }
  report.auc = std::numeric_limits<double>::quiet_NaN();
  if (!churn_score.empty() && report.silent > 0 && report.silent < n) report.auc = roc_auc(silent, churn_score);
  return report;
}

CRMKIT_END_NAMESPACE
