/// @file crmkit/geo/geodesic_impl.hpp
/// Definitions of crmkit/geo/geodesic.hpp (compiled once by src/geo/geodesic.cpp, or inline
/// under CRMKIT_HEADER_ONLY). Includes Boost.Geometry: include crmkit/geo/geodesic.hpp instead.
#pragma once

#include <boost/geometry.hpp>
#include <boost/geometry/strategies/geographic/distance_vincenty.hpp>
#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/geo/geodesic.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC double wgs84_geodesic_m(double lon1, double lat1, double lon2, double lat2) {
  for (double lat : {lat1, lat2})
    if (!(lat >= -90.0 && lat <= 90.0))
      throw error(errc::invalid_argument, fmt::format("wgs84_geodesic_m: latitude {} outside [-90, 90]", lat));
  for (double lon : {lon1, lon2})
    if (!(lon >= -180.0 && lon <= 180.0))
      throw error(errc::invalid_argument, fmt::format("wgs84_geodesic_m: longitude {} outside [-180, 180]", lon));
  namespace bg = boost::geometry;
  using point = bg::model::point<double, 2, bg::cs::geographic<bg::degree>>;
  const bg::srs::spheroid<double> wgs84(6378137.0, 6356752.3142451793);  // b = a (1 - 1/298.257223563)
  const bg::strategy::distance::vincenty<bg::srs::spheroid<double>> vincenty(wgs84);
  return bg::distance(point(lon1, lat1), point(lon2, lat2), vincenty);
}

CRMKIT_END_NAMESPACE
