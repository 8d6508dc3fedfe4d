// libFuzzer target: customer_state documents (crmkit/state/customer_state.hpp). A document
// either loads -- and then saves back to the same bytes (the format is canonical) and its
// summaries can be read -- or throws crmkit::error; nothing else.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "crmkit/error.hpp"
#include "crmkit/state/customer_state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view doc(reinterpret_cast<const char*>(data), size);
  try {
    const crmkit::customer_state state = crmkit::customer_state::load(doc);
    if (state.save() != doc) __builtin_trap();  // canonical: what loads saves identically
    if (!state.empty()) {
      crmkit::customer_state twice = state;
      twice.merge(state);
      crmkit::rfm_options ro;
      ro.as_of = std::int64_t{1} << 40;
      try {
        (void)twice.rfm(ro);
      } catch (const crmkit::error&) {
      }
    }
  } catch (const crmkit::error&) {
  }
  return 0;
}
