#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/planning/due_list.hpp"

namespace {

constexpr std::int64_t day = 86400;
constexpr std::int64_t as_of = 1'700'000'000;  // 2023-11-14

crmkit::customer_table sample() {
  auto ids = std::make_shared<crmkit::string_dictionary>();
  for (const char* id : {"a", "b", "c", "d", "e", "f"}) ids->insert(id);
  auto t = crmkit::customer_table::from_ids(ids);
  t.set_column("clv", crmkit::column<double>::owned({1000, 500, 800, 300, 2000, 100}));
  t.set_column("p_alive", crmkit::column<double>::owned({0.5, 0.2, 0.9, 0.0, 0.75, NAN}));
  auto classes = std::make_shared<crmkit::string_dictionary>();
  for (const char* c : {"A", "B", "C"}) classes->insert(c);
  t.set_category_column("abc", {crmkit::column<std::int32_t>::owned({0, 1, 0, 2, 0, 1}), classes});
  auto reps = std::make_shared<crmkit::string_dictionary>();
  for (const char* r : {"ana", "ben"}) reps->insert(r);
  t.set_category_column("rep", {crmkit::column<std::int32_t>::owned({0, 0, 0, 1, 1, 1}), reps});
  t.set_time_column("last_visit", crmkit::column<std::int64_t>::owned({
                                      as_of - 20 * day,  // a: A, 14 days: 6 overdue
                                      as_of - 10 * day,  // b: B, 30 days: not due
                                      as_of - 14 * day,  // c: A, due today
                                      crmkit::missing_int64,  // d: C, never visited
                                      as_of - 40 * day,  // e: A, 26 overdue
                                      as_of - 29 * day,  // f: B, due tomorrow
                                  }));
  return t;
}

}  // namespace

TEST_CASE("due list: cadence by class, overdue days, ranks per rep by value at risk") {
  crmkit::due_list_options o;
  o.cadence = {{"A", 14}, {"B", 30}, {"C", 90}};
  const auto d = crmkit::due_list(sample(), as_of, o);
  const auto priority = d.float64("priority");
  CHECK(priority[0] == doctest::Approx(500));   // 1000 x 0.5
  CHECK(priority[3] == doctest::Approx(300));   // 300 x 1
  CHECK(std::isnan(priority[5]));
  const auto due = d.int64("due");
  CHECK(due[0] == 1);
  CHECK(due[1] == 0);
  CHECK(due[2] == 1);
  CHECK(due[3] == 1);
  CHECK(due[4] == 1);
  CHECK(due[5] == 0);
  const auto overdue = d.float64("days_overdue");
  CHECK(overdue[0] == doctest::Approx(6));
  CHECK(overdue[2] == doctest::Approx(0));
  CHECK(std::isnan(overdue[3]));
  CHECK(overdue[5] == doctest::Approx(-1));
  CHECK(d.int64("next_due")[0] == as_of - 6 * day);
  const auto urgency = d.float64("urgency");
  CHECK(urgency[0] == doctest::Approx(500 * (1 + 6.0 / 14)));
  CHECK(urgency[2] == doctest::Approx(80));
  CHECK(urgency[3] == doctest::Approx(600));  // never visited: 2 x priority
  CHECK(urgency[4] == doctest::Approx(500 * (1 + 26.0 / 14)));
  const auto rank = d.int64("rank");
  // ana: a (714) before c (80); b not due. ben: e (1428) before d (600); f not due
  CHECK(rank[0] == 1);
  CHECK(rank[2] == 2);
  CHECK(rank[1] == crmkit::missing_int64);
  CHECK(rank[4] == 1);
  CHECK(rank[3] == 2);
  CHECK(rank[5] == crmkit::missing_int64);
  CHECK(d.category("rep").codes[4] == 1);
  // a horizon of 1 day makes f due too
  o.horizon_days = 1;
  const auto h = crmkit::due_list(sample(), as_of, o);
  CHECK(h.int64("due")[5] == 1);
  CHECK(h.int64("rank")[5] == 3);  // priority NaN counts as 0
}

TEST_CASE("due list: a priority column, default interval and one list without reps") {
  auto t = sample();
  t.set_column("score", crmkit::column<double>::owned({1, 2, 3, 4, 5, 6}));
  crmkit::due_list_options o;
  o.priority_column = "score";
  o.class_column = "";
  o.rep_column = "";
  o.default_interval_days = 7;
  const auto d = crmkit::due_list(t, as_of, o);
  const auto rank = d.int64("rank");
  // every customer is due (last visits 10 to 40 days ago, interval 7); urgency:
  // e 5 x (1 + 33/7) = 28.6, f 6 x (1 + 22/7) = 24.9, d never visited 2 x 4 = 8, c 3 x 2 = 6
  for (std::size_t i = 0; i < 6; ++i) CHECK(d.int64("due")[i] == 1);
  CHECK(rank[4] == 1);
  CHECK(rank[5] == 2);
  CHECK(rank[3] == 3);
  CHECK(rank[2] == 4);
  CHECK(d.find_column("rep") == nullptr);
}

TEST_CASE("due list: clear errors") {
  crmkit::due_list_options o;
  o.cadence = {{"X", 14}};
  CHECK_THROWS_WITH_AS((void)crmkit::due_list(sample(), as_of, o), doctest::Contains("class 'X'"), crmkit::error);
  o.cadence = {{"A", 0}};
  CHECK_THROWS_WITH_AS((void)crmkit::due_list(sample(), as_of, o), doctest::Contains("expected a finite number > 0"),
                       crmkit::error);
  o.cadence = {{"A", 14}};
  o.last_visit_column = "visited";
  CHECK_THROWS_WITH_AS((void)crmkit::due_list(sample(), as_of, o), doctest::Contains("no column 'visited'"), crmkit::error);
  o.last_visit_column = "clv";
  CHECK_THROWS_WITH_AS((void)crmkit::due_list(sample(), as_of, o), doctest::Contains("expected time"), crmkit::error);
  auto bare = crmkit::customer_table::with_index_ids(2);
  CHECK_THROWS_WITH_AS((void)crmkit::due_list(bare, as_of, {}), doctest::Contains("no column 'clv'"), crmkit::error);
}
