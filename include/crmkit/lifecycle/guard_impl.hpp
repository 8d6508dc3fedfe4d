// Definitions for crmkit/lifecycle/guard.hpp. Included by that header in header-only mode
// and by src/lifecycle/guard.cpp otherwise.
// IWYU pragma: private, include "crmkit/lifecycle/guard.hpp"
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/lifecycle/guard.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

inline const char* op_text(compare_op op) noexcept {
  switch (op) {
    case compare_op::lt: return "<";
    case compare_op::le: return "<=";
    case compare_op::gt: return ">";
    case compare_op::ge: return ">=";
    case compare_op::eq: return "==";
    case compare_op::ne: return "!=";
  }
  return "?";
}

// a op b  <=>  b flip(op) a
inline compare_op flip(compare_op op) noexcept {
  switch (op) {
    case compare_op::lt: return compare_op::gt;
    case compare_op::le: return compare_op::ge;
    case compare_op::gt: return compare_op::lt;
    case compare_op::ge: return compare_op::le;
    default: return op;
  }
}

// The complement of a comparison: not (a op b) == a negate(op) b for numbers. For NaN both
// sides are "unknown" under three-valued logic and both are false here (see guard.hpp).
inline compare_op negate(compare_op op) noexcept {
  switch (op) {
    case compare_op::lt: return compare_op::ge;
    case compare_op::le: return compare_op::gt;
    case compare_op::gt: return compare_op::le;
    case compare_op::ge: return compare_op::lt;
    case compare_op::eq: return compare_op::ne;
    case compare_op::ne: return compare_op::eq;
  }
  return op;
}

// Comparison with the house NaN rule: NaN on either side is false, `!=` included
// (IEEE would make NaN != k true).
inline bool compare(double x, compare_op op, double y) noexcept {
  switch (op) {
    case compare_op::lt: return x < y;
    case compare_op::le: return x <= y;
    case compare_op::gt: return x > y;
    case compare_op::ge: return x >= y;
    case compare_op::eq: return x == y;
    case compare_op::ne: return x == x && y == y && x != y;
  }
  return false;
}

// The deepest parenthesis nesting a guard may have (the parser recurses once per level).
inline constexpr int guard_max_nesting = 256;

class guard_parser {
 public:
  guard_parser(std::string_view text, const guard::resolver& resolve, const guard::level_resolver& levels)
      : s_(text), resolve_(resolve), levels_(levels) {
    next();
  }

  void run(std::vector<guard_atom>& atoms, std::vector<guard_instruction>& program) {
    atoms_ = &atoms;
    program_ = &program;
    if (tok_.type == tt::end) fail(tok_.pos, "empty guard; write `true` for a guard that always holds");
    parse_or(false);
    if (tok_.type != tt::end) fail(tok_.pos, fmt::format("unexpected '{}' (expected 'and', 'or' or the end)", tok_.text));
  }

 private:
  enum class tt { ident, number, string, op, lparen, rparen, star, end };
  struct token {
    tt type = tt::end;
    std::string_view text;
    std::size_t pos = 0;  // 0-based
    double number = 0.0;
    compare_op op = compare_op::eq;
  };
  std::string_view s_;
  const guard::resolver& resolve_;
  const guard::level_resolver& levels_;
  std::size_t pos_ = 0;
  token tok_;
  std::vector<guard_atom>* atoms_ = nullptr;
  std::vector<guard_instruction>* program_ = nullptr;
  int depth_ = 0;  // open parentheses

  [[noreturn]] void fail(std::size_t pos, const std::string& why, errc code = errc::parse_error) const {
    // A very long guard is quoted by its start only; the position locates the problem.
    const std::string quoted = s_.size() <= 120 ? std::string(s_) : fmt::format("{}...", s_.substr(0, 60));
    throw error(code, fmt::format("guard \"{}\": at position {}: {}", quoted, pos + 1, why));
  }

  void next() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
    tok_ = token{};
    tok_.pos = pos_;
    if (pos_ >= s_.size()) return;
    const char c = s_[pos_];
    auto is_ident_start = [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_'; };
    auto is_ident = [&](char ch) { return is_ident_start(ch) || (ch >= '0' && ch <= '9') || ch == '.'; };
    if (is_ident_start(c)) {
      std::size_t e = pos_ + 1;
      while (e < s_.size() && is_ident(s_[e])) ++e;
      tok_.type = tt::ident;
      tok_.text = s_.substr(pos_, e - pos_);
      pos_ = e;
      return;
    }
    if ((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+') {
      std::size_t e = pos_ + 1;
      while (e < s_.size() && ((s_[e] >= '0' && s_[e] <= '9') || s_[e] == '.' || s_[e] == 'e' || s_[e] == 'E' ||
                               ((s_[e] == '-' || s_[e] == '+') && (s_[e - 1] == 'e' || s_[e - 1] == 'E'))))
        ++e;
      const std::size_t start = c == '+' ? pos_ + 1 : pos_;
      double v = 0.0;
      const auto r = std::from_chars(s_.data() + start, s_.data() + e, v);
      if (r.ec != std::errc() || r.ptr != s_.data() + e || !std::isfinite(v))
        fail(pos_, fmt::format("'{}' is not a finite number", s_.substr(pos_, e - pos_)));
      tok_.type = tt::number;
      tok_.number = v;
      tok_.text = s_.substr(pos_, e - pos_);
      pos_ = e;
      return;
    }
    if (c == '\'' || c == '"') {  // a level of a category column: 'A' or "A", no escapes
      const std::size_t close = s_.find(c, pos_ + 1);
      if (close == std::string_view::npos) fail(pos_, fmt::format("unterminated string (missing closing {})", c));
      tok_.type = tt::string;
      tok_.text = s_.substr(pos_ + 1, close - pos_ - 1);
      pos_ = close + 1;
      return;
    }
    auto two = [&](char second) { return pos_ + 1 < s_.size() && s_[pos_ + 1] == second; };
    tok_.type = tt::op;
    if (c == '<' && two('=')) tok_.op = compare_op::le, pos_ += 2;
    else if (c == '>' && two('=')) tok_.op = compare_op::ge, pos_ += 2;
    else if (c == '=' && two('=')) tok_.op = compare_op::eq, pos_ += 2;
    else if (c == '!' && two('=')) tok_.op = compare_op::ne, pos_ += 2;
    else if (c == '<') tok_.op = compare_op::lt, pos_ += 1;
    else if (c == '>') tok_.op = compare_op::gt, pos_ += 1;
    else if (c == '(') tok_.type = tt::lparen, pos_ += 1;
    else if (c == ')') tok_.type = tt::rparen, pos_ += 1;
    else if (c == '*') tok_.type = tt::star, pos_ += 1;
    else if (c == '=') fail(pos_, "'=' is not an operator; write '==' to test equality");
    else fail(pos_, fmt::format("unexpected character '{}'", c));
    tok_.text = s_.substr(tok_.pos, pos_ - tok_.pos);
  }

  static bool keyword(std::string_view w) {
    return w == "and" || w == "or" || w == "true" || w == "false" || w == "missing" || w == "present" || w == "not";
  }

  // `not` is pushed down to the leaves while parsing (negation normal form): De Morgan
  // swaps and/or under a negation and a negated leaf is its complement (< becomes >=,
  // missing() becomes present(), true becomes false). Under Kleene's three-valued logic,
  // where a comparison with NaN is unknown and `not unknown` is unknown, De Morgan holds and
  // the complement of an unknown comparison is unknown again; evaluating the negation-free
  // program with unknown as false then gives exactly "satisfied when the three-valued
  // result is true" (and/or are monotone, so mapping unknown to false commutes with them).
  void emit_atom(guard_atom a, bool negated) {
    if (negated) {
      if (a.type == guard_atom::kind::compare_value || a.type == guard_atom::kind::compare_column) a.op = negate(a.op);
      else a.truth = !a.truth;  // constant, missing/present
    }
    atoms_->push_back(a);
    program_->push_back({guard_instruction::opcode::atom, static_cast<std::uint32_t>(atoms_->size() - 1)});
  }

  // Precedence: not > and > or.
  void parse_or(bool negated) {
    parse_and(negated);
    while (tok_.type == tt::ident && tok_.text == "or") {
      next();
      parse_and(negated);
      program_->push_back({negated ? guard_instruction::opcode::and_ : guard_instruction::opcode::or_, 0});
    }
  }
  void parse_and(bool negated) {
    parse_primary(negated);
    while (tok_.type == tt::ident && tok_.text == "and") {
      next();
      parse_primary(negated);
      program_->push_back({negated ? guard_instruction::opcode::or_ : guard_instruction::opcode::and_, 0});
    }
  }

  int column_id(const token& t) {
    const int id = resolve_(t.text);
    if (id < 0) fail(t.pos, fmt::format("unknown column '{}'", t.text), errc::not_found);
    return id;
  }

  // operand := number | string | column | number '*' column
  struct operand {
    bool is_column = false;
    bool is_string = false;  // a category level; `value` is its code once resolved
    std::string_view text;
    int column = -1;
    double value = 0.0;   // the number, or the factor of a column
    std::size_t pos = 0;
  };
  operand parse_operand() {
    operand o;
    o.pos = tok_.pos;
    if (tok_.type == tt::string) {
      o.is_string = true;
      o.text = tok_.text;
      next();
      return o;
    }
    if (tok_.type == tt::number) {
      o.value = tok_.number;
      next();
      if (tok_.type == tt::star) {
        next();
        if (tok_.type != tt::ident || keyword(tok_.text)) fail(tok_.pos, "expected a column name after '*'");
        o.is_column = true;
        o.column = column_id(tok_);
        next();
      }
      return o;
    }
    if (tok_.type == tt::ident && !keyword(tok_.text)) {
      o.is_column = true;
      o.column = column_id(tok_);
      o.value = 1.0;
      next();
      if (tok_.type == tt::star) fail(tok_.pos, "write the factor first: `3 * column`");
      return o;
    }
    if (tok_.type == tt::end) fail(tok_.pos, "unexpected end of guard, expected a column or a number");
    fail(tok_.pos, fmt::format("expected a column or a number, found '{}'", tok_.text));
  }

  // `category_column == 'level'`: the level becomes the column's code for it, so the atom
  // is an ordinary numeric comparison. Only == and != have a meaning for levels.
  void resolve_level(operand& level, const operand& col, compare_op op) {
    if (!col.is_column || col.value != 1.0)
      fail(level.pos, "a string compares with a category column, as in `segment == 'Champions'`");
    if (op != compare_op::eq && op != compare_op::ne)
      fail(level.pos, "strings compare with == or != only (levels have no order)");
    if (!levels_) fail(level.pos, "strings are not allowed here: these columns are numeric");
    const std::optional<double> code = levels_(col.column, level.text);
    if (!code) fail(level.pos, fmt::format("'{}' is not a level of that column", level.text), errc::not_found);
    level.value = *code;
    level.is_string = false;
  }

  void parse_primary(bool negated) {
    while (tok_.type == tt::ident && tok_.text == "not") {  // a loop: `not not ... x` needs no stack
      next();
      if (tok_.type == tt::end) fail(tok_.pos, "unexpected end of guard after 'not'");
      negated = !negated;
    }
    if (tok_.type == tt::lparen) {
      // Parentheses recurse; their nesting is bounded so that no input can exhaust the stack.
      if (depth_ >= guard_max_nesting)
        fail(tok_.pos, fmt::format("parentheses nested deeper than {} levels", guard_max_nesting));
      ++depth_;
      next();
      parse_or(negated);
      if (tok_.type != tt::rparen) fail(tok_.pos, tok_.type == tt::end ? "missing ')'" : "expected ')'");
      next();
      --depth_;
      return;
    }
    if (tok_.type == tt::ident && (tok_.text == "true" || tok_.text == "false")) {
      guard_atom a;
      a.type = guard_atom::kind::constant;
      a.truth = tok_.text == "true";
      next();
      emit_atom(a, negated);
      return;
    }
    if (tok_.type == tt::ident && (tok_.text == "missing" || tok_.text == "present")) {
      guard_atom a;
      a.type = guard_atom::kind::missing;
      a.truth = tok_.text == "missing";
      next();
      if (tok_.type != tt::lparen) fail(tok_.pos, "expected '(' after missing/present");
      next();
      if (tok_.type != tt::ident || keyword(tok_.text)) fail(tok_.pos, "expected a column name");
      a.column = column_id(tok_);
      next();
      if (tok_.type != tt::rparen) fail(tok_.pos, "expected ')'");
      next();
      emit_atom(a, negated);
      return;
    }
    operand lhs = parse_operand();
    if (tok_.type != tt::op)
      fail(tok_.pos, tok_.type == tt::end ? "unexpected end of guard, expected a comparison operator"
                                          : fmt::format("expected a comparison operator, found '{}'", tok_.text));
    const compare_op op = tok_.op;
    next();
    operand rhs = parse_operand();
    if (lhs.is_string && rhs.is_string) fail(lhs.pos, "a comparison needs a column on at least one side");
    if (lhs.is_string) resolve_level(lhs, rhs, op);
    if (rhs.is_string) resolve_level(rhs, lhs, op);
    guard_atom a;
    if (!lhs.is_column && !rhs.is_column) fail(lhs.pos, "a comparison needs a column on at least one side");
    if (lhs.is_column && rhs.is_column) {
      if (lhs.value != 1.0 && rhs.value != 1.0) fail(lhs.pos, "only one side of a comparison may be scaled");
      a.type = guard_atom::kind::compare_column;
      if (lhs.value == 1.0) {  // a op k*b
        a.column = lhs.column, a.op = op, a.value = rhs.value, a.column2 = rhs.column;
      } else {  // k*a op b  <=>  b flip(op) k*a
        a.column = rhs.column, a.op = flip(op), a.value = lhs.value, a.column2 = lhs.column;
      }
    } else {
      const operand& col = lhs.is_column ? lhs : rhs;
      const operand& num = lhs.is_column ? rhs : lhs;
      compare_op o = lhs.is_column ? op : flip(op);
      if (col.value == 0.0) fail(col.pos, "a factor of 0 makes the comparison constant");
      double v = num.value / col.value;
      if (col.value < 0.0) o = flip(o);  // k*c op v <=> c flip(op) v/k for k < 0
      a.type = guard_atom::kind::compare_value, a.column = col.column, a.op = o, a.value = v;
    }
    emit_atom(a, negated);
  }
};

// Writes the mask of one atom for rows [begin, begin + n) into out.
inline void atom_mask(const guard_atom& a, const double* const* columns, std::size_t begin, std::size_t n,
                      std::uint8_t* out) noexcept {
  switch (a.type) {
    case guard_atom::kind::constant:
      std::fill(out, out + n, static_cast<std::uint8_t>(a.truth));
      return;
    case guard_atom::kind::missing: {
      const double* x = columns[a.column] + begin;
      const bool want = a.truth;
      for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(std::isnan(x[i]) == want);
      return;
    }
    case guard_atom::kind::compare_value: {
      const double* x = columns[a.column] + begin;
      const double v = a.value;
      // One tight loop per operator so that the compiler vectorises each.
      switch (a.op) {
        case compare_op::lt: for (std::size_t i = 0; i < n; ++i) out[i] = x[i] < v; return;
        case compare_op::le: for (std::size_t i = 0; i < n; ++i) out[i] = x[i] <= v; return;
        case compare_op::gt: for (std::size_t i = 0; i < n; ++i) out[i] = x[i] > v; return;
        case compare_op::ge: for (std::size_t i = 0; i < n; ++i) out[i] = x[i] >= v; return;
        case compare_op::eq: for (std::size_t i = 0; i < n; ++i) out[i] = x[i] == v; return;
        case compare_op::ne: for (std::size_t i = 0; i < n; ++i) out[i] = x[i] == x[i] && x[i] != v; return;
      }
      return;
    }
    case guard_atom::kind::compare_column: {
      const double* x = columns[a.column] + begin;
      const double* y = columns[a.column2] + begin;
      const double k = a.value;
      for (std::size_t i = 0; i < n; ++i) out[i] = compare(x[i], a.op, k * y[i]);
      return;
    }
  }
}

inline bool atom_row(const guard_atom& a, const double* const* columns, std::size_t row, int override_column,
                     double override_value) noexcept {
  auto get = [&](int c) { return c == override_column ? override_value : columns[c][row]; };
  switch (a.type) {
    case guard_atom::kind::constant: return a.truth;
    case guard_atom::kind::missing: return std::isnan(get(a.column)) == a.truth;
    case guard_atom::kind::compare_value: return compare(get(a.column), a.op, a.value);
    case guard_atom::kind::compare_column: return compare(get(a.column), a.op, a.value * get(a.column2));
  }
  return false;
}

}  // namespace detail

CRMKIT_FUNC guard guard::parse(std::string_view text, const resolver& resolve, const level_resolver& levels) {
  guard g;
  g.atoms_.clear();
  g.program_.clear();
  g.text_ = std::string(text);
  detail::guard_parser(g.text_, resolve, levels).run(g.atoms_, g.program_);
  return g;
}

CRMKIT_FUNC void guard::evaluate(const double* const* columns, std::size_t begin, std::size_t count,
                                 std::uint8_t* out) const {
  if (program_.size() == 1) {  // the common single-comparison guard: straight into out
    detail::atom_mask(atoms_[program_[0].atom], columns, begin, count, out);
    return;
  }
  // A stack of block masks; its depth is at most the program length. Small programs keep
  // it on the call stack (no allocation per block).
  constexpr std::size_t small = 8;
  std::uint8_t local[small * block_size];
  std::vector<std::uint8_t> heap;
  std::uint8_t* stack_data = local;
  if (program_.size() > small) {
    heap.resize(block_size * program_.size());
    stack_data = heap.data();
  }
  for (std::size_t b = 0; b < count; b += block_size) {
    const std::size_t n = std::min(block_size, count - b);
    std::size_t depth = 0;
    for (const auto& ins : program_) {
      if (ins.code == guard_instruction::opcode::atom) {
        detail::atom_mask(atoms_[ins.atom], columns, begin + b, n, stack_data + depth * block_size);
        ++depth;
      } else {
        std::uint8_t* x = stack_data + (depth - 2) * block_size;
        const std::uint8_t* y = stack_data + (depth - 1) * block_size;
        if (ins.code == guard_instruction::opcode::and_)
          for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<std::uint8_t>(x[i] & y[i]);
        else
          for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<std::uint8_t>(x[i] | y[i]);
        --depth;
      }
    }
    std::copy(stack_data, stack_data + n, out + b);
  }
}

CRMKIT_FUNC bool guard::evaluate_row(const double* const* columns, std::size_t row, int override_column,
                                     double override_value) const noexcept {
  bool stack[64];
  std::vector<bool> big;  // only for pathological guards deeper than 64
  const bool use_big = program_.size() > 64;
  if (use_big) big.resize(program_.size());
  std::size_t depth = 0;
  for (const auto& ins : program_) {
    if (ins.code == guard_instruction::opcode::atom) {
      const bool v = detail::atom_row(atoms_[ins.atom], columns, row, override_column, override_value);
      if (use_big) big[depth] = v; else stack[depth] = v;
      ++depth;
    } else {
      const bool x = use_big ? static_cast<bool>(big[depth - 2]) : stack[depth - 2];
      const bool y = use_big ? static_cast<bool>(big[depth - 1]) : stack[depth - 1];
      const bool r = ins.code == guard_instruction::opcode::and_ ? (x && y) : (x || y);
      --depth;
      if (use_big) big[depth - 1] = r; else stack[depth - 1] = r;
    }
  }
  return use_big ? static_cast<bool>(big[0]) : stack[0];
}

CRMKIT_FUNC std::vector<int> guard::columns() const {
  std::vector<int> out;
  for (const auto& a : atoms_) {
    if (a.column >= 0) out.push_back(a.column);
    if (a.column2 >= 0) out.push_back(a.column2);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

CRMKIT_FUNC std::optional<std::vector<std::vector<guard_atom>>> guard::disjunctive_form(std::size_t max_terms) const {
  using dnf = std::vector<std::vector<guard_atom>>;
  std::vector<dnf> stack;
  for (const auto& ins : program_) {
    if (ins.code == guard_instruction::opcode::atom) {
      const guard_atom& a = atoms_[ins.atom];
      if (a.type == guard_atom::kind::compare_value && a.op == compare_op::ne) {
        guard_atom lo = a, hi = a;
        lo.op = compare_op::lt;
        hi.op = compare_op::gt;
        stack.push_back({{lo}, {hi}});
      } else if (a.type == guard_atom::kind::constant) {
        stack.push_back(a.truth ? dnf{{}} : dnf{});
      } else {
        stack.push_back({{a}});
      }
      continue;
    }
    dnf y = std::move(stack.back());
    stack.pop_back();
    dnf& x = stack.back();
    if (ins.code == guard_instruction::opcode::or_) {
      if (x.size() + y.size() > max_terms) return std::nullopt;
      for (auto& t : y) x.push_back(std::move(t));
    } else {
      if (x.size() * y.size() > max_terms) return std::nullopt;
      dnf product;
      for (const auto& p : x)
        for (const auto& q : y) {
          auto t = p;
          t.insert(t.end(), q.begin(), q.end());
          product.push_back(std::move(t));
        }
      x = std::move(product);
    }
  }
  return std::move(stack.back());
}

CRMKIT_FUNC std::optional<bool> conjunctions_intersect(const std::vector<guard_atom>& a,
                                                       const std::vector<guard_atom>& b) {
  struct bounds {
    int column;
    double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
    bool lo_open = true, hi_open = true;
    bool missing = false, present = false;
  };
  std::vector<bounds> cs;
  auto at = [&](int c) -> bounds& {
    for (auto& x : cs)
      if (x.column == c) return x;
    cs.push_back({c});
    return cs.back();
  };
  auto add = [&](const guard_atom& t) -> bool {  // false: undecidable
    switch (t.type) {
      case guard_atom::kind::constant: break;  // never present (DNF dropped constants)
      case guard_atom::kind::compare_column: return false;
      case guard_atom::kind::missing:
        (t.truth ? at(t.column).missing : at(t.column).present) = true;
        break;
      case guard_atom::kind::compare_value: {
        bounds& x = at(t.column);
        x.present = true;
        const double v = t.value;
        auto raise_lo = [&](double lo, bool open) {
          if (lo > x.lo || (lo == x.lo && open && !x.lo_open)) x.lo = lo, x.lo_open = open;
        };
        auto lower_hi = [&](double hi, bool open) {
          if (hi < x.hi || (hi == x.hi && open && !x.hi_open)) x.hi = hi, x.hi_open = open;
        };
        switch (t.op) {
          case compare_op::lt: lower_hi(v, true); break;
          case compare_op::le: lower_hi(v, false); break;
          case compare_op::gt: raise_lo(v, true); break;
          case compare_op::ge: raise_lo(v, false); break;
          case compare_op::eq: raise_lo(v, false), lower_hi(v, false); break;
          case compare_op::ne: return false;  // split by disjunctive_form; never here
        }
        break;
      }
    }
    return true;
  };
  for (const auto& t : a)
    if (!add(t)) return std::nullopt;
  for (const auto& t : b)
    if (!add(t)) return std::nullopt;
  for (const auto& x : cs) {
    if (x.missing && x.present) return false;
    if (x.lo > x.hi || (x.lo == x.hi && (x.lo_open || x.hi_open))) return false;
  }
  return true;
}

CRMKIT_END_NAMESPACE
