/// @file crmkit/geo/reps_impl.hpp
/// Definitions of crmkit/geo/reps.hpp (compiled once by src/geo/reps.cpp, or inline under
/// CRMKIT_HEADER_ONLY). Include crmkit/geo/reps.hpp instead.
#pragma once

#include <algorithm>
#include <cmath>
#include <tuple>

#include <fmt/format.h>

#include "crmkit/core/parallel_for.hpp"
#include "crmkit/error.hpp"
#include "crmkit/geo/reps.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC rep_roster::rep_roster(std::span<const double> lon, std::span<const double> lat,
                                   std::vector<territory> territories, const geo_index_options& index_options)
    : index_(lon, lat, index_options), available_(lon.size(), 1), territories_(std::move(territories)) {
  if (index_.n_located() != index_.size())
    throw error(errc::invalid_argument, "rep_roster: every rep needs a location (found NaN coordinates)");
  if (!territories_.empty() && territories_.size() != lon.size())
    throw error(errc::invalid_argument, fmt::format("rep_roster: {} territories for {} reps (give one per rep or none)",
                                                    territories_.size(), lon.size()));
}

CRMKIT_FUNC void rep_roster::set_available(std::size_t i, bool is_available) {
  if (i >= available_.size())
    throw error(errc::invalid_argument, fmt::format("rep_roster::set_available: rep {} of {}", i, available_.size()));
  available_[i] = is_available ? 1 : 0;
}

CRMKIT_FUNC geo_filter rep_roster::eligible(double lon, double lat, const rep_query_options& options) const {
  std::vector<std::uint8_t> keep = available_;
  if (options.within_territory && !territories_.empty())
    for (std::size_t r = 0; r < keep.size(); ++r)
      if (keep[r] != 0 && !territories_[r].empty() && !territories_[r].contains(lon, lat)) keep[r] = 0;
  return geo_filter::from_mask(std::move(keep));
}

CRMKIT_FUNC geo_hits rep_roster::nearest_available(double lon, double lat, std::size_t k,
                                                   const rep_query_options& options) const {
  if (std::isnan(options.max_distance_m) || options.max_distance_m < 0)
    throw error(errc::invalid_argument, "rep_roster: max_distance_m must be >= 0");
  const geo_filter f = eligible(lon, lat, options);
  geo_query_options q;
  q.filter = &f;
  geo_hits hits = index_.nearest(lon, lat, k, q);
  std::size_t n = 0;
  while (n < hits.ids.size() && hits.distances_m[n] <= options.max_distance_m) ++n;
  hits.ids.resize(n);
  hits.distances_m.resize(n);
  return hits;
}

CRMKIT_FUNC geo_neighbors rep_roster::nearest_available_batch(std::span<const double> lon, std::span<const double> lat,
                                                            std::size_t k, const rep_query_options& options,
                                                            std::size_t n_threads) const {
  const char* f = "rep_roster::nearest_available_batch";
  if (lon.size() != lat.size())
    throw error(errc::invalid_argument, fmt::format("{}: {} longitudes but {} latitudes", f, lon.size(), lat.size()));
  if (k < 1) throw error(errc::invalid_argument, fmt::format("{}: k = 0: k must be at least 1", f));
  if (k > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw error(errc::invalid_argument, fmt::format("{}: k = {} is too large", f, k));
  if (n_threads < 1) throw error(errc::invalid_argument, fmt::format("{}: n_threads = 0 must be >= 1", f));
  if (std::isnan(options.max_distance_m) || options.max_distance_m < 0)
    throw error(errc::invalid_argument,
                fmt::format("{}: max_distance_m = {} must be >= 0 (infinity for no limit)", f, options.max_distance_m));
  const std::size_t m = lon.size();
  geo_neighbors out;
  out.k = k;
  out.ids.assign(m * k, -1);
  out.distances_m.assign(m * k, std::numeric_limits<double>::quiet_NaN());
  constexpr std::size_t chunk = 256;
  crmkit::parallel_for(m, chunk, n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      geo_hits h;
      try {
        h = nearest_available(lon[i], lat[i], k, options);
      } catch (const error& e) {
        throw error(e.code(), fmt::format("{}: request {}: {}", f, i, e.what()));
      }
      std::copy(h.ids.begin(), h.ids.end(), out.ids.begin() + static_cast<std::ptrdiff_t>(i * k));
      std::copy(h.distances_m.begin(), h.distances_m.end(), out.distances_m.begin() + static_cast<std::ptrdiff_t>(i * k));
    }
  });
  return out;
}

CRMKIT_FUNC rep_assignment rep_roster::assign(std::span<const double> lon, std::span<const double> lat,
                                              std::span<const std::int32_t> capacity,
                                              const rep_query_options& options) const {
  if (lon.size() != lat.size())
    throw error(errc::invalid_argument, fmt::format("rep_roster::assign: {} longitudes but {} latitudes", lon.size(),
                                                    lat.size()));
  if (capacity.size() != size())
    throw error(errc::invalid_argument,
                fmt::format("rep_roster::assign: {} capacities for {} reps", capacity.size(), size()));
  for (std::size_t r = 0; r < capacity.size(); ++r)
    if (capacity[r] < 0)
      throw error(errc::invalid_argument, fmt::format("rep_roster::assign: rep {} has capacity {} < 0", r, capacity[r]));
  // Every eligible (distance, request, rep), then nearest-first.
  std::vector<std::tuple<double, std::int32_t, std::int32_t>> pairs;
  for (std::size_t i = 0; i < lon.size(); ++i) {
    geo_hits h;
    try {
      h = nearest_available(lon[i], lat[i], std::max<std::size_t>(size(), 1), options);
    } catch (const error& e) {
      throw error(e.code(), fmt::format("rep_roster::assign: request {}: {}", i, e.what()));
    }
    for (std::size_t j = 0; j < h.ids.size(); ++j) pairs.emplace_back(h.distances_m[j], static_cast<std::int32_t>(i), h.ids[j]);
  }
  std::sort(pairs.begin(), pairs.end());
  rep_assignment out;
  out.rep.assign(lon.size(), -1);
  out.distance_m.assign(lon.size(), std::numeric_limits<double>::quiet_NaN());
  out.load.assign(size(), 0);
  for (const auto& [d, i, r] : pairs) {
    const auto req = static_cast<std::size_t>(i);
    const auto rep = static_cast<std::size_t>(r);
    if (out.rep[req] >= 0 || out.load[rep] >= capacity[rep]) continue;
    out.rep[req] = r;
    out.distance_m[req] = d;
    ++out.load[rep];
  }
  out.n_unassigned = static_cast<std::size_t>(std::count(out.rep.begin(), out.rep.end(), -1));
  return out;
}

CRMKIT_END_NAMESPACE
