#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "crmkit/core/customer_table.hpp"
#include "crmkit/error.hpp"

using crmkit::column;

TEST_CASE("customer table: ids, locations and attributes") {
  auto ids = std::make_shared<crmkit::string_dictionary>();
  ids->insert("C-000123");
  ids->insert("C-000007");
  auto table = crmkit::customer_table::from_ids(ids);
  CHECK(table.size() == 2);
  CHECK(table.find("C-000007") == 1);
  CHECK(table.id(0) == "C-000123");
  CHECK_FALSE(table.has_locations());

  table.set_locations(column<double>::owned({13.4, NAN}), column<double>::owned({52.5, NAN}));
  CHECK(table.has_locations());
  CHECK(table.latitude()[0] == 52.5);

  CHECK_THROWS_AS(table.set_locations(column<double>::owned({181.0, 0.0}), column<double>::owned({0.0, 0.0})),
                  crmkit::error);
  CHECK_THROWS_AS(table.set_locations(column<double>::owned({1.0, 0.0}), column<double>::owned({91.0, 0.0})),
                  crmkit::error);
  CHECK_THROWS_AS(table.set_locations(column<double>::owned({1.0, NAN}), column<double>::owned({1.0, 2.0})),
                  crmkit::error);
  CHECK_THROWS_AS(table.set_locations(column<double>::owned({1.0}), column<double>::owned({1.0})), crmkit::error);

  table.set_attribute("credit_limit", column<double>::owned({500.0, NAN}));
  CHECK(table.has_attribute("credit_limit"));
  CHECK(table.attribute("credit_limit")[0] == 500.0);
  table.set_attribute("credit_limit", column<double>::owned({1.0, 2.0}));
  CHECK(table.attribute_names().size() == 1);
  CHECK(table.attribute("credit_limit")[1] == 2.0);
  try {
    (void)table.attribute("churn_score");
    FAIL("expected an error");
  } catch (const crmkit::error& e) {
    CHECK(e.code() == crmkit::errc::not_found);
    CHECK(std::string(e.what()).find("churn_score") != std::string::npos);
    CHECK(std::string(e.what()).find("credit_limit") != std::string::npos);
  }
  CHECK_THROWS_AS(table.set_attribute("", column<double>::owned({1.0, 2.0})), crmkit::error);
  CHECK_THROWS_AS(table.set_attribute("x", column<double>::owned({1.0})), crmkit::error);
}

TEST_CASE("customer table: typed columns, missing values and type errors") {
  auto table = crmkit::customer_table::with_index_ids(3);
  table.set_int64_column("orders", column<std::int64_t>::owned({2, crmkit::missing_int64, 5}));
  table.set_time_column("last_purchase", column<std::int64_t>::owned({86400, 0, crmkit::missing_int64}));
  auto levels = std::make_shared<crmkit::string_dictionary>();
  levels->insert("A");
  levels->insert("B");
  table.set_category_column("abc", {column<std::int32_t>::owned({1, -1, 0}), levels});
  table.set_column("p_alive", column<double>::owned({0.5, NAN, 1.0}));
  CHECK(table.column_names() == std::vector<std::string>{"orders", "last_purchase", "abc", "p_alive"});
  CHECK(table.attribute_names() == std::vector<std::string>{"p_alive"});
  CHECK(table.column("abc").type == crmkit::column_type::category);
  CHECK(table.int64("orders")[2] == 5);
  CHECK(table.int64("last_purchase")[0] == 86400);  // time columns read as int64
  CHECK(table.category("abc").levels->at(table.category("abc").codes[0]) == "B");
  // as_double: how guards read every type; every missing value is NaN
  CHECK(std::isnan(table.column("orders").as_double(1)));
  CHECK(std::isnan(table.column("abc").as_double(1)));
  CHECK(table.column("abc").as_double(0) == 1.0);
  CHECK(std::isnan(table.column("last_purchase").as_double(2)));
  try {
    (void)table.float64("orders");
    FAIL("expected an error");
  } catch (const crmkit::error& e) {
    CHECK(std::string(e.what()).find("'orders' is int64, not float64") != std::string::npos);
  }
  CHECK_THROWS_AS(table.set_category_column("bad", {column<std::int32_t>::owned({0, 2, 0}), levels}), crmkit::error);
  CHECK_THROWS_AS(table.set_category_column("bad", {column<std::int32_t>::owned({0, 0, 0}), nullptr}), crmkit::error);
  CHECK_THROWS_AS(table.set_int64_column("short", column<std::int64_t>::owned({1})), crmkit::error);
  // replacing keeps the position
  table.set_column("orders", column<double>::owned({1.0, 2.0, 3.0}));
  CHECK(table.column_names()[0] == "orders");
  CHECK(table.column("orders").type == crmkit::column_type::float64);
}
