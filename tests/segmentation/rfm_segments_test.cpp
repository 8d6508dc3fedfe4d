#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/segmentation/rfm_segments.hpp"

namespace {
crmkit::rfm_scores all_cells() {
  crmkit::rfm_scores s;
  for (int r = 1; r <= 5; ++r)
    for (int f = 1; f <= 5; ++f)
      for (int m = 1; m <= 5; ++m) {
        s.r.push_back(r);
        s.f.push_back(f);
        s.m.push_back(m);
      }
  return s;
}
std::string name_of(const crmkit::rfm_segmentation& seg, std::size_t i) {
  return seg.names[static_cast<std::size_t>(seg.segment[i])];
}
std::size_t cell(int r, int f, int m) { return static_cast<std::size_t>(((r - 1) * 5 + (f - 1)) * 5 + (m - 1)); }
}  // namespace

TEST_CASE("the default 11-segment grid covers every cell and names all 11 segments") {
  const auto scores = all_cells();
  const auto seg = crmkit::rfm_segment(scores, crmkit::rfm_segment_preset(crmkit::rfm_preset::grid11));
  REQUIRE(seg.names.size() == 12);  // 11 + Others
  CHECK(seg.names.back() == "Others");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < seg.size(); ++i) {
    CHECK(name_of(seg, i) != "Others");
    seen.insert(name_of(seg, i));
  }
  CHECK(seen.size() == 11);
  for (const char* expected : {"Champions", "Loyal Customers", "Potential Loyalist", "Recent Customers", "Promising",
                               "Customers Needing Attention", "About To Sleep", "At Risk", "Can't Lose Them",
                               "Hibernating", "Lost"})
    CHECK(seen.count(expected) == 1);
  // The grid in the header, cell by cell (FM column = ceil((F + M) / 2)).
  CHECK(name_of(seg, cell(5, 5, 5)) == "Champions");
  CHECK(name_of(seg, cell(5, 4, 3)) == "Champions");         // FM 3.5 -> column 4
  CHECK(name_of(seg, cell(5, 1, 1)) == "Recent Customers");
  CHECK(name_of(seg, cell(5, 2, 1)) == "Potential Loyalist"); // FM 1.5 -> column 2
  CHECK(name_of(seg, cell(4, 1, 1)) == "Promising");
  CHECK(name_of(seg, cell(4, 3, 3)) == "Loyal Customers");
  CHECK(name_of(seg, cell(3, 3, 3)) == "Customers Needing Attention");
  CHECK(name_of(seg, cell(3, 1, 2)) == "About To Sleep");
  CHECK(name_of(seg, cell(2, 5, 5)) == "Can't Lose Them");
  CHECK(name_of(seg, cell(1, 5, 4)) == "Can't Lose Them");    // FM 4.5 -> column 5
  CHECK(name_of(seg, cell(1, 4, 3)) == "At Risk");
  CHECK(name_of(seg, cell(2, 1, 1)) == "Hibernating");
  CHECK(name_of(seg, cell(1, 2, 2)) == "Lost");
}

TEST_CASE("the R x F map ignores M and covers every cell") {
  const auto scores = all_cells();
  const auto seg = crmkit::rfm_segment(scores, crmkit::rfm_segment_preset(crmkit::rfm_preset::rf_grid));
  for (int r = 1; r <= 5; ++r)
    for (int f = 1; f <= 5; ++f)
      for (int m = 1; m <= 5; ++m) {
        CHECK(name_of(seg, cell(r, f, m)) == name_of(seg, cell(r, f, 1)));
        CHECK(name_of(seg, cell(r, f, m)) != "Others");
      }
  CHECK(name_of(seg, cell(5, 5, 1)) == "Champions");
  CHECK(name_of(seg, cell(5, 1, 1)) == "New Customers");
  CHECK(name_of(seg, cell(3, 3, 1)) == "Need Attention");
}

TEST_CASE("the R rfm range table: first match wins, the rest are Others") {
  const auto scores = all_cells();
  const auto seg = crmkit::rfm_segment(scores, crmkit::rfm_segment_preset(crmkit::rfm_preset::r_rfm));
  CHECK(name_of(seg, cell(5, 5, 5)) == "Champions");
  // 5 4 4 matches Potential Loyalist (R 3-5, F 3-5, M 2-5) before Loyal Customers.
  CHECK(name_of(seg, cell(5, 4, 4)) == "Potential Loyalist");
  CHECK(name_of(seg, cell(1, 1, 1)) == "Lost");
  CHECK(name_of(seg, cell(5, 1, 1)) == "New Customers");
  // R 5, F 5, M 1: no rule has M 1 with F 5 and R 5 -> Others.
  CHECK(name_of(seg, cell(5, 5, 1)) == "Others");
  // Brute force the first-match rule.
  const auto map = crmkit::rfm_segment_preset(crmkit::rfm_preset::r_rfm);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    std::string expected = "Others";
    for (const auto& rule : map.rules)
      if (scores.r[i] >= rule.r_min && scores.r[i] <= rule.r_max && scores.f[i] >= rule.f_min &&
          scores.f[i] <= rule.f_max && scores.m[i] >= rule.m_min && scores.m[i] <= rule.m_max) {
        expected = rule.name;
        break;
      }
    CHECK(name_of(seg, i) == expected);
  }
}

TEST_CASE("host range tables and the segment summary") {
  crmkit::rfm_segment_map map;
  crmkit::rfm_segment_rule best;
  best.name = "Best";
  best.r_min = 2;
  best.m_min = 2;
  map.rules.push_back(best);
  map.other = "Rest";
  crmkit::rfm_scores scores;
  scores.bins = 2;
  scores.r = {2, 2, 1, 2};
  scores.f = {1, 2, 2, 1};
  scores.m = {2, 2, 2, 1};
  const auto seg = crmkit::rfm_segment(scores, map);
  CHECK(seg.names == std::vector<std::string>{"Best", "Rest"});
  CHECK(seg.segment == std::vector<std::int32_t>{0, 0, 1, 1});

  crmkit::rfm_table table;
  table.customer = {0, 1, 2, 3};
  table.recency_days = {1, 3, 100, 5};
  table.frequency = {1, 3, 2, 1};
  table.monetary = {10, 30, 40, 20};
  const auto summary = crmkit::rfm_segment_summary(table, scores, seg);
  REQUIRE(summary.size() == 2);
  CHECK(summary[0].name == "Best");
  CHECK(summary[0].customers == 2);
  CHECK(summary[0].customer_share == 0.5);
  CHECK(summary[0].revenue == 40);
  CHECK(summary[0].revenue_share == 0.4);
  CHECK(summary[0].orders == 4);
  CHECK(summary[0].mean_recency_days == 2);
  CHECK(summary[0].mean_frequency == 2);
  CHECK(summary[0].mean_monetary == 20);
  CHECK(summary[0].mean_r == 2);
  CHECK(summary[0].mean_f == 1.5);
  CHECK(summary[1].revenue_share == 0.6);
  CHECK(summary[1].mean_recency_days == doctest::Approx(52.5));

  // Errors: a map for another k, an empty rule name, min > max, no rules.
  auto wrong = crmkit::rfm_segment_preset(crmkit::rfm_preset::grid11);
  CHECK_THROWS_AS((void)crmkit::rfm_segment(scores, wrong), crmkit::error);
  map.rules[0].name.clear();
  CHECK_THROWS_AS((void)crmkit::rfm_segment(scores, map), crmkit::error);
  map.rules[0].name = "x";
  map.rules[0].r_min = 3;
  map.rules[0].r_max = 2;
  CHECK_THROWS_AS((void)crmkit::rfm_segment(scores, map), crmkit::error);
  map.rules.clear();
  CHECK_THROWS_AS((void)crmkit::rfm_segment(scores, map), crmkit::error);
}
