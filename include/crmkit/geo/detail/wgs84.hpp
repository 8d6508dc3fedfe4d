// crmkit::detail::wgs84_inverse_m: the WGS84 geodesic distance through GeographicLib, for
// the implementation files of crmkit/geo (geodesic_impl.hpp, geo_index_impl.hpp). Internal;
// not a stable API. Includes GeographicLib, so public headers must not include it.
//
// Thread safety: stateless; safe (GeographicLib's WGS84 object is an immutable
// function-local static).
#pragma once

#include <GeographicLib/Geodesic.hpp>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// The WGS84 geodesic distance in metres between valid coordinates (degrees), by Karney's
/// inverse solution.
inline double wgs84_inverse_m(double lon1, double lat1, double lon2, double lat2) noexcept {
  double s12 = 0.0;
  GeographicLib::Geodesic::WGS84().Inverse(lat1, lon1, lat2, lon2, s12);
  return s12;
}

}  // namespace detail
CRMKIT_END_NAMESPACE
