/* crmkit_dataset_create_from_csv: defaults, options, the ingest report of skipped rows,
 * fail mode, missing files, and a customer file. Fixtures are written to a scratch
 * directory in the build tree. */
#include <math.h>

#define CRMKIT_TEST_WANTS_SCRATCH 1

#include "test_util.h"

static void test_defaults(void) {
  const char* path = write_scratch_file("simple.csv",
                                        "customer_id,timestamp,amount\n"
                                        "C-2,2024-01-02,10.5\n"
                                        "C-1,2024-01-01T12:00:00Z,4\n"
                                        "C-2,2024-02-01,-1.5\n");
  crmkit_dataset* ds = NULL;
  size_t n = 0, needed = 0;
  int64_t t0 = 0, t1 = 0;
  int32_t index = -1;
  const int32_t* c = NULL;
  const int64_t* t = NULL;
  const double* a = NULL;
  char id[16];

  CHECK_OK(crmkit_dataset_create_from_csv(path, NULL, NULL, &ds));
  CHECK(ds != NULL);
  if (ds == NULL) return;
  CHECK_OK(crmkit_dataset_n_transactions(ds, &n));
  CHECK(n == 3);
  CHECK_OK(crmkit_dataset_n_customers(ds, &n));
  CHECK(n == 2);
  CHECK_OK(crmkit_dataset_time_range(ds, &t0, &t1));
  CHECK(t0 == 1704110400 && t1 == 1706745600);
  CHECK_OK(crmkit_dataset_transactions(ds, &c, &t, &a, &n));
  CHECK(n == 3 && c[0] == 0 && c[1] == 1 && c[2] == 0);
  CHECK(t[0] == 1704153600 && a[0] == 10.5 && a[2] == -1.5);
  /* Customers are numbered in order of first appearance. */
  CHECK_OK(crmkit_dataset_customer_id(ds, 0, id, sizeof id, &needed));
  CHECK(strcmp(id, "C-2") == 0);
  CHECK_OK(crmkit_dataset_customer_index(ds, "C-1", &index));
  CHECK(index == 1);
  CHECK_OK(crmkit_dataset_rows_read(ds, &n));
  CHECK(n == 3);
  CHECK_OK(crmkit_dataset_skipped_count(ds, &n));
  CHECK(n == 0);
  crmkit_dataset_free(ds);
}

static const char* bad_rows_text =
    "customer_id,timestamp,amount\n"
    "A,2024-01-01,1.0\n"
    "B,2024-01-02,12,5x\n"     /* line 3: one field too many */
    "C,2024-01-03,2.0\n"
    "D,2024-13-01,3.0\n"       /* line 5: bad month */
    "E,2024-01-05,not-a-number\n" /* line 6: bad amount */
    "A,2024-01-06,4.0\n";

static void test_skipped_rows(void) {
  const char* path = write_scratch_file("bad_rows.csv", bad_rows_text);
  crmkit_csv_options* options = NULL;
  crmkit_dataset* ds = NULL;
  size_t n = 0, needed = 0;
  int64_t line = 0;
  char small[8];
  char* message = NULL;

  CHECK_OK(crmkit_csv_options_create(&options));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_ON_BAD_ROW, CRMKIT_BAD_ROW_SKIP));
  /* Two threads read the same rows, lines and messages as one. */
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_N_THREADS, 2));
  CHECK_OK(crmkit_dataset_create_from_csv(path, NULL, options, &ds));
  crmkit_csv_options_free(options); /* not kept by the dataset */
  if (ds == NULL) return;
  CHECK_OK(crmkit_dataset_n_transactions(ds, &n));
  CHECK(n == 3);
  CHECK_OK(crmkit_dataset_n_customers(ds, &n));
  CHECK(n == 2);
  CHECK_OK(crmkit_dataset_rows_read(ds, &n));
  CHECK(n == 6);
  CHECK_OK(crmkit_dataset_skipped_count(ds, &n));
  CHECK(n == 3);

  /* Two-call protocol for the message; the line comes back either way. */
  CHECK_STATUS(crmkit_dataset_skipped_row(ds, 0, &line, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(line == 3);
  CHECK(needed > strlen(path));
  CHECK_STATUS(crmkit_dataset_skipped_row(ds, 0, &line, small, sizeof small, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  message = (char*)malloc(needed);
  CHECK_OK(crmkit_dataset_skipped_row(ds, 0, &line, message, needed, &needed));
  CHECK(strlen(message) + 1 == needed);
  CHECK(strstr(message, path) != NULL);
  CHECK(strstr(message, ":3") != NULL);
  free(message);

  CHECK_STATUS(crmkit_dataset_skipped_row(ds, 1, &line, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(line == 5);
  message = (char*)malloc(needed);
  CHECK_OK(crmkit_dataset_skipped_row(ds, 1, &line, message, needed, &needed));
  CHECK(strstr(message, "timestamp") != NULL);
  free(message);

  CHECK_STATUS(crmkit_dataset_skipped_row(ds, 2, &line, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(line == 6);
  message = (char*)malloc(needed);
  CHECK_OK(crmkit_dataset_skipped_row(ds, 2, &line, message, needed, &needed));
  CHECK(strstr(message, "amount") != NULL);
  CHECK(strstr(message, "not-a-number") != NULL);
  free(message);

  CHECK_STATUS(crmkit_dataset_skipped_row(ds, 3, &line, small, sizeof small, &needed), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'i'");
  crmkit_dataset_free(ds);
}

static void test_fail_mode(void) {
  const char* path = write_scratch_file("bad_rows_fail.csv", bad_rows_text);
  crmkit_dataset* ds = (crmkit_dataset*)&ds;
  CHECK_STATUS(crmkit_dataset_create_from_csv(path, NULL, NULL, &ds), CRMKIT_E_PARSE);
  CHECK(ds == NULL);
  CHECK_MESSAGE_HAS(path);
  CHECK_MESSAGE_HAS(":3");
}

static void test_missing_file(void) {
  const char* path = write_scratch_file("exists.csv", "customer_id,timestamp,amount\n");
  char missing[4200];
  crmkit_dataset* ds = (crmkit_dataset*)&ds;
  sprintf(missing, "%.4000s.does-not-exist", path);
  CHECK_STATUS(crmkit_dataset_create_from_csv(missing, NULL, NULL, &ds), CRMKIT_E_IO);
  CHECK(ds == NULL);
  CHECK_MESSAGE_HAS(missing);
  ds = (crmkit_dataset*)&ds;
  CHECK_STATUS(crmkit_dataset_create_from_csv(path, missing, NULL, &ds), CRMKIT_E_IO);
  CHECK(ds == NULL);
  CHECK_MESSAGE_HAS(missing);
}

static void test_missing_column(void) {
  const char* path = write_scratch_file("cdnow_like.csv",
                                        "customer_id,date,cds,amount\n"
                                        "00004,19970101,2,29.33\n"
                                        "00001,19970112,1,11.77\n");
  crmkit_csv_options* options = NULL;
  crmkit_dataset* ds = NULL;
  size_t n = 0;
  int64_t t0 = 0, t1 = 0;
  CHECK_STATUS(crmkit_dataset_create_from_csv(path, NULL, NULL, &ds), CRMKIT_E_PARSE);
  CHECK_MESSAGE_HAS("timestamp");
  CHECK_OK(crmkit_csv_options_create(&options));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_TIME_COLUMN, "date"));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_TIME_FORMAT, CRMKIT_TIME_COMPACT_DATE));
  CHECK_OK(crmkit_dataset_create_from_csv(path, NULL, options, &ds));
  crmkit_csv_options_free(options);
  if (ds == NULL) return;
  CHECK_OK(crmkit_dataset_n_transactions(ds, &n));
  CHECK(n == 2);
  CHECK_OK(crmkit_dataset_time_range(ds, &t0, &t1));
  CHECK(t0 == 852076800 && t1 == 853027200);
  crmkit_dataset_free(ds);
}

static void test_options(void) {
  const char* path = write_scratch_file("semicolon.csv",
                                        "who;when;paid;sku\n"
                                        "x;1700000000;1.25;p1\n"
                                        "y;1700000100;-2;p2\n");
  crmkit_csv_options* options = NULL;
  crmkit_dataset* ds = NULL;
  size_t n = 0;
  int64_t t0 = 0, t1 = 0;
  CHECK_OK(crmkit_csv_options_create(&options));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_DELIMITER, ';'));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_TIME_FORMAT, CRMKIT_TIME_EPOCH_SECONDS));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_CUSTOMER_COLUMN, "who"));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_TIME_COLUMN, "when"));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_AMOUNT_COLUMN, "paid"));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_PRODUCT_COLUMN, "sku"));
  CHECK_OK(crmkit_dataset_create_from_csv(path, NULL, options, &ds));
  if (ds != NULL) {
    CHECK_OK(crmkit_dataset_n_transactions(ds, &n));
    CHECK(n == 2);
    CHECK_OK(crmkit_dataset_time_range(ds, &t0, &t1));
    CHECK(t0 == 1700000000 && t1 == 1700000100);
    crmkit_dataset_free(ds);
  }
  /* Thread counts outside 1..1024 are refused, naming the key. */
  CHECK_STATUS(crmkit_csv_options_set_int(options, CRMKIT_CSV_N_THREADS, 0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("CRMKIT_CSV_N_THREADS");
  CHECK_STATUS(crmkit_csv_options_set_int(options, CRMKIT_CSV_N_THREADS, 1025), CRMKIT_E_INVALID_ARGUMENT);
  /* Refunds can be refused. */
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_ALLOW_NEGATIVE_AMOUNTS, 0));
  CHECK_STATUS(crmkit_dataset_create_from_csv(path, NULL, options, &ds), CRMKIT_E_PARSE);
  CHECK_MESSAGE_HAS(":3");
  crmkit_csv_options_free(options);
}

static void test_customer_file(void) {
  const char* customers = write_scratch_file("customers.csv",
                                             "id,lon,lat,limit\n"
                                             "K1,2.35,48.86,500\n"
                                             "K2,,,\n"
                                             "K3,-73.98,40.75,250\n");
  char customers_path[4096];
  const char* transactions;
  crmkit_csv_options* options = NULL;
  crmkit_dataset* ds = NULL;
  size_t n = 0, needed = 0;
  int32_t index = -1;
  int64_t line = 0;
  const double* lon = NULL;
  const double* lat = NULL;
  const double* limit = NULL;
  char message[1024];
  strcpy(customers_path, customers);
  transactions = write_scratch_file("customer_transactions.csv",
                                    "customer_id,timestamp,amount\n"
                                    "K3,2024-01-01,1\n"
                                    "K9,2024-01-02,2\n" /* line 3: unknown customer */
                                    "K1,2024-01-03,3\n");
  CHECK_OK(crmkit_csv_options_create(&options));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_ON_BAD_ROW, CRMKIT_BAD_ROW_SKIP));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_CUSTOMER_ID_COLUMN, "id"));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_LONGITUDE_COLUMN, "lon"));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_LATITUDE_COLUMN, "lat"));
  CHECK_OK(crmkit_csv_options_add_attribute_column(options, "limit"));
  CHECK_OK(crmkit_dataset_create_from_csv(transactions, customers_path, options, &ds));
  crmkit_csv_options_free(options);
  if (ds == NULL) return;
  CHECK_OK(crmkit_dataset_n_customers(ds, &n));
  CHECK(n == 3);
  CHECK_OK(crmkit_dataset_n_transactions(ds, &n));
  CHECK(n == 2);
  CHECK_OK(crmkit_dataset_customer_index(ds, "K3", &index));
  CHECK(index == 2);
  CHECK_OK(crmkit_dataset_customer_locations(ds, &lon, &lat, &n));
  CHECK(n == 3 && lon[0] == 2.35 && isnan(lat[1]) && lat[2] == 40.75);
  CHECK_OK(crmkit_dataset_customer_attribute(ds, "limit", &limit, &n));
  CHECK(n == 3 && limit[0] == 500 && isnan(limit[1]));
  CHECK_OK(crmkit_dataset_skipped_count(ds, &n));
  CHECK(n == 1);
  CHECK_OK(crmkit_dataset_skipped_row(ds, 0, &line, message, sizeof message, &needed));
  CHECK(line == 3);
  CHECK(strstr(message, "K9") != NULL);
  crmkit_dataset_free(ds);
}

int main(void) {
  test_defaults();
  test_skipped_rows();
  test_fail_mode();
  test_missing_file();
  test_missing_column();
  test_options();
  test_customer_file();
  return test_report("dataset_csv_test");
}
