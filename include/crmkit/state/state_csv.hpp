/// @file crmkit/state/state_csv.hpp
/// Bounded-memory ingest: reads a transaction CSV file in blocks of whole records and adds
/// each block to a customer_state, so memory is the state (proportional to customers and
/// their purchase days) plus one block, never the file's lines.
///
/// `#include <crmkit/state/state_csv.hpp>`
///
/// Thread safety: stateless; safe (each call reads its own file into the state it is given;
/// the state itself is not synchronized).
///
/// @code
/// crmkit::customer_state state;
/// crmkit::ingest_report report;
/// crmkit::add_transactions_csv(state, "orders-2026-12.csv", {"customer_id", "date", "amount"}, {}, &report);
/// crmkit::rfm_table rfm = state.rfm(rfm_options);   // as rfm_summary(read_transactions_csv(...))
/// @endcode
///
/// Semantics: the result equals customer_state::add(read_transactions_csv(path, columns,
/// options)) -- the same parser (crmkit/io/csv.hpp) runs on each block with the file's header
/// line put in front, so columns, timestamps, numbers, filters and bad rows follow the same
/// rules. Every bad row is reported with its line in the file (`orders.csv:1234567: column
/// 'amount': not a number: '12,5x'`); in fail mode the first one is thrown; in skip mode they
/// are listed in the report, whose counts sum over the blocks. A block is cut at a line break
/// outside quotes, so a quoted field may hold line breaks. Not supported: an order column
/// (`transaction_columns::order`): an order's lines could fall into two blocks, and rolling
/// them up needs per-order state; roll orders up first, or read such files with
/// read_transactions_csv. Line-level amounts (quantity x unit price, the line filters) work.
///
/// Memory: the state, a block buffer of `block_bytes` (grown only for a single record longer
/// than that) and the parsed columns of one block (about 3x the block's size at most).
#pragma once

#include <cstddef>
#include <string>

#include "crmkit/config.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/state/customer_state.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Adds the transactions of a CSV file to `state`, reading `block_bytes` at a time (see the
/// file comment). On an error the state holds the blocks read before it (take a copy first
/// if you need all or nothing).
/// @throws crmkit::error: io_error (missing or unreadable file), parse_error (empty file, a
///         missing header column, in fail mode the first bad row, with its file line),
///         unsupported (an order column), invalid_argument (inconsistent options,
///         block_bytes < 1024).
CRMKIT_FUNC void add_transactions_csv(customer_state& state, const std::string& path,
                                      const transaction_columns& columns = {}, const csv_options& options = {},
                                      ingest_report* report = nullptr, std::size_t block_bytes = std::size_t{16} << 20);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/state/state_csv_impl.hpp"
#endif
