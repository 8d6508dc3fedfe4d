#include <doctest/doctest.h>

#include <cmath>
#include <string>

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
