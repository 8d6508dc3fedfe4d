/* Status codes, crmkit_status_str, versions, and the thread-local last error. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "test_util.h"

static void test_status_strings(void) {
  CHECK(strcmp(crmkit_status_str(CRMKIT_OK), "ok") == 0);
  CHECK(strcmp(crmkit_status_str(CRMKIT_E_INVALID_ARGUMENT), "invalid argument") == 0);
  CHECK(strcmp(crmkit_status_str(CRMKIT_E_BUFFER_TOO_SMALL), "buffer too small") == 0);
  CHECK(strcmp(crmkit_status_str(CRMKIT_E_NOT_FOUND), "not found") == 0);
  CHECK(strcmp(crmkit_status_str(CRMKIT_E_IO), "i/o error") == 0);
  CHECK(strcmp(crmkit_status_str(CRMKIT_E_PARSE), "parse error") == 0);
  CHECK(strcmp(crmkit_status_str(-1000), "unknown status") == 0);
  CHECK(strcmp(crmkit_status_str(7), "unknown status") == 0);
  {
    int32_t code;
    for (code = CRMKIT_E_NOT_FOUND; code <= CRMKIT_OK; ++code) {
      CHECK(crmkit_status_str(code) != NULL);
      CHECK(strcmp(crmkit_status_str(code), "unknown status") != 0);
    }
  }
}

static void test_versions(void) {
  char expected[32];
  CHECK(crmkit_version_number() == CRMKIT_VERSION_NUMBER);
  CHECK(strcmp(crmkit_version_string(), CRMKIT_VERSION_STRING) == 0);
  sprintf(expected, "%d.%d.%d", CRMKIT_VERSION_MAJOR, CRMKIT_VERSION_MINOR, CRMKIT_VERSION_PATCH);
  CHECK(strcmp(crmkit_version_string(), expected) == 0);
}

/* Each thread provokes its own error and must keep seeing its own message while the
 * other thread does the same, in lockstep through a barrier-like handshake. */
typedef struct {
  const char* id;  /* a customer id that does not exist: it appears in the message */
  int ok;
} thread_case;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static int phase = 0;

static void wait_for_phase(int wanted) {
  pthread_mutex_lock(&lock);
  while (phase < wanted) pthread_cond_wait(&turn_changed, &lock);
  pthread_mutex_unlock(&lock);
}

static void advance_phase(void) {
  pthread_mutex_lock(&lock);
  ++phase;
  pthread_cond_broadcast(&turn_changed);
  pthread_mutex_unlock(&lock);
}

static crmkit_dataset* shared_dataset = NULL;

static void* thread_main(void* argument) {
  thread_case* self = (thread_case*)argument;
  int32_t index = 0;
  int first = strcmp(self->id, "first-thread-id") == 0;
  int i;
  self->ok = 1;
  /* Phase 0: a fresh thread has no error yet. */
  if (crmkit_last_error()[0] != '\0') self->ok = 0;
  /* The first thread fails, then the second; each checks its message after the other
   * thread has overwritten its own. Repeat to shake out any sharing. */
  for (i = 0; i < 50; ++i) {
    wait_for_phase(first ? 2 * i : 2 * i + 1);
    /* The other thread has just failed with its own id; this thread's message is intact. */
    if (i > 0 && strstr(crmkit_last_error(), self->id) == NULL) self->ok = 0;
    if (crmkit_dataset_customer_index(shared_dataset, self->id, &index) != CRMKIT_E_NOT_FOUND) self->ok = 0;
    if (strstr(crmkit_last_error(), self->id) == NULL) self->ok = 0;
    advance_phase();
  }
  wait_for_phase(100);
  if (strstr(crmkit_last_error(), self->id) == NULL) self->ok = 0;
  return NULL;
}

static void test_thread_local_last_error(void) {
  const int32_t customer[1] = {0};
  const int64_t time[1] = {0};
  const double amount[1] = {1.0};
  pthread_t threads[2];
  thread_case cases[2];
  CHECK_OK(crmkit_dataset_create_from_columns(customer, time, amount, 1, 1, CRMKIT_COPY, &shared_dataset));
  /* This thread's message must survive the others' failures too. */
  CHECK_STATUS(crmkit_dataset_n_customers(NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("crmkit_dataset_n_customers");
  cases[0].id = "first-thread-id";
  cases[1].id = "second-thread-id";
  CHECK(pthread_create(&threads[0], NULL, thread_main, &cases[0]) == 0);
  CHECK(pthread_create(&threads[1], NULL, thread_main, &cases[1]) == 0);
  CHECK(pthread_join(threads[0], NULL) == 0);
  CHECK(pthread_join(threads[1], NULL) == 0);
  CHECK(cases[0].ok);
  CHECK(cases[1].ok);
  CHECK_MESSAGE_HAS("crmkit_dataset_n_customers");
  CHECK(strstr(crmkit_last_error(), "thread-id") == NULL);
  crmkit_dataset_free(shared_dataset);
}

static void test_message_persists_until_next_failure(void) {
  size_t n = 0;
  crmkit_dataset* ds = NULL;
  const int32_t customer[1] = {0};
  const int64_t time[1] = {0};
  const double amount[1] = {1.0};
  CHECK_STATUS(crmkit_dataset_n_transactions(NULL, &n), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("'dataset'");
  /* A successful call leaves the stale message in place (documented). */
  CHECK_OK(crmkit_dataset_create_from_columns(customer, time, amount, 1, 1, CRMKIT_COPY, &ds));
  CHECK_MESSAGE_HAS("'dataset'");
  crmkit_dataset_free(ds);
}

int main(void) {
  CHECK(crmkit_last_error() != NULL);
  CHECK(strcmp(crmkit_last_error(), "") == 0);
  test_status_strings();
  test_versions();
  test_thread_local_last_error();
  test_message_persists_until_next_failure();
  return test_report("errors_test");
}
