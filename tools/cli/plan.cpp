// crmkit plan: field planning over a customers CSV and a reps CSV (the layout of
// examples/data/field_sales): due lists, routes per rep, the territory balancing report and
// hot spots, each as CSV (docs/cli.md).
#include <algorithm>
#include <cstdio>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/planning.hpp"

namespace crmkit_cli {

namespace {

// A small CSV table: header names and rows of fields (no quoted fields: the planning files
// hold ids, numbers and names).
struct csv_table {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  [[nodiscard]] std::size_t column(const std::string& name) const {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw cli_error(exit_bad_data, fmt::format("{}: no column '{}'", path, name));
    return static_cast<std::size_t>(it - header.begin());
  }
  [[nodiscard]] bool has(const std::string& name) const {
    return std::find(header.begin(), header.end(), name) != header.end();
  }
  [[nodiscard]] double number(std::size_t row, std::size_t col) const {
    const std::string& f = rows[row][col];
    if (f.empty()) return std::nan("");
    try {
      std::size_t used = 0;
      const double v = std::stod(f, &used);
      if (used == f.size()) return v;
    } catch (const std::exception&) {
    }
    throw cli_error(exit_bad_data, fmt::format("{}: line {}: column '{}' is '{}', not a number", path, row + 2,
                                               header[col], f));
  }
};

csv_table read_table(const std::string& path) {
  csv_table t;
  t.path = path;
  std::istringstream in(read_text_file(path));
  std::string line;
  auto split = [](const std::string& l) {
    std::vector<std::string> out;
    std::string f;
    std::istringstream ss(l);
    while (std::getline(ss, f, ',')) out.push_back(f);
    if (!l.empty() && l.back() == ',') out.emplace_back();
    return out;
  };
  if (!std::getline(in, line)) throw cli_error(exit_bad_data, fmt::format("{}: empty file", path));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  t.header = split(line);
  std::size_t number = 1;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line.find('"') != std::string::npos)
      throw cli_error(exit_bad_data, fmt::format("{}: line {}: quoted fields are not supported here", path, number));
    auto fields = split(line);
    if (fields.size() != t.header.size())
      throw cli_error(exit_bad_data, fmt::format("{}: line {} has {} fields, the header {}", path, number, fields.size(),
                                                 t.header.size()));
    t.rows.push_back(std::move(fields));
  }
  return t;
}

crmkit::categorical_column categories(const csv_table& t, std::size_t col,
                                      std::shared_ptr<crmkit::string_dictionary> levels = nullptr) {
  if (!levels) levels = std::make_shared<crmkit::string_dictionary>();
  std::vector<std::int32_t> codes;
  for (const auto& r : t.rows) codes.push_back(r[col].empty() ? -1 : levels->insert(r[col]));
  return {crmkit::column<std::int32_t>::owned(std::move(codes)), std::move(levels)};
}

struct inputs {
  csv_table customers, reps;
  crmkit::customer_table table;
  crmkit::territory_reps roster;
  std::vector<double> shift_start, shift_end;
};

inputs load(const plan_args& a) {
  if (a.customers.empty() || a.reps.empty())
    throw cli_error(exit_bad_arguments, "--customers FILE.csv and --reps FILE.csv are required");
  inputs in{read_table(a.customers), read_table(a.reps), {}, {}, {}, {}};
  const csv_table& c = in.customers;
  const csv_table& r = in.reps;
  auto rep_levels = std::make_shared<crmkit::string_dictionary>();
  for (std::size_t k = 0; k < r.rows.size(); ++k) {
    const std::string& name = r.rows[k][r.column("rep")];
    rep_levels->insert(name);
    in.roster.names.push_back(name);
    in.roster.home_lon.push_back(r.number(k, r.column("home_lon")));
    in.roster.home_lat.push_back(r.number(k, r.column("home_lat")));
    in.shift_start.push_back(r.has("shift_start") ? r.number(k, r.column("shift_start")) : 8 * 3600.0);
    in.shift_end.push_back(r.has("shift_end") ? r.number(k, r.column("shift_end")) : 17 * 3600.0);
  }
  auto ids = std::make_shared<crmkit::string_dictionary>();
  const std::size_t idc = c.column("id");
  for (std::size_t i = 0; i < c.rows.size(); ++i)
    if (ids->insert(c.rows[i][idc]) != static_cast<std::int32_t>(i))
      throw cli_error(exit_bad_data, fmt::format("{}: line {}: customer '{}' appears twice", c.path, i + 2, c.rows[i][idc]));
  in.table = crmkit::customer_table::from_ids(ids);
  for (std::size_t col = 0; col < c.header.size(); ++col) {
    const std::string& name = c.header[col];
    if (name == "id") continue;
    if (name == "abc") {
      in.table.set_category_column(name, categories(c, col));
    } else if (name == "rep") {
      in.table.set_category_column(name, categories(c, col, rep_levels));
    } else if (name == "last_visit") {
      std::vector<std::int64_t> t;
      for (std::size_t i = 0; i < c.rows.size(); ++i) {
        const double v = c.number(i, col);
        t.push_back(std::isnan(v) ? crmkit::missing_int64 : static_cast<std::int64_t>(v));
      }
      in.table.set_time_column(name, crmkit::column<std::int64_t>::owned(std::move(t)));
    } else {
      std::vector<double> v;
      for (std::size_t i = 0; i < c.rows.size(); ++i) v.push_back(c.number(i, col));
      in.table.set_column(name, crmkit::column<double>::owned(std::move(v)));
    }
  }
  return in;
}

std::int64_t as_of_seconds(const std::string& text) {
  if (text.empty()) throw cli_error(exit_bad_arguments, "--as-of is required (Unix seconds or YYYY-MM-DD[THH:MM:SS])");
  if (std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) return std::stoll(text);
  std::int64_t t = 0;
  const auto status = crmkit::parse_iso8601(text, t);
  if (status != crmkit::time_parse_status::ok)
    throw cli_error(exit_bad_arguments, fmt::format("--as-of '{}': {}", text, crmkit::to_string(status)));
  return t;
}

crmkit::due_list_options due_options(const plan_args& a) {
  crmkit::due_list_options o;
  std::istringstream ss(a.cadence);
  std::string rule;
  while (std::getline(ss, rule, ',')) {
    const auto eq = rule.find('=');
    if (eq == std::string::npos)
      throw cli_error(exit_bad_arguments, fmt::format("--cadence '{}': expected CLASS=DAYS,...", a.cadence));
    try {
      o.cadence.emplace_back(rule.substr(0, eq), std::stod(rule.substr(eq + 1)));
    } catch (const std::exception&) {
      throw cli_error(exit_bad_arguments, fmt::format("--cadence '{}': '{}' is not a number of days", a.cadence,
                                                      rule.substr(eq + 1)));
    }
  }
  return o;
}

std::string fmt_num(double v) { return std::isnan(v) ? std::string() : fmt::format("{:.6g}", v); }

}  // namespace

int run_plan(const plan_args& a, const global_options& g) {
  const messages msg(g);
  inputs in = load(a);
  std::string out;
  if (a.action == "due" || a.action == "routes") {
    const auto& rep_col = in.table.category("rep");
    const std::int64_t as_of = as_of_seconds(a.as_of);
    const auto due = crmkit::due_list(in.table, as_of, due_options(a));
    const auto is_due = due.int64("due");
    const auto rank = due.int64("rank");
    if (a.action == "due") {
      out = "rep,rank,customer_id,urgency,days_overdue,priority\n";
      std::vector<std::size_t> order;
      for (std::size_t i = 0; i < in.table.size(); ++i)
        if (is_due[i] == 1) order.push_back(i);
      std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        return std::pair(rep_col.codes[x], rank[x]) < std::pair(rep_col.codes[y], rank[y]);
      });
      for (std::size_t i : order)
        out += fmt::format("{},{},{},{},{},{}\n",
                           rep_col.codes[i] < 0 ? std::string() : std::string(rep_col.levels->at(rep_col.codes[i])),
                           rank[i], csv_field(in.table.id(static_cast<std::int32_t>(i))),
                           fmt_num(due.float64("urgency")[i]), fmt_num(due.float64("days_overdue")[i]),
                           fmt_num(due.float64("priority")[i]));
    } else {
      out = "rep,stop,customer_id,lon,lat,arrival_s,start_s,status\n";
      const auto lon = in.table.float64("lon"), lat = in.table.float64("lat");
      for (std::size_t k = 0; k < in.roster.names.size(); ++k) {
        std::vector<std::size_t> mine;
        for (std::size_t i = 0; i < in.table.size(); ++i)
          if (is_due[i] == 1 && rep_col.codes[i] == static_cast<std::int32_t>(k) && rank[i] <= a.max_stops)
            mine.push_back(i);
        std::sort(mine.begin(), mine.end(), [&](std::size_t x, std::size_t y) { return rank[x] < rank[y]; });
        if (mine.empty()) continue;
        crmkit::vrp_problem p;
        for (std::size_t i : mine) {
          p.x.push_back(lon[i]);
          p.y.push_back(lat[i]);
          p.demand.push_back(0);
          p.ready.push_back(in.table.has_attribute("ready") ? in.table.float64("ready")[i] : in.shift_start[k]);
          p.due.push_back(in.table.has_attribute("due") ? in.table.float64("due")[i] : in.shift_end[k]);
          p.service.push_back(60.0 * (in.table.has_attribute("service_min") ? in.table.float64("service_min")[i] : 30.0));
        }
        p.depot_x = {in.roster.home_lon[k]};
        p.depot_y = {in.roster.home_lat[k]};
        p.capacity = {1};
        p.shift_start = {in.shift_start[k]};
        p.shift_end = {in.shift_end[k]};
        p.start_depot = p.end_depot = {0};
        crmkit::vrp_options o;
        o.metric = crmkit::vrp_metric::sphere;
        o.speed_kmh = a.speed_kmh;
        o.time_limit = 0;
        o.max_iter = 2000;
        o.seed = 1;
        const auto plan = crmkit::solve_vrptw(p, o);
        for (std::size_t s = 0; s < mine.size(); ++s) {
          const std::size_t i = mine[s];
          out += fmt::format("{},{},{},{},{},{},{},{}\n", in.roster.names[k],
                             plan.position[s] < 0 ? std::string() : std::to_string(plan.position[s] + 1),
                             csv_field(in.table.id(static_cast<std::int32_t>(i))), lon[i], lat[i],
                             fmt_num(plan.arrival[s]), fmt_num(plan.start[s]), crmkit::status_name(plan.status[s]));
        }
        msg.note(fmt::format("{}: {} of {} visits routed, {:.1f} km", in.roster.names[k], plan.n_routed, mine.size(),
                             plan.distance / 1000));
      }
    }
  } else if (a.action == "balance") {
    crmkit::territory_columns cols;
    cols.value = a.value_column;
    if (in.table.has_attribute("visits")) cols.visits = "visits";
    if (in.table.has_attribute("service_min")) cols.service_min = "service_min";
    cols.current_rep = in.table.has_attribute("rep") ? "rep" : "";
    cols.lon = "lon";
    cols.lat = "lat";
    crmkit::territory_balance_options o;
    o.workload_tolerance = o.value_tolerance = a.tolerance;
    o.max_moves = a.max_moves;
    o.speed_kmh = a.speed_kmh;
    o.travel_factor = a.travel_factor;
    const auto r = crmkit::balance_territories(in.table, in.roster, cols, o);
    out = "rep,customers_before,customers_after,workload_before_min,workload_after_min,value_before,value_after,"
          "workload_deviation_after,value_deviation_after,moved_in,moved_out,fragments_before,fragments_after\n";
    for (const auto& x : r.reps)
      out += fmt::format("{},{},{},{:.2f},{:.2f},{:.2f},{:.2f},{:.4f},{:.4f},{},{},{},{}\n", csv_field(x.rep),
                         x.customers_before, x.customers_after, x.workload_before, x.workload_after, x.value_before,
                         x.value_after, x.workload_deviation_after, x.value_deviation_after, x.moved_in, x.moved_out,
                         x.fragments_before, x.fragments_after);
    msg.note(fmt::format("{} customers moved; within tolerance: {}", r.n_moved, r.within_tolerance_after ? "yes" : "no"));
    if (!a.assignment.empty()) write_text_file(a.assignment, table_to_csv(r.assignment));
  } else if (a.action == "hot-spots") {
    crmkit::hot_spot_options o;
    o.cells = a.cells == "geohash" ? crmkit::value_cells::geohash : crmkit::value_cells::grid;
    if (a.cells != "geohash" && a.cells != "grid")
      throw cli_error(exit_bad_arguments, fmt::format("--cells '{}': grid or geohash", a.cells));
    o.precision = a.precision;
    o.cell_deg = a.cell_deg;
    o.alpha = a.alpha;
    o.fdr = a.fdr;
    const auto lon = in.table.float64("lon"), lat = in.table.float64("lat");
    const auto value = in.table.float64(a.value_column);
    for (std::size_t i = 0; i < in.table.size(); ++i)
      if (std::isnan(lon[i]) || std::isnan(lat[i]))
        throw cli_error(exit_bad_data, fmt::format("customer '{}' has no location", in.table.id(static_cast<std::int32_t>(i))));
    const auto m = crmkit::hot_spots(lon, lat, value, {}, {}, {}, o);
    out = "cell,lon,lat,count,value,z,p,spot,whitespace,gap\n";
    for (std::size_t c = 0; c < m.size(); ++c) {
      if (m.count[c] == 0 && m.spot[c] == 0 && !m.whitespace[c] && !a.all_cells) continue;
      out += fmt::format("{},{:.6f},{:.6f},{},{:.2f},{},{},{},{},{}\n", m.name(c), m.lon(c), m.lat(c), m.count[c],
                         m.value[c], fmt_num(m.z[c]), fmt_num(m.p[c]),
                         m.spot[c] > 0 ? "hot" : m.spot[c] < 0 ? "cold" : "", static_cast<int>(m.whitespace[c]),
                         fmt_num(m.gap[c]));
    }
    msg.note(fmt::format("{} hot and {} cold of {} cells", m.n_hot, m.n_cold, m.size()));
  } else {
    throw cli_error(exit_bad_arguments, fmt::format("unknown plan action '{}': due, routes, balance or hot-spots", a.action));
  }
  if (a.out.empty())
    std::fputs(out.c_str(), stdout);
  else
    write_text_file(a.out, out);
  return exit_ok;
}

}  // namespace crmkit_cli
