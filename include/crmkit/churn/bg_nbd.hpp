/// @file crmkit/churn/bg_nbd.hpp
/// The BG/NBD buy-till-you-die model (Fader, Hardie & Lee 2005, "Counting your customers the
/// easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2)): while alive a
/// customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha); after each purchase
/// she drops out with probability p ~ Beta(a, b).
///
/// `#include <crmkit/churn/bg_nbd.hpp>`
///
/// Thread safety: not synchronized; use from one thread at a time while fitting. Once fitted
/// the model is immutable after construction; concurrent const use is safe.
///
/// @code
/// crmkit::bg_nbd model;
/// crmkit::fit_report report = model.fit(summary);      // r, alpha, a, b by maximum likelihood
/// double alive = model.p_alive(2, 30.43, 38.86);       // P(alive | x, t_x, T)
/// double next = model.conditional_expected_purchases(39, 2, 30.43, 38.86);
/// @endcode
///
/// Memory: fitting groups identical (x, t_x, T) rows (sort of an index per row, then 4
/// doubles per distinct row) and keeps tables of size max(x); the model itself holds 4 doubles.
#pragma once

#include <span>

#include "crmkit/churn/btyd_summary.hpp"
#include "crmkit/churn/fit_report.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// BG/NBD parameters.
struct bg_nbd_params {
  double r = 0, alpha = 0, a = 0, b = 0;
};

/// The BG/NBD model (see the file comment).
class bg_nbd {
 public:
  /// An unfitted model.
  bg_nbd() = default;
  /// A model with given parameters (e.g. published ones); all must be finite and > 0.
  /// @throws crmkit::error (invalid_argument)
  CRMKIT_FUNC explicit bg_nbd(const bg_nbd_params& params);

  /// Maximum-likelihood fit (FHL 2005 eq. 6) on frequency x, recency t_x and age T, with
  /// optional row weights (counts of identical customers). Gradient analytic; BFGS over the
  /// log-parameters from r = alpha = a = b = 1 unless `options.initial_params` says otherwise.
  /// On a non-converged fit the model still holds the last finite parameters; check the report.
  /// Rows with x = t_x = T = 0 (a customer whose first purchase is on the calibration-end
  /// day, which summarize_btyd produces) are accepted: their likelihood is 1 (log 0), so
  /// they do not move the fit; x > 0 with T = 0 is rejected.
  /// @throws crmkit::error (invalid_argument) for bad rows (see check rules in
  ///         `detail::check_btyd_rows`: lengths, T < t_x, T < 0, x not an integer, all x = 0,
  ///         ...); the message names the row ("row i").
  CRMKIT_FUNC fit_report fit(std::span<const double> frequency, std::span<const double> recency,
                             std::span<const double> T, std::span<const double> weights = {},
                             const fit_options& options = {});
  /// Fits on a summary's frequency, recency and T; a bad row is named by its customer
  /// index ("customer index c (row i)"; the summary has no string ids).
  CRMKIT_FUNC fit_report fit(const btyd_summary& summary, const fit_options& options = {});

  [[nodiscard]] bool fitted() const noexcept { return fitted_; }
  /// The parameters. @throws crmkit::error (not_fitted)
  [[nodiscard]] CRMKIT_FUNC const bg_nbd_params& params() const;

  /// Log-likelihood of one customer (FHL 2005 eq. 6, all terms included); exactly 0 for
  /// x = t_x = T = 0.
  [[nodiscard]] CRMKIT_FUNC double log_likelihood(double x, double tx, double T) const;
  /// P(alive at T | x, t_x, T) (FHL 2005 eq. 13); 1 when x = 0 by construction of the model.
  [[nodiscard]] CRMKIT_FUNC double p_alive(double x, double tx, double T) const;
  /// E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] (FHL 2005 eq. 10). Its 2F1 is summed
  /// as a series for z = t/(alpha+T+t) <= 0.99 and taken as a Beta-mixture integral beyond
  /// (detail/bg_expectation.hpp): ~1e-14 relative to mpmath for t up to 1e8, x up to 5000, any a.
  [[nodiscard]] CRMKIT_FUNC double conditional_expected_purchases(double t, double x, double tx, double T) const;
  /// P(Y(t) = 0 | x, t_x, T): no purchase in the next t periods. A customer alive at T who
  /// makes no purchase cannot drop out (dropout follows purchases), so this is
  /// 1 - P(alive) + P(alive) ((alpha+T)/(alpha+T+t))^(r+x).
  [[nodiscard]] CRMKIT_FUNC double conditional_probability_no_purchase(double t, double x, double tx,
                                                                      double T) const;
  /// P(Y(t) = n | x, t_x, T): exactly n purchases in (T, T+t] for a customer with history
  /// (x, t_x, T). Dead customers (weight 1 - P(alive)) buy nothing; alive ones follow FHL 2005
  /// eq. 8 with the posterior parameters r+x, alpha+T, a, b+x (the BG/NBD conditional PMF of
  /// Fader, Hardie & Lee's note, written without its 2F1: the NBD tail is an incomplete beta
  /// function, so large n lose no digits). With x = t_x = T = 0 it is FHL eq. 8 itself.
  /// @throws crmkit::error (invalid_argument) for n < 0 or t < 0, (not_fitted).
  [[nodiscard]] CRMKIT_FUNC double conditional_probability_of_purchases(int n, double t, double x, double tx,
                                                                       double T) const;
  /// E[X(t)] for a new customer (FHL 2005 eq. 9), computed as conditional_expected_purchases.
  [[nodiscard]] CRMKIT_FUNC double expected_purchases(double t) const;
  /// P(X(t) = n) for a new customer (FHL 2005 eq. 8).
  [[nodiscard]] CRMKIT_FUNC double probability_of_purchases(int n, double t) const;

  /// Batch versions over equal-length spans, on `n_threads` threads (results do not depend
  /// on it). @throws crmkit::error (invalid_argument) on length mismatch, (not_fitted).
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
  bg_nbd_params p_;
  bool fitted_ = false;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/bg_nbd_impl.hpp"
#endif
