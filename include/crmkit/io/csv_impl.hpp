// Definitions for crmkit/io/csv.hpp (placeholder until the reader lands).
#pragma once
#include "crmkit/io/csv.hpp"
#include "crmkit/error.hpp"
CRMKIT_BEGIN_NAMESPACE
CRMKIT_FUNC std::string bad_row::message(std::string_view) const { throw error(errc::unsupported, "not yet"); }
CRMKIT_END_NAMESPACE
