// crmkit/c/rfm.h: the crmkit_rfm handle.
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "c_api_internal.hpp"
#include "crmkit/c/rfm.h"
#include "crmkit/segmentation/rfm.hpp"
#include "crmkit/segmentation/rfm_segments.hpp"

using namespace crmkit::capi;

struct crmkit_rfm {
  crmkit::rfm_options options;
  crmkit::rfm_preset preset = crmkit::rfm_preset::grid11;
  std::vector<crmkit::rfm_segment_rule> rules;
  std::string other = "Others";
  struct results {
    crmkit::rfm_table table;
    crmkit::rfm_scores scores;
    crmkit::rfm_segmentation segments;
    std::vector<crmkit::rfm_segment_summary_row> summary;
  };
  std::optional<results> fitted;
};

namespace {


const crmkit_rfm::results& fitted_or_throw(const crmkit_rfm* rfm, const char* function) {
  if (!rfm->fitted) fail(errc::not_fitted, function, "no results yet; call crmkit_rfm_compute() first");
  return *rfm->fitted;
}

template <class T>
void copy_column(const std::vector<T>& values, T* out, std::size_t n, const char* function) {
  if (n < values.size())
    fail(errc::buffer_too_small, function, "argument 'n' is {}, the table has {} rows", n, values.size());
  std::copy(values.begin(), values.end(), out);
}

[[noreturn]] void unknown(const char* function, const char* what, std::int64_t value) {
  fail(function, "unknown {} {}", what, value);
}

}  // namespace

extern "C" {

CRMKIT_C_CREATE_FREE(crmkit_rfm)
CRMKIT_C_OPTION_BOUNDS(crmkit_rfm)

CRMKIT_API int crmkit_rfm_set_int(crmkit_rfm* rfm, int32_t key, int64_t value) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(rfm);
  if (key != CRMKIT_RFM_SEGMENT_PRESET) {
    crmkit::set_option(rfm->options, key, value, __func__);
  } else {  // a setting of the handle's segment map, not of rfm_options
    if (value < CRMKIT_RFM_PRESET_GRID11 || value > CRMKIT_RFM_PRESET_RF_GRID)
      fail(__func__, "CRMKIT_RFM_SEGMENT_PRESET = {} is not one of CRMKIT_RFM_PRESET_*", value);
    rfm->preset = static_cast<crmkit::rfm_preset>(value);
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rfm_get_int(const crmkit_rfm* rfm, int32_t key, int64_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  *out = key == CRMKIT_RFM_SEGMENT_PRESET ? static_cast<std::int64_t>(CRMKIT_NOT_NULL(rfm)->preset)
                                          : crmkit::get_int_option(CRMKIT_NOT_NULL(rfm)->options, key, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rfm_add_segment_rule(crmkit_rfm* rfm, const char* name, const double* bounds, size_t n_bounds) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(rfm, name, bounds);
  if (*name == '\0') fail(__func__, "argument 'name' is empty");
  if (n_bounds != 8) fail(__func__, "argument 'n_bounds' is {}, it must be 8", n_bounds);
  for (std::size_t i = 0; i < 8; i += 2)
    if (std::isnan(bounds[i]) || std::isnan(bounds[i + 1]) || bounds[i] > bounds[i + 1])
      throw error(errc::invalid_argument, fmt::format("{}: rule '{}': bounds[{}] = {} and bounds[{}] = {} do not form "
                                                      "a range (NaN or min > max)",
                                                      __func__, name, i, bounds[i], i + 1, bounds[i + 1]));
  crmkit::rfm_segment_rule rule;
  rule.name = name;
  rule.r_min = bounds[0];
  rule.r_max = bounds[1];
  rule.f_min = bounds[2];
  rule.f_max = bounds[3];
  rule.m_min = bounds[4];
  rule.m_max = bounds[5];
  rule.fm_min = bounds[6];
  rule.fm_max = bounds[7];
  rfm->rules.push_back(std::move(rule));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rfm_clear_segment_rules(crmkit_rfm* rfm) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(rfm);
  rfm->rules.clear();
  rfm->other = "Others";
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rfm_set_other_name(crmkit_rfm* rfm, const char* name) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(rfm, name);
  if (*name == '\0') fail(__func__, "argument 'name' is empty");
  rfm->other = name;
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rfm_compute(crmkit_rfm* rfm, const crmkit_dataset* dataset) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(rfm);
  rfm->fitted.reset();
  CRMKIT_CHECK_NOT_NULL(dataset);
  crmkit_rfm::results r;
  r.table = crmkit::rfm_summary(dataset->data, rfm->options);  // ties broken by customer id
  r.scores = crmkit::rfm_score(r.table, rfm->options);
  crmkit::rfm_segment_map map;
  if (rfm->rules.empty()) {
    map = crmkit::rfm_segment_preset(rfm->preset);
  } else {
    map.rules = rfm->rules;
    map.other = rfm->other;
  }
  // A preset is written for 5 classes: scores of another k are segmented on their
  // rescaling to quintiles (rfm_rescale_scores); the score columns keep k classes.
  if (map.bins != 0 && map.bins != r.scores.bins)
    r.segments = crmkit::rfm_segment(crmkit::rfm_rescale_scores(r.scores, map.bins), map);
  else
    r.segments = crmkit::rfm_segment(r.scores, map);
  r.summary = crmkit::rfm_segment_summary(r.table, r.scores, r.segments);
  rfm->fitted = std::move(r);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rfm_size(const crmkit_rfm* rfm, size_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(rfm, out);
  *out = fitted_or_throw(rfm, __func__).table.size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rfm_column_double(const crmkit_rfm* rfm, int32_t column, double* out, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(rfm, out);
  const auto& t = fitted_or_throw(rfm, __func__).table;
  const std::vector<double>* values = nullptr;
  switch (column) {
    case CRMKIT_RFM_RECENCY_DAYS: values = &t.recency_days; break;
    case CRMKIT_RFM_RECENCY: values = &t.recency; break;
    case CRMKIT_RFM_FREQUENCY: values = &t.frequency; break;
    case CRMKIT_RFM_DISTINCT_DAYS: values = &t.distinct_days; break;
    case CRMKIT_RFM_MONETARY: values = &t.monetary; break;
    case CRMKIT_RFM_MONETARY_MEAN: values = &t.monetary_mean; break;
    case CRMKIT_RFM_TENURE: values = &t.tenure; break;
    default: unknown(__func__, "double column", column);
  }
  copy_column(*values, out, n, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rfm_column_int64(const crmkit_rfm* rfm, int32_t column, int64_t* out, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(rfm, out);
  const auto& t = fitted_or_throw(rfm, __func__).table;
  if (column == CRMKIT_RFM_FIRST_PURCHASE)
    copy_column(t.first_purchase, out, n, __func__);
  else if (column == CRMKIT_RFM_LAST_PURCHASE)
    copy_column(t.last_purchase, out, n, __func__);
  else
    unknown(__func__, "int64 column", column);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rfm_column_int32(const crmkit_rfm* rfm, int32_t column, int32_t* out, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(rfm, out);
  const auto& r = fitted_or_throw(rfm, __func__);
  const std::vector<std::int32_t>* values = nullptr;
  switch (column) {
    case CRMKIT_RFM_CUSTOMER: values = &r.table.customer; break;
    case CRMKIT_RFM_R_SCORE: values = &r.scores.r; break;
    case CRMKIT_RFM_F_SCORE: values = &r.scores.f; break;
    case CRMKIT_RFM_M_SCORE: values = &r.scores.m; break;
    case CRMKIT_RFM_SEGMENT: values = &r.segments.segment; break;
    default: unknown(__func__, "int32 column", column);
  }
  copy_column(*values, out, n, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rfm_segment_count(const crmkit_rfm* rfm, size_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(rfm, out);
  *out = fitted_or_throw(rfm, __func__).segments.names.size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rfm_segment_name(const crmkit_rfm* rfm, size_t index, char* buf, size_t cap,
                                       size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(rfm, out_needed);
  const auto& names = fitted_or_throw(rfm, __func__).segments.names;
  if (index >= names.size()) fail(__func__, "argument 'index' is {}, outside [0, {})", index, names.size());
  copy_out(names[index], buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_rfm_segment_summary(const crmkit_rfm* rfm, int32_t statistic, double* out, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(rfm, out);
  const auto& rows = fitted_or_throw(rfm, __func__).summary;
  using row = crmkit::rfm_segment_summary_row;
  const keyed_field get(statistic, CRMKIT_RFM_SEG_CUSTOMERS, __func__, "statistic", &row::customers,
                        &row::customer_share, &row::orders, &row::revenue, &row::revenue_share, &row::mean_recency_days,
                        &row::mean_frequency, &row::mean_monetary, &row::mean_r, &row::mean_f, &row::mean_m);
  if (n < rows.size())
    fail(errc::buffer_too_small, __func__, "argument 'n' is {}, there are {} segments", n, rows.size());
  copy_column(out, rows, get);
  CRMKIT_API_END();
}

}  // extern "C"
