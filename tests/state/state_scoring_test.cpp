// score_customers(customer_state) and score_lifecycle against score_customers(dataset): the
// CDNOW sample in random partitions, merged, gives the one-process customer table bit for bit.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "crmkit/scoring/score_customers.hpp"
#include "crmkit/state/state_scoring.hpp"
#include "state_test_util.hpp"

namespace {

using crmkit::customer_state;
using crmkit::customer_table;

const std::int64_t as_of = crmkit::unix_seconds(1998, 7, 1);

customer_state partitioned_state(std::size_t k, std::uint64_t seed) {
  const auto& data = state_test::sample();
  const auto& log = data.transactions();
  std::mt19937_64 rng(seed);
  std::vector<customer_state> parts(k);
  std::vector<std::size_t> order(log.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  for (const std::size_t i : order) parts[rng() % k].add(data.customers().ids().at(log.customer()[i]), log.time()[i], log.amount()[i]);
  std::shuffle(parts.begin(), parts.end(), rng);
  for (std::size_t p = 1; p < k; ++p) parts[0].merge(parts[p]);
  return parts[0];
}

// Row of each id of `got` in `ref`.
std::vector<std::size_t> ref_rows(const customer_table& ref, const customer_table& got) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto j = ref.ids().find(got.ids().at(static_cast<std::int32_t>(i)));
    REQUIRE(j >= 0);
    out.push_back(static_cast<std::size_t>(j));
  }
  return out;
}

// Mismatching values of column `name`, per customer id.
std::size_t mismatches(const customer_table& ref, const customer_table& got, const std::string& name) {
  const auto rows = ref_rows(ref, got);
  const auto& a = ref.column(name);
  const auto& b = got.column(name);
  REQUIRE(a.type == b.type);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const std::size_t j = rows[i];
    switch (b.type) {
      case crmkit::column_type::float64: bad += !state_test::same_bits(a.float64[j], b.float64[i]); break;
      case crmkit::column_type::category: {
        const auto ca = a.category.codes[j], cb = b.category.codes[i];
        bad += (ca < 0) != (cb < 0) || (ca >= 0 && a.category.levels->at(ca) != b.category.levels->at(cb));
        break;
      }
      default: bad += a.int64[j] != b.int64[i]; break;
    }
  }
  return bad;
}

}  // namespace

TEST_CASE("score_customers(state): merged random partitions give the one-process table, bit for bit") {
  const auto& data = state_test::sample();
  crmkit::score_config config;
  for (const auto kind : {crmkit::btyd_model_kind::bg_nbd, crmkit::btyd_model_kind::pareto_nbd}) {
    config.btyd_model = kind;
    crmkit::score_report ref_report;
    const customer_table ref = crmkit::score_customers(data, as_of, config, &ref_report);
    for (std::size_t k : {1u, 3u, 5u}) {
      CAPTURE(k);
      const customer_state state = partitioned_state(k, 17 * k);
      crmkit::score_report report;
      const customer_table got = crmkit::score_customers(state, as_of, config, &report);
      REQUIRE(got.size() == ref.size());
      CHECK(got.column_names() == ref.column_names());
      for (const auto& name : got.column_names()) {
        CAPTURE(name);
        if (name == "lifecycle_stage" || name == "stage_since") continue;
        CHECK(mismatches(ref, got, name) == 0);
      }
      CHECK(report.btyd_params == ref_report.btyd_params);
      CHECK(report.spend_params == ref_report.spend_params);
      CHECK(report.kmeans_k == ref_report.kmeans_k);
      CHECK(report.n_transactions == ref_report.n_transactions);
      // The lifecycle columns are there, missing, with the levels of the one-process table.
      const auto& stage = got.category("lifecycle_stage");
      const auto codes = stage.codes.view();
      CHECK(std::all_of(codes.begin(), codes.end(), [](std::int32_t c) { return c == -1; }));
      CHECK(stage.levels->size() == ref.category("lifecycle_stage").levels->size());
    }
  }
}

TEST_CASE("score_lifecycle: customer-complete partitions and the merged start give the one-process lifecycle") {
  const auto& data = state_test::sample();
  const customer_table ref = crmkit::score_customers(data, as_of);
  const customer_state state = partitioned_state(3, 5);
  const std::int64_t start = crmkit::lifecycle_start(state);
  CHECK(start == crmkit::unix_seconds(1997, 1, 1));
  // Two datasets: customers with an even / odd index, with all of their transactions.
  const auto& log = data.transactions();
  for (int parity = 0; parity < 2; ++parity) {
    std::vector<std::int32_t> customer;
    std::vector<std::int64_t> time;
    std::vector<double> amount;
    std::vector<std::string> ids;
    std::vector<std::int32_t> remap(data.n_customers(), -1);
    for (std::size_t i = 0; i < log.size(); ++i) {
      const std::int32_t c = log.customer()[i];
      if (c % 2 != parity) continue;
      if (remap[static_cast<std::size_t>(c)] < 0) {
        remap[static_cast<std::size_t>(c)] = static_cast<std::int32_t>(ids.size());
        ids.emplace_back(data.customers().ids().at(c));
      }
      customer.push_back(remap[static_cast<std::size_t>(c)]);
      time.push_back(log.time()[i]);
      amount.push_back(log.amount()[i]);
    }
    auto dict = std::make_shared<crmkit::string_dictionary>();
    for (const auto& id : ids) dict->insert(id);
    const crmkit::dataset part(customer_table::from_ids(dict),
                               crmkit::transaction_log::from_columns(crmkit::column<std::int32_t>::owned(std::move(customer)),
                                                                     crmkit::column<std::int64_t>::owned(std::move(time)),
                                                                     crmkit::column<double>::owned(std::move(amount)),
                                                                     ids.size()));
    const customer_table got = crmkit::score_lifecycle(part, start, as_of);
    CHECK(got.size() == ids.size());
    CHECK(mismatches(ref, got, "lifecycle_stage") == 0);
    CHECK(mismatches(ref, got, "stage_since") == 0);
  }
  crmkit::score_config off;
  off.lifecycle = false;
  CHECK(crmkit::score_lifecycle(data, start, as_of, off).column_names().empty());
  CHECK_THROWS_WITH_AS((void)crmkit::score_lifecycle(data, as_of, start), doctest::Contains("before the start"),
                       crmkit::error);
}

TEST_CASE("score_customers(state): errors") {
  CHECK_THROWS_WITH_AS((void)crmkit::score_customers(customer_state{}, as_of), doctest::Contains("empty"), crmkit::error);
  const customer_state state = partitioned_state(2, 3);
  CHECK_THROWS_WITH_AS((void)crmkit::score_customers(state, crmkit::unix_seconds(1998, 1, 1)),
                       doctest::Contains("before the state's last transaction"), crmkit::error);
  CHECK_THROWS_AS((void)crmkit::lifecycle_start(customer_state{}), crmkit::error);
}
