// Helpers shared by the lifecycle doctest files.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "crmkit/core/column.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/core/transaction_log.hpp"
#include "crmkit/lifecycle/machine.hpp"

namespace lifecycle_test {

// 2024-01-01T00:00:00Z: day 0 of the hand-computed fixtures.
inline constexpr std::int64_t base = crmkit::unix_seconds(2024, 1, 1);
inline constexpr std::int64_t day(std::int64_t d) { return base + d * crmkit::seconds_per_day; }

// purchases[c] = the purchase days (offsets from base) of customer c, amount 10 each.
inline crmkit::transaction_log make_log(const std::vector<std::vector<std::int64_t>>& purchases) {
  std::vector<std::int32_t> customer;
  std::vector<std::int64_t> time;
  std::vector<double> amount;
  for (std::size_t c = 0; c < purchases.size(); ++c)
    for (auto d : purchases[c]) {
      customer.push_back(static_cast<std::int32_t>(c));
      time.push_back(day(d));
      amount.push_back(10.0);
    }
  return crmkit::transaction_log::from_columns(crmkit::column<std::int32_t>::owned(std::move(customer)),
                                               crmkit::column<std::int64_t>::owned(std::move(time)),
                                               crmkit::column<double>::owned(std::move(amount)), purchases.size());
}

// True when two transition logs (a machine's log() or a vector of records) are equal record by record.
template <class A, class B>
bool same_log(const A& a, const B& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].at != b[i].at || a[i].customer != b[i].customer || a[i].from != b[i].from || a[i].to != b[i].to ||
        a[i].rule != b[i].rule)
      return false;
  return true;
}

}  // namespace lifecycle_test
