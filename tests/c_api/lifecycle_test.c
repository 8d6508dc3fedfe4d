/* crmkit/c/lifecycle.h: NULL arguments, a real evaluation (stages, log, flow, counts,
 * conversion), events, a dataset evaluation and replay, and bad input with clear messages. */
#include <math.h>
#include <stdint.h>

#include "test_util.h"

static const char* kModel =
    "{\"states\": [\"lead\", \"buyer\", \"lapsed\"], \"cascade\": true,"
    " \"invariants\": {\"no_skip\": [\"lead\", \"buyer\"]},"
    " \"transitions\": ["
    "  {\"name\": \"buy\", \"from\": \"lead\", \"to\": \"buyer\", \"guard\": \"orders >= 1\"},"
    "  {\"name\": \"lapse\", \"from\": \"buyer\", \"to\": \"lapsed\", \"guard\": \"recency_days > 90\"},"
    "  {\"name\": \"back\", \"from\": \"lapsed\", \"to\": \"@history\", \"guard\": \"recency_days <= 90\"}]}";

static void test_null_arguments(void) {
  crmkit_lifecycle_model* m = NULL;
  crmkit_lifecycle* h = NULL;
  size_t n = 0;
  int32_t s[1];
  CHECK_STATUS(crmkit_lifecycle_model_from_json(NULL, 0, &m), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_model_from_json(kModel, strlen(kModel), NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_model_default(0, 90, 180, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_create(NULL, 1, 0, &h), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(h == NULL);
  CHECK_STATUS(crmkit_lifecycle_model_count(NULL, CRMKIT_LIFECYCLE_COUNT_STATES, &n), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_evaluate(NULL, 0, NULL, NULL, 0, 0, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_stages(NULL, s, NULL, NULL, 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_replay(NULL, NULL, 0, 1, CRMKIT_LIFECYCLE_MONTHLY, 1, &h), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_lifecycle_model_from_json(kModel, strlen(kModel), &m));
  CHECK_OK(crmkit_lifecycle_create(m, 2, 0, &h));
  CHECK_STATUS(crmkit_lifecycle_evaluate(h, 0, NULL, (const double*)s, 2, 1, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("column_names");
  crmkit_lifecycle_free(h);
  crmkit_lifecycle_model_free(m);
  crmkit_lifecycle_free(NULL);
  crmkit_lifecycle_model_free(NULL);
}

static void test_real_call(void) {
  crmkit_lifecycle_model* m = NULL;
  crmkit_lifecycle* h = NULL;
  const char* names[2] = {"orders", "recency_days"};
  /* Row-major: customer 0 bought 10 days ago, customer 1 never, customer 2 long ago. */
  double data[6] = {1, 10, 0, NAN, 2, 200};
  int32_t stage[3], previous[3], cust[8], from[8], to[8], rule[8];
  int64_t entered[3], at[8], flow[9], counts[6], times[2] = {0, 100};
  double conv[9];
  size_t n = 0, hops = 0;
  char name[16];
  CHECK_OK(crmkit_lifecycle_model_from_json(kModel, strlen(kModel), &m));
  CHECK_OK(crmkit_lifecycle_model_count(m, CRMKIT_LIFECYCLE_COUNT_STATES, &n));
  CHECK(n == 3);
  CHECK_OK(crmkit_lifecycle_model_name(m, CRMKIT_LIFECYCLE_COUNT_STATES, 2, name, sizeof name, &n));
  CHECK(strcmp(name, "lapsed") == 0 && n == 7);
  CHECK_STATUS(crmkit_lifecycle_model_name(m, CRMKIT_LIFECYCLE_COUNT_TRANSITIONS, 0, name, 2, &n),
               CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(n == 4);
  CHECK_OK(crmkit_lifecycle_create(m, 3, 0, &h));
  crmkit_lifecycle_model_free(m); /* the machine keeps its own reference */
  CHECK_OK(crmkit_lifecycle_set_int(h, CRMKIT_LIFECYCLE_N_THREADS, 2));
  CHECK_OK(crmkit_lifecycle_evaluate(h, 100, names, data, 3, 2, &hops));
  CHECK(hops == 3); /* c0 lead->buyer; c2 lead->buyer->lapsed (cascade) */
  CHECK_OK(crmkit_lifecycle_stages(h, stage, previous, entered, 3));
  CHECK(stage[0] == 1 && stage[1] == 0 && stage[2] == 2);
  CHECK(previous[0] == 0 && previous[1] == -1 && previous[2] == 1);
  CHECK(entered[0] == 100 && entered[1] == 0);
  CHECK_OK(crmkit_lifecycle_size(h, CRMKIT_LIFECYCLE_SIZE_LOG, &n));
  CHECK(n == 3);
  CHECK_OK(crmkit_lifecycle_log(h, cust, from, to, rule, at, 8));
  CHECK(cust[2] == 2 && from[2] == 1 && to[2] == 2 && rule[2] == 1 && at[2] == 100);
  CHECK_OK(crmkit_lifecycle_flow(h, 0, 101, flow, 9));
  CHECK(flow[0 * 3 + 1] == 2 && flow[1 * 3 + 2] == 1 && flow[0] == 0);
  CHECK_OK(crmkit_lifecycle_stage_counts_at(h, times, 2, counts, 6));
  CHECK(counts[0] == 3 && counts[3] == 1 && counts[4] == 1 && counts[5] == 1);
  CHECK_OK(crmkit_lifecycle_conversion(h, conv, 9));
  CHECK(fabs(conv[0 * 3 + 1] - 2.0 / 3.0) < 1e-15);
  CHECK(isnan(conv[2 * 3 + 0]) == 0 && conv[2 * 3 + 0] == 0.0);
  /* Events. */
  CHECK_OK(crmkit_lifecycle_set_stage(h, 1, 1, 150));
  CHECK_OK(crmkit_lifecycle_reset(h, 0, 150));
  CHECK_OK(crmkit_lifecycle_stages(h, stage, NULL, NULL, 3));
  CHECK(stage[0] == 0 && stage[1] == 1);
  CHECK_OK(crmkit_lifecycle_log(h, NULL, NULL, NULL, rule, NULL, 8));
  CHECK(rule[3] == CRMKIT_LIFECYCLE_RULE_HOST_SET && rule[4] == CRMKIT_LIFECYCLE_RULE_RESET);
  crmkit_lifecycle_free(h);
}

static void test_bad_input(void) {
  crmkit_lifecycle_model* m = NULL;
  crmkit_lifecycle* h = NULL;
  const char* bad_guard = "{\"states\": [\"a\", \"b\"], \"transitions\": [{\"from\": \"a\", \"to\": \"b\", \"guard\": \"orders >\"}]}";
  const char* names[1] = {"orders"};
  double data[2] = {1, 1};
  int32_t s[1];
  CHECK_STATUS(crmkit_lifecycle_model_from_json(bad_guard, strlen(bad_guard), &m), CRMKIT_E_PARSE);
  CHECK_MESSAGE_HAS("at position 9");
  CHECK(m == NULL);
  CHECK_STATUS(crmkit_lifecycle_model_from_json("{\"states\": [", 12, &m), CRMKIT_E_PARSE);
  CHECK_MESSAGE_HAS("line 1 column 13");
  CHECK_STATUS(crmkit_lifecycle_model_default(0, 90, 30, &m), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_lifecycle_model_from_json(kModel, strlen(kModel), &m));
  CHECK_OK(crmkit_lifecycle_create(m, 2, 0, &h));
  CHECK_STATUS(crmkit_lifecycle_evaluate(h, 10, names, data, 2, 1, NULL), CRMKIT_E_NOT_FOUND);
  CHECK_MESSAGE_HAS("recency_days");
  CHECK_STATUS(crmkit_lifecycle_evaluate(h, 10, names, data, 1, 2, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_stages(h, s, NULL, NULL, 1), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(crmkit_lifecycle_set_stage(h, 5, 0, 10), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_set_int(h, CRMKIT_LIFECYCLE_N_THREADS, 0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_flow(h, 10, 5, (int64_t*)data, 9), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_lifecycle_free(h);
  crmkit_lifecycle_model_free(m);
}

static void test_dataset_and_replay(void) {
  /* Customer 0 buys on 2024-01-01 and 2024-02-01; customer 1 on 2024-01-15 only. */
  const int32_t customer[3] = {0, 1, 0};
  const int64_t time[3] = {1704067200, 1705276800, 1706745600};
  const double amount[3] = {10, 20, 30};
  crmkit_dataset* d = NULL;
  crmkit_lifecycle_model* m = NULL;
  crmkit_lifecycle* h = NULL;
  crmkit_lifecycle* r = NULL;
  int32_t stage[2];
  int64_t times[8], counts[8 * 7];
  size_t n = 0;
  CHECK_OK(crmkit_dataset_create_from_columns(customer, time, amount, 3, 2, CRMKIT_COPY, &d));
  CHECK_OK(crmkit_lifecycle_model_default(0, 90, 180, &m));
  CHECK_OK(crmkit_lifecycle_create(m, 2, 1704067200, &h));
  /* 2024-05-01: customer 0 last bought 90 days ago (active, 2 orders -> formation);
   * customer 1 107 days ago (exploration -> decline). */
  CHECK_OK(crmkit_lifecycle_evaluate_dataset(h, d, 1714521600, NULL));
  CHECK_OK(crmkit_lifecycle_stages(h, stage, NULL, NULL, 2));
  CHECK(stage[0] == 2 && stage[1] == 4);
  CHECK_OK(crmkit_lifecycle_replay(m, d, 1704067200, 1714521600, CRMKIT_LIFECYCLE_MONTHLY, 1, &r));
  CHECK_OK(crmkit_lifecycle_size(r, CRMKIT_LIFECYCLE_SIZE_STEPS, &n));
  CHECK(n == 5);
  CHECK_OK(crmkit_lifecycle_replay_counts(r, times, counts, 8));
  CHECK(times[4] == 1714521600);
  CHECK(counts[4 * 7 + 2] == 1 && counts[4 * 7 + 4] == 1);
  crmkit_lifecycle_free(r);
  CHECK_STATUS(crmkit_lifecycle_replay(m, d, 10, 5, CRMKIT_LIFECYCLE_MONTHLY, 1, &r), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(r == NULL);
  crmkit_lifecycle_free(h);
  crmkit_lifecycle_model_free(m);
  crmkit_dataset_free(d);
}

int main(void) {
  test_null_arguments();
  test_real_call();
  test_bad_input();
  test_dataset_and_replay();
  return test_report("lifecycle");
}
