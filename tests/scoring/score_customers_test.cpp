#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "crmkit/churn/bg_nbd.hpp"
#include "crmkit/churn/btyd_summary.hpp"
#include "crmkit/churn/clv_intervals.hpp"
#include "crmkit/churn/intervals.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/geo/sphere.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/scoring/score_customers.hpp"
#include "crmkit/segmentation/rfm.hpp"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

crmkit::dataset load(const std::string& text) {
  crmkit::transaction_columns columns;
  columns.time = "date";
  return crmkit::parse_transactions_csv(text, columns);
}

std::string cdnow_text() { return read_file(std::string(CRMKIT_SOURCE_DIR) + "/examples/data/cdnow_sample.csv"); }

// The same rows in another order (header kept first).
std::string shuffled(const std::string& text, unsigned seed) {
  std::istringstream in(text);
  std::string header, line;
  std::getline(in, header);
  std::vector<std::string> lines;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(line);
  std::mt19937 rng(seed);
  std::shuffle(lines.begin(), lines.end(), rng);
  std::string out = header + "\n";
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// Cell (row, column) as text, for comparing two tables keyed by id.
std::string cell(const crmkit::customer_table& t, const crmkit::table_column& c, std::int32_t row) {
  const auto i = static_cast<std::size_t>(row);
  switch (c.type) {
    case crmkit::column_type::float64: {
      const double v = c.float64[i];
      return std::isnan(v) ? "NaN" : std::to_string(v);
    }
    case crmkit::column_type::category:
      return c.category.codes[i] < 0 ? "<NA>" : std::string(c.category.levels->at(c.category.codes[i]));
    default: return std::to_string(c.int64[i]);
  }
  (void)t;
}

const std::int64_t cdnow_end = crmkit::unix_seconds(1998, 6, 30);

}  // namespace

TEST_CASE("score_customers: every column, keyed by customer, for the CDNOW sample") {
  const crmkit::dataset data = load(cdnow_text());
  crmkit::score_report report;
  const crmkit::customer_table t = crmkit::score_customers(data, cdnow_end, {}, &report);
  CHECK(t.size() == 2357);
  CHECK(report.n_active == 2357);
  for (const char* name : {"orders", "recency_days", "tenure_days", "monetary", "avg_order_value", "first_purchase",
                           "last_purchase", "r_score", "f_score", "m_score", "segment", "cluster", "revenue_rank",
                           "abc", "p_alive", "expected_purchases", "p_no_purchase", "expected_spend", "clv",
                           "lifecycle_stage", "stage_since"})
    CHECK_MESSAGE(t.find_column(name) != nullptr, name);
  CHECK(report.btyd_model == "bg_nbd");
  CHECK(report.kmeans_k == 4);

  // Customer 00004 (Fader-Hardie id 4): 4 orders in 1997, total 29.33 + 29.73 + 14.96 + 26.48.
  const std::int32_t row = t.find("00004");
  REQUIRE(row >= 0);
  const auto r = static_cast<std::size_t>(row);
  CHECK(t.int64("orders")[r] == 4);
  CHECK(t.float64("monetary")[r] == doctest::Approx(29.33 + 29.73 + 14.96 + 26.48));
  CHECK(t.int64("first_purchase")[r] == crmkit::unix_seconds(1997, 1, 1));

  // p_alive equals the BG/NBD model fitted directly on the same summary.
  crmkit::btyd_summary_options bo;
  bo.calibration_end = cdnow_end;
  const crmkit::btyd_summary s = crmkit::summarize_btyd(data.transactions(), bo);
  crmkit::bg_nbd model;
  (void)model.fit(s);
  for (std::size_t i = 0; i < s.size(); i += 97) {
    const double direct = model.p_alive(s.frequency[i], s.recency[i], s.T[i]);
    CHECK(t.float64("p_alive")[static_cast<std::size_t>(s.customer[i])] == doctest::Approx(direct).epsilon(1e-9));
  }
  // Every A customer out-ranks every C customer.
  const auto& abc = t.category("abc");
  std::int64_t worst_a = 0, best_c = 1 << 30;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (abc.codes[i] == 0) worst_a = std::max(worst_a, t.int64("revenue_rank")[i]);
    if (abc.codes[i] == 2) best_c = std::min(best_c, t.int64("revenue_rank")[i]);
  }
  CHECK(worst_a < best_c);
  // Probabilities are probabilities.
  for (double p : t.float64("p_alive")) CHECK((p >= 0.0 && p <= 1.0));
}

TEST_CASE("score_customers: the same rows in any order give the same table, keyed by id") {
  const std::string text = cdnow_text();
  const crmkit::dataset a = load(text);
  const crmkit::dataset b = load(shuffled(text, 7));
  REQUIRE(a.customers().id(0) != b.customers().id(0));  // the shuffle changed the customer order
  crmkit::score_config config;
  config.n_threads = 2;
  const crmkit::customer_table ta = crmkit::score_customers(a, cdnow_end, {});
  const crmkit::customer_table tb = crmkit::score_customers(b, cdnow_end, config);
  REQUIRE(ta.column_names() == tb.column_names());
  std::size_t differences = 0;
  for (std::size_t ci = 0; ci < ta.columns().size(); ++ci) {
    const auto& ca = ta.columns()[ci];
    const auto& cb = tb.columns()[ci];
    for (std::size_t i = 0; i < ta.size(); ++i) {
      const std::int32_t j = tb.find(ta.id(static_cast<std::int32_t>(i)));
      if (cell(ta, ca, static_cast<std::int32_t>(i)) != cell(tb, cb, j)) {
        if (++differences < 5) MESSAGE(ca.name << " differs for " << ta.id(static_cast<std::int32_t>(i)));
      }
    }
  }
  CHECK(differences == 0);
}

TEST_CASE("score_customers: as_of cuts the log; customers without orders have missing scores") {
  const crmkit::dataset data = load(cdnow_text());
  const std::int64_t as_of = crmkit::unix_seconds(1997, 2, 1);
  crmkit::score_report report;
  const crmkit::customer_table t = crmkit::score_customers(data, as_of, {}, &report);
  CHECK(report.n_active < t.size());
  std::size_t missing = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t.int64("orders")[i] == crmkit::missing_int64) {
      ++missing;
      CHECK(std::isnan(t.float64("p_alive")[i]));
      CHECK(t.category("abc").codes[i] == -1);
      CHECK(t.int64("first_purchase")[i] == crmkit::missing_int64);
    } else {
      CHECK(t.int64("last_purchase")[i] <= as_of);
    }
  }
  CHECK(missing == t.size() - report.n_active);
  CHECK_THROWS_AS((void)crmkit::score_customers(data, crmkit::unix_seconds(1996, 1, 1)), crmkit::error);
}

TEST_CASE("score_customers: rfm bins other than 5 score, and say why segments are missing") {
  const crmkit::dataset data = load(cdnow_text());
  crmkit::score_config config;
  config.rfm_bins = 4;
  config.btyd_model = crmkit::btyd_model_kind::none;
  crmkit::score_report report;
  const crmkit::customer_table t = crmkit::score_customers(data, cdnow_end, config, &report);
  const auto r = t.int64("r_score");
  CHECK(*std::max_element(r.begin(), r.end()) == 4);
  CHECK(t.category("segment").codes[0] == -1);
  REQUIRE_FALSE(report.notes.empty());
  CHECK(report.notes[0].find("bins = 4") != std::string::npos);
  CHECK(t.find_column("p_alive") == nullptr);
}

TEST_CASE("score_customers: territories and the nearest rep from the config") {
  const std::string text = "customer_id,timestamp,amount\nA,2024-01-01,10\nB,2024-01-02,20\nC,2024-01-03,30\nA,2024-02-01,5\n";
  crmkit::dataset data = crmkit::parse_transactions_csv(text);
  data.customers().set_locations(crmkit::column<double>::owned({0.5, 5.5, 20.0}), crmkit::column<double>::owned({0.5, 5.5, 20.0}));
  crmkit::score_config config;
  config.btyd_model = crmkit::btyd_model_kind::none;
  config.territories = {{"west", "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))"}, {"east", "POLYGON ((5 5, 6 5, 6 6, 5 6, 5 5))"}};
  config.reps = {{"R-1", 0.0, 0.0}, {"R-2", 21.0, 21.0}};
  const crmkit::customer_table t = crmkit::score_customers(data, crmkit::unix_seconds(2024, 3, 1), config);
  const auto& territory = t.category("territory");
  CHECK(territory.levels->at(territory.codes[static_cast<std::size_t>(t.find("A"))]) == "west");
  CHECK(territory.levels->at(territory.codes[static_cast<std::size_t>(t.find("B"))]) == "east");
  CHECK(territory.codes[static_cast<std::size_t>(t.find("C"))] == -1);
  const auto& rep = t.category("nearest_rep");
  CHECK(rep.levels->at(rep.codes[static_cast<std::size_t>(t.find("A"))]) == "R-1");
  CHECK(rep.levels->at(rep.codes[static_cast<std::size_t>(t.find("C"))]) == "R-2");
  CHECK(t.float64("rep_distance_m")[static_cast<std::size_t>(t.find("A"))] ==
        doctest::Approx(crmkit::haversine_m(0.5, 0.5, 0.0, 0.0)).epsilon(1e-9));

  config.territories = {{"broken", "POLYGON ((0 0, 1 0"}};
  try {
    (void)crmkit::score_customers(data, crmkit::unix_seconds(2024, 3, 1), config);
    FAIL("expected an error");
  } catch (const crmkit::error& e) {
    CHECK(std::string(e.what()).find("territory 'broken'") != std::string::npos);
  }
}

TEST_CASE("score_customers: intervals.level adds interval columns equal to the interval functions called directly") {
  const crmkit::dataset data = load(cdnow_text());
  const crmkit::customer_table plain = crmkit::score_customers(data, cdnow_end, {});
  for (const char* name : {"p_alive_lower", "p_alive_upper", "expected_purchases_lower", "expected_purchases_upper",
                           "clv_lower", "clv_upper"})
    CHECK_MESSAGE(plain.find_column(name) == nullptr, name);  // level 0 (default): none of them
  crmkit::score_config config;
  config.interval_level = 0.8;
  crmkit::score_report report;
  const crmkit::customer_table t = crmkit::score_customers(data, cdnow_end, config, &report);
  CHECK(t.column_names().size() == plain.column_names().size() + 6);
  for (const auto& note : report.notes) MESSAGE(note);

  // The same model fitted directly on the same summary, intervals called directly.
  crmkit::btyd_summary_options bo;
  bo.calibration_end = cdnow_end;
  const crmkit::btyd_summary s = crmkit::summarize_btyd(data.transactions(), bo);
  auto model = crmkit::make_btyd_model("bg_nbd");
  (void)model->fit(s);
  crmkit::interval_options io;
  io.level = 0.8;
  const auto alive = crmkit::delta_method_intervals(*model, crmkit::btyd_prediction::p_alive, 0, s.frequency,
                                                    s.recency, s.T, io);
  const double horizon = config.btyd_horizon_days / config.btyd_period_days;
  const auto expected = crmkit::delta_method_intervals(*model, crmkit::btyd_prediction::expected_purchases, horizon,
                                                       s.frequency, s.recency, s.T, io);
  crmkit::gamma_gamma gg;
  crmkit::fit_options so;
  so.zero_spend = crmkit::zero_spend_policy::drop;
  (void)gg.fit(s.frequency, s.monetary_value, {}, so);
  crmkit::clv_options co;  // as score_customers: 12 monthly steps over 365.25 days, annual 10%
  co.horizon = 12;
  co.period_days = 365.25 / 12;
  co.model_period_days = 7;
  co.discount_rate = std::pow(1.1, 1.0 / 12) - 1;
  const auto clv = crmkit::clv_intervals(*model, gg, s.frequency, s.recency, s.T, s.monetary_value, co, io);
  std::size_t compared = 0;
  for (std::size_t i = 0; i < s.size(); i += 23) {
    const auto row = static_cast<std::size_t>(s.customer[i]);
    CHECK(t.float64("p_alive_lower")[row] == doctest::Approx(alive.lower[i]).epsilon(1e-7));
    CHECK(t.float64("p_alive_upper")[row] == doctest::Approx(alive.upper[i]).epsilon(1e-7));
    CHECK(t.float64("expected_purchases_lower")[row] == doctest::Approx(expected.lower[i]).epsilon(1e-7));
    CHECK(t.float64("expected_purchases_upper")[row] == doctest::Approx(expected.upper[i]).epsilon(1e-7));
    CHECK(t.float64("clv_lower")[row] == doctest::Approx(clv.lower[i]).epsilon(1e-7));
    CHECK(t.float64("clv_upper")[row] == doctest::Approx(clv.upper[i]).epsilon(1e-7));
    CHECK(t.float64("p_alive_lower")[row] <= t.float64("p_alive")[row]);
    CHECK(t.float64("clv")[row] <= t.float64("clv_upper")[row]);
    ++compared;
  }
  CHECK(compared > 100);
  // The other columns are those of the table without intervals.
  for (std::size_t i = 0; i < t.size(); i += 101) CHECK(t.float64("clv")[i] == plain.float64("clv")[i]);

  // Row order and threads do not matter.
  crmkit::score_config config2 = config;
  config2.n_threads = 3;
  const crmkit::customer_table tb = crmkit::score_customers(load(shuffled(cdnow_text(), 5)), cdnow_end, config2);
  for (const char* name : {"p_alive_lower", "expected_purchases_upper", "clv_lower", "clv_upper"})
    for (std::size_t i = 0; i < t.size(); i += 13) {
      const std::int32_t j = tb.find(t.id(static_cast<std::int32_t>(i)));
      REQUIRE(j >= 0);
      CHECK(tb.float64(name)[static_cast<std::size_t>(j)] == doctest::Approx(t.float64(name)[i]).epsilon(1e-9));
    }

  // Bad levels are errors naming the key.
  config.interval_level = 1.0;
  CHECK_THROWS_WITH_AS((void)crmkit::score_customers(data, cdnow_end, config), doctest::Contains("intervals.level"),
                       crmkit::error);
  CHECK_THROWS_WITH_AS((void)crmkit::parse_score_config("[intervals]\nlevel = -0.5\n"),
                       doctest::Contains("intervals.level"), crmkit::error);
  CHECK_THROWS_WITH_AS((void)crmkit::parse_score_config("[intervals]\nlevels = 0.9\n"), doctest::Contains("levels"),
                       crmkit::error);
  CHECK(crmkit::parse_score_config("[intervals]\nlevel = 0.95\n").interval_level == 0.95);
}
