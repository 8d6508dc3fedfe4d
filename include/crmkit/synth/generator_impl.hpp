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
#include <thread>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

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
inline constexpr double season_max = 1.45 * 1.25;
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
  if (o.n_threads == 0 || o.n_threads > 1024)
    reject(fmt::format("synth_options.n_threads = {} is outside [1, 1024]", o.n_threads));
}

// Runs body(begin, end) on n_threads contiguous slices of [0, n), the first on the
// caller's thread. Callers give every index its own output slots and random stream, so
// the slicing cannot change the result.
template <class Body>
void parallel_for(std::size_t n, std::size_t n_threads, const Body& body) {
  const std::size_t workers = std::min(n_threads, n);
  if (workers <= 1) {
    if (n > 0) body(std::size_t{0}, n);
    return;
  }
  std::vector<std::exception_ptr> errors(workers);
  auto run = [&](std::size_t w) noexcept {
    try {
      body(n * w / workers, n * (w + 1) / workers);
    } catch (...) {
      errors[w] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(workers - 1);
  try {
    for (std::size_t w = 1; w < workers; ++w) threads.emplace_back(run, w);
  } catch (const std::system_error& e) {
    for (auto& t : threads) t.join();
    throw error(errc::generic, fmt::format("generate_transactions: cannot start a worker thread: {}", e.what()));
  }
  run(0);
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

// Running sums of `weights`, for sample_discrete.
inline std::vector<double> cumulative(const std::vector<double>& weights) {
  std::vector<double> cdf(weights.size());
  double sum = 0.0;
  for (std::size_t i = 0; i < weights.size(); ++i) cdf[i] = sum += weights[i];
  return cdf;
}

// Read-only tables shared by all customers.
struct tables {
  std::vector<double> city_cdf;
  std::vector<double> product_cdf;
  std::vector<double> channel_cdf;
  std::vector<double> hour_cdf;
  std::int64_t first_midnight;  // the first 00:00 UTC at or after start_time
};

inline tables make_tables(const synth_options& o) {
  tables t;
  std::vector<double> weights;
  for (std::size_t c = 0; c < o.n_cities; ++c) weights.push_back(synth_cities()[c].population_millions);
  t.city_cdf = cumulative(weights);
  weights.assign(o.n_products, 0.0);
  for (std::size_t k = 0; k < o.n_products; ++k)
    weights[k] = det_exp(-o.product_zipf_exponent * det_log(static_cast<double>(k + 1)));  // 1 / (k+1)^s
  t.product_cdf = cumulative(weights);
  t.channel_cdf = cumulative(std::vector<double>(std::begin(channel_share), std::end(channel_share)));
  t.hour_cdf = cumulative(std::vector<double>(std::begin(hour_weight), std::end(hour_weight)));
  t.first_midnight = floor_days(o.start_time + seconds_per_day - 1) * seconds_per_day;
  return t;
}

// What pass 1 draws for a customer and later passes need.
struct customer_state {
  std::int64_t acquired;   // time of the first purchase, Unix seconds
  double active_end;       // min(dropout, end_time): no purchase at or after it
  double weight;           // relative rate x active length: the customer's share of repeats
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

inline double season_weight(std::int64_t day) noexcept {
  const civil_date date = civil_from_days(day);
  const std::int64_t weekday = (day % 7 + 7 + 3) % 7;  // 1970-01-01 was a Thursday; Monday = 0
  return month_weight[date.month - 1] * weekday_weight[weekday];
}

// Pass 1: customer i's traits (see the model in the header).
inline void draw_customer(const synth_options& o, const tables& t, std::size_t i, customer_state& state,
                          customer_columns& out) {
  random_stream rng(o.seed, stream_customer, i);
  const std::size_t city = sample_discrete(rng, t.city_cdf);
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

  state.favorite_product = static_cast<std::int32_t>(sample_discrete(rng, t.product_cdf));
  state.channel = static_cast<std::int32_t>(sample_discrete(rng, t.channel_cdf));
  if (o.with_time_of_day) {
    // The first purchase follows the diurnal profile too. Drawn last, so that the traits
    // above are the same with and without time of day.
    const std::int64_t candidate = floor_days(acquired) * seconds_per_day +
                                   static_cast<std::int64_t>(sample_discrete(rng, t.hour_cdf)) * 3600 +
                                   static_cast<std::int64_t>(rng.below(3600));
    if (candidate >= o.start_time && static_cast<double>(candidate) < active_end) acquired = candidate;
  }
  state.acquired = acquired;
  state.active_end = active_end;
  state.weight = rate * std::max(0.0, active_end - static_cast<double>(acquired));
  state.mean_amount = mean_amount;
  state.repeats = 0;
  out.acquired_at[i] = static_cast<double>(acquired);
  out.dropout_at[i] = dropout;
  out.mean_amount[i] = mean_amount;
  out.rate_per_year[i] = rate;  // scaled to purchases per year once the total weight is known
}

// A repeat purchase time in [lo, hi): uniform, thinned by the seasonal weight of its day;
// with time of day, the second of the day follows the diurnal profile. The rejection
// loop is capped so that a window of a few seconds cannot spin; the fallback is uniform.
inline std::int64_t draw_repeat_time(random_stream& rng, const synth_options& o, const tables& t, std::int64_t lo,
                                     double hi) noexcept {
  const auto lo_d = static_cast<double>(lo);
  if (!(hi > lo_d)) return lo;
  for (int attempt = 0; attempt < 64; ++attempt) {
    const double x = lo_d + rng.uniform() * (hi - lo_d);
    if (!(x < hi)) continue;
    const auto time = static_cast<std::int64_t>(std::floor(x));
    const std::int64_t day = floor_days(time);
    if (o.seasonality && rng.uniform() * season_max >= season_weight(day)) continue;
    if (!o.with_time_of_day) return time;
    const auto hour = static_cast<std::int64_t>(sample_discrete(rng, t.hour_cdf));
    const std::int64_t candidate = day * seconds_per_day + hour * 3600 + static_cast<std::int64_t>(rng.below(3600));
    if (candidate >= lo && static_cast<double>(candidate) < hi) return candidate;
  }
  const auto time = static_cast<std::int64_t>(std::floor(lo_d + rng.uniform() * (hi - lo_d)));
  return static_cast<double>(time) < hi ? time : lo;
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
    std::vector<std::uint32_t> cursor(day_start.begin(), day_start.end() - 1);
    for (std::size_t j = 0; j < n; ++j)
      permutation[cursor[static_cast<std::size_t>(floor_days(r.time[j]) - first_day)]++] = static_cast<std::uint32_t>(j);
  }
  if (o.with_time_of_day) {
    const auto& times = r.time;
    parallel_for(n_days, o.n_threads, [&](std::size_t begin, std::size_t end) {
      for (std::size_t d = begin; d < end; ++d)
        std::sort(permutation.begin() + day_start[d], permutation.begin() + day_start[d + 1],
                  [&](std::uint32_t a, std::uint32_t b) { return times[a] < times[b] || (times[a] == times[b] && a < b); });
    });
  }
  auto gather = [&](auto& values) {
    std::remove_reference_t<decltype(values)> sorted(n);
    parallel_for(n, o.n_threads, [&](std::size_t begin, std::size_t end) {
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
  parallel_for(n_customers, o.n_threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) draw_customer(o, t, i, state[i], columns);
  });

  // Pass 2: repeat counts, Poisson with mean proportional to weight, then the exact-total
  // fix. The weight total is summed serially in index order: it must not depend on threads.
  double total_weight = 0.0;
  for (const auto& s : state) total_weight += s.weight;
  const double scale = total_weight > 0.0 ? static_cast<double>(n_repeats) / total_weight : 0.0;  // per second
  parallel_for(n_customers, o.n_threads, [&](std::size_t begin, std::size_t end) {
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
  parallel_for(n_customers, o.n_threads, [&](std::size_t begin, std::size_t end) {
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
                           : static_cast<std::int32_t>(sample_discrete(rng, t.product_cdf));
        r.channel[k] = rng.uniform() < o.channel_loyalty ? s.channel
                                                          : static_cast<std::int32_t>(sample_discrete(rng, t.channel_cdf));
        ++k;
      };
      if (i < n_first) emit(s.acquired);
      for (std::uint64_t j = 0; j < s.repeats; ++j) emit(draw_repeat_time(rng, o, t, s.acquired, s.active_end));
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

  csv_file file(path, "write_transactions_csv");
  fmt::memory_buffer& out = file.out();
  append(out, "customer_id,timestamp,amount,product,channel\n");
  // Rows come in time order, so the date text is reused across a whole day.
  std::int64_t cached_day = std::numeric_limits<std::int64_t>::min();
  char date[32];
  std::size_t date_size = 0;
  for (std::size_t row = 0; row < log.size(); ++row) {
    append_field(out, ids.at(customers[row]));
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
