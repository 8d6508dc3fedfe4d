// Definitions for crmkit/synth/generator.hpp. Included by that header in header-only
// mode and by src/synth/generator.cpp otherwise.
// IWYU pragma: private, include "crmkit/synth/generator.hpp"
#pragma once

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <exception>
#include <iterator>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <system_error>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/option_table.hpp"
#include "crmkit/core/parallel_for.hpp"
#include "crmkit/core/string_dictionary.hpp"
#include "crmkit/error.hpp"
#include "crmkit/synth/generator.hpp"
#include "crmkit/synth/random.hpp"

// Every floating-point result below feeds the output, so no FMA contraction here either
// (see crmkit/synth/random.hpp).
CRMKIT_DETAIL_STRICT_FP_BEGIN

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC std::span<const synth_city> synth_cities() noexcept {
  // City centres (WGS84) and approximate metropolitan populations, largest first.
  static constexpr synth_city table[] = {
      {"London", -0.1276, 51.5072, 14.8},    {"Paris", 2.3522, 48.8566, 13.0},
      {"Madrid", -3.7038, 40.4168, 6.8},     {"Barcelona", 2.1734, 41.3851, 5.6},
      {"Berlin", 13.4050, 52.5200, 4.7},     {"Milan", 9.1900, 45.4642, 4.3},
      {"Rome", 12.4964, 41.9028, 4.3},       {"Athens", 23.7275, 37.9838, 3.6},
      {"Warsaw", 21.0122, 52.2297, 3.1},     {"Budapest", 19.0402, 47.4979, 3.0},
      {"Lisbon", -9.1393, 38.7223, 2.9},     {"Vienna", 16.3738, 48.2082, 2.9},
      {"Manchester", -2.2426, 53.4808, 2.8}, {"Munich", 11.5820, 48.1351, 2.6},
      {"Hamburg", 9.9937, 53.5511, 2.5},     {"Amsterdam", 4.9041, 52.3676, 2.5},
      {"Stockholm", 18.0686, 59.3293, 2.4},  {"Lyon", 4.8357, 45.7640, 2.3},
      {"Frankfurt", 8.6821, 50.1109, 2.3},   {"Prague", 14.4378, 50.0755, 2.2},
      {"Brussels", 4.3517, 50.8503, 2.1},    {"Copenhagen", 12.5683, 55.6761, 2.1},
      {"Dublin", -6.2603, 53.3498, 2.0},     {"Oslo", 10.7522, 59.9139, 1.6},
  };
  return table;
}

namespace detail::synth {

// Purposes of the random streams: each (seed, purpose, index) is its own sequence, so a
// customer's traits, its purchase count and its purchases never depend on another
// customer or on the order of generation.
inline constexpr std::uint64_t stream_customer = 1;
inline constexpr std::uint64_t stream_count = 2;
inline constexpr std::uint64_t stream_fixup = 3;
inline constexpr std::uint64_t stream_rows = 4;

inline constexpr double seconds_per_year = 365.25 * 86400.0;
inline constexpr double km_per_degree = 111.32;  // along a meridian, and along the equator

// Relative purchase intensity by month (January first) and weekday (Monday first):
// a retail-like year with a November/December peak and a busy end of the week.
inline constexpr double month_weight[12] = {0.85, 0.85, 0.95, 0.95, 1.0, 1.0, 0.95, 0.9, 1.0, 1.05, 1.2, 1.45};
inline constexpr double weekday_weight[7] = {0.9, 0.92, 0.95, 1.0, 1.15, 1.25, 0.85};
// Relative purchase intensity by hour of day (UTC): quiet nights, a lunchtime bump and
// an evening peak.
inline constexpr double hour_weight[24] = {0.25, 0.12, 0.06, 0.04, 0.04, 0.08, 0.25, 0.55, 0.85, 1.05, 1.2, 1.3,
                                           1.45, 1.35, 1.25, 1.2,  1.25, 1.4,  1.6,  1.75, 1.7,  1.35, 0.9, 0.5};
// Channel levels and their shares among preferred channels.
inline constexpr const char* channel_names[3] = {"web", "app", "store"};
inline constexpr double channel_share[3] = {0.45, 0.35, 0.20};

[[noreturn]] inline void reject(const std::string& why) {
  throw error(errc::invalid_argument, "generate_transactions: " + why);
}

inline void validate(const synth_options& o) {
  // Years 1..9999, so every date prints as YYYY-MM-DD.
  constexpr std::int64_t earliest = unix_seconds(1, 1, 1);
  constexpr std::int64_t latest = unix_seconds(9999, 12, 31) + seconds_per_day - 1;
  if (o.n_customers == 0) reject("synth_options.n_customers = 0; need at least one customer");
  if (o.n_customers > string_dictionary::max_size)
    reject(fmt::format("synth_options.n_customers = {} exceeds 2^31 - 1 (customer indices are 32-bit)", o.n_customers));
  if (o.n_transactions > std::numeric_limits<std::uint32_t>::max())
    reject(fmt::format("synth_options.n_transactions = {} exceeds 2^32 - 1 (the generator sorts 32-bit row numbers)",
                       o.n_transactions));
  if (o.start_time < earliest || o.start_time > latest || o.end_time < earliest || o.end_time > latest)
    reject(fmt::format("synth_options.start_time = {} and end_time = {} must lie in years 1..9999 ([{}, {}])",
                       o.start_time, o.end_time, earliest, latest));
  if (o.end_time - o.start_time < seconds_per_day)
    reject(fmt::format("synth_options.end_time = {} must be at least one day (86400 s) after start_time = {}",
                       o.end_time, o.start_time));
  if (o.n_cities == 0 || o.n_cities > synth_cities().size())
    reject(fmt::format("synth_options.n_cities = {} is outside [1, {}] (the built-in city table)", o.n_cities,
                       synth_cities().size()));
  if (o.n_products == 0 || o.n_products > 1000000)
    reject(fmt::format("synth_options.n_products = {} is outside [1, 1000000]", o.n_products));
  auto check_range = [](double value, double lo, double hi, const char* name) {
    if (!(value >= lo && value <= hi)) reject(fmt::format("synth_options.{} = {} is outside [{}, {}]", name, value, lo, hi));
  };
  auto check_positive = [](double value, const char* name) {
    if (!(value > 0.0 && std::isfinite(value)))
      reject(fmt::format("synth_options.{} = {} must be positive and finite", name, value));
  };
  check_range(o.acquisition_fraction, 0.0, 1.0, "acquisition_fraction");
  check_positive(o.rate_shape, "rate_shape");
  if (!(o.mean_lifetime_days > 0.0))
    reject(fmt::format("synth_options.mean_lifetime_days = {} must be positive (+inf: no dropout)", o.mean_lifetime_days));
  check_range(o.mean_amount, 1e-2, 1e9, "mean_amount");
  check_positive(o.amount_shape, "amount_shape");
  check_range(o.amount_sigma, 0.0, 3.0, "amount_sigma");
  check_range(o.product_zipf_exponent, 0.0, 10.0, "product_zipf_exponent");
  check_range(o.favorite_product_share, 0.0, 1.0, "favorite_product_share");
  check_range(o.channel_loyalty, 0.0, 1.0, "channel_loyalty");
  check_range(o.location_scatter_km, 0.0, 100.0, "location_scatter_km");
  if (o.n_threads == 0 || o.n_threads > static_cast<std::size_t>(max_threads))
    reject(fmt::format("synth_options.n_threads = {} is outside [1, {}] (crmkit::max_threads)", o.n_threads, max_threads));
}

// Chunk sizes of the parallel passes (crmkit/core/parallel_for.hpp). Every index has its own
// output slots and random stream, so neither the chunks nor the thread count change the result.
inline constexpr std::size_t day_chunk = 16;           // days sorted by time of day
inline constexpr std::size_t row_chunk = 65536;        // rows gathered into time order
inline constexpr std::size_t customer_chunk = 2048;    // customers drawn

inline double season_weight(std::int64_t day) noexcept {
  const civil_date date = civil_from_days(day);
  const std::int64_t weekday = (day % 7 + 7 + 3) % 7;  // 1970-01-01 was a Thursday; Monday = 0
  return month_weight[date.month - 1] * weekday_weight[weekday];
}

// Read-only tables shared by all customers.
struct tables {
  discrete_table city;
  discrete_table product;
  discrete_table channel;
  discrete_table hour;
  std::int64_t first_midnight;  // the first 00:00 UTC at or after start_time
  // Purchase intensity is piecewise constant by UTC day: day_weight[k] for day
  // first_day + k (1 without seasonality; with it, normalised to mean 1 over the period,
  // so that a rate means purchases per unit time at the period's average intensity),
  // and day_cdf[k] = sum of day_weight[0..k).
  std::int64_t first_day;
  std::vector<double> day_weight;
  std::vector<double> day_cdf;
  // A guide table (Chen & Asau 1974): day_guide[g] is the first day k whose cumulative
  // weight passes g * total / n_days, so finding the day of a cumulative weight takes a
  // step or two instead of a binary search with its mispredicted branches.
  std::vector<std::uint32_t> day_guide;
  double guide_scale;  // n_days / total weight

  // The day k with day_cdf[k] <= u < day_cdf[k+1] (clamped to the table).
  [[nodiscard]] std::size_t day_of_weight(double u) const noexcept {
    const std::size_t n = day_weight.size();
    const double g = std::floor(u * guide_scale);
    std::size_t k = day_guide[g <= 0.0 ? 0 : std::min(static_cast<std::size_t>(g), n - 1)];
    while (k + 1 < n && day_cdf[k + 1] <= u) ++k;
    while (k > 0 && day_cdf[k] > u) --k;
    return k;
  }

  // The integral of the intensity from the start of first_day to time t (in days x
  // weight); t within the period.
  [[nodiscard]] double cumulative_weight(double t) const noexcept {
    const double day = std::floor(t / static_cast<double>(seconds_per_day));
    const auto k = static_cast<std::size_t>(
        std::clamp(static_cast<std::int64_t>(day) - first_day, std::int64_t{0}, static_cast<std::int64_t>(day_weight.size()) - 1));
    const double start_of_day = static_cast<double>((first_day + static_cast<std::int64_t>(k)) * seconds_per_day);
    return day_cdf[k] + day_weight[k] * ((t - start_of_day) / static_cast<double>(seconds_per_day));
  }
};

inline tables make_tables(const synth_options& o) {
  tables t;
  std::vector<double> weights;
  for (std::size_t c = 0; c < o.n_cities; ++c) weights.push_back(synth_cities()[c].population_millions);
  t.city = discrete_table(weights);
  weights.assign(o.n_products, 0.0);
  for (std::size_t k = 0; k < o.n_products; ++k)
    weights[k] = det_exp(-o.product_zipf_exponent * det_log(static_cast<double>(k + 1)));  // 1 / (k+1)^s
  t.product = discrete_table(weights);
  t.channel = discrete_table(channel_share);
  t.hour = discrete_table(hour_weight);
  t.first_midnight = floor_days(o.start_time + seconds_per_day - 1) * seconds_per_day;
  t.first_day = floor_days(o.start_time);
  const auto n_days = static_cast<std::size_t>(floor_days(o.end_time) - t.first_day + 1);
  t.day_weight.resize(n_days);
  double total = 0.0;
  for (std::size_t k = 0; k < n_days; ++k)
    total += t.day_weight[k] = o.seasonality ? season_weight(t.first_day + static_cast<std::int64_t>(k)) : 1.0;
  for (auto& w : t.day_weight) w /= total / static_cast<double>(n_days);
  t.day_cdf.assign(n_days + 1, 0.0);
  for (std::size_t k = 0; k < n_days; ++k) t.day_cdf[k + 1] = t.day_cdf[k] + t.day_weight[k];
  t.guide_scale = static_cast<double>(n_days) / t.day_cdf[n_days];
  t.day_guide.resize(n_days);
  std::size_t k = 0;
  for (std::size_t g = 0; g < n_days; ++g) {
    const double level = static_cast<double>(g) * t.day_cdf[n_days] / static_cast<double>(n_days);
    while (k + 1 < n_days && t.day_cdf[k + 1] <= level) ++k;
    t.day_guide[g] = static_cast<std::uint32_t>(k);
  }
  return t;
}

// What pass 1 draws for a customer and later passes need.
struct customer_state {
  std::int64_t acquired;   // time of the first purchase, Unix seconds
  double active_end;       // min(dropout, end_time): no purchase at or after it
  double weight;           // relative rate x integrated intensity over the active window:
                           // proportional to the expected number of repeat purchases
  double mean_amount;
  std::uint64_t repeats;   // repeat purchases allocated
  std::int32_t favorite_product;
  std::int32_t channel;
};

// The per-customer columns of the customer table.
struct customer_columns {
  std::vector<double> longitude, latitude, city, acquired_at, rate_per_year, dropout_at, mean_amount;
  explicit customer_columns(std::size_t n)
      : longitude(n), latitude(n), city(n), acquired_at(n), rate_per_year(n), dropout_at(n), mean_amount(n) {}
};

// Pass 1: customer i's traits (see the model in the header).
inline void draw_customer(const synth_options& o, const tables& t, std::size_t i, customer_state& state,
                          customer_columns& out) {
  random_stream rng(o.seed, stream_customer, i);
  const std::size_t city = t.city(rng);
  const synth_city& centre = synth_cities()[city];
  const double km_per_degree_lon = km_per_degree * det_cos(centre.latitude * (pi / 180.0));
  const double latitude = centre.latitude + rng.normal() * o.location_scatter_km / km_per_degree;
  const double longitude = centre.longitude + rng.normal() * o.location_scatter_km / km_per_degree_lon;
  // 1e-6 degrees is ~0.1 m, what geocoders deliver; it also makes the CSV round-trip exact.
  out.latitude[i] = std::round(latitude * 1e6) / 1e6;
  out.longitude[i] = std::round(longitude * 1e6) / 1e6;
  out.city[i] = static_cast<double>(city);

  const double period = static_cast<double>(o.end_time - o.start_time);
  const auto offset = static_cast<std::int64_t>(std::floor(rng.uniform() * o.acquisition_fraction * period));
  std::int64_t acquired = std::min(o.start_time + offset, o.end_time - 1);
  const double lifetime = std::isinf(o.mean_lifetime_days)
                              ? std::numeric_limits<double>::infinity()
                              : sample_exponential(rng) * o.mean_lifetime_days * static_cast<double>(seconds_per_day);
  const double dropout = static_cast<double>(acquired) + lifetime;
  const double rate = sample_gamma(rng, o.rate_shape) / o.rate_shape;
  const double mean_amount = o.mean_amount * sample_gamma(rng, o.amount_shape) / o.amount_shape;
  const double active_end = std::min(dropout, static_cast<double>(o.end_time));

  state.favorite_product = static_cast<std::int32_t>(t.product(rng));
  state.channel = static_cast<std::int32_t>(t.channel(rng));
  if (o.with_time_of_day) {
    // The first purchase follows the diurnal profile too. Drawn last, so that the traits
    // above are the same with and without time of day.
    const std::int64_t candidate = floor_days(acquired) * seconds_per_day +
                                   static_cast<std::int64_t>(t.hour(rng)) * 3600 +
                                   static_cast<std::int64_t>(rng.below(3600));
    if (candidate >= o.start_time && static_cast<double>(candidate) < active_end) acquired = candidate;
  }
  state.acquired = acquired;
  state.active_end = active_end;
  // Expected repeats are proportional to the rate times the seasonal intensity integrated
  // over the active window (in weighted seconds).
  state.weight = static_cast<double>(acquired) < active_end
                     ? rate * (t.cumulative_weight(active_end) - t.cumulative_weight(static_cast<double>(acquired))) *
                           static_cast<double>(seconds_per_day)
                     : 0.0;
  state.mean_amount = mean_amount;
  state.repeats = 0;
  out.acquired_at[i] = static_cast<double>(acquired);
  out.dropout_at[i] = dropout;
  out.mean_amount[i] = mean_amount;
  out.rate_per_year[i] = rate;  // scaled to purchases per year once the total weight is known
}

// A customer's active window [lo, hi) with its cumulative intensity at both ends,
// computed once per customer.
struct window {
  std::int64_t lo;
  std::int64_t last;  // the last whole second before hi
  double weight_lo, weight_hi;
  bool empty;
};

inline window make_window(const tables& t, std::int64_t lo, double hi) noexcept {
  const auto lo_d = static_cast<double>(lo);
  if (!(hi > lo_d)) return {lo, lo, 0.0, 0.0, true};
  return {lo, static_cast<std::int64_t>(std::ceil(hi)) - 1, t.cumulative_weight(lo_d), t.cumulative_weight(hi), false};
}

// A repeat purchase time in the window: exact inverse-CDF sampling of the piecewise
// constant daily intensity (no rejection): a uniform point of the cumulative weight
// between the window's ends, then the day it falls in (guide table) and the position
// within that day. With time of day, the second of the day is redrawn from the diurnal
// profile, which may leave the window on its first or last day; that is retried a
// bounded number of times, then the intensity-sampled time stands.
inline std::int64_t draw_repeat_time(random_stream& rng, const synth_options& o, const tables& t,
                                     const window& w) noexcept {
  if (w.empty) return w.lo;
  for (int attempt = 0;; ++attempt) {
    const double u = w.weight_lo + rng.uniform() * (w.weight_hi - w.weight_lo);
    const std::size_t a = t.day_of_weight(u);
    const std::int64_t day = t.first_day + static_cast<std::int64_t>(a);
    const double within = std::clamp((u - t.day_cdf[a]) / t.day_weight[a], 0.0, 1.0);
    const double x = static_cast<double>(day * seconds_per_day) + within * static_cast<double>(seconds_per_day);
    const std::int64_t time = std::clamp(static_cast<std::int64_t>(std::floor(x)), w.lo, w.last);
    if (!o.with_time_of_day) return time;
    const std::int64_t candidate = floor_days(time) * seconds_per_day +
                                   static_cast<std::int64_t>(t.hour(rng)) * 3600 +
                                   static_cast<std::int64_t>(rng.below(3600));
    if (candidate >= w.lo && candidate <= w.last) return candidate;
    if (attempt == 16) return time;
  }
}

// The stored timestamp: the time itself, or midnight UTC of its day (never before the
// first midnight of the period).
inline std::int64_t stored_time(const synth_options& o, const tables& t, std::int64_t time) noexcept {
  if (o.with_time_of_day) return time;
  return std::max(floor_days(time) * seconds_per_day, t.first_midnight);
}

inline double draw_amount(random_stream& rng, const synth_options& o, double mean) noexcept {
  const double z = rng.normal();
  const double x = mean * det_exp(o.amount_sigma * z - 0.5 * o.amount_sigma * o.amount_sigma);
  // Whole cents, like real money; a purchase costs at least one cent.
  return std::max(std::round(x * 100.0), 1.0) / 100.0;
}

// The output columns before and after sorting.
struct rows {
  std::vector<std::int32_t> customer;
  std::vector<std::int64_t> time;
  std::vector<double> amount;
  std::vector<std::int32_t> product;
  std::vector<std::int32_t> channel;
};

// Adjusts the independent Poisson counts so that they sum to exactly `target`
// (see "Exactly n_transactions rows" in the header).
inline void fix_total(const synth_options& o, std::vector<customer_state>& state, std::uint64_t target,
                      double total_weight) {
  std::uint64_t sum = 0;
  for (const auto& s : state) sum += s.repeats;
  random_stream rng(o.seed, stream_fixup, 0);
  if (sum > target) {
    // Remove sum - target purchases chosen uniformly among all `sum`: Floyd's sampling
    // of distinct positions, then a walk over the customers' position ranges.
    const std::uint64_t excess = sum - target;
    std::unordered_set<std::uint64_t> chosen;
    chosen.reserve(static_cast<std::size_t>(excess) * 2);
    for (std::uint64_t j = sum - excess; j < sum; ++j)
      if (!chosen.insert(rng.below(j + 1)).second) chosen.insert(j);
    std::vector<std::uint64_t> positions(chosen.begin(), chosen.end());
    std::sort(positions.begin(), positions.end());
    std::uint64_t end = 0;
    std::size_t k = 0;
    for (auto& s : state) {
      end += s.repeats;
      std::uint64_t removed = 0;
      for (; k < positions.size() && positions[k] < end; ++k) ++removed;
      s.repeats -= removed;
    }
  } else if (sum < target) {
    // Add the missing purchases one at a time to customers drawn by weight (uniformly
    // when no customer has a positive weight).
    std::vector<double> cdf(state.size());
    double running = 0.0;
    for (std::size_t i = 0; i < state.size(); ++i) cdf[i] = running += total_weight > 0.0 ? state[i].weight : 1.0;
    for (std::uint64_t j = sum; j < target; ++j) ++state[sample_discrete(rng, cdf)].repeats;
  }
}

// Sorts the rows by time (ties keep generation order: customer index, then draw order):
// a counting sort by day, then a sort within each day when times have a time of day.
// Peak extra memory: a 4-byte permutation plus one column being reordered.
inline void sort_by_time(const synth_options& o, rows& r) {
  const std::size_t n = r.time.size();
  const std::int64_t first_day = floor_days(o.start_time);
  const auto n_days = static_cast<std::size_t>(floor_days(o.end_time) - first_day + 1);
  std::vector<std::uint32_t> day_start(n_days + 1, 0);
  for (std::size_t j = 0; j < n; ++j) ++day_start[static_cast<std::size_t>(floor_days(r.time[j]) - first_day) + 1];
  for (std::size_t d = 0; d < n_days; ++d) day_start[d + 1] += day_start[d];
  std::vector<std::uint32_t> permutation(n);
  {
    // With time of day, the second within the day is kept by position as well, so that
    // the days can be sorted by packed (second << 32 | row) keys without reading the
    // time column at random.
    std::vector<std::uint32_t> second(o.with_time_of_day ? n : 0);
    std::vector<std::uint32_t> cursor(day_start.begin(), day_start.end() - 1);
    for (std::size_t j = 0; j < n; ++j) {
      const std::int64_t day = floor_days(r.time[j]);
      const std::uint32_t position = cursor[static_cast<std::size_t>(day - first_day)]++;
      permutation[position] = static_cast<std::uint32_t>(j);
      if (o.with_time_of_day) second[position] = static_cast<std::uint32_t>(r.time[j] - day * seconds_per_day);
    }
    if (o.with_time_of_day) {
      crmkit::parallel_for(n_days, day_chunk, o.n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
        std::vector<std::uint64_t> keys;
        for (std::size_t d = begin; d < end; ++d) {
          keys.clear();
          for (std::uint32_t p = day_start[d]; p < day_start[d + 1]; ++p)
            keys.push_back(std::uint64_t{second[p]} << 32 | permutation[p]);
          std::sort(keys.begin(), keys.end());  // by second, ties by generation order
          for (std::size_t q = 0; q < keys.size(); ++q)
            permutation[day_start[d] + q] = static_cast<std::uint32_t>(keys[q]);
        }
      });
    }
  }
  auto gather = [&](auto& values) {
    std::remove_reference_t<decltype(values)> sorted(n);
    crmkit::parallel_for(n, row_chunk, o.n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
      for (std::size_t k = begin; k < end; ++k) sorted[k] = values[permutation[k]];
    });
    values = std::move(sorted);
  };
  gather(r.customer);
  gather(r.time);
  gather(r.amount);
  gather(r.product);
  gather(r.channel);
}

inline std::shared_ptr<const string_dictionary> make_levels(std::size_t n, const char* prefix, std::size_t width) {
  auto levels = std::make_shared<string_dictionary>();
  levels->reserve(n, n * (width + std::char_traits<char>::length(prefix)));
  char buffer[64];
  for (std::size_t i = 0; i < n; ++i) {
    const char* end = fmt::format_to(buffer, "{}{:0{}}", prefix, i + 1, width);
    levels->insert(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
  }
  return levels;
}

inline dataset generate(const synth_options& o) {
  const tables t = make_tables(o);
  const std::size_t n_customers = o.n_customers;
  const std::uint64_t n_rows = o.n_transactions;
  const std::uint64_t n_first = std::min<std::uint64_t>(n_rows, n_customers);  // customers 0..n_first-1 buy at A
  const std::uint64_t n_repeats = n_rows - n_first;

  // Pass 1: traits.
  std::vector<customer_state> state(n_customers);
  customer_columns columns(n_customers);
  crmkit::parallel_for(n_customers, customer_chunk, o.n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) draw_customer(o, t, i, state[i], columns);
  });

  // Pass 2: repeat counts, Poisson with mean proportional to weight, then the exact-total
  // fix. The weight total is summed serially in index order: it must not depend on threads.
  double total_weight = 0.0;
  for (const auto& s : state) total_weight += s.weight;
  const double scale = total_weight > 0.0 ? static_cast<double>(n_repeats) / total_weight : 0.0;  // per second
  crmkit::parallel_for(n_customers, customer_chunk, o.n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      random_stream rng(o.seed, stream_count, i);
      state[i].repeats = sample_poisson(rng, state[i].weight * scale);
      columns.rate_per_year[i] *= scale * seconds_per_year;
    }
  });
  fix_total(o, state, n_repeats, total_weight);

  // Pass 3: the purchases, each customer's rows in its own slice of the columns.
  std::vector<std::uint64_t> offset(n_customers + 1, 0);
  for (std::size_t i = 0; i < n_customers; ++i) offset[i + 1] = offset[i] + (i < n_first ? 1 : 0) + state[i].repeats;
  rows r;
  r.customer.resize(n_rows);
  r.time.resize(n_rows);
  r.amount.resize(n_rows);
  r.product.resize(n_rows);
  r.channel.resize(n_rows);
  crmkit::parallel_for(n_customers, customer_chunk, o.n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const customer_state& s = state[i];
      random_stream rng(o.seed, stream_rows, i);
      auto k = static_cast<std::size_t>(offset[i]);
      auto emit = [&](std::int64_t time) {
        r.customer[k] = static_cast<std::int32_t>(i);
        r.time[k] = stored_time(o, t, time);
        r.amount[k] = draw_amount(rng, o, s.mean_amount);
        r.product[k] = rng.uniform() < o.favorite_product_share
                           ? s.favorite_product
                           : static_cast<std::int32_t>(t.product(rng));
        r.channel[k] = rng.uniform() < o.channel_loyalty ? s.channel
                                                          : static_cast<std::int32_t>(t.channel(rng));
        ++k;
      };
      if (i < n_first) emit(s.acquired);
      const window w = make_window(t, s.acquired, s.active_end);
      for (std::uint64_t j = 0; j < s.repeats; ++j) emit(draw_repeat_time(rng, o, t, w));
    }
  });
  std::vector<customer_state>().swap(state);  // release the per-customer state before the sort allocates
  std::vector<std::uint64_t>().swap(offset);
  sort_by_time(o, r);

  // The customer table: ids C-0000001..., locations and the latent truth as attributes.
  auto ids = std::make_shared<string_dictionary>();
  ids->reserve(n_customers, n_customers * 10);
  char buffer[32];
  for (std::size_t i = 0; i < n_customers; ++i) {
    const char* end = fmt::format_to(buffer, "C-{:07}", i + 1);
    ids->insert(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
  }
  customer_table customers = customer_table::from_ids(std::move(ids));
  customers.set_locations(column<double>::owned(std::move(columns.longitude)),
                          column<double>::owned(std::move(columns.latitude)));
  customers.set_attribute("city", column<double>::owned(std::move(columns.city)));
  customers.set_attribute("acquired_at", column<double>::owned(std::move(columns.acquired_at)));
  customers.set_attribute("true_rate_per_year", column<double>::owned(std::move(columns.rate_per_year)));
  customers.set_attribute("true_dropout_at", column<double>::owned(std::move(columns.dropout_at)));
  customers.set_attribute("true_mean_amount", column<double>::owned(std::move(columns.mean_amount)));

  std::size_t product_width = 3;
  for (std::size_t p = 1000; p <= o.n_products; p *= 10) ++product_width;
  auto channel_levels = std::make_shared<string_dictionary>();
  for (const char* name : channel_names) channel_levels->insert(name);
  auto log = transaction_log::from_columns(
      column<std::int32_t>::owned(std::move(r.customer)), column<std::int64_t>::owned(std::move(r.time)),
      column<double>::owned(std::move(r.amount)), n_customers,
      categorical_column{column<std::int32_t>::owned(std::move(r.product)), make_levels(o.n_products, "P-", product_width)},
      categorical_column{column<std::int32_t>::owned(std::move(r.channel)), std::move(channel_levels)});
  return dataset(std::move(customers), std::move(log));
}

// ---------------------------------------------------------------------------------------
// CSV output: rows are formatted into a 1 MiB buffer and handed to fwrite in blocks.

class csv_file {
 public:
  csv_file(const std::string& path, const char* who) : path_(path), who_(who) {
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) fail("cannot open", errno);
    buffer_.reserve(flush_at + 4096);
  }
  csv_file(const csv_file&) = delete;
  csv_file& operator=(const csv_file&) = delete;
  ~csv_file() {
    if (file_ != nullptr) std::fclose(file_);
  }

  fmt::memory_buffer& out() noexcept { return buffer_; }
  void row_done() {
    if (buffer_.size() >= flush_at) flush();
  }
  void close() {
    flush();
    std::FILE* file = file_;
    file_ = nullptr;
    if (std::fclose(file) != 0) fail("cannot finish writing", errno);
  }

 private:
  static constexpr std::size_t flush_at = std::size_t{1} << 20;

  void flush() {
    if (buffer_.size() == 0) return;
    errno = 0;
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) fail("cannot write", errno);
    buffer_.clear();
  }
  [[noreturn]] void fail(const char* what, int code) const {
    const std::string reason = code != 0 ? std::error_code(code, std::generic_category()).message() : "unknown error";
    throw error(errc::io_error, fmt::format("{}: {} '{}': {}", who_, what, path_, reason));
  }

  std::string path_;
  const char* who_;
  std::FILE* file_ = nullptr;
  fmt::memory_buffer buffer_;
};

inline void append(fmt::memory_buffer& out, std::string_view text) { out.append(text.data(), text.data() + text.size()); }

// A CSV field, quoted per RFC 4180 only when it must be.
inline void append_field(fmt::memory_buffer& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    append(out, text);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

inline std::string quoted(std::string_view text) {
  fmt::memory_buffer out;
  append_field(out, text);
  return fmt::to_string(out);
}

inline void append_two_digits(fmt::memory_buffer& out, std::int64_t value) {
  out.push_back(static_cast<char>('0' + value / 10));
  out.push_back(static_cast<char>('0' + value % 10));
}

// Exactly two decimals. Amounts that are whole cents (all generated ones) take an
// integer path; anything else is rounded by fmt.
inline void append_amount(fmt::memory_buffer& out, double amount) {
  const double cents = amount * 100.0;
  const double rounded = std::round(cents);
  if (std::fabs(cents - rounded) < 1e-6 && std::fabs(rounded) < 1e15) {
    auto value = static_cast<std::int64_t>(rounded);
    if (value < 0) {
      out.push_back('-');
      value = -value;
    }
    const fmt::format_int whole(value / 100);
    out.append(whole.data(), whole.data() + whole.size());
    out.push_back('.');
    append_two_digits(out, value % 100);
  } else {
    fmt::format_to(std::back_inserter(out), "{:.2f}", amount);
  }
}

// A number in its shortest round-trip form; NaN as an empty field.
inline void append_number(fmt::memory_buffer& out, double value) {
  if (!std::isnan(value)) fmt::format_to(std::back_inserter(out), "{}", value);
}

// The customer ids, quoted where needed, as fixed-size records [length][characters], so
// that a row costs one cache miss instead of the dictionary's two (offset, then
// characters) and the next rows' records can be prefetched. Empty when an id needs more
// than 63 bytes; then rows read the dictionary.
struct flat_ids {
  std::size_t stride = 0;
  std::vector<char> records;
};

inline flat_ids flatten_ids(const string_dictionary& ids) {
  flat_ids flat;
  std::size_t longest = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::string_view id = ids.at(static_cast<std::int32_t>(i));
    const bool quote = id.find_first_of(",\"\r\n") != std::string_view::npos;
    longest = std::max(longest, quote ? id.size() + 2 + static_cast<std::size_t>(std::count(id.begin(), id.end(), '"'))
                                      : id.size());
  }
  if (longest > 63) return flat;
  flat.stride = 16;
  while (flat.stride < longest + 1) flat.stride *= 2;
  flat.records.resize(ids.size() * flat.stride);
  fmt::memory_buffer field;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    field.clear();
    append_field(field, ids.at(static_cast<std::int32_t>(i)));
    char* record = flat.records.data() + i * flat.stride;
    record[0] = static_cast<char>(field.size());
    std::copy(field.begin(), field.end(), record + 1);
  }
  return flat;
}

inline void prefetch(const void* address) noexcept {
#if defined(__GNUC__)
  __builtin_prefetch(address);
#else
  (void)address;
#endif
}

inline std::vector<std::string> quoted_levels(const categorical_column* column) {
  std::vector<std::string> levels;
  if (column == nullptr || !column->levels) return levels;
  for (std::size_t i = 0; i < column->levels->size(); ++i)
    levels.push_back(quoted(column->levels->at(static_cast<std::int32_t>(i))));
  return levels;
}

}  // namespace detail::synth

CRMKIT_FUNC dataset generate_transactions(const synth_options& options) {
  detail::synth::validate(options);
  try {
    return detail::synth::generate(options);
  } catch (const std::bad_alloc&) {
    throw error(errc::out_of_memory,
                fmt::format("generate_transactions: out of memory for {} transactions of {} customers (needs about {} MB)",
                            options.n_transactions, options.n_customers,
                            (options.n_transactions * 40 + options.n_customers * 250) >> 20));
  }
}

CRMKIT_FUNC void write_transactions_csv(const dataset& data, const std::string& path, bool with_time_of_day) {
  using namespace detail::synth;
  const transaction_log& log = data.transactions();
  const string_dictionary& ids = data.customers().ids();
  const auto customers = log.customer();
  const auto times = log.time();
  const auto amounts = log.amount();
  const categorical_column* product = log.product();
  const categorical_column* channel = log.channel();
  const std::vector<std::string> product_levels = quoted_levels(product);
  const std::vector<std::string> channel_levels = quoted_levels(channel);
  auto append_level = [](fmt::memory_buffer& out, const categorical_column* column, const std::vector<std::string>& levels,
                         std::size_t row) {
    if (column == nullptr) return;
    const std::int32_t code = column->codes[row];
    if (code >= 0 && static_cast<std::size_t>(code) < levels.size()) append(out, levels[static_cast<std::size_t>(code)]);
  };

  const flat_ids flat = flatten_ids(ids);
  constexpr std::size_t prefetch_distance = 16;  // rows; covers a memory latency at ~10 ns a row

  csv_file file(path, "write_transactions_csv");
  fmt::memory_buffer& out = file.out();
  append(out, "customer_id,timestamp,amount,product,channel\n");
  // Rows come in time order, so the date text is reused across a whole day.
  std::int64_t cached_day = std::numeric_limits<std::int64_t>::min();
  char date[32];
  std::size_t date_size = 0;
  for (std::size_t row = 0; row < log.size(); ++row) {
    if (flat.stride != 0) {
      if (row + prefetch_distance < log.size())
        prefetch(flat.records.data() + static_cast<std::size_t>(customers[row + prefetch_distance]) * flat.stride);
      const char* record = flat.records.data() + static_cast<std::size_t>(customers[row]) * flat.stride;
      out.append(record + 1, record + 1 + static_cast<unsigned char>(record[0]));
    } else {
      append_field(out, ids.at(customers[row]));
    }
    out.push_back(',');
    const std::int64_t time = times[row];
    const std::int64_t day = floor_days(time);
    if (day != cached_day) {
      const civil_date d = civil_from_days(day);
      date_size = static_cast<std::size_t>(fmt::format_to(date, "{:04}-{:02}-{:02}", d.year, d.month, d.day) - date);
      cached_day = day;
    }
    out.append(date, date + date_size);
    if (with_time_of_day) {
      const std::int64_t second = time - day * seconds_per_day;
      out.push_back('T');
      append_two_digits(out, second / 3600);
      out.push_back(':');
      append_two_digits(out, second / 60 % 60);
      out.push_back(':');
      append_two_digits(out, second % 60);
      out.push_back('Z');
    }
    out.push_back(',');
    append_amount(out, amounts[row]);
    out.push_back(',');
    append_level(out, product, product_levels, row);
    out.push_back(',');
    append_level(out, channel, channel_levels, row);
    out.push_back('\n');
    file.row_done();
  }
  file.close();
}

CRMKIT_FUNC void write_customers_csv(const dataset& data, const std::string& path) {
  using namespace detail::synth;
  const customer_table& table = data.customers();
  const std::vector<std::string> names = table.attribute_names();
  std::vector<std::span<const double>> attributes;
  for (const auto& name : names) attributes.push_back(table.attribute(name));
  const bool located = table.has_locations();
  const auto longitude = table.longitude();
  const auto latitude = table.latitude();

  csv_file file(path, "write_customers_csv");
  fmt::memory_buffer& out = file.out();
  append(out, "customer_id,longitude,latitude");
  for (const auto& name : names) {
    out.push_back(',');
    append_field(out, name);
  }
  out.push_back('\n');
  for (std::size_t i = 0; i < table.size(); ++i) {
    append_field(out, table.id(static_cast<std::int32_t>(i)));
    out.push_back(',');
    if (located) append_number(out, longitude[i]);
    out.push_back(',');
    if (located) append_number(out, latitude[i]);
    for (const auto& values : attributes) {
      out.push_back(',');
      append_number(out, values[i]);
    }
    out.push_back('\n');
    file.row_done();
  }
  file.close();
}

CRMKIT_END_NAMESPACE

CRMKIT_DETAIL_STRICT_FP_END
