// PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html,
// "Binary Format") for the crmkit command line: a reader that decodes the rows of
// `COPY (query) TO STDOUT (FORMAT binary)` and a writer for `COPY table FROM STDIN
// (FORMAT binary)`. No libpq here: the bytes come from and go to the caller, so the
// reader can be fuzzed alone (tests/fuzz/fuzz_pg_copy.cpp).
//
// The reader trusts nothing it is sent: the signature, the flags, the header extension,
// every tuple's field count, every field's length (against the bytes that are there and
// against the length its type has) and every numeric's digits are checked, and any
// violation is a copy_format_error naming the byte offset, the row and the column. It
// never reads past the bytes it was given and never allocates more than the input's size
// (plus the text of one numeric).
//
// Not a public header: only the executable in tools/cli (and its fuzz target) use it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace crmkit_cli::pg_copy {

/// The column types the binary reader and writer handle (others: text COPY).
enum class pg_type : std::uint8_t {
  text,         ///< text, varchar, bpchar, name: the bytes as sent
  int2,         ///< smallint
  int4,         ///< integer
  int8,         ///< bigint
  float4,       ///< real
  float8,       ///< double precision
  numeric,      ///< numeric / decimal
  date,         ///< date
  timestamp,    ///< timestamp without time zone (read as UTC)
  timestamptz,  ///< timestamp with time zone
};

/// The type of a PostgreSQL type OID (pg_type.oid), or nothing for one not handled.
std::optional<pg_type> type_of_oid(std::uint32_t oid) noexcept;
/// The OID of a handled type (text for pg_type::text).
std::uint32_t oid_of(pg_type type) noexcept;
/// "integer", "timestamp with time zone", ...
const char* type_name(pg_type type) noexcept;

/// One decoded field. Which member holds the value depends on the column's type:
/// - text: `text` (a view into the reader's buffer, valid during the row callback);
/// - int2, int4, int8: `integer`;
/// - float4, float8, numeric: `number` (float4 through its shortest decimal text, as
///   PostgreSQL's text output writes it; numeric correctly rounded from its decimal
///   digits; NaN and infinities as such);
/// - date, timestamp, timestamptz: `integer`, Unix seconds (dates at midnight UTC; the
///   microseconds floored to the second, as the ISO 8601 reader truncates a fraction);
///   `infinite` is set for PostgreSQL's +-infinity (then `integer` is INT64_MAX/MIN).
struct field {
  bool null = true;
  bool infinite = false;
  std::string_view text;
  std::int64_t integer = 0;
  double number = 0;
};

/// A stream that is not well-formed binary COPY data of the expected columns.
class copy_format_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Decodes a binary COPY stream fed in pieces of any size (libpq hands over one message
/// per row; the fuzz target cuts anywhere).
///
///   reader r({pg_type::text, pg_type::timestamptz, pg_type::numeric});
///   r.feed(bytes, [&](std::span<const field> row) { ... });  // as often as needed
///   r.finish();  // the trailer was seen and nothing follows it
class reader {
 public:
  using row_callback = std::function<void(std::span<const field>)>;

  explicit reader(std::vector<pg_type> columns);

  /// Decodes every complete row in the bytes given so far and calls `row` for each.
  /// @throws copy_format_error for malformed data (the reader is unusable afterwards);
  ///         whatever `row` throws passes through.
  void feed(std::string_view bytes, const row_callback& row);

  /// @throws copy_format_error when the stream ended before its trailer, or bytes follow it.
  void finish() const;

  /// Rows decoded so far.
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }

 private:
  std::size_t parse(std::string_view data, const row_callback& row);  // bytes consumed
  [[noreturn]] void fail(std::size_t at, const std::string& what) const;

  std::vector<pg_type> columns_;
  std::vector<field> fields_;
  std::string pending_;          // an incomplete header or row carried to the next feed
  std::size_t consumed_ = 0;     // stream offset of pending_[0]
  std::size_t rows_ = 0;
  bool header_done_ = false;
  bool trailer_seen_ = false;
  bool failed_ = false;
};

/// Builds a binary COPY stream: header, rows, trailer. Values are appended in column
/// order; a row must have exactly the columns' count (checked when it ends).
class writer {
 public:
  explicit writer(std::vector<pg_type> columns);
  void begin_row();
  void null();
  void text(std::string_view value);       ///< text column
  void int8(std::int64_t value);           ///< int8 column
  void float8(double value);               ///< float8 column (NaN and infinities are written as such)
  void timestamptz(std::int64_t seconds);  ///< timestamptz column, Unix seconds; throws std::range_error when out of range
  void end_row();
  /// The trailer; the stream is complete.
  void finish();
  /// The bytes so far; take() hands them over and empties the buffer (for sending in chunks).
  [[nodiscard]] std::size_t size() const noexcept { return out_.size(); }
  std::string take();

 private:
  void expect(pg_type type);
  std::vector<pg_type> columns_;
  std::string out_;
  std::size_t column_ = 0;
  bool in_row_ = false;
};

}  // namespace crmkit_cli::pg_copy
