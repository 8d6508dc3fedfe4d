// crmkit/c/report.h: the customer report (crmkit::build_report, crmkit::write_report) behind
// an opaque handle; chart data leave as the same JSON and CSV text the report folder holds.
#include <memory>
#include <string>

#include "c_api_internal.hpp"
#include "crmkit/c/report.h"
#include "crmkit/report/chart_data.hpp"
#include "crmkit/report/html_report.hpp"

using namespace crmkit::capi;

struct crmkit_report {
  crmkit::report_data data;
  std::string source;  // the path the dataset was read from ("" without a reader)
};

namespace {

const crmkit::chart_data& chart_at(const crmkit_report& report, std::size_t i, const char* function) {
  if (i >= report.data.charts.size())
    throw crmkit::error(crmkit::errc::invalid_argument,
                        fmt::format("{}: argument 'i' is {}, the report has {} charts", function, i,
                                    report.data.charts.size()));
  return report.data.charts[i];
}

}  // namespace

extern "C" {

CRMKIT_API int crmkit_report_create(const crmkit_dataset* dataset, int64_t as_of, const crmkit_score_config* config,
                                    crmkit_report** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(dataset);
  auto report = std::make_unique<crmkit_report>();
  const crmkit::ingest_report* ingest = dataset->ingest ? &*dataset->ingest : nullptr;
  report->data = crmkit::build_report(dataset->data, as_of, config_of(config), ingest);
  if (ingest) report->source = ingest->source;
  *out = report.release();
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_report_free(crmkit_report* report) { delete report; }

CRMKIT_API int crmkit_report_n_charts(const crmkit_report* report, size_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(report, out);
  *out = report->data.charts.size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_report_chart_name(const crmkit_report* report, size_t i, char* buf, size_t cap,
                                        size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(report);
  copy_out(chart_at(*report, i, __func__).name, buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_report_chart_json(const crmkit_report* report, size_t i, char* buf, size_t cap,
                                        size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(report);
  copy_out(crmkit::to_json(chart_at(*report, i, __func__)), buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_report_chart_csv(const crmkit_report* report, size_t i, char* buf, size_t cap,
                                       size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(report);
  copy_out(crmkit::to_csv(chart_at(*report, i, __func__)), buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_report_chart_data_json(const crmkit_report* report, char* buf, size_t cap, size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(report);
  std::string text = fmt::format("{{\"as_of\":{},\"charts\":[", report->data.as_of);
  for (std::size_t i = 0; i < report->data.charts.size(); ++i) {
    std::string chart = crmkit::to_json(report->data.charts[i]);
    if (!chart.empty() && chart.back() == '\n') chart.pop_back();  // to_json ends its file with a newline
    if (i) text += ',';
    text += chart;
  }
  text += "]}";
  copy_out(text, buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_report_write(const crmkit_report* report, const char* dir, const char* title,
                                   const char* source) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(report, dir);
  if (*dir == '\0')
    throw crmkit::error(crmkit::errc::invalid_argument, fmt::format("{}: argument 'dir' is empty", __func__));
  crmkit::html_report_options options;
  if (title != nullptr) options.title = title;
  options.source = source != nullptr ? std::string(source) : report->source;
  (void)crmkit::write_report(report->data, dir, options);
  CRMKIT_API_END();
}

}  // extern "C"
