/// @file crmkit/offers/offer_value.hpp
/// Offers ranked by what they are worth, and the `next_best_offer` columns of the
/// customer table: the opt-in step from "what each customer is likely to buy" (an
/// offer_table of ALS, item kNN, rules or popularity) to "which offer to make", in money.
///
/// `#include <crmkit/offers/offer_value.hpp>`
///
/// Thread safety: stateless; safe. add_offer_columns modifies the table it is given.
///
/// @code
/// crmkit::offer_table top = crmkit::als_recommend(model, m, 10);
/// // clv[r]: the CLV of basket row r's customer (e.g. table.float64("clv") at row_customer[r])
/// crmkit::offer_table ranked = crmkit::rank_by_value(top, clv);      // ranked.value: money
/// crmkit::add_offer_columns(table, ranked, baskets.row_ids, baskets.item_names);
/// // table: next_best_offer (product id), next_best_offer_score, next_best_offer_value,
/// //        next_best_offer_cold_start
/// @endcode
///
/// Semantics: the expected value of offering item i to row r is
///   value = clamp(score, 0, 1) x row_value[r] x item_value[i]   (item_value 1 when not given)
/// in the units of row_value x item_value: with the customer's CLV or expected spend
/// (currency) and no item value, the expected money from the customer weighted by the
/// offer's affinity read as a purchase probability (a model score, clamped to [0, 1]:
/// rule confidence and popularity share are in it already; an ALS score x.y estimates the
/// 0/1 preference and is clamped); with item_value the mean spend of the product, the
/// expected spend on the offer. Each row's offers are re-sorted by value (ties: the
/// affinity order); the score stays the affinity. Stated fallback: a row whose value is
/// NaN (missing, e.g. a customer without a CLV estimate) gets value 0 for every offer and
/// keeps its affinity order; a value is never NaN. Across rows, the values rank customers
/// for a campaign (the first offer's value is the `_value` column).
///
/// Memory: a copy of the offer table plus 8 bytes per offer.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/offers/implicit_als.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The offers re-ranked by expected value (see the file comment); `value` is filled.
/// @param row_value offers.n_rows values, >= 0 or NaN (missing).
/// @param item_value empty, or one value >= 0 per item (every item index of the offers
///        must be below its size).
/// @throws crmkit::error (invalid_argument): sizes differ; a row value negative or
///         infinite (named by row); an item value negative or not finite (named); an
///         offered item outside item_value.
[[nodiscard]] CRMKIT_FUNC offer_table rank_by_value(const offer_table& offers, std::span<const double> row_value,
                                                    std::span<const double> item_value = {});

/// Adds (or replaces) the columns `<prefix>` (category: the product id of the row's first
/// offer), `<prefix>_score` (float64: its affinity score), `<prefix>_value` (float64: its
/// expected value; only when offers.value is filled) and `<prefix>_cold_start` (int64 0/1)
/// to `table`. Offer row r is the customer `row_ids[r]`; table customers without an offer
/// row, or whose row has no offer, get missing values (code -1, NaN, missing_int64);
/// offer rows of ids not in the table are ignored. The default table is unchanged unless
/// this is called.
/// @throws crmkit::error (invalid_argument): row_ids.size() != offers.n_rows; an offered
///         item outside item_names; an empty prefix.
CRMKIT_FUNC void add_offer_columns(customer_table& table, const offer_table& offers,
                                   std::span<const std::string> row_ids, std::span<const std::string> item_names,
                                   std::string_view prefix = "next_best_offer");

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/offers/offer_value_impl.hpp"
#endif
