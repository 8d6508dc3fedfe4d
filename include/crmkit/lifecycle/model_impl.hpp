// Definitions for crmkit/lifecycle/model.hpp. Included by that header in header-only mode
// and by src/lifecycle/model.cpp otherwise.
// IWYU pragma: private, include "crmkit/lifecycle/model.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "crmkit/core/detail/text_fields.hpp"
#include "crmkit/error.hpp"
#include "crmkit/lifecycle/model.hpp"

#define CRMKIT_LIFECYCLE_INTERNAL 1
#include "crmkit/lifecycle/detail/json.hpp"
#include "crmkit/lifecycle/detail/model_document.hpp"
#undef CRMKIT_LIFECYCLE_INTERNAL

CRMKIT_BEGIN_NAMESPACE

namespace detail {

[[noreturn]] inline void model_fail(errc code, const std::string& why) {
  throw error(code, "lifecycle model: " + why);
}

inline std::string transition_label(const transition_spec& t, std::size_t index) {
  return t.name.empty() ? fmt::format("transition #{}", index + 1)
                        : fmt::format("transition #{} '{}'", index + 1, t.name);
}

}  // namespace detail

CRMKIT_FUNC int lifecycle_model::find_state(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < states_.size(); ++i)
    if (states_[i] == name) return static_cast<int>(i);
  return -1;
}

CRMKIT_FUNC int lifecycle_model::find_column(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i] == name) return static_cast<int>(i);
  return -1;
}

CRMKIT_FUNC lifecycle_model lifecycle_model::from_spec(const model_spec& spec) {
  using detail::model_fail;
  lifecycle_model m;
  m.spec_ = spec;
  // States.
  if (spec.states.empty()) model_fail(errc::invalid_argument, "no states");
  if (spec.states.size() > max_states)
    model_fail(errc::invalid_argument, fmt::format("{} states; at most {} are supported", spec.states.size(), max_states));
  for (std::size_t i = 0; i < spec.states.size(); ++i) {
    const auto& s = spec.states[i];
    if (s.empty()) model_fail(errc::invalid_argument, fmt::format("state #{} has an empty name", i + 1));
    if (s[0] == '@' || s == "*")
      model_fail(errc::invalid_argument, fmt::format("state name '{}' is reserved ('*' and '@...' have meanings)", s));
    for (std::size_t j = 0; j < i; ++j)
      if (spec.states[j] == s) model_fail(errc::invalid_argument, fmt::format("state '{}' is defined twice", s));
  }
  m.states_ = spec.states;
  const auto n = m.states_.size();
  auto state_or_fail = [&](const std::string& name, const std::string& where) {
    const int s = m.find_state(name);
    if (s < 0)
      model_fail(errc::not_found,
                 fmt::format("{} names unknown state '{}'; defined states: {}", where, name, fmt::join(m.states_, ", ")));
    return s;
  };
  m.initial_ = spec.initial.empty() ? 0 : state_or_fail(spec.initial, "the initial state");
  // Columns.
  for (auto c : builtin_columns()) m.columns_.emplace_back(c);
  for (const auto& c : spec.columns) {
    if (c.empty()) model_fail(errc::invalid_argument, "a host column has an empty name");
    if (m.find_column(c) >= 0)
      model_fail(errc::invalid_argument, fmt::format("column '{}' is declared twice or shadows a built-in metric", c));
    m.columns_.push_back(c);
  }
  m.used_.assign(m.columns_.size(), false);
  m.policy_ = spec.policy;
  m.forward_only_ = spec.forward_only;
  m.cascade_ = spec.cascade;
  if (spec.max_hops < 0) model_fail(errc::invalid_argument, fmt::format("max_hops is {}; it must be >= 0", spec.max_hops));
  if (spec.max_hops > max_document_integer)
    model_fail(errc::invalid_argument, fmt::format("max_hops is {}; it must be <= 10^9", spec.max_hops));
  m.max_hops_ = spec.cascade ? (spec.max_hops == 0 ? static_cast<int>(n) : spec.max_hops) : 1;
  // No-skip chain.
  m.chain_rank_.assign(n, -1);
  if (!spec.no_skip_chain.empty()) {
    if (spec.no_skip_chain.size() < 2) model_fail(errc::invalid_argument, "the no_skip chain needs at least two states");
    for (std::size_t r = 0; r < spec.no_skip_chain.size(); ++r) {
      const int s = state_or_fail(spec.no_skip_chain[r], "the no_skip chain");
      if (m.chain_rank_[static_cast<std::size_t>(s)] >= 0)
        model_fail(errc::invalid_argument, fmt::format("state '{}' appears twice in the no_skip chain", spec.no_skip_chain[r]));
      m.chain_rank_[static_cast<std::size_t>(s)] = static_cast<int>(r);
    }
    m.has_chain_ = true;
  }
  // Transitions (their index is logged as an int16).
  if (spec.transitions.size() > 32767)
    model_fail(errc::invalid_argument, fmt::format("{} transitions; at most 32767 are supported", spec.transitions.size()));
  auto resolve = [&m](std::string_view name) { return m.find_column(name); };
  for (std::size_t i = 0; i < spec.transitions.size(); ++i) {
    const auto& t = spec.transitions[i];
    const std::string label = detail::transition_label(t, i);
    lifecycle_transition c;
    if (t.priority < -max_document_integer || t.priority > max_document_integer)
      model_fail(errc::invalid_argument,
                 fmt::format("{} has priority {}; it must be within [-10^9, 10^9]", label, t.priority));
    c.priority = t.priority;
    c.on = t.on;
    if (t.to == history_target) {
      c.to = -1;
      if (m.forward_only_)
        model_fail(errc::invalid_argument,
                   fmt::format("{} targets @history, which can move back; forward_only models move back only by reset",
                               label));
    } else {
      c.to = state_or_fail(t.to, label + " target");
    }
    if (t.from.empty()) model_fail(errc::invalid_argument, fmt::format("{} has no source state", label));
    for (const auto& f : t.from) {
      if (f == "*") {
        for (std::size_t s = 0; s < n; ++s)
          if (static_cast<int>(s) != c.to) c.from_mask |= std::uint64_t{1} << s;
        continue;
      }
      const int s = state_or_fail(f, label + " source");
      if (s == c.to)
        model_fail(errc::invalid_argument, fmt::format("{} goes from '{}' to itself", label, f));
      c.from_mask |= std::uint64_t{1} << s;
    }
    try {
      c.condition = guard::parse(t.guard, resolve);
    } catch (const error& e) {
      std::string why = e.what();
      if (e.code() == errc::not_found) why += fmt::format("; known columns: {}", fmt::join(m.columns_, ", "));
      model_fail(e.code(), fmt::format("{}: {}", label, why));
    }
    for (int col : c.condition.columns()) m.used_[static_cast<std::size_t>(col)] = true;
    c.name = !t.name.empty() ? t.name
                             : fmt::format("{}->{}", t.from.front(), c.to < 0 ? std::string(history_target) : t.to);
    // Invariants that a table can break on its own.
    for (std::size_t s = 0; s < n; ++s) {
      if (!((c.from_mask >> s) & 1)) continue;
      if (c.to >= 0 && m.has_chain_) {
        const int rs = m.chain_rank_[s], rt = m.chain_rank_[static_cast<std::size_t>(c.to)];
        if (rs >= 0 && rt > rs + 1)
          model_fail(errc::invalid_argument,
                     fmt::format("{} breaks the no_skip rule: '{}' (rank {}) to '{}' (rank {}) skips {}", label,
                                 m.states_[s], rs, m.states_[static_cast<std::size_t>(c.to)], rt,
                                 spec.no_skip_chain[static_cast<std::size_t>(rs + 1)]));
      }
      if (c.to >= 0 && m.forward_only_ && c.to < static_cast<int>(s))
        model_fail(errc::invalid_argument,
                   fmt::format("{} moves back from '{}' to '{}' in a forward_only model (use a reset)", label,
                               m.states_[s], m.states_[static_cast<std::size_t>(c.to)]));
    }
    m.transitions_.push_back(std::move(c));
  }
  // Try order.
  m.try_order_.resize(m.transitions_.size());
  for (std::size_t i = 0; i < m.try_order_.size(); ++i) m.try_order_[i] = static_cast<int>(i);
  if (m.policy_ == rule_policy::priority)
    std::stable_sort(m.try_order_.begin(), m.try_order_.end(), [&](int a, int b) {
      return m.transitions_[static_cast<std::size_t>(a)].priority > m.transitions_[static_cast<std::size_t>(b)].priority;
    });
  // Reachability from the initial state. A @history edge out of s can lead to any state
  // with an edge into s (the stage the customer came from).
  {
    std::vector<std::uint64_t> into(n, 0);  // into[t]: states with a direct edge into t
    for (const auto& t : m.transitions_)
      if (t.to >= 0) into[static_cast<std::size_t>(t.to)] |= t.from_mask;
    std::uint64_t seen = std::uint64_t{1} << m.initial_;
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& t : m.transitions_) {
        if (!(t.from_mask & seen)) continue;
        std::uint64_t targets = 0;
        if (t.to >= 0) {
          targets = std::uint64_t{1} << t.to;
        } else {
          for (std::size_t s = 0; s < n; ++s)
            if (((t.from_mask & seen) >> s) & 1) targets |= into[s];
        }
        if ((targets & ~seen) != 0) seen |= targets, grew = true;
      }
    }
    for (std::size_t s = 0; s < n; ++s)
      if (!((seen >> s) & 1))
        model_fail(errc::invalid_argument,
                   fmt::format("state '{}' is unreachable from the initial state '{}'", m.states_[s],
                               m.states_[static_cast<std::size_t>(m.initial_)]));
  }
  // Unique policy: no two transitions from a common state may both hold.
  if (m.policy_ == rule_policy::unique) {
    std::vector<std::optional<std::vector<std::vector<guard_atom>>>> forms;
    for (const auto& t : m.transitions_) forms.push_back(t.condition.disjunctive_form());
    for (std::size_t i = 0; i < m.transitions_.size(); ++i)
      for (std::size_t j = i + 1; j < m.transitions_.size(); ++j) {
        const auto& a = m.transitions_[i];
        const auto& b = m.transitions_[j];
        const std::uint64_t common = a.from_mask & b.from_mask;
        if (!common || !(static_cast<int>(a.on) & static_cast<int>(b.on)) || !forms[i] || !forms[j]) continue;
        bool overlap = false;
        for (const auto& p : *forms[i])
          for (const auto& q : *forms[j])
            if (conjunctions_intersect(p, q).value_or(false)) overlap = true;
        if (overlap) {
          int s = 0;
          while (!((common >> s) & 1)) ++s;
          model_fail(errc::invalid_argument,
                     fmt::format("under the unique policy, {} and {} overlap: both leave '{}' and guards \"{}\" and "
                                 "\"{}\" can hold together",
                                 detail::transition_label(spec.transitions[i], i),
                                 detail::transition_label(spec.transitions[j], j), m.states_[static_cast<std::size_t>(s)],
                                 a.condition.text(), b.condition.text()));
        }
      }
  }
  return m;
}

CRMKIT_FUNC model_spec lifecycle_model::spec_from_json(std::string_view text) {
  return detail::spec_from_document(detail::json::parse(text), "JSON");
}

CRMKIT_FUNC lifecycle_model lifecycle_model::from_json(std::string_view text) { return from_spec(spec_from_json(text)); }

CRMKIT_FUNC lifecycle_model lifecycle_model::from_text(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') return from_json(text);
#ifdef CRMKIT_HEADER_ONLY
  throw error(errc::unsupported,
              "lifecycle_model::from_text: the document is not JSON (it does not start with '{') and "
              "crmkit::header_only has no TOML reader; link crmkit::crmkit or pass JSON");
#else
  return from_toml(text);
#endif
}

CRMKIT_FUNC std::string lifecycle_model::to_text() const {
  using detail::append_json_string;
  const auto strings = [](std::string& out, const std::vector<std::string>& items) {
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out += ", ";
      append_json_string(out, items[i]);
    }
    out += ']';
  };
  static constexpr const char* policies[] = {"first_match", "priority", "unique"};
  static constexpr const char* triggers[] = {"", "time", "purchase", "any"};
  const model_spec& s = spec_;
  std::string out = "{\n  \"crmkit\": {\"document\": \"lifecycle_model\", \"format\": ";
  out += fmt::format("{}, \"library\": ", model_document_format);
  append_json_string(out, CRMKIT_VERSION_STRING);
  out += "},\n  \"states\": ";
  strings(out, s.states);
  out += ",\n  \"initial\": ";
  append_json_string(out, states_[static_cast<std::size_t>(initial_)]);
  out += fmt::format(",\n  \"policy\": \"{}\",\n  \"columns\": ", policies[static_cast<int>(policy_)]);
  strings(out, s.columns);
  out += ",\n  \"invariants\": {\"no_skip\": ";
  strings(out, s.no_skip_chain);
  out += fmt::format(", \"forward_only\": {}}},\n  \"cascade\": {},\n  \"max_hops\": {},\n  \"transitions\": [",
                     s.forward_only, s.cascade, s.max_hops);
  for (std::size_t i = 0; i < s.transitions.size(); ++i) {
    const transition_spec& t = s.transitions[i];
    out += i ? ",\n    {" : "\n    {";
    if (!t.name.empty()) {
      out += "\"name\": ";
      append_json_string(out, t.name);
      out += ", ";
    }
    out += "\"from\": ";
    strings(out, t.from);
    out += ", \"to\": ";
    append_json_string(out, t.to);
    out += ", \"guard\": ";
    append_json_string(out, t.guard);
    out += fmt::format(", \"priority\": {}, \"on\": \"{}\"}}", t.priority, triggers[static_cast<int>(t.on)]);
  }
  out += s.transitions.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

// ---- lifecycle_model_builder ---------------------------------------------------------------

CRMKIT_FUNC lifecycle_model_builder& lifecycle_model_builder::add_state(std::string name, int chain_rank) {
  if (chain_rank < -1)
    throw error(errc::invalid_argument,
                fmt::format("lifecycle_model_builder::add_state: chain_rank of '{}' is {}; use -1 (not on the "
                            "chain) or a rank >= 0",
                            name, chain_rank));
  if (chain_rank >= 0) ranks_.emplace_back(chain_rank, name);
  spec_.states.push_back(std::move(name));
  return *this;
}

CRMKIT_FUNC lifecycle_model_builder& lifecycle_model_builder::set_initial(std::string name) {
  spec_.initial = std::move(name);
  return *this;
}

CRMKIT_FUNC lifecycle_model_builder& lifecycle_model_builder::add_column(std::string name) {
  spec_.columns.push_back(std::move(name));
  return *this;
}

CRMKIT_FUNC lifecycle_model_builder& lifecycle_model_builder::add_transition(transition_spec transition) {
  const auto label = detail::transition_label(transition, spec_.transitions.size());
  if (transition.from.empty())
    throw error(errc::invalid_argument,
                fmt::format("lifecycle_model_builder::add_transition: {} has no source state", label));
  const int on = static_cast<int>(transition.on);
  if (on < static_cast<int>(transition_trigger::time) || on > static_cast<int>(transition_trigger::any))
    throw error(errc::invalid_argument,
                fmt::format("lifecycle_model_builder::add_transition: {} has trigger {}; use time (1), purchase "
                            "(2) or any (3)",
                            label, on));
  spec_.transitions.push_back(std::move(transition));
  return *this;
}

CRMKIT_FUNC lifecycle_model_builder& lifecycle_model_builder::set_no_skip(std::vector<std::string> chain) {
  spec_.no_skip_chain = std::move(chain);
  return *this;
}

CRMKIT_FUNC lifecycle_model_builder& lifecycle_model_builder::set_policy(rule_policy policy) {
  const int p = static_cast<int>(policy);
  if (p < static_cast<int>(rule_policy::first_match) || p > static_cast<int>(rule_policy::unique))
    throw error(errc::invalid_argument,
                fmt::format("lifecycle_model_builder::set_policy: policy {} is not first_match (0), priority (1) "
                            "or unique (2)",
                            p));
  spec_.policy = policy;
  return *this;
}

CRMKIT_FUNC lifecycle_model_builder& lifecycle_model_builder::set_forward_only(bool on) {
  spec_.forward_only = on;
  return *this;
}

CRMKIT_FUNC lifecycle_model_builder& lifecycle_model_builder::set_cascade(bool on) {
  spec_.cascade = on;
  return *this;
}

CRMKIT_FUNC lifecycle_model_builder& lifecycle_model_builder::set_max_hops(std::int64_t max_hops) {
  if (max_hops < 0 || max_hops > 1'000'000)
    throw error(errc::invalid_argument,
                fmt::format("lifecycle_model_builder::set_max_hops: max_hops = {} is outside [0, 10^6]", max_hops));
  spec_.max_hops = static_cast<int>(max_hops);
  return *this;
}

CRMKIT_FUNC model_spec lifecycle_model_builder::spec() const {
  model_spec spec = spec_;
  if (ranks_.empty()) return spec;
  if (!spec.no_skip_chain.empty())
    throw error(errc::invalid_argument,
                "lifecycle model: the no_skip chain is given twice, as chain ranks of states and as a list; "
                "use one");
  // Chain ranks -> the ordered no-skip chain; they must be exactly 0..k-1.
  auto ranks = ranks_;
  std::stable_sort(ranks.begin(), ranks.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t r = 0; r < ranks.size(); ++r)
    if (ranks[r].first != static_cast<int>(r))
      throw error(errc::invalid_argument,
                  fmt::format("lifecycle model: the no_skip chain ranks must be 0, 1, ..., {} (one state each); "
                              "state '{}' has rank {} where rank {} was expected",
                              ranks.size() - 1, ranks[r].second, ranks[r].first, r));
  for (const auto& p : ranks) spec.no_skip_chain.push_back(p.second);
  return spec;
}

CRMKIT_FUNC lifecycle_model lifecycle_model_builder::build() const { return lifecycle_model::from_spec(spec()); }

CRMKIT_END_NAMESPACE
