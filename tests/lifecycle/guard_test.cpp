#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/lifecycle/guard.hpp"

namespace {

const double NaN = std::numeric_limits<double>::quiet_NaN();

int resolve(std::string_view name) {
  if (name == "a") return 0;
  if (name == "b") return 1;
  if (name == "c") return 2;
  return -1;
}

std::string error_of(const std::string& text) {
  try {
    (void)crmkit::guard::parse(text, resolve);
  } catch (const crmkit::error& e) {
    return e.what();
  }
  return "";
}

// Reference semantics, written independently of the bytecode: a recursive evaluator for
// the fixed expressions of the test below.
bool cmp(double x, const std::string& op, double y) {
  if (std::isnan(x) || std::isnan(y)) return false;
  if (op == "<") return x < y;
  if (op == "<=") return x <= y;
  if (op == ">") return x > y;
  if (op == ">=") return x >= y;
  if (op == "==") return x == y;
  return x != y;
}

// Kleene's three-valued logic, the reference for `not`: a comparison with NaN is unknown.
enum class tri { f, u, t };
tri cmp3(double x, const std::string& op, double y) {
  if (std::isnan(x) || std::isnan(y)) return tri::u;
  return cmp(x, op, y) ? tri::t : tri::f;
}
tri k_not(tri x) { return x == tri::t ? tri::f : x == tri::f ? tri::t : tri::u; }
tri k_and(tri x, tri y) { return x == tri::f || y == tri::f ? tri::f : x == tri::u || y == tri::u ? tri::u : tri::t; }
tri k_or(tri x, tri y) { return k_not(k_and(k_not(x), k_not(y))); }

}  // namespace

TEST_CASE("guard: not, with SQL three-valued logic for missing values") {
  // Every combination of a, b, c in {NaN, 1, 2, 3}.
  std::vector<double> a, b, c;
  const double vals[] = {NaN, 1, 2, 3};
  for (double x : vals)
    for (double y : vals)
      for (double z : vals) a.push_back(x), b.push_back(y), c.push_back(z);
  const double* cols[] = {a.data(), b.data(), c.data()};
  using row_ref = tri (*)(double, double, double);
  struct case_ {
    const char* text;
    row_ref ref;
  };
  const case_ cases[] = {
      {"not a > 2", [](double x, double, double) { return k_not(cmp3(x, ">", 2)); }},
      {"not (a > 2)", [](double x, double, double) { return k_not(cmp3(x, ">", 2)); }},
      {"not a != 2", [](double x, double, double) { return k_not(cmp3(x, "!=", 2)); }},
      {"not not a < 2", [](double x, double, double) { return cmp3(x, "<", 2); }},
      // precedence: not > and > or
      {"not a > 1 and b > 1", [](double x, double y, double) { return k_and(k_not(cmp3(x, ">", 1)), cmp3(y, ">", 1)); }},
      {"not a > 1 or b > 1", [](double x, double y, double) { return k_or(k_not(cmp3(x, ">", 1)), cmp3(y, ">", 1)); }},
      {"not (a > 1 and b > 1)", [](double x, double y, double) { return k_not(k_and(cmp3(x, ">", 1), cmp3(y, ">", 1))); }},
      {"not (a > 1 or b >= 2) and c == 3",
       [](double x, double y, double z) { return k_and(k_not(k_or(cmp3(x, ">", 1), cmp3(y, ">=", 2))), cmp3(z, "==", 3)); }},
      {"not (a > 1 and not (b < c or c <= 1))",
       [](double x, double y, double z) {
         return k_not(k_and(cmp3(x, ">", 1), k_not(k_or(cmp3(y, "<", z), cmp3(z, "<=", 1)))));
       }},
      {"not (a >= 2 * b)", [](double x, double y, double) { return k_not(cmp3(x, ">=", 2 * y)); }},
      // missing()/present() are two-valued; true/false constants
      {"not missing(a)", [](double x, double, double) { return std::isnan(x) ? tri::f : tri::t; }},
      {"not present(a) or not b > 2",
       [](double x, double y, double) { return k_or(std::isnan(x) ? tri::t : tri::f, k_not(cmp3(y, ">", 2))); }},
      {"not false and not (true and a < 3)", [](double x, double, double) { return k_not(cmp3(x, "<", 3)); }},
  };
  for (const auto& tc : cases) {
    const auto g = crmkit::guard::parse(tc.text, resolve);
    std::vector<std::uint8_t> out(a.size());
    g.evaluate(cols, 0, a.size(), out.data());
    for (std::size_t i = 0; i < a.size(); ++i) {
      const bool want = tc.ref(a[i], b[i], c[i]) == tri::t;
      INFO(tc.text << " row a=" << a[i] << " b=" << b[i] << " c=" << c[i]);
      REQUIRE((out[i] != 0) == want);
      REQUIRE(g.evaluate_row(cols, i) == want);
    }
  }
  // A missing value satisfies neither a comparison nor its negation.
  const double* nan_cols[] = {&NaN, &NaN, &NaN};
  CHECK_FALSE(crmkit::guard::parse("a > 5", resolve).evaluate_row(nan_cols, 0));
  CHECK_FALSE(crmkit::guard::parse("not (a > 5)", resolve).evaluate_row(nan_cols, 0));
  // The text is kept as written; the unique-policy overlap check sees the negation.
  CHECK(crmkit::guard::parse("not (a > 5)", resolve).text() == "not (a > 5)");
}

TEST_CASE("guard: comparisons, and/or precedence, parentheses") {
  const std::vector<double> a = {1, 5, 10, NaN, 5};
  const std::vector<double> b = {2, 2, 2, 2, NaN};
  const double* cols[] = {a.data(), b.data(), nullptr};
  auto run = [&](const std::string& text) {
    const auto g = crmkit::guard::parse(text, resolve);
    std::vector<std::uint8_t> out(a.size());
    g.evaluate(cols, 0, a.size(), out.data());
    std::vector<int> v(out.begin(), out.end());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(g.evaluate_row(cols, i) == (out[i] != 0));
    return v;
  };
  CHECK(run("a > 4") == std::vector<int>{0, 1, 1, 0, 1});
  CHECK(run("4 < a") == std::vector<int>{0, 1, 1, 0, 1});
  CHECK(run("a != 5") == std::vector<int>{1, 0, 1, 0, 0});  // NaN != 5 is false
  CHECK(run("a == 5 or a < 2 and b > 3") == std::vector<int>{0, 1, 0, 0, 1});  // and binds tighter
  CHECK(run("(a == 5 or a < 2) and b >= 2") == std::vector<int>{1, 1, 0, 0, 0});
  CHECK(run("a > 2 * b") == std::vector<int>{0, 1, 1, 0, 0});
  CHECK(run("2 * b < a") == std::vector<int>{0, 1, 1, 0, 0});
  CHECK(run("-2 * a < -9") == std::vector<int>{0, 1, 1, 0, 1});  // a > 4.5
  CHECK(run("missing(a) or missing(b)") == std::vector<int>{0, 0, 0, 1, 1});
  CHECK(run("present(b) and true") == std::vector<int>{1, 1, 1, 1, 0});
  CHECK(run("false or a >= 1e1") == std::vector<int>{0, 0, 1, 0, 0});
}

TEST_CASE("guard: block-wise evaluation equals a reference on random data") {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> v(0, 9);
  const std::size_t n = 2000;  // several blocks plus a partial one
  std::vector<double> a(n), b(n), c(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = v(rng) == 0 ? NaN : v(rng);
    b[i] = v(rng);
    c[i] = v(rng) == 1 ? NaN : v(rng);
  }
  const double* cols[] = {a.data(), b.data(), c.data()};
  const auto g = crmkit::guard::parse("a >= 3 and (b < 5 or c != 2) or c == 7 and a <= 2 * b", resolve);
  std::vector<std::uint8_t> out(n - 3);
  g.evaluate(cols, 3, n - 3, out.data());
  for (std::size_t i = 3; i < n; ++i) {
    const bool ref = (cmp(a[i], ">=", 3) && (cmp(b[i], "<", 5) || cmp(c[i], "!=", 2))) ||
                     (cmp(c[i], "==", 7) && cmp(a[i], "<=", 2 * b[i]));
    REQUIRE((out[i - 3] != 0) == ref);
  }
}

TEST_CASE("guard: errors name the position and the problem") {
  CHECK(error_of("a >") == "guard \"a >\": at position 4: unexpected end of guard, expected a column or a number");
  CHECK(error_of("a > 3 and") .find("at position 10") != std::string::npos);
  CHECK(error_of("a = 3").find("at position 3: '=' is not an operator") != std::string::npos);
  CHECK(error_of("a > 3 b").find("at position 7: unexpected 'b'") != std::string::npos);
  CHECK(error_of("(a > 3").find("missing ')'") != std::string::npos);
  CHECK(error_of("3 > 4").find("needs a column") != std::string::npos);
  CHECK(error_of("a > 3 $").find("at position 7: unexpected character '$'") != std::string::npos);
  CHECK(error_of("").find("empty guard") != std::string::npos);
  CHECK(error_of("a > 1e999").find("not a finite number") != std::string::npos);
  CHECK(error_of("not").find("at position 4: unexpected end of guard after 'not'") != std::string::npos);
  CHECK(error_of("a > 1 and not").find("at position 14: unexpected end of guard after 'not'") != std::string::npos);
  CHECK(error_of("not not (a > 1").find("at position 15: missing ')'") != std::string::npos);
  CHECK(error_of("a not > 1").find("at position 3: expected a comparison operator, found 'not'") != std::string::npos);
  try {
    (void)crmkit::guard::parse("a > 1 and zz < 2", resolve);
    FAIL("no error");
  } catch (const crmkit::error& e) {
    CHECK(e.code() == crmkit::errc::not_found);
    CHECK(std::string(e.what()).find("at position 11: unknown column 'zz'") != std::string::npos);
  }
}

TEST_CASE("guard: interval overlap decisions") {
  auto dnf = [](const std::string& t) { return *crmkit::guard::parse(t, resolve).disjunctive_form(); };
  auto overlap = [&](const std::string& x, const std::string& y) {
    bool any = false;
    for (const auto& p : dnf(x))
      for (const auto& q : dnf(y))
        if (crmkit::conjunctions_intersect(p, q).value_or(true)) any = true;
    return any;
  };
  CHECK_FALSE(overlap("a > 90", "a <= 90"));
  CHECK(overlap("a >= 90", "a <= 90"));
  CHECK_FALSE(overlap("a > 1 and b < 2", "b >= 2"));
  CHECK(overlap("a > 1 and b < 2", "b >= 1"));
  CHECK_FALSE(overlap("missing(a)", "a > 3"));
  CHECK(overlap("a != 3", "a > 2"));
  CHECK_FALSE(overlap("a != 3", "a == 3"));
  CHECK_FALSE(overlap("a < 1 or a > 5", "a >= 1 and a <= 5"));
  CHECK_FALSE(overlap("not (a > 90)", "a > 90"));
  CHECK_FALSE(overlap("not (a >= 1 and a <= 5)", "a >= 1 and a <= 5"));
  CHECK(overlap("not (a > 90)", "a >= 90"));
  const auto cc = dnf("a > b");
  CHECK_FALSE(crmkit::conjunctions_intersect(cc[0], cc[0]).has_value());
}

// Issue 12: the parser recursed once per parenthesis and once per `not`; ~30,000 of them
// overflowed the stack.
TEST_CASE("guard: nesting is bounded, long `not` chains need no stack") {
  const std::string ok = std::string(256, '(') + "a > 1" + std::string(256, ')');
  CHECK(error_of(ok).empty());
  const std::string deep = std::string(257, '(') + "a > 1" + std::string(257, ')');
  CHECK(error_of(deep).find("at position 257: parentheses nested deeper than 256 levels") != std::string::npos);
  const std::string very_deep = std::string(30000, '(') + "a > 1" + std::string(30000, ')');
  const std::string message = error_of(very_deep);
  CHECK(message.find("nested deeper than 256") != std::string::npos);
  CHECK(message.size() < 300);  // the guard is quoted shortened, not 60 KB of parentheses
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "not ";
  const auto g = crmkit::guard::parse(nots + "a > 1", resolve);  // an even count: a > 1
  const double values[] = {2.0, 0.0};
  const double* columns[] = {values, values, values};
  CHECK(g.evaluate_row(columns, 0));
  CHECK(!g.evaluate_row(columns, 1));
}
