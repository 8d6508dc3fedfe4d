/* crmkit/c/rfm.h: NULL arguments, a real computation on a small log checked by hand, the
 * segment names and summary, host rules, and bad input. */
#include <math.h>

#include "test_util.h"

/* Four customers; day numbers relative to 2024-01-01 (1704067200). */
#define D0 1704067200
#define DAY 86400
static int32_t customer[8] = {0, 1, 1, 2, 3, 3, 3, 0};
static int64_t when[8] = {D0, D0 + 1 * DAY, D0 + 5 * DAY, D0 + 9 * DAY, D0 + 2 * DAY, D0 + 2 * DAY + 60, D0 + 8 * DAY,
                          D0 + 3 * DAY};
static double amount[8] = {10.0, 5.0, 5.0, 100.0, 1.0, 2.0, 3.0, 20.0};

static void test_null_arguments(void) {
  crmkit_rfm* rfm = NULL;
  size_t n = 0;
  double d = 0;
  CHECK_STATUS(crmkit_rfm_create(NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_rfm_set_int(NULL, CRMKIT_RFM_BINS, 5), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_rfm_size(NULL, &n), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_rfm_create(&rfm));
  CHECK_STATUS(crmkit_rfm_compute(rfm, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("dataset");
  CHECK_STATUS(crmkit_rfm_size(rfm, &n), CRMKIT_E_NOT_FITTED);
  CHECK_STATUS(crmkit_rfm_column_double(rfm, CRMKIT_RFM_MONETARY, &d, 1), CRMKIT_E_NOT_FITTED);
  CHECK_STATUS(crmkit_rfm_add_segment_rule(rfm, "x", NULL, 8), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_rfm_free(rfm);
  crmkit_rfm_free(NULL);
}

static void test_real_call(void) {
  crmkit_dataset* ds = NULL;
  crmkit_rfm* rfm = NULL;
  size_t n = 0, count = 0, needed = 0, i;
  double recency[4], monetary[4], frequency[4], distinct[4], customers[16];
  int32_t index[4], r[4], f[4], m[4], seg[4];
  int64_t last[4];
  char name[64];
  CHECK_OK(crmkit_dataset_create_from_columns(customer, when, amount, 8, 4, CRMKIT_BORROW, &ds));
  CHECK_OK(crmkit_rfm_create(&rfm));
  CHECK_OK(crmkit_rfm_set_int(rfm, CRMKIT_RFM_AS_OF, D0 + 10 * DAY));
  CHECK_OK(crmkit_rfm_set_int(rfm, CRMKIT_RFM_BINS, 2));
  /* one host rule: recent (R = 2) customers */
  {
    const double bounds[8] = {2, 2, -HUGE_VAL, HUGE_VAL, -HUGE_VAL, HUGE_VAL, -HUGE_VAL, HUGE_VAL};
    CHECK_OK(crmkit_rfm_add_segment_rule(rfm, "Recent", bounds, 8));
    CHECK_OK(crmkit_rfm_set_other_name(rfm, "Earlier"));
  }
  CHECK_OK(crmkit_rfm_compute(rfm, ds));
  CHECK_OK(crmkit_rfm_size(rfm, &n));
  CHECK(n == 4);
  CHECK_OK(crmkit_rfm_column_int32(rfm, CRMKIT_RFM_CUSTOMER, index, 4));
  CHECK_OK(crmkit_rfm_column_double(rfm, CRMKIT_RFM_RECENCY_DAYS, recency, 4));
  CHECK_OK(crmkit_rfm_column_double(rfm, CRMKIT_RFM_MONETARY, monetary, 4));
  CHECK_OK(crmkit_rfm_column_double(rfm, CRMKIT_RFM_FREQUENCY, frequency, 4));
  CHECK_OK(crmkit_rfm_column_double(rfm, CRMKIT_RFM_DISTINCT_DAYS, distinct, 4));
  CHECK_OK(crmkit_rfm_column_int64(rfm, CRMKIT_RFM_LAST_PURCHASE, last, 4));
  CHECK_OK(crmkit_rfm_column_int32(rfm, CRMKIT_RFM_R_SCORE, r, 4));
  CHECK_OK(crmkit_rfm_column_int32(rfm, CRMKIT_RFM_F_SCORE, f, 4));
  CHECK_OK(crmkit_rfm_column_int32(rfm, CRMKIT_RFM_M_SCORE, m, 4));
  CHECK_OK(crmkit_rfm_column_int32(rfm, CRMKIT_RFM_SEGMENT, seg, 4));
  for (i = 0; i < 4; ++i) CHECK(index[i] == (int32_t)i);
  CHECK(recency[0] == 7 && recency[1] == 5 && recency[2] == 1 && recency[3] == 2);
  CHECK(monetary[0] == 30 && monetary[1] == 10 && monetary[2] == 100 && monetary[3] == 6);
  CHECK(frequency[0] == 2 && frequency[3] == 3);
  CHECK(distinct[3] == 2);
  CHECK(last[2] == D0 + 9 * DAY);
  /* k = 2, ranks cut at 2.5: recency ranks 2<3<... -> customers 2, 3 most recent. */
  CHECK(r[0] == 1 && r[1] == 1 && r[2] == 2 && r[3] == 2);
  /* frequency 2, 2, 1, 3: ranks (first) 2, 3, 1, 4 -> 1, 2, 1, 2 */
  CHECK(f[0] == 1 && f[1] == 2 && f[2] == 1 && f[3] == 2);
  /* monetary 30, 10, 100, 6 -> 2, 1, 2, 1 */
  CHECK(m[0] == 2 && m[1] == 1 && m[2] == 2 && m[3] == 1);
  CHECK(seg[0] == 1 && seg[1] == 1 && seg[2] == 0 && seg[3] == 0);
  CHECK_OK(crmkit_rfm_segment_count(rfm, &count));
  CHECK(count == 2);
  CHECK_STATUS(crmkit_rfm_segment_name(rfm, 0, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(needed == 7);
  CHECK_OK(crmkit_rfm_segment_name(rfm, 1, name, sizeof name, &needed));
  CHECK(strcmp(name, "Earlier") == 0);
  CHECK_OK(crmkit_rfm_segment_summary(rfm, CRMKIT_RFM_SEG_CUSTOMERS, customers, 16));
  CHECK(customers[0] == 2 && customers[1] == 2);
  CHECK_OK(crmkit_rfm_segment_summary(rfm, CRMKIT_RFM_SEG_REVENUE_SHARE, customers, 16));
  CHECK(fabs(customers[0] - 106.0 / 146.0) < 1e-15);
  CHECK_STATUS(crmkit_rfm_column_double(rfm, CRMKIT_RFM_MONETARY, monetary, 3), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(crmkit_rfm_column_double(rfm, 999, monetary, 4), CRMKIT_E_INVALID_ARGUMENT);

  /* Bad input: as_of before the last transaction, a quantile count < 2, bad rules. */
  CHECK_OK(crmkit_rfm_set_int(rfm, CRMKIT_RFM_AS_OF, D0));
  CHECK_STATUS(crmkit_rfm_compute(rfm, ds), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("before the last transaction");
  CHECK_STATUS(crmkit_rfm_size(rfm, &n), CRMKIT_E_NOT_FITTED);
  CHECK_STATUS(crmkit_rfm_set_int(rfm, CRMKIT_RFM_BINS, 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_rfm_set_int(rfm, 12345, 1), CRMKIT_E_INVALID_ARGUMENT);
  {
    double lo = 0, hi = 0, def = 0;
    int64_t v = 0;
    CHECK_OK(crmkit_rfm_option_bounds(CRMKIT_RFM_BINS, &lo, &hi, &def));
    CHECK(lo == 2.0 && hi == 1000.0 && def == 5.0);
    CHECK_STATUS(crmkit_rfm_set_int(rfm, CRMKIT_RFM_BINS, 1001), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_OK(crmkit_rfm_get_int(rfm, CRMKIT_RFM_AS_OF, &v));
    CHECK(v == D0);
    CHECK_OK(crmkit_rfm_get_int(rfm, CRMKIT_RFM_SEGMENT_PRESET, &v));
    CHECK(v == CRMKIT_RFM_PRESET_GRID11);
    CHECK_STATUS(crmkit_rfm_option_bounds(CRMKIT_RFM_SEGMENT_PRESET, &lo, &hi, &def), CRMKIT_E_INVALID_ARGUMENT);
  }
  {
    const double bad[8] = {3, 2, 0, 1, 0, 1, 0, 1};
    CHECK_STATUS(crmkit_rfm_add_segment_rule(rfm, "bad", bad, 8), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_STATUS(crmkit_rfm_add_segment_rule(rfm, "", bad, 8), CRMKIT_E_INVALID_ARGUMENT);
  }
  /* The default preset is written for k = 5: with k = 2 the customers are segmented on
     their scores rescaled to quintiles (1 -> 2, 2 -> 4); the score columns keep k = 2. */
  CHECK_OK(crmkit_rfm_clear_segment_rules(rfm));
  CHECK_OK(crmkit_rfm_set_int(rfm, CRMKIT_RFM_AS_OF, D0 + 10 * DAY));
  CHECK_OK(crmkit_rfm_compute(rfm, ds));
  {
    size_t rows = 0, i;
    int32_t r[64];
    CHECK_OK(crmkit_rfm_size(rfm, &rows));
    CHECK(rows <= 64);
    CHECK_OK(crmkit_rfm_column_int32(rfm, CRMKIT_RFM_R_SCORE, r, 64));
    for (i = 0; i < rows; ++i) CHECK(r[i] == 1 || r[i] == 2);
  }
  crmkit_rfm_free(rfm);
  crmkit_dataset_free(ds);
}

static void test_empty_log(void) {
  crmkit_dataset* ds = NULL;
  crmkit_rfm* rfm = NULL;
  CHECK_OK(crmkit_dataset_create_from_columns(NULL, NULL, NULL, 0, 0, CRMKIT_COPY, &ds));
  CHECK_OK(crmkit_rfm_create(&rfm));
  CHECK_STATUS(crmkit_rfm_compute(rfm, ds), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("empty");
  crmkit_rfm_free(rfm);
  crmkit_dataset_free(ds);
}

int main(void) {
  test_null_arguments();
  test_real_call();
  test_empty_log();
  return test_report("rfm_test");
}
