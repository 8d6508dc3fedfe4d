// Shared fixtures of the offers tests: a small order-line dataset and random baskets.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/io/order_line_arrays.hpp"
#include "crmkit/offers/baskets.hpp"

namespace offers_test {

struct line {
  std::string order, customer, product;
  std::int64_t time;
  double amount;
};

// A dataset from lines given in the order of `lines`.
inline crmkit::dataset dataset_of(const std::vector<line>& lines) {
  std::vector<std::string> customers, orders, products;
  auto code = [](std::vector<std::string>& dict, const std::string& s) {
    const auto it = std::find(dict.begin(), dict.end(), s);
    if (it != dict.end()) return static_cast<std::int32_t>(it - dict.begin());
    dict.push_back(s);
    return static_cast<std::int32_t>(dict.size() - 1);
  };
  std::vector<std::int32_t> c, o, p;
  std::vector<std::int64_t> t;
  std::vector<double> a;
  for (const auto& l : lines) {
    c.push_back(code(customers, l.customer));
    o.push_back(code(orders, l.order));
    p.push_back(code(products, l.product));
    t.push_back(l.time);
    a.push_back(l.amount);
  }
  std::vector<std::string_view> cv(customers.begin(), customers.end()), ov(orders.begin(), orders.end()),
      pv(products.begin(), products.end());
  crmkit::order_line_arrays arrays;
  arrays.customer = c;
  arrays.customer_ids = cv;
  arrays.time = t;
  arrays.amount = a;
  arrays.order = o;
  arrays.order_ids = ov;
  arrays.product = p;
  arrays.product_levels = pv;
  return crmkit::dataset_from_order_lines(arrays);
}

// Random lines: n_orders orders of 1..max_lines lines over n_products products.
inline std::vector<line> random_lines(std::uint32_t seed, int n_orders, int n_customers, int n_products,
                                      int max_lines = 5) {
  std::mt19937 rng(seed);
  std::vector<line> out;
  for (int k = 0; k < n_orders; ++k) {
    const std::string customer = "c" + std::to_string(rng() % static_cast<unsigned>(n_customers));
    const std::int64_t time = 1'600'000'000 + static_cast<std::int64_t>(rng() % 10'000'000);
    const int lines = 1 + static_cast<int>(rng() % static_cast<unsigned>(max_lines));
    for (int j = 0; j < lines; ++j) {
      // Skewed product popularity so that some itemsets are frequent.
      const auto u = std::uniform_real_distribution<double>(0, 1)(rng);
      const int product = static_cast<int>(u * u * n_products);
      out.push_back({"o" + std::to_string(k), customer, "p" + std::to_string(product), time,
                     1.0 + static_cast<double>(rng() % 100) / 4});
    }
  }
  return out;
}

}  // namespace offers_test
