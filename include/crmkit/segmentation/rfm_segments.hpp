/// @file crmkit/segmentation/rfm_segments.hpp
/// Named RFM segments ("Champions", "At Risk", ...) from R/F/M scores, and the segment
/// summary (size, share of customers, share of revenue, mean R/F/M).
///
/// `#include <crmkit/segmentation/rfm_segments.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// auto table = crmkit::rfm_summary(log, options);
/// auto scores = crmkit::rfm_score(table, options);
/// auto segments = crmkit::rfm_segment(scores, crmkit::rfm_segment_preset(crmkit::rfm_preset::grid11));
/// for (const auto& row : crmkit::rfm_segment_summary(table, scores, segments))
///   fmt::print("{}: {} customers, {:.1f}% of revenue\n", row.name, row.customers, 100 * row.revenue_share);
/// @endcode
///
/// No single canonical segment map exists; a map is a list of range rules over the
/// scores R, F, M and FM = (F + M) / 2, tried in order: the first rule that matches
/// names the customer, and customers no rule matches are "Others" (the R `rfm`
/// package's rule). Presets:
/// - `grid11` (default): the widely published 11 segments over R and the mean of F and M
///   (Putler's RFM grid), for k = 5. The published ranges overlap (Loyal Customers R 2-5,
///   FM 3-5 contains Champions R 4-5, FM 4-5, and so on), so crmkit fixes one disjoint
///   reading of them: FM is placed in column ceil(FM) (a half rounds up), and every one
///   of the 5 x 5 cells belongs to exactly one segment:
///   @verbatim
///   R\FM col  1                 2                   3                            4                5
///   5         Recent Customers  Potential Loyalist  Potential Loyalist           Champions        Champions
///   4         Promising         Potential Loyalist  Loyal Customers              Champions        Champions
///   3         About To Sleep    About To Sleep      Customers Needing Attention  Loyal Customers  Loyal Customers
///   2         Hibernating       Hibernating         At Risk                      At Risk          Can't Lose Them
///   1         Lost              Lost                At Risk                      At Risk          Can't Lose Them
///   @endverbatim
/// - `r_rfm`: the range table of the R `rfm` package's documentation (rfm_segment's
///   example: Champions, Potential Loyalist, Loyal Customers, Promising, New Customers,
///   Can't Lose Them, At Risk, Need Attention, About To Sleep, Lost; the rest Others).
/// - `rf_grid`: the popular R x F map (10 segments over R and F only, every cell covered).
///
/// Every preset is written for k = 5 score classes (`rfm_segment_map::bins` = 5), and
/// rfm_segment refuses scores of another k with an error naming both. Scores of any k >= 2
/// can use a preset after rfm_rescale_scores(scores, 5) (midpoint quantile rule; the C ABI
/// and Python do this automatically for presets), or host rules written for their k.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/segmentation/rfm.hpp"

CRMKIT_BEGIN_NAMESPACE

/// One range rule: a customer matches when every score lies in its closed range.
/// Unset bounds are unbounded.
struct rfm_segment_rule {
  std::string name;  ///< segment name (several rules may share one)
  double r_min = -std::numeric_limits<double>::infinity();
  double r_max = std::numeric_limits<double>::infinity();
  double f_min = -std::numeric_limits<double>::infinity();
  double f_max = std::numeric_limits<double>::infinity();
  double m_min = -std::numeric_limits<double>::infinity();
  double m_max = std::numeric_limits<double>::infinity();
  double fm_min = -std::numeric_limits<double>::infinity();  ///< bounds on (F + M) / 2
  double fm_max = std::numeric_limits<double>::infinity();
};

/// A segment map: rules tried in order, and the name for customers none matches.
struct rfm_segment_map {
  std::vector<rfm_segment_rule> rules;
  std::string other = "Others";
  /// The number of score classes the rules were written for, or 0 for any.
  int bins = 0;
};

/// Built-in segment maps (see the file comment).
enum class rfm_preset : int {
  grid11 = 0,   ///< 11 segments over R and mean(F, M); the default
  r_rfm = 1,    ///< the R rfm package's documented range table
  rf_grid = 2,  ///< the popular R x F map
};

/// The rules of a preset.
/// @throws crmkit::error (invalid_argument) for an unknown preset.
[[nodiscard]] CRMKIT_FUNC rfm_segment_map rfm_segment_preset(rfm_preset preset);

/// Segment labels: `names` holds the distinct segment names in rule order followed by
/// the map's `other` name (unless a rule already uses that name); `segment[i]` indexes
/// `names` for row i of the scores.
struct rfm_segmentation {
  std::vector<std::string> names;
  std::vector<std::int32_t> segment;
  [[nodiscard]] std::size_t size() const noexcept { return segment.size(); }
};

/// Scores of `scores.bins` classes mapped to `bins` classes: old class v (1..k) goes to the
/// new class holding its midpoint quantile (v - 1/2) / k, i.e. ceil(bins (2v - 1) / (2k)).
/// k = 10 to 5: 1-2 -> 1, 3-4 -> 2, ..., 9-10 -> 5; k = 3 to 5: 1 -> 1, 2 -> 3, 3 -> 5;
/// k = bins: unchanged. This is how the C ABI and Python apply a preset (written for k = 5)
/// to scores of another k; the score columns themselves keep their k classes.
/// @throws crmkit::error (invalid_argument) for bins < 2 or a score outside 1..scores.bins.
[[nodiscard]] CRMKIT_FUNC rfm_scores rfm_rescale_scores(const rfm_scores& scores, int bins);

/// Labels each row of `scores` with the first matching rule of `map`.
/// @throws crmkit::error (invalid_argument) when the map's `bins` differs from the
///         scores' (the message names both and the remedies: for the presets, written for
///         k = 5, rescale the scores with rfm_rescale_scores(scores, 5)), a rule has an
///         empty name or min > max, or the map has no rules.
[[nodiscard]] CRMKIT_FUNC rfm_segmentation rfm_segment(const rfm_scores& scores, const rfm_segment_map& map);

/// One row of the segment summary.
struct rfm_segment_summary_row {
  std::string name;
  std::size_t customers = 0;     ///< segment size
  double customer_share = 0.0;   ///< customers / all customers
  double orders = 0.0;           ///< sum of frequency
  double revenue = 0.0;          ///< sum of monetary (compensated)
  double revenue_share = 0.0;    ///< revenue / total revenue (NaN when the total is 0)
  double mean_recency_days = 0.0;
  double mean_frequency = 0.0;
  double mean_monetary = 0.0;
  double mean_r = 0.0;  ///< mean recency score
  double mean_f = 0.0;  ///< mean frequency score
  double mean_m = 0.0;  ///< mean monetary score
};

/// Per-segment size, shares and means, one row per name of `segments` (empty segments
/// included, with NaN means), in the order of `segments.names`.
/// @throws crmkit::error (invalid_argument) when the three inputs differ in length or a
///         label is outside names.
[[nodiscard]] CRMKIT_FUNC std::vector<rfm_segment_summary_row> rfm_segment_summary(const rfm_table& table,
                                                                                  const rfm_scores& scores,
                                                                                  const rfm_segmentation& segments);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/segmentation/rfm_segments_impl.hpp"
#endif
