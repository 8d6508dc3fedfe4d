/// @file crmkit/segmentation/rfm.hpp
/// RFM analysis: the per-customer summary (recency, frequency, monetary value, first
/// purchase, tenure) at an explicit reference date, and quantile scores 1..k for R, F and M.
///
/// `#include <crmkit/segmentation/rfm.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::rfm_options options;
/// options.as_of = crmkit::unix_seconds(1998, 7, 1);   // reference date, never the clock
/// crmkit::rfm_table table = crmkit::rfm_summary(data, options);  // a dataset: ties by customer id
/// crmkit::rfm_scores scores = crmkit::rfm_score(table, options);
/// // table.recency_days[i], table.frequency[i], table.monetary[i] describe customer
/// // table.customer[i]; scores.r[i], scores.f[i], scores.m[i] are in 1..options.bins.
/// @endcode
///
/// ## The RFM table, column by column (what k-means and the Pareto analysis consume)
/// One row per customer that has at least one transaction, in ascending customer index
/// (the order of pandas' `groupby(customer)`). Every numeric column is a `std::vector<double>`
/// of `size()` values so that a feature matrix is a matter of picking columns:
/// - `customer`: the dense customer index (into the dataset's customer table);
/// - `recency_days`: whole days from the last purchase to `as_of`,
///   floor((as_of - last) / 86400) (pandas: `(as_of - last).dt.days`);
/// - `recency`: the same in the chosen time unit, floor((as_of - last) / unit);
/// - `frequency`: number of transactions; `distinct_days`: number of distinct UTC
///   purchase days;
/// - `monetary`: total amount, summed exactly (crmkit/core/exact_sum.hpp: 128-bit fixed
///   point, rounded to double once), so it depends only on the set of rows, never on their
///   order, and it equals pandas' `groupby().sum()` whenever pandas' compensated sum is exact
///   (amounts in cents, say; otherwise the two differ in the last bit at most, crmkit's being
///   the correctly rounded one). A customer total beyond +-3.6e16 is an error naming the
///   customer. `monetary_mean`: monetary / frequency (pandas' `groupby().mean()`). Every
///   column depends only on the set of rows;
/// - `id_rank`: filled only by the dataset overload of rfm_summary: the rank of the row's
///   customer id in the id order of rfm_id_ranks; empty otherwise;
/// - `first_purchase`, `last_purchase`: Unix seconds; `tenure`: floor((as_of - first) / unit).
///
/// ## Scores and the tie rule
/// `rfm_tie_rule::rank_first` (default) is the widely used pandas recipe
/// `pd.qcut(x.rank(method="first"), k, labels=...)` on the frame pandas' `groupby(customer)`
/// produces (sorted by customer id): values are ranked 1..n with ties broken by the
/// customer's host id (rfm_id_ranks: ids in byte-wise lexicographic order, the order pandas
/// sorts str ids in, i.e. UTF-8 code-point order; ids that are plain decimal integers by
/// value, before the others, the order pandas sorts integer ids in) when the table has
/// `id_rank` (rfm_summary of a dataset), else by table order (ascending customer index =
/// first-seen order of the ids, which depends on the input's row order). With ids the
/// scores do not depend on the row order of the log. One difference from pandas remains:
/// numeric ids of different lengths held as str ("9", "10") sort by value here and as
/// strings in pandas. The ranks are cut at numpy's linear
/// quantiles of 1..n at 0, 1/k, ..., 1 into right-closed bins, and the bin number is the
/// score. R is reversed (the most recent customers score k), F and M are not. Because ties
/// are broken by position, every score class holds n/k customers (up to rounding) even
/// when most customers have the same frequency. `rfm_tie_rule::r_rfm` reproduces the R
/// `rfm` package (rfm_table_order): edges are R's type-7 quantiles at 1/k..(k-1)/k plus 1,
/// the first interval starts at the minimum and the last ends at maximum + 1, intervals
/// are half-open [lower, upper); tied values always share a score and classes can be empty.
///
/// Memory: the summary holds 9 columns of 8 bytes and 1 (2 with id_rank) of 4 per customer plus a 32-byte
/// accumulator per customer index while it runs (about 110 bytes per customer in all);
/// rank_first scoring needs, beside the three score columns, a histogram of at most 4,096
/// counters per 32,768 customers and score, and the values of the buckets that hold a
/// class boundary (a few thousand for spread-out values; at worst 12 bytes per customer and
/// score); with id_rank, 28 bytes per customer more (the values in tie order). The log is
/// read, never copied.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/dataset.hpp"
#include "crmkit/core/option_table.hpp"
#include "crmkit/core/string_dictionary.hpp"
#include "crmkit/core/transaction_log.hpp"

CRMKIT_BEGIN_NAMESPACE

/// How quantile scores treat ties (see the file comment).
enum class rfm_tie_rule : int {
  rank_first = 0,  ///< pandas: qcut on rank(method="first"); equal-sized classes
  r_rfm = 1,       ///< R package rfm: type-7 quantile edges + 1, half-open intervals
};

/// Parameters of the RFM summary and scores.
struct rfm_options {
  /// Reference time, Unix seconds UTC: recency and tenure are measured back from it. It
  /// must not be before the last transaction. Required (0 means 1970-01-01, not "now").
  std::int64_t as_of = 0;
  /// Length of the time unit of `recency` and `tenure`, in seconds (86400: days,
  /// 604800: weeks). `recency_days` is always in days.
  std::int64_t time_unit_seconds = 86400;
  /// Number of score classes k (>= 2).
  int bins = 5;
  /// How ties are scored.
  rfm_tie_rule tie_rule = rfm_tie_rule::rank_first;
  /// Threads for the summary pass (>= 1). The result is identical for any count.
  int n_threads = 1;
};

/// The description of rfm_options from which the C ABI (`crmkit_rfm_set_int`, `_get_int`,
/// `_option_bounds`, keys `CRMKIT_RFM_<NAME>`), the Python keywords of `crmkit.rfm` and
/// the summary's validation derive (crmkit/core/option_table.hpp).
template <>
struct option_table<rfm_options> {
  static constexpr std::string_view c_prefix = "CRMKIT_RFM_";
  static constexpr std::array<option_spec<rfm_options>, 5> entries{{
      CRMKIT_OPTION(rfm_options, 1, as_of, integer, -option_int_limit, option_int_limit,
                    "reference time, Unix seconds (not before the last transaction)"),
      CRMKIT_OPTION(rfm_options, 2, time_unit_seconds, integer, 1, option_int_limit,
                    "unit of the recency and tenure columns, seconds"),
      CRMKIT_OPTION(rfm_options, 3, bins, integer, 2, 1000, "score classes k"),
      CRMKIT_OPTION(rfm_options, 4, tie_rule, enumeration, 0, 1, "0 rank_first (pandas), 1 r_rfm (R rfm)"),
      CRMKIT_OPTION(rfm_options, 5, n_threads, integer, 1, max_threads, "threads; results do not depend on it"),
  }};
};

/// The per-customer RFM summary (see the file comment for each column).
struct rfm_table {
  std::vector<std::int32_t> customer;        ///< dense customer index, ascending
  std::vector<double> recency_days;          ///< whole days since the last purchase
  std::vector<double> recency;               ///< time units since the last purchase
  std::vector<double> frequency;             ///< number of transactions
  std::vector<double> distinct_days;         ///< number of distinct purchase days (UTC)
  std::vector<double> monetary;              ///< total amount (exact sum, rounded once)
  std::vector<double> monetary_mean;         ///< mean amount per transaction
  std::vector<std::int64_t> first_purchase;  ///< Unix seconds of the first purchase
  std::vector<std::int64_t> last_purchase;   ///< Unix seconds of the last purchase
  std::vector<double> tenure;                ///< time units since the first purchase
  /// Tie order of the rows for rank_first scores: the rank of each row's customer id
  /// (rfm_id_ranks; filled by rfm_summary(const dataset&, ...)); empty = by row order.
  std::vector<std::int32_t> id_rank;
  std::int64_t as_of = 0;                    ///< the reference time used
  std::int64_t time_unit_seconds = 86400;    ///< the time unit used
  /// Number of rows (customers with at least one transaction).
  [[nodiscard]] std::size_t size() const noexcept { return customer.size(); }
};

/// R, F and M scores in 1..bins, one per row of the rfm_table they were computed from.
struct rfm_scores {
  std::vector<std::int32_t> r;  ///< recency score: k for the most recent customers
  std::vector<std::int32_t> f;  ///< frequency score: k for the most frequent
  std::vector<std::int32_t> m;  ///< monetary score: k for the highest totals
  int bins = 5;                 ///< k
  [[nodiscard]] std::size_t size() const noexcept { return r.size(); }
};

/// Summarises every customer with at least one transaction at `options.as_of`.
/// Complexity O(n_transactions + n_customers); one pass over the log.
/// @throws crmkit::error (invalid_argument) for an empty log, `as_of` before the last
///         transaction (naming both dates), a time unit < 1 second or n_threads < 1.
[[nodiscard]] CRMKIT_FUNC rfm_table rfm_summary(const transaction_log& log, const rfm_options& options);

/// rfm_summary of a dataset's transactions, with `id_rank` filled from its customer ids, so
/// that rfm_score breaks ties by customer id and the scores do not depend on row order.
/// Extra cost: one sort of the customer ids (O(m log m) string compares).
[[nodiscard]] CRMKIT_FUNC rfm_table rfm_summary(const dataset& data, const rfm_options& options);

/// rank[c] = position of customer c's id in the id order: ids that are plain decimal
/// integers (digits only, no leading zero, at most 18 digits) by value and before all
/// others, the others in byte-wise lexicographic order: the tie key of rfm_table::id_rank.
[[nodiscard]] CRMKIT_FUNC std::vector<std::int32_t> rfm_id_ranks(const string_dictionary& ids);

/// Scores the rows of `table` (R from `recency`, F from `frequency`, M from `monetary`).
/// Any bins >= 2 works. rank_first ties go by `table.id_rank` when it is filled (see the
/// file comment), else by row order. rank_first finds the bins - 1 class boundaries of each
/// score by selection, in four O(n) passes over chunks of customers shared by up to
/// `options.n_threads` threads; r_rfm runs one task per score. The same result for any
/// thread count.
/// @throws crmkit::error (invalid_argument) for bins < 2, fewer than 2 rows (pandas'
///         qcut cannot cut a single value into classes either), a non-finite value or an
///         `id_rank` of the wrong length.
[[nodiscard]] CRMKIT_FUNC rfm_scores rfm_score(const rfm_table& table, const rfm_options& options);

/// Quantile scores 1..bins of arbitrary values under `rule` (higher value, higher score;
/// pass `reverse` to score low values high, as for recency). rank_first breaks ties of
/// equal values by ascending `tie_key` (one per value; empty: by position).
/// @throws crmkit::error (invalid_argument) for bins < 2, fewer than 2 values, a
///         non-finite value (naming its position) or a tie key of another length.
[[nodiscard]] CRMKIT_FUNC std::vector<std::int32_t> quantile_scores(std::span<const double> values, int bins,
                                                                    rfm_tie_rule rule, bool reverse = false,
                                                                    std::span<const std::int32_t> tie_key = {});

/// The class edges the R `rfm` package uses for `values`: `bins + 1` numbers, the minimum,
/// the type-7 quantiles at 1/bins .. (bins-1)/bins each plus 1, and the maximum plus 1.
/// A value v falls in class i (1-based) when edges[i-1] <= v < edges[i].
/// @throws crmkit::error (invalid_argument) as quantile_scores.
[[nodiscard]] CRMKIT_FUNC std::vector<double> r_rfm_edges(std::span<const double> values, int bins);

/// The positions of `values` in ascending order, ties in position order (a stable sort;
/// an LSD radix sort on the IEEE-754 bit patterns, O(n)). -0.0 sorts as 0.0.
/// Precondition: no NaN.
[[nodiscard]] CRMKIT_FUNC std::vector<std::uint32_t> stable_ascending_order(std::span<const double> values);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/segmentation/rfm_impl.hpp"
#endif
