/// @file crmkit/config.hpp
/// Build-mode switches and namespace macros shared by every crmkit C++ header.
///
/// User-settable macros:
/// - `CRMKIT_HEADER_ONLY`: define to use crmkit as a header-only library (link
///   `crmkit::header_only`). Otherwise the non-template code is compiled once into the
///   `crmkit::crmkit` library, the way fmt does it.
///
/// Macros the library sets: `CRMKIT_FUNC`, `CRMKIT_BEGIN_NAMESPACE`, `CRMKIT_END_NAMESPACE`.
#pragma once

#include "crmkit/version.h"

#if __cplusplus < 202002L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 202002L)
#  error "crmkit's C++ headers need C++20 (the C ABI in crmkit/crmkit.h needs only C99)"
#endif

// Non-template functions defined in *_impl.hpp: inline in header-only mode, compiled
// once in src/ otherwise.
#ifdef CRMKIT_HEADER_ONLY
#  define CRMKIT_FUNC inline
#else
#  define CRMKIT_FUNC
#endif

// The inline namespace carries the major version: mixing two majors in one program is a
// link error rather than a silent ODR violation (fmt's FMT_BEGIN_NAMESPACE).
#define CRMKIT_BEGIN_NAMESPACE \
  namespace crmkit {           \
  inline namespace v0 {
#define CRMKIT_END_NAMESPACE \
  }                          \
  }
