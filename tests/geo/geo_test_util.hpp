// Random test data for the geo tests: uniform points on the sphere plus the hard places
// (poles, antimeridian, duplicates, rows without a location).
#pragma once

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

struct geo_points {
  std::vector<double> lon, lat;
};

inline double geo_test_wrap(double lon) {
  while (lon > 180.0) lon -= 360.0;
  while (lon < -180.0) lon += 360.0;
  return lon;
}

inline geo_points geo_test_points(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  geo_points p;
  for (std::size_t i = 0; i < n; ++i) {
    double x, y;
    switch (i % 8) {
      case 0:
      case 1:  // uniform on the sphere
        x = -180 + 360 * u(rng);
        y = std::asin(2 * u(rng) - 1) * 180 / std::numbers::pi;
        break;
      case 2:  // near the north pole
        x = -180 + 360 * u(rng);
        y = 90 - 0.5 * u(rng) * u(rng);
        break;
      case 3:  // near the south pole, some exactly on it
        x = -180 + 360 * u(rng);
        y = i % 24 == 3 ? -90.0 : -90 + 0.5 * u(rng);
        break;
      case 4:  // around the antimeridian, some exactly on +-180
        x = i % 32 == 4 ? (i % 64 == 4 ? 180.0 : -180.0) : geo_test_wrap(180 + (u(rng) - 0.5) * 0.4);
        y = (u(rng) - 0.5) * 20;
        break;
      case 5:  // a dense city
        x = 2.35 + (u(rng) - 0.5) * 0.2;
        y = 48.85 + (u(rng) - 0.5) * 0.2;
        break;
      case 6:  // duplicates of earlier points (ties for k-nearest)
        if (i > 8) {
          const std::size_t j = static_cast<std::size_t>(u(rng) * static_cast<double>(i - 1));
          x = p.lon[j];
          y = p.lat[j];
          if (std::isnan(x)) x = y = 0.0;
          break;
        }
        [[fallthrough]];
      default:  // no location now and then
        if (u(rng) < 0.3) {
          x = y = std::nan("");
        } else {
          x = 2.35 + (u(rng) - 0.5) * 2;
          y = 48.85 + (u(rng) - 0.5) * 2;
        }
    }
    p.lon.push_back(x);
    p.lat.push_back(y);
  }
  return p;
}
