/* Every entry point rejects a NULL pointer argument with CRMKIT_E_INVALID_ARGUMENT and a
 * message naming the argument; creating functions leave *out NULL; _free accepts NULL. */
#include "test_util.h"

#define CHECK_NULL_ARG(call, argument)                   \
  do {                                                   \
    CHECK_STATUS(call, CRMKIT_E_INVALID_ARGUMENT);       \
    CHECK_MESSAGE_HAS("'" argument "'");                 \
  } while (0)

static const int32_t customer[2] = {0, 1};
static const int64_t when[2] = {100, 200};
static const double amount[2] = {1.0, 2.0};
static const double coordinates[2] = {1.0, 2.0};

static void test_options(void) {
  crmkit_csv_options* options = NULL;
  CHECK_NULL_ARG(crmkit_csv_options_create(NULL), "out");
  crmkit_csv_options_free(NULL);
  CHECK_OK(crmkit_csv_options_create(&options));
  CHECK(options != NULL);
  CHECK_NULL_ARG(crmkit_csv_options_set_int(NULL, CRMKIT_CSV_DELIMITER, ';'), "options");
  CHECK_NULL_ARG(crmkit_csv_options_set_string(NULL, CRMKIT_CSV_TIME_COLUMN, "date"), "options");
  CHECK_NULL_ARG(crmkit_csv_options_set_string(options, CRMKIT_CSV_TIME_COLUMN, NULL), "value");
  CHECK_NULL_ARG(crmkit_csv_options_add_attribute_column(NULL, "x"), "options");
  CHECK_NULL_ARG(crmkit_csv_options_add_attribute_column(options, NULL), "name");
  crmkit_csv_options_free(options);
}

static void test_create(void) {
  crmkit_dataset* ds = (crmkit_dataset*)&ds; /* garbage that must be overwritten with NULL */
  CHECK_NULL_ARG(crmkit_dataset_create_from_csv(NULL, NULL, NULL, &ds), "transactions_path");
  CHECK(ds == NULL);
  CHECK_NULL_ARG(crmkit_dataset_create_from_csv("x.csv", NULL, NULL, NULL), "out");

  ds = (crmkit_dataset*)&ds;
  CHECK_NULL_ARG(crmkit_dataset_create_from_columns(NULL, when, amount, 2, 2, CRMKIT_COPY, &ds), "customer");
  CHECK(ds == NULL);
  ds = (crmkit_dataset*)&ds;
  CHECK_NULL_ARG(crmkit_dataset_create_from_columns(customer, NULL, amount, 2, 2, CRMKIT_BORROW, &ds), "time");
  CHECK(ds == NULL);
  ds = (crmkit_dataset*)&ds;
  CHECK_NULL_ARG(crmkit_dataset_create_from_columns(customer, when, NULL, 2, 2, CRMKIT_COPY, &ds), "amount");
  CHECK(ds == NULL);
  CHECK_NULL_ARG(crmkit_dataset_create_from_columns(customer, when, amount, 2, 2, CRMKIT_COPY, NULL), "out");
  /* With no rows the column pointers may be NULL. */
  CHECK_OK(crmkit_dataset_create_from_columns(NULL, NULL, NULL, 0, 3, CRMKIT_COPY, &ds));
  CHECK(ds != NULL);
  crmkit_dataset_free(ds);
  crmkit_dataset_free(NULL);
}

static void test_dataset_functions(void) {
  crmkit_dataset* ds = NULL;
  const char* ids[2] = {"a", "b"};
  size_t n = 0;
  int64_t t0 = 0, t1 = 0, line = 0;
  int32_t index = 0;
  const int32_t* customers = NULL;
  const int64_t* times = NULL;
  const double* amounts = NULL;
  const double* lon = NULL;
  const double* lat = NULL;
  const double* values = NULL;
  char buf[64];
  size_t offsets[3];

  CHECK_OK(crmkit_dataset_create_from_columns(customer, when, amount, 2, 2, CRMKIT_COPY, &ds));
  CHECK_OK(crmkit_dataset_set_customer_attribute(ds, "score", coordinates, 2, CRMKIT_COPY));

  CHECK_NULL_ARG(crmkit_dataset_set_customer_ids(NULL, ids, 2), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_set_customer_ids(ds, NULL, 2), "ids");
  {
    const char* with_null[2] = {"a", NULL};
    CHECK_NULL_ARG(crmkit_dataset_set_customer_ids(ds, with_null, 2), "ids[1]");
  }

  CHECK_NULL_ARG(crmkit_dataset_set_customer_locations(NULL, coordinates, coordinates, 2, CRMKIT_COPY), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_set_customer_locations(ds, NULL, coordinates, 2, CRMKIT_COPY), "longitude");
  CHECK_NULL_ARG(crmkit_dataset_set_customer_locations(ds, coordinates, NULL, 2, CRMKIT_COPY), "latitude");

  CHECK_NULL_ARG(crmkit_dataset_set_customer_attribute(NULL, "x", coordinates, 2, CRMKIT_COPY), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_set_customer_attribute(ds, NULL, coordinates, 2, CRMKIT_COPY), "name");
  CHECK_NULL_ARG(crmkit_dataset_set_customer_attribute(ds, "x", NULL, 2, CRMKIT_COPY), "values");

  CHECK_NULL_ARG(crmkit_dataset_n_transactions(NULL, &n), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_n_transactions(ds, NULL), "out");
  CHECK_NULL_ARG(crmkit_dataset_n_customers(NULL, &n), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_n_customers(ds, NULL), "out");

  CHECK_NULL_ARG(crmkit_dataset_time_range(NULL, &t0, &t1), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_time_range(ds, NULL, &t1), "out_min");
  CHECK_NULL_ARG(crmkit_dataset_time_range(ds, &t0, NULL), "out_max");

  CHECK_NULL_ARG(crmkit_dataset_transactions(NULL, &customers, &times, &amounts, &n), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_transactions(ds, NULL, &times, &amounts, &n), "out_customer");
  CHECK_NULL_ARG(crmkit_dataset_transactions(ds, &customers, NULL, &amounts, &n), "out_time");
  CHECK_NULL_ARG(crmkit_dataset_transactions(ds, &customers, &times, NULL, &n), "out_amount");
  CHECK_NULL_ARG(crmkit_dataset_transactions(ds, &customers, &times, &amounts, NULL), "out_n");

  CHECK_NULL_ARG(crmkit_dataset_customer_id(NULL, 0, buf, sizeof buf, &n), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_customer_id(ds, 0, NULL, sizeof buf, &n), "buf");
  CHECK_NULL_ARG(crmkit_dataset_customer_id(ds, 0, buf, sizeof buf, NULL), "out_needed");

  CHECK_NULL_ARG(crmkit_dataset_customer_ids(NULL, buf, sizeof buf, offsets, 3, &n), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_customer_ids(ds, NULL, sizeof buf, offsets, 3, &n), "buf");
  CHECK_NULL_ARG(crmkit_dataset_customer_ids(ds, buf, sizeof buf, NULL, 3, &n), "offsets");
  CHECK_NULL_ARG(crmkit_dataset_customer_ids(ds, buf, sizeof buf, offsets, 3, NULL), "out_needed");

  CHECK_NULL_ARG(crmkit_dataset_customer_index(NULL, "0", &index), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_customer_index(ds, NULL, &index), "id");
  CHECK_NULL_ARG(crmkit_dataset_customer_index(ds, "0", NULL), "out_index");

  CHECK_NULL_ARG(crmkit_dataset_customer_locations(NULL, &lon, &lat, &n), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_customer_locations(ds, NULL, &lat, &n), "out_longitude");
  CHECK_NULL_ARG(crmkit_dataset_customer_locations(ds, &lon, NULL, &n), "out_latitude");
  CHECK_NULL_ARG(crmkit_dataset_customer_locations(ds, &lon, &lat, NULL), "out_n");

  CHECK_NULL_ARG(crmkit_dataset_attribute_count(NULL, &n), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_attribute_count(ds, NULL), "out");
  CHECK_NULL_ARG(crmkit_dataset_attribute_name(NULL, 0, buf, sizeof buf, &n), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_attribute_name(ds, 0, NULL, sizeof buf, &n), "buf");
  CHECK_NULL_ARG(crmkit_dataset_attribute_name(ds, 0, buf, sizeof buf, NULL), "out_needed");
  CHECK_NULL_ARG(crmkit_dataset_customer_attribute(NULL, "score", &values, &n), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_customer_attribute(ds, NULL, &values, &n), "name");
  CHECK_NULL_ARG(crmkit_dataset_customer_attribute(ds, "score", NULL, &n), "out_values");
  CHECK_NULL_ARG(crmkit_dataset_customer_attribute(ds, "score", &values, NULL), "out_n");

  CHECK_NULL_ARG(crmkit_dataset_rows_read(NULL, &n), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_rows_read(ds, NULL), "out");
  CHECK_NULL_ARG(crmkit_dataset_skipped_count(NULL, &n), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_skipped_count(ds, NULL), "out");
  CHECK_NULL_ARG(crmkit_dataset_skipped_row(NULL, 0, &line, buf, sizeof buf, &n), "dataset");
  CHECK_NULL_ARG(crmkit_dataset_skipped_row(ds, 0, NULL, buf, sizeof buf, &n), "out_line");
  CHECK_NULL_ARG(crmkit_dataset_skipped_row(ds, 0, &line, buf, sizeof buf, NULL), "out_needed");

  /* The failed setters left the dataset as it was. */
  CHECK_OK(crmkit_dataset_attribute_count(ds, &n));
  CHECK(n == 1);
  CHECK_OK(crmkit_dataset_customer_id(ds, 1, buf, sizeof buf, &n));
  CHECK(strcmp(buf, "1") == 0);
  CHECK_STATUS(crmkit_dataset_customer_locations(ds, &lon, &lat, &n), CRMKIT_E_NOT_FOUND);
  crmkit_dataset_free(ds);
}

int main(void) {
  test_options();
  test_create();
  test_dataset_functions();
  return test_report("null_args_test");
}
