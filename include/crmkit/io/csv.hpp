/// @file crmkit/io/csv.hpp
/// CSV ingest: transaction logs and customer tables from RFC 4180 files, with the caller
/// naming which header columns hold what.
///
/// `#include <crmkit/io/csv.hpp>`
///
/// Thread safety: stateless; safe (each call reads its own file).
///
/// @code
/// crmkit::transaction_columns columns;            // customer_id, timestamp, amount
/// columns.product = "sku";                         // optional categorical columns
/// crmkit::csv_options options;
/// options.on_bad_row = crmkit::bad_row_policy::skip;
/// crmkit::ingest_report report;
/// crmkit::dataset data = crmkit::read_transactions_csv("orders.csv", columns, options, &report);
/// for (const auto& row : report.skipped) std::puts(row.message(report.source).c_str());
/// @endcode
///
/// Errors name the file, line, column and offending value, e.g.
/// `orders.csv:17: column 'amount': not a number: '12,5x'`.
/// Memory: the reader streams the file in fixed-size blocks; peak memory while loading
/// stays within 2x the size of the final columns plus the customer dictionary.
#pragma once

// Lets the internal headers under crmkit/io/detail/ refuse to be included on their own
// (Eigen's InternalHeaderCheck).
#define CRMKIT_IO_CSV_HPP 1

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/core/dataset.hpp"
#include "crmkit/core/time.hpp"

CRMKIT_BEGIN_NAMESPACE

/// What to do with a row that does not parse.
enum class bad_row_policy : int {
  fail = 0,  ///< throw crmkit::error (parse_error) at the first bad row
  skip = 1,  ///< leave the row out and record it in the ingest_report
};

/// Parsing options shared by the transaction and customer readers.
struct csv_options {
  char delimiter = ',';  ///< field separator (',', ';', '\t', '|', ...)
  char quote = '"';      ///< RFC 4180 quote character; a doubled quote inside quotes is one quote
  time_format timestamps = time_format::iso8601;
  bad_row_policy on_bad_row = bad_row_policy::fail;
  /// Timestamps outside [min_time, max_time] (Unix seconds) are bad values: a year 1009
  /// typed for 2009 is an error, not a customer from the Middle Ages.
  std::int64_t min_time = unix_seconds(1900, 1, 1);
  std::int64_t max_time = unix_seconds(2200, 1, 1);
  /// Refunds are negative amounts; set false to treat them as bad values.
  bool allow_negative_amounts = true;
};

/// Which header columns of a transaction file hold what. Empty optional names mean "absent".
struct transaction_columns {
  std::string customer = "customer_id";
  std::string time = "timestamp";
  std::string amount = "amount";
  std::string product;  ///< optional categorical column
  std::string channel;  ///< optional categorical column
};

/// Which header columns of a customer file hold what.
struct customer_columns {
  std::string id = "customer_id";
  std::string longitude;                ///< optional, degrees; with latitude
  std::string latitude;                 ///< optional, degrees; with longitude
  std::vector<std::string> attributes;  ///< numeric columns; an empty field is NaN (missing)
};

/// One rejected row.
struct bad_row {
  std::int64_t line = 0;  ///< 1-based line on which the record starts
  std::string column;     ///< header name of the offending field; empty for row-level problems
  std::string value;      ///< the offending text (at most 200 bytes)
  std::string reason;     ///< why it was rejected
  /// `source:line: column 'c': reason: 'value'`.
  [[nodiscard]] CRMKIT_FUNC std::string message(std::string_view source) const;
};

/// What a read did: rows seen, rows kept, and every rejected row (skip mode).
struct ingest_report {
  std::string source;         ///< the path, or the name given to an in-memory parse
  std::size_t rows_read = 0;  ///< data records seen (header excluded)
  std::size_t rows_loaded = 0;
  std::vector<bad_row> skipped;
};

/// Reads a transaction file. Customers are numbered in order of first appearance.
/// @throws crmkit::error: io_error (missing or unreadable file), parse_error (empty file,
///         missing header column, or, in fail mode, the first bad row), invalid_argument
///         (inconsistent options, e.g. a delimiter equal to the quote).
[[nodiscard]] CRMKIT_FUNC dataset read_transactions_csv(const std::string& path, const transaction_columns& columns = {},
                                                        const csv_options& options = {},
                                                        ingest_report* report = nullptr);

/// Reads a transaction file against a known customer table: a customer id absent from
/// `customers` is a bad row ("unknown customer id").
[[nodiscard]] CRMKIT_FUNC dataset read_transactions_csv(const std::string& path, const customer_table& customers,
                                                        const transaction_columns& columns = {},
                                                        const csv_options& options = {},
                                                        ingest_report* report = nullptr);

/// Parses transaction CSV text held in memory; `source_name` stands for the file name
/// in messages.
[[nodiscard]] CRMKIT_FUNC dataset parse_transactions_csv(std::string_view text, const transaction_columns& columns = {},
                                                         const csv_options& options = {},
                                                         ingest_report* report = nullptr,
                                                         std::string_view source_name = "<memory>");

/// Reads a customer file. A repeated id is a bad row ("duplicate customer id").
[[nodiscard]] CRMKIT_FUNC customer_table read_customers_csv(const std::string& path, const customer_columns& columns = {},
                                                            const csv_options& options = {},
                                                            ingest_report* report = nullptr);

/// Parses customer CSV text held in memory.
[[nodiscard]] CRMKIT_FUNC customer_table parse_customers_csv(std::string_view text, const customer_columns& columns = {},
                                                             const csv_options& options = {},
                                                             ingest_report* report = nullptr,
                                                             std::string_view source_name = "<memory>");

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/io/csv_impl.hpp"
#endif
