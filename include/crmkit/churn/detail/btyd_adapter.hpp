// The adapter behind crmkit::btyd_model (crmkit/churn/btyd_model.hpp): one template over
// the four purchase models. Where a model lacks a batch function the adapter evaluates its
// scalar one with detail::batch_apply after checking every row on the calling thread (a
// scalar function that throws must not do so inside a worker). Internal header
// (crmkit::detail); the C ABI uses it for the BG/BB-only DERT.
#pragma once

#include <cmath>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include "crmkit/churn/bg_bb.hpp"
#include "crmkit/churn/bg_nbd.hpp"
#include "crmkit/churn/btyd_model.hpp"
#include "crmkit/churn/detail/batch.hpp"
#include "crmkit/churn/detail/dual.hpp"
#include "crmkit/churn/modified_bg_nbd.hpp"
#include "crmkit/churn/pareto_nbd.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

template <class Model>
struct btyd_traits;

template <>
struct btyd_traits<bg_nbd> {
  static constexpr btyd_kind kind = btyd_kind::bg_nbd;
  static constexpr const char* names[] = {"r", "alpha", "a", "b"};
  static std::vector<double> to_vector(const bg_nbd_params& p) { return {p.r, p.alpha, p.a, p.b}; }
  static bg_nbd_params from(std::span<const double> v) { return {v[0], v[1], v[2], v[3]}; }
};
template <>
struct btyd_traits<pareto_nbd> {
  static constexpr btyd_kind kind = btyd_kind::pareto_nbd;
  static constexpr const char* names[] = {"r", "alpha", "s", "beta"};
  static std::vector<double> to_vector(const pareto_nbd_params& p) { return {p.r, p.alpha, p.s, p.beta}; }
  static pareto_nbd_params from(std::span<const double> v) { return {v[0], v[1], v[2], v[3]}; }
};
template <>
struct btyd_traits<modified_bg_nbd> {
  static constexpr btyd_kind kind = btyd_kind::modified_bg_nbd;
  static constexpr const char* names[] = {"r", "alpha", "a", "b"};
  static std::vector<double> to_vector(const bg_nbd_params& p) { return {p.r, p.alpha, p.a, p.b}; }
  static bg_nbd_params from(std::span<const double> v) { return {v[0], v[1], v[2], v[3]}; }
};
template <>
struct btyd_traits<bg_bb> {
  static constexpr btyd_kind kind = btyd_kind::bg_bb;
  static constexpr const char* names[] = {"alpha", "beta", "gamma", "delta"};
  static std::vector<double> to_vector(const bg_bb_params& p) { return {p.alpha, p.beta, p.gamma, p.delta}; }
  static bg_bb_params from(std::span<const double> v) { return {v[0], v[1], v[2], v[3]}; }
};

/// A whole number of BG/BB opportunities in [0, 1e6].
inline void check_whole_horizon(const char* where, double t) {
  if (!(std::isfinite(t) && t >= 0 && t == std::floor(t) && t <= 1e6))
    throw error(errc::invalid_argument,
                fmt::format("{}: BG/BB horizon {} is not a whole number of opportunities in [0, 1e6]", where, t));
}

inline void check_horizon(const char* where, double t) {
  if (!(t >= 0) || !std::isfinite(t))
    throw error(errc::invalid_argument, fmt::format("{}: horizon t = {} must be finite and >= 0", where, t));
}

template <class Model>
class btyd_adapter final : public btyd_model {
  using traits = btyd_traits<Model>;
  static constexpr bool discrete = std::is_same_v<Model, bg_bb>;

 public:
  btyd_adapter() = default;

  btyd_kind kind() const noexcept override { return traits::kind; }
  std::span<const char* const> param_names() const noexcept override { return traits::names; }
  bool discrete_time() const noexcept override { return discrete; }
  bool fitted() const noexcept override { return m_.fitted(); }
  std::vector<double> params() const override { return traits::to_vector(m_.params()); }
  void set_params(std::span<const double> p) override {
    if (p.size() != std::size(traits::names))
      throw error(errc::invalid_argument, fmt::format("{}::set_params: {} parameters given, the model has {}",
                                                      to_string(traits::kind), p.size(), std::size(traits::names)));
    m_ = Model(traits::from(p));
    report_.reset();
  }
  std::unique_ptr<btyd_model> clone() const override { return std::make_unique<btyd_adapter>(*this); }

  fit_report fit(std::span<const double> x, std::span<const double> tx, std::span<const double> T,
                 std::span<const double> w, const fit_options& options) override {
    auto r = m_.fit(x, tx, T, w, options);
    options_ = options;
    report_ = r;
    return r;
  }
  fit_report fit(const btyd_summary& summary, const fit_options& options) override {
    if constexpr (discrete) {
      (void)summary;
      (void)options;
      throw error(errc::unsupported,
                  "bg_bb::fit: BG/BB is fitted on (x, t_x, n) patterns of discrete opportunities, not on a "
                  "continuous-time summary");
    } else {
      auto r = m_.fit(summary, options);
      options_ = options;
      report_ = r;
      return r;
    }
  }

  void conditional_probability_alive(std::span<const double> x, std::span<const double> tx, std::span<const double> T,
                                     std::span<double> out, int n_threads) const override {
    if constexpr (discrete) {
      check_rows(x, tx, T);
      batch_apply("bg_bb::p_alive", x, tx, T, out, n_threads, [this](double a, double b, double c) {
        return m_.p_alive(a, b, c);
      });
    } else {
      m_.p_alive(x, tx, T, out, n_threads);
    }
  }
  void conditional_expected_number_of_purchases_up_to_time(double t, std::span<const double> x,
                                                           std::span<const double> tx, std::span<const double> T,
                                                           std::span<double> out, int n_threads) const override {
    (void)m_.params();  // not_fitted first
    if constexpr (discrete) {
      check_rows(x, tx, T);
      check_whole_horizon("bg_bb::conditional_expected_purchases", t);
      batch_apply("bg_bb::conditional_expected_purchases", x, tx, T, out, n_threads,
                  [this, t](double a, double b, double c) { return m_.conditional_expected_purchases(t, a, b, c); });
    } else {
      check_horizon(name_of("conditional_expected_purchases").c_str(), t);
      m_.conditional_expected_purchases(t, x, tx, T, out, n_threads);
    }
  }
  void conditional_probability_no_purchase(double t, std::span<const double> x, std::span<const double> tx,
                                           std::span<const double> T, std::span<double> out,
                                           int n_threads) const override {
    (void)m_.params();  // not_fitted first
    if constexpr (discrete) {
      check_rows(x, tx, T);
      check_whole_horizon("bg_bb::conditional_probability_no_purchase", t);
    } else {
      check_horizon(name_of("conditional_probability_no_purchase").c_str(), t);
    }
    if constexpr (requires { m_.conditional_probability_no_purchase(t, x, tx, T, out, n_threads); }) {
      m_.conditional_probability_no_purchase(t, x, tx, T, out, n_threads);
    } else {
      (void)m_.params();  // not_fitted before any row is looked at
      batch_apply("conditional_probability_no_purchase", x, tx, T, out, n_threads,
                  [this, t](double a, double b, double c) { return m_.conditional_probability_no_purchase(t, a, b, c); });
    }
  }
  void conditional_probability_of_n_purchases_up_to_time(int n, double t, std::span<const double> x,
                                                         std::span<const double> tx, std::span<const double> T,
                                                         std::span<double> out, int n_threads) const override {
    (void)m_.params();  // not_fitted first
    if (n < 0) throw error(errc::invalid_argument, fmt::format("{}: n_purchases {} < 0", name_of("pmf"), n));
    if constexpr (discrete) {
      (void)m_.params();
      check_whole_horizon("bg_bb::conditional_probability_of_purchases", t);
      // validates each pattern (n = 0, a new customer, allowed) before any thread starts
      for (std::size_t i = 0; i < x.size() && i < tx.size() && i < T.size(); ++i)
        (void)m_.conditional_probability_of_purchases(0, 0, x[i], tx[i], T[i]);
      batch_apply("bg_bb::conditional_probability_of_purchases", x, tx, T, out, n_threads,
                  [this, n, t](double a, double b, double c) {
                    return m_.conditional_probability_of_purchases(n, t, a, b, c);
                  });
    } else {
      check_horizon(name_of("conditional_probability_of_purchases").c_str(), t);
      m_.conditional_probability_of_purchases(n, t, x, tx, T, out, n_threads);
    }
  }
  void log_likelihood(std::span<const double> x, std::span<const double> tx, std::span<const double> T,
                      std::span<double> out, int n_threads) const override {
    (void)m_.params();
    if constexpr (discrete) check_rows(x, tx, T);
    batch_apply("log_likelihood", x, tx, T, out, n_threads,
                [this](double a, double b, double c) { return m_.log_likelihood(a, b, c); });
  }
  double conditional_expected_number_of_purchases_up_to_time(double t, double x, double tx,
                                                             double T) const override {
    return m_.conditional_expected_purchases(t, x, tx, T);
  }
  double expected_number_of_purchases_up_to_time(double t) const override {
    if constexpr (discrete) {
      // A new BG/BB customer buys at opportunity i with probability E[p] E[(1-theta)^i]
      // (alive through i, FHS 2010): alpha/(alpha+beta) B(gamma, delta+i)/B(gamma, delta).
      const auto& p = m_.params();
      check_whole_horizon("bg_bb::expected_number_of_purchases_up_to_time", t);
      const double lb = lbeta(p.gamma, p.delta);
      double sum = 0.0;
      for (double i = 1; i <= t; ++i) sum += std::exp(lbeta(p.gamma, p.delta + i) - lb);
      return p.alpha / (p.alpha + p.beta) * sum;
    } else {
      return m_.conditional_expected_purchases(t, 0.0, 0.0, 0.0);
    }
  }

  /// The wrapped model.
  const Model& model() const noexcept { return m_; }

 private:
  static std::string name_of(const char* function) { return fmt::format("{}::{}", to_string(traits::kind), function); }
  // BG/BB: the per-row functions throw on bad patterns; check them all first.
  void check_rows(std::span<const double> x, std::span<const double> tx, std::span<const double> T) const {
    (void)m_.params();
    for (std::size_t i = 0; i < x.size() && i < tx.size() && i < T.size(); ++i) (void)m_.log_likelihood(x[i], tx[i], T[i]);
  }

  Model m_;
};

}  // namespace detail
CRMKIT_END_NAMESPACE
