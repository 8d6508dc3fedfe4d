/* Customer lifecycle through the C ABI: the default model saved as text and loaded back,
 * a monthly replay of a transaction CSV file (customer_id,date,...,amount; the bundled
 * CDNOW sample), the stage counts at the last step, and every customer's stage, entry
 * time and days in stage as the customer table (crmkit_table).
 *
 *   example_c_lifecycle_replay examples/data/cdnow_sample.csv
 *
 * Exits nonzero with crmkit_last_error() on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crmkit/crmkit.h"

static int fail(const char* what, int status) {
  fprintf(stderr, "lifecycle_replay: %s failed (%s): %s\n", what, crmkit_status_str(status), crmkit_last_error());
  return 1;
}

int main(int argc, char** argv) {
  const int64_t start = 852076800; /* 1997-01-01 */
  const int64_t end = 899251200;   /* 1998-07-01 */
  crmkit_csv_options* options = NULL;
  crmkit_dataset* dataset = NULL;
  crmkit_lifecycle_model* model = NULL;
  crmkit_lifecycle_model* loaded = NULL;
  crmkit_lifecycle* machine = NULL;
  crmkit_table* table = NULL;
  char* text = NULL;
  int64_t* counts = NULL;
  int32_t* stage = NULL;
  double* days = NULL;
  size_t needed = 0, n_states = 0, n_steps = 0, n_log = 0, n = 0, stage_col = 0, days_col = 0, s, i;
  char name[64];
  int status, rc = 1;

  if (argc < 2) {
    fprintf(stderr, "usage: %s transactions.csv\n", argv[0]);
    return 2;
  }
  if ((status = crmkit_csv_options_create(&options)) != CRMKIT_OK) return fail("crmkit_csv_options_create", status);
  if ((status = crmkit_csv_options_set_string(options, CRMKIT_CSV_TIME_COLUMN, "date")) != CRMKIT_OK ||
      (status = crmkit_dataset_create_from_csv(argv[1], NULL, options, &dataset)) != CRMKIT_OK) {
    fail("reading the CSV file", status);
    goto done;
  }
  /* The default model as a saved document (two-call protocol), then loaded back from it. */
  if ((status = crmkit_lifecycle_model_default(0, 90, 180, &model)) != CRMKIT_OK) {
    fail("crmkit_lifecycle_model_default", status);
    goto done;
  }
  crmkit_lifecycle_model_save(model, NULL, 0, &needed); /* CRMKIT_E_BUFFER_TOO_SMALL, sets needed */
  if ((text = (char*)malloc(needed)) == NULL) goto done;
  if ((status = crmkit_lifecycle_model_save(model, text, needed, &needed)) != CRMKIT_OK) {
    fail("crmkit_lifecycle_model_save", status);
    goto done;
  }
  if ((status = crmkit_lifecycle_model_load(text, strlen(text), &loaded)) != CRMKIT_OK) {
    fail("crmkit_lifecycle_model_load", status);
    goto done;
  }
  printf("model saved as %zu bytes of text and loaded back\n", needed - 1);

  /* Monthly replay from 1997-01-01 to 1998-07-01. */
  if ((status = crmkit_lifecycle_replay(loaded, dataset, start, end, CRMKIT_LIFECYCLE_MONTHLY, 1, &machine)) !=
      CRMKIT_OK) {
    fail("crmkit_lifecycle_replay", status);
    goto done;
  }
  crmkit_lifecycle_size(machine, CRMKIT_LIFECYCLE_SIZE_STATES, &n_states);
  crmkit_lifecycle_size(machine, CRMKIT_LIFECYCLE_SIZE_STEPS, &n_steps);
  crmkit_lifecycle_size(machine, CRMKIT_LIFECYCLE_SIZE_LOG, &n_log);
  if ((counts = (int64_t*)malloc(n_steps * n_states * sizeof *counts)) == NULL) goto done;
  if ((status = crmkit_lifecycle_replay_counts(machine, NULL, counts, n_steps)) != CRMKIT_OK) {
    fail("crmkit_lifecycle_replay_counts", status);
    goto done;
  }
  printf("%-10s", "stage");
  for (s = 0; s < n_states; ++s) {
    crmkit_lifecycle_model_name(loaded, CRMKIT_LIFECYCLE_COUNT_STATES, s, name, sizeof name, &needed);
    printf(" %11s", name);
  }
  printf("\n%-10s", "1998-07-01");
  for (s = 0; s < n_states; ++s) printf(" %11lld", (long long)counts[(n_steps - 1) * n_states + s]);
  printf("\n%zu hops over %zu monthly steps\n", n_log, n_steps);

  /* Every customer's state as the customer table, rows named by the dataset's ids. */
  if ((status = crmkit_lifecycle_table(machine, dataset, end, &table)) != CRMKIT_OK) {
    fail("crmkit_lifecycle_table", status);
    goto done;
  }
  crmkit_table_n_rows(table, &n);
  if ((stage = (int32_t*)malloc(n * sizeof *stage)) == NULL || (days = (double*)malloc(n * sizeof *days)) == NULL)
    goto done;
  if ((status = crmkit_table_find_column(table, "stage", &stage_col)) != CRMKIT_OK ||
      (status = crmkit_table_find_column(table, "stage_days", &days_col)) != CRMKIT_OK ||
      (status = crmkit_table_category_codes(table, stage_col, stage, n)) != CRMKIT_OK ||
      (status = crmkit_table_float64(table, days_col, days, n)) != CRMKIT_OK) {
    fail("reading the customer table", status);
    goto done;
  }
  printf("customer table: %zu customers\n", n);
  for (i = 0; i < 3 && i < n; ++i) {
    char id[64];
    crmkit_table_customer_id(table, i, id, sizeof id, &needed);
    crmkit_table_level(table, stage_col, (size_t)stage[i], name, sizeof name, &needed);
    printf("  customer %s: %s for %.0f days\n", id, name, days[i]);
  }
  rc = 0;
done:
  free(days);
  free(stage);
  free(counts);
  free(text);
  crmkit_table_free(table);
  crmkit_lifecycle_free(machine);
  crmkit_lifecycle_model_free(loaded);
  crmkit_lifecycle_model_free(model);
  crmkit_dataset_free(dataset);
  crmkit_csv_options_free(options);
  return rc;
}
