/// @file crmkit/io.hpp
/// Module header for crmkit's readers (CSV ingest of transactions and customers).
///
/// `#include <crmkit/io.hpp>`
#pragma once

#include "crmkit/io/csv.hpp"
#include "crmkit/io/order_line_arrays.hpp"
