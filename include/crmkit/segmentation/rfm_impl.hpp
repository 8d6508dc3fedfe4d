// Definitions for crmkit/segmentation/rfm.hpp. Included by that header in header-only
// mode and by src/segmentation/rfm.cpp otherwise.
// IWYU pragma: private, include "crmkit/segmentation/rfm.hpp"
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/parallel_for.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/core/exact_sum.hpp"
#include "crmkit/segmentation/detail/rank_classes.hpp"
#include "crmkit/segmentation/rfm.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

// Per-customer running state of the summary pass. With 32-bit time offsets (any log
// spanning less than 136 years) it is 32 bytes, aligned, so that the one random access
// per transaction touches one cache line and 900,000 customers fit a 32 MB L3 cache.
// base + offset, computed in unsigned arithmetic (the result is a valid int64 time).
template <class Offset>
std::int64_t detail_time_at(std::int64_t base, Offset offset) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(offset));
}

// A per-customer sum that left exact_sum's range (|total| >= 2^55, about 3.6e16): sticky.
inline constexpr exact_sum::int128 rfm_sum_out_of_range = -(exact_sum::int128{1} << 126) * 2;

// Trivial, so that an array of them is allocated without being written: each thread zeroes
// its own part (`rfm_accumulator{}`).
template <class Offset>
struct alignas(32) rfm_accumulator {
  exact_sum::int128 sum;  // amounts in exact_sum's fixed point: the total in any row order
  Offset first;           // time - base of the first and last purchase
  Offset last;
  std::uint32_t count;
  std::uint32_t distinct;  // distinct days, valid while times arrive in order
};

// Adds one row (its time and amount) to its customer's accumulator. Returns false when the
// row is earlier than the customer's last one so far (distinct days then need a recount).
//
// The sum is exact (crmkit/core/exact_sum.hpp: amounts as 128-bit fixed point with 2^-72
// resolution, added as integers), so a customer's total does not depend on the order of
// its rows, and it is rounded to double once. It equals pandas' compensated group_sum
// whenever that one is exact (amounts in cents, say) and is never less accurate.
template <class Offset>
inline bool rfm_add_row(rfm_accumulator<Offset>& a, std::int64_t time, double amount, std::int64_t base) {
  // Unsigned arithmetic: the difference of two int64 times cannot overflow this way.
  const auto t = static_cast<Offset>(static_cast<std::uint64_t>(time) - static_cast<std::uint64_t>(base));
  if (a.sum != rfm_sum_out_of_range) {
    exact_sum::int128 fixed = 0;
    if (!exact_sum::to_fixed(amount, fixed) || __builtin_add_overflow(a.sum, fixed, &a.sum)) a.sum = rfm_sum_out_of_range;
  }
  bool in_order = true;
  if (a.count == 0) {
    a.first = a.last = t;
    a.distinct = 1;
  } else if (t >= a.last) {
    // In time order: a new day when the day number changes.
    if (floor_days(time) != floor_days(detail_time_at(base, a.last))) ++a.distinct;
    a.last = t;
  } else {
    in_order = false;
    a.first = t < a.first ? t : a.first;
  }
  ++a.count;
  return in_order;
}

// Accumulates every row into acc (indexed by customer), on one thread. Returns false when
// some customer's timestamps were seen out of order (then `distinct` is unreliable and is
// recomputed).
template <class Offset>
bool rfm_accumulate(const transaction_view& rows, std::int64_t base, rfm_accumulator<Offset>* acc) {
  const std::size_t n = rows.size();
  const std::int32_t* customer = rows.customer.data();
  const std::int64_t* time = rows.time.data();
  const double* amount = rows.amount.data();
  bool ordered = true;
  constexpr std::size_t prefetch_distance = 16;
  for (std::size_t i = 0; i < n; ++i) {
    if (i + prefetch_distance < n) __builtin_prefetch(acc + customer[i + prefetch_distance], 1);
    ordered = rfm_add_row(acc[customer[i]], time[i], amount[i], base) && ordered;
  }
  return ordered;
}

// Accumulates the rows of customers [customer_begin, customer_end) into acc, in row order:
// one thread's share when the customers are split between threads. The rows are read in
// blocks; a block's rows of these customers are picked without a branch (half of them
// would be mispredicted) and then added.
template <class Offset>
bool rfm_accumulate_customers(const transaction_view& rows, std::int64_t base, rfm_accumulator<Offset>* acc,
                              std::uint32_t customer_begin, std::uint32_t customer_end) {
  const std::size_t n = rows.size();
  const std::int32_t* customer = rows.customer.data();
  const std::int64_t* time = rows.time.data();
  const double* amount = rows.amount.data();
  const std::uint32_t span = customer_end - customer_begin;
  bool ordered = true;
  constexpr std::size_t block = 2048, prefetch_distance = 16;
  std::uint32_t picked[block];
  for (std::size_t start = 0; start < n; start += block) {
    const std::size_t end = std::min(n, start + block);
    std::size_t k = 0;
    for (std::size_t i = start; i < end; ++i) {
      picked[k] = static_cast<std::uint32_t>(i - start);
      k += static_cast<std::uint32_t>(customer[i]) - customer_begin < span;
    }
    for (std::size_t j = 0; j < k; ++j) {
      if (j + prefetch_distance < k) __builtin_prefetch(acc + customer[start + picked[j + prefetch_distance]], 1);
      const std::size_t i = start + picked[j];
      ordered = rfm_add_row(acc[customer[i]], time[i], amount[i], base) && ordered;
    }
  }
  return ordered;
}

// Distinct purchase days when the log is not in time order per customer: bucket the day
// numbers by customer (counting sort), then sort each bucket and count the changes.
template <class Offset>
void rfm_distinct_days_unordered(const transaction_view& rows, rfm_accumulator<Offset>* acc, std::size_t m) {
  std::vector<std::size_t> start(m + 1, 0);
  for (std::size_t c = 0; c < m; ++c) start[c + 1] = start[c] + acc[c].count;
  std::vector<std::int64_t> days(rows.size());
  std::vector<std::size_t> fill(start.begin(), start.end() - 1);
  for (std::size_t i = 0; i < rows.size(); ++i)
    days[fill[static_cast<std::size_t>(rows.customer[i])]++] = floor_days(rows.time[i]);
  for (std::size_t c = 0; c < m; ++c) {
    if (acc[c].count == 0) continue;
    auto first = days.begin() + static_cast<std::ptrdiff_t>(start[c]);
    auto last = days.begin() + static_cast<std::ptrdiff_t>(start[c + 1]);
    std::sort(first, last);
    acc[c].distinct = static_cast<std::uint32_t>(std::unique(first, last) - first);
  }
}

// R's quantile(x, p, type = 7) on sorted x (R src/library/stats/R/quantile.R).
inline double r_type7_quantile(const std::vector<double>& sorted, double p) {
  const std::size_t n = sorted.size();
  const double index = 1.0 + static_cast<double>(n - 1) * p;
  const double lo = std::floor(index);
  const double hi = std::ceil(index);
  const double q_lo = sorted[static_cast<std::size_t>(lo) - 1];
  const double q_hi = sorted[static_cast<std::size_t>(hi) - 1];
  if (index > lo && q_hi != q_lo) {
    const double h = index - lo;
    return (1.0 - h) * q_lo + h * q_hi;
  }
  return q_lo;
}

inline void check_score_shape(std::span<const double> values, int bins, const char* what) {
  if (bins < 2)
    throw error(errc::invalid_argument,
                fmt::format("{}: the number of quantile classes is {}, it must be at least 2", what, bins));
  if (values.size() < 2)
    throw error(errc::invalid_argument,
                fmt::format("{}: {} value(s) cannot be cut into quantile classes; at least 2 are needed", what,
                            values.size()));
  if (values.size() > 0xFFFFFFFFu)
    throw error(errc::invalid_argument, fmt::format("{}: more than 2^32-1 values", what));
}

inline void check_score_input(std::span<const double> values, int bins, const char* what) {
  check_score_shape(values, bins, what);
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i])) throw_not_finite(what, values[i], i);
}

}  // namespace detail

CRMKIT_FUNC std::vector<std::uint32_t> stable_ascending_order(std::span<const double> values) {
  // LSD radix sort on keys that order like the doubles: flip every bit of a negative
  // number, only the sign bit of a positive one. Each pass is stable, so equal keys keep
  // their position order: rank(method="first").
  const std::size_t n = values.size();
  // Integer-valued data over a modest range (recency in days, frequencies): one stable
  // counting sort instead.
  if (n > 0) {
    double lo = values[0], hi = values[0];
    bool integral = true;
    for (std::size_t i = 0; i < n && integral; ++i) {
      const double v = values[i];
      integral = v == std::floor(v) && std::abs(v) < 0x1p52;
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
    if (integral && hi - lo < static_cast<double>(std::max<std::size_t>(4 * n, 1024))) {
      const auto range = static_cast<std::size_t>(hi - lo) + 1;
      std::vector<std::uint32_t> start(range + 1, 0);
      for (std::size_t i = 0; i < n; ++i) ++start[static_cast<std::size_t>(values[i] - lo) + 1];
      for (std::size_t d = 0; d < range; ++d) start[d + 1] += start[d];
      std::vector<std::uint32_t> order(n);
      for (std::size_t i = 0; i < n; ++i) order[start[static_cast<std::size_t>(values[i] - lo)]++] = static_cast<std::uint32_t>(i);
      return order;
    }
  }
  // Keys relative to the smallest: only the bits in which keys can differ are sorted, in
  // as few passes of at most 12 bits (4096 counters) as cover them; monetary totals from
  // 0.5 to 30,000 span 56 bits, five passes. One read counts the digits of every pass, a
  // digit every key shares (the low mantissa bits of integer-valued data, say) is skipped.
  const auto key_of = detail::order_key;
  std::uint64_t lowest = ~std::uint64_t{0}, highest = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t key = key_of(values[i]);
    lowest = key < lowest ? key : lowest;
    highest = key > highest ? key : highest;
  }
  std::vector<std::uint32_t> order(n);
  if (n == 0 || lowest == highest) {
    for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(i);
    return order;
  }
  constexpr int max_bits = 12;
  const int span_bits = static_cast<int>(std::bit_width(highest - lowest));
  const int passes = (span_bits + max_bits - 1) / max_bits;
  const int bits = (span_bits + passes - 1) / passes;
  const std::size_t radix = std::size_t{1} << bits;
  const auto digit = [&](std::uint64_t key, int pass) { return static_cast<std::size_t>((key >> (bits * pass)) & (radix - 1)); };
  std::vector<std::uint32_t> count(radix * static_cast<std::size_t>(passes), 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t key = key_of(values[i]) - lowest;
    for (int pass = 0; pass < passes; ++pass) ++count[radix * static_cast<std::size_t>(pass) + digit(key, pass)];
  }
  int active[64];
  int n_active = 0;
  for (int pass = 0; pass < passes; ++pass)
    if (count[radix * static_cast<std::size_t>(pass) + digit(key_of(values[0]) - lowest, pass)] != n) active[n_active++] = pass;
  // The first pass reads the values themselves, the last writes only positions, into
  // `order`; the passes between move (key, position) pairs between two buffers, written
  // before they are read (no zero-fill).
  const std::size_t buffered = n_active >= 2 ? n : 0, spare = n_active >= 3 ? n : 0;
  auto keys = std::make_unique_for_overwrite<std::uint64_t[]>(buffered);
  auto positions = std::make_unique_for_overwrite<std::uint32_t[]>(buffered);
  auto keys_tmp = std::make_unique_for_overwrite<std::uint64_t[]>(spare);
  auto positions_tmp = std::make_unique_for_overwrite<std::uint32_t[]>(spare);
  for (int a = 0; a < n_active; ++a) {
    const int pass = active[a];
    std::uint32_t* c = count.data() + radix * static_cast<std::size_t>(pass);
    std::uint32_t sum = 0;
    for (std::size_t d = 0; d < radix; ++d) {
      const std::uint32_t here = c[d];
      c[d] = sum;
      sum += here;
    }
    const bool from_values = a == 0, to_order = a + 1 == n_active;
    if (from_values && to_order) {
      for (std::size_t i = 0; i < n; ++i) order[c[digit(key_of(values[i]) - lowest, pass)]++] = static_cast<std::uint32_t>(i);
    } else if (from_values) {
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t key = key_of(values[i]) - lowest;
        const std::uint32_t slot = c[digit(key, pass)]++;
        keys[slot] = key;
        positions[slot] = static_cast<std::uint32_t>(i);
      }
    } else if (to_order) {
      for (std::size_t i = 0; i < n; ++i) order[c[digit(keys[i], pass)]++] = positions[i];
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t slot = c[digit(keys[i], pass)]++;
        keys_tmp[slot] = keys[i];
        positions_tmp[slot] = positions[i];
      }
      keys.swap(keys_tmp);
      positions.swap(positions_tmp);
    }
  }
  return order;
}

CRMKIT_FUNC std::vector<double> r_rfm_edges(std::span<const double> values, int bins) {
  detail::check_score_input(values, bins, "r_rfm_edges");
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> edges(static_cast<std::size_t>(bins) + 1);
  edges.front() = sorted.front();
  const double step = 1.0 / static_cast<double>(bins);  // R: seq(0, 1, length.out = k + 1)
  for (int i = 1; i < bins; ++i)
    edges[static_cast<std::size_t>(i)] = detail::r_type7_quantile(sorted, static_cast<double>(i) * step) + 1.0;
  edges.back() = sorted.back() + 1.0;
  return edges;
}

namespace detail {

// Positions 0..n-1 in ascending tie key (ties of the key in position order).
inline std::vector<std::uint32_t> order_by_tie_key(std::span<const std::int32_t> tie_key) {
  std::vector<std::uint32_t> by_key(tie_key.size());
  for (std::size_t i = 0; i < by_key.size(); ++i) by_key[i] = static_cast<std::uint32_t>(i);
  std::stable_sort(by_key.begin(), by_key.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return tie_key[a] < tie_key[b]; });
  return by_key;
}

inline void check_tie_key(std::span<const std::int32_t> tie_key, std::size_t n, const char* what) {
  if (!tie_key.empty() && tie_key.size() != n)
    throw error(errc::invalid_argument,
                fmt::format("{}: the tie key has {} entries for {} values", what, tie_key.size(), n));
}

}  // namespace detail

CRMKIT_FUNC std::vector<std::int32_t> quantile_scores(std::span<const double> values, int bins, rfm_tie_rule rule,
                                                      bool reverse, std::span<const std::int32_t> tie_key) {
  detail::check_score_input(values, bins, "quantile_scores");
  detail::check_tie_key(tie_key, values.size(), "quantile_scores");
  const std::size_t n = values.size();
  if (rule == rfm_tie_rule::r_rfm) {
    std::vector<std::int32_t> scores(n);
    const auto edges = r_rfm_edges(values, bins);
    for (std::size_t i = 0; i < n; ++i) {
      // Class j (1-based) is [edges[j-1], edges[j]); R assigns classes in a loop, so with
      // duplicated edges the empty intervals simply receive nobody.
      int j = 1;
      while (j < bins && !(values[i] < edges[static_cast<std::size_t>(j)])) ++j;
      scores[i] = reverse ? bins + 1 - j : j;
    }
    return scores;
  }
  if (rule != rfm_tie_rule::rank_first)
    throw error(errc::invalid_argument,
                fmt::format("quantile_scores: unknown tie rule {}", static_cast<int>(rule)));
  const auto by_key = tie_key.empty() ? std::vector<std::uint32_t>{} : detail::order_by_tie_key(tie_key);
  std::vector<std::int32_t> scores;
  const detail::rank_class_job job{values, by_key.empty() ? nullptr : by_key.data(), &scores, reverse};
  thread_team one_thread(1);
  detail::rank_first_classes({&job, 1}, bins, "quantile_scores", one_thread);
  return scores;
}

CRMKIT_FUNC std::vector<std::int32_t> rfm_id_ranks(const string_dictionary& ids) {
  const std::size_t m = ids.size();
  // Plain decimal integers ("0", "17850"; digits only, no leading zero, at most 18 digits)
  // by value and before every other id; other ids by bytes. std::string_view compares with
  // char_traits<char>, i.e. as unsigned bytes (memcmp): the code-point order of UTF-8.
  constexpr std::uint64_t not_integer = ~std::uint64_t{0};
  std::vector<std::uint64_t> value(m, not_integer);
  for (std::size_t i = 0; i < m; ++i) {
    const std::string_view id = ids.at(static_cast<std::int32_t>(i));
    if (id.empty() || id.size() > 18 || (id.size() > 1 && id[0] == '0')) continue;
    std::uint64_t v = 0;
    bool digits = true;
    for (char ch : id) {
      if (ch < '0' || ch > '9') {
        digits = false;
        break;
      }
      v = v * 10 + static_cast<std::uint64_t>(ch - '0');
    }
    if (digits) value[i] = v;
  }
  std::vector<std::int32_t> by_id(m);
  for (std::size_t i = 0; i < m; ++i) by_id[i] = static_cast<std::int32_t>(i);
  std::sort(by_id.begin(), by_id.end(), [&](std::int32_t a, std::int32_t b) {
    const std::uint64_t va = value[static_cast<std::size_t>(a)], vb = value[static_cast<std::size_t>(b)];
    if (va != vb) return va < vb;  // integers by value, and all before the others
    if (va != not_integer) return a < b;
    const int c = ids.at(a).compare(ids.at(b));
    return c != 0 ? c < 0 : a < b;
  });
  std::vector<std::int32_t> rank(m);
  for (std::size_t k = 0; k < m; ++k) rank[static_cast<std::size_t>(by_id[k])] = static_cast<std::int32_t>(k);
  return rank;
}

namespace detail {

// The table of the accumulated customers, over fixed chunks of customers
// (core/parallel_for.hpp): each chunk counts its active customers, a prefix sum gives each
// chunk its first row, and each fills its rows; the same rows for any thread count. A sum
// out of range is reported for the first such customer in customer order, as one pass
// would. `team` runs the passes (its size, not options.n_threads, is the thread count).
template <class Offset>
rfm_table rfm_table_of(const rfm_accumulator<Offset>* acc, std::size_t m, const rfm_options& options, std::int64_t base,
                       thread_team& team) {
  constexpr std::size_t customers_per_chunk = 16384;
  const std::size_t n_chunks = chunk_count(m, customers_per_chunk);
  std::vector<std::size_t> first_row(n_chunks + 1, 0);
  team.parallel_for(m, customers_per_chunk, [&](std::size_t k, std::size_t lo, std::size_t hi) {
    std::size_t n = 0;
    for (std::size_t c = lo; c < hi; ++c) n += acc[c].count > 0;
    first_row[k + 1] = n;
  });
  for (std::size_t k = 0; k < n_chunks; ++k) first_row[k + 1] += first_row[k];
  const std::size_t active = first_row[n_chunks];
  rfm_table table;
  table.as_of = options.as_of;
  table.time_unit_seconds = options.time_unit_seconds;
  // The ten columns are allocated and zero-filled in two halves, one per thread when there
  // are two (serially, this was a twentieth of the two-thread time).
  team.for_chunks(2, [&](std::size_t half) {
    if (half == 0) {
      table.customer.resize(active);
      table.recency_days.resize(active);
      table.recency.resize(active);
      table.frequency.resize(active);
      table.distinct_days.resize(active);
    } else {
      table.monetary.resize(active);
      table.monetary_mean.resize(active);
      table.first_purchase.resize(active);
      table.last_purchase.resize(active);
      table.tenure.resize(active);
    }
  });
  const std::int64_t unit = options.time_unit_seconds;
  constexpr std::size_t none = ~std::size_t{0};
  std::vector<std::size_t> out_of_range(n_chunks, none);  // per chunk, its first such customer
  team.parallel_for(m, customers_per_chunk, [&](std::size_t k, std::size_t lo, std::size_t hi) {
    std::size_t row = first_row[k];
    for (std::size_t c = lo; c < hi; ++c) {
      const auto& a = acc[c];
      if (a.count == 0) continue;
      // Finite amounts whose sum is not: named below rather than let a score report a
      // value `inf` (or NaN) the caller never passed.
      if (a.sum == rfm_sum_out_of_range) {
        out_of_range[k] = c;
        return;
      }
      table.customer[row] = static_cast<std::int32_t>(c);
      // as_of >= last >= first, so the integer divisions are floors.
      const std::int64_t first = detail_time_at(base, a.first);
      const std::int64_t last = detail_time_at(base, a.last);
      table.recency_days[row] = static_cast<double>((options.as_of - last) / seconds_per_day);
      table.recency[row] = static_cast<double>((options.as_of - last) / unit);
      table.tenure[row] = static_cast<double>((options.as_of - first) / unit);
      table.frequency[row] = static_cast<double>(a.count);
      table.distinct_days[row] = static_cast<double>(a.distinct);
      const double total = exact_sum::to_double(a.sum);
      table.monetary[row] = total;
      table.monetary_mean[row] = total / static_cast<double>(a.count);
      table.first_purchase[row] = first;
      table.last_purchase[row] = last;
      ++row;
    }
  });
  for (const std::size_t c : out_of_range)
    if (c != none)
      throw error(errc::invalid_argument,
                  fmt::format("rfm_summary: customer {}: the sum of its {} amounts is beyond +-3.6e16 (or one amount "
                              "is); scale the amounts down (e.g. to thousands)",
                              c, acc[c].count));
  return table;
}

template <class Offset>
rfm_table rfm_summary_with(const transaction_log& log, const rfm_options& options, std::int64_t base) {
  const std::size_t m = log.n_customers();
  const transaction_view rows = log.view();
  // Each thread accumulates the rows of one contiguous range of customers, reading every
  // row and keeping its customers' (rfm_accumulate_customers): no second array, no merge,
  // and each thread's random accesses stay within its share of the array. A customer's rows
  // are added by one thread in row order whatever the thread count, so the result is the
  // same bits for any n_threads (exact sums besides, crmkit/core/exact_sum.hpp). Each
  // thread zero-fills (first touches) its own part of the array. Memory: the array of m
  // accumulators (32 bytes each) and an 8 KiB block of row numbers per thread.
  constexpr std::size_t min_rows_per_thread = 65536;  // below this a thread costs more than it saves
  const std::size_t threads = std::min<std::size_t>(thread_count(options.n_threads),
                                                    std::max<std::size_t>(rows.size() / min_rows_per_thread, 1));
  const std::unique_ptr<rfm_accumulator<Offset>[]> acc(new rfm_accumulator<Offset>[m]);
  std::vector<char> ordered(threads, 1);
  // One team for the accumulation and the table's three passes: beside a busy core, every
  // team started and joined per pass is a wait for the scheduler to run its worker again.
  thread_team team(threads);
  team.for_chunks(threads, [&](std::size_t t) {
    const std::size_t lo = m * t / threads, hi = m * (t + 1) / threads;
    std::fill(acc.get() + lo, acc.get() + hi, rfm_accumulator<Offset>{});
    ordered[t] = threads == 1 ? rfm_accumulate<Offset>(rows, base, acc.get())
                              : rfm_accumulate_customers<Offset>(rows, base, acc.get(), static_cast<std::uint32_t>(lo),
                                                                 static_cast<std::uint32_t>(hi));
  });
  if (!std::all_of(ordered.begin(), ordered.end(), [](char c) { return c != 0; }))
    rfm_distinct_days_unordered(rows, acc.get(), m);
  return rfm_table_of(acc.get(), m, options, base, team);
}

}  // namespace detail

CRMKIT_FUNC rfm_table rfm_summary(const transaction_log& log, const rfm_options& options) {
  if (log.empty())
    throw error(errc::invalid_argument, "rfm_summary: the transaction log is empty; there is nothing to summarise");
  validate_options(options, "rfm_summary");  // the ranges of option_table<rfm_options>
  if (options.as_of < log.max_time())
    throw error(errc::invalid_argument,
                fmt::format("rfm_summary: the reference date as_of = {} ({}) is before the last transaction at {} "
                            "({}); recency would be negative",
                            options.as_of, format_iso8601(options.as_of), log.max_time(),
                            format_iso8601(log.max_time())));

  const std::int64_t base = log.min_time();
  // 32-bit offsets when the log spans less than 2^32 seconds (136 years), else 64-bit.
  if (static_cast<std::uint64_t>(log.max_time()) - static_cast<std::uint64_t>(base) <= 0xFFFFFFFFull)
    return detail::rfm_summary_with<std::uint32_t>(log, options, base);
  return detail::rfm_summary_with<std::uint64_t>(log, options, base);
}

CRMKIT_FUNC rfm_table rfm_summary(const dataset& data, const rfm_options& options) {
  rfm_table table = rfm_summary(data.transactions(), options);
  const auto rank = rfm_id_ranks(data.customers().ids());
  table.id_rank.resize(table.size());
  for (std::size_t i = 0; i < table.size(); ++i) table.id_rank[i] = rank[static_cast<std::size_t>(table.customer[i])];
  return table;
}

CRMKIT_FUNC rfm_scores rfm_score(const rfm_table& table, const rfm_options& options) {
  rfm_scores scores;
  scores.bins = options.bins;
  const std::vector<double>* const values[3] = {&table.recency, &table.frequency, &table.monetary};
  std::vector<std::int32_t>* const outputs[3] = {&scores.r, &scores.f, &scores.m};
  const bool reverse[3] = {true, false, false};  // recent is good: R scores run backwards
  if (options.tie_rule != rfm_tie_rule::rank_first) {
    // R, F and M are independent: one task each (crmkit/core/parallel_for.hpp, one item
    // per task, so the result cannot depend on the thread count). Each task checks its own
    // column (quantile_scores); the first error in R, F, M order is the one rethrown, as
    // on one thread.
    std::exception_ptr failed[3];
    crmkit::parallel_for(3, 1, options.n_threads, [&](std::size_t k, std::size_t, std::size_t) {
      try {
        *outputs[k] = quantile_scores(*values[k], options.bins, options.tie_rule, reverse[k]);
      } catch (...) {
        failed[k] = std::current_exception();
      }
    });
    for (const auto& failure : failed)
      if (failure) std::rethrow_exception(failure);
    return scores;
  }
  // rank_first: the three columns' classes by selection (detail/rank_classes.hpp), every
  // pass split into chunks over the team's threads.
  const std::size_t n = table.recency.size();
  if (table.frequency.size() != n || table.monetary.size() != n)
    throw error(errc::invalid_argument,
                fmt::format("rfm_score: the recency, frequency and monetary columns have {}, {} and {} entries", n,
                            table.frequency.size(), table.monetary.size()));
  detail::check_tie_key(table.id_rank, n, "rfm_score");
  detail::check_score_shape(table.recency, options.bins, "rfm_score");
  const auto by_key = table.id_rank.empty() ? std::vector<std::uint32_t>{} : detail::order_by_tie_key(table.id_rank);
  thread_team team(options.n_threads);
  detail::rank_class_job jobs[3];
  for (std::size_t k = 0; k < 3; ++k) jobs[k] = {*values[k], by_key.empty() ? nullptr : by_key.data(), outputs[k], reverse[k]};
  detail::rank_first_classes(jobs, options.bins, "rfm_score", team);
  return scores;
}

CRMKIT_END_NAMESPACE
