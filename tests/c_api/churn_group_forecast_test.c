/* C ABI of the forecast by group (crmkit/c/churn.h: crmkit_btyd_forecast_by_group and
 * crmkit_btyd_forecast_holdout_by_group) on the bundled CDNOW sample, 39 weeks calibration
 * and 39 weeks hold-out: the groups of calibration frequency agree with
 * crmkit_btyd_validate_holdout's buckets, the total's interval with crmkit_btyd_total_interval,
 * the two-call protocol, and bad input. */
#include "test_util.h"

static const char* sample_path(void) { return CRMKIT_SOURCE_DIR "/examples/data/cdnow_sample.csv"; }

static double rel(double a, double b) {
  double d = a - b, s = b < 0 ? -b : b;
  if (d < 0) d = -d;
  return s > 0 ? d / s : d;
}

#define CAL 875577600LL  /* 1997-09-30 */
#define HOLD 899164800LL /* 1998-06-30 */
#define NC CRMKIT_GROUP_FORECAST_N_COLUMNS

int main(void) {
  crmkit_csv_options* opts = NULL;
  crmkit_dataset* ds = NULL;
  crmkit_btyd *bg = NULL, *gg = NULL;
  crmkit_table* table = NULL;
  size_t n_customers = 0, n = 0, n_groups = 0, i, g;
  int32_t* customer;
  int64_t* keys;
  int64_t out_group[16];
  double *x, *tx, *T, *m, *xh, *pred;
  double duration = 0, totals[3], auc = 0, buckets[24], rows[16 * NC], total[NC], summary[4], interval[4];

  CHECK_OK(crmkit_csv_options_create(&opts));
  CHECK_OK(crmkit_csv_options_set_string(opts, CRMKIT_CSV_TIME_COLUMN, "date"));
  CHECK_OK(crmkit_dataset_create_from_csv(sample_path(), NULL, opts, &ds));
  crmkit_csv_options_free(opts);
  if (ds == NULL) return test_report("churn_group_forecast_test");
  CHECK_OK(crmkit_dataset_n_customers(ds, &n_customers));
  customer = (int32_t*)malloc(n_customers * sizeof *customer);
  keys = (int64_t*)malloc(n_customers * sizeof *keys);
  x = (double*)malloc(n_customers * sizeof *x);
  tx = (double*)malloc(n_customers * sizeof *tx);
  T = (double*)malloc(n_customers * sizeof *T);
  m = (double*)malloc(n_customers * sizeof *m);
  xh = (double*)malloc(n_customers * sizeof *xh);
  pred = (double*)malloc(n_customers * sizeof *pred);
  CHECK_OK(crmkit_btyd_summarize(ds, CAL, 1, HOLD, 7.0, n_customers, &n, customer, x, tx, T, m, xh, &duration));
  CHECK(n == 2357);
  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_BG_NBD, &bg));
  CHECK_OK(crmkit_btyd_fit(bg, x, tx, T, NULL, n));
  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_GAMMA_GAMMA, &gg));
  CHECK_OK(crmkit_btyd_fit_spend(gg, x, m, NULL, n));
  for (i = 0; i < n; ++i) keys[i] = x[i] < 7 ? (int64_t)x[i] : 7;

  /* the two-call protocol: cap 0 and NULL buffers ask for the number of groups */
  CHECK_STATUS(crmkit_btyd_forecast_by_group(bg, gg, keys, x, tx, T, m, n, xh, NULL, duration, 0.9, 1, 0, &n_groups,
                                             NULL, NULL, NULL, NULL),
               CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(n_groups == 8);
  CHECK_OK(crmkit_btyd_forecast_by_group(bg, gg, keys, x, tx, T, m, n, xh, NULL, duration, 0.9, 1, 16, &n_groups,
                                         out_group, rows, total, summary));
  CHECK(n_groups == 8);
  CHECK_OK(crmkit_btyd_predict(bg, CRMKIT_BTYD_EXPECTED_PURCHASES, duration, x, tx, T, n, pred));
  CHECK_OK(crmkit_btyd_validate_holdout(x, pred, xh, NULL, n, 7, totals, &auc, buckets));
  for (g = 0; g < 8; ++g) {
    const double* r = rows + g * NC;
    CHECK(out_group[g] == (int64_t)g);
    CHECK(r[CRMKIT_GROUP_FORECAST_CUSTOMERS] == buckets[3 * g]);
    CHECK(rel(r[CRMKIT_GROUP_FORECAST_ACTUAL_PURCHASES], buckets[3 * g + 1] * buckets[3 * g]) < 1e-12);
    CHECK(rel(r[CRMKIT_GROUP_FORECAST_PURCHASES], buckets[3 * g + 2] * buckets[3 * g]) < 1e-12);
    CHECK(r[CRMKIT_GROUP_FORECAST_PURCHASES_LOWER] < r[CRMKIT_GROUP_FORECAST_PURCHASES]);
    CHECK(r[CRMKIT_GROUP_FORECAST_REVENUE_UPPER] > r[CRMKIT_GROUP_FORECAST_REVENUE]);
    CHECK(r[CRMKIT_GROUP_FORECAST_ACTUAL_REVENUE] != r[CRMKIT_GROUP_FORECAST_ACTUAL_REVENUE]); /* NaN: not given */
    CHECK(r[CRMKIT_GROUP_FORECAST_PURCHASES_IN_INTERVAL] == 0.0 || r[CRMKIT_GROUP_FORECAST_PURCHASES_IN_INTERVAL] == 1.0);
  }
  CHECK(total[CRMKIT_GROUP_FORECAST_CUSTOMERS] == 2357.0);
  CHECK(total[CRMKIT_GROUP_FORECAST_ACTUAL_PURCHASES] == 1882.0);
  CHECK(rel(total[CRMKIT_GROUP_FORECAST_PURCHASES], totals[1]) < 1e-12);
  CHECK(summary[0] > 0 && summary[0] < 0.5);
  CHECK(summary[1] != summary[1]); /* no revenue actuals: NaN */
  CHECK_OK(crmkit_btyd_total_interval(bg, CRMKIT_BTYD_EXPECTED_PURCHASES, duration, 0.9, CRMKIT_BTYD_INTERVAL_DELTA,
                                      10, 0, x, tx, T, n, interval));
  CHECK(rel(total[CRMKIT_GROUP_FORECAST_PURCHASES_SE], interval[1]) < 1e-9);
  CHECK(rel(total[CRMKIT_GROUP_FORECAST_PURCHASES_UPPER], interval[3]) < 1e-9);
  /* too small a buffer */
  CHECK_STATUS(crmkit_btyd_forecast_by_group(bg, NULL, keys, x, tx, T, NULL, n, NULL, NULL, 39, 0.9, 1, 7, &n_groups,
                                             out_group, rows, NULL, NULL),
               CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(n_groups == 8);

  /* bad input */
  CHECK_STATUS(crmkit_btyd_forecast_by_group(bg, NULL, NULL, x, tx, T, NULL, n, NULL, NULL, 39, 0.9, 1, 16, &n_groups,
                                             out_group, rows, NULL, NULL),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("group");
  CHECK_STATUS(crmkit_btyd_forecast_by_group(gg, NULL, keys, x, tx, T, NULL, n, NULL, NULL, 39, 0.9, 1, 16, &n_groups,
                                             out_group, rows, NULL, NULL),
               CRMKIT_E_UNSUPPORTED);
  CHECK_STATUS(crmkit_btyd_forecast_by_group(bg, NULL, keys, x, tx, T, m, n, NULL, NULL, 39, 0.9, 1, 16, &n_groups,
                                             out_group, rows, NULL, NULL),
               CRMKIT_E_INVALID_ARGUMENT); /* monetary_value without a spend model */
  CHECK_STATUS(crmkit_btyd_forecast_by_group(bg, NULL, keys, x, tx, T, NULL, n, NULL, NULL, -1, 0.9, 1, 16, &n_groups,
                                             out_group, rows, NULL, NULL),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("horizon");
  {
    double keep = x[4];
    x[4] = 0.0 / 0.0;
    CHECK_STATUS(crmkit_btyd_forecast_by_group(bg, NULL, keys, x, tx, T, NULL, n, NULL, NULL, 39, 0.9, 1, 16,
                                               &n_groups, out_group, rows, NULL, NULL),
                 CRMKIT_E_INVALID_ARGUMENT);
    x[4] = keep;
  }

  /* the hold-out entry point on the dataset, grouped by the ABC class scored at calibration */
  CHECK_OK(crmkit_score_customers(ds, CAL, NULL, &table));
  CHECK_OK(crmkit_btyd_forecast_holdout_by_group(ds, table, "abc", CAL, HOLD, 7.0, CRMKIT_BTYD_BG_NBD, NULL, NULL, 1,
                                                 0.9, 2, 16, &n_groups, out_group, rows, total, summary));
  CHECK(n_groups >= 3);
  CHECK(out_group[0] == 0 && out_group[1] == 1 && out_group[2] == 2);
  CHECK(total[CRMKIT_GROUP_FORECAST_ACTUAL_PURCHASES] == 1882.0);
  CHECK(total[CRMKIT_GROUP_FORECAST_ACTUAL_REVENUE] > 0);
  CHECK(summary[0] > 0 && summary[1] > 0);
  {
    double customers = 0, purchases = 0;
    for (g = 0; g < n_groups; ++g) {
      customers += rows[g * NC + CRMKIT_GROUP_FORECAST_CUSTOMERS];
      purchases += rows[g * NC + CRMKIT_GROUP_FORECAST_PURCHASES];
    }
    CHECK(customers == 2357.0);
    CHECK(rel(purchases, total[CRMKIT_GROUP_FORECAST_PURCHASES]) < 1e-12);
    CHECK(rel(purchases, totals[1]) < 1e-9); /* the same BG/NBD fit */
  }
  CHECK_STATUS(crmkit_btyd_forecast_holdout_by_group(ds, table, "no_such_column", CAL, HOLD, 7.0, CRMKIT_BTYD_BG_NBD,
                                                     NULL, NULL, 1, 0.9, 1, 16, &n_groups, out_group, rows, NULL,
                                                     NULL),
               CRMKIT_E_NOT_FOUND);
  CHECK_MESSAGE_HAS("no_such_column");
  CHECK_STATUS(crmkit_btyd_forecast_holdout_by_group(ds, table, "abc", CAL, CAL - 86400 * 30, 7.0, CRMKIT_BTYD_BG_NBD,
                                                     NULL, NULL, 1, 0.9, 1, 16, &n_groups, out_group, rows, NULL,
                                                     NULL),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("not after the calibration end");
  CHECK_STATUS(crmkit_btyd_forecast_holdout_by_group(ds, table, "abc", CAL, HOLD, 7.0, 9, NULL, NULL, 1, 0.9, 1, 16,
                                                     &n_groups, out_group, rows, NULL, NULL),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_btyd_forecast_holdout_by_group(ds, NULL, "abc", CAL, HOLD, 7.0, CRMKIT_BTYD_BG_NBD, bg, gg, 1,
                                                     0.9, 1, 16, &n_groups, out_group, rows, NULL, NULL),
               CRMKIT_E_NOT_FOUND); /* the dataset's own table has no abc column */
  CHECK_STATUS(crmkit_btyd_forecast_holdout_by_group(NULL, table, "abc", CAL, HOLD, 7.0, CRMKIT_BTYD_BG_NBD, NULL,
                                                     NULL, 1, 0.9, 1, 16, &n_groups, out_group, rows, NULL, NULL),
               CRMKIT_E_INVALID_ARGUMENT);

  crmkit_table_free(table);
  crmkit_btyd_free(gg);
  crmkit_btyd_free(bg);
  crmkit_dataset_free(ds);
  free(customer);
  free(keys);
  free(x);
  free(tx);
  free(T);
  free(m);
  free(xh);
  free(pred);
  return test_report("churn_group_forecast_test");
}
