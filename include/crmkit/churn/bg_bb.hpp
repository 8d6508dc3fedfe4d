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
/// double silent = model.conditional_probability_no_purchase(5, 3, 4, 6);   // next 5 opportunities
/// double clv = 50.0 * model.discounted_expected_residual_transactions(0.1, 3, 4, 6);
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
  ///         0 <= x <= t_x <= n and n >= 0 (t_x = 0 exactly when x = 0); bad weights; all x = 0.
  ///         A pattern with n = 0 (x = t_x = 0) has likelihood 1 and does not move the fit.
  CRMKIT_FUNC fit_report fit(std::span<const double> frequency, std::span<const double> recency,
                             std::span<const double> periods, std::span<const double> weights = {},
                             const fit_options& options = {});

  [[nodiscard]] bool fitted() const noexcept { return fitted_; }
  /// @throws crmkit::error (not_fitted)
  [[nodiscard]] CRMKIT_FUNC const bg_bb_params& params() const;

  /// Log-likelihood of one pattern (x, t_x, n); 0 for n = 0.
  [[nodiscard]] CRMKIT_FUNC double log_likelihood(double x, double tx, double n) const;
  /// P(alive at opportunity n+1 | x, t_x, n) (FHS 2010 eq. 11).
  [[nodiscard]] CRMKIT_FUNC double p_alive(double x, double tx, double n) const;
  /// E[purchases in opportunities n+1 .. n+n_star | x, t_x, n] (FHS 2010 eq. 13).
  [[nodiscard]] CRMKIT_FUNC double conditional_expected_purchases(double n_star, double x, double tx, double n) const;
  /// P(X(n, n+n_star) = x_star | x, t_x, n): exactly x_star purchases in the next n_star
  /// opportunities (FHS 2010, the conditional PMF of section 3):
  ///   [x_star = 0] (1 - A(n)/L) + ( sum_{j=x_star}^{n_star-1} C(j, x_star)
  ///     B(al+x+x_star, be+n-x+j-x_star)/B(al,be) B(ga+1, de+n+j)/B(ga,de)
  ///   + C(n_star, x_star) B(al+x+x_star, be+n-x+n_star-x_star)/B(al,be) B(ga, de+n+n_star)/B(ga,de) ) / L
  /// with L the likelihood (eq. 5) and A(n) its "alive through n" term: the customer is alive
  /// for exactly j of the next opportunities (dies at the start of the (j+1)-th) or for all
  /// of them, and buys x_star times, binomially, while alive. n = x = t_x = 0 gives the
  /// unconditional P(X(n_star) = x_star) (FHS 2010 eq. 7). O(n_star) work.
  /// @throws crmkit::error (invalid_argument): a bad pattern (n = 0 is allowed here, with
  ///         x = t_x = 0), x_star < 0, n_star not a whole number >= 0.
  [[nodiscard]] CRMKIT_FUNC double conditional_probability_of_purchases(int x_star, double n_star, double x,
                                                                       double tx, double n) const;
  /// P(no purchase in the next n_star opportunities | x, t_x, n): the PMF at 0, the churn score.
  [[nodiscard]] CRMKIT_FUNC double conditional_probability_no_purchase(double n_star, double x, double tx,
                                                                      double n) const;
  /// DERT(d | x, t_x, n): discounted expected residual transactions, sum over future
  /// opportunities n+k (k >= 1) of P(purchase at n+k | x, t_x, n) / (1+d)^k (FHS 2010 eq. 14):
  ///   B(al+x+1, be+n-x)/B(al,be) B(ga, de+n+1)/(B(ga,de) (1+d)) 2F1(1, de+n+1; ga+de+n+1; 1/(1+d)) / L.
  /// Times the value of a transaction it is the customer's residual lifetime value. The 2F1
  /// is evaluated stably for discount rates near 0 (detail/hyp2f1.hpp).
  /// @throws crmkit::error (invalid_argument): bad pattern, d not finite and > 0.
  [[nodiscard]] CRMKIT_FUNC double discounted_expected_residual_transactions(double d, double x, double tx,
                                                                            double n) const;

 private:
  bg_bb_params p_;
  bool fitted_ = false;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/bg_bb_impl.hpp"
#endif
