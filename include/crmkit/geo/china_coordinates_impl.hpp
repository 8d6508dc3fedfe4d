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

// With GCC on x86-64 the compiled library carries an AVX2 clone of the batch loop beside the
// baseline SSE2 one, picked at load time (an ifunc). Neither uses FMA, so both give the same
// bits (each lane is the same IEEE operations in the same order).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(CRMKIT_HEADER_ONLY)
#  define CRMKIT_DETAIL_GCJ_CLONES __attribute__((target_clones("avx2", "default")))
#else
#  define CRMKIT_DETAIL_GCJ_CLONES
#endif

namespace detail {
// The common case (phone fixes onto a Chinese map), written without a branch so that the
// compiler vectorises it (flatten inlines the whole series into the loop): every point is
// converted and the box test selects the result, the same bits as wgs84_to_gcj02
// (tests/geo/china_coordinates_test.cpp). Reads slot i before writing it: in place is allowed.
CRMKIT_DETAIL_GCJ_CLONES [[gnu::flatten]] inline void wgs84_to_gcj02_batch(const double* lon, const double* lat, double* out_lon,
                                                  double* out_lat, std::size_t n) noexcept {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < n; ++i) {
    const double x = lon[i], y = lat[i];
    const lon_lat g = wgs84_to_gcj02_in_box(x, y);
    const bool inside = in_china_box(x, y);
    const bool missing = (x != x) | (y != y);  // NOLINT(misc-redundant-expression): NaN test; | not ||: no branch
    out_lon[i] = missing ? nan : (inside ? g[0] : x);
    out_lat[i] = missing ? nan : (inside ? g[1] : y);
  }
}
}  // namespace detail

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
    detail::wgs84_to_gcj02_batch(lon.data(), lat.data(), out_lon.data(), out_lat.data(), n);
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

#undef CRMKIT_DETAIL_GCJ_CLONES

CRMKIT_END_NAMESPACE
