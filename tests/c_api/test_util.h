/* A minimal check harness for the C ABI tests (C99, no dependencies). */
#ifndef CRMKIT_C_TEST_UTIL_H
#define CRMKIT_C_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crmkit/crmkit.h"

static int test_failures = 0;
static int test_checks = 0;

#define CHECK(cond)                                                                  \
  do {                                                                               \
    ++test_checks;                                                                   \
    if (!(cond)) {                                                                   \
      ++test_failures;                                                               \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: '%s'\n", __FILE__, __LINE__, \
              #cond, crmkit_last_error());                                           \
    }                                                                                \
  } while (0)

/* `call` returns `status` and leaves a non-empty message in crmkit_last_error(). */
#define CHECK_STATUS(call, status)                                                               \
  do {                                                                                           \
    int check_rc_;                                                                               \
    ++test_checks;                                                                               \
    check_rc_ = (call);                                                                          \
    if (check_rc_ != (status)) {                                                                 \
      ++test_failures;                                                                           \
      fprintf(stderr, "%s:%d: %s returned %d (%s), expected %d; last error: '%s'\n", __FILE__,   \
              __LINE__, #call, check_rc_, crmkit_status_str(check_rc_), (int)(status),          \
              crmkit_last_error());                                                              \
    } else if ((status) != CRMKIT_OK && crmkit_last_error()[0] == '\0') {                        \
      ++test_failures;                                                                           \
      fprintf(stderr, "%s:%d: %s failed without a message\n", __FILE__, __LINE__, #call);        \
    }                                                                                            \
  } while (0)

#define CHECK_OK(call) CHECK_STATUS(call, CRMKIT_OK)

/* The last error mentions `needle`. */
#define CHECK_MESSAGE_HAS(needle)                                                                  \
  do {                                                                                             \
    ++test_checks;                                                                                 \
    if (strstr(crmkit_last_error(), (needle)) == NULL) {                                           \
      ++test_failures;                                                                             \
      fprintf(stderr, "%s:%d: last error '%s' does not mention '%s'\n", __FILE__, __LINE__,        \
              crmkit_last_error(), (needle));                                                      \
    }                                                                                              \
  } while (0)

static int test_report(const char* name) {
  if (test_failures != 0) {
    fprintf(stderr, "%s: %d of %d checks failed\n", name, test_failures, test_checks);
    return EXIT_FAILURE;
  }
  printf("%s: all %d checks passed\n", name, test_checks);
  return EXIT_SUCCESS;
}

/* Writes `text` to CRMKIT_TEST_SCRATCH_DIR/name and returns the path (static storage).
 * Tests that need it define CRMKIT_TEST_WANTS_SCRATCH before including this file. */
#ifdef CRMKIT_TEST_WANTS_SCRATCH
static const char* write_scratch_file(const char* name, const char* text) {
  static char path[4096];
  FILE* file;
  sprintf(path, "%.3000s/%.900s", CRMKIT_TEST_SCRATCH_DIR, name);
  file = fopen(path, "wb");
  if (file == NULL) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(EXIT_FAILURE);
  }
  fputs(text, file);
  fclose(file);
  return path;
}
#endif

#endif /* CRMKIT_C_TEST_UTIL_H */
