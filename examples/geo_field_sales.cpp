// Field sales on a map with crmkit's geo queries: places synthetic customers (the
// deterministic generator of crmkit/synth, clustered around real cities; the bundled
// CDNOW sample has no locations), answers "who is within 5 km of this rep" (all, and only
// those at risk of churning), lists the customers inside a territory drawn on the map
// (GeoJSON with a hole), routes a few service requests to the nearest available rep and
// assigns a batch of requests to reps with a capacity each, and summarises a rep's day
// from a sample GPS track (distance, outliers, stops, visits), the coverage of the rep's
// assigned customers with a daily summary, and the customers' density on geohash cells.
//
//   example_geo_field_sales [n_customers]
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/crmkit.hpp"

int main(int argc, char** argv) {
  try {
    crmkit::synth_options options;
    options.n_customers = argc > 1 ? static_cast<std::size_t>(std::strtoul(argv[1], nullptr, 10)) : 20000;
    options.n_transactions = options.n_customers * 3;
    options.n_cities = 5;
    options.seed = 6;
    const crmkit::dataset data = crmkit::generate_transactions(options);
    const crmkit::customer_table& customers = data.customers();
    const crmkit::geo_index index = crmkit::geo_index::from_customers(customers);
    const auto& city = crmkit::synth_cities()[0];
    fmt::print("{} customers placed around {} cities; index over {} locations\n", customers.size(), options.n_cities,
               index.n_located());

    // 1. Who is within 5 km of a rep standing in the city centre, closest first?
    crmkit::geo_query_options by_distance;
    by_distance.order = crmkit::geo_order::by_distance;
    const auto near = index.within(city.longitude, city.latitude, 5000.0, by_distance);
    fmt::print("{} customers within 5 km of the rep in {}; closest: {} at {:.0f} m\n", near.ids.size(), city.name,
               customers.id(near.ids.front()), near.distances_m.front());
    // ... and only those who will have dropped out by the end of the period (the
    // generator's latent truth stands in for a churn model's flag).
    std::vector<double> at_risk(customers.size());
    const auto dropout = customers.attribute("true_dropout_at");
    for (std::size_t i = 0; i < at_risk.size(); ++i) at_risk[i] = dropout[i] < static_cast<double>(options.end_time) ? 1 : 0;
    crmkit::geo_filter risky(customers.size());
    risky.require(at_risk, crmkit::geo_compare::equal, 1.0);
    crmkit::geo_query_options risky_q = by_distance;
    risky_q.filter = &risky;
    const auto near_risky = index.within(city.longitude, city.latitude, 5000.0, risky_q);
    fmt::print("{} of them are at risk of churning (same index, filtered at query time)\n", near_risky.ids.size());

    // 2. Customers inside a territory drawn on the map: a GeoJSON polygon with a hole.
    const double x = city.longitude, y = city.latitude;
    const std::string drawn = fmt::format(
        R"({{"type": "Feature", "properties": {{"name": "centre-north"}}, "geometry": {{"type": "Polygon",
            "coordinates": [[[{0}, {1}], [{2}, {1}], [{2}, {3}], [{0}, {3}], [{0}, {1}]],
                            [[{4}, {5}], [{6}, {5}], [{6}, {7}], [{4}, {7}], [{4}, {5}]]]}}}})",
        x - 0.08, y, x + 0.08, y + 0.06, x - 0.01, y + 0.01, x + 0.01, y + 0.02);
    const auto territory = crmkit::territory::parse(drawn);
    crmkit::geo_query_options by_index;
    by_index.order = crmkit::geo_order::by_index;
    const auto inside = index.in_territory(territory, by_index);
    fmt::print("{} customers inside the drawn territory (first: {})\n", inside.size(),
               inside.empty() ? std::string("-") : std::string(customers.id(inside.front())));

    // 3. Service requests: the nearest available rep for a few, then a whole batch
    //    assigned nearest-first with at most 40 requests per rep.
    const std::vector<double> rep_lon = {x - 0.05, x + 0.02, x + 0.07, x - 0.02, x + 0.11};
    const std::vector<double> rep_lat = {y + 0.01, y - 0.03, y + 0.02, y + 0.05, y - 0.01};
    crmkit::rep_roster reps(rep_lon, rep_lat);
    reps.set_available(1, false);  // off today
    reps.set_available(4, false);
    for (std::size_t r = 0; r < 3; ++r) {
      const auto c = static_cast<std::size_t>(near.ids[r * 7]);
      const auto best = reps.nearest_available(customers.longitude()[c], customers.latitude()[c], 1);
      fmt::print("request from {}: rep {} at {:.0f} m\n", customers.id(near.ids[r * 7]), best.ids[0],
                 best.distances_m[0]);
    }
    std::vector<double> req_lon, req_lat;
    for (std::size_t r = 0; r < 100 && r < near.ids.size(); ++r) {
      req_lon.push_back(customers.longitude()[static_cast<std::size_t>(near.ids[r])]);
      req_lat.push_back(customers.latitude()[static_cast<std::size_t>(near.ids[r])]);
    }
    const auto plan = reps.assign(req_lon, req_lat, std::vector<std::int32_t>(reps.size(), 40));
    fmt::print("{} requests assigned, {} left open; load per rep:", req_lon.size() - plan.n_unassigned,
               plan.n_unassigned);
    for (auto l : plan.load) fmt::print(" {}", l);
    fmt::print("\n");

    // 4. A rep's day from a GPS track: from rep 0, drive to three customers at 10 m/s with
    //    a fix every 30 s, stay 20 minutes at each (fixes every minute), with one GPS jump.
    std::vector<std::int64_t> t;
    std::vector<double> tlon, tlat;
    std::int64_t now = options.end_time - 86400 + 8 * 3600;  // 08:00 on the last day
    double px = rep_lon[0], py = rep_lat[0];
    for (std::size_t v = 0; v < 3; ++v) {
      const auto c = static_cast<std::size_t>(near.ids[v * 11]);
      const double cx = customers.longitude()[c], cy = customers.latitude()[c];
      const double leg = crmkit::haversine_m(px, py, cx, cy);
      const auto steps = static_cast<int>(leg / 300.0) + 1;  // 300 m per 30 s fix
      for (int k = 0; k < steps; ++k, now += 30) {
        t.push_back(now);
        tlon.push_back(px + (cx - px) * k / steps);
        tlat.push_back(py + (cy - py) * k / steps + (v == 1 && k == steps / 2 ? 0.5 : 0.0));  // the jump
      }
      for (int k = 0; k <= 20; ++k, now += 60) {
        t.push_back(now);
        tlon.push_back(cx);
        tlat.push_back(cy);
      }
      px = cx;
      py = cy;
    }
    const auto day = crmkit::analyze_track(t, tlon, tlat, &index);
    fmt::print("rep 0's day: {:.1f} km driven ({} GPS outlier dropped), {} stops, {} customer visits, {} min at customers\n",
               day.distance_m / 1000, day.n_dropped, day.stops.size(), day.n_visits, day.time_at_customers_s / 60);

    // 5. Coverage of the rep's assigned customers over the last two days: six customers,
    //    three of which the track visits; each due every 7 days, so all are due at once.
    const std::vector<std::int32_t> assigned = {near.ids[0], near.ids[11], near.ids[22], near.ids[5], near.ids[16],
                                                near.ids[27]};
    const std::vector<std::int32_t> weekly(assigned.size(), 7);
    crmkit::coverage_options period;
    period.period_start = options.end_time - 2 * 86400;
    period.period_end = options.end_time;
    const crmkit::gps_track track{t, tlon, tlat};
    const auto cover = crmkit::compute_rep_coverage({&track, 1}, assigned, &index, {{}, weekly}, period);
    fmt::print("coverage: {} of {} assigned customers visited ({:.0f} %)", cover.n_covered, assigned.size(),
               100 * cover.share_covered);
    for (const auto& d : cover.days)
      fmt::print("; {}: {:.1f} km, {} visits, {} due not visited", crmkit::format_iso_date(d.day_start + 43200),
                 d.distance_m / 1000, d.n_visits, d.due_not_visited.size());
    fmt::print("\n");

    // 6. Where the customers are: geohash cells of 5 characters (about 5 x 5 km).
    const auto cells = crmkit::geohash_grid(customers.longitude(), customers.latitude(), {}, 5);
    std::size_t top = 0;
    for (std::size_t i = 1; i < cells.cells.size(); ++i)
      if (cells.count[i] > cells.count[top]) top = i;
    fmt::print("{} customers in {} geohash-5 cells; busiest {} ({} customers)\n", customers.size() - cells.n_unlocated,
               cells.cells.size(), cells.cells[top], cells.count[top]);
  } catch (const crmkit::error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
