/* Customer value report through the C ABI: RFM segments and the 80/20 analysis of a
 * transaction CSV file with columns customer_id,date,...,amount (the bundled CDNOW sample).
 *
 *   example_c_value_report examples/data/cdnow_sample.csv
 *
 * Exits nonzero with crmkit_last_error() on failure. */
#include <stdio.h>
#include <stdlib.h>

#include "crmkit/crmkit.h"

static int fail(const char* what, int status) {
  fprintf(stderr, "value_report: %s failed (%s): %s\n", what, crmkit_status_str(status), crmkit_last_error());
  return 1;
}

int main(int argc, char** argv) {
  crmkit_csv_options* options = NULL;
  crmkit_dataset* dataset = NULL;
  crmkit_rfm* rfm = NULL;
  crmkit_pareto* pareto = NULL;
  double* monetary = NULL;
  double* customers = NULL;
  size_t n = 0, n_segments = 0, i, needed = 0, key = 0;
  int64_t first = 0, last = 0;
  double gini = 0, top20 = 0;
  char name[128];
  int status, rc = 1;

  if (argc < 2) {
    fprintf(stderr, "usage: %s transactions.csv\n", argv[0]);
    return 2;
  }
  if ((status = crmkit_csv_options_create(&options)) != CRMKIT_OK) return fail("crmkit_csv_options_create", status);
  if ((status = crmkit_csv_options_set_string(options, CRMKIT_CSV_TIME_COLUMN, "date")) != CRMKIT_OK) {
    fail("crmkit_csv_options_set_string", status);
    goto done;
  }
  if ((status = crmkit_dataset_create_from_csv(argv[1], NULL, options, &dataset)) != CRMKIT_OK) {
    fail("crmkit_dataset_create_from_csv", status);
    goto done;
  }
  crmkit_dataset_time_range(dataset, &first, &last);
  if ((status = crmkit_rfm_create(&rfm)) != CRMKIT_OK) {
    fail("crmkit_rfm_create", status);
    goto done;
  }
  /* Reference date: midnight after the last purchase (timestamps are >= 0 here). */
  crmkit_rfm_set_int(rfm, CRMKIT_RFM_AS_OF, (last / 86400 + 1) * 86400);
  if ((status = crmkit_rfm_compute(rfm, dataset)) != CRMKIT_OK) {
    fail("crmkit_rfm_compute", status);
    goto done;
  }
  crmkit_rfm_size(rfm, &n);
  crmkit_rfm_segment_count(rfm, &n_segments);
  monetary = malloc(n * sizeof *monetary);
  customers = malloc(n_segments * sizeof *customers);
  if (monetary == NULL || customers == NULL) goto done;
  crmkit_rfm_column_double(rfm, CRMKIT_RFM_MONETARY, monetary, n);
  crmkit_rfm_segment_summary(rfm, CRMKIT_RFM_SEG_CUSTOMERS, customers, n_segments);
  printf("%zu customers by segment (11-segment grid):\n", n);
  for (i = 0; i < n_segments; ++i) {
    if (customers[i] == 0) continue;
    if (crmkit_rfm_segment_name(rfm, i, name, sizeof name, &needed) != CRMKIT_OK) goto done;
    printf("  %-28s %6.0f\n", name, customers[i]);
  }
  if ((status = crmkit_pareto_create(&pareto)) != CRMKIT_OK ||
      (status = crmkit_pareto_fit(pareto, monetary, n, NULL, 0)) != CRMKIT_OK) {
    fail("crmkit_pareto_fit", status);
    goto done;
  }
  crmkit_pareto_summary(pareto, CRMKIT_PARETO_GINI, &gini);
  crmkit_pareto_share_of_top(pareto, 0.2, &top20);
  crmkit_pareto_customers_for_share(pareto, 0.8, &key);
  printf("Gini %.3f; the top 20%% of customers make %.1f%% of revenue; %zu customers make 80%%\n", gini, 100 * top20,
         key);
  rc = 0;
done:
  free(monetary);
  free(customers);
  crmkit_pareto_free(pareto);
  crmkit_rfm_free(rfm);
  crmkit_dataset_free(dataset);
  crmkit_csv_options_free(options);
  return rc;
}
