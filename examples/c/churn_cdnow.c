/* Churn and value through the C ABI on the bundled CDNOW sample: the BG/NBD model fitted on
 * the 39-week calibration period (1997-01-01..1997-09-30, weeks), its fit report, the model
 * saved as a document and loaded back (the loaded handle predicts the same bits), and the
 * hold-out check over the next 39 weeks. The C twin of examples/churn_cdnow.cpp and
 * examples/python/churn_cdnow.py (the same numbers).
 *
 *   example_c_churn_cdnow examples/data/cdnow_sample.csv
 *
 * Exits nonzero with crmkit_last_error() on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crmkit/crmkit.h"

static int fail(const char* what, int status) {
  fprintf(stderr, "churn_cdnow: %s failed (%s): %s\n", what, crmkit_status_str(status), crmkit_last_error());
  return 1;
}

#define CALL(call)                              \
  do {                                          \
    if ((status = (call)) != CRMKIT_OK) {       \
      fail(#call, status);                      \
      goto done;                                \
    }                                           \
  } while (0)

int main(int argc, char** argv) {
  static const char* names[4] = {"r", "alpha", "a", "b"};
  const int64_t calibration_end = 875577600; /* 1997-09-30 00:00 UTC */
  const int64_t holdout_end = 899164800;     /* 1998-06-30 00:00 UTC */
  crmkit_csv_options* options = NULL;
  crmkit_dataset* dataset = NULL;
  crmkit_btyd* model = NULL;
  crmkit_btyd* loaded = NULL;
  int32_t* customer = NULL;
  double *x = NULL, *t_x = NULL, *T = NULL, *spend = NULL, *x_holdout = NULL, *expected = NULL, *again = NULL;
  char* document = NULL;
  size_t n_customers = 0, n = 0, needed = 0, i;
  double params[4], objective = 0, gradient_norm = 0, duration = 0, predicted = 0, actual = 0;
  int32_t fit_status = 0, iterations = 0;
  int status, rc = 1;

  if (argc < 2) {
    fprintf(stderr, "usage: %s transactions.csv\n", argv[0]);
    return 2;
  }
  CALL(crmkit_csv_options_create(&options));
  CALL(crmkit_csv_options_set_string(options, CRMKIT_CSV_TIME_COLUMN, "date"));
  CALL(crmkit_dataset_create_from_csv(argv[1], NULL, options, &dataset));
  CALL(crmkit_dataset_n_customers(dataset, &n_customers));

  /* The BTYD summary in weeks (period_days = 7), with the hold-out purchases. */
  customer = malloc(n_customers * sizeof *customer);
  x = malloc(n_customers * sizeof *x);
  t_x = malloc(n_customers * sizeof *t_x);
  T = malloc(n_customers * sizeof *T);
  spend = malloc(n_customers * sizeof *spend);
  x_holdout = malloc(n_customers * sizeof *x_holdout);
  expected = malloc(n_customers * sizeof *expected);
  again = malloc(n_customers * sizeof *again);
  if (!customer || !x || !t_x || !T || !spend || !x_holdout || !expected || !again) {
    fprintf(stderr, "churn_cdnow: out of memory\n");
    goto done;
  }
  CALL(crmkit_btyd_summarize(dataset, calibration_end, 1, holdout_end, 7.0, n_customers, &n, customer, x, t_x, T,
                             spend, x_holdout, &duration));
  printf("%zu customers in calibration\n", n);

  CALL(crmkit_btyd_create(CRMKIT_BTYD_BG_NBD, &model));
  CALL(crmkit_btyd_fit(model, x, t_x, T, NULL, n));
  CALL(crmkit_btyd_fit_report(model, &fit_status, &iterations, &objective, &gradient_norm));
  CALL(crmkit_btyd_params(model, params, 4));
  printf("BG/NBD (%s, %d iterations, LL %.1f; published -9582.4)\n",
         fit_status == CRMKIT_FIT_CONVERGED ? "converged" : "not converged", (int)iterations, -objective);
  for (i = 0; i < 4; ++i) printf("  %-6s %8.3f\n", names[i], params[i]);

  /* The model document: saved (two calls: size, then text), loaded into a new handle. */
  /* (the first call reports the size: CRMKIT_E_BUFFER_TOO_SMALL with *out_needed set) */
  status = crmkit_btyd_save(model, NULL, 0, &needed);
  if (status != CRMKIT_OK && status != CRMKIT_E_BUFFER_TOO_SMALL) {
    fail("crmkit_btyd_save", status);
    goto done;
  }
  document = malloc(needed);
  if (!document) goto done;
  CALL(crmkit_btyd_save(model, document, needed, &needed));
  CALL(crmkit_btyd_load(document, &loaded));

  /* Hold-out: expected repeat purchases over the next 39 weeks vs actual. */
  CALL(crmkit_btyd_predict(model, CRMKIT_BTYD_EXPECTED_PURCHASES, duration, x, t_x, T, n, expected));
  CALL(crmkit_btyd_predict(loaded, CRMKIT_BTYD_EXPECTED_PURCHASES, duration, x, t_x, T, n, again));
  for (i = 0; i < n; ++i) {
    predicted += expected[i];
    actual += x_holdout[i];
  }
  printf("hold-out (%.0f weeks): %.0f repeat purchases predicted by BG/NBD, %.0f actual\n", duration, predicted,
         actual);
  printf("saved document: %zu bytes; loaded model predicts identical bits: %s\n", needed - 1,
         memcmp(expected, again, n * sizeof *expected) == 0 ? "yes" : "no");
  rc = 0;

done:
  free(document);
  free(customer);
  free(x);
  free(t_x);
  free(T);
  free(spend);
  free(x_holdout);
  free(expected);
  free(again);
  crmkit_btyd_free(loaded);
  crmkit_btyd_free(model);
  crmkit_dataset_free(dataset);
  crmkit_csv_options_free(options);
  return rc;
}
