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
/// `orders.csv:17: column 'amount': not a number: '12,5x'`. A NUL byte in any field, and
/// invalid UTF-8 in an id field (customer id, order id, product), make the row bad.
///
/// Order lines (invoice lines, UCI Online Retail style): name an order column
/// (`transaction_columns::order`) and the lines of each order roll up into one purchase:
/// its time is the order's earliest line, its amount the sum of its lines (quantity x
/// unit price when `quantity` and `unit_price` are named), its customer the order's
/// customer. The lines themselves stay available as `transaction_log::lines()` (see
/// crmkit/core/order_lines.hpp). Filters in `csv_options::filters` drop lines and count
/// them in `ingest_report::filtered`.
/// @code
/// crmkit::transaction_columns columns;
/// columns.customer = "CustomerID"; columns.time = "InvoiceDate"; columns.order = "InvoiceNo";
/// columns.quantity = "Quantity"; columns.unit_price = "UnitPrice"; columns.product = "StockCode";
/// crmkit::csv_options options;
/// options.filters.order_id_exclude_prefix = "C";          // cancellations
/// options.filters.drop_nonpositive_quantity = true;
/// options.filters.drop_empty_customer = true;
/// crmkit::ingest_report report;
/// auto data = crmkit::read_transactions_csv("retail.csv", columns, options, &report);
/// report.filtered_by(crmkit::line_filter::order_prefix).lines;  // cancellation lines dropped
/// @endcode
/// Memory: the reader streams the file in fixed-size blocks; peak memory while loading
/// stays within 2x the size of the final columns plus the customer dictionary.
#pragma once

// Lets the internal headers under crmkit/io/detail/ refuse to be included on their own
// (Eigen's InternalHeaderCheck).
#define CRMKIT_IO_CSV_HPP 1

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/option_table.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/core/dataset.hpp"
#include "crmkit/core/time.hpp"

CRMKIT_BEGIN_NAMESPACE

/// What to do with a row that does not parse.
enum class bad_row_policy : int {
  fail = 0,  ///< throw crmkit::error (parse_error) at the first bad row
  skip = 1,  ///< leave the row out and record it in the ingest_report
};

/// Filters that drop order lines before they roll up. Each dropped line is counted in
/// `ingest_report::filtered` (not a bad row). A line is counted by the first filter that
/// applies, in the order of `line_filter`. All off by default.
struct line_filters {
  /// Drop the lines whose order id starts with this prefix (e.g. "C": cancellations in
  /// UCI Online Retail). Empty (default): off. Needs an order column.
  std::string order_id_exclude_prefix;
  /// Drop lines with quantity <= 0. Needs a quantity column.
  bool drop_nonpositive_quantity = false;
  /// Drop lines with unit price <= 0. Needs a unit price column.
  bool drop_nonpositive_unit_price = false;
  /// Drop lines with an empty customer id (otherwise an empty id is a bad row).
  bool drop_empty_customer = false;

  /// True when some filter is on.
  [[nodiscard]] bool any() const noexcept {
    return !order_id_exclude_prefix.empty() || drop_nonpositive_quantity || drop_nonpositive_unit_price ||
           drop_empty_customer;
  }
};

/// The filters of `line_filters`, in the order they are tried; indexes
/// `ingest_report::filtered`.
enum class line_filter : int {
  empty_customer = 0,          ///< line_filters::drop_empty_customer
  order_prefix = 1,            ///< line_filters::order_id_exclude_prefix
  nonpositive_quantity = 2,    ///< line_filters::drop_nonpositive_quantity
  nonpositive_unit_price = 3,  ///< line_filters::drop_nonpositive_unit_price
};
/// Number of `line_filter` values.
inline constexpr std::size_t n_line_filters = 4;

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
  /// Order-line filters (transaction reader only); see line_filters.
  line_filters filters;
  /// Threads that parse the file (1 to 1024). With more than one, a plain transaction
  /// file (no order-line columns or filters) is read in rounds of large blocks, each cut
  /// at line breaks into 4 pieces per thread that the threads take in turn, and the pieces
  /// are merged in file order:
  /// the columns, the customer numbering (first appearance), the level codes, the report
  /// and the bad rows (and, in fail mode, the error thrown) are bit-identical to a read
  /// on one thread. Order-line files and customer files are read on one thread. Memory:
  /// 4 MiB of block per thread, and the rows of a round's pieces (about 3 MB per thread)
  /// until they are copied into the columns.
  int n_threads = 1;
};

/// Which header columns of a transaction file hold what. Empty optional names mean "absent".
struct transaction_columns {
  std::string customer = "customer_id";
  std::string time = "timestamp";
  std::string amount = "amount";
  std::string product;  ///< optional categorical column (with `order`: one product per line)
  std::string channel;  ///< optional categorical column (not with `order`)
  /// Optional order id column: the lines of one order become one purchase (earliest
  /// time, summed amount). An order whose lines name different customers is an error
  /// (a bad row at the first line that differs, naming the order, both customers and
  /// both lines; in skip mode the order keeps its first customer).
  std::string order;
  /// Optional quantity and unit price columns, named together: a line's amount is
  /// quantity x unit price, and the `amount` column is not read.
  std::string quantity;
  std::string unit_price;
};

/// Which header columns of a customer file hold what.
struct customer_columns {
  std::string id = "customer_id";
  std::string longitude;                ///< optional, degrees; with latitude
  std::string latitude;                 ///< optional, degrees; with longitude
  std::vector<std::string> attributes;  ///< numeric columns; an empty field is NaN (missing)
};

/// Everything a CSV read is told: the parse options and the columns of both files. The
/// C handle `crmkit_csv_options` is one of these.
struct csv_read_options {
  csv_options csv;
  transaction_columns transactions;
  customer_columns customers;  ///< `attributes` is a list, added by its own C call
};

namespace detail {
// A delimiter or quote must not be a line break.
constexpr const char* csv_line_break(double c) noexcept {
  return c == '\n' || c == '\r' ? "a line break (CR or LF)" : nullptr;
}
}  // namespace detail

/// The description of csv_read_options from which the C ABI (`crmkit_csv_options_set_int`,
/// `_set_string`, `_get_*`, `_option_bounds`, keys `CRMKIT_CSV_<NAME>`) and the keywords
/// of Python's `Dataset.from_csv` derive (crmkit/core/option_table.hpp). This handle
/// gathers three structs, so its names are the C/Python ones: a column's name adds
/// `_column` to the C++ member that holds it (`transactions.customer` is
/// `customer_column`), `time_format` is `csv.timestamps` and `exclude_order_prefix` is
/// `csv.filters.order_id_exclude_prefix`. A string option's lo and hi bound its length:
/// lo 1 marks a required column.
template <>
struct option_table<csv_read_options> {
  static constexpr std::string_view c_prefix = "CRMKIT_CSV_";
  static constexpr double n = option_int_limit;
  static constexpr std::array<option_spec<csv_read_options>, 23> entries{{
      CRMKIT_OPTION_AT_EXCLUDING(csv_read_options, 1, "delimiter", csv.delimiter, integer, 1, 127,
                                 "field separator, an ASCII code", detail::csv_line_break),
      CRMKIT_OPTION_AT_EXCLUDING(csv_read_options, 2, "quote", csv.quote, integer, 1, 127,
                                 "quote character, an ASCII code", detail::csv_line_break),
      CRMKIT_OPTION_AT(csv_read_options, 3, "time_format", csv.timestamps, enumeration, 0, 2,
                       "0 ISO 8601, 1 epoch seconds, 2 YYYYMMDD"),
      CRMKIT_OPTION_AT(csv_read_options, 4, "on_bad_row", csv.on_bad_row, enumeration, 0, 1, "0 fail, 1 skip"),
      CRMKIT_OPTION_AT(csv_read_options, 5, "min_time", csv.min_time, integer, -n, n, "earliest valid timestamp"),
      CRMKIT_OPTION_AT(csv_read_options, 6, "max_time", csv.max_time, integer, -n, n, "latest valid timestamp"),
      CRMKIT_OPTION_AT(csv_read_options, 7, "allow_negative_amounts", csv.allow_negative_amounts, flag, 0, 1,
                       "refunds allowed"),
      CRMKIT_OPTION_AT(csv_read_options, 8, "drop_nonpositive_quantity", csv.filters.drop_nonpositive_quantity,
                       flag, 0, 1, "drop lines with quantity <= 0"),
      CRMKIT_OPTION_AT(csv_read_options, 9, "drop_nonpositive_unit_price", csv.filters.drop_nonpositive_unit_price,
                       flag, 0, 1, "drop lines with unit price <= 0"),
      CRMKIT_OPTION_AT(csv_read_options, 10, "drop_empty_customer", csv.filters.drop_empty_customer, flag, 0, 1,
                       "drop lines with an empty customer id"),
      CRMKIT_OPTION_AT(csv_read_options, 11, "n_threads", csv.n_threads, integer, 1, max_threads,
                       "threads that parse blocks of a transaction file (same result for any count)"),
      CRMKIT_OPTION_STRING_AT(csv_read_options, 101, "customer_column", transactions.customer, 1, 4096,
                              "customer id column (transactions)"),
      CRMKIT_OPTION_STRING_AT(csv_read_options, 102, "time_column", transactions.time, 1, 4096, "timestamp column"),
      CRMKIT_OPTION_STRING_AT(csv_read_options, 103, "amount_column", transactions.amount, 1, 4096, "amount column"),
      CRMKIT_OPTION_STRING_AT(csv_read_options, 104, "product_column", transactions.product, 0, 4096,
                              "optional product column"),
      CRMKIT_OPTION_STRING_AT(csv_read_options, 105, "channel_column", transactions.channel, 0, 4096,
                              "optional channel column"),
      CRMKIT_OPTION_STRING_AT(csv_read_options, 106, "customer_id_column", customers.id, 1, 4096,
                              "customer id column (customer file)"),
      CRMKIT_OPTION_STRING_AT(csv_read_options, 107, "longitude_column", customers.longitude, 0, 4096,
                              "optional longitude column"),
      CRMKIT_OPTION_STRING_AT(csv_read_options, 108, "latitude_column", customers.latitude, 0, 4096,
                              "optional latitude column"),
      CRMKIT_OPTION_STRING_AT(csv_read_options, 109, "order_column", transactions.order, 0, 4096,
                              "optional order id column (lines roll up)"),
      CRMKIT_OPTION_STRING_AT(csv_read_options, 110, "quantity_column", transactions.quantity, 0, 4096,
                              "optional quantity column"),
      CRMKIT_OPTION_STRING_AT(csv_read_options, 111, "unit_price_column", transactions.unit_price, 0, 4096,
                              "optional unit price column"),
      CRMKIT_OPTION_STRING_AT(csv_read_options, 112, "exclude_order_prefix", csv.filters.order_id_exclude_prefix, 0,
                              4096, "drop orders whose id starts with this"),
  }};
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

/// How many lines one filter dropped.
struct filter_count {
  /// How many of the first lines are listed in `first_lines`.
  static constexpr std::size_t max_listed = 5;
  std::size_t lines = 0;                  ///< lines dropped
  std::vector<std::int64_t> first_lines;  ///< the first (up to max_listed) of them: 1-based file
                                          ///< lines, or 0-based row indices for arrays
};

/// What a read did: rows seen, rows kept, every rejected row (skip mode) and what each
/// line filter dropped. rows_read = rows_loaded + skipped.size() + the filtered lines.
struct ingest_report {
  std::string source;         ///< the path, or the name given to an in-memory parse
  std::size_t rows_read = 0;  ///< data records seen (header excluded)
  std::size_t rows_loaded = 0;  ///< records kept (order lines, before the roll-up)
  std::vector<bad_row> skipped;
  std::array<filter_count, n_line_filters> filtered{};  ///< indexed by line_filter

  [[nodiscard]] const filter_count& filtered_by(line_filter filter) const noexcept {
    return filtered[static_cast<std::size_t>(filter)];
  }
  /// Lines dropped by all filters together.
  [[nodiscard]] std::size_t lines_filtered() const noexcept {
    std::size_t total = 0;
    for (const auto& f : filtered) total += f.lines;
    return total;
  }
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
