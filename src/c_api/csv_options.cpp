// crmkit.h: the crmkit_csv_options handle (enum-keyed setters, zstd style).
#include <algorithm>
#include <memory>
#include <string>

#include "c_api_internal.hpp"

namespace {

using crmkit::errc;
using crmkit::error;

const char* key_name(std::int32_t key) noexcept {
  switch (key) {
    case CRMKIT_CSV_DELIMITER: return "CRMKIT_CSV_DELIMITER";
    case CRMKIT_CSV_QUOTE: return "CRMKIT_CSV_QUOTE";
    case CRMKIT_CSV_TIME_FORMAT: return "CRMKIT_CSV_TIME_FORMAT";
    case CRMKIT_CSV_ON_BAD_ROW: return "CRMKIT_CSV_ON_BAD_ROW";
    case CRMKIT_CSV_MIN_TIME: return "CRMKIT_CSV_MIN_TIME";
    case CRMKIT_CSV_MAX_TIME: return "CRMKIT_CSV_MAX_TIME";
    case CRMKIT_CSV_ALLOW_NEGATIVE_AMOUNTS: return "CRMKIT_CSV_ALLOW_NEGATIVE_AMOUNTS";
    case CRMKIT_CSV_CUSTOMER_COLUMN: return "CRMKIT_CSV_CUSTOMER_COLUMN";
    case CRMKIT_CSV_TIME_COLUMN: return "CRMKIT_CSV_TIME_COLUMN";
    case CRMKIT_CSV_AMOUNT_COLUMN: return "CRMKIT_CSV_AMOUNT_COLUMN";
    case CRMKIT_CSV_PRODUCT_COLUMN: return "CRMKIT_CSV_PRODUCT_COLUMN";
    case CRMKIT_CSV_CHANNEL_COLUMN: return "CRMKIT_CSV_CHANNEL_COLUMN";
    case CRMKIT_CSV_CUSTOMER_ID_COLUMN: return "CRMKIT_CSV_CUSTOMER_ID_COLUMN";
    case CRMKIT_CSV_LONGITUDE_COLUMN: return "CRMKIT_CSV_LONGITUDE_COLUMN";
    case CRMKIT_CSV_LATITUDE_COLUMN: return "CRMKIT_CSV_LATITUDE_COLUMN";
    case CRMKIT_CSV_DROP_NONPOSITIVE_QUANTITY: return "CRMKIT_CSV_DROP_NONPOSITIVE_QUANTITY";
    case CRMKIT_CSV_DROP_NONPOSITIVE_UNIT_PRICE: return "CRMKIT_CSV_DROP_NONPOSITIVE_UNIT_PRICE";
    case CRMKIT_CSV_DROP_EMPTY_CUSTOMER: return "CRMKIT_CSV_DROP_EMPTY_CUSTOMER";
    case CRMKIT_CSV_N_THREADS: return "CRMKIT_CSV_N_THREADS";
    case CRMKIT_CSV_ORDER_COLUMN: return "CRMKIT_CSV_ORDER_COLUMN";
    case CRMKIT_CSV_QUANTITY_COLUMN: return "CRMKIT_CSV_QUANTITY_COLUMN";
    case CRMKIT_CSV_UNIT_PRICE_COLUMN: return "CRMKIT_CSV_UNIT_PRICE_COLUMN";
    case CRMKIT_CSV_EXCLUDE_ORDER_PREFIX: return "CRMKIT_CSV_EXCLUDE_ORDER_PREFIX";
    default: return nullptr;
  }
}

bool is_string_key(std::int32_t key) noexcept {
  return key >= CRMKIT_CSV_CUSTOMER_COLUMN && key <= CRMKIT_CSV_EXCLUDE_ORDER_PREFIX;
}

[[noreturn]] void bad_value(const char* function, std::int32_t key, std::int64_t value, const char* expected) {
  throw error(errc::invalid_argument,
              fmt::format("{}: value {} is invalid for {}; expected {}", function, value, key_name(key), expected));
}

// A delimiter or quote: one ASCII byte that cannot be confused with a line break.
char ascii_char(const char* function, std::int32_t key, std::int64_t value) {
  if (value < 1 || value > 127 || value == '\n' || value == '\r')
    bad_value(function, key, value, "an ASCII character code in 1..127 other than CR and LF");
  return static_cast<char>(value);
}

}  // namespace

extern "C" {

CRMKIT_API int crmkit_csv_options_create(crmkit_csv_options** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  *out = nullptr;
  *out = new crmkit_csv_options();
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_csv_options_free(crmkit_csv_options* options) { delete options; }

CRMKIT_API int crmkit_csv_options_set_int(crmkit_csv_options* options, int32_t key, int64_t value) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(options);
  const char* const function = __func__;
  if (key_name(key) == nullptr)
    throw error(errc::invalid_argument, fmt::format("{}: unknown option key {}", function, key));
  if (is_string_key(key))
    throw error(errc::invalid_argument,
                fmt::format("{}: {} is a string option; use crmkit_csv_options_set_string", function, key_name(key)));
  crmkit::csv_options& csv = options->csv;
  switch (key) {
    case CRMKIT_CSV_DELIMITER: csv.delimiter = ascii_char(function, key, value); break;
    case CRMKIT_CSV_QUOTE: csv.quote = ascii_char(function, key, value); break;
    case CRMKIT_CSV_TIME_FORMAT:
      if (value != CRMKIT_TIME_ISO8601 && value != CRMKIT_TIME_EPOCH_SECONDS && value != CRMKIT_TIME_COMPACT_DATE)
        bad_value(function, key, value,
                  "CRMKIT_TIME_ISO8601 (0), CRMKIT_TIME_EPOCH_SECONDS (1) or CRMKIT_TIME_COMPACT_DATE (2)");
      csv.timestamps = static_cast<crmkit::time_format>(value);
      break;
    case CRMKIT_CSV_ON_BAD_ROW:
      if (value != CRMKIT_BAD_ROW_FAIL && value != CRMKIT_BAD_ROW_SKIP)
        bad_value(function, key, value, "CRMKIT_BAD_ROW_FAIL (0) or CRMKIT_BAD_ROW_SKIP (1)");
      csv.on_bad_row = static_cast<crmkit::bad_row_policy>(value);
      break;
    case CRMKIT_CSV_MIN_TIME: csv.min_time = value; break;
    case CRMKIT_CSV_MAX_TIME: csv.max_time = value; break;
    case CRMKIT_CSV_ALLOW_NEGATIVE_AMOUNTS:
      if (value != 0 && value != 1) bad_value(function, key, value, "0 or 1");
      csv.allow_negative_amounts = value == 1;
      break;
    case CRMKIT_CSV_DROP_NONPOSITIVE_QUANTITY:
      if (value != 0 && value != 1) bad_value(function, key, value, "0 or 1");
      csv.filters.drop_nonpositive_quantity = value == 1;
      break;
    case CRMKIT_CSV_DROP_NONPOSITIVE_UNIT_PRICE:
      if (value != 0 && value != 1) bad_value(function, key, value, "0 or 1");
      csv.filters.drop_nonpositive_unit_price = value == 1;
      break;
    case CRMKIT_CSV_DROP_EMPTY_CUSTOMER:
      if (value != 0 && value != 1) bad_value(function, key, value, "0 or 1");
      csv.filters.drop_empty_customer = value == 1;
      break;
    case CRMKIT_CSV_N_THREADS:
      if (value < 1 || value > 1024) bad_value(function, key, value, "1..1024");
      csv.n_threads = static_cast<int>(value);
      break;
    default: break;  // unreachable: every integer key is handled above
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_csv_options_set_string(crmkit_csv_options* options, int32_t key, const char* value) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(options);
  CRMKIT_CHECK_NOT_NULL(value);
  const char* const function = __func__;
  if (key_name(key) == nullptr)
    throw error(errc::invalid_argument, fmt::format("{}: unknown option key {}", function, key));
  if (!is_string_key(key))
    throw error(errc::invalid_argument,
                fmt::format("{}: {} is an integer option; use crmkit_csv_options_set_int", function, key_name(key)));
  std::string text(value);
  const bool required = key == CRMKIT_CSV_CUSTOMER_COLUMN || key == CRMKIT_CSV_TIME_COLUMN ||
                        key == CRMKIT_CSV_AMOUNT_COLUMN || key == CRMKIT_CSV_CUSTOMER_ID_COLUMN;
  if (required && text.empty())
    throw error(errc::invalid_argument,
                fmt::format("{}: {} names a required column and cannot be empty", function, key_name(key)));
  switch (key) {
    case CRMKIT_CSV_CUSTOMER_COLUMN: options->transactions.customer = std::move(text); break;
    case CRMKIT_CSV_TIME_COLUMN: options->transactions.time = std::move(text); break;
    case CRMKIT_CSV_AMOUNT_COLUMN: options->transactions.amount = std::move(text); break;
    case CRMKIT_CSV_PRODUCT_COLUMN: options->transactions.product = std::move(text); break;
    case CRMKIT_CSV_CHANNEL_COLUMN: options->transactions.channel = std::move(text); break;
    case CRMKIT_CSV_CUSTOMER_ID_COLUMN: options->customers.id = std::move(text); break;
    case CRMKIT_CSV_LONGITUDE_COLUMN: options->customers.longitude = std::move(text); break;
    case CRMKIT_CSV_LATITUDE_COLUMN: options->customers.latitude = std::move(text); break;
    case CRMKIT_CSV_ORDER_COLUMN: options->transactions.order = std::move(text); break;
    case CRMKIT_CSV_QUANTITY_COLUMN: options->transactions.quantity = std::move(text); break;
    case CRMKIT_CSV_UNIT_PRICE_COLUMN: options->transactions.unit_price = std::move(text); break;
    case CRMKIT_CSV_EXCLUDE_ORDER_PREFIX: options->csv.filters.order_id_exclude_prefix = std::move(text); break;
    default: break;  // unreachable: every string key is handled above
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_csv_options_add_attribute_column(crmkit_csv_options* options, const char* name) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(options);
  CRMKIT_CHECK_NOT_NULL(name);
  std::string text(name);
  if (text.empty())
    throw error(errc::invalid_argument, fmt::format("{}: argument 'name' is empty", __func__));
  auto& attributes = options->customers.attributes;
  if (std::find(attributes.begin(), attributes.end(), text) != attributes.end())
    throw error(errc::invalid_argument, fmt::format("{}: attribute column '{}' was already added", __func__, text));
  attributes.push_back(std::move(text));
  CRMKIT_API_END();
}

}  // extern "C"
