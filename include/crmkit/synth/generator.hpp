/// @file crmkit/synth/generator.hpp
/// A deterministic generator of realistic synthetic CRM data (customers with locations
/// and a time-sorted purchase log), plus fast CSV writers for it. For examples, tests,
/// benchmarks and demos: the same seed gives the same bytes on every platform.
///
/// `#include <crmkit/synth/generator.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::synth_options options;
/// options.n_customers = 10000;
/// options.n_transactions = 200000;
/// options.seed = 7;
/// crmkit::dataset data = crmkit::generate_transactions(options);   // exactly 200000 rows
/// crmkit::write_transactions_csv(data, "transactions.csv", options.with_time_of_day);
/// crmkit::write_customers_csv(data, "customers.csv");
/// @endcode
///
/// ## The shape of the data (the "buy till you die" story of Pareto/NBD and Gamma-Gamma)
/// Each customer i draws, independently of every other customer:
/// - a city, with probability proportional to its population, among the first
///   `n_cities` of `synth_cities()` (real coordinates of European cities), and a location
///   scattered around it by a Gaussian of `location_scatter_km` per axis, rounded to
///   1e-6 degrees (about 0.1 m);
/// - an acquisition time A uniform over the first `acquisition_fraction` of the period
///   (customers join over time); the first purchase happens at A;
/// - a lifetime L ~ Exponential(mean `mean_lifetime_days`): the customer drops out at
///   A + L and never buys again (dropout shows as customers silent at the end);
/// - a relative purchase rate lambda ~ Gamma(`rate_shape`, 1/`rate_shape`) (mean 1, CV
///   1/sqrt(rate_shape)): the purchase-rate heterogeneity of Pareto/NBD;
/// - a mean spend m ~ `mean_amount` * Gamma(`amount_shape`, 1/`amount_shape`), and each
///   amount is lognormal around m: m * exp(`amount_sigma` Z - `amount_sigma`^2/2), rounded
///   to cents, at least 0.01 (Gamma-Gamma-like spend heterogeneity);
/// - a favourite product (Zipf popularity with exponent `product_zipf_exponent`) bought
///   with probability `favorite_product_share`, otherwise a fresh Zipf draw; and a
///   preferred channel (web 45%, app 35%, store 20%) used with probability
///   `channel_loyalty`, otherwise a fresh draw from those shares.
///
/// Repeat purchases follow a Poisson process on [A, min(A + L, end_time)) whose
/// intensity is lambda times a weekly and yearly pattern (busier Fridays and Saturdays,
/// a November/December peak) when `seasonality` is set; given its count, a customer's
/// purchase times are sampled exactly from that intensity by inverse CDF. With
/// `with_time_of_day` the time of day (also of the first purchase) follows a diurnal
/// profile in UTC (quiet nights, an evening peak); without it every timestamp is
/// 00:00:00 UTC of its day (clamped to the first midnight at or after start_time).
///
/// ## Exactly n_transactions rows
/// With n_transactions >= n_customers, every customer makes the first purchase and the
/// R = n_transactions - n_customers repeat purchases are allocated like a multinomial
/// draw: customer i gets a Poisson count with mean R * w_i / sum(w), where w_i = lambda_i
/// times the seasonal intensity integrated over the customer's active period, so the
/// counts are independent given the weights (what independent Poisson processes give). Their sum S differs from R by about
/// sqrt(R); the difference is fixed deterministically: S - R purchases chosen uniformly
/// among all S are removed (a uniform thinning), or R - S purchases are added one by one
/// to customers drawn with probability proportional to w_i. With n_transactions <
/// n_customers, the customers with index below n_transactions make their first purchase
/// only, and the others appear in the customer table without any transaction.
///
/// ## Determinism and threads
/// Every random quantity comes from crmkit/synth/random.hpp: xoshiro256** substreams
/// keyed by (seed, purpose, customer index), own samplers, and elementary functions from
/// exactly rounded operations with FMA contraction off. Customers never share a stream
/// and all reductions run serially in index order, so the output is identical for any
/// `n_threads` and on every platform with IEEE doubles (not under -ffast-math).
///
/// ## Output, memory and speed
/// The log is sorted by time (ties by customer index, then generation order), like an
/// exported purchase log. Its columns are customer, time, amount and the categorical
/// product (levels `P-001`, ...) and channel (`web`, `app`, `store`): 28 bytes per row.
/// Customer ids are `C-0000001`, `C-0000002`, ... (index + 1, at least 7 digits). The
/// customer table has locations and the numeric attributes
/// `city` (index into synth_cities()), `acquired_at` (Unix seconds),
/// `true_rate_per_year` (repeat purchases per year while alive, at the period's average
/// seasonal intensity), `true_dropout_at` (Unix
/// seconds, may lie after end_time, +inf when mean_lifetime_days is infinite) and
/// `true_mean_amount`: the latent truth, for checking models against it.
///
/// Peak memory of generate_transactions is about 40 bytes per transaction (the 28-byte
/// output plus a 4-byte sort permutation and one 8-byte column being reordered) plus
/// 60-140 bytes per customer (locations, attributes, per-customer state, and at the end
/// the id dictionary) and 28 bytes per day of the period. Measured (Release, one core of a shared
/// 2-core x86-64 machine): 10 million transactions of 100000 customers generate in about
/// 1.5 s at a peak RSS of 390 MiB (2.1 s with time of day), of 1 million customers in
/// about 2 s at 446 MiB; `n_threads = 2` brings the latter to 1.4 s. write_transactions_csv
/// writes those 10 million rows (about 375 MB) in 0.6-1 s, needing 16-64 bytes per
/// customer for pre-formatted ids on top of the dataset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "crmkit/config.hpp"
#include "crmkit/core/dataset.hpp"
#include "crmkit/core/time.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Parameters of generate_transactions (see the file comment for the model). Plain
/// data; validated by generate_transactions.
struct synth_options {
  /// Seed of every random stream; the same options give the same dataset.
  std::uint64_t seed = 42;
  /// Number of customers, in [1, 2^31 - 1].
  std::size_t n_customers = 100000;
  /// Number of transactions the generator produces, exactly; in [0, 2^32 - 1]. May be
  /// smaller than n_customers (then some customers have no transaction).
  std::size_t n_transactions = 1000000;
  /// Start of the period (Unix seconds, UTC), inclusive.
  std::int64_t start_time = unix_seconds(2023, 1, 1);
  /// End of the period (Unix seconds, UTC); at least one day after start_time and within
  /// years 1..9999. All timestamps lie in [start_time, end_time].
  std::int64_t end_time = unix_seconds(2025, 1, 1);
  /// Number of cities customers cluster around, in [1, synth_cities().size()].
  std::size_t n_cities = 20;
  /// Number of products, in [1, 1000000].
  std::size_t n_products = 50;
  /// Timestamps with a time of day (seconds); otherwise midnight UTC of the day.
  bool with_time_of_day = false;
  /// Customers join uniformly over the first `acquisition_fraction` of the period, in [0, 1]
  /// (0: everybody joins at start_time).
  double acquisition_fraction = 0.75;
  /// Gamma shape r of the relative purchase rates (Pareto/NBD's r), > 0. Smaller is more
  /// heterogeneous: CV = 1/sqrt(r).
  double rate_shape = 0.75;
  /// Mean lifetime after acquisition in days (exponential dropout), > 0; +infinity
  /// means nobody drops out.
  double mean_lifetime_days = 540.0;
  /// Average amount of a purchase, > 0.
  double mean_amount = 45.0;
  /// Gamma shape of the customers' mean amounts (mean 1 multiplier), > 0; CV = 1/sqrt(shape).
  double amount_shape = 4.0;
  /// Lognormal sigma of amounts around the customer's mean, >= 0.
  double amount_sigma = 0.6;
  /// Zipf exponent s of product popularity (product k has weight 1/k^s), >= 0.
  double product_zipf_exponent = 1.1;
  /// Probability that a purchase is of the customer's favourite product, in [0, 1].
  double favorite_product_share = 0.3;
  /// Probability that a purchase uses the customer's preferred channel, in [0, 1].
  double channel_loyalty = 0.7;
  /// Weekly and yearly seasonality of purchase days.
  bool seasonality = true;
  /// Standard deviation of the scatter around the city centre, per axis, in km; in [0, 100].
  double location_scatter_km = 5.0;
  /// Threads to use, >= 1 (1: the caller's thread only). The result does not depend on it.
  std::size_t n_threads = 1;
};

/// A city of the built-in table customers cluster around.
struct synth_city {
  std::string_view name;
  double longitude;           ///< degrees east
  double latitude;            ///< degrees north
  double population_millions; ///< metropolitan population, the sampling weight
};

/// The built-in cities (24, largest first; synth_options::n_cities takes a prefix). The
/// customer attribute `city` indexes this table. Stateless; safe.
[[nodiscard]] CRMKIT_FUNC std::span<const synth_city> synth_cities() noexcept;

/// Generates a dataset of `options.n_customers` customers and exactly
/// `options.n_transactions` transactions, sorted by time (see the file comment).
/// Deterministic: identical options give identical data on every platform and for any
/// `n_threads`.
/// @throws crmkit::error (invalid_argument) naming the offending option and its value;
///         (out_of_memory) when the columns cannot be allocated.
[[nodiscard]] CRMKIT_FUNC dataset generate_transactions(const synth_options& options);

/// Writes the transaction log as CSV with the header `customer_id,timestamp,amount,product,channel`,
/// one row per transaction in log order (time order for generated data): the customer's
/// id, the timestamp as `YYYY-MM-DD` or, with `with_time_of_day`, `YYYY-MM-DDTHH:MM:SSZ`,
/// the amount with exactly two decimals, and the product and channel levels (empty when
/// the log has no such column or the code is -1). Fields are quoted per RFC 4180 only
/// when they contain a comma, quote or line break. Overwrites `path`.
/// @throws crmkit::error (io_error) naming `path` and the system's reason when it cannot
///         be opened, written or closed.
CRMKIT_FUNC void write_transactions_csv(const dataset& data, const std::string& path, bool with_time_of_day);

/// Writes the customer table as CSV: `customer_id,longitude,latitude` followed by every
/// numeric attribute in the table's order (for generated data:
/// `city,acquired_at,true_rate_per_year,true_dropout_at,true_mean_amount`). Numbers are
/// written in their shortest form that reads back to the same double; NaN (and the
/// coordinates of a table without locations) as an empty field; infinities as `inf`/`-inf`.
/// Overwrites `path`.
/// @throws crmkit::error (io_error) naming `path` and the system's reason when it cannot
///         be opened, written or closed.
CRMKIT_FUNC void write_customers_csv(const dataset& data, const std::string& path);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/synth/generator_impl.hpp"
#endif
