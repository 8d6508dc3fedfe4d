// Reads a lifecycle model document tree (detail/json.hpp's value: parsed from JSON, or
// converted from TOML by src/lifecycle/model_toml.cpp) into a model_spec. Internal. Every
// error names the format, the line and column of the offending value and the key.
// IWYU pragma: private, include "crmkit/lifecycle/model.hpp"
#pragma once

#ifndef CRMKIT_LIFECYCLE_INTERNAL
#  error "crmkit/lifecycle/detail/model_document.hpp is internal; include crmkit/lifecycle.hpp"
#endif

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "crmkit/config.hpp"
#include "crmkit/error.hpp"
#include "crmkit/lifecycle/detail/json.hpp"
#include "crmkit/lifecycle/model.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

// The typed accessors of one document; `format` ("JSON", "TOML") prefixes every location.
class model_document {
 public:
  explicit model_document(std::string_view format) : format_(format) {}

  [[nodiscard]] std::string where(const json::value& v) const {
    return fmt::format("{} line {} column {}", format_, v.line, v.column);
  }

  [[noreturn]] void type_fail(const json::value& v, const char* key, const char* expected) const {
    throw error(errc::parse_error, fmt::format("lifecycle model: {}: '{}' must be {}, not {}", where(v), key, expected,
                                               json::kind_name(v.type)));
  }

  [[noreturn]] void fail(const json::value& v, const std::string& why) const {
    throw error(errc::parse_error, fmt::format("lifecycle model: {}: {}", where(v), why));
  }

  const std::string& string(const json::value& v, const char* key) const {
    if (v.type != json::kind::string) type_fail(v, key, "a string");
    return v.text;
  }

  std::vector<std::string> strings(const json::value& v, const char* key, bool allow_single) const {
    std::vector<std::string> out;
    if (allow_single && v.type == json::kind::string) {
      out.push_back(v.text);
      return out;
    }
    if (v.type != json::kind::array)
      type_fail(v, key, allow_single ? "a string or an array of strings" : "an array of strings");
    for (const auto& item : v.items) out.push_back(string(item, key));
    return out;
  }

  void only_keys(const json::value& obj, std::initializer_list<std::string_view> keys, const char* what) const {
    for (const auto& m : obj.members)
      if (std::find(keys.begin(), keys.end(), m.key) == keys.end())
        fail(m.val, fmt::format("unknown key '{}' in {}; allowed: {}", m.key, what, fmt::join(keys, ", ")));
  }

  int integer(const json::value& v, const char* key) const {
    if (v.type != json::kind::number || v.number != std::floor(v.number) || std::fabs(v.number) > 1e9)
      type_fail(v, key, "an integer");
    return static_cast<int>(v.number);
  }

  bool boolean(const json::value& v, const char* key) const {
    if (v.type != json::kind::boolean) type_fail(v, key, "true or false");
    return v.boolean;
  }

 private:
  std::string_view format_;
};

// The document tree -> an unvalidated model_spec (the schema is in model.hpp's file comment).
inline model_spec spec_from_document(const json::value& doc, std::string_view format) {
  const model_document d(format);
  if (doc.type != json::kind::object) d.type_fail(doc, "the document", "an object");
  d.only_keys(doc,
              {"crmkit", "states", "initial", "policy", "columns", "invariants", "cascade", "max_hops", "transitions"},
              "the model");
  if (const auto* h = doc.find("crmkit")) {  // the saved document's header (model.hpp)
    if (h->type != json::kind::object) d.type_fail(*h, "crmkit", "an object");
    d.only_keys(*h, {"document", "format", "library"}, "the crmkit header");
    const auto* kind = h->find("document");
    const auto* version = h->find("format");
    if (!kind || !version) d.fail(*h, "the crmkit header needs 'document' and 'format'");
    if (d.string(*kind, "document") != "lifecycle_model")
      d.fail(*kind, fmt::format("the document is a '{}', not a 'lifecycle_model'", kind->text));
    const int v = d.integer(*version, "format");
    if (v < 1 || v > model_document_format)
      d.fail(*version, fmt::format("format {} is not supported; this library (crmkit {}) reads format 1 to {}", v,
                                   CRMKIT_VERSION_STRING, model_document_format));
    if (const auto* lib = h->find("library")) (void)d.string(*lib, "library");
  }
  model_spec spec;
  const json::value* states = doc.find("states");
  if (!states)
    throw error(errc::parse_error, fmt::format("lifecycle model: the {} document has no 'states' array", format));
  if (states->type != json::kind::array) d.type_fail(*states, "states", "an array");
  for (const auto& s : states->items) {
    if (s.type == json::kind::object) {
      d.only_keys(s, {"name"}, "a state");
      const json::value* name = s.find("name");
      if (!name) d.fail(s, "a state object needs 'name'");
      spec.states.push_back(d.string(*name, "name"));
    } else {
      spec.states.push_back(d.string(s, "states"));
    }
  }
  if (const auto* v = doc.find("initial")) spec.initial = d.string(*v, "initial");
  if (const auto* v = doc.find("policy")) {
    const auto& p = d.string(*v, "policy");
    if (p == "first_match") spec.policy = rule_policy::first_match;
    else if (p == "priority") spec.policy = rule_policy::priority;
    else if (p == "unique") spec.policy = rule_policy::unique;
    else d.fail(*v, fmt::format("policy '{}' is not one of first_match, priority, unique", p));
  }
  if (const auto* v = doc.find("columns")) spec.columns = d.strings(*v, "columns", false);
  if (const auto* v = doc.find("invariants")) {
    if (v->type != json::kind::object) d.type_fail(*v, "invariants", "an object");
    d.only_keys(*v, {"no_skip", "forward_only"}, "invariants");
    if (const auto* c = v->find("no_skip")) spec.no_skip_chain = d.strings(*c, "no_skip", false);
    if (const auto* f = v->find("forward_only")) spec.forward_only = d.boolean(*f, "forward_only");
  }
  if (const auto* v = doc.find("cascade")) spec.cascade = d.boolean(*v, "cascade");
  if (const auto* v = doc.find("max_hops")) spec.max_hops = d.integer(*v, "max_hops");
  if (const auto* v = doc.find("transitions")) {
    if (v->type != json::kind::array) d.type_fail(*v, "transitions", "an array");
    for (const auto& t : v->items) {
      if (t.type != json::kind::object) d.type_fail(t, "a transition", "an object");
      d.only_keys(t, {"name", "from", "to", "guard", "priority", "on"}, "a transition");
      transition_spec ts;
      if (const auto* x = t.find("name")) ts.name = d.string(*x, "name");
      const auto* from = t.find("from");
      const auto* to = t.find("to");
      if (!from || !to) d.fail(t, "a transition needs 'from' and 'to'");
      ts.from = d.strings(*from, "from", true);
      ts.to = d.string(*to, "to");
      if (const auto* x = t.find("guard")) ts.guard = d.string(*x, "guard");
      if (const auto* x = t.find("priority")) ts.priority = d.integer(*x, "priority");
      if (const auto* x = t.find("on")) {
        const auto& on = d.string(*x, "on");
        if (on == "time") ts.on = transition_trigger::time;
        else if (on == "purchase") ts.on = transition_trigger::purchase;
        else if (on == "any") ts.on = transition_trigger::any;
        else d.fail(*x, fmt::format("'on' is '{}', expected time, purchase or any", on));
      }
      spec.transitions.push_back(std::move(ts));
    }
  }
  return spec;
}

}  // namespace detail
CRMKIT_END_NAMESPACE
