// Model documents in TOML (and JSON): the default model written in both formats compiles
// to the same model as crmkit::default_lifecycle_model() and evaluates identically; TOML
// errors name their line and column.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/lifecycle.hpp"
#include "lifecycle_test_util.hpp"

namespace {

std::string read_fixture(const char* name) {
  std::ifstream in(std::string(CRMKIT_SOURCE_DIR) + "/tests/data/lifecycle/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void check_same_model(const crmkit::lifecycle_model& a, const crmkit::lifecycle_model& b) {
  REQUIRE(a.states() == b.states());
  CHECK(a.initial() == b.initial());
  CHECK(a.policy() == b.policy());
  CHECK(a.cascade() == b.cascade());
  CHECK(a.max_hops() == b.max_hops());
  CHECK(a.forward_only() == b.forward_only());
  CHECK(a.columns() == b.columns());
  for (std::size_t s = 0; s < a.n_states(); ++s) CHECK(a.chain_rank(static_cast<int>(s)) == b.chain_rank(static_cast<int>(s)));
  REQUIRE(a.transitions().size() == b.transitions().size());
  for (std::size_t k = 0; k < a.transitions().size(); ++k) {
    const auto& x = a.transitions()[k];
    const auto& y = b.transitions()[k];
    CHECK(x.name == y.name);
    CHECK(x.from_mask == y.from_mask);
    CHECK(x.to == y.to);
    CHECK(x.condition.text() == y.condition.text());
    CHECK(x.priority == y.priority);
    CHECK(x.on == y.on);
  }
}

// Runs three evaluations of random metric columns (NaN included) and returns the log.
std::vector<crmkit::transition_record> run(const crmkit::lifecycle_model& model) {
  constexpr std::size_t n = 3000;
  auto shared = std::make_shared<const crmkit::lifecycle_model>(model);
  crmkit::lifecycle_machine machine(shared, n, 0);
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::vector<double>> cols(6, std::vector<double>(n));
  std::vector<crmkit::transition_record> out;
  for (int round = 1; round <= 3; ++round) {
    for (std::size_t i = 0; i < n; ++i) {
      const bool bought = u(rng) < 0.9;
      cols[0][i] = bought ? std::floor(u(rng) * 300) : std::numeric_limits<double>::quiet_NaN();  // recency
      cols[1][i] = bought ? 1 + std::floor(u(rng) * 8) : 0;                                        // orders
      cols[2][i] = bought ? cols[0][i] + std::floor(u(rng) * 400) : std::numeric_limits<double>::quiet_NaN();
      cols[3][i] = cols[1][i] * 10;
      cols[4][i] = bought ? 10 : std::numeric_limits<double>::quiet_NaN();
      cols[5][i] = bought && u(rng) < 0.5 ? 1 + std::floor(u(rng) * 60) : std::numeric_limits<double>::quiet_NaN();
    }
    crmkit::lifecycle_columns c;
    const char* names[] = {"recency_days", "orders", "tenure_days", "monetary", "avg_order_value", "median_gap_days"};
    for (std::size_t j = 0; j < 6; ++j) c.set(names[j], cols[j]);
    machine.evaluate(static_cast<std::int64_t>(round) * 100 * crmkit::seconds_per_day, c);
  }
  return {machine.log().begin(), machine.log().end()};
}

std::string toml_error(const std::string& text) {
  try {
    (void)crmkit::lifecycle_model::from_toml(text);
  } catch (const crmkit::error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string json_error_text(const std::string& text) {
  try {
    (void)crmkit::lifecycle_model::from_json(text);
  } catch (const crmkit::error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("documents: the default model in TOML and JSON equals default_lifecycle_model()") {
  const auto reference = crmkit::default_lifecycle_model();
  const auto from_toml = crmkit::lifecycle_model::from_toml(read_fixture("default_model.toml"));
  const auto from_json = crmkit::lifecycle_model::from_json(read_fixture("default_model.json"));
  check_same_model(from_toml, reference);
  check_same_model(from_json, reference);
  const auto log = run(reference);
  CHECK(log.size() > 3000);  // the random columns move most customers
  CHECK(lifecycle_test::same_log(run(from_toml), log));
  CHECK(lifecycle_test::same_log(run(from_json), log));
}

TEST_CASE("documents: TOML forms (string sources, state tables, invariants) and errors with line and column") {
  const auto m = crmkit::lifecycle_model::from_toml(R"(
states = ["lead", {name = "buyer"}, "lapsed"]
columns = ["score"]
policy = "priority"
cascade = true
max_hops = 2
[invariants]
no_skip = ["lead", "buyer"]
forward_only = false
[[transitions]]
from = "lead"
to = "buyer"
guard = "orders >= 1"
priority = 3
on = "any"
[[transitions]]
from = "*"
to = "lapsed"
guard = "score > 0.5"
)");
  CHECK(m.n_states() == 3);
  CHECK(m.state_name(1) == "buyer");
  CHECK(m.policy() == crmkit::rule_policy::priority);
  CHECK(m.max_hops() == 2);
  CHECK(m.transitions()[0].on == crmkit::transition_trigger::any);
  CHECK(m.transitions()[0].priority == 3);
  CHECK(m.transitions()[1].from_mask == 0b011);
  CHECK(m.chain_rank(1) == 1);

  // Malformed TOML: toml++'s message with the line and column.
  CHECK(toml_error("states = [\"a\"\ncascade = tru\n").find("TOML line 2 column") != std::string::npos);
  // A value of the wrong type: its own line and column.
  CHECK(toml_error("states = [\"a\"]\ncascade = 1\n") ==
        "lifecycle model: TOML line 2 column 11: 'cascade' must be true or false, not a number");
  CHECK(toml_error("states = [\"a\"]\ncolour = \"red\"\n").find("TOML line 2 column 10: unknown key 'colour'") !=
        std::string::npos);
  CHECK(toml_error("states = [\"a\"]\nmax_hops = 2024-01-01\n").find("TOML line 2 column 12: dates and times") !=
        std::string::npos);
  CHECK(toml_error("cascade = true\n").find("TOML document has no 'states'") != std::string::npos);
  // Model errors are the same as for JSON.
  CHECK(toml_error("states = [\"a\", \"b\"]\n[[transitions]]\nfrom = \"a\"\nto = \"b\"\nguard = \"orders >\"\n")
            .find("at position 9: unexpected end of guard") != std::string::npos);
  CHECK(toml_error("states = [\"a\", \"b\"]\n").find("state 'b' is unreachable") != std::string::npos);
}

// Issue 12: inputs that reached toml++ 3.3.0's internal checks (an assert() that aborts the
// host in debug builds, __builtin_unreachable in release builds) are clear parse errors.
TEST_CASE("documents: TOML inputs that tripped toml++'s internal checks are parse errors") {
  auto code_of = [](const std::string& text) {
    try {
      (void)crmkit::lifecycle_model::from_toml(text);
    } catch (const crmkit::error& e) {
      return e.code();
    }
    return crmkit::errc::ok;
  };
  // upstream 295: a value followed by U+00A1 (C2 A1) fell off is_non_ascii_horizontal_whitespace().
  CHECK(code_of("a=1\xC2\xA1") == crmkit::errc::parse_error);
  CHECK(toml_error("a=1\xC2\xA1").find("TOML line 1 column 4") != std::string::npos);
  CHECK(code_of("states = [\"a\"]\xD0\x96\n") == crmkit::errc::parse_error);  // U+0416
  CHECK(code_of("s = \"\"\"\\\n\xC2\xA7\"\"\"\n") == crmkit::errc::parse_error);  // upstream 190: read, then rejected by the schema
  CHECK(toml_error("s = \"\"\"\\\n\xC2\xA7\"\"\"\n").find("unknown key 's'") != std::string::npos);
  // upstream 294: `[%` failed an assertion in parse_key.
  CHECK(code_of("[%") == crmkit::errc::parse_error);
  CHECK(!toml_error("[%").empty());
  CHECK(code_of("a=1\n[%]\n") == crmkit::errc::parse_error);
  // Non-ASCII text in strings still reads.
  CHECK(toml_error("states = [\"r\xC3\xA9" "activ\xC3\xA9\"]\n") == "(no error)");
}

TEST_CASE("documents: deep nesting is a parse error, not a stack overflow") {
  const std::string deep_json = "{\"states\": " + std::string(100000, '[');
  CHECK(json_error_text(deep_json).find("nested deeper than 64") != std::string::npos);
  std::string deep_toml = "x = " + std::string(300, '[') + std::string(300, ']') + "\n";
  CHECK(toml_error(deep_toml).find("TOML") != std::string::npos);
  std::string dotted = "a";
  for (int i = 0; i < 100; ++i) dotted += ".a";
  CHECK(toml_error(dotted + " = 1\n").find("nested deeper than 64") != std::string::npos);
  for (int i = 0; i < 200000; ++i) dotted += ".a";  // toml++ alone recursed once per part
  CHECK(toml_error(dotted + " = 1\n").find("TOML line 1 column 128: keys (a dotted key or table name) nested deeper") !=
        std::string::npos);
  CHECK(toml_error("[" + dotted + "]\n").find("keys (a dotted key") != std::string::npos);
  CHECK(toml_error("[[" + dotted + "]]\n").find("keys (a dotted key") != std::string::npos);
  CHECK(toml_error("x = " + std::string(100000, '{')).find("arrays and inline tables nested deeper than 64") !=
        std::string::npos);
  // Strings and comments are skipped: dots and brackets in them are text.
  CHECK(toml_error("# " + dotted + "\nstates = [\"" + dotted + "\", '[[[[', \"\"\"\n" + std::string(70, '{') +
                   "\"\"\"]\n")
            .find("state") != std::string::npos);
  CHECK(toml_error("[[transitions]]\nfrom = 'a'\n[x]\ny = [[1.5, 2.5], [3.5]]\n").find("nested deeper") ==
        std::string::npos);
  // A guard with 30,000 nested parentheses inside a valid model document.
  const std::string guard = std::string(30000, '(') + "score > 1" + std::string(30000, ')');
  const std::string model = R"({"states": ["a", "b"], "columns": ["score"], "transitions": [{"from": "a", "to": "b", "guard": ")" +
                            guard + "\"}]}";
  const std::string message = json_error_text(model);
  CHECK(message.find("nested deeper than 256") != std::string::npos);
}
