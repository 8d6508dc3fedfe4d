// Compiled-mode definitions of crmkit/scoring/score_config.hpp, and its TOML reader: the
// TOML tree comes from the lifecycle module's toml++ translation unit
// (detail/toml_document.hpp), so toml++ is compiled in one place only.
#include "crmkit/scoring/score_config.hpp"
#include "crmkit/scoring/score_config_impl.hpp"

#define CRMKIT_LIFECYCLE_INTERNAL 1
#include "crmkit/lifecycle/detail/toml_document.hpp"
#undef CRMKIT_LIFECYCLE_INTERNAL

CRMKIT_BEGIN_NAMESPACE

score_config score_config_from_toml(std::string_view text) {
  return detail::score_document("TOML").read(detail::toml_document(text, "score config"));
}

score_config parse_score_config(std::string_view text) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '{') return score_config_from_json(text);
    break;
  }
  return score_config_from_toml(text);
}

CRMKIT_END_NAMESPACE
