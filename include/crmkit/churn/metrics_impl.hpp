// Definitions for crmkit/churn/metrics.hpp. Included by that header in header-only mode
// and by src/churn/metrics.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/metrics.hpp"
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include <fmt/format.h>

#include "crmkit/churn/metrics.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail::metrics {

// Checks the shared conventions (see the header) and returns the class totals.
inline std::array<double, 2> check_inputs(std::span<const double> y, std::span<const double> score,
                                          std::span<const double> w, const char* fn, const char* score_name) {
  if (y.size() != score.size())
    throw error(errc::invalid_argument, fmt::format("{}: {} labels but {} {}", fn, y.size(), score.size(), score_name));
  if (!w.empty() && w.size() != y.size())
    throw error(errc::invalid_argument, fmt::format("{}: {} sample weights for {} rows", fn, w.size(), y.size()));
  if (y.empty()) throw error(errc::invalid_argument, fmt::format("{}: no rows", fn));
  std::array<double, 2> total{0.0, 0.0};
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (y[i] != 0.0 && y[i] != 1.0)
      throw error(errc::invalid_argument, fmt::format("{}: label at row {} is {}; labels must be 0 or 1", fn, i, y[i]));
    if (!std::isfinite(score[i]))
      throw error(errc::invalid_argument,
                  fmt::format("{}: {} at row {} is {}; it must be a finite number", fn, score_name, i, score[i]));
    const double wi = w.empty() ? 1.0 : w[i];
    if (!(wi >= 0.0) || !std::isfinite(wi))
      throw error(errc::invalid_argument,
                  fmt::format("{}: sample weight at row {} is {}; weights must be finite and >= 0", fn, i, wi));
    total[y[i] == 1.0 ? 1 : 0] += wi;
  }
  return total;
}

inline void require_both_classes(const std::array<double, 2>& total, const char* fn) {
  if (!(total[0] > 0.0) || !(total[1] > 0.0))
    throw error(errc::invalid_argument,
                fmt::format("{}: only class {} is present (with positive weight); the measure needs both 0 and 1 in "
                            "the labels",
                            fn, total[1] > 0.0 ? 1 : 0));
}

// Row indices sorted by increasing score, ties in row order.
inline std::vector<std::size_t> order_by_score(std::span<const double> score) {
  std::vector<std::size_t> idx(score.size());
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return score[a] < score[b]; });
  return idx;
}

}  // namespace detail::metrics

CRMKIT_FUNC double roc_auc(std::span<const double> y, std::span<const double> score,
                           std::span<const double> sample_weight) {
  using namespace detail::metrics;
  const char* fn = "roc_auc";
  const auto total = check_inputs(y, score, sample_weight, fn, "score");
  require_both_classes(total, fn);
  const auto idx = order_by_score(score);
  // Walk the groups of equal score upwards: each positive of a group beats every negative
  // below the group and ties with the negatives inside it (half each).
  double neg_below = 0.0, pairs = 0.0;
  for (std::size_t g = 0; g < idx.size();) {
    std::size_t e = g;
    double pos = 0.0, neg = 0.0;
    while (e < idx.size() && score[idx[e]] == score[idx[g]]) {
      const double wi = sample_weight.empty() ? 1.0 : sample_weight[idx[e]];
      (y[idx[e]] == 1.0 ? pos : neg) += wi;
      ++e;
    }
    pairs += pos * (neg_below + 0.5 * neg);
    neg_below += neg;
    g = e;
  }
  return pairs / (total[0] * total[1]);
}

CRMKIT_FUNC double ks_statistic(std::span<const double> y, std::span<const double> score,
                                std::span<const double> sample_weight) {
  using namespace detail::metrics;
  const char* fn = "ks_statistic";
  const auto total = check_inputs(y, score, sample_weight, fn, "score");
  require_both_classes(total, fn);
  const auto idx = order_by_score(score);
  // Empirical CDFs of the two classes, compared after each group of equal scores.
  double pos = 0.0, neg = 0.0, ks = 0.0;
  for (std::size_t g = 0; g < idx.size();) {
    std::size_t e = g;
    while (e < idx.size() && score[idx[e]] == score[idx[g]]) {
      const double wi = sample_weight.empty() ? 1.0 : sample_weight[idx[e]];
      (y[idx[e]] == 1.0 ? pos : neg) += wi;
      ++e;
    }
    ks = std::max(ks, std::abs(pos / total[1] - neg / total[0]));
    g = e;
  }
  return ks;
}

CRMKIT_FUNC double brier_score(std::span<const double> y, std::span<const double> probability,
                               std::span<const double> sample_weight) {
  using namespace detail::metrics;
  const char* fn = "brier_score";
  const auto total = check_inputs(y, probability, sample_weight, fn, "probability");
  if (!(total[0] + total[1] > 0.0)) throw error(errc::invalid_argument, fmt::format("{}: the total weight is 0", fn));
  double sum = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (probability[i] < 0.0 || probability[i] > 1.0)
      throw error(errc::invalid_argument,
                  fmt::format("{}: probability at row {} is {}; it must lie in [0, 1]", fn, i, probability[i]));
    const double r = probability[i] - y[i];
    sum += (sample_weight.empty() ? 1.0 : sample_weight[i]) * r * r;
  }
  return sum / (total[0] + total[1]);
}

CRMKIT_FUNC std::vector<lift_row> lift_table(std::span<const double> y, std::span<const double> score,
                                             std::size_t n_bins) {
  using namespace detail::metrics;
  const char* fn = "lift_table";
  const auto total = check_inputs(y, score, {}, fn, "score");
  const std::size_t n = y.size();
  if (n_bins == 0) throw error(errc::invalid_argument, fmt::format("{}: n_bins is 0", fn));
  if (n < n_bins)
    throw error(errc::invalid_argument, fmt::format("{}: {} rows cannot fill {} bins", fn, n, n_bins));
  if (!(total[1] > 0.0))
    throw error(errc::invalid_argument, fmt::format("{}: no row has label 1; lift is undefined", fn));
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  const double base_rate = total[1] / static_cast<double>(n);
  std::vector<lift_row> table(n_bins);
  std::size_t cum_rows = 0;
  double cum_pos = 0.0;
  for (std::size_t b = 0; b < n_bins; ++b) {
    // floor(k n / n_bins) without forming k * n.
    const auto cut = [&](std::size_t k) { return k * (n / n_bins) + (k * (n % n_bins)) / n_bins; };
    const std::size_t lo = cut(b), hi = cut(b + 1);
    lift_row& row = table[b];
    row.rows = hi - lo;
    row.max_score = score[idx[lo]];
    row.min_score = score[idx[hi - 1]];
    for (std::size_t k = lo; k < hi; ++k) row.positives += y[idx[k]];
    row.response_rate = row.positives / static_cast<double>(row.rows);
    row.lift = row.response_rate / base_rate;
    cum_rows += row.rows;
    cum_pos += row.positives;
    row.cumulative_rows = cum_rows;
    row.cumulative_positives = cum_pos;
    row.cumulative_gain = cum_pos / total[1];
    row.cumulative_lift = (cum_pos / static_cast<double>(cum_rows)) / base_rate;
  }
  return table;
}

CRMKIT_FUNC double top_decile_lift(std::span<const double> y, std::span<const double> score) {
  return lift_table(y, score, 10).front().lift;
}

CRMKIT_FUNC double platt_scaling::operator()(double score) const noexcept {
  const double z = a * score + b;
  // 1 / (1 + e^z), on the side where exp cannot overflow.
  if (z >= 0.0) {
    const double e = std::exp(-z);
    return e / (1.0 + e);
  }
  return 1.0 / (1.0 + std::exp(z));
}

CRMKIT_FUNC void platt_scaling::transform(std::span<const double> score, std::span<double> out) const {
  if (score.size() != out.size())
    throw error(errc::invalid_argument,
                fmt::format("platt_scaling::transform: {} scores but room for {} results", score.size(), out.size()));
  for (std::size_t i = 0; i < score.size(); ++i) out[i] = (*this)(score[i]);
}

CRMKIT_FUNC platt_scaling platt_fit(std::span<const double> score, std::span<const double> y,
                                    std::span<const double> sample_weight) {
  using namespace detail::metrics;
  const char* fn = "platt_fit";
  const auto total = check_inputs(y, score, sample_weight, fn, "score");
  require_both_classes(total, fn);
  const std::size_t n = y.size();
  const double t_pos = (total[1] + 1.0) / (total[1] + 2.0), t_neg = 1.0 / (total[0] + 2.0);
  const auto w = [&](std::size_t i) { return sample_weight.empty() ? 1.0 : sample_weight[i]; };
  // In z = a s + b the model is P(y=1) = sigmoid(-z), so the loss of row i with target t
  // is softplus(z) - (1 - t) z: a logistic regression of 1 - t on s.
  const auto objective = [&](double a, double b) {
    double f = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double z = a * score[i] + b;
      const double u = 1.0 - (y[i] == 1.0 ? t_pos : t_neg);
      f += w(i) * (std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))) - u * z);
    }
    return f;
  };
  const double weight_total = total[0] + total[1];
  platt_scaling s;
  s.a = 0.0;
  s.b = std::log((total[0] + 1.0) / (total[1] + 1.0));  // Platt's start, as scikit-learn
  double f = objective(s.a, s.b);
  constexpr int max_iter = 100;
  for (int iter = 0;; ++iter) {
    double ga = 0.0, gb = 0.0, haa = 0.0, hab = 0.0, hbb = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double z = s.a * score[i] + s.b;
      const double q = z >= 0.0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
      const double u = 1.0 - (y[i] == 1.0 ? t_pos : t_neg);
      const double r = w(i) * (q - u), c = w(i) * q * (1.0 - q);
      ga += r * score[i];
      gb += r;
      haa += c * score[i] * score[i];
      hab += c * score[i];
      hbb += c;
    }
    s.iterations = iter;
    if (std::max(std::abs(ga), std::abs(gb)) <= 1e-12 * std::max(1.0, weight_total)) {
      s.status = fit_status::converged;
      break;
    }
    if (iter >= max_iter) break;
    // Newton step, with a tiny ridge (Lin et al.'s sigma = 1e-12) against a singular
    // Hessian, e.g. all scores equal.
    haa += 1e-12;
    hbb += 1e-12;
    const double det = haa * hbb - hab * hab;
    double da = -(hbb * ga - hab * gb) / det, db = -(haa * gb - hab * ga) / det;
    double slope = ga * da + gb * db;
    if (!std::isfinite(da) || !std::isfinite(db) || !(slope < 0.0)) {
      da = -ga;
      db = -gb;
      slope = -(ga * ga + gb * gb);
    }
    const bool at_resolution = -0.5 * slope <= 8.0 * std::numeric_limits<double>::epsilon() * (1.0 + std::abs(f));
    double step = 1.0;
    bool accepted = false;
    for (int k = 0; k < 60; ++k, step *= 0.5) {
      const double fa = objective(s.a + step * da, s.b + step * db);
      if (std::isfinite(fa) && (fa <= f + 1e-4 * step * slope || (at_resolution && fa <= f))) {
        s.a += step * da;
        s.b += step * db;
        f = fa;
        accepted = true;
        break;
      }
    }
    if (!accepted || at_resolution) {
      s.iterations = iter + (accepted ? 1 : 0);
      s.status = (accepted || at_resolution) ? fit_status::converged : fit_status::numerical_failure;
      break;
    }
  }
  return s;
}

CRMKIT_END_NAMESPACE
