// crmkit/c/planning.h, territory balancing and spatial value analysis: the crmkit_balance
// and crmkit_hot_spots handles (C++: crmkit/planning/territory_balance.hpp, hot_spots.hpp).
#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "c_api_internal.hpp"
#include "crmkit/c/planning.h"
#include "crmkit/planning/hot_spots.hpp"
#include "crmkit/planning/territory_balance.hpp"

using namespace crmkit::capi;

struct crmkit_balance {
  crmkit::territory_balance_options options;
  crmkit::territory_reps reps;
  std::optional<crmkit::territory_balance_result> result;  // the assignment table is handed out, the rest kept
};

struct crmkit_hot_spots {
  crmkit::hot_spot_options options;
  std::optional<crmkit::hot_spot_map> map;
};

namespace {


template <class Handle>
const auto& last_or_throw(const std::optional<Handle>& v, const char* function, const char* call) {
  if (!v) fail(errc::not_fitted, function, "no result yet; call {}() first", call);
  return *v;
}

}  // namespace

extern "C" {

CRMKIT_C_CREATE_FREE(crmkit_balance)
CRMKIT_C_OPTIONS(crmkit_balance, balance)

CRMKIT_API int crmkit_balance_set_reps(crmkit_balance* balance, size_t n, const char* const* names,
                                       const double* home_lon, const double* home_lat, const double* capacity) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(balance);
  if (n > 0) CRMKIT_CHECK_NOT_NULL(names, home_lon, home_lat);
  balance->result.reset();
  crmkit::territory_reps r;
  for (std::size_t k = 0; k < n; ++k) {
    if (names[k] == nullptr) fail(__func__, "names[{}] is NULL", k);
    r.names.emplace_back(names[k]);
  }
  r.home_lon.assign(home_lon, home_lon + n);
  r.home_lat.assign(home_lat, home_lat + n);
  if (capacity != nullptr) r.capacity.assign(capacity, capacity + n);
  balance->reps = std::move(r);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_balance_run(crmkit_balance* balance, const crmkit_table* customers, const char* value_column,
                                  const char* visits_column, const char* service_column,
                                  const char* current_rep_column, const char* lon_column, const char* lat_column,
                                  crmkit_table** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(balance, customers);
  balance->result.reset();
  crmkit::territory_columns c;
  if (value_column != nullptr) c.value = value_column;
  if (visits_column != nullptr) c.visits = visits_column;
  if (service_column != nullptr) c.service_min = service_column;
  if (current_rep_column != nullptr) c.current_rep = current_rep_column;
  c.lon = lon_column != nullptr ? lon_column : "lon";
  c.lat = lat_column != nullptr ? lat_column : "lat";
  auto table = std::make_unique<crmkit_table>();
  auto r = crmkit::balance_territories(customers->table, balance->reps, c, balance->options);
  table->table = std::move(r.assignment);
  r.assignment = crmkit::customer_table();
  balance->result = std::move(r);
  *out = table.release();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_balance_summary(const crmkit_balance* balance, int32_t statistic, double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(balance, out);
  const auto& r = last_or_throw(balance->result, __func__, "crmkit_balance_run");
  using result = crmkit::territory_balance_result;
  const keyed_field get(statistic, CRMKIT_BALANCE_N_MOVED, __func__, "statistic", &result::n_moved,
                        &result::n_unassigned_before, &result::max_workload_deviation_before,
                        &result::max_workload_deviation_after, &result::max_value_deviation_before,
                        &result::max_value_deviation_after, &result::within_tolerance_before,
                        &result::within_tolerance_after, &result::cut_edges_before, &result::cut_edges_after,
                        &result::objective_before, &result::objective_after, &result::passes);
  *out = get(r);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_balance_rep_column(const crmkit_balance* balance, int32_t column, double* out, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(balance, out);
  const auto& r = last_or_throw(balance->result, __func__, "crmkit_balance_run");
  using rep = crmkit::territory_rep_report;
  const keyed_field get(column, CRMKIT_BALANCE_REP_CUSTOMERS_BEFORE, __func__, "report column", &rep::customers_before,
                        &rep::customers_after, &rep::workload_before, &rep::workload_after, &rep::value_before,
                        &rep::value_after, &rep::workload_deviation_before, &rep::workload_deviation_after,
                        &rep::value_deviation_before, &rep::value_deviation_after, &rep::moved_in, &rep::moved_out,
                        &rep::fragments_before, &rep::fragments_after);
  check_capacity(n, r.reps.size(), __func__, "n");
  copy_column(out, r.reps, get);
  CRMKIT_API_END();
}

CRMKIT_C_CREATE_FREE(crmkit_hot_spots)
CRMKIT_C_OPTIONS(crmkit_hot_spots, hot_spots)

CRMKIT_API int crmkit_hot_spots_set_bounds(crmkit_hot_spots* hot_spots, double min_lon, double min_lat, double max_lon,
                                           double max_lat) {
  CRMKIT_API_BEGIN();
  CRMKIT_NOT_NULL(hot_spots)->options.bounds = {min_lon, min_lat, max_lon, max_lat};
  hot_spots->map.reset();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_hot_spots_compute(crmkit_hot_spots* hot_spots, const double* lon, const double* lat,
                                        const double* value, size_t n, const double* potential_lon,
                                        const double* potential_lat, const double* potential_weight,
                                        size_t n_potential) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(hot_spots);
  if (n > 0) CRMKIT_CHECK_NOT_NULL(lon, lat, value);
  if (n_potential > 0) CRMKIT_CHECK_NOT_NULL(potential_lon, potential_lat, potential_weight);
  hot_spots->map.reset();
  hot_spots->map = crmkit::hot_spots(
      std::span<const double>(lon, n), std::span<const double>(lat, n), std::span<const double>(value, n),
      std::span<const double>(potential_lon, n_potential), std::span<const double>(potential_lat, n_potential),
      std::span<const double>(potential_weight, n_potential), hot_spots->options);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_hot_spots_grid(const crmkit_hot_spots* hot_spots, size_t* out_n_cells, size_t* out_n_lon,
                                     size_t* out_n_lat, double* out_min_lon, double* out_min_lat,
                                     double* out_cell_lon, double* out_cell_lat) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(hot_spots);
  const auto& m = last_or_throw(hot_spots->map, __func__, "crmkit_hot_spots_compute");
  put(out_n_cells, m.size(), out_n_lon, m.n_lon, out_n_lat, m.n_lat, out_min_lon, m.min_lon, out_min_lat, m.min_lat,
      out_cell_lon, m.cell_lon, out_cell_lat, m.cell_lat);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_hot_spots_summary(const crmkit_hot_spots* hot_spots, int32_t statistic, double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(hot_spots, out);
  const auto& m = last_or_throw(hot_spots->map, __func__, "crmkit_hot_spots_compute");
  using map = crmkit::hot_spot_map;
  const keyed_field get(statistic, CRMKIT_HOT_SPOTS_N_HOT, __func__, "statistic", &map::n_hot, &map::n_cold,
                        &map::n_whitespace, &map::mean, &map::sd, &map::p_cut, &map::overall_penetration);
  *out = get(m);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_hot_spots_cells(const crmkit_hot_spots* hot_spots, double* centre_lon, double* centre_lat,
                                      int64_t* count, double* value, double* z, double* p, int32_t* spot,
                                      double* potential, double* penetration, int32_t* whitespace, double* gap,
                                      size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(hot_spots);
  const auto& m = last_or_throw(hot_spots->map, __func__, "crmkit_hot_spots_compute");
  check_capacity(n, m.size(), __func__, "n");
  for (std::size_t c = 0; c < m.size(); ++c) {
    if (centre_lon != nullptr) centre_lon[c] = m.lon(c);
    if (centre_lat != nullptr) centre_lat[c] = m.lat(c);
    if (count != nullptr) count[c] = m.count[c];
    if (value != nullptr) value[c] = m.value[c];
    if (z != nullptr) z[c] = m.z[c];
    if (p != nullptr) p[c] = m.p[c];
    if (spot != nullptr) spot[c] = m.spot[c];
    if (potential != nullptr) potential[c] = m.potential.empty() ? 0.0 : m.potential[c];
    if (penetration != nullptr) penetration[c] = m.penetration[c];
    if (whitespace != nullptr) whitespace[c] = m.whitespace[c];
    if (gap != nullptr) gap[c] = m.gap[c];
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_hot_spots_names(const crmkit_hot_spots* hot_spots, char* out, size_t slot, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(hot_spots);
  const auto& m = last_or_throw(hot_spots->map, __func__, "crmkit_hot_spots_compute");
  if (slot == 0) fail(__func__, "slot is 0");
  check_capacity(cap, m.size() * slot, __func__, "cap");
  if (m.size() > 0) CRMKIT_CHECK_NOT_NULL(out);
  for (std::size_t c = 0; c < m.size(); ++c) {
    const std::string name = m.name(c);
    if (name.size() + 1 > slot)
      fail(__func__, "the name of cell {} ('{}') needs {} bytes, slot is {}", c, name, name.size() + 1, slot);
    std::memcpy(out + c * slot, name.c_str(), name.size() + 1);
  }
  CRMKIT_API_END();
}

}  // extern "C"
