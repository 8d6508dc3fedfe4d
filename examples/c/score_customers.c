/* Every per-customer score in one call through the C ABI: a transaction CSV in, one
 * crmkit_table out, then an audience selected from it.
 *
 *   example_c_score_customers examples/data/cdnow_sample.csv
 *
 * Exits nonzero with crmkit_last_error() on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crmkit/crmkit.h"

static int fail(const char* what, int status) {
  fprintf(stderr, "score_customers: %s failed (%s): %s\n", what, crmkit_status_str(status), crmkit_last_error());
  return 1;
}

int main(int argc, char** argv) {
  crmkit_csv_options* options = NULL;
  crmkit_dataset* data = NULL;
  crmkit_score_config* config = NULL;
  crmkit_table* table = NULL;
  double* p_alive = NULL;
  size_t rows = 0, col = 0, n_selected = 0, i, needed = 0;
  int status, rc = 1;
  char id[64];
  const char* toml = "[btyd]\nhorizon = \"90 days\"\n[clv]\nhorizon = \"12 months\"\n";
  const int64_t as_of = 899251200; /* 1998-07-01 */

  if (argc < 2) {
    fprintf(stderr, "usage: %s transactions.csv\n", argv[0]);
    return 2;
  }
  if ((status = crmkit_csv_options_create(&options)) != CRMKIT_OK) return fail("crmkit_csv_options_create", status);
  if ((status = crmkit_csv_options_set_string(options, CRMKIT_CSV_TIME_COLUMN, "date")) != CRMKIT_OK ||
      (status = crmkit_dataset_create_from_csv(argv[1], NULL, options, &data)) != CRMKIT_OK) {
    fail("loading the CSV file", status);
    goto done;
  }
  if ((status = crmkit_score_config_parse(toml, strlen(toml), &config)) != CRMKIT_OK ||
      (status = crmkit_score_customers(data, as_of, config, &table)) != CRMKIT_OK) {
    fail("crmkit_score_customers", status);
    goto done;
  }
  crmkit_table_n_rows(table, &rows);
  p_alive = malloc(rows * sizeof *p_alive);
  if (p_alive == NULL) goto done;
  if ((status = crmkit_table_find_column(table, "p_alive", &col)) != CRMKIT_OK ||
      (status = crmkit_table_float64(table, col, p_alive, rows)) != CRMKIT_OK) {
    fail("reading p_alive", status);
    goto done;
  }
  for (i = 0; i < 3 && i < rows; ++i) {
    crmkit_table_customer_id(table, i, id, sizeof id, &needed);
    printf("customer %s: P(alive) %.3f\n", id, p_alive[i]);
  }
  status = crmkit_table_select(table, "p_alive < 0.3 and abc == 'A'", NULL, 0, &n_selected);
  if (status != CRMKIT_OK && status != CRMKIT_E_BUFFER_TOO_SMALL) {
    fail("crmkit_table_select", status);
    goto done;
  }
  printf("%zu customers in %zu: audience 'p_alive < 0.3 and abc == A' has %zu\n", rows, rows, n_selected);
  rc = 0;
done:
  free(p_alive);
  crmkit_table_free(table);
  crmkit_score_config_free(config);
  crmkit_dataset_free(data);
  crmkit_csv_options_free(options);
  return rc;
}
