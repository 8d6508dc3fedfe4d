/// @file crmkit/offers/evaluation.hpp
/// Evaluating next-best offers the way a data scientist would trust: a time-split
/// hold-out (the last N days of orders), offers from association rules on a customer's
/// history, and precision@k, recall@k, MAP@k, NDCG@k and catalogue coverage, so ALS,
/// the rules and the popularity baseline compare side by side on the same split.
///
/// `#include <crmkit/offers/evaluation.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// auto b = crmkit::baskets_from_dataset(data);
/// auto [train, test] = crmkit::time_split(b, b.basket_time.back() - 60 * 86400);
/// auto m = crmkit::customer_product_matrix(train, crmkit::interaction_value::orders);
/// auto relevant = crmkit::new_items(crmkit::customer_product_matrix(test, crmkit::interaction_value::orders), m);
/// auto als = crmkit::als_recommend(crmkit::als_fit(m, {}), m, 10);
/// crmkit::offer_metrics q = crmkit::evaluate_offers(als, relevant, 10);
/// @endcode
///
/// Semantics (per evaluated customer u, with offers o_1..o_k and relevant set R_u; only
/// customers with R_u non-empty are evaluated, and the figures are their means):
/// - precision@k = |{j <= k: o_j in R_u}| / k; recall@k = the same count / |R_u|;
/// - AP@k = (1 / min(k, |R_u|)) sum_{j <= k, o_j in R_u} precision@j (ml_metrics' apk),
///   MAP@k its mean;
/// - NDCG@k = DCG / IDCG with DCG = sum_{j <= k, o_j in R_u} 1 / log2(j + 1) and IDCG the
///   DCG of min(k, |R_u|) hits;
/// - coverage = distinct items offered (in the first k, over the evaluated customers) /
///   number of items.
/// Offers of -1 (fewer items than k) count as misses.
///
/// Memory: the two basket sets of a split share nothing with the input (copies); the
/// metrics use one flag per item.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/offers/association_rules.hpp"
#include "crmkit/offers/baskets.hpp"
#include "crmkit/offers/implicit_als.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Splits baskets by time: the first set holds the baskets with time < cutoff, the second
/// those with time >= cutoff. Both keep the items, product ids and customer rows of the
/// input, so their customer_product_matrix have the same shape.
/// @throws crmkit::error (invalid_argument) for baskets without times (built from arrays).
[[nodiscard]] CRMKIT_FUNC std::pair<basket_set, basket_set> time_split(const basket_set& baskets, std::int64_t cutoff);

/// The entries of `test` that are not in `history` (the products a customer bought for
/// the first time in the hold-out: what offers that leave out bought products can hit).
/// @throws crmkit::error (invalid_argument) when the shapes differ.
[[nodiscard]] CRMKIT_FUNC interaction_matrix new_items(const interaction_matrix& test,
                                                       const interaction_matrix& history);

/// Offers from association rules: row u's basket is its items in `history`;
/// suggest_items ranks the rules' consequents by confidence (score = confidence), and the
/// slots left are filled with the most popular items of `history` not yet offered (score
/// = popularity share). cold_start[u] = 1 when the rules suggested nothing for u.
/// Products of u's history are never offered when exclude_history.
/// @throws crmkit::error (invalid_argument): top_n == 0; a rule item >= history.n_cols.
[[nodiscard]] CRMKIT_FUNC offer_table rules_recommend(const std::vector<association_rule>& rules,
                                                      const interaction_matrix& history, std::size_t top_n,
                                                      bool exclude_history = true);

/// The ranking metrics of the file comment.
struct offer_metrics {
  std::size_t k = 0;
  std::size_t n_evaluated = 0;  ///< customers with at least one relevant item
  double precision = 0.0;
  double recall = 0.0;
  double map = 0.0;
  double ndcg = 0.0;
  double coverage = 0.0;
};

/// Scores the first k offers of each row against the relevant items (file comment).
/// All figures are 0 when no row has a relevant item (n_evaluated = 0).
/// @throws crmkit::error (invalid_argument): k == 0 or k > offers.top_n; row counts differ.
[[nodiscard]] CRMKIT_FUNC offer_metrics evaluate_offers(const offer_table& offers, const interaction_matrix& relevant,
                                                        std::size_t k);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/offers/evaluation_impl.hpp"
#endif
