/// @file crmkit/geo/china_coordinates.hpp
/// Conversions between WGS84 (GPS fixes), GCJ-02 (Gaode/Amap, Tencent; China's "Mars"
/// coordinates) and BD-09 (Baidu), so a host can mix phone GPS fixes with addresses
/// picked on a Chinese map: the offsets are 100-700 m, more than a check-in radius.
///
/// `#include <crmkit/geo/china_coordinates.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::lon_lat gcj = crmkit::wgs84_to_gcj02({116.404, 39.915});  // {116.41024449916938, 39.91640428150164}
/// crmkit::lon_lat bd = crmkit::gcj02_to_bd09(gcj);
/// crmkit::lon_lat back = crmkit::bd09_to_wgs84(bd);                 // within 1e-9 degrees of the input
/// @endcode
///
/// ## Formulas and accuracy
/// WGS84 -> GCJ-02 is the widely published formula (Krasovsky-1940 ellipsoid a = 6378245 m,
/// e^2 = 0.00669342162296594323, with the trigonometric offset series), as implemented by
/// eviltransform and coordtransform; crmkit reproduces coordtransform's published values
/// to the last digits (tests/geo/china_coordinates_test.cpp). The formula is the public
/// reconstruction, not the official algorithm: agreement with the providers' maps is
/// usually quoted at about 1 m. GCJ-02 has no closed-form inverse: gcj02_to_wgs84 solves
/// wgs84_to_gcj02(w) = g by fixed-point iteration until the residual is below 1e-10 degrees
/// (about 1 cm; typically 3-5 steps), much closer than the common one-step inverse (errors
/// of 1-2 m). GCJ-02 <-> BD-09 are Baidu's published formulas (a polar shift and a 0.0065 /
/// 0.006 degree translation); BD-09 -> GCJ-02 is their usual approximate inverse (round
/// trip within about 1e-6 degrees, 0.1 m). Points outside mainland China (the common
/// bounding box lon [72.004, 137.8347], lat [0.8293, 55.8271]) are returned unchanged by
/// the WGS84 <-> GCJ-02 conversions, as the providers do.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <span>

#include <fmt/format.h>

#include "crmkit/config.hpp"
#include "crmkit/error.hpp"
#include "crmkit/geo/territory.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {
// sin and cos of w for |w| below about 2.4 (the offset series' angles, in radians, inside
// the China box), with no branch and no libm call so that the batch conversion vectorises:
// one Cody-Waite step by pi/2 (k in {-1, 0, 1}) and fdlibm's kernel polynomials on
// [-pi/4, pi/4] (error below 1 ulp of the kernels; the reduction is exact for |k| <= 1).
// For larger |w| (points outside the box, whose result is discarded) it returns finite
// garbage, never UB.
inline void sincos_reduced(double w, double& s, double& c) noexcept {
  constexpr double two_over_pi = 6.36619772367581382433e-01;
  constexpr double pio2_hi = 1.57079632673412561417e+00;   // first 33 bits of pi/2
  constexpr double pio2_lo = 6.07710050650619224932e-11;   // pi/2 - pio2_hi
  constexpr double round_shift = 6755399441055744.0;       // 1.5 * 2^52: round to nearest
  const double k = (w * two_over_pi + round_shift) - round_shift;
  const double r = (w - k * pio2_hi) - k * pio2_lo;
  const double z = r * r;
  const double sin_poly =
      -1.66666666666666324348e-01 +
      z * (8.33333333332248946124e-03 +
           z * (-1.98412698298579493134e-04 +
                z * (2.75573137070700676789e-06 + z * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10))));
  const double cos_poly =
      4.16666666666666019037e-02 +
      z * (-1.38888888888741095749e-03 +
           z * (2.48015872894767294178e-05 +
                z * (-2.75573143513906633035e-07 + z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11))));
  const double sr = r + r * z * sin_poly;
  const double cr = 1.0 - 0.5 * z + z * z * cos_poly;
  // sin(r + k pi/2), cos(r + k pi/2) for k in {-1, 0, 1}, as exact arithmetic rather than a
  // select (GCC does not if-convert a select whose arm multiplies: it might trap).
  const double keep = 1.0 - std::fabs(k);
  s = keep * sr + k * cr;
  c = keep * cr - k * sr;
}

// The offset series (the published formula) needs sin at v, 2v, 6v, v/3, v/12 and v/30
// (v = t*pi) for both coordinates. Twelve libm calls per point made the conversion slower
// than numpy's vectorised sin; instead one sincos of w = v/60 per coordinate and exact
// multiple-angle identities (double and triple angle, Chebyshev for 5w) give all six:
// v/30 = 2w, v/12 = 5w, v/3 = 20w, v = 60w. The identities amplify rounding by up to the
// angle multiple (360): measured below 2e-12 absolute in a sine, which the formula scales
// to below 5e-14 degrees (0.005 um); converted coordinates agree with the twelve-call
// evaluation to 2 ulp, far inside the formula's own ~1 m accuracy.
struct gcj_sines {
  double s1, s2, s6;     // sin(v), sin(2v), sin(6v)
  double s3, s12, s30;   // sin(v/3), sin(v/12), sin(v/30)
};
inline gcj_sines gcj_multiple_angle_sines(double t) noexcept {
  const double w = t * std::numbers::pi / 60.0;
  double sw = 0.0, cw = 0.0;
  sincos_reduced(w, sw, cw);
  const double sw2 = sw * sw, cw2 = cw * cw;
  const double s5 = sw * (5.0 - 20.0 * sw2 + 16.0 * sw2 * sw2);  // sin 5w (Chebyshev)
  const double c5 = cw * (5.0 - 20.0 * cw2 + 16.0 * cw2 * cw2);  // cos 5w
  const double s10 = 2.0 * s5 * c5, c10 = (c5 - s5) * (c5 + s5);
  const double s20 = 2.0 * s10 * c10, c20 = (c10 - s10) * (c10 + s10);
  const double s60 = s20 * (3.0 - 4.0 * s20 * s20);  // sin 3a = 3 sin a - 4 sin^3 a
  const double c60 = c20 * (4.0 * c20 * c20 - 3.0);  // cos 3a = 4 cos^3 a - 3 cos a
  const double s120 = 2.0 * s60 * c60;
  gcj_sines out{};
  out.s1 = s60;
  out.s2 = s120;
  out.s6 = s120 * (3.0 - 4.0 * s120 * s120);
  out.s3 = s20;
  out.s12 = s5;
  out.s30 = 2.0 * sw * cw;
  return out;
}
inline double gcj_lat_offset(double x, double y, const gcj_sines& sx, const gcj_sines& sy) noexcept {
  double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
  r += (20.0 * sx.s6 + 20.0 * sx.s2) * 2.0 / 3.0;
  r += (20.0 * sy.s1 + 40.0 * sy.s3) * 2.0 / 3.0;
  r += (160.0 * sy.s12 + 320.0 * sy.s30) * 2.0 / 3.0;
  return r;
}
inline double gcj_lon_offset(double x, double y, const gcj_sines& sx) noexcept {
  double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
  r += (20.0 * sx.s6 + 20.0 * sx.s2) * 2.0 / 3.0;
  r += (20.0 * sx.s1 + 40.0 * sx.s3) * 2.0 / 3.0;
  r += (150.0 * sx.s12 + 300.0 * sx.s30) * 2.0 / 3.0;
  return r;
}
}  // namespace detail

namespace detail {
// The box where the Chinese offsets apply (lon [72.004, 137.8347], lat [0.8293, 55.8271]).
// Bitwise &, not &&: no branch, so that the batch loop can vectorise the test.
inline bool in_china_box(double lon, double lat) noexcept {
  return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271);
}
}  // namespace detail

/// Whether a point lies outside the box where the Chinese offsets apply.
[[nodiscard]] inline bool outside_china(lon_lat p) noexcept { return !detail::in_china_box(p[0], p[1]); }

namespace detail {
// WGS84 -> GCJ-02 for a point inside the box, with no branch (the batch loop vectorises it).
inline lon_lat wgs84_to_gcj02_in_box(double lon, double lat) noexcept {
  constexpr double a = 6378245.0;
  constexpr double ee = 0.00669342162296594323;
  const double pi = std::numbers::pi;
  const double x = lon - 105.0, y = lat - 35.0;
  const gcj_sines sx = gcj_multiple_angle_sines(x);
  const gcj_sines sy = gcj_multiple_angle_sines(y);
  double dlat = gcj_lat_offset(x, y, sx, sy);
  double dlon = gcj_lon_offset(x, y, sx);
  double sin_lat = 0.0, cos_lat = 0.0;
  sincos_reduced(lat / 180.0 * pi, sin_lat, cos_lat);
  const double magic = 1 - ee * sin_lat * sin_lat;
  const double sqrtmagic = std::sqrt(magic);
  dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * sqrtmagic) * pi);
  dlon = (dlon * 180.0) / (a / sqrtmagic * cos_lat * pi);
  return {lon + dlon, lat + dlat};
}
}  // namespace detail

/// WGS84 -> GCJ-02 (see the file comment). Stateless; safe.
[[nodiscard]] inline lon_lat wgs84_to_gcj02(lon_lat wgs) noexcept {
  if (outside_china(wgs)) return wgs;
  return detail::wgs84_to_gcj02_in_box(wgs[0], wgs[1]);
}

/// GCJ-02 -> WGS84 by fixed-point iteration to 1e-10 degrees (see the file comment).
/// Stateless; safe.
[[nodiscard]] inline lon_lat gcj02_to_wgs84(lon_lat gcj) noexcept {
  if (outside_china(gcj)) return gcj;
  lon_lat w = gcj;
  for (int i = 0; i < 30; ++i) {
    const lon_lat g = wgs84_to_gcj02(w);
    const double ex = g[0] - gcj[0], ey = g[1] - gcj[1];
    w = {w[0] - ex, w[1] - ey};
    if (std::fabs(ex) < 1e-10 && std::fabs(ey) < 1e-10) break;
  }
  return w;
}

/// GCJ-02 -> BD-09 (Baidu's published formula). Stateless; safe.
[[nodiscard]] inline lon_lat gcj02_to_bd09(lon_lat gcj) noexcept {
  const double x_pi = std::numbers::pi * 3000.0 / 180.0;
  const double x = gcj[0], y = gcj[1];
  const double z = std::sqrt(x * x + y * y) + 0.00002 * std::sin(y * x_pi);
  const double theta = std::atan2(y, x) + 0.000003 * std::cos(x * x_pi);
  return {z * std::cos(theta) + 0.0065, z * std::sin(theta) + 0.006};
}

/// BD-09 -> GCJ-02 (the usual approximate inverse, about 1e-6 degrees). Stateless; safe.
[[nodiscard]] inline lon_lat bd09_to_gcj02(lon_lat bd) noexcept {
  const double x_pi = std::numbers::pi * 3000.0 / 180.0;
  const double x = bd[0] - 0.0065, y = bd[1] - 0.006;
  const double z = std::sqrt(x * x + y * y) - 0.00002 * std::sin(y * x_pi);
  const double theta = std::atan2(y, x) - 0.000003 * std::cos(x * x_pi);
  return {z * std::cos(theta), z * std::sin(theta)};
}

/// WGS84 -> BD-09. Stateless; safe.
[[nodiscard]] inline lon_lat wgs84_to_bd09(lon_lat wgs) noexcept { return gcj02_to_bd09(wgs84_to_gcj02(wgs)); }
/// BD-09 -> WGS84. Stateless; safe.
[[nodiscard]] inline lon_lat bd09_to_wgs84(lon_lat bd) noexcept { return gcj02_to_wgs84(bd09_to_gcj02(bd)); }

/// The coordinate systems of `convert_coordinates` (the values of CRMKIT_GEO_WGS84, _GCJ02, _BD09).
enum class coordinate_system : int { wgs84 = 0, gcj02 = 1, bd09 = 2 };

/// One point from `from` to `to`, chained through GCJ-02 as the published formulas are
/// (BD-09 <-> WGS84 goes BD-09 -> GCJ-02 -> WGS84 and back). Stateless; safe.
[[nodiscard]] inline lon_lat convert_coordinates(lon_lat p, coordinate_system from, coordinate_system to) noexcept {
  if (from == to) return p;
  if (from == coordinate_system::bd09) p = bd09_to_gcj02(p);
  else if (from == coordinate_system::wgs84) p = wgs84_to_gcj02(p);
  if (to == coordinate_system::bd09) return gcj02_to_bd09(p);
  if (to == coordinate_system::wgs84) return gcj02_to_wgs84(p);
  return p;
}

/// Converts n points (lon[i], lat[i]), degrees, from `from` to `to` into out_lon/out_lat
/// (the C function crmkit_geo_convert and Python's `crmkit.geo.convert` are this call).
/// Stateless; safe.
///
/// Semantics: a point with NaN in either coordinate becomes NaN in both; every point is
/// validated before anything is written, so a failure leaves the outputs (which may be the
/// inputs: in place is allowed, each point is read before it is written) untouched.
/// Memory: none beyond the outputs.
/// @throws crmkit::error (invalid_argument) when the four spans differ in length, a system is
///         not one of the three, or a coordinate is infinite or outside [-180, 180] x
///         [-90, 90] (the message names the point and `where`).
CRMKIT_FUNC void convert_coordinates(coordinate_system from, coordinate_system to, std::span<const double> lon,
                                     std::span<const double> lat, std::span<double> out_lon,
                                     std::span<double> out_lat, const char* where = "convert_coordinates");

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/geo/china_coordinates_impl.hpp"
#endif
