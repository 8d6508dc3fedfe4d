/// @file crmkit/core/customer_table.hpp
/// `customer_table`: one row per customer, in dictionary order: the host's string id,
/// optional longitude/latitude, and named, typed columns: what the host loaded (credit
/// limits, ...) and what every analysis appends (`recency_days`, `segment`, `p_alive`, ...).
/// It is the one shape of every per-customer result, in C++, the C ABI (`crmkit_table`) and
/// Python (a pandas DataFrame indexed by customer id).
///
/// Column types and their missing value:
/// | type | values | missing |
/// |---|---|---|
/// | `float64` | `double` | NaN |
/// | `int64` | `std::int64_t` counts, ranks, scores, cluster labels | `missing_int64` (INT64_MIN) |
/// | `category` | `categorical_column` (int32 codes into a level dictionary) | code -1 |
/// | `time` | `std::int64_t` Unix seconds, UTC | `missing_int64` |
///
/// `#include <crmkit/core/customer_table.hpp>`
///
/// Thread safety: not synchronized while columns are being set; once built, concurrent
/// const use is safe.
///
/// @code
/// auto ids = std::make_shared<crmkit::string_dictionary>();
/// ids->insert("C-1"); ids->insert("C-2");
/// auto table = crmkit::customer_table::from_ids(ids);
/// table.set_column("credit_limit", crmkit::column<double>::owned({500.0, NAN}));
/// table.set_int64_column("orders", crmkit::column<std::int64_t>::owned({3, 0}));
/// double limit = table.float64("credit_limit")[0];
/// for (const crmkit::table_column& c : table.columns()) std::puts(c.name.c_str());
/// @endcode
///
/// Memory: the columns it owns (8 bytes per row for float64/int64/time, 4 for category plus
/// the levels); borrowed columns cost nothing. Copies share column storage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/categorical_column.hpp"
#include "crmkit/core/column.hpp"
#include "crmkit/core/string_dictionary.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The type of a customer-table column (see the file comment).
enum class column_type : int {
  float64 = 0,   ///< double; NaN is missing
  int64 = 1,     ///< std::int64_t; missing_int64 is missing
  category = 2,  ///< categorical_column; code -1 is missing
  time = 3,      ///< std::int64_t Unix seconds UTC; missing_int64 is missing
};

/// Static English name of a column type ("float64", "int64", "category", "time").
constexpr const char* to_string(column_type type) noexcept {
  switch (type) {
    case column_type::float64: return "float64";
    case column_type::int64: return "int64";
    case column_type::category: return "category";
    case column_type::time: return "time";
  }
  return "unknown";
}

/// The missing value of int64 and time columns (pandas reads it back as <NA> / NaT).
inline constexpr std::int64_t missing_int64 = INT64_MIN;

/// One named, typed column of a customer table; only the member of its type is set.
struct table_column {
  std::string name;
  column_type type = column_type::float64;
  column<double> float64;            ///< type float64
  column<std::int64_t> int64;        ///< types int64 and time
  categorical_column category;       ///< type category
  /// Number of rows.
  [[nodiscard]] std::size_t size() const noexcept {
    return type == column_type::float64 ? float64.size()
           : type == column_type::category ? category.codes.size()
                                           : int64.size();
  }
  /// Row `i` as a double: float64 as is, int64/time converted, category as its code;
  /// every missing value is NaN. (How guards and audiences read every type.)
  [[nodiscard]] double as_double(std::size_t i) const noexcept {
    switch (type) {
      case column_type::float64: return float64[i];
      case column_type::category:
        return category.codes[i] < 0 ? std::numeric_limits<double>::quiet_NaN() : category.codes[i];
      default:
        return int64[i] == missing_int64 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(int64[i]);
    }
  }
};

/// The per-customer table (see the file comment).
class customer_table {
 public:
  customer_table() : ids_(std::make_shared<const string_dictionary>()) {}

  /// A table whose rows are the entries of `ids`, in index order.
  /// @throws crmkit::error (invalid_argument) when `ids` is null.
  CRMKIT_FUNC static customer_table from_ids(std::shared_ptr<const string_dictionary> ids);

  /// A table of `n` customers whose ids are their indices written in decimal ("0", "1", ...),
  /// for hosts that hand over dense indices only.
  CRMKIT_FUNC static customer_table with_index_ids(std::size_t n);

  /// Number of customers.
  [[nodiscard]] std::size_t size() const noexcept { return ids_->size(); }
  /// The id dictionary (index <-> host id).
  [[nodiscard]] const string_dictionary& ids() const noexcept { return *ids_; }
  [[nodiscard]] std::shared_ptr<const string_dictionary> shared_ids() const noexcept { return ids_; }
  /// The host id of customer `index`. Precondition: index < size().
  [[nodiscard]] std::string_view id(std::int32_t index) const noexcept { return ids_->at(index); }
  /// The index of host id `id`, or -1.
  [[nodiscard]] std::int32_t find(std::string_view id) const noexcept { return ids_->find(id); }

  /// Sets locations in degrees (WGS84). A customer without a location has NaN in both.
  /// Borrowed columns are not copied and must outlive the table.
  /// @throws crmkit::error (invalid_argument) on a length mismatch, a longitude outside
  ///         [-180, 180], a latitude outside [-90, 90], or only one of the pair NaN.
  CRMKIT_FUNC void set_locations(crmkit::column<double> longitude, crmkit::column<double> latitude);
  [[nodiscard]] bool has_locations() const noexcept { return located_; }
  /// Longitudes in degrees (empty when the table has no locations).
  [[nodiscard]] std::span<const double> longitude() const noexcept { return longitude_.view(); }
  /// Latitudes in degrees (empty when the table has no locations).
  [[nodiscard]] std::span<const double> latitude() const noexcept { return latitude_.view(); }

  /// Adds or replaces the float64 column `name` (NaN = missing).
  /// @throws crmkit::error (invalid_argument) on an empty name or a length mismatch.
  CRMKIT_FUNC void set_column(std::string name, crmkit::column<double> values);
  /// Adds or replaces the int64 column `name` (missing_int64 = missing).
  CRMKIT_FUNC void set_int64_column(std::string name, crmkit::column<std::int64_t> values);
  /// Adds or replaces the time column `name` (Unix seconds UTC; missing_int64 = missing).
  CRMKIT_FUNC void set_time_column(std::string name, crmkit::column<std::int64_t> values);
  /// Adds or replaces the category column `name`.
  /// @throws crmkit::error (invalid_argument) also when `values.levels` is null or a code
  ///         is outside [-1, levels->size()).
  CRMKIT_FUNC void set_category_column(std::string name, categorical_column values);
  /// Adds or replaces a column of any type (`column.name` names it).
  CRMKIT_FUNC void set(table_column column);

  /// Columns in the order they were first set.
  [[nodiscard]] const std::vector<table_column>& columns() const noexcept { return columns_; }
  /// The column `name`, or nullptr.
  [[nodiscard]] CRMKIT_FUNC const table_column* find_column(std::string_view name) const noexcept;
  /// The column `name`.
  /// @throws crmkit::error (not_found) naming the missing column and the ones present.
  [[nodiscard]] CRMKIT_FUNC const table_column& column(std::string_view name) const;
  /// Typed views. @throws crmkit::error (not_found) for an unknown name, (invalid_argument)
  /// naming both types when the column has another type (`int64` accepts time columns).
  [[nodiscard]] CRMKIT_FUNC std::span<const double> float64(std::string_view name) const;
  [[nodiscard]] CRMKIT_FUNC std::span<const std::int64_t> int64(std::string_view name) const;
  [[nodiscard]] CRMKIT_FUNC const categorical_column& category(std::string_view name) const;
  /// Column names in order.
  [[nodiscard]] CRMKIT_FUNC std::vector<std::string> column_names() const;

  /// Same as set_column (the name of the numeric-only table of 0.1).
  void set_attribute(std::string name, crmkit::column<double> values) { set_column(std::move(name), std::move(values)); }
  /// True when the table has a column `name` (of any type).
  [[nodiscard]] bool has_attribute(std::string_view name) const noexcept { return find_column(name) != nullptr; }
  /// The float64 column `name` (same as float64()).
  [[nodiscard]] std::span<const double> attribute(std::string_view name) const { return float64(name); }
  /// Names of the float64 columns, in order.
  [[nodiscard]] CRMKIT_FUNC std::vector<std::string> attribute_names() const;

 private:
  std::shared_ptr<const string_dictionary> ids_;
  crmkit::column<double> longitude_;
  crmkit::column<double> latitude_;
  bool located_ = false;
  std::vector<table_column> columns_;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/core/customer_table_impl.hpp"
#endif
