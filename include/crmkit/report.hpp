/// @file crmkit/report.hpp
/// Module header for the customer report's chart data: small named tables (revenue by
/// month, Lorenz curve, RFM heat map, cluster profiles, churn model card, lifecycle stage
/// counts, territories) a host draws with its own toolkit, or `crmkit report` renders as
/// inline SVG.
///
/// `#include <crmkit/report.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::report_data r = crmkit::build_report(data, as_of);
/// std::string csv = crmkit::to_csv(r.charts.front());
/// @endcode
#pragma once

#include "crmkit/report/chart_data.hpp"
#include "crmkit/report/html_report.hpp"
