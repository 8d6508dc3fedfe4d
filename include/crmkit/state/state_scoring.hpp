/// @file crmkit/state/state_scoring.hpp
/// The customer table from a customer_state: `score_customers(state, as_of, config)` gives,
/// from the merged state of all partitions, the table that `score_customers(dataset, as_of,
/// config)` (crmkit/scoring/score_customers.hpp) gives on all the transactions in one
/// process, column for column; `score_lifecycle` adds the two lifecycle columns, which need
/// every transaction's time, from customer-complete partitions.
///
/// `#include <crmkit/state/state_scoring.hpp>`
///
/// Thread safety: stateless; safe (the state is only read). `config.n_threads` threads;
/// results do not depend on it.
///
/// @code
/// crmkit::customer_state all = part_1;                 // states of the partitions
/// all.merge(part_2);
/// crmkit::customer_table t = crmkit::score_customers(all, as_of, config);
/// // lifecycle columns: per customer-complete partition (all of a customer's transactions)
/// crmkit::customer_table lc = crmkit::score_lifecycle(partition, crmkit::lifecycle_start(all), as_of, config);
/// @endcode
///
/// Semantics vs the one-process score_customers on a dataset holding the same transactions
/// (tests/state/state_scoring_test.cpp, tests/python/test_dask.py):
/// - rows: one per customer of the state, in id order (decimal ids by value, then the others
///   byte-wise: the order every step of score_customers sees customers in); the dataset
///   version keeps the dataset's row order and also has rows for customers without a
///   transaction up to as_of (every score missing). Row for row by id, the values are
///   equal, bit for bit: orders, recency ... avg_order_value, r/f/m scores, segment, cluster,
///   revenue_rank, abc, the BTYD fit and its columns, expected_spend and clv. The steps are
///   the same code (crmkit/scoring/detail/score_columns.hpp) fed with the same rows in the
///   same order, and the state's sums are exact (customer_state), so the partitioning and
///   merge order cannot change a bit;
/// - `lifecycle_stage` and `stage_since` (when `config.lifecycle`): present with every value
///   missing. The replay of the lifecycle model reads each purchase at its own time, which
///   a state does not keep (it keeps purchase days). Fill them with score_lifecycle on
///   partitions that hold all transactions of their customers (crmkit.dask shuffles the
///   purchases by customer for this): the replay of one customer does not depend on the
///   others, only on the common start, so each partition's rows equal the one-process rows;
/// - geo columns: a state has no customer locations, so a config naming territories or reps
///   gives the note the dataset version gives for a dataset without locations;
/// - the report: n_customers = n_active = state customers, n_transactions = the state's.
///
/// Memory: as the dataset version without the transaction log: the output columns (about
/// 200 bytes per customer) and the summaries of each step (about 300 bytes per customer).
#pragma once

#include <cstdint>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/core/dataset.hpp"
#include "crmkit/scoring/score_config.hpp"
#include "crmkit/scoring/score_customers.hpp"
#include "crmkit/state/customer_state.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Scores every customer of `state` at `as_of` (Unix seconds UTC) (see the file comment).
/// @throws crmkit::error (invalid_argument) for a bad config, an empty state, `as_of` before
///         the state's last transaction (filter the transactions to as_of before adding
///         them), a negative amount (as summarize_btyd, when the config fits a BTYD model).
[[nodiscard]] CRMKIT_FUNC customer_table score_customers(const customer_state& state, std::int64_t as_of,
                                                         const score_config& config = {},
                                                         score_report* report = nullptr);

/// The lifecycle replay's start for the transactions of `state`: the first second of the
/// UTC day of its earliest transaction (what score_customers on a dataset uses).
/// @throws crmkit::error (invalid_argument) for an empty state.
[[nodiscard]] CRMKIT_FUNC std::int64_t lifecycle_start(const customer_state& state);

/// The lifecycle columns of score_customers (`lifecycle_stage`, `stage_since`) for the
/// customers of `data`, replayed from `start` (lifecycle_start of the merged state of all
/// partitions) to `as_of` over the transactions up to as_of: the dataset's customer table
/// (its rows, customers without a transaction up to as_of included, as in the one-process
/// table) with these two columns; without them when `config.lifecycle` is false. Each
/// customer's rows equal the one-process table's when `data` holds all of its transactions.
/// @throws crmkit::error (invalid_argument) for a bad config, as_of before start.
[[nodiscard]] CRMKIT_FUNC customer_table score_lifecycle(const dataset& data, std::int64_t start, std::int64_t as_of,
                                                         const score_config& config = {});

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/state/state_scoring_impl.hpp"
#endif
