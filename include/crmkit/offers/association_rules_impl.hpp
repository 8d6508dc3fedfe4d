// Definitions for crmkit/offers/association_rules.hpp. Included by that header in
// header-only mode and by src/offers/association_rules.cpp otherwise.
// IWYU pragma: private, include "crmkit/offers/association_rules.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "crmkit/error.hpp"
#include "crmkit/offers/association_rules.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

// An FP-tree (Han, Pei and Yin 2000) over local item ranks 0..n_local-1; node 0 is the
// root. Paths are inserted in ascending rank order, so every ancestor of a node has a
// lower rank. `global` maps a local rank to the global rank (frequency order).
struct fp_tree {
  std::vector<std::int32_t> rank{-1};
  std::vector<std::int64_t> count{0};
  std::vector<std::int32_t> parent{-1};
  std::vector<std::vector<std::int32_t>> nodes_of;  // per local rank
  std::vector<std::int32_t> global;                 // local rank -> global rank
  std::unordered_map<std::uint64_t, std::int32_t> child;

  void insert(std::span<const std::int32_t> path, std::int64_t weight) {
    std::int32_t node = 0;
    count[0] += weight;
    for (const std::int32_t r : path) {
      const std::uint64_t key = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(node)) << 32) |
                                static_cast<std::uint32_t>(r);
      auto [it, fresh] = child.try_emplace(key, static_cast<std::int32_t>(rank.size()));
      if (fresh) {
        rank.push_back(r);
        count.push_back(0);
        parent.push_back(node);
        nodes_of[static_cast<std::size_t>(r)].push_back(it->second);
      }
      node = it->second;
      count[static_cast<std::size_t>(node)] += weight;
    }
  }
};

struct fp_miner {
  std::int64_t min_count = 1;
  std::size_t max_len = 0;  // 0: no limit
  const std::vector<std::int32_t>* item_of_rank = nullptr;
  std::vector<std::int32_t> suffix;  // global ranks
  std::vector<frequent_itemset>* out = nullptr;
  double n = 1;

  void emit(std::int64_t c) {
    frequent_itemset s;
    s.items.reserve(suffix.size());
    for (const std::int32_t r : suffix) s.items.push_back((*item_of_rank)[static_cast<std::size_t>(r)]);
    std::sort(s.items.begin(), s.items.end());
    s.count = c;
    s.support = static_cast<double>(c) / n;
    out->push_back(std::move(s));
  }

  void mine(const fp_tree& t) {
    const std::size_t n_local = t.nodes_of.size();
    std::vector<std::int32_t> path;
    std::vector<std::int64_t> local_count;
    for (std::size_t r = n_local; r-- > 0;) {
      const auto& nodes = t.nodes_of[r];
      std::int64_t support = 0;
      for (const std::int32_t v : nodes) support += t.count[static_cast<std::size_t>(v)];
      if (support < min_count) continue;
      suffix.push_back(t.global[r]);
      emit(support);
      if (max_len == 0 || suffix.size() < max_len) {
        // The conditional pattern base of r: the path above each of its nodes.
        local_count.assign(r, 0);
        for (const std::int32_t v : nodes)
          for (std::int32_t p = t.parent[static_cast<std::size_t>(v)]; p > 0; p = t.parent[static_cast<std::size_t>(p)])
            local_count[static_cast<std::size_t>(t.rank[static_cast<std::size_t>(p)])] += t.count[static_cast<std::size_t>(v)];
        std::vector<std::int32_t> new_local(r, -1);
        fp_tree c;
        for (std::size_t q = 0; q < r; ++q)
          if (local_count[q] >= min_count) {
            new_local[q] = static_cast<std::int32_t>(c.global.size());
            c.global.push_back(t.global[q]);
          }
        if (!c.global.empty()) {
          c.nodes_of.resize(c.global.size());
          for (const std::int32_t v : nodes) {
            path.clear();
            for (std::int32_t p = t.parent[static_cast<std::size_t>(v)]; p > 0; p = t.parent[static_cast<std::size_t>(p)]) {
              const std::int32_t q = new_local[static_cast<std::size_t>(t.rank[static_cast<std::size_t>(p)])];
              if (q >= 0) path.push_back(q);
            }
            std::reverse(path.begin(), path.end());
            c.insert(path, t.count[static_cast<std::size_t>(v)]);
          }
          mine(c);
        }
      }
      suffix.pop_back();
    }
  }
};

inline bool itemset_less(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

}  // namespace detail

CRMKIT_FUNC std::vector<frequent_itemset> fpgrowth(const basket_set& baskets, const rules_options& options) {
  constexpr const char* where = "fpgrowth";
  validate_options(options, where);
  const std::size_t n = baskets.size();
  if (n == 0) throw error(errc::invalid_argument, fmt::format("{}: there are no baskets", where));
  const double dn = static_cast<double>(n);
  // The smallest count c with c / n >= min_support (the test stated in the header).
  auto min_count = static_cast<std::int64_t>(std::ceil(options.min_support * dn));
  while (min_count > 1 && static_cast<double>(min_count - 1) / dn >= options.min_support) --min_count;
  while (static_cast<double>(min_count) / dn < options.min_support) ++min_count;
  if (min_count < 1) min_count = 1;

  std::vector<std::int64_t> item_count(baskets.n_items, 0);
  for (const std::int32_t i : baskets.items) ++item_count[static_cast<std::size_t>(i)];
  // Global ranks: frequent items by count descending, then item index.
  std::vector<std::int32_t> item_of_rank;
  for (std::size_t i = 0; i < baskets.n_items; ++i)
    if (item_count[i] >= min_count) item_of_rank.push_back(static_cast<std::int32_t>(i));
  std::stable_sort(item_of_rank.begin(), item_of_rank.end(), [&](std::int32_t a, std::int32_t b) {
    return item_count[static_cast<std::size_t>(a)] > item_count[static_cast<std::size_t>(b)];
  });
  std::vector<std::int32_t> rank_of_item(baskets.n_items, -1);
  for (std::size_t r = 0; r < item_of_rank.size(); ++r)
    rank_of_item[static_cast<std::size_t>(item_of_rank[r])] = static_cast<std::int32_t>(r);

  std::vector<frequent_itemset> out;
  if (!item_of_rank.empty()) {
    detail::fp_tree tree;
    tree.nodes_of.resize(item_of_rank.size());
    tree.global.resize(item_of_rank.size());
    for (std::size_t r = 0; r < item_of_rank.size(); ++r) tree.global[r] = static_cast<std::int32_t>(r);
    std::vector<std::int32_t> path;
    for (std::size_t b = 0; b < n; ++b) {
      path.clear();
      for (const std::int32_t i : baskets.basket(b)) {
        const std::int32_t r = rank_of_item[static_cast<std::size_t>(i)];
        if (r >= 0) path.push_back(r);
      }
      if (path.empty()) continue;
      std::sort(path.begin(), path.end());
      tree.insert(path, 1);
    }
    detail::fp_miner miner;
    miner.min_count = min_count;
    miner.max_len = static_cast<std::size_t>(options.max_len);
    miner.item_of_rank = &item_of_rank;
    miner.out = &out;
    miner.n = dn;
    miner.mine(tree);
  }
  std::sort(out.begin(), out.end(),
            [](const frequent_itemset& a, const frequent_itemset& b) { return detail::itemset_less(a.items, b.items); });
  return out;
}

CRMKIT_FUNC std::vector<association_rule> association_rules(const std::vector<frequent_itemset>& itemsets,
                                                            const rules_options& options) {
  constexpr const char* where = "association_rules";
  validate_options(options, where);
  std::map<std::vector<std::int32_t>, double> support_of;
  for (const auto& s : itemsets) support_of.emplace(s.items, s.support);
  auto support = [&](const std::vector<std::int32_t>& items, const std::vector<std::int32_t>& of) {
    const auto it = support_of.find(items);
    if (it == support_of.end()) {
      throw error(errc::invalid_argument,
                  fmt::format("{}: itemset {{{}}} is listed but its subset {{{}}} is not; pass every frequent itemset "
                              "(fpgrowth's output)",
                              where, fmt::join(of, ", "), fmt::join(items, ", ")));
    }
    return it->second;
  };
  std::vector<association_rule> rules;
  std::vector<std::int32_t> a, c;
  for (const auto& z : itemsets) {
    const std::size_t k = z.items.size();
    if (k < 2) continue;
    if (k > 30)
      throw error(errc::invalid_argument, fmt::format("{}: an itemset of {} items has too many rules; set max_len", where, k));
    const double sAC = z.support;
    for (std::uint32_t mask = 1; mask + 1 < (1u << k); ++mask) {
      a.clear();
      c.clear();
      for (std::size_t j = 0; j < k; ++j) ((mask >> j) & 1u ? a : c).push_back(z.items[j]);
      const double sA = support(a, z.items);
      const double sC = support(c, z.items);
      association_rule rule;
      rule.antecedent_support = sA;
      rule.consequent_support = sC;
      rule.support = sAC;
      // mlxtend's expressions, in its order of operations.
      rule.confidence = sAC / sA;
      rule.lift = rule.confidence / sC;
      rule.leverage = sAC - sA * sC;
      rule.conviction = rule.confidence < 1.0 ? (1.0 - sC) / (1.0 - rule.confidence)
                                              : std::numeric_limits<double>::infinity();
      const double denominator = std::max(sAC * (1 - sA), sA * (sC - sAC));
      rule.zhangs_metric = denominator == 0 ? 0.0 : rule.leverage / denominator;
      double score = 0;
      switch (options.metric) {
        case rule_metric::support: score = rule.support; break;
        case rule_metric::confidence: score = rule.confidence; break;
        case rule_metric::lift: score = rule.lift; break;
        case rule_metric::leverage: score = rule.leverage; break;
        case rule_metric::conviction: score = rule.conviction; break;
        case rule_metric::zhangs_metric: score = rule.zhangs_metric; break;
      }
      if (!(score >= options.min_threshold)) continue;
      rule.antecedent = a;
      rule.consequent = c;
      rules.push_back(std::move(rule));
    }
  }
  std::sort(rules.begin(), rules.end(), [](const association_rule& x, const association_rule& y) {
    if (x.antecedent != y.antecedent) return detail::itemset_less(x.antecedent, y.antecedent);
    if (x.confidence != y.confidence) return x.confidence > y.confidence;
    return detail::itemset_less(x.consequent, y.consequent);
  });
  return rules;
}

CRMKIT_FUNC std::vector<association_rule> top_rules_per_antecedent(const std::vector<association_rule>& rules,
                                                                   std::size_t n) {
  std::vector<association_rule> out;
  std::size_t taken = 0;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (i == 0 || rules[i].antecedent != rules[i - 1].antecedent) taken = 0;
    if (taken < n) {
      out.push_back(rules[i]);
      ++taken;
    }
  }
  return out;
}

CRMKIT_FUNC std::vector<scored_item> suggest_items(const std::vector<association_rule>& rules,
                                                   std::span<const std::int32_t> basket) {
  std::vector<std::int32_t> have(basket.begin(), basket.end());
  std::sort(have.begin(), have.end());
  have.erase(std::unique(have.begin(), have.end()), have.end());
  std::map<std::int32_t, std::pair<double, double>> best;  // item -> (confidence, lift)
  for (const auto& rule : rules) {
    if (!std::includes(have.begin(), have.end(), rule.antecedent.begin(), rule.antecedent.end())) continue;
    for (const std::int32_t item : rule.consequent) {
      if (std::binary_search(have.begin(), have.end(), item)) continue;
      auto [it, fresh] = best.try_emplace(item, rule.confidence, rule.lift);
      if (!fresh && std::pair(rule.confidence, rule.lift) > it->second) it->second = {rule.confidence, rule.lift};
    }
  }
  std::vector<std::pair<std::int32_t, std::pair<double, double>>> ranked(best.begin(), best.end());
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
  std::vector<scored_item> out;
  out.reserve(ranked.size());
  for (const auto& [item, score] : ranked) out.push_back({item, score.first});
  return out;
}

CRMKIT_END_NAMESPACE
