// Definitions for crmkit/churn/clv_intervals.hpp. Included by that header in header-only mode
// and by src/churn/clv_intervals.cpp otherwise.
// IWYU pragma: private, include "crmkit/churn/clv_intervals.hpp"
#pragma once

#include <vector>

#include <fmt/format.h>

#include "crmkit/churn/clv_intervals.hpp"
#include "crmkit/churn/detail/delta_method.hpp"
#include "crmkit/core/option_table.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

// The joint (purchase, spend) point and the CLV of every row as a function of it.
struct clv_delta_problem {
  delta_point point;
  delta_prediction predict;
};

inline clv_delta_problem clv_problem(const btyd_model& purchases, const gamma_gamma& spend, std::span<const double> x,
                                     std::span<const double> tx, std::span<const double> T,
                                     std::span<const double> monetary_value, const clv_options& clv,
                                     const interval_options& options, const char* where) {
  const auto pp = purchases.params();  // not_fitted
  const auto& sp = spend.params();     // not_fitted
  if (purchases.discrete_time())
    throw error(errc::unsupported, fmt::format("{}: the {} model counts discrete opportunities; CLV intervals need a "
                                               "continuous-time purchase model (BG/NBD, Pareto/NBD, modified BG/NBD)",
                                               where, purchases.name()));
  ::crmkit::check_n_threads(options.n_threads, where);
  (void)delta_z(options.level, where);
  check_clv_options(clv);
  const std::size_t n = x.size();
  if (tx.size() != n || T.size() != n || monetary_value.size() != n)
    throw error(errc::invalid_argument, fmt::format("{}: lengths differ (frequency {}, recency {}, T {}, monetary {})",
                                                    where, n, tx.size(), T.size(), monetary_value.size()));
  clv_delta_problem pr;
  append_block(pr.point, pp, pp.size(), fitted_covariance(purchases.report(), {}, pp.size(), purchases.name(), where));
  const double s3[3] = {sp.p, sp.q, sp.gamma};
  append_block(pr.point, s3, 3, fitted_covariance(spend.report(), {}, 3, "gamma_gamma", where));
  const std::size_t kp = pp.size();
  clv_options c = clv;
  c.n_threads = options.n_threads;
  // Each evaluation perturbs copies; the model read by the caller is never touched.
  pr.predict = [&purchases, kp, c, x, tx, T, monetary_value](std::span<const double> q, std::span<double> out) {
    auto copy = purchases.clone();
    copy->set_params(q.subspan(0, kp));
    const gamma_gamma g(gamma_gamma_params{q[kp], q[kp + 1], q[kp + 2]});
    customer_lifetime_value(*copy, g, x, tx, T, monetary_value, out, c);
  };
  // Validate the rows once before any perturbation (errors name the row).
  std::vector<double> probe(n);
  customer_lifetime_value(purchases, spend, x, tx, T, monetary_value, probe, c);
  return pr;
}

}  // namespace detail

CRMKIT_FUNC prediction_intervals clv_intervals(const btyd_model& purchases, const gamma_gamma& spend,
                                               std::span<const double> x, std::span<const double> tx,
                                               std::span<const double> T, std::span<const double> monetary_value,
                                               const clv_options& clv, const interval_options& options) {
  constexpr const char* where = "clv_intervals";
  const auto pr = detail::clv_problem(purchases, spend, x, tx, T, monetary_value, clv, options, where);
  return detail::delta_rows(pr.point, x.size(), pr.predict, options.level, std::numeric_limits<double>::infinity(),
                            where);
}

CRMKIT_FUNC interval clv_total_interval(const btyd_model& purchases, const gamma_gamma& spend,
                                        std::span<const double> x, std::span<const double> tx,
                                        std::span<const double> T, std::span<const double> monetary_value,
                                        const clv_options& clv, const interval_options& options) {
  constexpr const char* where = "clv_total_interval";
  const auto pr = detail::clv_problem(purchases, spend, x, tx, T, monetary_value, clv, options, where);
  return detail::delta_total(pr.point, x.size(), pr.predict, options.level, std::numeric_limits<double>::infinity(),
                             where);
}

CRMKIT_END_NAMESPACE
