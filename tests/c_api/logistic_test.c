/* C ABI of the supervised churn model and the metrics (crmkit/c/logistic.h): NULL
 * arguments, a real fit checked against the 2x2-table closed form, prediction, the text
 * round trip (same bits), the metrics on hand-computed cases, and bad input. */
#include <math.h>

#include "crmkit/c/logistic.h"
#include "test_util.h"

/* One binary feature: x = 0 for 30 rows (6 churners), x = 1 for 20 rows (12 churners). */
static double x[50], y[50];

static void make_data(void) {
  int i;
  for (i = 0; i < 50; ++i) {
    x[i] = i < 30 ? 0.0 : 1.0;
    y[i] = (i < 6 || (i >= 30 && i < 42)) ? 1.0 : 0.0;
  }
}

/* Closed forms, written out so that the test needs no libm (the C tests link only
 * libcrmkit): logit(0.2) = ln(1/4), logit(0.6) - logit(0.2) = ln(3/2) - ln(1/4) = ln 6, and
 * the population sd of the feature (20 ones in 50) is sqrt(0.4 * 0.6) = sqrt(0.24). */
#define LN_QUARTER (-1.3862943611198906)
#define LN_SIX 1.791759469228055
#define SQRT_024 0.4898979485566356

static void test_null_arguments(void) {
  crmkit_logistic* lr = NULL;
  double d = 0;
  size_t n = 0;
  CHECK_STATUS(crmkit_logistic_create(NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_logistic_load(NULL, &lr), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(lr == NULL);
  CHECK_STATUS(crmkit_logistic_set_int(NULL, CRMKIT_LOGISTIC_MAX_ITER, 5), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_logistic_set_double(NULL, CRMKIT_LOGISTIC_C, 1.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_logistic_fit(NULL, x, 50, 1, y, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_roc_auc(NULL, x, NULL, 50, &d), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'y'");
  CHECK_STATUS(crmkit_roc_auc(y, x, NULL, 50, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_platt_fit(x, y, NULL, 50, NULL, &d, NULL), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_logistic_free(NULL);
  CHECK_OK(crmkit_logistic_create(&lr));
  CHECK_STATUS(crmkit_logistic_fit(lr, NULL, 50, 1, y, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("data");
  CHECK_STATUS(crmkit_logistic_fit(lr, x, 50, 1, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_logistic_n_features(lr, &n), CRMKIT_E_NOT_FITTED);
  CHECK_STATUS(crmkit_logistic_predict_proba(lr, x, 50, 1, &d, 1), CRMKIT_E_NOT_FITTED);
  CHECK_MESSAGE_HAS("crmkit_logistic_fit");
  crmkit_logistic_free(lr);
}

static void test_fit_predict_round_trip(void) {
  crmkit_logistic *lr = NULL, *back = NULL;
  double coef = 0, b = 0, p[50], q[50], mean = 0, scale = 0, gnorm = -1, obj = 0, c = 0;
  int32_t status = -1, iterations = -1;
  int64_t v = 0;
  size_t n = 0, needed = 0;
  char* text;
  CHECK_OK(crmkit_logistic_create(&lr));
  CHECK_OK(crmkit_logistic_set_double(lr, CRMKIT_LOGISTIC_C, 1e12)); /* effectively unpenalised */
  CHECK_OK(crmkit_logistic_get_double(lr, CRMKIT_LOGISTIC_C, &c));
  CHECK(c == 1e12);
  CHECK_OK(crmkit_logistic_get_int(lr, CRMKIT_LOGISTIC_STANDARDIZE, &v));
  CHECK(v == 1);
  CHECK_OK(crmkit_logistic_fit(lr, x, 50, 1, y, NULL));
  CHECK_OK(crmkit_logistic_fit_report(lr, &status, &iterations, &obj, &gnorm));
  CHECK(status == CRMKIT_FIT_CONVERGED && iterations > 0 && gnorm >= 0 && obj > 0);
  CHECK_OK(crmkit_logistic_n_features(lr, &n));
  CHECK(n == 1);
  CHECK_OK(crmkit_logistic_coef(lr, CRMKIT_LOGISTIC_ORIGINAL_UNITS, &coef, 1, &b));
  /* the 2x2-table maximum-likelihood estimate */
  CHECK(fabs(b - LN_QUARTER) < 1e-8);
  CHECK(fabs(coef - LN_SIX) < 1e-8);
  CHECK_OK(crmkit_logistic_scaling(lr, &mean, &scale, 1));
  CHECK(fabs(mean - 0.4) < 1e-15 && fabs(scale - SQRT_024) < 1e-15);
  CHECK_STATUS(crmkit_logistic_coef(lr, 7, &coef, 1, &b), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_logistic_predict_proba(lr, x, 50, 1, p, 49), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_OK(crmkit_logistic_predict_proba(lr, x, 50, 1, p, 50));
  CHECK(fabs(p[0] - 0.2) < 1e-10 && fabs(p[49] - 0.6) < 1e-10);

  CHECK_STATUS(crmkit_logistic_save(lr, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(needed > 10);
  text = malloc(needed);
  CHECK(text != NULL);
  if (text != NULL) {
    CHECK_OK(crmkit_logistic_save(lr, text, needed, &needed));
    CHECK_OK(crmkit_logistic_load(text, &back));
    CHECK_OK(crmkit_logistic_predict_proba(back, x, 50, 1, q, 50));
    CHECK(memcmp(p, q, sizeof p) == 0);
    text[0] = 'X';
    crmkit_logistic_free(back);
    back = NULL;
    CHECK_STATUS(crmkit_logistic_load(text, &back), CRMKIT_E_PARSE);
    CHECK(back == NULL);
    CHECK_MESSAGE_HAS("line 1");
    free(text);
  }
  crmkit_logistic_free(lr);
}

static void test_bad_input(void) {
  crmkit_logistic* lr = NULL;
  double bad[50], ones[50], p[2];
  const double wide[4] = {0, 0, 1, 1};
  int i;
  for (i = 0; i < 50; ++i) {
    bad[i] = x[i];
    ones[i] = 1.0;
  }
  bad[7] = NAN;
  CHECK_OK(crmkit_logistic_create(&lr));
  CHECK_STATUS(crmkit_logistic_set_double(lr, CRMKIT_LOGISTIC_C, 0.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("CRMKIT_LOGISTIC_C");
  CHECK_STATUS(crmkit_logistic_set_int(lr, CRMKIT_LOGISTIC_CLASS_WEIGHT, 3), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_logistic_set_int(lr, 999, 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_logistic_fit(lr, bad, 50, 1, y, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("row 7, column 0");
  CHECK_STATUS(crmkit_logistic_fit(lr, x, 50, 1, ones, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("both classes");
  CHECK_STATUS(crmkit_logistic_fit(lr, x, 0, 1, y, NULL), CRMKIT_E_INVALID_ARGUMENT);
  /* a fit stopped by the iteration limit succeeds and says so */
  CHECK_OK(crmkit_logistic_set_int(lr, CRMKIT_LOGISTIC_MAX_ITER, 1));
  CHECK_OK(crmkit_logistic_set_double(lr, CRMKIT_LOGISTIC_C, 1e12));
  CHECK_OK(crmkit_logistic_fit(lr, x, 50, 1, y, NULL));
  {
    int32_t status = -1;
    CHECK_OK(crmkit_logistic_fit_report(lr, &status, NULL, NULL, NULL));
    CHECK(status == CRMKIT_FIT_ITERATION_LIMIT);
  }
  CHECK_STATUS(crmkit_logistic_predict_proba(lr, wide, 2, 2, p, 2), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("fitted on 1");
  crmkit_logistic_free(lr);
}

static void test_metrics(void) {
  const double yy[4] = {0, 0, 1, 1}, s[4] = {0.1, 0.4, 0.35, 0.8}, tied[4] = {0.5, 0.5, 0.5, 0.5};
  const double two[2] = {1, 0}, prob[2] = {0.8, 0.3};
  double v = 0, a = 0, b = 0, table[2 * CRMKIT_LIFT_N_COLUMNS];
  int32_t status = -1;
  CHECK_OK(crmkit_roc_auc(yy, s, NULL, 4, &v));
  CHECK(v == 0.75);
  CHECK_OK(crmkit_roc_auc(yy, tied, NULL, 4, &v));
  CHECK(v == 0.5);
  CHECK_OK(crmkit_ks_statistic(yy, s, NULL, 4, &v));
  CHECK(fabs(v - 0.5) < 1e-15);
  CHECK_OK(crmkit_brier_score(two, prob, NULL, 2, &v));
  CHECK(fabs(v - 0.065) < 1e-15);
  CHECK_STATUS(crmkit_lift_table(yy, s, 4, 2, table, 2 * CRMKIT_LIFT_N_COLUMNS - 1), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_OK(crmkit_lift_table(yy, s, 4, 2, table, 2 * CRMKIT_LIFT_N_COLUMNS));
  /* top half: scores 0.8 (churner) and 0.4: rate 0.5, base rate 0.5: lift 1 */
  CHECK(table[CRMKIT_LIFT_ROWS] == 2 && table[CRMKIT_LIFT_POSITIVES] == 1 && table[CRMKIT_LIFT_LIFT] == 1.0);
  CHECK(table[CRMKIT_LIFT_N_COLUMNS + CRMKIT_LIFT_CUMULATIVE_GAIN] == 1.0);
  CHECK_OK(crmkit_platt_fit(s, yy, NULL, 4, &a, &b, &status));
  CHECK(status == CRMKIT_FIT_CONVERGED && a < 0);
  CHECK_STATUS(crmkit_roc_auc(yy, s, NULL, 0, &v), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_roc_auc(two, prob, NULL, 1, &v), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("only class 1");
}

int main(void) {
  make_data();
  test_null_arguments();
  test_fit_predict_round_trip();
  test_bad_input();
  test_metrics();
  return test_report("logistic_test");
}
