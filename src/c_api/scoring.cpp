// crmkit/c/scoring.h: score configs and crmkit_score_customers, a translation of
// crmkit::parse_score_config and crmkit::score_customers.
#include <cmath>
#include <memory>
#include <string>
#include <string_view>

#include "c_api_internal.hpp"
#include "crmkit/c/scoring.h"
#include "crmkit/core/detail/text_fields.hpp"
#include "crmkit/scoring/score_config.hpp"
#include "crmkit/scoring/score_customers.hpp"

using namespace crmkit::capi;

namespace {

// The report as a JSON object (the one piece of formatting the C layer does: C has no
// struct to hand back a variable-length report in).
using crmkit::detail::json_string;

std::string json_number(double v) { return std::isfinite(v) ? fmt::format("{}", v) : "null"; }

std::string json_numbers(const std::vector<double>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + json_number(v[i]);
  return out + "]";
}

}  // namespace

// The score report as JSON (declared in c_api_internal.hpp: crmkit/c/state.h's tables use it too).
std::string crmkit::capi::score_report_json(const crmkit::score_report& r) {
  std::string notes = "[";
  for (std::size_t i = 0; i < r.notes.size(); ++i) notes += (i ? ", " : "") + json_string(r.notes[i]);
  notes += "]";
  return fmt::format(
      "{{\"as_of\": {}, \"n_customers\": {}, \"n_active\": {}, \"n_transactions\": {}, \"kmeans_k\": {}, "
      "\"kmeans_silhouette\": {}, \"btyd_model\": {}, \"btyd_params\": {}, \"btyd_status\": {}, "
      "\"btyd_log_likelihood\": {}, \"spend_params\": {}, \"spend_status\": {}, \"notes\": {}}}",
      r.as_of, r.n_customers, r.n_active, r.n_transactions, r.kmeans_k, json_number(r.kmeans_silhouette),
      json_string(r.btyd_model), json_numbers(r.btyd_params), json_string(r.btyd_status),
      json_number(r.btyd_log_likelihood), json_numbers(r.spend_params), json_string(r.spend_status), notes);
}


extern "C" {

CRMKIT_API int crmkit_score_config_parse(const char* text, size_t len, crmkit_score_config** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  if (text == nullptr && len > 0) throw_null(__func__, "text");
  auto config = std::make_unique<crmkit_score_config>();
  config->config = crmkit::parse_score_config(std::string_view(text == nullptr ? "" : text, len));
  *out = config.release();
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_score_config_free(crmkit_score_config* config) { delete config; }

CRMKIT_API int crmkit_score_customers(const crmkit_dataset* dataset, int64_t as_of, const crmkit_score_config* config,
                                      crmkit_table** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(dataset);
  crmkit::score_report report;
  auto table = crmkit::score_customers(dataset->data, as_of, config_of(config), &report);
  *out = new_table(std::move(table), score_report_json(report));
  CRMKIT_API_END();
}

}  // extern "C"
