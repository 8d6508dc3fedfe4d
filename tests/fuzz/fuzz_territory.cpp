// libFuzzer target: territories from WKT and GeoJSON (crmkit::territory). Byte 0 picks the
// reader (parse / from_wkt / from_geojson) and the antimeridian option; the rest is the
// text. A territory that parses is queried at a few points, one by one and in bulk.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/geo/territory.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crmkit_fuzz::bytes in(data, size);
  const std::uint8_t mode = in.byte();
  crmkit::territory_options options;
  options.wrap_antimeridian = (mode & 4) != 0;
  const auto text = in.rest();
  try {
    const crmkit::territory t = (mode & 3) == 1   ? crmkit::territory::from_wkt(text, options)
                                : (mode & 3) == 2 ? crmkit::territory::from_geojson(text, options)
                                                  : crmkit::territory::parse(text, options);
    const auto& b = t.bounds();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<double> lon = {b[0], b[2], (b[0] + b[2]) / 2, 0.0, 180.0, -180.0, nan, 179.999};
    const std::vector<double> lat = {b[1], b[3], (b[1] + b[3]) / 2, 0.0, 90.0, -90.0, 0.0, nan};
    for (std::size_t i = 0; i < lon.size(); ++i) (void)t.contains(lon[i], lat[i]);
    (void)t.contains(lon, lat, 2);
  } catch (const crmkit::error&) {
  }
  return 0;
}
