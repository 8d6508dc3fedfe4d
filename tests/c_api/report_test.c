/* crmkit/c/report.h: the customer report and its chart data through the C ABI. */
#define CRMKIT_TEST_WANTS_SCRATCH 1
#include "test_util.h"

static const char* orders =
    "customer_id,timestamp,amount\n"
    "A,2024-01-01,100\nA,2024-01-15,50\nA,2024-02-20,70\n"
    "B,2024-01-03,20\nB,2024-03-01,25\n"
    "C,2024-01-10,5\n"
    "X,yesterday,5\n" /* a bad row: skipped and counted in the report */
    "D,2024-02-01,300\nD,2024-02-10,200\nD,2024-03-05,250\nD,2024-03-20,100\n"
    "E,2024-03-25,10\n";

/* The whole of a file (static storage), or NULL. */
static const char* slurp(const char* path) {
  static char text[1 << 16];
  size_t n;
  FILE* f = fopen(path, "rb");
  if (f == NULL) return NULL;
  n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = '\0';
  return text;
}

int main(void) {
  crmkit_dataset* data = NULL;
  crmkit_score_config* config = NULL;
  crmkit_report* report = NULL;
  crmkit_csv_options* options = NULL;
  size_t n = 0, needed = 0, i, lorenz = (size_t)-1;
  char name[64], small[4], path[4200];
  char* text;
  const char* file;
  const char* toml = "[kmeans]\nk = 2\n";
  const int64_t as_of = 1711929600; /* 2024-04-01 */

  CHECK_OK(crmkit_csv_options_create(&options));
  CHECK_OK(crmkit_csv_options_set_int(options, CRMKIT_CSV_ON_BAD_ROW, CRMKIT_BAD_ROW_SKIP));
  CHECK_OK(crmkit_dataset_create_from_csv(write_scratch_file("orders.csv", orders), NULL, options, &data));
  CHECK_OK(crmkit_score_config_parse(toml, strlen(toml), &config));

  CHECK_STATUS(crmkit_report_create(NULL, as_of, config, &report), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(report == NULL);
  CHECK_STATUS(crmkit_report_create(data, 0, config, &report), CRMKIT_E_INVALID_ARGUMENT); /* before any order */
  CHECK(report == NULL);
  CHECK_OK(crmkit_report_create(data, as_of, config, &report));
  CHECK_OK(crmkit_report_n_charts(report, &n));
  CHECK(n >= 10);

  /* names with the two-call protocol; the overview comes first */
  CHECK_STATUS(crmkit_report_chart_name(report, 0, small, sizeof small, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(needed == strlen("overview") + 1);
  CHECK_OK(crmkit_report_chart_name(report, 0, name, sizeof name, &needed));
  CHECK(strcmp(name, "overview") == 0);
  for (i = 0; i < n; ++i) {
    CHECK_OK(crmkit_report_chart_name(report, i, name, sizeof name, &needed));
    if (strcmp(name, "lorenz_curve") == 0) lorenz = i;
  }
  CHECK(lorenz < n);
  CHECK_STATUS(crmkit_report_chart_name(report, n, name, sizeof name, &needed), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'i'");

  /* one chart as CSV: header and 101 points */
  CHECK_STATUS(crmkit_report_chart_csv(report, lorenz, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  text = (char*)malloc(needed);
  CHECK_OK(crmkit_report_chart_csv(report, lorenz, text, needed, &needed));
  CHECK(strncmp(text, "customer_share,revenue_share,equality\n0,0,0\n", 44) == 0);
  CHECK(strlen(text) + 1 == needed);
  free(text);

  /* every chart in one JSON document */
  CHECK_STATUS(crmkit_report_chart_data_json(report, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  text = (char*)malloc(needed);
  CHECK_OK(crmkit_report_chart_data_json(report, text, needed, &needed));
  CHECK(strncmp(text, "{\"as_of\":1711929600,\"charts\":[{\"name\":\"overview\"", 48) == 0);
  CHECK(strstr(text, "\"name\":\"ingest_drops\"") != NULL);  /* the reader's report came along */
  CHECK(strstr(text, "\"rows_dropped\"") != NULL);
  CHECK(text[needed - 2] == '}');
  free(text);

  /* the folder: page, chart data identical to the getters, customer table */
  sprintf(path, "%.4000s/report", CRMKIT_TEST_SCRATCH_DIR);
  CHECK_STATUS(crmkit_report_write(report, NULL, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_report_write(report, "", NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_report_write(report, path, "Test <report>", NULL));
  sprintf(path, "%.4000s/report/report.html", CRMKIT_TEST_SCRATCH_DIR);
  file = slurp(path);
  CHECK(file != NULL && strstr(file, "<title>Test &lt;report&gt;</title>") != NULL);
  CHECK(file != NULL && strstr(file, "orders.csv") != NULL); /* the source defaults to the path read */
  sprintf(path, "%.4000s/report/data/lorenz_curve.json", CRMKIT_TEST_SCRATCH_DIR);
  file = slurp(path);
  CHECK_STATUS(crmkit_report_chart_json(report, lorenz, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  text = (char*)malloc(needed);
  CHECK_OK(crmkit_report_chart_json(report, lorenz, text, needed, &needed));
  CHECK(file != NULL && strcmp(file, text) == 0);
  free(text);
  sprintf(path, "%.4000s/report/data/customers.csv", CRMKIT_TEST_SCRATCH_DIR);
  file = slurp(path);
  CHECK(file != NULL && strncmp(file, "customer_id,orders,", 19) == 0);

  /* a folder that cannot be made */
  sprintf(path, "%.4000s/report/report.html/sub", CRMKIT_TEST_SCRATCH_DIR);
  CHECK_STATUS(crmkit_report_write(report, path, NULL, NULL), CRMKIT_E_IO);
  CHECK_MESSAGE_HAS("report.html");

  crmkit_report_free(report);
  crmkit_report_free(NULL);
  crmkit_score_config_free(config);
  crmkit_csv_options_free(options);
  crmkit_dataset_free(data);
  return test_report("report_test");
}
