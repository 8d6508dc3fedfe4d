// Transparent huge pages for large buffers that are filled once and then read at random.
// IWYU pragma: private
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__linux__)
#  include <sys/mman.h>
#endif

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

/// The size of a transparent huge page on x86-64 and most arm64 kernels (2 MiB).
inline constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;

/// Buffers smaller than this are left alone (the advice costs a system call).
inline constexpr std::size_t huge_page_min_bytes = std::size_t{4} << 20;

/// Asks the kernel to back the 2 MiB-aligned part of [data, data + bytes) with
/// transparent huge pages when it is first touched (Linux `madvise(MADV_HUGEPAGE)`; a
/// no-op elsewhere, for small buffers, and when the kernel refuses). Call it on memory
/// that has just been allocated and not yet written: large allocations come straight
/// from mmap, and their pages are only faulted in when first written.
///
/// Why: on a machine with `transparent_hugepage=madvise` (Debian's default) a 100 MB
/// column is otherwise faulted in 4 KiB at a time (25,000 page faults, costly under
/// virtualisation), and a 64 MB hash table probed at random takes a TLB miss on nearly
/// every probe. Results do not depend on it; only where the kernel puts the pages.
inline void advise_huge_pages(const void* data, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (data == nullptr || bytes < huge_page_min_bytes) return;
  constexpr std::uintptr_t huge = huge_page_bytes;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + huge - 1) & ~(huge - 1);
  const std::uintptr_t last = (begin + bytes) & ~(huge - 1);
  if (last <= first) return;
  // NOLINTNEXTLINE(performance-no-int-to-ptr): madvise takes the address as a pointer
  (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace detail

CRMKIT_END_NAMESPACE
