/// @file crmkit/churn/pareto_nbd.hpp
/// The Pareto/NBD buy-till-you-die model (Schmittlein, Morrison & Colombo 1987; likelihood
/// and predictions as in Fader & Hardie 2005, "A note on deriving the Pareto/NBD model and
/// related expressions"): purchases Poisson(lambda), lambda ~ Gamma(r, alpha); lifetime
/// Exponential(mu), mu ~ Gamma(s, beta); dropout at any time, unobserved.
///
/// `#include <crmkit/churn/pareto_nbd.hpp>`
///
/// Thread safety: not synchronized; use from one thread at a time while fitting. Once fitted
/// the model is immutable after construction; concurrent const use is safe.
///
/// @code
/// crmkit::pareto_nbd model;
/// auto report = model.fit(summary);                    // r, alpha, s, beta
/// double alive = model.p_alive(2, 30.43, 38.86);
/// @endcode
///
/// Numerics: the likelihood's Gauss hypergeometric term is evaluated after Euler's
/// transformation, as a positive series in logarithms, and by quadrature of its Euler
/// integral when its argument is within 1/64 of 1 (see detail/hyp2f1.hpp), so that large
/// frequencies and ages and extreme parameter ratios neither overflow nor lose digits (the
/// failure mode of direct `hyp2f1` evaluations). Memory: the fit groups identical rows (4 doubles per distinct row).
#pragma once

#include <span>

#include "crmkit/churn/btyd_summary.hpp"
#include "crmkit/churn/fit_report.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Pareto/NBD parameters.
struct pareto_nbd_params {
  double r = 0, alpha = 0, s = 0, beta = 0;
};

/// The Pareto/NBD model (see the file comment).
class pareto_nbd {
 public:
  pareto_nbd() = default;
  /// A model with given parameters (finite, > 0).
  CRMKIT_FUNC explicit pareto_nbd(const pareto_nbd_params& params);

  /// Maximum-likelihood fit (FH 2005 note eq. 22) with optional row weights. Exact gradient by
  /// forward-mode differentiation of the log-likelihood; BFGS over log-parameters from
  /// r = alpha = s = beta = 1 unless `options.initial_params` says otherwise.
  /// Rows with x = t_x = T = 0 are accepted (likelihood 1), as in bg_nbd::fit.
  /// @throws crmkit::error (invalid_argument) for bad rows (as bg_nbd::fit).
  CRMKIT_FUNC fit_report fit(std::span<const double> frequency, std::span<const double> recency,
                             std::span<const double> T, std::span<const double> weights = {},
                             const fit_options& options = {});
  /// Fits on a summary's frequency, recency and T; a bad row is named by its customer index.
  CRMKIT_FUNC fit_report fit(const btyd_summary& summary, const fit_options& options = {});

  [[nodiscard]] bool fitted() const noexcept { return fitted_; }
  /// @throws crmkit::error (not_fitted)
  [[nodiscard]] CRMKIT_FUNC const pareto_nbd_params& params() const;

  /// Log-likelihood of one customer; exactly 0 for x = t_x = T = 0.
  [[nodiscard]] CRMKIT_FUNC double log_likelihood(double x, double tx, double T) const;
  /// P(alive at T | x, t_x, T) (FH 2005 note eq. 18).
  [[nodiscard]] CRMKIT_FUNC double p_alive(double x, double tx, double T) const;
  /// E[Y(t) | x, t_x, T] = (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)]
  /// P(alive) (FH 2005 note eq. 23; its s -> 1 limit uses a logarithm).
  [[nodiscard]] CRMKIT_FUNC double conditional_expected_purchases(double t, double x, double tx, double T) const;
  /// P(Y(t) = n | x, t_x, T): exactly n purchases in (T, T+t] (Fader & Hardie 2006,
  /// "Deriving the conditional PMF of the Pareto/NBD model"). Dead customers buy nothing;
  /// an alive one has rate ~ Gamma(r+x, alpha+T) and dropout rate ~ Gamma(s, beta+T), and
  ///   P_alive(n) = ((beta')/(beta'+t))^s NBD(n; r', alpha', t)
  ///              + s beta'^s alpha'^r' Gamma(r'+n)/(Gamma(r') n!)
  ///                int_0^t tau^n (alpha'+tau)^-(r'+n) (beta'+tau)^-(s+1) dtau
  /// (survives the period, or dies at tau having bought n times before). The integral is
  /// evaluated by quadrature of its log-concave integrand in ln tau (detail/log_quadrature.hpp)
  /// instead of the note's finite sum of 2F1 terms, which cancels for large n.
  /// With x = t_x = T = 0 it is the unconditional P(X(t) = n).
  /// @throws crmkit::error (invalid_argument) for n < 0 or t < 0, (not_fitted).
  [[nodiscard]] CRMKIT_FUNC double conditional_probability_of_purchases(int n, double t, double x, double tx,
                                                                       double T) const;
  /// P(Y(t) = 0 | x, t_x, T), the churn score: 1 - P(alive) + P(alive) [(alpha'/(alpha'+t))^r'
  /// (beta'/(beta'+t))^s + s (alpha+T)^(r+x) (beta+T)^s (G(T) - G(T+t))] with G the
  /// likelihood's tail integral (in closed form via 2F1; equals the PMF at n = 0).
  [[nodiscard]] CRMKIT_FUNC double conditional_probability_no_purchase(double t, double x, double tx,
                                                                      double T) const;
  /// E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)] for a new customer.
  [[nodiscard]] CRMKIT_FUNC double expected_purchases(double t) const;

  /// Batch P(alive) on n_threads threads (results do not depend on it).
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
  /// Batch P(Y(t) = 0 | x, t_x, T).
  CRMKIT_FUNC void conditional_probability_no_purchase(double t, std::span<const double> x,
                                                       std::span<const double> tx, std::span<const double> T,
                                                       std::span<double> out, int n_threads = 1) const;

 private:
  pareto_nbd_params p_;
  bool fitted_ = false;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/pareto_nbd_impl.hpp"
#endif
