/// @file crmkit/geo/geohash_impl.hpp
/// Definitions of crmkit/geo/geohash.hpp (compiled once by src/geo/geohash.cpp, or inline
/// under CRMKIT_HEADER_ONLY). Include crmkit/geo/geohash.hpp instead.
#pragma once

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/geo/geohash.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

inline constexpr char geohash_alphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";

inline void geohash_check_precision(int precision, const char* what) {
  if (precision < 1 || precision > geohash_max_precision)
    throw error(errc::invalid_argument,
                fmt::format("{}: precision {} outside 1..{}", what, precision, geohash_max_precision));
}

// The 5 * precision bits of (lon, lat), most significant first (the hash read as a
// base-32 number). Precondition: valid coordinates.
inline std::uint64_t geohash_code(double lon, double lat, int precision) noexcept {
  double lon_lo = -180.0, lon_hi = 180.0, lat_lo = -90.0, lat_hi = 90.0;
  std::uint64_t code = 0;
  for (int b = 0; b < 5 * precision; ++b) {
    double& lo = b % 2 == 0 ? lon_lo : lat_lo;
    double& hi = b % 2 == 0 ? lon_hi : lat_hi;
    const double v = b % 2 == 0 ? lon : lat;
    const double mid = (lo + hi) / 2;
    code <<= 1;
    if (v >= mid) {
      code |= 1;
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return code;
}

inline geohash_box geohash_box_of(std::uint64_t code, int precision) noexcept {
  geohash_box box{-180.0, -90.0, 180.0, 90.0};
  const int n_bits = 5 * precision;
  for (int b = 0; b < n_bits; ++b) {
    const bool one = ((code >> (n_bits - 1 - b)) & 1u) != 0;
    double& lo = b % 2 == 0 ? box.min_lon : box.min_lat;
    double& hi = b % 2 == 0 ? box.max_lon : box.max_lat;
    const double mid = (lo + hi) / 2;
    (one ? lo : hi) = mid;
  }
  return box;
}

inline std::string geohash_string(std::uint64_t code, int precision) {
  std::string s(static_cast<std::size_t>(precision), '0');
  for (int c = precision - 1; c >= 0; --c, code >>= 5) s[static_cast<std::size_t>(c)] = geohash_alphabet[code & 31u];
  return s;
}

inline void geohash_check_point(double lon, double lat, const char* what) {
  if (!(lon >= -180.0 && lon <= 180.0 && lat >= -90.0 && lat <= 90.0))
    throw error(errc::invalid_argument,
                fmt::format("{}: invalid position (longitude {}, latitude {}; must be in [-180, 180] x [-90, 90])", what,
                            lon, lat));
}

}  // namespace detail

CRMKIT_FUNC std::string geohash_encode(double lon, double lat, int precision) {
  detail::geohash_check_precision(precision, "geohash_encode");
  detail::geohash_check_point(lon, lat, "geohash_encode");
  return detail::geohash_string(detail::geohash_code(lon, lat, precision), precision);
}

CRMKIT_FUNC void geohash_encode_into(std::span<const double> lon, std::span<const double> lat, int precision,
                                     std::span<char> out, std::string_view where) {
  const std::string name(where);
  detail::geohash_check_precision(precision, name.c_str());
  const auto stride = static_cast<std::size_t>(precision) + 1;
  if (lat.size() != lon.size() || out.size() / stride < lon.size())
    throw error(errc::invalid_argument, fmt::format("{}: {} longitudes, {} latitudes, room for {} hashes of {} bytes",
                                                    where, lon.size(), lat.size(), out.size() / stride, stride));
  for (std::size_t i = 0; i < lon.size(); ++i) {  // validate first: a failure writes nothing
    if (std::isnan(lon[i]) && std::isnan(lat[i])) continue;
    if (std::isnan(lon[i]) || std::isnan(lat[i]))
      throw error(errc::invalid_argument, fmt::format("{}: point {} has NaN in only one coordinate", where, i));
    detail::geohash_check_point(lon[i], lat[i], fmt::format("{}: point {}", where, i).c_str());
  }
  for (std::size_t i = 0; i < lon.size(); ++i) {
    char* slot = out.data() + i * stride;
    if (std::isnan(lon[i])) {
      slot[0] = '\0';
      continue;
    }
    const std::string h = detail::geohash_string(detail::geohash_code(lon[i], lat[i], precision), precision);
    std::copy(h.begin(), h.end(), slot);
    slot[h.size()] = '\0';
  }
}

CRMKIT_FUNC geohash_box geohash_decode(std::string_view hash) {
  if (hash.empty() || hash.size() > static_cast<std::size_t>(geohash_max_precision))
    throw error(errc::invalid_argument, fmt::format("geohash_decode: \"{}\" has {} characters (1 to {} allowed)", hash,
                                                    hash.size(), geohash_max_precision));
  std::uint64_t code = 0;
  for (std::size_t i = 0; i < hash.size(); ++i) {
    char ch = hash[i];
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    const char* at = std::find(detail::geohash_alphabet, detail::geohash_alphabet + 32, ch);
    if (at == detail::geohash_alphabet + 32 || ch == '\0')
      throw error(errc::invalid_argument, fmt::format("geohash_decode: \"{}\": character '{}' at position {} is not in "
                                                      "the geohash alphabet (0-9, b-z without i, l, o)",
                                                      hash, hash[i], i));
    code = (code << 5) | static_cast<std::uint64_t>(at - detail::geohash_alphabet);
  }
  return detail::geohash_box_of(code, static_cast<int>(hash.size()));
}

CRMKIT_FUNC geohash_box geohash_density::box(std::size_t i) const { return geohash_decode(cells.at(i)); }

CRMKIT_FUNC geohash_density geohash_grid(std::span<const double> lon, std::span<const double> lat,
                                         std::span<const std::span<const double>> values, int precision) {
  detail::geohash_check_precision(precision, "geohash_grid");
  if (lon.size() != lat.size())
    throw error(errc::invalid_argument,
                fmt::format("geohash_grid: {} longitudes but {} latitudes", lon.size(), lat.size()));
  for (std::size_t c = 0; c < values.size(); ++c)
    if (values[c].size() != lon.size())
      throw error(errc::invalid_argument,
                  fmt::format("geohash_grid: value column {} has {} rows for {} points", c, values[c].size(), lon.size()));
  if (lon.size() > 2147483647u)
    throw error(errc::invalid_argument, fmt::format("geohash_grid: {} points exceed 2^31 - 1", lon.size()));
  geohash_density g;
  g.precision = precision;
  g.point_cell.assign(lon.size(), -1);
  // (code, point) for the located points, sorted: equal codes are one cell.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed;
  keyed.reserve(lon.size());
  for (std::size_t i = 0; i < lon.size(); ++i) {
    if (std::isnan(lon[i]) && std::isnan(lat[i])) {
      ++g.n_unlocated;
      continue;
    }
    if (std::isnan(lon[i]) || std::isnan(lat[i]) || !(lon[i] >= -180.0 && lon[i] <= 180.0) ||
        !(lat[i] >= -90.0 && lat[i] <= 90.0)) {
      const std::string what = fmt::format("geohash_grid: row {}", i);
      detail::geohash_check_point(lon[i], lat[i], what.c_str());
    }
    keyed.emplace_back(detail::geohash_code(lon[i], lat[i], precision), static_cast<std::uint32_t>(i));
  }
  std::sort(keyed.begin(), keyed.end());
  g.value_sum.resize(values.size());
  g.value_count.resize(values.size());
  for (std::size_t j = 0; j < keyed.size(); ++j) {
    if (j == 0 || keyed[j].first != keyed[j - 1].first) {
      g.cells.push_back(detail::geohash_string(keyed[j].first, precision));
      g.count.push_back(0);
      for (std::size_t c = 0; c < values.size(); ++c) {
        g.value_sum[c].push_back(0.0);
        g.value_count[c].push_back(0);
      }
    }
    const std::size_t cell = g.cells.size() - 1;
    const std::uint32_t i = keyed[j].second;
    g.point_cell[i] = static_cast<std::int32_t>(cell);
    ++g.count[cell];
    for (std::size_t c = 0; c < values.size(); ++c)
      if (!std::isnan(values[c][i])) {
        g.value_sum[c][cell] += values[c][i];
        ++g.value_count[c][cell];
      }
  }
  return g;
}

CRMKIT_FUNC std::string geohash_density::to_geojson(std::uint32_t min_count) const {
  std::string out = R"({"type": "FeatureCollection", "features": [)";
  bool first = true;
  auto num = [](double v) { return std::isfinite(v) ? fmt::format("{}", v) : std::string("null"); };
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (count[i] < min_count) continue;
    const geohash_box b = box(i);
    out += fmt::format(
        R"({}{{"type": "Feature", "geometry": {{"type": "Polygon", "coordinates": [[[{}, {}], [{}, {}], [{}, {}], [{}, {}], [{}, {}]]]}}, "properties": {{"geohash": "{}", "count": {})",
        first ? "" : ", ", b.min_lon, b.min_lat, b.max_lon, b.min_lat, b.max_lon, b.max_lat, b.min_lon, b.max_lat,
        b.min_lon, b.min_lat, cells[i], count[i]);
    for (std::size_t c = 0; c < value_sum.size(); ++c)
      out += fmt::format(R"(, "sum_{}": {}, "mean_{}": {})", c, num(value_sum[c][i]), c, num(mean(c, i)));
    out += "}}";
    first = false;
  }
  out += "]}";
  return out;
}

CRMKIT_END_NAMESPACE
