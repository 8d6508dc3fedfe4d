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
/// Computed by Boost.Geometry's Vincenty strategy (T. Vincenty, "Direct and inverse
/// solutions of geodesics on the ellipsoid", Survey Review 23(176), 1975; accurate to
/// about 0.5 mm) on the WGS84 spheroid (a = 6378137 m, f = 1/298.257223563); the test
/// reproduces Vincenty's published Flinders Peak - Buninyong distance. Vincenty's
/// iteration converges slowly or not at all for nearly antipodal points (within about
/// 0.5 degrees of the antipode); Boost 1.74's Karney strategy, which would not have that
/// limit, does not compile. Boost.Geometry is compiled in src/geo/geodesic.cpp only.
#pragma once

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The WGS84 geodesic distance in metres between (lon1, lat1) and (lon2, lat2) in degrees.
/// @throws crmkit::error (invalid_argument) on NaN or out-of-range coordinates.
[[nodiscard]] CRMKIT_FUNC double wgs84_geodesic_m(double lon1, double lat1, double lon2, double lat2);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/geo/geodesic_impl.hpp"
#endif
