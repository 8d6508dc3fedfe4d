/// @file crmkit/geo/density_impl.hpp
/// Definitions of crmkit/geo/density.hpp (compiled once by src/geo/density.cpp, or inline
/// under CRMKIT_HEADER_ONLY). Include crmkit/geo/density.hpp instead.
#pragma once

#include <cmath>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/geo/density.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC density_grid grid_density(std::span<const double> lon, std::span<const double> lat,
                                      std::span<const double> values, const density_grid_options& options) {
  if (lon.size() != lat.size() || (!values.empty() && values.size() != lon.size()))
    throw error(errc::invalid_argument, fmt::format("grid_density: {} longitudes, {} latitudes and {} values", lon.size(),
                                                    lat.size(), values.size()));
  const double d = options.cell_deg;
  if (!(d > 0.0) || !std::isfinite(d))
    throw error(errc::invalid_argument, fmt::format("grid_density: cell_deg {} must be positive and finite", d));
  const auto& b = options.bounds;
  if (!(b[0] >= -180.0 && b[2] <= 180.0 && b[1] >= -90.0 && b[3] <= 90.0 && b[0] < b[2] && b[1] < b[3]))
    throw error(errc::invalid_argument, fmt::format("grid_density: bounds [{}, {}, {}, {}] must satisfy -180 <= min_lon "
                                                    "< max_lon <= 180 and -90 <= min_lat < max_lat <= 90",
                                                    b[0], b[1], b[2], b[3]));
  density_grid g;
  g.min_lon = b[0];
  g.min_lat = b[1];
  g.cell_deg = d;
  const double nx = std::ceil((b[2] - b[0]) / d), ny = std::ceil((b[3] - b[1]) / d);
  if (nx * ny > 2147483647.0)
    throw error(errc::invalid_argument, fmt::format("grid_density: {} x {} cells is too many", nx, ny));
  g.n_lon = static_cast<std::size_t>(nx);
  g.n_lat = static_cast<std::size_t>(ny);
  const std::size_t n_cells = g.n_lon * g.n_lat;
  g.count.assign(n_cells, 0);
  if (!values.empty()) {
    g.value_sum.assign(n_cells, 0.0);
    g.value_count.assign(n_cells, 0);
  }
  for (std::size_t i = 0; i < lon.size(); ++i) {
    const double x = lon[i], y = lat[i];
    if (std::isnan(x) || std::isnan(y)) {
      ++g.n_unlocated;
      continue;
    }
    if (!(x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3])) {
      ++g.n_outside;
      continue;
    }
    const auto c = std::min(static_cast<std::size_t>((x - b[0]) / d), g.n_lon - 1);
    const auto r = std::min(static_cast<std::size_t>((y - b[1]) / d), g.n_lat - 1);
    const std::size_t cell = r * g.n_lon + c;
    ++g.count[cell];
    if (!values.empty() && !std::isnan(values[i])) {
      g.value_sum[cell] += values[i];
      ++g.value_count[cell];
    }
  }
  return g;
}

CRMKIT_FUNC std::string density_grid::to_geojson(std::uint32_t min_count) const {
  std::string out = R"({"type": "FeatureCollection", "features": [)";
  bool first = true;
  auto num = [](double v) { return std::isfinite(v) ? fmt::format("{}", v) : std::string("null"); };
  for (std::size_t r = 0; r < n_lat; ++r)
    for (std::size_t c = 0; c < n_lon; ++c) {
      const std::size_t i = r * n_lon + c;
      if (count[i] < min_count || count[i] == 0) continue;
      const double x0 = min_lon + static_cast<double>(c) * cell_deg, x1 = std::min(180.0, x0 + cell_deg);
      const double y0 = min_lat + static_cast<double>(r) * cell_deg, y1 = std::min(90.0, y0 + cell_deg);
      out += fmt::format(
          R"({}{{"type": "Feature", "geometry": {{"type": "Polygon", "coordinates": [[[{}, {}], [{}, {}], [{}, {}], [{}, {}], [{}, {}]]]}}, "properties": {{"cell": {}, "count": {})",
          first ? "" : ", ", num(x0), num(y0), num(x1), num(y0), num(x1), num(y1), num(x0), num(y1), num(x0), num(y0), i,
          count[i]);
      if (!value_sum.empty()) out += fmt::format(R"(, "sum": {}, "mean": {})", num(value_sum[i]), num(mean(i)));
      out += "}}";
      first = false;
    }
  out += "]}";
  return out;
}

CRMKIT_END_NAMESPACE
