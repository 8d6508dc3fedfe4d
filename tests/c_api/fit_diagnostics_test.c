/* C ABI of the fit diagnostics (crmkit/c/fit_report.h): the Hessian's condition, starts,
 * fallback and the reason standard errors are missing, on a crmkit_btyd and a
 * crmkit_retention handle; the N_STARTS, SEED and FALLBACK settings. */
#include <math.h>
#include <string.h>

#include "test_util.h"

int main(void) {
  static const double survivors[] = {1000, 631, 468, 382, 326, 289, 262, 241};
  double x[300], T[300], cond = 0, lo, hi, def;
  int32_t starts = -1, best = -1, fallback = -1, status = -1;
  int64_t v = 0;
  size_t needed = 0;
  char note[256];
  int i;
  crmkit_btyd* m = NULL;
  crmkit_retention* r = NULL;

  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_BG_NBD, &m));
  CHECK_STATUS(crmkit_btyd_fit_diagnostics(m, &cond, NULL, NULL, NULL), CRMKIT_E_NOT_FITTED);
  CHECK_STATUS(crmkit_btyd_fit_diagnostics(NULL, &cond, NULL, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_btyd_option_bounds(CRMKIT_BTYD_N_STARTS, &lo, &hi, &def));
  CHECK(lo == 1 && hi == 1000 && def == 1);
  CHECK_OK(crmkit_btyd_option_bounds(CRMKIT_BTYD_FALLBACK, &lo, &hi, &def));
  CHECK(lo == 0 && hi == 1 && def == 1);
  CHECK_STATUS(crmkit_btyd_set_int(m, CRMKIT_BTYD_N_STARTS, 0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("CRMKIT_BTYD_N_STARTS");
  CHECK_OK(crmkit_btyd_set_int(m, CRMKIT_BTYD_N_STARTS, 3));
  CHECK_OK(crmkit_btyd_set_int(m, CRMKIT_BTYD_SEED, 11));
  CHECK_OK(crmkit_btyd_get_int(m, CRMKIT_BTYD_SEED, &v));
  CHECK(v == 11);

  /* No dropout: every customer buys every week; the fit ends at a named boundary. */
  for (i = 0; i < 300; ++i) x[i] = T[i] = 10 + i % 40;
  CHECK_OK(crmkit_btyd_fit(m, x, x, T, NULL, 300));
  CHECK_OK(crmkit_btyd_fit_report(m, &status, NULL, NULL, NULL));
  CHECK(status == CRMKIT_FIT_BOUNDARY);
  CHECK_OK(crmkit_btyd_fit_diagnostics(m, &cond, &starts, &best, &fallback));
  CHECK(isnan(cond));
  CHECK(starts == 3 && best >= 0 && best < 3 && fallback == 0);
  CHECK_STATUS(crmkit_btyd_fit_standard_errors_note(m, note, 4, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(needed > 20 && needed <= sizeof note);
  CHECK_OK(crmkit_btyd_fit_standard_errors_note(m, note, sizeof note, &needed));
  CHECK(strncmp(note, "boundary solution: parameter ", 29) == 0);
  crmkit_btyd_free(m);

  /* A converged sBG fit: a finite condition number >= 1, no note. */
  CHECK_OK(crmkit_retention_create(CRMKIT_RETENTION_SBG, &r));
  CHECK_OK(crmkit_retention_set_int(r, CRMKIT_RETENTION_FALLBACK, 0));
  CHECK_OK(crmkit_retention_fit_survivors(r, survivors, 8));
  CHECK_OK(crmkit_retention_fit_diagnostics(r, &cond, &starts, &best, &fallback));
  CHECK(isfinite(cond) && cond >= 1);
  CHECK(starts == 1 && best == 0 && fallback == 0);
  CHECK_OK(crmkit_retention_fit_standard_errors_note(r, note, sizeof note, &needed));
  CHECK(needed == 1 && note[0] == '\0');
  CHECK_OK(crmkit_retention_set_int(r, CRMKIT_RETENTION_STANDARD_ERRORS, 0));
  CHECK_OK(crmkit_retention_fit_survivors(r, survivors, 8));
  CHECK_OK(crmkit_retention_fit_standard_errors_note(r, note, sizeof note, &needed));
  CHECK(strcmp(note, "not requested") == 0);
  CHECK_OK(crmkit_retention_fit_diagnostics(r, &cond, NULL, NULL, NULL));
  CHECK(isnan(cond));
  crmkit_retention_free(r);
  return test_report("fit_diagnostics_test");
}
