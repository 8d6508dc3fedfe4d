/* Compiled with exactly `-std=c99 -pedantic -Wall -Werror -fsyntax-only`: crmkit.h must be
 * self-contained strict C99. Included first, so a missing include would show. */
#include "crmkit/crmkit.h"

#if CRMKIT_VERSION_NUMBER != (CRMKIT_VERSION_MAJOR * 10000 + CRMKIT_VERSION_MINOR * 100 + CRMKIT_VERSION_PATCH)
#  error "CRMKIT_VERSION_NUMBER is inconsistent"
#endif

/* Every declaration is usable from C: take the address of each kind of function. */
typedef int (*create_fn)(const int32_t*, const int64_t*, const double*, size_t, size_t, int32_t, crmkit_dataset**);
static const create_fn create = crmkit_dataset_create_from_columns;
typedef void (*free_fn)(crmkit_dataset*);
static const free_fn release = crmkit_dataset_free;

int crmkit_header_c99_probe(void);
int crmkit_header_c99_probe(void) {
  const int codes[] = {CRMKIT_OK, CRMKIT_E_GENERIC, CRMKIT_E_INVALID_ARGUMENT, CRMKIT_E_OUT_OF_MEMORY,
                       CRMKIT_E_BUFFER_TOO_SMALL, CRMKIT_E_NOT_FITTED, CRMKIT_E_UNSUPPORTED, CRMKIT_E_IO,
                       CRMKIT_E_PARSE, CRMKIT_E_NOT_FOUND};
  const char* version = CRMKIT_VERSION_STRING;
  return (int)(sizeof codes / sizeof codes[0]) + (create != 0) + (release != 0) + (version[0] != 0) +
         CRMKIT_CSV_DELIMITER + CRMKIT_CSV_LATITUDE_COLUMN + CRMKIT_COPY + CRMKIT_BORROW;
}
