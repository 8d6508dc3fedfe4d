/// @file crmkit/geo/geodesic_impl.hpp
/// Definitions of crmkit/geo/geodesic.hpp (compiled once by src/geo/geodesic.cpp, or inline
/// under CRMKIT_HEADER_ONLY). Includes GeographicLib: include crmkit/geo/geodesic.hpp instead.
#pragma once

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/geo/detail/wgs84.hpp"
#include "crmkit/geo/geodesic.hpp"

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

CRMKIT_END_NAMESPACE
