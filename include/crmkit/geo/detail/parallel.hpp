// crmkit::detail::geo_parallel_chunks: the thread fan-out of the batched geo queries.
// Internal to crmkit/geo; not a stable API.
//
// Thread safety: stateless; safe.
//
// Work is cut into fixed chunks (the cut depends only on n, never on the thread count)
// handed out by an atomic counter; callers write per-chunk results and concatenate them
// in chunk order, so output is identical for any number of threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// Runs body(chunk, begin, end) for the chunks of [0, n) of `chunk_size` items on up to
/// `n_threads` threads (the caller included). Rethrows the first exception.
template <class Body>
void geo_parallel_chunks(std::size_t n, std::size_t chunk_size, std::size_t n_threads, const Body& body) {
  const std::size_t n_chunks = (n + chunk_size - 1) / chunk_size;
  auto run_chunk = [&](std::size_t c) {
    const std::size_t begin = c * chunk_size;
    const std::size_t end = begin + chunk_size < n ? begin + chunk_size : n;
    body(c, begin, end);
  };
  if (n_threads <= 1 || n_chunks <= 1) {
    for (std::size_t c = 0; c < n_chunks; ++c) run_chunk(c);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto worker = [&] {
    try {
      for (std::size_t c = next.fetch_add(1); c < n_chunks; c = next.fetch_add(1)) run_chunk(c);
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next.store(n_chunks);
    }
  };
  const std::size_t extra = (n_threads < n_chunks ? n_threads : n_chunks) - 1;
  std::vector<std::thread> threads;
  threads.reserve(extra);
  try {
    for (std::size_t t = 0; t < extra; ++t) threads.emplace_back(worker);
  } catch (...) {
    next.store(n_chunks);
    for (auto& th : threads) th.join();
    throw;
  }
  worker();
  for (auto& th : threads) th.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace detail
CRMKIT_END_NAMESPACE
