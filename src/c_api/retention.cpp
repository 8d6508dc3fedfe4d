// crmkit/c/churn.h, retention part: the crmkit_retention handle over
// crmkit::retention_model (crmkit/churn/retention.hpp). Every body is one C++ call.
#include <memory>
#include <optional>
#include <span>

#include "c_api_internal.hpp"
#include "crmkit/c/churn.h"
#include "crmkit/churn/retention.hpp"

using namespace crmkit::capi;

struct crmkit_retention {
  crmkit::retention_options options;
  crmkit::retention_model model;
};

namespace {


const crmkit::fit_report& report_of(const crmkit_retention& m, const char* function) {
  const auto* r = m.model.report();
  if (r == nullptr) fail(errc::not_fitted, function, "the model was not fitted");
  return *r;
}

// The handle of crmkit_retention_load: the options the document's model was fitted with.
crmkit_retention retention_handle(const char* text) {
  auto m = crmkit::retention_model::from_text(text);
  const auto options = m.options();
  return {options, std::move(m)};
}

}  // namespace

extern "C" {

CRMKIT_API int crmkit_retention_create(std::int32_t kind, crmkit_retention** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  *out = new crmkit_retention{{}, crmkit::retention_model(static_cast<crmkit::retention_kind>(kind))};
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_retention_free(crmkit_retention* model) { delete model; }

CRMKIT_C_OPTIONS(crmkit_retention, model)

CRMKIT_API std::int32_t crmkit_retention_kind(const crmkit_retention* model) {
  return model == nullptr ? 0 : static_cast<std::int32_t>(model->model.kind());
}

CRMKIT_API size_t crmkit_retention_n_params(const crmkit_retention* model) {
  return model == nullptr ? 0 : model->model.param_names().size();
}

CRMKIT_API int crmkit_retention_fit(crmkit_retention* model, const double* periods, const double* churned,
                                    const double* weights, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  const auto w = optional_arg(weights, n);
  model->model.fit(span_of(CRMKIT_NOT_NULL(periods), n), span_of(CRMKIT_NOT_NULL(churned), n), w, model->options);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_retention_fit_survivors(crmkit_retention* model, const double* survivors, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_NOT_NULL(model)->model.fit_survivors(span_of(CRMKIT_NOT_NULL(survivors), n), model->options);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_retention_set_params(crmkit_retention* model, const double* params, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_NOT_NULL(model)->model.set_params(span_of(CRMKIT_NOT_NULL(params), n));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_retention_params(const crmkit_retention* model, double* out, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  const auto p = CRMKIT_NOT_NULL(model)->model.params();
  check_capacity(cap, p.size(), __func__);
  std::copy(p.begin(), p.end(), out);
  CRMKIT_API_END();
}

CRMKIT_C_STANDARD_ERRORS(crmkit_retention, model, report_of(*model, __func__), model->model.param_names().size())
CRMKIT_C_FIT_REPORT(crmkit_retention, model, report_of(*CRMKIT_NOT_NULL(model), __func__))
CRMKIT_C_FIT_DIAGNOSTICS(crmkit_retention, model, report_of(*CRMKIT_NOT_NULL(model), __func__))
CRMKIT_C_SAVE_LOAD(crmkit_retention, model, model->model.to_text(), retention_handle)

CRMKIT_API int crmkit_retention_predict(const crmkit_retention* model, std::int32_t what, double arg,
                                        const double* tenure, size_t n, double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(model);
  check_count(__func__, n);
  model->model.predict(static_cast<crmkit::retention_prediction>(what), arg, span_of(CRMKIT_NOT_NULL(tenure), n),
                       std::span<double>(CRMKIT_NOT_NULL(out), n), model->options.n_threads);
  CRMKIT_API_END();
}

}  // extern "C"
