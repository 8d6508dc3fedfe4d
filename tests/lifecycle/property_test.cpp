// Property tests on random purchase histories: counts sum to the number of customers, the
// flow matrix sums to the log length, no logged hop climbs the no-skip chain by more than
// one rank, and results are identical for batch vs one-by-one evaluation, 1 vs 2 threads
// and shuffled input.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <random>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/lifecycle.hpp"
#include "lifecycle_test_util.hpp"

using lifecycle_test::day;

using lifecycle_test::same_log;

namespace {

struct history {
  std::vector<std::int32_t> customer;
  std::vector<std::int64_t> time;
  std::vector<double> amount;
  std::size_t n = 0;
  crmkit::transaction_log log() const {
    return crmkit::transaction_log::from_columns(crmkit::column<std::int32_t>::owned(customer),
                                                 crmkit::column<std::int64_t>::owned(time),
                                                 crmkit::column<double>::owned(amount), n);
  }
};

history random_history(std::uint64_t seed, std::size_t n) {
  std::mt19937_64 rng(seed);
  history h;
  h.n = n;
  std::uniform_int_distribution<int> count(0, 12), first(-200, 500), gap(1, 150);
  std::uniform_real_distribution<double> amount(1.0, 100.0);
  for (std::size_t c = 0; c < n; ++c) {
    const int k = count(rng);
    int d = first(rng);
    for (int j = 0; j < k; ++j) {
      h.customer.push_back(static_cast<std::int32_t>(c));
      h.time.push_back(day(d) + 3600 * (j % 24));
      h.amount.push_back(amount(rng));
      d += gap(rng) * (j % 4 == 3 ? 3 : 1);  // occasional long pauses make declines and win-backs
    }
  }
  return h;
}

std::shared_ptr<const crmkit::lifecycle_model> model(bool scaled) {
  crmkit::default_model_options o;
  o.scale_to_gap = scaled;
  return std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model(o));
}

}  // namespace

TEST_CASE("properties over random histories") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    for (bool scaled : {false, true}) {
      CAPTURE(seed);
      CAPTURE(scaled);
      const auto h = random_history(seed, 1500);
      const auto log = h.log();
      const auto m = model(scaled);
      const std::size_t S = m->n_states();
      const auto r1 = crmkit::replay(m, log, day(0), day(730), {crmkit::replay_step::monthly, 1});
      // Counts sum to the number of customers at every step.
      for (std::size_t k = 0; k < r1.times.size(); ++k)
        CHECK(std::accumulate(r1.counts.begin() + static_cast<std::ptrdiff_t>(k * S),
                              r1.counts.begin() + static_cast<std::ptrdiff_t>((k + 1) * S), std::int64_t{0}) == 1500);
      // The flow matrix over all time sums to the log length; over consecutive windows it adds up.
      const auto all = crmkit::flow_matrix(r1.machine, day(-1000), day(1000));
      CHECK(std::accumulate(all.begin(), all.end(), std::int64_t{0}) == static_cast<std::int64_t>(r1.machine.log().size()));
      auto a = crmkit::flow_matrix(r1.machine, day(-1000), day(300));
      const auto b = crmkit::flow_matrix(r1.machine, day(300), day(1000));
      for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
      CHECK(a == all);
      // Counts change exactly by the flows between steps.
      for (std::size_t k = 1; k < r1.times.size(); ++k) {
        const auto f = crmkit::flow_matrix(r1.machine, r1.times[k - 1] + 1, r1.times[k] + 1);
        for (std::size_t s = 0; s < S; ++s) {
          std::int64_t in = 0, out = 0;
          for (std::size_t t = 0; t < S; ++t) in += f[t * S + s], out += f[s * S + t];
          CHECK(r1.counts[k * S + s] == r1.counts[(k - 1) * S + s] + in - out);
        }
      }
      // No hop climbs the chain by more than one rank.
      for (const auto& rec : r1.machine.log()) {
        const int rf = m->chain_rank(rec.from), rt = m->chain_rank(rec.to);
        if (rf >= 0 && rt >= 0) REQUIRE(rt <= rf + 1);
      }
      // 2 threads (chunks of at least 4096 customers are not reached at 1500, so force a
      // larger run below) and shuffled transaction order give the same log.
      history shuffled = h;
      std::vector<std::size_t> perm(h.customer.size());
      std::iota(perm.begin(), perm.end(), 0);
      std::shuffle(perm.begin(), perm.end(), std::mt19937_64(seed + 100));
      for (std::size_t i = 0; i < perm.size(); ++i) {
        shuffled.customer[i] = h.customer[perm[i]];
        shuffled.time[i] = h.time[perm[i]];
        shuffled.amount[i] = h.amount[perm[i]];
      }
      const auto slog = shuffled.log();
      const auto r2 = crmkit::replay(m, slog, day(0), day(730), {crmkit::replay_step::monthly, 2});
      CHECK(r2.counts == r1.counts);
      CHECK(same_log(r1.machine.log(), r2.machine.log()));
      // Customers relabelled in reverse order: the same stages, relabelled.
      history reversed = h;
      for (auto& c : reversed.customer) c = static_cast<std::int32_t>(h.n - 1) - c;
      const auto r3 = crmkit::replay(m, reversed.log(), day(0), day(730));
      CHECK(r3.counts == r1.counts);
      for (std::size_t c = 0; c < h.n; ++c) REQUIRE(r3.machine.stages()[h.n - 1 - c] == r1.machine.stages()[c]);
    }
  }
}

TEST_CASE("batch evaluation equals one-by-one evaluation, and 1 thread equals 2 and 3") {
  const std::size_t n = 20000;  // several 4096-customer thread chunks
  const auto h = random_history(9, n);
  const auto log = h.log();
  const auto m = model(true);
  crmkit::lifecycle_machine one(m, n, day(0), {1}), two(m, n, day(0), {2}), three(m, n, day(0), {3});
  std::vector<crmkit::lifecycle_machine> singles;
  for (std::size_t c = 0; c < 300; ++c) singles.emplace_back(m, 1, day(0));
  crmkit::metric_tracker tracker(log);
  crmkit::customer_metrics metrics;
  for (const auto t : crmkit::replay_times(day(0), day(700), crmkit::replay_step::monthly)) {
    tracker.advance(t);
    tracker.fill(t, metrics);
    crmkit::lifecycle_columns cols;
    cols.add_metrics(metrics);
    one.evaluate(t, cols);
    two.evaluate(t, cols);
    three.evaluate(t, cols);
    for (std::size_t c = 0; c < singles.size(); ++c) {
      crmkit::lifecycle_columns single;
      single.set("recency_days", std::span<const double>(&metrics.recency_days[c], 1));
      single.set("orders", std::span<const double>(&metrics.orders[c], 1));
      single.set("tenure_days", std::span<const double>(&metrics.tenure_days[c], 1));
      single.set("median_gap_days", std::span<const double>(&metrics.median_gap_days[c], 1));
      singles[c].evaluate(t, single);
    }
  }
  CHECK(same_log(one.log(), two.log()));
  CHECK(same_log(one.log(), three.log()));
  for (std::size_t c = 0; c < singles.size(); ++c) {
    REQUIRE(singles[c].stages()[0] == one.stages()[c]);
    CHECK(singles[c].entered_at()[0] == one.entered_at()[c]);
  }
  CHECK(one.log().size() > n);  // the histories do move customers around
}

TEST_CASE("metrics: the tracker advanced step by step equals a brute-force computation") {
  const auto h = random_history(4, 500);
  const auto log = h.log();
  crmkit::metric_tracker tracker(log);
  crmkit::customer_metrics a;
  auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int d = -250; d <= 900; d += 37) {
    tracker.advance(day(d));
    tracker.fill(day(d), a);
    // Brute force from the raw rows, per customer.
    std::vector<std::vector<std::int64_t>> days(500);
    std::vector<double> money(500, 0.0);
    for (std::size_t i = 0; i < h.customer.size(); ++i)
      if (h.time[i] <= day(d)) {
        days[static_cast<std::size_t>(h.customer[i])].push_back(crmkit::floor_days(h.time[i]));
        money[static_cast<std::size_t>(h.customer[i])] += h.amount[i];
      }
    const auto today = crmkit::floor_days(day(d));
    for (std::size_t c = 0; c < 500; ++c) {
      auto v = days[c];
      std::sort(v.begin(), v.end());
      const double orders = static_cast<double>(v.size());
      const double recency = v.empty() ? nan : static_cast<double>(today - v.back());
      const double tenure = v.empty() ? nan : static_cast<double>(today - v.front());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      std::vector<double> gaps;
      for (std::size_t k = 1; k < v.size(); ++k) gaps.push_back(static_cast<double>(v[k] - v[k - 1]));
      std::sort(gaps.begin(), gaps.end());
      const std::size_t g = gaps.size();
      const double median = g == 0 ? nan : g % 2 ? gaps[g / 2] : 0.5 * (gaps[g / 2 - 1] + gaps[g / 2]);
      REQUIRE(a.orders[c] == orders);
      REQUIRE(same(a.recency_days[c], recency));
      REQUIRE(same(a.tenure_days[c], tenure));
      REQUIRE(same(a.median_gap_days[c], median));
      REQUIRE(a.monetary[c] == doctest::Approx(money[c]));
      REQUIRE(same(a.avg_order_value[c], v.empty() ? nan : a.monetary[c] / orders));
    }
  }
  CHECK_THROWS_AS(tracker.advance(day(0)), crmkit::error);
}
