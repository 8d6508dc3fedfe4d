/* C ABI of the retention models (crmkit/c/churn.h, crmkit_retention): the published sBG
 * fit of Fader & Hardie's regular cohort, predictions, settings, the model document and bad
 * input. */
#include "test_util.h"

static double round3(double v) {
  double s = v * 1000.0;
  long long k = (long long)(s < 0 ? s - 0.5 : s + 0.5);
  return (double)k / 1000.0;
}
static double abs_of(double v) { return v < 0 ? -v : v; }

int main(void) {
  static const double survivors[] = {1000, 631, 468, 382, 326, 289, 262, 241};
  crmkit_retention* m = NULL;
  crmkit_retention* back = NULL;
  double p[3], se[2], lo, hi, def, out[3], out2[3];
  const double tenure[] = {0, 3, 10};
  int32_t status = -1, iterations = -1;
  int64_t threads = 0;
  size_t needed = 0;
  char* text;

  CHECK_STATUS(crmkit_retention_create(7, &m), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(m == NULL);
  CHECK_STATUS(crmkit_retention_create(CRMKIT_RETENTION_SBG, NULL), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_retention_free(NULL);
  CHECK_OK(crmkit_retention_create(CRMKIT_RETENTION_SBG, &m));
  CHECK(crmkit_retention_kind(m) == CRMKIT_RETENTION_SBG);
  CHECK(crmkit_retention_n_params(m) == 2);
  CHECK_STATUS(crmkit_retention_params(m, p, 2), CRMKIT_E_NOT_FITTED);
  CHECK_STATUS(crmkit_retention_fit_report(m, &status, NULL, NULL, NULL), CRMKIT_E_NOT_FITTED);

  /* settings through the option table */
  CHECK_OK(crmkit_retention_option_bounds(CRMKIT_RETENTION_N_THREADS, &lo, &hi, &def));
  CHECK(lo == 1 && hi == 1024 && def == 1);
  CHECK_OK(crmkit_retention_set_int(m, CRMKIT_RETENTION_N_THREADS, 2));
  CHECK_OK(crmkit_retention_get_int(m, CRMKIT_RETENTION_N_THREADS, &threads));
  CHECK(threads == 2);
  CHECK_STATUS(crmkit_retention_set_double(m, CRMKIT_RETENTION_TOL, 0.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("CRMKIT_RETENTION_TOL");

  CHECK_OK(crmkit_retention_fit_survivors(m, survivors, 8));
  CHECK_OK(crmkit_retention_fit_report(m, &status, &iterations, NULL, NULL));
  CHECK(status == CRMKIT_FIT_CONVERGED);
  CHECK(iterations > 0);
  CHECK_OK(crmkit_retention_params(m, p, 2));
  CHECK(round3(p[0]) == 0.704);
  CHECK(round3(p[1]) == 1.182);
  CHECK_OK(crmkit_retention_standard_errors(m, se, 2));
  CHECK(se[0] > 0 && se[1] > 0);
  CHECK_STATUS(crmkit_retention_params(m, p, 1), CRMKIT_E_BUFFER_TOO_SMALL);

  CHECK_OK(crmkit_retention_predict(m, CRMKIT_RETENTION_RETENTION_RATE, 0, tenure + 1, 2, out));
  CHECK(abs_of(out[0] - (p[1] + 2) / (p[0] + p[1] + 2)) < 1e-14);
  CHECK_OK(crmkit_retention_predict(m, CRMKIT_RETENTION_DERL, 0.1, tenure, 3, out));
  CHECK(out[0] > 0 && out[0] < out[1] && out[1] < out[2]); /* sBG: the survivors get better with tenure */
  CHECK_STATUS(crmkit_retention_predict(m, CRMKIT_RETENTION_DERL, 0.0, tenure, 3, out), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("discount_rate");
  CHECK_STATUS(crmkit_retention_predict(m, CRMKIT_RETENTION_RETENTION_RATE, 0, tenure, 3, out),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("row 0");
  CHECK_STATUS(crmkit_retention_predict(m, 42, 0, tenure, 3, out), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_retention_predict(m, CRMKIT_RETENTION_SURVIVAL, 0, NULL, 3, out), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("tenure");

  /* the model document */
  CHECK_STATUS(crmkit_retention_save(m, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  text = (char*)malloc(needed);
  CHECK_OK(crmkit_retention_save(m, text, needed, &needed));
  CHECK(strstr(text, "model = \"sbg\"") != NULL);
  CHECK_OK(crmkit_retention_load(text, &back));
  CHECK_OK(crmkit_retention_predict(back, CRMKIT_RETENTION_DERL, 0.1, tenure, 3, out2));
  CHECK(out2[0] == out[0] && out2[1] == out[1] && out2[2] == out[2]);
  CHECK_OK(crmkit_retention_get_int(back, CRMKIT_RETENTION_N_THREADS, &threads));
  CHECK(threads == 2);
  free(text);
  crmkit_retention_free(back);
  back = NULL;
  CHECK_STATUS(crmkit_retention_load("model = \"sbg\"\n", &back), CRMKIT_E_PARSE);
  CHECK(back == NULL);

  /* bad rows are named; the BdW handle has three parameters */
  {
    const double periods[] = {1, 2, 0};
    const double churned[] = {1, 0, 1};
    const double increasing[] = {100, 90, 95};
    CHECK_STATUS(crmkit_retention_fit(m, periods, churned, NULL, 3), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("row 2");
    CHECK_STATUS(crmkit_retention_fit_survivors(m, increasing, 3), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("survivors[2]");
  }
  crmkit_retention_free(m);
  CHECK_OK(crmkit_retention_create(CRMKIT_RETENTION_BDW, &m));
  CHECK(crmkit_retention_n_params(m) == 3);
  p[0] = 1.0; p[1] = 2.0; p[2] = 1.0;
  CHECK_STATUS(crmkit_retention_set_params(m, p, 2), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_retention_set_params(m, p, 3));
  CHECK_OK(crmkit_retention_predict(m, CRMKIT_RETENTION_SURVIVAL, 0, tenure, 3, out));
  CHECK(out[0] == 1.0);
  CHECK(abs_of(out[1] - 2.0 / 5.0) < 1e-14); /* B(1, 5)/B(1, 2) = 2/5 */
  crmkit_retention_free(m);
  return test_report("retention_test");
}
