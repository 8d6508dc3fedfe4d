/// @file crmkit/offers/weighting.hpp
/// BM25 and TF-IDF weighting of a customer x product matrix, as the `implicit` library's
/// `implicit.nearest_neighbours.bm25_weight` and `tfidf_weight` define them: the
/// confidence matrix that implicit-feedback ALS reads (option `weighting` of als_options)
/// down-weights products that everybody buys and customers who buy everything.
///
/// `#include <crmkit/offers/weighting.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::interaction_matrix w = crmkit::bm25_weight(m, 100.0, 0.8);  // implicit's defaults
/// crmkit::interaction_matrix t = crmkit::tfidf_weight(m);
/// @endcode
///
/// Semantics (rows are the "documents", columns the "terms", as implicit applies them to
/// its user x item matrix): with N = n_rows, df_j = number of rows holding column j,
/// idf_j = ln(N / (1 + df_j)), row length len_u = sum_j r_uj, avg = mean over all N rows
/// of len_u:
///   bm25:  w_uj = r_uj (K1 + 1) / (K1 ((1 - B) + B len_u / avg) + r_uj) idf_j
///   tfidf: w_uj = sqrt(r_uj) idf_j
/// Difference from implicit (stated fallback): idf_j <= 0 for a column held by N - 1 rows
/// or more, and the weight of such an entry is <= 0, which a confidence matrix cannot
/// hold; those entries are dropped (the cell becomes "not bought"), where implicit keeps a
/// zero or negative weight. The result is never NaN: the only division is by avg > 0 (an
/// all-zero matrix is an error) and by K1 len_norm + r_uj > 0.
///
/// Memory: the result (the input's size at most) and 8 bytes per row and column.
#pragma once

#include "crmkit/config.hpp"
#include "crmkit/offers/baskets.hpp"

CRMKIT_BEGIN_NAMESPACE

/// How ALS weights the matrix before it becomes confidence (als_options::weighting).
enum class matrix_weighting : int {
  none = 0,   ///< the values as they are
  bm25 = 1,   ///< bm25_weight(m, bm25_k1, bm25_b)
  tfidf = 2,  ///< tfidf_weight(m)
};

/// BM25 weights of every stored entry (see the file comment); entries weighted <= 0 are
/// dropped. @throws crmkit::error (invalid_argument): a malformed matrix, a matrix
/// without entries, k1 < 0 or not finite, b outside [0, 1].
[[nodiscard]] CRMKIT_FUNC interaction_matrix bm25_weight(const interaction_matrix& m, double k1 = 100.0,
                                                         double b = 0.8);

/// TF-IDF weights of every stored entry (see the file comment); entries weighted <= 0 are
/// dropped. @throws crmkit::error (invalid_argument): a malformed matrix, a matrix
/// without entries.
[[nodiscard]] CRMKIT_FUNC interaction_matrix tfidf_weight(const interaction_matrix& m);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/offers/weighting_impl.hpp"
#endif
