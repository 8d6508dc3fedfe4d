// Definitions for crmkit/core/dataset.hpp.
// IWYU pragma: private, include "crmkit/core/dataset.hpp"
#pragma once

#include <fmt/format.h>

#include "crmkit/core/dataset.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC dataset::dataset(customer_table customers, transaction_log transactions)
    : customers_(std::move(customers)), transactions_(std::move(transactions)) {
  if (transactions_.n_customers() != customers_.size())
    throw error(errc::invalid_argument,
                fmt::format("dataset: the transaction log refers to {} customers, the customer table holds {}",
                            transactions_.n_customers(), customers_.size()));
}

CRMKIT_END_NAMESPACE
