// crmkit.h: status codes, the thread-local last error, version queries, and the helpers
// every other entry point shares.
#include <cstring>
#include <string>

#include "c_api_internal.hpp"
#include "crmkit/version.h"

using namespace crmkit::capi;

// The C status codes are the C++ errc values, one to one.
static_assert(CRMKIT_OK == static_cast<int>(crmkit::errc::ok));
static_assert(CRMKIT_E_GENERIC == static_cast<int>(crmkit::errc::generic));
static_assert(CRMKIT_E_INVALID_ARGUMENT == static_cast<int>(crmkit::errc::invalid_argument));
static_assert(CRMKIT_E_OUT_OF_MEMORY == static_cast<int>(crmkit::errc::out_of_memory));
static_assert(CRMKIT_E_BUFFER_TOO_SMALL == static_cast<int>(crmkit::errc::buffer_too_small));
static_assert(CRMKIT_E_NOT_FITTED == static_cast<int>(crmkit::errc::not_fitted));
static_assert(CRMKIT_E_UNSUPPORTED == static_cast<int>(crmkit::errc::unsupported));
static_assert(CRMKIT_E_IO == static_cast<int>(crmkit::errc::io_error));
static_assert(CRMKIT_E_PARSE == static_cast<int>(crmkit::errc::parse_error));
static_assert(CRMKIT_E_NOT_FOUND == static_cast<int>(crmkit::errc::not_found));

namespace {
// The only mutable global of the library, one per thread (libgit2's git_error_last).
thread_local std::string last_error_message;
}  // namespace

namespace crmkit::capi {

int set_error(int status, const char* message) noexcept {
  try {
    last_error_message.assign(message != nullptr ? message : "");
  } catch (...) {
    // clear() keeps the capacity, and the fallback fits the small-string buffer anyway,
    // so this assignment cannot allocate.
    last_error_message.clear();
    last_error_message.assign("out of memory");
  }
  return status;
}

void copy_out(std::string_view text, char* buf, std::size_t cap, std::size_t* out_needed, const char* function) {
  if (out_needed == nullptr) throw_null(function, "out_needed");
  if (buf == nullptr && cap > 0) throw_null(function, "buf");
  const std::size_t needed = text.size() + 1;
  *out_needed = needed;
  if (cap < needed)
    throw crmkit::error(crmkit::errc::buffer_too_small,
                        fmt::format("{}: buffer too small: {} bytes needed, capacity {}", function, needed, cap));
  if (!text.empty()) std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
}

void check_capacity(std::size_t cap, std::size_t needed, const char* function, const char* argument) {
  if (cap < needed)
    throw crmkit::error(crmkit::errc::buffer_too_small,
                        fmt::format("{}: argument '{}' is {}, {} values are needed", function, argument, cap, needed));
}

void check_flags(std::int32_t flags, const char* function) {
  if (flags != CRMKIT_COPY && flags != CRMKIT_BORROW)
    throw crmkit::error(crmkit::errc::invalid_argument,
                        fmt::format("{}: argument 'flags' is {}; expected CRMKIT_COPY (0) or CRMKIT_BORROW (1)",
                                    function, flags));
}

}  // namespace crmkit::capi

extern "C" {

CRMKIT_API const char* crmkit_last_error(void) { return last_error_message.c_str(); }

CRMKIT_API const char* crmkit_status_str(int32_t status) {
  switch (status) {
    case CRMKIT_OK: return "ok";
    case CRMKIT_E_GENERIC: return "generic error";
    case CRMKIT_E_INVALID_ARGUMENT: return "invalid argument";
    case CRMKIT_E_OUT_OF_MEMORY: return "out of memory";
    case CRMKIT_E_BUFFER_TOO_SMALL: return "buffer too small";
    case CRMKIT_E_NOT_FITTED: return "not fitted";
    case CRMKIT_E_UNSUPPORTED: return "unsupported";
    case CRMKIT_E_IO: return "i/o error";
    case CRMKIT_E_PARSE: return "parse error";
    case CRMKIT_E_NOT_FOUND: return "not found";
    default: return "unknown status";
  }
}

CRMKIT_API int32_t crmkit_version_number(void) { return CRMKIT_VERSION_NUMBER; }

CRMKIT_API const char* crmkit_version_string(void) { return CRMKIT_VERSION_STRING; }

}  // extern "C"
