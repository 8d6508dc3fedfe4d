// Definitions for crmkit/offers/evaluation.hpp. Included by that header in header-only
// mode and by src/offers/evaluation.cpp otherwise.
// IWYU pragma: private, include "crmkit/offers/evaluation.hpp"
#pragma once

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/offers/evaluation.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC std::pair<basket_set, basket_set> time_split(const basket_set& baskets, std::int64_t cutoff) {
  if (baskets.basket_time.size() != baskets.size() || baskets.basket_row.size() != baskets.size())
    throw error(errc::invalid_argument,
                "time_split: the baskets have no times and customers (they were not built by baskets_from_dataset)");
  std::pair<basket_set, basket_set> out;
  for (basket_set* s : {&out.first, &out.second}) {
    s->n_items = baskets.n_items;
    s->item_names = baskets.item_names;
    s->row_ids = baskets.row_ids;
    s->row_customer = baskets.row_customer;
    s->offsets.assign(1, 0);
  }
  for (std::size_t b = 0; b < baskets.size(); ++b) {
    basket_set& s = baskets.basket_time[b] < cutoff ? out.first : out.second;
    for (auto e = baskets.offsets[b]; e < baskets.offsets[b + 1]; ++e) {
      s.items.push_back(baskets.items[static_cast<std::size_t>(e)]);
      s.spend.push_back(baskets.spend[static_cast<std::size_t>(e)]);
    }
    s.offsets.push_back(static_cast<std::int64_t>(s.items.size()));
    s.basket_row.push_back(baskets.basket_row[b]);
    s.basket_time.push_back(baskets.basket_time[b]);
  }
  return out;
}

CRMKIT_FUNC interaction_matrix new_items(const interaction_matrix& test, const interaction_matrix& history) {
  if (test.n_rows != history.n_rows || test.n_cols != history.n_cols)
    throw error(errc::invalid_argument, fmt::format("new_items: the test matrix is {} x {}, the history {} x {}",
                                                    test.n_rows, test.n_cols, history.n_rows, history.n_cols));
  interaction_matrix out;
  out.n_rows = test.n_rows;
  out.n_cols = test.n_cols;
  out.indptr.assign(1, 0);
  for (std::size_t r = 0; r < test.n_rows; ++r) {
    const auto have = history.row_indices(r);
    const auto cols = test.row_indices(r);
    const auto vals = test.row_values(r);
    for (std::size_t j = 0; j < cols.size(); ++j)
      if (!std::binary_search(have.begin(), have.end(), cols[j])) {
        out.indices.push_back(cols[j]);
        out.values.push_back(vals[j]);
      }
    out.indptr.push_back(static_cast<std::int64_t>(out.indices.size()));
  }
  return out;
}

CRMKIT_FUNC offer_table rules_recommend(const std::vector<association_rule>& rules, const interaction_matrix& history,
                                        std::size_t top_n, bool exclude_history) {
  constexpr const char* where = "rules_recommend";
  if (top_n == 0) throw error(errc::invalid_argument, fmt::format("{}: top_n is 0", where));
  for (const auto& rule : rules)
    for (const auto* side : {&rule.antecedent, &rule.consequent})
      for (const std::int32_t item : *side)
        if (item < 0 || static_cast<std::size_t>(item) >= history.n_cols)
          throw error(errc::invalid_argument,
                      fmt::format("{}: a rule names item {}, outside the history's [0, {})", where, item, history.n_cols));
  offer_table t;
  t.n_rows = history.n_rows;
  t.top_n = top_n;
  t.item.assign(history.n_rows * top_n, -1);
  t.score.assign(history.n_rows * top_n, 0.0);
  t.cold_start.assign(history.n_rows, 0);
  const std::vector<double> pop = item_popularity(history);
  std::vector<std::int32_t> by_popularity(history.n_cols);
  for (std::size_t i = 0; i < by_popularity.size(); ++i) by_popularity[i] = static_cast<std::int32_t>(i);
  std::stable_sort(by_popularity.begin(), by_popularity.end(), [&](std::int32_t a, std::int32_t b) {
    return pop[static_cast<std::size_t>(a)] > pop[static_cast<std::size_t>(b)];
  });
  std::vector<char> offered(history.n_cols, 0);
  for (std::size_t u = 0; u < history.n_rows; ++u) {
    const auto own = history.row_indices(u);
    const auto s = suggest_items(rules, own);
    std::size_t j = 0;
    for (; j < top_n && j < s.size(); ++j) {
      t.item[u * top_n + j] = s[j].item;
      t.score[u * top_n + j] = s[j].score;
      offered[static_cast<std::size_t>(s[j].item)] = 1;
    }
    t.cold_start[u] = s.empty() ? 1 : 0;
    for (std::size_t p = 0; j < top_n && p < by_popularity.size(); ++p) {
      const std::int32_t item = by_popularity[p];
      if (offered[static_cast<std::size_t>(item)]) continue;
      if (exclude_history && std::binary_search(own.begin(), own.end(), item)) continue;
      t.item[u * top_n + j] = item;
      t.score[u * top_n + j] = pop[static_cast<std::size_t>(item)];
      ++j;
    }
    for (std::size_t q = 0; q < top_n && q < s.size(); ++q) offered[static_cast<std::size_t>(s[q].item)] = 0;
  }
  return t;
}

CRMKIT_FUNC offer_metrics evaluate_offers(const offer_table& offers, const interaction_matrix& relevant,
                                          std::size_t k) {
  constexpr const char* where = "evaluate_offers";
  if (k == 0 || k > offers.top_n)
    throw error(errc::invalid_argument, fmt::format("{}: k = {} must be in [1, top_n = {}]", where, k, offers.top_n));
  if (offers.n_rows != relevant.n_rows)
    throw error(errc::invalid_argument, fmt::format("{}: {} rows of offers, {} rows of relevant items", where,
                                                    offers.n_rows, relevant.n_rows));
  offer_metrics m;
  m.k = k;
  std::vector<char> seen(relevant.n_cols, 0);
  std::size_t distinct = 0;
  double sp = 0, sr = 0, sap = 0, sndcg = 0;
  for (std::size_t u = 0; u < offers.n_rows; ++u) {
    const auto rel = relevant.row_indices(u);
    if (rel.empty()) continue;
    ++m.n_evaluated;
    double hits = 0, ap = 0, dcg = 0;
    for (std::size_t j = 0; j < k; ++j) {
      const std::int32_t item = offers.item[u * offers.top_n + j];
      if (item < 0) continue;
      if (static_cast<std::size_t>(item) < seen.size() && !seen[static_cast<std::size_t>(item)]) {
        seen[static_cast<std::size_t>(item)] = 1;
        ++distinct;
      }
      if (std::binary_search(rel.begin(), rel.end(), item)) {
        hits += 1;
        ap += hits / static_cast<double>(j + 1);
        dcg += 1.0 / std::log2(static_cast<double>(j + 2));
      }
    }
    const std::size_t ideal = std::min(k, rel.size());
    double idcg = 0;
    for (std::size_t j = 0; j < ideal; ++j) idcg += 1.0 / std::log2(static_cast<double>(j + 2));
    sp += hits / static_cast<double>(k);
    sr += hits / static_cast<double>(rel.size());
    sap += ap / static_cast<double>(ideal);
    sndcg += dcg / idcg;
  }
  if (m.n_evaluated > 0) {
    const auto n = static_cast<double>(m.n_evaluated);
    m.precision = sp / n;
    m.recall = sr / n;
    m.map = sap / n;
    m.ndcg = sndcg / n;
    m.coverage = relevant.n_cols > 0 ? static_cast<double>(distinct) / static_cast<double>(relevant.n_cols) : 0.0;
  }
  return m;
}

CRMKIT_END_NAMESPACE
