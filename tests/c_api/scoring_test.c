/* crmkit/c/scoring.h and crmkit/c/table.h: one customer table through the C ABI. */
#define CRMKIT_TEST_WANTS_SCRATCH 1
#include <math.h>

#include "test_util.h"

static const char* orders =
    "customer_id,timestamp,amount\n"
    "A,2024-01-01,100\nA,2024-01-15,50\nA,2024-02-20,70\n"
    "B,2024-01-03,20\nB,2024-03-01,25\n"
    "C,2024-01-10,5\n"
    "D,2024-02-01,300\nD,2024-02-10,200\nD,2024-03-05,250\nD,2024-03-20,100\n"
    "E,2024-03-25,10\n"
    "F,2024-04-05,40\n"; /* after as_of: F has no score */

int main(void) {
  crmkit_dataset* data = NULL;
  crmkit_score_config* config = NULL;
  crmkit_table* table = NULL;
  size_t n = 0, col = 0, needed = 0, i;
  int32_t type = -1, rows[8];
  int64_t orders_col[8];
  int32_t codes[8];
  char name[64], level[16];
  double p_alive[8];
  const char* toml = "[btyd]\nmodel = \"none\"\n[kmeans]\nk = 2\n";
  const int64_t as_of = 1711929600; /* 2024-04-01 */

  CHECK_STATUS(crmkit_dataset_create_from_csv(write_scratch_file("orders.csv", orders), NULL, NULL, &data), CRMKIT_OK);
  CHECK_STATUS(crmkit_score_customers(data, as_of, NULL, &table), CRMKIT_OK);
  CHECK_STATUS(crmkit_table_n_rows(table, &n), CRMKIT_OK);
  CHECK(n == 6);
  CHECK_STATUS(crmkit_table_find_column(table, "orders", &col), CRMKIT_OK);
  CHECK_STATUS(crmkit_table_column_type(table, col, &type), CRMKIT_OK);
  CHECK(type == CRMKIT_COLUMN_INT64);
  CHECK_STATUS(crmkit_table_int64(table, col, orders_col, 5), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(crmkit_table_int64(table, col, orders_col, 8), CRMKIT_OK);
  CHECK(orders_col[0] == 3 && orders_col[3] == 4 && orders_col[5] == CRMKIT_MISSING_INT64);
  CHECK_STATUS(crmkit_table_float64(table, col, p_alive, 8), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(strstr(crmkit_last_error(), "is int64, not float64") != NULL);
  CHECK_STATUS(crmkit_table_find_column(table, "p_alive", &col), CRMKIT_OK);
  CHECK_STATUS(crmkit_table_float64(table, col, p_alive, 8), CRMKIT_OK);
  for (i = 0; i < 5; ++i) CHECK(p_alive[i] >= 0.0 && p_alive[i] <= 1.0);
  CHECK(isnan(p_alive[5]));
  CHECK_STATUS(crmkit_table_find_column(table, "abc", &col), CRMKIT_OK);
  CHECK_STATUS(crmkit_table_category_codes(table, col, codes, 8), CRMKIT_OK);
  CHECK_STATUS(crmkit_table_level(table, col, (size_t)codes[3], level, sizeof level, &needed), CRMKIT_OK);
  CHECK(strcmp(level, "A") == 0); /* D spends most */
  CHECK(codes[5] == -1);
  CHECK_STATUS(crmkit_table_column_name(table, 0, name, sizeof name, &needed), CRMKIT_OK);
  CHECK(strcmp(name, "orders") == 0);
  CHECK_STATUS(crmkit_table_find_column(table, "churn", &col), CRMKIT_E_NOT_FOUND);
  CHECK(strstr(crmkit_last_error(), "p_alive") != NULL);

  /* audiences: a size query, then the rows */
  CHECK_STATUS(crmkit_table_select(table, "abc == 'A' or orders >= 3", NULL, 0, &n), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(n == 2);
  CHECK_STATUS(crmkit_table_select(table, "abc == 'A' or orders >= 3", rows, 8, &n), CRMKIT_OK);
  CHECK(rows[0] == 0 && rows[1] == 3);
  CHECK_STATUS(crmkit_table_select(table, "abc == 'Z'", rows, 8, &n), CRMKIT_E_NOT_FOUND);
  CHECK_STATUS(crmkit_table_select(table, "orders >", rows, 8, &n), CRMKIT_E_PARSE);
  CHECK_STATUS(crmkit_table_report_json(table, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(needed > 10);
  crmkit_table_free(table);
  table = NULL;

  /* a config */
  CHECK_STATUS(crmkit_score_config_parse(toml, strlen(toml), &config), CRMKIT_OK);
  CHECK_STATUS(crmkit_score_customers(data, as_of, config, &table), CRMKIT_OK);
  CHECK_STATUS(crmkit_table_find_column(table, "p_alive", &col), CRMKIT_E_NOT_FOUND);
  crmkit_table_free(table);
  table = NULL;
  crmkit_score_config_free(config);
  config = NULL;
  CHECK_STATUS(crmkit_score_config_parse("[btyd]\nhorizon = 90\n", 20, &config), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(strstr(crmkit_last_error(), "no unit") != NULL);
  CHECK(config == NULL);
  CHECK_STATUS(crmkit_score_config_parse("[clv\n", 5, &config), CRMKIT_E_PARSE);
  CHECK_STATUS(crmkit_score_customers(data, 0, NULL, &table), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(table == NULL);
  CHECK_STATUS(crmkit_score_customers(NULL, as_of, NULL, &table), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(strstr(crmkit_last_error(), "'dataset'") != NULL);

  crmkit_table_free(NULL);
  crmkit_score_config_free(NULL);
  crmkit_dataset_free(data);
  return test_report("scoring_test");
}
