/// @file crmkit/geo/china_coordinates_impl.hpp
/// Definitions of crmkit/geo/china_coordinates.hpp (compiled once by
/// src/geo/china_coordinates.cpp, or inline under CRMKIT_HEADER_ONLY). Include
/// crmkit/geo/china_coordinates.hpp instead.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/geo/china_coordinates.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC void convert_coordinates(coordinate_system from, coordinate_system to, std::span<const double> lon,
                                     std::span<const double> lat, std::span<double> out_lon,
                                     std::span<double> out_lat, const char* where) {
  for (const coordinate_system system : {from, to})
    if (system != coordinate_system::wgs84 && system != coordinate_system::gcj02 && system != coordinate_system::bd09)
      throw error(errc::invalid_argument,
                  fmt::format("{}: coordinate system {} is not WGS84 (0), GCJ-02 (1) or BD-09 (2)", where,
                              static_cast<int>(system)));
  const std::size_t n = lon.size();
  if (lat.size() != n || out_lon.size() != n || out_lat.size() != n)
    throw error(errc::invalid_argument,
                fmt::format("{}: lengths differ (lon {}, lat {}, out_lon {}, out_lat {})", where, n, lat.size(),
                            out_lon.size(), out_lat.size()));
  for (std::size_t i = 0; i < n; ++i) {
    const double x = lon[i], y = lat[i];
    if (std::isnan(x) || std::isnan(y)) continue;
    if (!(x >= -180.0 && x <= 180.0 && y >= -90.0 && y <= 90.0))
      throw error(errc::invalid_argument,
                  fmt::format("{}: point {} (longitude {}, latitude {}) is outside [-180, 180] x [-90, 90]", where, i,
                              x, y));
  }
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  if (from == coordinate_system::wgs84 && to == coordinate_system::gcj02) {
    // The common case (phone fixes onto a Chinese map), written without a branch so that the
    // compiler vectorises it: every point is converted and the box test selects the result
    // (the same value as wgs84_to_gcj02, bit for bit; tests/geo/china_coordinates_test.cpp).
    // Reads lon[i], lat[i] before writing slot i, so in place is allowed.
    const double* lon_in = lon.data();
    const double* lat_in = lat.data();
    double* lon_out = out_lon.data();
    double* lat_out = out_lat.data();
    for (std::size_t i = 0; i < n; ++i) {
      const double x = lon_in[i], y = lat_in[i];
      const lon_lat g = detail::wgs84_to_gcj02_in_box(x, y);
      const bool inside = x >= 72.004 && x <= 137.8347 && y >= 0.8293 && y <= 55.8271;
      const bool missing = x != x || y != y;  // NOLINT(misc-redundant-expression): NaN test
      lon_out[i] = missing ? nan : (inside ? g[0] : x);
      lat_out[i] = missing ? nan : (inside ? g[1] : y);
    }
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double x = lon[i], y = lat[i];  // read before writing: in place is allowed
    if (std::isnan(x) || std::isnan(y)) {
      out_lon[i] = nan;
      out_lat[i] = nan;
      continue;
    }
    const lon_lat p = convert_coordinates(lon_lat{x, y}, from, to);
    out_lon[i] = p[0];
    out_lat[i] = p[1];
  }
}

CRMKIT_END_NAMESPACE
