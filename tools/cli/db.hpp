// Databases of the command line: SQLite (always) and PostgreSQL (when built with libpq).
// Reading runs a query and hands its rows over as CSV text to crmkit's CSV reader, so that
// database rows are validated exactly like file rows; writing replaces a table with the
// customer table in one transaction (new table filled, old one dropped, new one renamed).
#pragma once

#include <string>

#include "crmkit/core/customer_table.hpp"

namespace crmkit_cli {

/// True when this build can talk to PostgreSQL.
bool have_postgresql() noexcept;

/// The result of `query` on `url` (sqlite:PATH or postgresql://...) as CSV with a header.
/// @throws cli_error (exit_io) for a bad URL, a failed connection or query.
std::string db_query_csv(const std::string& url, const std::string& query);

/// Replaces `table_name` (SQLite: TABLE; PostgreSQL: [SCHEMA.]TABLE) with `table`
/// atomically: nothing changes when anything fails.
/// @throws cli_error (exit_io) on any failure, (exit_bad_arguments) for an invalid name.
void db_write_table(const std::string& url, const std::string& table_name, const crmkit::customer_table& table);

}  // namespace crmkit_cli
