/// @file crmkit/churn/bg_bb.hpp
/// The BG/BB model for discrete-time buy-till-you-die data (Fader, Hardie & Shang 2010,
/// "Customer-base analysis in a discrete-time noncontractual setting", Marketing Science
/// 29(6)): in each of n transaction opportunities an alive customer buys with probability
/// p ~ Beta(alpha, beta) and, at the start of each later opportunity, dies with probability
/// theta ~ Beta(gamma, delta). Data are (x, t_x, n): purchases, the opportunity of the last
/// purchase (0 if none), and the number of opportunities; usually as weighted patterns.
///
/// `#include <crmkit/churn/bg_bb.hpp>`
///
/// Thread safety: not synchronized; use from one thread at a time while fitting. Once fitted
/// the model is immutable after construction; concurrent const use is safe.
///
/// @code
/// crmkit::bg_bb model;
/// auto report = model.fit(frequency, recency, periods, weights);  // donations: 1.204 0.750 0.657 2.783
/// double alive = model.p_alive(3, 4, 6);
/// @endcode
///
/// Memory: the fit copies the rows (4 doubles each); the model holds 4 doubles.
#pragma once

#include <span>

#include "crmkit/churn/fit_report.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// BG/BB parameters.
struct bg_bb_params {
  double alpha = 0, beta = 0, gamma = 0, delta = 0;
};

/// The BG/BB model (see the file comment).
class bg_bb {
 public:
  bg_bb() = default;
  /// A model with given parameters (finite, > 0).
  CRMKIT_FUNC explicit bg_bb(const bg_bb_params& params);

  /// Maximum-likelihood fit (FHS 2010 eq. 5) with optional pattern weights; exact gradient by
  /// forward-mode differentiation; BFGS over log-parameters from all-ones by default.
  /// @throws crmkit::error (invalid_argument): lengths differ; x, t_x, n not integers with
  ///         0 <= x <= t_x <= n and n >= 1 (t_x = 0 exactly when x = 0); bad weights; all x = 0.
  CRMKIT_FUNC fit_report fit(std::span<const double> frequency, std::span<const double> recency,
                             std::span<const double> periods, std::span<const double> weights = {},
                             const fit_options& options = {});

  [[nodiscard]] bool fitted() const noexcept { return fitted_; }
  /// @throws crmkit::error (not_fitted)
  [[nodiscard]] CRMKIT_FUNC const bg_bb_params& params() const;

  /// Log-likelihood of one pattern (x, t_x, n).
  [[nodiscard]] CRMKIT_FUNC double log_likelihood(double x, double tx, double n) const;
  /// P(alive at opportunity n+1 | x, t_x, n) (FHS 2010 eq. 11).
  [[nodiscard]] CRMKIT_FUNC double p_alive(double x, double tx, double n) const;
  /// E[purchases in opportunities n+1 .. n+n_star | x, t_x, n] (FHS 2010 eq. 13).
  [[nodiscard]] CRMKIT_FUNC double conditional_expected_purchases(double n_star, double x, double tx, double n) const;

 private:
  bg_bb_params p_;
  bool fitted_ = false;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/bg_bb_impl.hpp"
#endif
