// libFuzzer target: lifecycle guard expressions (crmkit::guard::parse), then evaluation of
// each parsed guard on a few rows (block-wise and row-wise) and its disjunctive form.
// The input is the guard text; columns a, b, c and orders exist.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "crmkit/error.hpp"
#include "crmkit/lifecycle/guard.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto resolve = [](std::string_view name) -> int {
    if (name == "a") return 0;
    if (name == "b") return 1;
    if (name == "c") return 2;
    if (name == "orders") return 3;
    return -1;
  };
  try {
    const crmkit::guard g = crmkit::guard::parse(text, resolve);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    static const double a[] = {0, 1, -1, nan, 1e300};
    static const double b[] = {nan, 2, 0.5, 3, -1e300};
    static const double c[] = {5, 5, 5, 5, 5};
    static const double o[] = {0, 3, nan, 7, 1};
    const double* columns[] = {a, b, c, o};
    std::uint8_t out[5];
    g.evaluate(columns, 0, 5, out);
    for (std::size_t r = 0; r < 5; ++r) (void)g.evaluate_row(columns, r, 1, 2.0);
    (void)g.columns();
    (void)g.disjunctive_form(64);
  } catch (const crmkit::error&) {
  }
  return 0;
}
