// Input checks, grouping of identical (x, t_x, T) rows, and the deterministic block-parallel
// loop shared by the BTYD models. Internal header (crmkit::detail).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/config.hpp"
#include "crmkit/core/parallel_for.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// Identical (x, t_x, T) rows merged, weights summed. Real logs are recorded in days, so a
/// large customer base has far fewer distinct rows than customers; the likelihood is then
/// evaluated once per distinct row.
struct btyd_groups {
  std::vector<double> x, tx, T, w;
  double total_weight = 0.0;
  std::size_t n_rows = 0;
  [[nodiscard]] std::size_t size() const noexcept { return x.size(); }
};

/// How a row is named in an error message: "row i" for bare arrays, "customer index c
/// (row i)" when the rows come from a btyd_summary, which knows each row's customer.
inline std::string btyd_row_name(std::size_t i, std::span<const std::int32_t> customer) {
  if (i < customer.size()) return fmt::format("customer index {} (row {})", customer[i], i);
  return fmt::format("row {}", i);
}

/// Validates (x, t_x, T[, w]) for a continuous-time BTYD model: equal lengths, at least one
/// row, finite values, x a non-negative integer, 0 <= t_x <= T, t_x = 0 when x = 0, T >= 0
/// with T = 0 only for x = 0 (a customer whose first purchase is on the calibration-end
/// day: likelihood 1, log-likelihood 0, in every model), weights finite and >= 0 with a
/// positive sum, and at least one repeat purchase. `customer` (optional, one per row) names
/// the rows in errors by customer index.
inline void check_btyd_rows(const char* model, std::span<const double> x, std::span<const double> tx,
                            std::span<const double> T, std::span<const double> w, bool require_repeat = true,
                            std::span<const std::int32_t> customer = {}) {
  const std::size_t n = x.size();
  if (tx.size() != n || T.size() != n || (!w.empty() && w.size() != n))
    throw error(errc::invalid_argument,
                fmt::format("{}: input lengths differ (frequency {}, recency {}, T {}, weights {})", model, n,
                            tx.size(), T.size(), w.size()));
  if (n == 0) throw error(errc::invalid_argument, fmt::format("{}: no customers to fit", model));
  if (!customer.empty() && customer.size() != n)
    throw error(errc::invalid_argument,
                fmt::format("{}: {} customer indices for {} rows", model, customer.size(), n));
  bool any_repeat = false;
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]) || x[i] < 0 || x[i] != std::floor(x[i]) || x[i] > 1e9)
      throw error(errc::invalid_argument, fmt::format("{}: {}: frequency {} is not a non-negative integer", model,
                                                      btyd_row_name(i, customer), x[i]));
    if (!std::isfinite(tx[i]) || !std::isfinite(T[i]) || tx[i] < 0 || T[i] < 0)
      throw error(errc::invalid_argument,
                  fmt::format("{}: {}: recency {} and T {} must be finite, recency >= 0 and T >= 0", model,
                              btyd_row_name(i, customer), tx[i], T[i]));
    if (T[i] < tx[i])
      throw error(errc::invalid_argument,
                  fmt::format("{}: {}: T ({}) < recency ({}): the last purchase is after the calibration end", model,
                              btyd_row_name(i, customer), T[i], tx[i]));
    if (x[i] == 0 && tx[i] != 0)
      throw error(errc::invalid_argument,
                  fmt::format("{}: {}: frequency 0 with recency {} (recency must be 0 without repeat purchases)",
                              model, btyd_row_name(i, customer), tx[i]));
    if (T[i] == 0 && x[i] != 0)
      throw error(errc::invalid_argument,
                  fmt::format("{}: {}: frequency {} with T 0 (repeat purchases need time after the first one)", model,
                              btyd_row_name(i, customer), x[i]));
    if (!w.empty()) {
      if (!std::isfinite(w[i]) || w[i] < 0)
        throw error(errc::invalid_argument, fmt::format("{}: {}: weight {} is not finite and >= 0", model,
                                                        btyd_row_name(i, customer), w[i]));
      total += w[i];
      if (w[i] > 0 && x[i] > 0) any_repeat = true;
    } else {
      if (x[i] > 0) any_repeat = true;
    }
  }
  if (!w.empty() && !(total > 0))
    throw error(errc::invalid_argument, fmt::format("{}: the weights sum to 0", model));
  if (require_repeat && !any_repeat)
    throw error(errc::invalid_argument,
                fmt::format("{}: every frequency is 0: without repeat purchases the purchase rate and the "
                            "dropout process cannot be told apart",
                            model));
}

/// Groups identical rows (exact equality of the doubles), in order of first appearance, with
/// an open-addressing hash table (one 32-bit slot per 0.5 row): one pass, no sort, so that
/// grouping a million rows costs a few milliseconds. Rows with weight 0 are dropped. Rows
/// with T = 0 (hence x = t_x = 0) have likelihood 1 in every model: they are left out of
/// the groups but their weight counts in `total_weight` (they are customers of the mean).
inline btyd_groups group_btyd_rows(std::span<const double> x, std::span<const double> tx, std::span<const double> T,
                                   std::span<const double> w) {
  const std::size_t n = x.size();
  btyd_groups g;
  g.n_rows = n;
  std::size_t capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  std::vector<std::uint32_t> slots(capacity, 0);  // 0 = empty, else group index + 1
  const std::size_t mask = capacity - 1;
  auto bits = [](double v) {
    std::uint64_t u;
    std::memcpy(&u, &v, sizeof u);
    return u;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = w.empty() ? 1.0 : w[i];
    if (wi == 0) continue;
    if (T[i] == 0) {
      g.total_weight += wi;
      continue;
    }
    // splitmix64-style mixing of the three values' bit patterns (+0.0 and -0.0 never occur:
    // the inputs are checked to be >= 0 and -0.0 compares equal but is normalised by + 0.0)
    std::uint64_t h = bits(x[i] + 0.0) * 0x9E3779B97F4A7C15ull;
    h ^= bits(tx[i] + 0.0) + 0xBF58476D1CE4E5B9ull + (h << 6) + (h >> 2);
    h ^= bits(T[i] + 0.0) + 0x94D049BB133111EBull + (h << 6) + (h >> 2);
    h ^= h >> 31;
    h *= 0xD6E8FEB86659FD93ull;
    h ^= h >> 32;
    std::size_t slot = static_cast<std::size_t>(h) & mask;
    for (;;) {
      const std::uint32_t s = slots[slot];
      if (s == 0) {
        slots[slot] = static_cast<std::uint32_t>(g.x.size() + 1);
        g.x.push_back(x[i]);
        g.tx.push_back(tx[i]);
        g.T.push_back(T[i]);
        g.w.push_back(wi);
        break;
      }
      const std::size_t k = s - 1;
      if (g.x[k] == x[i] && g.tx[k] == tx[i] && g.T[k] == T[i]) {
        g.w[k] += wi;
        break;
      }
      slot = (slot + 1) & mask;
    }
    g.total_weight += wi;
  }
  return g;
}

// The one rule of crmkit/core/option_table.hpp, in the argument order of the BTYD code.
inline void check_n_threads(const char* where, int n_threads) { ::crmkit::check_n_threads(n_threads, where); }

}  // namespace detail
CRMKIT_END_NAMESPACE
