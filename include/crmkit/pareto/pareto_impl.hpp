// Definitions for crmkit/pareto/pareto.hpp. Included by that header in header-only mode
// and by src/pareto/pareto.cpp otherwise.
// IWYU pragma: private, include "crmkit/pareto/pareto.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/pareto/pareto.hpp"
#include "crmkit/segmentation/rfm.hpp"  // stable_ascending_order

CRMKIT_BEGIN_NAMESPACE

namespace detail {

inline void check_pareto_options(const pareto_options& o, const char* what) {
  validate_options(o, what);  // the ranges of option_table<pareto_options>
  if (!(o.abc_b >= o.abc_a))
    throw error(errc::invalid_argument,
                fmt::format("{}: option abc_b is {}, it must be in [abc_a, 1] (abc_a is {})", what, o.abc_b, o.abc_a));
}

inline void check_pareto_values(std::span<const double> values, const char* what) {
  if (values.empty()) throw error(errc::invalid_argument, fmt::format("{}: no values", what));
  if (values.size() > 0xFFFFFFFFu) throw error(errc::invalid_argument, fmt::format("{}: more than 2^32-1 values", what));
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]) || values[i] < 0.0)
      throw error(errc::invalid_argument,
                  fmt::format("{}: value {} at position {} is {}; the Pareto analysis needs finite values >= 0 "
                              "(filter or clip refunds first)",
                              what, values[i], i, std::isfinite(values[i]) ? "negative" : "not finite"));
  // Finite values whose total is not (two of 1e308): the shares would be NaN.
  double sum = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(sum += values[i]))
      throw error(errc::invalid_argument,
                  fmt::format("{}: values: the sum overflows double at element {} (value {}); scale the values down "
                              "(e.g. to thousands)",
                              what, i, values[i]));
}

// Number of top customers for fraction p of n: ceil(p n), p n first reduced by a relative
// 1e-12 so that products like 0.1 * 30 = 3.0000000000000004 count 3.
inline std::size_t top_count(double p, std::size_t n) {
  const double exact = p * static_cast<double>(n);
  const auto m = static_cast<std::size_t>(std::ceil(exact * (1.0 - 1e-12)));
  return std::clamp<std::size_t>(m, 1, n);
}

// Smallest m with cumulative[m-1] >= target * total (binary search: cumulative rises).
inline std::size_t count_for_share(const std::vector<double>& cumulative, double target) {
  const double goal = target * cumulative.back();
  const auto it = std::lower_bound(cumulative.begin(), cumulative.end(), goal);
  return std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()) + 1, cumulative.size());
}

// Everything except the curves' storage: order, cumulative sums, summary, ABC classes.
// Returns false (summary with NaN ratios) when the total is 0.
inline bool pareto_core(std::span<const double> values, const pareto_options& o, pareto_summary& s,
                        std::vector<std::uint32_t>& order, std::vector<double>& cumulative,
                        std::vector<abc_class>& abc, std::vector<double>* lorenz_y) {
  const std::size_t n = values.size();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s = pareto_summary{};
  s.n = n;
  std::vector<double> negated(n);
  for (std::size_t i = 0; i < n; ++i) negated[i] = -values[i];
  order = stable_ascending_order(negated);  // descending values, ties by position
  cumulative.resize(n);
  double running = 0.0;
  for (std::size_t j = 0; j < n; ++j) cumulative[j] = running += values[order[j]];
  s.total = n ? cumulative.back() : 0.0;
  if (!std::isfinite(s.total))  // summed in another order than check_pareto_values: the last ulp can differ
    throw error(errc::invalid_argument, "pareto: values: the sum overflows double; scale the values down");
  abc.assign(n, abc_class::c);
  if (!(s.total > 0.0)) {
    s.gini = s.top_share = s.key_customer_share = nan;
    return false;
  }
  // Lorenz ordinates from the ascending cumulative sums (the same values summed from the
  // smallest up), normalised by their own total so that the curve ends at exactly 1.
  std::vector<double> local;
  std::vector<double>& y = lorenz_y ? *lorenz_y : local;
  y.resize(n + 1);
  y[0] = 0.0;
  double ascending = 0.0;
  for (std::size_t i = 0; i < n; ++i) y[i + 1] = ascending += values[order[n - 1 - i]];
  double area = 0.0;
  for (std::size_t i = 0; i <= n; ++i) y[i] /= ascending;
  for (std::size_t i = 1; i <= n; ++i) area += y[i - 1] + y[i];
  s.gini = 1.0 - area / static_cast<double>(n);
  s.top_share = cumulative[top_count(o.top_fraction, n) - 1] / s.total;
  s.key_customers = count_for_share(cumulative, o.target_share);
  s.key_customer_share = static_cast<double>(s.key_customers) / static_cast<double>(n);
  const double a = o.abc_a * s.total, b = o.abc_b * s.total;
  double before = 0.0;
  for (std::size_t j = 0; j < n; ++j) {
    const abc_class k = before < a ? abc_class::a : before < b ? abc_class::b : abc_class::c;
    abc[order[j]] = k;
    ++s.abc_count[static_cast<int>(k)];
    before = cumulative[j];
  }
  return true;
}

}  // namespace detail

CRMKIT_FUNC double pareto_result::share_of_top(double p) const {
  if (!(p > 0.0 && p <= 1.0))
    throw error(errc::invalid_argument, fmt::format("pareto_result::share_of_top: p is {}, it must be in (0, 1]", p));
  return cumulative[detail::top_count(p, n) - 1] / total;
}

CRMKIT_FUNC std::size_t pareto_result::customers_for_share(double target) const {
  if (!(target > 0.0 && target <= 1.0))
    throw error(errc::invalid_argument,
                fmt::format("pareto_result::customers_for_share: target is {}, it must be in (0, 1]", target));
  return detail::count_for_share(cumulative, target);
}

CRMKIT_FUNC pareto_result pareto(std::span<const double> values, const pareto_options& options) {
  detail::check_pareto_options(options, "pareto");
  detail::check_pareto_values(values, "pareto");
  pareto_result r;
  pareto_summary& s = r;
  if (!detail::pareto_core(values, options, s, r.order, r.cumulative, r.abc, &r.lorenz_y))
    throw error(errc::invalid_argument,
                fmt::format("pareto: the {} values sum to 0; value shares are undefined", values.size()));
  const std::size_t n = values.size();
  r.lorenz_x.resize(n + 1);
  for (std::size_t i = 0; i <= n; ++i) r.lorenz_x[i] = static_cast<double>(i) / static_cast<double>(n);
  const std::size_t points = options.lorenz_points;
  r.lorenz_sample_x.resize(points);
  r.lorenz_sample_y.resize(points);
  for (std::size_t j = 0; j < points; ++j) {
    const double x = static_cast<double>(j) / static_cast<double>(points - 1);
    const double position = x * static_cast<double>(n);
    const auto i = std::min<std::size_t>(static_cast<std::size_t>(position), n - 1);
    const double frac = position - static_cast<double>(i);
    r.lorenz_sample_x[j] = x;
    r.lorenz_sample_y[j] = j + 1 == points ? 1.0 : r.lorenz_y[i] + frac * (r.lorenz_y[i + 1] - r.lorenz_y[i]);
  }
  return r;
}

CRMKIT_FUNC double gini(std::span<const double> values) {
  return pareto(values, pareto_options{}).gini;
}

CRMKIT_FUNC pareto_grouped pareto_by_group(std::span<const double> values, std::span<const std::int32_t> groups,
                                           std::size_t n_groups, const pareto_options& options) {
  detail::check_pareto_options(options, "pareto_by_group");
  detail::check_pareto_values(values, "pareto_by_group");
  if (groups.size() != values.size())
    throw error(errc::invalid_argument, fmt::format("pareto_by_group: {} values but {} group labels", values.size(),
                                                    groups.size()));
  std::vector<std::vector<std::uint32_t>> members(n_groups);
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (groups[i] < 0 || static_cast<std::size_t>(groups[i]) >= n_groups)
      throw error(errc::invalid_argument, fmt::format("pareto_by_group: group label {} at position {} is outside [0, {})",
                                                      groups[i], i, n_groups));
    members[static_cast<std::size_t>(groups[i])].push_back(static_cast<std::uint32_t>(i));
  }
  pareto_grouped out;
  out.groups.resize(n_groups);
  out.value_share.resize(n_groups);
  out.abc.assign(values.size(), abc_class::c);
  double overall = 0.0;
  for (double v : values) overall += v;
  std::vector<double> local;
  std::vector<std::uint32_t> order;
  std::vector<double> cumulative;
  std::vector<abc_class> abc;
  for (std::size_t g = 0; g < n_groups; ++g) {
    local.resize(members[g].size());
    for (std::size_t j = 0; j < local.size(); ++j) local[j] = values[members[g][j]];
    detail::pareto_core(local, options, out.groups[g], order, cumulative, abc, nullptr);
    for (std::size_t j = 0; j < local.size(); ++j) out.abc[members[g][j]] = abc[j];
    out.value_share[g] = overall > 0.0 ? out.groups[g].total / overall : std::numeric_limits<double>::quiet_NaN();
  }
  return out;
}

CRMKIT_FUNC std::vector<std::uint32_t> low_return_customers(std::span<const double> recency_days,
                                                            std::span<const double> values,
                                                            const low_return_options& options) {
  if (recency_days.size() != values.size())
    throw error(errc::invalid_argument, fmt::format("low_return_customers: {} recency values but {} values",
                                                    recency_days.size(), values.size()));
  if (std::isnan(options.min_recency_days))
    throw error(errc::invalid_argument, "low_return_customers: min_recency_days is NaN");
  std::vector<abc_class> abc;
  const bool by_abc = std::isnan(options.max_value);
  if (by_abc) abc = pareto(values, options.abc).abc;
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(recency_days[i]))
      throw error(errc::invalid_argument, fmt::format("low_return_customers: recency at position {} is NaN", i));
    const bool low = by_abc ? abc[i] == abc_class::c : values[i] <= options.max_value;
    if (low && recency_days[i] >= options.min_recency_days) out.push_back(static_cast<std::uint32_t>(i));
  }
  return out;
}

CRMKIT_END_NAMESPACE
