/// @file crmkit/lifecycle/guard.hpp
/// `guard`: a transition condition over named per-customer metric columns, parsed from a
/// small expression language and compiled to a postfix bytecode that is evaluated
/// column-wise over blocks of customers (structure of arrays), never by a per-customer
/// tree walk with name lookups.
///
/// Grammar (keywords are case-sensitive; precedence `not` > `and` > `or`):
/// @code{.unparsed}
///   expr       := conj ('or' conj)*
///   conj       := primary ('and' primary)*
///   primary    := 'not' primary | '(' expr ')' | 'true' | 'false' | 'missing' '(' column ')'
///              | 'present' '(' column ')' | comparison
///   comparison := operand op operand        (at least one side names a column)
///   operand    := number | column | number '*' column | string
///   string     := "'" level "'" | '"' level '"'   (a level of a category column; == and != only)
///   op         := '<' | '<=' | '>' | '>=' | '==' | '!='
/// @endcode
/// A missing value (NaN) never satisfies a comparison, `!=` included; `missing(c)` is the
/// one way to test for it. `k * c` scales a column, e.g. `recency_days > 3 * median_gap_days`.
///
/// `not` follows SQL's three-valued (Kleene) logic: a comparison with a missing value is
/// *unknown*, `not unknown` is unknown, `false and unknown` is false, `true or unknown` is
/// true, and a guard holds only when its value is true. So `not (recency_days > 90)` does
/// not hold for a customer without purchases (recency NaN), exactly like
/// `recency_days <= 90`: a missing value never satisfies a comparison, negated or not. To
/// select the missing ones, write `missing(recency_days)` or `not present(recency_days)`.
/// `not` is compiled away (pushed to the leaves by De Morgan), so it costs nothing at
/// evaluation.
///
/// `#include <crmkit/lifecycle/guard.hpp>`
///
/// Thread safety: immutable after construction; concurrent const use is safe.
///
/// @code
/// auto resolve = [](std::string_view name) { return name == "orders" ? 0 : name == "recency_days" ? 1 : -1; };
/// crmkit::guard g = crmkit::guard::parse("recency_days > 90 and orders >= 2", resolve);
/// const double* columns[] = {orders, recency};
/// std::vector<std::uint8_t> out(n);
/// g.evaluate(columns, 0, n, out.data());   // out[i] = 1 where customer i satisfies the guard
/// @endcode
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Comparison operators of a guard atom.
enum class compare_op : std::uint8_t { lt, le, gt, ge, eq, ne };

/// One leaf of a guard, normalised so that the column is on the left:
/// `column op constant`, `column op factor * column2`, `missing(column)` or a constant.
struct guard_atom {
  /// What the atom tests.
  enum class kind : std::uint8_t { constant, compare_value, compare_column, missing };
  kind type = kind::constant;
  compare_op op = compare_op::eq;
  bool truth = true;     ///< for kind::constant: the value; for kind::missing: false means `present(c)`
  int column = -1;       ///< left column id
  int column2 = -1;      ///< right column id (compare_column)
  double value = 0.0;    ///< constant (compare_value) or factor (compare_column)
};

/// One bytecode instruction: push an atom's mask, or combine the top two masks.
struct guard_instruction {
  /// Opcodes of the postfix program.
  enum class opcode : std::uint8_t { atom, and_, or_ };
  opcode code = opcode::atom;
  std::uint32_t atom = 0;  ///< index into atoms() for opcode::atom
};

/// A compiled guard (see the file comment).
class guard {
 public:
  /// Resolves a column name to a dense column id, or returns -1 for an unknown name.
  using resolver = std::function<int(std::string_view)>;
  /// Resolves a level of category column `column` (`segment == 'Champions'`) to the number
  /// the column holds for it (its code), or nullopt when the column has no such level. May
  /// throw crmkit::error when `column` is not a category column.
  using level_resolver = std::function<std::optional<double>(int column, std::string_view level)>;

  /// Number of customers evaluated per block: masks of this many bytes stay in L1.
  static constexpr std::size_t block_size = 512;

  /// The guard `true`.
  guard() { atoms_.push_back({}); program_.push_back({}); text_ = "true"; }

  /// Parses and compiles `text`.
  /// String literals are allowed only when `levels` is given (category columns).
  /// @throws crmkit::error (parse_error) naming the 1-based character position and what was
  ///         expected there (parentheses nested deeper than 256 levels included); (not_found)
  ///         for a column `resolve` does not know or a level `levels` does not know, with its
  ///         position.
  [[nodiscard]] CRMKIT_FUNC static guard parse(std::string_view text, const resolver& resolve,
                                               const level_resolver& levels = {});

  /// Evaluates rows [begin, begin + count) column-wise: `out[i] = 1` when row begin + i
  /// satisfies the guard, else 0. `columns[id]` points at column `id`'s values (row 0 first).
  /// Precondition: every column the guard uses is non-null and holds begin + count rows.
  CRMKIT_FUNC void evaluate(const double* const* columns, std::size_t begin, std::size_t count,
                            std::uint8_t* out) const;

  /// Evaluates one row (used for cascade hops); `override_column`, when >= 0, reads
  /// `override_value` instead of that column.
  [[nodiscard]] CRMKIT_FUNC bool evaluate_row(const double* const* columns, std::size_t row, int override_column = -1,
                                              double override_value = 0.0) const noexcept;

  /// The guard as a disjunction of conjunctions of atom indices (`!=` is split into `<` or
  /// `>`, so atoms may be added), or nullopt when that form would exceed `max_terms`.
  /// Used to decide statically whether two guards can both hold.
  [[nodiscard]] CRMKIT_FUNC std::optional<std::vector<std::vector<guard_atom>>> disjunctive_form(
      std::size_t max_terms = 256) const;

  /// The source text.
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  /// The leaves.
  [[nodiscard]] const std::vector<guard_atom>& atoms() const noexcept { return atoms_; }
  /// The postfix program.
  [[nodiscard]] const std::vector<guard_instruction>& program() const noexcept { return program_; }
  /// Ids of the columns the guard reads (sorted, unique).
  [[nodiscard]] CRMKIT_FUNC std::vector<int> columns() const;

 private:
  std::string text_;
  std::vector<guard_atom> atoms_;
  std::vector<guard_instruction> program_;
};

/// True when `a` and `b`, both conjunctions of atoms over numeric columns, can hold for one
/// customer; nullopt when that cannot be decided from intervals alone (column-to-column
/// comparisons). NaN satisfies no comparison, so `missing(c)` excludes any comparison on c.
[[nodiscard]] CRMKIT_FUNC std::optional<bool> conjunctions_intersect(const std::vector<guard_atom>& a,
                                                                     const std::vector<guard_atom>& b);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/lifecycle/guard_impl.hpp"
#endif
