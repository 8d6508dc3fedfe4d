// Definitions for crmkit/planning/hot_spots.hpp. Included by that header in header-only mode
// and by src/planning/hot_spots.cpp otherwise.
// IWYU pragma: private, include "crmkit/planning/hot_spots.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/geo/geohash.hpp"
#include "crmkit/geo/sphere.hpp"
#include "crmkit/planning/hot_spots.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC std::string hot_spot_map::name(std::size_t c) const {
  if (cells == value_cells::geohash) return geohash_encode(lon(c), lat(c), precision);
  return fmt::format("{}:{}", c / n_lon, c % n_lon);
}

namespace detail::hot {

inline void check_point(double lon, double lat, const char* what, std::size_t i) {
  if (std::isnan(lon) || std::isnan(lat))
    throw error(errc::invalid_argument, fmt::format("hot_spots: {} {} has no location", what, i));
  if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90))
    throw error(errc::invalid_argument,
                fmt::format("hot_spots: {} {} is out of range (longitude {}, latitude {})", what, i, lon, lat));
}

}  // namespace detail::hot

CRMKIT_FUNC hot_spot_map hot_spots(std::span<const double> lon, std::span<const double> lat,
                                   std::span<const double> value, std::span<const double> plon,
                                   std::span<const double> plat, std::span<const double> pweight,
                                   const hot_spot_options& o) {
  using detail::hot::check_point;
  validate_options(o, "hot_spots");
  const std::size_t n = lon.size();
  if (lat.size() != n || value.size() != n)
    throw error(errc::invalid_argument, fmt::format("hot_spots: {} longitudes, {} latitudes and {} values", n,
                                                    lat.size(), value.size()));
  if (plat.size() != plon.size() || pweight.size() != plon.size())
    throw error(errc::invalid_argument,
                fmt::format("hot_spots: {} potential longitudes, {} latitudes and {} weights", plon.size(),
                            plat.size(), pweight.size()));
  for (std::size_t i = 0; i < n; ++i) {
    check_point(lon[i], lat[i], "customer row", i);
    if (!std::isfinite(value[i]))
      throw error(errc::invalid_argument, fmt::format("hot_spots: customer row {} has value {}", i, value[i]));
  }
  for (std::size_t i = 0; i < plon.size(); ++i) {
    check_point(plon[i], plat[i], "potential point", i);
    if (!(pweight[i] >= 0) || !std::isfinite(pweight[i]))
      throw error(errc::invalid_argument,
                  fmt::format("hot_spots: potential point {} has weight {}, expected a finite number >= 0", i, pweight[i]));
  }
  hot_spot_map m;
  m.cells = o.cells;
  if (o.cells == value_cells::geohash) {
    m.precision = static_cast<int>(o.precision);
    const int bits = 5 * m.precision;
    m.cell_lon = 360.0 / std::ldexp(1.0, (bits + 1) / 2);
    m.cell_lat = 180.0 / std::ldexp(1.0, bits / 2);
  } else {
    m.cell_lon = m.cell_lat = o.cell_deg;
  }
  // extent
  double b[4];
  const bool given = !std::isnan(o.bounds[0]);
  if (given) {
    for (int k = 0; k < 4; ++k) b[k] = o.bounds[static_cast<std::size_t>(k)];
    if (!(b[0] >= -180 && b[2] <= 180 && b[1] >= -90 && b[3] <= 90 && b[0] < b[2] && b[1] < b[3]))
      throw error(errc::invalid_argument, fmt::format("hot_spots: bounds {{{}, {}, {}, {}}} are out of range or empty",
                                                      b[0], b[1], b[2], b[3]));
  } else {
    b[0] = b[1] = std::numeric_limits<double>::infinity();
    b[2] = b[3] = -std::numeric_limits<double>::infinity();
    auto grow = [&](double x, double y) {
      b[0] = std::min(b[0], x);
      b[1] = std::min(b[1], y);
      b[2] = std::max(b[2], x);
      b[3] = std::max(b[3], y);
    };
    for (std::size_t i = 0; i < n; ++i) grow(lon[i], lat[i]);
    for (std::size_t i = 0; i < plon.size(); ++i) grow(plon[i], plat[i]);
    if (n + plon.size() == 0) throw error(errc::invalid_argument, "hot_spots: no customers and no bounds");
  }
  auto col_of = [&](double x) {
    return std::min(std::max(std::floor((x + 180.0) / m.cell_lon + 1e-9), 0.0), std::ceil(360.0 / m.cell_lon) - 1);
  };
  auto row_of = [&](double y) {
    return std::min(std::max(std::floor((y + 90.0) / m.cell_lat + 1e-9), 0.0), std::ceil(180.0 / m.cell_lat) - 1);
  };
  const double q0 = col_of(b[0]), q1 = col_of(b[2]), r0 = row_of(b[1]), r1 = row_of(b[3]);
  const double cells_d = (q1 - q0 + 1) * (r1 - r0 + 1);
  if (cells_d > 16777216.0)
    throw error(errc::invalid_argument,
                fmt::format("hot_spots: {} x {} cells exceed the limit of 2^24; use larger cells or bounds",
                            q1 - q0 + 1, r1 - r0 + 1));
  m.n_lon = static_cast<std::size_t>(q1 - q0 + 1);
  m.n_lat = static_cast<std::size_t>(r1 - r0 + 1);
  m.min_lon = -180.0 + q0 * m.cell_lon;
  m.min_lat = -90.0 + r0 * m.cell_lat;
  const std::size_t nc = m.n_lon * m.n_lat;
  m.count.assign(nc, 0);
  m.value.assign(nc, 0.0);
  auto cell_of = [&](double x, double y) -> std::ptrdiff_t {
    const double q = col_of(x) - q0, r = row_of(y) - r0;
    if (q < 0 || r < 0 || q >= static_cast<double>(m.n_lon) || r >= static_cast<double>(m.n_lat)) return -1;
    return static_cast<std::ptrdiff_t>(static_cast<std::size_t>(r) * m.n_lon + static_cast<std::size_t>(q));
  };
  // per cell, values summed in ascending order: the sums do not depend on the row order
  std::vector<std::pair<std::ptrdiff_t, double>> located;
  located.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::ptrdiff_t c = cell_of(lon[i], lat[i]);
    if (c >= 0) located.emplace_back(c, value[i]);  // else outside given bounds
  }
  std::sort(located.begin(), located.end());
  for (const auto& [c, v] : located) {
    ++m.count[static_cast<std::size_t>(c)];
    m.value[static_cast<std::size_t>(c)] += v;
  }
  // neighbourhoods and Gi*
  const double nd = static_cast<double>(nc);
  double sum = 0, sum2 = 0;
  for (std::size_t c = 0; c < nc; ++c) {
    sum += m.value[c];
    sum2 += m.value[c] * m.value[c];
  }
  m.mean = sum / nd;
  m.sd = std::sqrt(std::max(0.0, sum2 / nd - m.mean * m.mean));
  m.neighbours.assign(nc, 0);
  m.z.assign(nc, std::numeric_limits<double>::quiet_NaN());
  m.p.assign(nc, std::numeric_limits<double>::quiet_NaN());
  m.spot.assign(nc, 0);
  const auto nl = static_cast<std::ptrdiff_t>(m.n_lon), nr = static_cast<std::ptrdiff_t>(m.n_lat);
  constexpr double km_per_deg = earth_mean_radius_m / 1000.0 * std::numbers::pi / 180.0;
  const std::ptrdiff_t band_rows =
      static_cast<std::ptrdiff_t>(std::ceil(o.band_km / (km_per_deg * m.cell_lat))) + 1;
  for (std::ptrdiff_t r = 0; r < nr; ++r)
    for (std::ptrdiff_t q = 0; q < nl; ++q) {
      const auto c = static_cast<std::size_t>(r * nl + q);
      double wsum = 0, lag = 0;
      if (o.neighbourhood == cell_neighbourhood::queen) {
        for (std::ptrdiff_t dr = -1; dr <= 1; ++dr)
          for (std::ptrdiff_t dq = -1; dq <= 1; ++dq) {
            const std::ptrdiff_t rr = r + dr, qq = q + dq;
            if (rr < 0 || qq < 0 || rr >= nr || qq >= nl) continue;
            wsum += 1;
            lag += m.value[static_cast<std::size_t>(rr * nl + qq)];
          }
      } else {
        const double clon = m.lon(c), clat = m.lat(c);
        for (std::ptrdiff_t rr = std::max<std::ptrdiff_t>(0, r - band_rows); rr <= std::min(nr - 1, r + band_rows); ++rr) {
          // the narrowest parallel between the two rows bounds the columns within the band
          const double lat_hi = std::min(89.999, std::max(std::abs(m.min_lat + static_cast<double>(rr) * m.cell_lat),
                                                          std::abs(m.min_lat + static_cast<double>(rr + 1) * m.cell_lat)));
          const double cosl = std::max(std::cos(std::max(lat_hi, std::abs(clat)) * std::numbers::pi / 180.0), 1e-6);
          const double span = std::ceil(o.band_km / (km_per_deg * m.cell_lon * cosl)) + 1;
          const auto band_cols = static_cast<std::ptrdiff_t>(std::min(span, static_cast<double>(nl)));
          for (std::ptrdiff_t qq = std::max<std::ptrdiff_t>(0, q - band_cols); qq <= std::min(nl - 1, q + band_cols); ++qq) {
            const auto cc = static_cast<std::size_t>(rr * nl + qq);
            if (cc != c && haversine_m(clon, clat, m.lon(cc), m.lat(cc)) / 1000.0 > o.band_km) continue;
            wsum += 1;
            lag += m.value[cc];
          }
        }
      }
      m.neighbours[c] = static_cast<std::uint32_t>(wsum);
      const double denom = m.sd * std::sqrt((nd * wsum - wsum * wsum) / (nd - 1));
      if (nc > 1 && denom > 0) {
        m.z[c] = (lag - m.mean * wsum) / denom;
        m.p[c] = std::erfc(std::abs(m.z[c]) / std::numbers::sqrt2);
      }
    }
  // significance
  if (o.fdr) {
    std::vector<double> ps;
    for (double p : m.p)
      if (!std::isnan(p)) ps.push_back(p);
    std::sort(ps.begin(), ps.end());
    m.p_cut = -1;  // nothing significant unless a p-value passes
    for (std::size_t k = 0; k < ps.size(); ++k)
      if (ps[k] <= static_cast<double>(k + 1) * o.alpha / static_cast<double>(ps.size())) m.p_cut = ps[k];
    for (std::size_t c = 0; c < nc; ++c)
      if (!std::isnan(m.p[c]) && m.p[c] <= m.p_cut) m.spot[c] = m.z[c] > 0 ? 1 : -1;
    if (m.p_cut < 0) m.p_cut = 0;
  } else {
    m.p_cut = o.alpha;
    for (std::size_t c = 0; c < nc; ++c)
      if (!std::isnan(m.p[c]) && m.p[c] < o.alpha) m.spot[c] = m.z[c] > 0 ? 1 : -1;
  }
  for (std::size_t c = 0; c < nc; ++c) {
    if (m.spot[c] > 0) ++m.n_hot;
    if (m.spot[c] < 0) ++m.n_cold;
  }
  // whitespace
  m.whitespace.assign(nc, 0);
  m.gap.assign(nc, 0.0);
  m.penetration.assign(nc, std::numeric_limits<double>::quiet_NaN());
  if (!plon.empty()) {
    m.potential.assign(nc, 0.0);
    for (std::size_t i = 0; i < plon.size(); ++i) {
      const std::ptrdiff_t c = cell_of(plon[i], plat[i]);
      if (c >= 0) m.potential[static_cast<std::size_t>(c)] += pweight[i];
    }
    double customers = 0, potential = 0;
    for (std::size_t c = 0; c < nc; ++c)
      if (m.potential[c] > 0) {
        customers += m.count[c];
        potential += m.potential[c];
        m.penetration[c] = m.count[c] / m.potential[c];
      }
    if (potential > 0) {
      m.overall_penetration = customers / potential;
      for (std::size_t c = 0; c < nc; ++c)
        if (m.potential[c] > 0 && m.penetration[c] < o.whitespace_share * m.overall_penetration) {
          m.whitespace[c] = 1;
          m.gap[c] = m.potential[c] * m.overall_penetration - m.count[c];
        }
    }
  } else {
    const auto need = static_cast<double>(o.min_customers);
    for (std::ptrdiff_t r = 0; r < nr; ++r)
      for (std::ptrdiff_t q = 0; q < nl; ++q) {
        const auto c = static_cast<std::size_t>(r * nl + q);
        if (m.count[c] >= need) continue;
        bool served = false;
        for (std::ptrdiff_t dr = -1; dr <= 1 && !served; ++dr)
          for (std::ptrdiff_t dq = -1; dq <= 1 && !served; ++dq) {
            const std::ptrdiff_t rr = r + dr, qq = q + dq;
            if ((dr == 0 && dq == 0) || rr < 0 || qq < 0 || rr >= nr || qq >= nl) continue;
            served = m.count[static_cast<std::size_t>(rr * nl + qq)] >= need;
          }
        if (served) {
          m.whitespace[c] = 1;
          m.gap[c] = need - m.count[c];
        }
      }
  }
  for (std::size_t c = 0; c < nc; ++c) m.n_whitespace += m.whitespace[c];
  return m;
}

CRMKIT_FUNC hot_spot_map hot_spots(const customer_table& customers, std::string_view value_column,
                                   std::span<const double> plon, std::span<const double> plat,
                                   std::span<const double> pweight, const hot_spot_options& o) {
  const std::size_t n = customers.size();
  if (n > 0 && !customers.has_locations())
    throw error(errc::invalid_argument, "hot_spots: the customer table has no locations");
  const table_column* col = customers.find_column(value_column);
  if (col == nullptr)
    throw error(errc::invalid_argument, fmt::format("hot_spots: the customer table has no column '{}'", value_column));
  if (col->type != column_type::float64 && col->type != column_type::int64)
    throw error(errc::invalid_argument, fmt::format("hot_spots: column '{}' is {}, expected float64 or int64",
                                                    value_column, to_string(col->type)));
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = col->as_double(i);
    const auto id = customers.id(static_cast<std::int32_t>(i));
    if (std::isnan(customers.longitude()[i]))
      throw error(errc::invalid_argument, fmt::format("hot_spots: customer '{}' has no location", id));
    if (!std::isfinite(v[i]))
      throw error(errc::invalid_argument,
                  fmt::format("hot_spots: customer '{}' has value {} in column '{}'", id, v[i], value_column));
  }
  return hot_spots(n > 0 ? customers.longitude() : std::span<const double>{},
                   n > 0 ? customers.latitude() : std::span<const double>{}, v, plon, plat, pweight, o);
}

CRMKIT_END_NAMESPACE
