/// @file crmkit/geo.hpp
/// Module header for crmkit's geospatial queries: the Earth model and distances
/// (geo/sphere.hpp), territories from WKT/GeoJSON (geo/territory.hpp) and the spatial
/// index over customer locations with radius, k-nearest, box and territory queries
/// (geo/geo_index.hpp), reps and assignment (geo/reps.hpp), GPS tracks (geo/track.hpp) and
/// a rep's coverage and daily summary (geo/coverage.hpp), density on lon/lat grids
/// (geo/density.hpp) or geohash cells (geo/geohash.hpp), Chinese coordinate systems and the
/// WGS84 geodesic (geo/geodesic.hpp).
///
/// `#include <crmkit/geo.hpp>`
///
/// Thread safety: immutable after construction; concurrent const use is safe.
///
/// @code
/// crmkit::geo_index index = crmkit::geo_index::from_customers(table);
/// auto near = index.within(2.35, 48.86, 5000.0);
/// auto area = crmkit::territory::parse(wkt_or_geojson);
/// auto inside = index.in_territory(area);
/// @endcode
#pragma once

#include "crmkit/geo/sphere.hpp"
#include "crmkit/geo/territory.hpp"
#include "crmkit/geo/geo_index.hpp"
#include "crmkit/geo/reps.hpp"
#include "crmkit/geo/china_coordinates.hpp"
#include "crmkit/geo/density.hpp"
#include "crmkit/geo/track.hpp"
#include "crmkit/geo/geodesic.hpp"
#include "crmkit/geo/coverage.hpp"
#include "crmkit/geo/geohash.hpp"
#include "crmkit/geo/customers.hpp"
