/// @file crmkit/core/dataset.hpp
/// `dataset`: a customer table and the transaction log that refers to it; what the
/// analyses take as input and what the C ABI's `crmkit_dataset` handle holds.
///
/// `#include <crmkit/core/dataset.hpp>`
///
/// Thread safety: immutable after construction (apart from adding customer attributes
/// through the non-const `customers()`); concurrent const use is safe.
///
/// @code
/// auto data = crmkit::read_dataset_csv("transactions.csv");
/// fmt::print("{} customers, {} transactions\n", data.n_customers(), data.n_transactions());
/// @endcode
#pragma once

#include <cstddef>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/core/transaction_log.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Customers plus their transactions (see the file comment).
class dataset {
 public:
  dataset() = default;
  /// @throws crmkit::error (invalid_argument) when the log refers to a different number of
  ///         customers than the table holds.
  CRMKIT_FUNC dataset(customer_table customers, transaction_log transactions);

  [[nodiscard]] const customer_table& customers() const noexcept { return customers_; }
  /// Mutable access, to add attribute or location columns after loading.
  [[nodiscard]] customer_table& customers() noexcept { return customers_; }
  [[nodiscard]] const transaction_log& transactions() const noexcept { return transactions_; }

  [[nodiscard]] std::size_t n_customers() const noexcept { return customers_.size(); }
  [[nodiscard]] std::size_t n_transactions() const noexcept { return transactions_.size(); }

 private:
  customer_table customers_;
  transaction_log transactions_;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/core/dataset_impl.hpp"
#endif
