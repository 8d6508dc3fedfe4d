/// @file crmkit/lifecycle/model.hpp
/// `lifecycle_model`: the states, transitions, rule policy and invariants of a customer
/// lifecycle state machine, defined at run time (from a JSON or TOML document, a `model_spec`
/// built in code, or the C ABI's builder calls) and validated once when loaded.
///
/// A transition has source states (or `*` for every state but its target), a target (a
/// state, or `@history`: the stage the customer left to enter the current one), a guard
/// over named metric columns (crmkit/lifecycle/guard.hpp), an optional name, a priority and
/// a trigger (`time`: evaluated at an as-of date; `purchase`: evaluated on a purchase event;
/// `any`: both). Columns a guard may read are the built-in metrics (`builtin_columns()`:
/// recency_days, orders, tenure_days, monetary, avg_order_value, median_gap_days computed
/// from the transaction log, and stage_days, the whole days since the customer entered the
/// current stage) and the host columns the document declares.
///
/// JSON document (strict RFC 8259; unknown keys are errors):
/// @code{.json}
/// {
///   "states": ["prospect", "active", "lapsed"],
///   "initial": "prospect",                      // default: the first state
///   "policy": "first_match",                    // or "priority" / "unique"
///   "columns": ["churn_score"],                 // host columns beyond the built-ins
///   "invariants": {"no_skip": ["prospect", "active"], "forward_only": false},
///   "cascade": true, "max_hops": 8,
///   "transitions": [
///     {"name": "first_order", "from": ["prospect"], "to": "active", "guard": "orders >= 1"},
///     {"from": "*", "to": "lapsed", "guard": "recency_days > 90 or churn_score > 0.8",
///      "priority": 0, "on": "time"},
///     {"from": ["lapsed"], "to": "@history", "guard": "recency_days <= 90"}
///   ]
/// }
/// @endcode
/// (The comments above are for the reader; the parser rejects them.)
///
/// Saved document: `lifecycle_model::to_text()` writes the JSON document above with every
/// key spelled out, preceded by a header naming the document, its format version and the
/// library that wrote it; every reader accepts the header (also as a TOML `[crmkit]`
/// table) and checks it when present:
/// @code{.json}
/// {"crmkit": {"document": "lifecycle_model", "format": 1, "library": "0.3.0"},
///  "states": ["prospect", "active", "lapsed"], ...}
/// @endcode
/// `from_text(to_text())` builds the same model, and its to_text() is the same text.
///
/// TOML document (the same keys; TOML has comments and dates, dates are rejected):
/// @code{.toml}
/// states = ["prospect", "active", "lapsed"]
/// policy = "first_match"
/// cascade = true
/// [invariants]
/// no_skip = ["prospect", "active"]
/// [[transitions]]
/// name = "first_order"
/// from = ["prospect"]
/// to = "active"
/// guard = "orders >= 1"
/// @endcode
///
/// Validation (each failure throws crmkit::error naming the problem): empty or duplicate
/// state names; more than 64 states; an unknown initial, source or target state; a guard
/// that does not parse (with the 1-based character position) or names an unknown column; a
/// transition from a state to itself; a state unreachable from the initial state; under
/// the `unique` policy two transitions from a common state whose guards can both hold
/// (decided on intervals; guards comparing two columns are checked per customer at
/// evaluation instead); under `no_skip`, a transition from a chain stage to a chain stage
/// more than one rank further; under `forward_only`, a transition to an earlier-declared
/// state or to `@history`; a priority outside [-10^9, 10^9] or max_hops above 10^9 (the
/// documents' integer range).
///
/// Untrusted text: every reader reports malformed input as crmkit::error with the line,
/// column and key; no input crashes or aborts (tests/fuzz: fuzz_model_json, fuzz_model_toml,
/// fuzz_model_text).
///
/// `#include <crmkit/lifecycle/model.hpp>`
///
/// Thread safety: immutable after construction; concurrent const use is safe.
///
/// @code
/// auto model = crmkit::lifecycle_model::from_json(R"({"states": ["new", "active"],
///   "transitions": [{"from": ["new"], "to": "active", "guard": "orders >= 1"}]})");
/// int active = model.find_state("active");   // 1
/// @endcode
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/lifecycle/guard.hpp"

CRMKIT_BEGIN_NAMESPACE

/// How one transition is chosen when several could fire for a customer.
enum class rule_policy : int {
  first_match = 0,  ///< the first matching transition in document order (default)
  priority = 1,     ///< the matching transition with the highest priority; ties by order
  unique = 2,       ///< overlap is an error: at load (intervals) or at evaluation
};

/// Which events evaluate a transition (bit flags).
enum class transition_trigger : int {
  time = 1,      ///< evaluation at an as-of date
  purchase = 2,  ///< a purchase event for the customer
  any = 3,       ///< both
};

/// The built-in metric columns, in column-id order (ids 0..6). `stage_days` is computed
/// by the machine; the others come from crmkit/lifecycle/metrics.hpp or the host.
[[nodiscard]] inline constexpr std::array<std::string_view, 7> builtin_columns() noexcept {
  return {"recency_days", "orders", "tenure_days", "monetary", "avg_order_value", "median_gap_days", "stage_days"};
}
/// Column id of the machine-computed `stage_days` column.
inline constexpr int stage_days_column = 6;
/// The target name that means "return to the stage left when entering the current one".
inline constexpr std::string_view history_target = "@history";
/// Maximum number of states of one model (state sets are 64-bit masks).
inline constexpr std::size_t max_states = 64;
/// The format version of the saved document's header (`"crmkit": {"format": 1}`).
inline constexpr int model_document_format = 1;
/// Largest |priority| and max_hops a document can carry (its integers are at most 10^9).
inline constexpr int max_document_integer = 1'000'000'000;

/// One transition as written by the host.
struct transition_spec {
  std::string name;               ///< optional; defaults to "from->to" of its first source
  std::vector<std::string> from;  ///< source states; {"*"} means every state but the target
  std::string to;                 ///< target state or "@history"
  std::string guard = "true";     ///< guard expression (see guard.hpp)
  int priority = 0;               ///< larger wins under rule_policy::priority
  transition_trigger on = transition_trigger::time;  ///< which events evaluate it
};

/// A model as written by the host, before validation.
struct model_spec {
  std::vector<std::string> states;           ///< names, in declaration (funnel) order
  std::string initial;                       ///< initial state; empty means states[0]
  rule_policy policy = rule_policy::first_match;
  std::vector<std::string> columns;          ///< host columns the guards may read
  std::vector<std::string> no_skip_chain;    ///< ordered chain that may not be skipped (empty: none)
  bool forward_only = false;                 ///< funnel mode: moving back needs a reset
  bool cascade = false;                      ///< one evaluation may pass through several stages
  int max_hops = 0;                          ///< cascade bound per evaluation; 0 means the number of states
  std::vector<transition_spec> transitions;  ///< in document order
};

/// A validated, compiled transition.
struct lifecycle_transition {
  std::string name;
  std::uint64_t from_mask = 0;  ///< bit s set when state s is a source
  int to = -1;                  ///< target state, or -1 for @history
  guard condition;              ///< compiled guard
  int priority = 0;
  transition_trigger on = transition_trigger::time;
};

/// A validated lifecycle model (see the file comment).
class lifecycle_model {
 public:
  /// Validates and compiles `spec`. @throws crmkit::error (see the file comment for the list).
  [[nodiscard]] CRMKIT_FUNC static lifecycle_model from_spec(const model_spec& spec);
  /// Parses a JSON document and validates it. @throws crmkit::error (parse_error with line
  /// and column for malformed JSON or arrays/objects nested deeper than 64 levels;
  /// invalid_argument/not_found/parse_error for the model).
  [[nodiscard]] CRMKIT_FUNC static lifecycle_model from_json(std::string_view text);
  /// Parses a JSON document into a spec without validating the model.
  [[nodiscard]] CRMKIT_FUNC static model_spec spec_from_json(std::string_view text);
  /// Reads a saved document (to_text()) or any model document: JSON when its first
  /// non-blank character is `{`, else TOML. @throws crmkit::error as from_json() /
  /// from_toml(); also (parse_error) for a header naming another document or a newer format,
  /// and (unsupported) for TOML under crmkit::header_only, which has no TOML reader.
  [[nodiscard]] CRMKIT_FUNC static lifecycle_model from_text(std::string_view text);
  /// The model as a saved document (see the file comment): JSON with a header, two-space
  /// indented, keys in schema order, every setting written (defaults included).
  [[nodiscard]] CRMKIT_FUNC std::string to_text() const;
#ifndef CRMKIT_HEADER_ONLY
  /// Parses a TOML (v1.0) document with the JSON document's keys (see the file comment) and
  /// validates it. TOML is read by toml++, compiled into crmkit's library only
  /// (src/lifecycle/model_toml.cpp), so these two are not declared for crmkit::header_only.
  /// @throws crmkit::error (parse_error with "TOML line L column C" for malformed TOML, a
  ///         value of the wrong type, or keys, arrays or inline tables nested deeper than 64
  ///         levels; the model errors of from_spec()). No input aborts: toml++ 3.3.0's
  ///         internal checks are turned into parse errors (docs/reliability.md).
  [[nodiscard]] static lifecycle_model from_toml(std::string_view text);
  /// Parses a TOML document into a spec without validating the model.
  [[nodiscard]] static model_spec spec_from_toml(std::string_view text);
#endif

  [[nodiscard]] std::size_t n_states() const noexcept { return states_.size(); }
  [[nodiscard]] const std::vector<std::string>& states() const noexcept { return states_; }
  [[nodiscard]] const std::string& state_name(int state) const noexcept { return states_[static_cast<std::size_t>(state)]; }
  /// Index of state `name`, or -1.
  [[nodiscard]] CRMKIT_FUNC int find_state(std::string_view name) const noexcept;
  [[nodiscard]] int initial() const noexcept { return initial_; }
  [[nodiscard]] rule_policy policy() const noexcept { return policy_; }
  [[nodiscard]] bool forward_only() const noexcept { return forward_only_; }
  [[nodiscard]] bool cascade() const noexcept { return cascade_; }
  [[nodiscard]] int max_hops() const noexcept { return max_hops_; }
  /// Transitions in document order.
  [[nodiscard]] const std::vector<lifecycle_transition>& transitions() const noexcept { return transitions_; }
  /// Transition indices in the order the policy tries them (priority: by priority, then order).
  [[nodiscard]] const std::vector<int>& try_order() const noexcept { return try_order_; }
  /// Rank of `state` on the no-skip chain, or -1 when it is not on it.
  [[nodiscard]] int chain_rank(int state) const noexcept { return chain_rank_[static_cast<std::size_t>(state)]; }
  [[nodiscard]] bool has_no_skip_chain() const noexcept { return has_chain_; }
  /// All column names by id: builtin_columns() first, then the host columns.
  [[nodiscard]] const std::vector<std::string>& columns() const noexcept { return columns_; }
  /// Id of column `name`, or -1.
  [[nodiscard]] CRMKIT_FUNC int find_column(std::string_view name) const noexcept;
  /// Per column id: true when some guard reads it.
  [[nodiscard]] const std::vector<bool>& columns_used() const noexcept { return used_; }
  /// The spec the model was built from.
  [[nodiscard]] const model_spec& spec() const noexcept { return spec_; }

 private:
  model_spec spec_;
  std::vector<std::string> states_;
  std::vector<std::string> columns_;
  std::vector<bool> used_;
  std::vector<lifecycle_transition> transitions_;
  std::vector<int> try_order_;
  std::vector<int> chain_rank_;
  int initial_ = 0;
  int max_hops_ = 1;
  rule_policy policy_ = rule_policy::first_match;
  bool forward_only_ = false;
  bool cascade_ = false;
  bool has_chain_ = false;
};

/// `lifecycle_model_builder`: a model defined by calls, one per document key, then built
/// (validated) at once by lifecycle_model::from_spec(). The C ABI's crmkit_lifecycle_builder_*
/// calls and Python's `crmkit.LifecycleBuilder` methods are translations of these.
///
/// Thread safety: not synchronized; use from one thread at a time.
///
/// @code
/// crmkit::lifecycle_model_builder b;
/// b.add_state("lead").add_state("buyer").add_state("lapsed").set_no_skip({"lead", "buyer"});
/// b.add_transition({"buy", {"lead"}, "buyer", "orders >= 1"});
/// b.add_transition({"", {"buyer"}, "lapsed", "recency_days > 90"});
/// crmkit::lifecycle_model model = b.build();
/// @endcode
///
/// The no-skip chain is given either whole (set_no_skip) or as each state's rank on it
/// (add_state's chain_rank: the ranks must then be 0, 1, ..., k-1); giving both is an error
/// at build. Argument errors that need no other call's data throw at the call; everything
/// else throws at build, with from_spec()'s messages.
class lifecycle_model_builder {
 public:
  /// Appends a state (declaration order is funnel order). `chain_rank`: the state's 0-based
  /// position on the no-skip chain, or -1. @throws crmkit::error (invalid_argument) for chain_rank < -1.
  CRMKIT_FUNC lifecycle_model_builder& add_state(std::string name, int chain_rank = -1);
  /// Names the initial state (default: the first state).
  CRMKIT_FUNC lifecycle_model_builder& set_initial(std::string name);
  /// Declares a host column the guards may read.
  CRMKIT_FUNC lifecycle_model_builder& add_column(std::string name);
  /// Appends a transition. @throws crmkit::error (invalid_argument) when it has no source
  /// state or `on` is not time, purchase or any.
  CRMKIT_FUNC lifecycle_model_builder& add_transition(transition_spec transition);
  /// Sets the ordered no-skip chain (replaces an earlier one).
  CRMKIT_FUNC lifecycle_model_builder& set_no_skip(std::vector<std::string> chain);
  /// The rule policy. @throws crmkit::error (invalid_argument) for a value outside the enum.
  CRMKIT_FUNC lifecycle_model_builder& set_policy(rule_policy policy);
  /// Funnel mode (see model_spec::forward_only).
  CRMKIT_FUNC lifecycle_model_builder& set_forward_only(bool on);
  /// Cascading evaluations (see model_spec::cascade).
  CRMKIT_FUNC lifecycle_model_builder& set_cascade(bool on);
  /// Cascade bound per evaluation (0: the number of states).
  /// @throws crmkit::error (invalid_argument) outside [0, 10^6].
  CRMKIT_FUNC lifecycle_model_builder& set_max_hops(std::int64_t max_hops);
  /// The spec so far, with chain ranks turned into the no-skip chain.
  /// @throws crmkit::error (invalid_argument) when the ranks are not 0..k-1 or both ranks
  ///         and a chain were given.
  [[nodiscard]] CRMKIT_FUNC model_spec spec() const;
  /// Validates and builds the model (from_spec(spec())); the builder is unchanged.
  [[nodiscard]] CRMKIT_FUNC lifecycle_model build() const;

 private:
  model_spec spec_;
  std::vector<std::pair<int, std::string>> ranks_;  // (chain rank, state) as added
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/lifecycle/model_impl.hpp"
#endif
