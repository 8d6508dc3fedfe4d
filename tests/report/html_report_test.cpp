#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/report/html_report.hpp"

namespace {

crmkit::dataset small(crmkit::ingest_report* ingest = nullptr) {
  crmkit::transaction_columns columns;
  columns.time = "date";
  crmkit::csv_options options;
  options.on_bad_row = crmkit::bad_row_policy::skip;
  return crmkit::parse_transactions_csv(
      "customer_id,date,amount\nA,2024-01-05,10\nA,2024-01-20,30\nB,2024-03-02,60\nC,2024-02-10,0\n"
      "D,not-a-date,5\nC,2024-06-01,99\n",
      columns, options, ingest, "orders.csv");
}

crmkit::report_data small_report(crmkit::ingest_report* ingest) {
  crmkit::score_config config;
  config.kmeans_k = 2;
  config.btyd_model = crmkit::btyd_model_kind::none;
  return crmkit::build_report(small(ingest), crmkit::unix_seconds(2024, 4, 1), config, ingest);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

crmkit::chart_data bars(std::vector<double> values) {
  crmkit::chart_data c;
  c.name = "b";
  c.kind = "bar";
  c.x = "k";
  c.y = {"v"};
  crmkit::chart_column k, v;
  k.name = "k";
  k.is_label = true;
  for (std::size_t i = 0; i < values.size(); ++i) k.labels.push_back("<" + std::to_string(i) + ">");
  v.name = "v";
  v.values = std::move(values);
  c.columns = {k, v};
  return c;
}

}  // namespace

TEST_CASE("chart_svg: one mark per finite bar, labels escaped; no SVG for tables or empty charts") {
  const std::string svg = crmkit::chart_svg(bars({1, 2, std::numeric_limits<double>::quiet_NaN(), 4}));
  CHECK(svg.rfind("<svg ", 0) == 0);
  CHECK(count(svg, "class=\"mark\"") == 3);
  CHECK(svg.find("&lt;0&gt;") != std::string::npos);
  CHECK(svg.find("<0>") == std::string::npos);
  crmkit::chart_data table = bars({1});
  table.kind = "table";
  CHECK(crmkit::chart_svg(table).empty());
  CHECK(crmkit::chart_svg(bars({})).empty());
  crmkit::chart_data wrong = bars({1, 2});
  wrong.y = {"k"};  // a label column where numbers are needed
  CHECK(crmkit::chart_svg(wrong).empty());
}

TEST_CASE("chart_html_table: rows capped with a note") {
  const std::string html = crmkit::chart_html_table(bars({1, 2, 3}), 2);
  CHECK(count(html, "<tr>") == 3);  // header + 2 rows
  CHECK(html.find("1 more rows in the data files") != std::string::npos);
}

TEST_CASE("report_html: every chart has a figure and data links, title and source escaped, deterministic") {
  crmkit::ingest_report ingest;
  const crmkit::report_data r = small_report(&ingest);
  crmkit::html_report_options o;
  o.title = "Q1 <customers>";
  o.source = "a&b.csv";
  const std::string page = crmkit::report_html(r, o);
  CHECK(page == crmkit::report_html(r, o));
  CHECK(page.find("<title>Q1 &lt;customers&gt;</title>") != std::string::npos);
  CHECK(page.find("Source: a&amp;b.csv") != std::string::npos);
  for (const auto& c : r.charts) {
    CHECK_MESSAGE(page.find("id=\"figure-" + c.name + "\"") != std::string::npos, c.name);
    CHECK_MESSAGE(page.find("href=\"data/" + c.name + ".csv\"") != std::string::npos, c.name);
  }
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("http://") == page.find("http://www.w3.org/2000/svg"));  // no link out but the SVG namespace
  CHECK(page.find("<section id=\"lifecycle\">") != std::string::npos);
  CHECK(page.find("<section id=\"geo\">") == std::string::npos);  // no locations
}

TEST_CASE("customer_table_csv: id first, missing values empty, categories quoted when needed") {
  crmkit::ingest_report ingest;
  const crmkit::report_data r = small_report(&ingest);
  const std::string csv = crmkit::customer_table_csv(r.table);
  CHECK(csv.rfind("customer_id,", 0) == 0);
  CHECK(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')) == r.table.size() + 1);
  const auto* orders = r.table.find_column("orders");
  REQUIRE(orders != nullptr);
  CHECK(csv.find("\nA,2,") != std::string::npos);  // A's first column is orders (2)
}

TEST_CASE("write_report: the folder holds the page, every chart's CSV and JSON, and the table") {
  crmkit::ingest_report ingest;
  const crmkit::report_data r = small_report(&ingest);
  const auto dir = std::filesystem::temp_directory_path() / "crmkit_html_report_test" / "nested";
  std::filesystem::remove_all(dir.parent_path());
  const std::string page = crmkit::write_report(r, dir.string());
  CHECK(page == (dir / "report.html").string());
  CHECK(slurp(page) == crmkit::report_html(r));
  for (const auto& c : r.charts) {
    CHECK(slurp(dir / "data" / (c.name + ".csv")) == crmkit::to_csv(c));
    CHECK(slurp(dir / "data" / (c.name + ".json")) == crmkit::to_json(c));
  }
  CHECK(slurp(dir / "data" / "customers.csv") == crmkit::customer_table_csv(r.table));
  const std::string drops = slurp(dir / "data" / "ingest_drops.csv");
  CHECK(drops.find("date") != std::string::npos);  // the bad date of D

  // A folder below a regular file cannot be made: io_error naming the path.
  std::ofstream(dir.parent_path() / "plain") << "x";
  try {
    (void)crmkit::write_report(r, (dir.parent_path() / "plain" / "sub").string());
    FAIL("expected an io_error");
  } catch (const crmkit::error& e) {
    CHECK(e.code() == crmkit::errc::io_error);
    CHECK(std::string(e.what()).find("plain") != std::string::npos);
  }
  crmkit::report_data twice = r;
  twice.charts.push_back(twice.charts.front());
  CHECK_THROWS_AS((void)crmkit::write_report(twice, dir.string()), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::write_report(r, ""), crmkit::error);
  std::filesystem::remove_all(dir.parent_path());
}
