/* Order lines through the C ABI: the csv option keys of the order-line mode, the
 * per-filter drop counts, the lines and order ids of a dataset, and
 * crmkit_dataset_create_from_order_lines. */
#define CRMKIT_TEST_WANTS_SCRATCH 1

#include "test_util.h"

static void test_csv(void) {
  const char* path = write_scratch_file("retail.csv",
                                        "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n"
                                        "536365,A,6,2010-12-01T08:26:00,2.5,17850\n"
                                        "536365,B,2,2010-12-01T08:20:00,4.0,17850\n"
                                        "C536379,D,-1,2010-12-01T09:41:00,27.50,14527\n"
                                        "536380,B,0,2010-12-02,1.00,17850\n"
                                        "536381,B,2,2010-12-02,0,17850\n"
                                        "536383,B,2,2010-12-02,1.5,\n"
                                        "536384,B,2,2010-12-03,1.5,13047\n");
  crmkit_csv_options* options = NULL;
  crmkit_dataset* ds = NULL;
  size_t n = 0, needed = 0;
  int64_t lines[5] = {0, 0, 0, 0, 0};
  const int32_t* order = NULL;
  const double* amount = NULL;
  const int32_t* c = NULL;
  const int64_t* t = NULL;
  const double* a = NULL;
  char id[16];

  CHECK_OK(crmkit_csv_options_create(&options));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_CUSTOMER_COLUMN, "CustomerID"));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_TIME_COLUMN, "InvoiceDate"));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_ORDER_COLUMN, "InvoiceNo"));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_QUANTITY_COLUMN, "Quantity"));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_UNIT_PRICE_COLUMN, "UnitPrice"));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_EXCLUDE_ORDER_PREFIX, "C"));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_DROP_NONPOSITIVE_QUANTITY, 1));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_DROP_NONPOSITIVE_UNIT_PRICE, 1));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_DROP_EMPTY_CUSTOMER, 1));
  CHECK_STATUS(crmkit_csv_options_set_int(options, CRMKIT_CSV_DROP_EMPTY_CUSTOMER, 2), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("CRMKIT_CSV_DROP_EMPTY_CUSTOMER");
  CHECK_STATUS(crmkit_csv_options_set_int(options, CRMKIT_CSV_ORDER_COLUMN, 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_csv_options_set_string(options, CRMKIT_CSV_DROP_EMPTY_CUSTOMER, "x"), CRMKIT_E_INVALID_ARGUMENT);

  CHECK_OK(crmkit_dataset_create_from_csv(path, NULL, options, &ds));
  crmkit_csv_options_free(options);
  if (ds == NULL) return;
  CHECK_OK(crmkit_dataset_n_transactions(ds, &n));
  CHECK(n == 2);
  CHECK_OK(crmkit_dataset_transactions(ds, &c, &t, &a, &n));
  CHECK(n == 2 && a[0] == 23.0 && a[1] == 3.0 && t[0] == 1291191600);
  CHECK_OK(crmkit_dataset_rows_read(ds, &n));
  CHECK(n == 7);
  CHECK_OK(crmkit_dataset_filtered_count(ds, CRMKIT_CSV_EXCLUDE_ORDER_PREFIX, &n));
  CHECK(n == 1);
  CHECK_OK(crmkit_dataset_filtered_lines(ds, CRMKIT_CSV_EXCLUDE_ORDER_PREFIX, lines, 5, &n));
  CHECK(n == 1 && lines[0] == 4);
  CHECK_OK(crmkit_dataset_filtered_lines(ds, CRMKIT_CSV_DROP_NONPOSITIVE_QUANTITY, lines, 5, &n));
  CHECK(n == 1 && lines[0] == 5);
  CHECK_OK(crmkit_dataset_filtered_lines(ds, CRMKIT_CSV_DROP_NONPOSITIVE_UNIT_PRICE, lines, 5, &n));
  CHECK(n == 1 && lines[0] == 6);
  CHECK_OK(crmkit_dataset_filtered_lines(ds, CRMKIT_CSV_DROP_EMPTY_CUSTOMER, lines, 5, &n));
  CHECK(n == 1 && lines[0] == 7);
  CHECK_STATUS(crmkit_dataset_filtered_lines(ds, CRMKIT_CSV_DROP_EMPTY_CUSTOMER, NULL, 0, &n), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(n == 1);
  CHECK_STATUS(crmkit_dataset_filtered_count(ds, CRMKIT_CSV_DELIMITER, &n), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("argument 'filter'");
  CHECK_OK(crmkit_dataset_order_lines(ds, &order, &amount, &n));
  CHECK(n == 3 && order[0] == 0 && order[1] == 0 && order[2] == 1 && amount[0] == 15.0 && amount[1] == 8.0);
  CHECK_OK(crmkit_dataset_order_id(ds, 1, id, sizeof id, &needed));
  CHECK(strcmp(id, "536384") == 0 && needed == 7);
  CHECK_STATUS(crmkit_dataset_order_id(ds, 2, id, sizeof id, &needed), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_dataset_free(ds);

  /* A dataset read without an order column has no lines. */
  ds = NULL;
  CHECK_OK(crmkit_dataset_create_from_csv(write_scratch_file("plain.csv", "customer_id,timestamp,amount\nA,2024-01-01,1\n"),
                                          NULL, NULL, &ds));
  CHECK_STATUS(crmkit_dataset_order_lines(ds, &order, &amount, &n), CRMKIT_E_NOT_FOUND);
  CHECK(order == NULL && n == 0);
  CHECK_OK(crmkit_dataset_filtered_count(ds, CRMKIT_CSV_DROP_EMPTY_CUSTOMER, &n));
  CHECK(n == 0);
  crmkit_dataset_free(ds);
}

static void test_arrays(void) {
  /* customers "17850", "", "13047"; orders "536365", "C536379", "536367" */
  const char customer_ids[] = "1785013047";
  const size_t customer_offsets[4] = {0, 5, 5, 10};
  const char order_ids[] = "536365C536379536367";
  const size_t order_offsets[4] = {0, 6, 13, 19};
  const int32_t customer[5] = {0, 0, 2, 1, 2};
  const int32_t order[5] = {0, 0, 1, 2, 2};
  const int64_t time[5] = {200, 100, 300, 400, 500};
  const double quantity[5] = {6, 2, -1, 1, 3};
  const double price[5] = {2.5, 4.0, 27.5, 1.0, 2.0};
  const int32_t mixed[5] = {0, 2, 2, 2, 2};
  crmkit_csv_options* options = NULL;
  crmkit_dataset* ds = NULL;
  size_t n = 0;
  const int32_t* c = NULL;
  const int64_t* t = NULL;
  const double* a = NULL;
  char id[16];
  size_t needed = 0;

  CHECK_OK(crmkit_csv_options_create(&options));
  CHECK_OK(crmkit_csv_options_set_string(options, CRMKIT_CSV_EXCLUDE_ORDER_PREFIX, "C"));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_DROP_EMPTY_CUSTOMER, 1));
  CHECK_OK(crmkit_dataset_create_from_order_lines(customer, customer_ids, customer_offsets, 3, time, NULL, quantity,
                                                  price, order, order_ids, order_offsets, 3, NULL, NULL, NULL, 0, 5,
                                                  options, &ds));
  if (ds != NULL) {
    CHECK_OK(crmkit_dataset_transactions(ds, &c, &t, &a, &n));
    CHECK(n == 2 && t[0] == 100 && a[0] == 23.0 && t[1] == 500 && a[1] == 6.0);
    CHECK_OK(crmkit_dataset_n_customers(ds, &n));
    CHECK(n == 2);
    CHECK_OK(crmkit_dataset_customer_id(ds, 1, id, sizeof id, &needed));
    CHECK(strcmp(id, "13047") == 0);
    CHECK_OK(crmkit_dataset_filtered_count(ds, CRMKIT_CSV_DROP_EMPTY_CUSTOMER, &n));
    CHECK(n == 1);
    CHECK_OK(crmkit_dataset_filtered_count(ds, CRMKIT_CSV_EXCLUDE_ORDER_PREFIX, &n));
    CHECK(n == 1);
  }
  crmkit_dataset_free(ds);

  ds = (crmkit_dataset*)&ds;
  CHECK_STATUS(crmkit_dataset_create_from_order_lines(mixed, customer_ids, customer_offsets, 3, time, NULL, quantity,
                                                      price, order, order_ids, order_offsets, 3, NULL, NULL, NULL, 0, 5,
                                                      NULL, &ds),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK(ds == NULL);
  CHECK_MESSAGE_HAS("order '536365' has lines of two customers: '17850' (row 0) and '13047' (row 1)");
  CHECK_STATUS(crmkit_dataset_create_from_order_lines(customer, customer_ids, customer_offsets, 3, time, NULL, NULL,
                                                      NULL, order, order_ids, order_offsets, 3, NULL, NULL, NULL, 0, 5,
                                                      NULL, &ds),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("give amount, or quantity and unit_price");
  CHECK_STATUS(crmkit_dataset_create_from_order_lines(customer, customer_ids, NULL, 3, time, NULL, quantity, price,
                                                      order, order_ids, order_offsets, 3, NULL, NULL, NULL, 0, 5, NULL,
                                                      &ds),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("customer_ids_offsets");
  crmkit_csv_options_free(options);
}

int main(void) {
  test_csv();
  test_arrays();
  return test_report("order_lines_test");
}
