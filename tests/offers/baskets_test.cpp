// Tests of crmkit/offers/baskets.hpp: baskets from order lines, the customer x product
// matrix, make_interaction_matrix and transpose.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "crmkit/error.hpp"
#include "crmkit/offers/baskets.hpp"
#include "offers_test_util.hpp"

using offers_test::line;

TEST_CASE("baskets_from_dataset: distinct products per order, ids in byte order") {
  const std::vector<line> lines{
      {"o1", "bob", "tea", 100, 2.0},   {"o1", "bob", "jam", 100, 3.0}, {"o1", "bob", "tea", 100, 1.5},
      {"o2", "amy", "tea", 50, 4.0},    {"o3", "bob", "bread", 200, 1.0},
      {"o4", "amy", "jam", 300, 2.5},   {"o4", "amy", "bread", 300, 0.5},
  };
  const auto data = offers_test::dataset_of(lines);
  const auto b = crmkit::baskets_from_dataset(data);
  CHECK(b.item_names == std::vector<std::string>{"bread", "jam", "tea"});
  CHECK(b.row_ids == std::vector<std::string>{"amy", "bob"});
  REQUIRE(b.size() == 4);
  // Baskets in (time, order id) order: o2 (50), o1 (100), o3 (200), o4 (300).
  CHECK(std::vector<std::int32_t>(b.basket(0).begin(), b.basket(0).end()) == std::vector<std::int32_t>{2});
  CHECK(std::vector<std::int32_t>(b.basket(1).begin(), b.basket(1).end()) == std::vector<std::int32_t>{1, 2});
  CHECK(std::vector<std::int32_t>(b.basket(3).begin(), b.basket(3).end()) == std::vector<std::int32_t>{0, 1});
  CHECK(b.basket_row == std::vector<std::int32_t>{0, 1, 1, 0});
  CHECK(b.basket_time == std::vector<std::int64_t>{50, 100, 200, 300});
  CHECK(b.spend[2] == 3.5);  // tea in o1: 1.5 + 2.0

  const auto orders = crmkit::customer_product_matrix(b, crmkit::interaction_value::orders);
  CHECK(orders.n_rows == 2);
  CHECK(orders.n_cols == 3);
  CHECK(orders.indptr == std::vector<std::int64_t>{0, 3, 6});
  CHECK(orders.indices == std::vector<std::int32_t>{0, 1, 2, 0, 1, 2});
  CHECK(orders.values == std::vector<double>{1, 1, 1, 1, 1, 1});
  const auto spend = crmkit::customer_product_matrix(b, crmkit::interaction_value::spend);
  CHECK(spend.values == std::vector<double>{0.5, 2.5, 4.0, 1.0, 3.0, 3.5});
  // The data's own customer index of each row.
  CHECK(data.customers().id(b.row_customer[0]) == "amy");
}

TEST_CASE("baskets_from_dataset does not depend on the order of the lines") {
  auto lines = offers_test::random_lines(3, 200, 30, 25);
  const auto ref = crmkit::baskets_from_dataset(offers_test::dataset_of(lines));
  const auto ref_m = crmkit::customer_product_matrix(ref, crmkit::interaction_value::spend);
  std::mt19937 rng(9);
  for (int round = 0; round < 3; ++round) {
    std::shuffle(lines.begin(), lines.end(), rng);
    const auto b = crmkit::baskets_from_dataset(offers_test::dataset_of(lines));
    CHECK(b.offsets == ref.offsets);
    CHECK(b.items == ref.items);
    CHECK(b.spend == ref.spend);
    CHECK(b.item_names == ref.item_names);
    CHECK(b.row_ids == ref.row_ids);
    CHECK(b.basket_row == ref.basket_row);
    const auto m = crmkit::customer_product_matrix(b, crmkit::interaction_value::spend);
    CHECK(m.indptr == ref_m.indptr);
    CHECK(m.indices == ref_m.indices);
    CHECK(m.values == ref_m.values);
  }
}

TEST_CASE("baskets_from_dataset rejects data without order lines or products") {
  crmkit::order_line_arrays arrays;
  const std::vector<std::int32_t> c{0};
  const std::vector<std::string_view> ids{"a"};
  const std::vector<std::int64_t> t{1};
  const std::vector<double> a{1.0};
  arrays.customer = c;
  arrays.customer_ids = ids;
  arrays.time = t;
  arrays.amount = a;
  const auto data = crmkit::dataset_from_order_lines(arrays);
  CHECK_THROWS_WITH_AS(static_cast<void>(crmkit::baskets_from_dataset(data)),
                       doctest::Contains("no order lines"), crmkit::error);
  const std::vector<std::int32_t> o{0};
  const std::vector<std::string_view> oid{"x"};
  arrays.order = o;
  arrays.order_ids = oid;
  CHECK_THROWS_WITH_AS(static_cast<void>(crmkit::baskets_from_dataset(crmkit::dataset_from_order_lines(arrays))),
                       doctest::Contains("no product column"), crmkit::error);
}

TEST_CASE("make_baskets and make_interaction_matrix validate and canonicalise") {
  const std::vector<std::int64_t> off{0, 3, 3, 4};
  const std::vector<std::int32_t> items{2, 0, 2, 1};
  const auto b = crmkit::make_baskets(off, items, 3);
  CHECK(b.offsets == std::vector<std::int64_t>{0, 2, 2, 3});
  CHECK(b.items == std::vector<std::int32_t>{0, 2, 1});
  const std::vector<std::int32_t> bad{2, 0, 3, 1};
  CHECK_THROWS_WITH_AS(static_cast<void>(crmkit::make_baskets(off, bad, 3)), doctest::Contains("item 3 of basket 0"),
                       crmkit::error);
  const std::vector<std::int64_t> dec{0, 3, 2, 4};
  CHECK_THROWS_WITH_AS(static_cast<void>(crmkit::make_baskets(dec, items, 3)), doctest::Contains("decreases"),
                       crmkit::error);

  const std::vector<double> v{1.0, 2.0, 0.5, 0.0};
  const auto m = crmkit::make_interaction_matrix(off, items, v, 3, 3);
  CHECK(m.indices == std::vector<std::int32_t>{0, 2});  // row 2's 0.0 dropped
  CHECK(m.values == std::vector<double>{2.0, 1.5});
  CHECK(m.indptr == std::vector<std::int64_t>{0, 2, 2, 2});
  const std::vector<double> neg{1.0, -2.0, 0.5, 1.0};
  CHECK_THROWS_WITH_AS(static_cast<void>(crmkit::make_interaction_matrix(off, items, neg, 3, 3)),
                       doctest::Contains("row 0, column 0 is negative"), crmkit::error);
  const auto t = crmkit::transpose(m);
  CHECK(t.n_rows == 3);
  CHECK(t.indptr == std::vector<std::int64_t>{0, 1, 1, 2});
  CHECK(t.values == std::vector<double>{2.0, 1.5});
}
