// Field planning on the bundled field-sales sample (examples/data/field_sales, synthetic):
// due lists, a day's route per rep, territory balancing, check-in verification and hot
// spots, with the numbers checked against what the generator planted.
//
//   example_field_planning [DATA_DIR]
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/planning.hpp"

namespace {

using rows = std::vector<std::vector<std::string>>;

rows read_csv(const std::string& path) {  // the sample has no quoted fields
  std::ifstream in(path);
  if (!in) throw crmkit::error(crmkit::errc::io_error, "cannot read " + path);
  rows out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string f;
    while (std::getline(ss, f, ',')) fields.push_back(f);
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    out.push_back(fields);
  }
  return out;
}

bool check(bool ok, const char* what) {
  if (!ok) std::fprintf(stderr, "check failed: %s\n", what);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : CRMKIT_EXAMPLE_DATA_DIR "/field_sales";
  try {
    const rows cust = read_csv(dir + "/customers.csv"), rep_rows = read_csv(dir + "/reps.csv");
    const rows track_rows = read_csv(dir + "/tracks.csv"), claim_rows = read_csv(dir + "/claims.csv");
    const std::int64_t as_of = 1772409600 + 8 * 3600;  // 2026-03-02 08:00 UTC
    bool ok = true;

    // the customer table
    auto ids = std::make_shared<crmkit::string_dictionary>();
    auto classes = std::make_shared<crmkit::string_dictionary>();
    auto rep_levels = std::make_shared<crmkit::string_dictionary>();
    crmkit::territory_reps reps;
    for (const auto& r : rep_rows) {
      rep_levels->insert(r[0]);
      reps.names.push_back(r[0]);
      reps.home_lon.push_back(std::stod(r[1]));
      reps.home_lat.push_back(std::stod(r[2]));
    }
    std::vector<double> lon, lat, clv, p_alive, visits, service, ready, due_at;
    std::vector<std::int32_t> abc, rep;
    std::vector<std::int64_t> last;
    for (const auto& r : cust) {
      ids->insert(r[0]);
      lon.push_back(std::stod(r[1]));
      lat.push_back(std::stod(r[2]));
      clv.push_back(std::stod(r[3]));
      p_alive.push_back(std::stod(r[4]));
      abc.push_back(classes->insert(r[5]));
      rep.push_back(rep_levels->find(r[6]));
      last.push_back(r[7].empty() ? crmkit::missing_int64 : std::stoll(r[7]));
      visits.push_back(std::stod(r[8]));
      service.push_back(std::stod(r[9]));
      ready.push_back(std::stod(r[10]));
      due_at.push_back(std::stod(r[11]));
    }
    auto table = crmkit::customer_table::from_ids(ids);
    table.set_locations(crmkit::column<double>::owned(lon), crmkit::column<double>::owned(lat));
    table.set_column("clv", crmkit::column<double>::owned(clv));
    table.set_column("p_alive", crmkit::column<double>::owned(p_alive));
    table.set_category_column("abc", {crmkit::column<std::int32_t>::owned(abc), classes});
    table.set_category_column("rep", {crmkit::column<std::int32_t>::owned(rep), rep_levels});
    table.set_time_column("last_visit", crmkit::column<std::int64_t>::owned(last));
    table.set_column("visits", crmkit::column<double>::owned(visits));
    table.set_column("service_min", crmkit::column<double>::owned(service));
    std::printf("%zu customers, %zu reps, %zu GPS fixes, %zu claimed visits\n", table.size(), reps.names.size(),
                track_rows.size(), claim_rows.size());

    // 1. due lists
    crmkit::due_list_options dopt;
    dopt.cadence = {{"A", 14}, {"B", 30}, {"C", 60}};
    const auto due = crmkit::due_list(table, as_of, dopt);
    const auto is_due = due.int64("due");
    const auto rank = due.int64("rank");
    std::printf("due on 2026-03-02:");
    for (std::size_t k = 0; k < reps.names.size(); ++k) {
      std::size_t n = 0;
      for (std::size_t i = 0; i < table.size(); ++i) n += is_due[i] == 1 && rep[i] == static_cast<std::int32_t>(k);
      std::printf("%s %s %zu", k ? "," : "", reps.names[k].c_str(), n);
    }
    std::printf("\n");

    // 2. routes: each rep's 10 most urgent due customers, from home, 30 km/h
    std::size_t routed = 0;
    double km = 0;
    for (std::size_t k = 0; k < reps.names.size(); ++k) {
      std::vector<std::size_t> mine;
      for (std::size_t i = 0; i < table.size(); ++i)
        if (is_due[i] == 1 && rep[i] == static_cast<std::int32_t>(k) && rank[i] <= 10) mine.push_back(i);
      crmkit::vrp_problem p;
      for (std::size_t i : mine) {
        p.x.push_back(lon[i]);
        p.y.push_back(lat[i]);
        p.demand.push_back(0);
        p.ready.push_back(ready[i]);
        p.due.push_back(due_at[i]);
        p.service.push_back(service[i] * 60);
      }
      p.depot_x = {reps.home_lon[k]};
      p.depot_y = {reps.home_lat[k]};
      p.capacity = {1};
      p.shift_start = {std::stod(rep_rows[k][3])};
      p.shift_end = {std::stod(rep_rows[k][4])};
      p.start_depot = p.end_depot = {0};
      crmkit::vrp_options o;
      o.metric = crmkit::vrp_metric::sphere;
      o.speed_kmh = 30;
      o.time_limit = 0;
      o.max_iter = 2000;
      o.seed = 1;
      const auto plan = crmkit::solve_vrptw(p, o);
      const auto travel = crmkit::vrp_build_travel(p, o);
      ok &= check(crmkit::vrp_route_violation(p, travel, 0, plan.routes[0]).empty(), "route feasible");
      routed += plan.n_routed;
      km += plan.distance / 1000;
    }
    std::printf("routes: %zu of 30 visits routed, %.1f km driven in all\n", routed, km);

    // 3. territory balancing
    crmkit::territory_columns cols;
    cols.visits = "visits";
    cols.service_min = "service_min";
    crmkit::territory_balance_options bo;
    bo.travel_factor = 1.0;
    const auto bal = crmkit::balance_territories(table, reps, cols, bo);
    ok &= check(!bal.within_tolerance_before && bal.within_tolerance_after, "balanced within 10 %");
    for (const auto& r : bal.reps)
      std::printf("  %s: %zu -> %zu customers, workload %.1f -> %.1f h, value %.0f -> %.0f\n", r.rep.c_str(),
                  r.customers_before, r.customers_after, r.workload_before / 60, r.workload_after / 60, r.value_before,
                  r.value_after);
    std::printf("balancing: %zu customers moved; max workload deviation %.0f%% -> %.0f%%, value %.0f%% -> %.0f%%; "
                "within tolerance: %s\n",
                bal.n_moved, 100 * bal.max_workload_deviation_before, 100 * bal.max_workload_deviation_after,
                100 * bal.max_value_deviation_before, 100 * bal.max_value_deviation_after,
                bal.within_tolerance_after ? "yes" : "no");

    // 4. check-in verification per rep
    std::size_t verified = 0, not_verified = 0, unclaimed = 0;
    for (const auto& name : reps.names) {
      std::vector<std::int64_t> t, ct;
      std::vector<double> tlon, tlat;
      std::vector<std::int32_t> cc;
      for (const auto& r : track_rows)
        if (r[0] == name) {
          t.push_back(std::stoll(r[1]));
          tlon.push_back(std::stod(r[2]));
          tlat.push_back(std::stod(r[3]));
        }
      for (const auto& r : claim_rows)
        if (r[0] == name) {
          cc.push_back(table.find(r[1]));
          ct.push_back(std::stoll(r[2]));
        }
      const auto rep_report = crmkit::verify_checkins(t, tlon, tlat, lon, lat, cc, ct);
      verified += rep_report.n_verified;
      not_verified += cc.size() - rep_report.n_verified;
      unclaimed += rep_report.unclaimed.size();
    }
    ok &= check(verified == 18 && not_verified == 6 && unclaimed == 6, "planted check-ins");
    std::printf("check-ins: %zu verified, %zu claimed but not verified, %zu visited but not claimed\n", verified,
                not_verified, unclaimed);

    // 5. hot spots on geohash-6 cells
    crmkit::hot_spot_options ho;
    ho.cells = crmkit::value_cells::geohash;
    ho.precision = 6;
    const auto spots = crmkit::hot_spots(table, "clv", {}, {}, {}, ho);
    std::size_t top = 0;
    for (std::size_t c = 1; c < spots.size(); ++c)
      if (!std::isnan(spots.z[c]) && (std::isnan(spots.z[top]) || spots.z[c] > spots.z[top])) top = c;
    ok &= check(spots.n_hot > 0, "hot spots found");
    std::printf("hot spots: %zu hot and %zu cold of %zu geohash-6 cells; hottest %s (z = %.2f, %u customers)\n",
                spots.n_hot, spots.n_cold, spots.size(), spots.name(top).c_str(), spots.z[top], spots.count[top]);
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "field_planning: %s\n", e.what());
    return 1;
  }
}
