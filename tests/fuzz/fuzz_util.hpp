// Shared helpers of the libFuzzer targets (tests/fuzz/*.cpp): a cursor over the fuzzer's
// bytes that hands out option values first and leaves the rest as the text to parse.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace crmkit_fuzz {

class bytes {
 public:
  bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  // The next byte, 0 once the input is used up.
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | byte();
    return v;
  }
  double number() {  // any double, NaN and infinities included
    std::uint64_t bits = (std::uint64_t{u32()} << 32) | u32();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  // Everything not consumed yet.
  std::string_view rest() {
    const std::string_view r(reinterpret_cast<const char*>(data_) + pos_, size_ - pos_);
    pos_ = size_;
    return r;
  }
  [[nodiscard]] bool empty() const { return pos_ >= size_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace crmkit_fuzz
