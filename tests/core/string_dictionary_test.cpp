#include <doctest/doctest.h>

#include <string>
#include <unordered_map>

#include "crmkit/core/string_dictionary.hpp"

TEST_CASE("string_dictionary assigns dense indices in first-seen order") {
  crmkit::string_dictionary ids;
  CHECK(ids.empty());
  CHECK(ids.find("C-1") == -1);
  CHECK(ids.insert("C-1") == 0);
  CHECK(ids.insert("C-2") == 1);
  CHECK(ids.insert("C-1") == 0);
  CHECK(ids.size() == 2);
  CHECK(ids.at(1) == "C-2");
  CHECK(ids.find("C-2") == 1);
  CHECK(ids.insert("") == 2);  // the empty string is a string like any other here
  CHECK(ids.find("") == 2);
}

TEST_CASE("string_dictionary matches std::unordered_map on many short and long keys") {
  crmkit::string_dictionary ids;
  std::unordered_map<std::string, int> reference;
  // Keys around the 16-byte inline prefix, and long keys sharing a 16-byte prefix.
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 20000; ++i) {
      std::string key = (i % 3 == 0) ? "C-" + std::to_string(i)
                        : (i % 3 == 1) ? "customer-with-a-long-prefix-" + std::to_string(i)
                                       : std::string(static_cast<std::size_t>(i % 40), 'x') + std::to_string(i);
      const auto [it, inserted] = reference.emplace(key, static_cast<int>(reference.size()));
      REQUIRE(ids.insert(key) == it->second);
      (void)inserted;
    }
  REQUIRE(ids.size() == reference.size());
  for (const auto& [key, index] : reference) {
    REQUIRE(ids.find(key) == index);
    REQUIRE(ids.at(index) == key);
  }
  CHECK(ids.find("customer-with-a-long-prefix-x") == -1);
}

TEST_CASE("reserve keeps contents and lookups") {
  crmkit::string_dictionary ids;
  ids.insert("a");
  ids.reserve(100000, 1000000);
  CHECK(ids.find("a") == 0);
  CHECK(ids.insert("b") == 1);
}
