#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "crmkit/core/time.hpp"
#include "crmkit/core/transaction_log.hpp"
#include "crmkit/error.hpp"
#include "crmkit/segmentation/rfm.hpp"
#include "crmkit/segmentation/detail/rank_classes.hpp"  // numpy_rank_edges, for the sorting reference

using crmkit::column;

namespace {
crmkit::errc code_of(auto&& f) {
  try {
    f();
  } catch (const crmkit::error& e) {
    return e.code();
  }
  return crmkit::errc::ok;
}

crmkit::transaction_log make_log(std::vector<std::int32_t> customer, std::vector<std::int64_t> time,
                                 std::vector<double> amount, std::size_t n_customers) {
  return crmkit::transaction_log::from_columns(column<std::int32_t>::owned(std::move(customer)),
                                               column<std::int64_t>::owned(std::move(time)),
                                               column<double>::owned(std::move(amount)), n_customers);
}

constexpr std::int64_t day = 86400;

// Every column of two summaries equal, bit for bit (one thread against several).
void check_same_summary(const crmkit::rfm_table& many, const crmkit::rfm_table& one) {
  CHECK(many.customer == one.customer);
  CHECK(many.recency_days == one.recency_days);
  CHECK(many.recency == one.recency);
  CHECK(many.frequency == one.frequency);
  CHECK(many.distinct_days == one.distinct_days);
  CHECK(many.monetary == one.monetary);
  CHECK(many.monetary_mean == one.monetary_mean);
  CHECK(many.first_purchase == one.first_purchase);
  CHECK(many.last_purchase == one.last_purchase);
  CHECK(many.tenure == one.tenure);
}
}  // namespace

TEST_CASE("rfm_summary on a hand-checkable log") {
  const std::int64_t d0 = crmkit::unix_seconds(2024, 1, 1);
  // customer 0: three purchases on two days; customer 1: none; customer 2: one purchase.
  auto log = make_log({0, 2, 0, 0}, {d0, d0 + 5 * day + 3600, d0 + 10 * day + 100, d0 + 10 * day + 200},
                      {10.0, 7.5, 20.0, -5.0}, 3);
  crmkit::rfm_options options;
  options.as_of = d0 + 30 * day;
  options.time_unit_seconds = 7 * day;
  const auto t = crmkit::rfm_summary(log, options);
  REQUIRE(t.size() == 2);
  CHECK(t.customer == std::vector<std::int32_t>{0, 2});
  CHECK(t.recency_days[0] == 19);  // 30 days minus 10 days and 200 s, floored
  CHECK(t.recency_days[1] == 24);
  CHECK(t.recency[0] == 2);        // 19.99 days = 2.86 weeks
  CHECK(t.recency[1] == 3);
  CHECK(t.frequency[0] == 3);
  CHECK(t.distinct_days[0] == 2);
  CHECK(t.distinct_days[1] == 1);
  CHECK(t.monetary[0] == 25.0);
  CHECK(t.monetary_mean[0] == doctest::Approx(25.0 / 3.0).epsilon(1e-15));
  CHECK(t.first_purchase[0] == d0);
  CHECK(t.last_purchase[0] == d0 + 10 * day + 200);
  CHECK(t.tenure[0] == 4);  // 30 days = 4.29 weeks
  CHECK(t.as_of == options.as_of);
}

TEST_CASE("distinct days do not depend on the row order") {
  std::mt19937_64 rng(7);
  std::vector<std::int32_t> customer;
  std::vector<std::int64_t> time;
  std::vector<double> amount;
  for (int i = 0; i < 5000; ++i) {
    customer.push_back(static_cast<std::int32_t>(rng() % 300));
    time.push_back(static_cast<std::int64_t>(rng() % (60 * day)));
    amount.push_back(static_cast<double>(rng() % 10000) / 100.0);
  }
  crmkit::rfm_options options;
  options.as_of = 61 * day;
  // Sorted by time: the single-pass count; shuffled: the bucket-and-sort fallback.
  std::vector<std::size_t> idx(customer.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(), [&](auto a, auto b) { return time[a] < time[b]; });
  std::vector<std::int32_t> c2;
  std::vector<std::int64_t> t2;
  std::vector<double> a2;
  for (auto i : idx) {
    c2.push_back(customer[i]);
    t2.push_back(time[i]);
    a2.push_back(amount[i]);
  }
  const auto shuffled = crmkit::rfm_summary(make_log(customer, time, amount, 300), options);
  const auto sorted = crmkit::rfm_summary(make_log(c2, t2, a2, 300), options);
  CHECK(shuffled.distinct_days == sorted.distinct_days);
  CHECK(shuffled.frequency == sorted.frequency);
  CHECK(shuffled.recency_days == sorted.recency_days);
  // Brute force
  for (std::size_t r = 0; r < sorted.size(); ++r) {
    std::vector<std::int64_t> days;
    for (std::size_t i = 0; i < customer.size(); ++i)
      if (customer[i] == sorted.customer[r]) days.push_back(time[i] / day);
    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
    CHECK(sorted.distinct_days[r] == static_cast<double>(days.size()));
  }
}

TEST_CASE("the summary is identical for any thread count") {
  // 600,000 rows: up to 9 threads take a slice (65,536 rows each at least); 3 customers
  // leave some of 7 or 8 threads an empty slice.
  for (const std::int32_t customers : {997, 3}) {
    CAPTURE(customers);
    std::mt19937_64 rng(11);
    std::vector<std::int32_t> customer;
    std::vector<std::int64_t> time;
    std::vector<double> amount;
    for (int i = 0; i < 600000; ++i) {
      customer.push_back(static_cast<std::int32_t>(rng() % static_cast<std::uint64_t>(customers)));
      time.push_back(static_cast<std::int64_t>(rng() % (400 * day)));
      amount.push_back(std::ldexp(static_cast<double>(rng() % 100000), -7) * ((rng() % 5) ? 1.0 : 1e6));
    }
    auto log = make_log(customer, time, amount, static_cast<std::size_t>(customers) + 3);  // and three without rows
    crmkit::rfm_options options;
    options.as_of = 400 * day;
    const auto one = crmkit::rfm_summary(log, options);
    CHECK(one.customer.size() == static_cast<std::size_t>(customers));
    for (int threads : {2, 3, 7, 8}) {
      CAPTURE(threads);
      options.n_threads = threads;
      check_same_summary(crmkit::rfm_summary(log, options), one);
    }
  }
}

TEST_CASE("customer slices per thread give the one-pass summary, in and out of time order") {
  // Enough rows that 2..7 threads each take a slice of customers (at least 65,536 rows per
  // thread), few customers and days, so that each thread skips most rows of every block.
  std::mt19937_64 rng(5);
  const std::size_t n = 500000;
  std::vector<std::int32_t> customer(n);
  std::vector<std::int64_t> time(n);
  std::vector<double> amount(n);
  for (std::size_t i = 0; i < n; ++i) {
    customer[i] = static_cast<std::int32_t>(rng() % 3001);
    time[i] = static_cast<std::int64_t>(i / 2000) * day + static_cast<std::int64_t>(rng() % day);  // 250 days, in order by day
    amount[i] = std::ldexp(static_cast<double>(rng() % 100000), -7) * ((rng() % 5) ? 1.0 : 1e6);
  }
  for (const bool shuffle : {false, true}) {
    if (shuffle) {
      std::vector<std::size_t> order(n);
      for (std::size_t i = 0; i < n; ++i) order[i] = i;
      std::shuffle(order.begin(), order.end(), rng);
      std::vector<std::int32_t> c2(n);
      std::vector<std::int64_t> t2(n);
      std::vector<double> a2(n);
      for (std::size_t i = 0; i < n; ++i) c2[i] = customer[order[i]], t2[i] = time[order[i]], a2[i] = amount[order[i]];
      customer.swap(c2), time.swap(t2), amount.swap(a2);
    }
    CAPTURE(shuffle);
    const auto log = make_log(customer, time, amount, 3001);
    crmkit::rfm_options options;
    options.as_of = 260 * day;
    const auto one = crmkit::rfm_summary(log, options);
    for (int threads : {2, 3, 7}) {
      CAPTURE(threads);
      options.n_threads = threads;
      const auto many = crmkit::rfm_summary(log, options);
      check_same_summary(many, one);
      // The scores run one task per column; the same for any thread count.
      crmkit::rfm_options one_thread = options;
      one_thread.n_threads = 1;
      const auto scores_many = crmkit::rfm_score(many, options);
      const auto scores_one = crmkit::rfm_score(one, one_thread);
      CHECK(scores_many.r == scores_one.r);
      CHECK(scores_many.f == scores_one.f);
      CHECK(scores_many.m == scores_one.m);
    }
    // And against a direct count, so that both paths cannot be wrong together.
    std::vector<std::vector<std::int64_t>> days(3001);
    for (std::size_t i = 0; i < n; ++i) days[static_cast<std::size_t>(customer[i])].push_back(time[i] / day);
    std::size_t mismatches = 0;
    for (std::size_t r = 0; r < one.customer.size(); ++r) {
      auto& d = days[static_cast<std::size_t>(one.customer[r])];
      std::sort(d.begin(), d.end());
      d.erase(std::unique(d.begin(), d.end()), d.end());
      mismatches += one.distinct_days[r] == static_cast<double>(d.size()) ? 0u : 1u;
    }
    CHECK(mismatches == 0);
  }
}

TEST_CASE("monetary is the exactly rounded sum, in any row order") {
  // 1 + 1e-16 + 1e-16 ... : naive summation stays at 1; the exact sum keeps the tail.
  std::vector<std::int32_t> customer(1001, 0);
  std::vector<std::int64_t> time(1001, 0);
  std::vector<double> amount(1001, 1e-16);
  amount[0] = 1.0;
  crmkit::rfm_options options;
  const auto t = crmkit::rfm_summary(make_log(customer, time, amount, 1), options);
  long double exact = 0.0L;  // 64-bit mantissa: 1 + 1000 * 1e-16 is exact to ~1e-19 here
  for (double v : amount) exact += static_cast<long double>(v);
  CHECK(t.monetary[0] == static_cast<double>(exact));
  CHECK(t.monetary[0] > 1.0);
  // The tail first, the 1 last: the same bits (a Kahan or naive sum in row order differs).
  std::reverse(amount.begin(), amount.end());
  const auto r = crmkit::rfm_summary(make_log(customer, time, amount, 1), options);
  CHECK(r.monetary[0] == t.monetary[0]);
}

TEST_CASE("bad input gets a clear error") {
  crmkit::rfm_options options;
  CHECK(code_of([&] { (void)crmkit::rfm_summary(crmkit::transaction_log{}, options); }) ==
        crmkit::errc::invalid_argument);
  auto log = make_log({0, 1}, {1000, 2000}, {1.0, 2.0}, 2);
  options.as_of = 1999;
  try {
    (void)crmkit::rfm_summary(log, options);
    FAIL("no error");
  } catch (const crmkit::error& e) {
    CHECK(std::string(e.what()).find("before the last transaction") != std::string::npos);
  }
  options.as_of = 2000;
  options.time_unit_seconds = 0;
  CHECK(code_of([&] { (void)crmkit::rfm_summary(log, options); }) == crmkit::errc::invalid_argument);
  options.time_unit_seconds = day;
  options.n_threads = 0;
  CHECK(code_of([&] { (void)crmkit::rfm_summary(log, options); }) == crmkit::errc::invalid_argument);
  options.n_threads = 1;
  const auto t = crmkit::rfm_summary(log, options);
  options.bins = 1;
  try {
    (void)crmkit::rfm_score(t, options);
    FAIL("no error");
  } catch (const crmkit::error& e) {
    CHECK(std::string(e.what()).find("at least 2") != std::string::npos);
  }
  const double one[] = {1.0};
  CHECK(code_of([&] { (void)crmkit::quantile_scores(one, 5, crmkit::rfm_tie_rule::rank_first); }) ==
        crmkit::errc::invalid_argument);
  const double with_nan[] = {1.0, std::numeric_limits<double>::quiet_NaN()};
  CHECK(code_of([&] { (void)crmkit::quantile_scores(with_nan, 5, crmkit::rfm_tie_rule::rank_first); }) ==
        crmkit::errc::invalid_argument);
}

TEST_CASE("stable_ascending_order is a stable sort") {
  const std::vector<double> v = {3.0, -1.0, 3.0, 0.0, -0.0, -2.5, 1e300, -1e-300, 3.0};
  const auto order = crmkit::stable_ascending_order(v);
  std::vector<std::uint32_t> expected(v.size());
  for (std::uint32_t i = 0; i < expected.size(); ++i) expected[i] = i;
  std::stable_sort(expected.begin(), expected.end(), [&](auto a, auto b) { return v[a] < v[b]; });
  CHECK(order == expected);
}

TEST_CASE("rank_first scores: equal-sized classes, ties by position, R reversed") {
  // n = 10, k = 5: numpy edges on ranks 1..10 are 1, 2.8, 4.6, 6.4, 8.2, 10, so ranks
  // 1-2 score 1, 3-4 score 2, ... (each class holds two ranks).
  const std::vector<double> v(10, 7.0);  // all tied: order of appearance decides
  const auto s = crmkit::quantile_scores(v, 5, crmkit::rfm_tie_rule::rank_first);
  CHECK(s == std::vector<std::int32_t>{1, 1, 2, 2, 3, 3, 4, 4, 5, 5});
  const auto r = crmkit::quantile_scores(v, 5, crmkit::rfm_tie_rule::rank_first, true);
  CHECK(r == std::vector<std::int32_t>{5, 5, 4, 4, 3, 3, 2, 2, 1, 1});
  // n = 11, k = 5: edges 1, 3, 5, 7, 9, 11 fall on ranks; right-closed bins put rank 3 in
  // class 1 (pandas.qcut(range(1, 12), 5) gives 1 1 1 2 2 3 3 4 4 5 5).
  std::vector<double> w;
  for (int i = 1; i <= 11; ++i) w.push_back(i);
  CHECK(crmkit::quantile_scores(w, 5, crmkit::rfm_tie_rule::rank_first) ==
        std::vector<std::int32_t>{1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5});
}

TEST_CASE("r_rfm edges reproduce the R rfm package's published bins on mtcars$mpg") {
  // R datasets::mtcars$mpg; rfm's tests/testthat/test-utils.R expects
  // bins(mtcars, mpg, 5) == c(16.20, 18.92, 22.00, 25.08), bins_lower's minimum 10.4 and
  // bins_upper's maximum + 1 = 34.9.
  const std::vector<double> mpg = {21.0, 21.0, 22.8, 21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8,
                                   16.4, 17.3, 15.2, 10.4, 10.4, 14.7, 32.4, 30.4, 33.9, 21.5, 15.5,
                                   15.2, 13.3, 19.2, 27.3, 26.0, 30.4, 15.8, 19.7, 15.0, 21.4};
  const auto edges = crmkit::r_rfm_edges(mpg, 5);
  REQUIRE(edges.size() == 6);
  CHECK(edges[0] == 10.4);
  CHECK(edges[1] == doctest::Approx(16.20).epsilon(1e-12));
  CHECK(edges[2] == doctest::Approx(18.92).epsilon(1e-12));
  CHECK(edges[3] == doctest::Approx(22.00).epsilon(1e-12));
  CHECK(edges[4] == doctest::Approx(25.08).epsilon(1e-12));
  CHECK(edges[5] == doctest::Approx(34.9).epsilon(1e-12));
  // Half-open intervals [lower, upper): 16.4 >= 16.2 is class 2; 15.8 is class 1.
  const auto scores = crmkit::quantile_scores(mpg, 5, crmkit::rfm_tie_rule::r_rfm);
  for (std::size_t i = 0; i < mpg.size(); ++i) {
    int expected = 1;
    while (expected < 5 && mpg[i] >= edges[static_cast<std::size_t>(expected)]) ++expected;
    CHECK(scores[i] == expected);
  }
  CHECK(scores[11] == 2);  // 16.4
  CHECK(scores[28] == 1);  // 15.8
  CHECK(scores[19] == 5);  // 33.9, the maximum, below max + 1
  const auto reversed = crmkit::quantile_scores(mpg, 5, crmkit::rfm_tie_rule::r_rfm, true);
  for (std::size_t i = 0; i < mpg.size(); ++i) CHECK(reversed[i] == 6 - scores[i]);
}

TEST_CASE("r_rfm: tied values share a score and classes can be empty") {
  // Frequencies as on a typical log: mostly 1. Type-7 quantiles at .2 .4 .6 .8 of
  // {1 x 7, 2, 3, 9} are 1, 1, 1, 2.2; edges 1, 2, 2, 2, 3.2, 10.
  const std::vector<double> f = {1, 1, 1, 1, 1, 1, 1, 2, 3, 9};
  const auto edges = crmkit::r_rfm_edges(f, 5);
  REQUIRE(edges.size() == 6);
  CHECK(edges[0] == 1);
  CHECK(edges[1] == 2);
  CHECK(edges[2] == 2);
  CHECK(edges[3] == 2);
  CHECK(edges[4] == doctest::Approx(3.2).epsilon(1e-12));
  CHECK(edges[5] == 10);
  const auto s = crmkit::quantile_scores(f, 5, crmkit::rfm_tie_rule::r_rfm);
  CHECK(s == std::vector<std::int32_t>{1, 1, 1, 1, 1, 1, 1, 4, 4, 5});
}

// Issue 12: a monetary sum that overflows is an error naming the customer, not an `inf`
// that a later score reports as if the caller had passed it.
TEST_CASE("rfm_summary: an overflowing monetary sum names the customer") {
  const std::int64_t d0 = crmkit::unix_seconds(2024, 1, 1);
  auto log = make_log({0, 1, 1}, {d0, d0, d0 + day}, {5.0, 1e308, 1e308}, 2);
  crmkit::rfm_options options;
  options.as_of = d0 + 30 * day;
  try {
    (void)crmkit::rfm_summary(log, options);
    FAIL("no error");
  } catch (const crmkit::error& e) {
    CHECK(e.code() == crmkit::errc::invalid_argument);
    CHECK(std::string(e.what()).find("rfm_summary: customer 1: the sum of its 2 amounts is beyond +-3.6e16") !=
          std::string::npos);
  }
}

// The same over several chunks of customers and threads: the first such customer in
// customer order is named, whichever chunk a thread finishes first.
TEST_CASE("rfm_summary: the first overflowing customer is named for any thread count") {
  const std::int64_t d0 = crmkit::unix_seconds(2024, 1, 1);
  constexpr std::int32_t n = 60000;  // about four chunks of 16,384 customers
  std::vector<std::int32_t> customer;
  std::vector<std::int64_t> time;
  std::vector<double> amount;
  for (std::int32_t c = 0; c < n; ++c) {
    const bool huge = c == 21000 || c == 50000;  // in the second and the fourth chunk
    for (int k = 0; k < 2; ++k) {
      customer.push_back(c);
      time.push_back(d0 + k * day);
      amount.push_back(huge ? 1e308 : 1.0 + c % 7);
    }
  }
  auto log = make_log(customer, time, amount, n);
  for (const int threads : {1, 2, 3}) {
    crmkit::rfm_options options;
    options.as_of = d0 + 30 * day;
    options.n_threads = threads;
    CAPTURE(threads);
    try {
      (void)crmkit::rfm_summary(log, options);
      FAIL("no error");
    } catch (const crmkit::error& e) {
      CHECK(std::string(e.what()).find("rfm_summary: customer 21000: the sum of its 2 amounts") != std::string::npos);
    }
  }
}

TEST_CASE("rfm_score: with bad values in several columns, the error is R's on any thread count") {
  // The three columns are checked together, chunk by chunk, on any number of threads; the
  // error must still be the one R, F, M order meets.
  crmkit::rfm_table table;
  for (int i = 0; i < 6; ++i) {
    table.customer.push_back(i);
    table.recency.push_back(i);
    table.frequency.push_back(1 + i % 3);
    table.monetary.push_back(10.0 * i);
  }
  table.recency[4] = std::numeric_limits<double>::infinity();
  table.monetary[1] = std::numeric_limits<double>::quiet_NaN();
  for (const int threads : {1, 2, 3}) {
    CAPTURE(threads);
    crmkit::rfm_options options;
    options.n_threads = threads;
    try {
      (void)crmkit::rfm_score(table, options);
      FAIL("no error");
    } catch (const crmkit::error& e) {
      CHECK(std::string(e.what()).find("value inf at position 4 is not finite") != std::string::npos);
    }
    table.recency[4] = 4;  // then M's
    try {
      (void)crmkit::rfm_score(table, options);
      FAIL("no error");
    } catch (const crmkit::error& e) {
      CHECK(std::string(e.what()).find("at position 1 is not finite") != std::string::npos);
    }
    table.recency[4] = std::numeric_limits<double>::infinity();
  }
}

namespace {

// rank(method="first") classes by the definition: a stable sort by (tie key, then value),
// ranks 1..n along it, each rank's class the first numpy edge at or above it (the sorting
// implementation quantile_scores replaced).
std::vector<std::int32_t> classes_by_sorting(const std::vector<double>& v, int bins, bool reverse,
                                             const std::vector<std::int32_t>& tie_key) {
  std::vector<std::uint32_t> order(v.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  if (!tie_key.empty())
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return tie_key[a] < tie_key[b]; });
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return v[a] < v[b]; });
  const auto edges = crmkit::detail::numpy_rank_edges(v.size(), bins);
  std::vector<std::int32_t> scores(v.size());
  std::size_t bin = 1;
  for (std::size_t p = 0; p < order.size(); ++p) {
    while (edges[bin] < static_cast<double>(p + 1)) ++bin;
    scores[order[p]] = reverse ? bins + 1 - static_cast<int>(bin) : static_cast<int>(bin);
  }
  return scores;
}

std::vector<double> sample_values(std::mt19937_64& rng, std::size_t n, int kind) {
  std::vector<double> v(n);
  std::uniform_int_distribution<int> small(0, 9);
  std::uniform_int_distribution<std::int64_t> wide(-2'000'000, 2'000'000);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::lognormal_distribution<double> spend(3.0, 1.5);
  for (std::size_t i = 0; i < n; ++i) {
    switch (kind) {
      case 0: v[i] = small(rng); break;                                      // few values, many ties
      case 1: v[i] = static_cast<double>(wide(rng)); break;                  // integers, wide range
      case 2: v[i] = std::round(spend(rng) * 100.0) / 100.0; break;          // cents, skewed
      case 3: v[i] = unit(rng) < 0.4 ? 9.99 : spend(rng); break;             // one value 40% of the time
      case 4: v[i] = (unit(rng) - 0.5) * (unit(rng) < 0.1 ? 1e-310 : 1e300); break;  // signs, extremes, subnormals
      case 5: v[i] = unit(rng) < 0.5 ? 0.0 : -0.0; break;                   // zeros of both signs
      case 6: v[i] = 3e9 + small(rng) + (unit(rng) < 0.5 ? 0.0 : 0.5); break;  // a short range of non-integers
      default: v[i] = 1e15 + static_cast<double>(small(rng)); break;        // large integers, short range
    }
  }
  return v;
}

}  // namespace

TEST_CASE("rank_first classes by selection equal the classes by sorting") {
  std::mt19937_64 rng(20261207);
  for (const std::size_t n : {std::size_t{2}, std::size_t{3}, std::size_t{11}, std::size_t{1000}, std::size_t{70'001}}) {
    for (int kind = 0; kind < 8; ++kind) {
      const auto v = sample_values(rng, n, kind);
      std::vector<std::int32_t> tie_key(n);
      std::uniform_int_distribution<std::int32_t> key(0, static_cast<std::int32_t>(n / 2));
      for (auto& k : tie_key) k = key(rng);
      for (const int bins : {2, 3, 5, 10, 40}) {
        if (n > 1000 && bins != 5 && bins != 40) continue;  // the long inputs: the two classing paths
        for (const bool reverse : {false, true}) {
          CAPTURE(n);
          CAPTURE(kind);
          CAPTURE(bins);
          CAPTURE(reverse);
          CHECK(crmkit::quantile_scores(v, bins, crmkit::rfm_tie_rule::rank_first, reverse) ==
                classes_by_sorting(v, bins, reverse, {}));
          CHECK(crmkit::quantile_scores(v, bins, crmkit::rfm_tie_rule::rank_first, reverse, tie_key) ==
                classes_by_sorting(v, bins, reverse, tie_key));
        }
      }
    }
  }
}

TEST_CASE("rfm_score: the same scores on any thread count, equal to each column's quantile_scores") {
  // 150,001 customers: several chunks per column, so threads share every pass.
  std::mt19937_64 rng(7);
  const std::size_t n = 150'001;
  crmkit::rfm_table table;
  table.recency = sample_values(rng, n, 0);
  table.frequency = sample_values(rng, n, 1);
  table.monetary = sample_values(rng, n, 3);
  table.customer.resize(n);
  for (std::size_t i = 0; i < n; ++i) table.customer[i] = static_cast<std::int32_t>(i);
  for (const bool with_ids : {false, true}) {
    if (with_ids) {
      table.id_rank.resize(n);
      for (std::size_t i = 0; i < n; ++i) table.id_rank[i] = static_cast<std::int32_t>((i * 7919) % n);
    }
    crmkit::rfm_options options;
    const auto one = crmkit::rfm_score(table, options);
    CHECK(one.r == crmkit::quantile_scores(table.recency, options.bins, crmkit::rfm_tie_rule::rank_first, true, table.id_rank));
    CHECK(one.f == crmkit::quantile_scores(table.frequency, options.bins, crmkit::rfm_tie_rule::rank_first, false, table.id_rank));
    CHECK(one.m == crmkit::quantile_scores(table.monetary, options.bins, crmkit::rfm_tie_rule::rank_first, false, table.id_rank));
    for (const int threads : {2, 3, 8}) {
      CAPTURE(threads);
      CAPTURE(with_ids);
      options.n_threads = threads;
      const auto many = crmkit::rfm_score(table, options);
      CHECK(many.r == one.r);
      CHECK(many.f == one.f);
      CHECK(many.m == one.m);
    }
  }
}

TEST_CASE("rfm_score: columns of different lengths are an error") {
  crmkit::rfm_table table;
  table.recency = {1, 2, 3};
  table.frequency = {1, 2, 3};
  table.monetary = {1, 2};
  CHECK_THROWS_WITH_AS((void)crmkit::rfm_score(table, crmkit::rfm_options{}),
                       doctest::Contains("columns have 3, 3 and 2 entries"), crmkit::error);
}
