/// @file crmkit/error.hpp
/// The exception crmkit throws for invalid input, misuse and resource failures.
///
/// `#include <crmkit/error.hpp>`
///
/// Thread safety: stateless; safe.
///
/// The `errc` values are the status codes the C ABI returns (`CRMKIT_E_*` in
/// crmkit/crmkit.h), one to one. Expected numerical outcomes (a fit that stopped at its
/// iteration limit, say) are not errors: they travel as status fields in result types.
#pragma once

#include <stdexcept>
#include <string>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Error categories; the numeric values are pinned and shared with the C ABI.
enum class errc : int {
  ok = 0,
  generic = -1,           ///< anything not covered below
  invalid_argument = -2,  ///< a parameter or input value is outside its domain
  out_of_memory = -3,     ///< an allocation failed
  buffer_too_small = -4,  ///< a caller-supplied output buffer is too small
  not_fitted = -5,        ///< a model was used before it was fitted
  unsupported = -6,       ///< the operation is not supported in this build or mode
  io_error = -7,          ///< a file could not be opened or read
  parse_error = -8,       ///< input text could not be parsed (CSV, timestamps, numbers)
  not_found = -9,         ///< a named item (column, customer id) does not exist
};

/// The one exception type crmkit throws. `what()` names what, where and why.
class error : public std::runtime_error {
 public:
  error(errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  /// The category, identical to the status the C ABI reports for this failure.
  [[nodiscard]] errc code() const noexcept { return code_; }

 private:
  errc code_;
};

CRMKIT_END_NAMESPACE
