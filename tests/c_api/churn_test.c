/* C ABI of the BTYD churn models (crmkit/c/churn.h): NULL arguments, a real fit on the
 * bundled CDNOW sample reproducing the published BG/NBD parameters, predictions, CLV,
 * hold-out validation, and bad input. */
#include <math.h> /* isfinite only: the test links without libm */

#include "test_util.h"

/* The bundled sample (CRMKIT_SOURCE_DIR from tests/c_api/CMakeLists.txt; __FILE__ may be relative). */
static const char* sample_path(void) { return CRMKIT_SOURCE_DIR "/examples/data/cdnow_sample.csv"; }

/* Rounding without libm (the C tests link only libcrmkit). */
static double round_to(double v, double scale) {
  double s = v * scale;
  long long k = (long long)(s < 0 ? s - 0.5 : s + 0.5);
  return (double)k / scale;
}
static double round3(double v) { return round_to(v, 1000.0); }
static double abs_of(double v) { return v < 0 ? -v : v; }

static void null_arguments(void) {
  crmkit_btyd* m = NULL;
  double v = 0;
  CHECK_STATUS(crmkit_btyd_create(CRMKIT_BTYD_BG_NBD, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_btyd_create(99, &m), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(m == NULL);
  crmkit_btyd_free(NULL);
  CHECK_STATUS(crmkit_btyd_fit(NULL, &v, &v, &v, NULL, 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("model");
  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_BG_NBD, &m));
  CHECK_STATUS(crmkit_btyd_fit(m, NULL, &v, &v, NULL, 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_btyd_params(m, &v, 4), CRMKIT_E_NOT_FITTED);
  CHECK_STATUS(crmkit_btyd_predict(m, CRMKIT_BTYD_P_ALIVE, 0, &v, &v, &v, 1, &v), CRMKIT_E_NOT_FITTED);
  CHECK_STATUS(crmkit_btyd_fit_report(m, NULL, NULL, NULL, NULL), CRMKIT_E_NOT_FITTED);
  CHECK_STATUS(crmkit_btyd_set_int(m, CRMKIT_BTYD_N_THREADS, 0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_btyd_set_double(m, CRMKIT_BTYD_TOL, -1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_btyd_summarize(NULL, 0, 0, 0, 7, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK(crmkit_btyd_n_params(NULL) == 0);
  crmkit_btyd_free(m);
}

static void cdnow(void) {
  crmkit_csv_options* opts = NULL;
  crmkit_dataset* ds = NULL;
  crmkit_btyd* bg = NULL;
  crmkit_btyd* gg = NULL;
  size_t n_customers = 0, n = 0, i;
  int32_t* customer;
  double *x, *tx, *T, *m, *xh, *out, *score;
  double duration = 0, params[4], se[4], ll = 0, gnorm = 0, totals[3], auc = 0, buckets[24];
  int32_t status = -1, iterations = 0;
  CHECK_OK(crmkit_csv_options_create(&opts));
  CHECK_OK(crmkit_csv_options_set_string(opts, CRMKIT_CSV_TIME_COLUMN, "date"));
  CHECK_OK(crmkit_dataset_create_from_csv(sample_path(), NULL, opts, &ds));
  crmkit_csv_options_free(opts);
  if (ds == NULL) return;
  CHECK_OK(crmkit_dataset_n_customers(ds, &n_customers));
  customer = (int32_t*)malloc(n_customers * sizeof *customer);
  x = (double*)malloc(n_customers * sizeof *x);
  tx = (double*)malloc(n_customers * sizeof *tx);
  T = (double*)malloc(n_customers * sizeof *T);
  m = (double*)malloc(n_customers * sizeof *m);
  xh = (double*)malloc(n_customers * sizeof *xh);
  out = (double*)malloc(n_customers * sizeof *out);
  score = (double*)malloc(n_customers * sizeof *score);
  /* too small a buffer reports the size needed */
  CHECK_STATUS(crmkit_btyd_summarize(ds, 875577600, 1, 899164800, 7.0, 10, &n, customer, x, tx, T, m, xh, &duration),
               CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(n == 2357);
  /* calibration 1997-01-01..1997-09-30, hold-out to 1998-06-30, weeks */
  CHECK_OK(crmkit_btyd_summarize(ds, 875577600, 1, 899164800, 7.0, n_customers, &n, customer, x, tx, T, m, xh, &duration));
  CHECK(n == 2357);
  CHECK(abs_of(duration - 39.0) < 1e-12);
  /* a calibration end before the first purchase is an error */
  CHECK_STATUS(crmkit_btyd_summarize(ds, 852076800 - 86400, 0, 0, 7.0, n_customers, &n, customer, x, tx, T, m, NULL, NULL),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("before the first purchase");
  n = 2357;

  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_BG_NBD, &bg));
  CHECK_OK(crmkit_btyd_set_int(bg, CRMKIT_BTYD_N_THREADS, 2));
  CHECK_OK(crmkit_btyd_fit(bg, x, tx, T, NULL, n));
  CHECK_OK(crmkit_btyd_fit_report(bg, &status, &iterations, &ll, &gnorm));
  ll = -ll; /* the objective is the negative log-likelihood */
  CHECK(status == CRMKIT_FIT_CONVERGED);
  CHECK(round_to(ll, 10.0) == -9582.4);
  CHECK(crmkit_btyd_n_params(bg) == 4);
  CHECK_STATUS(crmkit_btyd_params(bg, params, 3), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_OK(crmkit_btyd_params(bg, params, 4));
  CHECK(round3(params[0]) == 0.243 && round3(params[1]) == 4.414 && round3(params[2]) == 0.793 && round3(params[3]) == 2.426);
  CHECK_OK(crmkit_btyd_standard_errors(bg, se, 4));
  CHECK(se[0] > 0 && se[3] > 0);

  CHECK_OK(crmkit_btyd_predict(bg, CRMKIT_BTYD_P_NO_PURCHASE, 39.0, x, tx, T, n, score));
  CHECK_OK(crmkit_btyd_predict(bg, CRMKIT_BTYD_EXPECTED_PURCHASES, 39.0, x, tx, T, n, out));
  { /* the model document: a loaded handle predicts the same bits */
    size_t needed = 0, needed2 = 0;
    char* text;
    crmkit_btyd* back = NULL;
    double* again = malloc(n * sizeof(double));
    CHECK_STATUS(crmkit_btyd_save(bg, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
    text = malloc(needed);
    CHECK(text != NULL && again != NULL);
    if (text != NULL && again != NULL) {
      CHECK_OK(crmkit_btyd_save(bg, text, needed, &needed2));
      CHECK(needed2 == needed && strstr(text, "model = \"bg_nbd\"") != NULL);
      CHECK_OK(crmkit_btyd_load(text, &back));
      CHECK(crmkit_btyd_kind(back) == CRMKIT_BTYD_BG_NBD);
      CHECK_OK(crmkit_btyd_predict(back, CRMKIT_BTYD_P_NO_PURCHASE, 39.0, x, tx, T, n, again));
      CHECK(memcmp(again, score, n * sizeof(double)) == 0);
      CHECK_OK(crmkit_btyd_fit_report(back, &status, NULL, NULL, NULL));
      CHECK(status == CRMKIT_FIT_CONVERGED);
      crmkit_btyd_free(back);
      back = NULL;
      text[needed / 2] = '\0';
      CHECK_STATUS(crmkit_btyd_load(text, &back), CRMKIT_E_PARSE);
      CHECK(back == NULL);
      CHECK_MESSAGE_HAS("model document");
    }
    CHECK_STATUS(crmkit_btyd_load(NULL, &back), CRMKIT_E_INVALID_ARGUMENT);
    free(text);
    free(again);
  }
  CHECK_OK(crmkit_btyd_validate_holdout(x, out, xh, score, n, 7, totals, &auc, buckets));
  CHECK(auc > 0.75 && auc < 0.77);
  CHECK(totals[0] == 1882.0);
  CHECK(buckets[0] > 1000); /* customers with x = 0 */

  /* published parameters: the conditional expectation 1.226 */
  {
    const double pub[4] = {0.243, 4.414, 0.793, 2.426};
    const double x1 = 2, tx1 = 30.43, T1 = 38.86;
    double e = 0;
    CHECK_OK(crmkit_btyd_set_params(bg, pub, 4));
    CHECK_OK(crmkit_btyd_predict(bg, CRMKIT_BTYD_EXPECTED_PURCHASES, 39.0, &x1, &tx1, &T1, 1, &e));
    CHECK(round3(e) == 1.226);
    CHECK_STATUS(crmkit_btyd_set_params(bg, pub, 3), CRMKIT_E_INVALID_ARGUMENT);
  }

  /* Gamma-Gamma and CLV */
  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_GAMMA_GAMMA, &gg));
  CHECK_STATUS(crmkit_btyd_fit(gg, x, tx, T, NULL, n), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_btyd_fit_spend(gg, x, m, NULL, n));
  CHECK_OK(crmkit_btyd_params(gg, params, 3));
  CHECK(round_to(params[0], 100.0) == 6.25);
  CHECK_OK(crmkit_btyd_clv(bg, gg, x, tx, T, m, n, 12, 30.415, 7.0, 0.01, out));
  for (i = 0; i < n; ++i) CHECK(out[i] >= 0 && isfinite(out[i]));
  CHECK_STATUS(crmkit_btyd_clv(gg, gg, x, tx, T, m, n, 12, 30.415, 7.0, 0.01, out), CRMKIT_E_INVALID_ARGUMENT);
  /* CLV in calendar units: the same 12 months of 30.415 days from the model in days (alpha
     x 7, recency and T x 7) as from the model in weeks; model_period_days must be > 0 */
  {
    crmkit_btyd* bgd = NULL;
    double pw[4], pd[4], txd[5], Td[5], cw[5], cd[5];
    size_t k;
    CHECK_OK(crmkit_btyd_params(bg, pw, 4));
    pd[0] = pw[0];
    pd[1] = 7.0 * pw[1];
    pd[2] = pw[2];
    pd[3] = pw[3];
    CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_BG_NBD, &bgd));
    CHECK_OK(crmkit_btyd_set_params(bgd, pd, 4));
    for (k = 0; k < 5; ++k) {
      txd[k] = 7.0 * tx[k];
      Td[k] = 7.0 * T[k];
    }
    CHECK_OK(crmkit_btyd_clv(bg, gg, x, tx, T, m, 5, 12, 30.415, 7.0, 0.01, cw));
    CHECK_OK(crmkit_btyd_clv(bgd, gg, x, txd, Td, m, 5, 12, 30.415, 1.0, 0.01, cd));
    for (k = 0; k < 5; ++k) CHECK(abs_of(cw[k] - cd[k]) <= 1e-9 * (1.0 + cw[k]));
    CHECK_STATUS(crmkit_btyd_clv(bgd, gg, x, txd, Td, m, 5, 12, 30.415, 0.0, 0.01, cd), CRMKIT_E_INVALID_ARGUMENT);
    crmkit_btyd_free(bgd);
  }
  /* a customer first seen on the calibration-end day (x = t_x = T = 0) is a valid row */
  {
    const double zx[3] = {0, 2, 1}, ztx[3] = {0, 20, 5}, zT[3] = {0, 30, 30};
    double ll[3];
    crmkit_btyd* z = NULL;
    CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_PARETO_NBD, &z));
    CHECK_OK(crmkit_btyd_set_int(z, CRMKIT_BTYD_STANDARD_ERRORS, 0));
    CHECK_OK(crmkit_btyd_fit(z, zx, ztx, zT, NULL, 3));
    CHECK_OK(crmkit_btyd_predict(z, CRMKIT_BTYD_LOG_LIKELIHOOD, 0, zx, ztx, zT, 3, ll));
    CHECK(ll[0] == 0.0);
    crmkit_btyd_free(z);
  }
  CHECK_STATUS(crmkit_btyd_predict(gg, CRMKIT_BTYD_P_ALIVE, 0, x, tx, T, n, out), CRMKIT_E_UNSUPPORTED);

  /* bad input: T < t_x */
  {
    const double bx[2] = {1, 2}, btx[2] = {5, 1}, bT[2] = {4, 6};
    CHECK_STATUS(crmkit_btyd_fit(bg, bx, btx, bT, NULL, 2), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("T (4) < recency (5)");
    CHECK_STATUS(crmkit_btyd_predict(bg, CRMKIT_BTYD_P_ALIVE, 0, bx, btx, bT, 2, out), CRMKIT_E_INVALID_ARGUMENT);
  }
  crmkit_btyd_free(gg);
  crmkit_btyd_free(bg);
  crmkit_dataset_free(ds);
  free(customer); free(x); free(tx); free(T); free(m); free(xh); free(out); free(score);
}

/* The conditional purchase-count distribution, P(no purchase) for Pareto/NBD and BG/BB,
 * and the BG/BB DERT/CLV. */
static void distributions_and_dert(void) {
  crmkit_btyd* pn = NULL;
  crmkit_btyd* bb = NULL;
  crmkit_btyd* gg = NULL;
  const double pnbd[4] = {0.553, 10.578, 0.606, 11.669};
  const double bgbb[4] = {1.204, 0.750, 0.657, 2.783};
  const double x[3] = {0, 2, 7}, tx[3] = {0, 30.43, 35}, T[3] = {38.86, 38.86, 38.86};
  const double bx[3] = {0, 3, 6}, btx[3] = {0, 4, 6}, bn[3] = {0, 6, 6}, spend[3] = {10, 20, 30};
  double p0[3], pk[3], total[3] = {0, 0, 0}, dert[3], clv[3], v = 0;
  int k, i;

  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_PARETO_NBD, &pn));
  CHECK_STATUS(crmkit_btyd_prob_n_purchases(pn, 0, 39, x, tx, T, 3, pk), CRMKIT_E_NOT_FITTED);
  CHECK_OK(crmkit_btyd_set_params(pn, pnbd, 4));
  CHECK_OK(crmkit_btyd_predict(pn, CRMKIT_BTYD_P_NO_PURCHASE, 39.0, x, tx, T, 3, p0));
  for (k = 0; k <= 400; ++k) {
    CHECK_OK(crmkit_btyd_prob_n_purchases(pn, k, 39.0, x, tx, T, 3, pk));
    for (i = 0; i < 3; ++i) {
      if (k == 0) CHECK(abs_of(pk[i] - p0[i]) < 1e-12);
      CHECK(pk[i] >= 0 && pk[i] <= 1);
      total[i] += pk[i];
    }
  }
  for (i = 0; i < 3; ++i) CHECK(abs_of(total[i] - 1) < 1e-10);
  CHECK(p0[0] > p0[1] && p0[1] > p0[2]); /* more purchases, recently: less likely silent */
  CHECK_STATUS(crmkit_btyd_prob_n_purchases(pn, -1, 39.0, x, tx, T, 3, pk), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_btyd_prob_n_purchases(pn, 1, -39.0, x, tx, T, 3, pk), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_btyd_prob_n_purchases(pn, 1, 39.0, x, NULL, T, 3, pk), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_btyd_prob_n_purchases(NULL, 1, 39.0, x, tx, T, 3, pk), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_btyd_bgbb_clv(pn, 0.1, x, tx, T, NULL, 3, dert), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("BG/BB");

  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_BG_BB, &bb));
  CHECK_OK(crmkit_btyd_set_params(bb, bgbb, 4));
  /* P(no purchase): patterns with n >= 1 only, as the other per-row predictions */
  CHECK_OK(crmkit_btyd_predict(bb, CRMKIT_BTYD_P_NO_PURCHASE, 5, bx + 1, btx + 1, bn + 1, 2, p0));
  CHECK_STATUS(crmkit_btyd_predict(bb, CRMKIT_BTYD_P_NO_PURCHASE, 1.5, bx + 1, btx + 1, bn + 1, 2, p0),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("whole number");
  total[0] = total[1] = total[2] = 0;
  for (k = 0; k <= 6; ++k) { /* (0, 0, 0): a new customer */
    CHECK_OK(crmkit_btyd_prob_n_purchases(bb, k, 5, bx, btx, bn, 3, pk));
    if (k == 0) CHECK(abs_of(pk[1] - p0[0]) < 1e-14 && abs_of(pk[2] - p0[1]) < 1e-14);
    if (k == 6) CHECK(pk[0] == 0 && pk[1] == 0 && pk[2] == 0); /* more purchases than opportunities */
    for (i = 0; i < 3; ++i) total[i] += pk[i];
  }
  for (i = 0; i < 3; ++i) CHECK(abs_of(total[i] - 1) < 1e-12);
  {
    const double bad_x = 3, bad_tx = 2, bad_n = 6; /* x > t_x */
    CHECK_STATUS(crmkit_btyd_prob_n_purchases(bb, 0, 5, &bad_x, &bad_tx, &bad_n, 1, &v), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_STATUS(crmkit_btyd_bgbb_clv(bb, 0.1, &bad_x, &bad_tx, &bad_n, NULL, 1, &v), CRMKIT_E_INVALID_ARGUMENT);
  }
  CHECK_OK(crmkit_btyd_bgbb_clv(bb, 0.1, bx, btx, bn, NULL, 3, dert));
  CHECK_OK(crmkit_btyd_bgbb_clv(bb, 0.1, bx, btx, bn, spend, 3, clv));
  for (i = 0; i < 3; ++i) CHECK(dert[i] > 0 && abs_of(clv[i] - spend[i] * dert[i]) < 1e-12 * clv[i]);
  CHECK(dert[2] > dert[1]); /* 6 of 6 beats 3 of 6 */
  CHECK_STATUS(crmkit_btyd_bgbb_clv(bb, 0.0, bx, btx, bn, NULL, 3, dert), CRMKIT_E_INVALID_ARGUMENT);
  {
    const double negative[3] = {1, -1, 1};
    CHECK_STATUS(crmkit_btyd_bgbb_clv(bb, 0.1, bx, btx, bn, negative, 3, clv), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("spend");
  }
  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_GAMMA_GAMMA, &gg));
  CHECK_STATUS(crmkit_btyd_prob_n_purchases(gg, 0, 5, bx, btx, bn, 3, pk), CRMKIT_E_UNSUPPORTED);
  crmkit_btyd_free(gg);
  crmkit_btyd_free(bb);
  crmkit_btyd_free(pn);
}

/* Issue 12: a NULL array is named in the message (it was "an input or output array is NULL"). */
#define CHECK_NULL_NAMED(call, name)                  \
  do {                                                \
    CHECK_STATUS(call, CRMKIT_E_INVALID_ARGUMENT);    \
    CHECK_MESSAGE_HAS("argument '" name "' is NULL"); \
  } while (0)

static void null_arrays_are_named(void) {
  crmkit_btyd* bg = NULL;
  crmkit_btyd* gg = NULL;
  crmkit_btyd* bb = NULL;
  double v[3] = {1, 2, 3};
  double totals[8], auc = 0, buckets[64];
  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_BG_NBD, &bg));
  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_GAMMA_GAMMA, &gg));
  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_BG_BB, &bb));
  CHECK_NULL_NAMED(crmkit_btyd_fit(bg, NULL, v, v, NULL, 1), "frequency");
  CHECK_NULL_NAMED(crmkit_btyd_fit(bg, v, NULL, v, NULL, 1), "recency");
  CHECK_NULL_NAMED(crmkit_btyd_fit(bg, v, v, NULL, NULL, 1), "T");
  CHECK_NULL_NAMED(crmkit_btyd_fit_spend(gg, v, NULL, NULL, 1), "monetary_value");
  CHECK_NULL_NAMED(crmkit_btyd_predict(bg, CRMKIT_BTYD_P_ALIVE, 1, v, v, v, 1, NULL), "out");
  CHECK_NULL_NAMED(crmkit_btyd_predict(bg, CRMKIT_BTYD_P_ALIVE, 1, v, NULL, v, 1, v), "recency");
  CHECK_NULL_NAMED(crmkit_btyd_prob_n_purchases(bg, 1, 1, v, v, NULL, 1, v), "T");
  CHECK_NULL_NAMED(crmkit_btyd_bgbb_clv(bb, 0.1, v, v, NULL, v, 1, v), "periods");
  CHECK_NULL_NAMED(crmkit_btyd_expected_spend(gg, v, NULL, 1, v), "monetary_value");
  CHECK_NULL_NAMED(crmkit_btyd_clv(bg, gg, v, v, v, NULL, 1, 12, 30.415, 7.0, 0.01, v), "monetary_value");
  CHECK_NULL_NAMED(crmkit_btyd_validate_holdout(v, v, NULL, NULL, 1, 7, totals, &auc, buckets), "actual");
  CHECK_NULL_NAMED(crmkit_btyd_validate_holdout(v, v, v, NULL, 1, 7, totals, NULL, buckets), "out_auc");
  crmkit_btyd_free(bb);
  crmkit_btyd_free(gg);
  crmkit_btyd_free(bg);
}

int main(void) {
  null_arguments();
  null_arrays_are_named();
  cdnow();
  distributions_and_dert();
  return test_report("churn_test");
}
