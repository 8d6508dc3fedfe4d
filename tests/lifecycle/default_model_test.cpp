// Golden test of the default lifecycle model: 20 customers whose stages at four dates were
// computed by hand from the rules written in crmkit/lifecycle/default_model.hpp (the
// derivation of each row is in the comment next to it).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/lifecycle.hpp"
#include "lifecycle_test_util.hpp"

using lifecycle_test::day;
using lifecycle_test::make_log;

namespace {

std::vector<std::string> stage_names(const crmkit::lifecycle_machine& m) {
  std::vector<std::string> out;
  for (auto s : m.stages()) out.push_back(m.model().state_name(s));
  return out;
}

}  // namespace

TEST_CASE("default model: golden stages of 20 hand-computed customers at days 60, 180, 270, 365") {
  // D = decline after 90 days without purchase, C = churned after 180, formation at 2
  // orders, stability at 4 orders and 180 days of tenure, resettle after 90 days won back.
  const std::vector<std::vector<std::int64_t>> purchases = {
      {},                                  // 0  no purchase: prospect throughout
      {10},                                // 1  E (rec 50); D (170); C (260); C
      {10, 40},                            // 2  P->E->F (2 orders, rec 20); D (140); C (230); C
      {5, 30, 55, 100, 150, 200},          // 3  F (3 orders); F (tenure 175 < 180); S (6 orders, tenure 265); D (165)
      {1, 20, 50, 200},                    // 4  F; D (130); recover to F then F->S (4 orders, tenure 269); D
      {1, 20, 250},                        // 5  F; D (160); recover to F (3 orders); D (115)
      {-100, 200},                         // 6  P->E->D (rec 160); C (280); won back (rec 70); WB->D (165)
      {-200, 100, 250},                    // 7  P->E->D->C (260); WB (rec 80); resettle to F (90 days in WB); D (115)
      {-200, 100, 300},                    // 8  C; WB; D (rec 170); recover to @history = WB (rec 65)
      {-200, -150, -100, -50, 50},         // 9  P->E->F->S (5 orders, tenure 260); D (130); C (220); C
      {55, 200},                           // 10 E; D (125); recover to E then E->F (2 orders); D (165)
      {30, 90},                            // 11 E (1 order); F (rec 90 is still active); D (180 is not > 180); C (275)
      {10, 10},                            // 12 two orders the same day: F; D; C; C
      {-120, -60, 0, 59},                  // 13 tenure exactly 180: S; D (121); C (211); C
      {-119, -60, 0, 59},                  // 14 tenure 179: F; D; C; C
      {0, 30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 330, 360},  // 15 F; S (7 orders, tenure 180); S; S
      {300},                               // 16 P; P; P; E
      {300, 310, 320, 330},                // 17 P; P; P; P->E->F (tenure 65 < 180)
      {-300, -200, -100, 0, 50, 200},      // 18 S; D (130); recover to S (rec 70); D (165)
      {-400},                              // 19 P->E->D->C at once; C throughout
  };
  const std::vector<std::vector<std::string>> expected = {
      {"prospect", "prospect", "prospect", "prospect"},
      {"exploration", "decline", "churned", "churned"},
      {"formation", "decline", "churned", "churned"},
      {"formation", "formation", "stability", "decline"},
      {"formation", "decline", "stability", "decline"},
      {"formation", "decline", "formation", "decline"},
      {"decline", "churned", "won_back", "decline"},
      {"churned", "won_back", "formation", "decline"},
      {"churned", "won_back", "decline", "won_back"},
      {"stability", "decline", "churned", "churned"},
      {"exploration", "decline", "formation", "decline"},
      {"exploration", "formation", "decline", "churned"},
      {"formation", "decline", "churned", "churned"},
      {"stability", "decline", "churned", "churned"},
      {"formation", "decline", "churned", "churned"},
      {"formation", "stability", "stability", "stability"},
      {"prospect", "prospect", "prospect", "exploration"},
      {"prospect", "prospect", "prospect", "formation"},
      {"stability", "decline", "stability", "decline"},
      {"churned", "churned", "churned", "churned"},
  };
  const auto log = make_log(purchases);
  auto model = std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model());
  const std::vector<std::int64_t> dates = {60, 180, 270, 365};
  for (std::size_t threads : {1u, 2u}) {
    crmkit::lifecycle_machine machine(model, purchases.size(), day(0), {threads});
    for (std::size_t k = 0; k < dates.size(); ++k) {
      const auto metrics = crmkit::compute_metrics(log, day(dates[k]));
      crmkit::lifecycle_columns columns;
      columns.add_metrics(metrics);
      machine.evaluate(day(dates[k]), columns);
      const auto names = stage_names(machine);
      for (std::size_t c = 0; c < purchases.size(); ++c) {
        CAPTURE(c);
        CAPTURE(dates[k]);
        CHECK(names[c] == expected[c][k]);
      }
    }
    // Every logged hop of the default model climbs the chain by at most one rank.
    for (const auto& r : machine.log()) {
      const int rf = model->chain_rank(r.from), rt = model->chain_rank(r.to);
      if (rf >= 0 && rt >= 0) CHECK(rt <= rf + 1);
    }
    // Customer 4 at day 270: recover (history back to formation) then stabilise, both logged at day 270.
    std::vector<std::string> rules;
    for (const auto& r : machine.log())
      if (r.customer == 4 && r.at == day(270)) rules.push_back(model->transitions()[static_cast<std::size_t>(r.rule)].name);
    CHECK(rules == std::vector<std::string>{"recover", "stabilise"});
    // Customer 19's cascade at day 60 is three hops.
    std::size_t hops19 = 0;
    for (const auto& r : machine.log()) hops19 += r.customer == 19;
    CHECK(hops19 == 3);
    // Customer 8: stage history P, E, D, C, WB, D, WB with entry days.
    const auto h = crmkit::stage_history(machine, 8);
    REQUIRE(h.size() == 7);
    CHECK(model->state_name(h[4].state) == "won_back");
    CHECK(h[4].entered == day(180));
    CHECK(h[5].entered == day(270));
    CHECK(model->state_name(h[6].state) == "won_back");
    CHECK(h[6].exited == std::numeric_limits<std::int64_t>::max());
  }
}

TEST_CASE("default model scaled to the median purchase gap") {
  // s0 buys every 100 days: by its own rhythm rec 165 is not overdue (3 * 100 = 300).
  // s1 buys every 10 days then stops: rec 345 > max(180, 6 * 10) -> churned either way.
  // s2 has one purchase (no gap): the plain thresholds apply, rec 165 -> decline.
  const auto log = make_log({{0, 100, 200}, {0, 10, 20}, {200}});
  crmkit::default_model_options o;
  o.scale_to_gap = true;
  auto scaled = std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model(o));
  auto plain = std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model());
  const auto metrics = crmkit::compute_metrics(log, day(365));
  CHECK(metrics.median_gap_days[0] == 100.0);
  CHECK(metrics.median_gap_days[1] == 10.0);
  CHECK(std::isnan(metrics.median_gap_days[2]));
  crmkit::lifecycle_columns columns;
  columns.add_metrics(metrics);
  crmkit::lifecycle_machine a(scaled, 3, day(0)), b(plain, 3, day(0));
  a.evaluate(day(365), columns);
  b.evaluate(day(365), columns);
  CHECK(stage_names(a) == std::vector<std::string>{"formation", "churned", "decline"});
  CHECK(stage_names(b) == std::vector<std::string>{"decline", "churned", "decline"});
}

TEST_CASE("default model options are checked") {
  crmkit::default_model_options o;
  o.churn_days = 60;
  CHECK_THROWS_AS((void)crmkit::default_lifecycle_model(o), crmkit::error);
  o = {};
  o.decline_days = -1;
  CHECK_THROWS_AS((void)crmkit::default_lifecycle_model(o), crmkit::error);
}
