// libFuzzer target: the score config reader (crmkit_score_config_parse, TOML and JSON) and
// audience conditions (crmkit_table_select) over a small fixed table, through the C ABI as
// a host calls them. Byte 0 picks the input path: even: the rest is a config document
// (JSON when it starts with '{', TOML otherwise); odd: the rest is a condition (cut at the
// first NUL) selected on a 4-row table with float64, int64, time and category columns,
// with a capacity from byte 1. Any negative status is an expected outcome; a crash, a
// sanitizer report, a status outside the documented ones or a broken two-call protocol
// is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

#include "crmkit/crmkit.h"
#include "fuzz_util.hpp"

namespace {

crmkit_table* make_table() {
  static const char* const ids[] = {"a", "b", "c", "d"};
  static const double p_alive[] = {0.1, 0.5, 0.95, std::numeric_limits<double>::quiet_NaN()};
  static const std::int64_t orders[] = {1, 3, 7, CRMKIT_MISSING_INT64};
  static const std::int64_t last[] = {1700000000, 1600000000, CRMKIT_MISSING_INT64, 0};
  static const std::int32_t abc[] = {0, 1, 2, -1};
  static const char* const levels[] = {"A", "B", "C"};
  crmkit_table* t = nullptr;
  if (crmkit_table_create(ids, 4, &t) != CRMKIT_OK || crmkit_table_set_float64(t, "p_alive", p_alive, 4) != CRMKIT_OK ||
      crmkit_table_set_int64(t, "orders", orders, 4) != CRMKIT_OK ||
      crmkit_table_set_time(t, "last_purchase", last, 4) != CRMKIT_OK ||
      crmkit_table_set_category(t, "abc", abc, 4, levels, 3) != CRMKIT_OK)
    std::abort();
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crmkit_fuzz::bytes in(data, size);
  const std::uint8_t mode = in.byte();
  if ((mode & 1) == 0) {
    const std::string_view text = in.rest();
    crmkit_score_config* config = nullptr;
    const int rc = crmkit_score_config_parse(text.data(), text.size(), &config);
    if (rc != CRMKIT_OK && rc != CRMKIT_E_PARSE && rc != CRMKIT_E_INVALID_ARGUMENT && rc != CRMKIT_E_OUT_OF_MEMORY)
      std::abort();
    if ((rc == CRMKIT_OK) != (config != nullptr)) std::abort();
    crmkit_score_config_free(config);
    return 0;
  }
  static crmkit_table* const table = make_table();  // read-only from here on
  const std::size_t cap = in.byte() % 6;
  const std::string_view rest = in.rest();
  const std::string condition(rest.substr(0, rest.find('\0')));
  std::int32_t rows[5] = {-7, -7, -7, -7, -7};
  std::size_t n = 99;
  const int rc = crmkit_table_select(table, condition.c_str(), cap ? rows : nullptr, cap, &n);
  switch (rc) {
    case CRMKIT_OK:
      if (n > cap || n > 4) std::abort();
      for (std::size_t i = 0; i < n; ++i)
        if (rows[i] < 0 || rows[i] > 3 || (i > 0 && rows[i] <= rows[i - 1])) std::abort();
      break;
    case CRMKIT_E_BUFFER_TOO_SMALL:
      if (n <= cap || n > 4 || rows[0] != -7) std::abort();
      break;
    case CRMKIT_E_PARSE:
    case CRMKIT_E_NOT_FOUND:
    case CRMKIT_E_INVALID_ARGUMENT:
    case CRMKIT_E_OUT_OF_MEMORY:
      break;
    default:
      std::abort();
  }
  return 0;
}
