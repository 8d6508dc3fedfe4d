/// @file crmkit/geo/geodesic.hpp
/// The geodesic distance on the WGS84 ellipsoid, for hosts that need more than the
/// sphere's accuracy (the sphere of crmkit/geo/sphere.hpp, which the index uses, differs
/// from the ellipsoid by up to about 0.5 %).
///
/// `#include <crmkit/geo/geodesic.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// double d = crmkit::wgs84_geodesic_m(144.42486789, -37.95103342, 143.92649553, -37.65282114);  // 54,972.271 m
/// @endcode
///
/// Computed by GeographicLib's geodesic inverse (C. F. F. Karney, "Algorithms for
/// geodesics", J. Geodesy 87(1), 2013; accurate to about 15 nanometres for any pair of
/// points, nearly antipodal ones included, unlike Vincenty's 1975 iteration) on the WGS84
/// ellipsoid (a = 6378137 m, f = 1/298.257223563). The tests reproduce Vincenty's
/// published Flinders Peak - Buninyong distance and python3-geographiclib's values.
/// The index can use the same distance for its queries (geo_distance_model::wgs84 in
/// crmkit/geo/geo_index.hpp). GeographicLib is linked by the crmkit library.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The WGS84 geodesic distance in metres between (lon1, lat1) and (lon2, lat2) in degrees.
/// @throws crmkit::error (invalid_argument) on NaN or out-of-range coordinates.
[[nodiscard]] CRMKIT_FUNC double wgs84_geodesic_m(double lon1, double lat1, double lon2, double lat2);

/// How pair_distances_m measures: great circle on the mean sphere (haversine_m,
/// crmkit/geo/sphere.hpp) or the WGS84 geodesic. Values are the C constants
/// CRMKIT_GEO_DISTANCE_SPHERE / _WGS84.
enum class distance_method : std::int32_t { sphere = 0, wgs84 = 1 };

/// The distance in metres of each pair (lon1[i], lat1[i]) - (lon2[i], lat2[i]), degrees,
/// into `out` (all five spans of one length). A pair with a missing point (a NaN
/// coordinate) gets NaN. What C `crmkit_geo_distance` and Python `geo_distance` call.
/// @throws crmkit::error (invalid_argument) naming `where` and the pair for spans of
///         different lengths, a method outside the enum, or a coordinate outside
///         [-180, 180] x [-90, 90]; nothing is written then.
CRMKIT_FUNC void pair_distances_m(std::span<const double> lon1, std::span<const double> lat1,
                                  std::span<const double> lon2, std::span<const double> lat2, distance_method method,
                                  std::span<double> out, std::string_view where = "pair_distances_m");

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/geo/geodesic_impl.hpp"
#endif
