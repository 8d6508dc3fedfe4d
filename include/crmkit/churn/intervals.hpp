/// @file crmkit/churn/intervals.hpp
/// Uncertainty of BTYD predictions from the uncertainty of the fitted parameters: Wald
/// intervals of the parameters, delta-method intervals per customer (P(alive), expected
/// purchases, P(no purchase)) and for the total over a segment of customers, and a
/// parameter-sampling bootstrap of a segment's total, threaded and deterministic for a seed.
/// Works on any purchase model through crmkit::btyd_model (no switch over model kinds).
///
/// `#include <crmkit/churn/intervals.hpp>`
///
/// Thread safety: stateless; safe (the model is only read; copies are perturbed).
///
/// @code
/// auto bg = crmkit::make_btyd_model("bg_nbd");
/// bg->fit(summary);                                         // the report carries the covariance
/// auto ci = crmkit::delta_method_intervals(*bg, crmkit::btyd_prediction::p_alive, 0,
///                                          summary.frequency, summary.recency, summary.T);
/// // ci.lower[i] <= P(alive)_i <= ci.upper[i] at 90%
/// crmkit::interval_options o;
/// o.n_draws = 2000; o.seed = 7; o.n_threads = 4;
/// auto total = crmkit::bootstrap_total_interval(*bg, crmkit::btyd_prediction::expected_purchases, 39,
///                                               x, tx, T, o);        // a segment's 39-week purchases
/// o.method = crmkit::bootstrap_method::refit;                        // simulate, refit (slower)
/// o.population_T = summary.T;                                        // the fitted customers' ages
/// auto refit = crmkit::bootstrap_total_interval(*bg, crmkit::btyd_prediction::expected_purchases, 39,
///                                               x, tx, T, o);
/// @endcode
///
/// Semantics. These are confidence intervals of the model's *expected* values (what the
/// fitted parameters would predict with the true parameters), not prediction intervals of
/// a customer's actual future count. The covariance is the fit report's
/// (fit_report::covariance: the inverse of the numerical Hessian of the analytic gradient
/// of the log-likelihood, central differences with step 1e-5 in log-parameters), or one
/// the caller passes (k x k row-major, parameter order).
/// - parameter_intervals: exp(ln p -+ z se(ln p)), se(ln p) = se(p)/p, the Wald interval
///   on the log scale that the fit optimises (bounds stay positive).
/// - delta method: se(f)^2 = g' Sigma_log g with g = d f / d ln p by central differences
///   (relative step 1e-4, i.e. f evaluated at p_j e^(+-1e-4); error O(1e-8) relative) and
///   Sigma_log = Sigma_ij / (p_i p_j); interval f -+ z se(f), clipped to [0, 1] for
///   probabilities and to [0, inf) for expectations. For a total over rows, f and g are sums.
/// - bootstrap, two methods (interval_options::method):
///   - bootstrap_method::parameter_sampling (the default): n_draws parameter vectors
///     ln p_b ~ N(ln p_hat, Sigma_log) (Krinsky & Robb 1986: the parameters' asymptotic
///     sampling distribution; no refits, so fast);
///   - bootstrap_method::refit (a parametric bootstrap, Efron & Tibshirani 1993 ch. 6): each
///     draw simulates a data set from the fitted model, one customer for each age T_i of the
///     population the model was fitted on (interval_options::population_T; empty = the
///     rows' T), refits the model on it (the last fit's options, warm-started at p_hat,
///     without standard errors) and evaluates the prediction for the rows at the refitted
///     parameters. It needs no covariance and captures the estimator's finite-sample
///     distribution, at the cost of n_draws fits. Simulation: BG/NBD lambda ~ Gamma(r, alpha),
///     p ~ Beta(a, b), exponential inter-purchase times, dropout with probability p after each
///     purchase (modified BG/NBD also at time 0); Pareto/NBD lambda ~ Gamma(r, alpha),
///     lifetime ~ Exp(mu), mu ~ Gamma(s, beta). BG/BB is refused (errc::unsupported). Draws
///     whose refit throws or ends unfitted are left out; fewer than half left is an error.
///   Both: the total of the prediction at each draw, and the (1-level)/2 and (1+level)/2
///   quantiles (linear interpolation, numpy's default) as bounds; estimate = the total at
///   p_hat, standard_error = the draws' standard deviation. Draw b uses its own random stream
///   (seed, method, b), so the result is deterministic for a seed and bit-identical for any
///   n_threads.
/// Coverage is checked by simulation in tests/churn/intervals_test.cpp (200 data sets from
/// known BG/NBD parameters; the refit bootstrap's total on fewer, smaller data sets, the
/// long version in tests/churn/refit_coverage.py).
///
/// Memory: delta method 2 k + 2 prediction vectors of the rows' length; bootstrap one
/// prediction vector per thread and one total per draw; refit also one simulated data set
/// (3 doubles per population customer) per thread.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "crmkit/churn/btyd_model.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// Which prediction an interval is for. Values: the C constants CRMKIT_BTYD_P_ALIVE,
/// _EXPECTED_PURCHASES, _P_NO_PURCHASE.
enum class btyd_prediction : int {
  p_alive = 1,             ///< P(alive | x, t_x, T) (t ignored)
  expected_purchases = 2,  ///< E[purchases in (T, T+t] | x, t_x, T]
  p_no_purchase = 3,       ///< P(no purchase in (T, T+t] | x, t_x, T)
};

/// How bootstrap_total_interval draws parameters (see the file comment). Values: the C
/// constants CRMKIT_BTYD_INTERVAL_BOOTSTRAP (2) and CRMKIT_BTYD_INTERVAL_REFIT (3).
enum class bootstrap_method : int {
  parameter_sampling = 2,  ///< Krinsky-Robb: ln p ~ N(ln p_hat, Sigma_log)
  refit = 3,               ///< parametric bootstrap: simulate from p_hat, refit
};

/// Options of the interval functions.
struct interval_options {
  double level = 0.9;      ///< confidence level, in (0, 1)
  int n_threads = 1;       ///< threads (results do not depend on it)
  int n_draws = 1000;      ///< bootstrap draws, >= 10
  std::uint64_t seed = 0;  ///< bootstrap seed
  bootstrap_method method = bootstrap_method::parameter_sampling;  ///< bootstrap_total_interval only
  /// refit only: the ages T (> 0, finite) of the customers the model was fitted on, one
  /// simulated customer each; empty = the rows' T. Not owned: must outlive the call.
  std::span<const double> population_T = {};
};

/// Per-row intervals.
struct prediction_intervals {
  std::vector<double> estimate, standard_error, lower, upper;
};

/// One interval (of a total, or of a parameter).
struct interval {
  double estimate = 0, standard_error = 0, lower = 0, upper = 0;
};

/// Wald intervals of the fitted parameters on the log scale (see the file comment), in
/// parameter order; `covariance` empty means the model's fit report's.
/// @throws crmkit::error (not_fitted; invalid_argument: no covariance — the model was given
///         its parameters or fitted with standard_errors off —, wrong size, level outside
///         (0, 1)). Intervals are NaN where the covariance is (a boundary fit).
[[nodiscard]] CRMKIT_FUNC std::vector<interval> parameter_intervals(const btyd_model& model, double level = 0.9,
                                                                    std::span<const double> covariance = {});

/// Delta-method intervals of `what` for every row (x, t_x, T); t is the horizon for
/// expected_purchases and p_no_purchase. @throws as parameter_intervals, and for bad rows
/// or t as the model's predictions do.
[[nodiscard]] CRMKIT_FUNC prediction_intervals delta_method_intervals(const btyd_model& model, btyd_prediction what,
                                                                      double t, std::span<const double> x,
                                                                      std::span<const double> tx,
                                                                      std::span<const double> T,
                                                                      const interval_options& options = {},
                                                                      std::span<const double> covariance = {});

/// Delta-method interval of the total of `what` over the rows (a segment's expected
/// purchases; for probabilities the expected number of customers alive / silent).
[[nodiscard]] CRMKIT_FUNC interval delta_method_total_interval(const btyd_model& model, btyd_prediction what, double t,
                                                               std::span<const double> x, std::span<const double> tx,
                                                               std::span<const double> T,
                                                               const interval_options& options = {},
                                                               std::span<const double> covariance = {});

/// Bootstrap interval of the total of `what` over the rows by options.method (parameter
/// sampling or refit; see the file comment); deterministic for options.seed, bit-identical
/// for any n_threads. `covariance` is not used by the refit method.
/// @throws as delta_method_total_interval; (invalid_argument) n_draws < 10, a covariance
///         that is not positive definite (parameter sampling), an unknown method, a bad
///         population_T value (named), fewer than half the refits succeeding; (unsupported)
///         refit of a BG/BB model.
[[nodiscard]] CRMKIT_FUNC interval bootstrap_total_interval(const btyd_model& model, btyd_prediction what, double t,
                                                            std::span<const double> x, std::span<const double> tx,
                                                            std::span<const double> T,
                                                            const interval_options& options = {},
                                                            std::span<const double> covariance = {});

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/intervals_impl.hpp"
#endif
