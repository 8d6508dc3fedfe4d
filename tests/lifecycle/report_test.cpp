#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/lifecycle.hpp"
#include "lifecycle_test_util.hpp"

using lifecycle_test::day;
using lifecycle_test::make_log;

namespace {

std::shared_ptr<const crmkit::lifecycle_model> chain_model() {
  return std::make_shared<const crmkit::lifecycle_model>(crmkit::lifecycle_model::from_json(R"({
    "states": ["a", "b", "c"], "transitions": [
      {"from": "a", "to": "b", "guard": "orders >= 1"},
      {"from": "b", "to": "c", "guard": "orders >= 2"},
      {"from": "c", "to": "a", "guard": "orders >= 3"}]})"));
}

}  // namespace

TEST_CASE("reports: flow matrix, stage counts, conversion, history, time in stage") {
  // Three customers; one hop per evaluation (no cascade). Evaluations at days 10, 20, 30.
  auto m = chain_model();
  crmkit::lifecycle_machine mc(m, 3, day(0));
  std::vector<double> orders = {3, 1, 0};
  crmkit::lifecycle_columns cols;
  cols.set("orders", orders);
  mc.evaluate(day(10), cols);  // c0 a->b, c1 a->b
  mc.evaluate(day(20), cols);  // c0 b->c
  mc.evaluate(day(30), cols);  // c0 c->a
  REQUIRE(mc.log().size() == 4);
  const auto flow = crmkit::flow_matrix(mc, day(0), day(31));
  CHECK(flow == std::vector<std::int64_t>{0, 2, 0, 0, 0, 1, 1, 0, 0});
  CHECK(std::accumulate(flow.begin(), flow.end(), std::int64_t{0}) == 4);
  CHECK(crmkit::flow_matrix(mc, day(11), day(30)) == std::vector<std::int64_t>{0, 0, 0, 0, 0, 1, 0, 0, 0});
  CHECK_THROWS_AS((void)crmkit::flow_matrix(mc, day(2), day(1)), crmkit::error);
  const std::vector<std::int64_t> times = {day(0), day(10), day(25), day(30)};
  CHECK(crmkit::stage_counts_at(mc, times) == std::vector<std::int64_t>{3, 0, 0, 1, 2, 0, 1, 1, 1, 2, 1, 0});
  const auto conv = crmkit::conversion_rates(mc);
  CHECK(conv.visited == std::vector<std::int64_t>{3, 2, 1});
  // Of the 3 in a, 2 reached b, 1 reached c; of the 2 in b, 1 reached c and 1 a (c0 came back);
  // c0 entered b before c, never after, so c -> b is 0.
  CHECK(conv.reached == std::vector<std::int64_t>{0, 2, 1, 1, 0, 1, 1, 0, 0});
  CHECK(conv.rate[0 * 3 + 1] == doctest::Approx(2.0 / 3.0));
  const auto h = crmkit::stage_history(mc, 0);
  REQUIRE(h.size() == 4);
  CHECK(h[0].entered == day(0));
  CHECK(h[0].exited == day(10));
  CHECK(h[3].state == 0);
  CHECK(h[3].entered == day(30));
  const auto t = crmkit::time_in_stage(mc, day(40));
  CHECK(t.cumulative_days[0 * 3 + 0] == 20.0);  // a: days 0-10 and 30-40
  CHECK(t.latest_days[0 * 3 + 0] == 10.0);
  CHECK(t.cumulative_days[0 * 3 + 2] == 10.0);
  CHECK(t.cumulative_days[1 * 3 + 1] == 30.0);
  CHECK(std::isnan(t.latest_days[2 * 3 + 1]));
  CHECK(t.cumulative_days[2 * 3 + 0] == 40.0);
  CHECK_THROWS_AS((void)crmkit::time_in_stage(mc, day(29)), crmkit::error);
  // All customers at once equals stage_history() per customer.
  const auto all = crmkit::all_stage_histories(mc);
  REQUIRE(all.offsets.size() == 4);
  CHECK(all.offsets == std::vector<std::int64_t>{0, 4, 6, 7});
  for (std::int32_t c = 0; c < 3; ++c) {
    const auto one = crmkit::stage_history(mc, c);
    REQUIRE(static_cast<std::size_t>(all.offsets[static_cast<std::size_t>(c) + 1] - all.offsets[static_cast<std::size_t>(c)]) == one.size());
    for (std::size_t v = 0; v < one.size(); ++v) {
      const auto& x = all.visits[static_cast<std::size_t>(all.offsets[static_cast<std::size_t>(c)]) + v];
      CHECK(x.state == one[v].state);
      CHECK(x.entered == one[v].entered);
      CHECK(x.exited == one[v].exited);
    }
  }
}

TEST_CASE("replay: step times") {
  using crmkit::unix_seconds;
  const auto monthly = crmkit::replay_times(unix_seconds(2024, 1, 31), unix_seconds(2024, 5, 1), crmkit::replay_step::monthly);
  // The monthly steps, then `end` itself (May 1 is before the next step, May 31).
  CHECK(monthly == std::vector<std::int64_t>{unix_seconds(2024, 1, 31), unix_seconds(2024, 2, 29),
                                             unix_seconds(2024, 3, 31), unix_seconds(2024, 4, 30),
                                             unix_seconds(2024, 5, 1)});
  CHECK(crmkit::replay_times(day(0), day(14), crmkit::replay_step::weekly).size() == 3);
  CHECK(crmkit::replay_times(day(0), day(16), crmkit::replay_step::weekly) ==
        std::vector<std::int64_t>{day(0), day(7), day(14), day(16)});
  CHECK(crmkit::replay_times(day(3), day(3), crmkit::replay_step::monthly) == std::vector<std::int64_t>{day(3)});
  CHECK(crmkit::replay_times(day(0), day(14), crmkit::replay_step::daily).size() == 15);
  CHECK_THROWS_AS((void)crmkit::replay_times(day(1), day(0), crmkit::replay_step::daily), crmkit::error);
  CHECK(crmkit::month_starts(unix_seconds(2024, 1, 15), unix_seconds(2024, 4, 1)) ==
        std::vector<std::int64_t>{unix_seconds(2024, 2, 1), unix_seconds(2024, 3, 1), unix_seconds(2024, 4, 1)});
}

TEST_CASE("replay equals a machine driven by purchase events and step evaluations; counts equal the log's") {
  const std::vector<std::vector<std::int64_t>> purchases = {{}, {10}, {10, 40}, {-200, 100, 250}, {5, 30, 55, 100, 150, 200},
                                                            {-100, 200}, {3, 3, 17, 90, 95}};
  const auto log = make_log(purchases);
  auto model = std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model());
  for (auto step : {crmkit::replay_step::daily, crmkit::replay_step::weekly, crmkit::replay_step::monthly}) {
    const auto r = crmkit::replay(model, log, day(0), day(400), {step, 1});
    // The reference: metrics recomputed from scratch (compute_metrics) at every purchase time
    // and step; a purchase event per distinct purchase time, those up to the start at the start.
    crmkit::lifecycle_machine mc(model, log.n_customers(), day(0));
    std::vector<std::int64_t> event_days;
    for (const auto& p : purchases) event_days.insert(event_days.end(), p.begin(), p.end());
    std::sort(event_days.begin(), event_days.end());
    event_days.erase(std::unique(event_days.begin(), event_days.end()), event_days.end());
    auto buyers_in = [&](std::int64_t lo, std::int64_t hi) {  // customers with a purchase day in (lo, hi]
      std::vector<std::int32_t> out;
      for (std::size_t c = 0; c < purchases.size(); ++c)
        for (auto d : purchases[c])
          if (d > lo && d <= hi) {
            out.push_back(static_cast<std::int32_t>(c));
            break;
          }
      return out;
    };
    auto purchase = [&](const std::vector<std::int32_t>& buyers, std::int64_t at) {
      const auto metrics = crmkit::compute_metrics(log, at);
      crmkit::lifecycle_columns cols;
      cols.add_metrics(metrics);
      mc.purchase(buyers, at, cols);
    };
    std::int64_t done = std::numeric_limits<std::int64_t>::min();  // purchase days consumed: <= done
    for (std::size_t k = 0; k < r.times.size(); ++k) {
      const std::int64_t t_day = (r.times[k] - day(0)) / crmkit::seconds_per_day;
      if (k == 0) {
        purchase(buyers_in(done, t_day), r.times[k]);
      } else {
        for (auto d : event_days)
          if (d > done && d <= t_day) purchase(buyers_in(d - 1, d), day(d));
      }
      done = t_day;
      const auto metrics = crmkit::compute_metrics(log, r.times[k]);
      crmkit::lifecycle_columns cols;
      cols.add_metrics(metrics);
      mc.evaluate(r.times[k], cols);
      const auto counts = mc.stage_counts();
      for (std::size_t s = 0; s < counts.size(); ++s) CHECK(r.counts[k * counts.size() + s] == counts[s]);
    }
    REQUIRE(mc.log().size() == r.machine.log().size());
    for (std::size_t i = 0; i < mc.log().size(); ++i) {
      CHECK(mc.log()[i].customer == r.machine.log()[i].customer);
      CHECK(mc.log()[i].to == r.machine.log()[i].to);
      CHECK(mc.log()[i].rule == r.machine.log()[i].rule);
      CHECK(mc.log()[i].at == r.machine.log()[i].at);
    }
    CHECK(crmkit::stage_counts_at(r.machine, r.times) == r.counts);
  }
}

TEST_CASE("evaluate_dataset: the dataset's columns plus its metrics, as a hand-built evaluation") {
  const std::vector<std::vector<std::int64_t>> purchases = {{}, {10}, {10, 40}, {-200, 100, 250}, {5, 30, 55}};
  const auto log = make_log(purchases);
  const crmkit::dataset data(crmkit::customer_table::with_index_ids(log.n_customers()), log);
  auto model = std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model());
  crmkit::lifecycle_machine a(model, log.n_customers(), day(0)), b(model, log.n_customers(), day(0));
  const auto metrics = crmkit::compute_metrics(log, day(300));
  crmkit::lifecycle_columns cols;
  cols.add_table(data.customers());
  cols.add_metrics(metrics);
  const auto hops = b.evaluate(day(300), cols);
  CHECK(hops > 0);
  CHECK(crmkit::evaluate_dataset(a, data, day(300)) == hops);
  CHECK(a.stage_counts() == b.stage_counts());
  crmkit::lifecycle_machine c(model, log.n_customers() + 1, day(0));
  CHECK_THROWS_WITH_AS(crmkit::evaluate_dataset(c, data, day(300)), doctest::Contains("the dataset has 5 customers"),
                       crmkit::error);
}

TEST_CASE("replay: stages a purchase moves to are entered at the purchase time (hand-computed)") {
  // Monthly steps from 2024-01-01 at days 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305,
  // 335, 366, 397, 425. Default model: decline after 90 days without a purchase, churned
  // after 180 (both checked at the steps), resettle after 90 days in won_back.
  // c0 buys on days 10, 40, 300, 350:
  //   day 10 first purchase -> exploration; day 40 second -> formation (form on the purchase);
  //   step 152: recency 112 > 90 -> decline; step 244: recency 204 > 180 -> churned;
  //   day 300 purchase -> won_back; step 397: 97 days in won_back, recency 47 -> formation,
  //   then (4 orders, tenure 387) -> stability in the same cascade.
  // c1 buys on days 5 and 200:
  //   day 5 -> exploration; step 121: recency 116 -> decline; day 200 purchase: recover
  //   (history: back to exploration) and, with 2 orders, form -> formation, both at day 200;
  //   step 305: recency 105 -> decline; step 397: recency 197 -> churned.
  const auto log = make_log({{10, 40, 300, 350}, {5, 200}});
  auto model = std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model());
  const auto r = crmkit::replay(model, log, day(0), day(425));
  REQUIRE(r.times.size() == 15);
  CHECK(r.times[14] == day(425));
  struct visit {
    const char* stage;
    std::int64_t entered, exited;
  };
  const std::int64_t open = std::numeric_limits<std::int64_t>::max();
  const std::vector<std::vector<visit>> expected = {
      {{"prospect", 0, 10}, {"exploration", 10, 40}, {"formation", 40, 152}, {"decline", 152, 244},
       {"churned", 244, 300}, {"won_back", 300, 397}, {"formation", 397, 397}, {"stability", 397, open}},
      {{"prospect", 0, 5}, {"exploration", 5, 121}, {"decline", 121, 200}, {"exploration", 200, 200},
       {"formation", 200, 305}, {"decline", 305, 397}, {"churned", 397, open}}};
  for (std::int32_t c = 0; c < 2; ++c) {
    CAPTURE(c);
    const auto h = crmkit::stage_history(r.machine, c);
    const auto& e = expected[static_cast<std::size_t>(c)];
    REQUIRE(h.size() == e.size());
    for (std::size_t v = 0; v < h.size(); ++v) {
      CAPTURE(v);
      CHECK(model->state_name(h[v].state) == e[v].stage);
      CHECK(h[v].entered == day(e[v].entered));
      CHECK(h[v].exited == (e[v].exited == open ? open : day(e[v].exited)));
    }
  }
  CHECK(r.machine.entered_at()[0] == day(397));
  // The step counts: at step 244 (k = 8) c0 is churned, c1 in formation.
  CHECK(r.counts[8 * 7 + 5] == 1);
  CHECK(r.counts[8 * 7 + 2] == 1);
}

TEST_CASE("replay of the bundled CDNOW sample through the default model") {
  crmkit::transaction_columns columns;
  columns.customer = "customer_id";
  columns.time = "date";
  columns.amount = "amount";
  const auto data = crmkit::read_transactions_csv(std::string(CRMKIT_SOURCE_DIR) + "/examples/data/cdnow_sample.csv", columns);
  auto model = std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model());
  const auto& log = data.transactions();
  const auto start = crmkit::unix_seconds(1997, 1, 1), end = crmkit::unix_seconds(1998, 7, 1);
  const auto r = crmkit::replay(model, log, start, end);
  const std::size_t S = model->n_states();
  CHECK(r.times.size() == 19);
  for (std::size_t k = 0; k < r.times.size(); ++k) {
    const auto row = std::accumulate(r.counts.begin() + static_cast<std::ptrdiff_t>(k * S),
                                     r.counts.begin() + static_cast<std::ptrdiff_t>((k + 1) * S), std::int64_t{0});
    CHECK(row == static_cast<std::int64_t>(log.n_customers()));
  }
  // Every CDNOW customer made a first purchase in Q1 1997, so nobody is a prospect from
  // 1997-04-01 on; by mid-1998 (15+ months on) most are churned, as the published
  // CDNOW analyses find (most of the cohort never buys again).
  CHECK(r.counts[3 * S + 0] == 0);
  const auto last = r.counts.end() - static_cast<std::ptrdiff_t>(S);
  CHECK(last[5] + last[4] > static_cast<std::int64_t>(log.n_customers()) / 2);
  const auto flow = crmkit::flow_matrix(r.machine, start, end + 1);
  CHECK(std::accumulate(flow.begin(), flow.end(), std::int64_t{0}) == static_cast<std::int64_t>(r.machine.log().size()));
}

TEST_CASE("replay: the state at `end` includes the purchases after the last step") {
  // Monthly steps from 2024-01-01: the last regular step is 2024-03-01 (day 60); customer 1
  // buys on day 70 and customer 2 on day 75 = end. Both have left prospect at `end`.
  const auto log = make_log({{10}, {70}, {75}});
  auto model = std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model());
  const auto r = crmkit::replay(model, log, day(0), day(75));
  REQUIRE(r.times.size() == 4);
  CHECK(r.times.back() == day(75));
  const int prospect = model->find_state("prospect");
  REQUIRE(prospect >= 0);
  for (std::size_t c = 0; c < 3; ++c) {
    CAPTURE(c);
    CHECK(static_cast<int>(r.machine.stages()[c]) != prospect);
  }
  CHECK(r.counts[3 * model->n_states() + static_cast<std::size_t>(prospect)] == 0);
  CHECK(r.counts[2 * model->n_states() + static_cast<std::size_t>(prospect)] == 2);
}

TEST_CASE("replay: an absurd span is refused before anything is allocated") {
  const std::int64_t lo = -(std::int64_t{1} << 62), hi = std::int64_t{1} << 62;
  for (auto step : {crmkit::replay_step::daily, crmkit::replay_step::weekly, crmkit::replay_step::monthly}) {
    CHECK_THROWS_WITH_AS((void)crmkit::replay_times(lo, hi, step), doctest::Contains("more than the limit of 10000000 steps"),
                         crmkit::error);
  }
  CHECK_THROWS_AS((void)crmkit::replay_times(std::numeric_limits<std::int64_t>::min(),
                                             std::numeric_limits<std::int64_t>::max(), crmkit::replay_step::daily),
                  crmkit::error);
  // Just below and above the limit, daily.
  const std::int64_t limit = static_cast<std::int64_t>(crmkit::max_replay_steps);
  CHECK(crmkit::replay_times(0, (limit - 1) * crmkit::seconds_per_day, crmkit::replay_step::daily).size() ==
        crmkit::max_replay_steps);
  CHECK_THROWS_AS((void)crmkit::replay_times(0, limit * crmkit::seconds_per_day, crmkit::replay_step::daily),
                  crmkit::error);
  const auto log = make_log({{10}});
  auto model = std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model());
  CHECK_THROWS_AS((void)crmkit::replay(model, log, lo, hi, {crmkit::replay_step::daily, 1}), crmkit::error);
}
