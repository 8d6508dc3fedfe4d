// Definitions for crmkit/planning/vrptw.hpp. Included by that header in header-only mode
// and by src/planning/vrptw.cpp otherwise.
// IWYU pragma: private, include "crmkit/planning/vrptw.hpp"
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/geo/geodesic.hpp"
#include "crmkit/geo/sphere.hpp"
#include "crmkit/planning/vrptw.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail::vrp {

inline void bad(const std::string& message) { throw error(errc::invalid_argument, message); }

inline void check_size(std::size_t got, std::size_t want, const char* field, const char* what, bool allow_empty) {
  if (allow_empty && got == 0) return;
  if (got != want)
    bad(fmt::format("solve_vrptw: vrp_problem::{} has {} entries, expected one per {} ({})", field, got, what, want));
}

inline void check_values(const std::vector<double>& v, const char* field, const char* what, double lo) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i]) || v[i] < lo)
      bad(fmt::format("solve_vrptw: {} {}: {} is {}{}", what, i, field, v[i],
                      std::isfinite(v[i]) ? fmt::format(", below {}", lo) : std::string(", not a finite number")));
}

inline void check_problem(const vrp_problem& p, const vrp_options& o) {
  validate_options(o, "solve_vrptw");
  if (o.time_limit == 0 && o.max_iter == 0)
    bad("solve_vrptw: no budget: set time_limit > 0 or max_iter > 0");
  const std::size_t n = p.demand.size();
  const std::size_t nv = p.capacity.size();
  check_size(p.ready.size(), n, "ready", "customer (demand)", false);
  check_size(p.due.size(), n, "due", "customer (demand)", false);
  check_size(p.service.size(), n, "service", "customer (demand)", false);
  check_size(p.value.size(), n, "value", "customer (demand)", true);
  check_size(p.required.size(), n, "required", "customer (demand)", true);
  check_size(p.shift_start.size(), nv, "shift_start", "vehicle (capacity)", false);
  check_size(p.shift_end.size(), nv, "shift_end", "vehicle (capacity)", false);
  check_size(p.start_depot.size(), nv, "start_depot", "vehicle (capacity)", false);
  check_size(p.end_depot.size(), nv, "end_depot", "vehicle (capacity)", false);
  if (nv == 0) bad("solve_vrptw: no vehicles");
  if (n > 0x7FFFFFF0u) bad("solve_vrptw: too many customers");
  check_values(p.demand, "demand", "customer", 0);
  check_values(p.service, "service time", "customer", 0);
  check_values(p.value, "value", "customer", -std::numeric_limits<double>::max());
  check_values(p.ready, "ready", "customer", -std::numeric_limits<double>::max());
  check_values(p.due, "due", "customer", -std::numeric_limits<double>::max());
  for (std::size_t i = 0; i < n; ++i)
    if (p.due[i] < p.ready[i])
      bad(fmt::format("solve_vrptw: customer {}: the window ends ({}) before it starts ({})", i, p.due[i], p.ready[i]));
  check_values(p.capacity, "capacity", "vehicle", option_positive);
  check_values(p.shift_start, "shift_start", "vehicle", -std::numeric_limits<double>::max());
  check_values(p.shift_end, "shift_end", "vehicle", -std::numeric_limits<double>::max());
  for (std::size_t v = 0; v < nv; ++v)
    if (p.shift_end[v] < p.shift_start[v])
      bad(fmt::format("solve_vrptw: vehicle {}: the shift ends ({}) before it starts ({})", v, p.shift_end[v],
                      p.shift_start[v]));
  if (p.depot_y.size() != p.depot_x.size())
    bad(fmt::format("solve_vrptw: depot_x has {} entries, depot_y {}", p.depot_x.size(), p.depot_y.size()));
  const std::size_t n_depots = p.depot_x.size();
  for (std::size_t v = 0; v < nv; ++v)
    for (const auto* dep : {&p.start_depot, &p.end_depot})
      if ((*dep)[v] < 0 || static_cast<std::size_t>((*dep)[v]) >= n_depots)
        bad(fmt::format("solve_vrptw: vehicle {}: {} {} is not a depot index in [0, {})", v,
                        dep == &p.start_depot ? "start_depot" : "end_depot", (*dep)[v], n_depots));
  // breaks and route limits
  const bool any_break = !p.break_earliest.empty() || !p.break_latest.empty() || !p.break_duration.empty();
  if (any_break) {
    check_size(p.break_earliest.size(), nv, "break_earliest", "vehicle (capacity), or none of the break fields", false);
    check_size(p.break_latest.size(), nv, "break_latest", "vehicle (capacity), or none of the break fields", false);
    check_size(p.break_duration.size(), nv, "break_duration", "vehicle (capacity), or none of the break fields", false);
    check_values(p.break_earliest, "break_earliest", "vehicle", -std::numeric_limits<double>::max());
    check_values(p.break_latest, "break_latest", "vehicle", -std::numeric_limits<double>::max());
    for (std::size_t v = 0; v < nv; ++v) {
      const double d = p.break_duration[v];
      if (!std::isfinite(d) || d < 0)
        bad(fmt::format("solve_vrptw: vehicle {}: the break duration is {}, not a finite time >= 0", v, d));
      if (d == 0) continue;
      if (p.break_latest[v] < p.break_earliest[v])
        bad(fmt::format("solve_vrptw: vehicle {}: the break window ends ({}) before it starts ({})", v,
                        p.break_latest[v], p.break_earliest[v]));
      const double shift = p.shift_end[v] - p.shift_start[v];
      if (d > shift)
        bad(fmt::format("solve_vrptw: vehicle {}: the break ({}) is longer than the shift ({} to {}, {})", v, d,
                        p.shift_start[v], p.shift_end[v], shift));
      if (p.break_latest[v] < p.shift_start[v] || p.break_earliest[v] + d > p.shift_end[v])
        bad(fmt::format("solve_vrptw: vehicle {}: the break window [{}, {}] with duration {} does not fit in the "
                        "shift [{}, {}]",
                        v, p.break_earliest[v], p.break_latest[v], d, p.shift_start[v], p.shift_end[v]));
    }
  }
  check_size(p.max_stops.size(), nv, "max_stops", "vehicle (capacity)", true);
  for (std::size_t v = 0; v < p.max_stops.size(); ++v)
    if (p.max_stops[v] < 0) bad(fmt::format("solve_vrptw: vehicle {}: max_stops is {}, below 0", v, p.max_stops[v]));
  check_size(p.max_duration.size(), nv, "max_duration", "vehicle (capacity)", true);
  check_values(p.max_duration, "max_duration", "vehicle", 0);
  check_size(p.day.size(), nv, "day", "vehicle (capacity)", true);
  for (std::size_t v = 0; v < p.day.size(); ++v)
    if (p.day[v] < 0 || p.day[v] > 63)
      bad(fmt::format("solve_vrptw: vehicle {}: day {} is not in [0, 63]", v, p.day[v]));
  check_size(p.allowed_days.size(), n, "allowed_days", "customer (demand)", true);
  if (o.metric == vrp_metric::matrix) {
    const std::size_t nl = n + n_depots;
    if (p.travel_time.size() != nl * nl)
      bad(fmt::format("solve_vrptw: travel_time has {} entries, expected {} x {} (customers then depots)",
                      p.travel_time.size(), nl, nl));
    if (!p.distance.empty() && p.distance.size() != nl * nl)
      bad(fmt::format("solve_vrptw: distance has {} entries, expected {} x {} or none", p.distance.size(), nl, nl));
    for (const auto* m : {&p.travel_time, &p.distance})
      for (std::size_t k = 0; k < m->size(); ++k)
        if (!std::isfinite((*m)[k]) || (*m)[k] < 0)
          bad(fmt::format("solve_vrptw: {}[{}][{}] is {}, not a finite number >= 0",
                          m == &p.travel_time ? "travel_time" : "distance", k / nl, k % nl, (*m)[k]));
  } else {
    check_size(p.x.size(), n, "x", "customer (demand)", false);
    check_size(p.y.size(), n, "y", "customer (demand)", false);
    const bool earth = o.metric != vrp_metric::euclidean;
    auto check_xy = [&](double x, double y, const char* what, std::size_t i) {
      if (!std::isfinite(x) || !std::isfinite(y))
        bad(fmt::format("solve_vrptw: {} {}: missing coordinates ({}, {})", what, i, x, y));
      if (earth && (std::fabs(x) > 180 || std::fabs(y) > 90))
        bad(fmt::format("solve_vrptw: {} {}: ({}, {}) is not a longitude, latitude in degrees", what, i, x, y));
    };
    for (std::size_t i = 0; i < n; ++i) check_xy(p.x[i], p.y[i], "customer", i);
    for (std::size_t i = 0; i < n_depots; ++i) check_xy(p.depot_x[i], p.depot_y[i], "depot", i);
  }
}

// xoshiro256** seeded by splitmix64: the same numbers on every platform.
struct rng {
  std::uint64_t s[4];
  explicit rng(std::uint64_t seed) {
    for (auto& w : s) {
      seed += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      w = z ^ (z >> 31);
    }
  }
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(uniform() * static_cast<double>(n)); }
};

// The exact schedule of a route of vehicle v with its break and limits (the solver's
// evaluation; vrp_route_violation checks the same rules by another computation). Tries
// every break position g (the break comes before the g-th leg: 0 = at the start depot);
// per position: forward times from shift_start, the total waiting W and Savelsbergh's
// forward time slack F (how much later the rep could leave), so that the working time is
// A + max(0, W - F) (A: travel + service + break) at the departure shift_start + min(F, W).
struct schedule {
  bool ok = false;
  double end = 0, depart = 0, duration = 0;
  double break_start = std::numeric_limits<double>::quiet_NaN();
  int break_after = -1;
};

inline bool has_break(const vrp_problem& p, std::size_t v) {
  return !p.break_duration.empty() && p.break_duration[v] > 0;
}

inline bool has_extras(const vrp_problem& p, std::size_t v) {
  return has_break(p, v) || (!p.max_stops.empty() && p.max_stops[v] > 0) ||
         (!p.max_duration.empty() && p.max_duration[v] > 0);
}

inline schedule evaluate(const vrp_problem& p, const vrp_travel& tr, std::size_t v, const int* seq, std::size_t k,
                         double* arrival = nullptr, double* start = nullptr) {
  schedule best;
  const std::size_t n = p.demand.size();
  if (!p.max_stops.empty() && p.max_stops[v] > 0 && k > static_cast<std::size_t>(p.max_stops[v])) return best;
  const double s0 = p.shift_start[v], se = p.shift_end[v];
  const bool brk = k > 0 && has_break(p, v);
  const double be = brk ? p.break_earliest[v] : 0, bl = brk ? p.break_latest[v] : 0, bd = brk ? p.break_duration[v] : 0;
  const double max_dur = p.max_duration.empty() ? 0.0 : p.max_duration[v];
  const std::size_t start_loc = n + static_cast<std::size_t>(p.start_depot[v]);
  const std::size_t end_loc = n + static_cast<std::size_t>(p.end_depot[v]);
  auto run = [&](std::ptrdiff_t g, bool fill) {
    schedule s;
    double free = s0, a = 0, w = 0, f = std::numeric_limits<double>::infinity();
    std::size_t prev = start_loc;
    for (std::size_t i = 0; i <= k; ++i) {
      if (static_cast<std::ptrdiff_t>(i) == g) {
        const double bs = std::max(free, be);
        if (bs > bl) return s;
        w += bs - free;
        f = std::min(f, w + bl - bs);
        s.break_start = bs;
        s.break_after = static_cast<int>(i);
        free = bs + bd;
        a += bd;
      }
      const std::size_t next = i < k ? static_cast<std::size_t>(seq[i]) : end_loc;
      const double arr = free + tr.t(prev, next);
      a += tr.t(prev, next);
      if (i < k) {
        const double st = std::max(arr, p.ready[next]);
        if (st > p.due[next]) return s;
        w += st - arr;
        f = std::min(f, w + p.due[next] - st);
        if (fill) {
          arrival[i] = arr;
          start[i] = st;
        }
        free = st + p.service[next];
        a += p.service[next];
        prev = next;
      } else {
        if (arr > se) return s;
        f = std::min(f, w + se - arr);
        s.end = arr;
      }
    }
    s.duration = a + std::max(0.0, w - f);
    s.depart = s0 + std::min(f, w);
    if (max_dur > 0 && s.duration > max_dur) return s;
    s.ok = true;
    return s;
  };
  std::ptrdiff_t best_g = -1;
  if (!brk) {
    best = run(-1, false);
  } else {
    for (std::size_t g = 0; g <= k; ++g) {
      const schedule s = run(static_cast<std::ptrdiff_t>(g), false);
      if (!s.ok) continue;
      if (!best.ok || s.duration < best.duration || (s.duration == best.duration && s.end < best.end)) {
        best = s;
        best_g = static_cast<std::ptrdiff_t>(g);
      }
    }
  }
  if (best.ok && arrival != nullptr) (void)run(best_g, true);
  return best;
}

struct route {
  std::vector<int> seq;  // customers
  std::vector<double> e, l;  // earliest / latest service start, positions 0 (start depot) .. k+1 (end depot)
  double load = 0, dist = 0;
};

struct plan {
  std::vector<route> routes;
  std::vector<int> route_of;    // -1 unassigned
  std::vector<int> unassigned;  // active customers not routed
  double dist = 0;
  int used = 0;
};

class solver {
 public:
  solver(const vrp_problem& p, const vrp_options& o, const vrp_travel& tr)
      : p_(p), o_(o), tr_(tr), rng_(o.seed), n_(static_cast<int>(p.demand.size())),
        nv_(static_cast<int>(p.capacity.size())) {}

  vrp_result run();

 private:
  const vrp_problem& p_;
  const vrp_options& o_;
  const vrp_travel& tr_;
  rng rng_;
  int n_, nv_;
  std::vector<visit_status> status_;
  std::vector<int> active_;
  std::vector<std::vector<int>> near_;
  std::vector<int> vclass_, class_rep_;
  std::vector<double> depot_dist_, penalty_;
  std::vector<double> absences_;
  std::vector<char> extras_;  // per vehicle: a break or a route limit (exact evaluation on insertion)
  std::vector<int> cand_;     // scratch: a candidate route
  double route_cost_ = 0;
  bool prize_ = false;
  // undo log of the current iteration
  std::vector<int> saved_idx_;
  std::vector<route> saved_routes_;
  std::vector<char> touched_;
  std::vector<int> saved_unassigned_;
  double saved_dist_ = 0;
  int saved_used_ = 0;

  [[nodiscard]] std::size_t loc_start(int v) const { return static_cast<std::size_t>(n_ + p_.start_depot[static_cast<std::size_t>(v)]); }
  [[nodiscard]] std::size_t loc_end(int v) const { return static_cast<std::size_t>(n_ + p_.end_depot[static_cast<std::size_t>(v)]); }
  [[nodiscard]] double svc(std::size_t loc) const {
    return loc < static_cast<std::size_t>(n_) ? p_.service[loc] : 0.0;
  }
  [[nodiscard]] double value(int c) const { return p_.value.empty() ? 0.0 : p_.value[static_cast<std::size_t>(c)]; }
  [[nodiscard]] bool same_limits(std::size_t a, std::size_t b) const {
    auto eq = [&](const auto& field) { return field.empty() || field[a] == field[b]; };
    return eq(p_.break_earliest) && eq(p_.break_latest) && eq(p_.break_duration) && eq(p_.max_stops) &&
           eq(p_.max_duration) && eq(p_.day);
  }
  [[nodiscard]] bool allowed(int c, int v) const {
    if (p_.allowed_days.empty()) return true;
    const std::uint64_t mask = p_.allowed_days[static_cast<std::size_t>(c)];
    const int day = p_.day.empty() ? 0 : p_.day[static_cast<std::size_t>(v)];
    return mask == 0 || ((mask >> day) & 1u) != 0;
  }
  [[nodiscard]] bool required(int c) const {
    return !prize_ || (!p_.required.empty() && p_.required[static_cast<std::size_t>(c)] != 0);
  }

  void precheck();
  void update(route& r, int v) const;
  void touch(plan& s, int v);
  void commit();
  void rollback(plan& s);
  void remove_at(plan& s, int v, std::size_t pos, std::size_t count);
  void ruin(plan& s);
  void recreate(plan& s, int max_routes, bool by_absence);
  double cost(const plan& s, double route_weight) const;
  void full_rebuild(plan& s) const;
};

inline void solver::update(route& r, int v) const {
  const std::size_t k = r.seq.size();
  const auto vi = static_cast<std::size_t>(v);
  r.e.resize(k + 2);
  r.l.resize(k + 2);
  std::size_t prev = loc_start(v);
  double time = p_.shift_start[vi];
  r.e[0] = time;
  r.load = 0;
  r.dist = 0;
  for (std::size_t i = 1; i <= k; ++i) {
    const auto c = static_cast<std::size_t>(r.seq[i - 1]);
    time = std::max(p_.ready[c], time + svc(prev) + tr_.t(prev, c));
    r.e[i] = time;
    r.dist += tr_.d(prev, c);
    r.load += p_.demand[c];
    prev = c;
  }
  const std::size_t end = loc_end(v);
  r.e[k + 1] = time + svc(prev) + tr_.t(prev, end);
  r.dist += tr_.d(prev, end);
  r.l[k + 1] = p_.shift_end[vi];
  std::size_t next = end;
  for (std::size_t i = k; i >= 1; --i) {
    const auto c = static_cast<std::size_t>(r.seq[i - 1]);
    r.l[i] = std::min(p_.due[c], r.l[i + 1] - tr_.t(c, next) - p_.service[c]);
    next = c;
  }
  r.l[0] = r.l[1] - tr_.t(loc_start(v), next);
}

inline void solver::precheck() {
  status_.assign(static_cast<std::size_t>(n_), visit_status::routed);
  double max_cap = 0, max_shift = 0;
  for (int v = 0; v < nv_; ++v) {
    const auto vi = static_cast<std::size_t>(v);
    max_cap = std::max(max_cap, p_.capacity[vi]);
    max_shift = std::max(max_shift, p_.shift_end[vi] - p_.shift_start[vi]);
  }
  for (int c = 0; c < n_; ++c) {
    const auto ci = static_cast<std::size_t>(c);
    bool ok = false, reach = false, any_day = false, fits_alone = false;
    for (int v = 0; v < nv_ && !ok; ++v) {
      const auto vi = static_cast<std::size_t>(v);
      if (!allowed(c, v)) continue;
      any_day = true;
      if (p_.demand[ci] > p_.capacity[vi]) continue;
      const double arrive = std::max(p_.ready[ci], p_.shift_start[vi] + tr_.t(loc_start(v), ci));
      if (arrive > p_.due[ci]) continue;
      reach = true;
      if (arrive + p_.service[ci] + tr_.t(ci, loc_end(v)) <= p_.shift_end[vi]) {
        fits_alone = true;
        // the limits: a route with this visit works at least the trip there and back, the
        // service and the break (the break window is not judged here: a visit that cannot
        // be made alone with the break may fit in a route that rests elsewhere)
        const double work = tr_.t(loc_start(v), ci) + p_.service[ci] + tr_.t(ci, loc_end(v)) +
                            (has_break(p_, vi) ? p_.break_duration[vi] : 0.0);
        ok = !extras_[vi] || p_.max_duration.empty() || p_.max_duration[vi] == 0 || work <= p_.max_duration[vi];
      }
    }
    if (ok) {
      active_.push_back(c);
      continue;
    }
    if (!any_day) status_[ci] = visit_status::no_allowed_day;
    else if (fits_alone) status_[ci] = visit_status::route_limits;
    else if (p_.demand[ci] > max_cap) status_[ci] = visit_status::demand_exceeds_capacity;
    else if (p_.service[ci] > max_shift) status_[ci] = visit_status::service_exceeds_shift;
    else if (!reach) status_[ci] = visit_status::window_unreachable;
    else status_[ci] = visit_status::cannot_return;
  }
}

inline void solver::touch(plan& s, int v) {
  const auto vi = static_cast<std::size_t>(v);
  if (touched_[vi]) return;
  touched_[vi] = 1;
  saved_idx_.push_back(v);
  saved_routes_.push_back(s.routes[vi]);
}

inline void solver::commit() {
  for (int v : saved_idx_) touched_[static_cast<std::size_t>(v)] = 0;
  saved_idx_.clear();
  saved_routes_.clear();
}

inline void solver::rollback(plan& s) {
  for (int c : s.unassigned) s.route_of[static_cast<std::size_t>(c)] = -1;
  for (std::size_t k = 0; k < saved_idx_.size(); ++k) {
    const auto vi = static_cast<std::size_t>(saved_idx_[k]);
    for (int c : s.routes[vi].seq) s.route_of[static_cast<std::size_t>(c)] = -1;
  }
  for (std::size_t k = 0; k < saved_idx_.size(); ++k) {
    const auto vi = static_cast<std::size_t>(saved_idx_[k]);
    s.routes[vi] = std::move(saved_routes_[k]);
    for (int c : s.routes[vi].seq) s.route_of[static_cast<std::size_t>(c)] = saved_idx_[k];
  }
  s.unassigned = saved_unassigned_;
  s.dist = saved_dist_;
  s.used = saved_used_;
  commit();
}

inline void solver::remove_at(plan& s, int v, std::size_t pos, std::size_t count) {
  route& r = s.routes[static_cast<std::size_t>(v)];
  for (std::size_t k = pos; k < pos + count; ++k) {
    s.route_of[static_cast<std::size_t>(r.seq[k])] = -1;
    s.unassigned.push_back(r.seq[k]);
  }
  r.seq.erase(r.seq.begin() + static_cast<std::ptrdiff_t>(pos), r.seq.begin() + static_cast<std::ptrdiff_t>(pos + count));
  const double before = r.dist;
  update(r, v);
  s.dist += r.dist - before;
  if (r.seq.empty()) --s.used;
}

inline void solver::ruin(plan& s) {
  const std::size_t assigned = active_.size() - s.unassigned.size();
  if (assigned == 0 || s.used == 0) return;
  const double avg = static_cast<double>(assigned) / s.used;
  const double ls_max = std::min(o_.max_string, avg);
  const double ks_max = 4.0 * o_.average_removed / (1.0 + ls_max) - 1.0;
  const auto ks = static_cast<std::size_t>(1.0 + rng_.uniform() * std::max(ks_max, 1.0));
  int seed_c = -1;
  for (int tries = 0; tries < 1000 && seed_c < 0; ++tries) {
    const int c = active_[rng_.below(active_.size())];
    if (s.route_of[static_cast<std::size_t>(c)] >= 0) seed_c = c;
  }
  if (seed_c < 0) return;
  std::vector<int> ruined;
  auto visit = [&](int c) {
    const int v = s.route_of[static_cast<std::size_t>(c)];
    if (v < 0 || std::find(ruined.begin(), ruined.end(), v) != ruined.end()) return;
    touch(s, v);
    ruined.push_back(v);
    route& r = s.routes[static_cast<std::size_t>(v)];
    const std::size_t size = r.seq.size();
    const double l_max = std::min(static_cast<double>(size), ls_max);
    auto l = static_cast<std::size_t>(1.0 + rng_.uniform() * l_max);
    l = std::clamp<std::size_t>(l, 1, size);
    const auto pos = static_cast<std::size_t>(std::find(r.seq.begin(), r.seq.end(), c) - r.seq.begin());
    if (rng_.uniform() < 0.5 || l + 1 >= size || l < 2) {
      const std::size_t lo = pos + 1 >= l ? pos + 1 - l : 0;
      const std::size_t hi = std::min(pos, size - l);
      const std::size_t start = lo + rng_.below(hi - lo + 1);
      remove_at(s, v, start, l);
    } else {  // split string: a string of l + m visits around c, of which m consecutive stay
      std::size_t m = 1;
      while (l + m < size && rng_.uniform() < 0.5) ++m;
      const std::size_t total = l + m;
      const std::size_t lo = pos + 1 >= total ? pos + 1 - total : 0;
      const std::size_t hi = std::min(pos, size - total);
      const std::size_t start = lo + rng_.below(hi - lo + 1);
      const std::size_t keep = start + 1 + rng_.below(l - 1);  // first kept visit, inside the string
      remove_at(s, v, keep + m, start + total - keep - m);
      remove_at(s, v, start, keep - start);
    }
  };
  visit(seed_c);
  for (int c : near_[static_cast<std::size_t>(seed_c)]) {
    if (ruined.size() >= ks) break;
    visit(c);
  }
}

inline void solver::recreate(plan& s, int max_routes, bool by_absence) {
  auto& u = s.unassigned;
  if (u.empty()) return;
  for (std::size_t i = u.size(); i > 1; --i) std::swap(u[i - 1], u[rng_.below(i)]);
  auto key = [&](auto f) { std::stable_sort(u.begin(), u.end(), [&](int a, int b) { return f(a) > f(b); }); };
  if (by_absence) {
    key([&](int c) { return absences_[static_cast<std::size_t>(c)]; });
  } else {
    const double pick = rng_.uniform() * 11.0;
    if (pick < 4.0) {
    } else if (pick < 8.0) key([&](int c) { return p_.demand[static_cast<std::size_t>(c)]; });
    else if (pick < 10.0) key([&](int c) { return depot_dist_[static_cast<std::size_t>(c)]; });
    else key([&](int c) { return -depot_dist_[static_cast<std::size_t>(c)]; });
  }
  std::vector<int> todo;
  todo.swap(u);
  // prize collecting: half the recreates insert every visit that fits, profitable or not, so
  // that visits which pay only together (a cluster far from the depot) can enter; the
  // acceptance then judges the plan
  const bool explore = prize_ && rng_.uniform() < 0.5;
  constexpr double blink = 0.01;
  for (int c : todo) {
    const auto ci = static_cast<std::size_t>(c);
    double best = std::numeric_limits<double>::infinity();
    int best_v = -1;
    std::size_t best_p = 0;
    auto try_route = [&](int v) {
      const auto vi = static_cast<std::size_t>(v);
      const route& r = s.routes[vi];
      if (r.load + p_.demand[ci] > p_.capacity[vi] || !allowed(c, v)) return;
      const std::size_t k = r.seq.size();
      const bool exact = extras_[vi] != 0;
      if (exact && !p_.max_stops.empty() && p_.max_stops[vi] > 0 && k + 1 > static_cast<std::size_t>(p_.max_stops[vi]))
        return;
      std::size_t a = loc_start(v);
      for (std::size_t pos = 0; pos <= k; ++pos) {
        const std::size_t b = pos == k ? loc_end(v) : static_cast<std::size_t>(r.seq[pos]);
        const double delta = tr_.d(a, ci) + tr_.d(ci, b) - tr_.d(a, b);
        if (delta < best && (k == 0 || rng_.uniform() >= blink)) {
          const double arr = std::max(p_.ready[ci], r.e[pos] + svc(a) + tr_.t(a, ci));
          // the times without the break and limits are a relaxation; with them, the exact
          // schedule of the candidate route decides
          bool fits = arr <= p_.due[ci] && arr + p_.service[ci] + tr_.t(ci, b) <= r.l[pos + 1];
          if (fits && exact) {
            cand_.assign(r.seq.begin(), r.seq.end());
            cand_.insert(cand_.begin() + static_cast<std::ptrdiff_t>(pos), c);
            fits = evaluate(p_, tr_, vi, cand_.data(), cand_.size()).ok;
          }
          if (fits) {
            best = delta;
            best_v = v;
            best_p = pos;
          }
        }
        a = b;
      }
    };
    for (int v = 0; v < nv_; ++v)
      if (!s.routes[static_cast<std::size_t>(v)].seq.empty()) try_route(v);
    if (s.used < max_routes && (best_v < 0 || prize_)) {
      for (int v : class_rep_) {  // the first unused vehicle of each class
        const int cls = vclass_[static_cast<std::size_t>(v)];
        for (int w = v; w < nv_; ++w)
          if (vclass_[static_cast<std::size_t>(w)] == cls && s.routes[static_cast<std::size_t>(w)].seq.empty()) {
            try_route(w);
            break;
          }
      }
    }
    if (best_v >= 0 && prize_ && !explore && !required(c) && best * o_.cost_per_distance >= value(c)) best_v = -1;
    if (best_v < 0) {
      u.push_back(c);
      continue;
    }
    touch(s, best_v);
    route& r = s.routes[static_cast<std::size_t>(best_v)];
    if (r.seq.empty()) ++s.used;
    r.seq.insert(r.seq.begin() + static_cast<std::ptrdiff_t>(best_p), c);
    s.route_of[ci] = best_v;
    const double before = r.dist;
    update(r, best_v);
    s.dist += r.dist - before;
  }
}

inline double solver::cost(const plan& s, double route_weight) const {
  double c = prize_ ? o_.cost_per_distance * s.dist : s.dist + route_weight * s.used;
  for (int x : s.unassigned) c += penalty_[static_cast<std::size_t>(x)];
  return c;
}

inline vrp_result solver::run() {
  const auto t0 = std::chrono::steady_clock::now();
  prize_ = o_.objective == vrp_objective::prize_collecting;
  extras_.assign(static_cast<std::size_t>(nv_), 0);
  for (int v = 0; v < nv_; ++v) extras_[static_cast<std::size_t>(v)] = has_extras(p_, static_cast<std::size_t>(v)) ? 1 : 0;
  precheck();
  const auto n = static_cast<std::size_t>(n_);
  const auto nvs = static_cast<std::size_t>(nv_);
  // neighbours: up to 100 nearest active customers, by distance then index
  std::vector<char> is_active(n, 0);
  for (int c : active_) is_active[static_cast<std::size_t>(c)] = 1;
  near_.assign(n, {});
  const std::size_t n_near = std::min<std::size_t>(100, active_.size() > 0 ? active_.size() - 1 : 0);
  for (int c : active_) {
    std::vector<int> others;
    others.reserve(active_.size());
    for (int x : active_)
      if (x != c) others.push_back(x);
    const auto ci = static_cast<std::size_t>(c);
    auto closer = [&](int a, int b) {
      const double da = tr_.d(ci, static_cast<std::size_t>(a)), db = tr_.d(ci, static_cast<std::size_t>(b));
      return da < db || (da == db && a < b);
    };
    std::partial_sort(others.begin(), others.begin() + static_cast<std::ptrdiff_t>(n_near), others.end(), closer);
    others.resize(n_near);
    near_[ci] = std::move(others);
  }
  // vehicle classes: same capacity, shift and depots
  vclass_.assign(nvs, -1);
  for (int v = 0; v < nv_; ++v) {
    const auto vi = static_cast<std::size_t>(v);
    if (vclass_[vi] >= 0) continue;
    vclass_[vi] = static_cast<int>(class_rep_.size());
    class_rep_.push_back(v);
    for (auto w = vi + 1; w < nvs; ++w)
      if (vclass_[w] < 0 && p_.capacity[w] == p_.capacity[vi] && p_.shift_start[w] == p_.shift_start[vi] &&
          p_.shift_end[w] == p_.shift_end[vi] && p_.start_depot[w] == p_.start_depot[vi] &&
          p_.end_depot[w] == p_.end_depot[vi] && same_limits(vi, w))
        vclass_[w] = vclass_[vi];
  }
  depot_dist_.assign(n, 0);
  double max_d = 0;
  for (double d : tr_.distance) max_d = std::max(max_d, d);
  for (std::size_t c = 0; c < n; ++c) {
    double best = std::numeric_limits<double>::infinity();
    for (int v = 0; v < nv_; ++v) best = std::min(best, tr_.d(loc_start(v), c));
    depot_dist_[c] = best;
  }
  // costs: a route outweighs any distance, a missing required visit any route
  route_cost_ = prize_ ? 0.0 : 4.0 * (max_d + 1.0) * static_cast<double>(n + 1);
  const double missing = prize_ ? 4.0 * (max_d * o_.cost_per_distance + 1.0) * static_cast<double>(n + 1)
                                : route_cost_ * static_cast<double>(nvs + 1);
  penalty_.assign(n, 0);
  for (int c : active_) {
    const auto ci = static_cast<std::size_t>(c);
    penalty_[ci] = required(c) ? missing + std::max(0.0, value(c)) : std::max(0.0, value(c));
  }
  absences_.assign(n, 0);
  touched_.assign(nvs, 0);

  plan s;
  s.routes.resize(nvs);
  for (int v = 0; v < nv_; ++v) update(s.routes[static_cast<std::size_t>(v)], v);
  s.route_of.assign(n, -1);
  s.unassigned = active_;
  recreate(s, nv_, false);
  commit();

  const double time_limit = o_.time_limit;
  const std::int64_t max_iter = o_.max_iter;
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  std::int64_t iter = 0;
  bool timed_out = false;
  // progress in [0, 1] of a phase [from, to) of the budget
  auto progress = [&](double from, double to) {
    double f = 0;
    if (max_iter > 0) f = std::max(f, static_cast<double>(iter) / static_cast<double>(max_iter));
    if (time_limit > 0) f = std::max(f, elapsed() / time_limit);
    return to > from ? (f - from) / (to - from) : 1.0;
  };

  plan best = s;
  const bool nothing_to_plan = active_.empty();  // no search: the result is the empty plan
  // phase 1: route minimisation
  if (!nothing_to_plan && !prize_ && o_.fleet_share > 0 && s.unassigned.empty()) {
    double total_demand = 0, max_cap = 0;
    for (int c : active_) total_demand += p_.demand[static_cast<std::size_t>(c)];
    for (double cap : p_.capacity) max_cap = std::max(max_cap, cap);
    const auto lower = static_cast<int>(std::ceil(total_demand / max_cap - 1e-9));
    auto sum_abs = [&](const std::vector<int>& a) {
      double t = 0;
      for (int c : a) t += absences_[static_cast<std::size_t>(c)];
      return t;
    };
    int target = s.used;
    while (progress(0, o_.fleet_share) < 1.0) {
      if (s.unassigned.empty()) {
        best = s;
        if (s.used <= std::max(lower, 1)) break;
        int smallest = -1;
        for (int v = 0; v < nv_; ++v) {
          const auto sz = s.routes[static_cast<std::size_t>(v)].seq.size();
          if (sz > 0 && (smallest < 0 || sz < s.routes[static_cast<std::size_t>(smallest)].seq.size())) smallest = v;
        }
        touch(s, smallest);
        remove_at(s, smallest, 0, s.routes[static_cast<std::size_t>(smallest)].seq.size());
        commit();
        target = s.used;
      }
      saved_unassigned_ = s.unassigned;
      saved_dist_ = s.dist;
      saved_used_ = s.used;
      const std::size_t before = s.unassigned.size();
      const double before_abs = sum_abs(s.unassigned);
      ruin(s);
      recreate(s, target, true);
      for (int c : s.unassigned) absences_[static_cast<std::size_t>(c)] += 1;
      ++iter;
      if (s.unassigned.size() < before || sum_abs(s.unassigned) < before_abs) commit();
      else rollback(s);
    }
    if (s.unassigned.empty()) best = s;
    s = best;
    commit();
  }
  // phase 2: distance (or value - cost) by simulated annealing
  const double from = progress(0, 1);
  const std::size_t arcs = active_.size() + static_cast<std::size_t>(std::max(s.used, 1));
  const double mean_arc = s.dist > 0 ? s.dist / static_cast<double>(arcs) : 1.0;
  const double t_start = o_.temperature_start * mean_arc, t_end = o_.temperature_end * mean_arc;
  double current = cost(s, route_cost_), best_cost = current;
  while (!nothing_to_plan) {
    const double f = progress(from, 1.0);
    if (f >= 1.0) break;
    const double temperature =
        t_start > 0 && t_end > 0 ? t_start * std::pow(t_end / t_start, f) : t_start + (t_end - t_start) * f;
    saved_unassigned_ = s.unassigned;
    saved_dist_ = s.dist;
    saved_used_ = s.used;
    ruin(s);
    // never more routes than the best plan, unless it misses required visits (a visit that
    // cannot be made alone with the break may miss the construction)
    recreate(s, prize_ || !best.unassigned.empty() ? nv_ : best.used, false);
    ++iter;
    const double c = cost(s, route_cost_);
    if (c < current - temperature * std::log(1.0 - rng_.uniform())) {
      commit();
      current = c;
      if (c < best_cost - 1e-9 * std::fabs(best_cost)) {
        best = s;
        best_cost = c;
      }
    } else {
      rollback(s);
    }
  }
  timed_out = time_limit > 0 && elapsed() >= time_limit;

  // the result
  vrp_result r;
  r.routes.assign(nvs, {});
  r.vehicle.assign(n, -1);
  r.position.assign(n, -1);
  r.arrival.assign(n, std::numeric_limits<double>::quiet_NaN());
  r.start.assign(n, std::numeric_limits<double>::quiet_NaN());
  r.status = status_;
  r.route_distance.assign(nvs, 0);
  r.route_end.assign(nvs, 0);
  r.route_load.assign(nvs, 0);
  r.route_depart.assign(nvs, 0);
  r.route_duration.assign(nvs, 0);
  r.break_start.assign(nvs, std::numeric_limits<double>::quiet_NaN());
  r.break_after.assign(nvs, -1);
  std::vector<double> arrivals, starts;
  for (int v = 0; v < nv_; ++v) {
    const auto vi = static_cast<std::size_t>(v);
    const route& rt = best.routes[vi];
    const std::string why = vrp_route_violation(p_, tr_, vi, rt.seq);
    if (!why.empty())
      throw error(errc::generic, fmt::format("solve_vrptw: internal error, vehicle {}: {}", v, why));
    arrivals.assign(rt.seq.size(), 0);
    starts.assign(rt.seq.size(), 0);
    const schedule sch = evaluate(p_, tr_, vi, rt.seq.data(), rt.seq.size(), arrivals.data(), starts.data());
    if (!sch.ok) throw error(errc::generic, fmt::format("solve_vrptw: internal error, vehicle {}: no schedule", v));
    r.routes[vi].assign(rt.seq.begin(), rt.seq.end());
    r.route_distance[vi] = rt.dist;
    r.route_end[vi] = rt.seq.empty() ? p_.shift_start[vi] : sch.end;
    r.route_depart[vi] = rt.seq.empty() ? p_.shift_start[vi] : sch.depart;
    r.route_duration[vi] = rt.seq.empty() ? 0.0 : sch.duration;
    r.break_start[vi] = sch.break_start;
    r.break_after[vi] = sch.break_after;
    r.route_load[vi] = rt.load;
    if (!rt.seq.empty()) ++r.n_routes;
    for (std::size_t k = 0; k < rt.seq.size(); ++k) {
      const auto c = static_cast<std::size_t>(rt.seq[k]);
      r.vehicle[c] = v;
      r.position[c] = static_cast<std::int32_t>(k);
      r.arrival[c] = arrivals[k];
      r.start[c] = starts[k];
      r.value += value(rt.seq[k]);
      ++r.n_routed;
    }
    r.distance += rt.dist;
  }
  for (int c : best.unassigned)
    r.status[static_cast<std::size_t>(c)] = required(c) ? visit_status::no_room : visit_status::dropped;
  r.objective = prize_ ? r.value - o_.cost_per_distance * r.distance : r.distance;
  r.iterations = iter;
  r.seconds = elapsed();
  r.time_limit_reached = timed_out;
  return r;
}

}  // namespace detail::vrp

CRMKIT_FUNC vrp_travel vrp_build_travel(const vrp_problem& problem, const vrp_options& options) {
  detail::vrp::check_problem(problem, options);
  const std::size_t n = problem.demand.size();
  const std::size_t nl = n + problem.depot_x.size();
  vrp_travel t;
  t.n_locations = nl;
  if (options.metric == vrp_metric::matrix) {
    t.time = problem.travel_time;
    t.distance = problem.distance.empty() ? problem.travel_time : problem.distance;
    return t;
  }
  std::vector<double> xs(problem.x), ys(problem.y);
  xs.insert(xs.end(), problem.depot_x.begin(), problem.depot_x.end());
  ys.insert(ys.end(), problem.depot_y.begin(), problem.depot_y.end());
  t.distance.assign(nl * nl, 0.0);
  for (std::size_t a = 0; a < nl; ++a)
    for (std::size_t b = a + 1; b < nl; ++b) {
      double d = 0;
      switch (options.metric) {
        case vrp_metric::euclidean: d = std::hypot(xs[a] - xs[b], ys[a] - ys[b]); break;
        case vrp_metric::sphere: d = haversine_m(xs[a], ys[a], xs[b], ys[b]); break;
        case vrp_metric::wgs84: d = wgs84_geodesic_m(xs[a], ys[a], xs[b], ys[b]); break;
        case vrp_metric::matrix: break;
      }
      t.distance[a * nl + b] = d;
      t.distance[b * nl + a] = d;
    }
  t.time = t.distance;
  if (options.metric != vrp_metric::euclidean) {
    const double mps = options.speed_kmh / 3.6;
    for (double& x : t.time) x /= mps;
  }
  return t;
}

CRMKIT_FUNC std::string vrp_route_violation(const vrp_problem& p, const vrp_travel& tr, std::size_t vehicle,
                                            std::span<const std::int32_t> route) {
  const std::size_t n = p.demand.size();
  if (vehicle >= p.capacity.size()) return fmt::format("vehicle {} does not exist", vehicle);
  std::vector<char> seen(n, 0);
  auto slack = [](double x) { return 1e-9 * std::max(1.0, std::fabs(x)); };
  const auto start = n + static_cast<std::size_t>(p.start_depot[vehicle]);
  const auto end = n + static_cast<std::size_t>(p.end_depot[vehicle]);
  std::size_t prev = start;
  double time = p.shift_start[vehicle], load = 0, prev_service = 0;
  for (std::int32_t c32 : route) {
    if (c32 < 0 || static_cast<std::size_t>(c32) >= n) return fmt::format("customer {} does not exist", c32);
    const auto c = static_cast<std::size_t>(c32);
    if (seen[c]) return fmt::format("customer {} is visited twice", c);
    seen[c] = 1;
    time = std::max(p.ready[c], time + prev_service + tr.t(prev, c));
    if (time > p.due[c] + slack(p.due[c]))
      return fmt::format("customer {} starts at {} after its due {}", c, time, p.due[c]);
    load += p.demand[c];
    prev_service = p.service[c];
    prev = c;
  }
  if (load > p.capacity[vehicle] + slack(p.capacity[vehicle]))
    return fmt::format("load {} exceeds the capacity {}", load, p.capacity[vehicle]);
  if (!route.empty()) {
    time += prev_service + tr.t(prev, end);
    if (time > p.shift_end[vehicle] + slack(p.shift_end[vehicle]))
      return fmt::format("returns at {} after the shift end {}", time, p.shift_end[vehicle]);
  }
  // allowed days
  if (!p.allowed_days.empty()) {
    const int day = p.day.empty() ? 0 : p.day[vehicle];
    for (std::int32_t c : route) {
      const std::uint64_t mask = p.allowed_days[static_cast<std::size_t>(c)];
      if (mask != 0 && ((mask >> day) & 1u) == 0)
        return fmt::format("customer {} is not allowed on day {}", c, day);
    }
  }
  if (!p.max_stops.empty() && p.max_stops[vehicle] > 0 && route.size() > static_cast<std::size_t>(p.max_stops[vehicle]))
    return fmt::format("{} stops exceed max_stops {}", route.size(), p.max_stops[vehicle]);
  const bool brk = !route.empty() && !p.break_duration.empty() && p.break_duration[vehicle] > 0;
  const double max_dur = p.max_duration.empty() ? 0.0 : p.max_duration[vehicle];
  if (route.empty() || (!brk && max_dur == 0)) return {};
  // break positions g = 0..k (before leg g; none without a break): forward times from
  // shift_start, then the latest departure L by a backward pass; the least working time
  // over the departures is max(A, end - L) (A: travel + service + break, no waiting)
  const std::size_t k = route.size();
  const double be = brk ? p.break_earliest[vehicle] : 0, bl = brk ? p.break_latest[vehicle] : 0;
  const double bd = brk ? p.break_duration[vehicle] : 0;
  auto loc = [&](std::size_t i) { return i == 0 ? start : i <= k ? static_cast<std::size_t>(route[i - 1]) : end; };
  std::string why, why_work;
  for (std::size_t g = 0; g <= (brk ? k : 0); ++g) {
    // forward: node i = 0 start depot, 1..k customers, k+1 end depot; the break before leg g (i = g -> g+1)
    double t = p.shift_start[vehicle], busy = 0;
    bool ok = true;
    for (std::size_t i = 0; i <= k && ok; ++i) {
      if (i > 0) {
        t += p.service[loc(i)];
        busy += p.service[loc(i)];
      }
      if (brk && i == g) {
        const double bs = std::max(t, be);
        if (bs > bl + slack(bl)) {
          why = fmt::format("the break cannot start by {} after stop {} (earliest {})", bl, g, bs);
          ok = false;
          break;
        }
        t = bs + bd;
        busy += bd;
      }
      t += tr.t(loc(i), loc(i + 1));
      busy += tr.t(loc(i), loc(i + 1));
      if (i + 1 <= k) t = std::max(t, p.ready[loc(i + 1)]);
    }
    if (!ok) continue;
    if (t > p.shift_end[vehicle] + slack(p.shift_end[vehicle])) {
      why = fmt::format("with the break after stop {} it returns at {} after the shift end {}", g, t,
                        p.shift_end[vehicle]);
      continue;
    }
    bool window_ok = true;
    {  // the windows, forward again with the break
      double u = p.shift_start[vehicle];
      for (std::size_t i = 0; i < k; ++i) {
        if (i > 0) u += p.service[loc(i)];
        if (brk && i == g) u = std::max(u, be) + bd;
        u = std::max(u + tr.t(loc(i), loc(i + 1)), p.ready[loc(i + 1)]);
        if (u > p.due[loc(i + 1)] + slack(p.due[loc(i + 1)])) {
          why = fmt::format("with the break after stop {} customer {} starts at {} after its due {}", g, loc(i + 1), u,
                            p.due[loc(i + 1)]);
          window_ok = false;
          break;
        }
      }
    }
    if (!window_ok) continue;
    // backward: latest arrival at each node
    double latest = p.shift_end[vehicle];  // at the end depot
    bool back_ok = true;
    for (std::size_t i = k + 1; i-- > 0;) {
      // latest time to be done at node i (service finished) and leave for i+1
      double leave = latest - tr.t(loc(i), loc(i + 1));
      if (brk && i == g) {
        leave = std::min(bl, leave - bd);
        if (be > leave + slack(leave)) {
          back_ok = false;
          break;
        }
      }
      latest = i == 0 ? leave : std::min(p.due[loc(i)], leave - p.service[loc(i)]);
    }
    if (!back_ok) {
      why = fmt::format("the break after stop {} does not fit", g);
      continue;
    }
    const double work = std::max(busy, t - latest);
    if (max_dur > 0 && work > max_dur + slack(max_dur)) {
      why_work = fmt::format("{}the working time is {}, over max_duration {}",
                             brk ? fmt::format("with the break after stop {} ", g) : std::string(), work, max_dur);
      continue;
    }
    return {};
  }
  return why_work.empty() ? why : why_work;
}

CRMKIT_FUNC vrp_result solve_vrptw(const vrp_problem& problem, const vrp_options& options) {
  const vrp_travel travel = vrp_build_travel(problem, options);
  detail::vrp::solver s(problem, options, travel);
  return s.run();
}

CRMKIT_END_NAMESPACE
