// Tests of crmkit/offers/evaluation.hpp: the split, new items, rule offers and the
// ranking metrics against a hand computation.
#include <doctest/doctest.h>

#include <cmath>

#include "crmkit/error.hpp"
#include "crmkit/offers/evaluation.hpp"
#include "offers_test_util.hpp"

TEST_CASE("evaluate_offers: precision, recall, MAP, NDCG and coverage by hand") {
  crmkit::offer_table t;
  t.n_rows = 3;
  t.top_n = 3;
  t.item = {1, 5, 2, 0, -1, -1, 3, 4, 6};
  t.score.assign(9, 0.0);
  t.cold_start.assign(3, 0);
  const std::vector<std::int64_t> indptr{0, 2, 3, 3};
  const std::vector<std::int32_t> indices{7, 2, 0};
  const std::vector<double> ones{1, 1, 1};
  const auto rel = crmkit::make_interaction_matrix(indptr, indices, ones, 3, 8);
  const auto m = crmkit::evaluate_offers(t, rel, 3);
  CHECK(m.n_evaluated == 2);  // row 2 has nothing relevant
  CHECK(m.precision == doctest::Approx(1.0 / 3.0));
  CHECK(m.recall == doctest::Approx(0.75));
  CHECK(m.map == doctest::Approx((1.0 / 6.0 + 1.0) / 2));
  CHECK(m.ndcg == doctest::Approx((0.5 / (1 + 1 / std::log2(3.0)) + 1.0) / 2));
  CHECK(m.coverage == doctest::Approx(4.0 / 8.0));
  const auto m1 = crmkit::evaluate_offers(t, rel, 1);
  CHECK(m1.precision == doctest::Approx(0.5));
  CHECK(m1.map == doctest::Approx(0.5));
  CHECK_THROWS_WITH_AS(static_cast<void>(crmkit::evaluate_offers(t, rel, 4)), doctest::Contains("k = 4"),
                       crmkit::error);
}

TEST_CASE("time_split, new_items and rules_recommend") {
  const std::vector<offers_test::line> lines{
      {"o1", "bob", "tea", 100, 2.0}, {"o1", "bob", "jam", 100, 3.0}, {"o2", "amy", "tea", 50, 4.0},
      {"o3", "bob", "bread", 200, 1.0}, {"o4", "amy", "jam", 300, 2.5}, {"o4", "amy", "bread", 300, 0.5},
      {"o5", "cy", "tea", 60, 1.0},   {"o5", "cy", "jam", 60, 1.0},
  };
  const auto b = crmkit::baskets_from_dataset(offers_test::dataset_of(lines));
  const auto [train, test] = crmkit::time_split(b, 200);
  CHECK(train.size() == 3);  // o2 (50), o5 (60), o1 (100)
  CHECK(test.size() == 2);   // o3 (200), o4 (300)
  const auto h = crmkit::customer_product_matrix(train, crmkit::interaction_value::orders);
  const auto t = crmkit::customer_product_matrix(test, crmkit::interaction_value::orders);
  CHECK(h.n_rows == t.n_rows);
  const auto rel = crmkit::new_items(t, h);
  // amy (row 0) bought tea before, jam and bread are new; bob (row 1) bought bread, new.
  CHECK(rel.indptr == std::vector<std::int64_t>{0, 2, 3, 3});
  CHECK(rel.indices == std::vector<std::int32_t>{0, 1, 0});

  crmkit::rules_options o;
  o.min_support = 0.5;
  o.min_threshold = 0.5;
  const auto rules = crmkit::association_rules(crmkit::fpgrowth(train, o), o);
  // Train baskets {tea}, {jam, tea}, {jam, tea}: tea -> jam (2/3), jam -> tea (1).
  const auto offers = crmkit::rules_recommend(rules, h, 2);
  CHECK(offers.item[0] == 1);  // amy has tea: the rule offers jam first
  CHECK(offers.score[0] == doctest::Approx(2.0 / 3.0));
  CHECK(offers.item[1] == 0);  // then the most popular remaining: bread (popularity 0)
  CHECK(offers.cold_start[0] == 0);
  CHECK(offers.item[2] == 0);  // bob has jam and tea: nothing from the rules, bread by popularity
  CHECK(offers.cold_start[1] == 1);
  const auto q = crmkit::evaluate_offers(offers, rel, 2);
  CHECK(q.n_evaluated == 2);
  CHECK(q.recall == doctest::Approx(1.0));
}
