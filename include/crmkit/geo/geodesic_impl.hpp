/// @file crmkit/geo/geodesic_impl.hpp
/// Definitions of crmkit/geo/geodesic.hpp (compiled once by src/geo/geodesic.cpp, or inline
/// under CRMKIT_HEADER_ONLY). Includes GeographicLib: include crmkit/geo/geodesic.hpp instead.
#pragma once

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/geo/detail/wgs84.hpp"
#include "crmkit/geo/geodesic.hpp"
#include "crmkit/geo/sphere.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC double wgs84_geodesic_m(double lon1, double lat1, double lon2, double lat2) {
  for (double lat : {lat1, lat2})
    if (!(lat >= -90.0 && lat <= 90.0))
      throw error(errc::invalid_argument, fmt::format("wgs84_geodesic_m: latitude {} outside [-90, 90]", lat));
  for (double lon : {lon1, lon2})
    if (!(lon >= -180.0 && lon <= 180.0))
      throw error(errc::invalid_argument, fmt::format("wgs84_geodesic_m: longitude {} outside [-180, 180]", lon));
  return detail::wgs84_inverse_m(lon1, lat1, lon2, lat2);
}

namespace detail {
// Whether (lon, lat) is a point (false: missing, a NaN coordinate); throws for anything else
// outside the degree ranges, naming the pair and which point of it.
inline bool pair_point(double lon, double lat, std::size_t i, const char* which, std::string_view where) {
  if (std::isnan(lon) || std::isnan(lat)) return false;
  if (!(lon >= -180.0 && lon <= 180.0 && lat >= -90.0 && lat <= 90.0))
    throw error(errc::invalid_argument, fmt::format("{}: {} point of pair {} (longitude {}, latitude {}) is outside "
                                                    "[-180, 180] x [-90, 90] (NaN marks a missing point)", where, which, i,
                                                    lon, lat));
  return true;
}
}  // namespace detail

CRMKIT_FUNC void pair_distances_m(std::span<const double> lon1, std::span<const double> lat1,
                                  std::span<const double> lon2, std::span<const double> lat2, distance_method method,
                                  std::span<double> out, std::string_view where) {
  const std::size_t n = out.size();
  if (lon1.size() != n || lat1.size() != n || lon2.size() != n || lat2.size() != n)
    throw error(errc::invalid_argument, fmt::format("{}: {}, {}, {} and {} coordinates for {} distances", where,
                                                    lon1.size(), lat1.size(), lon2.size(), lat2.size(), n));
  if (method != distance_method::sphere && method != distance_method::wgs84)
    throw error(errc::invalid_argument, fmt::format("{}: method {} is not sphere (0) or wgs84 (1)", where,
                                                    static_cast<std::int32_t>(method)));
  for (std::size_t i = 0; i < n; ++i) {  // validate first: a failure writes nothing
    (void)detail::pair_point(lon1[i], lat1[i], i, "first", where);
    (void)detail::pair_point(lon2[i], lat2[i], i, "second", where);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(lon1[i]) || std::isnan(lat1[i]) || std::isnan(lon2[i]) || std::isnan(lat2[i]))
      out[i] = std::numeric_limits<double>::quiet_NaN();
    else
      out[i] = method == distance_method::sphere ? haversine_m(lon1[i], lat1[i], lon2[i], lat2[i])
                                                 : detail::wgs84_inverse_m(lon1[i], lat1[i], lon2[i], lat2[i]);
  }
}

CRMKIT_END_NAMESPACE
