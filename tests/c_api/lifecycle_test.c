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
  CHECK_STATUS(crmkit_lifecycle_evaluate(h, 0, NULL, (const double* const*)s, 2, 1, NULL), CRMKIT_E_INVALID_ARGUMENT);
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
  /* Customer 0 bought 10 days ago, customer 1 never, customer 2 long ago. */
  const double orders[3] = {1, 0, 2};
  const double recency[3] = {10, NAN, 200};
  const double* data[2] = {orders, recency};
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
  const double ones[2] = {1, 1};
  const double* data[1] = {ones};
  int64_t flow_out[9];
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
  CHECK_STATUS(crmkit_lifecycle_flow(h, 10, 5, flow_out, 9), CRMKIT_E_INVALID_ARGUMENT);
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

/* kModel defined through the builder calls. */
static crmkit_lifecycle_builder* make_builder(void) {
  crmkit_lifecycle_builder* b = NULL;
  const char* lead[1] = {"lead"};
  const char* buyer[1] = {"buyer"};
  const char* lapsed[1] = {"lapsed"};
  CHECK_OK(crmkit_lifecycle_builder_create(&b));
  CHECK_OK(crmkit_lifecycle_builder_add_state(b, "lead", 0));
  CHECK_OK(crmkit_lifecycle_builder_add_state(b, "buyer", 1));
  CHECK_OK(crmkit_lifecycle_builder_add_state(b, "lapsed", -1));
  CHECK_OK(crmkit_lifecycle_builder_set_int(b, CRMKIT_LIFECYCLE_BUILD_CASCADE, 1));
  CHECK_OK(crmkit_lifecycle_builder_add_transition(b, lead, 1, "buyer", "orders >= 1", "buy", 0, CRMKIT_LIFECYCLE_ON_TIME));
  CHECK_OK(crmkit_lifecycle_builder_add_transition(b, buyer, 1, "lapsed", "recency_days > 90", "lapse", 0,
                                                   CRMKIT_LIFECYCLE_ON_TIME));
  CHECK_OK(crmkit_lifecycle_builder_add_transition(b, lapsed, 1, CRMKIT_LIFECYCLE_HISTORY, "recency_days <= 90", "back",
                                                   0, CRMKIT_LIFECYCLE_ON_TIME));
  return b;
}

/* Runs two evaluations of fixed columns; writes stages and the log (at most 16 records). */
static size_t run_model(const crmkit_lifecycle_model* m, int32_t* stage, int32_t* rule, int32_t* cust, int64_t* at) {
  const char* names[2] = {"orders", "recency_days"};
  const double orders1[5] = {1, 0, 2, 3, 1}, recency1[5] = {10, NAN, 200, 95, 91};
  const double orders2[5] = {1, 1, 3, 3, 2}, recency2[5] = {100, 3, 20, 180, 5};
  const double* day1[2] = {orders1, recency1};
  const double* day2[2] = {orders2, recency2};
  crmkit_lifecycle* h = NULL;
  size_t n = 0;
  CHECK_OK(crmkit_lifecycle_create(m, 5, 0, &h));
  CHECK_OK(crmkit_lifecycle_evaluate(h, 100, names, day1, 5, 2, NULL));
  CHECK_OK(crmkit_lifecycle_evaluate(h, 200, names, day2, 5, 2, NULL));
  CHECK_OK(crmkit_lifecycle_stages(h, stage, NULL, NULL, 5));
  CHECK_OK(crmkit_lifecycle_size(h, CRMKIT_LIFECYCLE_SIZE_LOG, &n));
  CHECK(n <= 16);
  CHECK_OK(crmkit_lifecycle_log(h, cust, NULL, NULL, rule, at, 16));
  crmkit_lifecycle_free(h);
  return n;
}

static void test_builder_equals_json(void) {
  crmkit_lifecycle_builder* b = make_builder();
  crmkit_lifecycle_model* from_calls = NULL;
  crmkit_lifecycle_model* from_json = NULL;
  int32_t s1[5], s2[5], r1[16], r2[16], c1[16], c2[16];
  int64_t a1[16], a2[16];
  size_t n1, n2, i;
  char name[16];
  CHECK_OK(crmkit_lifecycle_builder_build(b, &from_calls));
  CHECK_OK(crmkit_lifecycle_model_from_json(kModel, strlen(kModel), &from_json));
  CHECK_OK(crmkit_lifecycle_model_name(from_calls, CRMKIT_LIFECYCLE_COUNT_TRANSITIONS, 2, name, sizeof name, &n1));
  CHECK(strcmp(name, "back") == 0);
  n1 = run_model(from_calls, s1, r1, c1, a1);
  n2 = run_model(from_json, s2, r2, c2, a2);
  CHECK(n1 == n2 && n1 >= 6);
  CHECK(memcmp(s1, s2, sizeof s1) == 0);
  for (i = 0; i < n1 && i < n2; ++i) CHECK(r1[i] == r2[i] && c1[i] == c2[i] && a1[i] == a2[i]);
  /* Hand-checked: c0 lead->buyer@100, lapsed@200; c1 lead@100, buyer@200; c2 lead->buyer->lapsed@100,
   * back to buyer@200; c3 buyer->lapsed@100 and stays; c4 buyer->lapsed@100, back to buyer@200. */
  CHECK(s1[0] == 2 && s1[1] == 1 && s1[2] == 1 && s1[3] == 2 && s1[4] == 1);
  crmkit_lifecycle_model_free(from_calls);
  crmkit_lifecycle_model_free(from_json);
  /* The builder stays usable: a chain-rank gap is caught at build. */
  CHECK_OK(crmkit_lifecycle_builder_add_state(b, "vip", 3));
  CHECK_STATUS(crmkit_lifecycle_builder_build(b, &from_calls), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("ranks must be 0, 1, ..., 2");
  CHECK(from_calls == NULL);
  crmkit_lifecycle_builder_free(b);
  crmkit_lifecycle_builder_free(NULL);
}

/* A builder with states "a" and "b" (not on a chain). */
static crmkit_lifecycle_builder* two_states(void) {
  crmkit_lifecycle_builder* b = NULL;
  CHECK_OK(crmkit_lifecycle_builder_create(&b));
  CHECK_OK(crmkit_lifecycle_builder_add_state(b, "a", -1));
  CHECK_OK(crmkit_lifecycle_builder_add_state(b, "b", -1));
  return b;
}

/* Each invalid model fails at build with the status and message a JSON document gets. */
static void test_builder_validation(void) {
  crmkit_lifecycle_builder* b = NULL;
  crmkit_lifecycle_model* m = NULL;
  const char* a[1] = {"a"};
  const char* b_[1] = {"b"};
  const char* both[2] = {"a", "b"};
  const char* nul[1] = {NULL};
  /* NULL arguments and bad values at the call. */
  CHECK_STATUS(crmkit_lifecycle_builder_create(NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_lifecycle_builder_create(&b));
  CHECK_STATUS(crmkit_lifecycle_builder_add_state(NULL, "a", -1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_builder_add_state(b, NULL, -1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("name");
  CHECK_STATUS(crmkit_lifecycle_builder_add_state(b, "a", -2), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_builder_add_transition(b, NULL, 1, "b", "true", NULL, 0, 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_builder_add_transition(b, a, 0, "b", "true", NULL, 0, 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_builder_add_transition(b, nul, 1, "b", "true", NULL, 0, 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("from[0] is NULL");
  CHECK_STATUS(crmkit_lifecycle_builder_add_transition(b, a, 1, "b", "true", NULL, 0, 7), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_builder_set_int(b, CRMKIT_LIFECYCLE_BUILD_POLICY, 9), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_builder_set_int(b, CRMKIT_LIFECYCLE_BUILD_CASCADE, 2), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_builder_set_int(b, 99, 0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_builder_build(b, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_lifecycle_builder_build(NULL, &m), CRMKIT_E_INVALID_ARGUMENT);
  /* No states. */
  CHECK_STATUS(crmkit_lifecycle_builder_build(b, &m), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("no states");
  crmkit_lifecycle_builder_free(b);

  /* Unknown source state. */
  b = two_states();
  CHECK_OK(crmkit_lifecycle_builder_add_transition(b, b_, 1, "zz", "true", NULL, 0, 1));
  CHECK_STATUS(crmkit_lifecycle_builder_build(b, &m), CRMKIT_E_NOT_FOUND);
  CHECK_MESSAGE_HAS("transition #1 target names unknown state 'zz'");
  crmkit_lifecycle_builder_free(b);

  /* Unreachable state; then a guard parse error; then an unknown column. */
  b = two_states();
  CHECK_STATUS(crmkit_lifecycle_builder_build(b, &m), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("state 'b' is unreachable");
  CHECK_OK(crmkit_lifecycle_builder_add_transition(b, a, 1, "b", "orders >= 1 and", "buy", 0, 1));
  CHECK_STATUS(crmkit_lifecycle_builder_build(b, &m), CRMKIT_E_PARSE);
  CHECK_MESSAGE_HAS("transition #1 'buy'");
  CHECK_MESSAGE_HAS("at position 16");
  crmkit_lifecycle_builder_free(b);
  b = two_states();
  CHECK_OK(crmkit_lifecycle_builder_add_transition(b, a, 1, "b", "score > 1", NULL, 0, 1));
  CHECK_STATUS(crmkit_lifecycle_builder_build(b, &m), CRMKIT_E_NOT_FOUND);
  CHECK_MESSAGE_HAS("unknown column 'score'");
  CHECK_OK(crmkit_lifecycle_builder_add_column(b, "score"));
  CHECK_OK(crmkit_lifecycle_builder_build(b, &m));
  crmkit_lifecycle_model_free(m);
  /* Unique policy: two overlapping rules out of 'a'. */
  CHECK_OK(crmkit_lifecycle_builder_add_state(b, "c", -1));
  CHECK_OK(crmkit_lifecycle_builder_add_transition(b, a, 1, "c", "score > 0.5", NULL, 0, 1));
  CHECK_OK(crmkit_lifecycle_builder_set_int(b, CRMKIT_LIFECYCLE_BUILD_POLICY, CRMKIT_LIFECYCLE_UNIQUE));
  CHECK_STATUS(crmkit_lifecycle_builder_build(b, &m), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("under the unique policy");
  CHECK_OK(crmkit_lifecycle_builder_set_int(b, CRMKIT_LIFECYCLE_BUILD_POLICY, CRMKIT_LIFECYCLE_PRIORITY));
  CHECK_OK(crmkit_lifecycle_builder_build(b, &m));
  crmkit_lifecycle_model_free(m);
  crmkit_lifecycle_builder_free(b);

  /* A table breaking its own no-skip chain (a -> c skips b); forward-only. */
  CHECK_OK(crmkit_lifecycle_builder_create(&b));
  CHECK_OK(crmkit_lifecycle_builder_add_state(b, "a", 0));
  CHECK_OK(crmkit_lifecycle_builder_add_state(b, "b", 1));
  CHECK_OK(crmkit_lifecycle_builder_add_state(b, "c", 2));
  CHECK_OK(crmkit_lifecycle_builder_add_transition(b, a, 1, "b", "orders >= 1", NULL, 0, 1));
  CHECK_OK(crmkit_lifecycle_builder_add_transition(b, a, 1, "c", "orders >= 5", "jump", 0, 1));
  CHECK_STATUS(crmkit_lifecycle_builder_build(b, &m), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("transition #2 'jump' breaks the no_skip rule: 'a' (rank 0) to 'c' (rank 2) skips b");
  crmkit_lifecycle_builder_free(b);
  b = two_states();
  CHECK_OK(crmkit_lifecycle_builder_set_int(b, CRMKIT_LIFECYCLE_BUILD_FORWARD_ONLY, 1));
  CHECK_OK(crmkit_lifecycle_builder_add_transition(b, a, 1, "b", "orders >= 1", NULL, 0, CRMKIT_LIFECYCLE_ON_ANY));
  CHECK_OK(crmkit_lifecycle_builder_add_transition(b, both, 2, CRMKIT_LIFECYCLE_HISTORY, "orders < 1", NULL, 0, 1));
  CHECK_STATUS(crmkit_lifecycle_builder_build(b, &m), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("transition #2 targets @history, which can move back");
  crmkit_lifecycle_builder_free(b);
}

static void test_toml(void) {
  const char* doc =
      "# three stages\n"
      "states = [\"lead\", \"buyer\", \"lapsed\"]\n"
      "cascade = true\n"
      "[invariants]\n"
      "no_skip = [\"lead\", \"buyer\"]\n"
      "[[transitions]]\nname = \"buy\"\nfrom = \"lead\"\nto = \"buyer\"\nguard = \"orders >= 1\"\n"
      "[[transitions]]\nname = \"lapse\"\nfrom = \"buyer\"\nto = \"lapsed\"\nguard = \"recency_days > 90\"\n"
      "[[transitions]]\nname = \"back\"\nfrom = \"lapsed\"\nto = \"@history\"\nguard = \"recency_days <= 90\"\n";
  crmkit_lifecycle_model* from_toml = NULL;
  crmkit_lifecycle_model* from_json = NULL;
  int32_t s1[5], s2[5], r1[16], r2[16], c1[16], c2[16];
  int64_t a1[16], a2[16];
  size_t n1, n2, i;
  CHECK_OK(crmkit_lifecycle_model_from_toml(doc, strlen(doc), &from_toml));
  CHECK_OK(crmkit_lifecycle_model_from_json(kModel, strlen(kModel), &from_json));
  n1 = run_model(from_toml, s1, r1, c1, a1);
  n2 = run_model(from_json, s2, r2, c2, a2);
  CHECK(n1 == n2 && memcmp(s1, s2, sizeof s1) == 0);
  for (i = 0; i < n1 && i < n2; ++i) CHECK(r1[i] == r2[i] && c1[i] == c2[i] && a1[i] == a2[i]);
  crmkit_lifecycle_model_free(from_toml);
  crmkit_lifecycle_model_free(from_json);
  CHECK_STATUS(crmkit_lifecycle_model_from_toml(NULL, 0, &from_toml), CRMKIT_E_INVALID_ARGUMENT);
  /* `length` bytes are read: the document ends after `"a"`, inside the array. */
  CHECK_STATUS(crmkit_lifecycle_model_from_toml("states = [\"a\"\n", 13, &from_toml), CRMKIT_E_PARSE);
  CHECK_MESSAGE_HAS("TOML line 1 column 14");
  CHECK(from_toml == NULL);
  CHECK_STATUS(crmkit_lifecycle_model_from_toml("states = \"a\"\n", 12, &from_toml), CRMKIT_E_PARSE);
  CHECK_MESSAGE_HAS("TOML line 1 column 10: 'states' must be an array");
}

/* Stage history and time in stage on the hand-computed chain a -> b -> c -> a (no cascade). */
static void test_history_and_time_in_stage(void) {
  const char* json = "{\"states\": [\"a\", \"b\", \"c\"], \"transitions\": ["
                     "{\"from\": \"a\", \"to\": \"b\", \"guard\": \"orders >= 1\"},"
                     "{\"from\": \"b\", \"to\": \"c\", \"guard\": \"orders >= 2\"},"
                     "{\"from\": \"c\", \"to\": \"a\", \"guard\": \"orders >= 3\"}]}";
  const char* names[1] = {"orders"};
  const double orders[3] = {3, 1, 0};
  const double* columns[1] = {orders};
  const int64_t D = 86400;
  crmkit_lifecycle_model* m = NULL;
  crmkit_lifecycle* h = NULL;
  int64_t offsets[4], entered[8], exited[8];
  int32_t stage[8];
  double cum[9], last[9];
  size_t needed = 0, d;
  CHECK_OK(crmkit_lifecycle_model_from_json(json, strlen(json), &m));
  CHECK_OK(crmkit_lifecycle_create(m, 3, 0, &h));
  for (d = 10; d <= 30; d += 10) CHECK_OK(crmkit_lifecycle_evaluate(h, (int64_t)d * D, names, columns, 3, 1, NULL));
  CHECK_STATUS(crmkit_lifecycle_history(h, NULL, NULL, NULL, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(needed == 7);
  CHECK_STATUS(crmkit_lifecycle_history(h, offsets, stage, entered, exited, 8, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_lifecycle_history(h, offsets, stage, entered, exited, 8, &needed));
  CHECK(offsets[0] == 0 && offsets[1] == 4 && offsets[2] == 6 && offsets[3] == 7);
  CHECK(stage[0] == 0 && stage[1] == 1 && stage[2] == 2 && stage[3] == 0 && stage[5] == 1 && stage[6] == 0);
  CHECK(entered[0] == 0 && exited[0] == 10 * D && entered[3] == 30 * D && exited[3] == INT64_MAX);
  CHECK(entered[5] == 10 * D && exited[5] == INT64_MAX && exited[4] == 10 * D);
  CHECK_OK(crmkit_lifecycle_time_in_stage(h, 40 * D, cum, last, 9));
  CHECK(cum[0] == 20 && last[0] == 10 && cum[1] == 10 && cum[2] == 10);
  CHECK(cum[3] == 10 && cum[4] == 30 && cum[5] == 0 && isnan(last[5]));
  CHECK(cum[6] == 40 && isnan(last[7]));
  CHECK_STATUS(crmkit_lifecycle_time_in_stage(h, 40 * D, cum, last, 8), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(crmkit_lifecycle_time_in_stage(h, 29 * D, cum, last, 9), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("before the machine's last event");
  CHECK_STATUS(crmkit_lifecycle_time_in_stage(NULL, 0, cum, last, 9), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_lifecycle_free(h);
  crmkit_lifecycle_model_free(m);
}

/* Save with the two-call protocol, load, save again: the same text; set_no_skip equals chain ranks;
 * the per-customer table. */
static void test_save_load_and_table(void) {
  const char* lead[1] = {"lead"};
  const char* buyer[1] = {"buyer"};
  const char* chain[2] = {"lead", "buyer"};
  const char* names[2] = {"orders", "recency_days"};
  const double orders[2] = {1, 0};
  const double recency[2] = {0, 0};
  const double* columns[2] = {orders, recency};
  const int32_t customer[2] = {0, 0};
  const int64_t time[2] = {1704067200, 1706745600};
  const double amount[2] = {10, 30};
  crmkit_lifecycle_builder* b = NULL;
  crmkit_lifecycle_model* m = NULL;
  crmkit_lifecycle_model* loaded = NULL;
  crmkit_lifecycle_model* by_rank = NULL;
  crmkit_lifecycle_model* none = NULL;
  crmkit_lifecycle* h = NULL;
  crmkit_dataset* d = NULL;
  crmkit_table* t = NULL;
  char *text = NULL, *again = NULL, *ranked = NULL;
  char level[16];
  size_t needed = 0, needed2 = 0, rows = 0, col = 0;
  int32_t codes[2];
  int64_t entered[2];
  double days[2];
  CHECK_OK(crmkit_lifecycle_builder_create(&b));
  CHECK_OK(crmkit_lifecycle_builder_add_state(b, "lead", -1));
  CHECK_OK(crmkit_lifecycle_builder_add_state(b, "buyer", -1));
  CHECK_OK(crmkit_lifecycle_builder_set_no_skip(b, chain, 2));
  CHECK_STATUS(crmkit_lifecycle_builder_set_no_skip(b, NULL, 2), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_lifecycle_builder_add_transition(b, lead, 1, "buyer", "orders >= 1", "buy", 3, CRMKIT_LIFECYCLE_ON_ANY));
  CHECK_OK(crmkit_lifecycle_builder_add_transition(b, buyer, 1, "lead", "recency_days > 90", NULL, 0, CRMKIT_LIFECYCLE_ON_TIME));
  CHECK_OK(crmkit_lifecycle_builder_build(b, &m));
  crmkit_lifecycle_builder_free(b);
  CHECK_STATUS(crmkit_lifecycle_model_save(m, NULL, 0, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK(needed > 100);
  text = (char*)malloc(needed);
  CHECK_OK(crmkit_lifecycle_model_save(m, text, needed, &needed2));
  CHECK(needed2 == needed && strlen(text) + 1 == needed);
  CHECK(strstr(text, "\"document\": \"lifecycle_model\"") != NULL);
  CHECK(strstr(text, "\"no_skip\": [\"lead\", \"buyer\"]") != NULL);
  CHECK(strstr(text, "\"priority\": 3, \"on\": \"any\"") != NULL);
  CHECK_OK(crmkit_lifecycle_model_load(text, strlen(text), &loaded));
  crmkit_lifecycle_model_free(loaded);
  loaded = NULL;
  /* Loading reads exactly `length` bytes: the text need not be NUL-terminated. */
  CHECK_OK(crmkit_lifecycle_model_load(text, needed - 1, &loaded));
  CHECK_STATUS(crmkit_lifecycle_model_save(loaded, NULL, 0, &needed2), CRMKIT_E_BUFFER_TOO_SMALL);
  again = (char*)malloc(needed2);
  CHECK_OK(crmkit_lifecycle_model_save(loaded, again, needed2, &needed2));
  CHECK(strcmp(text, again) == 0);
  crmkit_lifecycle_model_free(loaded);
  loaded = NULL;
  /* The same model through chain ranks. */
  CHECK_OK(crmkit_lifecycle_builder_create(&b));
  CHECK_OK(crmkit_lifecycle_builder_add_state(b, "lead", 0));
  CHECK_OK(crmkit_lifecycle_builder_add_state(b, "buyer", 1));
  CHECK_OK(crmkit_lifecycle_builder_add_transition(b, lead, 1, "buyer", "orders >= 1", "buy", 3, CRMKIT_LIFECYCLE_ON_ANY));
  CHECK_OK(crmkit_lifecycle_builder_add_transition(b, buyer, 1, "lead", "recency_days > 90", NULL, 0, CRMKIT_LIFECYCLE_ON_TIME));
  CHECK_OK(crmkit_lifecycle_builder_build(b, &by_rank));
  /* Both a chain and ranks: refused at build. */
  CHECK_OK(crmkit_lifecycle_builder_set_no_skip(b, chain, 2));
  CHECK_STATUS(crmkit_lifecycle_builder_build(b, &none), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("given twice");
  CHECK(none == NULL);
  crmkit_lifecycle_builder_free(b);
  CHECK_STATUS(crmkit_lifecycle_model_save(by_rank, NULL, 0, &needed2), CRMKIT_E_BUFFER_TOO_SMALL);
  ranked = (char*)malloc(needed2);
  CHECK_OK(crmkit_lifecycle_model_save(by_rank, ranked, needed2, &needed2));
  CHECK(strcmp(text, ranked) == 0);
  CHECK_STATUS(crmkit_lifecycle_model_save(m, text, 10, &needed2), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(crmkit_lifecycle_model_load("{\"crmkit\": {\"document\": \"x\", \"format\": 1}}", 42, &loaded),
               CRMKIT_E_PARSE);
  CHECK_MESSAGE_HAS("not a 'lifecycle_model'");
  CHECK(loaded == NULL);
  CHECK_STATUS(crmkit_lifecycle_model_load(NULL, 0, &loaded), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_lifecycle_model_load("states = [\"a\"]\n", 15, &loaded)); /* TOML */
  crmkit_lifecycle_model_free(loaded);

  /* The table: customer 0 moves to buyer at day 10, customer 1 stays; ids from a dataset. */
  CHECK_OK(crmkit_lifecycle_create(m, 2, 0, &h));
  CHECK_OK(crmkit_lifecycle_evaluate(h, 10 * 86400, names, columns, 2, 2, NULL));
  CHECK_OK(crmkit_dataset_create_from_columns(customer, time, amount, 2, 2, CRMKIT_COPY, &d));
  CHECK_OK(crmkit_lifecycle_table(h, d, 12 * 86400, &t));
  CHECK_OK(crmkit_table_n_rows(t, &rows));
  CHECK(rows == 2);
  CHECK_OK(crmkit_table_find_column(t, "stage", &col));
  CHECK_OK(crmkit_table_category_codes(t, col, codes, 2));
  CHECK(codes[0] == 1 && codes[1] == 0);
  CHECK_OK(crmkit_table_level(t, col, 1, level, sizeof level, &needed2));
  CHECK(strcmp(level, "buyer") == 0);
  CHECK_OK(crmkit_table_find_column(t, "previous_stage", &col));
  CHECK_OK(crmkit_table_category_codes(t, col, codes, 2));
  CHECK(codes[0] == 0 && codes[1] == -1);
  CHECK_OK(crmkit_table_find_column(t, "entered_at", &col));
  CHECK_OK(crmkit_table_int64(t, col, entered, 2));
  CHECK(entered[0] == 10 * 86400 && entered[1] == 0);
  CHECK_OK(crmkit_table_find_column(t, "stage_days", &col));
  CHECK_OK(crmkit_table_float64(t, col, days, 2));
  CHECK(days[0] == 2.0 && days[1] == 12.0);
  crmkit_table_free(t);
  t = NULL;
  CHECK_STATUS(crmkit_lifecycle_table(h, d, 86400, &t), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("before the machine's last event");
  CHECK(t == NULL);
  CHECK_OK(crmkit_lifecycle_table(h, NULL, INT64_MIN, &t));
  CHECK_OK(crmkit_table_float64(t, 3, days, 2));
  CHECK(days[0] == 0.0);
  crmkit_table_free(t);
  CHECK_STATUS(crmkit_lifecycle_table(NULL, NULL, 0, &t), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_dataset_free(d);
  crmkit_lifecycle_free(h);
  crmkit_lifecycle_model_free(by_rank);
  crmkit_lifecycle_model_free(m);
  free(text);
  free(again);
  free(ranked);
}

int main(void) {
  test_null_arguments();
  test_real_call();
  test_bad_input();
  test_dataset_and_replay();
  test_builder_equals_json();
  test_builder_validation();
  test_toml();
  test_history_and_time_in_stage();
  test_save_load_and_table();
  return test_report("lifecycle");
}
