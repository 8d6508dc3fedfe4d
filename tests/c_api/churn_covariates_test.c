/* C ABI of the BG/NBD with covariates (crmkit_btyd_fit_covariates, _n_covariates,
 * _predict_covariates; crmkit/c/churn.h) on the bundled CDNOW sample: without covariates it
 * is crmkit_btyd_fit bit for bit (BG/NBD and Pareto/NBD); with a covariate (log of the mean spend) the handle holds
 * 4 + p1 + 2 p2 parameters, their standard errors and covariance; plain predictions are
 * refused; save/load predicts the same bits; crmkit_btyd_fit makes it plain again. */
#include <math.h>

#include "test_util.h"

static const char* sample_path(void) { return CRMKIT_SOURCE_DIR "/examples/data/cdnow_sample.csv"; }

static void covariates(void) {
  crmkit_csv_options* opts = NULL;
  crmkit_dataset* ds = NULL;
  crmkit_btyd *plain = NULL, *cov = NULL, *back = NULL, *pareto = NULL, *gg = NULL;
  size_t n_customers = 0, n = 0, i, p1 = 9, p2 = 9, needed = 0;
  int32_t has = -1, status = -1;
  int32_t* customer;
  double *x, *tx, *T, *m, *z, *out, *again;
  double pp[4], pc[7], se[7], covm[49], ll = 0;
  char* text;
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
  z = (double*)malloc(n_customers * sizeof *z);
  out = (double*)malloc(n_customers * sizeof *out);
  again = (double*)malloc(n_customers * sizeof *again);
  CHECK_OK(crmkit_btyd_summarize(ds, 875577600, 0, 0, 7.0, n_customers, &n, customer, x, tx, T, m, NULL, NULL));
  for (i = 0; i < n; ++i) z[i] = log1p(m[i]) - 3.0; /* a purchase and dropout covariate */

  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_BG_NBD, &plain));
  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_BG_NBD, &cov));
  CHECK_OK(crmkit_btyd_fit(plain, x, tx, T, NULL, n));
  CHECK_OK(crmkit_btyd_params(plain, pp, 4));

  /* no covariates: the plain fit, bit for bit */
  CHECK_OK(crmkit_btyd_fit_covariates(cov, x, tx, T, NULL, n, NULL, 0, NULL, 0, 0.0));
  CHECK_OK(crmkit_btyd_n_covariates(cov, &has, &p1, &p2));
  CHECK(has == 1 && p1 == 0 && p2 == 0);
  CHECK(crmkit_btyd_n_params(cov) == 4);
  CHECK_OK(crmkit_btyd_params(cov, pc, 4));
  CHECK(memcmp(pc, pp, sizeof pp) == 0);

  /* one purchase and one dropout covariate */
  CHECK_OK(crmkit_btyd_fit_covariates(cov, x, tx, T, NULL, n, z, 1, z, 1, 0.5));
  CHECK_OK(crmkit_btyd_fit_report(cov, &status, NULL, &ll, NULL));
  CHECK(status == CRMKIT_FIT_CONVERGED);
  CHECK(crmkit_btyd_n_params(cov) == 7);
  CHECK_OK(crmkit_btyd_n_covariates(cov, &has, &p1, &p2));
  CHECK(has == 1 && p1 == 1 && p2 == 1);
  CHECK_STATUS(crmkit_btyd_params(cov, pc, 6), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_OK(crmkit_btyd_params(cov, pc, 7));
  CHECK_OK(crmkit_btyd_standard_errors(cov, se, 7));
  CHECK_OK(crmkit_btyd_covariance(cov, covm, 49));
  for (i = 0; i < 7; ++i) CHECK(se[i] > 0 && fabs(se[i] * se[i] - covm[i * 8]) <= 1e-12 * covm[i * 8]);
  CHECK(pc[4] != 0.0 && pc[5] != 0.0);
  /* the penalised objective is below the plain fit's negative log-likelihood */
  {
    double plain_obj = 0;
    CHECK_OK(crmkit_btyd_fit_report(plain, NULL, NULL, &plain_obj, NULL));
    CHECK(ll < plain_obj);
  }

  CHECK_OK(crmkit_btyd_predict_covariates(cov, CRMKIT_BTYD_P_ALIVE, 0, x, tx, T, n, z, z, out));
  for (i = 0; i < n; ++i) CHECK(out[i] > 0 && out[i] <= 1);
  CHECK_OK(crmkit_btyd_predict_covariates(cov, CRMKIT_BTYD_EXPECTED_PURCHASES, 39, x, tx, T, n, z, z, out));
  CHECK_STATUS(crmkit_btyd_predict(cov, CRMKIT_BTYD_P_ALIVE, 0, x, tx, T, n, out), CRMKIT_E_UNSUPPORTED);
  CHECK_MESSAGE_HAS("covariates");
  CHECK_STATUS(crmkit_btyd_predict_covariates(plain, CRMKIT_BTYD_P_ALIVE, 0, x, tx, T, n, z, z, out),
               CRMKIT_E_UNSUPPORTED);
  CHECK_STATUS(crmkit_btyd_predict_covariates(cov, CRMKIT_BTYD_P_ALIVE, 0, x, tx, T, n, NULL, z, out),
               CRMKIT_E_INVALID_ARGUMENT);

  /* save / load: same bits */
  CHECK_STATUS(crmkit_btyd_save(cov, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  text = (char*)malloc(needed);
  if (text != NULL) {
    CHECK_OK(crmkit_btyd_save(cov, text, needed, &needed));
    CHECK(strstr(text, "model = \"bg_nbd_covariates\"") != NULL);
    CHECK_OK(crmkit_btyd_load(text, &back));
    if (back != NULL) {
      CHECK(crmkit_btyd_kind(back) == CRMKIT_BTYD_BG_NBD);
      CHECK(crmkit_btyd_n_params(back) == 7);
      CHECK_OK(crmkit_btyd_predict_covariates(back, CRMKIT_BTYD_EXPECTED_PURCHASES, 39, x, tx, T, n, z, z, again));
      CHECK(memcmp(out, again, n * sizeof *out) == 0);
      CHECK_OK(crmkit_btyd_standard_errors(back, pc, 7));
      CHECK(memcmp(pc, se, sizeof se) == 0);
    }
    free(text);
  }

  /* bad input leaves the handle as it was */
  z[5] = NAN;
  CHECK_STATUS(crmkit_btyd_fit_covariates(cov, x, tx, T, NULL, n, z, 1, NULL, 0, 0.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("z_purchase[row 5, column 0]");
  CHECK(crmkit_btyd_n_params(cov) == 7);
  z[5] = 0.0;
  CHECK_STATUS(crmkit_btyd_fit_covariates(cov, x, tx, T, NULL, n, z, 1, NULL, 0, -1.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_GAMMA_GAMMA, &gg));
  CHECK_STATUS(crmkit_btyd_fit_covariates(gg, x, tx, T, NULL, n, z, 1, NULL, 0, 0.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("PARETO_NBD");

  /* Pareto/NBD: no covariates is crmkit_btyd_fit bit for bit; with covariates 4 + p1 + p2 parameters */
  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_PARETO_NBD, &pareto));
  CHECK_OK(crmkit_btyd_fit(pareto, x, tx, T, NULL, n));
  CHECK_OK(crmkit_btyd_params(pareto, pp, 4));
  CHECK_OK(crmkit_btyd_fit_covariates(pareto, x, tx, T, NULL, n, NULL, 0, NULL, 0, 0.0));
  CHECK_OK(crmkit_btyd_params(pareto, pc, 4));
  CHECK(memcmp(pc, pp, sizeof pp) == 0);
  CHECK_OK(crmkit_btyd_fit_covariates(pareto, x, tx, T, NULL, n, z, 1, z, 1, 0.0));
  CHECK_OK(crmkit_btyd_fit_report(pareto, &status, NULL, NULL, NULL));
  CHECK(status == CRMKIT_FIT_CONVERGED);
  CHECK(crmkit_btyd_n_params(pareto) == 6);
  CHECK_OK(crmkit_btyd_standard_errors(pareto, se, 6));
  for (i = 0; i < 6; ++i) CHECK(se[i] > 0);
  CHECK_OK(crmkit_btyd_predict_covariates(pareto, CRMKIT_BTYD_P_NO_PURCHASE, 39, x, tx, T, n, z, z, out));
  for (i = 0; i < n; ++i) CHECK(out[i] >= 0 && out[i] <= 1);
  needed = 0;
  CHECK_STATUS(crmkit_btyd_save(pareto, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  text = (char*)malloc(needed);
  if (text != NULL) {
    crmkit_btyd* loaded = NULL;
    CHECK_OK(crmkit_btyd_save(pareto, text, needed, &needed));
    CHECK(strstr(text, "model = \"pareto_nbd_covariates\"") != NULL);
    CHECK_OK(crmkit_btyd_load(text, &loaded));
    if (loaded != NULL) {
      CHECK(crmkit_btyd_kind(loaded) == CRMKIT_BTYD_PARETO_NBD);
      CHECK_OK(crmkit_btyd_predict_covariates(loaded, CRMKIT_BTYD_P_NO_PURCHASE, 39, x, tx, T, n, z, z, again));
      CHECK(memcmp(out, again, n * sizeof *out) == 0);
    }
    crmkit_btyd_free(loaded);
    free(text);
  }

  /* Gamma-Gamma with a spend covariate: 3 + k parameters, its own prediction, the document */
  CHECK_OK(crmkit_btyd_fit_spend(gg, x, m, NULL, n));
  CHECK_OK(crmkit_btyd_params(gg, pp, 3));
  CHECK_OK(crmkit_btyd_fit_spend_covariates(gg, x, m, NULL, n, NULL, 0, 0.0));
  CHECK_OK(crmkit_btyd_params(gg, pc, 3));
  CHECK(memcmp(pc, pp, 3 * sizeof *pp) == 0);
  for (i = 0; i < n; ++i) z[i] = log1p(T[i]) - 3.5;
  CHECK_STATUS(crmkit_btyd_fit_spend_covariates(NULL, x, m, NULL, n, z, 1, 0.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'model'");
  CHECK_STATUS(crmkit_btyd_fit_spend_covariates(gg, x, m, NULL, n, NULL, 1, 0.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'covariates'");
  CHECK_STATUS(crmkit_btyd_fit_spend_covariates(cov, x, m, NULL, n, z, 1, 0.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_btyd_fit_spend_covariates(gg, x, m, NULL, n, z, 1, 0.0));
  CHECK_OK(crmkit_btyd_fit_report(gg, &status, NULL, NULL, NULL));
  CHECK(status == CRMKIT_FIT_CONVERGED);
  CHECK(crmkit_btyd_n_params(gg) == 4);
  CHECK_OK(crmkit_btyd_n_covariates(gg, &has, &p1, &p2));
  CHECK(has == 1 && p1 == 1 && p2 == 0);
  CHECK_OK(crmkit_btyd_standard_errors(gg, se, 4));
  for (i = 0; i < 4; ++i) CHECK(se[i] > 0);
  CHECK_OK(crmkit_btyd_expected_spend_covariates(gg, x, m, n, z, out));
  for (i = 0; i < n; ++i) CHECK(out[i] > 0);
  CHECK_STATUS(crmkit_btyd_expected_spend(gg, x, m, n, again), CRMKIT_E_UNSUPPORTED);
  CHECK_STATUS(crmkit_btyd_expected_spend_covariates(gg, x, m, n, NULL, again), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_btyd_expected_spend_covariates(plain, x, m, n, z, again), CRMKIT_E_UNSUPPORTED);
  needed = 0;
  CHECK_STATUS(crmkit_btyd_save(gg, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  text = (char*)malloc(needed);
  if (text != NULL) {
    crmkit_btyd* loaded = NULL;
    CHECK_OK(crmkit_btyd_save(gg, text, needed, &needed));
    CHECK(strstr(text, "model = \"gamma_gamma_covariates\"") != NULL);
    CHECK_OK(crmkit_btyd_load(text, &loaded));
    if (loaded != NULL) {
      CHECK(crmkit_btyd_kind(loaded) == CRMKIT_BTYD_GAMMA_GAMMA);
      CHECK_OK(crmkit_btyd_expected_spend_covariates(loaded, x, m, n, z, again));
      CHECK(memcmp(out, again, n * sizeof *out) == 0);
    }
    crmkit_btyd_free(loaded);
    free(text);
  }
  CHECK_OK(crmkit_btyd_fit_spend(gg, x, m, NULL, n));
  CHECK(crmkit_btyd_n_params(gg) == 3);

  /* a plain fit makes it a plain BG/NBD again */
  CHECK_OK(crmkit_btyd_fit(cov, x, tx, T, NULL, n));
  CHECK_OK(crmkit_btyd_n_covariates(cov, &has, &p1, &p2));
  CHECK(has == 0 && p1 == 0 && p2 == 0 && crmkit_btyd_n_params(cov) == 4);
  CHECK_OK(crmkit_btyd_predict(cov, CRMKIT_BTYD_P_ALIVE, 0, x, tx, T, n, out));

  crmkit_btyd_free(pareto);
  crmkit_btyd_free(gg);
  crmkit_btyd_free(back);
  crmkit_btyd_free(cov);
  crmkit_btyd_free(plain);
  crmkit_dataset_free(ds);
  free(customer);
  free(x);
  free(tx);
  free(T);
  free(m);
  free(z);
  free(out);
  free(again);
}

int main(void) {
  covariates();
  return test_report("churn_covariates_test");
}
