// Definitions for crmkit/segmentation/rfm_segments.hpp. Included by that header in
// header-only mode and by src/segmentation/rfm_segments.cpp otherwise.
// IWYU pragma: private, include "crmkit/segmentation/rfm_segments.hpp"
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/segmentation/rfm_segments.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

inline rfm_segment_rule rf_rule(const char* name, double r_min, double r_max, double f_min, double f_max) {
  rfm_segment_rule rule;
  rule.name = name;
  rule.r_min = r_min;
  rule.r_max = r_max;
  rule.f_min = f_min;
  rule.f_max = f_max;
  return rule;
}

// A rule over R and the FM column of the 5 x 5 grid: column c holds FM in (c - 1, c], FM
// being a multiple of 1/2, so columns [c1, c2] are FM in [c1 - 0.5, c2].
inline rfm_segment_rule grid_rule(const char* name, double r_min, double r_max, double col_min, double col_max) {
  rfm_segment_rule rule;
  rule.name = name;
  rule.r_min = r_min;
  rule.r_max = r_max;
  rule.fm_min = col_min - 0.5;
  rule.fm_max = col_max;
  return rule;
}

inline rfm_segment_rule rfm_rule(const char* name, double r_min, double r_max, double f_min, double f_max,
                                 double m_min, double m_max) {
  rfm_segment_rule rule = rf_rule(name, r_min, r_max, f_min, f_max);
  rule.m_min = m_min;
  rule.m_max = m_max;
  return rule;
}

}  // namespace detail

CRMKIT_FUNC rfm_segment_map rfm_segment_preset(rfm_preset preset) {
  using detail::grid_rule;
  rfm_segment_map map;
  map.bins = 5;
  switch (preset) {
    case rfm_preset::grid11:
      map.rules = {
          grid_rule("Champions", 4, 5, 4, 5),
          grid_rule("Loyal Customers", 4, 4, 3, 3),
          grid_rule("Loyal Customers", 3, 3, 4, 5),
          grid_rule("Potential Loyalist", 5, 5, 2, 3),
          grid_rule("Potential Loyalist", 4, 4, 2, 2),
          grid_rule("Recent Customers", 5, 5, 1, 1),
          grid_rule("Promising", 4, 4, 1, 1),
          grid_rule("Customers Needing Attention", 3, 3, 3, 3),
          grid_rule("About To Sleep", 3, 3, 1, 2),
          grid_rule("At Risk", 1, 2, 3, 4),
          grid_rule("Can't Lose Them", 1, 2, 5, 5),
          grid_rule("Hibernating", 2, 2, 1, 2),
          grid_rule("Lost", 1, 1, 1, 2),
      };
      return map;
    case rfm_preset::r_rfm: {
      // rfm_segment()'s documented example in the R rfm package (R/rfm-segment.R).
      const char* names[] = {"Champions",       "Potential Loyalist", "Loyal Customers", "Promising",
                             "New Customers",   "Can't Lose Them",    "At Risk",         "Need Attention",
                             "About To Sleep",  "Lost"};
      const double r_lo[] = {5, 3, 2, 3, 4, 1, 1, 1, 2, 1};
      const double r_hi[] = {5, 5, 4, 4, 5, 2, 2, 3, 3, 1};
      const double f_lo[] = {5, 3, 2, 1, 1, 3, 2, 3, 1, 1};
      const double f_hi[] = {5, 5, 4, 3, 3, 4, 5, 5, 3, 5};
      const double m_lo[] = {5, 2, 2, 3, 1, 4, 4, 3, 1, 1};
      const double m_hi[] = {5, 5, 4, 5, 5, 5, 5, 5, 4, 5};
      for (std::size_t i = 0; i < 10; ++i)
        map.rules.push_back(detail::rfm_rule(names[i], r_lo[i], r_hi[i], f_lo[i], f_hi[i], m_lo[i], m_hi[i]));
      return map;
    }
    case rfm_preset::rf_grid:
      // The R x F map of the popular pandas recipe (regular expressions over "RF"):
      // [1-2][1-2] Hibernating, [1-2][3-4] At Risk, [1-2]5 Can't Lose, 3[1-2] About To
      // Sleep, 33 Need Attention, [3-4][4-5] Loyal Customers, 41 Promising, 51 New
      // Customers, [4-5][2-3] Potential Loyalists, 5[4-5] Champions.
      map.rules = {
          detail::rf_rule("Hibernating", 1, 2, 1, 2),        detail::rf_rule("At Risk", 1, 2, 3, 4),
          detail::rf_rule("Can't Lose", 1, 2, 5, 5),         detail::rf_rule("About To Sleep", 3, 3, 1, 2),
          detail::rf_rule("Need Attention", 3, 3, 3, 3),     detail::rf_rule("Loyal Customers", 3, 4, 4, 5),
          detail::rf_rule("Promising", 4, 4, 1, 1),          detail::rf_rule("New Customers", 5, 5, 1, 1),
          detail::rf_rule("Potential Loyalists", 4, 5, 2, 3), detail::rf_rule("Champions", 5, 5, 4, 5),
      };
      return map;
  }
  throw error(errc::invalid_argument,
              fmt::format("rfm_segment_preset: unknown preset {}", static_cast<int>(preset)));
}

CRMKIT_FUNC rfm_scores rfm_rescale_scores(const rfm_scores& scores, int bins) {
  if (bins < 2)
    throw error(errc::invalid_argument, fmt::format("rfm_rescale_scores: bins {} must be at least 2", bins));
  if (scores.bins < 2)
    throw error(errc::invalid_argument, fmt::format("rfm_rescale_scores: the scores have {} classes", scores.bins));
  const std::int64_t k = scores.bins, q = bins;
  auto rescale = [&](const std::vector<std::int32_t>& in, const char* what) {
    std::vector<std::int32_t> out(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
      const std::int64_t v = in[i];
      if (v < 1 || v > k)
        throw error(errc::invalid_argument,
                    fmt::format("rfm_rescale_scores: {} score {} at row {} is outside 1..{}", what, v, i, k));
      // The class holding the midpoint (v - 1/2) / k of the old class: ceil(q (2v - 1) / 2k).
      out[i] = static_cast<std::int32_t>((q * (2 * v - 1) + 2 * k - 1) / (2 * k));
    }
    return out;
  };
  rfm_scores out;
  out.bins = bins;
  out.r = rescale(scores.r, "R");
  out.f = rescale(scores.f, "F");
  out.m = rescale(scores.m, "M");
  return out;
}

CRMKIT_FUNC rfm_segmentation rfm_segment(const rfm_scores& scores, const rfm_segment_map& map) {
  if (map.rules.empty()) throw error(errc::invalid_argument, "rfm_segment: the segment map has no rules");
  if (map.bins != 0 && map.bins != scores.bins)
    throw error(errc::invalid_argument,
                fmt::format("rfm_segment: the segment map is written for bins = {} score classes, the scores have "
                            "bins = {}; score with bins = {}, rescale the scores with rfm_rescale_scores(scores, {}), "
                            "or use rules written for {} classes",
                            map.bins, scores.bins, map.bins, map.bins, scores.bins));
  if (scores.f.size() != scores.r.size() || scores.m.size() != scores.r.size())
    throw error(errc::invalid_argument, "rfm_segment: the R, F and M score vectors differ in length");
  rfm_segmentation out;
  std::vector<std::int32_t> rule_label(map.rules.size());
  for (std::size_t k = 0; k < map.rules.size(); ++k) {
    const auto& rule = map.rules[k];
    if (rule.name.empty()) throw error(errc::invalid_argument, fmt::format("rfm_segment: rule {} has no name", k));
    if (rule.r_min > rule.r_max || rule.f_min > rule.f_max || rule.m_min > rule.m_max || rule.fm_min > rule.fm_max ||
        std::isnan(rule.r_min) || std::isnan(rule.r_max) || std::isnan(rule.f_min) || std::isnan(rule.f_max) ||
        std::isnan(rule.m_min) || std::isnan(rule.m_max) || std::isnan(rule.fm_min) || std::isnan(rule.fm_max))
      throw error(errc::invalid_argument,
                  fmt::format("rfm_segment: rule {} ('{}') has a range with min > max or a NaN bound", k, rule.name));
    std::size_t label = 0;
    while (label < out.names.size() && out.names[label] != rule.name) ++label;
    if (label == out.names.size()) out.names.push_back(rule.name);
    rule_label[k] = static_cast<std::int32_t>(label);
  }
  // A host may name the leftover group like one of its rules: they then share a label.
  std::size_t other_label = 0;
  while (other_label < out.names.size() && out.names[other_label] != map.other) ++other_label;
  if (other_label == out.names.size()) out.names.push_back(map.other);
  const auto other = static_cast<std::int32_t>(other_label);
  out.segment.assign(scores.size(), other);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double r = scores.r[i], f = scores.f[i], m = scores.m[i];
    const double fm = (f + m) / 2.0;
    for (std::size_t k = 0; k < map.rules.size(); ++k) {
      const auto& rule = map.rules[k];
      if (r >= rule.r_min && r <= rule.r_max && f >= rule.f_min && f <= rule.f_max && m >= rule.m_min &&
          m <= rule.m_max && fm >= rule.fm_min && fm <= rule.fm_max) {
        out.segment[i] = rule_label[k];
        break;
      }
    }
  }
  return out;
}

CRMKIT_FUNC std::vector<rfm_segment_summary_row> rfm_segment_summary(const rfm_table& table, const rfm_scores& scores,
                                                                    const rfm_segmentation& segments) {
  const std::size_t n = table.size();
  if (scores.size() != n || segments.size() != n)
    throw error(errc::invalid_argument,
                fmt::format("rfm_segment_summary: the table has {} rows, the scores {}, the segments {}", n,
                            scores.size(), segments.size()));
  const std::size_t g = segments.names.size();
  struct sums {
    double kahan = 0.0, compensation = 0.0;  // revenue, compensated like the table itself
    double recency = 0.0, frequency = 0.0, monetary = 0.0, r = 0.0, f = 0.0, m = 0.0;
    std::size_t count = 0;
  };
  std::vector<sums> acc(g);
  double total = 0.0, total_compensation = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t label = segments.segment[i];
    if (label < 0 || static_cast<std::size_t>(label) >= g)
      throw error(errc::invalid_argument,
                  fmt::format("rfm_segment_summary: row {} has segment label {}, outside [0, {})", i, label, g));
    auto& s = acc[static_cast<std::size_t>(label)];
    const double y = table.monetary[i] - s.compensation;
    const double t = s.kahan + y;
    s.compensation = (t - s.kahan) - y;
    s.kahan = t;
    const double yt = table.monetary[i] - total_compensation;
    const double tt = total + yt;
    total_compensation = (tt - total) - yt;
    total = tt;
    s.recency += table.recency_days[i];
    s.frequency += table.frequency[i];
    s.monetary += table.monetary[i];
    s.r += scores.r[i];
    s.f += scores.f[i];
    s.m += scores.m[i];
    ++s.count;
  }
  std::vector<rfm_segment_summary_row> rows(g);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t k = 0; k < g; ++k) {
    const auto& s = acc[k];
    auto& row = rows[k];
    row.name = segments.names[k];
    row.customers = s.count;
    row.customer_share = n ? static_cast<double>(s.count) / static_cast<double>(n) : nan;
    row.orders = s.frequency;
    row.revenue = s.kahan;
    row.revenue_share = total != 0.0 ? s.kahan / total : nan;
    const double c = static_cast<double>(s.count);
    row.mean_recency_days = s.count ? s.recency / c : nan;
    row.mean_frequency = s.count ? s.frequency / c : nan;
    row.mean_monetary = s.count ? s.monetary / c : nan;
    row.mean_r = s.count ? s.r / c : nan;
    row.mean_f = s.count ? s.f / c : nan;
    row.mean_m = s.count ? s.m / c : nan;
  }
  return rows;
}

CRMKIT_END_NAMESPACE
