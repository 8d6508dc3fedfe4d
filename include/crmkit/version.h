/* crmkit/version.h - the single source of crmkit's version.
 *
 * Plain C macros, shared by the C ABI (crmkit.h) and the C++ headers.
 * CMake reads CRMKIT_VERSION_MAJOR/MINOR/PATCH from this file with a regex, so the
 * version is written nowhere else. Compare with crmkit_version_number() at run time
 * to detect a header/library mismatch.
 */
#ifndef CRMKIT_VERSION_H
#define CRMKIT_VERSION_H

#define CRMKIT_VERSION_MAJOR 0
#define CRMKIT_VERSION_MINOR 7
#define CRMKIT_VERSION_PATCH 0

/* major*10000 + minor*100 + patch, as in fmt and zstd. */
#define CRMKIT_VERSION_NUMBER \
  (CRMKIT_VERSION_MAJOR * 10000 + CRMKIT_VERSION_MINOR * 100 + CRMKIT_VERSION_PATCH)

#define CRMKIT_VERSION_STRING "0.7.0"

#endif /* CRMKIT_VERSION_H */
