/// @file crmkit/offers/association_rules.hpp
/// Association rules for next-best offers: frequent itemsets by FP-growth (Han, Pei and
/// Yin 2000; exact), rules with the metrics of mlxtend's `association_rules` (support,
/// confidence, lift, leverage, conviction, Zhang's metric), the top rules per antecedent,
/// and the offers a basket suggests (Spark's `FPGrowthModel.transform`).
///
/// `#include <crmkit/offers/association_rules.hpp>`
///
/// Thread safety: stateless; safe. (Results are plain values.)
///
/// @code
/// crmkit::basket_set b = crmkit::baskets_from_dataset(data);
/// crmkit::rules_options o;
/// o.min_support = 0.01; o.max_len = 3; o.min_threshold = 0.3;   // confidence >= 0.3
/// auto sets = crmkit::fpgrowth(b, o);
/// auto rules = crmkit::association_rules(sets, o);
/// std::vector<std::int32_t> basket{3, 17};
/// auto offers = crmkit::suggest_items(rules, basket);        // best confidence first
/// @endcode
///
/// Semantics (mlxtend 0.23 `frequent_patterns`, with n baskets):
/// - support(X) = count(X) / n, count = baskets holding every item of X; an itemset is
///   frequent when `count / n >= min_support` (mlxtend's apriori test; mlxtend's fpgrowth
///   uses `count >= ceil(min_support * n)`, which can differ by one basket when
///   min_support * n rounds up across an integer). Single-item and empty baskets count in n.
/// - for a frequent itemset Z of 2+ items, every split into a non-empty antecedent A and
///   consequent C = Z \ A is a rule; with sA, sC, sAC the supports of A, C and Z:
///   confidence = sAC / sA; lift = confidence / sC; leverage = sAC - sA * sC;
///   conviction = (1 - sC) / (1 - confidence) when confidence < 1, else +inf;
///   zhangs_metric = leverage / max(sAC (1 - sA), sA (sC - sAC)), 0 when that is 0.
///   These are mlxtend's expressions, operation for operation, so the values are the
///   same doubles. A rule is kept when its `metric` >= min_threshold.
/// - no score is NaN: supports are > 0 for frequent itemsets; conviction is +inf exactly
///   where mlxtend's is.
/// - output order does not depend on the order of the baskets or of items in a basket:
///   itemsets by size, then items lexicographically; rules by antecedent (size, then
///   items), then confidence descending, then consequent (size, then items).
/// - suggest_items is Spark's transform: the union of the consequents of the rules whose
///   antecedent is a subset of the basket, minus the basket's items; here ranked by the
///   best confidence of a rule suggesting the item (then lift, then item index), where
///   Spark leaves the order unspecified.
///
/// Memory: FP-growth keeps the FP-tree (about 40 bytes per node; at most one node per
/// (basket, frequent item) entry) and the conditional trees of one recursion path; the
/// result holds the itemsets (about 40 bytes + 4 per item each).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/option_table.hpp"
#include "crmkit/offers/baskets.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The metric a rule must reach (mlxtend's `metric` argument of association_rules).
enum class rule_metric : int {
  support = 0,
  confidence = 1,
  lift = 2,
  leverage = 3,
  conviction = 4,
  zhangs_metric = 5,
};

/// Settings of fpgrowth and association_rules; defaults are mlxtend's.
struct rules_options {
  double min_support = 0.5;     ///< in (0, 1]: the smallest support of a frequent itemset
  int max_len = 0;              ///< largest itemset size; 0: no limit
  rule_metric metric = rule_metric::confidence;  ///< the metric min_threshold applies to
  double min_threshold = 0.8;   ///< a rule is kept when metric >= min_threshold
};

/// The description of rules_options from which the C ABI (`crmkit_rules_set_*`, keys
/// `CRMKIT_RULES_<NAME>`), the Python keywords and the validation derive.
template <>
struct option_table<rules_options> {
  static constexpr std::string_view c_prefix = "CRMKIT_RULES_";
  static constexpr std::array<option_spec<rules_options>, 4> entries{{
      CRMKIT_OPTION(rules_options, 1, max_len, integer, 0, 2147483647, "largest itemset size; 0: no limit"),
      CRMKIT_OPTION(rules_options, 2, metric, enumeration, 0, 5,
                    "0 support, 1 confidence, 2 lift, 3 leverage, 4 conviction, 5 zhangs_metric"),
      CRMKIT_OPTION(rules_options, 101, min_support, real, option_positive, 1, "smallest support of a frequent itemset"),
      CRMKIT_OPTION(rules_options, 102, min_threshold, real, -option_finite, option_finite,
                    "a rule is kept when its metric >= this"),
  }};
};

/// A frequent itemset: items ascending, its basket count and support = count / n.
struct frequent_itemset {
  std::vector<std::int32_t> items;
  std::int64_t count = 0;
  double support = 0.0;
};

/// The frequent itemsets of the baskets (see the file comment), in the stated order.
/// @throws crmkit::error (invalid_argument): no baskets, or an option out of range
///         (min_support outside (0, 1], max_len < 0; the message names the option).
[[nodiscard]] CRMKIT_FUNC std::vector<frequent_itemset> fpgrowth(const basket_set& baskets,
                                                                 const rules_options& options);

/// An association rule A -> C with mlxtend's columns.
struct association_rule {
  std::vector<std::int32_t> antecedent;  ///< items ascending
  std::vector<std::int32_t> consequent;  ///< items ascending
  double antecedent_support = 0.0;
  double consequent_support = 0.0;
  double support = 0.0;
  double confidence = 0.0;
  double lift = 0.0;
  double leverage = 0.0;
  double conviction = 0.0;  ///< +inf when confidence == 1
  double zhangs_metric = 0.0;
};

/// The rules of frequent itemsets (as returned by fpgrowth: every subset of a listed
/// itemset must be listed too) with `options.metric >= options.min_threshold`.
/// @throws crmkit::error (invalid_argument): an itemset whose subset is missing (named),
///         a non-finite min_threshold, an unknown metric.
[[nodiscard]] CRMKIT_FUNC std::vector<association_rule> association_rules(
    const std::vector<frequent_itemset>& itemsets, const rules_options& options);

/// The first `n` rules of each antecedent in the order of `rules` (association_rules'
/// order ranks them by confidence within an antecedent). Stateless.
[[nodiscard]] CRMKIT_FUNC std::vector<association_rule> top_rules_per_antecedent(
    const std::vector<association_rule>& rules, std::size_t n);

/// An offered item and its score.
struct scored_item {
  std::int32_t item = -1;
  double score = 0.0;
};

/// The items the rules suggest for a basket (Spark's transform; see the file comment):
/// score = the best confidence among the rules whose antecedent is a subset of the basket
/// and whose consequent holds the item; items already in the basket are left out.
/// `basket` may be in any order and hold duplicates.
[[nodiscard]] CRMKIT_FUNC std::vector<scored_item> suggest_items(const std::vector<association_rule>& rules,
                                                                 std::span<const std::int32_t> basket);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/offers/association_rules_impl.hpp"
#endif
