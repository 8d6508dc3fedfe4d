// crmkit::detail rank_first quantile classes by selection: the classes pandas.qcut gives
// to rank(method="first"), found without sorting. Internal to crmkit/segmentation.
//
// A value's class depends only on how many values rank below it, so only the bins - 1
// values at the class boundaries need finding, not the whole order. Four passes over
// chunks of the values, each chunk-parallel on a thread_team:
//   1. minimum, maximum, whether all are integers, the first non-finite value;
//   2. a histogram of a monotone bucket of each value: the integer itself over a range of
//      at most 4096, else the top 12 bits of its order-preserving 64-bit key;
//   3. the boundary values: a boundary's bucket holds one value (exact buckets): the
//      k-th occurrence in position order, found in the one chunk that holds it; else the
//      values of the boundary buckets are gathered in position order and sorted stably;
//   4. each value's class: 1 + the boundaries (value, position) it exceeds.
// O(n) per column, plus a sort of the boundary buckets (a few hundred values per boundary
// for spread-out data, all of them at worst: then as slow as the full sort it replaces).
//
// Same input, same answer: every pass writes per-chunk partials combined in chunk order,
// counts are integers and the boundaries are unique (a stable order is), so the classes
// are the same for any thread count.
//
// Thread safety: stateless; safe.
// IWYU pragma: private, include "crmkit/segmentation/rfm.hpp" (which this header needs
// first: stable_ascending_order)
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/parallel_for.hpp"
#include "crmkit/error.hpp"
#include "crmkit/segmentation/rfm.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

// One column to class: `values` in tie order, or, with `by_key`, values[by_key[j]] is the
// j-th in tie order; class of values[i] goes to scores[i] either way.
struct rank_class_job {
  std::span<const double> values;
  const std::uint32_t* by_key = nullptr;
  std::vector<std::int32_t>* scores = nullptr;  // resized to the values' length here
  bool reverse = false;  // class bins + 1 - c: low values score high (recency)
};

// A key that orders like the double: flip every bit of a negative number, only the sign
// bit of a positive one; -0.0 keys as 0.0.
inline std::uint64_t order_key(double value) {
  const auto raw = std::bit_cast<std::uint64_t>(value == 0.0 ? 0.0 : value);
  return (raw >> 63) != 0 ? ~raw : raw | (std::uint64_t{1} << 63);
}

[[noreturn]] inline void throw_not_finite(const char* what, double value, std::size_t position) {
  throw error(errc::invalid_argument, fmt::format("{}: value {} at position {} is not finite", what, value, position));
}

// numpy.quantile(1..n, i/k, method="linear") (numpy 1.24 lib/function_base.py: virtual
// index (n-1)q, floor, and _lerp's two-sided formula), i.e. the edges pandas.qcut draws on
// ranks. Reproducing numpy's floating-point steps, not just the formula, makes the ranks
// that sit exactly on an edge fall the same way.
inline std::vector<double> numpy_rank_edges(std::size_t n, int bins) {
  std::vector<double> edges(static_cast<std::size_t>(bins) + 1);
  const double step = 1.0 / static_cast<double>(bins);  // numpy.linspace(0, 1, k + 1)
  const double last_index = static_cast<double>(n - 1);
  for (int i = 0; i <= bins; ++i) {
    const double q = i == bins ? 1.0 : static_cast<double>(i) * step;
    const double virtual_index = last_index * q;
    if (virtual_index >= last_index) {
      edges[static_cast<std::size_t>(i)] = static_cast<double>(n);
      continue;
    }
    const double previous = std::floor(virtual_index);
    const double a = previous + 1.0;  // the ranks are 1..n: sorted[j] = j + 1
    const double b = previous + 2.0;
    const double gamma = virtual_index - previous;
    const double diff = b - a;
    edges[static_cast<std::size_t>(i)] = gamma >= 0.5 ? b - diff * (1.0 - gamma) : a + diff * gamma;
  }
  return edges;
}

// Runs body(c) for every chunk c in [0, n_chunks) on the team, each pass handing a thread
// the same chunks as the last: task t owns the t-th contiguous range and takes its chunks
// from the front; a task whose range is done takes chunks from the back of the others'.
// The passes below write where the previous pass wrote (the score slots), so a chunk that
// stays on one core stays in that core's cache; stealing keeps a thread that shares its
// core with another process from holding the others up. Which thread runs a chunk never
// changes a result: each chunk writes only its own slots and partials.
template <class Body>
void for_chunks_near(thread_team& team, std::size_t n_chunks, const Body& body) {
  const std::size_t tasks = std::min(team.size(), n_chunks);
  if (tasks <= 1) {
    for (std::size_t c = 0; c < n_chunks; ++c) body(c);
    return;
  }
  // Range t: front in the high 32 bits, back (one past the last) in the low 32.
  std::vector<std::atomic<std::uint64_t>> ranges(tasks);
  for (std::size_t t = 0; t < tasks; ++t)
    ranges[t].store((std::uint64_t{n_chunks * t / tasks} << 32) | (n_chunks * (t + 1) / tasks));
  const auto take = [&](std::size_t t, bool from_front, std::size_t& chunk) {
    std::uint64_t range = ranges[t].load();
    for (;;) {
      const std::uint64_t front = range >> 32, back = range & 0xFFFFFFFFu;
      if (front >= back) return false;
      const std::uint64_t next = from_front ? ((front + 1) << 32) | back : (front << 32) | (back - 1);
      if (ranges[t].compare_exchange_weak(range, next)) {
        chunk = static_cast<std::size_t>(from_front ? front : back - 1);
        return true;
      }
    }
  };
  team.for_chunks(tasks, [&](std::size_t t) {
    std::size_t c = 0;
    while (take(t, true, c)) body(c);
    for (std::size_t other = 1; other < tasks; ++other)
      while (take((t + other) % tasks, false, c)) body(c);
  });
}

// Classes 1..bins of every job (all of one length n, 2 <= n < 2^32; bins >= 2) into its
// scores. Throws crmkit::error (invalid_argument) naming `what` for a non-finite value:
// the first job's that has one, at its lowest position.
inline void rank_first_classes(std::span<const rank_class_job> jobs, int bins, const char* what, thread_team& team) {
  if (jobs.empty()) return;
  const std::size_t n = jobs[0].values.size();
  constexpr std::size_t chunk_size = std::size_t{1} << 15;
  constexpr int bucket_bits = 12;
  constexpr std::size_t max_buckets = std::size_t{1} << bucket_bits;
  const std::size_t n_chunks = chunk_count(n, chunk_size);
  const auto chunk_range = [&](std::size_t c) {
    const std::size_t begin = c * chunk_size;
    return std::pair{begin, std::min(n, begin + chunk_size)};
  };

  struct column {
    std::unique_ptr<double[]> permuted;  // values in tie order, when by_key is set
    const double* v = nullptr;           // values in tie order
    // Pass 1, per chunk.
    std::vector<double> chunk_lo, chunk_hi;
    std::vector<unsigned char> chunk_integral;
    std::vector<std::size_t> chunk_bad;  // lowest input position of a non-finite value, or n
    // The buckets: exact integers (v - lo) or the top bits of order_key(v) - lowest_key.
    bool integer_buckets = false, exact = false;
    double lo = 0.0, hi = 0.0;
    std::uint64_t lowest_key = 0;
    int shift = 0;
    std::size_t n_buckets = 1;
    std::vector<std::uint32_t> histogram;  // pass 2: n_chunks x n_buckets
    std::vector<std::size_t> total;        // its sum over the chunks, per bucket
    // The boundaries: for each class edge inside (0, n), its bucket and 1-based rank in it.
    int base_class = 1;                   // 1 + the edges below rank 1
    std::vector<std::size_t> edge_bucket, edge_rank, edge_chunk, edge_rank_in_chunk;
    std::vector<unsigned char> boundary_bucket;
    std::vector<std::size_t> gather_offset;  // per chunk, into gathered_*
    std::vector<double> gathered_value;
    std::vector<std::uint32_t> gathered_position;
    std::vector<double> edge_value;
    std::vector<std::size_t> edge_position;
    std::vector<std::int32_t> bucket_score;  // pass 4
  };
  std::vector<column> cols(jobs.size());
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    column& col = cols[k];
    if (jobs[k].by_key != nullptr) {
      col.permuted = std::make_unique_for_overwrite<double[]>(n);
      col.v = col.permuted.get();
    } else {
      col.v = jobs[k].values.data();
    }
    col.chunk_lo.resize(n_chunks);
    col.chunk_hi.resize(n_chunks);
    col.chunk_integral.resize(n_chunks);
    col.chunk_bad.resize(n_chunks);
  }

  // Pass 1: range, integrality, finiteness (and the tie-order copy). The score vectors
  // are sized (zero-filled: std::vector) on the way, one in the k-th third of the chunks.
  for_chunks_near(team, n_chunks, [&](std::size_t c) {
    const auto [begin, end] = chunk_range(c);
    for (std::size_t k = 0; k < jobs.size(); ++k)
      if (c == n_chunks * k / jobs.size()) jobs[k].scores->resize(n);
    for (std::size_t k = 0; k < jobs.size(); ++k) {
      column& col = cols[k];
      const rank_class_job& job = jobs[k];
      if (job.by_key != nullptr)
        for (std::size_t j = begin; j < end; ++j) col.permuted[j] = job.values[job.by_key[j]];
      const double* v = col.v;
      // Four independent lanes: one running minimum would wait on the latency of each
      // comparison. x - x is 0 for a finite x, NaN otherwise; |x| + 2^52 - 2^52 rounds
      // |x| < 2^52 to an integer, so the sum of the differences is 0 when all are integers.
      constexpr std::size_t lanes = 4;
      double lo_lane[lanes], hi_lane[lanes], nan_lane[lanes], fraction_lane[lanes];
      for (std::size_t l = 0; l < lanes; ++l)
        lo_lane[l] = hi_lane[l] = v[begin], nan_lane[l] = fraction_lane[l] = 0.0;
      const auto scan = [&](std::size_t l, double x) {
        lo_lane[l] = x < lo_lane[l] ? x : lo_lane[l];
        hi_lane[l] = x > hi_lane[l] ? x : hi_lane[l];
        nan_lane[l] += x - x;
        const double magnitude = std::abs(x);
        fraction_lane[l] += std::abs((magnitude + 0x1p52) - 0x1p52 - magnitude);
      };
      std::size_t at = begin;
      for (; at + lanes <= end; at += lanes)
        for (std::size_t l = 0; l < lanes; ++l) scan(l, v[at + l]);
      for (; at < end; ++at) scan(0, v[at]);
      double lo = lo_lane[0], hi = hi_lane[0], nan_if_not_finite = 0.0, fraction = 0.0;
      for (std::size_t l = 0; l < lanes; ++l) {
        lo = lo_lane[l] < lo ? lo_lane[l] : lo;
        hi = hi_lane[l] > hi ? hi_lane[l] : hi;
        nan_if_not_finite += nan_lane[l];
        fraction += fraction_lane[l];
      }
      const bool finite = nan_if_not_finite == 0.0;
      const bool integral = finite && fraction == 0.0;
      std::size_t bad = n;
      if (!finite)
        for (std::size_t j = begin; j < end; ++j)
          if (!std::isfinite(v[j])) bad = std::min(bad, job.by_key != nullptr ? std::size_t{job.by_key[j]} : j);
      col.chunk_lo[c] = lo;
      col.chunk_hi[c] = hi;
      col.chunk_integral[c] = integral ? 1 : 0;
      col.chunk_bad[c] = bad;
    }
  });
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    const column& col = cols[k];
    const std::size_t bad = *std::min_element(col.chunk_bad.begin(), col.chunk_bad.end());
    if (bad < n) throw_not_finite(what, jobs[k].values[bad], bad);
  }

  // The buckets of each column: exact integers over a short range, else key bits.
  const auto use_key_buckets = [&](column& col, double lo, double hi) {
    col.integer_buckets = false;
    col.lowest_key = order_key(lo);
    const int span_bits = static_cast<int>(std::bit_width(order_key(hi) - col.lowest_key));
    col.shift = std::max(0, span_bits - bucket_bits);
    col.exact = col.shift == 0;
    col.n_buckets = static_cast<std::size_t>((order_key(hi) - col.lowest_key) >> col.shift) + 1;
    col.histogram.assign(n_chunks * col.n_buckets, 0);
  };
  for (column& col : cols) {
    double lo = col.chunk_lo[0], hi = col.chunk_hi[0];
    bool integral = true;
    for (std::size_t c = 0; c < n_chunks; ++c) {
      lo = std::min(lo, col.chunk_lo[c]);
      hi = std::max(hi, col.chunk_hi[c]);
      integral = integral && col.chunk_integral[c] != 0;
    }
    col.lo = lo;
    col.hi = hi;
    if (integral && hi - lo < static_cast<double>(max_buckets)) {
      col.integer_buckets = true;
      col.exact = true;
      col.n_buckets = static_cast<std::size_t>(hi - lo) + 1;
      col.histogram.assign(n_chunks * col.n_buckets, 0);
    } else {
      use_key_buckets(col, lo, hi);
    }
  }
  // Pass 2: histograms. Each value's bucket is kept where its score will go: passes 3 and
  // 4 then read 4 bytes a value, not 8, and the values only in a boundary's bucket.
  // Integer buckets check their integers again, by a conversion no compiler option can
  // fold away (pass 1's test is fast, this one is exact); a column that fails is counted
  // again by key bits.
  const auto slot = [&](const rank_class_job& job, std::size_t j) -> std::int32_t& {
    return (*job.scores)[job.by_key != nullptr ? std::size_t{job.by_key[j]} : j];
  };
  const auto count_buckets = [&](std::size_t first_column, std::size_t last_column) {
    for_chunks_near(team, n_chunks, [&](std::size_t c) {
      const auto [begin, end] = chunk_range(c);
      for (std::size_t k = first_column; k < last_column; ++k) {
        column& col = cols[k];
        std::uint32_t* h = col.histogram.data() + c * col.n_buckets;
        if (col.integer_buckets) {
          unsigned integers = 1;
          for (std::size_t j = begin; j < end; ++j) {
            const double offset = col.v[j] - col.lo;  // exact for integers below 2^52
            const auto d = static_cast<std::int64_t>(offset);
            integers &= static_cast<unsigned>(static_cast<double>(d) == offset);
            const auto bucket = static_cast<std::size_t>(d) < col.n_buckets ? static_cast<std::size_t>(d) : 0;
            slot(jobs[k], j) = static_cast<std::int32_t>(bucket);
            ++h[bucket];
          }
          col.chunk_integral[c] = static_cast<unsigned char>(integers);
        } else {
          for (std::size_t j = begin; j < end; ++j) {
            const auto bucket = static_cast<std::size_t>((order_key(col.v[j]) - col.lowest_key) >> col.shift);
            slot(jobs[k], j) = static_cast<std::int32_t>(bucket);
            ++h[bucket];
          }
        }
      }
    });
  };
  count_buckets(0, cols.size());
  for (std::size_t k = 0; k < cols.size(); ++k) {
    column& col = cols[k];
    if (!col.integer_buckets ||
        std::all_of(col.chunk_integral.begin(), col.chunk_integral.end(), [](unsigned char i) { return i != 0; }))
      continue;
    use_key_buckets(col, col.lo, col.hi);
    count_buckets(k, k + 1);
  }

  // The boundary buckets: class edge b holds the ranks <= t = floor(edges[b]); the t-th
  // value in (value, position) order is the boundary, in the bucket where the running
  // count reaches t.
  const auto edges = numpy_rank_edges(n, bins);
  for (column& col : cols) {
    std::vector<std::size_t>& total = col.total;
    total.assign(col.n_buckets, 0);
    for (std::size_t c = 0; c < n_chunks; ++c)
      for (std::size_t d = 0; d < col.n_buckets; ++d) total[d] += col.histogram[c * col.n_buckets + d];
    col.boundary_bucket.assign(col.n_buckets, 0);
    std::size_t d = 0, below = 0;  // values in buckets < d
    for (int b = 1; b < bins; ++b) {
      const double edge = edges[static_cast<std::size_t>(b)];
      if (!(edge >= 1.0)) {  // every rank is above it
        ++col.base_class;
        continue;
      }
      if (edge >= static_cast<double>(n)) continue;  // no rank is above it
      const auto t = static_cast<std::size_t>(edge);  // floor, edge in [1, n)
      while (below + total[d] < t) below += total[d++];
      col.edge_bucket.push_back(d);
      col.edge_rank.push_back(t - below);
      col.boundary_bucket[d] = 1;
    }
    const std::size_t n_edges = col.edge_bucket.size();
    col.edge_value.resize(n_edges);
    col.edge_position.resize(n_edges);
    if (col.exact) {
      // The chunk holding the edge_rank-th occurrence of its bucket, and its rank there.
      col.edge_chunk.resize(n_edges);
      col.edge_rank_in_chunk.resize(n_edges);
      for (std::size_t e = 0; e < n_edges; ++e) {
        std::size_t rank = col.edge_rank[e], c = 0;
        while (col.histogram[c * col.n_buckets + col.edge_bucket[e]] < rank)
          rank -= col.histogram[c++ * col.n_buckets + col.edge_bucket[e]];
        col.edge_chunk[e] = c;
        col.edge_rank_in_chunk[e] = rank;
      }
    } else {
      col.gather_offset.assign(n_chunks + 1, 0);
      for (std::size_t c = 0; c < n_chunks; ++c) {
        std::size_t in_chunk = 0;
        for (std::size_t e = 0; e < n_edges; ++e)  // edge buckets ascend; a shared one counts once
          if (e == 0 || col.edge_bucket[e] != col.edge_bucket[e - 1])
            in_chunk += col.histogram[c * col.n_buckets + col.edge_bucket[e]];
        col.gather_offset[c + 1] = col.gather_offset[c] + in_chunk;
      }
      col.gathered_value.resize(col.gather_offset[n_chunks]);
      col.gathered_position.resize(col.gather_offset[n_chunks]);
    }
  }

  // Pass 3: the boundary values (exact buckets: the k-th occurrence in its chunk; else
  // the boundary buckets' values gathered in position order).
  for_chunks_near(team, n_chunks, [&](std::size_t c) {
    const auto [begin, end] = chunk_range(c);
    for (std::size_t k = 0; k < jobs.size(); ++k) {
      column& col = cols[k];
      const auto bucket = [&](std::size_t j) { return static_cast<std::size_t>(slot(jobs[k], j)); };
      if (col.exact) {
        for (std::size_t e = 0; e < col.edge_bucket.size(); ++e) {
          if (col.edge_chunk[e] != c) continue;
          std::size_t rank = col.edge_rank_in_chunk[e];
          for (std::size_t j = begin; j < end; ++j) {
            if (bucket(j) != col.edge_bucket[e] || --rank != 0) continue;
            col.edge_value[e] = col.v[j];
            col.edge_position[e] = j;
            break;
          }
        }
      } else {
        std::size_t out = col.gather_offset[c];
        for (std::size_t j = begin; j < end; ++j) {
          if (col.boundary_bucket[bucket(j)] == 0) continue;
          col.gathered_value[out] = col.v[j];
          col.gathered_position[out] = static_cast<std::uint32_t>(j);
          ++out;
        }
      }
    }
  });
  for (column& col : cols) {
    if (col.exact || col.edge_bucket.empty()) continue;
    // Sorted stably, the gathered values are the boundary buckets in bucket order, each in
    // (value, position) order; an edge's value sits after the boundary buckets below its own.
    const auto order = stable_ascending_order(col.gathered_value);
    std::vector<std::size_t> start(col.n_buckets, 0);
    std::size_t sum = 0;
    for (std::size_t d = 0; d < col.n_buckets; ++d) {
      if (col.boundary_bucket[d] == 0) continue;
      start[d] = sum;
      sum += col.total[d];
    }
    for (std::size_t e = 0; e < col.edge_bucket.size(); ++e) {
      const std::uint32_t g = order[start[col.edge_bucket[e]] + col.edge_rank[e] - 1];
      col.edge_value[e] = col.gathered_value[g];
      col.edge_position[e] = col.gathered_position[g];
    }
  }

  // Pass 4: scores. The score of every bucket, counting the boundaries in the buckets
  // below; a boundary bucket's values compare with its boundaries: by position alone when
  // the bucket holds one value (the running table is stepped at each boundary position),
  // else by (value, position) (its table entry is 0: look closer).
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    column& col = cols[k];
    col.bucket_score.resize(col.n_buckets);
    std::size_t below = 0;
    for (std::size_t d = 0; d < col.n_buckets; ++d) {
      while (below < col.edge_bucket.size() && col.edge_bucket[below] < d) ++below;
      const int cls = col.base_class + static_cast<int>(below);
      col.bucket_score[d] = !col.exact && col.boundary_bucket[d] != 0 ? 0 : jobs[k].reverse ? bins + 1 - cls : cls;
    }
  }
  for_chunks_near(team, n_chunks, [&](std::size_t c) {
    const auto [begin, end] = chunk_range(c);
    for (std::size_t k = 0; k < jobs.size(); ++k) {
      const column& col = cols[k];
      const rank_class_job& job = jobs[k];
      const std::size_t n_edges = col.edge_value.size();
      const int step = job.reverse ? -1 : 1;
      const std::int32_t* table = col.bucket_score.data();  // exact buckets: this chunk's copy (below)
      // The score of a value in a boundary bucket holding several values.
      const auto closer = [&](double x, std::size_t j) {
        std::size_t above = 0;  // the boundaries ascend: bisection
        for (std::size_t hi_e = n_edges; above < hi_e;) {
          const std::size_t mid = above + (hi_e - above) / 2;
          if (x > col.edge_value[mid] || (x == col.edge_value[mid] && j > col.edge_position[mid])) above = mid + 1;
          else hi_e = mid;
        }
        const int cls = col.base_class + static_cast<int>(above);
        return job.reverse ? bins + 1 - cls : cls;
      };
      const auto run = [&](std::size_t from, std::size_t to) {
        for (std::size_t j = from; j < to; ++j) {
          std::int32_t& out = slot(job, j);  // holds the bucket
          std::int32_t s = table[static_cast<std::size_t>(out)];
          if (s == 0) [[unlikely]]
            s = closer(col.v[j], j);
          out = s;
        }
      };
      if (!col.exact) {
        run(begin, end);
        continue;
      }
      // Exact buckets: a boundary before this chunk counts for all of it; one inside
      // counts from the position after it. The chunk steps its own copy of the table.
      std::vector<std::int32_t> score(col.bucket_score);
      table = score.data();
      std::vector<std::size_t> inside;
      for (std::size_t e = 0; e < n_edges; ++e) {
        if (col.edge_position[e] < begin) score[col.edge_bucket[e]] += step;
        else if (col.edge_position[e] < end) inside.push_back(e);
      }
      std::sort(inside.begin(), inside.end(),
                [&](std::size_t a, std::size_t b) { return col.edge_position[a] < col.edge_position[b]; });
      std::size_t from = begin;
      for (const std::size_t e : inside) {
        run(from, col.edge_position[e] + 1);
        score[col.edge_bucket[e]] += step;
        from = col.edge_position[e] + 1;
      }
      run(from, end);
    }
  });
}

}  // namespace detail

CRMKIT_END_NAMESPACE
