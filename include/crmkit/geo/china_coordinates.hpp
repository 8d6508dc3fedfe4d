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
#include <numbers>

#include "crmkit/config.hpp"
#include "crmkit/geo/territory.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {
inline double gcj_lat_offset(double x, double y) noexcept {
  const double pi = std::numbers::pi;
  double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
  r += (20.0 * std::sin(6.0 * x * pi) + 20.0 * std::sin(2.0 * x * pi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(y * pi) + 40.0 * std::sin(y / 3.0 * pi)) * 2.0 / 3.0;
  r += (160.0 * std::sin(y / 12.0 * pi) + 320.0 * std::sin(y * pi / 30.0)) * 2.0 / 3.0;
  return r;
}
inline double gcj_lon_offset(double x, double y) noexcept {
  const double pi = std::numbers::pi;
  double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
  r += (20.0 * std::sin(6.0 * x * pi) + 20.0 * std::sin(2.0 * x * pi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(x * pi) + 40.0 * std::sin(x / 3.0 * pi)) * 2.0 / 3.0;
  r += (150.0 * std::sin(x / 12.0 * pi) + 300.0 * std::sin(x / 30.0 * pi)) * 2.0 / 3.0;
  return r;
}
}  // namespace detail

/// Whether a point lies outside the box where the Chinese offsets apply.
[[nodiscard]] inline bool outside_china(lon_lat p) noexcept {
  return !(p[0] >= 72.004 && p[0] <= 137.8347 && p[1] >= 0.8293 && p[1] <= 55.8271);
}

/// WGS84 -> GCJ-02 (see the file comment). Stateless; safe.
[[nodiscard]] inline lon_lat wgs84_to_gcj02(lon_lat wgs) noexcept {
  if (outside_china(wgs)) return wgs;
  constexpr double a = 6378245.0;
  constexpr double ee = 0.00669342162296594323;
  const double pi = std::numbers::pi;
  double dlat = detail::gcj_lat_offset(wgs[0] - 105.0, wgs[1] - 35.0);
  double dlon = detail::gcj_lon_offset(wgs[0] - 105.0, wgs[1] - 35.0);
  const double radlat = wgs[1] / 180.0 * pi;
  double magic = std::sin(radlat);
  magic = 1 - ee * magic * magic;
  const double sqrtmagic = std::sqrt(magic);
  dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * sqrtmagic) * pi);
  dlon = (dlon * 180.0) / (a / sqrtmagic * std::cos(radlat) * pi);
  return {wgs[0] + dlon, wgs[1] + dlat};
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

CRMKIT_END_NAMESPACE
