#include <doctest/doctest.h>

#include <string>

#include "crmkit/error.hpp"
#include "crmkit/scoring/score_config.hpp"

namespace {
std::string message_of(const char* text) {
  try {
    (void)crmkit::parse_score_config(text);
  } catch (const crmkit::error& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("score config: spans carry units") {
  CHECK(crmkit::parse_span_days("90 days", "h") == 90.0);
  CHECK(crmkit::parse_span_days("13 weeks", "h") == 91.0);
  CHECK(crmkit::parse_span_days("12 months", "h") == doctest::Approx(365.25));
  CHECK(crmkit::parse_span_days("1 year", "h") == 365.25);
  CHECK_THROWS_AS((void)crmkit::parse_span_days("90", "h"), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::parse_span_days("90 fortnights", "h"), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::parse_span_days("-3 days", "h"), crmkit::error);
}

TEST_CASE("score config: TOML and JSON read the same fields") {
  const crmkit::score_config t = crmkit::parse_score_config(R"toml(
n_threads = 2
[rfm]
bins = 4
[kmeans]
k = "auto"
k_min = 3
k_max = 6
[btyd]
model = "pareto_nbd"
period = "1 day"
horizon = "30 days"
[clv]
horizon = "6 months"
annual_discount_rate = 0.05
[geo]
territories = [ { name = "N", shape = "POLYGON ((0 0, 1 0, 1 1, 0 0))" } ]
reps = [ { id = "R-1", lon = 1.5, lat = 2.5 } ]
)toml");
  CHECK(t.n_threads == 2);
  CHECK(t.rfm_bins == 4);
  CHECK(t.kmeans_k == 0);
  CHECK(t.kmeans_k_min == 3);
  CHECK(t.btyd_model == crmkit::btyd_model_kind::pareto_nbd);
  CHECK(t.btyd_period_days == 1.0);
  CHECK(t.btyd_horizon_days == 30.0);
  CHECK(t.clv_horizon_days == doctest::Approx(182.625));
  REQUIRE(t.reps.size() == 1);
  CHECK(t.reps[0].lat == 2.5);
  const crmkit::score_config j = crmkit::parse_score_config(
      R"({"rfm": {"bins": 4}, "btyd": {"model": "pareto_nbd", "horizon": "30 days"}})");
  CHECK(j.rfm_bins == 4);
  CHECK(j.btyd_horizon_days == 30.0);
}

TEST_CASE("score config: bad documents say what, where and why") {
  CHECK(message_of("[btyd]\nhorizon = 90\n").find("no unit") != std::string::npos);
  CHECK(message_of("[btyd]\nhorizon = 90\n").find("line 2") != std::string::npos);
  CHECK(message_of("[btyd]\nmodel = \"weibull\"\n").find("'weibull'") != std::string::npos);
  CHECK(message_of("[rfm]\nbinz = 3\n").find("unknown key 'binz'") != std::string::npos);
  CHECK(message_of("[metrics]\nx = 1\n").find("unknown key 'metrics'") != std::string::npos);
  CHECK(message_of("[rfm]\nbins = 1\n").find("rfm.bins") != std::string::npos);
  CHECK(message_of("{\"rfm\": ").find("JSON line 1") != std::string::npos);
  CHECK(message_of("[rfm\n").find("TOML line") != std::string::npos);
}
