// Tests of crmkit/offers/association_rules.hpp against a brute-force count and a hand
// computation of mlxtend's metrics.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>

#include "crmkit/error.hpp"
#include "crmkit/offers/association_rules.hpp"
#include "offers_test_util.hpp"

namespace {

crmkit::basket_set baskets_of(const std::vector<std::vector<std::int32_t>>& bs, std::size_t n_items) {
  std::vector<std::int64_t> off{0};
  std::vector<std::int32_t> items;
  for (const auto& b : bs) {
    items.insert(items.end(), b.begin(), b.end());
    off.push_back(static_cast<std::int64_t>(items.size()));
  }
  return crmkit::make_baskets(off, items, n_items);
}

// Every itemset with count / n >= min_support and size <= max_len, by enumeration.
std::map<std::vector<std::int32_t>, std::int64_t> brute_force(const crmkit::basket_set& b, double min_support,
                                                              int max_len) {
  std::map<std::vector<std::int32_t>, std::int64_t> out;
  const auto n = static_cast<double>(b.size());
  for (std::uint32_t mask = 1; mask < (1u << b.n_items); ++mask) {
    std::vector<std::int32_t> set;
    for (std::size_t j = 0; j < b.n_items; ++j)
      if ((mask >> j) & 1u) set.push_back(static_cast<std::int32_t>(j));
    if (max_len > 0 && set.size() > static_cast<std::size_t>(max_len)) continue;
    std::int64_t count = 0;
    for (std::size_t k = 0; k < b.size(); ++k) {
      const auto basket = b.basket(k);
      if (std::includes(basket.begin(), basket.end(), set.begin(), set.end())) ++count;
    }
    if (static_cast<double>(count) / n >= min_support) out[set] = count;
  }
  return out;
}

}  // namespace

TEST_CASE("fpgrowth equals a brute-force count on random baskets") {
  std::mt19937 rng(5);
  for (int round = 0; round < 40; ++round) {
    const std::size_t n_items = 3 + rng() % 8;
    const std::size_t n = 1 + rng() % 60;
    std::vector<std::vector<std::int32_t>> bs(n);
    for (auto& basket : bs)
      for (std::size_t j = 0; j < n_items; ++j)
        if (rng() % 100 < 15 + 50 * (j % 3 == 0)) basket.push_back(static_cast<std::int32_t>(j));
    const auto b = baskets_of(bs, n_items);
    crmkit::rules_options o;
    o.min_support = std::vector<double>{0.05, 0.1, 0.2, 0.3, 1.0 / 3.0, 0.5, 1.0}[static_cast<std::size_t>(round % 7)];
    o.max_len = round % 4;
    CAPTURE(round);
    const auto sets = crmkit::fpgrowth(b, o);
    const auto ref = brute_force(b, o.min_support, o.max_len);
    REQUIRE(sets.size() == ref.size());
    for (const auto& s : sets) {
      CAPTURE(s.items.size());
      REQUIRE(ref.count(s.items) == 1);
      CHECK(s.count == ref.at(s.items));
      CHECK(s.support == static_cast<double>(ref.at(s.items)) / static_cast<double>(n));
    }
    for (std::size_t i = 1; i < sets.size(); ++i)
      CHECK((sets[i - 1].items.size() < sets[i].items.size() ||
             (sets[i - 1].items.size() == sets[i].items.size() && sets[i - 1].items < sets[i].items)));
  }
}

TEST_CASE("rule metrics equal mlxtend's definitions on a hand example") {
  // a=0, b=1, c=2: {a,b}, {a,b,c}, {a}, {b,c}
  const auto b = baskets_of({{0, 1}, {0, 1, 2}, {0}, {1, 2}}, 3);
  crmkit::rules_options o;
  o.min_support = 0.25;
  o.min_threshold = 0.0;
  const auto sets = crmkit::fpgrowth(b, o);
  const auto rules = crmkit::association_rules(sets, o);
  const crmkit::association_rule* ab = nullptr;
  for (const auto& r : rules)
    if (r.antecedent == std::vector<std::int32_t>{0} && r.consequent == std::vector<std::int32_t>{1}) ab = &r;
  REQUIRE(ab != nullptr);
  CHECK(ab->antecedent_support == 0.75);
  CHECK(ab->consequent_support == 0.75);
  CHECK(ab->support == 0.5);
  CHECK(ab->confidence == doctest::Approx(2.0 / 3.0).epsilon(1e-15));
  CHECK(ab->lift == doctest::Approx(8.0 / 9.0).epsilon(1e-15));
  CHECK(ab->leverage == -0.0625);
  CHECK(ab->conviction == doctest::Approx(0.75).epsilon(1e-15));
  CHECK(ab->zhangs_metric == doctest::Approx(-1.0 / 3.0).epsilon(1e-15));  // -0.0625 / max(0.125, 0.1875)
  // {c} -> {b}: confidence 1, conviction +inf; Zhang: 0.125 / max(0.5 * 0.5, 0) = 0.5 (sC - sAC = 0.25 * 0)
  for (const auto& r : rules)
    if (r.antecedent == std::vector<std::int32_t>{2} && r.consequent == std::vector<std::int32_t>{1}) {
      CHECK(r.confidence == 1.0);
      CHECK(std::isinf(r.conviction));
      CHECK(r.zhangs_metric == doctest::Approx((0.5 - 0.5 * 0.75) / (0.5 * 0.5)));
    }
  // Every rule of a 3-itemset: 6 splits; of the 2-itemsets {a,b},{a,c},{b,c}: 2 each.
  CHECK(rules.size() == 6 + 6);
  for (const auto& r : rules) CHECK(!std::isnan(r.zhangs_metric));

  // min_threshold on lift keeps exactly the rules with lift >= 1.
  o.metric = crmkit::rule_metric::lift;
  o.min_threshold = 1.0;
  for (const auto& r : crmkit::association_rules(sets, o)) CHECK(r.lift >= 1.0);
}

TEST_CASE("suggest_items: Spark's transform, ranked by confidence") {
  const auto b = baskets_of({{0, 1}, {0, 1, 2}, {0}, {1, 2}, {0, 1, 3}}, 4);
  crmkit::rules_options o;
  o.min_support = 0.2;
  o.min_threshold = 0.1;
  const auto rules = crmkit::association_rules(crmkit::fpgrowth(b, o), o);
  const std::vector<std::int32_t> basket{0, 0};
  const auto s = crmkit::suggest_items(rules, basket);
  // From {0}: 1 (conf 3/4), 2 (1/4), 3 (1/4); nothing already in the basket.
  REQUIRE(s.size() == 3);
  CHECK(s[0].item == 1);
  CHECK(s[0].score == doctest::Approx(0.75).epsilon(1e-15));  // 0.6 / 0.8
  for (const auto& x : s) CHECK(x.item != 0);
  // Brute force: the union of the consequents of every rule whose antecedent is in the basket.
  const std::vector<std::int32_t> basket2{2, 1};
  std::map<std::int32_t, double> expect;
  for (const auto& r : rules)
    if (std::includes(basket2.rbegin(), basket2.rend(), r.antecedent.begin(), r.antecedent.end()))
      for (auto item : r.consequent)
        if (item != 1 && item != 2) expect[item] = std::max(expect[item], r.confidence);
  const auto s2 = crmkit::suggest_items(rules, basket2);
  REQUIRE(s2.size() == expect.size());
  for (const auto& x : s2) CHECK(x.score == expect.at(x.item));
  for (std::size_t i = 1; i < s2.size(); ++i) CHECK(s2[i - 1].score >= s2[i].score);

  const auto top = crmkit::top_rules_per_antecedent(rules, 1);
  for (std::size_t i = 1; i < top.size(); ++i) CHECK(top[i].antecedent != top[i - 1].antecedent);
}

TEST_CASE("fpgrowth and rules do not depend on basket order; bad input is rejected") {
  auto lines = offers_test::random_lines(8, 300, 40, 12);
  crmkit::rules_options o;
  o.min_support = 0.02;
  o.min_threshold = 0.2;
  const auto ref_b = crmkit::baskets_from_dataset(offers_test::dataset_of(lines));
  const auto ref = crmkit::association_rules(crmkit::fpgrowth(ref_b, o), o);
  REQUIRE(ref.size() > 5);
  std::mt19937 rng(2);
  std::shuffle(lines.begin(), lines.end(), rng);
  const auto b = crmkit::baskets_from_dataset(offers_test::dataset_of(lines));
  const auto rules = crmkit::association_rules(crmkit::fpgrowth(b, o), o);
  REQUIRE(rules.size() == ref.size());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    CHECK(rules[i].antecedent == ref[i].antecedent);
    CHECK(rules[i].consequent == ref[i].consequent);
    CHECK(rules[i].confidence == ref[i].confidence);
    CHECK(rules[i].zhangs_metric == ref[i].zhangs_metric);
  }

  o.min_support = 0.0;
  CHECK_THROWS_WITH_AS(static_cast<void>(crmkit::fpgrowth(b, o)), doctest::Contains("CRMKIT_RULES_MIN_SUPPORT = 0"),
                       crmkit::error);
  o.min_support = 1.5;
  CHECK_THROWS_AS(static_cast<void>(crmkit::fpgrowth(b, o)), crmkit::error);
  o.min_support = 0.5;
  CHECK_THROWS_WITH_AS(static_cast<void>(crmkit::fpgrowth(crmkit::basket_set{}, o)),
                       doctest::Contains("no baskets"), crmkit::error);
  // A basket of one item counts for support and n.
  const auto single = baskets_of({{0}, {0}, {1}}, 2);
  const auto sets = crmkit::fpgrowth(single, o);
  REQUIRE(sets.size() == 1);
  CHECK(sets[0].support == 2.0 / 3.0);
  // Itemsets missing a subset are rejected by association_rules.
  std::vector<crmkit::frequent_itemset> broken{{{0, 1}, 1, 0.5}};
  CHECK_THROWS_WITH_AS(static_cast<void>(crmkit::association_rules(broken, o)), doctest::Contains("subset {0}"),
                       crmkit::error);
}
