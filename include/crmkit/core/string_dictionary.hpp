/// @file crmkit/core/string_dictionary.hpp
/// `string_dictionary`: maps strings (a host's customer ids such as `C-000123`, product or
/// channel names) to dense indices 0..n-1 in order of first insertion, and back.
///
/// `#include <crmkit/core/string_dictionary.hpp>`
///
/// Thread safety: not synchronized; use from one thread at a time while inserting.
/// Once filled, concurrent const use (`find`, `at`) is safe.
///
/// @code
/// crmkit::string_dictionary ids;
/// std::int32_t a = ids.insert("C-000123");   // 0
/// std::int32_t b = ids.insert("C-000007");   // 1
/// assert(ids.insert("C-000123") == a);       // existing id keeps its index
/// assert(ids.find("C-999") == -1);
/// assert(ids.at(b) == "C-000007");
/// @endcode
///
/// Memory: the strings are stored once, back to back, plus 8 bytes of offset per entry
/// and a 32-byte hash slot per entry at a load factor of at most 1/2 (about 64 bytes per
/// entry beyond the characters themselves). On Linux each of the three arrays lives, from
/// 1 MiB on, in its own anonymous mapping that grows with mremap (detail/pod_array.hpp):
/// growing keeps the pages already written instead of copying them into fresh memory
/// (first touches of fresh memory are what loading a million ids mostly costs on virtual
/// machines), and a slot array of 4 MiB or more is advised onto transparent huge pages
/// (it is probed at random; see detail/huge_pages.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/detail/huge_pages.hpp"
#include "crmkit/core/detail/pod_array.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

/// A string-to-dense-index dictionary (see the file comment).
class string_dictionary {
 public:
  /// Largest number of entries (indices are `int32_t`).
  static constexpr std::size_t max_size = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());

  string_dictionary() = default;

  /// Number of entries.
  [[nodiscard]] std::size_t size() const noexcept { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }

  /// The string at `index`. Precondition: 0 <= index < size(). The view is valid until
  /// the next insertion.
  [[nodiscard]] std::string_view at(std::int32_t index) const noexcept {
    const auto i = static_cast<std::size_t>(index);
    const char* chars = chars_.data();  // null while every key is empty
    if (chars == nullptr) return {};
    return {chars + offsets_[i], static_cast<std::size_t>(offsets_[i + 1] - offsets_[i])};
  }

  /// The index of `key`, or -1 when absent.
  [[nodiscard]] std::int32_t find(std::string_view key) const noexcept { return find_hashed(key, hash(key)); }

  /// The index of `key`, inserting it at index size() when absent.
  /// @throws crmkit::error (invalid_argument) when the dictionary already holds max_size entries.
  std::int32_t insert(std::string_view key) { return insert_hashed(key, hash(key)); }

  /// Reserves room for `n` entries holding `total_chars` characters in all, so that
  /// inserting up to `n` entries does not rehash. Growing the slot array rehashes in place:
  /// the keys are re-inserted (in index order, so the layout is the one the inserts would
  /// have built) into the grown array, which keeps the pages the old one had written
  /// (file comment, Memory). With `n_threads` > 1 the grown slot array is zeroed, its new
  /// pages first touched, by that many threads (core/parallel_for.hpp) before the serial
  /// re-insert; entries, indices and lookups do not depend on it.
  void reserve(std::size_t n, std::size_t total_chars = 0, std::size_t n_threads = 1) {
    chars_.reserve(total_chars);
    offsets_.reserve(n + 1);
    if (slot_count_for(n) > slots_.size()) rehash(slot_count_for(n), n_threads);
  }

  /// Renumbers the entries in place: entry `new_to_old[k]` becomes index k, where
  /// `new_to_old` is a permutation of 0..size()-1 and `old_to_new` its inverse. A sequential
  /// pass over the entries and the slots, no hashing: the slots keep their places (lookups
  /// depend on the keys alone, not on the order they came in) with their indices renumbered.
  void renumber(const std::vector<std::int32_t>& new_to_old, const std::vector<std::int32_t>& old_to_new) {
    detail::pod_array<char> chars;
    chars.reserve(chars_.size());
    detail::pod_array<std::uint64_t> offsets;
    offsets.reserve(offsets_.size());
    if (!offsets_.empty()) offsets.push_back(0);
    for (const std::int32_t old : new_to_old) {
      const std::string_view key = at(old);
      chars.append(key.data(), key.size());
      offsets.push_back(chars.size());
    }
    chars_.swap(chars);
    offsets_.swap(offsets);
    for (slot& s : slots_)
      if (s.tag != 0) s.index = old_to_new[static_cast<std::size_t>(s.index)];
  }

  /// The hash `find`/`insert` use; with `prefetch` it lets a caller overlap the memory
  /// latency of many lookups (the CSV reader does this).
  [[nodiscard]] static std::uint64_t hash(std::string_view key) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(key.data());
    std::size_t n = key.size();
#if defined(__SIZEOF_INT128__)
    // Keys of up to 16 bytes (nearly every id) in two words and two 64x64->128-bit
    // multiplies (wyhash's short-key path), a third of the multiplies of the loop below.
    if (n <= 16) {
      std::uint64_t a = 0, b = 0;
      if (n >= 8) {  // the first and the last 8 bytes (overlapping below 16)
        a = load8(p);
        b = load8(p + n - 8);
      } else if (n >= 4) {
        a = load4(p);
        b = load4(p + n - 4);
      } else if (n > 0) {  // bytes 0, n/2 and n-1 cover all of a 1-3 byte key
        a = (std::uint64_t{p[0]} << 16) | (std::uint64_t{p[n >> 1]} << 8) | p[n - 1];
      }
      return fold(0xE7037ED1A0B428DBull ^ n, fold(a ^ 0xA0761D6478BD642Full, b ^ 0x8EBC6AF09C88C6E3ull ^ n));
    }
#endif
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xFF51AFD7ED558CCDull);
    while (n >= 8) {
      h = mix(h ^ load8(p));
      p += 8;
      n -= 8;
    }
    if (n > 0) {
      std::uint64_t tail = 0;
      std::memcpy(&tail, p, n);
      h = mix(h ^ tail);
    }
    return mix(h);
  }

  /// Hints the processor to fetch the slot `hash` lands on.
  void prefetch(std::uint64_t h) const noexcept {
    if (!slots_.empty()) __builtin_prefetch(&slots_[h & (slots_.size() - 1)]);
  }

  /// `find` with a precomputed `hash(key)`.
  [[nodiscard]] std::int32_t find_hashed(std::string_view key, std::uint64_t h) const noexcept {
    if (slots_.empty()) return -1;
    const std::size_t mask = slots_.size() - 1;
    const std::uint32_t tag = tag_of(h);
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const slot& s = slots_[i];
      if (s.tag == 0) return -1;
      if (s.tag == tag && matches(s, key)) return s.index;
    }
  }

  /// `insert` with a precomputed `hash(key)`.
  std::int32_t insert_hashed(std::string_view key, std::uint64_t h) {
    if (slots_.empty() || (size() + 1) * 2 > slots_.size()) rehash(slots_.empty() ? 64 : slots_.size() * 2, 1);
    const std::size_t mask = slots_.size() - 1;
    const std::uint32_t tag = tag_of(h);
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      slot& s = slots_[i];
      if (s.tag == 0) {
        if (size() >= max_size) throw error(errc::invalid_argument, "string_dictionary: more than 2^31-1 distinct strings");
        const auto index = static_cast<std::int32_t>(size());
        if (offsets_.empty()) offsets_.push_back(0);
        chars_.append(key.data(), key.size());
        offsets_.push_back(chars_.size());
        fill(s, key, tag, index);
        return index;
      }
      if (s.tag == tag && matches(s, key)) return s.index;
    }
  }

 private:
  // A slot keeps the first 16 bytes of its key inline, so that for the short ids CRM
  // systems use a lookup touches one cache line.
  struct slot {
    char prefix[16];
    std::uint32_t length;
    std::uint32_t tag;  // upper hash bits, never 0; 0 marks an empty slot
    std::int32_t index;
    std::uint32_t padding;
  };
  static_assert(sizeof(slot) == 32);

  static std::uint64_t load8(const unsigned char* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  static std::uint64_t load4(const unsigned char* p) noexcept {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
#if defined(__SIZEOF_INT128__)
  // The high and low halves of the 128-bit product, xored.
  static std::uint64_t fold(std::uint64_t x, std::uint64_t y) noexcept {
    __extension__ using wide = unsigned __int128;
    const wide product = static_cast<wide>(x) * y;
    return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
  }
#endif
  static std::uint64_t mix(std::uint64_t x) noexcept {
    // The murmur3 / splitmix finaliser: full avalanche at two multiplies.
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ull;
    x ^= x >> 33;
    return x;
  }
  static std::uint32_t tag_of(std::uint64_t h) noexcept { return static_cast<std::uint32_t>(h >> 32) | 1u; }
  static std::size_t slot_count_for(std::size_t n) noexcept {
    std::size_t slots = 64;
    while (slots < 2 * n) slots *= 2;
    return slots;
  }

  bool matches(const slot& s, std::string_view key) const noexcept {
    if (s.length != key.size()) return false;
    if (key.size() <= sizeof(s.prefix)) return std::memcmp(s.prefix, key.data(), key.size()) == 0;
    if (std::memcmp(s.prefix, key.data(), sizeof(s.prefix)) != 0) return false;
    return at(s.index) == key;
  }
  static void fill(slot& s, std::string_view key, std::uint32_t tag, std::int32_t index) noexcept {
    std::memset(s.prefix, 0, sizeof(s.prefix));
    std::memcpy(s.prefix, key.data(), key.size() < sizeof(s.prefix) ? key.size() : sizeof(s.prefix));
    s.length = static_cast<std::uint32_t>(key.size());
    s.tag = tag;
    s.index = index;
  }
  // Re-inserts every entry into `slot_count` zeroed slots, in index order (the layout a
  // sequence of inserts builds), computing the hashes `ahead` entries early and prefetching
  // their slots: the slot array is far larger than the caches once it holds a million
  // keys, and entry after entry lands on a random slot. The array grows in place
  // (detail::pod_array), so only its added part is fresh memory.
  void rehash(std::size_t slot_count, std::size_t n_threads) {
    slots_.assign_zero(slot_count, n_threads);
    // Large slot arrays are probed at random: huge pages where the kernel allows
    // (pod_array advises its mappings; detail/huge_pages.hpp).
    const std::size_t mask = slot_count - 1;
    const std::size_t count = size();
    constexpr std::size_t ahead = 16;
    std::uint64_t hashes[ahead] = {};
    for (std::size_t e = 0; e < count + ahead; ++e) {
      if (e >= ahead) {  // the ring slot entry e is about to take is freed first
        const std::size_t j = e - ahead;
        const std::uint64_t h = hashes[j % ahead];
        std::size_t i = h & mask;
        while (slots_[i].tag != 0) i = (i + 1) & mask;
        fill(slots_[i], at(static_cast<std::int32_t>(j)), tag_of(h), static_cast<std::int32_t>(j));
      }
      if (e < count) {
        const std::uint64_t h = hash(at(static_cast<std::int32_t>(e)));
        hashes[e % ahead] = h;
        __builtin_prefetch(&slots_[h & mask]);
        __builtin_prefetch(&slots_[(h + 1) & mask]);
      }
    }
  }

  detail::pod_array<char> chars_;              // all keys back to back
  detail::pod_array<std::uint64_t> offsets_;  // key e is chars_[offsets_[e], offsets_[e+1])
  detail::pod_array<slot> slots_;             // open addressing, linear probing, power-of-two size
};

CRMKIT_END_NAMESPACE
