// lifecycle_model::from_toml / spec_from_toml: TOML model documents, read by toml++
// (Debian libtomlplusplus-dev) in its header-only mode, so that neither libcrmkit.so nor
// crmkit's static library needs toml++ at run time or at the consumer's link. toml++ is
// included here only, never by a public header: the crmkit::header_only target does not
// declare these functions.
//
// The TOML tree is converted to the JSON document tree (detail/json.hpp) with every node's
// line and column, then read by the same code as JSON documents (detail/model_document.hpp):
// one schema, one set of messages, "TOML line L column C" locations.
#include <string>
#include <string_view>
#include <utility>

#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/lifecycle/model.hpp"

#define CRMKIT_LIFECYCLE_INTERNAL 1
#include "crmkit/lifecycle/detail/json.hpp"
#include "crmkit/lifecycle/detail/model_document.hpp"
#include "crmkit/lifecycle/detail/toml_document.hpp"
#undef CRMKIT_LIFECYCLE_INTERNAL

CRMKIT_BEGIN_NAMESPACE

namespace {

using detail::json::kind;
using detail::json::value;

value convert(const toml::node& node, std::string_view context) {
  value v;
  const auto& at = node.source().begin;
  v.line = at.line;
  v.column = at.column;
  switch (node.type()) {
    case toml::node_type::table:
      v.type = kind::object;
      for (auto&& [key, child] : *node.as_table()) v.members.emplace_back(std::string(key.str()), convert(child, context));
      break;
    case toml::node_type::array:
      v.type = kind::array;
      for (const auto& child : *node.as_array()) v.items.push_back(convert(child, context));
      break;
    case toml::node_type::string:
      v.type = kind::string;
      v.text = node.as_string()->get();
      break;
    case toml::node_type::integer:
      v.type = kind::number;
      v.number = static_cast<double>(node.as_integer()->get());
      break;
    case toml::node_type::floating_point:
      v.type = kind::number;
      v.number = node.as_floating_point()->get();
      break;
    case toml::node_type::boolean:
      v.type = kind::boolean;
      v.boolean = node.as_boolean()->get();
      break;
    default:  // dates and times
      throw error(errc::parse_error,
                  fmt::format("{}: TOML line {} column {}: dates and times have no meaning here; write a string or a "
                              "number", context, at.line, at.column));
  }
  return v;
}

}  // namespace

namespace detail {
json::value toml_document(std::string_view text, std::string_view context) {
  toml::table doc;
  try {
    doc = toml::parse(text);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    throw error(errc::parse_error, fmt::format("TOML line {} column {}: {}", at.line, at.column, e.description()));
  }
  value root = convert(doc, context);
  root.line = 1, root.column = 1;
  return root;
}
}  // namespace detail

model_spec lifecycle_model::spec_from_toml(std::string_view text) {
  return detail::spec_from_document(detail::toml_document(text, "lifecycle model"), "TOML");
}

lifecycle_model lifecycle_model::from_toml(std::string_view text) { return from_spec(spec_from_toml(text)); }

CRMKIT_END_NAMESPACE
