/* crmkit/crmkit.h - the C ABI of crmkit (placeholder; see issue 2). */
#ifndef CRMKIT_H
#define CRMKIT_H
#include <stddef.h>
#include <stdint.h>
#include "crmkit/version.h"
#if defined(CRMKIT_BUILDING_C_API)
#  define CRMKIT_API __attribute__((visibility("default")))
#else
#  define CRMKIT_API
#endif
#ifdef __cplusplus
extern "C" {
#endif
CRMKIT_API int32_t crmkit_version_number(void);
#ifdef __cplusplus
}
#endif
#endif
