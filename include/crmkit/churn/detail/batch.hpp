// Per-customer batch evaluation shared by the BTYD models. Internal header (crmkit::detail).
#pragma once

#include <cmath>
#include <span>

#include <fmt/format.h>

#include "crmkit/churn/detail/btyd_rows.hpp"
#include "crmkit/config.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// out[i] = f(x[i], tx[i], T[i]) on n_threads threads; f must not throw.
template <class F>
void batch_apply(const char* where, std::span<const double> x, std::span<const double> tx, std::span<const double> T,
                 std::span<double> out, int n_threads, F&& f) {
  check_n_threads(where, n_threads);
  if (tx.size() != x.size() || T.size() != x.size() || out.size() != x.size())
    throw error(errc::invalid_argument, fmt::format("{}: lengths differ (frequency {}, recency {}, T {}, out {})",
                                                    where, x.size(), tx.size(), T.size(), out.size()));
  // Bad rows are errors, not NaN predictions: checked before any work starts.
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!(x[i] >= 0) || !(tx[i] >= 0) || !(T[i] >= tx[i]) || !std::isfinite(x[i]) || !std::isfinite(T[i]))
      throw error(errc::invalid_argument,
                  fmt::format("{}: row {}: (frequency {}, recency {}, T {}) must be finite with frequency >= 0 and "
                              "0 <= recency <= T",
                              where, i, x[i], tx[i], T[i]));
  crmkit::parallel_for(x.size(), 16384, n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) out[i] = f(x[i], tx[i], T[i]);
  });
}

/// Checks that the parameters are finite and positive.
inline void check_positive_params(const char* model, std::span<const double> values, std::span<const char* const> names) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!(values[i] > 0) || !std::isfinite(values[i]))
      throw error(errc::invalid_argument,
                  fmt::format("{}: parameter {} = {} must be finite and > 0", model, names[i], values[i]));
}

}  // namespace detail
CRMKIT_END_NAMESPACE
