// libFuzzer target: saved lifecycle model documents (JSON or TOML, with or without the
// "crmkit" header) through the C ABI exactly as a host loads them
// (crmkit_lifecycle_model_load, which takes a length: no NUL needed). Every accepted
// document must round-trip: save -> load -> save gives the same text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "crmkit/crmkit.h"

namespace {

std::string save(const crmkit_lifecycle_model* model) {
  std::size_t needed = 0;
  if (crmkit_lifecycle_model_save(model, nullptr, 0, &needed) != CRMKIT_E_BUFFER_TOO_SMALL || needed == 0)
    __builtin_trap();
  std::string text(needed, '\0');
  if (crmkit_lifecycle_model_save(model, text.data(), needed, &needed) != CRMKIT_OK) __builtin_trap();
  text.resize(needed - 1);
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crmkit_lifecycle_model* model = nullptr;
  if (crmkit_lifecycle_model_load(reinterpret_cast<const char*>(data), size, &model) != CRMKIT_OK) {
    if (model != nullptr || crmkit_last_error()[0] == '\0') __builtin_trap();  // NULL and a message
    return 0;
  }
  const std::string text = save(model);
  crmkit_lifecycle_model_free(model);
  crmkit_lifecycle_model* again = nullptr;
  if (crmkit_lifecycle_model_load(text.data(), text.size(), &again) != CRMKIT_OK) __builtin_trap();
  if (save(again) != text) __builtin_trap();
  crmkit_lifecycle_model_free(again);
  return 0;
}
