/// @file crmkit/core.hpp
/// Module header for crmkit's data model: columns, the string dictionary, timestamps,
/// the transaction log, the customer table and the dataset that joins them.
///
/// `#include <crmkit/core.hpp>`
#pragma once

#include "crmkit/config.hpp"
#include "crmkit/core/column.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/core/dataset.hpp"
#include "crmkit/core/order_lines.hpp"
#include "crmkit/core/string_dictionary.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/core/transaction_log.hpp"
#include "crmkit/error.hpp"
