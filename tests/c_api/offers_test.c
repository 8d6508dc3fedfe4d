/* Next best offer through the C ABI (crmkit/c/offers.h): baskets from an order-line CSV,
 * the customer x product matrix, rules and suggestions, ALS fit, recommendations with a
 * cold-start row, errors and buffer capacities; the ALS document, item kNN, offers by value
 * and the next_best_offer columns of a table. */
#define CRMKIT_TEST_WANTS_SCRATCH 1

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "crmkit/c/offers.h"
#include "test_util.h"

static void test_baskets_and_rules(void) {
  /* Orders: o1 {tea, jam} by bob, o2 {tea} by amy, o3 {jam, tea, bread} by bob, o4 {bread} by cy. */
  const char* path = write_scratch_file("lines.csv",
                                        "order,product,time,amount,customer\n"
                                        "o1,tea,2020-01-01,2.0,bob\n"
                                        "o1,jam,2020-01-01,3.0,bob\n"
                                        "o2,tea,2020-01-02,4.0,amy\n"
                                        "o3,jam,2020-01-03,1.0,bob\n"
                                        "o3,tea,2020-01-03,1.0,bob\n"
                                        "o3,bread,2020-01-03,1.5,bob\n"
                                        "o4,bread,2020-01-04,0.5,cy\n");
  crmkit_csv_options* options = NULL;
  crmkit_dataset* ds = NULL;
  crmkit_baskets* b = NULL;
  crmkit_rules* rules = NULL;
  size_t n_baskets = 0, n_entries = 0, n_items = 0, n_rows = 0, needed = 0, nnz = 0;
  int64_t offsets[5], indptr[4];
  int32_t items[7], indices[6], suggested[3];
  double data[6], score[3];
  char names[64];
  size_t n_sets = 0, set_entries = 0, n_rules = 0, ante = 0, cons = 0;

  CHECK_OK(crmkit_csv_options_create(&options));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_CUSTOMER_COLUMN, "customer"));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_TIME_COLUMN, "time"));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_ORDER_COLUMN, "order"));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_PRODUCT_COLUMN, "product"));
  CHECK_OK(crmkit_dataset_create_from_csv(path, NULL, options, &ds));
  CHECK_STATUS(crmkit_baskets_from_dataset(NULL, &b), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(b == NULL);
  CHECK_OK(crmkit_baskets_from_dataset(ds, &b));
  CHECK_OK(crmkit_baskets_shape(b, &n_baskets, &n_entries, &n_items, &n_rows));
  CHECK(n_baskets == 4 && n_entries == 7 && n_items == 3 && n_rows == 3);
  CHECK_STATUS(crmkit_baskets_item_names(b, names, 3, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(needed == 15); /* "bread\0jam\0tea\0" + final NUL */
  CHECK_OK(crmkit_baskets_item_names(b, names, sizeof names, &needed));
  CHECK(strcmp(names, "bread") == 0 && strcmp(names + 6, "jam") == 0 && strcmp(names + 10, "tea") == 0);
  CHECK_OK(crmkit_baskets_items(b, offsets, 5, items, 7));
  CHECK(offsets[1] == 2 && items[0] == 1 && items[1] == 2); /* o1: jam, tea */
  CHECK_STATUS(crmkit_baskets_matrix(b, CRMKIT_INTERACTION_ORDERS, NULL, 0, NULL, NULL, 0, &nnz),
               CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(nnz == 5);
  CHECK_OK(crmkit_baskets_matrix(b, CRMKIT_INTERACTION_ORDERS, indptr, 4, indices, data, 6, &nnz));
  /* rows amy, bob, cy: amy {tea:1}, bob {bread:1, jam:2, tea:2}, cy {bread:1} */
  CHECK(indptr[1] == 1 && indptr[2] == 4 && indptr[3] == 5);
  CHECK(data[2] == 2.0 && data[3] == 2.0);
  CHECK_STATUS(crmkit_baskets_matrix(b, 7, indptr, 4, indices, data, 6, &nnz), CRMKIT_E_INVALID_ARGUMENT);

  CHECK_OK(crmkit_rules_create(&rules));
  CHECK_STATUS(crmkit_rules_sizes(rules, &n_sets, NULL, NULL, NULL, NULL), CRMKIT_E_NOT_FITTED);
  CHECK_STATUS(crmkit_rules_set_double(rules, CRMKIT_RULES_MIN_SUPPORT, 0.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("CRMKIT_RULES_MIN_SUPPORT");
  CHECK_OK(crmkit_rules_set_double(rules, CRMKIT_RULES_MIN_SUPPORT, 0.5));
  CHECK_OK(crmkit_rules_set_double(rules, CRMKIT_RULES_MIN_THRESHOLD, 0.5));
  CHECK_OK(crmkit_rules_fit_baskets(rules, b));
  CHECK_OK(crmkit_rules_sizes(rules, &n_sets, &set_entries, &n_rules, &ante, &cons));
  /* frequent (support >= 0.5): {bread} 2/4, {jam} 2/4, {tea} 3/4, {jam, tea} 2/4 */
  CHECK(n_sets == 4 && set_entries == 5);
  CHECK(n_rules == 2); /* jam -> tea (1.0), tea -> jam (2/3) */
  {
    int64_t so[5], counts[4], ao[3], co[3];
    int32_t si[5], ai[2], ci[2];
    double support[4], metrics[2 * CRMKIT_RULES_N_COLUMNS];
    CHECK_OK(crmkit_rules_itemsets(rules, so, si, counts, support, 4, 5));
    CHECK(counts[3] == 2 && support[2] == 0.75);
    CHECK_STATUS(crmkit_rules_rules(rules, ao, ai, 2, co, ci, 2, metrics, 1), CRMKIT_E_BUFFER_TOO_SMALL);
    CHECK_OK(crmkit_rules_rules(rules, ao, ai, 2, co, ci, 2, metrics, 2));
    CHECK(ai[0] == 1 && ci[0] == 2);          /* jam -> tea */
    CHECK(metrics[3] == 1.0);                 /* confidence */
    CHECK(isinf(metrics[6]));                 /* conviction of a certain rule */
  }
  {
    const int32_t basket[1] = {1}; /* jam */
    CHECK_OK(crmkit_rules_suggest(rules, basket, 1, suggested, score, 3, &needed));
    CHECK(needed == 1 && suggested[0] == 2 && score[0] == 1.0);
    CHECK_STATUS(crmkit_rules_suggest(rules, basket, 1, suggested, score, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  }
  {
    /* Split at 2020-01-03: before {o1, o2}, after {o3, o4}; rule offers and popularity
     * on the earlier matrix, scored against what came after. */
    crmkit_baskets *before = NULL, *after = NULL;
    int64_t hp[4];
    int32_t hi[6], offers[6], cold_rows[3];
    double hd[6], offer_scores[6], metrics[CRMKIT_OFFERS_N_METRICS];
    size_t before_n = 0, hnnz = 0;
    CHECK_OK(crmkit_baskets_time_split(b, 1578009600, &before, &after));
    CHECK_OK(crmkit_baskets_shape(before, &before_n, NULL, NULL, NULL));
    CHECK(before_n == 2);
    CHECK_OK(crmkit_baskets_matrix(before, CRMKIT_INTERACTION_ORDERS, hp, 4, hi, hd, 6, &hnnz));
    CHECK(hnnz == 3); /* amy {tea}, bob {jam, tea} */
    CHECK_OK(crmkit_rules_recommend(rules, hp, hi, 3, 3, hnnz, 2, 1, offers, offer_scores, cold_rows, 6));
    CHECK(offers[0] == 1 && cold_rows[0] == 0); /* amy: tea -> jam */
    CHECK(cold_rows[2] == 1);                   /* cy: no history */
    CHECK_OK(crmkit_offers_popularity(hp, hi, 3, 3, hnnz, 2, 1, offers, offer_scores, cold_rows, 6));
    CHECK(offers[0] == 1 && offer_scores[0] == 1.0 / 3.0); /* amy: jam, held by 1 of the 3 rows */
    CHECK_STATUS(crmkit_offers_popularity(hp, hi, 3, 3, hnnz, 2, 1, offers, offer_scores, cold_rows, 5),
                 CRMKIT_E_BUFFER_TOO_SMALL);
    {
      /* relevant: bob bread (item 0), cy bread */
      const int64_t rp[4] = {0, 0, 1, 2};
      const int32_t ri[2] = {0, 0};
      const int32_t mine[4] = {0, 1, 2, 0};
      CHECK_OK(crmkit_offers_evaluate(mine, 2, 2, rp, ri, 3, 1, 1, metrics, CRMKIT_OFFERS_N_METRICS));
      CHECK(metrics[5] == 1.0 && metrics[0] == 0.0); /* only row 1 evaluated; its first offer misses */
    }
    crmkit_baskets_free(before);
    crmkit_baskets_free(after);
  }
  crmkit_rules_free(rules);
  crmkit_baskets_free(b);
  crmkit_dataset_free(ds);
  crmkit_csv_options_free(options);
}

static void test_als(void) {
  /* 4 customers x 3 products; customer 3 has no history. */
  const int64_t indptr[5] = {0, 2, 3, 5, 5};
  const int32_t indices[5] = {0, 1, 1, 0, 2};
  const double data[5] = {1, 2, 1, 3, 1};
  crmkit_als* als = NULL;
  size_t rows = 0, cols = 0, k = 0, count = 0;
  int32_t items[8], cold[4], status = -1, iterations = 0;
  double scores[8], factors[12], objective = 0, lo = 0, hi = 0, def = 0;

  CHECK_OK(crmkit_als_option_bounds(CRMKIT_ALS_FACTORS, &lo, &hi, &def));
  CHECK(lo == 1 && def == 32);
  CHECK_OK(crmkit_als_create(&als));
  CHECK_STATUS(crmkit_als_recommend(als, 2, 1, items, scores, cold, 8), CRMKIT_E_NOT_FITTED);
  CHECK_OK(crmkit_als_set_int(als, CRMKIT_ALS_FACTORS, 2));
  CHECK_OK(crmkit_als_set_int(als, CRMKIT_ALS_N_THREADS, 2));
  CHECK_OK(crmkit_als_set_double(als, CRMKIT_ALS_ALPHA, 5.0));
  CHECK_STATUS(crmkit_als_set_double(als, CRMKIT_ALS_REGULARIZATION, -1.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_als_fit(als, indptr, indices, data, 4, 3, 5, NULL, NULL));
  CHECK_OK(crmkit_als_shape(als, &rows, &cols, &k));
  CHECK(rows == 4 && cols == 3 && k == 2);
  CHECK_STATUS(crmkit_als_user_factors(als, factors, 7), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_OK(crmkit_als_user_factors(als, factors, 8));
  CHECK_OK(crmkit_als_fit_report(als, &status, &iterations, &objective, NULL));
  CHECK(status == CRMKIT_FIT_ITERATION_LIMIT && iterations == 15 && isfinite(objective));
  CHECK_OK(crmkit_als_recommend(als, 2, 1, items, scores, cold, 8));
  CHECK(cold[0] == 0 && cold[3] == 1);
  CHECK(items[0] == 2 && items[1] == -1); /* customer 0 bought 0 and 1: one product left */
  CHECK(items[6] == 0 || items[6] == 1);  /* popularity: products 0 and 1 are held by 2 rows */
  CHECK_OK(crmkit_als_similar_items(als, 0, 5, items, scores, 8, &count));
  CHECK(count == 2 && items[0] != 0);
  CHECK_STATUS(crmkit_als_similar_items(als, 3, 1, items, scores, 8, &count), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_als_fit(als, indptr, indices, data, 4, 2, 5, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("outside [0, 2)");
  CHECK_STATUS(crmkit_als_shape(als, &rows, &cols, &k), CRMKIT_E_NOT_FITTED);
  crmkit_als_free(als);
}

static void test_als_document(void) {
  const int64_t indptr[5] = {0, 2, 3, 5, 5};
  const int32_t indices[5] = {0, 1, 1, 0, 2};
  const double data[5] = {1, 2, 1, 3, 1};
  crmkit_als* als = NULL;
  crmkit_als* back = NULL;
  size_t needed = 0, needed2 = 0;
  int32_t items[8], items2[8], cold[4], cold2[4];
  double scores[8], scores2[8];
  int64_t w = -1;
  char* text = NULL;
  char* text2 = NULL;
  CHECK_OK(crmkit_als_create(&als));
  CHECK_STATUS(crmkit_als_save(als, NULL, 0, &needed), CRMKIT_E_NOT_FITTED);
  CHECK_OK(crmkit_als_set_int(als, CRMKIT_ALS_FACTORS, 2));
  CHECK_OK(crmkit_als_set_int(als, CRMKIT_ALS_WEIGHTING, CRMKIT_ALS_WEIGHTING_TFIDF));
  CHECK_OK(crmkit_als_fit(als, indptr, indices, data, 4, 3, 5, NULL, NULL));
  CHECK_STATUS(crmkit_als_save(als, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  text = malloc(needed);
  CHECK_OK(crmkit_als_save(als, text, needed, &needed));
  CHECK(strstr(text, "model = \"implicit_als\"") != NULL && strstr(text, "[history]") != NULL);
  CHECK_OK(crmkit_als_load(text, &back));
  CHECK_OK(crmkit_als_get_int(back, CRMKIT_ALS_WEIGHTING, &w));
  CHECK(w == CRMKIT_ALS_WEIGHTING_TFIDF);
  CHECK_OK(crmkit_als_recommend(als, 2, 1, items, scores, cold, 8));
  CHECK_OK(crmkit_als_recommend(back, 2, 1, items2, scores2, cold2, 8));
  CHECK(memcmp(items, items2, sizeof items) == 0 && memcmp(scores, scores2, sizeof scores) == 0);
  CHECK(memcmp(cold, cold2, sizeof cold) == 0);
  CHECK_STATUS(crmkit_als_save(back, NULL, 0, &needed2), CRMKIT_E_BUFFER_TOO_SMALL);
  text2 = malloc(needed2);
  CHECK_OK(crmkit_als_save(back, text2, needed2, &needed2));
  CHECK(needed == needed2 && strcmp(text, text2) == 0);
  crmkit_als_free(back);
  back = NULL;
  CHECK_STATUS(crmkit_als_load("model = \"implicit_als\"\nformat = 1\n", &back), CRMKIT_E_PARSE);
  CHECK(back == NULL);
  free(text);
  free(text2);
  crmkit_als_free(als);
}

static void test_item_knn_and_value(void) {
  /* rows: 0 {0,1}, 1 {1,2}, 2 {} (cold start), 3 {3} (product 3 seen once) */
  const int64_t indptr[5] = {0, 2, 4, 4, 5};
  const int32_t indices[5] = {0, 1, 1, 2, 3};
  const double data[5] = {1, 1, 1, 1, 1};
  crmkit_item_knn* knn = NULL;
  int32_t items[8], cold[4], ranked[8];
  double scores[8], values[8], sorted_scores[8];
  int64_t sp[5];
  int32_t si[16];
  double sv[16];
  size_t nnz = 0, count = 0;
  const double clv[4] = {100.0, 10.0, NAN, 0.0};
  crmkit_table* table = NULL;
  const char* ids[4] = {"a", "b", "c", "d"};
  const char* names[4] = {"P0", "P1", "P2", "P3"};
  size_t column = 0;
  double got = 0;
  CHECK_OK(crmkit_item_knn_create(&knn));
  CHECK_STATUS(crmkit_item_knn_recommend(knn, 2, 1, items, scores, cold, 8), CRMKIT_E_NOT_FITTED);
  CHECK_STATUS(crmkit_item_knn_set_int(knn, CRMKIT_ITEM_KNN_NEIGHBOURS, 0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_item_knn_fit(knn, indptr, indices, data, 4, 4, 5));
  CHECK_STATUS(crmkit_item_knn_similarity(knn, NULL, 0, NULL, NULL, 0, &nnz), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(nnz == 8); /* 0:{0,1} 1:{0,1,2} 2:{1,2} 3:{3} */
  CHECK_OK(crmkit_item_knn_similarity(knn, sp, 5, si, sv, 16, &nnz));
  CHECK(sp[4] == 8 && si[7] == 3 && fabs(sv[7] - 1.0) < 1e-15);
  CHECK_OK(crmkit_item_knn_recommend(knn, 2, 1, items, scores, cold, 8));
  CHECK(cold[0] == 0 && items[0] == 2 && cold[2] == 1 && items[4] == 1 && cold[3] == 1);
  CHECK_OK(crmkit_item_knn_similar_items(knn, 1, 5, items, scores, 8, &count));
  CHECK(count == 2 && items[0] != 1 && items[1] != 1);
  CHECK_OK(crmkit_item_knn_recommend(knn, 2, 1, items, scores, cold, 8));
  CHECK_OK(crmkit_offers_rank_by_value(items, scores, 4, 2, clv, NULL, 4, ranked, sorted_scores, values, 8));
  for (int i = 0; i < 8; ++i) CHECK(isfinite(values[i]));
  CHECK(values[4] == 0.0 && values[5] == 0.0); /* NaN CLV: value 0 */
  CHECK(fabs(values[0] - 100.0 * (scores[0] > 1 ? 1 : scores[0])) < 1e-12);
  const double negative[4] = {1, -1, 0, 0};
  CHECK_STATUS(crmkit_offers_rank_by_value(items, scores, 4, 2, negative, NULL, 4, ranked, sorted_scores, values, 8),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_table_create(ids, 4, &table));
  CHECK_OK(crmkit_offers_add_columns(table, NULL, ids, 4, names, 4, ranked, sorted_scores, values, cold, 2));
  CHECK_OK(crmkit_table_find_column(table, "next_best_offer_value", &column));
  CHECK_OK(crmkit_table_float64(table, column, values, 4));
  got = values[0];
  CHECK(isfinite(got) && got > 0);
  CHECK_OK(crmkit_table_find_column(table, "next_best_offer", &column));
  CHECK_STATUS(crmkit_offers_add_columns(table, "", ids, 4, names, 4, ranked, sorted_scores, NULL, NULL, 2),
               CRMKIT_E_INVALID_ARGUMENT);
  crmkit_table_free(table);
  crmkit_item_knn_free(knn);
}

int main(void) {
  test_baskets_and_rules();
  test_als();
  test_als_document();
  test_item_knn_and_value();
  return test_report("offers_test");
}
