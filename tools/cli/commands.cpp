// The subcommands of the crmkit command line (see docs/cli.md).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "cli.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/geo/reps.hpp"
#include "crmkit/geo/territory.hpp"
#include "crmkit/lifecycle/default_model.hpp"
#include "crmkit/lifecycle/replay.hpp"
#include "crmkit/lifecycle/report.hpp"
#include "crmkit/report/chart_data.hpp"
#include "crmkit/report/html_report.hpp"
#include "crmkit/scoring/score_customers.hpp"
#include "db.hpp"

namespace crmkit_cli {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void write_stdout(const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0)
    throw cli_error(exit_io, "cannot write to standard output");
}

void make_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw cli_error(exit_io, fmt::format("cannot create directory '{}': {}", dir.string(), ec.message()));
}

std::int64_t parse_date_arg(const std::string& flag, const std::string& text) {
  std::int64_t t = 0;
  if (crmkit::parse_iso8601(text, t) != crmkit::time_parse_status::ok)
    throw cli_error(exit_bad_arguments, fmt::format("{} '{}': not an ISO 8601 date (YYYY-MM-DD)", flag, text));
  return t;
}

}  // namespace

// ---- score ------------------------------------------------------------------------------

int run_score(const score_args& a, const global_options& g) {
  const messages msg(g);
  const crmkit::score_config config = load_config(a.config);
  crmkit::ingest_report ingest;
  const crmkit::dataset data = load_orders(a.in, ingest, msg);
  const std::int64_t as_of = resolve_as_of(a.as_of, data, msg);
  msg.progress("scoring");
  crmkit::score_report report;
  const crmkit::customer_table table = crmkit::score_customers(data, as_of, config, &report);
  for (const auto& note : report.notes) msg.note(note);
  if (!a.to_db.empty()) {
    if (a.in.db.empty()) throw cli_error(exit_bad_arguments, "--to-db TABLE writes into the --db database; give --db");
    msg.progress(fmt::format("writing table {}", a.to_db));
    db_write_table(a.in.db, a.to_db, table, a.in.pg_copy == "text" ? copy_format::text : copy_format::binary);
    msg.note(fmt::format("wrote {} customers to {} in {}", table.size(), a.to_db, redact_url(a.in.db)));
  }
  const bool jsonl = ends_with(a.out, ".jsonl") || ends_with(a.out, ".json");
  if (!a.out.empty() && a.out != "-") {
    write_text_file(a.out, jsonl ? table_to_jsonl(table) : table_to_csv(table));
    msg.note(fmt::format("wrote {} customers x {} columns to {}", table.size(), table.columns().size() + 1, a.out));
  } else if (a.to_db.empty() || a.out == "-") {
    write_stdout(table_to_csv(table));
  }
  return exit_ok;
}

// ---- report -----------------------------------------------------------------------------

int run_report(const report_args& a, const global_options& g) {
  const messages msg(g);
  if (a.out_dir.empty()) throw cli_error(exit_bad_arguments, "--out DIR is required");
  const crmkit::score_config config = load_config(a.config);
  crmkit::ingest_report ingest;
  const crmkit::dataset data = load_orders(a.in, ingest, msg);
  const std::int64_t as_of = resolve_as_of(a.as_of, data, msg);
  msg.progress("scoring and computing the charts");
  const crmkit::report_data report = crmkit::build_report(data, as_of, config, &ingest);
  crmkit::html_report_options page;
  page.title = a.title.empty() ? page.title : a.title;
  page.source = a.in.db.empty() ? a.in.path : redact_url(a.in.db);
  const std::filesystem::path html = crmkit::write_report(report, a.out_dir, page);
  const std::filesystem::path dir(a.out_dir);
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(html, ec);
  write_stdout(fmt::format("{}\n", ec ? html.string() : absolute.string()));
  msg.note(fmt::format("{} charts; their data is in {}", report.charts.size(), (dir / "data").string()));
  return exit_ok;
}

// ---- lifecycle --------------------------------------------------------------------------

int run_lifecycle(const lifecycle_args& a, const global_options& g) {
  const messages msg(g);
  crmkit::replay_options options;
  if (a.step == "daily") options.step = crmkit::replay_step::daily;
  else if (a.step == "weekly") options.step = crmkit::replay_step::weekly;
  else if (a.step == "monthly") options.step = crmkit::replay_step::monthly;
  else throw cli_error(exit_bad_arguments, fmt::format("--step '{}': use daily, weekly or monthly", a.step));
  std::shared_ptr<const crmkit::lifecycle_model> model;
  if (a.model.empty()) {
    model = std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model());
  } else {
    const std::string text = read_text_file(a.model);
    try {
      const bool toml = ends_with(a.model, ".toml");
      model = std::make_shared<const crmkit::lifecycle_model>(toml ? crmkit::lifecycle_model::from_toml(text)
                                                                   : crmkit::lifecycle_model::from_json(text));
    } catch (const crmkit::error& e) {
      throw cli_error(exit_bad_arguments, fmt::format("--model {}: {}", a.model, e.what()));
    }
  }
  crmkit::ingest_report ingest;
  const crmkit::dataset data = load_orders(a.in, ingest, msg);
  if (data.n_transactions() == 0) throw cli_error(exit_bad_data, "the input has no transactions");
  std::int64_t from = 0, to = 0;
  if (a.from.empty()) {
    const crmkit::civil_date d = crmkit::civil_from_days(crmkit::floor_days(data.transactions().min_time()));
    from = crmkit::unix_seconds(d.year, d.month, 1);
    msg.note(fmt::format("--from not given: using {}, the first order's month", crmkit::format_iso_date(from)));
  } else {
    from = parse_date_arg("--from", a.from);
  }
  if (a.to.empty()) {
    to = crmkit::floor_days(data.transactions().max_time()) * crmkit::seconds_per_day;
    msg.note(fmt::format("--to not given: using {}, the last order's day", crmkit::format_iso_date(to)));
  } else {
    to = parse_date_arg("--to", a.to);
  }
  if (to < from) throw cli_error(exit_bad_arguments, "--to is before --from");
  msg.progress("replaying");
  const crmkit::replay_result r = crmkit::replay(model, data.transactions(), from, to, options);
  const crmkit::chart_data counts = crmkit::lifecycle_stage_counts(r);
  if (a.out_dir.empty()) {
    write_stdout(crmkit::to_csv(counts));
    return exit_ok;
  }
  const std::filesystem::path dir(a.out_dir);
  make_directory(dir);
  write_text_file((dir / "stage_counts.csv").string(), crmkit::to_csv(counts));
  write_text_file((dir / "flow.csv").string(), crmkit::to_csv(crmkit::lifecycle_flow(r)));
  const crmkit::customer_table& customers = data.customers();
  std::string stages = "customer_id,stage,since\n";
  for (std::size_t i = 0; i < r.machine.n_customers(); ++i) {
    const std::int64_t since = r.machine.entered_at()[i];
    stages += fmt::format("{},{},{}\n", csv_field(customers.id(static_cast<std::int32_t>(i))),
                          csv_field(model->state_name(r.machine.stages()[i])),
                          since == crmkit::unknown_time ? std::string() : crmkit::format_iso_date(since));
  }
  write_text_file((dir / "customer_stages.csv").string(), stages);
  write_stdout(fmt::format("{}\n", (dir / "stage_counts.csv").string()));
  msg.note(fmt::format("{} steps x {} stages; flow.csv and customer_stages.csv beside it", r.times.size(), model->n_states()));
  return exit_ok;
}

// ---- geo --------------------------------------------------------------------------------

int run_geo(const geo_args& a, const global_options& g) {
  const messages msg(g);
  if (a.customers.empty()) throw cli_error(exit_bad_arguments, "--customers FILE.csv is required");
  if (a.territories.empty() && a.reps.empty())
    throw cli_error(exit_bad_arguments, "give --territories FILE and/or --reps FILE.csv");
  crmkit::customer_columns columns;
  columns.id = a.id_column;
  columns.longitude = a.lon_column;
  columns.latitude = a.lat_column;
  const crmkit::customer_table customers = crmkit::read_customers_csv(a.customers, columns);
  std::vector<std::pair<std::string, crmkit::territory>> territories;
  for (const auto& path : a.territories) {
    const std::string text = read_text_file(path);
    try {
      territories.emplace_back(std::filesystem::path(path).stem().string(), crmkit::territory::parse(text));
    } catch (const crmkit::error& e) {
      throw crmkit::error(e.code(), fmt::format("{}: {}", path, e.what()));
    }
  }
  std::optional<crmkit::customer_table> reps;
  std::optional<crmkit::rep_roster> roster;
  if (!a.reps.empty()) {
    reps = crmkit::read_customers_csv(a.reps, columns);
    if (reps->size() == 0) throw cli_error(exit_bad_data, fmt::format("{}: no reps", a.reps));
    roster.emplace(reps->longitude(), reps->latitude());
  }
  std::string out = "id,lon,lat";
  if (!territories.empty()) out += ",territory";
  if (roster) out += ",nearest_rep,rep_distance_m";
  out += '\n';
  const auto lon = customers.longitude(), lat = customers.latitude();
  for (std::size_t i = 0; i < customers.size(); ++i) {
    const bool located = std::isfinite(lon[i]) && std::isfinite(lat[i]);
    out += csv_field(customers.id(static_cast<std::int32_t>(i)));
    out += located ? fmt::format(",{},{}", lon[i], lat[i]) : std::string(",,");
    if (!territories.empty()) {
      std::string name;
      if (located)
        for (const auto& [n, t] : territories)
          if (t.contains(lon[i], lat[i])) {
            name = n;
            break;
          }
      out += "," + csv_field(name);
    }
    if (roster) {
      if (located) {
        const crmkit::geo_hits hit = roster->nearest_available(lon[i], lat[i], 1);
        if (!hit.ids.empty())
          out += fmt::format(",{},{:.1f}", csv_field(reps->id(hit.ids[0])), hit.distances_m[0]);
        else out += ",,";
      } else {
        out += ",,";
      }
    }
    out += '\n';
  }
  if (!a.out.empty() && a.out != "-") {
    write_text_file(a.out, out);
    msg.note(fmt::format("wrote {} customers to {}", customers.size(), a.out));
  } else {
    write_stdout(out);
  }
  return exit_ok;
}

// ---- inspect ----------------------------------------------------------------------------

namespace {

// Splits one CSV record (no embedded newlines: inspect reads line by line).
std::vector<std::string> split_record(std::string_view line, char delimiter) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == delimiter) {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

struct column_profile {
  std::size_t values = 0, empty = 0, integers = 0, numbers = 0, dates = 0;
  double min = INFINITY, max = -INFINITY;
  std::int64_t min_time = INT64_MAX, max_time = INT64_MIN;
  std::set<std::string> distinct;  // capped
};

}  // namespace

int run_inspect(const inspect_args& a, const global_options& g) {
  const messages msg(g);
  if (!a.in.db.empty()) throw cli_error(exit_bad_arguments, "inspect reads a CSV file: give INPUT.csv");
  input_options in = a.in;
  in.strict = false;  // inspect lists the rows that would be rejected
  crmkit::ingest_report ingest;
  const messages silent(global_options{true});
  const crmkit::dataset data = load_orders(in, ingest, silent);
  const std::string text = read_text_file(in.path);
  const char delimiter = in.delimiter == "tab" || in.delimiter == "\\t" ? '\t' : in.delimiter[0];
  std::vector<std::string> header;
  std::vector<column_profile> profiles;
  std::size_t start = 0, line_no = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.empty() || line == "\r") continue;
    auto fields = split_record(line, delimiter);
    if (line_no++ == 0) {
      header = std::move(fields);
      profiles.resize(header.size());
      continue;
    }
    for (std::size_t j = 0; j < std::min(fields.size(), header.size()); ++j) {
      auto& p = profiles[j];
      const std::string& f = fields[j];
      if (f.empty()) {
        ++p.empty;
        continue;
      }
      ++p.values;
      if (p.distinct.size() < 100000) p.distinct.insert(f);
      char* endp = nullptr;
      const double v = std::strtod(f.c_str(), &endp);
      // "00042" is an identifier, not the number 42.
      const bool leading_zero = f.size() > 1 && f[0] == '0' && f[1] != '.';
      if (endp && *endp == '\0' && std::isfinite(v) && !leading_zero) {
        ++p.numbers;
        if (f.find_first_of(".eE") == std::string::npos) ++p.integers;
        p.min = std::min(p.min, v);
        p.max = std::max(p.max, v);
      }
      std::int64_t t = 0;
      if (f.size() >= 10 && crmkit::parse_iso8601(f, t) == crmkit::time_parse_status::ok) {
        ++p.dates;
        p.min_time = std::min(p.min_time, t);
        p.max_time = std::max(p.max_time, t);
      }
    }
  }
  std::string out = fmt::format("file: {}\nrows: {} read, {} loaded, {} would be rejected\ncustomers: {}\n", in.path,
                                ingest.rows_read, ingest.rows_loaded, ingest.skipped.size(), data.n_customers());
  if (!in.columns.order.empty()) out += fmt::format("purchases (order lines rolled up by order id): {}\n", data.n_transactions());
  if (ingest.lines_filtered() > 0)
    out += fmt::format("dropped by the line filters: {} ({})\n", ingest.lines_filtered(), filter_summary(ingest, in.filters));
  if (data.n_transactions() > 0)
    out += fmt::format("orders: {} .. {}\n", crmkit::format_iso8601(data.transactions().min_time()),
                       crmkit::format_iso8601(data.transactions().max_time()));
  out += "\ncolumns:\n";
  for (std::size_t j = 0; j < header.size(); ++j) {
    const auto& p = profiles[j];
    std::string role = "(not used)";
    if (header[j] == in.columns.customer) role = "customer id";
    else if (header[j] == in.columns.time) role = "time";
    else if (header[j] == in.columns.order) role = "order id";
    else if (header[j] == in.columns.quantity) role = "quantity";
    else if (header[j] == in.columns.unit_price) role = "unit price";
    else if (in.columns.quantity.empty() && header[j] == in.columns.amount) role = "amount";
    else if (header[j] == in.columns.product) role = "product";
    else if (header[j] == in.columns.channel) role = "channel";
    std::string type, range;
    if (p.values == 0) type = "empty";
    else if (p.dates == p.values) {
      type = "date";
      range = fmt::format("{} .. {}", crmkit::format_iso_date(p.min_time), crmkit::format_iso_date(p.max_time));
    } else if (p.integers == p.values) {
      type = "integer";
      range = fmt::format("{} .. {}", p.min, p.max);
    } else if (p.numbers == p.values) {
      type = "number";
      range = fmt::format("{} .. {}", p.min, p.max);
    } else {
      type = p.numbers + p.dates > p.values / 2 ? "mixed (mostly numbers or dates)" : "text";
      range = fmt::format("{}{} distinct", p.distinct.size(), p.distinct.size() >= 100000 ? "+" : "");
    }
    out += fmt::format("  {:<20} {:<12} {:<32} {}{}\n", header[j], role, type, range,
                       p.empty ? fmt::format(" ({} empty)", p.empty) : std::string());
  }
  // The columns the reader reads (with quantity and unit price, the amount column is not read).
  const bool priced = !in.columns.quantity.empty();
  for (const std::string* mapped : {&in.columns.customer, &in.columns.time, priced ? &in.columns.quantity : &in.columns.amount,
                                    &in.columns.unit_price, &in.columns.order, &in.columns.product, &in.columns.channel})
    if (!mapped->empty() && std::find(header.begin(), header.end(), *mapped) == header.end())
      out += fmt::format("  missing column '{}'\n", *mapped);
  if (!ingest.skipped.empty()) {
    std::map<std::string, std::size_t> reasons;
    for (const auto& r : ingest.skipped) ++reasons[r.column.empty() ? r.reason : fmt::format("column '{}': {}", r.column, r.reason)];
    out += "\nrejected rows by reason:\n";
    for (const auto& [reason, n] : reasons) out += fmt::format("  {:>8}  {}\n", n, reason);
    out += fmt::format("\nfirst {} rejected rows:\n", std::min(a.max_rows, ingest.skipped.size()));
    for (std::size_t i = 0; i < std::min(a.max_rows, ingest.skipped.size()); ++i)
      out += "  " + ingest.skipped[i].message(ingest.source) + "\n";
  }
  write_stdout(out);
  return exit_ok;
}

}  // namespace crmkit_cli
