/* Loads a transaction CSV file through the C ABI and prints what it holds.
 *
 *   load_csv TRANSACTIONS.csv [--customers FILE] [--customer-column NAME]
 *            [--time-column NAME] [--amount-column NAME] [--time-format iso8601|epoch|compact]
 *            [--skip-bad-rows]
 *
 * e.g. load_csv examples/data/cdnow_sample.csv --time-column date
 *
 * Prints the number of transactions and customers, the time range and the total amount;
 * exits nonzero with crmkit_last_error() on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crmkit/crmkit.h"

static int fail(const char* what, int status) {
  fprintf(stderr, "load_csv: %s failed (%s): %s\n", what, crmkit_status_str(status), crmkit_last_error());
  return EXIT_FAILURE;
}

static void print_date(const char* label, int64_t seconds) {
  char text[32] = "?";
  time_t t = (time_t)seconds;
  struct tm* utc = gmtime(&t);
  if (utc != NULL) strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", utc);
  printf("%s%s UTC\n", label, text);
}

int main(int argc, char** argv) {
  const char* transactions_path = NULL;
  const char* customers_path = NULL;
  crmkit_csv_options* options = NULL;
  crmkit_dataset* dataset = NULL;
  const int32_t* customer = NULL;
  const int64_t* when = NULL;
  const double* amount = NULL;
  size_t n_transactions = 0, n_customers = 0, rows_read = 0, skipped = 0, i;
  int64_t first = 0, last = 0;
  double total = 0.0;
  int status, arg;

  if (crmkit_version_number() / 10000 != CRMKIT_VERSION_MAJOR) {
    fprintf(stderr, "load_csv: built against crmkit %s but running %s\n", CRMKIT_VERSION_STRING,
            crmkit_version_string());
    return EXIT_FAILURE;
  }
  status = crmkit_csv_options_create(&options);
  if (status != CRMKIT_OK) return fail("crmkit_csv_options_create", status);

  for (arg = 1; arg < argc && status == CRMKIT_OK; ++arg) {
    const char* a = argv[arg];
    const char* value = arg + 1 < argc ? argv[arg + 1] : NULL;
    if (strcmp(a, "--skip-bad-rows") == 0) {
      status = crmkit_csv_options_set_int(options, CRMKIT_CSV_ON_BAD_ROW, CRMKIT_BAD_ROW_SKIP);
    } else if (strncmp(a, "--", 2) == 0 && value == NULL) {
      fprintf(stderr, "load_csv: %s needs a value\n", a);
      crmkit_csv_options_free(options);
      return EXIT_FAILURE;
    } else if (strcmp(a, "--customers") == 0) {
      customers_path = value, ++arg;
    } else if (strcmp(a, "--customer-column") == 0) {
      status = crmkit_csv_options_set_string(options, CRMKIT_CSV_CUSTOMER_COLUMN, value), ++arg;
    } else if (strcmp(a, "--time-column") == 0) {
      status = crmkit_csv_options_set_string(options, CRMKIT_CSV_TIME_COLUMN, value), ++arg;
    } else if (strcmp(a, "--amount-column") == 0) {
      status = crmkit_csv_options_set_string(options, CRMKIT_CSV_AMOUNT_COLUMN, value), ++arg;
    } else if (strcmp(a, "--time-format") == 0) {
      int32_t format = strcmp(value, "epoch") == 0     ? CRMKIT_TIME_EPOCH_SECONDS
                       : strcmp(value, "compact") == 0 ? CRMKIT_TIME_COMPACT_DATE
                                                       : CRMKIT_TIME_ISO8601;
      status = crmkit_csv_options_set_int(options, CRMKIT_CSV_TIME_FORMAT, format), ++arg;
    } else if (transactions_path == NULL && strncmp(a, "--", 2) != 0) {
      transactions_path = a;
    } else {
      fprintf(stderr, "load_csv: unexpected argument '%s'\n", a);
      crmkit_csv_options_free(options);
      return EXIT_FAILURE;
    }
  }
  if (status != CRMKIT_OK) {
    crmkit_csv_options_free(options);
    return fail("setting an option", status);
  }
  if (transactions_path == NULL) {
    fprintf(stderr, "usage: %s TRANSACTIONS.csv [--customers FILE] [--time-column NAME] ...\n", argv[0]);
    crmkit_csv_options_free(options);
    return EXIT_FAILURE;
  }

  status = crmkit_dataset_create_from_csv(transactions_path, customers_path, options, &dataset);
  crmkit_csv_options_free(options); /* the dataset does not keep it */
  if (status != CRMKIT_OK) return fail("crmkit_dataset_create_from_csv", status);

  if ((status = crmkit_dataset_n_customers(dataset, &n_customers)) != CRMKIT_OK ||
      (status = crmkit_dataset_time_range(dataset, &first, &last)) != CRMKIT_OK ||
      (status = crmkit_dataset_rows_read(dataset, &rows_read)) != CRMKIT_OK ||
      (status = crmkit_dataset_skipped_count(dataset, &skipped)) != CRMKIT_OK ||
      (status = crmkit_dataset_transactions(dataset, &customer, &when, &amount, &n_transactions)) != CRMKIT_OK) {
    crmkit_dataset_free(dataset);
    return fail("reading the dataset", status);
  }
  /* The columns are borrowed views into the dataset: no copy, valid until it is freed. */
  for (i = 0; i < n_transactions; ++i) total += amount[i];

  printf("file:         %s\n", transactions_path);
  printf("transactions: %lu\n", (unsigned long)n_transactions);
  printf("customers:    %lu\n", (unsigned long)n_customers);
  print_date("first:        ", first);
  print_date("last:         ", last);
  printf("total amount: %.2f\n", total);
  printf("rows read:    %lu (%lu skipped)\n", (unsigned long)rows_read, (unsigned long)skipped);
  for (i = 0; i < skipped && i < 10; ++i) {
    char message[512];
    size_t needed = 0;
    int64_t line = 0;
    /* A message longer than the buffer is reported as too small; print what we know. */
    if (crmkit_dataset_skipped_row(dataset, i, &line, message, sizeof message, &needed) == CRMKIT_OK)
      printf("  skipped: %s\n", message);
    else
      printf("  skipped: line %ld\n", (long)line);
  }
  crmkit_dataset_free(dataset);
  return EXIT_SUCCESS;
}
