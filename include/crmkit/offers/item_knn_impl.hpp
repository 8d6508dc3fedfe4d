// Definitions for crmkit/offers/item_knn.hpp. Included by that header in header-only mode
// and by src/offers/item_knn.cpp otherwise.
// IWYU pragma: private, include "crmkit/offers/item_knn.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/parallel_for.hpp"
#include "crmkit/error.hpp"
#include "crmkit/offers/implicit_als.hpp"
#include "crmkit/offers/item_knn.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

inline constexpr std::size_t knn_chunk = 64;
inline constexpr std::size_t knn_row_chunk = 256;

inline void knn_check_shape(const interaction_matrix& m, const char* where) {
  if (m.indptr.size() != m.n_rows + 1 || m.indices.size() != m.values.size() ||
      static_cast<std::size_t>(m.indptr.back()) != m.indices.size())
    throw error(errc::invalid_argument,
                fmt::format("{}: malformed matrix ({} rows, indptr of {} values, {} indices, {} values)", where,
                            m.n_rows, m.indptr.size(), m.indices.size(), m.values.size()));
}

// Better first: higher score, then lower index.
struct knn_better {
  const std::vector<double>* score;
  bool operator()(std::int32_t a, std::int32_t b) const {
    const double sa = (*score)[static_cast<std::size_t>(a)], sb = (*score)[static_cast<std::size_t>(b)];
    return sa != sb ? sa > sb : a < b;
  }
};

}  // namespace detail

CRMKIT_FUNC item_knn_model item_knn_fit(const interaction_matrix& m, const item_knn_options& options) {
  constexpr const char* where = "item_knn_fit";
  validate_options(options, where);
  detail::knn_check_shape(m, where);
  if (m.n_cols == 0) throw error(errc::invalid_argument, fmt::format("{}: the matrix has no columns (products)", where));
  const interaction_matrix mt = transpose(m);
  std::vector<double> norm(m.n_cols, 0.0);
  for (std::size_t i = 0; i < m.n_cols; ++i) {
    double s = 0;
    for (const double v : mt.row_values(i)) s += v * v;
    norm[i] = std::sqrt(s);
  }
  const auto k = static_cast<std::size_t>(options.neighbours);
  std::vector<std::vector<std::int32_t>> cols(m.n_cols);
  std::vector<std::vector<double>> vals(m.n_cols);
  parallel_for(m.n_cols, detail::knn_chunk, options.n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    std::vector<double> acc(m.n_cols, 0.0);
    std::vector<std::int32_t> touched;
    for (std::size_t i = begin; i < end; ++i) {
      touched.clear();
      const auto users = mt.row_indices(i);
      const auto ru = mt.row_values(i);
      for (std::size_t a = 0; a < users.size(); ++a) {
        const auto u = static_cast<std::size_t>(users[a]);
        const auto items = m.row_indices(u);
        const auto rv = m.row_values(u);
        for (std::size_t b = 0; b < items.size(); ++b) {
          const auto j = static_cast<std::size_t>(items[b]);
          if (acc[j] == 0.0) touched.push_back(items[b]);
          acc[j] += ru[a] * rv[b];
        }
      }
      // s_ij; the candidates are the touched items (all products > 0).
      for (const std::int32_t j : touched) acc[static_cast<std::size_t>(j)] /= norm[i] * norm[static_cast<std::size_t>(j)];
      const std::size_t n = std::min(k, touched.size());
      std::partial_sort(touched.begin(), touched.begin() + static_cast<std::ptrdiff_t>(n), touched.end(),
                        detail::knn_better{&acc});
      std::sort(touched.begin(), touched.begin() + static_cast<std::ptrdiff_t>(n));
      cols[i].assign(touched.begin(), touched.begin() + static_cast<std::ptrdiff_t>(n));
      vals[i].resize(n);
      for (std::size_t q = 0; q < n; ++q) vals[i][q] = acc[static_cast<std::size_t>(cols[i][q])];
      for (const std::int32_t j : touched) acc[static_cast<std::size_t>(j)] = 0.0;
    }
  });
  item_knn_model model;
  model.neighbours = options.neighbours;
  auto& s = model.similarity;
  s.n_rows = s.n_cols = m.n_cols;
  s.indptr.assign(m.n_cols + 1, 0);
  for (std::size_t i = 0; i < m.n_cols; ++i) {
    s.indices.insert(s.indices.end(), cols[i].begin(), cols[i].end());
    s.values.insert(s.values.end(), vals[i].begin(), vals[i].end());
    s.indptr[i + 1] = static_cast<std::int64_t>(s.indices.size());
  }
  return model;
}

CRMKIT_FUNC offer_table item_knn_recommend(const item_knn_model& model, const interaction_matrix& history,
                                           std::size_t top_n, bool exclude_history, int n_threads) {
  constexpr const char* where = "item_knn_recommend";
  check_n_threads(n_threads, where);
  detail::knn_check_shape(history, where);
  const interaction_matrix& s = model.similarity;
  if (history.n_cols != s.n_rows)
    throw error(errc::invalid_argument,
                fmt::format("{}: the model has {} items, the history {} columns", where, s.n_rows, history.n_cols));
  if (top_n == 0) throw error(errc::invalid_argument, fmt::format("{}: top_n is 0", where));
  offer_table t;
  t.n_rows = history.n_rows;
  t.top_n = top_n;
  t.item.assign(history.n_rows * top_n, -1);
  t.score.assign(history.n_rows * top_n, 0.0);
  t.cold_start.assign(history.n_rows, 0);
  const std::vector<double> pop = item_popularity(history);
  std::vector<std::int32_t> by_popularity(history.n_cols);
  for (std::size_t i = 0; i < by_popularity.size(); ++i) by_popularity[i] = static_cast<std::int32_t>(i);
  std::stable_sort(by_popularity.begin(), by_popularity.end(), detail::knn_better{&pop});
  parallel_for(history.n_rows, detail::knn_row_chunk, n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    std::vector<double> score(history.n_cols, 0.0);
    std::vector<char> offered(history.n_cols, 0);
    std::vector<std::int32_t> touched;
    for (std::size_t u = begin; u < end; ++u) {
      const auto own = history.row_indices(u);
      const auto ru = history.row_values(u);
      touched.clear();
      for (std::size_t a = 0; a < own.size(); ++a) {
        const auto i = static_cast<std::size_t>(own[a]);
        const auto nb = s.row_indices(i);
        const auto sv = s.row_values(i);
        for (std::size_t b = 0; b < nb.size(); ++b) {
          const auto j = static_cast<std::size_t>(nb[b]);
          if (score[j] == 0.0) touched.push_back(nb[b]);
          score[j] += ru[a] * sv[b];
        }
      }
      if (exclude_history)
        touched.erase(std::remove_if(touched.begin(), touched.end(),
                                     [&](std::int32_t j) { return std::binary_search(own.begin(), own.end(), j); }),
                      touched.end());
      const std::size_t n = std::min(top_n, touched.size());
      std::partial_sort(touched.begin(), touched.begin() + static_cast<std::ptrdiff_t>(n), touched.end(),
                        detail::knn_better{&score});
      std::int32_t* out_item = t.item.data() + u * top_n;
      double* out_score = t.score.data() + u * top_n;
      std::size_t j = 0;
      for (; j < n; ++j) {
        out_item[j] = touched[j];
        out_score[j] = score[static_cast<std::size_t>(touched[j])];
        offered[static_cast<std::size_t>(touched[j])] = 1;
      }
      t.cold_start[u] = n == 0 ? 1 : 0;
      for (std::size_t p = 0; j < top_n && p < by_popularity.size(); ++p) {
        const std::int32_t item = by_popularity[p];
        if (offered[static_cast<std::size_t>(item)]) continue;
        if (exclude_history && std::binary_search(own.begin(), own.end(), item)) continue;
        out_item[j] = item;
        out_score[j] = pop[static_cast<std::size_t>(item)];
        ++j;
      }
      for (std::size_t q = 0; q < n; ++q) offered[static_cast<std::size_t>(touched[q])] = 0;
      for (const std::int32_t q : touched) score[static_cast<std::size_t>(q)] = 0.0;
      // entries of own items left out by exclude_history were not in touched any more
      for (const std::int32_t q : own) score[static_cast<std::size_t>(q)] = 0.0;
    }
  });
  return t;
}

CRMKIT_FUNC std::vector<scored_item> item_knn_similar(const item_knn_model& model, std::int32_t item,
                                                      std::size_t top_n) {
  constexpr const char* where = "item_knn_similar";
  const interaction_matrix& s = model.similarity;
  if (item < 0 || static_cast<std::size_t>(item) >= s.n_rows)
    throw error(errc::invalid_argument, fmt::format("{}: item {} is outside [0, {})", where, item, s.n_rows));
  if (top_n == 0) throw error(errc::invalid_argument, fmt::format("{}: top_n is 0", where));
  std::vector<scored_item> out;
  const auto nb = s.row_indices(static_cast<std::size_t>(item));
  const auto sv = s.row_values(static_cast<std::size_t>(item));
  for (std::size_t b = 0; b < nb.size(); ++b)
    if (nb[b] != item) out.push_back({nb[b], sv[b]});
  std::sort(out.begin(), out.end(), [](const scored_item& a, const scored_item& b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
  });
  if (out.size() > top_n) out.resize(top_n);
  return out;
}

CRMKIT_END_NAMESPACE
