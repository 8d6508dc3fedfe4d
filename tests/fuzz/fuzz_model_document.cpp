// libFuzzer target: the model-document loaders (crmkit/core/model_document.hpp) through the
// C ABI as a host calls them. Byte 0 picks the loader (crmkit_btyd_load, crmkit_kmeans_load,
// crmkit_logistic_load, crmkit_feature_scaler_load, crmkit_als_load); the rest, cut at the first NUL, is the document. Any documented
// negative status is an expected outcome; on success the handle must save, the saved text
// must load again and save to the same bytes (the round trip is a fixed point). A crash, a
// sanitizer report, an undocumented status or a broken round trip is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "crmkit/c/offers.h"
#include "crmkit/crmkit.h"
#include "fuzz_util.hpp"

namespace {

bool expected_failure(int rc) {
  return rc == CRMKIT_E_PARSE || rc == CRMKIT_E_INVALID_ARGUMENT || rc == CRMKIT_E_OUT_OF_MEMORY;
}

template <class Handle, class Load, class Save, class Free>
void check(const std::string& text, Load load, Save save, Free release) {
  Handle* h = nullptr;
  const int rc = load(text.c_str(), &h);
  if (rc != CRMKIT_OK) {
    if (!expected_failure(rc) || h != nullptr) std::abort();
    return;
  }
  if (h == nullptr) std::abort();
  auto saved = [&](Handle* handle) {
    std::size_t needed = 0;
    if (save(handle, nullptr, 0, &needed) != CRMKIT_E_BUFFER_TOO_SMALL || needed == 0) std::abort();
    std::string out(needed, '\0');
    if (save(handle, out.data(), needed, &needed) != CRMKIT_OK || out.size() != needed || out.back() != '\0')
      std::abort();
    out.pop_back();
    return out;
  };
  const std::string first = saved(h);
  release(h);
  Handle* again = nullptr;
  if (load(first.c_str(), &again) != CRMKIT_OK || again == nullptr) std::abort();
  if (saved(again) != first) std::abort();
  release(again);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crmkit_fuzz::bytes in(data, size);
  const std::uint8_t mode = in.byte() % 5;
  const std::string_view rest = in.rest();
  const std::string text(rest.substr(0, rest.find('\0')));
  switch (mode) {
    case 0: check<crmkit_btyd>(text, crmkit_btyd_load, crmkit_btyd_save, crmkit_btyd_free); break;
    case 1: check<crmkit_kmeans>(text, crmkit_kmeans_load, crmkit_kmeans_save, crmkit_kmeans_free); break;
    case 2: check<crmkit_logistic>(text, crmkit_logistic_load, crmkit_logistic_save, crmkit_logistic_free); break;
    case 4: check<crmkit_als>(text, crmkit_als_load, crmkit_als_save, crmkit_als_free); break;
    default:
      check<crmkit_feature_scaler>(text, crmkit_feature_scaler_load, crmkit_feature_scaler_save, crmkit_feature_scaler_free);
      break;
  }
  return 0;
}
