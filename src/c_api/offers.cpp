// crmkit/c/offers.h: the crmkit_baskets, crmkit_rules and crmkit_als handles over
// crmkit/offers/*.hpp.
#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "c_api_internal.hpp"
#include "crmkit/c/offers.h"
#include "crmkit/offers/association_rules.hpp"
#include "crmkit/offers/baskets.hpp"
#include "crmkit/offers/evaluation.hpp"
#include "crmkit/offers/implicit_als.hpp"
#include "crmkit/offers/item_knn.hpp"
#include "crmkit/offers/offer_value.hpp"

using namespace crmkit::capi;

struct crmkit_baskets {
  crmkit::basket_set baskets;
};

struct crmkit_rules {
  crmkit::rules_options options;
  struct result {
    std::size_t n_baskets = 0;
    std::vector<crmkit::frequent_itemset> itemsets;
    std::vector<crmkit::association_rule> rules;
  };
  std::optional<result> fit;
};

struct crmkit_item_knn {
  crmkit::item_knn_options options;
  std::optional<crmkit::item_knn_model> model;
  crmkit::interaction_matrix history;
};

struct crmkit_als {
  crmkit::als_options options;
  std::optional<crmkit::als_model> model;
  crmkit::interaction_matrix history;
};

namespace {


const crmkit_rules::result& fitted(const crmkit_rules* h, const char* function) {
  if (!h->fit) fail(errc::not_fitted, function, "the rules handle has no result; call crmkit_rules_fit_baskets first");
  return *h->fit;
}

const crmkit::als_model& fitted(const crmkit_als* h, const char* function) {
  if (!h->model) fail(errc::not_fitted, function, "the ALS handle has no model; call crmkit_als_fit first");
  return *h->model;
}

// The handle of crmkit_als_load, and the history crmkit_als_save writes (none when empty).
crmkit_als als_handle(const char* text) {
  auto saved = crmkit::als_from_text(text);
  return {saved.options, std::move(saved.model), std::move(saved.history)};
}
const crmkit::interaction_matrix* history_of(const crmkit_als& h) {
  return h.history.n_rows > 0 ? &h.history : nullptr;
}

const crmkit::item_knn_model& fitted(const crmkit_item_knn* h, const char* function) {
  if (!h->model) fail(errc::not_fitted, function, "the item kNN handle has no model; call crmkit_item_knn_fit first");
  return *h->model;
}

// A factor matrix into out[0..cap) (crmkit_als_user_factors, _item_factors).
void copy_factors(const crmkit::factor_matrix& f, double* out, std::size_t cap, const char* function) {
  const auto size = static_cast<std::size_t>(f.size());
  check_capacity(cap, size, function);
  if (size > 0) std::memcpy(not_null(out, function, "out"), f.data(), size * sizeof(double));
}

// Copies scored items (two-call: *out_count always set).
void write_scored(const std::vector<crmkit::scored_item>& s, int32_t* out_items, double* out_scores, size_t cap,
                  size_t* out_count, const char* function) {
  *out_count = s.size();
  check_capacity(cap, s.size(), function);
  if (!s.empty()) {
    if (out_items == nullptr) throw_null(function, "out_items");
    if (out_scores == nullptr) throw_null(function, "out_scores");
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    out_items[i] = s[i].item;
    out_scores[i] = s[i].score;
  }
}

// NUL-terminated names one after the other (the final NUL is copy_out's).
void copy_names(const std::vector<std::string>& names, char* buf, std::size_t cap, std::size_t* out_needed,
                const char* function) {
  std::string text;
  for (const auto& name : names) {
    text += name;
    text += '\0';
  }
  copy_out(text, buf, cap, out_needed, function);
}

// Offsets and concatenated items of a list of item vectors.
template <class Get>
void write_lists(std::size_t n, Get get, std::int64_t* offsets, std::int32_t* items) {
  std::int64_t at = 0;
  offsets[0] = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::vector<std::int32_t>& v = get(i);
    std::copy(v.begin(), v.end(), items + at);
    at += static_cast<std::int64_t>(v.size());
    offsets[i + 1] = at;
  }
}

// A CSR matrix into the caller's indptr / indices / data with capacities (*out_nnz first,
// so that a too-small buffer still tells the size).
void copy_csr_out(const crmkit::interaction_matrix& m, std::int64_t* indptr, std::size_t indptr_cap,
                  std::int32_t* indices, double* data, std::size_t nnz_cap, std::size_t* out_nnz,
                  const char* function) {
  *not_null(out_nnz, function, "out_nnz") = m.nnz();
  check_capacity(indptr_cap, m.indptr.size(), function, "indptr_cap");
  check_capacity(nnz_cap, m.nnz(), function, "nnz_cap");
  not_null(indptr, function, "indptr");
  if (m.nnz() > 0) {
    not_null(indices, function, "indices");
    not_null(data, function, "data");
  }
  std::copy(m.indptr.begin(), m.indptr.end(), indptr);
  std::copy(m.indices.begin(), m.indices.end(), indices);
  std::copy(m.values.begin(), m.values.end(), data);
}

// A CSR structure from the host (values 1).
crmkit::interaction_matrix structure(const int64_t* indptr, const int32_t* indices, std::size_t n_rows,
                                     std::size_t n_cols, std::size_t nnz, const char* function) {
  if (indptr == nullptr) throw_null(function, "indptr");
  const std::vector<double> ones(nnz, 1.0);
  return crmkit::make_interaction_matrix({indptr, n_rows + 1}, array_arg(indices, nnz, function, "indices"), ones, n_rows,
                                         n_cols);
}

void write_offers(const crmkit::offer_table& t, int32_t* out_items, double* out_scores, int32_t* out_cold_start,
                  std::size_t cap, const char* function) {
  if (out_items == nullptr) throw_null(function, "out_items");
  if (out_scores == nullptr) throw_null(function, "out_scores");
  check_capacity(cap, t.item.size(), function);
  std::copy(t.item.begin(), t.item.end(), out_items);
  std::copy(t.score.begin(), t.score.end(), out_scores);
  if (out_cold_start != nullptr) std::copy(t.cold_start.begin(), t.cold_start.end(), out_cold_start);
}

// The offer table of a caller's n_rows x top_n items and scores (no cold starts).
crmkit::offer_table offers_of(const int32_t* items, const double* scores, std::size_t n_rows, std::size_t top_n,
                              const char* function) {
  const std::size_t n = n_rows * top_n;
  const auto in_items = array_arg(items, n, function, "items");
  const auto in_scores = array_arg(scores, n, function, "scores");
  crmkit::offer_table t;
  t.n_rows = n_rows;
  t.top_n = top_n;
  t.item.assign(in_items.begin(), in_items.end());
  t.score.assign(in_scores.begin(), in_scores.end());
  t.cold_start.assign(n_rows, 0);
  return t;
}

}  // namespace

extern "C" {

// ---- baskets -------------------------------------------------------------------------

CRMKIT_API int crmkit_baskets_from_dataset(const crmkit_dataset* data, crmkit_baskets** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  auto h = std::make_unique<crmkit_baskets>();
  h->baskets = crmkit::baskets_from_dataset(CRMKIT_NOT_NULL(data)->data);
  *out = h.release();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_baskets_from_arrays(const int64_t* offsets, size_t n_baskets, const int32_t* items,
                                          size_t n_entries, size_t n_items, crmkit_baskets** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  auto h = std::make_unique<crmkit_baskets>();
  h->baskets = crmkit::make_baskets({CRMKIT_NOT_NULL(offsets), n_baskets + 1},
                                    array_arg(items, n_entries, __func__, "items"), n_items);
  *out = h.release();
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_baskets_free(crmkit_baskets* baskets) { delete baskets; }

CRMKIT_API int crmkit_baskets_shape(const crmkit_baskets* baskets, size_t* out_n_baskets, size_t* out_n_entries,
                                    size_t* out_n_items, size_t* out_n_rows) {
  CRMKIT_API_BEGIN();
  const auto& b = CRMKIT_NOT_NULL(baskets)->baskets;
  put(out_n_baskets, b.size(), out_n_entries, b.items.size(), out_n_items, b.n_items, out_n_rows, b.row_ids.size());
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_baskets_items(const crmkit_baskets* baskets, int64_t* offsets, size_t offsets_cap,
                                    int32_t* items, size_t items_cap) {
  CRMKIT_API_BEGIN();
  const auto& b = CRMKIT_NOT_NULL(baskets)->baskets;
  CRMKIT_CHECK_NOT_NULL(offsets);
  if (items == nullptr && !b.items.empty()) throw_null(__func__, "items");
  check_capacity(offsets_cap, b.offsets.size(), __func__, "offsets_cap");
  check_capacity(items_cap, b.items.size(), __func__, "items_cap");
  std::copy(b.offsets.begin(), b.offsets.end(), offsets);
  std::copy(b.items.begin(), b.items.end(), items);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_baskets_basket_rows(const crmkit_baskets* baskets, int32_t* out_row, int64_t* out_time,
                                          size_t cap) {
  CRMKIT_API_BEGIN();
  const auto& b = CRMKIT_NOT_NULL(baskets)->baskets;
  if (b.basket_row.size() != b.size()) fail(__func__, "these baskets were made from arrays and have no customers");
  check_capacity(cap, b.size(), __func__);
  if (out_row != nullptr) std::copy(b.basket_row.begin(), b.basket_row.end(), out_row);
  if (out_time != nullptr) std::copy(b.basket_time.begin(), b.basket_time.end(), out_time);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_baskets_item_names(const crmkit_baskets* baskets, char* buf, size_t cap, size_t* out_needed) {
  CRMKIT_API_BEGIN();
  copy_names(CRMKIT_NOT_NULL(baskets)->baskets.item_names, buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_baskets_row_ids(const crmkit_baskets* baskets, char* buf, size_t cap, size_t* out_needed) {
  CRMKIT_API_BEGIN();
  copy_names(CRMKIT_NOT_NULL(baskets)->baskets.row_ids, buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_baskets_matrix(const crmkit_baskets* baskets, int32_t value, int64_t* indptr,
                                     size_t indptr_cap, int32_t* indices, double* data, size_t nnz_cap,
                                     size_t* out_nnz) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(baskets, out_nnz);
  if (value != CRMKIT_INTERACTION_ORDERS && value != CRMKIT_INTERACTION_SPEND)
    fail(__func__, "value = {} is neither CRMKIT_INTERACTION_ORDERS (0) nor _SPEND (1)", value);
  const auto m = crmkit::customer_product_matrix(baskets->baskets, static_cast<crmkit::interaction_value>(value));
  copy_csr_out(m, indptr, indptr_cap, indices, data, nnz_cap, out_nnz, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_baskets_time_split(const crmkit_baskets* baskets, int64_t cutoff, crmkit_baskets** out_before,
                                         crmkit_baskets** out_after) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out_before, out_after);
  *out_before = nullptr;
  *out_after = nullptr;
  auto split = crmkit::time_split(CRMKIT_NOT_NULL(baskets)->baskets, cutoff);
  auto before = std::make_unique<crmkit_baskets>();
  auto after = std::make_unique<crmkit_baskets>();
  before->baskets = std::move(split.first);
  after->baskets = std::move(split.second);
  *out_before = before.release();
  *out_after = after.release();
  CRMKIT_API_END();
}

// ---- offers from a history and their evaluation ----------------------------------------

CRMKIT_API int crmkit_offers_popularity(const int64_t* indptr, const int32_t* indices, size_t n_rows, size_t n_cols,
                                        size_t nnz, size_t top_n, int32_t exclude_history, int32_t* out_items,
                                        double* out_scores, int32_t* out_cold_start, size_t cap) {
  CRMKIT_API_BEGIN();
  const auto history = structure(indptr, indices, n_rows, n_cols, nnz, __func__);
  write_offers(crmkit::popularity_recommend(history, top_n, exclude_history != 0), out_items, out_scores,
               out_cold_start, cap, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_offers_evaluate(const int32_t* offer_items, size_t n_rows, size_t top_n,
                                      const int64_t* relevant_indptr, const int32_t* relevant_indices,
                                      size_t n_cols, size_t relevant_nnz, size_t k, double* out_metrics, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out_metrics);
  const auto relevant = structure(relevant_indptr, relevant_indices, n_rows, n_cols, relevant_nnz, __func__);
  crmkit::offer_table t;
  t.n_rows = n_rows;
  t.top_n = top_n;
  const auto items = array_arg(offer_items, n_rows * top_n, __func__, "offer_items");
  t.item.assign(items.begin(), items.end());
  check_capacity(cap, CRMKIT_OFFERS_N_METRICS, __func__);
  const auto m = crmkit::evaluate_offers(t, relevant, k);
  const double row[CRMKIT_OFFERS_N_METRICS] = {m.precision, m.recall, m.map, m.ndcg, m.coverage,
                                               static_cast<double>(m.n_evaluated)};
  std::copy(row, row + CRMKIT_OFFERS_N_METRICS, out_metrics);
  CRMKIT_API_END();
}

// ---- association rules -----------------------------------------------------------------

CRMKIT_C_CREATE_FREE(crmkit_rules)
CRMKIT_C_OPTIONS(crmkit_rules, rules)

CRMKIT_API int crmkit_rules_fit_baskets(crmkit_rules* rules, const crmkit_baskets* baskets) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(rules);
  rules->fit.reset();
  const auto& b = CRMKIT_NOT_NULL(baskets)->baskets;
  crmkit_rules::result r;
  r.n_baskets = b.size();
  r.itemsets = crmkit::fpgrowth(b, rules->options);
  r.rules = crmkit::association_rules(r.itemsets, rules->options);
  rules->fit = std::move(r);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rules_sizes(const crmkit_rules* rules, size_t* out_n_itemsets, size_t* out_itemset_entries,
                                  size_t* out_n_rules, size_t* out_antecedent_entries,
                                  size_t* out_consequent_entries) {
  CRMKIT_API_BEGIN();
  const auto& r = fitted(CRMKIT_NOT_NULL(rules), __func__);
  std::size_t entries = 0, ante = 0, cons = 0;
  for (const auto& s : r.itemsets) entries += s.items.size();
  for (const auto& x : r.rules) {
    ante += x.antecedent.size();
    cons += x.consequent.size();
  }
  put(out_n_itemsets, r.itemsets.size(), out_itemset_entries, entries, out_n_rules, r.rules.size(),
      out_antecedent_entries, ante, out_consequent_entries, cons);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rules_itemsets(const crmkit_rules* rules, int64_t* offsets, int32_t* items, int64_t* counts,
                                     double* support, size_t sets_cap, size_t items_cap) {
  CRMKIT_API_BEGIN();
  const auto& r = fitted(CRMKIT_NOT_NULL(rules), __func__);
  CRMKIT_CHECK_NOT_NULL(offsets, counts, support);
  std::size_t entries = 0;
  for (const auto& s : r.itemsets) entries += s.items.size();
  if (entries > 0) CRMKIT_CHECK_NOT_NULL(items);
  check_capacity(sets_cap, r.itemsets.size(), __func__, "sets_cap");
  check_capacity(items_cap, entries, __func__, "items_cap");
  write_lists(r.itemsets.size(), [&](std::size_t i) -> const std::vector<std::int32_t>& { return r.itemsets[i].items; },
              offsets, items);
  for (std::size_t i = 0; i < r.itemsets.size(); ++i) {
    counts[i] = r.itemsets[i].count;
    support[i] = r.itemsets[i].support;
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rules_rules(const crmkit_rules* rules, int64_t* antecedent_offsets, int32_t* antecedent_items,
                                  size_t antecedent_cap, int64_t* consequent_offsets, int32_t* consequent_items,
                                  size_t consequent_cap, double* metrics, size_t rules_cap) {
  CRMKIT_API_BEGIN();
  const auto& r = fitted(CRMKIT_NOT_NULL(rules), __func__);
  CRMKIT_CHECK_NOT_NULL(antecedent_offsets, consequent_offsets);
  std::size_t ante = 0, cons = 0;
  for (const auto& x : r.rules) {
    ante += x.antecedent.size();
    cons += x.consequent.size();
  }
  if (!r.rules.empty()) CRMKIT_CHECK_NOT_NULL(antecedent_items, consequent_items, metrics);
  check_capacity(rules_cap, r.rules.size(), __func__, "rules_cap");
  check_capacity(antecedent_cap, ante, __func__, "antecedent_cap");
  check_capacity(consequent_cap, cons, __func__, "consequent_cap");
  write_lists(r.rules.size(), [&](std::size_t i) -> const std::vector<std::int32_t>& { return r.rules[i].antecedent; },
              antecedent_offsets, antecedent_items);
  write_lists(r.rules.size(), [&](std::size_t i) -> const std::vector<std::int32_t>& { return r.rules[i].consequent; },
              consequent_offsets, consequent_items);
  for (std::size_t i = 0; i < r.rules.size(); ++i) {
    const auto& x = r.rules[i];
    const double row[CRMKIT_RULES_N_COLUMNS] = {x.antecedent_support, x.consequent_support, x.support, x.confidence,
                                                x.lift, x.leverage, x.conviction, x.zhangs_metric};
    std::copy(row, row + CRMKIT_RULES_N_COLUMNS, metrics + i * CRMKIT_RULES_N_COLUMNS);
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rules_keep_top_per_antecedent(crmkit_rules* rules, size_t n) {
  CRMKIT_API_BEGIN();
  fitted(CRMKIT_NOT_NULL(rules), __func__);
  rules->fit->rules = crmkit::top_rules_per_antecedent(rules->fit->rules, n);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rules_suggest(const crmkit_rules* rules, const int32_t* basket, size_t n, int32_t* out_items,
                                    double* out_scores, size_t cap, size_t* out_needed) {
  CRMKIT_API_BEGIN();
  const auto& r = fitted(CRMKIT_NOT_NULL(rules), __func__);
  CRMKIT_CHECK_NOT_NULL(out_needed);
  write_scored(crmkit::suggest_items(r.rules, array_arg(basket, n, __func__, "basket")), out_items, out_scores, cap,
               out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rules_recommend(const crmkit_rules* rules, const int64_t* indptr, const int32_t* indices,
                                      size_t n_rows, size_t n_cols, size_t nnz, size_t top_n,
                                      int32_t exclude_history, int32_t* out_items, double* out_scores,
                                      int32_t* out_cold_start, size_t cap) {
  CRMKIT_API_BEGIN();
  const auto& r = fitted(CRMKIT_NOT_NULL(rules), __func__);
  const auto history = structure(indptr, indices, n_rows, n_cols, nnz, __func__);
  write_offers(crmkit::rules_recommend(r.rules, history, top_n, exclude_history != 0), out_items, out_scores,
               out_cold_start, cap, __func__);
  CRMKIT_API_END();
}

// ---- implicit ALS ----------------------------------------------------------------------

CRMKIT_C_CREATE_FREE(crmkit_als)
CRMKIT_C_OPTIONS(crmkit_als, als)

CRMKIT_API int crmkit_als_fit(crmkit_als* als, const int64_t* indptr, const int32_t* indices, const double* data,
                              size_t n_rows, size_t n_cols, size_t nnz, const double* user_init,
                              const double* item_init) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(als);
  als->model.reset();
  als->history = {};
  CRMKIT_CHECK_NOT_NULL(indptr);
  if ((user_init == nullptr) != (item_init == nullptr))
    fail(__func__, "give both user_init and item_init, or neither (user_init {}, item_init {})",
         user_init ? "given" : "NULL", item_init ? "given" : "NULL");
  auto m = crmkit::make_interaction_matrix({indptr, n_rows + 1}, array_arg(indices, nnz, __func__, "indices"),
                                           array_arg(data, nnz, __func__, "data"), n_rows, n_cols);
  if (user_init == nullptr) {
    als->model = crmkit::als_fit(m, als->options);
  } else {
    const auto k = static_cast<Eigen::Index>(als->options.factors);
    const Eigen::Map<const crmkit::factor_matrix> u(user_init, static_cast<Eigen::Index>(n_rows), k);
    const Eigen::Map<const crmkit::factor_matrix> v(item_init, static_cast<Eigen::Index>(n_cols), k);
    als->model = crmkit::als_fit(m, als->options, u, v);
  }
  als->history = std::move(m);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_als_shape(const crmkit_als* als, size_t* out_n_rows, size_t* out_n_cols, size_t* out_factors) {
  CRMKIT_API_BEGIN();
  const auto& m = fitted(CRMKIT_NOT_NULL(als), __func__);
  *CRMKIT_NOT_NULL(out_n_rows) = static_cast<std::size_t>(m.user_factors.rows());
  *CRMKIT_NOT_NULL(out_n_cols) = static_cast<std::size_t>(m.item_factors.rows());
  *CRMKIT_NOT_NULL(out_factors) = static_cast<std::size_t>(m.user_factors.cols());
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_als_user_factors(const crmkit_als* als, double* out, size_t cap) {
  CRMKIT_API_BEGIN();
  copy_factors(fitted(CRMKIT_NOT_NULL(als), __func__).user_factors, out, cap, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_als_item_factors(const crmkit_als* als, double* out, size_t cap) {
  CRMKIT_API_BEGIN();
  copy_factors(fitted(CRMKIT_NOT_NULL(als), __func__).item_factors, out, cap, __func__);
  CRMKIT_API_END();
}

CRMKIT_C_FIT_REPORT(crmkit_als, als, fitted(CRMKIT_NOT_NULL(als), __func__).report)

CRMKIT_API int crmkit_als_recommend(const crmkit_als* als, size_t top_n, int32_t exclude_bought, int32_t* out_items,
                                    double* out_scores, int32_t* out_cold_start, size_t cap) {
  CRMKIT_API_BEGIN();
  const auto& model = fitted(CRMKIT_NOT_NULL(als), __func__);
  CRMKIT_CHECK_NOT_NULL(out_items, out_scores);
  if (als->history.n_rows == 0)
    throw error(errc::invalid_argument, fmt::format("{}: the handle was loaded from a document without [history]; "
                                                    "there is no history to recommend from", __func__));
  const auto t = crmkit::als_recommend(model, als->history, top_n, exclude_bought != 0, als->options.n_threads);
  write_offers(t, out_items, out_scores, out_cold_start, cap, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_als_similar_items(const crmkit_als* als, int32_t item, size_t top_n, int32_t* out_items,
                                        double* out_scores, size_t cap, size_t* out_count) {
  CRMKIT_API_BEGIN();
  const auto& model = fitted(CRMKIT_NOT_NULL(als), __func__);
  CRMKIT_CHECK_NOT_NULL(out_count);
  write_scored(crmkit::similar_items(model, item, top_n), out_items, out_scores, cap, out_count, __func__);
  CRMKIT_API_END();
}


CRMKIT_C_SAVE_LOAD(crmkit_als, als, als_to_text(fitted(als, __func__), als->options, history_of(*als)), als_handle)

CRMKIT_C_CREATE_FREE(crmkit_item_knn)
CRMKIT_C_INT_OPTIONS(crmkit_item_knn, knn)
CRMKIT_C_OPTION_BOUNDS(crmkit_item_knn)

CRMKIT_API int crmkit_item_knn_fit(crmkit_item_knn* knn, const int64_t* indptr, const int32_t* indices,
                                   const double* data, size_t n_rows, size_t n_cols, size_t nnz) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(knn);
  knn->model.reset();
  knn->history = {};
  CRMKIT_CHECK_NOT_NULL(indptr);
  auto m = crmkit::make_interaction_matrix({indptr, n_rows + 1}, array_arg(indices, nnz, __func__, "indices"),
                                           array_arg(data, nnz, __func__, "data"), n_rows, n_cols);
  knn->model = crmkit::item_knn_fit(m, knn->options);
  knn->history = std::move(m);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_item_knn_similarity(const crmkit_item_knn* knn, int64_t* indptr, size_t indptr_cap,
                                          int32_t* indices, double* data, size_t nnz_cap, size_t* out_nnz) {
  CRMKIT_API_BEGIN();
  const auto& m = fitted(CRMKIT_NOT_NULL(knn), __func__).similarity;
  copy_csr_out(m, indptr, indptr_cap, indices, data, nnz_cap, out_nnz, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_item_knn_recommend(const crmkit_item_knn* knn, size_t top_n, int32_t exclude_bought,
                                         int32_t* out_items, double* out_scores, int32_t* out_cold_start,
                                         size_t cap) {
  CRMKIT_API_BEGIN();
  const auto& model = fitted(CRMKIT_NOT_NULL(knn), __func__);
  CRMKIT_CHECK_NOT_NULL(out_items, out_scores);
  const auto t = crmkit::item_knn_recommend(model, knn->history, top_n, exclude_bought != 0, knn->options.n_threads);
  write_offers(t, out_items, out_scores, out_cold_start, cap, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_item_knn_similar_items(const crmkit_item_knn* knn, int32_t item, size_t top_n,
                                             int32_t* out_items, double* out_scores, size_t cap, size_t* out_count) {
  CRMKIT_API_BEGIN();
  const auto& model = fitted(CRMKIT_NOT_NULL(knn), __func__);
  CRMKIT_CHECK_NOT_NULL(out_count);
  write_scored(crmkit::item_knn_similar(model, item, top_n), out_items, out_scores, cap, out_count, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_offers_rank_by_value(const int32_t* items, const double* scores, size_t n_rows, size_t top_n,
                                           const double* row_value, const double* item_value, size_t n_items,
                                           int32_t* out_items, double* out_scores, double* out_values, size_t cap) {
  CRMKIT_API_BEGIN();
  const std::size_t n = n_rows * top_n;
  const crmkit::offer_table t = offers_of(items, scores, n_rows, top_n, __func__);
  const auto rows = array_arg(row_value, n_rows, __func__, "row_value");
  const auto per_item = item_value == nullptr ? std::span<const double>{} : std::span<const double>(item_value, n_items);
  const auto out = crmkit::rank_by_value(t, rows, per_item);
  check_capacity(cap, n, __func__);
  if (n > 0) CRMKIT_CHECK_NOT_NULL(out_items, out_scores, out_values);
  std::copy(out.item.begin(), out.item.end(), out_items);
  std::copy(out.score.begin(), out.score.end(), out_scores);
  std::copy(out.value.begin(), out.value.end(), out_values);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_offers_add_columns(crmkit_table* table, const char* prefix, const char* const* row_ids,
                                         size_t n_rows, const char* const* item_names, size_t n_items,
                                         const int32_t* items, const double* scores, const double* values,
                                         const int32_t* cold_start, size_t top_n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(table);
  if (top_n == 0) fail(__func__, "top_n is 0");
  const std::size_t n = n_rows * top_n;
  auto strings = [&](const char* const* p, std::size_t count, const char* argument) {
    const auto in = array_arg(p, count, __func__, argument);
    std::vector<std::string> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      if (in[i] == nullptr) fail(__func__, "{}[{}] is NULL", argument, i);
      out.emplace_back(in[i]);
    }
    return out;
  };
  const auto ids = strings(row_ids, n_rows, "row_ids");
  const auto names = strings(item_names, n_items, "item_names");
  crmkit::offer_table t = offers_of(items, scores, n_rows, top_n, __func__);
  if (values != nullptr) t.value.assign(values, values + n);
  if (cold_start != nullptr)
    for (std::size_t r = 0; r < n_rows; ++r) t.cold_start[r] = cold_start[r] != 0 ? 1 : 0;
  crmkit::add_offer_columns(table->table, t, ids, names, prefix == nullptr ? "next_best_offer" : prefix);
  CRMKIT_API_END();
}

}  // extern "C"
