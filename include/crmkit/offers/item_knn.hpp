/// @file crmkit/offers/item_knn.hpp
/// Item-based nearest-neighbour offers: the cosine similarity of every pair of products
/// over the customer x product matrix, the K nearest neighbours of each product, and
/// offers that sum a customer's products' neighbour lists, as the `implicit` library's
/// `CosineRecommender` (an `ItemItemRecommender`) does.
///
/// `#include <crmkit/offers/item_knn.hpp>`
///
/// Thread safety: stateless; safe. (`item_knn_model` is a plain value.)
///
/// @code
/// crmkit::item_knn_options o;
/// o.neighbours = 20;                                  // implicit's K
/// crmkit::item_knn_model knn = crmkit::item_knn_fit(m, o);
/// crmkit::offer_table top = crmkit::item_knn_recommend(knn, m, 5);
/// auto like = crmkit::item_knn_similar(knn, 3, 10);  // products most like product 3
/// @endcode
///
/// Semantics: with r_uj the matrix values and n_j = sqrt(sum_u r_uj^2), the similarity is
/// s_ij = sum_u r_ui r_uj / (n_i n_j) (the cosine of columns i and j; implicit's
/// `normalize` then `all_pairs_knn`). Row i of the model keeps the `neighbours` items j of
/// largest s_ij > 0 (ties: lower j), the item itself included with s_ii = 1, as implicit
/// keeps it. A customer's score of product j is sum_i r_ui s_ij over the customer's
/// products i and the kept pairs (implicit's `liked_vector.dot(similarity)`, with the
/// matrix values as the liked vector); offers are the products of score > 0 best first
/// (ties: lower index), then, for the slots left, the most popular products of the
/// history not yet offered (score = popularity share), as rules_recommend fills them. A
/// customer for whom the neighbours suggest nothing (no history, or only products whose
/// sole neighbour is themselves) gets popularity and cold_start = 1. Products bought are left
/// out when exclude_history. A product nobody bought has no neighbours (an empty row);
/// a product bought once is similar only to the products of that one customer.
/// Each item's neighbours are computed independently and summed in a fixed order (users
/// ascending), so the model is bit-identical for any n_threads.
///
/// Memory: the transposed matrix (12 bytes per non-zero), per thread one accumulator of
/// 8 bytes per product, the model 12 bytes per kept pair (<= products x neighbours).
/// Work: O(sum over customers of (products per customer)^2) for the fit.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/option_table.hpp"
#include "crmkit/offers/association_rules.hpp"
#include "crmkit/offers/baskets.hpp"
#include "crmkit/offers/implicit_als.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Settings of item_knn_fit; defaults as implicit's ItemItemRecommender (K = 20).
struct item_knn_options {
  int neighbours = 20;  ///< K: neighbours kept per item (the item itself included)
  int n_threads = 1;    ///< threads; results do not depend on it
};

/// The description of item_knn_options from which the C ABI (`crmkit_item_knn_set_*`,
/// keys `CRMKIT_ITEM_KNN_<NAME>`), the Python keywords and the validation derive.
template <>
struct option_table<item_knn_options> {
  static constexpr std::string_view c_prefix = "CRMKIT_ITEM_KNN_";
  static constexpr std::array<option_spec<item_knn_options>, 2> entries{{
      CRMKIT_OPTION(item_knn_options, 1, neighbours, integer, 1, 2147483647, "neighbours kept per item (K)"),
      CRMKIT_OPTION(item_knn_options, 2, n_threads, integer, 1, max_threads, "threads; results do not depend on it"),
  }};
};

/// A fitted item kNN model: `similarity` is n_items x n_items in CSR form, row i the kept
/// neighbours of item i (columns ascending) with their cosine.
struct item_knn_model {
  interaction_matrix similarity;
  int neighbours = 20;
};

/// The K-nearest-neighbour similarity of the columns of `m` (see the file comment).
/// @throws crmkit::error (invalid_argument): a malformed matrix, a matrix without columns,
///         an option out of range (named).
[[nodiscard]] CRMKIT_FUNC item_knn_model item_knn_fit(const interaction_matrix& m, const item_knn_options& options);

/// Offers for every row of `history` (n_rows x the model's items; usually the training
/// matrix) as the file comment says; layout of offer_table as als_recommend.
/// @throws crmkit::error (invalid_argument): shape mismatch, top_n == 0, n_threads out of range.
[[nodiscard]] CRMKIT_FUNC offer_table item_knn_recommend(const item_knn_model& model,
                                                         const interaction_matrix& history, std::size_t top_n,
                                                         bool exclude_history = true, int n_threads = 1);

/// The kept neighbours of `item` other than itself, best first (ties: lower index), at
/// most top_n.
/// @throws crmkit::error (invalid_argument): item outside [0, n_items), top_n == 0.
[[nodiscard]] CRMKIT_FUNC std::vector<scored_item> item_knn_similar(const item_knn_model& model, std::int32_t item,
                                                                    std::size_t top_n);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/offers/item_knn_impl.hpp"
#endif
