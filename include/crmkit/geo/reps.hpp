/// @file crmkit/geo/reps.hpp
/// `rep_roster`: sales or service reps with positions, availability and optional
/// territories; the nearest available rep(s) for a service request, and the assignment
/// of many requests at once under a capacity per rep.
///
/// `#include <crmkit/geo/reps.hpp>`
///
/// Thread safety: not synchronized; use from one thread at a time (set_available()
/// mutates; the query functions are const and may run concurrently while nothing mutates).
///
/// @code
/// crmkit::rep_roster reps(rep_lon, rep_lat);             // all available, no territories
/// reps.set_available(3, false);                            // rep 3 is off today
/// crmkit::geo_hits best = reps.nearest_available(2.35, 48.86, 1);
/// crmkit::rep_assignment a = reps.assign(req_lon, req_lat, std::vector<std::int32_t>(reps.size(), 4));
/// @endcode
///
/// ## Assignment rule
/// Greedy nearest-first: all eligible (request, rep) pairs are taken in ascending
/// great-circle distance (ties by request index, then rep index) and a pair is used when
/// the request is still open and the rep has capacity left. Deterministic and simple to
/// explain to a dispatcher; it is not the minimum-total-distance assignment (a min-cost
/// flow), which can differ when a close rep's capacity is contested. Cost: O(R P log(R P))
/// time and 16 bytes per eligible pair for R requests and P reps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/geo/geo_index.hpp"
#include "crmkit/geo/territory.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Restrictions on which reps may serve a request.
struct rep_query_options {
  /// Only reps whose territory contains the request (reps without a territory serve anywhere).
  bool within_territory = false;
  /// Only reps at most this far (metres).
  double max_distance_m = std::numeric_limits<double>::infinity();
};

/// The result of rep_roster::assign: per request, the rep (-1 when none was eligible or
/// all eligible reps were full) and the distance in metres (NaN when unassigned).
struct rep_assignment {
  std::vector<std::int32_t> rep;
  std::vector<double> distance_m;
  std::vector<std::int32_t> load;  ///< requests assigned to each rep
  std::size_t n_unassigned = 0;
};

/// Reps with positions, availability and optional territories (see the file comment).
class rep_roster {
 public:
  /// Reps at (lon[i], lat[i]) in degrees, all available. `territories`, when not empty,
  /// has one entry per rep (an empty territory: serves anywhere). `index_options` sets the
  /// distance (geo_distance_model::wgs84 ranks and assigns by WGS84 geodesic distance).
  /// @throws crmkit::error (invalid_argument) on invalid coordinates (a rep needs a
  ///         location) or a territories size mismatch.
  CRMKIT_FUNC rep_roster(std::span<const double> lon, std::span<const double> lat,
                         std::vector<territory> territories = {}, const geo_index_options& index_options = {});
  /// Number of reps.
  [[nodiscard]] std::size_t size() const noexcept { return available_.size(); }
  /// Marks rep `i` available or not. @throws crmkit::error (invalid_argument) when i >= size().
  CRMKIT_FUNC void set_available(std::size_t i, bool available);
  /// Whether rep `i` is available. Precondition: i < size().
  [[nodiscard]] bool available(std::size_t i) const noexcept { return available_[i] != 0; }
  /// The k nearest available reps eligible for a request at (lon, lat), closest first
  /// (ties by rep index); fewer when fewer are eligible.
  /// @throws crmkit::error (invalid_argument) on an invalid point or k < 1.
  [[nodiscard]] CRMKIT_FUNC geo_hits nearest_available(double lon, double lat, std::size_t k,
                                                       const rep_query_options& options = {}) const;
  /// nearest_available for every request (lon[i], lat[i]) on up to n_threads threads
  /// (crmkit/core/parallel_for.hpp): row i of the result holds k ids and distances, closest
  /// first, padded with -1 / NaN. Each request writes its own row, so the result is the same
  /// for any thread count (a request needs a location; see crmkit/geo/customers.hpp for
  /// customers without one). Memory: 12 bytes per request and k.
  /// @throws crmkit::error (invalid_argument) on a length mismatch, k < 1, n_threads < 1,
  ///         max_distance_m < 0 or NaN, or an invalid request point ("request i: ...").
  [[nodiscard]] CRMKIT_FUNC geo_neighbors nearest_available_batch(std::span<const double> lon,
                                                                  std::span<const double> lat, std::size_t k,
                                                                  const rep_query_options& options = {},
                                                                  std::size_t n_threads = 1) const;
  /// Assigns requests to available reps with at most capacity[rep] requests each
  /// (greedy nearest-first, see the file comment).
  /// @throws crmkit::error (invalid_argument) on length mismatches, a negative capacity
  ///         or an invalid request point (naming its index).
  [[nodiscard]] CRMKIT_FUNC rep_assignment assign(std::span<const double> lon, std::span<const double> lat,
                                                  std::span<const std::int32_t> capacity,
                                                  const rep_query_options& options = {}) const;

 private:
  [[nodiscard]] geo_filter eligible(double lon, double lat, const rep_query_options& options) const;
  geo_index index_;
  std::vector<std::uint8_t> available_;
  std::vector<territory> territories_;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/geo/reps_impl.hpp"
#endif
