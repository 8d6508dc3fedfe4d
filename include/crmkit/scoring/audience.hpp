/// @file crmkit/scoring/audience.hpp
/// `select_customers`: an audience from the customer table by a condition over its columns,
/// written in the lifecycle guard language (crmkit/lifecycle/guard.hpp), so that the
/// conditions a CRM stores for stages and for campaigns read alike.
///
/// `#include <crmkit/scoring/audience.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::customer_table table = crmkit::score_customers(data, as_of);
/// for (std::int32_t row : crmkit::select_customers(table, "p_alive < 0.3 and abc == 'A'"))
///   send_offer(table.id(row));
/// @endcode
///
/// Semantics: numbers compare with float64, int64 and time columns (time as Unix seconds);
/// quoted levels compare with category columns by == and != (`segment == 'Champions'`); a
/// missing value satisfies no comparison (`missing(c)` selects them). Memory: 8 bytes per
/// customer per column the condition reads, plus one byte per customer.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The rows of `table` for which `condition` holds, ascending.
/// @throws crmkit::error (parse_error) with the position of a syntax error, (not_found) for
///         an unknown column or a level the category column does not have.
[[nodiscard]] CRMKIT_FUNC std::vector<std::int32_t> select_customers(const customer_table& table,
                                                                     std::string_view condition);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/scoring/audience_impl.hpp"
#endif
