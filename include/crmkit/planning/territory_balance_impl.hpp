// Definitions for crmkit/planning/territory_balance.hpp. Included by that header in
// header-only mode and by src/planning/territory_balance.cpp otherwise.
// IWYU pragma: private, include "crmkit/planning/territory_balance.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/geo/geo_index.hpp"
#include "crmkit/geo/sphere.hpp"
#include "crmkit/planning/territory_balance.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail::territory_balancing {

inline std::vector<double> numeric_column(const customer_table& t, const std::string& name, const char* role) {
  const table_column* c = t.find_column(name);
  if (c == nullptr)
    throw error(errc::invalid_argument,
                fmt::format("balance_territories: the customer table has no column '{}' ({})", name, role));
  if (c->type != column_type::float64 && c->type != column_type::int64)
    throw error(errc::invalid_argument,
                fmt::format("balance_territories: column '{}' ({}) is {}, expected float64 or int64", name, role,
                            to_string(c->type)));
  std::vector<double> v(t.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = c->as_double(i);
  return v;
}

// Excess over the tolerance and its cost q(e) = e + e^2.
inline double excess_cost(double x, double target, double tol) noexcept {
  if (!(target > 0)) return 0.0;
  const double e = std::max(0.0, std::abs(x / target - 1.0) - tol);
  return e + e * e;
}

inline double deviation(double x, double target) noexcept { return target > 0 ? x / target - 1.0 : 0.0; }

// Connected pieces of each rep's territory in the graph (union-find over same-rep edges).
inline std::vector<std::size_t> fragments(const std::vector<std::size_t>& offsets, const std::vector<std::uint32_t>& adj,
                                          const std::vector<std::int32_t>& rep, std::size_t k) {
  const std::size_t n = rep.size();
  std::vector<std::uint32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0u);
  auto find = [&](std::uint32_t x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t e = offsets[i]; e < offsets[i + 1]; ++e) {
      const std::uint32_t j = adj[e];
      if (rep[i] >= 0 && rep[i] == rep[j]) {
        const std::uint32_t a = find(static_cast<std::uint32_t>(i)), b = find(j);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
      }
    }
  std::vector<std::size_t> out(k, 0);
  for (std::size_t i = 0; i < n; ++i)
    if (rep[i] >= 0 && find(static_cast<std::uint32_t>(i)) == i) ++out[static_cast<std::size_t>(rep[i])];
  return out;
}

}  // namespace detail::territory_balancing

CRMKIT_FUNC territory_balance_result balance_territories(const customer_table& customers, const territory_reps& reps,
                                                         const territory_columns& columns,
                                                         const territory_balance_options& o) {
  using namespace detail::territory_balancing;
  validate_options(o, "balance_territories");
  const std::size_t n = customers.size();
  const std::size_t k = reps.names.size();
  // ---- reps
  if (k == 0) throw error(errc::invalid_argument, "balance_territories: no reps");
  if (reps.home_lon.size() != k || reps.home_lat.size() != k)
    throw error(errc::invalid_argument,
                fmt::format("balance_territories: {} reps but {} home longitudes and {} home latitudes", k,
                            reps.home_lon.size(), reps.home_lat.size()));
  if (!reps.capacity.empty() && reps.capacity.size() != k)
    throw error(errc::invalid_argument,
                fmt::format("balance_territories: {} reps but {} capacities", k, reps.capacity.size()));
  auto rep_levels = std::make_shared<string_dictionary>();
  std::vector<double> cap(k, 1.0);
  for (std::size_t r = 0; r < k; ++r) {
    const std::string& name = reps.names[r];
    if (name.empty()) throw error(errc::invalid_argument, fmt::format("balance_territories: rep {} has an empty name", r));
    if (rep_levels->find(name) >= 0)
      throw error(errc::invalid_argument, fmt::format("balance_territories: rep name '{}' appears twice", name));
    rep_levels->insert(name);
    const double lon = reps.home_lon[r], lat = reps.home_lat[r];
    if (!std::isfinite(lon) || !std::isfinite(lat))
      throw error(errc::invalid_argument,
                  fmt::format("balance_territories: rep '{}' has no home (longitude {}, latitude {})", name, lon, lat));
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90)
      throw error(errc::invalid_argument,
                  fmt::format("balance_territories: rep '{}' has its home out of range (longitude {}, latitude {})",
                              name, lon, lat));
    if (!reps.capacity.empty()) {
      cap[r] = reps.capacity[r];
      if (!(cap[r] > 0) || !std::isfinite(cap[r]))
        throw error(errc::invalid_argument,
                    fmt::format("balance_territories: rep '{}' has capacity {}, expected a finite number > 0", name, cap[r]));
    }
  }
  // ---- customers, in the byte order of their ids
  if ((columns.lon.empty()) != (columns.lat.empty()))
    throw error(errc::invalid_argument, "balance_territories: name both location columns (lon and lat) or neither");
  const bool own_columns = !columns.lon.empty();
  if (n > 0 && !own_columns && !customers.has_locations())
    throw error(errc::invalid_argument, "balance_territories: the customer table has no locations");
  const std::vector<double> lon_in = own_columns ? numeric_column(customers, columns.lon, "longitude")
                                                 : std::vector<double>(customers.longitude().begin(), customers.longitude().end());
  const std::vector<double> lat_in = own_columns ? numeric_column(customers, columns.lat, "latitude")
                                                 : std::vector<double>(customers.latitude().begin(), customers.latitude().end());
  std::vector<std::int32_t> order(n);  // sorted position -> table row
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::int32_t a, std::int32_t b) { return customers.id(a) < customers.id(b); });
  const auto row = [&](std::size_t s) { return static_cast<std::size_t>(order[s]); };
  const auto cid = [&](std::size_t s) { return customers.id(order[s]); };

  const std::vector<double> value_in = numeric_column(customers, columns.value, "value");
  const std::vector<double> visits_in = columns.visits.empty() ? std::vector<double>(n, o.default_visits)
                                                               : numeric_column(customers, columns.visits, "visits");
  const std::vector<double> service_in = columns.service_min.empty()
                                             ? std::vector<double>(n, o.default_service_min)
                                             : numeric_column(customers, columns.service_min, "service minutes");
  std::vector<double> lon(n), lat(n), value(n), visits(n), service(n);
  for (std::size_t s = 0; s < n; ++s) {
    const std::size_t i = row(s);
    lon[s] = lon_in[i];
    lat[s] = lat_in[i];
    if (std::isnan(lon[s]) || std::isnan(lat[s]))
      throw error(errc::invalid_argument, fmt::format("balance_territories: customer '{}' has no location", cid(s)));
    if (!(lon[s] >= -180 && lon[s] <= 180 && lat[s] >= -90 && lat[s] <= 90))
      throw error(errc::invalid_argument,
                  fmt::format("balance_territories: customer '{}' has its location out of range (longitude {}, "
                              "latitude {})",
                              cid(s), lon[s], lat[s]));
    value[s] = value_in[i];
    visits[s] = visits_in[i];
    service[s] = service_in[i];
    if (!std::isfinite(value[s]))
      throw error(errc::invalid_argument,
                  fmt::format("balance_territories: customer '{}' has value {} in column '{}', expected a finite number",
                              cid(s), value[s], columns.value));
    if (!(visits[s] >= 0) || !std::isfinite(visits[s]))
      throw error(errc::invalid_argument,
                  fmt::format("balance_territories: customer '{}' has {} visits, expected a finite number >= 0", cid(s),
                              visits[s]));
    if (!(service[s] >= 0) || !std::isfinite(service[s]))
      throw error(errc::invalid_argument,
                  fmt::format("balance_territories: customer '{}' has a service time of {} minutes, expected a finite "
                              "number >= 0",
                              cid(s), service[s]));
  }
  // today's rep, as a rep index
  std::vector<std::int32_t> today(n, -1);
  if (!columns.current_rep.empty()) {
    const table_column* c = customers.find_column(columns.current_rep);
    if (c == nullptr)
      throw error(errc::invalid_argument,
                  fmt::format("balance_territories: the customer table has no column '{}' (today's rep)", columns.current_rep));
    if (c->type != column_type::category)
      throw error(errc::invalid_argument,
                  fmt::format("balance_territories: column '{}' (today's rep) is {}, expected category",
                              columns.current_rep, to_string(c->type)));
    const std::size_t n_levels = c->category.levels ? c->category.levels->size() : 0;
    std::vector<std::int32_t> level_rep(n_levels, -1);
    for (std::size_t l = 0; l < n_levels; ++l)
      level_rep[l] = rep_levels->find(c->category.levels->at(static_cast<std::int32_t>(l)));
    for (std::size_t s = 0; s < n; ++s) {
      const std::int32_t code = c->category.codes[row(s)];
      if (code < 0) continue;
      const std::int32_t r = level_rep[static_cast<std::size_t>(code)];
      if (r < 0)
        throw error(errc::invalid_argument,
                    fmt::format("balance_territories: customer '{}' has today's rep '{}', which is not among the reps",
                                cid(s), c->category.levels->at(code)));
      today[s] = r;
    }
  }

  // ---- distances, travel and workload per (customer, rep)
  std::vector<double> dist_km(n * k), work(n * k);
  const double minutes_per_km = 60.0 / o.speed_kmh;
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t r = 0; r < k; ++r) {
      const double d = haversine_m(reps.home_lon[r], reps.home_lat[r], lon[s], lat[s]) / 1000.0;
      dist_km[s * k + r] = d;
      work[s * k + r] = visits[s] * (service[s] + o.travel_factor * d * minutes_per_km);
    }
  const auto travel = [&](std::size_t s, std::size_t r) { return work[s * k + r] - visits[s] * service[s]; };
  double t_bar = 0;
  for (std::size_t s = 0; s < n; ++s) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t r = 0; r < k; ++r) best = std::min(best, travel(s, r));
    t_bar += best;
  }
  t_bar = n > 0 ? t_bar / static_cast<double>(n) : 0.0;
  if (!(t_bar > 0)) t_bar = 1.0;

  // ---- kNN graph (symmetrised, CSR)
  std::vector<std::size_t> offsets(n + 1, 0);
  std::vector<std::uint32_t> adj;
  if (n > 1) {
    const geo_index index(lon, lat);
    const std::size_t kk = std::min<std::size_t>(static_cast<std::size_t>(o.n_neighbors) + 1, n);
    const geo_neighbors nb = index.nearest_batch(lon, lat, kk);
    std::vector<std::vector<std::uint32_t>> lists(n);
    for (std::size_t s = 0; s < n; ++s) {
      std::size_t taken = 0;
      for (std::size_t q = 0; q < kk && taken < static_cast<std::size_t>(o.n_neighbors); ++q) {
        const std::int32_t j = nb.ids[s * kk + q];
        if (j < 0 || static_cast<std::size_t>(j) == s) continue;
        lists[s].push_back(static_cast<std::uint32_t>(j));
        lists[static_cast<std::size_t>(j)].push_back(static_cast<std::uint32_t>(s));
        ++taken;
      }
    }
    for (std::size_t s = 0; s < n; ++s) {
      std::sort(lists[s].begin(), lists[s].end());
      lists[s].erase(std::unique(lists[s].begin(), lists[s].end()), lists[s].end());
      offsets[s + 1] = offsets[s] + lists[s].size();
    }
    adj.reserve(offsets[n]);
    for (auto& l : lists) adj.insert(adj.end(), l.begin(), l.end());
  }

  // ---- start: today's rep, else the nearest home
  std::vector<std::int32_t> rep(today);
  std::size_t n_unassigned = 0;
  for (std::size_t s = 0; s < n; ++s)
    if (rep[s] < 0) {
      ++n_unassigned;
      std::size_t best = 0;
      for (std::size_t r = 1; r < k; ++r)
        if (dist_km[s * k + r] < dist_km[s * k + best]) best = r;
      rep[s] = static_cast<std::int32_t>(best);
    }

  const double cap_total = std::accumulate(cap.begin(), cap.end(), 0.0);
  const double nd = static_cast<double>(n);
  std::vector<double> W(k), V(k), tW(k), tV(k);
  auto totals = [&](const std::vector<std::int32_t>& a) {
    std::fill(W.begin(), W.end(), 0.0);
    std::fill(V.begin(), V.end(), 0.0);
    for (std::size_t s = 0; s < n; ++s)
      if (a[s] >= 0) {
        const auto r = static_cast<std::size_t>(a[s]);
        W[r] += work[s * k + r];
        V[r] += value[s];
      }
    const double sw = std::accumulate(W.begin(), W.end(), 0.0), sv = std::accumulate(V.begin(), V.end(), 0.0);
    for (std::size_t r = 0; r < k; ++r) {
      tW[r] = sw * cap[r] / cap_total;
      tV[r] = sv * cap[r] / cap_total;
    }
  };
  auto cut_of = [&](std::size_t s, std::int32_t as) {
    std::size_t c = 0;
    for (std::size_t e = offsets[s]; e < offsets[s + 1]; ++e) c += rep[adj[e]] != as ? 1 : 0;
    return c;
  };
  auto cut_edges = [&](const std::vector<std::int32_t>& a) {
    std::size_t c = 0;
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t e = offsets[s]; e < offsets[s + 1]; ++e)
        if (adj[e] > s && a[s] >= 0 && a[adj[e]] >= 0 && a[s] != a[adj[e]]) ++c;
    return c;
  };
  auto balance_cost = [&](std::size_t r) {
    return excess_cost(W[r], tW[r], o.workload_tolerance) + excess_cost(V[r], tV[r], o.value_tolerance);
  };
  std::size_t moved = 0;
  auto objective = [&]() {
    double b = 0, t = 0;
    for (std::size_t r = 0; r < k; ++r) b += balance_cost(r);
    for (std::size_t s = 0; s < n; ++s) t += travel(s, static_cast<std::size_t>(rep[s]));
    return o.balance_weight * nd * b + o.travel_weight * t / t_bar +
           o.cut_weight * static_cast<double>(cut_edges(rep)) + o.move_penalty * static_cast<double>(moved);
  };
  auto is_moved = [&](std::size_t s, std::int32_t r) { return today[s] >= 0 && today[s] != r ? 1 : 0; };
  const std::size_t budget = o.max_moves < 0 ? std::numeric_limits<std::size_t>::max()
                                             : static_cast<std::size_t>(o.max_moves);

  territory_balance_result res;
  res.reps.resize(k);
  // before: today's assignment (customers without a rep left out)
  totals(today);
  const std::vector<std::size_t> frag_before = fragments(offsets, adj, today, k);
  res.within_tolerance_before = true;
  for (std::size_t r = 0; r < k; ++r) {
    auto& x = res.reps[r];
    x.rep = reps.names[r];
    x.workload_before = W[r];
    x.value_before = V[r];
    x.workload_deviation_before = deviation(W[r], tW[r]);
    x.value_deviation_before = deviation(V[r], tV[r]);
    x.fragments_before = frag_before[r];
    res.max_workload_deviation_before = std::max(res.max_workload_deviation_before, std::abs(x.workload_deviation_before));
    res.max_value_deviation_before = std::max(res.max_value_deviation_before, std::abs(x.value_deviation_before));
    if (std::abs(x.workload_deviation_before) > o.workload_tolerance || std::abs(x.value_deviation_before) > o.value_tolerance)
      res.within_tolerance_before = false;
  }
  for (std::size_t s = 0; s < n; ++s)
    if (today[s] >= 0) ++res.reps[static_cast<std::size_t>(today[s])].customers_before;
  res.cut_edges_before = cut_edges(today);
  res.n_unassigned_before = n_unassigned;

  totals(rep);
  res.objective_before = objective();

  // ---- local search
  const auto wk = [&](std::size_t s, std::size_t r) { return work[s * k + r]; };
  const double bw = o.balance_weight * nd;
  std::vector<std::size_t> nb_count(k, 0);
  // The best transfer of customer s: (delta J, rep), rep == k when none lowers J. Only reps
  // of s's kNN neighbours are candidates unless `open` (then every rep).
  auto best_transfer = [&](std::size_t s, bool open) {
    const auto a = static_cast<std::size_t>(rep[s]);
    for (std::size_t e = offsets[s]; e < offsets[s + 1]; ++e) ++nb_count[static_cast<std::size_t>(rep[adj[e]])];
    const double ca = balance_cost(a);
    const double wa = W[a], va = V[a];
    W[a] -= wk(s, a);
    V[a] -= value[s];
    const double ca_after = balance_cost(a);
    W[a] = wa;
    V[a] = va;
    double best = 0;
    std::size_t best_r = k;
    const int moved_now = is_moved(s, rep[s]);
    for (std::size_t b = 0; b < k; ++b) {
      if (b == a || (!open && nb_count[b] == 0)) continue;
      const int moved_then = is_moved(s, static_cast<std::int32_t>(b));
      if (moved_then > moved_now && moved + 1 > budget) continue;
      const double cb = balance_cost(b);
      const double wb = W[b], vb = V[b];
      W[b] += wk(s, b);
      V[b] += value[s];
      const double cb_after = balance_cost(b);
      W[b] = wb;
      V[b] = vb;
      const double delta = bw * (ca_after - ca + cb_after - cb) +
                           o.travel_weight * (travel(s, b) - travel(s, a)) / t_bar +
                           o.cut_weight * (static_cast<double>(nb_count[a]) - static_cast<double>(nb_count[b])) +
                           o.move_penalty * (moved_then - moved_now);
      if (delta < best) {
        best = delta;
        best_r = b;
      }
    }
    for (std::size_t e = offsets[s]; e < offsets[s + 1]; ++e) nb_count[static_cast<std::size_t>(rep[adj[e]])] = 0;
    return std::pair<double, std::size_t>(best, best_r);
  };
  std::int64_t passes = 0;
  double current = res.objective_before;
  bool open = false;  // a pass where any rep is a candidate, after a pass of neighbours found nothing
  std::vector<std::pair<double, std::size_t>> candidates;
  for (; passes < o.max_iter;) {
    ++passes;
    totals(rep);  // fresh targets and exact sums
    std::size_t changes = 0;
    // transfers: every customer's best, applied best first (each re-checked when its turn comes)
    candidates.clear();
    for (std::size_t s = 0; s < n; ++s) {
      const auto [delta, b] = best_transfer(s, open);
      if (b < k) candidates.emplace_back(delta, s);
    }
    std::sort(candidates.begin(), candidates.end());
    for (const auto& [first_delta, s] : candidates) {
      const auto [delta, b] = best_transfer(s, open);
      if (b == k || !(delta < -1e-12 * (1.0 + std::abs(current)))) continue;
      const auto a = static_cast<std::size_t>(rep[s]);
      const int moved_now = is_moved(s, rep[s]);
      W[a] -= wk(s, a);
      V[a] -= value[s];
      W[b] += wk(s, b);
      V[b] += value[s];
      moved = moved - static_cast<std::size_t>(moved_now) + static_cast<std::size_t>(is_moved(s, static_cast<std::int32_t>(b)));
      rep[s] = static_cast<std::int32_t>(b);
      current += delta;
      ++changes;
    }
    // swaps along kNN edges between two territories
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t e = offsets[s]; e < offsets[s + 1]; ++e) {
        const std::size_t j = adj[e];
        if (j <= s || rep[j] == rep[s]) continue;
        const auto a = static_cast<std::size_t>(rep[s]), b = static_cast<std::size_t>(rep[j]);
        const int m_before = is_moved(s, rep[s]) + is_moved(j, rep[j]);
        const int m_after = is_moved(s, rep[j]) + is_moved(j, rep[s]);
        if (m_after > m_before && moved + static_cast<std::size_t>(m_after - m_before) > budget) continue;
        const double c_before = balance_cost(a) + balance_cost(b);
        const double wa = W[a], va = V[a], wb = W[b], vb = V[b];
        W[a] += wk(j, a) - wk(s, a);
        V[a] += value[j] - value[s];
        W[b] += wk(s, b) - wk(j, b);
        V[b] += value[s] - value[j];
        const double c_after = balance_cost(a) + balance_cost(b);
        const double cut0 = static_cast<double>(cut_of(s, rep[s]) + cut_of(j, rep[j]));
        rep[s] = static_cast<std::int32_t>(b);
        rep[j] = static_cast<std::int32_t>(a);
        const double cut1 = static_cast<double>(cut_of(s, rep[s]) + cut_of(j, rep[j]));
        const double delta = bw * (c_after - c_before) +
                             o.travel_weight * (travel(s, b) + travel(j, a) - travel(s, a) - travel(j, b)) / t_bar +
                             o.cut_weight * (cut1 - cut0) + o.move_penalty * (m_after - m_before);
        if (delta < -1e-12 * (1.0 + std::abs(current))) {
          moved = static_cast<std::size_t>(static_cast<std::int64_t>(moved) + m_after - m_before);
          current += delta;
          ++changes;
        } else {
          rep[s] = static_cast<std::int32_t>(a);
          rep[j] = static_cast<std::int32_t>(b);
          W[a] = wa;
          V[a] = va;
          W[b] = wb;
          V[b] = vb;
        }
      }
    if (changes == 0) {
      if (open) break;
      open = true;  // neighbours exhausted: one pass open to every rep
    } else {
      open = false;
    }
  }
  res.passes = passes;

  // ---- after
  totals(rep);
  res.objective_after = objective();
  const std::vector<std::size_t> frag_after = fragments(offsets, adj, rep, k);
  res.within_tolerance_after = true;
  for (std::size_t r = 0; r < k; ++r) {
    auto& x = res.reps[r];
    x.workload_after = W[r];
    x.value_after = V[r];
    x.workload_deviation_after = deviation(W[r], tW[r]);
    x.value_deviation_after = deviation(V[r], tV[r]);
    x.fragments_after = frag_after[r];
    res.max_workload_deviation_after = std::max(res.max_workload_deviation_after, std::abs(x.workload_deviation_after));
    res.max_value_deviation_after = std::max(res.max_value_deviation_after, std::abs(x.value_deviation_after));
    if (std::abs(x.workload_deviation_after) > o.workload_tolerance || std::abs(x.value_deviation_after) > o.value_tolerance)
      res.within_tolerance_after = false;
  }
  res.cut_edges_after = cut_edges(rep);
  for (std::size_t s = 0; s < n; ++s) {
    ++res.reps[static_cast<std::size_t>(rep[s])].customers_after;
    if (today[s] >= 0 && today[s] != rep[s]) {
      ++res.n_moved;
      ++res.reps[static_cast<std::size_t>(today[s])].moved_out;
      ++res.reps[static_cast<std::size_t>(rep[s])].moved_in;
    }
  }

  // ---- per customer, in table order
  std::vector<std::int32_t> new_code(n), old_code(n);
  std::vector<std::int64_t> moved_col(n);
  std::vector<double> dcol(n), wcol(n);
  for (std::size_t s = 0; s < n; ++s) {
    const std::size_t i = row(s);
    const auto r = static_cast<std::size_t>(rep[s]);
    new_code[i] = rep[s];
    old_code[i] = today[s];
    moved_col[i] = is_moved(s, rep[s]);
    dcol[i] = dist_km[s * k + r];
    wcol[i] = work[s * k + r];
  }
  res.assignment = customer_table::from_ids(customers.shared_ids());
  std::shared_ptr<const string_dictionary> levels = std::move(rep_levels);
  res.assignment.set_category_column("rep", categorical_column{column<std::int32_t>::owned(std::move(new_code)), levels});
  res.assignment.set_category_column("previous_rep",
                                     categorical_column{column<std::int32_t>::owned(std::move(old_code)), levels});
  res.assignment.set_int64_column("moved", column<std::int64_t>::owned(std::move(moved_col)));
  res.assignment.set_column("distance_km", column<double>::owned(std::move(dcol)));
  res.assignment.set_column("workload_min", column<double>::owned(std::move(wcol)));
  return res;
}

CRMKIT_END_NAMESPACE
