/// @file crmkit/core/parallel_for.hpp
/// `parallel_for` and `thread_team`: the one deterministic fan-out of the library. Every
/// threaded path (RFM, k-means, the BTYD likelihoods and predictions, CLV, lifecycle
/// stepping, the synthetic generator, geo batches, territory tests, rep lookups) runs on
/// it; no other header starts a thread.
///
/// `#include <crmkit/core/parallel_for.hpp>`
///
/// Thread safety: `parallel_for` is stateless; safe. A `thread_team` is not synchronized;
/// use it from one thread at a time (the call that owns it).
///
/// @code
/// // Sum of squares, bit-identical for any n_threads: per-chunk partials, added in chunk order.
/// std::vector<double> x = ...;
/// const std::size_t chunk = 4096;
/// std::vector<double> part(crmkit::chunk_count(x.size(), chunk));
/// crmkit::parallel_for(x.size(), chunk, n_threads, [&](std::size_t c, std::size_t begin, std::size_t end) {
///   double s = 0;
///   for (std::size_t i = begin; i < end; ++i) s += x[i] * x[i];
///   part[c] = s;
/// });
/// double total = 0;
/// for (double p : part) total += p;   // chunk order: the same bits for 1, 2, 3 or 7 threads
/// @endcode
///
/// Semantics (the determinism contract, docs/threading.md):
/// - [0, n) is cut into chunks of `chunk_size` items, the last one shorter; the cut depends
///   only on n and chunk_size, never on the thread count. body(c, begin, end) runs once per
///   chunk c = begin / chunk_size.
/// - Chunks are handed out in increasing order by an atomic counter (dynamic scheduling: a
///   thread sharing its core with another process takes fewer chunks). A pass waits only
///   for the workers that entered it before the caller ran out of chunks; a worker the
///   scheduler had not run by then takes no part in it. Which thread runs a
///   chunk is unspecified, so a body writes only its chunk's items or its chunk's partial
///   result, and the caller combines partials in chunk order afterwards: results are then
///   bit-identical for any thread count.
/// - n_threads <= 1 (zero and negative included), or a single chunk, runs every chunk inline
///   on the caller's thread in chunk order and starts no thread. n == 0 calls nothing.
///   At most min(n_threads, chunks) threads run, the caller's thread being one of them.
/// - Exceptions: once a chunk throws, no further chunk is started; the chunks already
///   started finish, and the exception of the lowest-numbered chunk that threw is rethrown
///   on the caller's thread, which is the exception a single thread meets first. Failing
///   to start a thread (std::system_error, std::bad_alloc) is rethrown after the started
///   ones have been joined, as crmkit::error (generic) for std::system_error.
/// - The library never reads the machine's core count; the caller chooses n_threads.
/// Reference: OpenMP `schedule(dynamic, chunk)` with an ordered reduction; TBB's
/// `parallel_deterministic_reduce` (simple_partitioner) gives the same guarantee.
/// Memory: `parallel_for` starts its threads per call (one std::thread each, nothing kept
/// after the call); a `thread_team` keeps n_threads - 1 sleeping threads for its lifetime,
/// for fitters that run many short parallel passes (k-means' iterations).
#pragma once

#include <atomic>
#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "crmkit/config.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The number of chunks of `chunk_size` items that cover n items (0 for n == 0).
/// chunk_size 0 is treated as 1.
[[nodiscard]] constexpr std::size_t chunk_count(std::size_t n, std::size_t chunk_size) noexcept {
  if (chunk_size == 0) chunk_size = 1;
  return n / chunk_size + (n % chunk_size != 0 ? 1 : 0);
}

/// A thread count as an unsigned number: values below 1 (0, negative) mean 1, the caller's
/// thread. Accepts the int and size_t counts of the option structs alike.
template <std::integral Int>
[[nodiscard]] constexpr std::size_t thread_count(Int n_threads) noexcept {
  if (n_threads < 1) return 1;
  if constexpr (sizeof(Int) > sizeof(std::size_t))
    if (static_cast<std::uintmax_t>(n_threads) > std::numeric_limits<std::size_t>::max())
      return std::numeric_limits<std::size_t>::max();
  return static_cast<std::size_t>(n_threads);
}

/// A team of n_threads - 1 sleeping worker threads plus the caller's thread, for a call that
/// runs many parallel passes (see the file comment for the contract; for one pass use
/// `parallel_for`, which needs no team). Workers sleep on a condition variable between
/// passes; no spinning.
class thread_team {
 public:
  /// Starts n_threads - 1 workers (none for n_threads <= 1). When one cannot start, joins
  /// the started ones and throws crmkit::error (generic) naming the thread, or std::bad_alloc.
  template <std::integral Int>
  explicit thread_team(Int n_threads) : size_(thread_count(n_threads)) {
    if (size_ > 1) workers_.reserve(size_ - 1);
    try {
      for (std::size_t t = 1; t < size_; ++t) workers_.emplace_back([this] { worker(); });
    } catch (const std::system_error& e) {
      const std::size_t started = workers_.size();
      shutdown();
      throw error(errc::generic, fmt::format("parallel_for: cannot start worker thread {} of {}: {}", started + 1,
                                             size_ - 1, e.what()));
    } catch (...) {  // bad_alloc of a thread's state
      shutdown();
      throw;
    }
  }
  thread_team(const thread_team&) = delete;
  thread_team& operator=(const thread_team&) = delete;
  ~thread_team() { shutdown(); }

  /// Threads of the team, the caller's included (at least 1).
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  /// Runs body(c) for every chunk c in [0, n_chunks) on the team, chunks handed out in
  /// increasing order; returns when all are done. Exceptions as in the file comment.
  template <class Body>
  void for_chunks(std::size_t n_chunks, const Body& body) {
    if (size_ <= 1 || n_chunks <= 1) {
      for (std::size_t c = 0; c < n_chunks; ++c) body(c);
      return;
    }
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex failure_mutex;
    std::size_t failed_chunk = n_chunks;
    std::exception_ptr failure;
    run_all([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        const std::size_t c = next.fetch_add(1, std::memory_order_relaxed);
        if (c >= n_chunks) return;
        try {
          body(c);
        } catch (...) {
          std::lock_guard<std::mutex> lock(failure_mutex);
          if (c < failed_chunk) {
            failed_chunk = c;
            failure = std::current_exception();
          }
          stop.store(true, std::memory_order_relaxed);
        }
      }
    });
    if (failure) std::rethrow_exception(failure);
  }

  /// Runs body(c, begin, end) for the chunks of [0, n) of `chunk_size` items on the team
  /// (chunk_size 0 is treated as 1).
  template <class Body>
  void parallel_for(std::size_t n, std::size_t chunk_size, const Body& body) {
    if (chunk_size == 0) chunk_size = 1;
    for_chunks(chunk_count(n, chunk_size), [&](std::size_t c) {
      const std::size_t begin = c * chunk_size;
      const std::size_t end = n - begin > chunk_size ? begin + chunk_size : n;
      body(c, begin, end);
    });
  }

 private:
  // Runs task() on the caller's thread and on every worker that starts it in time, and
  // waits for those. A worker takes part only if it enters the pass before the caller has
  // finished task() and closed it: a worker the scheduler leaves waiting (its core busy with
  // another process, or shared with the caller) is not waited for, since task() hands out
  // all of the work to whoever claims it. task handles its own exceptions (for_chunks
  // catches per chunk).
  void run_all(const std::function<void()>& task) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      task_ = &task;
      ++generation_;
      pass_.store(pass_of(generation_), std::memory_order_release);
    }
    start_.notify_all();
    task();
    // Close the pass; wait for the workers inside it (their chunk writes are then visible).
    if ((pass_.fetch_or(closed_bit, std::memory_order_acq_rel) & count_mask) != 0) {
      std::unique_lock<std::mutex> lock(mutex_);
      done_.wait(lock, [this] { return (pass_.load(std::memory_order_acquire) & count_mask) == 0; });
    }
  }

  // The entry word of pass `generation`: its generation's low 32 bits, open, nobody inside.
  static constexpr std::uint64_t pass_of(std::uint64_t generation) noexcept { return generation << 32; }

  // Enters pass `generation` unless it is closed or over; true if entered.
  bool enter(std::uint64_t generation) noexcept {
    std::uint64_t s = pass_.load(std::memory_order_acquire);
    while ((s & ~(closed_bit | count_mask)) == pass_of(generation) && (s & closed_bit) == 0)
      if (pass_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel, std::memory_order_acquire)) return true;
    return false;
  }

  void worker() {
    std::uint64_t seen = 0;
    for (;;) {
      const std::function<void()>* task = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        start_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        task = task_;
      }
      if (!enter(seen)) continue;  // the caller has done the pass already
      (*task)();  // does not throw: for_chunks' task catches around each chunk
      const std::uint64_t s = pass_.fetch_sub(1, std::memory_order_acq_rel);
      if ((s & closed_bit) != 0 && (s & count_mask) == 1) {
        std::lock_guard<std::mutex> lock(mutex_);  // the caller checks under the lock: no lost wake-up
        done_.notify_one();
      }
    }
  }

  void shutdown() noexcept {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    start_.notify_all();
    for (auto& w : workers_)
      if (w.joinable()) w.join();
    workers_.clear();
  }

  std::size_t size_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable start_;
  std::condition_variable done_;
  const std::function<void()>* task_ = nullptr;
  std::uint64_t generation_ = 0;
  // The current pass: generation (low 32 bits) << 32 | closed_bit | workers inside it.
  static constexpr std::uint64_t closed_bit = std::uint64_t{1} << 31;
  static constexpr std::uint64_t count_mask = closed_bit - 1;
  std::atomic<std::uint64_t> pass_{0};
  bool stop_ = false;
};

/// Runs body(c, begin, end) for the chunks [c * chunk_size, min(n, (c + 1) * chunk_size)) of
/// [0, n) on up to n_threads threads, the caller's included (see the file comment for the
/// determinism contract). chunk_size must be at least 1.
template <std::integral Int, class Body>
void parallel_for(std::size_t n, std::size_t chunk_size, Int n_threads, const Body& body) {
  if (chunk_size == 0) throw error(errc::invalid_argument, "parallel_for: chunk_size must be at least 1");
  const std::size_t n_chunks = chunk_count(n, chunk_size);
  const std::size_t threads = thread_count(n_threads) < n_chunks ? thread_count(n_threads) : n_chunks;
  if (threads <= 1) {
    for (std::size_t c = 0; c < n_chunks; ++c) {
      const std::size_t begin = c * chunk_size;
      body(c, begin, n - begin > chunk_size ? begin + chunk_size : n);
    }
    return;
  }
  thread_team team(threads);
  team.parallel_for(n, chunk_size, body);
}

CRMKIT_END_NAMESPACE
