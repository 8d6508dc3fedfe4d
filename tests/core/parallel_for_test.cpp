#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <cmath>
#include <cstddef>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "crmkit/core/parallel_for.hpp"

namespace {

// A sum whose bits depend on the order of its terms; per-chunk partials added in chunk order.
double chunked_sum(const std::vector<double>& x, std::size_t chunk, int n_threads) {
  std::vector<double> part(crmkit::chunk_count(x.size(), chunk), 0.0);
  crmkit::parallel_for(x.size(), chunk, n_threads, [&](std::size_t c, std::size_t begin, std::size_t end) {
    double s = 0;
    for (std::size_t i = begin; i < end; ++i) s += x[i];
    part[c] = s;
  });
  double total = 0;
  for (double p : part) total += p;
  return total;
}

}  // namespace

TEST_CASE("parallel_for: chunk_count and thread_count") {
  CHECK(crmkit::chunk_count(0, 4) == 0);
  CHECK(crmkit::chunk_count(1, 4) == 1);
  CHECK(crmkit::chunk_count(4, 4) == 1);
  CHECK(crmkit::chunk_count(5, 4) == 2);
  CHECK(crmkit::chunk_count(5, 0) == 5);
  CHECK(crmkit::thread_count(0) == 1);
  CHECK(crmkit::thread_count(-3) == 1);
  CHECK(crmkit::thread_count(std::size_t{7}) == 7);
}

TEST_CASE("parallel_for: the chunks cover [0, n) once, cut independently of the thread count") {
  for (int threads : {1, 2, 3, 7}) {
    CAPTURE(threads);
    const std::size_t n = 103, chunk = 10;
    std::vector<int> seen(n, 0);
    std::vector<std::size_t> begins(crmkit::chunk_count(n, chunk), 0), ends(begins.size(), 0);
    crmkit::parallel_for(n, chunk, threads, [&](std::size_t c, std::size_t begin, std::size_t end) {
      begins[c] = begin;
      ends[c] = end;
      for (std::size_t i = begin; i < end; ++i) ++seen[i];
    });
    for (int s : seen) CHECK(s == 1);
    REQUIRE(begins.size() == 11);
    for (std::size_t c = 0; c < begins.size(); ++c) {
      CHECK(begins[c] == c * chunk);
      CHECK(ends[c] == std::min(n, (c + 1) * chunk));
    }
  }
}

TEST_CASE("parallel_for: zero items call nothing; chunk_size 0 is an error") {
  int calls = 0;
  crmkit::parallel_for(0, 16, 4, [&](std::size_t, std::size_t, std::size_t) { ++calls; });
  CHECK(calls == 0);
  CHECK_THROWS_AS(crmkit::parallel_for(5, 0, 2, [](std::size_t, std::size_t, std::size_t) {}), crmkit::error);
}

TEST_CASE("parallel_for: n_threads <= 1 runs inline on the caller's thread, in chunk order") {
  const auto me = std::this_thread::get_id();
  for (int threads : {-1, 0, 1}) {
    std::vector<std::size_t> order;
    bool same_thread = true;
    crmkit::parallel_for(50, 7, threads, [&](std::size_t c, std::size_t, std::size_t) {
      order.push_back(c);
      same_thread = same_thread && std::this_thread::get_id() == me;
    });
    CHECK(same_thread);
    REQUIRE(order.size() == 8);
    for (std::size_t c = 0; c < order.size(); ++c) CHECK(order[c] == c);
  }
}

TEST_CASE("parallel_for: several threads do run the chunks") {
  std::mutex m;
  std::set<std::thread::id> ids;
  std::atomic<int> inside{0};
  crmkit::parallel_for(64, 1, 4, [&](std::size_t, std::size_t, std::size_t) {
    ++inside;
    // Hold each chunk until another thread has entered one (bounded wait: never hangs).
    for (int spin = 0; spin < 2000 && inside.load() < 2; ++spin) std::this_thread::sleep_for(std::chrono::microseconds(50));
    std::lock_guard<std::mutex> lock(m);
    ids.insert(std::this_thread::get_id());
  });
  CHECK(ids.size() >= 2);
  CHECK(ids.size() <= 4);
}

TEST_CASE("parallel_for: per-chunk partials give bit-identical sums for 1, 2, 3 and 7 threads") {
  std::vector<double> x(100003);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<double>(i)) * 1e6 + 1e-3 * static_cast<double>(i);
  const double one = chunked_sum(x, 1000, 1);
  for (int threads : {2, 3, 7}) CHECK(chunked_sum(x, 1000, threads) == one);
}

TEST_CASE("parallel_for: the lowest failing chunk's exception reaches the caller; no chunk after it starts alone") {
  for (int threads : {1, 2, 3, 7}) {
    CAPTURE(threads);
    std::atomic<int> ran{0};
    try {
      crmkit::parallel_for(1000, 10, threads, [&](std::size_t c, std::size_t, std::size_t) {
        ++ran;
        if (c == 17 || c == 60) throw std::runtime_error("chunk " + std::to_string(c));
      });
      FAIL("no exception");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()) == "chunk 17");
    }
    CHECK(ran.load() < 100);  // it stopped handing out chunks
    if (threads == 1) CHECK(ran.load() == 18);
  }
}

TEST_CASE("thread_team: many passes on one team, exceptions do not poison the next pass") {
  crmkit::thread_team team(3);
  CHECK(team.size() == 3);
  for (int pass = 0; pass < 50; ++pass) {
    std::vector<std::size_t> out(40, 0);
    team.parallel_for(out.size(), 3, [&](std::size_t, std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) out[i] = i * static_cast<std::size_t>(pass);
    });
    for (std::size_t i = 0; i < out.size(); ++i) CHECK(out[i] == i * static_cast<std::size_t>(pass));
  }
  CHECK_THROWS_AS(team.for_chunks(10, [](std::size_t c) {
    if (c == 4) throw std::invalid_argument("four");
  }), std::invalid_argument);
  std::atomic<std::size_t> sum{0};
  team.for_chunks(10, [&](std::size_t c) { sum += c; });
  CHECK(sum.load() == 45);
  crmkit::thread_team solo(0);
  CHECK(solo.size() == 1);
}

TEST_CASE("thread_team: short passes in a row run every chunk exactly once and publish its writes") {
  // A worker that has not entered a pass when the caller finishes it is not waited for; a
  // worker inside one is. Thousands of passes of a few chunks exercise both (a lost wake-up
  // would hang, a late worker running a finished pass's body would count a chunk twice).
  for (int threads : {2, 4}) {
    CAPTURE(threads);
    crmkit::thread_team team(threads);
    std::vector<int> out(8, 0);
    std::vector<std::atomic<int>> runs(8);
    std::size_t wrong = 0;
    for (int pass = 1; pass <= 3000; ++pass) {
      const std::size_t n_chunks = 2 + static_cast<std::size_t>(pass) % 7;
      for (auto& r : runs) r.store(0);
      team.for_chunks(n_chunks, [&](std::size_t c) {
        runs[c].fetch_add(1);
        out[c] = pass;  // plain writes: visible to the caller once the pass returns
      });
      for (std::size_t c = 0; c < n_chunks; ++c)
        if (runs[c].load() != 1 || out[c] != pass) ++wrong;
    }
    CHECK(wrong == 0);
  }
}
