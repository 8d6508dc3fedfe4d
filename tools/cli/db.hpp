// Databases of the command line: SQLite (always) and PostgreSQL (when built with libpq).
// Reading runs a query and hands its rows over as CSV text to crmkit's CSV reader, so that
// database rows are validated exactly like file rows (PostgreSQL: binary COPY into typed
// arrays for crmkit::dataset_from_order_lines when the types allow, see pg_query_dataset); writing replaces a table with the
// customer table in one transaction (new table filled, old one dropped, new one renamed).
#pragma once

#include <optional>
#include <string>

#include "crmkit/core/dataset.hpp"
#include "crmkit/io/csv.hpp"

#include "crmkit/core/customer_table.hpp"

namespace crmkit_cli {

/// True when this build can talk to PostgreSQL.
bool have_postgresql() noexcept;

/// How PostgreSQL data moves: binary COPY (typed; the default) or text COPY (CSV).
enum class copy_format { binary, text };

/// True for a postgresql:// (or postgres://) URL.
bool is_postgresql(const std::string& url) noexcept;

/// PostgreSQL, binary COPY: the order lines of `query` straight into a dataset, through
/// crmkit::dataset_from_order_lines (the same roll-up and filters as the CSV reader).
/// First the query is described (not run) and its header is checked by the CSV reader,
/// so a missing column or options that do not fit together fail exactly as on the text
/// path. Returns nothing, with the reason in `why`, when the text path must read the
/// query instead: a column whose type the binary reader does not handle for its role (see
/// docs/cli.md), a channel column, or a row the typed path refuses (a NULL time or
/// amount, a time outside the reader's range, a non-finite number, a missing id, text that
/// is not UTF-8): the CSV reader then skips or reports it exactly as for a file.
/// `report` is the reader's report, with the query result's CSV line numbers (header = 1).
/// @throws cli_error (exit_io) for connection, query or COPY failures and malformed COPY
///         data; crmkit::error as parse_transactions_csv for the header.
std::optional<crmkit::dataset> pg_query_dataset(const std::string& url, const std::string& query,
                                                const crmkit::transaction_columns& columns,
                                                const crmkit::csv_options& options, crmkit::ingest_report& report,
                                                std::string& why);

/// The result of `query` on `url` (sqlite:PATH or postgresql://...) as CSV with a header.
/// @throws cli_error (exit_io) for a bad URL, a failed connection or query.
std::string db_query_csv(const std::string& url, const std::string& query);

/// Replaces `table_name` (SQLite: TABLE; PostgreSQL: [SCHEMA.]TABLE) with `table`
/// atomically: nothing changes when anything fails.
/// @throws cli_error (exit_io) on any failure, (exit_bad_arguments) for an invalid name.
/// PostgreSQL is written by binary COPY, or text COPY with copy_format::text.
void db_write_table(const std::string& url, const std::string& table_name, const crmkit::customer_table& table,
                    copy_format format = copy_format::binary);

}  // namespace crmkit_cli
