#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "crmkit/core/dataset.hpp"
#include "crmkit/core/transaction_log.hpp"
#include "crmkit/error.hpp"

using crmkit::column;

namespace {
crmkit::errc code_of(auto&& f) {
  try {
    f();
  } catch (const crmkit::error& e) {
    return e.code();
  }
  return crmkit::errc::ok;
}
}  // namespace

TEST_CASE("a transaction log borrows host columns without copying") {
  const std::vector<std::int32_t> customer = {0, 1, 0, 2};
  const std::vector<std::int64_t> time = {100, 50, 300, 200};
  const std::vector<double> amount = {1.5, 2.0, -0.5, 10.0};
  auto log = crmkit::transaction_log::from_columns(column<std::int32_t>::borrowed(customer.data(), customer.size()),
                                                   column<std::int64_t>::borrowed(time.data(), time.size()),
                                                   column<double>::borrowed(amount.data(), amount.size()), 3);
  CHECK(log.size() == 4);
  CHECK(log.customer().data() == customer.data());
  CHECK(log.amount().data() == amount.data());
  CHECK(log.min_time() == 50);
  CHECK(log.max_time() == 300);
  CHECK(log.owned_bytes() == 0);
  CHECK(log.product() == nullptr);
}

TEST_CASE("a transaction log rejects inconsistent columns") {
  std::vector<std::int32_t> customer = {0, 1};
  std::vector<std::int64_t> time = {1, 2};
  std::vector<double> amount = {1, 2};
  auto make = [&](std::size_t n_customers) {
    return crmkit::transaction_log::from_columns(column<std::int32_t>::owned(customer), column<std::int64_t>::owned(time),
                                                 column<double>::owned(amount), n_customers);
  };
  CHECK(code_of([&] { (void)make(2); }) == crmkit::errc::ok);
  CHECK(code_of([&] { (void)make(1); }) == crmkit::errc::invalid_argument);  // index 1 out of range
  customer[0] = -1;
  CHECK(code_of([&] { (void)make(2); }) == crmkit::errc::invalid_argument);
  customer[0] = 0;
  amount[1] = std::numeric_limits<double>::quiet_NaN();
  CHECK(code_of([&] { (void)make(2); }) == crmkit::errc::invalid_argument);
  amount[1] = std::numeric_limits<double>::infinity();
  CHECK(code_of([&] { (void)make(2); }) == crmkit::errc::invalid_argument);
  amount[1] = 2;
  time.push_back(3);
  CHECK(code_of([&] { (void)make(2); }) == crmkit::errc::invalid_argument);
}

TEST_CASE("categorical columns are checked against their levels") {
  auto levels = std::make_shared<crmkit::string_dictionary>();
  levels->insert("web");
  levels->insert("store");
  auto build = [&](std::vector<std::int32_t> codes) {
    return crmkit::transaction_log::from_columns(
        column<std::int32_t>::owned({0, 0}), column<std::int64_t>::owned({1, 2}), column<double>::owned({1, 2}), 1,
        std::nullopt, crmkit::categorical_column{column<std::int32_t>::owned(std::move(codes)), levels});
  };
  auto log = build({1, -1});
  REQUIRE(log.channel() != nullptr);
  CHECK(log.channel()->levels->at(log.channel()->codes[0]) == "store");
  CHECK(code_of([&] { (void)build({2, 0}); }) == crmkit::errc::invalid_argument);
  CHECK(code_of([&] { (void)build({0}); }) == crmkit::errc::invalid_argument);
}

TEST_CASE("a dataset requires the log and the table to agree on the customer count") {
  auto log = crmkit::transaction_log::from_columns(column<std::int32_t>::owned({0, 1}), column<std::int64_t>::owned({1, 2}),
                                                   column<double>::owned({1, 2}), 2);
  CHECK(code_of([&] { crmkit::dataset(crmkit::customer_table::with_index_ids(2), log); }) == crmkit::errc::ok);
  CHECK(code_of([&] { crmkit::dataset(crmkit::customer_table::with_index_ids(3), log); }) ==
        crmkit::errc::invalid_argument);
  crmkit::dataset data(crmkit::customer_table::with_index_ids(2), log);
  CHECK(data.customers().id(1) == "1");
  CHECK(data.n_transactions() == 2);
}

TEST_CASE("from_columns on several threads: the same log and the same first error as on one") {
  // 300,000 rows: several 65,536-row validation chunks.
  const std::size_t n = 300000;
  std::vector<std::int32_t> customer(n), channel(n);
  std::vector<std::int64_t> time(n);
  std::vector<double> amount(n);
  for (std::size_t i = 0; i < n; ++i) {
    customer[i] = static_cast<std::int32_t>(i * 7 % 1000);
    time[i] = static_cast<std::int64_t>((i * 2654435761u) % 100000) - 500;
    amount[i] = static_cast<double>(i % 97);
    channel[i] = static_cast<std::int32_t>(i % 3) - 1;
  }
  time[123457] = -9999;  // the minimum and the maximum in later chunks
  time[299999] = 777777;
  auto levels = std::make_shared<crmkit::string_dictionary>();
  levels->insert("web");
  levels->insert("store");
  const auto build = [&](std::size_t threads) {
    return crmkit::transaction_log::from_columns(
        column<std::int32_t>::owned(customer), column<std::int64_t>::owned(time), column<double>::owned(amount), 1000,
        std::nullopt, crmkit::categorical_column{column<std::int32_t>::owned(channel), levels}, threads);
  };
  const auto message = [&](std::size_t threads) {
    try {
      (void)build(threads);
    } catch (const crmkit::error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  for (const std::size_t threads : {std::size_t{2}, std::size_t{3}, std::size_t{5}}) {
    const auto one = build(1);
    const auto many = build(threads);
    CHECK(one.min_time() == -9999);
    CHECK(one.max_time() == 777777);
    CHECK(many.min_time() == one.min_time());
    CHECK(many.max_time() == one.max_time());
    CHECK(many.size() == n);
  }
  // Bad rows in several chunks: the first in row order wins; customer indices and
  // amounts before channel codes, whatever their rows.
  channel[10] = 5;
  customer[250000] = 1000;
  amount[200001] = std::numeric_limits<double>::infinity();
  customer[140000] = -3;
  const std::string first = message(1);
  CHECK(first.find("row 140000") != std::string::npos);
  for (const std::size_t threads : {std::size_t{2}, std::size_t{3}, std::size_t{5}}) CHECK(message(threads) == first);
  customer[140000] = 0;
  CHECK(message(1).find("row 200001") != std::string::npos);
  for (const std::size_t threads : {std::size_t{2}, std::size_t{3}, std::size_t{5}}) CHECK(message(threads) == message(1));
  amount[200001] = 1;
  customer[250000] = 0;
  CHECK(message(1).find("row 10: channel code 5") != std::string::npos);
  for (const std::size_t threads : {std::size_t{2}, std::size_t{3}, std::size_t{5}}) CHECK(message(threads) == message(1));
}
