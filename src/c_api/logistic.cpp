// crmkit/c/logistic.h: the crmkit_logistic handle over crmkit/churn/logistic.hpp and the
// metric functions of crmkit/churn/metrics.hpp.
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "c_api_internal.hpp"
#include "c_api_matrix.hpp"
#include "crmkit/c/logistic.h"
#include "crmkit/churn/logistic.hpp"
#include "crmkit/churn/metrics.hpp"

using namespace crmkit::capi;

struct crmkit_logistic {
  crmkit::logistic_options options;
  std::optional<crmkit::logistic_regression> model;
};

namespace {


const crmkit::logistic_regression& fitted(const crmkit_logistic* h, const char* function) {
  if (!h->model)
    fail(errc::not_fitted, function, "the logistic regression handle has no model; call crmkit_logistic_fit first");
  return *h->model;
}

// The handle of crmkit_logistic_load: the options the document's model was fitted with.
crmkit_logistic logistic_handle(const char* text) {
  auto model = crmkit::logistic_regression::from_text(text);
  return {model.options(), std::move(model)};
}

// out[0..n_rows) = (model.*predict)(data) (crmkit_logistic_predict_proba, _decision_function).
using predict_fn = void (crmkit::logistic_regression::*)(Eigen::Ref<const crmkit::logistic_matrix>,
                                                         std::span<double>) const;
void predict_into(const crmkit_logistic* logistic, const double* data, std::size_t n_rows, std::size_t n_cols,
                  double* out, std::size_t cap, predict_fn predict, const char* function) {
  if (logistic == nullptr) throw_null(function, "logistic");
  const auto& m = fitted(logistic, function);
  const auto x = as_matrix(data, n_rows, n_cols, function);
  if (out == nullptr && n_rows > 0) throw_null(function, "out");
  check_capacity(cap, n_rows, function);
  (m.*predict)(x, std::span<double>(out, n_rows));
}

void check_n(std::size_t n, const char* function) {
  if (n == 0) fail(function, "n is 0");
}

}  // namespace

extern "C" {

CRMKIT_C_CREATE_FREE(crmkit_logistic)
CRMKIT_C_OPTIONS(crmkit_logistic, logistic)

CRMKIT_C_SAVE_LOAD(crmkit_logistic, logistic, fitted(logistic, __func__).to_text(), logistic_handle)

CRMKIT_API int crmkit_logistic_fit(crmkit_logistic* logistic, const double* data, size_t n_rows, size_t n_cols,
                                   const double* y, const double* sample_weight) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(logistic);
  logistic->model.reset();
  const auto x = as_matrix(data, n_rows, n_cols, __func__);
  const auto labels = array_arg(y, n_rows, __func__, "y");
  crmkit::logistic_regression model(logistic->options);
  (void)model.fit(x, labels, optional_arg(sample_weight, n_rows));
  logistic->model = std::move(model);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_logistic_n_features(const crmkit_logistic* logistic, size_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(logistic, out);
  *out = fitted(logistic, __func__).n_features();
  CRMKIT_API_END();
}

CRMKIT_C_FIT_REPORT(crmkit_logistic, logistic, fitted(CRMKIT_NOT_NULL(logistic), __func__).report())

CRMKIT_API int crmkit_logistic_coef(const crmkit_logistic* logistic, int32_t units, double* out, size_t cap,
                                    double* out_intercept) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(logistic);
  const auto& m = fitted(logistic, __func__);
  if (units != CRMKIT_LOGISTIC_ORIGINAL_UNITS && units != CRMKIT_LOGISTIC_STANDARDIZED_UNITS)
    throw error(errc::invalid_argument,
                fmt::format("{}: units = {}; expected CRMKIT_LOGISTIC_ORIGINAL_UNITS (0) or "
                            "CRMKIT_LOGISTIC_STANDARDIZED_UNITS (1)",
                            __func__, units));
  const std::size_t d = m.n_features();
  if (out == nullptr && d > 0) throw_null(__func__, "out");
  check_capacity(cap, d, __func__);
  const bool original = units == CRMKIT_LOGISTIC_ORIGINAL_UNITS;
  const Eigen::VectorXd coef = original ? m.coef() : m.standardized_coef();
  if (d > 0) std::memcpy(out, coef.data(), d * sizeof(double));
  if (out_intercept) *out_intercept = original ? m.intercept() : m.standardized_intercept();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_logistic_scaling(const crmkit_logistic* logistic, double* out_means, double* out_scales,
                                       size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(logistic);
  const auto& m = fitted(logistic, __func__);
  const std::size_t d = m.n_features();
  if (d > 0) CRMKIT_CHECK_NOT_NULL(out_means, out_scales);
  check_capacity(cap, d, __func__);
  if (d > 0) {
    std::memcpy(out_means, m.feature_means().data(), d * sizeof(double));
    std::memcpy(out_scales, m.feature_scales().data(), d * sizeof(double));
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_logistic_predict_proba(const crmkit_logistic* logistic, const double* data, size_t n_rows,
                                             size_t n_cols, double* out, size_t cap) {
  CRMKIT_API_BEGIN();
  predict_into(logistic, data, n_rows, n_cols, out, cap, &crmkit::logistic_regression::predict_proba, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_logistic_decision_function(const crmkit_logistic* logistic, const double* data, size_t n_rows,
                                                 size_t n_cols, double* out, size_t cap) {
  CRMKIT_API_BEGIN();
  predict_into(logistic, data, n_rows, n_cols, out, cap, &crmkit::logistic_regression::decision_function, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_roc_auc(const double* y, const double* score, const double* sample_weight, size_t n,
                              double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  check_n(n, __func__);
  *out = crmkit::roc_auc(array_arg(y, n, __func__, "y"), array_arg(score, n, __func__, "score"), optional_arg(sample_weight, n));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_ks_statistic(const double* y, const double* score, const double* sample_weight, size_t n,
                                   double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  check_n(n, __func__);
  *out = crmkit::ks_statistic(array_arg(y, n, __func__, "y"), array_arg(score, n, __func__, "score"),
                              optional_arg(sample_weight, n));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_brier_score(const double* y, const double* probability, const double* sample_weight, size_t n,
                                  double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  check_n(n, __func__);
  *out = crmkit::brier_score(array_arg(y, n, __func__, "y"), array_arg(probability, n, __func__, "probability"),
                             optional_arg(sample_weight, n));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_lift_table(const double* y, const double* score, size_t n, size_t n_bins, double* out,
                                 size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  check_n(n, __func__);
  const auto table = crmkit::lift_table(array_arg(y, n, __func__, "y"), array_arg(score, n, __func__, "score"), n_bins);
  check_capacity(cap, table.size() * CRMKIT_LIFT_N_COLUMNS, __func__);
  for (std::size_t b = 0; b < table.size(); ++b) {
    const auto& r = table[b];
    double* row = out + b * CRMKIT_LIFT_N_COLUMNS;
    row[CRMKIT_LIFT_ROWS] = static_cast<double>(r.rows);
    row[CRMKIT_LIFT_POSITIVES] = r.positives;
    row[CRMKIT_LIFT_MIN_SCORE] = r.min_score;
    row[CRMKIT_LIFT_MAX_SCORE] = r.max_score;
    row[CRMKIT_LIFT_RESPONSE_RATE] = r.response_rate;
    row[CRMKIT_LIFT_LIFT] = r.lift;
    row[CRMKIT_LIFT_CUMULATIVE_ROWS] = static_cast<double>(r.cumulative_rows);
    row[CRMKIT_LIFT_CUMULATIVE_POSITIVES] = r.cumulative_positives;
    row[CRMKIT_LIFT_CUMULATIVE_GAIN] = r.cumulative_gain;
    row[CRMKIT_LIFT_CUMULATIVE_LIFT] = r.cumulative_lift;
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_platt_fit(const double* score, const double* y, const double* sample_weight, size_t n,
                                double* out_a, double* out_b, int32_t* out_status) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out_a, out_b);
  check_n(n, __func__);
  const auto s = crmkit::platt_fit(array_arg(score, n, __func__, "score"), array_arg(y, n, __func__, "y"),
                                   optional_arg(sample_weight, n));
  *out_a = s.a;
  *out_b = s.b;
  if (out_status) *out_status = static_cast<int32_t>(s.status);
  CRMKIT_API_END();
}

}  // extern "C"
