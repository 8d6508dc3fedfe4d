// Route quality of crmkit::solve_vrptw on the Gehring-Homberger 200-customer VRPTW
// instances (../shared/data/vrptw, see its README): per instance the routes and distance
// found, the gaps to the best-known solution and the time, one core.
//
//   planning_bench <vrptw dir> [seconds per instance = 10] [instance name prefix | option=value ...]
//
// option=value sets a vrp_options field by its option-table name (seed=3, fleet_share=0.3).
//
// Prints one CSV row per instance (instance,routes,bk_routes,distance,bk_distance,
// route_gap,distance_gap_pct,seconds,iterations), then one row per class (C1 ... RC2):
// mean route gap and mean distance gap. Not a Google Benchmark: a solution-quality table.
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>
#include <algorithm>
#include <filesystem>

#include "crmkit/planning/vrptw.hpp"

namespace {

bool read_instance(const std::string& path, crmkit::vrp_problem& p) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  int vehicles = 0;
  double capacity = 0;
  std::vector<std::vector<double>> rows;
  int section = 0;
  while (std::getline(in, line)) {
    if (line.find("VEHICLE") != std::string::npos) section = 1;
    if (line.find("CUSTOMER") != std::string::npos) section = 2;
    std::istringstream ls(line);
    std::vector<double> v;
    double x;
    while (ls >> x) v.push_back(x);
    if (section == 1 && v.size() == 2) {
      vehicles = static_cast<int>(v[0]);
      capacity = v[1];
    }
    if (section == 2 && v.size() == 7) rows.push_back(v);
  }
  if (rows.empty() || vehicles == 0) return false;
  const auto& d = rows[0];
  p.depot_x = {d[1]};
  p.depot_y = {d[2]};
  for (std::size_t i = 1; i < rows.size(); ++i) {
    p.x.push_back(rows[i][1]);
    p.y.push_back(rows[i][2]);
    p.demand.push_back(rows[i][3]);
    p.ready.push_back(rows[i][4]);
    p.due.push_back(rows[i][5]);
    p.service.push_back(rows[i][6]);
  }
  for (int v = 0; v < vehicles; ++v) {
    p.capacity.push_back(capacity);
    p.shift_start.push_back(d[4]);
    p.shift_end.push_back(d[5]);
    p.start_depot.push_back(0);
    p.end_depot.push_back(0);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <vrptw dir> [seconds] [prefix ...]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const double seconds = argc > 2 ? std::stod(argv[2]) : 10.0;
  std::vector<std::string> prefixes;
  crmkit::vrp_options base;
  base.time_limit = seconds;
  base.seed = 1;
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    const auto eq = a.find('=');
    if (eq == std::string::npos) {
      prefixes.push_back(a);
      continue;
    }
    bool found = false;
    for (const auto& e : crmkit::option_table<crmkit::vrp_options>::entries)
      if (e.name == a.substr(0, eq)) {
        e.set_number(base, std::stod(a.substr(eq + 1)));
        found = true;
      }
    if (!found) {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  std::map<std::string, std::pair<int, double>> bk;
  {
    std::ifstream in(dir + "/best_known_200.csv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::vector<std::string> f;
      std::stringstream ss(line);
      std::string x;
      while (std::getline(ss, x, ',')) f.push_back(x);
      if (f.size() >= 6) bk[f[2]] = {std::stoi(f[4]), std::stod(f[5])};
    }
  }
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/gehring_homberger_200"))
    names.push_back(e.path().stem().string());
  auto order = [](const std::string& s) {
    const auto u = s.rfind('_');
    return std::make_pair(s.substr(0, u), std::stoi(s.substr(u + 1)));
  };
  std::sort(names.begin(), names.end(), [&](const auto& a, const auto& b) { return order(a) < order(b); });
  std::printf("instance,routes,bk_routes,distance,bk_distance,route_gap,distance_gap_pct,seconds,iterations\n");
  std::map<std::string, std::vector<std::pair<double, double>>> by_class;
  for (const auto& name : names) {
    if (!prefixes.empty() &&
        std::none_of(prefixes.begin(), prefixes.end(), [&](const auto& p) { return name.rfind(p, 0) == 0; }))
      continue;
    crmkit::vrp_problem p;
    if (!read_instance(dir + "/gehring_homberger_200/" + name + ".txt", p)) {
      std::fprintf(stderr, "cannot read %s\n", name.c_str());
      return 1;
    }
    const crmkit::vrp_options o = base;
    const auto r = crmkit::solve_vrptw(p, o);
    const auto [bk_routes, bk_dist] = bk.at(name);
    const double route_gap = static_cast<double>(r.n_routes) - bk_routes;
    const double gap = 100.0 * (r.distance - bk_dist) / bk_dist;
    std::printf("%s,%zu,%d,%.2f,%.2f,%.0f,%.2f,%.2f,%lld\n", name.c_str(), r.n_routes, bk_routes, r.distance, bk_dist,
                route_gap, gap, r.seconds, static_cast<long long>(r.iterations));
    std::fflush(stdout);
    std::string cls = name.substr(0, name.find('_'));
    for (auto& ch : cls) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    by_class[cls].push_back({route_gap, gap});
  }
  std::printf("class,instances,mean_route_gap,mean_distance_gap_pct\n");
  std::vector<std::pair<double, double>> all;
  for (const auto& [cls, v] : by_class) {
    double rg = 0, dg = 0;
    for (auto [a, b] : v) {
      rg += a;
      dg += b;
      all.push_back({a, b});
    }
    std::printf("%s,%zu,%.2f,%.2f\n", cls.c_str(), v.size(), rg / static_cast<double>(v.size()), dg / static_cast<double>(v.size()));
  }
  double rg = 0, dg = 0;
  for (auto [a, b] : all) {
    rg += a;
    dg += b;
  }
  if (!all.empty())
    std::printf("all,%zu,%.2f,%.2f\n", all.size(), rg / static_cast<double>(all.size()), dg / static_cast<double>(all.size()));
  return 0;
}
