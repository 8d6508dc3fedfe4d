// Definitions for crmkit/io/csv.hpp. Included by that header in header-only mode and by
// src/io/csv.cpp otherwise.
// IWYU pragma: private, include "crmkit/io/csv.hpp"
//
// How the reader is put together, and why:
// - The file is streamed through one block buffer (detail::csv_tuning::block_size) with
//   the partial record at the end of a block carried over to the next, so memory is the
//   final columns plus one block, never the file.
// - detail::csv_tokenizer splits blocks into records: a mask-based fast path for
//   unquoted records and an RFC 4180 state machine for the rest (csv_tokenizer.hpp).
// - Customer ids are the cache-miss hot spot: with a million customers the dictionary's
//   slot array is far larger than the caches, and each row touches a random slot. Rows
//   are therefore parsed in batches with their ids hashed, and each batch's ids are then
//   looked up in one tight pass that prefetches the slot of the id 16 rows ahead, so
//   that many misses are in flight at once (transaction_builder).
// - Columns are reserved from an estimate (bytes left / mean record length so far) and
//   re-estimated only when it proves short, so they are not doubled-and-copied.
#pragma once

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "crmkit/core/detail/huge_pages.hpp"
#include "crmkit/core/parallel_for.hpp"
#include "crmkit/core/string_dictionary.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/core/transaction_log.hpp"
#include "crmkit/error.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/io/detail/csv_number.hpp"
#include "crmkit/io/detail/csv_tokenizer.hpp"
#include "crmkit/io/detail/csv_tuning.hpp"
#include "crmkit/io/detail/order_rollup.hpp"
#include "crmkit/io/detail/utf8.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC std::string bad_row::message(std::string_view source) const {
  if (column.empty()) return fmt::format("{}:{}: {}: '{}'", source, line, reason, value);
  return fmt::format("{}:{}: column '{}': {}: '{}'", source, line, column, reason, value);
}

namespace detail {

/// Longest offending value kept in a bad_row (bytes).
inline constexpr std::size_t max_value_bytes = 200;

/// `value` cut to at most max_value_bytes, on a UTF-8 character boundary, marked "...".
inline std::string clip_value(std::string_view value) {
  if (value.size() <= max_value_bytes) return std::string(value);
  std::size_t cut = max_value_bytes - 3;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0u) == 0x80u) --cut;  // continuation byte
  std::string clipped(value.substr(0, cut));
  clipped += "...";
  return clipped;
}

/// The reason given for an id that is not UTF-8.
inline constexpr std::string_view invalid_utf8_reason = "invalid UTF-8";

/// True when `field` of `record` is UTF-8: at once for a record the tokenizer found all
/// ASCII (csv_record::ascii), else by checking the field.
inline bool utf8_field(const csv_record& record, std::string_view field) noexcept {
  return record.ascii || valid_utf8(field);
}

/// Applies the bad-row policy: throws in fail mode, records the row in skip mode.
class bad_row_sink {
 public:
  bad_row_sink(bad_row_policy policy, ingest_report& report) noexcept : policy_(policy), report_(report) {}

  void add(std::int64_t line, std::string_view column, std::string_view value, std::string_view reason) {
    bad_row row;
    row.line = line;
    row.column = std::string(column);
    row.value = clip_value(value);
    row.reason = std::string(reason);
    if (policy_ == bad_row_policy::fail) throw error(errc::parse_error, row.message(report_.source));
    report_.skipped.push_back(std::move(row));
  }

 private:
  bad_row_policy policy_;
  ingest_report& report_;
};

/// The reader's input: either text parsed in place (one final block, no copy) or a
/// stream (a file, or text in tests) read through a block buffer.
class csv_source {
 public:
  /// In place: the whole text is the one and final block.
  explicit csv_source(std::string_view text) noexcept
      : data_(text.data()), size_(text.size()), final_(true), total_(text.size()) {}

  struct file_tag {};
  struct stream_tag {};

  /// Streams the file at `path`.
  csv_source(file_tag, const std::string& path, std::string_view name, const csv_tuning& tuning)
      : name_(name), tuning_(tuning) {
    file_.reset(std::fopen(path.c_str(), "rb"));
    if (!file_) {
      const int code = errno;
      throw error(errc::io_error,
                  fmt::format("{}: cannot open file: {}", name, std::generic_category().message(code)));
    }
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    total_ = ec ? 0 : static_cast<std::uint64_t>(bytes);  // 0: unknown (a pipe)
    start_stream();
  }

  /// Streams `text` through blocks as if it were a file.
  csv_source(stream_tag, std::string_view text, std::string_view name, const csv_tuning& tuning)
      : total_(text.size()), name_(name), tuning_(tuning), text_(text) {
    start_stream();
  }

  [[nodiscard]] const char* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// True when no bytes follow the current block.
  [[nodiscard]] bool final() const noexcept { return final_; }
  /// Offset of data()[0] in the whole input.
  [[nodiscard]] std::uint64_t block_offset() const noexcept { return block_offset_; }
  /// Size of the whole input in bytes, or 0 when unknown.
  [[nodiscard]] std::uint64_t total() const noexcept { return total_; }

  /// Drops the first `consumed` bytes of the block and reads more after the rest. When
  /// nothing was consumed and the buffer is full, the buffer doubles (a record longer
  /// than a block). Returns false when that would exceed max_record_size.
  [[nodiscard]] bool advance(std::size_t consumed) {
    if (final_) return true;
    const std::size_t kept = size_ - consumed;
    if (consumed > 0 && kept > 0) std::memmove(buffer_.get(), buffer_.get() + consumed, kept);
    block_offset_ += consumed;
    if (kept == capacity_) {
      if (capacity_ >= tuning_.max_record_size) return false;
      const std::size_t grown = std::min(capacity_ * 2, tuning_.max_record_size);
      auto bigger = std::make_unique_for_overwrite<char[]>(grown);
      std::memcpy(bigger.get(), buffer_.get(), kept);
      buffer_ = std::move(bigger);
      capacity_ = grown;
    }
    size_ = kept + fill(buffer_.get() + kept, capacity_ - kept);
    data_ = buffer_.get();
    return true;
  }

 private:
  struct file_closer {
    void operator()(std::FILE* file) const noexcept { std::fclose(file); }
  };

  void start_stream() {
    capacity_ = std::max<std::size_t>(tuning_.block_size, 1);
    buffer_ = std::make_unique_for_overwrite<char[]>(capacity_);
    final_ = false;
    size_ = fill(buffer_.get(), capacity_);
    data_ = buffer_.get();
  }

  // Reads up to `n` bytes; sets final_ at the end of the input.
  std::size_t fill(char* dst, std::size_t n) {
    if (file_) {
      std::size_t got = 0;
      while (got < n) {
        const std::size_t r = std::fread(dst + got, 1, n - got, file_.get());
        got += r;
        if (r == 0) {
          if (std::ferror(file_.get())) {
            const int code = errno;
            throw error(errc::io_error,
                        fmt::format("{}: read error: {}", name_, std::generic_category().message(code)));
          }
          final_ = true;
          break;
        }
      }
      return got;
    }
    const std::size_t got = std::min(n, text_.size() - text_pos_);
    if (got > 0) std::memcpy(dst, text_.data() + text_pos_, got);
    text_pos_ += got;
    if (text_pos_ == text_.size()) final_ = true;
    return got;
  }

  const char* data_ = nullptr;
  std::size_t size_ = 0;
  bool final_ = true;
  std::uint64_t total_ = 0;
  std::uint64_t block_offset_ = 0;
  std::string_view name_;
  csv_tuning tuning_;
  std::unique_ptr<std::FILE, file_closer> file_;
  std::string_view text_;
  std::size_t text_pos_ = 0;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
};

/// Where the read is, for sizing the columns.
class read_progress {
 public:
  read_progress(const csv_source& source, const csv_tokenizer& tokenizer, const ingest_report& report) noexcept
      : source_(source), tokenizer_(tokenizer), report_(report) {}

  void mark_data_start() noexcept { data_start_ = consumed(); }

  /// Capacity (rows) for columns that hold `size` rows and need room for `needed` more.
  ///
  /// Rows left are estimated as bytes left / mean record length so far, plus 3% (a
  /// sample of a few thousand records predicts the mean well; the margin absorbs the
  /// rest). Only when that proves short does the capacity grow again, by at least 1/4,
  /// so the columns are rarely copied, and never doubled while full.
  [[nodiscard]] std::size_t target(std::size_t size, std::size_t capacity, std::size_t needed) const noexcept {
    constexpr std::size_t sample_rows = 4096;
    std::size_t rows = std::max(size + needed, sample_rows);
    const std::size_t records = report_.rows_read;
    const std::uint64_t done = consumed() - data_start_;
    if (source_.total() > 0 && records >= sample_rows && done > 0) {
      const std::uint64_t left = source_.total() > consumed() ? source_.total() - consumed() : 0;
      const double mean = static_cast<double>(done) / static_cast<double>(records);
      const auto rows_left = static_cast<std::size_t>(static_cast<double>(left) / mean * 1.03) + 64;
      rows = std::max(rows, size + needed + rows_left);
    }
    // Without a size to go by (a pipe), grow by half: fewer copies, at the price of slack.
    if (capacity > 0) rows = std::max(rows, capacity + capacity / (source_.total() > 0 ? 4 : 2));
    return rows;
  }

 private:
  [[nodiscard]] std::uint64_t consumed() const noexcept { return source_.block_offset() + tokenizer_.position(); }

  const csv_source& source_;
  const csv_tokenizer& tokenizer_;
  const ingest_report& report_;
  std::uint64_t data_start_ = 0;
};

/// Parses timestamps, remembering the last date: time-ordered files repeat the same
/// date on thousands of consecutive rows, and comparing two words is cheaper than a parse.
class time_field_parser {
 public:
  explicit time_field_parser(time_format format) noexcept
      : format_(format),
        cache_size_(format == time_format::iso8601        ? 10
                    : format == time_format::compact_date ? 8
                                                          : 0) {}

  [[nodiscard]] time_parse_status parse(std::string_view text, std::int64_t& out) noexcept {
    if (cache_size_ == 0 || text.size() != cache_size_) return parse_time(text, format_, out);
    // The first and the last 8 bytes (overlapping for a 10-byte date) are the whole text.
    std::uint64_t head, tail;
    std::memcpy(&head, text.data(), 8);
    std::memcpy(&tail, text.data() + text.size() - 8, 8);
    if (cached_ && head == head_ && tail == tail_) {
      out = value_;
      return time_parse_status::ok;
    }
    const time_parse_status status = parse_time(text, format_, out);
    if (status == time_parse_status::ok) {
      head_ = head;
      tail_ = tail;
      value_ = out;
      cached_ = true;
    }
    return status;
  }

 private:
  time_format format_;
  std::size_t cache_size_;  // 0: no cache (epoch seconds change on every row)
  bool cached_ = false;
  std::uint64_t head_ = 0, tail_ = 0;
  std::int64_t value_ = 0;
};

/// A direct-mapped cache of short strings (up to 8 bytes) in front of the level
/// dictionary of a categorical column: product and channel columns hold a few dozen
/// short values, and looking one up here is a multiply and a compare instead of a hash
/// and a probe.
class category_cache {
 public:
  [[nodiscard]] std::int32_t code(std::string_view text, string_dictionary& levels) {
    const std::size_t n = text.size();
    if (n == 0 || n > 8) return levels.insert(text);
    const char* p = text.data();
    std::uint64_t key;
    if (n >= 4) {  // first and last 4 bytes (overlapping): with n, exactly the text
      std::uint32_t first, last;
      std::memcpy(&first, p, 4);
      std::memcpy(&last, p + n - 4, 4);
      key = (std::uint64_t{last} << 32) | first;
    } else {  // bytes 0, n/2 and n-1 cover all of a 1-3 byte text
      key = std::uint64_t{static_cast<unsigned char>(p[0])} | std::uint64_t{static_cast<unsigned char>(p[n / 2])} << 8 |
            std::uint64_t{static_cast<unsigned char>(p[n - 1])} << 16;
    }
    entry& e = table_[((key ^ n) * 0x9E3779B97F4A7C15ull) >> 56];
    if (e.key == key && e.length == n) return e.code;
    e.key = key;
    e.length = static_cast<std::uint32_t>(n);
    e.code = levels.insert(text);
    return e.code;
  }

 private:
  struct entry {
    std::uint64_t key = 0;
    std::uint32_t length = 0;  // 0: empty (empty texts never get here)
    std::int32_t code = -1;
  };
  entry table_[256];
};

/// Checks the options every reader shares.
inline void validate_options(const csv_options& options, const char* function) {
  const auto bad_char = [](char c) { return c == '\n' || c == '\r' || c == '\0'; };
  if (bad_char(options.delimiter))
    throw error(errc::invalid_argument, fmt::format("{}: the delimiter cannot be a line break or NUL", function));
  if (bad_char(options.quote))
    throw error(errc::invalid_argument, fmt::format("{}: the quote cannot be a line break or NUL", function));
  if (options.delimiter == options.quote)
    throw error(errc::invalid_argument,
                fmt::format("{}: the delimiter and the quote are the same character '{}'", function, options.delimiter));
  if (options.on_bad_row != bad_row_policy::fail && options.on_bad_row != bad_row_policy::skip)
    throw error(errc::invalid_argument,
                fmt::format("{}: on_bad_row is {}, not fail or skip", function, static_cast<int>(options.on_bad_row)));
  if (options.timestamps != time_format::iso8601 && options.timestamps != time_format::epoch_seconds &&
      options.timestamps != time_format::compact_date)
    throw error(errc::invalid_argument,
                fmt::format("{}: unknown time format {}", function, static_cast<int>(options.timestamps)));
  if (options.n_threads < 1 || options.n_threads > 1024)
    throw error(errc::invalid_argument,
                fmt::format("{}: n_threads is {}, not in [1, 1024]", function, options.n_threads));
  if (options.min_time > options.max_time)
    throw error(errc::invalid_argument,
                fmt::format("{}: min_time {} is after max_time {}", function, options.min_time, options.max_time));
}

/// Reads the header record (skipping a UTF-8 byte order mark) and leaves the tokenizer
/// on the first data record.
inline std::vector<std::string> read_header(csv_source& source, csv_tokenizer& tokenizer, std::string_view name) {
  // The BOM test needs 3 bytes in the block, even with tiny test blocks.
  while (source.size() < 3 && !source.final())
    if (!source.advance(0)) break;
  tokenizer.set_block(source.data(), source.size(), source.final());
  if (source.size() >= 3 && std::memcmp(source.data(), "\xEF\xBB\xBF", 3) == 0) tokenizer.skip(3);

  csv_record record;
  for (;;) {
    const std::size_t start = tokenizer.position();
    const std::int64_t start_line = tokenizer.line();
    const record_status status = tokenizer.next(record);
    if (status == record_status::end)
      throw error(errc::parse_error, fmt::format("{}:1: empty file (no header line)", name));
    if (status == record_status::incomplete) {
      if (!source.advance(tokenizer.position()))
        throw error(errc::parse_error, fmt::format("{}:{}: the header line is longer than {} bytes", name,
                                                   tokenizer.line(), source.size()));
      tokenizer.set_block(source.data(), source.size(), source.final());
      continue;
    }
    if (record.n_fields > record.fields.size()) {  // wider than the tokenizer keeps: read it again
      tokenizer.set_capacity(record.n_fields);
      tokenizer.rewind(start, start_line);
      continue;
    }
    if (record.problem != nullptr)
      throw error(errc::parse_error, fmt::format("{}:{}: header: {}: '{}'", name, record.line, record.problem,
                                                 clip_value(escape_bytes(record.text(source.data())))));
    std::vector<std::string> header;
    header.reserve(record.n_fields);
    for (std::size_t i = 0; i < record.n_fields; ++i) header.emplace_back(record.fields[i]);
    tokenizer.set_capacity(header.size());
    return header;
  }
}

/// The position of column `wanted` in `header`.
/// @throws crmkit::error (parse_error) naming the columns the header has, when absent or repeated.
inline std::size_t find_column(const std::vector<std::string>& header, std::string_view wanted, std::string_view name) {
  std::size_t found = header.size();
  std::size_t count = 0;
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == wanted) {
      if (count++ == 0) found = i;
    }
  if (count == 1) return found;
  if (count > 1)
    throw error(errc::parse_error,
                fmt::format("{}:1: column '{}' appears {} times in the header; which one is meant is ambiguous", name,
                            wanted, count));
  std::string present;
  for (const auto& column : header) present += fmt::format("{}'{}'", present.empty() ? "" : ", ", column);
  throw error(errc::parse_error,
              fmt::format("{}:1: missing column '{}' (the header has: {})", name, wanted, present));
}

/// The header position of an optional column, or npos when not requested.
inline std::size_t find_optional_column(const std::vector<std::string>& header, std::string_view wanted,
                                        std::string_view name) {
  return wanted.empty() ? std::string_view::npos : find_column(header, wanted, name);
}

/// Feeds every record of `source` to `builder` (header already read). Flushes the
/// builder before the block buffer moves, because pending rows point into it.
template <class Builder>
void read_records(csv_source& source, csv_tokenizer& tokenizer, Builder& builder, ingest_report& report,
                  std::string_view name) {
  csv_record record;
  for (;;) {
    switch (tokenizer.next(record)) {
      case record_status::complete:
        ++report.rows_read;
        builder.row(record, source.data());
        break;
      case record_status::incomplete:
        builder.flush();
        if (!source.advance(tokenizer.position()))
          throw error(errc::parse_error,
                      fmt::format("{}:{}: record longer than {} bytes (an unterminated quote?)", name,
                                  tokenizer.line(), source.size()));
        tokenizer.set_block(source.data(), source.size(), source.final());
        break;
      case record_status::end: builder.flush(); return;
    }
  }
}

/// Reports a record the tokenizer flagged as malformed, or of the wrong width. Returns
/// true when the record was rejected.
inline bool reject_malformed(const csv_record& record, const char* block, const std::vector<std::string>& header,
                             bad_row_sink& bad_rows) {
  if (record.problem != nullptr) {
    const bool known = record.problem_field < header.size() && record.problem_field < record.fields.size();
    const std::string_view value = known ? record.fields[record.problem_field] : record.text(block);
    bad_rows.add(record.line, known ? std::string_view(header[record.problem_field]) : std::string_view{},
                 record.problem == nul_problem ? std::string_view(escape_bytes(value)) : value, record.problem);
    return true;
  }
  if (record.n_fields != header.size()) {
    bad_rows.add(record.line, {}, record.text(block),
                 fmt::format("expected {} fields, found {}", header.size(), record.n_fields));
    return true;
  }
  return false;
}

/// The reason given for a timestamp outside [min_time, max_time].
inline std::string time_range_reason(const csv_options& options) {
  return fmt::format("timestamp outside [{}, {}]", format_iso8601(options.min_time), format_iso8601(options.max_time));
}

// ---------------------------------------------------------------------------------------
/// Builds the transaction columns from records.
///
/// Rows are parsed into a batch of `batch_size` pending rows (ids hashed, nothing
/// looked up), and the batch is then resolved in three tight passes: customer ids are
/// looked up (or numbered) with the dictionary slot of the id `prefetch_distance` rows
/// ahead prefetched, then the rows are appended to the columns. With a million
/// customers the slot array is far larger than the caches and nearly every lookup is a
/// memory access; a loop that does little besides the lookups keeps many of them in
/// flight at once, whereas prefetching while parsing (a slower loop) overlaps few. On
/// the benchmark machine the lookups cost about half as much this way.
///
/// `Lines` (order-line mode: an order, quantity or unit price column, or a line filter)
/// adds the line filters, amount = quantity x unit price and the roll-up of orders; the
/// plain reader is the `Lines = false` instantiation, untouched by all that.
template <bool Lines>
class transaction_builder {
 public:
  /// Rows per batch: large enough to amortise the passes, small enough (about 20 KiB of
  /// pending rows) to stay in L1/L2 between them.
  static constexpr std::size_t batch_size = 256;
  /// How far ahead of the lookup the slot is prefetched: enough misses in flight to
  /// cover the memory latency.
  static constexpr std::size_t prefetch_distance = 16;

  transaction_builder(const std::vector<std::string>& header, const transaction_columns& columns,
                      const csv_options& options, const customer_table* known, bad_row_sink& bad_rows,
                      const read_progress& progress, ingest_report& report, std::string_view name)
      : header_(header),
        options_(options),
        known_(known ? &known->ids() : nullptr),
        bad_rows_(bad_rows),
        progress_(progress),
        times_(options.timestamps),
        customer_(find_column(header, columns.customer, name)),
        time_(find_column(header, columns.time, name)),
        amount_(Lines && !columns.quantity.empty() ? npos : find_column(header, columns.amount, name)),
        product_(find_optional_column(header, columns.product, name)),
        channel_(find_optional_column(header, columns.channel, name)),
        order_(find_optional_column(header, columns.order, name)),
        quantity_(find_optional_column(header, columns.quantity, name)),
        unit_price_(find_optional_column(header, columns.unit_price, name)),
        report_(report),
        rollup_(quantity_ != npos, product_ != npos) {
    if (!known_) ids_ = std::make_shared<string_dictionary>();
    if (product_ != npos) products_ = std::make_shared<string_dictionary>();
    if (channel_ != npos) channels_ = std::make_shared<string_dictionary>();
  }

  void row(const csv_record& record, const char* block) {
    if (record.problem != nullptr || record.n_fields != header_.size()) {
      flush();  // earlier rows first (see reject)
      reject_malformed(record, block, header_, bad_rows_);
      return;
    }
    pending& p = batch_[n_];
    const std::string_view key = record.fields[customer_];
    if (key.empty()) {
      if constexpr (Lines) {
        if (options_.filters.drop_empty_customer) return filtered(line_filter::empty_customer, record.line);
      }
      return reject(record.line, customer_, key, "empty customer id");
    }
    if (!utf8_field(record, key)) return reject(record.line, customer_, escape_bytes(key), invalid_utf8_reason);
    if constexpr (Lines) {
      if (order_ != npos) {
        const std::string_view order = record.fields[order_];
        if (order.empty()) return reject(record.line, order_, order, "empty order id");
        if (!utf8_field(record, order)) return reject(record.line, order_, escape_bytes(order), invalid_utf8_reason);
        const std::string& prefix = options_.filters.order_id_exclude_prefix;
        if (!prefix.empty() && order.starts_with(prefix)) return filtered(line_filter::order_prefix, record.line);
        p.lines.order = order;
      }
    }

    const std::string_view time_text = record.fields[time_];
    const time_parse_status time_status = times_.parse(time_text, p.time);
    if (time_status != time_parse_status::ok) return reject(record.line, time_, time_text, to_string(time_status));
    if (p.time < options_.min_time || p.time > options_.max_time)
      return reject(record.line, time_, time_text, time_range_reason(options_));

    if constexpr (Lines) {
      if (quantity_ != npos) {
        if (!parse_line_amount(record, p)) return;
      } else if (!parse_amount(record, p)) {
        return;
      }
    } else if (!parse_amount(record, p)) {
      return;
    }

    p.key = key;
    if (shared_ids_ && record.general) {
      // Block mode: a miss's key must outlive the tokenizer's scratch storage (until the
      // merge), so the (rare) quoted id is copied; a deque never moves its strings.
      general_keys_.emplace_back(key);
      p.key = general_keys_.back();
    }
    p.hash = string_dictionary::hash(key);
    p.line = record.line;
    if (product_ != npos) {
      p.product = record.fields[product_];
      if (!utf8_field(record, p.product)) return reject(record.line, product_, escape_bytes(p.product), invalid_utf8_reason);
    }
    if (channel_ != npos) p.channel = record.fields[channel_];
    ++n_;
    // Fields of a general-path record live in the tokenizer's scratch storage, which the
    // next such record overwrites: resolve them now.
    if (n_ == batch_size || record.general) flush();
  }

  /// Resolves the pending rows, in file order. Called when the batch is full, before the
  /// block buffer the pending rows point into changes, and at the end.
  void flush() {
    if (n_ == 0) return;
    // Pass 1: customers. Room first, so that the dictionary never rehashes (and never
    // moves its slots away from the prefetches) during the pass.
    if (known_) {
      lookup(*known_, [this](const pending& p) { return known_->find_hashed(p.key, p.hash); });
    } else if (shared_ids_) {
      // A block of a parallel read: ids of earlier rounds are in the shared dictionary
      // (read only during the round); the rows of the others are listed as misses, which
      // the merge numbers in file order (parallel_transaction_reader).
      lookup(*shared_ids_, [this](const pending& p) { return shared_ids_->find_hashed(p.key, p.hash); });
    } else {
      if (ids_->size() + n_ > id_room_) grow_ids();
      lookup(*ids_, [this](const pending& p) { return ids_->insert_hashed(p.key, p.hash); });
    }
    // Pass 2: append, in file order; unknown ids (known-customer mode) are bad rows.
    if constexpr (Lines) {
      if (order_ != npos) return append_lines();
    }
    if (customers_.size() + n_ > customers_.capacity()) grow();
    for (std::size_t i = 0; i < n_; ++i) {
      const pending& p = batch_[i];
      if (p.customer < 0) {
        if (known_) {
          bad_rows_.add(p.line, header_[customer_], p.key, "unknown customer id");
          continue;
        }
        if (shared_ids_) misses_.push_back({p.key, p.hash, customers_.size()});
      }
      customers_.push_back(p.customer);
      times_out_.push_back(p.time);
      amounts_.push_back(p.amount);
      if (products_) product_codes_.push_back(p.product.empty() ? -1 : product_cache_.code(p.product, *products_));
      if (channels_) channel_codes_.push_back(p.channel.empty() ? -1 : channel_cache_.code(p.channel, *channels_));
    }
    n_ = 0;
  }

  /// Block mode (parallel reads, plain transactions only): customer ids are first looked
  /// up in `shared` (which no one changes while this builder runs); the others are
  /// numbered here. Call before the first row.
  void share_ids(const string_dictionary* shared) noexcept { shared_ids_ = shared; }

  /// Block mode: forgets the rows, misses and levels of the previous round, keeping the
  /// columns' capacity.
  void start_round() {
    n_ = 0;
    misses_.clear();
    general_keys_.clear();
    customers_.clear();
    times_out_.clear();
    amounts_.clear();
    product_codes_.clear();
    channel_codes_.clear();
    if (products_) products_ = std::make_shared<string_dictionary>();
    if (channels_) channels_ = std::make_shared<string_dictionary>();
    product_cache_ = category_cache{};
    channel_cache_ = category_cache{};
  }

  /// Block mode: a row whose customer id was not in the shared dictionary (its customer
  /// index is -1 until the merge sets it).
  struct miss {
    std::string_view key;  // into the round's block, or into general_keys_
    std::uint64_t hash;
    std::size_t row;
  };

  /// Block mode: what the round produced (rows in file order; product and channel codes
  /// index product_levels/channel_levels). `customers` is writable so that the merge
  /// numbers the misses in place.
  struct block_rows {
    std::vector<std::int32_t>& customers;
    const std::vector<std::int64_t>& times;
    const std::vector<double>& amounts;
    const std::vector<std::int32_t>& products;
    const std::vector<std::int32_t>& channels;
    const std::vector<miss>& misses;
    const string_dictionary* product_levels;
    const string_dictionary* channel_levels;
  };
  [[nodiscard]] block_rows rows() noexcept {
    return {customers_, times_out_, amounts_,         product_codes_,
            channel_codes_, misses_, products_.get(), channels_.get()};
  }

  [[nodiscard]] dataset finish(const customer_table* known) {
    flush();
    customer_table customers = known ? *known : customer_table::from_ids(ids_);
    if constexpr (Lines) {
      if (order_ != npos) {
        report_.rows_loaded = rollup_.lines();
        // The log first: function arguments are evaluated in an unspecified order, and clang
        // moves `customers` into the first parameter before calling size() (found by fuzz_csv).
        transaction_log log = rollup_.finish(customers.size(), products_);
        return dataset(std::move(customers), std::move(log));
      }
    }
    report_.rows_loaded = customers_.size();
    std::optional<categorical_column> product;
    if (products_) product = categorical_column{column<std::int32_t>::owned(std::move(product_codes_)), products_};
    std::optional<categorical_column> channel;
    if (channels_) channel = categorical_column{column<std::int32_t>::owned(std::move(channel_codes_)), channels_};
    auto log = transaction_log::from_columns(column<std::int32_t>::owned(std::move(customers_)),
                                             column<std::int64_t>::owned(std::move(times_out_)),
                                             column<double>::owned(std::move(amounts_)), customers.size(),
                                             std::move(product), std::move(channel));
    return dataset(std::move(customers), std::move(log));
  }

 private:
  static constexpr std::size_t npos = std::string_view::npos;

  struct no_line_fields {};
  struct line_fields {
    std::string_view order;
    double quantity;
    double unit_price;
  };

  struct pending {
    std::string_view key;
    std::uint64_t hash;
    std::int64_t line;
    std::int64_t time;
    double amount;
    std::string_view product;
    std::string_view channel;
    std::int32_t customer;  // set by the lookup pass; -1: not in the known customers
    [[no_unique_address]] std::conditional_t<Lines, line_fields, no_line_fields> lines;
  };

  // The amount column of a record into p.amount; false (the row rejected) when bad.
  bool parse_amount(const csv_record& record, pending& p) {
    const std::string_view amount_text = record.fields[amount_];
    const number_status amount_status = parse_decimal(amount_text, p.amount);
    if (amount_status != number_status::ok) {
      reject(record.line, amount_, amount_text, to_string(amount_status));
      return false;
    }
    if (p.amount < 0 && !options_.allow_negative_amounts) {
      reject(record.line, amount_, amount_text, "negative amount (allow_negative_amounts is off)");
      return false;
    }
    return true;
  }

  // Quantity and unit price into p, with their filters, and p.amount = their product.
  // False when the row was rejected or filtered out.
  bool parse_line_amount(const csv_record& record, pending& p) {
    const std::string_view quantity_text = record.fields[quantity_];
    const number_status quantity_status = parse_decimal(quantity_text, p.lines.quantity);
    if (quantity_status != number_status::ok) {
      reject(record.line, quantity_, quantity_text, to_string(quantity_status));
      return false;
    }
    const std::string_view price_text = record.fields[unit_price_];
    const number_status price_status = parse_decimal(price_text, p.lines.unit_price);
    if (price_status != number_status::ok) {
      reject(record.line, unit_price_, price_text, to_string(price_status));
      return false;
    }
    if (options_.filters.drop_nonpositive_quantity && !(p.lines.quantity > 0)) {
      filtered(line_filter::nonpositive_quantity, record.line);
      return false;
    }
    if (options_.filters.drop_nonpositive_unit_price && !(p.lines.unit_price > 0)) {
      filtered(line_filter::nonpositive_unit_price, record.line);
      return false;
    }
    p.amount = p.lines.quantity * p.lines.unit_price;
    if (!std::isfinite(p.amount)) {
      reject(record.line, quantity_, quantity_text, "quantity x unit price is not a finite number");
      return false;
    }
    if (p.amount < 0 && !options_.allow_negative_amounts) {
      reject(record.line, quantity_, quantity_text, "negative amount (allow_negative_amounts is off)");
      return false;
    }
    return true;
  }

  // A line a filter dropped. It is only counted (the counts are apart from the bad rows and
  // the columns), so the pending rows need not be resolved first: with a few percent of
  // lines filtered, flushing here would cut the batches, and their prefetching, short.
  void filtered(line_filter filter, std::int64_t line) { count_filtered(report_, filter, line); }

  // Pass 2 with an order column: the lines go to the roll-up, in file order; a line of
  // an order that belongs to another customer is a bad row.
  void append_lines() {
    if (rollup_.lines() + n_ > rollup_.capacity())
      rollup_.reserve(progress_.target(rollup_.lines(), rollup_.capacity(), n_));
    for (std::size_t i = 0; i < n_; ++i) {
      const pending& p = batch_[i];
      if (p.customer < 0) {
        bad_rows_.add(p.line, header_[customer_], p.key, "unknown customer id");
        continue;
      }
      const std::int32_t order = rollup_.order_index(p.lines.order);
      const std::int32_t product =
          products_ && !p.product.empty() ? product_cache_.code(p.product, *products_) : std::int32_t{-1};
      order_rollup::owner first{};
      if (!rollup_.add(order, p.customer, p.time, p.amount, p.lines.quantity, p.lines.unit_price, product, p.line,
                       first)) {
        const std::string_view ids_of[2] = {customer_id(first.customer), p.key};
        bad_rows_.add(p.line, header_[order_], escape_bytes(p.lines.order),
                      fmt::format("order has lines of two customers: '{}' (line {}) and '{}' (line {})", ids_of[0],
                                  first.line, ids_of[1], p.line));
      }
    }
    n_ = 0;
  }

  [[nodiscard]] std::string_view customer_id(std::int32_t index) const noexcept {
    return known_ ? known_->at(index) : ids_->at(index);
  }

  // The lookup pass: `find(p)` for every pending row, prefetching ahead. Both the slot
  // and its neighbour are prefetched: slots are 32 bytes but the slot array is only
  // 16-byte aligned, so a slot may straddle two cache lines; the neighbour is also
  // where a linear probe goes next.
  template <class Find>
  void lookup(const string_dictionary& ids, Find find) {
    const std::size_t ahead = std::min(prefetch_distance, n_);
    for (std::size_t i = 0; i < ahead; ++i) {
      ids.prefetch(batch_[i].hash);
      ids.prefetch(batch_[i].hash + 1);
    }
    for (std::size_t i = 0; i < n_; ++i) {
      if (i + ahead < n_) {
        ids.prefetch(batch_[i + ahead].hash);
        ids.prefetch(batch_[i + ahead].hash + 1);
      }
      batch_[i].customer = find(batch_[i]);
    }
  }

  // A bad row: earlier rows go first, so that rows are appended, and bad rows reported,
  // in file order.
  void reject(std::int64_t line, std::size_t field, std::string_view value, std::string_view reason) {
    flush();
    bad_rows_.add(line, header_[field], value, reason);
  }

  // Grows the customer dictionary before it would rehash itself, by doubling its room:
  // string_dictionary::reserve rehashes in place (the keys re-inserted in index order with
  // their slots prefetched ahead, into a slot array that keeps the pages it had), so
  // indices are unchanged and only the added half of the slots is fresh memory.
  void grow_ids() {
    std::size_t room = std::max<std::size_t>(id_room_ * 2, std::size_t{1} << 12);
    while (room < ids_->size() + n_) room *= 2;
    ids_->reserve(room);
    id_room_ = room;
  }

  void grow() {
    const std::size_t capacity = progress_.target(customers_.size(), customers_.capacity(), n_);
    reserve_huge(customers_, capacity);
    reserve_huge(times_out_, capacity);
    reserve_huge(amounts_, capacity);
    if (products_) reserve_huge(product_codes_, capacity);
    if (channels_) reserve_huge(channel_codes_, capacity);
  }

  // reserve(), with the part of the new buffer not yet written on huge pages.
  template <class T>
  static void reserve_huge(std::vector<T>& values, std::size_t capacity) {
    values.reserve(capacity);
    detail::advise_huge_pages(values.data() + values.size(), (values.capacity() - values.size()) * sizeof(T));
  }

  const std::vector<std::string>& header_;
  const csv_options& options_;
  const string_dictionary* known_;
  bad_row_sink& bad_rows_;
  const read_progress& progress_;
  time_field_parser times_;
  std::size_t customer_, time_, amount_, product_, channel_, order_, quantity_, unit_price_;
  ingest_report& report_;
  order_rollup rollup_;

  pending batch_[batch_size] = {};
  std::size_t n_ = 0;  // pending rows

  std::shared_ptr<string_dictionary> ids_;
  const string_dictionary* shared_ids_ = nullptr;  // block mode: the ids of earlier rounds
  std::vector<miss> misses_;                        // block mode: rows with ids new to the round
  std::deque<std::string> general_keys_;            // block mode: copies of quoted ids
  std::size_t id_room_ = 0;  // entries ids_ takes without rehashing (reserve(n): >= 2n slots)
  std::shared_ptr<string_dictionary> products_;
  std::shared_ptr<string_dictionary> channels_;
  category_cache product_cache_;
  category_cache channel_cache_;
  std::vector<std::int32_t> customers_;
  std::vector<std::int64_t> times_out_;
  std::vector<double> amounts_;
  std::vector<std::int32_t> product_codes_;
  std::vector<std::int32_t> channel_codes_;
};

// ---------------------------------------------------------------------------------------
/// Builds a customer table from records.
class customer_builder {
 public:
  customer_builder(const std::vector<std::string>& header, const customer_columns& columns, bad_row_sink& bad_rows,
                   const read_progress& progress, std::string_view name)
      : header_(header),
        bad_rows_(bad_rows),
        progress_(progress),
        id_(find_column(header, columns.id, name)),
        longitude_(find_optional_column(header, columns.longitude, name)),
        latitude_(find_optional_column(header, columns.latitude, name)),
        ids_(std::make_shared<string_dictionary>()) {
    for (const auto& attribute : columns.attributes) attribute_fields_.push_back(find_column(header, attribute, name));
    attributes_.resize(attribute_fields_.size());
    row_values_.resize(attribute_fields_.size());
  }

  void row(const csv_record& record, const char* block) {
    if (reject_malformed(record, block, header_, bad_rows_)) return;
    const std::string_view id = record.fields[id_];
    if (id.empty()) return reject(record.line, id_, id, "empty customer id");
    if (!utf8_field(record, id)) return reject(record.line, id_, escape_bytes(id), invalid_utf8_reason);

    double lon = std::numeric_limits<double>::quiet_NaN();
    double lat = lon;
    if (longitude_ != npos) {
      const std::string_view lon_text = record.fields[longitude_];
      const std::string_view lat_text = record.fields[latitude_];
      if (lon_text.empty() != lat_text.empty()) {
        if (lon_text.empty()) return reject(record.line, longitude_, lon_text, "longitude missing while latitude is given");
        return reject(record.line, latitude_, lat_text, "latitude missing while longitude is given");
      }
      if (!lon_text.empty()) {
        if (!parse_coordinate(record.line, longitude_, lon_text, 180.0, "longitude outside [-180, 180]", lon)) return;
        if (!parse_coordinate(record.line, latitude_, lat_text, 90.0, "latitude outside [-90, 90]", lat)) return;
      }
    }
    for (std::size_t a = 0; a < attribute_fields_.size(); ++a) {
      const std::string_view text = record.fields[attribute_fields_[a]];
      if (text.empty()) {
        row_values_[a] = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      const number_status status = parse_decimal(text, row_values_[a]);
      if (status != number_status::ok) return reject(record.line, attribute_fields_[a], text, to_string(status));
    }
    // Checked last, so that a row rejected for another reason does not claim the id.
    const std::size_t before = ids_->size();
    if (static_cast<std::size_t>(ids_->insert(id)) != before)
      return reject(record.line, id_, id, "duplicate customer id");

    if (rows_ == capacity_) grow();
    if (longitude_ != npos) {
      longitudes_.push_back(lon);
      latitudes_.push_back(lat);
    }
    for (std::size_t a = 0; a < attributes_.size(); ++a) attributes_[a].push_back(row_values_[a]);
    ++rows_;
  }

  void flush() noexcept {}

  [[nodiscard]] customer_table finish(const customer_columns& columns) {
    customer_table table = customer_table::from_ids(ids_);
    if (longitude_ != npos)
      table.set_locations(column<double>::owned(std::move(longitudes_)), column<double>::owned(std::move(latitudes_)));
    for (std::size_t a = 0; a < attributes_.size(); ++a)
      table.set_attribute(columns.attributes[a], column<double>::owned(std::move(attributes_[a])));
    return table;
  }

 private:
  static constexpr std::size_t npos = std::string_view::npos;

  bool parse_coordinate(std::int64_t line, std::size_t field, std::string_view text, double limit,
                        std::string_view range_reason, double& out) {
    const number_status status = parse_decimal(text, out);
    if (status != number_status::ok) {
      reject(line, field, text, to_string(status));
      return false;
    }
    if (!(out >= -limit && out <= limit)) {
      reject(line, field, text, range_reason);
      return false;
    }
    return true;
  }

  void reject(std::int64_t line, std::size_t field, std::string_view value, std::string_view reason) {
    bad_rows_.add(line, header_[field], value, reason);
  }

  void grow() {
    capacity_ = progress_.target(rows_, capacity_, 1);
    if (longitude_ != npos) {
      longitudes_.reserve(capacity_);
      latitudes_.reserve(capacity_);
    }
    for (auto& values : attributes_) values.reserve(capacity_);
  }

  const std::vector<std::string>& header_;
  bad_row_sink& bad_rows_;
  const read_progress& progress_;
  std::size_t id_, longitude_, latitude_;
  std::vector<std::size_t> attribute_fields_;
  std::shared_ptr<string_dictionary> ids_;
  std::vector<double> longitudes_;
  std::vector<double> latitudes_;
  std::vector<std::vector<double>> attributes_;
  std::vector<double> row_values_;
  std::size_t rows_ = 0;      // rows kept
  std::size_t capacity_ = 0;  // rows the columns have room for
};

// ---------------------------------------------------------------------------------------
// Parallel reading of plain transaction files (csv_options::n_threads > 1).
//
// The file is read in rounds of one large block. Each round cuts the block into
// 4 x n_threads pieces at line breaks, and each piece is parsed by its own
// transaction_builder (block mode), the threads taking the next piece as they finish: customer ids of earlier rounds are
// found in the shared dictionary (read only during the round); the rows of the others
// ("misses") are listed with their id's hash; products and channels get piece-local codes.
// A serial merge then walks the pieces in file order and inserts each miss into the shared
// dictionary (the first of an id gets the next index, later ones find it), setting the
// row's customer index in place, and adds the new levels likewise: exactly the order of
// first appearance a serial read gives, at one (prefetched) probe per miss and none per
// row; finally each thread copies its piece's rows into the output columns at its offset,
// renumbering product and channel codes. Results (columns,
// dictionaries, bad rows and their order, the report, the error thrown in fail mode) are
// therefore bit-identical to the serial read for any thread count.
//
// A cut at a line break is a record boundary unless the break is inside a quoted field.
// Piece k is known to start on a record boundary when piece k-1 did and its records ended
// exactly at the cut (induction from the first piece, which starts after the header or
// the previous round's last whole record). When a piece's last record runs over its cut,
// the rest of the block from that piece on is parsed again as one piece on the calling
// thread (the later pieces' work is discarded).

/// An output column that several threads fill at once: a raw buffer (not zero-filled, so
/// the pages are first touched by the threads writing the rows), grown by copying when the
/// estimate proves short.
template <class T>
class parallel_output {
 public:
  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    std::unique_ptr<T[]> bigger(new T[n]);
    advise_huge_pages(bigger.get(), n * sizeof(T));
    if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_ * sizeof(T));
    data_ = std::move(bigger);
    capacity_ = n;
  }
  [[nodiscard]] T* data() noexcept { return data_.get(); }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  void resize(std::size_t n) noexcept { size_ = n; }  // n <= capacity()
  [[nodiscard]] column<T> release() {
    std::shared_ptr<T[]> owner(std::move(data_));
    const T* values = owner.get();
    const std::size_t n = size_;
    capacity_ = size_ = 0;
    return column<T>::shared(values, n, std::shared_ptr<const void>(owner, values));
  }

 private:
  std::unique_ptr<T[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

/// Adds the entries of `from` to `to` in index order (with the slots prefetched ahead, as
/// transaction_builder::grow_ids does) and writes each one's index in `to` to `map`.
/// `to` must have room for all of them without rehashing.
inline void merge_levels(const string_dictionary& from, string_dictionary& to, std::vector<std::int32_t>& map) {
  const std::size_t count = from.size();
  map.resize(count);
  constexpr std::size_t ahead = 16;
  std::uint64_t hashes[ahead];
  for (std::size_t i = 0; i < count + ahead; ++i) {
    if (i >= ahead) {
      const std::size_t j = i - ahead;
      map[j] = to.insert_hashed(from.at(static_cast<std::int32_t>(j)), hashes[j % ahead]);
    }
    if (i < count) {
      const std::uint64_t h = string_dictionary::hash(from.at(static_cast<std::int32_t>(i)));
      hashes[i % ahead] = h;
      to.prefetch(h);
      to.prefetch(h + 1);
    }
  }
}

/// Numbers the ids of a piece's miss rows in file order: each is inserted into `ids`
/// (which gives an id seen before its index, a new one the next index), with the slots
/// prefetched `ahead` misses early, and its row's customer index is set in place. `ids`
/// must have room for all of them without rehashing.
template <class Miss>
void number_misses(const std::vector<Miss>& misses, string_dictionary& ids, std::vector<std::int32_t>& customers) {
  const std::size_t count = misses.size();
  constexpr std::size_t ahead = 16;
  for (std::size_t i = 0; i < std::min(ahead, count); ++i) {
    ids.prefetch(misses[i].hash);
    ids.prefetch(misses[i].hash + 1);
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (i + ahead < count) {
      ids.prefetch(misses[i + ahead].hash);
      ids.prefetch(misses[i + ahead].hash + 1);
    }
    const Miss& m = misses[i];
    customers[m.row] = ids.insert_hashed(m.key, m.hash);
  }
}

/// Room for `needed` entries in `dictionary` without rehashing: when short, its room
/// doubles (string_dictionary::reserve: an in-place rehash, indices unchanged), the grown
/// slot array zeroed and first touched by `n_threads` threads; `room` tracks what it takes.
inline void make_room(string_dictionary& dictionary, std::size_t& room, std::size_t needed, std::size_t n_threads) {
  if (needed <= room) return;
  std::size_t grown = std::max<std::size_t>(room * 2, std::size_t{1} << 12);
  while (grown < needed) grown *= 2;
  dictionary.reserve(grown, 0, n_threads);
  room = grown;
}

/// The parallel transaction reader (plain mode); see the comment above.
class parallel_transaction_reader {
 public:
  /// Pieces per round and thread: a round's block is tuning.block_size x 4 x n_threads, so
  /// a piece is about one block (1 MiB by default).
  static constexpr std::size_t pieces_per_thread = 4;

  parallel_transaction_reader(const std::vector<std::string>& header, const transaction_columns& columns,
                              const csv_options& options, const customer_table* known, ingest_report& report,
                              std::size_t n_threads, std::string_view name)
      : header_(header), options_(options), known_(known), report_(report), n_threads_(n_threads),
        product_(!columns.product.empty()),
        channel_(!columns.channel.empty()),
        team_(n_threads) {
    if (!known) ids_ = std::make_shared<string_dictionary>();
    if (product_) products_ = std::make_shared<string_dictionary>();
    if (channel_) channels_ = std::make_shared<string_dictionary>();
    const std::size_t n_pieces = n_threads * pieces_per_thread;
    pieces_.reserve(n_pieces);
    for (std::size_t k = 0; k < n_pieces; ++k) {
      pieces_.push_back(std::make_unique<piece>(header, columns, options, known, name));
      pieces_.back()->builder.share_ids(ids_.get());
    }
  }

  /// Reads the records of `source` from `tokenizer`'s position (just after the header).
  dataset read(csv_source& source, const csv_tokenizer& tokenizer) {
    std::size_t pos = tokenizer.position();
    std::int64_t line = tokenizer.line();
    const std::uint64_t data_start = source.block_offset() + pos;
    const std::size_t n = pieces_.size();
    for (;;) {
      const char* const data = source.data();
      const std::size_t size = source.size();
      const bool final = source.final();
      std::size_t consumed = pos;
      if (pos < size) {
        // Cut at line breaks; pieces past the end of the block stay empty.
        std::size_t used = n;
        std::size_t begin = pos;
        for (std::size_t k = 0; k < n; ++k) {
          piece& p = *pieces_[k];
          std::size_t end = size;
          if (k + 1 < n) {
            const std::size_t target = std::max(begin, pos + (size - pos) / n * (k + 1));
            const void* hit = target < size ? std::memchr(data + target, '\n', size - target) : nullptr;
            end = hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - data) + 1 : size;
          }
          p.begin = begin;
          p.end = end;
          p.final = final && end == size;
          begin = end;
          if (end == size) {
            used = k + 1;
            break;
          }
        }
        run_pieces(used, [&](std::size_t k) { parse(*pieces_[k], data); });
        // Check the cuts in file order; the first piece that ran over its cut takes the
        // rest of the block.
        // Piece k starts on a record boundary here (pieces 0..k-1 ended at their cuts), so
        // its first bad row is the first one in the file after theirs.
        for (std::size_t k = 0; k < used; ++k) {
          piece& p = *pieces_[k];
          check(p, k, line);
          if (p.end != size && p.consumed != p.end - p.begin) {
            p.end = size;
            p.final = final;
            parse(p, data);
            check(p, k, line);
            used = k + 1;
          }
        }
        line = plan(used, line);
        consumed = pieces_[used - 1]->begin + pieces_[used - 1]->consumed;
        reserve_output(source, data_start, consumed);
        // Numbering the new ids is serial, and only the customer column depends on it: one
        // thread numbers (task 0, handed out first) while the others copy the time and
        // amount columns, most of the bytes the output's fresh pages take.
        std::exception_ptr merge_failure;
        run_pieces(used + 1, [&](std::size_t k) {
          if (k > 0) return copy_values(*pieces_[k - 1]);
          try {
            merge(used);
          } catch (...) {
            merge_failure = std::current_exception();
          }
        });
        if (merge_failure) std::rethrow_exception(merge_failure);
        // Then the customer, product and channel codes. Once merged, the block is no
        // longer needed (the pieces' rows are in their own columns, their bad rows and
        // quoted ids copied): the next block is read meanwhile (task 0).
        bool advanced = true;
        std::exception_ptr read_failure;
        run_pieces(used + 1, [&](std::size_t k) {
          if (k > 0) return copy_codes(*pieces_[k - 1]);
          if (final) return;
          try {
            advanced = source.advance(consumed);
          } catch (...) {
            read_failure = std::current_exception();
          }
        });
        if (read_failure) std::rethrow_exception(read_failure);
        if (!advanced) throw record_too_long(source, line);
        if (final) break;
        pos = 0;
        continue;
      }
      if (final) break;
      if (!source.advance(consumed)) throw record_too_long(source, line);
      pos = 0;
    }
    return finish();
  }

 private:
  // Runs f(0), ..., f(n - 1) on the team, each thread taking the next piece when done with
  // one (so that a thread the scheduler preempts on a busy machine delays the round by
  // one small piece, not by a whole share). `f` must not throw.
  template <class F>
  void run_pieces(std::size_t n, const F& f) {
    team_.for_chunks(n, f);
  }

  [[nodiscard]] error record_too_long(const csv_source& source, std::int64_t line) const {
    return error(errc::parse_error, fmt::format("{}:{}: record longer than {} bytes (an unterminated quote?)",
                                                report_.source, line, source.size()));
  }

  // One piece of a round and the builder that parses it. The members refer to each
  // other, so a piece never moves (pieces_ holds pointers).
  struct piece {
    piece(const std::vector<std::string>& header, const transaction_columns& columns, const csv_options& options,
          const customer_table* known, std::string_view name)
        : sink(bad_row_policy::skip, report),
          no_bytes(std::string_view{}),
          no_tokenizer(options.delimiter, options.quote, 0),
          progress(no_bytes, no_tokenizer, report),
          builder(header, columns, options, known, sink, progress, report, name) {}

    ingest_report report;  // rows read and bad rows (with piece-relative lines)
    bad_row_sink sink;
    csv_source no_bytes;  // a size-less source: the builder's columns grow by half
    csv_tokenizer no_tokenizer;
    read_progress progress;
    transaction_builder<false> builder;
    std::size_t begin = 0, end = 0;  // the piece: [begin, end) of the block
    bool final = false;              // no bytes follow it
    std::size_t consumed = 0;        // bytes of whole records parsed
    std::int64_t lines = 0;          // physical lines those records (and blank lines) span
    std::exception_ptr failure;
    std::vector<std::int32_t> product_map, channel_map;  // piece code -> shared code
    std::size_t offset = 0;          // of the piece's first row in the output
  };

  void parse(piece& p, const char* data) const noexcept {
    try {
      p.failure = nullptr;
      p.report.rows_read = 0;
      p.report.skipped.clear();
      p.builder.start_round();
      csv_tokenizer tokenizer(options_.delimiter, options_.quote, header_.size());
      tokenizer.set_block(data + p.begin, p.end - p.begin, p.final);
      const bool stop_at_bad_row = options_.on_bad_row == bad_row_policy::fail;
      csv_record record;
      while (tokenizer.next(record) == record_status::complete) {
        ++p.report.rows_read;
        p.builder.row(record, data + p.begin);
        if (stop_at_bad_row && !p.report.skipped.empty()) break;
      }
      p.builder.flush();
      p.consumed = tokenizer.position();
      p.lines = tokenizer.line() - 1;
    } catch (...) {
      p.failure = std::current_exception();
    }
  }

  // Rethrows what a piece's parse threw; in fail mode, throws its first bad row (as the
  // serial reader's bad_row_sink does, with the line in the file).
  void check(const piece& p, std::size_t k, std::int64_t line) const {
    if (p.failure) std::rethrow_exception(p.failure);
    if (options_.on_bad_row == bad_row_policy::fail && !p.report.skipped.empty()) {
      bad_row first = p.report.skipped.front();
      first.line += line_before(k, line) - 1;
      throw error(errc::parse_error, first.message(report_.source));
    }
  }

  [[nodiscard]] std::int64_t line_before(std::size_t k, std::int64_t line) const noexcept {
    for (std::size_t j = 0; j < k; ++j) line += pieces_[j]->lines;
    return line;
  }

  // The serial bookkeeping of a round, in file order: rows read, bad rows (with their
  // lines in the file) and each piece's output offset. Returns the line after the round.
  std::int64_t plan(std::size_t used, std::int64_t line) {
    std::size_t rows = rows_;
    for (std::size_t k = 0; k < used; ++k) {
      piece& p = *pieces_[k];
      report_.rows_read += p.report.rows_read;
      for (bad_row& row : p.report.skipped) {
        row.line += line - 1;
        report_.skipped.push_back(std::move(row));
      }
      p.offset = rows;
      rows += p.builder.rows().customers.size();
      line += p.lines;
    }
    round_rows_ = rows;
    return line;
  }

  // The serial numbering of a round: new ids and levels in file order. Room for the ids
  // is made on this thread alone (the others are copying meanwhile).
  void merge(std::size_t used) {
    for (std::size_t k = 0; k < used; ++k) {
      piece& p = *pieces_[k];
      const auto r = p.builder.rows();
      if (ids_) {
        make_room(*ids_, id_room_, ids_->size() + r.misses.size(), 1);
        number_misses(r.misses, *ids_, r.customers);
      }
      if (products_) merge_levels(*r.product_levels, *products_, p.product_map);
      if (channels_) merge_levels(*r.channel_levels, *channels_, p.channel_map);
    }
  }

  // Room in the output for the round's rows: the rows so far plus, while the file's size is
  // known, the rows its remaining bytes should hold at the mean record length so far (+3%),
  // as read_progress estimates for the serial reader.
  void reserve_output(const csv_source& source, std::uint64_t data_start, std::size_t consumed) {
    const std::size_t needed = round_rows_;
    if (needed > customers_.capacity()) {
      std::size_t target = std::max(needed, customers_.capacity() + customers_.capacity() / 2);
      const std::uint64_t done = source.block_offset() + consumed - data_start;
      if (source.total() > 0 && done > 0 && report_.rows_read > 0) {
        const std::uint64_t at = source.block_offset() + consumed;
        const std::uint64_t left = source.total() > at ? source.total() - at : 0;
        const double mean = static_cast<double>(done) / static_cast<double>(report_.rows_read);
        target = std::max(needed, needed + static_cast<std::size_t>(static_cast<double>(left) / mean * 1.03) + 64);
        if (target < customers_.capacity() + customers_.capacity() / 4)
          target = customers_.capacity() + customers_.capacity() / 4;
      }
      customers_.reserve(target);
      times_.reserve(target);
      amounts_.reserve(target);
      if (product_) product_codes_.reserve(target);
      if (channel_) channel_codes_.reserve(target);
    }
    customers_.resize(needed);
    times_.resize(needed);
    amounts_.resize(needed);
    if (product_) product_codes_.resize(needed);
    if (channel_) channel_codes_.resize(needed);
    rows_ = needed;
  }

  // The piece's times and amounts into the output (independent of the numbering).
  void copy_values(piece& p) noexcept {
    const auto r = p.builder.rows();
    const std::size_t n = r.customers.size();
    if (n == 0) return;
    std::memcpy(times_.data() + p.offset, r.times.data(), n * sizeof(std::int64_t));
    std::memcpy(amounts_.data() + p.offset, r.amounts.data(), n * sizeof(double));
  }

  // The piece's customer indices (numbered by the merge) and its product and channel
  // codes, renumbered into the shared levels, into the output.
  void copy_codes(piece& p) noexcept {
    const auto r = p.builder.rows();
    const std::size_t n = r.customers.size();
    if (n > 0) std::memcpy(customers_.data() + p.offset, r.customers.data(), n * sizeof(std::int32_t));
    const auto recode = [n](const std::vector<std::int32_t>& codes, const std::vector<std::int32_t>& map,
                            std::int32_t* out) {
      for (std::size_t i = 0; i < n; ++i) out[i] = codes[i] < 0 ? -1 : map[static_cast<std::size_t>(codes[i])];
    };
    if (product_) recode(r.products, p.product_map, product_codes_.data() + p.offset);
    if (channel_) recode(r.channels, p.channel_map, channel_codes_.data() + p.offset);
  }

  dataset finish() {
    customer_table customers = known_ ? *known_ : customer_table::from_ids(ids_);
    report_.rows_loaded = rows_;
    std::optional<categorical_column> product;
    if (products_) product = categorical_column{product_codes_.release(), products_};
    std::optional<categorical_column> channel;
    if (channels_) channel = categorical_column{channel_codes_.release(), channels_};
    auto log = transaction_log::from_columns(customers_.release(), times_.release(), amounts_.release(),
                                             customers.size(), std::move(product), std::move(channel), n_threads_);
    return dataset(std::move(customers), std::move(log));
  }

  const std::vector<std::string>& header_;
  const csv_options& options_;
  const customer_table* known_;
  ingest_report& report_;
  std::size_t n_threads_;
  bool product_, channel_;
  std::shared_ptr<string_dictionary> ids_;  // null with known customers
  std::size_t id_room_ = 0;
  std::shared_ptr<string_dictionary> products_;
  std::shared_ptr<string_dictionary> channels_;
  std::vector<std::unique_ptr<piece>> pieces_;
  std::size_t rows_ = 0;        // rows in the output
  std::size_t round_rows_ = 0;  // rows after the current round
  parallel_output<std::int32_t> customers_;
  parallel_output<std::int64_t> times_;
  parallel_output<double> amounts_;
  parallel_output<std::int32_t> product_codes_;
  parallel_output<std::int32_t> channel_codes_;
  // The read's threads, started once and asleep between passes: a team per pass joined
  // its worker at the end of every pass, and beside a busy core a join waits until the
  // scheduler runs the worker again, even when the caller had done every piece. Last, so
  // that its threads stop before the members above go.
  thread_team team_;
};

/// True when the transaction reader needs its order-line mode.
inline bool order_lines_mode(const transaction_columns& columns, const csv_options& options) noexcept {
  return !columns.order.empty() || !columns.quantity.empty() || !columns.unit_price.empty() || options.filters.any();
}

/// Checks that the order-line columns and filters fit together.
inline void validate_line_options(const transaction_columns& columns, const line_filters& filters,
                                  const char* function) {
  if (columns.quantity.empty() != columns.unit_price.empty())
    throw error(errc::invalid_argument,
                fmt::format("{}: name both the quantity and the unit price column, or neither", function));
  if (!filters.order_id_exclude_prefix.empty() && columns.order.empty())
    throw error(errc::invalid_argument,
                fmt::format("{}: order_id_exclude_prefix '{}' needs an order column", function,
                            filters.order_id_exclude_prefix));
  if (filters.drop_nonpositive_quantity && columns.quantity.empty())
    throw error(errc::invalid_argument, fmt::format("{}: drop_nonpositive_quantity needs a quantity column", function));
  if (filters.drop_nonpositive_unit_price && columns.unit_price.empty())
    throw error(errc::invalid_argument,
                fmt::format("{}: drop_nonpositive_unit_price needs a unit price column", function));
  if (!columns.order.empty() && !columns.channel.empty())
    throw error(errc::invalid_argument,
                fmt::format("{}: a channel column cannot be read with an order column (a channel per line "
                            "does not roll up)",
                            function));
}

/// Opens the input described by `input` (in place, streamed text, or a file).
inline std::unique_ptr<csv_source> open_source(const csv_input& input, const csv_tuning& tuning) {
  if (input.from_file)
    return std::make_unique<csv_source>(csv_source::file_tag{}, std::string(input.path_or_text), input.name, tuning);
  if (input.stream_text)
    return std::make_unique<csv_source>(csv_source::stream_tag{}, input.path_or_text, input.name, tuning);
  return std::make_unique<csv_source>(input.path_or_text);
}

CRMKIT_FUNC dataset ingest_transactions(const csv_input& input, const customer_table* known,
                                        const transaction_columns& columns, const csv_options& options,
                                        ingest_report* report, const csv_tuning& tuning) {
  constexpr const char* function = "read_transactions_csv";
  validate_options(options, function);
  if (columns.customer.empty() || columns.time.empty() || (columns.amount.empty() && columns.quantity.empty()))
    throw error(errc::invalid_argument,
                fmt::format("{}: the customer, time and amount column names must not be empty", function));
  validate_line_options(columns, options.filters, function);
  ingest_report local;
  ingest_report& out = report ? *report : local;
  out = ingest_report{};
  out.source = std::string(input.name);

  // Parallel reads (plain mode) parse rounds of 4 blocks per thread.
  const bool parallel = options.n_threads > 1 && !order_lines_mode(columns, options);
  csv_tuning effective = tuning;
  if (parallel) effective.block_size = tuning.block_size * 4 * static_cast<std::size_t>(options.n_threads);
  const auto source = open_source(input, effective);
  csv_tokenizer tokenizer(options.delimiter, options.quote, 64);
  const std::vector<std::string> header = read_header(*source, tokenizer, out.source);
  if (parallel) {
    parallel_transaction_reader reader(header, columns, options, known, out,
                                       static_cast<std::size_t>(options.n_threads), out.source);
    return reader.read(*source, tokenizer);
  }
  read_progress progress(*source, tokenizer, out);
  progress.mark_data_start();
  bad_row_sink bad_rows(options.on_bad_row, out);
  if (order_lines_mode(columns, options)) {
    transaction_builder<true> builder(header, columns, options, known, bad_rows, progress, out, out.source);
    read_records(*source, tokenizer, builder, out, out.source);
    return builder.finish(known);
  }
  transaction_builder<false> builder(header, columns, options, known, bad_rows, progress, out, out.source);
  read_records(*source, tokenizer, builder, out, out.source);
  return builder.finish(known);
}

CRMKIT_FUNC customer_table ingest_customers(const csv_input& input, const customer_columns& columns,
                                            const csv_options& options, ingest_report* report,
                                            const csv_tuning& tuning) {
  constexpr const char* function = "read_customers_csv";
  validate_options(options, function);
  if (columns.id.empty())
    throw error(errc::invalid_argument, fmt::format("{}: the id column name must not be empty", function));
  if (columns.longitude.empty() != columns.latitude.empty())
    throw error(errc::invalid_argument,
                fmt::format("{}: name both the longitude and the latitude column, or neither", function));
  for (std::size_t a = 0; a < columns.attributes.size(); ++a) {
    if (columns.attributes[a].empty())
      throw error(errc::invalid_argument, fmt::format("{}: attribute column {} has an empty name", function, a));
    for (std::size_t b = 0; b < a; ++b)
      if (columns.attributes[a] == columns.attributes[b])
        throw error(errc::invalid_argument,
                    fmt::format("{}: attribute column '{}' is listed twice", function, columns.attributes[a]));
  }
  ingest_report local;
  ingest_report& out = report ? *report : local;
  out = ingest_report{};
  out.source = std::string(input.name);

  const auto source = open_source(input, tuning);
  csv_tokenizer tokenizer(options.delimiter, options.quote, 64);
  const std::vector<std::string> header = read_header(*source, tokenizer, out.source);
  read_progress progress(*source, tokenizer, out);
  progress.mark_data_start();
  bad_row_sink bad_rows(options.on_bad_row, out);
  customer_builder builder(header, columns, bad_rows, progress, out.source);
  read_records(*source, tokenizer, builder, out, out.source);
  customer_table result = builder.finish(columns);
  out.rows_loaded = result.size();
  return result;
}

}  // namespace detail

CRMKIT_FUNC dataset read_transactions_csv(const std::string& path, const transaction_columns& columns,
                                          const csv_options& options, ingest_report* report) {
  detail::csv_input input;
  input.from_file = true;
  input.path_or_text = path;
  input.name = path;
  return detail::ingest_transactions(input, nullptr, columns, options, report, detail::csv_tuning{});
}

CRMKIT_FUNC dataset read_transactions_csv(const std::string& path, const customer_table& customers,
                                          const transaction_columns& columns, const csv_options& options,
                                          ingest_report* report) {
  detail::csv_input input;
  input.from_file = true;
  input.path_or_text = path;
  input.name = path;
  return detail::ingest_transactions(input, &customers, columns, options, report, detail::csv_tuning{});
}

CRMKIT_FUNC dataset parse_transactions_csv(std::string_view text, const transaction_columns& columns,
                                           const csv_options& options, ingest_report* report,
                                           std::string_view source_name) {
  detail::csv_input input;
  input.path_or_text = text;
  input.name = source_name;
  return detail::ingest_transactions(input, nullptr, columns, options, report, detail::csv_tuning{});
}

CRMKIT_FUNC customer_table read_customers_csv(const std::string& path, const customer_columns& columns,
                                              const csv_options& options, ingest_report* report) {
  detail::csv_input input;
  input.from_file = true;
  input.path_or_text = path;
  input.name = path;
  return detail::ingest_customers(input, columns, options, report, detail::csv_tuning{});
}

CRMKIT_FUNC customer_table parse_customers_csv(std::string_view text, const customer_columns& columns,
                                               const csv_options& options, ingest_report* report,
                                               std::string_view source_name) {
  detail::csv_input input;
  input.path_or_text = text;
  input.name = source_name;
  return detail::ingest_customers(input, columns, options, report, detail::csv_tuning{});
}

CRMKIT_END_NAMESPACE
