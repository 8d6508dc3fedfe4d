#include <doctest/doctest.h>

#include <string>

#include "crmkit/error.hpp"
#include "crmkit/lifecycle/default_model.hpp"
#include "crmkit/lifecycle/model.hpp"

namespace {

struct failure {
  crmkit::errc code = crmkit::errc::ok;
  std::string message;
};

failure load(const std::string& json) {
  try {
    (void)crmkit::lifecycle_model::from_json(json);
  } catch (const crmkit::error& e) {
    return {e.code(), e.what()};
  }
  return {};
}

bool has(const failure& f, const std::string& text) {
  if (f.message.find(text) == std::string::npos) {
    MESSAGE("message was: " << f.message);
    return false;
  }
  return true;
}

}  // namespace

TEST_CASE("model: a full document loads") {
  const auto m = crmkit::lifecycle_model::from_json(R"({
    "states": ["lead", {"name": "customer"}, "lapsed"],
    "initial": "lead",
    "policy": "priority",
    "columns": ["churn_score"],
    "invariants": {"no_skip": ["lead", "customer"], "forward_only": false},
    "cascade": true, "max_hops": 3,
    "transitions": [
      {"name": "buy", "from": "lead", "to": "customer", "guard": "orders >= 1", "priority": 1},
      {"from": ["customer"], "to": "lapsed", "guard": "churn_score > 0.8 or recency_days > 90", "on": "any"},
      {"from": "lapsed", "to": "@history", "guard": "recency_days <= 90", "priority": 5}
    ]
  })");
  CHECK(m.n_states() == 3);
  CHECK(m.find_state("lapsed") == 2);
  CHECK(m.initial() == 0);
  CHECK(m.policy() == crmkit::rule_policy::priority);
  CHECK(m.cascade());
  CHECK(m.max_hops() == 3);
  CHECK(m.find_column("churn_score") == 7);
  CHECK(m.columns_used()[7]);
  CHECK(m.transitions()[1].name == "customer->lapsed");
  CHECK(m.transitions()[1].on == crmkit::transition_trigger::any);
  CHECK(m.transitions()[2].to == -1);
  CHECK(m.try_order() == std::vector<int>{2, 0, 1});
  CHECK(m.chain_rank(1) == 1);
  CHECK(m.chain_rank(2) == -1);
}

TEST_CASE("model: malformed JSON is reported with line and column") {
  auto f = load("{\n  \"states\": [\"a\",]\n}");
  CHECK(f.code == crmkit::errc::parse_error);
  CHECK(has(f, "JSON line 2 column 18"));
  CHECK(has(load(R"({"states": ["a"], "states": ["b"]})"), "duplicate key \"states\""));
  CHECK(has(load(R"({"states": ["a"]} x)"), "unexpected text after the JSON value"));
  CHECK(has(load(R"({"states": [01]})"), "leading zeros"));
  CHECK(has(load(R"({"states": ["a"], "colour": 1})"), "unknown key 'colour' in the model"));
  CHECK(has(load(R"({"states": "a"})"), "'states' must be an array, not a string"));
  CHECK(has(load(R"({"states": ["a\u00e9"], "transitions": [{"from": "a\u00e9", "to": "b"}]})"), "unknown state 'b'"));
  CHECK(has(load(R"({"states": ["a"], "policy": "random"})"), "policy 'random' is not one of"));
  CHECK(has(load(R"({"transitions": []})"), "no 'states' array"));
}

TEST_CASE("model: validation names each problem") {
  auto f = load(R"({"states": ["a", "b"], "transitions": [{"from": "a", "to": "c"}]})");
  CHECK(f.code == crmkit::errc::not_found);
  CHECK(has(f, "transition #1 target names unknown state 'c'; defined states: a, b"));
  CHECK(has(load(R"({"states": ["a", "b"], "transitions": [{"from": "x", "to": "b"}]})"),
            "transition #1 source names unknown state 'x'"));
  f = load(R"({"states": ["a", "b"], "transitions": [{"name": "t", "from": "a", "to": "b", "guard": "ordres > 1"}]})");
  CHECK(f.code == crmkit::errc::not_found);
  CHECK(has(f, "transition #1 't': guard \"ordres > 1\": at position 1: unknown column 'ordres'; known columns: recency_days"));
  f = load(R"({"states": ["a", "b"], "transitions": [{"from": "a", "to": "b", "guard": "orders >> 1"}]})");
  CHECK(f.code == crmkit::errc::parse_error);
  CHECK(has(f, "at position 9: expected a column or a number, found '>'"));
  CHECK(has(load(R"({"states": ["a", "b", "c"], "transitions": [{"from": "a", "to": "b"}]})"),
            "state 'c' is unreachable from the initial state 'a'"));
  CHECK(has(load(R"({"states": ["a", "a"]})"), "state 'a' is defined twice"));
  CHECK(has(load(R"({"states": ["a", "b"], "initial": "z", "transitions": [{"from": "a", "to": "b"}]})"),
            "the initial state names unknown state 'z'"));
  CHECK(has(load(R"({"states": ["a", "b"], "transitions": [{"from": "a", "to": "a"}]})"), "goes from 'a' to itself"));
  CHECK(has(load(R"({"states": ["a", "b", "c"], "invariants": {"no_skip": ["a", "b", "c"]},
                     "transitions": [{"from": "a", "to": "b"}, {"name": "jump", "from": "a", "to": "c"}]})"),
            "transition #2 'jump' breaks the no_skip rule: 'a' (rank 0) to 'c' (rank 2) skips b"));
  CHECK(has(load(R"({"states": ["a", "b"], "invariants": {"forward_only": true},
                     "transitions": [{"from": "a", "to": "b"}, {"from": "b", "to": "a"}]})"),
            "moves back from 'b' to 'a' in a forward_only model"));
  CHECK(has(load(R"({"states": ["a", "b"], "invariants": {"forward_only": true},
                     "transitions": [{"from": "a", "to": "b"}, {"from": "b", "to": "@history"}]})"),
            "targets @history"));
  CHECK(has(load(R"({"states": ["a", "b"], "columns": ["orders"], "transitions": [{"from": "a", "to": "b"}]})"),
            "shadows a built-in"));
}

TEST_CASE("model: the unique policy rejects overlapping rules") {
  auto f = load(R"({"states": ["a", "b", "c"], "policy": "unique", "transitions": [
      {"name": "x", "from": "a", "to": "b", "guard": "recency_days > 90"},
      {"name": "y", "from": "a", "to": "c", "guard": "recency_days >= 90 and orders < 2"}]})");
  CHECK(has(f, "under the unique policy, transition #1 'x' and transition #2 'y' overlap: both leave 'a'"));
  // Disjoint guards, and overlapping guards from different states, are fine.
  CHECK(load(R"({"states": ["a", "b", "c"], "policy": "unique", "transitions": [
      {"from": "a", "to": "b", "guard": "recency_days > 90"},
      {"from": "a", "to": "c", "guard": "recency_days <= 90"},
      {"from": "b", "to": "c", "guard": "recency_days > 90"}]})").message.empty());
  // The default model's rules are disjoint, so it also loads under unique.
  auto spec = crmkit::default_lifecycle_spec();
  spec.policy = crmkit::rule_policy::unique;
  CHECK_NOTHROW((void)crmkit::lifecycle_model::from_spec(spec));
}
