/// @file crmkit/report/html_report.hpp
/// crmkit's customer report as files: one self-contained `report.html` (every chart drawn
/// as inline SVG by this code, no script, no network, opens from disk) plus the data
/// behind every chart as CSV and JSON, and the customer table. The command line's
/// `crmkit report`, the C ABI (crmkit/c/report.h) and Python's `crmkit.report()` all write
/// the folder through write_report(), so the three give the same files.
///
/// `#include <crmkit/report/html_report.hpp>`
///
/// Thread safety: stateless; safe. (write_report() writes only below its `dir`; two calls
/// writing the same folder at once leave it in either call's state, file by file.)
///
/// @code
/// crmkit::ingest_report ingest;
/// crmkit::dataset data = crmkit::read_transactions_csv("orders.csv", {}, {}, &ingest);
/// crmkit::report_data r = crmkit::build_report(data, as_of, {}, &ingest);
/// crmkit::html_report_options o;
/// o.title = "Q3 customers";
/// o.source = "orders.csv";
/// std::string page = crmkit::write_report(r, "out/report", o);   // "out/report/report.html"
/// @endcode
///
/// The folder:
/// | file | what |
/// |---|---|
/// | `report.html` | the page: headline numbers, then one section per chart section (overview, value, RFM, clusters, churn, lifecycle, geography), each chart as SVG and/or a table, with links to its data files |
/// | `data/<chart>.csv`, `data/<chart>.json` | crmkit::to_csv() and crmkit::to_json() of every chart of `report.charts` (crmkit/report/chart_data.hpp) |
/// | `data/customers.csv` | the customer table, customer_table_csv() |
///
/// Semantics vs reference: R's `rfm` package writes a one-call HTML report and CLVTools
/// returns every plot's data; this does both, and the page depends only on the report data
/// and the options: fixed sizes, fixed number formatting, no clock, no randomness, so the
/// same data give byte-identical files (reports diff and test like any other output).
/// Charts are drawn by `kind` (chart_data.hpp's table): bars, stacked bars, lines,
/// scatter points and heat-map cells; every drawn mark has class "mark", so a browser test
/// can check that each chart drew something.
///
/// Memory: the page is built in one string (about 1 KB per bar, cell or point plus the
/// tables; a few MB for the largest charts: 2,000 risk points, 5,000 map points); the data
/// files are formatted one at a time.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/report/chart_data.hpp"

CRMKIT_BEGIN_NAMESPACE

/// What the page says about itself.
struct html_report_options {
  std::string title = "crmkit customer report";  ///< the page's title and heading
  std::string source;  ///< where the data came from (a path, a redacted URL); shown under the title
};

/// One chart as an SVG element (`<svg ...>...</svg>` plus a newline); every drawn mark has
/// class "mark". Empty for kind "table", an unknown kind, a chart without rows, or a chart
/// whose `x`/`y`/`value` do not name numeric or label columns as its kind needs.
[[nodiscard]] CRMKIT_FUNC std::string chart_svg(const chart_data& chart);

/// An HTML table of the chart's columns (at most `max_rows` rows, then a note of how many
/// more are in the data files).
[[nodiscard]] CRMKIT_FUNC std::string chart_html_table(const chart_data& chart, std::size_t max_rows = 50);

/// The whole page: title, source line (with as_of and the library version), headline
/// numbers, sections in order, each chart with its SVG and/or table and links to its data
/// files `data/<name>.csv` and `data/<name>.json`.
[[nodiscard]] CRMKIT_FUNC std::string report_html(const report_data& report, const html_report_options& options = {});

/// The customer table as CSV: customer_id, longitude and latitude (when the table has
/// locations), then every column in table order; numbers in shortest round-trip form,
/// times as ISO 8601, missing values empty, RFC 4180 quoting.
[[nodiscard]] CRMKIT_FUNC std::string customer_table_csv(const customer_table& table);

/// Writes the report folder (the table in the file comment): creates `dir` and `dir/data`
/// when missing and overwrites the files crmkit writes, leaving other files alone.
/// @return the path of the page, `dir/report.html`.
/// @throws crmkit::error io_error (a directory cannot be created or a file cannot be
///         written; the message names the path and the system's reason), invalid_argument
///         (empty `dir`; a chart name that is empty, repeated, "customers" or not a plain
///         file name).
CRMKIT_FUNC std::string write_report(const report_data& report, const std::string& dir,
                                     const html_report_options& options = {});

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/report/html_report_impl.hpp"
#endif
