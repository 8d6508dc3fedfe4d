#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "crmkit/core/time.hpp"
#include "crmkit/core/transaction_log.hpp"
#include "crmkit/error.hpp"
#include "crmkit/lifecycle.hpp"
#include "lifecycle_test_util.hpp"

namespace {

const double NaN = std::numeric_limits<double>::quiet_NaN();

std::shared_ptr<const crmkit::lifecycle_model> model_of(const std::string& json) {
  return std::make_shared<const crmkit::lifecycle_model>(crmkit::lifecycle_model::from_json(json));
}

std::vector<int> stages(const crmkit::lifecycle_machine& m) { return {m.stages().begin(), m.stages().end()}; }

const char* overlapping = R"({"states": ["a", "b", "c"], "policy": "%s", "transitions": [
    {"name": "low", "from": "a", "to": "b", "guard": "orders >= 1", "priority": 1},
    {"name": "high", "from": "a", "to": "c", "guard": "orders >= 2", "priority": 2}]})";

std::string with_policy(const char* policy) {
  std::string s = overlapping;
  s.replace(s.find("%s"), 2, policy);
  return s;
}

}  // namespace

TEST_CASE("machine: first_match, priority and unique policies") {
  const std::vector<double> orders = {0, 1, 2, NaN};
  crmkit::lifecycle_columns cols;
  cols.set("orders", orders);
  crmkit::lifecycle_machine first(model_of(with_policy("first_match")), 4, 0);
  first.evaluate(10, cols);
  CHECK(stages(first) == std::vector<int>{0, 1, 1, 0});  // NaN satisfies nothing
  crmkit::lifecycle_machine prio(model_of(with_policy("priority")), 4, 0);
  prio.evaluate(10, cols);
  CHECK(stages(prio) == std::vector<int>{0, 1, 2, 0});
  // Unique: the interval check cannot see these as disjoint, so loading fails...
  CHECK_THROWS_AS((void)model_of(with_policy("unique")), crmkit::error);
  // ...while guards comparing two columns are checked per customer at evaluation.
  auto m = model_of(R"({"states": ["a", "b", "c"], "policy": "unique", "columns": ["x"], "transitions": [
      {"name": "p", "from": "a", "to": "b", "guard": "orders > x"},
      {"name": "q", "from": "a", "to": "c", "guard": "orders > 2 * x"}]})");
  crmkit::lifecycle_machine u(m, 4, 0);
  const std::vector<double> x = {1, 1, 0.75, 1};
  cols.set("x", x);
  try {
    u.evaluate(10, cols);
    FAIL("no error");
  } catch (const crmkit::error& e) {
    CHECK(std::string(e.what()).find("customer 2 in stage 'a' matches both 'p' and 'q'") != std::string::npos);
  }
  CHECK(u.log().empty());  // all or nothing: customer 1 did not move either
  CHECK(stages(u) == std::vector<int>{0, 0, 0, 0});
}

TEST_CASE("machine: an evaluation that throws restores every moved customer from the log (1 and 2 threads)") {
  // Hops are applied as they are decided; a conflict late in the customers (in another
  // thread's chunk with 2 threads) must leave stage, previous stage and entry time as they
  // were, including those of customers whose state came from earlier records.
  auto m = model_of(R"({"states": ["a", "b", "c"], "policy": "unique", "columns": ["x"], "transitions": [
      {"name": "p", "from": "a", "to": "b", "guard": "orders > x"},
      {"name": "q", "from": "a", "to": "c", "guard": "orders > 2 * x"},
      {"name": "r", "from": "b", "to": "c", "guard": "orders > 3 * x"}]})");
  constexpr std::size_t n = 40000;
  for (std::size_t threads : {std::size_t{1}, std::size_t{2}}) {
    CAPTURE(threads);
    crmkit::lifecycle_machine u(m, n, 0, {threads});
    for (std::size_t i = 0; i < n; i += 3) u.set_stage(static_cast<std::int32_t>(i), 1, 5);
    const std::size_t before = u.log().size();
    std::vector<double> orders(n, 10.0), x(n, 6.0);
    x[35000] = 4.0;  // in stage a: both p and q hold
    crmkit::lifecycle_columns cols;
    cols.set("orders", orders);
    cols.set("x", x);
    CHECK_THROWS_AS((void)u.evaluate(10, cols), crmkit::error);
    CHECK(u.log().size() == before);
    bool same = true;
    for (std::size_t i = 0; i < n; ++i) {
      const bool host = i % 3 == 0;
      same = same && u.stages()[i] == (host ? 1 : 0) && u.previous()[i] == (host ? 0 : -1) &&
             u.entered_at()[i] == (host ? 5 : 0);
    }
    CHECK(same);
    x[35000] = 6.0;
    CHECK(u.evaluate(10, cols) == n - before);  // everybody in a moves to b
    CHECK(u.stage_counts() == std::vector<std::int64_t>{0, static_cast<std::int64_t>(n), 0});
    CHECK(u.entered_at()[1] == 10);
    CHECK(u.previous()[1] == 0);
  }
}

TEST_CASE("machine: cascade, max_hops, history and the no-skip rule at run time") {
  const char* doc = R"({"states": ["p", "e", "f", "s", "d"], "cascade": %s,
      "invariants": {"no_skip": ["p", "e", "f", "s"]}, "transitions": [
      {"from": "*", "to": "d", "guard": "recency_days > 90"},
      {"from": "p", "to": "e", "guard": "orders >= 1"},
      {"from": "e", "to": "f", "guard": "orders >= 2"},
      {"from": "f", "to": "s", "guard": "orders >= 3"},
      {"from": "d", "to": "@history", "guard": "recency_days <= 90"}]})";
  auto make = [&](const char* cascade) {
    std::string s = doc;
    s.replace(s.find("%s"), 2, cascade);
    return model_of(s);
  };
  std::vector<double> orders = {3, 3}, recency = {10, 200};
  crmkit::lifecycle_columns cols;
  cols.set("orders", orders);
  cols.set("recency_days", recency);
  crmkit::lifecycle_machine once(make("false"), 2, 0);
  once.evaluate(100, cols);
  CHECK(stages(once) == std::vector<int>{1, 4});  // one hop each
  crmkit::lifecycle_machine casc(make("true"), 2, 0);
  casc.evaluate(100, cols);
  CHECK(stages(casc) == std::vector<int>{3, 4});  // p->e->f->s; p->d (d is off the chain)
  REQUIRE(casc.log().size() == 4);
  CHECK(casc.log()[0].at == 100);
  CHECK(casc.previous()[0] == 2);
  recency[1] = 5;
  casc.evaluate(200, cols);
  // d -> @history = p, then the cascade climbs p->e->f->s one rank at a time.
  CHECK(stages(casc)[1] == 3);
  // The log never shows a hop up the chain by more than one rank.
  for (const auto& r : casc.log()) {
    const int rf = casc.model().chain_rank(r.from), rt = casc.model().chain_rank(r.to);
    if (rf >= 0 && rt >= 0) CHECK(rt <= rf + 1);
  }
  // max_hops bounds the cascade.
  auto m2 = model_of(R"({"states": ["a", "b", "c"], "cascade": true, "max_hops": 1, "transitions": [
      {"from": "a", "to": "b"}, {"from": "b", "to": "c"}]})");
  crmkit::lifecycle_machine bounded(m2, 1, 0);
  bounded.evaluate(1, cols);
  CHECK(stages(bounded) == std::vector<int>{1});
  bounded.evaluate(2, cols);
  CHECK(stages(bounded) == std::vector<int>{2});
}

TEST_CASE("machine: a history hop that would skip along the chain is not taken") {
  // A reset takes the customer from f back to p, so its previous stage is two ranks above.
  auto m = model_of(R"({"states": ["p", "e", "f", "x"], "invariants": {"no_skip": ["p", "e", "f"]}, "transitions": [
      {"name": "back", "from": "p", "to": "@history", "guard": "orders >= 0"},
      {"from": "p", "to": "e", "guard": "orders >= 1"},
      {"from": "e", "to": "f", "guard": "orders >= 2"},
      {"from": "f", "to": "x", "guard": "orders >= 3"}]})");
  crmkit::lifecycle_machine mc(m, 1, 0);
  std::vector<double> orders = {2};
  crmkit::lifecycle_columns cols;
  cols.set("orders", orders);
  mc.evaluate(1, cols);  // p -> e
  mc.evaluate(2, cols);  // e -> f
  mc.reset(0, 3);        // f -> p by reset: previous = f, two ranks above p
  CHECK(mc.stages()[0] == 0);
  CHECK(mc.log().back().rule == crmkit::rule_reset);
  mc.evaluate(4, cols);  // "back" (history to f) would skip e, so "p -> e" fires instead
  CHECK(mc.stages()[0] == 1);
  CHECK(m->transitions()[static_cast<std::size_t>(mc.log().back().rule)].name == "p->e");
}

TEST_CASE("machine: host-set stages, resets, purchase events, time order, column errors") {
  auto m = model_of(R"({"states": ["lead", "buyer", "vip"], "invariants": {"forward_only": true},
      "columns": ["score"], "transitions": [
      {"from": "lead", "to": "buyer", "guard": "orders >= 1", "on": "purchase"},
      {"from": "buyer", "to": "vip", "guard": "score > 0.5 and stage_days >= 30"}]})");
  crmkit::lifecycle_machine mc(m, 3, 0);
  std::vector<double> orders = {1, 0, 1}, score = {0.9, 0.9, 0.1};
  crmkit::lifecycle_columns cols;
  cols.set("orders", orders);
  cols.set("score", score);
  mc.evaluate(86400, cols);  // purchase rules are not time rules
  CHECK(stages(mc) == std::vector<int>{0, 0, 0});
  const std::int32_t who[] = {0, 2};
  CHECK(mc.purchase(who, 86400, cols) == 2);
  CHECK(stages(mc) == std::vector<int>{1, 0, 1});
  mc.evaluate(10 * 86400, cols);  // stage_days 9 < 30
  CHECK(stages(mc) == std::vector<int>{1, 0, 1});
  mc.evaluate(31 * 86400, cols);  // stage_days 30, score decides
  CHECK(stages(mc) == std::vector<int>{2, 0, 1});
  CHECK(mc.entered_at()[0] == 31 * 86400);
  // Forward-only: back needs a reset.
  CHECK_THROWS_AS(mc.set_stage(0, 1, 32 * 86400), crmkit::error);
  mc.reset(0, 32 * 86400);
  CHECK(stages(mc)[0] == 0);
  mc.set_stage(1, 2, 33 * 86400);
  CHECK(mc.log().back().rule == crmkit::rule_host_set);
  // Time never goes back.
  CHECK_THROWS_AS(mc.evaluate(5, cols), crmkit::error);
  CHECK_THROWS_AS(mc.set_stage(5, 1, 40 * 86400), crmkit::error);
  // A column the guards read must be supplied, at the right length.
  crmkit::lifecycle_columns partial;
  partial.set("orders", orders);
  try {
    mc.evaluate(40 * 86400, partial);
    FAIL("no error");
  } catch (const crmkit::error& e) {
    CHECK(e.code() == crmkit::errc::not_found);
    CHECK(std::string(e.what()).find("column 'score'") != std::string::npos);
  }
  const std::vector<double> short_score = {1.0};
  partial.set("score", short_score);
  CHECK_THROWS_AS(mc.evaluate(40 * 86400, partial), crmkit::error);
  CHECK_THROWS_AS(crmkit::lifecycle_machine(nullptr, 1), crmkit::error);
}

TEST_CASE("machine: host attribute columns come from a customer_table") {
  auto m = model_of(R"({"states": ["ok", "risk"], "columns": ["churn_score"], "transitions": [
      {"from": "ok", "to": "risk", "guard": "churn_score >= 0.7"}]})");
  auto table = crmkit::customer_table::with_index_ids(3);
  table.set_attribute("churn_score", crmkit::column<double>::owned({0.1, 0.7, NaN}));
  crmkit::lifecycle_columns cols;
  cols.add_table(table);
  crmkit::lifecycle_machine mc(m, 3);
  mc.evaluate(0, cols);
  CHECK(stages(mc) == std::vector<int>{0, 1, 0});
}

TEST_CASE("machine: the log view (runs of equal time, records by value) and restart()") {
  auto m = model_of(R"({"states": ["a", "b", "c"], "cascade": true, "transitions": [
      {"name": "ab", "from": "a", "to": "b", "guard": "orders >= 1"},
      {"name": "bc", "from": "b", "to": "c", "guard": "orders >= 2"}]})");
  const std::vector<double> orders = {0, 1, 2, 3};
  crmkit::lifecycle_columns cols;
  cols.set("orders", orders);
  crmkit::lifecycle_machine mc(m, 4, 5);
  CHECK(mc.evaluate(10, cols) == 5);  // 1: a->b; 2 and 3: a->b->c
  CHECK(mc.evaluate(20, cols) == 0);  // nothing moves: no empty run is kept
  mc.set_stage(0, 1, 20);             // host move at 20 (no_skip not set)
  mc.reset(3, 30);
  const auto log = mc.log();
  REQUIRE(log.size() == 7);
  REQUIRE(log.runs().size() == 3);  // times 10, 20, 30
  CHECK(log.runs()[0].begin == 0);
  CHECK(log.runs()[1].begin == 5);
  CHECK(log.runs()[1].at == 20);
  CHECK(log.runs()[2].begin == 6);
  CHECK(log.entries().size() == 7);
  CHECK(sizeof(crmkit::transition_entry) == 8);
  const std::vector<std::int64_t> at = {10, 10, 10, 10, 10, 20, 30};
  const std::vector<int> who = {1, 2, 2, 3, 3, 0, 3};
  const std::vector<int> to = {1, 1, 2, 1, 2, 1, 0};
  std::vector<crmkit::transition_record> walked(log.begin(), log.end());
  REQUIRE(walked.size() == 7);
  for (std::size_t i = 0; i < 7; ++i) {
    CHECK(walked[i].at == at[i]);
    CHECK(walked[i].customer == who[i]);
    CHECK(walked[i].to == to[i]);
    CHECK(log[i].at == at[i]);  // random access agrees with iteration
    CHECK(log.time_of(i) == at[i]);
    CHECK(log[i].customer == walked[i].customer);
  }
  CHECK(log.back().rule == crmkit::rule_reset);
  CHECK(log.front().rule == 0);
  CHECK(log[5].rule == crmkit::rule_host_set);
  auto it = log.begin();
  it += 6;
  CHECK(it->at == 30);
  --it;
  CHECK(it->at == 20);
  CHECK(log.end() - log.begin() == 7);
  CHECK(log.lower_bound(10) == 0);
  CHECK(log.lower_bound(11) == 5);
  CHECK(log.lower_bound(30) == 6);
  CHECK(log.lower_bound(31) == 7);
  // restart(): as a new machine, and the same evaluation gives the same log.
  const std::vector<crmkit::transition_record> first(log.begin(), log.begin() + 5);
  mc.restart(5);
  CHECK(mc.log().empty());
  CHECK(mc.start() == 5);
  CHECK(mc.last_time() == 5);
  CHECK(stages(mc) == std::vector<int>{0, 0, 0, 0});
  CHECK(mc.previous()[3] == -1);
  CHECK(mc.entered_at()[2] == 5);
  CHECK(mc.evaluate(10, cols) == 5);
  CHECK(lifecycle_test::same_log(mc.log(), first));
  crmkit::lifecycle_machine fresh(m, 4, 5);
  fresh.evaluate(10, cols);
  CHECK(lifecycle_test::same_log(mc.log(), fresh.log()));
  CHECK(stages(mc) == stages(fresh));
  mc.restart();
  CHECK(mc.start() == crmkit::unknown_time);
  CHECK(mc.evaluate(0, cols) == 5);  // any time is allowed after an unknown start
}

TEST_CASE("metric_tracker: fill of selected columns equals the full fill; a time-sorted log needs no permutation") {
  // Customer 0 buys on days 1 and 3, customer 2 on day 2; customer 1 never.
  const std::int64_t d = crmkit::seconds_per_day;
  for (const bool sorted : {true, false}) {
    std::vector<std::int32_t> customer = {0, 2, 0};
    std::vector<std::int64_t> time = {1 * d, 2 * d, 3 * d};
    std::vector<double> amount = {5, 7, 9};
    if (!sorted) {
      std::swap(customer[0], customer[2]);
      std::swap(time[0], time[2]);
      std::swap(amount[0], amount[2]);
    }
    const auto log = crmkit::transaction_log::from_columns(
        crmkit::column<std::int32_t>::owned(customer), crmkit::column<std::int64_t>::owned(time),
        crmkit::column<double>::owned(amount), 3);
    crmkit::metric_tracker tracker(log, false);
    tracker.advance(2 * d);
    CHECK(tracker.next_time() == 3 * d);
    crmkit::customer_metrics all, some;
    tracker.fill(2 * d, all);
    const std::vector<bool> which = {true, false, true, false, true, false, true};
    tracker.fill(2 * d, some, &which);
    CHECK(some.orders.empty());
    CHECK(some.monetary.empty());
    REQUIRE(some.recency_days.size() == 3);
    for (std::size_t c = 0; c < 3; ++c) {
      CHECK((std::isnan(all.recency_days[c]) ? std::isnan(some.recency_days[c]) : all.recency_days[c] == some.recency_days[c]));
      CHECK((std::isnan(all.tenure_days[c]) ? std::isnan(some.tenure_days[c]) : all.tenure_days[c] == some.tenure_days[c]));
    }
    CHECK(all.recency_days[0] == 1);
    CHECK(std::isnan(all.recency_days[1]));
    CHECK(all.orders[2] == 1);
    CHECK(some.avg_order_value[0] == 5);
    tracker.advance(3 * d);
    CHECK(tracker.next_time() == std::numeric_limits<std::int64_t>::max());
    REQUIRE(tracker.changed().size() == 1);
    tracker.fill_rows(3 * d, tracker.changed(), some, &which);
    CHECK(some.recency_days[0] == 0);
    CHECK(some.tenure_days[0] == 2);
    CHECK(some.avg_order_value[0] == 7);
    CHECK(some.recency_days[2] == 0);  // a row not in changed() keeps its day-2 value
    CHECK(some.orders.empty());
  }
}

TEST_CASE("transition log storage: growth past its own mapping, copies, moves and clear keep every entry") {
  // 600,000 entries of 8 bytes: the buffer passes from realloc to its own mapping (1 MiB on
  // Linux) and grows by mremap several times; every entry must survive each step.
  using crmkit::detail::transition_buffer;
  const auto entry = [](std::int32_t i) {
    return crmkit::transition_entry{i, static_cast<std::int16_t>(i % 7), static_cast<std::int8_t>(i % 5),
                                    static_cast<std::int8_t>((i + 1) % 5)};
  };
  const auto same = [&](const transition_buffer& b, std::size_t n) {
    REQUIRE(b.size() == n);
    const auto e = b.entries();
    for (std::int32_t i = 0; static_cast<std::size_t>(i) < n; ++i)
      if (e[static_cast<std::size_t>(i)].customer != i || e[static_cast<std::size_t>(i)].rule != i % 7 ||
          e[static_cast<std::size_t>(i)].from != i % 5 || e[static_cast<std::size_t>(i)].to != (i + 1) % 5) {
        FAIL_CHECK("entry " << i << " differs");
        return;
      }
  };
  transition_buffer b;
  b.begin_run(10);
  for (std::int32_t i = 0; i < 600000; ++i) b.push_back(entry(i));
  same(b, 600000);
  CHECK(b.capacity() >= 600000);
  transition_buffer copy(b);  // exact size: the copy's first append grows it
  copy.push_back(entry(600000));
  same(copy, 600001);
  transition_buffer moved(std::move(copy));
  same(moved, 600001);
  transition_buffer assigned;
  assigned.push_back(entry(0));
  assigned = moved;  // copy assignment over a small buffer
  same(assigned, 600001);
  assigned = std::move(b);  // move assignment swaps the mappings
  same(assigned, 600000);
  const std::size_t capacity = assigned.capacity();
  assigned.clear();
  CHECK(assigned.capacity() == capacity);
  for (std::int32_t i = 0; i < 1000; ++i) assigned.push_back(entry(i));
  same(assigned, 1000);
  CHECK(assigned.view().runs().empty());
}

// The columns borrow the metrics, so a temporary is refused at compile time.
template <class Metrics>
constexpr bool columns_take = requires(crmkit::lifecycle_columns& c, Metrics&& m) { c.add_metrics(static_cast<Metrics&&>(m)); };
static_assert(!columns_take<crmkit::customer_metrics>);  // an rvalue
static_assert(columns_take<const crmkit::customer_metrics&>);
static_assert(columns_take<crmkit::customer_metrics&>);
