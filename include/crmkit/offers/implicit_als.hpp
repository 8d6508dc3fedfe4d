/// @file crmkit/offers/implicit_als.hpp
/// Implicit-feedback matrix factorization for next-best offers: alternating least squares
/// with confidence weighting (Hu, Koren and Volinsky 2008, "Collaborative filtering for
/// implicit feedback datasets") solved row by row with a few warm-started conjugate-
/// gradient steps (Takacs, Pilaszy and Tikk 2011, "Applications of the conjugate gradient
/// method for implicit feedback collaborative filtering"), as the `implicit` library's
/// `AlternatingLeastSquares` does on the CPU; top-N offers per customer with a popularity
/// fallback for customers without history, and item-item cosine similarity.
///
/// `#include <crmkit/offers/implicit_als.hpp>`
///
/// Thread safety: stateless; safe. (`als_model` and `offer_table` are plain values.)
///
/// @code
/// crmkit::interaction_matrix m = crmkit::customer_product_matrix(baskets, crmkit::interaction_value::orders);
/// crmkit::als_options o;
/// o.factors = 32; o.alpha = 10; o.max_iter = 15; o.seed = 7; o.n_threads = 2;
/// crmkit::als_model model = crmkit::als_fit(m, o);
/// crmkit::offer_table top = crmkit::als_recommend(model, m, 5);   // 5 new products per customer
/// // top.item[r * 5 + j], top.score[...]; top.cold_start[r] == 1: popularity, no history
/// @endcode
///
/// Semantics: with r_ui the matrix value, preference p_ui = 1 where r_ui > 0 (else 0)
/// and confidence c_ui = 1 + alpha r_ui, the fit minimises
///   L = sum_{u,i} c_ui (p_ui - x_u . y_i)^2 + regularization (sum |x_u|^2 + sum |y_i|^2)
/// over all cells (zeros included) by alternating: each iteration solves every user row
///   (Y'Y + regularization I + sum_i (c_ui - 1) y_i y_i') x_u = sum_i c_ui y_i
/// given Y, then every item row the same way given X. `solver` cholesky solves each row
/// exactly (LDLT); conjugate_gradient runs `cg_steps` steps of CG per row from the row's
/// current value (implicit's `_least_squares_cg`, step for step: residual from the warm
/// start, stop when r'r < 1e-20), which with cg_steps >= factors reaches the exact solve
/// up to rounding. Differences from `implicit`: its confidence is alpha r_ui (no 1 +),
/// and its initial factors come from its own random generator; here the start is uniform
/// in [0, 0.01) from SplitMix64 of (seed, side, row, factor), or given by the caller.
/// Rows and columns are solved independently in fixed chunks (crmkit/core/parallel_for.hpp),
/// and Y'Y and the loss are summed in a fixed order, so the factors are bit-identical for
/// any n_threads. `weighting` bm25 or tfidf makes r_ui the weighted value (bm25_weight /
/// tfidf_weight of crmkit/offers/weighting.hpp, entries weighted <= 0 dropped) before the
/// fit; als_solve_rows and als_loss read the matrix they are given as it is. `tol` > 0 stops when L decreased by at most tol |L| in an iteration
/// (status converged); otherwise max_iter iterations run (status iteration_limit). A non-
/// finite loss stops the fit with status numerical_failure.
///
/// Memory: the factors (8 factors bytes per row and per column), the transposed matrix
/// (12 bytes per non-zero + 8 per column), and per thread a factors x factors system.
/// Work per iteration: O(nnz factors cg_steps + (rows + cols) factors^2 cg_steps) with CG,
/// O(nnz factors^2 + (rows + cols) factors^3) with Cholesky.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "crmkit/config.hpp"
#include "crmkit/core/fit_report.hpp"
#include "crmkit/core/option_table.hpp"
#include "crmkit/offers/association_rules.hpp"
#include "crmkit/offers/baskets.hpp"
#include "crmkit/offers/weighting.hpp"

CRMKIT_BEGIN_NAMESPACE

/// How each row's least-squares system is solved.
enum class als_solver : int {
  conjugate_gradient = 0,  ///< cg_steps warm-started CG steps (implicit's default)
  cholesky = 1,            ///< the exact normal-equations solve
};

/// Settings of als_fit; defaults as `implicit` 0.7 (factors 100 there) except factors.
struct als_options {
  int factors = 32;              ///< latent dimension
  double regularization = 0.01;  ///< lambda, >= 0
  double alpha = 1.0;            ///< confidence slope: c = 1 + alpha r, >= 0
  int max_iter = 15;             ///< ALS iterations (each: all users, then all items)
  int cg_steps = 3;              ///< CG steps per row and iteration
  als_solver solver = als_solver::conjugate_gradient;
  double tol = 0.0;              ///< relative loss decrease to stop at; 0: run max_iter
  std::uint64_t seed = 0;        ///< seed of the initial factors
  int n_threads = 1;             ///< threads; results do not depend on it
  /// the weighting applied to the matrix before it becomes confidence (crmkit/offers/weighting.hpp)
  matrix_weighting weighting = matrix_weighting::none;
  double bm25_k1 = 100.0;        ///< K1 of bm25 weighting (implicit's default for ALS)
  double bm25_b = 0.8;           ///< B of bm25 weighting, in [0, 1]
};

/// The description of als_options from which the C ABI (`crmkit_als_set_*`, keys
/// `CRMKIT_ALS_<NAME>`), the Python keywords and als_fit's validation derive.
template <>
struct option_table<als_options> {
  static constexpr std::string_view c_prefix = "CRMKIT_ALS_";
  static constexpr std::array<option_spec<als_options>, 12> entries{{
      CRMKIT_OPTION(als_options, 1, factors, integer, 1, 4096, "latent dimension"),
      CRMKIT_OPTION(als_options, 2, max_iter, integer, 1, 2147483647, "ALS iterations (users, then items)"),
      CRMKIT_OPTION(als_options, 3, cg_steps, integer, 1, 1000000, "conjugate-gradient steps per row and iteration"),
      CRMKIT_OPTION(als_options, 4, solver, enumeration, 0, 1, "0 conjugate gradient, 1 exact (Cholesky/LDLT)"),
      CRMKIT_OPTION(als_options, 5, seed, integer, 0, option_int_limit, "seed of the initial factors"),
      CRMKIT_OPTION(als_options, 6, n_threads, integer, 1, max_threads, "threads; results do not depend on it"),
      CRMKIT_OPTION(als_options, 101, regularization, real, 0, option_finite, "L2 penalty lambda"),
      CRMKIT_OPTION(als_options, 102, alpha, real, 0, option_finite, "confidence c = 1 + alpha * value"),
      CRMKIT_OPTION(als_options, 103, tol, real, 0, option_finite, "relative loss decrease to stop at; 0: max_iter"),
      CRMKIT_OPTION(als_options, 7, weighting, enumeration, 0, 2, "matrix weighting: 0 none, 1 bm25, 2 tfidf"),
      CRMKIT_OPTION(als_options, 104, bm25_k1, real, 0, option_finite, "K1 of bm25 weighting"),
      CRMKIT_OPTION(als_options, 105, bm25_b, real, 0, 1, "B of bm25 weighting"),
  }};
};

/// Row-major dense factors (one row per customer or product).
using factor_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// A fitted factorization. A plain value.
struct als_model {
  factor_matrix user_factors;  ///< n_rows x factors
  factor_matrix item_factors;  ///< n_cols x factors
  /// status iteration_limit (max_iter run, tol 0 or not reached), converged (tol reached)
  /// or numerical_failure; iterations; objective = L; gradient_norm = the last relative
  /// decrease of L.
  fit_report report;
};

/// Fits the factorization (see the file comment) from the seeded start.
/// @throws crmkit::error (invalid_argument): an empty matrix (no rows or no columns), an
///         option out of range (named), a malformed matrix (sizes of indptr/indices/values).
[[nodiscard]] CRMKIT_FUNC als_model als_fit(const interaction_matrix& m, const als_options& options);

/// Fits from given initial factors (n_rows x factors and n_cols x factors; `seed` unused).
/// @throws crmkit::error (invalid_argument): as above, a shape mismatch, a non-finite start.
[[nodiscard]] CRMKIT_FUNC als_model als_fit(const interaction_matrix& m, const als_options& options,
                                            Eigen::Ref<const factor_matrix> user_init,
                                            Eigen::Ref<const factor_matrix> item_init);

/// One half-iteration: every row r of `solved` (n_rows x factors, the warm start) is
/// replaced by the solution of row r's system given `fixed` (n_cols x factors). Exposed for
/// tests and reference checks; als_fit calls it for users, then for items on the transpose.
/// @throws crmkit::error (invalid_argument): shape mismatch, options out of range.
CRMKIT_FUNC void als_solve_rows(const interaction_matrix& m, Eigen::Ref<const factor_matrix> fixed,
                                Eigen::Ref<factor_matrix> solved, const als_options& options);

/// The loss L of the file comment at the given factors (summed in a fixed order).
[[nodiscard]] CRMKIT_FUNC double als_loss(const interaction_matrix& m, Eigen::Ref<const factor_matrix> users,
                                          Eigen::Ref<const factor_matrix> items, const als_options& options);

/// Top-N offers per row: `item[r * top_n + j]` is row r's j-th offer (best first; -1
/// with score 0 when fewer items remain), `score` its score, `cold_start[r]` 1 when row
/// r had no history and got the popularity ranking instead of the model's.
struct offer_table {
  std::size_t n_rows = 0;
  std::size_t top_n = 0;
  std::vector<std::int32_t> item;
  std::vector<double> score;
  std::vector<std::uint8_t> cold_start;
  /// Expected value of each offer when ranked by rank_by_value (crmkit/offers/offer_value.hpp);
  /// empty otherwise.
  std::vector<double> value;
};

/// Share of rows that hold each column (the popularity of each item), in [0, 1].
[[nodiscard]] CRMKIT_FUNC std::vector<double> item_popularity(const interaction_matrix& m);

/// Offers by the model: score = x_u . y_i, best first (ties: lower item index), leaving
/// out the items of row u of `history` when exclude_history. A row without any entry in
/// `history` gets the items by popularity in `history` (score = popularity share) and is
/// flagged cold_start. `history` is usually the training matrix; it must have the model's
/// shape.
/// @throws crmkit::error (invalid_argument): shape mismatch, top_n == 0, n_threads out of range.
[[nodiscard]] CRMKIT_FUNC offer_table als_recommend(const als_model& model, const interaction_matrix& history,
                                                    std::size_t top_n, bool exclude_history = true,
                                                    int n_threads = 1);

/// The popularity baseline: every row gets the most popular items of `history` (score =
/// popularity share), leaving out its own when exclude_history; cold_start flags rows
/// without history.
/// @throws crmkit::error (invalid_argument): top_n == 0.
[[nodiscard]] CRMKIT_FUNC offer_table popularity_recommend(const interaction_matrix& history, std::size_t top_n,
                                                           bool exclude_history = true);

/// The `top_n` items most similar to `item` by the cosine of their factors (the item
/// itself left out; a zero factor row has cosine 0 with every item), best first, ties by
/// item index.
/// @throws crmkit::error (invalid_argument): item outside [0, n_cols), top_n == 0.
[[nodiscard]] CRMKIT_FUNC std::vector<scored_item> similar_items(const als_model& model, std::int32_t item,
                                                                 std::size_t top_n);

#ifndef CRMKIT_HEADER_ONLY
/// A fitted ALS model as read from a model document: the options of its fit, the
/// factors and report, and the history its offers exclude (`history.n_rows == 0` when the
/// document was written without one).
struct als_saved {
  als_options options;
  als_model model;
  interaction_matrix history;
};

/// The model document (crmkit/core/model_document.hpp, model "implicit_als") of a fit:
/// the factors (bit-exact), the options (every field of option_table<als_options>), the
/// report, and, when `history` is given, the history matrix (section [history]: indptr,
/// indices, values), so that a loaded model recommends exactly as the saved one. Customer
/// and product ids are not in the document (the host keeps them). Compiled library only.
/// Size: about 25 bytes per factor value and per history entry.
/// @throws crmkit::error (invalid_argument): a model without factors, factor matrices of
///         different widths, a history whose shape is not the model's.
[[nodiscard]] std::string als_to_text(const als_model& model, const als_options& options,
                                      const interaction_matrix* history = nullptr);
/// Reads a document written by als_to_text. Compiled library only.
/// @throws crmkit::error (parse_error) naming the line, the key and why (a factor matrix
///         of the wrong shape, an option out of range, a malformed history).
[[nodiscard]] als_saved als_from_text(std::string_view text);
#endif

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/offers/implicit_als_impl.hpp"
#endif
