/* crmkit_dataset built from host columns: copy vs borrow, getters, customer ids and the
 * two-call buffer protocol, locations and attributes, validation. */
#include <math.h>

#include "test_util.h"

static int32_t customer[5] = {0, 2, 1, 0, 2};
static int64_t when[5] = {1704067200, 1704153600, 1703980800, 1706745600, 1705000000};
static double amount[5] = {19.9, 5.0, 42.0, -3.5, 10.0};

static void test_copy_and_borrow(void) {
  crmkit_dataset* copied = NULL;
  crmkit_dataset* borrowed = NULL;
  const int32_t* c = NULL;
  const int64_t* t = NULL;
  const double* a = NULL;
  size_t n = 0, i;
  int64_t t0 = 0, t1 = 0;

  CHECK_OK(crmkit_dataset_create_from_columns(customer, when, amount, 5, 3, CRMKIT_COPY, &copied));
  CHECK_OK(crmkit_dataset_create_from_columns(customer, when, amount, 5, 3, CRMKIT_BORROW, &borrowed));

  /* Borrowed: the getters hand back the caller's own buffers. */
  CHECK_OK(crmkit_dataset_transactions(borrowed, &c, &t, &a, &n));
  CHECK(n == 5);
  CHECK(c == customer);
  CHECK(t == when);
  CHECK(a == amount);

  /* Copied: different buffers with the same values. */
  CHECK_OK(crmkit_dataset_transactions(copied, &c, &t, &a, &n));
  CHECK(n == 5);
  CHECK(c != customer && t != when && a != amount);
  for (i = 0; i < 5; ++i) CHECK(c[i] == customer[i] && t[i] == when[i] && a[i] == amount[i]);

  /* A later change to the host buffer shows through the borrowed dataset only. */
  amount[4] = 11.0;
  CHECK(a[4] == 10.0);
  CHECK_OK(crmkit_dataset_transactions(borrowed, &c, &t, &a, &n));
  CHECK(a[4] == 11.0);
  amount[4] = 10.0;

  CHECK_OK(crmkit_dataset_n_transactions(copied, &n));
  CHECK(n == 5);
  CHECK_OK(crmkit_dataset_n_customers(copied, &n));
  CHECK(n == 3);
  CHECK_OK(crmkit_dataset_time_range(copied, &t0, &t1));
  CHECK(t0 == 1703980800 && t1 == 1706745600);
  CHECK_OK(crmkit_dataset_rows_read(copied, &n));
  CHECK(n == 5);
  CHECK_OK(crmkit_dataset_skipped_count(copied, &n));
  CHECK(n == 0);

  crmkit_dataset_free(copied);
  crmkit_dataset_free(borrowed);
}

static void test_validation(void) {
  crmkit_dataset* ds = (crmkit_dataset*)&ds;
  int32_t bad_customer[2] = {0, 3};
  double bad_amount[2] = {1.0, 0.0};
  CHECK_STATUS(crmkit_dataset_create_from_columns(bad_customer, when, amount, 2, 3, CRMKIT_COPY, &ds),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("row 1");
  CHECK(ds == NULL);
  bad_amount[1] = NAN;
  CHECK_STATUS(crmkit_dataset_create_from_columns(customer, when, bad_amount, 2, 3, CRMKIT_BORROW, &ds),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("not finite");
  CHECK_STATUS(crmkit_dataset_create_from_columns(customer, when, amount, 5, 3, 2, &ds), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'flags'");
  CHECK_STATUS(crmkit_dataset_create_from_columns(customer, when, amount, 5, (size_t)1 << 31, CRMKIT_COPY, &ds),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'n_customers'");
  CHECK(ds == NULL);
}

static void test_customer_ids(void) {
  crmkit_dataset* ds = NULL;
  char buf[16];
  char tiny[2];
  size_t needed = 0;
  int32_t index = -7;
  const char* ids[3] = {"C-000123", "C-7", "a-much-longer-customer-id"};
  const char* duplicate[3] = {"x", "y", "x"};
  const char* empty[3] = {"x", "", "z"};
  char packed[64];
  size_t offsets[4];

  CHECK_OK(crmkit_dataset_create_from_columns(customer, when, amount, 5, 3, CRMKIT_COPY, &ds));
  /* Without names the ids are the indices. */
  CHECK_OK(crmkit_dataset_customer_id(ds, 2, buf, sizeof buf, &needed));
  CHECK(strcmp(buf, "2") == 0 && needed == 2);
  CHECK_OK(crmkit_dataset_customer_index(ds, "1", &index));
  CHECK(index == 1);

  CHECK_OK(crmkit_dataset_set_customer_ids(ds, ids, 3));
  CHECK_STATUS(crmkit_dataset_customer_index(ds, "1", &index), CRMKIT_E_NOT_FOUND);
  CHECK_MESSAGE_HAS("'1'");
  CHECK(index == -1);
  CHECK_OK(crmkit_dataset_customer_index(ds, "C-7", &index));
  CHECK(index == 1);

  /* Two-call protocol: query, then fetch. */
  needed = 0;
  CHECK_STATUS(crmkit_dataset_customer_id(ds, 2, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(needed == strlen(ids[2]) + 1);
  memcpy(buf, "untouched", 10);
  CHECK_STATUS(crmkit_dataset_customer_id(ds, 2, buf, sizeof buf, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_MESSAGE_HAS("buffer too small");
  CHECK(needed == strlen(ids[2]) + 1);
  CHECK(strcmp(buf, "untouched") == 0);
  {
    char* big = (char*)malloc(needed);
    CHECK_OK(crmkit_dataset_customer_id(ds, 2, big, needed, &needed));
    CHECK(strcmp(big, ids[2]) == 0);
    free(big);
  }
  /* Exactly strlen + 1 fits; strlen does not. */
  CHECK_STATUS(crmkit_dataset_customer_id(ds, 1, tiny, 2, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(needed == 4);
  CHECK_OK(crmkit_dataset_customer_id(ds, 1, buf, 4, &needed));
  CHECK(strcmp(buf, "C-7") == 0);

  CHECK_STATUS(crmkit_dataset_customer_id(ds, 3, buf, sizeof buf, &needed), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'index'");
  CHECK_STATUS(crmkit_dataset_customer_id(ds, -1, buf, sizeof buf, &needed), CRMKIT_E_INVALID_ARGUMENT);

  /* All ids at once. */
  needed = 0;
  CHECK_STATUS(crmkit_dataset_customer_ids(ds, NULL, 0, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(needed == strlen(ids[0]) + strlen(ids[1]) + strlen(ids[2]));
  CHECK_STATUS(crmkit_dataset_customer_ids(ds, packed, needed - 1, offsets, 4, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(crmkit_dataset_customer_ids(ds, packed, sizeof packed, offsets, 3, &needed),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'n_offsets'");
  CHECK_OK(crmkit_dataset_customer_ids(ds, packed, sizeof packed, offsets, 4, &needed));
  CHECK(offsets[0] == 0 && offsets[1] == 8 && offsets[2] == 11 && offsets[3] == needed);
  CHECK(memcmp(packed, "C-000123C-7a-much-longer-customer-id", needed) == 0);

  /* Rejected id lists leave the ids unchanged. */
  CHECK_STATUS(crmkit_dataset_set_customer_ids(ds, duplicate, 3), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'x'");
  CHECK_STATUS(crmkit_dataset_set_customer_ids(ds, empty, 3), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("ids[1]");
  CHECK_STATUS(crmkit_dataset_set_customer_ids(ds, ids, 2), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("3 customers");
  CHECK_OK(crmkit_dataset_customer_index(ds, "C-000123", &index));
  CHECK(index == 0);
  crmkit_dataset_free(ds);
}

static void test_locations_and_attributes(void) {
  crmkit_dataset* ds = NULL;
  double lon[3] = {2.35, NAN, -73.98};
  double lat[3] = {48.86, NAN, 40.75};
  double bad_lat[3] = {48.86, 1.0, 40.75};
  double score[3] = {0.5, NAN, 0.25};
  double limit[3] = {100, 200, 300};
  const double* out_lon = NULL;
  const double* out_lat = NULL;
  const double* values = NULL;
  size_t n = 0, needed = 0;
  char name[32];
  const char* ids[3] = {"p", "q", "r"};

  CHECK_OK(crmkit_dataset_create_from_columns(customer, when, amount, 5, 3, CRMKIT_COPY, &ds));
  CHECK_STATUS(crmkit_dataset_customer_locations(ds, &out_lon, &out_lat, &n), CRMKIT_E_NOT_FOUND);
  CHECK(out_lon == NULL && n == 0);
  CHECK_STATUS(crmkit_dataset_set_customer_locations(ds, lon, bad_lat, 3, CRMKIT_COPY), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("only one of longitude/latitude");
  CHECK_STATUS(crmkit_dataset_set_customer_locations(ds, lon, lat, 2, CRMKIT_COPY), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'n'");
  CHECK_STATUS(crmkit_dataset_set_customer_locations(ds, lon, lat, 3, 5), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'flags'");

  CHECK_OK(crmkit_dataset_set_customer_locations(ds, lon, lat, 3, CRMKIT_BORROW));
  CHECK_OK(crmkit_dataset_customer_locations(ds, &out_lon, &out_lat, &n));
  CHECK(out_lon == lon && out_lat == lat && n == 3);
  CHECK_OK(crmkit_dataset_set_customer_locations(ds, lon, lat, 3, CRMKIT_COPY));
  CHECK_OK(crmkit_dataset_customer_locations(ds, &out_lon, &out_lat, &n));
  CHECK(out_lon != lon && out_lon[0] == 2.35 && isnan(out_lat[1]) && out_lat[2] == 40.75);

  CHECK_OK(crmkit_dataset_attribute_count(ds, &n));
  CHECK(n == 0);
  CHECK_STATUS(crmkit_dataset_customer_attribute(ds, "score", &values, &n), CRMKIT_E_NOT_FOUND);
  CHECK_MESSAGE_HAS("'score'");
  CHECK_OK(crmkit_dataset_set_customer_attribute(ds, "score", score, 3, CRMKIT_BORROW));
  CHECK_OK(crmkit_dataset_set_customer_attribute(ds, "credit_limit", limit, 3, CRMKIT_COPY));
  CHECK_STATUS(crmkit_dataset_set_customer_attribute(ds, "", limit, 3, CRMKIT_COPY), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_dataset_set_customer_attribute(ds, "short", limit, 1, CRMKIT_COPY), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_dataset_customer_attribute(ds, "nope", &values, &n), CRMKIT_E_NOT_FOUND);
  CHECK_MESSAGE_HAS("score, credit_limit");
  CHECK_OK(crmkit_dataset_customer_attribute(ds, "score", &values, &n));
  CHECK(values == score && n == 3);
  CHECK_OK(crmkit_dataset_customer_attribute(ds, "credit_limit", &values, &n));
  CHECK(values != limit && values[2] == 300);
  CHECK_OK(crmkit_dataset_attribute_count(ds, &n));
  CHECK(n == 2);
  CHECK_OK(crmkit_dataset_attribute_name(ds, 1, name, sizeof name, &needed));
  CHECK(strcmp(name, "credit_limit") == 0 && needed == 13);
  CHECK_STATUS(crmkit_dataset_attribute_name(ds, 1, name, 12, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(crmkit_dataset_attribute_name(ds, 2, name, sizeof name, &needed), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'i'");

  /* Naming the customers keeps the columns set before, borrowed ones still borrowed. */
  CHECK_OK(crmkit_dataset_set_customer_ids(ds, ids, 3));
  CHECK_OK(crmkit_dataset_customer_attribute(ds, "score", &values, &n));
  CHECK(values == score && n == 3);
  CHECK_OK(crmkit_dataset_customer_attribute(ds, "credit_limit", &values, &n));
  CHECK(values[1] == 200);
  CHECK_OK(crmkit_dataset_customer_locations(ds, &out_lon, &out_lat, &n));
  CHECK(n == 3 && out_lon[2] == -73.98);
  CHECK_OK(crmkit_dataset_attribute_count(ds, &n));
  CHECK(n == 2);
  crmkit_dataset_free(ds);
}

static void test_empty_dataset(void) {
  crmkit_dataset* ds = NULL;
  const int32_t* c = customer;
  const int64_t* t = when;
  const double* a = amount;
  size_t n = 99, needed = 99;
  int64_t t0 = 1, t1 = 1;
  size_t offsets[1] = {7};
  CHECK_OK(crmkit_dataset_create_from_columns(NULL, NULL, NULL, 0, 0, CRMKIT_BORROW, &ds));
  CHECK_OK(crmkit_dataset_transactions(ds, &c, &t, &a, &n));
  CHECK(n == 0);
  CHECK_OK(crmkit_dataset_time_range(ds, &t0, &t1));
  CHECK(t0 == 0 && t1 == 0);
  CHECK_OK(crmkit_dataset_customer_ids(ds, NULL, 0, offsets, 1, &needed));
  CHECK(needed == 0 && offsets[0] == 0);
  {
    const char* no_ids[1] = {NULL};
    CHECK_OK(crmkit_dataset_set_customer_ids(ds, no_ids, 0));
  }
  crmkit_dataset_free(ds);
}

int main(void) {
  test_copy_and_borrow();
  test_validation();
  test_customer_ids();
  test_locations_and_attributes();
  test_empty_dataset();
  return test_report("dataset_columns_test");
}
