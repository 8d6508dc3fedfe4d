/* Options through their one description (crmkit/core/option_table.hpp): for k-means,
 * logistic regression, the BTYD models and the CSV options, every key's bounds query
 * agrees with its setter (lo and hi accepted, one step outside rejected with a message
 * naming the constant), a new handle reads back the queried default, and a set value
 * reads back. */
#include <math.h>

#include "test_util.h"

typedef int (*bounds_fn)(int32_t, double*, double*, double*);

/* The k-means, logistic and BTYD accessors, through the wrappers below. */
typedef int (*set_int_fn)(void*, int32_t, int64_t);
typedef int (*get_int_fn)(const void*, int32_t, int64_t*);
typedef int (*set_double_fn)(void*, int32_t, double);
typedef int (*get_double_fn)(const void*, int32_t, double*);

/* Calls through the exact function types (no casts of function pointers). */
#define CRMKIT_TEST_WRAP(mod, type)                                                           \
  static int mod##_si(void* h, int32_t k, int64_t v) {                                        \
    return crmkit_##mod##_set_int((type*)h, k, v);                                            \
  }                                                                                           \
  static int mod##_gi(const void* h, int32_t k, int64_t* v) {                                 \
    return crmkit_##mod##_get_int((const type*)h, k, v);                                      \
  }                                                                                           \
  static int mod##_sd(void* h, int32_t k, double v) {                                         \
    return crmkit_##mod##_set_double((type*)h, k, v);                                         \
  }                                                                                           \
  static int mod##_gd(const void* h, int32_t k, double* v) {                                  \
    return crmkit_##mod##_get_double((const type*)h, k, v);                                   \
  }
CRMKIT_TEST_WRAP(kmeans, crmkit_kmeans)
CRMKIT_TEST_WRAP(logistic, crmkit_logistic)
CRMKIT_TEST_WRAP(btyd, crmkit_btyd)
CRMKIT_TEST_WRAP(pareto, crmkit_pareto)

static void check_int_key(void* h, bounds_fn bounds, set_int_fn set, get_int_fn get, int32_t key, const char* name,
                          double want_lo, double want_hi, double want_default) {
  double lo = -1, hi = -1, def = -1;
  int64_t value = -12345;
  CHECK_OK(bounds(key, &lo, &hi, &def));
  CHECK(lo == want_lo);
  CHECK(hi == want_hi);
  CHECK(def == want_default);
  CHECK_OK(get(h, key, &value));
  CHECK((double)value == def);
  CHECK_OK(set(h, key, (int64_t)lo));
  CHECK_OK(get(h, key, &value));
  CHECK((double)value == lo);
  if (hi < 9007199254740992.0) {
    CHECK_OK(set(h, key, (int64_t)hi));
    CHECK_STATUS(set(h, key, (int64_t)hi + 1), CRMKIT_E_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS(name);
  }
  CHECK_STATUS(set(h, key, (int64_t)lo - 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS(name);
  CHECK_MESSAGE_HAS("outside");
  CHECK_OK(set(h, key, (int64_t)def)); /* back to the default */
}

static void check_double_key(void* h, bounds_fn bounds, set_double_fn set, get_double_fn get, int32_t key,
                             const char* name, double want_lo, double want_default) {
  double lo = -1, hi = -1, def = -1, value = -1;
  CHECK_OK(bounds(key, &lo, &hi, &def));
  CHECK(lo == want_lo);
  CHECK(hi > 1e300 && isfinite(hi));
  CHECK(def == want_default);
  CHECK_OK(get(h, key, &value));
  CHECK(value == def);
  CHECK_OK(set(h, key, lo));
  CHECK_OK(get(h, key, &value));
  CHECK(value == lo);
  CHECK_STATUS(set(h, key, -1.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS(name);
  CHECK_STATUS(set(h, key, NAN), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(set(h, key, INFINITY), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(set(h, key, def));
}

static void test_kmeans(void) {
  crmkit_kmeans* km = NULL;
  void* h;
  bounds_fn b = crmkit_kmeans_option_bounds;
  set_int_fn si = kmeans_si;
  get_int_fn gi = kmeans_gi;
  double value = 0;
  CHECK_OK(crmkit_kmeans_create(&km));
  h = km;
  check_int_key(h, b, si, gi, CRMKIT_KMEANS_N_CLUSTERS, "CRMKIT_KMEANS_N_CLUSTERS", 1, 2147483647.0, 8);
  check_int_key(h, b, si, gi, CRMKIT_KMEANS_INIT, "CRMKIT_KMEANS_INIT", 0, 1, CRMKIT_KMEANS_INIT_KMEANS_PLUSPLUS);
  check_int_key(h, b, si, gi, CRMKIT_KMEANS_N_INIT, "CRMKIT_KMEANS_N_INIT", 1, 2147483647.0, 1);
  check_int_key(h, b, si, gi, CRMKIT_KMEANS_MAX_ITER, "CRMKIT_KMEANS_MAX_ITER", 1, 2147483647.0, 300);
  check_int_key(h, b, si, gi, CRMKIT_KMEANS_ALGORITHM, "CRMKIT_KMEANS_ALGORITHM", 0, 1, 0);
  check_int_key(h, b, si, gi, CRMKIT_KMEANS_SEED, "CRMKIT_KMEANS_SEED", 0, 4294967295.0, 0);
  check_int_key(h, b, si, gi, CRMKIT_KMEANS_N_THREADS, "CRMKIT_KMEANS_N_THREADS", 1, 1024, 1);
  check_int_key(h, b, si, gi, CRMKIT_KMEANS_N_LOCAL_TRIALS, "CRMKIT_KMEANS_N_LOCAL_TRIALS", 0, 1000000, 0);
  check_double_key(h, b, kmeans_sd, kmeans_gd,
                   CRMKIT_KMEANS_TOL, "CRMKIT_KMEANS_TOL", 0.0, 1e-4);
  /* Kinds are not mixed, and the message names the right function. */
  CHECK_STATUS(crmkit_kmeans_set_int(km, CRMKIT_KMEANS_TOL, 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("crmkit_kmeans_set_double");
  CHECK_STATUS(crmkit_kmeans_get_double(km, CRMKIT_KMEANS_SEED, &value), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("crmkit_kmeans_get_int");
  CHECK_STATUS(crmkit_kmeans_option_bounds(999, NULL, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("999");
  CHECK_OK(crmkit_kmeans_option_bounds(CRMKIT_KMEANS_SEED, NULL, NULL, NULL));
  /* A rejected value leaves the option unchanged. */
  CHECK_OK(crmkit_kmeans_set_int(km, CRMKIT_KMEANS_N_THREADS, 3));
  CHECK_STATUS(crmkit_kmeans_set_int(km, CRMKIT_KMEANS_N_THREADS, 0), CRMKIT_E_INVALID_ARGUMENT);
  {
    int64_t threads = 0;
    CHECK_OK(crmkit_kmeans_get_int(km, CRMKIT_KMEANS_N_THREADS, &threads));
    CHECK(threads == 3);
  }
  crmkit_kmeans_free(km);
}

static void test_logistic(void) {
  crmkit_logistic* lr = NULL;
  void* h;
  bounds_fn b = crmkit_logistic_option_bounds;
  set_int_fn si = logistic_si;
  get_int_fn gi = logistic_gi;
  set_double_fn sd = logistic_sd;
  get_double_fn gd = logistic_gd;
  double lo = 0;
  CHECK_OK(crmkit_logistic_create(&lr));
  h = lr;
  check_int_key(h, b, si, gi, CRMKIT_LOGISTIC_FIT_INTERCEPT, "CRMKIT_LOGISTIC_FIT_INTERCEPT", 0, 1, 1);
  check_int_key(h, b, si, gi, CRMKIT_LOGISTIC_STANDARDIZE, "CRMKIT_LOGISTIC_STANDARDIZE", 0, 1, 1);
  check_int_key(h, b, si, gi, CRMKIT_LOGISTIC_CLASS_WEIGHT, "CRMKIT_LOGISTIC_CLASS_WEIGHT", 0, 2,
                CRMKIT_LOGISTIC_CLASS_WEIGHT_NONE);
  check_int_key(h, b, si, gi, CRMKIT_LOGISTIC_MAX_ITER, "CRMKIT_LOGISTIC_MAX_ITER", 1, 2147483647.0, 100);
  /* C and tol must be > 0: lo is the smallest positive double, and 0 is rejected. */
  CHECK_OK(crmkit_logistic_option_bounds(CRMKIT_LOGISTIC_C, &lo, NULL, NULL));
  check_double_key(h, b, sd, gd, CRMKIT_LOGISTIC_C, "CRMKIT_LOGISTIC_C", lo, 1.0);
  CHECK(lo > 0 && lo < 1e-300);
  CHECK_STATUS(crmkit_logistic_set_double(lr, CRMKIT_LOGISTIC_C, 0.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("> 0");
  check_double_key(h, b, sd, gd, CRMKIT_LOGISTIC_TOL, "CRMKIT_LOGISTIC_TOL", lo, 1e-10);
  check_double_key(h, b, sd, gd, CRMKIT_LOGISTIC_CLASS_WEIGHT_0, "CRMKIT_LOGISTIC_CLASS_WEIGHT_0", 0.0, 1.0);
  check_double_key(h, b, sd, gd, CRMKIT_LOGISTIC_CLASS_WEIGHT_1, "CRMKIT_LOGISTIC_CLASS_WEIGHT_1", 0.0, 1.0);
  crmkit_logistic_free(lr);
}

static void test_btyd(void) {
  crmkit_btyd* m = NULL;
  void* h;
  bounds_fn b = crmkit_btyd_option_bounds;
  set_int_fn si = btyd_si;
  get_int_fn gi = btyd_gi;
  set_double_fn sd = btyd_sd;
  get_double_fn gd = btyd_gd;
  double lo = 0, hi = 0, def = 0;
  CHECK_OK(crmkit_btyd_create(CRMKIT_BTYD_BG_NBD, &m));
  h = m;
  check_int_key(h, b, si, gi, CRMKIT_BTYD_MAX_ITER, "CRMKIT_BTYD_MAX_ITER", 0, 2147483647.0, 1000);
  check_int_key(h, b, si, gi, CRMKIT_BTYD_N_THREADS, "CRMKIT_BTYD_N_THREADS", 1, 1024, 1);
  check_int_key(h, b, si, gi, CRMKIT_BTYD_ZERO_SPEND, "CRMKIT_BTYD_ZERO_SPEND", CRMKIT_BTYD_ZERO_SPEND_REJECT,
                CRMKIT_BTYD_ZERO_SPEND_DROP, CRMKIT_BTYD_ZERO_SPEND_REJECT);
  check_int_key(h, b, si, gi, CRMKIT_BTYD_STANDARD_ERRORS, "CRMKIT_BTYD_STANDARD_ERRORS", 0, 1, 1);
  CHECK_OK(crmkit_btyd_option_bounds(CRMKIT_BTYD_TOL, &lo, NULL, NULL));
  check_double_key(h, b, sd, gd, CRMKIT_BTYD_TOL, "CRMKIT_BTYD_TOL", lo, 1e-9);
  CHECK(lo > 0 && lo < 1e-300);
  /* parameter_bound must be > 1: lo is the double after 1. */
  CHECK_OK(crmkit_btyd_option_bounds(CRMKIT_BTYD_PARAMETER_BOUND, &lo, &hi, &def));
  CHECK(lo > 1 && lo < 1 + 1e-15);
  CHECK(def == 1e6);
  CHECK_STATUS(crmkit_btyd_set_double(m, CRMKIT_BTYD_PARAMETER_BOUND, 1.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("CRMKIT_BTYD_PARAMETER_BOUND");
  CHECK_OK(crmkit_btyd_set_double(m, CRMKIT_BTYD_PARAMETER_BOUND, 1e8));
  CHECK_OK(crmkit_btyd_get_double(m, CRMKIT_BTYD_PARAMETER_BOUND, &hi));
  CHECK(hi == 1e8);
  crmkit_btyd_free(m);
}

static void test_csv(void) {
  crmkit_csv_options* o = NULL;
  double lo = 0, hi = 0, def = 0;
  int64_t value = 0;
  char buf[64];
  size_t needed = 0;
  CHECK_OK(crmkit_csv_options_create(&o));
  CHECK_OK(crmkit_csv_options_option_bounds(CRMKIT_CSV_DELIMITER, &lo, &hi, &def));
  CHECK(lo == 1 && hi == 127 && def == ',');
  CHECK_OK(crmkit_csv_options_get_int(o, CRMKIT_CSV_QUOTE, &value));
  CHECK(value == '"');
  CHECK_OK(crmkit_csv_options_option_bounds(CRMKIT_CSV_TIME_FORMAT, &lo, &hi, &def));
  CHECK(lo == CRMKIT_TIME_ISO8601 && hi == CRMKIT_TIME_COMPACT_DATE && def == CRMKIT_TIME_ISO8601);
  CHECK_OK(crmkit_csv_options_set_int(o, CRMKIT_CSV_TIME_FORMAT, CRMKIT_TIME_COMPACT_DATE));
  CHECK_OK(crmkit_csv_options_get_int(o, CRMKIT_CSV_TIME_FORMAT, &value));
  CHECK(value == CRMKIT_TIME_COMPACT_DATE);
  CHECK_STATUS(crmkit_csv_options_set_int(o, CRMKIT_CSV_TIME_FORMAT, 3), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("[0, 2]");
  CHECK_OK(crmkit_csv_options_option_bounds(CRMKIT_CSV_MIN_TIME, &lo, &hi, &def));
  CHECK(def == -2208988800.0); /* 1900-01-01 */
  CHECK_OK(crmkit_csv_options_set_int(o, CRMKIT_CSV_MIN_TIME, (int64_t)lo));
  CHECK_STATUS(crmkit_csv_options_set_int(o, CRMKIT_CSV_MIN_TIME, (int64_t)lo - 1), CRMKIT_E_INVALID_ARGUMENT);
  /* String keys: lo and hi bound the length, the default is NaN and read with get_string. */
  CHECK_OK(crmkit_csv_options_option_bounds(CRMKIT_CSV_CUSTOMER_COLUMN, &lo, &hi, &def));
  CHECK(lo == 1 && hi >= 255 && isnan(def));
  CHECK_OK(crmkit_csv_options_option_bounds(CRMKIT_CSV_PRODUCT_COLUMN, &lo, NULL, NULL));
  CHECK(lo == 0);
  CHECK_STATUS(crmkit_csv_options_get_string(o, CRMKIT_CSV_TIME_COLUMN, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(needed == sizeof "timestamp");
  CHECK_OK(crmkit_csv_options_get_string(o, CRMKIT_CSV_TIME_COLUMN, buf, sizeof buf, &needed));
  CHECK(strcmp(buf, "timestamp") == 0);
  CHECK_OK(crmkit_csv_options_set_string(o, CRMKIT_CSV_EXCLUDE_ORDER_PREFIX, "C"));
  CHECK_OK(crmkit_csv_options_get_string(o, CRMKIT_CSV_EXCLUDE_ORDER_PREFIX, buf, sizeof buf, &needed));
  CHECK(strcmp(buf, "C") == 0);
  CHECK_STATUS(crmkit_csv_options_get_string(o, CRMKIT_CSV_DELIMITER, buf, sizeof buf, &needed),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_csv_options_get_int(o, CRMKIT_CSV_ORDER_COLUMN, &value), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("crmkit_csv_options_get_string");
  crmkit_csv_options_free(o);
}

static void test_pareto(void) {
  crmkit_pareto* p = NULL;
  void* h;
  double lo = 0;
  CHECK_OK(crmkit_pareto_create(&p));
  h = p;
  check_int_key(h, crmkit_pareto_option_bounds, pareto_si, pareto_gi, CRMKIT_PARETO_LORENZ_POINTS,
                "CRMKIT_PARETO_LORENZ_POINTS", 2, 4294967296.0, 101);
  CHECK_OK(crmkit_pareto_option_bounds(CRMKIT_PARETO_TARGET_SHARE, &lo, NULL, NULL));
  CHECK(lo > 0 && lo < 1e-300);
  CHECK_STATUS(crmkit_pareto_set_double(p, CRMKIT_PARETO_TARGET_SHARE, 0.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_pareto_set_double(p, CRMKIT_PARETO_ABC_A, 1.5), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("CRMKIT_PARETO_ABC_A");
  CHECK_OK(pareto_sd(h, CRMKIT_PARETO_TOP_FRACTION, 1.0)); /* hi is 1 */
  CHECK_STATUS(pareto_sd(h, CRMKIT_PARETO_TOP_FRACTION, 1.0000001), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(pareto_sd(h, CRMKIT_PARETO_TOP_FRACTION, 0.1));
  CHECK_OK(pareto_gd(h, CRMKIT_PARETO_TOP_FRACTION, &lo));
  CHECK(lo == 0.1);
  crmkit_pareto_free(p);
}

int main(void) {
  test_pareto();
  test_kmeans();
  test_logistic();
  test_btyd();
  test_csv();
  return test_report("option_bounds_test");
}
