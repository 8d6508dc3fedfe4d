/* crmkit/c/pareto.h: NULL arguments, a hand-checked analysis, groups, low-return flags and
 * bad input. */
#include <math.h>

#include "test_util.h"

static void test_null_arguments(void) {
  crmkit_pareto* p = NULL;
  double d = 0;
  const double v[2] = {1, 2};
  CHECK_STATUS(crmkit_pareto_create(NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_pareto_fit(NULL, v, 2, NULL, 0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_pareto_create(&p));
  CHECK_STATUS(crmkit_pareto_fit(p, NULL, 2, NULL, 0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("values");
  CHECK_STATUS(crmkit_pareto_summary(p, CRMKIT_PARETO_GINI, &d), CRMKIT_E_NOT_FITTED);
  CHECK_STATUS(crmkit_pareto_summary(p, CRMKIT_PARETO_GINI, NULL), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_pareto_free(p);
  crmkit_pareto_free(NULL);
}

static void test_real_call(void) {
  /* 50, 30, 10, 5, 5 out of order (total 100); groups {0: 5, 50, 10} {1: 30, 5}. */
  const double v[5] = {5, 50, 10, 30, 5};
  const int32_t g[5] = {0, 0, 0, 1, 1};
  const double recency[5] = {400, 10, 500, 800, 30};
  crmkit_pareto* p = NULL;
  double d = 0, x[6], y[6], shares[2];
  size_t n = 0;
  int32_t abc[5], flags[5];
  CHECK_OK(crmkit_pareto_create(&p));
  CHECK_OK(crmkit_pareto_fit(p, v, 5, g, 2));
  CHECK_OK(crmkit_pareto_summary(p, CRMKIT_PARETO_GINI, &d));
  CHECK(fabs(d - 0.46) < 1e-14);
  CHECK_OK(crmkit_pareto_summary(p, CRMKIT_PARETO_KEY_CUSTOMERS, &d));
  CHECK(d == 2);
  CHECK_OK(crmkit_pareto_summary(p, CRMKIT_PARETO_TOP_SHARE, &d));
  CHECK(d == 0.5);
  CHECK_OK(crmkit_pareto_share_of_top(p, 0.4, &d));
  CHECK(d == 0.8);
  CHECK_OK(crmkit_pareto_customers_for_share(p, 0.9, &n));
  CHECK(n == 3);
  CHECK_OK(crmkit_pareto_lorenz_size(p, 0, &n));
  CHECK(n == 6);
  CHECK_OK(crmkit_pareto_lorenz(p, 0, x, y, 6));
  CHECK(x[1] == 0.2 && fabs(y[4] - 0.5) < 1e-15 && y[5] == 1.0);
  CHECK_STATUS(crmkit_pareto_lorenz(p, 0, x, y, 5), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_OK(crmkit_pareto_abc(p, 0, abc, 5));
  CHECK(abc[0] == CRMKIT_ABC_B && abc[1] == CRMKIT_ABC_A && abc[2] == CRMKIT_ABC_B && abc[3] == CRMKIT_ABC_A &&
        abc[4] == CRMKIT_ABC_C);
  /* Within groups: group 0 = 5, 50, 10 (total 65): 50 is A (before 0), 10 is A (50/65 =
   * .77 < .8), 5 is B (60/65 = .92 < .95). Group 1 = 30, 5: 30 A, 5 B (30/35 = .857). */
  CHECK_OK(crmkit_pareto_abc(p, 1, abc, 5));
  CHECK(abc[0] == CRMKIT_ABC_B && abc[1] == CRMKIT_ABC_A && abc[2] == CRMKIT_ABC_A && abc[3] == CRMKIT_ABC_A &&
        abc[4] == CRMKIT_ABC_B);
  CHECK_OK(crmkit_pareto_group_summary(p, CRMKIT_PARETO_VALUE_SHARE, shares, 2));
  CHECK(shares[0] == 0.65 && shares[1] == 0.35);
  CHECK_OK(crmkit_pareto_group_summary(p, CRMKIT_PARETO_N, shares, 2));
  CHECK(shares[0] == 3 && shares[1] == 2);
  CHECK_OK(crmkit_pareto_low_return(p, recency, v, 5, 365, 10, flags));
  CHECK(flags[0] == 1 && flags[1] == 0 && flags[2] == 1 && flags[3] == 0 && flags[4] == 0);
  CHECK_OK(crmkit_pareto_low_return(p, recency, v, 5, 365, NAN, flags));
  CHECK(flags[0] == 0 && flags[2] == 0);  /* only the last 5 is class C, and it is recent */

  /* Bad input. */
  {
    const double negative[3] = {1, -2, 3};
    const double zeros[2] = {0, 0};
    const int32_t bad_groups[5] = {0, 0, 7, 1, 1};
    CHECK_STATUS(crmkit_pareto_fit(p, negative, 3, NULL, 0), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("position 1");
    CHECK_STATUS(crmkit_pareto_summary(p, CRMKIT_PARETO_GINI, &d), CRMKIT_E_NOT_FITTED);
    CHECK_STATUS(crmkit_pareto_fit(p, zeros, 2, NULL, 0), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_STATUS(crmkit_pareto_fit(p, v, 0, NULL, 0), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_STATUS(crmkit_pareto_fit(p, v, 5, bad_groups, 2), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_OK(crmkit_pareto_set_double(p, CRMKIT_PARETO_ABC_B, 0.5));
    CHECK_STATUS(crmkit_pareto_fit(p, v, 5, NULL, 0), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("abc_b");
    CHECK_STATUS(crmkit_pareto_set_int(p, CRMKIT_PARETO_LORENZ_POINTS, 1), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_STATUS(crmkit_pareto_set_double(p, 999, 0.5), CRMKIT_E_INVALID_ARGUMENT);
  }
  crmkit_pareto_free(p);
}

int main(void) {
  test_null_arguments();
  test_real_call();
  return test_report("pareto_test");
}
