// Due lists with a guard-language priority (due_list_options::priority_rules).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/planning/due_list.hpp"

namespace {

constexpr std::int64_t one_day = 86400;
constexpr std::int64_t today = 1'700'000'000;

crmkit::customer_table rules_sample() {
  auto ids = std::make_shared<crmkit::string_dictionary>();
  for (const char* id : {"a", "b", "c", "d", "e", "f"}) ids->insert(id);
  auto t = crmkit::customer_table::from_ids(ids);
  t.set_column("clv", crmkit::column<double>::owned({1000, 500, 800, 300, 2000, 100}));
  t.set_column("p_alive", crmkit::column<double>::owned({0.5, 0.2, 0.9, 0.0, 0.75, NAN}));
  auto classes = std::make_shared<crmkit::string_dictionary>();
  for (const char* c : {"A", "B", "C"}) classes->insert(c);
  t.set_category_column("abc", {crmkit::column<std::int32_t>::owned({0, 1, 0, 2, 0, 1}), classes});
  t.set_time_column("last_visit", crmkit::column<std::int64_t>::owned({today - 20 * one_day, today - 40 * one_day,
                                                                        today - 30 * one_day, today - 50 * one_day,
                                                                        today - 15 * one_day, today - 60 * one_day}));
  return t;
}

crmkit::due_list_options rules_options() {
  crmkit::due_list_options o;
  o.class_column = "";
  o.rep_column = "";
  o.default_interval_days = 10;  // everyone due
  return o;
}

}  // namespace

TEST_CASE("due list: priority from guard-language rules, hand-computed") {
  const auto t = rules_sample();
  auto o = rules_options();
  // clv > 700: a, c, e (+2); class A with p_alive < 0.8: a, e (+1); missing p_alive: f (+0.5)
  o.priority_rules = {{"clv > 700", 2}, {"abc == 'A' and p_alive < 0.8", 1}, {"missing(p_alive)", 0.5}};
  const auto due = crmkit::due_list(t, today, o);
  const auto pr = due.float64("priority");
  const std::vector<double> want = {3, 0, 2, 0, 3, 0.5};
  for (std::size_t i = 0; i < want.size(); ++i) CHECK(pr[i] == doctest::Approx(want[i]));
  // rank by urgency = priority x (1 + overdue / interval): a 3 x 2 = 6, e 3 x 1.5 = 4.5, c 2 x 3 = 6
  // (ties by row order: a before c), f 0.5 x 6 = 3, b and d 0
  const auto rank = due.int64("rank");
  CHECK(rank[0] == 1);
  CHECK(rank[2] == 2);
  CHECK(rank[4] == 3);
  CHECK(rank[5] == 4);
  // multiplied by a column
  o.priority_column = "clv";
  const auto due2 = crmkit::due_list(t, today, o);
  const auto pr2 = due2.float64("priority");
  CHECK(pr2[0] == doctest::Approx(3000));
  CHECK(pr2[2] == doctest::Approx(1600));
  CHECK(pr2[4] == doctest::Approx(6000));
  CHECK(pr2[5] == doctest::Approx(50));
}

TEST_CASE("due list: priority rules, errors name the rule and the column") {
  const auto t = rules_sample();
  auto o = rules_options();
  auto fails_with = [&](const crmkit::due_list_options& oo, const std::string& part) {
    try {
      (void)crmkit::due_list(t, today, oo);
      FAIL("no error, expected " << part);
    } catch (const crmkit::error& e) {
      CHECK(e.code() == crmkit::errc::invalid_argument);
      CHECK_MESSAGE(std::string(e.what()).find(part) != std::string::npos, e.what());
    }
  };
  o.priority_rules = {{"clv > 700", 1}, {"revenue > 10", 1}};
  fails_with(o, "priority rule 2");
  fails_with(o, "unknown column 'revenue'");
  o.priority_rules = {{"abc == 'Z'", 1}};
  fails_with(o, "'Z' is not a level");
  o.priority_rules = {{"clv > ", 1}};
  fails_with(o, "priority rule 1");
  o.priority_rules = {{"clv > 1", NAN}};
  fails_with(o, "the weight is nan");
  o.priority_rules = {{"clv > 1", 1}};
  o.priority_column = "nope";
  fails_with(o, "no column 'nope'");
}
