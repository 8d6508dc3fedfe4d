// A growable array of trivially copyable values whose large buffers grow without being
// copied into fresh memory. IWYU pragma: private
//
// Why: on the virtual machines the library is benchmarked on, the first write to a page
// of fresh anonymous memory costs about 2-3 ms per MB (the host backs it lazily and the
// kernel clears it), several times what parsing the bytes that fill it costs. A
// std::vector that doubles copies its n elements into 2n bytes of fresh pages, so a
// buffer grown from empty to n bytes touches about 2n bytes of fresh memory, and a hash
// table rehashed into a new array touches its old size again besides. Here a buffer of
// `map_min_bytes` or more lives in its own anonymous mapping (Linux) that grows with
// mremap: the pages already written move with it (no copy, no new page) and only the
// added part is fresh. Smaller buffers, and every buffer elsewhere, are heap blocks
// grown by copying, as a vector's.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

#if defined(__linux__)
#  include <sys/mman.h>
#endif

#include "crmkit/config.hpp"
#include "crmkit/core/detail/huge_pages.hpp"
#include "crmkit/core/parallel_for.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

/// Buffers of at least this many bytes live in their own mapping (Linux).
inline constexpr std::size_t map_min_bytes = std::size_t{1} << 20;

/// See the file comment. Only what string_dictionary needs: push_back/append, reserve
/// (keeps the values), assign_zero (discards them), copy, move, swap.
template <class T>
class pod_array {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  pod_array() = default;
  pod_array(const pod_array& other) {
    if (other.size_ == 0) return;
    reserve(other.size_);
    std::memcpy(static_cast<void*>(data_), other.data_, other.size_ * sizeof(T));
    size_ = other.size_;
  }
  pod_array(pod_array&& other) noexcept { swap(other); }
  pod_array& operator=(const pod_array& other) {
    if (this != &other) {
      pod_array copy(other);
      swap(copy);
    }
    return *this;
  }
  pod_array& operator=(pod_array&& other) noexcept {
    pod_array moved(std::move(other));
    swap(moved);
    return *this;
  }
  ~pod_array() { release(); }

  void swap(pod_array& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
    std::swap(mapped_bytes_, other.mapped_bytes_);
  }

  [[nodiscard]] T* data() noexcept { return data_; }
  [[nodiscard]] const T* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] T& operator[](std::size_t i) noexcept { return data_[i]; }
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  [[nodiscard]] T* begin() noexcept { return data_; }
  [[nodiscard]] T* end() noexcept { return data_ + size_; }
  [[nodiscard]] const T* begin() const noexcept { return data_; }
  [[nodiscard]] const T* end() const noexcept { return data_ + size_; }

  void push_back(const T& value) {
    if (size_ == capacity_) reserve(grown(size_ + 1));
    data_[size_++] = value;
  }

  void append(const T* values, std::size_t n) {
    if (n == 0) return;
    std::memcpy(static_cast<void*>(append_for_overwrite(n)), values, n * sizeof(T));
  }

  /// Grows the array by `n` values left unwritten and returns the first: the caller writes
  /// them all (from several threads, say) before the array is read.
  [[nodiscard]] T* append_for_overwrite(std::size_t n) {
    if (size_ + n > capacity_) reserve(grown(size_ + n));
    T* first = data_ + size_;
    size_ += n;
    return first;
  }

  /// Room for `n` values, keeping the current ones (a mapping grows in place or moves
  /// with mremap, its pages with it).
  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    if (n > max_count()) throw std::bad_alloc();
    const std::size_t bytes = n * sizeof(T);
#if defined(__linux__)
    if (bytes >= map_min_bytes) {
      const bool huge = bytes >= huge_page_min_bytes;
      const std::size_t mapped = huge ? round_up(bytes, huge_page_bytes) : round_up(bytes, page_bytes);
      void* p = mapped_bytes_ > 0 ? remap(mapped, huge) : map(mapped, huge);
      if (p == MAP_FAILED) throw std::bad_alloc();
#  if defined(MADV_HUGEPAGE)
      // The whole mapping, not just its 2 MiB-aligned interior (advise_huge_pages): a
      // mapping split into areas of different advice could no longer be mremap'ed.
      if (huge) (void)::madvise(p, mapped, MADV_HUGEPAGE);
#  endif
      if (mapped_bytes_ == 0) {  // from the heap (or nothing) into a mapping
        if (size_ > 0) std::memcpy(p, static_cast<const void*>(data_), size_ * sizeof(T));
        std::free(data_);
      }
      data_ = static_cast<T*>(p);
      mapped_bytes_ = mapped;
      capacity_ = mapped / sizeof(T);
      return;
    }
#endif
    void* p = std::malloc(bytes);
    if (p == nullptr) throw std::bad_alloc();
    if (size_ > 0) std::memcpy(p, static_cast<const void*>(data_), size_ * sizeof(T));
    release();
    data_ = static_cast<T*>(p);
    capacity_ = n;
  }

  /// Makes the array `n` zero-filled values, discarding the current ones. The pages
  /// written so far are reused; with n_threads > 1 the buffer is zeroed (and its fresh
  /// pages first touched) by that many threads (core/parallel_for.hpp). When the memory
  /// cannot be had (std::bad_alloc), the array is left as it was.
  void assign_zero(std::size_t n, std::size_t n_threads = 1) {
    std::size_t known_zero_from = n;  // [known_zero_from, n) is already zero
    bool fresh_zero = false;
    if (n > capacity_) {
#if defined(__linux__)
      if (n * sizeof(T) >= map_min_bytes && n <= max_count()) {
        // mremap keeps the written pages; the part it adds (or a new mapping) is zero.
        known_zero_from = std::min((mapped_bytes_ + sizeof(T) - 1) / sizeof(T), n);
        const std::size_t kept = size_;
        size_ = 0;  // nothing to copy into a new mapping
        try {
          reserve(n);
        } catch (...) {  // mmap/mremap failed: the values are untouched
          size_ = kept;
          throw;
        }
        fresh_zero = true;
      }
#endif
      if (!fresh_zero) {  // the old buffer is freed only once the new one exists
        pod_array bigger;
        bigger.reserve(n);
        swap(bigger);
      }
    }
    // Zero what is not known to be zero; with threads, also touch the fresh pages, so
    // that the kernel provides them on every thread instead of during the caller's writes.
    const std::size_t zero_end = (fresh_zero && n_threads > 1) ? n : known_zero_from;
    const std::size_t bytes = zero_end * sizeof(T);
    auto* bytes_at = reinterpret_cast<unsigned char*>(data_);
    if (n_threads > 1 && bytes >= map_min_bytes) {
      constexpr std::size_t chunk = huge_page_bytes;  // a huge page per task
      parallel_for(bytes, chunk, n_threads, [bytes_at](std::size_t, std::size_t begin, std::size_t end) {
        std::memset(bytes_at + begin, 0, end - begin);
      });
    } else if (bytes > 0) {
      std::memset(bytes_at, 0, bytes);
    }
    size_ = n;
  }

  /// Drops the values from `n` on (n <= size()), keeping the capacity.
  void truncate(std::size_t n) noexcept { size_ = n; }
  /// Empties the array, keeping its capacity.
  void clear() noexcept { size_ = 0; }

 private:
  static constexpr std::size_t max_count() noexcept { return (std::size_t{1} << 48) / sizeof(T); }
  static constexpr std::size_t page_bytes = std::size_t{4} << 10;
  static std::size_t round_up(std::size_t bytes, std::size_t unit) noexcept { return (bytes + unit - 1) & ~(unit - 1); }

#if defined(__linux__)
  // A fresh mapping of `bytes`. A huge one (see reserve) starts on a 2 MiB boundary, so
  // that huge pages cover all of it and a later move (remap) keeps them whole: mremap
  // moves a huge page as one entry only between 2 MiB-aligned addresses, and splits it
  // into 4 KiB pages otherwise.
  static void* map(std::size_t bytes, bool huge) noexcept {
    constexpr int prot = PROT_READ | PROT_WRITE, flags = MAP_PRIVATE | MAP_ANONYMOUS;
    if (!huge) return ::mmap(nullptr, bytes, prot, flags, -1, 0);
    void* p = ::mmap(nullptr, bytes + huge_page_bytes, prot, flags, -1, 0);
    if (p == MAP_FAILED) return p;
    const auto begin = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t aligned = round_up(begin, huge_page_bytes);
    const std::uintptr_t end = begin + bytes + huge_page_bytes;
    // NOLINTBEGIN(performance-no-int-to-ptr): munmap takes addresses as pointers
    if (aligned > begin) (void)::munmap(p, aligned - begin);
    if (end > aligned + bytes) (void)::munmap(reinterpret_cast<void*>(aligned + bytes), end - aligned - bytes);
    return reinterpret_cast<void*>(aligned);
    // NOLINTEND(performance-no-int-to-ptr)
  }

  // The mapping grown to `bytes`, its pages kept: in place when the addresses after it
  // are free and it is aligned as map() would align it; otherwise moved onto a fresh
  // mapping of map()'s alignment. MAP_FAILED (the mapping unchanged) when memory is short.
  void* remap(std::size_t bytes, bool huge) noexcept {
    void* old = static_cast<void*>(data_);
    const bool aligned = !huge || reinterpret_cast<std::uintptr_t>(old) % huge_page_bytes == 0;
    if (aligned) {
      void* p = ::mremap(old, mapped_bytes_, bytes, 0);
      if (p != MAP_FAILED) return p;
    }
    void* target = map(bytes, huge);
    if (target == MAP_FAILED) return target;
    void* p = ::mremap(old, mapped_bytes_, bytes, MREMAP_MAYMOVE | MREMAP_FIXED, target);
    if (p == MAP_FAILED) (void)::munmap(target, bytes);
    return p;
  }
#endif
  // Capacity for at least `needed` values: doubling, from 16.
  [[nodiscard]] std::size_t grown(std::size_t needed) const noexcept {
    return std::max({needed, capacity_ * 2, std::size_t{16}});
  }
  void release() noexcept {
#if defined(__linux__)
    if (mapped_bytes_ > 0) {
      ::munmap(static_cast<void*>(data_), mapped_bytes_);
      mapped_bytes_ = 0;
      data_ = nullptr;
      capacity_ = 0;
      return;
    }
#endif
    std::free(data_);
    data_ = nullptr;
    capacity_ = 0;
  }

  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  std::size_t mapped_bytes_ = 0;  // > 0: data_ is a mapping of this many bytes
};

}  // namespace detail

CRMKIT_END_NAMESPACE
