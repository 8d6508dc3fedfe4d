// crmkit::detail::fork_join: the small thread team behind k-means' parallel passes.
// Internal to crmkit/segmentation; not a stable API.
//
// Thread safety: not synchronized; use from one thread at a time (the owning call).
//
// Design (issue 3, "one parallel region per iteration, no spinning barriers"): the team
// has n_threads - 1 workers that sleep on a condition variable; run(f) wakes them, runs
// f(0) on the calling thread, and waits (condition variable, no spinning) until every
// worker has finished. Work inside a region is handed out by an atomic chunk counter
// (dynamic scheduling), so a thread that shares its core with another process simply
// takes fewer chunks instead of holding everyone up. Results never depend on which
// thread ran a chunk: callers write per-chunk partial results and reduce them in chunk
// order, which is what makes every k-means result bit-identical for any thread count.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

class fork_join {
 public:
  explicit fork_join(int n_threads) : n_threads_(n_threads < 1 ? 1 : n_threads) {
    workers_.reserve(static_cast<std::size_t>(n_threads_ - 1));
    try {
      for (int t = 1; t < n_threads_; ++t) workers_.emplace_back([this, t] { worker(t); });
    } catch (...) {
      shutdown();
      throw;
    }
  }
  fork_join(const fork_join&) = delete;
  fork_join& operator=(const fork_join&) = delete;
  ~fork_join() { shutdown(); }

  [[nodiscard]] int size() const noexcept { return n_threads_; }

  /// Runs task(thread_index) on every thread of the team, the caller being thread 0, and
  /// returns when all are done. The first exception a task throws is rethrown here.
  void run(const std::function<void(int)>& task) {
    if (n_threads_ == 1) {
      task(0);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      task_ = &task;
      pending_ = n_threads_ - 1;
      error_ = nullptr;
      ++generation_;
    }
    start_.notify_all();
    std::exception_ptr mine;
    try {
      task(0);
    } catch (...) {
      mine = std::current_exception();
    }
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    task_ = nullptr;
    if (mine) std::rethrow_exception(mine);
    if (error_) std::rethrow_exception(error_);
  }

  /// Runs body(chunk) for chunk in [0, n_chunks) across the team, chunks handed out one
  /// at a time by an atomic counter.
  void for_chunks(std::size_t n_chunks, const std::function<void(std::size_t)>& body) {
    if (n_threads_ == 1 || n_chunks <= 1) {
      for (std::size_t c = 0; c < n_chunks; ++c) body(c);
      return;
    }
    std::atomic<std::size_t> next{0};
    run([&](int) {
      for (std::size_t c = next.fetch_add(1, std::memory_order_relaxed); c < n_chunks;
           c = next.fetch_add(1, std::memory_order_relaxed))
        body(c);
    });
  }

 private:
  void worker(int index) {
    std::uint64_t seen = 0;
    for (;;) {
      const std::function<void(int)>* task = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        start_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        task = task_;
      }
      std::exception_ptr failure;
      try {
        (*task)(index);
      } catch (...) {
        failure = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (failure && !error_) error_ = failure;
        if (--pending_ == 0) done_.notify_one();
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

  int n_threads_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable start_;
  std::condition_variable done_;
  const std::function<void(int)>* task_ = nullptr;
  std::uint64_t generation_ = 0;
  int pending_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace detail
CRMKIT_END_NAMESPACE
