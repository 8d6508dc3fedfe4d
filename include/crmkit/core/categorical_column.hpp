/// @file crmkit/core/categorical_column.hpp
/// `categorical_column`: a dictionary-encoded string column (products and channels of the
/// transaction log, segment or ABC class of the customer table).
///
/// `#include <crmkit/core/categorical_column.hpp>`
///
/// Thread safety: immutable once built; concurrent const use is safe.
///
/// @code
/// auto levels = std::make_shared<crmkit::string_dictionary>();
/// levels->insert("A"); levels->insert("B");
/// crmkit::categorical_column abc{crmkit::column<std::int32_t>::owned({0, 1, -1}), levels};
/// std::string_view first = abc.levels->at(abc.codes[0]);   // "A"; code -1 is missing
/// @endcode
///
/// Memory: 4 bytes per row plus the level strings (shared between copies).
#pragma once

#include <cstdint>
#include <memory>

#include "crmkit/config.hpp"
#include "crmkit/core/column.hpp"
#include "crmkit/core/string_dictionary.hpp"

CRMKIT_BEGIN_NAMESPACE

/// A dictionary-encoded string column: `codes[i]` indexes `levels`, -1 means missing.
struct categorical_column {
  column<std::int32_t> codes;
  std::shared_ptr<const string_dictionary> levels;
};

CRMKIT_END_NAMESPACE
