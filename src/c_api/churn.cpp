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
#include "crmkit/churn/clv_intervals.hpp"
#include "crmkit/churn/covariate_forecasts.hpp"
#include "crmkit/churn/gamma_gamma.hpp"
#include "crmkit/churn/gamma_gamma_covariates.hpp"
#include "crmkit/churn/group_forecast.hpp"
#include "crmkit/churn/intervals.hpp"
#include "crmkit/churn/modified_bg_nbd.hpp"
#include "crmkit/churn/new_customer.hpp"
#include "crmkit/churn/pareto_nbd.hpp"
#include "crmkit/churn/pareto_nbd_covariates.hpp"
#include "crmkit/churn/validation.hpp"
#include "crmkit/core/model_document.hpp"

using namespace crmkit::capi;

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


bool is_fitted(const crmkit_btyd& m) {
  if (m.covariates) return m.covariates.visit([](const auto& c) { return c.fitted(); });
  if (m.spend_covariates) return m.spend_covariates->fitted();
  return m.purchase ? m.purchase->fitted() : m.spend.fitted();
}

void require_fitted(const crmkit_btyd& m, const char* function) {
  if (!is_fitted(m)) fail(errc::not_fitted, function, "the model is not fitted (call crmkit_btyd_fit or set_params)");
}

const crmkit::btyd_model& purchase_model(const crmkit_btyd& m, const char* function, const char* what) {
  if (m.is_spend()) fail(errc::unsupported, function, "a Gamma-Gamma handle {}", what);
  if (m.covariates)
    fail(errc::unsupported, function, "the handle holds a model with covariates (use crmkit_btyd_predict_covariates)");
  require_fitted(m, function);
  return *m.purchase;
}

const crmkit::fit_report& fit_report_of(const crmkit_btyd& m, const char* function) {
  const auto* r = m.report();
  if (r == nullptr) fail(errc::not_fitted, function, "the model was not fitted");
  return *r;
}

std::vector<double> params_of(const crmkit_btyd& m) {
  if (m.covariates) return m.covariates.visit([](const auto& c) { return c.params(); });
  if (m.spend_covariates) return m.spend_covariates->params();
  if (m.purchase) return m.purchase->params();
  const auto& p = m.spend.params();
  return {p.p, p.q, p.gamma};
}

// The handle of crmkit_btyd_load: the model the document's kind names, with its options.
crmkit_btyd btyd_handle(const char* text) {
  crmkit_btyd handle;
  const auto document_kind = crmkit::model_document_kind(text);
  if (document_kind == "bg_nbd_covariates") {
    handle.covariates.bg = std::make_unique<crmkit::bg_nbd_covariates>(crmkit::bg_nbd_covariates::from_text(text));
    handle.purchase = crmkit::make_btyd_model(crmkit::btyd_kind::bg_nbd);
    handle.kind = CRMKIT_BTYD_BG_NBD;
    handle.options = handle.covariates.bg->options();
  } else if (document_kind == "pareto_nbd_covariates") {
    handle.covariates.pareto =
        std::make_unique<crmkit::pareto_nbd_covariates>(crmkit::pareto_nbd_covariates::from_text(text));
    handle.purchase = crmkit::make_btyd_model(crmkit::btyd_kind::pareto_nbd);
    handle.kind = CRMKIT_BTYD_PARETO_NBD;
    handle.options = handle.covariates.pareto->options();
  } else if (document_kind == "gamma_gamma_covariates") {
    handle.spend_covariates =
        std::make_unique<crmkit::gamma_gamma_covariates>(crmkit::gamma_gamma_covariates::from_text(text));
    handle.kind = CRMKIT_BTYD_GAMMA_GAMMA;
    handle.options = handle.spend_covariates->options();
  } else if (document_kind == "gamma_gamma") {
    handle.spend = crmkit::gamma_gamma::from_text(text);
    handle.kind = CRMKIT_BTYD_GAMMA_GAMMA;
    handle.options = handle.spend.options();
  } else {
    handle.purchase = crmkit::load_btyd_model(text);
    handle.kind = static_cast<std::int32_t>(handle.purchase->kind());
    handle.options = handle.purchase->options();
  }
  return handle;
}

// The model document crmkit_btyd_save writes: the covariate, spend or purchase model held.
std::string document_of(const crmkit_btyd& m, const char* function) {
  require_fitted(m, function);
  if (m.covariates) return m.covariates.visit([](const auto& c) { return c.to_text(); });
  if (m.spend_covariates) return m.spend_covariates->to_text();
  return m.purchase ? m.purchase->to_text() : m.spend.to_text();
}

// The frequency / recency / T columns of n > 0 customers that most entry points take.
struct rft_columns {
  std::span<const double> x, tx, age;
};
rft_columns rft(const double* frequency, const double* recency, const double* T, std::size_t n, const char* function) {
  check_count(function, n);
  return {span_of(not_null(frequency, function, "frequency"), n),
          span_of(not_null(recency, function, "recency"), n),
          span_of(not_null(T, function, "T"), n)};
}

void check_prediction(std::int32_t what, const char* function) {
  if (what < CRMKIT_BTYD_P_ALIVE || what > CRMKIT_BTYD_LOG_LIKELIHOOD) fail(function, "unknown prediction {}", what);
}

// The covariate purchase model of a handle, or errc::unsupported.
const covariate_model& covariates_of(const crmkit_btyd& m, const char* function, const char* name) {
  if (!m.covariates)
    fail(errc::unsupported, function, "'{}' holds no model with covariates (fit it with crmkit_btyd_fit_covariates)", name);
  require_fitted(m, function);
  return m.covariates;
}

const crmkit::gamma_gamma_covariates& spend_covariates_of(const crmkit_btyd& m, const char* function) {
  if (!m.is_spend()) fail(function, "'spend' is not a Gamma-Gamma handle");
  if (!m.spend_covariates)
    throw error(errc::unsupported,
                fmt::format("{}: 'spend' holds no spend covariate model (fit it with crmkit_btyd_fit_spend_covariates; "
                            "k = 0 is the plain Gamma-Gamma fit)",
                            function));
  require_fitted(m, function);
  return *m.spend_covariates;
}

// An n x p covariate matrix argument (NULL allowed only when p is 0).
std::span<const double> matrix_of(const double* z, std::size_t n, std::size_t p, const char* name,
                                  const char* function) {
  if (p == 0) return {};
  if (z == nullptr) fail(function, "'{}' is NULL", name);
  return {z, n * p};
}

crmkit::clv_options clv_options_of(std::int32_t horizon, double period_days, double model_period_days,
                                   double discount_rate, int n_threads) {
  crmkit::clv_options o;
  o.horizon = horizon;
  o.period_days = period_days;
  o.model_period_days = model_period_days;
  o.discount_rate = discount_rate;
  o.n_threads = n_threads;
  return o;
}

// The per-row intervals into the caller's arrays (each may be NULL).
void copy_intervals(const crmkit::prediction_intervals& r, double* est, double* se, double* lo, double* hi) {
  if (est != nullptr) std::copy(r.estimate.begin(), r.estimate.end(), est);
  if (se != nullptr) std::copy(r.standard_error.begin(), r.standard_error.end(), se);
  if (lo != nullptr) std::copy(r.lower.begin(), r.lower.end(), lo);
  if (hi != nullptr) std::copy(r.upper.begin(), r.upper.end(), hi);
}

// out[0..3] = estimate, standard error, lower, upper of a total.
void copy_total(const crmkit::interval& r, double* out) {
  out[0] = r.estimate;
  out[1] = r.standard_error;
  out[2] = r.lower;
  out[3] = r.upper;
}

crmkit::interval_options interval_options_of(double level, int n_threads) {
  crmkit::interval_options o;
  o.level = level;
  o.n_threads = n_threads;
  return o;
}

bool any_row_output(const double* a, const double* b, const double* c, const double* d) {
  return a != nullptr || b != nullptr || c != nullptr || d != nullptr;
}

}  // namespace

extern "C" {

CRMKIT_API int crmkit_btyd_create(std::int32_t kind, crmkit_btyd** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  if (kind < CRMKIT_BTYD_BG_NBD || kind > CRMKIT_BTYD_GAMMA_GAMMA) fail(__func__, "unknown model kind {}", kind);
  auto handle = std::make_unique<crmkit_btyd>();
  handle->kind = kind;
  if (kind != CRMKIT_BTYD_GAMMA_GAMMA) handle->purchase = crmkit::make_btyd_model(static_cast<crmkit::btyd_kind>(kind));
  *out = handle.release();
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_btyd_free(crmkit_btyd* model) { delete model; }

// The settings: one-line translations through option_table<fit_options>
// (crmkit/churn/fit_report.hpp), which holds the keys, ranges and defaults.
CRMKIT_C_OPTIONS(crmkit_btyd, model)

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
  const rft_columns in = rft(frequency, recency, T, n, __func__);
  if (model->is_spend()) fail(__func__, "a Gamma-Gamma handle is fitted with crmkit_btyd_fit_spend");
  const auto w = optional_arg(weights, n);
  model->covariates.reset();
  model->purchase->fit(in.x, in.tx, in.age, w, model->options);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_fit_spend(crmkit_btyd* model, const double* frequency, const double* monetary_value,
                                     const double* weights, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency, monetary_value);
  if (!model->is_spend()) fail(__func__, "only a Gamma-Gamma handle fits spend");
  const auto w = optional_arg(weights, n);
  model->spend_covariates.reset();
  model->spend.fit(span_of(frequency, n), span_of(monetary_value, n), w, model->options);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_set_params(crmkit_btyd* model, const double* params, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model, params);
  const std::size_t k = model->purchase ? model->purchase->param_names().size() : 3;
  if (n != k) fail(__func__, "{} parameters given, the model has {}", n, k);
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
  CRMKIT_CHECK_NOT_NULL(model, out);
  require_fitted(*model, __func__);
  const auto p = params_of(*model);
  if (cap < p.size()) fail(errc::buffer_too_small, __func__, "cap {} < {} parameters", cap, p.size());
  for (std::size_t i = 0; i < p.size(); ++i) out[i] = p[i];
  CRMKIT_API_END();
}

CRMKIT_C_STANDARD_ERRORS(crmkit_btyd, model, fit_report_of(*model, __func__), crmkit_btyd_n_params(model))
CRMKIT_C_FIT_REPORT(crmkit_btyd, model, fit_report_of(*CRMKIT_NOT_NULL(model), __func__))
CRMKIT_C_FIT_DIAGNOSTICS(crmkit_btyd, model, fit_report_of(*CRMKIT_NOT_NULL(model), __func__))
CRMKIT_C_SAVE_LOAD(crmkit_btyd, model, document_of(*model, __func__), btyd_handle)

CRMKIT_API int crmkit_btyd_predict(const crmkit_btyd* model, std::int32_t what, double t, const double* frequency,
                                   const double* recency, const double* T, size_t n, double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  const rft_columns in = rft(frequency, recency, T, n, __func__);
  CRMKIT_CHECK_NOT_NULL(out);
  check_prediction(what, __func__);
  const auto& m = purchase_model(*model, __func__, "predicts spend (crmkit_btyd_expected_spend)");
  const std::span<double> o(out, n);
  const int threads = model->options.n_threads;
  switch (what) {
    case CRMKIT_BTYD_P_ALIVE: m.conditional_probability_alive(in.x, in.tx, in.age, o, threads); break;
    case CRMKIT_BTYD_EXPECTED_PURCHASES:
      m.conditional_expected_number_of_purchases_up_to_time(t, in.x, in.tx, in.age, o, threads);
      break;
    case CRMKIT_BTYD_P_NO_PURCHASE: m.conditional_probability_no_purchase(t, in.x, in.tx, in.age, o, threads); break;
    default: m.log_likelihood(in.x, in.tx, in.age, o, threads); break;
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_prob_n_purchases(const crmkit_btyd* model, std::int32_t n_purchases, double t,
                                            const double* frequency, const double* recency, const double* T, size_t n,
                                            double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  const rft_columns in = rft(frequency, recency, T, n, __func__);
  CRMKIT_CHECK_NOT_NULL(out);
  const auto& m = purchase_model(*model, __func__, "has no purchase-count distribution");
  m.conditional_probability_of_n_purchases_up_to_time(n_purchases, t, in.x, in.tx, in.age, std::span<double>(out, n),
                                                      model->options.n_threads);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_bgbb_clv(const crmkit_btyd* model, double discount_rate, const double* frequency,
                                    const double* recency, const double* periods, const double* spend, size_t n,
                                    double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency, recency, periods, out);
  if (model->is_spend() || model->purchase->kind() != crmkit::btyd_kind::bg_bb) fail(__func__, "not a BG/BB handle");
  require_fitted(*model, __func__);
  if (!(discount_rate > 0) || !std::isfinite(discount_rate))
    fail(__func__, "discount_rate {} must be finite and > 0", discount_rate);
  const auto& m = static_cast<const crmkit::detail::btyd_adapter<crmkit::bg_bb>&>(*model->purchase).model();
  for (std::size_t i = 0; i < n; ++i) {
    (void)m.conditional_probability_of_purchases(0, 0, frequency[i], recency[i], periods[i]);
    if (spend != nullptr && (!std::isfinite(spend[i]) || spend[i] < 0))
      fail(__func__, "row {}: spend {} is not finite and >= 0", i, spend[i]);
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
  CRMKIT_CHECK_NOT_NULL(frequency, monetary_value, out);
  if (!model->is_spend()) fail(__func__, "not a Gamma-Gamma handle");
  if (model->spend_covariates)
    fail(errc::unsupported, __func__, "the handle holds spend covariates (use crmkit_btyd_expected_spend_covariates)");
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
  CRMKIT_CHECK_NOT_NULL(purchases, spend);
  const rft_columns in = rft(frequency, recency, T, n, __func__);
  CRMKIT_CHECK_NOT_NULL(monetary_value, out);
  if (!spend->is_spend()) fail(__func__, "'spend' is not a Gamma-Gamma handle");
  if (spend->spend_covariates) fail(errc::unsupported, __func__, "'spend' holds spend covariates");
  require_fitted(*purchases, __func__);
  require_fitted(*spend, __func__);
  if (purchases->covariates) fail(errc::unsupported, __func__, "'purchases' holds a model with covariates");
  if (purchases->is_spend() || purchases->purchase->discrete_time())
    fail(__func__, "'purchases' must be a BG/NBD, Pareto/NBD or modified BG/NBD handle");
  crmkit::customer_lifetime_value(*purchases->purchase, spend->spend, in.x, in.tx, in.age, span_of(monetary_value, n),
                                  std::span<double>(out, n),
                                  clv_options_of(horizon, period_days, model_period_days, discount_rate,
                                                 purchases->options.n_threads));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_new_customer(const crmkit_btyd* purchases, const crmkit_btyd* spend, const double* t,
                                        size_t n, double* out_purchases, double* out_revenue) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(purchases);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(t, out_purchases);
  if (spend != nullptr && !spend->is_spend()) fail(__func__, "'spend' is not a Gamma-Gamma handle");
  if (spend != nullptr && spend->spend_covariates) fail(errc::unsupported, __func__, "'spend' holds spend covariates");
  if (spend == nullptr && out_revenue != nullptr) fail(__func__, "'out_revenue' needs a Gamma-Gamma 'spend' handle");
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
  const rft_columns in = rft(frequency, recency, T, n, __func__);
  if (p_purchase > 0) CRMKIT_CHECK_NOT_NULL(z_purchase);
  if (p_dropout > 0) CRMKIT_CHECK_NOT_NULL(z_dropout);
  if (model->kind != CRMKIT_BTYD_BG_NBD && model->kind != CRMKIT_BTYD_PARETO_NBD)
    fail(__func__, "covariates are fitted on a CRMKIT_BTYD_BG_NBD or _PARETO_NBD handle, not kind {}", model->kind);
  const auto w = optional_arg(weights, n);
  const auto zp = p_purchase > 0 ? span_of(z_purchase, n * p_purchase) : std::span<const double>{};
  const auto zd = p_dropout > 0 ? span_of(z_dropout, n * p_dropout) : std::span<const double>{};
  covariate_model fitted;
  if (model->kind == CRMKIT_BTYD_BG_NBD) fitted.bg = std::make_unique<crmkit::bg_nbd_covariates>();
  else fitted.pareto = std::make_unique<crmkit::pareto_nbd_covariates>();
  fitted.visit([&](auto& c) {
    return c.fit(in.x, in.tx, in.age, zp, p_purchase, zd, p_dropout, w,
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
  put(out_has, has ? 1 : 0, out_p_purchase, p1, out_p_dropout, p2);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_predict_covariates(const crmkit_btyd* model, std::int32_t what, double t,
                                              const double* frequency, const double* recency, const double* T,
                                              size_t n, const double* z_purchase, const double* z_dropout,
                                              double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  const rft_columns in = rft(frequency, recency, T, n, __func__);
  CRMKIT_CHECK_NOT_NULL(out);
  check_prediction(what, __func__);
  if (!model->covariates)
    fail(errc::unsupported, __func__, "the handle holds no covariate model (use crmkit_btyd_predict)");
  const std::size_t p1 = model->covariates.visit([](const auto& c) { return c.n_purchase_covariates(); });
  const std::size_t p2 = model->covariates.visit([](const auto& c) { return c.n_dropout_covariates(); });
  if (p1 > 0) CRMKIT_CHECK_NOT_NULL(z_purchase);
  if (p2 > 0) CRMKIT_CHECK_NOT_NULL(z_dropout);
  model->covariates.visit([&](const auto& m) {
    const auto zp = p1 > 0 ? span_of(z_purchase, n * p1) : std::span<const double>{};
    const auto zd = p2 > 0 ? span_of(z_dropout, n * p2) : std::span<const double>{};
    const std::span<double> o(out, n);
    const int threads = model->options.n_threads;
    switch (what) {
      case CRMKIT_BTYD_P_ALIVE: m.p_alive(in.x, in.tx, in.age, zp, zd, o, threads); break;
      case CRMKIT_BTYD_EXPECTED_PURCHASES: m.conditional_expected_purchases(t, in.x, in.tx, in.age, zp, zd, o, threads); break;
      case CRMKIT_BTYD_P_NO_PURCHASE: m.conditional_probability_no_purchase(t, in.x, in.tx, in.age, zp, zd, o, threads); break;
      default: m.log_likelihood(in.x, in.tx, in.age, zp, zd, o, threads); break;
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
  CRMKIT_CHECK_NOT_NULL(frequency, monetary_value);
  if (k > 0) CRMKIT_CHECK_NOT_NULL(covariates);
  if (!model->is_spend()) fail(__func__, "spend covariates are fitted on a Gamma-Gamma handle");
  const auto w = optional_arg(weights, n);
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
  CRMKIT_CHECK_NOT_NULL(frequency, monetary_value, out);
  if (!model->spend_covariates)
    fail(errc::unsupported, __func__, "the handle holds no spend covariate model (use crmkit_btyd_expected_spend)");
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
    fail(errc::not_fitted, __func__, "the last fit computed no covariance (CRMKIT_BTYD_STANDARD_ERRORS 0)");
  check_capacity(cap, report.covariance.size(), __func__);
  std::copy(report.covariance.begin(), report.covariance.end(), out);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_param_intervals(const crmkit_btyd* model, double level, double* out_lower,
                                           double* out_upper, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model, out_lower, out_upper);
  const auto ci = crmkit::parameter_intervals(purchase_model(*model, __func__, "has no purchase-model intervals"), level);
  check_capacity(cap, ci.size(), __func__);
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
  auto o = interval_options_of(level, model->options.n_threads);
  const auto r = crmkit::delta_method_intervals(
      purchase_model(*model, __func__, "has no purchase-model intervals"), static_cast<crmkit::btyd_prediction>(what),
      t, span_of(CRMKIT_NOT_NULL(frequency), n), span_of(CRMKIT_NOT_NULL(recency), n), span_of(CRMKIT_NOT_NULL(T), n), o);
  copy_intervals(r, out_estimate, out_se, out_lower, out_upper);
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
  if (method != CRMKIT_BTYD_INTERVAL_DELTA && method != CRMKIT_BTYD_INTERVAL_BOOTSTRAP &&
      method != CRMKIT_BTYD_INTERVAL_REFIT)
    fail(__func__, "unknown method {} (1 delta, 2 bootstrap, 3 refit)", method);
  auto o = interval_options_of(level, model->options.n_threads);
  o.n_draws = n_draws;
  if (seed < 0) fail(__func__, "seed = {} must be >= 0", seed);
  o.seed = static_cast<std::uint64_t>(seed);
  if (method == CRMKIT_BTYD_INTERVAL_REFIT) o.method = crmkit::bootstrap_method::refit;
  const auto& m = purchase_model(*model, __func__, "has no purchase-model intervals");
  const auto w = static_cast<crmkit::btyd_prediction>(what);
  const auto x = span_of(CRMKIT_NOT_NULL(frequency), n), tx = span_of(CRMKIT_NOT_NULL(recency), n),
             age = span_of(CRMKIT_NOT_NULL(T), n);
  const auto r = method == CRMKIT_BTYD_INTERVAL_DELTA ? crmkit::delta_method_total_interval(m, w, t, x, tx, age, o)
                                                      : crmkit::bootstrap_total_interval(m, w, t, x, tx, age, o);
  copy_total(r, out);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_refit_interval(const crmkit_btyd* model, std::int32_t what, double t, double level,
                                          std::int32_t n_draws, std::int64_t seed, const double* frequency,
                                          const double* recency, const double* T, size_t n,
                                          const double* population_T, size_t n_population, double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(out);
  if (seed < 0) fail(__func__, "seed = {} must be >= 0", seed);
  if (population_T != nullptr && n_population == 0) fail(__func__, "population_T is given with n_population 0");
  auto o = interval_options_of(level, model->options.n_threads);
  o.n_draws = n_draws;
  o.seed = static_cast<std::uint64_t>(seed);
  o.method = crmkit::bootstrap_method::refit;
  if (population_T != nullptr) o.population_T = span_of(population_T, n_population);
  const auto r = crmkit::bootstrap_total_interval(
      purchase_model(*model, __func__, "has no purchase-model intervals"), static_cast<crmkit::btyd_prediction>(what),
      t, span_of(CRMKIT_NOT_NULL(frequency), n), span_of(CRMKIT_NOT_NULL(recency), n), span_of(CRMKIT_NOT_NULL(T), n), o);
  copy_total(r, out);
  CRMKIT_API_END();
}


CRMKIT_API int crmkit_btyd_predict_interval_covariates(const crmkit_btyd* model, std::int32_t what, double t,
                                                       double level, const double* frequency, const double* recency,
                                                       const double* T, size_t n, const double* z_purchase,
                                                       const double* z_dropout, double* out_estimate, double* out_se,
                                                       double* out_lower, double* out_upper, double* out_total) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  const rft_columns in = rft(frequency, recency, T, n, __func__);
  const auto& cm = covariates_of(*model, __func__, "model");
  auto o = interval_options_of(level, model->options.n_threads);
  const auto w = static_cast<crmkit::btyd_prediction>(what);
  cm.visit([&](const auto& m) {
    const auto zp = matrix_of(z_purchase, n, m.n_purchase_covariates(), "z_purchase", __func__);
    const auto zd = matrix_of(z_dropout, n, m.n_dropout_covariates(), "z_dropout", __func__);
    if (any_row_output(out_estimate, out_se, out_lower, out_upper))
      copy_intervals(crmkit::delta_method_intervals(m, w, t, in.x, in.tx, in.age, zp, zd, o), out_estimate, out_se,
                     out_lower, out_upper);
    if (out_total != nullptr)
      copy_total(crmkit::delta_method_total_interval(m, w, t, in.x, in.tx, in.age, zp, zd, o), out_total);
    return 0;
  });
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_clv_covariates(const crmkit_btyd* purchases, const crmkit_btyd* spend,
                                          const double* frequency, const double* recency, const double* T,
                                          const double* monetary_value, size_t n, const double* z_purchase,
                                          const double* z_dropout, const double* z_spend, std::int32_t horizon,
                                          double period_days, double model_period_days, double discount_rate,
                                          double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(purchases, spend);
  const rft_columns in = rft(frequency, recency, T, n, __func__);
  CRMKIT_CHECK_NOT_NULL(monetary_value, out);
  const auto m = span_of(monetary_value, n);
  const auto& cm = covariates_of(*purchases, __func__, "purchases");
  const auto& sc = spend_covariates_of(*spend, __func__);
  const auto zs = matrix_of(z_spend, n, sc.n_covariates(), "z_spend", __func__);
  const auto co = clv_options_of(horizon, period_days, model_period_days, discount_rate, purchases->options.n_threads);
  cm.visit([&](const auto& pm) {
    crmkit::customer_lifetime_value(pm, sc, in.x, in.tx, in.age, m,
                                    matrix_of(z_purchase, n, pm.n_purchase_covariates(), "z_purchase", __func__),
                                    matrix_of(z_dropout, n, pm.n_dropout_covariates(), "z_dropout", __func__), zs,
                                    std::span<double>(out, n), co);
    return 0;
  });
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_clv_interval(const crmkit_btyd* purchases, const crmkit_btyd* spend,
                                        const double* frequency, const double* recency, const double* T,
                                        const double* monetary_value, size_t n, const double* z_purchase,
                                        const double* z_dropout, const double* z_spend, std::int32_t horizon,
                                        double period_days, double model_period_days, double discount_rate,
                                        double level, double* out_estimate, double* out_se, double* out_lower,
                                        double* out_upper, double* out_total) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(purchases, spend);
  const rft_columns in = rft(frequency, recency, T, n, __func__);
  const auto m = span_of(CRMKIT_NOT_NULL(monetary_value), n);
  const auto co = clv_options_of(horizon, period_days, model_period_days, discount_rate, purchases->options.n_threads);
  auto o = interval_options_of(level, purchases->options.n_threads);
  const bool rows = any_row_output(out_estimate, out_se, out_lower, out_upper);
  if (purchases->covariates) {
    const auto& cm = covariates_of(*purchases, __func__, "purchases");
    const auto& sc = spend_covariates_of(*spend, __func__);
    const auto zs = matrix_of(z_spend, n, sc.n_covariates(), "z_spend", __func__);
    cm.visit([&](const auto& pm) {
      const auto zp = matrix_of(z_purchase, n, pm.n_purchase_covariates(), "z_purchase", __func__);
      const auto zd = matrix_of(z_dropout, n, pm.n_dropout_covariates(), "z_dropout", __func__);
      if (rows)
        copy_intervals(crmkit::clv_intervals(pm, sc, in.x, in.tx, in.age, m, zp, zd, zs, co, o), out_estimate, out_se,
                       out_lower, out_upper);
      if (out_total != nullptr)
        copy_total(crmkit::clv_total_interval(pm, sc, in.x, in.tx, in.age, m, zp, zd, zs, co, o), out_total);
      return 0;
    });
  } else {
    if (z_purchase != nullptr || z_dropout != nullptr || z_spend != nullptr)
      fail(__func__, "covariates given but 'purchases' holds a model without covariates");
    if (!spend->is_spend()) fail(__func__, "'spend' is not a Gamma-Gamma handle");
    if (spend->spend_covariates)
      fail(errc::unsupported, __func__, "'spend' holds spend covariates but 'purchases' has none");
    require_fitted(*spend, __func__);
    const auto& pm = purchase_model(*purchases, __func__, "has no purchase-model CLV");
    if (rows)
      copy_intervals(crmkit::clv_intervals(pm, spend->spend, in.x, in.tx, in.age, m, co, o), out_estimate, out_se,
                     out_lower, out_upper);
    if (out_total != nullptr)
      copy_total(crmkit::clv_total_interval(pm, spend->spend, in.x, in.tx, in.age, m, co, o), out_total);
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_new_customer_covariates(const crmkit_btyd* purchases, const crmkit_btyd* spend,
                                                   const double* z, const double* w, const double* s,
                                                   const double* t, size_t n, double* out_purchases,
                                                   double* out_revenue) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(purchases);
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(t, out_purchases);
  if ((spend == nullptr) != (out_revenue == nullptr))
    fail(__func__, "out_revenue needs a spend handle and a spend handle needs out_revenue");
  const auto& cm = covariates_of(*purchases, __func__, "purchases");
  const crmkit::gamma_gamma_covariates* sc = spend != nullptr ? &spend_covariates_of(*spend, __func__) : nullptr;
  const auto sv = sc != nullptr ? matrix_of(s, 1, sc->n_covariates(), "s", __func__) : std::span<const double>{};
  const auto f = cm.visit([&](const auto& pm) {
    return crmkit::forecast_new_customer(pm, matrix_of(z, 1, pm.n_purchase_covariates(), "z", __func__),
                                         matrix_of(w, 1, pm.n_dropout_covariates(), "w", __func__), span_of(t, n), sc,
                                         sv);
  });
  std::copy(f.expected_purchases.begin(), f.expected_purchases.end(), out_purchases);
  if (out_revenue != nullptr) std::copy(f.expected_revenue.begin(), f.expected_revenue.end(), out_revenue);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_summarize(const crmkit_dataset* dataset, std::int64_t calibration_end,
                                     std::int32_t has_holdout, std::int64_t holdout_end, double period_days,
                                     size_t cap, size_t* out_n, std::int32_t* customer, double* frequency,
                                     double* recency, double* T, double* monetary_value, double* frequency_holdout,
                                     double* out_duration_holdout) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, out_n);
  *out_n = 0;
  CRMKIT_CHECK_NOT_NULL(customer, frequency, recency, T, monetary_value);
  if (has_holdout != 0 && has_holdout != 1) fail(__func__, "has_holdout {} is not 0 or 1", has_holdout);
  crmkit::btyd_summary_options o;
  o.calibration_end = calibration_end;
  if (has_holdout == 1) o.holdout_end = holdout_end;
  o.period_days = period_days;
  const auto s = crmkit::summarize_btyd(dataset->data.transactions(), o);
  *out_n = s.size();
  if (cap < s.size()) fail(errc::buffer_too_small, __func__, "cap {} < {} summary rows", cap, s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    customer[i] = s.customer[i];
    frequency[i] = s.frequency[i];
    recency[i] = s.recency[i];
    T[i] = s.T[i];
    monetary_value[i] = s.monetary_value[i];
    if (frequency_holdout != nullptr) frequency_holdout[i] = has_holdout == 1 ? s.frequency_holdout[i] : 0.0;
  }
  put(out_duration_holdout, s.duration_holdout);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_validate_holdout(const double* frequency, const double* predicted, const double* actual,
                                            const double* churn_score, size_t n, std::int32_t max_frequency,
                                            double* out_totals, double* out_auc, double* out_buckets) {
  CRMKIT_API_BEGIN();
  check_count(__func__, n);
  CRMKIT_CHECK_NOT_NULL(frequency, predicted, actual, out_totals, out_auc);
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

// crmkit_btyd_forecast_by_group / _forecast_holdout_by_group (crmkit/churn/group_forecast.hpp).
namespace {

void write_group_row(const crmkit::group_forecast_row& r, double* out) {
  const auto flag = [](int in) { return in < 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(in); };
  out[CRMKIT_GROUP_FORECAST_CUSTOMERS] = static_cast<double>(r.customers);
  out[CRMKIT_GROUP_FORECAST_PURCHASES] = r.purchases.estimate;
  out[CRMKIT_GROUP_FORECAST_PURCHASES_SE] = r.purchases.standard_error;
  out[CRMKIT_GROUP_FORECAST_PURCHASES_LOWER] = r.purchases.lower;
  out[CRMKIT_GROUP_FORECAST_PURCHASES_UPPER] = r.purchases.upper;
  out[CRMKIT_GROUP_FORECAST_REVENUE] = r.revenue.estimate;
  out[CRMKIT_GROUP_FORECAST_REVENUE_SE] = r.revenue.standard_error;
  out[CRMKIT_GROUP_FORECAST_REVENUE_LOWER] = r.revenue.lower;
  out[CRMKIT_GROUP_FORECAST_REVENUE_UPPER] = r.revenue.upper;
  out[CRMKIT_GROUP_FORECAST_ACTUAL_PURCHASES] = r.purchases_accuracy.actual;
  out[CRMKIT_GROUP_FORECAST_PURCHASES_ERROR] = r.purchases_accuracy.error;
  out[CRMKIT_GROUP_FORECAST_PURCHASES_RELATIVE_ERROR] = r.purchases_accuracy.relative_error;
  out[CRMKIT_GROUP_FORECAST_PURCHASES_APE] = r.purchases_accuracy.absolute_percentage_error;
  out[CRMKIT_GROUP_FORECAST_PURCHASES_IN_INTERVAL] = flag(r.purchases_accuracy.in_interval);
  out[CRMKIT_GROUP_FORECAST_ACTUAL_REVENUE] = r.revenue_accuracy.actual;
  out[CRMKIT_GROUP_FORECAST_REVENUE_ERROR] = r.revenue_accuracy.error;
  out[CRMKIT_GROUP_FORECAST_REVENUE_RELATIVE_ERROR] = r.revenue_accuracy.relative_error;
  out[CRMKIT_GROUP_FORECAST_REVENUE_APE] = r.revenue_accuracy.absolute_percentage_error;
  out[CRMKIT_GROUP_FORECAST_REVENUE_IN_INTERVAL] = flag(r.revenue_accuracy.in_interval);
}

// The shared output protocol of both calls: *out_n_groups first, then the capacity check
// (so cap 0 with NULL buffers asks for the number of groups).
void write_group_forecast(const crmkit::group_forecast& f, std::size_t cap, std::size_t* out_n_groups,
                          std::int64_t* out_group, double* out_rows, double* out_total, double* out_summary,
                          const char* function) {
  *out_n_groups = f.groups.size();
  check_capacity(cap, f.groups.size(), function);
  if (out_group == nullptr) throw_null(function, "out_group");
  if (out_rows == nullptr) throw_null(function, "out_rows");
  for (std::size_t g = 0; g < f.groups.size(); ++g) {
    out_group[g] = f.groups[g].key;
    write_group_row(f.groups[g], out_rows + g * CRMKIT_GROUP_FORECAST_N_COLUMNS);
  }
  if (out_total != nullptr) write_group_row(f.total, out_total);
  if (out_summary != nullptr) {
    out_summary[0] = f.purchases_wape;
    out_summary[1] = f.revenue_wape;
    out_summary[2] = f.purchases_mape;
    out_summary[3] = f.revenue_mape;
  }
}

const crmkit::gamma_gamma* spend_model(const crmkit_btyd* spend, const char* function) {
  if (spend == nullptr) return nullptr;
  if (!spend->is_spend()) fail(function, "'spend' is not a Gamma-Gamma handle");
  if (spend->spend_covariates) fail(errc::unsupported, function, "'spend' holds spend covariates");
  require_fitted(*spend, function);
  return &spend->spend;
}

void check_flag(std::int32_t v, const char* function, const char* name) {
  if (v != 0 && v != 1) fail(function, "{} = {} is not 0 or 1", name, v);
}

}  // namespace

extern "C" {

CRMKIT_API int crmkit_btyd_forecast_by_group(const crmkit_btyd* purchases, const crmkit_btyd* spend,
                                             const std::int64_t* group, const double* frequency,
                                             const double* recency, const double* T, const double* monetary_value,
                                             size_t n, const double* actual_purchases, const double* actual_revenue,
                                             double horizon, double level, std::int32_t intervals, size_t cap,
                                             size_t* out_n_groups, std::int64_t* out_group, double* out_rows,
                                             double* out_total, double* out_summary) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out_n_groups);
  *out_n_groups = 0;
  CRMKIT_CHECK_NOT_NULL(purchases);
  check_count(__func__, n);
  check_flag(intervals, __func__, "intervals");
  const auto& m = purchase_model(*purchases, __func__, "is a spend model; pass it as 'spend'");
  const auto* gg = spend_model(spend, __func__);
  if (gg != nullptr) CRMKIT_CHECK_NOT_NULL(monetary_value);
  crmkit::group_forecast_options o;
  o.horizon = horizon;
  o.level = level;
  o.n_threads = purchases->options.n_threads;
  o.intervals = intervals == 1;
  const auto f = crmkit::forecast_by_group(m, gg, span_of(CRMKIT_NOT_NULL(group), n),
                                           span_of(CRMKIT_NOT_NULL(frequency), n),
                                           span_of(CRMKIT_NOT_NULL(recency), n), span_of(CRMKIT_NOT_NULL(T), n),
                                           optional_arg(monetary_value, n), o, optional_arg(actual_purchases, n),
                                           optional_arg(actual_revenue, n));
  write_group_forecast(f, cap, out_n_groups, out_group, out_rows, out_total, out_summary, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_btyd_forecast_holdout_by_group(const crmkit_dataset* dataset, const crmkit_table* groups,
                                                     const char* column, std::int64_t calibration_end,
                                                     std::int64_t holdout_end, double period_days,
                                                     std::int32_t model_kind, const crmkit_btyd* purchases,
                                                     const crmkit_btyd* spend, std::int32_t revenue, double level,
                                                     std::int32_t n_threads, size_t cap, size_t* out_n_groups,
                                                     std::int64_t* out_group, double* out_rows, double* out_total,
                                                     double* out_summary) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out_n_groups);
  *out_n_groups = 0;
  CRMKIT_CHECK_NOT_NULL(dataset, column);
  check_flag(revenue, __func__, "revenue");
  crmkit::holdout_forecast_options o;
  o.calibration_end = calibration_end;
  o.holdout_end = holdout_end;
  o.period_days = period_days;
  if (purchases == nullptr) {
    if (model_kind < 1 || model_kind > 4)
      fail(__func__, "model_kind {} is not a purchase model (1 BG/NBD, 2 Pareto/NBD, 3 modified BG/NBD, 4 BG/BB)",
           model_kind);
    o.model = static_cast<crmkit::btyd_kind>(model_kind);
  }
  o.revenue = revenue == 1;
  o.level = level;
  o.n_threads = n_threads;
  const crmkit::btyd_model* m =
      purchases == nullptr ? nullptr : &purchase_model(*purchases, __func__, "is a spend model; pass it as 'spend'");
  const auto f = crmkit::forecast_holdout_by_group(dataset->data, groups != nullptr ? groups->table
                                                                                    : dataset->data.customers(),
                                                   column, o, m, spend_model(spend, __func__));
  write_group_forecast(f, cap, out_n_groups, out_group, out_rows, out_total, out_summary, __func__);
  CRMKIT_API_END();
}

}  // extern "C"
