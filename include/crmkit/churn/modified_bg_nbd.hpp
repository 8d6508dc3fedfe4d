/// @file crmkit/churn/modified_bg_nbd.hpp
/// The modified BG/NBD model (Batislam, Denizel & Filiztekin 2007, "Empirical validation and
/// comparison of models for customer base analysis", IJRM 24(3)): BG/NBD with an extra
/// dropout opportunity at time 0, so that customers without repeat purchases can be dead.
///
/// `#include <crmkit/churn/modified_bg_nbd.hpp>`
///
/// Thread safety: not synchronized; use from one thread at a time while fitting. Once fitted
/// the model is immutable after construction; concurrent const use is safe.
///
/// @code
/// crmkit::modified_bg_nbd model;
/// auto report = model.fit(summary);   // CDNOW: r = 0.525, alpha = 6.183, a = 0.891, b = 1.614
/// double alive = model.p_alive(0, 0, 38.86);  // < 1, unlike BG/NBD
/// @endcode
///
/// Memory: the fit groups identical rows (4 doubles per distinct row).
#pragma once

#include <span>

#include "crmkit/churn/bg_nbd.hpp"  // bg_nbd_params
#include "crmkit/churn/btyd_summary.hpp"
#include "crmkit/churn/fit_report.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The modified BG/NBD model; its parameters have the BG/NBD names (r, alpha, a, b).
class modified_bg_nbd {
 public:
  modified_bg_nbd() = default;
  /// A model with given parameters (finite, > 0).
  CRMKIT_FUNC explicit modified_bg_nbd(const bg_nbd_params& params);

  /// Maximum-likelihood fit with optional row weights; exact gradient (forward-mode
  /// differentiation); BFGS over log-parameters from all-ones unless told otherwise.
  /// Rows with x = t_x = T = 0 are accepted (likelihood 1), as in bg_nbd::fit.
  /// @throws crmkit::error (invalid_argument) for bad rows (as bg_nbd::fit).
  CRMKIT_FUNC fit_report fit(std::span<const double> frequency, std::span<const double> recency,
                             std::span<const double> T, std::span<const double> weights = {},
                             const fit_options& options = {});
  /// Fits on a summary's frequency, recency and T; a bad row is named by its customer index.
  CRMKIT_FUNC fit_report fit(const btyd_summary& summary, const fit_options& options = {});

  [[nodiscard]] bool fitted() const noexcept { return fitted_; }
  /// @throws crmkit::error (not_fitted)
  [[nodiscard]] CRMKIT_FUNC const bg_nbd_params& params() const;

  /// Log-likelihood of one customer: lnG(r+x) - lnG(r) + r ln alpha + ln B(a, b+x+1) - ln B(a, b)
  /// - (r+x) ln(alpha+T) + ln(1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)).
  /// Exactly 0 for x = t_x = T = 0.
  [[nodiscard]] CRMKIT_FUNC double log_likelihood(double x, double tx, double T) const;
  /// P(alive | x, t_x, T) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)).
  [[nodiscard]] CRMKIT_FUNC double p_alive(double x, double tx, double T) const;
  /// E[Y(t) | x, t_x, T] = (a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
  /// 2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))] P(alive) (Batislam et al. 2007), evaluated as for
  /// bg_nbd (series, or a Beta-mixture integral near z = 1; detail/bg_expectation.hpp).
  [[nodiscard]] CRMKIT_FUNC double conditional_expected_purchases(double t, double x, double tx, double T) const;
  /// P(Y(t) = 0 | x, t_x, T) = 1 - P(alive) + P(alive) ((alpha+T)/(alpha+T+t))^(r+x).
  [[nodiscard]] CRMKIT_FUNC double conditional_probability_no_purchase(double t, double x, double tx,
                                                                      double T) const;

  /// P(Y(t) = n | x, t_x, T). The alive branch is BG/NBD's FHL 2005 eq. 8 at r+x, alpha+T,
  /// a, b+x+1 (an alive customer has survived x+1 dropout chances, the one at time 0
  /// included; future purchases carry the usual dropout chance), mixed with the dead branch.
  /// With x = t_x = T = 0 this is the unconditional PMF: [n = 0] a/(a+b) + b/(a+b) times
  /// FHL eq. 8 at b+1 (Batislam, Denizel & Filiztekin 2007).
  /// @throws crmkit::error (invalid_argument) for n < 0 or t < 0, (not_fitted).
  [[nodiscard]] CRMKIT_FUNC double conditional_probability_of_purchases(int n, double t, double x, double tx,
                                                                       double T) const;

  /// Batch P(alive) (results do not depend on n_threads).
  CRMKIT_FUNC void p_alive(std::span<const double> x, std::span<const double> tx, std::span<const double> T,
                           std::span<double> out, int n_threads = 1) const;
  /// Batch E[Y(t) | x, t_x, T].
  CRMKIT_FUNC void conditional_expected_purchases(double t, std::span<const double> x, std::span<const double> tx,
                                                  std::span<const double> T, std::span<double> out,
                                                  int n_threads = 1) const;
  /// Batch P(Y(t) = n | x, t_x, T).
  CRMKIT_FUNC void conditional_probability_of_purchases(int n, double t, std::span<const double> x,
                                                        std::span<const double> tx, std::span<const double> T,
                                                        std::span<double> out, int n_threads = 1) const;

 private:
  bg_nbd_params p_;
  bool fitted_ = false;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/modified_bg_nbd_impl.hpp"
#endif
