/// @file crmkit/pareto/pareto.hpp
/// The 80/20 (Pareto) analysis of customer value: Lorenz curve, Gini coefficient, share
/// of the top p% of customers, the smallest share of customers making 80% of the value,
/// ABC classes, the same per segment, and the low-return customers (long inactive, low
/// value).
///
/// `#include <crmkit/pareto/pareto.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// auto table = crmkit::rfm_summary(log, options);               // or any value column
/// crmkit::pareto_result p = crmkit::pareto(table.monetary);
/// fmt::print("Gini {:.3f}; {:.1f}% of customers make 80% of revenue\n", p.gini,
///            100 * p.key_customer_share);
/// @endcode
///
/// ## Definitions (what the tests check against numpy and closed forms)
/// Values must be finite and >= 0 with a positive total (a customer's net revenue can be
/// negative after refunds: filter or clip such customers explicitly first).
/// - Descending order: by value, ties by position (stable). `cumulative[j]` is the
///   sequential sum of the j+1 largest values (numpy.cumsum order), `total` the last one.
/// - Lorenz curve: x_i = i/n, y_i = (sum of the i smallest values) / total, i = 0..n;
///   the plotting version samples it at evenly spaced x by linear interpolation.
/// - Gini = 1 - sum_i (y_{i-1} + y_i) / n, twice the area between the diagonal and the
///   Lorenz curve (the trapezoid rule is exact on the piecewise-linear curve); all equal
///   values give 0, one customer holding everything gives (n - 1) / n.
/// - Top share at p in (0, 1]: the share of the total held by the ceil(p n) largest
///   values, p n being reduced by a relative 1e-12 first so that 0.1 x 30 counts 3
///   and not 4 (at least one customer).
/// - Key customers at target t (0.8): the smallest m with cumulative[m-1] >= t total.
/// - ABC: in descending order a customer is A while the value before it is < a total
///   (a = 0.8: the key customers), else B while it is < b total (b = 0.95), else C.
///
/// Memory: 8 + 4 bytes per value of scratch plus the curves the result holds.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/option_table.hpp"

CRMKIT_BEGIN_NAMESPACE

/// ABC class codes.
enum class abc_class : std::int8_t { a = 0, b = 1, c = 2 };

/// Parameters of the Pareto analysis.
struct pareto_options {
  double target_share = 0.8;  ///< value share the key customers make, in (0, 1]
  double abc_a = 0.8;         ///< cumulative share that closes class A, in (0, 1]
  double abc_b = 0.95;        ///< cumulative share that closes class B, in [abc_a, 1]
  double top_fraction = 0.2;  ///< p of the `top_share` summary field, in (0, 1]
  std::size_t lorenz_points = 101;  ///< points of the downsampled Lorenz curve (>= 2)
};

/// The description of pareto_options from which the C ABI (`crmkit_pareto_set_double`,
/// `_set_int`, `_get_*`, `_option_bounds`, keys `CRMKIT_PARETO_<NAME>`) and `pareto`'s
/// validation derive (crmkit/core/option_table.hpp); abc_b >= abc_a is checked at the fit.
template <>
struct option_table<pareto_options> {
  static constexpr std::string_view c_prefix = "CRMKIT_PARETO_";
  static constexpr std::array<option_spec<pareto_options>, 5> entries{{
      CRMKIT_OPTION(pareto_options, 1, target_share, real, option_positive, 1, "value share of the key customers"),
      CRMKIT_OPTION(pareto_options, 2, abc_a, real, option_positive, 1, "cumulative share that closes class A"),
      CRMKIT_OPTION(pareto_options, 3, abc_b, real, option_positive, 1, "cumulative share that closes class B (>= abc_a)"),
      CRMKIT_OPTION(pareto_options, 4, top_fraction, real, option_positive, 1, "p of the top_share statistic"),
      CRMKIT_OPTION(pareto_options, 10, lorenz_points, integer, 2, 4294967296.0, "points of the Lorenz curve"),
  }};
};

/// The headline numbers of one Pareto analysis.
struct pareto_summary {
  std::size_t n = 0;                 ///< number of customers
  double total = 0.0;                ///< total value
  double gini = 0.0;                 ///< Gini coefficient in [0, 1)
  double top_share = 0.0;            ///< share of the top `top_fraction` customers
  std::size_t key_customers = 0;     ///< smallest number making `target_share` of the total
  double key_customer_share = 0.0;   ///< key_customers / n
  std::size_t abc_count[3] = {0, 0, 0};  ///< customers in A, B, C
};

/// The full result: summary, curves and per-customer ABC classes.
struct pareto_result : pareto_summary {
  std::vector<std::uint32_t> order;  ///< positions by descending value (ties by position)
  std::vector<double> cumulative;    ///< cumulative[j]: sum of the j+1 largest values
  std::vector<double> lorenz_x;      ///< full Lorenz curve, n + 1 points
  std::vector<double> lorenz_y;
  std::vector<double> lorenz_sample_x;  ///< the curve at `lorenz_points` evenly spaced x
  std::vector<double> lorenz_sample_y;
  std::vector<abc_class> abc;        ///< per input position

  /// Share of the total held by the ceil(p n) largest values.
  /// @throws crmkit::error (invalid_argument) unless 0 < p <= 1.
  [[nodiscard]] CRMKIT_FUNC double share_of_top(double p) const;
  /// Smallest number of customers whose values make at least `target` of the total.
  /// @throws crmkit::error (invalid_argument) unless 0 < target <= 1.
  [[nodiscard]] CRMKIT_FUNC std::size_t customers_for_share(double target) const;
};

/// Runs the analysis on `values` (one per customer).
/// @throws crmkit::error (invalid_argument) for no values, a negative or non-finite value
///         (naming its position), a zero total, or options outside their domain.
[[nodiscard]] CRMKIT_FUNC pareto_result pareto(std::span<const double> values, const pareto_options& options = {});

/// The Gini coefficient alone (same definition and errors as pareto()).
[[nodiscard]] CRMKIT_FUNC double gini(std::span<const double> values);

/// The analysis per group: `groups[i]` in [0, n_groups) is the segment of customer i.
struct pareto_grouped {
  /// One summary per group; a group with no customers or a zero total has n or total 0
  /// and NaN ratios.
  std::vector<pareto_summary> groups;
  /// Each group's share of the overall total.
  std::vector<double> value_share;
  /// ABC class of each customer within its own group.
  std::vector<abc_class> abc;
};

/// Runs the analysis within each group.
/// @throws crmkit::error (invalid_argument) for mismatched lengths, a label outside
///         [0, n_groups), or a value pareto() rejects.
[[nodiscard]] CRMKIT_FUNC pareto_grouped pareto_by_group(std::span<const double> values,
                                                        std::span<const std::int32_t> groups, std::size_t n_groups,
                                                        const pareto_options& options = {});

/// Which customers count as low-return.
struct low_return_options {
  /// Inactive for at least this many days (recency_days >= min_recency_days).
  double min_recency_days = 365.0;
  /// Low value: value <= max_value. NaN (default) means "in ABC class C" of the values
  /// (the customers making the last 5% of the total under the default thresholds).
  double max_value = std::numeric_limits<double>::quiet_NaN();
  /// ABC thresholds used when max_value is NaN.
  pareto_options abc;
};

/// Positions (ascending) of the customers that are long inactive and low in value: the
/// list of customers to stop spending on.
/// @throws crmkit::error (invalid_argument) for mismatched lengths, a NaN recency, or
///         values pareto() rejects (when the ABC rule is used).
[[nodiscard]] CRMKIT_FUNC std::vector<std::uint32_t> low_return_customers(std::span<const double> recency_days,
                                                                         std::span<const double> values,
                                                                         const low_return_options& options = {});

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/pareto/pareto_impl.hpp"
#endif
