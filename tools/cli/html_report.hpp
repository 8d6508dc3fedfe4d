// The self-contained HTML report of `crmkit report`: every chart drawn as inline SVG by
// this code from crmkit::chart_data (crmkit/report/chart_data.hpp); no script, no network.
#pragma once

#include <string>

#include "crmkit/report/chart_data.hpp"

namespace crmkit_cli {

/// One chart as an SVG element (<svg ...>...</svg>); every drawn mark has class "mark".
/// Empty string for kind "table" or a chart without rows.
std::string render_svg(const crmkit::chart_data& chart);

/// An HTML table of the chart's columns (at most `max_rows` rows).
std::string render_table(const crmkit::chart_data& chart, std::size_t max_rows = 50);

/// The whole page: title, sections in order, each chart with its SVG or table and links to
/// its data files `data/<name>.csv` and `data/<name>.json`.
std::string render_report_html(const crmkit::report_data& report, const std::string& title, const std::string& source);

}  // namespace crmkit_cli
