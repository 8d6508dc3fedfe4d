#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "crmkit/core/time.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/report/chart_data.hpp"

namespace {

// Three customers: A buys twice in January, B once in March, C once in February (as_of excludes
// a later order of C).
crmkit::dataset small() {
  crmkit::transaction_columns columns;
  columns.time = "date";
  return crmkit::parse_transactions_csv(
      "customer_id,date,amount\nA,2024-01-05,10\nA,2024-01-20,30\nB,2024-03-02,60\nC,2024-02-10,0\nC,2024-06-01,99\n",
      columns);
}

}  // namespace

TEST_CASE("revenue_by_month: calendar months, zero months kept, as_of respected, distinct buyers") {
  const crmkit::dataset data = small();
  const crmkit::chart_data c = crmkit::revenue_by_month(data.transactions(), crmkit::unix_seconds(2024, 3, 31));
  REQUIRE(c.rows() == 3);
  CHECK(c.find("month")->labels == std::vector<std::string>{"2024-01", "2024-02", "2024-03"});
  CHECK(c.find("revenue")->values == std::vector<double>{40, 0, 60});
  CHECK(c.find("orders")->values == std::vector<double>{2, 1, 1});
  CHECK(c.find("customers")->values == std::vector<double>{1, 1, 1});
}

TEST_CASE("build_report: every section's charts, CSV and JSON agree") {
  const crmkit::dataset data = small();
  crmkit::score_config config;
  config.kmeans_k = 2;
  config.btyd_model = crmkit::btyd_model_kind::none;
  const crmkit::report_data r = crmkit::build_report(data, crmkit::unix_seconds(2024, 4, 1), config);
  std::vector<std::string> names;
  for (const auto& c : r.charts) {
    names.push_back(c.name);
    for (const auto& col : c.columns) CHECK_MESSAGE(col.size() == c.rows(), c.name);
    const std::string csv = crmkit::to_csv(c);
    CHECK(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')) == c.rows() + 1);
    CHECK(crmkit::to_json(c).find("\"name\":\"" + c.name + "\"") != std::string::npos);
  }
  for (const char* expected : {"overview", "revenue_by_month", "lorenz_curve", "abc_classes", "rfm_heatmap",
                               "cluster_profiles", "churn_model_card", "lifecycle_stage_counts"})
    CHECK_MESSAGE(std::find(names.begin(), names.end(), expected) != names.end(), expected);
  const crmkit::chart_data lorenz = crmkit::lorenz_curve(r.table, 5);
  CHECK(lorenz.find("customer_share")->values == std::vector<double>{0, 0.25, 0.5, 0.75, 1});
  CHECK(lorenz.find("revenue_share")->values.back() == doctest::Approx(1.0));
  const crmkit::chart_data top = crmkit::top_customers(r.table, 2);
  CHECK(top.find("customer_id")->labels == std::vector<std::string>{"B", "A"});
}

TEST_CASE("to_csv / to_json: quoting and missing values") {
  crmkit::chart_data c;
  c.name = "t";
  c.columns.push_back({"label", true, {}, {"a,b", "say \"hi\""}});
  c.columns.push_back({"value", false, {1.5, std::nan("")}, {}});
  CHECK(crmkit::to_csv(c) == "label,value\n\"a,b\",1.5\n\"say \"\"hi\"\"\",\n");
  CHECK(crmkit::to_json(c).find("\"value\":[1.5,null]") != std::string::npos);
  CHECK(crmkit::to_json(c).find("\"label\":[\"a,b\",\"say \\\"hi\\\"\"]") != std::string::npos);
}
