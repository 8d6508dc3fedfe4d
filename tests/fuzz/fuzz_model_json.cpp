// libFuzzer target: lifecycle model documents in JSON through the C ABI
// (crmkit_lifecycle_model_from_json, which takes a length: no NUL needed).
#include <cstddef>
#include <cstdint>

#include "crmkit/crmkit.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crmkit_lifecycle_model* model = nullptr;
  if (crmkit_lifecycle_model_from_json(reinterpret_cast<const char*>(data), size, &model) == CRMKIT_OK) {
    crmkit_lifecycle_model_free(model);
  } else if (model != nullptr || crmkit_last_error()[0] == '\0') {
    __builtin_trap();  // a failure must leave *out NULL and a message
  }
  return 0;
}
