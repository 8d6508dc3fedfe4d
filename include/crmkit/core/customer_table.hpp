/// @file crmkit/core/customer_table.hpp
/// `customer_table`: one row per customer, in dictionary order: the host's string id,
/// optional longitude/latitude, and named numeric attribute columns (any metric the host
/// or an analysis adds: `recency_days`, `churn_score`, ...). NaN marks a missing value.
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
/// table.set_attribute("credit_limit", crmkit::column<double>::owned({500.0, NAN}));
/// double limit = table.attribute("credit_limit")[0];
/// @endcode
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/column.hpp"
#include "crmkit/core/string_dictionary.hpp"

CRMKIT_BEGIN_NAMESPACE

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
  CRMKIT_FUNC void set_locations(column<double> longitude, column<double> latitude);
  [[nodiscard]] bool has_locations() const noexcept { return located_; }
  /// Longitudes in degrees (empty when the table has no locations).
  [[nodiscard]] std::span<const double> longitude() const noexcept { return longitude_.view(); }
  /// Latitudes in degrees (empty when the table has no locations).
  [[nodiscard]] std::span<const double> latitude() const noexcept { return latitude_.view(); }

  /// Adds or replaces the numeric attribute `name`.
  /// @throws crmkit::error (invalid_argument) on an empty name or a length mismatch.
  CRMKIT_FUNC void set_attribute(std::string name, column<double> values);
  /// True when the table has attribute `name`.
  [[nodiscard]] CRMKIT_FUNC bool has_attribute(std::string_view name) const noexcept;
  /// The values of attribute `name`.
  /// @throws crmkit::error (not_found) naming the missing attribute and the ones present.
  [[nodiscard]] CRMKIT_FUNC std::span<const double> attribute(std::string_view name) const;
  /// Attribute names in the order they were first set.
  [[nodiscard]] CRMKIT_FUNC std::vector<std::string> attribute_names() const;

 private:
  std::shared_ptr<const string_dictionary> ids_;
  column<double> longitude_;
  column<double> latitude_;
  bool located_ = false;
  std::vector<std::pair<std::string, column<double>>> attributes_;
};

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/core/customer_table_impl.hpp"
#endif
