// Internal entry points of the CSV reader with their tuning knobs exposed, so that tests
// can force tiny blocks (every record straddling a block boundary) without huge files.
// IWYU pragma: private, include "crmkit/io/csv.hpp"
#pragma once

#ifndef CRMKIT_IO_CSV_HPP
#  error "crmkit/io/detail/csv_tuning.hpp is internal: include <crmkit/io/csv.hpp> instead"
#endif

#include <cstddef>
#include <string_view>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/core/dataset.hpp"

CRMKIT_BEGIN_NAMESPACE

struct csv_options;
struct transaction_columns;
struct customer_columns;
struct ingest_report;

namespace detail {

/// Knobs of the block reader. The defaults are what the public functions use.
struct csv_tuning {
  /// Bytes read per block. 1 MiB keeps the block in L2 while it is tokenized, and is
  /// large enough that read() calls cost nothing measurable.
  std::size_t block_size = std::size_t{1} << 20;
  /// A record longer than this (almost always an unterminated quote swallowing the rest
  /// of the file) is a fatal parse_error instead of an ever-growing buffer.
  std::size_t max_record_size = std::size_t{64} << 20;
};

/// Where the bytes come from.
struct csv_input {
  bool from_file = false;      ///< true: `path_or_text` is a path; false: it is the CSV text
  std::string_view path_or_text;
  std::string_view name;       ///< the source named in messages
  /// For text: stream it through block_size blocks (as a file is read) instead of
  /// parsing it in place. Only tests want this.
  bool stream_text = false;
};

/// read_transactions_csv / parse_transactions_csv with explicit tuning; `known` may be null.
[[nodiscard]] CRMKIT_FUNC dataset ingest_transactions(const csv_input& input, const customer_table* known,
                                                      const transaction_columns& columns, const csv_options& options,
                                                      ingest_report* report, const csv_tuning& tuning);

/// read_customers_csv / parse_customers_csv with explicit tuning.
[[nodiscard]] CRMKIT_FUNC customer_table ingest_customers(const csv_input& input, const customer_columns& columns,
                                                          const csv_options& options, ingest_report* report,
                                                          const csv_tuning& tuning);

}  // namespace detail

CRMKIT_END_NAMESPACE
