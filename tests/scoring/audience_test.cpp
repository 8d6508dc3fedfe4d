#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/scoring/audience.hpp"

namespace {
crmkit::customer_table sample() {
  auto ids = std::make_shared<crmkit::string_dictionary>();
  for (const char* id : {"a", "b", "c", "d"}) ids->insert(id);
  auto table = crmkit::customer_table::from_ids(ids);
  table.set_column("p_alive", crmkit::column<double>::owned({0.1, 0.9, NAN, 0.2}));
  table.set_int64_column("orders", crmkit::column<std::int64_t>::owned({3, 1, crmkit::missing_int64, 7}));
  auto levels = std::make_shared<crmkit::string_dictionary>();
  levels->insert("A"), levels->insert("B"), levels->insert("C");
  table.set_category_column("abc", {crmkit::column<std::int32_t>::owned({0, 0, -1, 2}), levels});
  return table;
}
}  // namespace

TEST_CASE("select_customers: numbers, levels and missing values") {
  const auto t = sample();
  CHECK(crmkit::select_customers(t, "p_alive < 0.3 and abc == 'A'") == std::vector<std::int32_t>{0});
  CHECK(crmkit::select_customers(t, "abc != 'A'") == std::vector<std::int32_t>{3});  // missing satisfies nothing
  CHECK(crmkit::select_customers(t, "orders >= 3") == std::vector<std::int32_t>{0, 3});
  CHECK(crmkit::select_customers(t, "missing(orders) or abc == \"C\"") == std::vector<std::int32_t>{2, 3});
  CHECK(crmkit::select_customers(t, "not (p_alive < 0.5)") == std::vector<std::int32_t>{1});
}

TEST_CASE("select_customers: errors name the column, the level or the position") {
  const auto t = sample();
  auto message = [&](const char* condition) {
    try {
      (void)crmkit::select_customers(t, condition);
    } catch (const crmkit::error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message("abc == 'D'").find("'D' is not a level") != std::string::npos);
  CHECK(message("churn < 1").find("unknown column 'churn'") != std::string::npos);
  CHECK(message("orders == 'A'").find("column 'orders' is int64") != std::string::npos);
  CHECK(message("abc < 'B'").find("== or !=") != std::string::npos);
  CHECK(message("abc == 'A").find("unterminated") != std::string::npos);
}
