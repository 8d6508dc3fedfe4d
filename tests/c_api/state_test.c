/* crmkit/c/state.h: states of two files merged, saved, loaded and scored equal the
 * one-process crmkit_score_customers; incremental appends; errors. */
#define CRMKIT_TEST_WANTS_SCRATCH 1
#include <math.h>

#include "test_util.h"

static const char* all_orders =
    "customer_id,timestamp,amount\n"
    "A,2024-01-01,100\nA,2024-01-15,50\nA,2024-02-20,70\n"
    "B,2024-01-03,20\nB,2024-03-01,25\n"
    "C,2024-01-10,5\n"
    "D,2024-02-01,300\nD,2024-02-10,200\nD,2024-03-05,250\nD,2024-03-20,100\n"
    "E,2024-03-25,10\n";
/* The same lines in two files; A, B and D in both (D twice on 2024-02-10 split: one day). */
static const char* part_1 =
    "customer_id,timestamp,amount\n"
    "A,2024-01-01,100\nB,2024-03-01,25\nD,2024-02-01,300\nD,2024-03-20,100\nE,2024-03-25,10\n";
static const char* part_2 =
    "customer_id,timestamp,amount\n"
    "A,2024-01-15,50\nA,2024-02-20,70\nB,2024-01-03,20\nC,2024-01-10,5\nD,2024-02-10,200\nD,2024-03-05,250\n";

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

int main(void) {
  crmkit_dataset* data = NULL;
  crmkit_state *a = NULL, *b = NULL, *c = NULL, *whole = NULL;
  crmkit_table *one = NULL, *table = NULL, *rows = NULL, *lifecycle = NULL;
  size_t n = 0, n2 = 0, n_cols = 0, col = 0, col1 = 0, needed = 0, i, j, customers = 0, memory = 0;
  int64_t transactions = 0, lo = 0, hi = 0, start = 0;
  int32_t type = 0;
  char *doc = NULL, *doc2 = NULL, name[64], ids[64], id[16];
  size_t offsets[6];
  const int64_t as_of = 1711929600; /* 2024-04-01 */

  CHECK_OK(crmkit_dataset_create_from_csv(write_scratch_file("all.csv", all_orders), NULL, NULL, &data));
  CHECK_OK(crmkit_score_customers(data, as_of, NULL, &one));

  CHECK_OK(crmkit_state_create(&a));
  CHECK_OK(crmkit_state_create(&b));
  CHECK_OK(crmkit_state_add_csv(a, write_scratch_file("part1.csv", part_1), NULL, 0));
  CHECK_OK(crmkit_state_add_csv(b, write_scratch_file("part2.csv", part_2), NULL, 1024));

  /* ship b as bytes: size query, too small, then the bytes */
  CHECK_STATUS(crmkit_state_save(b, NULL, 0, &n), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(n > 8);
  doc = (char*)malloc(n);
  CHECK_STATUS(crmkit_state_save(b, doc, n - 1, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_OK(crmkit_state_save(b, doc, n, &needed));
  CHECK(needed == n && memcmp(doc, "CRMKITCS", 8) == 0);
  CHECK_OK(crmkit_state_load(doc, n, &c));
  CHECK_STATUS(crmkit_state_load(doc, n - 1, &whole), CRMKIT_E_PARSE);
  CHECK(whole == NULL);
  CHECK_OK(crmkit_state_merge(a, c));

  /* the merged state's document equals the one-file state's */
  CHECK_OK(crmkit_state_create(&whole));
  CHECK_OK(crmkit_state_add_dataset(whole, data));
  CHECK_STATUS(crmkit_state_save(whole, NULL, 0, &n), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(crmkit_state_save(a, NULL, 0, &n2), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(n == n2);
  free(doc);
  doc = (char*)malloc(n);
  doc2 = (char*)malloc(n);
  CHECK_OK(crmkit_state_save(whole, doc, n, &needed));
  CHECK_OK(crmkit_state_save(a, doc2, n, &needed));
  CHECK(memcmp(doc, doc2, n) == 0);

  CHECK_OK(crmkit_state_info(a, &customers, &transactions, &memory, &lo, &hi));
  CHECK(customers == 5 && transactions == 11 && memory > 5 * 80);
  CHECK(lo == 1704067200 && hi == 1711324800); /* 2024-01-01, 2024-03-25 */
  CHECK_OK(crmkit_state_info(a, NULL, NULL, NULL, NULL, NULL));
  CHECK_STATUS(crmkit_state_customer_ids(a, NULL, 0, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(needed == 5);
  CHECK_STATUS(crmkit_state_customer_ids(a, ids, sizeof ids, offsets, 5, &needed), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_state_customer_ids(a, ids, sizeof ids, offsets, 6, &needed));
  CHECK(memcmp(ids, "ABCDE", 5) == 0 && offsets[5] == 5);

  /* the table: same columns, same bits (rows A..E in both) */
  CHECK_OK(crmkit_state_score_customers(a, as_of, NULL, &table));
  CHECK_OK(crmkit_table_n_rows(table, &n));
  CHECK(n == 5);
  CHECK_OK(crmkit_table_n_columns(table, &n_cols));
  CHECK_OK(crmkit_table_n_columns(one, &n2));
  CHECK(n_cols == n2);
  for (j = 0; j < n_cols; ++j) {
    CHECK_OK(crmkit_table_column_name(table, j, name, sizeof name, &needed));
    CHECK_OK(crmkit_table_find_column(one, name, &col1));
    CHECK(col1 == j);
    CHECK_OK(crmkit_table_column_type(table, j, &type));
    if (type == CRMKIT_COLUMN_FLOAT64) {
      double x[5], y[5];
      CHECK_OK(crmkit_table_float64(table, j, x, 5));
      CHECK_OK(crmkit_table_float64(one, j, y, 5));
      for (i = 0; i < 5; ++i) CHECK(same_bits(x[i], y[i]));
    } else if (type == CRMKIT_COLUMN_INT64 || type == CRMKIT_COLUMN_TIME) {
      int64_t x[5], y[5];
      CHECK_OK(crmkit_table_int64(table, j, x, 5));
      CHECK_OK(crmkit_table_int64(one, j, y, 5));
      if (strcmp(name, "stage_since") == 0) {
        for (i = 0; i < 5; ++i) CHECK(x[i] == CRMKIT_MISSING_INT64);
      } else {
        for (i = 0; i < 5; ++i) CHECK(x[i] == y[i]);
      }
    } else {
      int32_t x[5], y[5];
      CHECK_OK(crmkit_table_category_codes(table, j, x, 5));
      CHECK_OK(crmkit_table_category_codes(one, j, y, 5));
      if (strcmp(name, "lifecycle_stage") == 0) {
        for (i = 0; i < 5; ++i) CHECK(x[i] == -1);
      } else {
        for (i = 0; i < 5; ++i) CHECK(x[i] == y[i]);
      }
    }
  }
  CHECK_STATUS(crmkit_table_report_json(table, name, sizeof name, &needed), CRMKIT_E_BUFFER_TOO_SMALL);

  /* lifecycle from the (customer-complete) dataset and the merged state's start */
  CHECK_OK(crmkit_state_lifecycle_start(a, &start));
  CHECK(start == 1704067200);
  CHECK_OK(crmkit_state_score_lifecycle(data, start, as_of, NULL, &lifecycle));
  CHECK_OK(crmkit_table_find_column(lifecycle, "stage_since", &col));
  CHECK_OK(crmkit_table_find_column(one, "stage_since", &col1));
  {
    int64_t x[5], y[5];
    CHECK_OK(crmkit_table_int64(lifecycle, col, x, 5));
    CHECK_OK(crmkit_table_int64(one, col1, y, 5));
    for (i = 0; i < 5; ++i) CHECK(x[i] == y[i] && x[i] != CRMKIT_MISSING_INT64);
  }
  crmkit_table_free(lifecycle);
  CHECK_STATUS(crmkit_state_score_lifecycle(data, as_of, start, NULL, &lifecycle), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(lifecycle == NULL);
  crmkit_table_free(table);
  CHECK_STATUS(crmkit_state_score_customers(a, hi - 1, NULL, &table), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(table == NULL);
  CHECK_MESSAGE_HAS("before the state's last transaction");

  /* incremental: one order of a known and a new customer */
  {
    const int32_t customer[3] = {0, 1, 0};
    const char* batch_ids = "DZ";
    const size_t batch_offsets[3] = {0, 1, 2};
    const int64_t time[3] = {1711929600, 1711929600, 1711933200};
    const double amount[3] = {40.0, 15.0, NAN};
    int64_t orders[2];
    double frequency[2];
    CHECK_STATUS(crmkit_state_append(a, customer, batch_ids, batch_offsets, 2, time, amount, 3, as_of, 7.0, &rows),
                 CRMKIT_E_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("row 2: amount nan is not finite");
    CHECK(rows == NULL);
    CHECK_OK(crmkit_state_info(a, NULL, &transactions, NULL, NULL, NULL));
    CHECK(transactions == 11); /* nothing of the bad batch */
    CHECK_OK(crmkit_state_append(a, customer, batch_ids, batch_offsets, 2, time, amount, 2, as_of, 7.0, &rows));
    CHECK_OK(crmkit_table_n_rows(rows, &n));
    CHECK(n == 2);
    CHECK_OK(crmkit_table_customer_id(rows, 1, id, sizeof id, &needed));
    CHECK(strcmp(id, "Z") == 0);
    CHECK_OK(crmkit_table_find_column(rows, "orders", &col));
    CHECK_OK(crmkit_table_int64(rows, col, orders, 2));
    CHECK(orders[0] == 5 && orders[1] == 1);
    CHECK_OK(crmkit_table_find_column(rows, "frequency", &col));
    CHECK_OK(crmkit_table_float64(rows, col, frequency, 2));
    CHECK(frequency[0] == 4.0 && frequency[1] == 0.0); /* D: 5 distinct days, 4 repeats */
    CHECK_STATUS(crmkit_state_append(a, customer, batch_ids, batch_offsets, 1, time, amount, 3, 0, 7.0, NULL),
                 CRMKIT_E_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("customer code 1 is not in [0, 1)");
    CHECK_OK(crmkit_state_append(a, NULL, NULL, NULL, 0, NULL, NULL, 0, 0, 7.0, NULL));
  }

  /* errors */
  CHECK_STATUS(crmkit_state_add_csv(c, "/no/such/dir/file.csv", NULL, 0), CRMKIT_E_IO);
  CHECK_STATUS(crmkit_state_add_csv(c, write_scratch_file("bad.csv", "customer_id,timestamp,amount\nA,2024-01-01,x\n"),
                                    NULL, 0),
               CRMKIT_E_PARSE);
  CHECK_MESSAGE_HAS("bad.csv:2");
  CHECK_STATUS(crmkit_state_merge(NULL, a), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'state' is NULL");
  CHECK_OK(crmkit_state_merge(c, c)); /* itself: every transaction twice */
  CHECK_OK(crmkit_state_info(c, NULL, &transactions, NULL, NULL, NULL));
  CHECK(transactions == 12);
  CHECK_STATUS(crmkit_state_create(NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_state_lifecycle_start(NULL, &start), CRMKIT_E_INVALID_ARGUMENT);

  free(doc);
  free(doc2);
  crmkit_table_free(one);
  crmkit_table_free(table);
  crmkit_table_free(rows);
  crmkit_table_free(lifecycle);
  crmkit_state_free(a);
  crmkit_state_free(b);
  crmkit_state_free(c);
  crmkit_state_free(whole);
  crmkit_state_free(NULL);
  crmkit_dataset_free(data);
  return test_report("state_test");
}
