// crmkit/c/churn.h: the crmkit_btyd handle and the BTYD summary/validation functions.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "c_api_internal.hpp"
#include "crmkit/c/churn.h"
#include "crmkit/churn/bg_bb.hpp"
#include "crmkit/churn/bg_nbd.hpp"
#include "crmkit/churn/bg_nbd_covariates.hpp"
#include "crmkit/churn/btyd_model.hpp"
#include "crmkit/churn/detail/btyd_adapter.hpp"
#include "crmkit/churn/btyd_summary.hpp"
#include "crmkit/churn/detail/batch.hpp"
#include "crmkit/churn/clv.hpp"
#include "crmkit/churn/gamma_gamma.hpp"
#include "crmkit/churn/gamma_gamma_covariates.hpp"
#include "crmkit/churn/intervals.hpp"
#include "crmkit/churn/modified_bg_nbd.hpp"
#include "crmkit/churn/new_customer.hpp"
#include "crmkit/churn/pareto_nbd.hpp"
#include "crmkit/churn/pareto_nbd_covariates.hpp"
#include "crmkit/churn/validation.hpp"
#include "crmkit/core/model_document.hpp"

// A BG/NBD or Pareto/NBD fitted with covariates (the two classes share their member names).
struct covariate_model {
  std::unique_ptr<crmkit::bg_nbd_covariates> bg;
  std::unique_ptr<crmkit::pareto_nbd_covariates> pareto;
  explicit operator bool() const noexcept { return bg != nullptr || pareto != nullptr; }
  template <class F>
  decltype(auto) visit(F&& f) const {
    return bg ? f(*bg) : f(*pareto);
  }
  void reset() noexcept {
    bg.reset();
    pareto.reset();
  }
};

// A purchase model behind crmkit::btyd_model (kinds 1-4) or the Gamma-Gamma spend model
// (kind 5): no function below switches over the purchase model kinds.
struct crmkit_btyd {
  std::int32_t kind = 0;
  crmkit::fit_options options;
  std::unique_ptr<crmkit::btyd_model> purchase;  // null for Gamma-Gamma
  crmkit::gamma_gamma spend;
  // BG/NBD or Pareto/NBD fitted with covariates (crmkit_btyd_fit_covariates); empty for a plain model.
  covariate_model covariates;
  // Gamma-Gamma fitted with spend covariates (crmkit_btyd_fit_spend_covariates); null otherwise.
  std::unique_ptr<crmkit::gamma_gamma_covariates> spend_covariates;
  bool is_spend() const noexcept { return purchase == nullptr; }
  const crmkit::fit_report* report() const noexcept {
    if (covariates) return covariates.visit([](const auto& c) { return c.report(); });
    if (spend_covariates) return spend_covariates->report();
    return purchase ? purchase->report() : spend.report();
  }
};

namespace {

using crmkit::errc;
using crmkit::error;

std::span<const double> span_of(const double* p, std::size_t n) { return {p, n}; }

bool is_fitted(const crmkit_btyd& m) {
  if (m.covariates) return m.covariates.visit([](const auto& c) { return c.fitted(); });
  if (m.spend_covariates) return m.spend_covariates->fitted();
  return m.purchase ? m.purchase->fitted() : m.spend.fitted();
}

void require_fitted(const crmkit_btyd& m, const char* function) {
  if (!is_fitted(m))
    throw error(errc::not_fitted, fmt::format("{}: the model is not fitted (call crmkit_btyd_fit or set_params)", function));
}

const crmkit::btyd_model& purchase_model(const crmkit_btyd& m, const char* function, const char* what) {
  if (m.is_spend()) throw error(errc::unsupported, fmt::format("{}: a Gamma-Gamma handle {}", function, what));
  if (m.covariates)
    throw error(errc::unsupported,
                fmt::format("{}: the handle holds a model with covariates (use crmkit_btyd_predict_covariates)", function));
  require_fitted(m, function);
  return *m.purchase;
}

const crmkit::fit_report& fit_report_of(const crmkit_btyd& m, const char* function) {
  const auto* r = m.report();
  if (r == nullptr) throw error(errc::not_fitted, fmt::format("{}: the model was not fitted", function));
  return *r;
}

std::vector<double> params_of(const crmkit_btyd& m) {
  if (m.covariates) return m.covariates.visit([](const auto& c) { return c.params(); });
  if (m.spend_covariates) return m.spend_covariates->params();
  if (m.purchase) return m.purchase->params();
  const auto& p = m.spend.params();
  return {p.p, p.q, p.gamma};
}

void check_count(const char* function, std::size_t n) {
  if (n == 0) throw error(errc::invalid_argument, fmt::format("{}: n is 0", function));
}

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
  if (kind != CRMKIT_BTYD_GAMMA_GAMMA) handle->purchase = crmkit::make_btyd_model(static_cast<crmkit::btyd_kind>(kind));
  *out = handle.release();
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_btyd_free(crmkit_btyd* model) { delete model; }

// The settings: one-line translations through option_table<fit_options>
// (crmkit/churn/fit_report.hpp), which holds the keys, ranges and defaults.
CRMKIT_API int crmkit_btyd_set_int(crmkit_btyd* model, std::int32_t key, std::int64_t value) {
  CRMKIT_API_BEGIN();
  crmkit::set_option(CRMKIT_NOT_NULL(model)->options, key, value, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_set_double(crmkit_btyd* model, std::int32_t key, double value) {
  CRMKIT_API_BEGIN();
  crmkit::set_option(CRMKIT_NOT_NULL(model)->options, key, value, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_get_int(const crmkit_btyd* model, std::int32_t key, std::int64_t* out) {
  CRMKIT_API_BEGIN();
  *CRMKIT_NOT_NULL(out) = crmkit::get_int_option(CRMKIT_NOT_NULL(model)->options, key, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_get_double(const crmkit_btyd* model, std::int32_t key, double* out) {
  CRMKIT_API_BEGIN();
  *CRMKIT_NOT_NULL(out) = crmkit::get_real_option(CRMKIT_NOT_NULL(model)->options, key, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_option_bounds(std::int32_t key, double* out_lo, double* out_hi, double* out_default) {
  CRMKIT_API_BEGIN();
  crmkit::capi::option_bounds<crmkit::fit_options>(key, out_lo, out_hi, out_default, __func__);
  CRMKIT_API_END();
}

CRMKIT_API std::int32_t crmkit_btyd_kind(const crmkit_btyd* model) { return model == nullptr ? 0 : model->kind; }

CRMKIT_API size_t crmkit_btyd_n_params(const crmkit_btyd* model) {
  if (model == nullptr) return 0;
  // A covariate fit that ended not finite holds no parameters: the base count then.
  if (model->covariates)
    return model->covariates.visit([](const auto& c) { return c.fitted() ? c.params().size() : std::size_t{4}; });
  if (model->spend_covariates) return model->spend_covariates->fitted() ? model->spend_covariates->params().size() : 3;
  return model->purchase ? model->purchase->param_names().size() : 3;
}

CRMKIT_API int crmkit_btyd_fit(crmkit_btyd* model, const double* frequency, const double* recency, const double* T,
                               const double* weights, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency);
  CRMKIT_CHECK_NOT_NULL(recency);
  CRMKIT_CHECK_NOT_NULL(T);
  if (model->is_spend())
    throw error(errc::invalid_argument, fmt::format("{}: a Gamma-Gamma handle is fitted with crmkit_btyd_fit_spend", __func__));
  const auto w = weights != nullptr ? span_of(weights, n) : std::span<const double>{};
  model->covariates.reset();
  model->purchase->fit(span_of(frequency, n), span_of(recency, n), span_of(T, n), w, model->options);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_fit_spend(crmkit_btyd* model, const double* frequency, const double* monetary_value,
                                     const double* weights, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency);
  CRMKIT_CHECK_NOT_NULL(monetary_value);
  if (!model->is_spend())
    throw error(errc::invalid_argument, fmt::format("{}: only a Gamma-Gamma handle fits spend", __func__));
  const auto w = weights != nullptr ? span_of(weights, n) : std::span<const double>{};
  model->spend_covariates.reset();
  model->spend.fit(span_of(frequency, n), span_of(monetary_value, n), w, model->options);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_set_params(crmkit_btyd* model, const double* params, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  CRMKIT_CHECK_NOT_NULL(params);
  const std::size_t k = model->purchase ? model->purchase->param_names().size() : 3;
  if (n != k) throw error(errc::invalid_argument, fmt::format("{}: {} parameters given, the model has {}", __func__, n, k));
  if (model->purchase) {
    model->purchase->set_params(span_of(params, n));
    model->covariates.reset();
  } else {
    model->spend = crmkit::gamma_gamma({params[0], params[1], params[2]});
    model->spend_covariates.reset();
  }
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
  const auto& report = fit_report_of(*model, __func__);
  const std::size_t k = crmkit_btyd_n_params(model);
  if (cap < k) throw error(errc::buffer_too_small, fmt::format("{}: cap {} < {} parameters", __func__, cap, k));
  for (std::size_t i = 0; i < k; ++i)
    out[i] = i < report.standard_errors.size() ? report.standard_errors[i] : std::numeric_limits<double>::quiet_NaN();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_fit_report(const crmkit_btyd* model, std::int32_t* out_status, std::int32_t* out_iterations,
                                      double* out_objective, double* out_gradient_norm) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  crmkit::capi::write_fit_report(fit_report_of(*model, __func__), out_status, out_iterations, out_objective,
                                 out_gradient_norm);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_fit_message(const crmkit_btyd* model, char* buf, size_t cap, size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  crmkit::capi::write_fit_message(fit_report_of(*model, __func__), buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_fit_diagnostics(const crmkit_btyd* model, double* out_hessian_condition,
                                           std::int32_t* out_n_starts, std::int32_t* out_best_start,
                                           std::int32_t* out_fallback_used) {
  CRMKIT_API_BEGIN();
  crmkit::capi::write_fit_diagnostics(fit_report_of(*CRMKIT_NOT_NULL(model), __func__), out_hessian_condition,
                                      out_n_starts, out_best_start, out_fallback_used);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_fit_standard_errors_note(const crmkit_btyd* model, char* buf, size_t cap,
                                                    size_t* out_needed) {
  CRMKIT_API_BEGIN();
  crmkit::capi::copy_out(fit_report_of(*CRMKIT_NOT_NULL(model), __func__).standard_errors_note, buf, cap, out_needed,
                         __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_save(const crmkit_btyd* model, char* buf, size_t cap, size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  require_fitted(*model, __func__);
  crmkit::capi::copy_out(model->covariates         ? model->covariates.visit([](const auto& c) { return c.to_text(); })
                         : model->spend_covariates ? model->spend_covariates->to_text()
                         : model->purchase ? model->purchase->to_text()
                                           : model->spend.to_text(),
                         buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_load(const char* text, crmkit_btyd** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  *out = nullptr;
  CRMKIT_CHECK_NOT_NULL(text);
  auto handle = std::make_unique<crmkit_btyd>();
  const auto document_kind = crmkit::model_document_kind(text);
  if (document_kind == "bg_nbd_covariates") {
    handle->covariates.bg = std::make_unique<crmkit::bg_nbd_covariates>(crmkit::bg_nbd_covariates::from_text(text));
    handle->purchase = crmkit::make_btyd_model(crmkit::btyd_kind::bg_nbd);
    handle->kind = CRMKIT_BTYD_BG_NBD;
    handle->options = handle->covariates.bg->options();
  } else if (document_kind == "pareto_nbd_covariates") {
    handle->covariates.pareto =
        std::make_unique<crmkit::pareto_nbd_covariates>(crmkit::pareto_nbd_covariates::from_text(text));
    handle->purchase = crmkit::make_btyd_model(crmkit::btyd_kind::pareto_nbd);
    handle->kind = CRMKIT_BTYD_PARETO_NBD;
    handle->options = handle->covariates.pareto->options();
  } else if (document_kind == "gamma_gamma_covariates") {
    handle->spend_covariates =
        std::make_unique<crmkit::gamma_gamma_covariates>(crmkit::gamma_gamma_covariates::from_text(text));
    handle->kind = CRMKIT_BTYD_GAMMA_GAMMA;
    handle->options = handle->spend_covariates->options();
  } else if (document_kind == "gamma_gamma") {
    handle->spend = crmkit::gamma_gamma::from_text(text);
    handle->kind = CRMKIT_BTYD_GAMMA_GAMMA;
    handle->options = handle->spend.options();
  } else {
    handle->purchase = crmkit::load_btyd_model(text);
    handle->kind = static_cast<std::int32_t>(handle->purchase->kind());
    handle->options = handle->purchase->options();
  }
  *out = handle.release();
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
  const auto& m = purchase_model(*model, __func__, "predicts spend (crmkit_btyd_expected_spend)");
  const auto x = span_of(frequency, n), tx = span_of(recency, n), age = span_of(T, n);
  const std::span<double> o(out, n);
  const int threads = model->options.n_threads;
  switch (what) {
    case CRMKIT_BTYD_P_ALIVE: m.conditional_probability_alive(x, tx, age, o, threads); break;
    case CRMKIT_BTYD_EXPECTED_PURCHASES:
      m.conditional_expected_number_of_purchases_up_to_time(t, x, tx, age, o, threads);
      break;
    case CRMKIT_BTYD_P_NO_PURCHASE: m.conditional_probability_no_purchase(t, x, tx, age, o, threads); break;
    default: m.log_likelihood(x, tx, age, o, threads); break;
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
  const auto& m = purchase_model(*model, __func__, "has no purchase-count distribution");
  m.conditional_probability_of_n_purchases_up_to_time(n_purchases, t, span_of(frequency, n), span_of(recency, n),
                                                      span_of(T, n), std::span<double>(out, n),
                                                      model->options.n_threads);
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
  if (model->is_spend() || model->purchase->kind() != crmkit::btyd_kind::bg_bb)
    throw error(errc::invalid_argument, fmt::format("{}: not a BG/BB handle", __func__));
  require_fitted(*model, __func__);
  if (!(discount_rate > 0) || !std::isfinite(discount_rate))
    throw error(errc::invalid_argument, fmt::format("{}: discount_rate {} must be finite and > 0", __func__, discount_rate));
  const auto& m = static_cast<const crmkit::detail::btyd_adapter<crmkit::bg_bb>&>(*model->purchase).model();
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
  if (!model->is_spend()) throw error(errc::invalid_argument, fmt::format("{}: not a Gamma-Gamma handle", __func__));
  if (model->spend_covariates)
    throw error(errc::unsupported,
                fmt::format("{}: the handle holds spend covariates (use crmkit_btyd_expected_spend_covariates)", __func__));
  require_fitted(*model, __func__);
  model->spend.conditional_expected_spend(span_of(frequency, n), span_of(monetary_value, n), std::span<double>(out, n),
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
  if (!spend->is_spend())
    throw error(errc::invalid_argument, fmt::format("{}: 'spend' is not a Gamma-Gamma handle", __func__));
  if (spend->spend_covariates)
    throw error(errc::unsupported, fmt::format("{}: 'spend' holds spend covariates", __func__));
  require_fitted(*purchases, __func__);
  require_fitted(*spend, __func__);
  if (purchases->covariates)
    throw error(errc::unsupported, fmt::format("{}: 'purchases' holds a model with covariates", __func__));
  if (purchases->is_spend() || purchases->purchase->discrete_time())
    throw error(errc::invalid_argument,
                fmt::format("{}: 'purchases' must be a BG/NBD, Pareto/NBD or modified BG/NBD handle", __func__));
  crmkit::clv_options o;
  o.horizon = horizon;
  o.period_days = period_days;
  o.model_period_days = model_period_days;
  o.discount_rate = discount_rate;
  o.n_threads = purchases->options.n_threads;
  crmkit::customer_lifetime_value(*purchases->purchase, spend->spend, span_of(frequency, n), span_of(recency, n),
                                  span_of(T, n), span_of(monetary_value, n), std::span<double>(out, n), o);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_new_customer(const crmkit_btyd* purchases, const crmkit_btyd* spend, const double* t,
                                        size_t n, double* out_purchases, double* out_revenue) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(purchases);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(t);
  CRMKIT_CHECK_NOT_NULL(out_purchases);
  if (spend != nullptr && !spend->is_spend())
    throw error(errc::invalid_argument, fmt::format("{}: 'spend' is not a Gamma-Gamma handle", __func__));
  if (spend != nullptr && spend->spend_covariates)
    throw error(errc::unsupported, fmt::format("{}: 'spend' holds spend covariates", __func__));
  if (spend == nullptr && out_revenue != nullptr)
    throw error(errc::invalid_argument, fmt::format("{}: 'out_revenue' needs a Gamma-Gamma 'spend' handle", __func__));
  if (spend != nullptr) CRMKIT_CHECK_NOT_NULL(out_revenue);
  const auto& m = purchase_model(*purchases, __func__, "is a spend model; pass it as 'spend'");
  const auto f = crmkit::forecast_new_customer(m, span_of(t, n), spend != nullptr ? &spend->spend : nullptr);
  std::copy(f.expected_purchases.begin(), f.expected_purchases.end(), out_purchases);
  if (out_revenue != nullptr) std::copy(f.expected_revenue.begin(), f.expected_revenue.end(), out_revenue);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_fit_covariates(crmkit_btyd* model, const double* frequency, const double* recency,
                                          const double* T, const double* weights, size_t n, const double* z_purchase,
                                          size_t p_purchase, const double* z_dropout, size_t p_dropout, double l2) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency);
  CRMKIT_CHECK_NOT_NULL(recency);
  CRMKIT_CHECK_NOT_NULL(T);
  if (p_purchase > 0) CRMKIT_CHECK_NOT_NULL(z_purchase);
  if (p_dropout > 0) CRMKIT_CHECK_NOT_NULL(z_dropout);
  if (model->kind != CRMKIT_BTYD_BG_NBD && model->kind != CRMKIT_BTYD_PARETO_NBD)
    throw error(errc::invalid_argument,
                fmt::format("{}: covariates are fitted on a CRMKIT_BTYD_BG_NBD or _PARETO_NBD handle, not kind {}",
                            __func__, model->kind));
  const auto w = weights != nullptr ? span_of(weights, n) : std::span<const double>{};
  const auto zp = p_purchase > 0 ? span_of(z_purchase, n * p_purchase) : std::span<const double>{};
  const auto zd = p_dropout > 0 ? span_of(z_dropout, n * p_dropout) : std::span<const double>{};
  covariate_model fitted;
  if (model->kind == CRMKIT_BTYD_BG_NBD) fitted.bg = std::make_unique<crmkit::bg_nbd_covariates>();
  else fitted.pareto = std::make_unique<crmkit::pareto_nbd_covariates>();
  fitted.visit([&](auto& c) {
    return c.fit(span_of(frequency, n), span_of(recency, n), span_of(T, n), zp, p_purchase, zd, p_dropout, w,
                 model->options, l2);
  });
  model->covariates = std::move(fitted);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_n_covariates(const crmkit_btyd* model, std::int32_t* out_has, size_t* out_p_purchase,
                                        size_t* out_p_dropout) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  const auto* spend = model->spend_covariates.get();
  const bool has = static_cast<bool>(model->covariates) || spend != nullptr;
  std::size_t p1 = 0, p2 = 0;
  if (spend != nullptr) p1 = spend->n_covariates();
  if (model->covariates) {
    p1 = model->covariates.visit([](const auto& c) { return c.n_purchase_covariates(); });
    p2 = model->covariates.visit([](const auto& c) { return c.n_dropout_covariates(); });
  }
  if (out_has != nullptr) *out_has = has ? 1 : 0;
  if (out_p_purchase != nullptr) *out_p_purchase = p1;
  if (out_p_dropout != nullptr) *out_p_dropout = p2;
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_predict_covariates(const crmkit_btyd* model, std::int32_t what, double t,
                                              const double* frequency, const double* recency, const double* T,
                                              size_t n, const double* z_purchase, const double* z_dropout,
                                              double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency);
  CRMKIT_CHECK_NOT_NULL(recency);
  CRMKIT_CHECK_NOT_NULL(T);
  CRMKIT_CHECK_NOT_NULL(out);
  if (what < CRMKIT_BTYD_P_ALIVE || what > CRMKIT_BTYD_LOG_LIKELIHOOD)
    throw error(errc::invalid_argument, fmt::format("{}: unknown prediction {}", __func__, what));
  if (!model->covariates)
    throw error(errc::unsupported, fmt::format("{}: the handle holds no covariate model (use crmkit_btyd_predict)", __func__));
  const std::size_t p1 = model->covariates.visit([](const auto& c) { return c.n_purchase_covariates(); });
  const std::size_t p2 = model->covariates.visit([](const auto& c) { return c.n_dropout_covariates(); });
  if (p1 > 0) CRMKIT_CHECK_NOT_NULL(z_purchase);
  if (p2 > 0) CRMKIT_CHECK_NOT_NULL(z_dropout);
  model->covariates.visit([&](const auto& m) {
    const auto x = span_of(frequency, n), tx = span_of(recency, n), age = span_of(T, n);
    const auto zp = p1 > 0 ? span_of(z_purchase, n * p1) : std::span<const double>{};
    const auto zd = p2 > 0 ? span_of(z_dropout, n * p2) : std::span<const double>{};
    const std::span<double> o(out, n);
    const int threads = model->options.n_threads;
    switch (what) {
      case CRMKIT_BTYD_P_ALIVE: m.p_alive(x, tx, age, zp, zd, o, threads); break;
      case CRMKIT_BTYD_EXPECTED_PURCHASES: m.conditional_expected_purchases(t, x, tx, age, zp, zd, o, threads); break;
      case CRMKIT_BTYD_P_NO_PURCHASE: m.conditional_probability_no_purchase(t, x, tx, age, zp, zd, o, threads); break;
      default: m.log_likelihood(x, tx, age, zp, zd, o, threads); break;
    }
  });
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_fit_spend_covariates(crmkit_btyd* model, const double* frequency,
                                                const double* monetary_value, const double* weights, size_t n,
                                                const double* covariates, size_t k, double l2) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency);
  CRMKIT_CHECK_NOT_NULL(monetary_value);
  if (k > 0) CRMKIT_CHECK_NOT_NULL(covariates);
  if (!model->is_spend())
    throw error(errc::invalid_argument, fmt::format("{}: spend covariates are fitted on a Gamma-Gamma handle", __func__));
  const auto w = weights != nullptr ? span_of(weights, n) : std::span<const double>{};
  auto fitted = std::make_unique<crmkit::gamma_gamma_covariates>();
  fitted->fit(span_of(frequency, n), span_of(monetary_value, n),
              k > 0 ? span_of(covariates, n * k) : std::span<const double>{}, k, w, model->options, l2);
  model->spend_covariates = std::move(fitted);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_expected_spend_covariates(const crmkit_btyd* model, const double* frequency,
                                                     const double* monetary_value, size_t n, const double* covariates,
                                                     double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency);
  CRMKIT_CHECK_NOT_NULL(monetary_value);
  CRMKIT_CHECK_NOT_NULL(out);
  if (!model->spend_covariates)
    throw error(errc::unsupported,
                fmt::format("{}: the handle holds no spend covariate model (use crmkit_btyd_expected_spend)", __func__));
  const auto& m = *model->spend_covariates;
  require_fitted(*model, __func__);
  const std::size_t k = m.n_covariates();
  if (k > 0) CRMKIT_CHECK_NOT_NULL(covariates);
  m.conditional_expected_spend(span_of(frequency, n), span_of(monetary_value, n),
                               k > 0 ? span_of(covariates, n * k) : std::span<const double>{}, std::span<double>(out, n),
                               model->options.n_threads);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_covariance(const crmkit_btyd* model, double* out, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  const auto& report = fit_report_of(*CRMKIT_NOT_NULL(model), __func__);
  if (report.covariance.empty())
    throw error(errc::not_fitted, fmt::format("{}: the last fit computed no covariance (CRMKIT_BTYD_STANDARD_ERRORS 0)", __func__));
  crmkit::capi::check_capacity(cap, report.covariance.size(), __func__);
  std::copy(report.covariance.begin(), report.covariance.end(), out);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_param_intervals(const crmkit_btyd* model, double level, double* out_lower,
                                           double* out_upper, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  CRMKIT_CHECK_NOT_NULL(out_lower);
  CRMKIT_CHECK_NOT_NULL(out_upper);
  const auto ci = crmkit::parameter_intervals(purchase_model(*model, __func__, "has no purchase-model intervals"), level);
  crmkit::capi::check_capacity(cap, ci.size(), __func__);
  for (std::size_t i = 0; i < ci.size(); ++i) {
    out_lower[i] = ci[i].lower;
    out_upper[i] = ci[i].upper;
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_predict_interval(const crmkit_btyd* model, std::int32_t what, double t, double level,
                                            const double* frequency, const double* recency, const double* T, size_t n,
                                            double* out_estimate, double* out_se, double* out_lower,
                                            double* out_upper) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  crmkit::interval_options o;
  o.level = level;
  o.n_threads = model->options.n_threads;
  const auto r = crmkit::delta_method_intervals(
      purchase_model(*model, __func__, "has no purchase-model intervals"), static_cast<crmkit::btyd_prediction>(what),
      t, span_of(CRMKIT_NOT_NULL(frequency), n), span_of(CRMKIT_NOT_NULL(recency), n), span_of(CRMKIT_NOT_NULL(T), n), o);
  if (out_estimate != nullptr) std::copy(r.estimate.begin(), r.estimate.end(), out_estimate);
  if (out_se != nullptr) std::copy(r.standard_error.begin(), r.standard_error.end(), out_se);
  if (out_lower != nullptr) std::copy(r.lower.begin(), r.lower.end(), out_lower);
  if (out_upper != nullptr) std::copy(r.upper.begin(), r.upper.end(), out_upper);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_total_interval(const crmkit_btyd* model, std::int32_t what, double t, double level,
                                          std::int32_t method, std::int32_t n_draws, std::int64_t seed,
                                          const double* frequency, const double* recency, const double* T, size_t n,
                                          double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(out);
  if (method != CRMKIT_BTYD_INTERVAL_DELTA && method != CRMKIT_BTYD_INTERVAL_BOOTSTRAP)
    throw error(errc::invalid_argument, fmt::format("{}: unknown method {} (1 delta, 2 bootstrap)", __func__, method));
  crmkit::interval_options o;
  o.level = level;
  o.n_threads = model->options.n_threads;
  o.n_draws = n_draws;
  if (seed < 0) throw error(errc::invalid_argument, fmt::format("{}: seed = {} must be >= 0", __func__, seed));
  o.seed = static_cast<std::uint64_t>(seed);
  const auto& m = purchase_model(*model, __func__, "has no purchase-model intervals");
  const auto w = static_cast<crmkit::btyd_prediction>(what);
  const auto x = span_of(CRMKIT_NOT_NULL(frequency), n), tx = span_of(CRMKIT_NOT_NULL(recency), n),
             age = span_of(CRMKIT_NOT_NULL(T), n);
  const auto r = method == CRMKIT_BTYD_INTERVAL_DELTA ? crmkit::delta_method_total_interval(m, w, t, x, tx, age, o)
                                                      : crmkit::bootstrap_total_interval(m, w, t, x, tx, age, o);
  out[0] = r.estimate;
  out[1] = r.standard_error;
  out[2] = r.lower;
  out[3] = r.upper;
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
