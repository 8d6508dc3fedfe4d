// Saved model documents (lifecycle_model::to_text / from_text), the C++ builder and the
// per-customer lifecycle table.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>

#include "crmkit/error.hpp"
#include "crmkit/lifecycle/default_model.hpp"
#include "crmkit/lifecycle/machine.hpp"
#include "crmkit/lifecycle/model.hpp"
#include "crmkit/lifecycle/report.hpp"
#include "lifecycle_test_util.hpp"

namespace {

std::string error_of(const std::string& text) {
  try {
    (void)crmkit::lifecycle_model::from_text(text);
  } catch (const crmkit::error& e) {
    return e.what();
  }
  return "";
}

const char* kToml = R"(states = ["lead", "buyer", "lapsed"]
policy = "priority"
columns = ["score"]
cascade = true
max_hops = 3
[invariants]
no_skip = ["lead", "buyer"]
[[transitions]]
name = "buy"
from = "lead"
to = "buyer"
guard = "orders >= 1 and score > 0.5"
priority = 7
on = "any"
[[transitions]]
from = ["buyer"]
to = "lapsed"
guard = "recency_days > 90"
[[transitions]]
from = ["lapsed"]
to = "@history"
guard = "recency_days <= 90"
)";

}  // namespace

TEST_CASE("model text: to_text and from_text round-trip every setting") {
  for (const auto& model : {crmkit::default_lifecycle_model(), crmkit::lifecycle_model::from_text(kToml)}) {
    const std::string text = model.to_text();
    CHECK(text.find(R"("crmkit": {"document": "lifecycle_model", "format": 1, "library": ")" CRMKIT_VERSION_STRING)
          != std::string::npos);
    const auto back = crmkit::lifecycle_model::from_text(text);
    CHECK(back.to_text() == text);
    CHECK(back.states() == model.states());
    CHECK(back.columns() == model.columns());
    CHECK(back.policy() == model.policy());
    CHECK(back.cascade() == model.cascade());
    CHECK(back.max_hops() == model.max_hops());
    REQUIRE(back.transitions().size() == model.transitions().size());
    for (std::size_t t = 0; t < back.transitions().size(); ++t) {
      CHECK(back.transitions()[t].name == model.transitions()[t].name);
      CHECK(back.transitions()[t].from_mask == model.transitions()[t].from_mask);
      CHECK(back.transitions()[t].to == model.transitions()[t].to);
      CHECK(back.transitions()[t].priority == model.transitions()[t].priority);
      CHECK(back.transitions()[t].on == model.transitions()[t].on);
      CHECK(back.transitions()[t].condition.text() == model.transitions()[t].condition.text());
    }
    for (std::size_t s = 0; s < back.n_states(); ++s)
      CHECK(back.chain_rank(static_cast<int>(s)) == model.chain_rank(static_cast<int>(s)));
  }
  const auto toml = crmkit::lifecycle_model::from_text(kToml);
  CHECK(toml.policy() == crmkit::rule_policy::priority);
  CHECK(toml.transitions()[0].priority == 7);
  CHECK(toml.transitions()[2].to == -1);  // @history survives
  // A name with quotes, a backslash and a control character survives the JSON escapes.
  crmkit::lifecycle_model_builder b;
  b.add_state("a \"x\"\\").add_state("b\tc");
  b.add_transition({"go\n", {"a \"x\"\\"}, "b\tc", "orders >= 1"});
  const auto odd = b.build();
  CHECK(crmkit::lifecycle_model::from_text(odd.to_text()).states() == odd.states());
  CHECK(crmkit::lifecycle_model::from_text(odd.to_text()).transitions()[0].name == "go\n");
}

TEST_CASE("model text: the header is checked and errors name the line and key") {
  CHECK(error_of(R"({"crmkit": {"document": "kmeans", "format": 1}, "states": ["a"]})")
            .find("JSON line 1 column 25: the document is a 'kmeans', not a 'lifecycle_model'") != std::string::npos);
  CHECK(error_of("{\"crmkit\": {\"document\": \"lifecycle_model\",\n \"format\": 2}, \"states\": [\"a\"]}")
            .find("JSON line 2 column 12: format 2 is not supported") != std::string::npos);
  CHECK(error_of(R"({"crmkit": {"document": "lifecycle_model"}, "states": ["a"]})").find("needs 'document' and 'format'") !=
        std::string::npos);
  CHECK(error_of(R"({"crmkit": {"document": "lifecycle_model", "format": 1, "x": 0}, "states": ["a"]})")
            .find("unknown key 'x' in the crmkit header") != std::string::npos);
  // TOML documents take the header as a [crmkit] table.
  CHECK(crmkit::lifecycle_model::from_text("states = [\"a\"]\n[crmkit]\ndocument = \"lifecycle_model\"\nformat = 1\n")
            .n_states() == 1);
  CHECK(error_of("states = [\"a\"]\n[crmkit]\ndocument = \"x\"\nformat = 1\n").find("TOML line 3") != std::string::npos);
  // Integers a document cannot carry are refused when the model is built.
  crmkit::lifecycle_model_builder b;
  b.add_state("a").add_state("b").add_transition({"", {"a"}, "b", "true", 2'000'000'000});
  CHECK_THROWS_WITH_AS((void)b.build(), doctest::Contains("priority 2000000000; it must be within"), crmkit::error);
}

TEST_CASE("model builder: chain ranks or a chain list, call-time argument checks") {
  crmkit::lifecycle_model_builder ranks;
  ranks.add_state("lead", 0).add_state("buyer", 1).add_state("vip");
  ranks.add_transition({"", {"lead"}, "buyer", "orders >= 1"}).add_transition({"", {"buyer"}, "vip", "orders >= 5"});
  crmkit::lifecycle_model_builder chain;
  chain.add_state("lead").add_state("buyer").add_state("vip").set_no_skip({"lead", "buyer"});
  chain.add_transition({"", {"lead"}, "buyer", "orders >= 1"}).add_transition({"", {"buyer"}, "vip", "orders >= 5"});
  CHECK(ranks.build().to_text() == chain.build().to_text());
  CHECK(ranks.spec().no_skip_chain == std::vector<std::string>{"lead", "buyer"});
  chain.add_state("x", 0);
  CHECK_THROWS_WITH_AS((void)chain.build(), doctest::Contains("no_skip chain is given twice"), crmkit::error);
  ranks.add_state("gap", 3);
  CHECK_THROWS_WITH_AS((void)ranks.build(), doctest::Contains("ranks must be 0, 1, ..., 2"), crmkit::error);
  crmkit::lifecycle_model_builder b;
  CHECK_THROWS_AS(b.add_state("a", -2), crmkit::error);
  CHECK_THROWS_AS(b.add_transition({"t", {}, "a"}), crmkit::error);
  CHECK_THROWS_AS(b.add_transition({"t", {"a"}, "a", "true", 0, static_cast<crmkit::transition_trigger>(7)}),
                  crmkit::error);
  CHECK_THROWS_AS(b.set_policy(static_cast<crmkit::rule_policy>(3)), crmkit::error);
  CHECK_THROWS_AS(b.set_max_hops(1'000'001), crmkit::error);
  CHECK_THROWS_WITH_AS((void)b.build(), doctest::Contains("no states"), crmkit::error);
}

TEST_CASE("lifecycle_table: stage, previous stage, entry time and days in stage per customer") {
  using lifecycle_test::day;
  auto model = std::make_shared<const crmkit::lifecycle_model>(crmkit::lifecycle_model::from_json(
      R"({"states": ["a", "b"], "transitions": [{"from": "a", "to": "b", "guard": "orders >= 1"}]})"));
  crmkit::lifecycle_machine m(model, 3, day(0));
  std::vector<double> orders{1, 0, 2};
  crmkit::lifecycle_columns columns;
  columns.set("orders", orders);
  m.evaluate(day(10), columns);
  auto ids = std::make_shared<crmkit::string_dictionary>();
  ids->insert("x");
  ids->insert("y");
  ids->insert("z");
  const auto t = crmkit::lifecycle_table(m, day(16), ids);
  REQUIRE(t.size() == 3);
  CHECK(t.id(2) == "z");
  CHECK(t.column_names() == std::vector<std::string>{"stage", "previous_stage", "entered_at", "stage_days"});
  const auto& stage = t.category("stage");
  CHECK(stage.codes[0] == 1);
  CHECK(stage.codes[1] == 0);
  CHECK(stage.levels->at(1) == "b");
  CHECK(t.category("previous_stage").codes[0] == 0);
  CHECK(t.category("previous_stage").codes[1] == -1);
  CHECK(t.int64("entered_at")[0] == day(10));
  CHECK(t.int64("entered_at")[1] == day(0));
  CHECK(t.float64("stage_days")[0] == 6.0);
  CHECK(t.float64("stage_days")[1] == 16.0);
  // Default as_of: the last event; default ids: "0", "1", ...
  const auto d = crmkit::lifecycle_table(m);
  CHECK(d.id(1) == "1");
  CHECK(d.float64("stage_days")[0] == 0.0);
  // Unknown start: missing entry time and NaN days.
  crmkit::lifecycle_machine unknown(model, 1);
  const auto u = crmkit::lifecycle_table(unknown, day(5));
  CHECK(u.int64("entered_at")[0] == crmkit::missing_int64);
  CHECK(std::isnan(u.float64("stage_days")[0]));
  CHECK_THROWS_WITH_AS((void)crmkit::lifecycle_table(m, day(9)), doctest::Contains("before the machine's last event"),
                       crmkit::error);
  auto two = std::make_shared<crmkit::string_dictionary>();
  two->insert("p");
  CHECK_THROWS_WITH_AS((void)crmkit::lifecycle_table(m, day(10), two), doctest::Contains("1 customer ids for a machine of 3"),
                       crmkit::error);
}
