/// @file crmkit/offers/baskets.hpp
/// Baskets and the customer x product matrix for next-best-offer analyses: the order
/// lines of a dataset grouped into baskets (the distinct products of one order), products
/// and customers numbered in the byte order of their ids, and the sparse customer x
/// product matrix (CSR) the implicit-feedback factorization reads.
///
/// `#include <crmkit/offers/baskets.hpp>`
///
/// Thread safety: stateless; safe. (`basket_set` and `interaction_matrix` are plain values.)
///
/// @code
/// crmkit::dataset data = crmkit::read_dataset_csv("lines.csv", opts);  // with order and product columns
/// crmkit::basket_set b = crmkit::baskets_from_dataset(data);
/// crmkit::interaction_matrix m = crmkit::customer_product_matrix(b, crmkit::interaction_value::orders);
/// // b.item_names[j] is product j, b.row_ids[r] customer r; m(r, j) = orders of j by r
/// @endcode
///
/// Semantics: a basket is the set of distinct products of one order (mlxtend's
/// `TransactionEncoder` rows, Spark's `items` column); a product bought twice in one
/// order counts once for support. Items are numbered in the byte order of the product
/// ids and rows (customers) in the byte order of the customer ids, so baskets, rules and
/// factors do not depend on the order of the input lines. Baskets keep the order of the
/// transaction log (time, then order id). Lines without a product (-1) are skipped; an
/// order with no product line makes no basket. Every customer of the dataset has a row,
/// also one without baskets (a cold-start row: all zeros).
///
/// Memory: a basket_set holds 8 bytes per basket offset, 4 + 8 bytes per (basket, item)
/// entry (item, spend), the product and customer ids once, and 4 + 8 bytes per basket
/// (row, time); the matrix 8 bytes per row and 12 bytes per non-zero.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/dataset.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Baskets in compressed form: basket b holds `items[offsets[b] .. offsets[b + 1])`,
/// distinct item indices in ascending order. The fields after `n_items` are filled by
/// baskets_from_dataset and empty when the baskets came from arrays.
struct basket_set {
  std::vector<std::int64_t> offsets{0};  ///< n_baskets + 1 offsets into items
  std::vector<std::int32_t> items;       ///< item indices in [0, n_items), ascending per basket
  std::size_t n_items = 0;               ///< number of distinct items (columns)

  std::vector<double> spend;             ///< per entry: sum of the line amounts of the item in the order
  std::vector<std::string> item_names;   ///< product id of each item, in byte order
  std::vector<std::int32_t> basket_row;  ///< per basket: its customer's row (index into row_ids)
  std::vector<std::int64_t> basket_time; ///< per basket: the order's time, Unix seconds UTC
  std::vector<std::string> row_ids;      ///< customer id of each row, in byte order (every customer)
  std::vector<std::int32_t> row_customer;///< per row: the customer's index in the dataset

  /// Number of baskets.
  [[nodiscard]] std::size_t size() const noexcept { return offsets.empty() ? 0 : offsets.size() - 1; }
  /// The items of basket b. Precondition: b < size().
  [[nodiscard]] std::span<const std::int32_t> basket(std::size_t b) const noexcept {
    return {items.data() + offsets[b], static_cast<std::size_t>(offsets[b + 1] - offsets[b])};
  }
};

/// Baskets from host arrays: basket b is `items[offsets[b] .. offsets[b + 1])`, in any
/// order, duplicates allowed (kept once). Empty baskets are kept (they count in the
/// number of baskets, as an all-False row does in mlxtend).
/// @throws crmkit::error (invalid_argument): offsets empty, not starting at 0, decreasing
///         or not ending at items.size(); an item outside [0, n_items).
[[nodiscard]] CRMKIT_FUNC basket_set make_baskets(std::span<const std::int64_t> offsets,
                                                  std::span<const std::int32_t> items, std::size_t n_items);

/// Baskets of a dataset read from order lines (an order id column and a product column;
/// see the file comment for the numbering).
/// @throws crmkit::error (invalid_argument) when the dataset has no order lines (it was
///         not read with an order column) or its lines have no product column.
[[nodiscard]] CRMKIT_FUNC basket_set baskets_from_dataset(const dataset& data);

/// A sparse n_rows x n_cols matrix in CSR form: row r holds columns
/// `indices[indptr[r] .. indptr[r + 1])` (ascending, distinct) with `values`, all > 0.
struct interaction_matrix {
  std::size_t n_rows = 0;
  std::size_t n_cols = 0;
  std::vector<std::int64_t> indptr{0};
  std::vector<std::int32_t> indices;
  std::vector<double> values;

  /// Number of stored (non-zero) entries.
  [[nodiscard]] std::size_t nnz() const noexcept { return indices.size(); }
  /// Columns of row r. Precondition: r < n_rows.
  [[nodiscard]] std::span<const std::int32_t> row_indices(std::size_t r) const noexcept {
    return {indices.data() + indptr[r], static_cast<std::size_t>(indptr[r + 1] - indptr[r])};
  }
  /// Values of row r. Precondition: r < n_rows.
  [[nodiscard]] std::span<const double> row_values(std::size_t r) const noexcept {
    return {values.data() + indptr[r], static_cast<std::size_t>(indptr[r + 1] - indptr[r])};
  }
};

/// A CSR matrix from host arrays (scipy.sparse.csr_matrix's indptr, indices, data):
/// column indices of a row in any order; duplicates are summed (as scipy's
/// `sum_duplicates`), then entries that are 0 are dropped.
/// @throws crmkit::error (invalid_argument): indptr of size other than n_rows + 1, not
///         starting at 0, decreasing or not ending at indices.size(); sizes of indices and
///         data differ; a column outside [0, n_cols); a negative or non-finite value
///         (named by row and column); n_cols > 2^31 - 1.
[[nodiscard]] CRMKIT_FUNC interaction_matrix make_interaction_matrix(std::span<const std::int64_t> indptr,
                                                                     std::span<const std::int32_t> indices,
                                                                     std::span<const double> data,
                                                                     std::size_t n_rows, std::size_t n_cols);

/// The transpose (CSR of the columns), rows of each column ascending.
[[nodiscard]] CRMKIT_FUNC interaction_matrix transpose(const interaction_matrix& m);

/// What a cell of the customer x product matrix counts.
enum class interaction_value : int {
  orders = 0,  ///< number of the customer's orders (baskets) that hold the product
  spend = 1,   ///< sum of the amounts of the customer's lines of the product
};

/// The customer x product matrix of baskets built by baskets_from_dataset: one row per
/// customer (row_ids order), one column per item (item_names order); summed in basket
/// order. Entries with a spend <= 0 are dropped under interaction_value::spend.
/// @throws crmkit::error (invalid_argument) when the baskets have no rows (built from
///         arrays: use make_interaction_matrix).
[[nodiscard]] CRMKIT_FUNC interaction_matrix customer_product_matrix(const basket_set& baskets,
                                                                     interaction_value value);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/offers/baskets_impl.hpp"
#endif
