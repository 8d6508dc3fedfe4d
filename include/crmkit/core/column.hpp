/// @file crmkit/core/column.hpp
/// `column<T>`: an immutable, contiguous column that either owns its values or borrows
/// a caller's buffer without copying.
///
/// `#include <crmkit/core/column.hpp>`
///
/// Thread safety: immutable after construction; concurrent const use is safe.
///
/// @code
/// std::vector<double> amounts = {9.5, 12.0};
/// auto owned = crmkit::column<double>::owned(std::move(amounts));
/// double host_buffer[3] = {1, 2, 3};
/// auto view = crmkit::column<double>::borrowed(host_buffer, 3);  // no copy
/// @endcode
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// An immutable column of `T`. Copies are cheap: they share the same storage.
///
/// A borrowed column points at memory the caller owns; that memory must outlive every
/// copy of the column (the rule is repeated on every API that borrows).
template <class T>
class column {
 public:
  column() = default;

  /// Takes ownership of `values` (moved, never copied).
  static column owned(std::vector<T> values) {
    auto storage = std::make_shared<const std::vector<T>>(std::move(values));
    column result;
    result.data_ = storage->data();
    result.size_ = storage->size();
    result.owner_ = std::move(storage);
    return result;
  }

  /// Views `size` values at `data` without copying. Borrowed: the buffer must outlive
  /// the column and every copy of it.
  static column borrowed(const T* data, std::size_t size) noexcept {
    column result;
    result.data_ = data;
    result.size_ = size;
    return result;
  }

  /// Views `size` values at `data`, keeping `owner` alive for as long as the column
  /// lives (used to share one buffer between several columns).
  static column shared(const T* data, std::size_t size, std::shared_ptr<const void> owner) noexcept {
    column result;
    result.data_ = data;
    result.size_ = size;
    result.owner_ = std::move(owner);
    return result;
  }

  [[nodiscard]] std::span<const T> view() const noexcept { return {data_, size_}; }
  [[nodiscard]] const T* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  /// True when the column owns (or shares ownership of) its storage.
  [[nodiscard]] bool is_owned() const noexcept { return owner_ != nullptr; }

 private:
  const T* data_ = nullptr;
  std::size_t size_ = 0;
  std::shared_ptr<const void> owner_;
};

CRMKIT_END_NAMESPACE
