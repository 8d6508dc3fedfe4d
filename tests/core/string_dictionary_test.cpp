#include <doctest/doctest.h>

#include <cstdint>
#include <new>
#include <string>
#include <unordered_map>
#include <utility>

#include "crmkit/core/detail/pod_array.hpp"
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

TEST_CASE("pod_array keeps its values across growth into and within its own mapping, copies and zero fills") {
  crmkit::detail::pod_array<std::uint64_t> values;
  // 400,000 x 8 bytes: from heap blocks into a mapping (1 MiB) that then grows by mremap.
  for (std::uint64_t i = 0; i < 400000; ++i) values.push_back(i * 2654435761u);
  REQUIRE(values.size() == 400000);
  CHECK(values.capacity() * sizeof(std::uint64_t) >= crmkit::detail::map_min_bytes);
  bool all = true;
  for (std::uint64_t i = 0; i < values.size(); ++i) all = all && values[i] == i * 2654435761u;
  CHECK(all);
  values.reserve(3000000);  // a bigger mapping: the values move with it
  CHECK(values.capacity() >= 3000000);
  all = true;
  for (std::uint64_t i = 0; i < values.size(); ++i) all = all && values[i] == i * 2654435761u;
  CHECK(all);

#if defined(__linux__)
  {
    // From 4 MiB on, a mapping starts on a 2 MiB boundary, also after it grew (in place, or
    // moved when it was not aligned or the addresses after it were taken): that keeps its
    // huge pages whole (detail/huge_pages.hpp). 16 MB through 1, 2, 4, 8 and 16 MiB.
    crmkit::detail::pod_array<std::uint64_t> big;
    bool kept = true;
    for (std::uint64_t i = 0; i < 2000000; ++i) {
      big.push_back(i ^ 0x5bd1e995u);
      if (i + 1 == 500000 || i + 1 == 1100000) {  // spot checks after moves
        for (std::uint64_t j = 0; j <= i; j += 997) kept = kept && big[j] == (j ^ 0x5bd1e995u);
        CHECK(reinterpret_cast<std::uintptr_t>(big.data()) % (std::size_t{2} << 20) == 0);
      }
    }
    for (std::uint64_t i = 0; i < big.size(); ++i) kept = kept && big[i] == (i ^ 0x5bd1e995u);
    CHECK(kept);
    CHECK(reinterpret_cast<std::uintptr_t>(big.data()) % (std::size_t{2} << 20) == 0);
    CHECK(big.capacity() * sizeof(std::uint64_t) % (std::size_t{2} << 20) == 0);
  }
#endif

  crmkit::detail::pod_array<std::uint64_t> copy = values;  // an independent copy
  copy[5] = 1;
  CHECK(values[5] == std::uint64_t{5} * 2654435761u);
  CHECK(copy.size() == values.size());
  crmkit::detail::pod_array<std::uint64_t> moved = std::move(copy);
  CHECK(moved[5] == 1);
  CHECK(moved[399999] == values[399999]);

  // Zero fills, within the capacity and growing it (the old pages reused, the new ones
  // zero), on one and on three threads.
  for (const std::size_t threads : {std::size_t{1}, std::size_t{3}}) {
    crmkit::detail::pod_array<std::uint64_t> slots;
    for (const std::size_t n : {std::size_t{100}, std::size_t{200000}, std::size_t{150000}, std::size_t{1000000},
                                std::size_t{4000000}}) {
      slots.assign_zero(n, threads);
      REQUIRE(slots.size() == n);
      bool zero = true;
      for (std::size_t i = 0; i < n; ++i) zero = zero && slots[i] == 0;
      CHECK(zero);
      for (std::size_t i = 0; i < n; ++i) slots[i] = i + 1;  // dirty every value before the next fill
    }
  }
  // Memory that cannot be had: std::bad_alloc, the values left as they were.
  crmkit::detail::pod_array<std::uint64_t> kept;
  for (std::uint64_t i = 0; i < 1000; ++i) kept.push_back(i + 7);
  CHECK_THROWS_AS(kept.assign_zero(std::size_t{1} << 60), std::bad_alloc);
  CHECK_THROWS_AS(kept.reserve(std::size_t{1} << 60), std::bad_alloc);
  REQUIRE(kept.size() == 1000);
  bool intact = true;
  for (std::uint64_t i = 0; i < 1000; ++i) intact = intact && kept[i] == i + 7;
  CHECK(intact);

  crmkit::detail::pod_array<char> chars;  // append across the threshold
  std::string expected;
  for (int i = 0; i < 200000; ++i) {
    const std::string piece = std::to_string(i);
    chars.append(piece.data(), piece.size());
    expected += piece;
  }
  CHECK(std::string(chars.data(), chars.size()) == expected);
}

TEST_CASE("string_dictionary keeps its indices when it grows in place, copies independently") {
  crmkit::string_dictionary ids;
  const auto key = [](int i) { return "C-" + std::to_string(static_cast<long long>(i) * 7919 % 1000003); };
  for (int i = 0; i < 300000; ++i) REQUIRE(ids.insert(key(i)) == i);
  ids.reserve(1500000, 0, 3);  // an in-place rehash, its slots zeroed by three threads
  ids.reserve(100);            // smaller than the room: nothing changes
  bool same = true;
  for (int i = 0; i < 300000; ++i) same = same && ids.find(key(i)) == i && ids.at(i) == key(i);
  CHECK(same);
  CHECK(ids.find("C-absent") == -1);
  crmkit::string_dictionary copy = ids;
  CHECK(copy.insert("C-new") == 300000);
  CHECK(ids.find("C-new") == -1);
  CHECK(ids.size() == 300000);
  CHECK(copy.find(key(123456)) == 123456);
  for (int i = 300000; i < 700000; ++i) REQUIRE(ids.insert(key(i)) == i);  // past the reserved room's half
  same = true;
  for (int i = 0; i < 700000; ++i) same = same && ids.find(key(i)) == i;
  CHECK(same);
  crmkit::string_dictionary empty_keys;  // only empty keys: no characters stored at all
  CHECK(empty_keys.insert("") == 0);
  CHECK(empty_keys.at(0).empty());
  CHECK(empty_keys.find("") == 0);
}
