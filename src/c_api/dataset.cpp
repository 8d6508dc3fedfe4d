// crmkit.h: the crmkit_dataset handle.
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <string_view>
#include <utility>
#include <vector>

#include "c_api_internal.hpp"
#include "crmkit/io/order_line_arrays.hpp"

using namespace crmkit::capi;

namespace {

using crmkit::column;

template <class T>
column<T> make_column(const T* data, std::size_t n, std::int32_t flags) {
  if (flags == CRMKIT_BORROW) return column<T>::borrowed(data, n);
  return column<T>::owned(n == 0 ? std::vector<T>{} : std::vector<T>(data, data + n));
}

// A new customer table with `ids` that keeps the locations and attributes of `old`. The
// old table stays alive as the owner of those columns, so borrowed host buffers stay
// borrowed, library-owned storage is shared rather than copied, and pointers a host
// obtained before stay valid. The cost: the old id dictionary lives on too (a host that
// renames its customers repeatedly keeps every generation; renaming is a setup step).
crmkit::customer_table rebuild_with_ids(const crmkit::customer_table& old,
                                        std::shared_ptr<const crmkit::string_dictionary> ids) {
  auto table = crmkit::customer_table::from_ids(std::move(ids));
  auto keeper = std::make_shared<const crmkit::customer_table>(old);
  if (keeper->has_locations()) {
    const auto lon = keeper->longitude();
    const auto lat = keeper->latitude();
    table.set_locations(column<double>::shared(lon.data(), lon.size(), keeper),
                        column<double>::shared(lat.data(), lat.size(), keeper));
  }
  for (const auto& name : keeper->attribute_names()) {
    const auto values = keeper->attribute(name);
    table.set_attribute(name, column<double>::shared(values.data(), values.size(), keeper));
  }
  return table;
}

void check_index(const char* function, const char* argument, std::size_t index, std::size_t size) {
  if (index >= size) fail(function, "argument '{}' is {}, outside [0, {})", argument, index, size);
}

// The packed strings ids[offsets[k] .. offsets[k+1]) as views (see crmkit.h).
std::vector<std::string_view> unpack(const char* function, const char* what, const char* ids, const size_t* offsets,
                                     std::size_t n) {
  std::vector<std::string_view> out;
  if (n == 0) return out;
  if (offsets == nullptr) throw_null(function, fmt::format("{}_offsets", what).c_str());
  if (offsets[0] != 0) fail(function, "{}_offsets[0] is {}, not 0", what, offsets[0]);
  if (ids == nullptr && offsets[n] > 0) throw_null(function, what);
  out.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    if (offsets[k + 1] < offsets[k])
      fail(function, "{}_offsets decrease at {} ({} then {})", what, k, offsets[k], offsets[k + 1]);
    out.emplace_back(ids == nullptr ? "" : ids + offsets[k], offsets[k + 1] - offsets[k]);
  }
  return out;
}

// The ingest-report slot of an order-line filter key.
std::size_t filter_slot(const char* function, std::int32_t key) {
  switch (key) {
    case CRMKIT_CSV_DROP_EMPTY_CUSTOMER: return static_cast<std::size_t>(crmkit::line_filter::empty_customer);
    case CRMKIT_CSV_EXCLUDE_ORDER_PREFIX: return static_cast<std::size_t>(crmkit::line_filter::order_prefix);
    case CRMKIT_CSV_DROP_NONPOSITIVE_QUANTITY:
      return static_cast<std::size_t>(crmkit::line_filter::nonpositive_quantity);
    case CRMKIT_CSV_DROP_NONPOSITIVE_UNIT_PRICE:
      return static_cast<std::size_t>(crmkit::line_filter::nonpositive_unit_price);
    default:
      throw error(errc::invalid_argument,
                  fmt::format("{}: argument 'filter' is {}; expected CRMKIT_CSV_DROP_EMPTY_CUSTOMER, "
                              "CRMKIT_CSV_EXCLUDE_ORDER_PREFIX, CRMKIT_CSV_DROP_NONPOSITIVE_QUANTITY or "
                              "CRMKIT_CSV_DROP_NONPOSITIVE_UNIT_PRICE",
                              function, key));
  }
}

const crmkit::order_lines& lines_of(const crmkit_dataset& dataset, const char* function) {
  const crmkit::order_lines* lines = dataset.data.transactions().lines();
  if (lines == nullptr) fail(errc::not_found, function, "the dataset was not read with an order column");
  return *lines;
}

void append_skipped(crmkit_dataset& handle, const crmkit::ingest_report& report) {
  for (const auto& row : report.skipped) handle.skipped.push_back({row.line, row.message(report.source)});
}

}  // namespace

extern "C" {

CRMKIT_API int crmkit_dataset_create_from_csv(const char* transactions_path, const char* customers_path,
                                              const crmkit_csv_options* options, crmkit_dataset** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  CRMKIT_CHECK_NOT_NULL(transactions_path);
  const crmkit_csv_options defaults{};
  const crmkit_csv_options& opts = options != nullptr ? *options : defaults;
  if (opts.csv.min_time > opts.csv.max_time)
    fail(__func__, "CRMKIT_CSV_MIN_TIME ({}) is after CRMKIT_CSV_MAX_TIME ({})", opts.csv.min_time, opts.csv.max_time);
  if (opts.customers.longitude.empty() != opts.customers.latitude.empty())
    fail(__func__, "set both CRMKIT_CSV_LONGITUDE_COLUMN and CRMKIT_CSV_LATITUDE_COLUMN, or neither");

  auto handle = std::make_unique<crmkit_dataset>();
  crmkit::ingest_report transactions_report;
  if (customers_path != nullptr) {
    crmkit::ingest_report customers_report;
    const auto customers = crmkit::read_customers_csv(customers_path, opts.customers, opts.csv, &customers_report);
    append_skipped(*handle, customers_report);
    handle->data =
        crmkit::read_transactions_csv(transactions_path, customers, opts.transactions, opts.csv, &transactions_report);
  } else {
    handle->data = crmkit::read_transactions_csv(transactions_path, opts.transactions, opts.csv, &transactions_report);
  }
  append_skipped(*handle, transactions_report);
  handle->rows_read = transactions_report.rows_read;
  handle->filtered = transactions_report.filtered;
  handle->ingest = std::move(transactions_report);
  *out = handle.release();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_create_from_columns(const int32_t* customer, const int64_t* time, const double* amount,
                                                  size_t n_rows, size_t n_customers, int32_t flags,
                                                  crmkit_dataset** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  if (n_rows > 0) CRMKIT_CHECK_NOT_NULL(customer, time, amount);
  check_flags(flags, __func__);
  if (n_customers > crmkit::string_dictionary::max_size)
    fail(__func__, "argument 'n_customers' is {}, more than 2^31-1", n_customers);
  auto log = crmkit::transaction_log::from_columns(make_column(customer, n_rows, flags), make_column(time, n_rows, flags),
                                                   make_column(amount, n_rows, flags), n_customers);
  auto handle = std::make_unique<crmkit_dataset>();
  handle->data = crmkit::dataset(crmkit::customer_table::with_index_ids(n_customers), std::move(log));
  handle->rows_read = n_rows;
  *out = handle.release();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_create_from_order_lines(
    const int32_t* customer, const char* customer_ids, const size_t* customer_id_offsets, size_t n_customer_ids,
    const int64_t* time, const double* amount, const double* quantity, const double* unit_price, const int32_t* order,
    const char* order_ids, const size_t* order_id_offsets, size_t n_order_ids, const int32_t* product,
    const char* product_levels, const size_t* product_level_offsets, size_t n_product_levels, size_t n_lines,
    const crmkit_csv_options* options, crmkit_dataset** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  const char* const function = __func__;
  if (n_lines > 0) {
    CRMKIT_CHECK_NOT_NULL(customer, time);
    if (amount == nullptr && (quantity == nullptr || unit_price == nullptr))
      fail(function, "give amount, or quantity and unit_price (they are NULL)");
  }
  if (amount != nullptr && (quantity != nullptr || unit_price != nullptr))
    fail(function, "give either amount or quantity and unit_price, not both");
  if ((quantity == nullptr) != (unit_price == nullptr)) fail(function, "give quantity and unit_price together");
  const auto customers = unpack(function, "customer_ids", customer_ids, customer_id_offsets, n_customer_ids);
  const auto orders = unpack(function, "order_ids", order_ids, order_id_offsets, n_order_ids);
  const auto products = unpack(function, "product_levels", product_levels, product_level_offsets, n_product_levels);
  const auto span_of = [n_lines](const auto* p) {
    using T = std::remove_cv_t<std::remove_pointer_t<decltype(p)>>;
    return p == nullptr ? std::span<const T>{} : std::span<const T>(p, n_lines);
  };
  crmkit::order_line_arrays lines;
  lines.customer = span_of(customer);
  lines.customer_ids = customers;
  lines.time = span_of(time);
  lines.amount = span_of(amount);
  lines.quantity = span_of(quantity);
  lines.unit_price = span_of(unit_price);
  lines.order = span_of(order);
  lines.order_ids = orders;
  lines.product = span_of(product);
  lines.product_levels = products;
  if (n_lines > 0 && order == nullptr && n_order_ids > 0) fail(function, "order_ids are given but order is NULL");
  const crmkit::line_filters filters = options != nullptr ? options->csv.filters : crmkit::line_filters{};
  crmkit::ingest_report report;
  auto handle = std::make_unique<crmkit_dataset>();
  handle->data = crmkit::dataset_from_order_lines(lines, filters, &report);
  handle->rows_read = report.rows_read;
  handle->filtered = report.filtered;
  handle->ingest = std::move(report);
  *out = handle.release();
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_dataset_free(crmkit_dataset* dataset) { delete dataset; }

CRMKIT_API int crmkit_dataset_set_customer_ids(crmkit_dataset* dataset, const char* const* ids, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, ids);
  const std::size_t expected = dataset->data.n_customers();
  if (n != expected) fail(__func__, "argument 'n' is {}, but the dataset has {} customers", n, expected);
  auto dictionary = std::make_shared<crmkit::string_dictionary>();
  dictionary->reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (ids[i] == nullptr) fail(__func__, "argument 'ids[{}]' is NULL", i);
    const std::string_view id(ids[i]);
    if (id.empty()) fail(__func__, "ids[{}] is empty", i);
    const std::int32_t index = dictionary->insert(id);
    if (static_cast<std::size_t>(index) != i) fail(__func__, "ids[{}] '{}' repeats ids[{}]", i, id, index);
  }
  auto table = rebuild_with_ids(dataset->data.customers(), std::move(dictionary));
  dataset->data.customers() = std::move(table);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_set_customer_locations(crmkit_dataset* dataset, const double* longitude,
                                                     const double* latitude, size_t n, int32_t flags) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset);
  if (n > 0) CRMKIT_CHECK_NOT_NULL(longitude, latitude);
  check_flags(flags, __func__);
  const std::size_t expected = dataset->data.n_customers();
  if (n != expected) fail(__func__, "argument 'n' is {}, but the dataset has {} customers", n, expected);
  dataset->data.customers().set_locations(make_column(longitude, n, flags), make_column(latitude, n, flags));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_set_customer_attribute(crmkit_dataset* dataset, const char* name, const double* values,
                                                     size_t n, int32_t flags) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, name);
  if (n > 0) CRMKIT_CHECK_NOT_NULL(values);
  check_flags(flags, __func__);
  if (*name == '\0') fail(__func__, "argument 'name' is empty");
  const std::size_t expected = dataset->data.n_customers();
  if (n != expected) fail(__func__, "argument 'n' is {}, but the dataset has {} customers", n, expected);
  dataset->data.customers().set_attribute(name, make_column(values, n, flags));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_n_transactions(const crmkit_dataset* dataset, size_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, out);
  *out = dataset->data.n_transactions();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_n_customers(const crmkit_dataset* dataset, size_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, out);
  *out = dataset->data.n_customers();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_time_range(const crmkit_dataset* dataset, int64_t* out_min, int64_t* out_max) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, out_min, out_max);
  *out_min = dataset->data.transactions().min_time();
  *out_max = dataset->data.transactions().max_time();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_transactions(const crmkit_dataset* dataset, const int32_t** out_customer,
                                           const int64_t** out_time, const double** out_amount, size_t* out_n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, out_customer, out_time, out_amount, out_n);
  const auto& log = dataset->data.transactions();
  *out_customer = log.customer().data();
  *out_time = log.time().data();
  *out_amount = log.amount().data();
  *out_n = log.size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_customer_id(const crmkit_dataset* dataset, int32_t index, char* buf, size_t cap,
                                          size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, out_needed);
  const std::size_t n = dataset->data.n_customers();
  if (index < 0 || static_cast<std::size_t>(index) >= n)
    fail(__func__, "argument 'index' is {}, outside [0, {})", index, n);
  copy_out(dataset->data.customers().id(index), buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_customer_ids(const crmkit_dataset* dataset, char* buf, size_t cap, size_t* offsets,
                                           size_t n_offsets, size_t* out_needed) {
  CRMKIT_API_BEGIN();
  const auto& ids = CRMKIT_NOT_NULL(dataset)->data.customers().ids();
  copy_ids_out(
      ids.size(), [&](std::size_t i) { return std::string_view(ids.at(static_cast<std::int32_t>(i))); }, buf, cap,
      offsets, n_offsets, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_customer_index(const crmkit_dataset* dataset, const char* id, int32_t* out_index) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out_index);
  *out_index = -1;
  CRMKIT_CHECK_NOT_NULL(dataset, id);
  const std::int32_t index = dataset->data.customers().find(id);
  if (index < 0) fail(errc::not_found, __func__, "no customer with id '{}'", id);
  *out_index = index;
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_customer_locations(const crmkit_dataset* dataset, const double** out_longitude,
                                                 const double** out_latitude, size_t* out_n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, out_longitude, out_latitude, out_n);
  *out_longitude = nullptr;
  *out_latitude = nullptr;
  *out_n = 0;
  const auto& customers = dataset->data.customers();
  if (!customers.has_locations()) fail(errc::not_found, __func__, "the dataset has no customer locations");
  *out_longitude = customers.longitude().data();
  *out_latitude = customers.latitude().data();
  *out_n = customers.size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_attribute_count(const crmkit_dataset* dataset, size_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, out);
  *out = dataset->data.customers().attribute_names().size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_attribute_name(const crmkit_dataset* dataset, size_t i, char* buf, size_t cap,
                                             size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, out_needed);
  const auto names = dataset->data.customers().attribute_names();
  check_index(__func__, "i", i, names.size());
  copy_out(names[i], buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_customer_attribute(const crmkit_dataset* dataset, const char* name,
                                                 const double** out_values, size_t* out_n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, name, out_values, out_n);
  *out_values = nullptr;
  *out_n = 0;
  const auto values = dataset->data.customers().attribute(name);  // not_found names those present
  *out_values = values.data();
  *out_n = values.size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_rows_read(const crmkit_dataset* dataset, size_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, out);
  *out = dataset->rows_read;
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_skipped_count(const crmkit_dataset* dataset, size_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, out);
  *out = dataset->skipped.size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_skipped_row(const crmkit_dataset* dataset, size_t i, int64_t* out_line, char* buf,
                                          size_t cap, size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, out_line, out_needed);
  check_index(__func__, "i", i, dataset->skipped.size());
  const auto& row = dataset->skipped[i];
  *out_line = row.line;
  copy_out(row.message, buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

}  // extern "C"

extern "C" {

CRMKIT_API int crmkit_dataset_filtered_count(const crmkit_dataset* dataset, int32_t filter, size_t* out_lines) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, out_lines);
  *out_lines = dataset->filtered[filter_slot(__func__, filter)].lines;
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_filtered_lines(const crmkit_dataset* dataset, int32_t filter, int64_t* lines, size_t cap,
                                             size_t* out_n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, out_n);
  if (cap > 0) CRMKIT_CHECK_NOT_NULL(lines);
  const auto& listed = dataset->filtered[filter_slot(__func__, filter)].first_lines;
  *out_n = listed.size();
  if (cap < listed.size())
    fail(errc::buffer_too_small, __func__, "buffer too small: {} entries needed, capacity {}", listed.size(), cap);
  for (std::size_t i = 0; i < listed.size(); ++i) lines[i] = listed[i];
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_order_lines(const crmkit_dataset* dataset, const int32_t** out_order,
                                          const double** out_amount, size_t* out_n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, out_order, out_amount, out_n);
  *out_order = nullptr;
  *out_amount = nullptr;
  *out_n = 0;
  const auto& lines = lines_of(*dataset, __func__);
  *out_order = lines.order().data();
  *out_amount = lines.amount().data();
  *out_n = lines.size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_dataset_order_id(const crmkit_dataset* dataset, size_t row, char* buf, size_t cap,
                                       size_t* out_needed) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(dataset, out_needed);
  const auto& lines = lines_of(*dataset, __func__);
  check_index(__func__, "row", row, lines.n_orders());
  copy_out(lines.order_ids().at(static_cast<std::int32_t>(row)), buf, cap, out_needed, __func__);
  CRMKIT_API_END();
}

}  // extern "C"
