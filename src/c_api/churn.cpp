// crmkit/c/churn.h: the crmkit_btyd handle and the BTYD summary/validation functions.
#include <cmath>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "c_api_internal.hpp"
#include "crmkit/c/churn.h"
#include "crmkit/churn/bg_bb.hpp"
#include "crmkit/churn/bg_nbd.hpp"
#include "crmkit/churn/btyd_summary.hpp"
#include "crmkit/churn/clv.hpp"
#include "crmkit/churn/gamma_gamma.hpp"
#include "crmkit/churn/modified_bg_nbd.hpp"
#include "crmkit/churn/pareto_nbd.hpp"
#include "crmkit/churn/validation.hpp"

struct crmkit_btyd {
  std::int32_t kind = 0;
  crmkit::fit_options options;
  crmkit::zero_spend_policy zero_spend = crmkit::zero_spend_policy::reject;
  crmkit::bg_nbd bg;
  crmkit::pareto_nbd pareto;
  crmkit::modified_bg_nbd mbg;
  crmkit::bg_bb bgbb;
  crmkit::gamma_gamma gg;
  bool has_report = false;
  crmkit::fit_report report;
};

namespace {

using crmkit::errc;
using crmkit::error;

std::span<const double> span_of(const double* p, std::size_t n) { return {p, n}; }

bool is_fitted(const crmkit_btyd& m) {
  switch (m.kind) {
    case CRMKIT_BTYD_BG_NBD: return m.bg.fitted();
    case CRMKIT_BTYD_PARETO_NBD: return m.pareto.fitted();
    case CRMKIT_BTYD_MODIFIED_BG_NBD: return m.mbg.fitted();
    case CRMKIT_BTYD_BG_BB: return m.bgbb.fitted();
    default: return m.gg.fitted();
  }
}

void require_fitted(const crmkit_btyd& m, const char* function) {
  if (!is_fitted(m))
    throw error(errc::not_fitted, fmt::format("{}: the model is not fitted (call crmkit_btyd_fit or set_params)", function));
}

std::vector<double> params_of(const crmkit_btyd& m) {
  switch (m.kind) {
    case CRMKIT_BTYD_BG_NBD: {
      const auto& p = m.bg.params();
      return {p.r, p.alpha, p.a, p.b};
    }
    case CRMKIT_BTYD_PARETO_NBD: {
      const auto& p = m.pareto.params();
      return {p.r, p.alpha, p.s, p.beta};
    }
    case CRMKIT_BTYD_MODIFIED_BG_NBD: {
      const auto& p = m.mbg.params();
      return {p.r, p.alpha, p.a, p.b};
    }
    case CRMKIT_BTYD_BG_BB: {
      const auto& p = m.bgbb.params();
      return {p.alpha, p.beta, p.gamma, p.delta};
    }
    default: {
      const auto& p = m.gg.params();
      return {p.p, p.q, p.gamma};
    }
  }
}

void check_count(const char* function, std::size_t n) {
  if (n == 0) throw error(errc::invalid_argument, fmt::format("{}: n is 0", function));
}

/// A whole number of BG/BB opportunities in [0, 1e6].
bool whole(double t) { return std::isfinite(t) && t >= 0 && t == std::floor(t) && t <= 1e6; }

}  // namespace

extern "C" {

CRMKIT_API int crmkit_btyd_create(std::int32_t kind, crmkit_btyd** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  *out = nullptr;
  if (kind < CRMKIT_BTYD_BG_NBD || kind > CRMKIT_BTYD_GAMMA_GAMMA)
    throw error(errc::invalid_argument, fmt::format("{}: unknown model kind {}", __func__, kind));
  auto handle = std::make_unique<crmkit_btyd>();
  handle->kind = kind;
  *out = handle.release();
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_btyd_free(crmkit_btyd* model) { delete model; }

CRMKIT_API int crmkit_btyd_set_int(crmkit_btyd* model, std::int32_t key, std::int64_t value) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  switch (key) {
    case CRMKIT_BTYD_MAX_ITERATIONS:
      if (value < 0 || value > 1000000)
        throw error(errc::invalid_argument, fmt::format("{}: CRMKIT_BTYD_MAX_ITERATIONS {} outside [0, 1e6]", __func__, value));
      model->options.max_iterations = static_cast<int>(value);
      break;
    case CRMKIT_BTYD_N_THREADS:
      if (value < 1 || value > 1024)
        throw error(errc::invalid_argument, fmt::format("{}: CRMKIT_BTYD_N_THREADS {} outside [1, 1024]", __func__, value));
      model->options.n_threads = static_cast<int>(value);
      break;
    case CRMKIT_BTYD_ZERO_SPEND:
      if (value != CRMKIT_BTYD_ZERO_SPEND_REJECT && value != CRMKIT_BTYD_ZERO_SPEND_DROP)
        throw error(errc::invalid_argument, fmt::format("{}: CRMKIT_BTYD_ZERO_SPEND {} is neither REJECT nor DROP", __func__, value));
      model->zero_spend = value == CRMKIT_BTYD_ZERO_SPEND_DROP ? crmkit::zero_spend_policy::drop
                                                               : crmkit::zero_spend_policy::reject;
      break;
    case CRMKIT_BTYD_STANDARD_ERRORS:
      if (value != 0 && value != 1)
        throw error(errc::invalid_argument, fmt::format("{}: CRMKIT_BTYD_STANDARD_ERRORS {} is not 0 or 1", __func__, value));
      model->options.standard_errors = value == 1;
      break;
    default: throw error(errc::invalid_argument, fmt::format("{}: unknown integer setting {}", __func__, key));
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_set_double(crmkit_btyd* model, std::int32_t key, double value) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  if (key != CRMKIT_BTYD_GRADIENT_TOLERANCE)
    throw error(errc::invalid_argument, fmt::format("{}: unknown double setting {}", __func__, key));
  if (!(value > 0) || !std::isfinite(value))
    throw error(errc::invalid_argument,
                fmt::format("{}: CRMKIT_BTYD_GRADIENT_TOLERANCE {} must be finite and > 0", __func__, value));
  model->options.gradient_tolerance = value;
  CRMKIT_API_END();
}

CRMKIT_API size_t crmkit_btyd_n_params(const crmkit_btyd* model) {
  if (model == nullptr) return 0;
  return model->kind == CRMKIT_BTYD_GAMMA_GAMMA ? 3 : 4;
}

CRMKIT_API int crmkit_btyd_fit(crmkit_btyd* model, const double* frequency, const double* recency, const double* T,
                               const double* weights, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency);
  CRMKIT_CHECK_NOT_NULL(recency);
  CRMKIT_CHECK_NOT_NULL(T);
  const auto x = span_of(frequency, n), tx = span_of(recency, n), age = span_of(T, n);
  const auto w = weights != nullptr ? span_of(weights, n) : std::span<const double>{};
  switch (model->kind) {
    case CRMKIT_BTYD_BG_NBD: model->report = model->bg.fit(x, tx, age, w, model->options); break;
    case CRMKIT_BTYD_PARETO_NBD: model->report = model->pareto.fit(x, tx, age, w, model->options); break;
    case CRMKIT_BTYD_MODIFIED_BG_NBD: model->report = model->mbg.fit(x, tx, age, w, model->options); break;
    case CRMKIT_BTYD_BG_BB: model->report = model->bgbb.fit(x, tx, age, w, model->options); break;
    default:
      throw error(errc::invalid_argument, fmt::format("{}: a Gamma-Gamma handle is fitted with crmkit_btyd_fit_spend", __func__));
  }
  model->has_report = true;
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_fit_spend(crmkit_btyd* model, const double* frequency, const double* monetary_value,
                                     const double* weights, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency);
  CRMKIT_CHECK_NOT_NULL(monetary_value);
  if (model->kind != CRMKIT_BTYD_GAMMA_GAMMA)
    throw error(errc::invalid_argument, fmt::format("{}: only a Gamma-Gamma handle fits spend", __func__));
  const auto w = weights != nullptr ? span_of(weights, n) : std::span<const double>{};
  model->report = model->gg.fit(span_of(frequency, n), span_of(monetary_value, n), w, model->options, model->zero_spend);
  model->has_report = true;
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_set_params(crmkit_btyd* model, const double* params, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  CRMKIT_CHECK_NOT_NULL(params);
  if (n != crmkit_btyd_n_params(model))
    throw error(errc::invalid_argument,
                fmt::format("{}: {} parameters given, the model has {}", __func__, n, crmkit_btyd_n_params(model)));
  const double* p = params;
  switch (model->kind) {
    case CRMKIT_BTYD_BG_NBD: model->bg = crmkit::bg_nbd({p[0], p[1], p[2], p[3]}); break;
    case CRMKIT_BTYD_PARETO_NBD: model->pareto = crmkit::pareto_nbd({p[0], p[1], p[2], p[3]}); break;
    case CRMKIT_BTYD_MODIFIED_BG_NBD: model->mbg = crmkit::modified_bg_nbd({p[0], p[1], p[2], p[3]}); break;
    case CRMKIT_BTYD_BG_BB: model->bgbb = crmkit::bg_bb({p[0], p[1], p[2], p[3]}); break;
    default: model->gg = crmkit::gamma_gamma({p[0], p[1], p[2]}); break;
  }
  model->has_report = false;
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_params(const crmkit_btyd* model, double* out, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  CRMKIT_CHECK_NOT_NULL(out);
  require_fitted(*model, __func__);
  const auto p = params_of(*model);
  if (cap < p.size())
    throw error(errc::buffer_too_small, fmt::format("{}: cap {} < {} parameters", __func__, cap, p.size()));
  for (std::size_t i = 0; i < p.size(); ++i) out[i] = p[i];
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_standard_errors(const crmkit_btyd* model, double* out, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  CRMKIT_CHECK_NOT_NULL(out);
  if (!model->has_report) throw error(errc::not_fitted, fmt::format("{}: the model was not fitted", __func__));
  const std::size_t k = crmkit_btyd_n_params(model);
  if (cap < k) throw error(errc::buffer_too_small, fmt::format("{}: cap {} < {} parameters", __func__, cap, k));
  for (std::size_t i = 0; i < k; ++i)
    out[i] = i < model->report.standard_errors.size() ? model->report.standard_errors[i]
                                                       : std::numeric_limits<double>::quiet_NaN();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_fit_report(const crmkit_btyd* model, std::int32_t* out_status, std::int32_t* out_iterations,
                                      double* out_objective, double* out_gradient_norm) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  if (!model->has_report) throw error(errc::not_fitted, fmt::format("{}: the model was not fitted", __func__));
  crmkit::capi::write_fit_report(model->report, out_status, out_iterations, out_objective, out_gradient_norm);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_fit_message(const crmkit_btyd* model, char* buf, size_t cap, size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  if (!model->has_report) throw error(errc::not_fitted, fmt::format("{}: the model was not fitted", __func__));
  crmkit::capi::write_fit_message(model->report, buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_predict(const crmkit_btyd* model, std::int32_t what, double t, const double* frequency,
                                   const double* recency, const double* T, size_t n, double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency);
  CRMKIT_CHECK_NOT_NULL(recency);
  CRMKIT_CHECK_NOT_NULL(T);
  CRMKIT_CHECK_NOT_NULL(out);
  if (what < CRMKIT_BTYD_P_ALIVE || what > CRMKIT_BTYD_LOG_LIKELIHOOD)
    throw error(errc::invalid_argument, fmt::format("{}: unknown prediction {}", __func__, what));
  if (model->kind == CRMKIT_BTYD_GAMMA_GAMMA)
    throw error(errc::unsupported, fmt::format("{}: a Gamma-Gamma handle predicts spend (crmkit_btyd_expected_spend)", __func__));
  require_fitted(*model, __func__);
  if ((what == CRMKIT_BTYD_EXPECTED_PURCHASES || what == CRMKIT_BTYD_P_NO_PURCHASE) && (!(t >= 0) || !std::isfinite(t)))
    throw error(errc::invalid_argument, fmt::format("{}: horizon t = {} must be finite and >= 0", __func__, t));
  const auto x = span_of(frequency, n), tx = span_of(recency, n), age = span_of(T, n);
  const std::span<double> o(out, n);
  const int threads = model->options.n_threads;
  auto each = [&](auto&& f) {
    crmkit::detail::batch_apply("crmkit_btyd_predict", x, tx, age, o, threads, f);
  };
  switch (model->kind) {
    case CRMKIT_BTYD_BG_NBD: {
      const auto& m = model->bg;
      if (what == CRMKIT_BTYD_P_ALIVE) m.p_alive(x, tx, age, o, threads);
      else if (what == CRMKIT_BTYD_EXPECTED_PURCHASES) m.conditional_expected_purchases(t, x, tx, age, o, threads);
      else if (what == CRMKIT_BTYD_P_NO_PURCHASE) m.conditional_probability_no_purchase(t, x, tx, age, o, threads);
      else each([&m](double a, double b, double c) { return m.log_likelihood(a, b, c); });
      break;
    }
    case CRMKIT_BTYD_PARETO_NBD: {
      const auto& m = model->pareto;
      if (what == CRMKIT_BTYD_P_ALIVE) m.p_alive(x, tx, age, o, threads);
      else if (what == CRMKIT_BTYD_EXPECTED_PURCHASES) m.conditional_expected_purchases(t, x, tx, age, o, threads);
      else if (what == CRMKIT_BTYD_P_NO_PURCHASE) m.conditional_probability_no_purchase(t, x, tx, age, o, threads);
      else each([&m](double a, double b, double c) { return m.log_likelihood(a, b, c); });
      break;
    }
    case CRMKIT_BTYD_MODIFIED_BG_NBD: {
      const auto& m = model->mbg;
      if (what == CRMKIT_BTYD_P_ALIVE) m.p_alive(x, tx, age, o, threads);
      else if (what == CRMKIT_BTYD_EXPECTED_PURCHASES) m.conditional_expected_purchases(t, x, tx, age, o, threads);
      else if (what == CRMKIT_BTYD_P_NO_PURCHASE)
        each([&m, t](double a, double b, double c) { return m.conditional_probability_no_purchase(t, a, b, c); });
      else each([&m](double a, double b, double c) { return m.log_likelihood(a, b, c); });
      break;
    }
    default: {
      const auto& m = model->bgbb;
      // validate every row first: the per-row functions throw on bad rows, which must not
      // happen inside worker threads
      for (std::size_t i = 0; i < n; ++i) (void)m.log_likelihood(frequency[i], recency[i], T[i]);
      if ((what == CRMKIT_BTYD_EXPECTED_PURCHASES || what == CRMKIT_BTYD_P_NO_PURCHASE) && !whole(t))
        throw error(errc::invalid_argument, fmt::format("{}: BG/BB horizon {} is not a whole number of opportunities", __func__, t));
      if (what == CRMKIT_BTYD_P_ALIVE) each([&m](double a, double b, double c) { return m.p_alive(a, b, c); });
      else if (what == CRMKIT_BTYD_EXPECTED_PURCHASES)
        each([&m, t](double a, double b, double c) { return m.conditional_expected_purchases(t, a, b, c); });
      else if (what == CRMKIT_BTYD_P_NO_PURCHASE)
        each([&m, t](double a, double b, double c) { return m.conditional_probability_no_purchase(t, a, b, c); });
      else each([&m](double a, double b, double c) { return m.log_likelihood(a, b, c); });
      break;
    }
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_prob_n_purchases(const crmkit_btyd* model, std::int32_t n_purchases, double t,
                                            const double* frequency, const double* recency, const double* T, size_t n,
                                            double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency);
  CRMKIT_CHECK_NOT_NULL(recency);
  CRMKIT_CHECK_NOT_NULL(T);
  CRMKIT_CHECK_NOT_NULL(out);
  if (model->kind == CRMKIT_BTYD_GAMMA_GAMMA)
    throw error(errc::unsupported, fmt::format("{}: a Gamma-Gamma handle has no purchase-count distribution", __func__));
  require_fitted(*model, __func__);
  if (n_purchases < 0) throw error(errc::invalid_argument, fmt::format("{}: n_purchases {} < 0", __func__, n_purchases));
  if (!(t >= 0) || !std::isfinite(t))
    throw error(errc::invalid_argument, fmt::format("{}: horizon t = {} must be finite and >= 0", __func__, t));
  const auto x = span_of(frequency, n), tx = span_of(recency, n), age = span_of(T, n);
  const std::span<double> o(out, n);
  const int threads = model->options.n_threads;
  const int k = n_purchases;
  switch (model->kind) {
    case CRMKIT_BTYD_BG_NBD: model->bg.conditional_probability_of_purchases(k, t, x, tx, age, o, threads); break;
    case CRMKIT_BTYD_PARETO_NBD: model->pareto.conditional_probability_of_purchases(k, t, x, tx, age, o, threads); break;
    case CRMKIT_BTYD_MODIFIED_BG_NBD: model->mbg.conditional_probability_of_purchases(k, t, x, tx, age, o, threads); break;
    default: {
      const auto& m = model->bgbb;
      if (!whole(t))
        throw error(errc::invalid_argument, fmt::format("{}: BG/BB horizon {} is not a whole number of opportunities", __func__, t));
      // validates each pattern (n = 0, a new customer, allowed) before any thread starts
      for (std::size_t i = 0; i < n; ++i) (void)m.conditional_probability_of_purchases(0, 0, frequency[i], recency[i], T[i]);
      crmkit::detail::batch_apply("crmkit_btyd_prob_n_purchases", x, tx, age, o, threads,
                                  [&m, k, t](double a, double b, double c) {
                                    return m.conditional_probability_of_purchases(k, t, a, b, c);
                                  });
      break;
    }
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_bgbb_clv(const crmkit_btyd* model, double discount_rate, const double* frequency,
                                    const double* recency, const double* periods, const double* spend, size_t n,
                                    double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency);
  CRMKIT_CHECK_NOT_NULL(recency);
  CRMKIT_CHECK_NOT_NULL(periods);
  CRMKIT_CHECK_NOT_NULL(out);
  if (model->kind != CRMKIT_BTYD_BG_BB)
    throw error(errc::invalid_argument, fmt::format("{}: not a BG/BB handle", __func__));
  require_fitted(*model, __func__);
  if (!(discount_rate > 0) || !std::isfinite(discount_rate))
    throw error(errc::invalid_argument, fmt::format("{}: discount_rate {} must be finite and > 0", __func__, discount_rate));
  const auto& m = model->bgbb;
  for (std::size_t i = 0; i < n; ++i) {
    (void)m.conditional_probability_of_purchases(0, 0, frequency[i], recency[i], periods[i]);
    if (spend != nullptr && (!std::isfinite(spend[i]) || spend[i] < 0))
      throw error(errc::invalid_argument, fmt::format("{}: row {}: spend {} is not finite and >= 0", __func__, i, spend[i]));
  }
  crmkit::detail::batch_apply("crmkit_btyd_bgbb_clv", span_of(frequency, n), span_of(recency, n), span_of(periods, n),
                              std::span<double>(out, n), model->options.n_threads,
                              [&m, discount_rate](double a, double b, double c) {
                                return m.discounted_expected_residual_transactions(discount_rate, a, b, c);
                              });
  if (spend != nullptr)
    for (std::size_t i = 0; i < n; ++i) out[i] *= spend[i];
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_expected_spend(const crmkit_btyd* model, const double* frequency,
                                          const double* monetary_value, size_t n, double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency);
  CRMKIT_CHECK_NOT_NULL(monetary_value);
  CRMKIT_CHECK_NOT_NULL(out);
  if (model->kind != CRMKIT_BTYD_GAMMA_GAMMA)
    throw error(errc::invalid_argument, fmt::format("{}: not a Gamma-Gamma handle", __func__));
  require_fitted(*model, __func__);
  model->gg.conditional_expected_spend(span_of(frequency, n), span_of(monetary_value, n), std::span<double>(out, n),
                                       model->options.n_threads);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_clv(const crmkit_btyd* purchases, const crmkit_btyd* spend, const double* frequency,
                               const double* recency, const double* T, const double* monetary_value, size_t n,
                               std::int32_t horizon, double period_days, double model_period_days,
                               double discount_rate, double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(purchases);
  CRMKIT_CHECK_NOT_NULL(spend);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency);
  CRMKIT_CHECK_NOT_NULL(recency);
  CRMKIT_CHECK_NOT_NULL(T);
  CRMKIT_CHECK_NOT_NULL(monetary_value);
  CRMKIT_CHECK_NOT_NULL(out);
  if (spend->kind != CRMKIT_BTYD_GAMMA_GAMMA)
    throw error(errc::invalid_argument, fmt::format("{}: 'spend' is not a Gamma-Gamma handle", __func__));
  require_fitted(*purchases, __func__);
  require_fitted(*spend, __func__);
  crmkit::clv_options o;
  o.horizon = horizon;
  o.period_days = period_days;
  o.model_period_days = model_period_days;
  o.discount_rate = discount_rate;
  o.n_threads = purchases->options.n_threads;
  const auto x = span_of(frequency, n), tx = span_of(recency, n), age = span_of(T, n), m = span_of(monetary_value, n);
  const std::span<double> o_(out, n);
  switch (purchases->kind) {
    case CRMKIT_BTYD_BG_NBD: crmkit::customer_lifetime_value(purchases->bg, spend->gg, x, tx, age, m, o_, o); break;
    case CRMKIT_BTYD_PARETO_NBD: crmkit::customer_lifetime_value(purchases->pareto, spend->gg, x, tx, age, m, o_, o); break;
    case CRMKIT_BTYD_MODIFIED_BG_NBD: crmkit::customer_lifetime_value(purchases->mbg, spend->gg, x, tx, age, m, o_, o); break;
    default:
      throw error(errc::invalid_argument,
                  fmt::format("{}: 'purchases' must be a BG/NBD, Pareto/NBD or modified BG/NBD handle", __func__));
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_summarize(const crmkit_dataset* dataset, std::int64_t calibration_end,
                                     std::int32_t has_holdout, std::int64_t holdout_end, double period_days,
                                     size_t cap, size_t* out_n, std::int32_t* customer, double* frequency,
                                     double* recency, double* T, double* monetary_value, double* frequency_holdout,
                                     double* out_duration_holdout) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset);
  CRMKIT_CHECK_NOT_NULL(out_n);
  *out_n = 0;
  CRMKIT_CHECK_NOT_NULL(customer);
  CRMKIT_CHECK_NOT_NULL(frequency);
  CRMKIT_CHECK_NOT_NULL(recency);
  CRMKIT_CHECK_NOT_NULL(T);
  CRMKIT_CHECK_NOT_NULL(monetary_value);
  if (has_holdout != 0 && has_holdout != 1)
    throw error(errc::invalid_argument, fmt::format("{}: has_holdout {} is not 0 or 1", __func__, has_holdout));
  crmkit::btyd_summary_options o;
  o.calibration_end = calibration_end;
  if (has_holdout == 1) o.holdout_end = holdout_end;
  o.period_days = period_days;
  const auto s = crmkit::summarize_btyd(dataset->data.transactions(), o);
  *out_n = s.size();
  if (cap < s.size())
    throw error(errc::buffer_too_small, fmt::format("{}: cap {} < {} summary rows", __func__, cap, s.size()));
  for (std::size_t i = 0; i < s.size(); ++i) {
    customer[i] = s.customer[i];
    frequency[i] = s.frequency[i];
    recency[i] = s.recency[i];
    T[i] = s.T[i];
    monetary_value[i] = s.monetary_value[i];
    if (frequency_holdout != nullptr) frequency_holdout[i] = has_holdout == 1 ? s.frequency_holdout[i] : 0.0;
  }
  if (out_duration_holdout != nullptr) *out_duration_holdout = s.duration_holdout;
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_validate_holdout(const double* frequency, const double* predicted, const double* actual,
                                            const double* churn_score, size_t n, std::int32_t max_frequency,
                                            double* out_totals, double* out_auc, double* out_buckets) {
  CRMKIT_API_BEGIN();
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency);
  CRMKIT_CHECK_NOT_NULL(predicted);
  CRMKIT_CHECK_NOT_NULL(actual);
  CRMKIT_CHECK_NOT_NULL(out_totals);
  CRMKIT_CHECK_NOT_NULL(out_auc);
  const auto score = churn_score != nullptr ? span_of(churn_score, n) : std::span<const double>{};
  const auto r = crmkit::validate_holdout(span_of(frequency, n), span_of(predicted, n), span_of(actual, n), score,
                                          max_frequency);
  out_totals[0] = r.actual_total;
  out_totals[1] = r.predicted_total;
  out_totals[2] = static_cast<double>(r.silent);
  *out_auc = r.auc;
  if (out_buckets != nullptr)
    for (std::size_t k = 0; k < r.by_frequency.size(); ++k) {
      out_buckets[3 * k] = static_cast<double>(r.by_frequency[k].customers);
      out_buckets[3 * k + 1] = r.by_frequency[k].actual_mean;
      out_buckets[3 * k + 2] = r.by_frequency[k].predicted_mean;
    }
  CRMKIT_API_END();
}

}  // extern "C"
