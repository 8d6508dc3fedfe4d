// A TOML document as the JSON document tree of detail/json.hpp (every node with its line
// and column), so that TOML and JSON documents are read by one schema reader: lifecycle
// models and score configs. Defined in src/lifecycle/model_toml.cpp, the one translation
// unit that includes toml++; compiled library only. Internal.
#pragma once

#ifndef CRMKIT_LIFECYCLE_INTERNAL
#  error "crmkit/lifecycle/detail/toml_document.hpp is internal"
#endif

#include <string_view>

#include "crmkit/config.hpp"
#include "crmkit/lifecycle/detail/json.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {
/// Parses `text` as TOML. @throws crmkit::error (parse_error) "TOML line L column C: ...";
/// dates and times are errors prefixed by `context`.
json::value toml_document(std::string_view text, std::string_view context);
}  // namespace detail
CRMKIT_END_NAMESPACE
