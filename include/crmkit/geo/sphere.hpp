/// @file crmkit/geo/sphere.hpp
/// The Earth model of crmkit's geospatial queries: a sphere of the mean Earth radius
/// (IUGG R1 = 6,371,008.8 m by default), great-circle distances by the haversine formula,
/// and the unit-vector (3D cartesian) form the spatial index works in.
///
/// `#include <crmkit/geo/sphere.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// double d = crmkit::haversine_m(2.3522, 48.8566, -0.1276, 51.5072);  // Paris-London, ~343.9 km
/// @endcode
///
/// ## Why the sphere, and how exact
/// On the sphere of radius R the great-circle distance between two points is
/// d = 2 R asin(sqrt(hav)), hav = sin^2(dphi/2) + cos(phi1) cos(phi2) sin^2(dlambda/2)
/// (the haversine formula, R. W. Sinnott, "Virtues of the Haversine", Sky and Telescope
/// 68(2), 1984), which is also what scikit-learn's BallTree computes with
/// metric="haversine" (times R). The same distance follows from the unit vectors u, v of
/// the two points: the chord c = |u - v| equals 2 sin(d / 2R), so d = 2 R asin(c / 2).
/// The index compares chords (no trigonometry per candidate) and reports distances as
/// 2 R asin(c / 2): mathematically the haversine distance, with an absolute rounding
/// error of about R * 1e-16 (well under a micrometre). The sphere differs from the WGS84
/// ellipsoid's geodesic by up to about 0.5 % (the flattening); use a radius fitted to the
/// region (e.g. the radius of curvature at its latitude) or the index's wgs84 distance
/// model (crmkit/geo/geo_index.hpp, crmkit/geo/geodesic.hpp) when that matters.
#pragma once

#include <cmath>
#include <numbers>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The mean Earth radius R1 = (2a + b) / 3 of WGS84 in metres (IUGG, Moritz 1980).
inline constexpr double earth_mean_radius_m = 6371008.8;

/// A unit vector on the sphere (earth-centred, x towards lon 0 lat 0, z to the north pole).
struct unit_vector {
  double x = 0.0;
  double y = 0.0;
  double z = 0.0;
};

/// The unit vector of (longitude, latitude) in degrees. Stateless; safe.
[[nodiscard]] inline unit_vector to_unit_vector(double longitude_deg, double latitude_deg) noexcept {
  constexpr double to_rad = std::numbers::pi / 180.0;
  const double lambda = longitude_deg * to_rad;
  const double phi = latitude_deg * to_rad;
  // The poles are one point whatever the longitude (cos(pi/2) rounds to 6e-17, not 0).
  if (latitude_deg == 90.0 || latitude_deg == -90.0) return {0.0, 0.0, latitude_deg > 0 ? 1.0 : -1.0};
  const double c = std::cos(phi);
  return {c * std::cos(lambda), c * std::sin(lambda), std::sin(phi)};
}

/// Squared chord length |u - v|^2 between two unit vectors, the index's comparison key.
[[nodiscard]] inline double chord2(const unit_vector& u, const unit_vector& v) noexcept {
  const double dx = u.x - v.x;
  const double dy = u.y - v.y;
  const double dz = u.z - v.z;
  return dx * dx + dy * dy + dz * dz;
}

/// The chord of a great-circle distance: 2 sin(d / 2R), for d in [0, pi R]; distances
/// beyond half the circumference give the diameter 2.
[[nodiscard]] inline double chord_of_distance(double distance_m, double radius_m = earth_mean_radius_m) noexcept {
  const double half_angle = distance_m / (2.0 * radius_m);
  return half_angle >= std::numbers::pi / 2.0 ? 2.0 : 2.0 * std::sin(half_angle);
}

/// The great-circle distance in metres of a squared chord: 2 R asin(sqrt(c2) / 2).
[[nodiscard]] inline double distance_of_chord2(double chord_squared, double radius_m = earth_mean_radius_m) noexcept {
  const double half = std::sqrt(chord_squared) / 2.0;
  return 2.0 * radius_m * std::asin(half > 1.0 ? 1.0 : half);
}

/// The haversine great-circle distance in metres between two (longitude, latitude)
/// points in degrees, on a sphere of `radius_m` (see the file comment). Stateless; safe.
[[nodiscard]] inline double haversine_m(double lon1, double lat1, double lon2, double lat2,
                                        double radius_m = earth_mean_radius_m) noexcept {
  constexpr double to_rad = std::numbers::pi / 180.0;
  const double s_phi = std::sin((lat2 - lat1) * to_rad / 2.0);
  const double s_lambda = std::sin((lon2 - lon1) * to_rad / 2.0);
  double h = s_phi * s_phi + std::cos(lat1 * to_rad) * std::cos(lat2 * to_rad) * s_lambda * s_lambda;
  h = h > 1.0 ? 1.0 : h;
  return 2.0 * radius_m * std::asin(std::sqrt(h));
}

CRMKIT_END_NAMESPACE
