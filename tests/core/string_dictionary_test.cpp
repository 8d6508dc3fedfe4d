#include <doctest/doctest.h>

#include <cstdint>
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

TEST_CASE("string_dictionary::hash: every byte of a short key counts (the two-word path up to 16 bytes)") {
  // Changing any one byte of a key of 1..24 bytes changes the hash, and keys that differ
  // only in length (trailing NUL bytes) hash apart; a dictionary of such near-identical
  // keys numbers them all in insertion order.
  crmkit::string_dictionary dictionary;
  std::int32_t expected = 0;
  for (std::size_t n = 0; n <= 24; ++n) {
    std::string key(n, 'a');
    for (std::size_t i = 0; i < n; ++i) key[i] = static_cast<char>('a' + i);
    const std::uint64_t base = crmkit::string_dictionary::hash(key);
    CHECK(dictionary.insert(key) == expected++);
    for (std::size_t i = 0; i < n; ++i) {
      std::string changed = key;
      changed[i] = static_cast<char>(changed[i] ^ 0x20);
      CHECK(crmkit::string_dictionary::hash(changed) != base);
      CHECK(dictionary.insert(changed) == expected++);
    }
    if (n > 0) CHECK(crmkit::string_dictionary::hash(std::string(n, '\0')) != crmkit::string_dictionary::hash(std::string(n - 1, '\0')));
  }
  CHECK(dictionary.size() == static_cast<std::size_t>(expected));
  CHECK(dictionary.find("abcdefghi") == 9 * 10 / 2);  // after the n + 1 keys of each length n = 0..8
  CHECK(dictionary.find("abcdefghI") >= 0);
  CHECK(dictionary.find("abcdefghij!") == -1);
}
