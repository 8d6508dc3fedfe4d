// Shared pieces of the crmkit command line (see cli.hpp).
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli.hpp"
#include "crmkit/core/detail/text_fields.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/report/html_report.hpp"
#include "db.hpp"

namespace crmkit_cli {

messages::messages(const global_options& g) : quiet_(g.quiet), tty_(isatty(STDERR_FILENO) != 0) {}

void messages::note(const std::string& text) const {
  if (!quiet_) std::fprintf(stderr, "crmkit: %s\n", text.c_str());
}

void messages::progress(const std::string& text) const {
  if (!quiet_ && tty_) std::fprintf(stderr, "crmkit: %s...\n", text.c_str());
}

std::string read_text_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw cli_error(exit_io, fmt::format("cannot open '{}' for reading", path));
  std::ostringstream s;
  s << f.rdbuf();
  if (f.bad()) throw cli_error(exit_io, fmt::format("cannot read '{}'", path));
  return s.str();
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw cli_error(exit_io, fmt::format("cannot open '{}' for writing", path));
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
  f.close();
  if (!f) throw cli_error(exit_io, fmt::format("cannot write '{}'", path));
}

namespace {

crmkit::csv_options csv_options_of(const input_options& in) {
  crmkit::csv_options o;
  if (in.delimiter == "\\t" || in.delimiter == "tab") o.delimiter = '\t';
  else if (in.delimiter.size() == 1) o.delimiter = in.delimiter[0];
  else throw cli_error(exit_bad_arguments, fmt::format("--delimiter '{}': give one character (or 'tab')", in.delimiter));
  if (in.time_format == "iso8601") o.timestamps = crmkit::time_format::iso8601;
  else if (in.time_format == "epoch") o.timestamps = crmkit::time_format::epoch_seconds;
  else if (in.time_format == "compact") o.timestamps = crmkit::time_format::compact_date;
  else
    throw cli_error(exit_bad_arguments,
                    fmt::format("--time-format '{}': use iso8601, epoch or compact (YYYYMMDD)", in.time_format));
  o.on_bad_row = in.strict ? crmkit::bad_row_policy::fail : crmkit::bad_row_policy::skip;
  // Which order-line columns and filters go together is the reader's rule
  // (crmkit/io/csv.hpp); a violation comes back as invalid_argument (see read_orders).
  o.filters = in.filters;
  return o;
}

// The reader's words for its options, and the flags that set them: a reader message about
// its options is shown in the terms the user typed.
constexpr std::pair<std::string_view, std::string_view> option_flags[] = {
    {"order_id_exclude_prefix", "--exclude-order-prefix"},
    {"drop_nonpositive_quantity", "--drop-nonpositive-quantity"},
    {"drop_nonpositive_unit_price", "--drop-nonpositive-unit-price"},
    {"an order column", "an order column (--order-column)"},
    {"a quantity column", "a quantity column (--quantity-column)"},
    {"a unit price column", "a unit price column (--unit-price-column)"},
    {"the quantity and the unit price column", "the quantity and the unit price column (--quantity-column, --unit-price-column)"},
    {"a channel column", "a channel column (--channel-column)"},
};

std::string in_flag_terms(std::string text) {
  for (const auto& [word, flag] : option_flags) {
    const auto at = text.find(word);
    if (at != std::string::npos) text.replace(at, word.size(), flag);
  }
  return text;
}

// Runs one read; the reader's invalid_argument (options that do not fit together) is a
// bad-arguments exit, not bad data.
template <class Read>
auto read_orders(Read&& read) {
  try {
    return read();
  } catch (const crmkit::error& e) {
    if (e.code() != crmkit::errc::invalid_argument) throw;
    throw cli_error(exit_bad_arguments, in_flag_terms(e.what()));
  }
}


}  // namespace

// "empty customer id 3 (lines 7, 9, 12), order id prefix 'C' 41 (lines 2, ...)"
std::string filter_summary(const crmkit::ingest_report& report, const crmkit::line_filters& filters) {
  constexpr std::pair<crmkit::line_filter, std::string_view> names[] = {
      {crmkit::line_filter::empty_customer, "empty customer id"},
      {crmkit::line_filter::order_prefix, "order id prefix"},
      {crmkit::line_filter::nonpositive_quantity, "quantity <= 0"},
      {crmkit::line_filter::nonpositive_unit_price, "unit price <= 0"},
  };
  std::string out;
  for (const auto& [filter, name] : names) {
    const crmkit::filter_count& f = report.filtered_by(filter);
    if (f.lines == 0) continue;
    std::string label(name);
    if (filter == crmkit::line_filter::order_prefix) label += fmt::format(" '{}'", filters.order_id_exclude_prefix);
    out += fmt::format("{}{}: {} (line{} {}{})", out.empty() ? "" : ", ", label, f.lines,
                       f.first_lines.size() > 1 ? "s" : "", fmt::join(f.first_lines, ", "),
                       f.lines > f.first_lines.size() ? ", ..." : "");
  }
  return out;
}

crmkit::dataset load_orders(const input_options& in, crmkit::ingest_report& report, const messages& msg) {
  const crmkit::csv_options options = csv_options_of(in);
  if (!in.db.empty() && !in.path.empty())
    throw cli_error(exit_bad_arguments, "give either INPUT.csv or --db with --query, not both");
  if (in.db.empty() && in.path.empty()) throw cli_error(exit_bad_arguments, "no input: give INPUT.csv or --db URL --query SQL");
  if (!in.db.empty() && in.query.empty()) throw cli_error(exit_bad_arguments, "--db needs --query \"select ...\"");
  if (!in.db.empty() && !in.customers.empty())
    throw cli_error(exit_bad_arguments, "--customers (locations) works with INPUT.csv, not yet with --db");
  std::optional<crmkit::customer_table> customers;
  if (!in.customers.empty()) {
    crmkit::customer_columns cc;
    cc.id = in.columns.customer;
    cc.longitude = in.customer_lon;
    cc.latitude = in.customer_lat;
    msg.progress(fmt::format("reading customers {}", in.customers));
    customers = crmkit::read_customers_csv(in.customers, cc, options);
  }
  crmkit::dataset data;
  if (in.pg_copy != "binary" && in.pg_copy != "text")
    throw cli_error(exit_bad_arguments, fmt::format("--pg-copy '{}': use binary or text", in.pg_copy));
  bool loaded = false;
  crmkit::csv_options db_options = options;
  db_options.delimiter = ',';
  if (!in.db.empty() && is_postgresql(in.db) && in.pg_copy == "binary") {
    msg.progress(fmt::format("querying {} (binary COPY)", redact_url(in.db)));
    std::string why;
    std::optional<crmkit::dataset> typed =
        read_orders([&] { return pg_query_dataset(in.db, in.query, in.columns, db_options, report, why); });
    if (typed) {
      data = std::move(*typed);
      loaded = true;
    } else {
      msg.note(fmt::format("{}: reading the query by text COPY: {}", redact_url(in.db), why));
    }
  }
  if (loaded) {
    // read by binary COPY above
  } else if (!in.db.empty()) {
    msg.progress(fmt::format("querying {}", redact_url(in.db)));
    const std::string text = db_query_csv(in.db, in.query);
    // Rows are validated by the same reader as files; messages name the database.
    data = read_orders(
        [&] { return crmkit::parse_transactions_csv(text, in.columns, db_options, &report, redact_url(in.db)); });
  } else {
    msg.progress(fmt::format("reading {}", in.path));
    data = read_orders([&] {
      return customers ? crmkit::read_transactions_csv(in.path, *customers, in.columns, options, &report)
                       : crmkit::read_transactions_csv(in.path, in.columns, options, &report);
    });
  }
  if (report.lines_filtered() > 0)
    msg.note(fmt::format("{}: the line filters dropped {} of {} lines: {}", report.source, report.lines_filtered(),
                         report.rows_read, filter_summary(report, in.filters)));
  if (!report.skipped.empty()) {
    msg.note(fmt::format("{}: skipped {} of {} rows that do not parse (first: {}); --strict makes them errors",
                         report.source, report.skipped.size(), report.rows_read,
                         report.skipped.front().message(report.source)));
  }
  return data;
}

std::int64_t resolve_as_of(const std::string& text, const crmkit::dataset& data, const messages& msg) {
  if (text.empty()) {
    if (data.n_transactions() == 0) throw cli_error(exit_bad_data, "the input has no transactions");
    const std::int64_t day = crmkit::floor_days(data.transactions().max_time());
    const std::int64_t as_of = day * crmkit::seconds_per_day + crmkit::seconds_per_day - 1;
    msg.note(fmt::format("--as-of not given: using the end of the data's last day, {}", crmkit::format_iso8601(as_of)));
    return as_of;
  }
  std::int64_t t = 0;
  if (crmkit::parse_iso8601(text, t) != crmkit::time_parse_status::ok)
    throw cli_error(exit_bad_arguments, fmt::format("--as-of '{}': not an ISO 8601 date (YYYY-MM-DD) or date-time", text));
  // A bare date is the whole day: orders placed during it count.
  if (text.size() == 10) t += crmkit::seconds_per_day - 1;
  return t;
}

crmkit::score_config load_config(const std::string& path) {
  if (path.empty()) return {};
  const std::string text = read_text_file(path);
  try {
    return crmkit::parse_score_config(text);
  } catch (const crmkit::error& e) {
    throw cli_error(exit_bad_arguments, fmt::format("--config {}: {}", path, e.what()));
  }
}

std::string redact_url(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto at = url.find('@', scheme + 3);
  const auto colon = url.find(':', scheme + 3);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::string csv_field(std::string_view text) { return crmkit::detail::csv_field(text); }

namespace {

using crmkit::detail::json_string;

// Cell text of column c at row i; `json` selects JSON literals. Missing: "" / null.
std::string cell(const crmkit::table_column& c, std::size_t i, bool json) {
  switch (c.type) {
    case crmkit::column_type::float64: {
      const double v = c.float64[i];
      if (!std::isfinite(v)) return json ? "null" : "";
      return fmt::format("{}", v);
    }
    case crmkit::column_type::int64: {
      const std::int64_t v = c.int64[i];
      if (v == crmkit::missing_int64) return json ? "null" : "";
      return fmt::format("{}", v);
    }
    case crmkit::column_type::time: {
      const std::int64_t v = c.int64[i];
      if (v == crmkit::missing_int64) return json ? "null" : "";
      return json ? json_string(crmkit::format_iso8601(v)) : crmkit::format_iso8601(v);
    }
    case crmkit::column_type::category: {
      const std::int32_t code = c.category.codes[i];
      if (code < 0) return json ? "null" : "";
      const std::string_view level = c.category.levels->at(code);
      return json ? json_string(level) : csv_field(level);
    }
  }
  return {};
}

}  // namespace

std::string table_to_csv(const crmkit::customer_table& table) { return crmkit::customer_table_csv(table); }

std::string table_to_jsonl(const crmkit::customer_table& table) {
  std::string out;
  for (std::size_t i = 0; i < table.size(); ++i) {
    out += "{\"customer_id\":" + json_string(table.id(static_cast<std::int32_t>(i)));
    if (table.has_locations()) {
      const double lon = table.longitude()[i], lat = table.latitude()[i];
      out += std::isfinite(lon) ? fmt::format(",\"longitude\":{},\"latitude\":{}", lon, lat)
                                : std::string(",\"longitude\":null,\"latitude\":null");
    }
    for (const auto& c : table.columns()) out += "," + json_string(c.name) + ":" + cell(c, i, true);
    out += "}\n";
  }
  return out;
}

}  // namespace crmkit_cli
