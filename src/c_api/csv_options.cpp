// crmkit.h: the crmkit_csv_options handle (enum-keyed setters, zstd style). The settings
// are one-line translations through option_table<csv_read_options> (crmkit/io/csv.hpp),
// which holds the keys, ranges and defaults.
#include <algorithm>
#include <string>

#include "c_api_internal.hpp"

using namespace crmkit::capi;

extern "C" {

CRMKIT_C_CREATE_FREE(crmkit_csv_options)

CRMKIT_API int crmkit_csv_options_set_int(crmkit_csv_options* options, int32_t key, int64_t value) {
  CRMKIT_API_BEGIN();
  crmkit::set_option<crmkit::csv_read_options>(*CRMKIT_NOT_NULL(options), key, value, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_csv_options_set_string(crmkit_csv_options* options, int32_t key, const char* value) {
  CRMKIT_API_BEGIN();
  crmkit::set_option<crmkit::csv_read_options>(*CRMKIT_NOT_NULL(options), key, std::string_view(CRMKIT_NOT_NULL(value)),
                                               __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_csv_options_get_int(const crmkit_csv_options* options, int32_t key, int64_t* out) {
  CRMKIT_API_BEGIN();
  *CRMKIT_NOT_NULL(out) = crmkit::get_int_option<crmkit::csv_read_options>(*CRMKIT_NOT_NULL(options), key, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_csv_options_get_string(const crmkit_csv_options* options, int32_t key, char* buf, size_t cap,
                                             size_t* out_needed) {
  CRMKIT_API_BEGIN();
  copy_out(crmkit::get_string_option<crmkit::csv_read_options>(*CRMKIT_NOT_NULL(options), key, __func__),
                         buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_csv_options_option_bounds(int32_t key, double* out_lo, double* out_hi, double* out_default) {
  CRMKIT_API_BEGIN();
  option_bounds<crmkit::csv_read_options>(key, out_lo, out_hi, out_default, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_csv_options_add_attribute_column(crmkit_csv_options* options, const char* name) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(options, name);
  std::string text(name);
  if (text.empty())
    throw crmkit::error(crmkit::errc::invalid_argument, fmt::format("{}: argument 'name' is empty", __func__));
  auto& attributes = options->customers.attributes;
  if (std::find(attributes.begin(), attributes.end(), text) != attributes.end())
    throw crmkit::error(crmkit::errc::invalid_argument,
                        fmt::format("{}: attribute column '{}' was already added", __func__, text));
  attributes.push_back(std::move(text));
  CRMKIT_API_END();
}

}  // extern "C"
