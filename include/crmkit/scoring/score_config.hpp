/// @file crmkit/scoring/score_config.hpp
/// `score_config`: what score_customers() computes and how, as a struct or as a TOML or JSON
/// document a host product can store (read by the same reader as lifecycle models).
///
/// `#include <crmkit/scoring/score_config.hpp>`
///
/// Thread safety: plain values and stateless functions; safe.
///
/// The document (every table and key optional; the defaults are the struct's):
/// @code{.toml}
/// n_threads = 1
/// [rfm]
/// bins = 5                      # score classes; the named segments need 5
/// [kmeans]
/// k = 4                         # or k = "auto" with k_min/k_max: best silhouette
/// k_min = 2
/// k_max = 8
/// seed = 0
/// [pareto]
/// abc_a = 0.8
/// abc_b = 0.95
/// [btyd]
/// model = "bg_nbd"              # "pareto_nbd", "modified_bg_nbd" or "none"
/// period = "1 week"             # the models' time unit
/// horizon = "90 days"           # expected purchases and P(no purchase) over this span
/// [intervals]
/// level = 0.9                   # 0 (default) = off; adds the *_lower/*_upper columns
/// [clv]
/// horizon = "12 months"
/// annual_discount_rate = 0.1
/// margin = 1.0                  # share of revenue that is profit
/// [lifecycle]
/// model = "default"             # or "none"
/// decline_days = 90
/// churn_days = 180
/// [geo]                          # only with customer locations
/// territories = [ { name = "North", shape = "POLYGON ((...))" } ]   # WKT or GeoJSON
/// reps = [ { id = "R-1", lon = 13.4, lat = 52.5 } ]
/// @endcode
/// Spans are "<number> <unit>" with unit day(s), week(s), month(s) or year(s); a month is
/// 365.25/12 days and a year 365.25 days. A bare number is an error (which unit?).
/// Unknown tables, keys or values are errors naming their line and column.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The purchase model behind p_alive, expected purchases and CLV.
enum class btyd_model_kind : int { none = 0, bg_nbd = 1, pareto_nbd = 2, modified_bg_nbd = 3 };

/// A territory of the config: a name and a WKT or GeoJSON shape.
struct score_territory {
  std::string name;
  std::string shape;
};

/// A rep of the config: an id and a position in degrees.
struct score_rep {
  std::string id;
  double lon = 0.0, lat = 0.0;
};

/// Every option of score_customers() (see the file comment for the document form).
struct score_config {
  int n_threads = 1;  ///< threads of the threaded steps; results do not depend on it

  int rfm_bins = 5;   ///< RFM score classes (>= 2); segments are named only for 5

  int kmeans_k = 4;          ///< clusters; 0 = choose by silhouette within [k_min, k_max]
  int kmeans_k_min = 2;
  int kmeans_k_max = 8;
  std::uint32_t kmeans_seed = 0;

  double abc_a = 0.8;   ///< cumulative revenue share closing class A
  double abc_b = 0.95;  ///< cumulative revenue share closing class B

  btyd_model_kind btyd_model = btyd_model_kind::bg_nbd;
  double btyd_period_days = 7.0;     ///< the BTYD time unit, in days
  double btyd_horizon_days = 90.0;   ///< horizon of expected purchases and P(no purchase)

  /// Confidence level of the delta-method interval columns (p_alive_lower/_upper,
  /// expected_purchases_lower/_upper, clv_lower/_upper; crmkit/scoring/score_customers.hpp);
  /// 0 = no interval columns (the default), else in (0, 1).
  double interval_level = 0.0;

  double clv_horizon_days = 365.25;  ///< CLV horizon (12 months)
  double clv_annual_discount_rate = 0.1;
  double clv_margin = 1.0;

  bool lifecycle = true;             ///< the default lifecycle model, replayed monthly
  double lifecycle_decline_days = 90.0;
  double lifecycle_churn_days = 180.0;

  std::vector<score_territory> territories;
  std::vector<score_rep> reps;
};

/// Parses a span "<number> <unit>" (see the file comment) into days.
/// @throws crmkit::error (invalid_argument) naming `what` and the text: no unit, an unknown
///         unit, a number that is not finite and > 0.
[[nodiscard]] CRMKIT_FUNC double parse_span_days(std::string_view text, std::string_view what);

/// Reads a JSON config document. @throws crmkit::error (parse_error) with line and column
/// for bad syntax, (invalid_argument) naming the key for unknown keys or bad values.
[[nodiscard]] CRMKIT_FUNC score_config score_config_from_json(std::string_view text);

#ifndef CRMKIT_HEADER_ONLY
/// Reads a TOML config document (compiled library only, like lifecycle TOML models).
/// @throws as score_config_from_json, with TOML line and column.
[[nodiscard]] score_config score_config_from_toml(std::string_view text);
/// JSON when the first non-blank character is '{', TOML otherwise.
[[nodiscard]] score_config parse_score_config(std::string_view text);
#endif

/// Checks every field's range. @throws crmkit::error (invalid_argument) naming the field.
CRMKIT_FUNC void validate(const score_config& config);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/scoring/score_config_impl.hpp"
#endif
