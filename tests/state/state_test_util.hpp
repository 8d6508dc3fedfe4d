// Shared fixture of the state tests: the bundled CDNOW sample and row-by-row comparisons.
#pragma once

#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "crmkit/churn/btyd_summary.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/segmentation/rfm.hpp"
#include "crmkit/state/customer_state.hpp"

namespace state_test {

inline std::string sample_path() { return std::string(CRMKIT_SOURCE_DIR) + "/examples/data/cdnow_sample.csv"; }

inline crmkit::transaction_columns sample_columns() {
  crmkit::transaction_columns c;
  c.customer = "customer_id";
  c.time = "date";
  c.amount = "amount";
  return c;
}

inline const crmkit::dataset& sample() {
  static const crmkit::dataset data = crmkit::read_transactions_csv(sample_path(), sample_columns());
  return data;
}

inline bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

// Row of `id` in a table whose `customer` column indexes `names`.
template <class Table>
std::map<std::string, std::size_t> rows_by_id(const Table& t, const std::vector<std::string>& names) {
  std::map<std::string, std::size_t> out;
  for (std::size_t i = 0; i < t.size(); ++i) out[names[static_cast<std::size_t>(t.customer[i])]] = i;
  return out;
}

inline std::vector<std::string> dataset_ids(const crmkit::dataset& data) {
  std::vector<std::string> out;
  for (std::size_t c = 0; c < data.n_customers(); ++c)
    out.emplace_back(data.customers().ids().at(static_cast<std::int32_t>(c)));
  return out;
}

// Every column of every customer's RFM row, bit for bit.
inline void check_rfm_equal(const crmkit::rfm_table& ref, const std::vector<std::string>& ref_names,
                            const crmkit::rfm_table& got, const std::vector<std::string>& got_names) {
  REQUIRE(ref.size() == got.size());
  const auto r = rows_by_id(ref, ref_names);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const std::string& id = got_names[static_cast<std::size_t>(got.customer[i])];
    const auto it = r.find(id);
    REQUIRE(it != r.end());
    const std::size_t j = it->second;
    mismatches += !same_bits(ref.recency_days[j], got.recency_days[i]) || !same_bits(ref.recency[j], got.recency[i]) ||
                  !same_bits(ref.frequency[j], got.frequency[i]) ||
                  !same_bits(ref.distinct_days[j], got.distinct_days[i]) ||
                  !same_bits(ref.monetary[j], got.monetary[i]) ||
                  !same_bits(ref.monetary_mean[j], got.monetary_mean[i]) || !same_bits(ref.tenure[j], got.tenure[i]) ||
                  ref.first_purchase[j] != got.first_purchase[i] || ref.last_purchase[j] != got.last_purchase[i];
  }
  CHECK(mismatches == 0);
}

inline void check_btyd_equal(const crmkit::btyd_summary& ref, const std::vector<std::string>& ref_names,
                             const crmkit::btyd_summary& got, const std::vector<std::string>& got_names) {
  REQUIRE(ref.size() == got.size());
  CHECK(same_bits(ref.duration_holdout, got.duration_holdout));
  CHECK(ref.frequency_holdout.size() == got.frequency_holdout.size());
  const auto r = rows_by_id(ref, ref_names);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto it = r.find(got_names[static_cast<std::size_t>(got.customer[i])]);
    REQUIRE(it != r.end());
    const std::size_t j = it->second;
    mismatches += !same_bits(ref.frequency[j], got.frequency[i]) || !same_bits(ref.recency[j], got.recency[i]) ||
                  !same_bits(ref.T[j], got.T[i]) || !same_bits(ref.monetary_value[j], got.monetary_value[i]) ||
                  (!ref.frequency_holdout.empty() && !same_bits(ref.frequency_holdout[j], got.frequency_holdout[i]));
  }
  CHECK(mismatches == 0);
}

}  // namespace state_test
