// PostgreSQL binary COPY reader and writer (see pg_copy_binary.hpp).
#include "pg_copy_binary.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

namespace crmkit_cli::pg_copy {

namespace {

constexpr std::string_view signature("PGCOPY\n\377\r\n\0", 11);
constexpr std::size_t header_fixed = 11 + 4 + 4;  // signature, flags, extension length
// 2000-01-01T00:00:00Z, PostgreSQL's epoch, in Unix seconds and days.
constexpr std::int64_t pg_epoch_seconds = 946684800;
constexpr std::int64_t pg_epoch_days = 10957;
constexpr std::int64_t micros = 1000000;

std::uint16_t get16(const char* p) noexcept {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::uint16_t>((unsigned{u[0]} << 8) | unsigned{u[1]});
}
std::uint32_t get32(const char* p) noexcept {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t{u[0]} << 24) | (std::uint32_t{u[1]} << 16) | (std::uint32_t{u[2]} << 8) | std::uint32_t{u[3]};
}
std::uint64_t get64(const char* p) noexcept { return (std::uint64_t{get32(p)} << 32) | get32(p + 4); }

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// The expected length of a fixed-size type, 0 for variable ones.
std::size_t fixed_length(pg_type type) noexcept {
  switch (type) {
    case pg_type::int2: return 2;
    case pg_type::int4: case pg_type::float4: case pg_type::date: return 4;
    case pg_type::int8: case pg_type::float8: case pg_type::timestamp: case pg_type::timestamptz: return 8;
    case pg_type::text: case pg_type::numeric: return 0;
  }
  return 0;
}

}  // namespace

std::optional<pg_type> type_of_oid(std::uint32_t oid) noexcept {
  switch (oid) {
    case 19: case 25: case 1042: case 1043: return pg_type::text;  // name, text, bpchar, varchar
    case 20: return pg_type::int8;
    case 21: return pg_type::int2;
    case 23: return pg_type::int4;
    case 700: return pg_type::float4;
    case 701: return pg_type::float8;
    case 1700: return pg_type::numeric;
    case 1082: return pg_type::date;
    case 1114: return pg_type::timestamp;
    case 1184: return pg_type::timestamptz;
    default: return std::nullopt;
  }
}

std::uint32_t oid_of(pg_type type) noexcept {
  switch (type) {
    case pg_type::text: return 25;
    case pg_type::int2: return 21;
    case pg_type::int4: return 23;
    case pg_type::int8: return 20;
    case pg_type::float4: return 700;
    case pg_type::float8: return 701;
    case pg_type::numeric: return 1700;
    case pg_type::date: return 1082;
    case pg_type::timestamp: return 1114;
    case pg_type::timestamptz: return 1184;
  }
  return 0;
}

const char* type_name(pg_type type) noexcept {
  switch (type) {
    case pg_type::text: return "text";
    case pg_type::int2: return "smallint";
    case pg_type::int4: return "integer";
    case pg_type::int8: return "bigint";
    case pg_type::float4: return "real";
    case pg_type::float8: return "double precision";
    case pg_type::numeric: return "numeric";
    case pg_type::date: return "date";
    case pg_type::timestamp: return "timestamp without time zone";
    case pg_type::timestamptz: return "timestamp with time zone";
  }
  return "?";
}

// ---- reader -------------------------------------------------------------------------------

reader::reader(std::vector<pg_type> columns) : columns_(std::move(columns)), fields_(columns_.size()) {
  if (columns_.empty() || columns_.size() > 1600)  // PostgreSQL's own limit on columns
    throw std::invalid_argument("pg_copy::reader: between 1 and 1600 columns");
}

void reader::fail(std::size_t at, const std::string& what) const {
  throw copy_format_error(fmt::format("binary COPY data, byte {}: {}", at, what));
}

void reader::feed(std::string_view bytes, const row_callback& row) {
  if (failed_) throw copy_format_error("binary COPY data: the reader already failed");
  try {
    if (pending_.empty()) {
      const std::size_t used = parse(bytes, row);
      consumed_ += used;
      pending_.assign(bytes.substr(used));
    } else {
      pending_.append(bytes);
      const std::size_t used = parse(pending_, row);
      consumed_ += used;
      pending_.erase(0, used);
    }
  } catch (const copy_format_error&) {
    failed_ = true;
    throw;
  }
}

void reader::finish() const {
  if (failed_) throw copy_format_error("binary COPY data: the reader failed");
  if (!header_done_) fail(consumed_ + pending_.size(), "the stream ended inside its header");
  if (!trailer_seen_)
    fail(consumed_ + pending_.size(), fmt::format("the stream ended after {} rows without its trailer{}", rows_,
                                                  pending_.empty() ? "" : " (inside a row)"));
  if (!pending_.empty()) fail(consumed_, fmt::format("{} bytes follow the trailer", pending_.size()));
}

std::size_t reader::parse(std::string_view data, const row_callback& row) {
  std::size_t pos = 0;
  const std::size_t n = data.size();
  const char* d = data.data();
  if (!header_done_) {
    if (n < header_fixed) {
      // Check what is there already so that garbage fails at once.
      if (data.substr(0, signature.size()) != signature.substr(0, std::min(n, signature.size())))
        fail(consumed_, "not binary COPY data (no PGCOPY signature)");
      return 0;
    }
    if (data.substr(0, signature.size()) != signature) fail(consumed_, "not binary COPY data (no PGCOPY signature)");
    const std::uint32_t flags = get32(d + 11);
    if (flags & 0x0000FFFFu) fail(consumed_ + 11, fmt::format("unknown critical header flags {:#010x}", flags));
    if (flags & 0x00010000u) fail(consumed_ + 11, "the data has OIDs (not asked for)");
    const std::uint32_t extension = get32(d + 15);
    if (extension > 0x7FFFFFFFu) fail(consumed_ + 15, "negative header extension length");
    if (n - header_fixed < extension) return 0;  // wait for the rest of the extension
    pos = header_fixed + extension;
    header_done_ = true;
  }
  const std::size_t ncols = columns_.size();
  while (pos < n) {
    if (trailer_seen_) fail(consumed_ + pos, fmt::format("{} bytes follow the trailer", n - pos));
    if (n - pos < 2) return pos;
    const std::size_t row_start = pos;
    const auto count = static_cast<std::int16_t>(get16(d + pos));
    if (count == -1) {
      trailer_seen_ = true;
      pos += 2;
      continue;
    }
    if (count < 0 || static_cast<std::size_t>(count) != ncols)
      fail(consumed_ + pos, fmt::format("row {} has {} fields, the query {} columns", rows_ + 1, count, ncols));
    std::size_t p = pos + 2;
    bool complete = true;
    for (std::size_t j = 0; j < ncols; ++j) {
      if (n - p < 4) {
        complete = false;
        break;
      }
      const auto length = static_cast<std::int32_t>(get32(d + p));
      field& f = fields_[j];
      f = field{};
      const pg_type type = columns_[j];
      const std::size_t at = consumed_ + p;
      p += 4;
      if (length == -1) continue;  // NULL
      if (length < 0) fail(at, fmt::format("row {} column {}: field length {}", rows_ + 1, j + 1, length));
      const auto len = static_cast<std::size_t>(length);
      if (const std::size_t want = fixed_length(type); want != 0 && len != want)
        fail(at, fmt::format("row {} column {}: a field of {} bytes for type {} ({} bytes)", rows_ + 1, j + 1, len,
                             type_name(type), want));
      if (n - p < len) {
        complete = false;
        break;
      }
      const char* v = d + p;
      p += len;
      f.null = false;
      switch (type) {
        case pg_type::text: f.text = std::string_view(v, len); break;
        case pg_type::int2: f.integer = static_cast<std::int16_t>(get16(v)); break;
        case pg_type::int4: f.integer = static_cast<std::int32_t>(get32(v)); break;
        case pg_type::int8: f.integer = static_cast<std::int64_t>(get64(v)); break;
        case pg_type::float8: f.number = std::bit_cast<double>(get64(v)); break;
        case pg_type::float4: {
          const float x = std::bit_cast<float>(get32(v));
          if (!std::isfinite(x)) {
            f.number = static_cast<double>(x);
          } else {
            // PostgreSQL's text output of a real is its shortest round-trip decimal; the
            // text path parses that as a double. Do the same.
            char buffer[32];
            const auto printed = std::to_chars(buffer, buffer + sizeof buffer, x);
            std::from_chars(buffer, printed.ptr, f.number);
          }
          break;
        }
        case pg_type::date: {
          const auto days = static_cast<std::int32_t>(get32(v));
          if (days == std::numeric_limits<std::int32_t>::max() || days == std::numeric_limits<std::int32_t>::min()) {
            f.infinite = true;
            f.integer = days > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
          } else {
            f.integer = (std::int64_t{days} + pg_epoch_days) * 86400;
          }
          break;
        }
        case pg_type::timestamp:
        case pg_type::timestamptz: {
          const auto us = static_cast<std::int64_t>(get64(v));
          if (us == std::numeric_limits<std::int64_t>::max() || us == std::numeric_limits<std::int64_t>::min()) {
            f.infinite = true;
            f.integer = us;
          } else {
            f.integer = floor_div(us, micros) + pg_epoch_seconds;  // |us / 1e6| < 1e13: no overflow
          }
          break;
        }
        case pg_type::numeric: {
          if (len < 8) fail(at, fmt::format("row {} column {}: a numeric of {} bytes (its header is 8)", rows_ + 1, j + 1, len));
          const auto ndigits = static_cast<std::int16_t>(get16(v));
          const auto weight = static_cast<std::int16_t>(get16(v + 2));
          const std::uint16_t sign = get16(v + 4);
          const auto dscale = static_cast<std::int16_t>(get16(v + 6));
          if (ndigits < 0 || len != 8 + 2 * static_cast<std::size_t>(ndigits))
            fail(at, fmt::format("row {} column {}: a numeric of {} digits in {} bytes", rows_ + 1, j + 1, ndigits, len));
          if (dscale < 0) fail(at, fmt::format("row {} column {}: numeric display scale {}", rows_ + 1, j + 1, dscale));
          if (sign == 0xC000) {
            if (ndigits != 0) fail(at, fmt::format("row {} column {}: a numeric NaN with digits", rows_ + 1, j + 1));
            f.number = std::numeric_limits<double>::quiet_NaN();
            break;
          }
          if (sign == 0xD000 || sign == 0xF000) {
            if (ndigits != 0) fail(at, fmt::format("row {} column {}: a numeric infinity with digits", rows_ + 1, j + 1));
            f.number = sign == 0xD000 ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
            break;
          }
          if (sign != 0x0000 && sign != 0x4000)
            fail(at, fmt::format("row {} column {}: numeric sign {:#06x}", rows_ + 1, j + 1, sign));
          if (ndigits == 0) {
            f.number = sign == 0x4000 ? -0.0 : 0.0;
            break;
          }
          // value = sum digit[i] * 10000^(weight - i): the digits as one decimal integer
          // times 10^(4 * (weight - ndigits + 1)), parsed correctly rounded.
          std::string decimal;
          decimal.reserve(static_cast<std::size_t>(ndigits) * 4 + 16);
          if (sign == 0x4000) decimal += '-';
          for (std::int16_t i = 0; i < ndigits; ++i) {
            const std::uint16_t digit = get16(v + 8 + 2 * i);
            if (digit > 9999)
              fail(at, fmt::format("row {} column {}: numeric digit {} is not in [0, 9999]", rows_ + 1, j + 1, digit));
            char four[4] = {static_cast<char>('0' + digit / 1000), static_cast<char>('0' + digit / 100 % 10),
                            static_cast<char>('0' + digit / 10 % 10), static_cast<char>('0' + digit % 10)};
            decimal.append(four, 4);
          }
          decimal += fmt::format("e{}", 4 * (std::int32_t{weight} - std::int32_t{ndigits} + 1));
          double value = 0;
          const auto parsed = std::from_chars(decimal.data(), decimal.data() + decimal.size(), value);
          if (parsed.ec == std::errc::result_out_of_range) {
            // Beyond a double: +-infinity when huge, +-0 when tiny; the caller rejects
            // a non-finite amount.
            const bool huge = std::int32_t{weight} >= 0;
            value = huge ? std::numeric_limits<double>::infinity() : 0.0;
            if (sign == 0x4000) value = -value;
          } else if (parsed.ec != std::errc() || parsed.ptr != decimal.data() + decimal.size()) {
            fail(at, fmt::format("row {} column {}: numeric not convertible", rows_ + 1, j + 1));
          }
          f.number = value;
          break;
        }
      }
    }
    if (!complete) return row_start;  // the rest of this row comes with the next feed
    pos = p;
    ++rows_;
    row(std::span<const field>(fields_.data(), ncols));
  }
  return pos;
}

// ---- writer -------------------------------------------------------------------------------

namespace {

void put16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xFF);
}
void put32(std::string& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out += static_cast<char>((v >> s) & 0xFF);
}
void put64(std::string& out, std::uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) out += static_cast<char>((v >> s) & 0xFF);
}

}  // namespace

writer::writer(std::vector<pg_type> columns) : columns_(std::move(columns)) {
  if (columns_.empty() || columns_.size() > 1600) throw std::invalid_argument("pg_copy::writer: between 1 and 1600 columns");
  out_.append(signature);
  put32(out_, 0);  // flags
  put32(out_, 0);  // header extension length
}

void writer::begin_row() {
  if (in_row_) throw std::logic_error("pg_copy::writer: begin_row inside a row");
  in_row_ = true;
  column_ = 0;
  put16(out_, static_cast<std::uint16_t>(columns_.size()));
}

void writer::expect(pg_type type) {
  if (!in_row_ || column_ >= columns_.size()) throw std::logic_error("pg_copy::writer: a value outside a row");
  if (columns_[column_] != type)
    throw std::logic_error(fmt::format("pg_copy::writer: column {} is {}, not {}", column_ + 1,
                                       type_name(columns_[column_]), type_name(type)));
  ++column_;
}

void writer::null() {
  if (!in_row_ || column_ >= columns_.size()) throw std::logic_error("pg_copy::writer: a value outside a row");
  ++column_;
  put32(out_, 0xFFFFFFFFu);
}

void writer::text(std::string_view value) {
  expect(pg_type::text);
  if (value.size() > 0x3FFFFFFFu) throw std::length_error("pg_copy::writer: a text of more than 1 GB");
  put32(out_, static_cast<std::uint32_t>(value.size()));
  out_.append(value);
}

void writer::int8(std::int64_t value) {
  expect(pg_type::int8);
  put32(out_, 8);
  put64(out_, static_cast<std::uint64_t>(value));
}

void writer::float8(double value) {
  expect(pg_type::float8);
  put32(out_, 8);
  put64(out_, std::bit_cast<std::uint64_t>(value));
}

void writer::timestamptz(std::int64_t seconds) {
  expect(pg_type::timestamptz);
  // Microseconds since 2000-01-01; PostgreSQL's own range ends in 294276 AD.
  constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max() / micros - pg_epoch_seconds;
  if (seconds > limit || seconds < -limit) throw std::range_error(fmt::format("timestamp {} s is out of range", seconds));
  put32(out_, 8);
  put64(out_, static_cast<std::uint64_t>((seconds - pg_epoch_seconds) * micros));
}

void writer::end_row() {
  if (!in_row_ || column_ != columns_.size())
    throw std::logic_error(fmt::format("pg_copy::writer: a row of {} values, {} columns", column_, columns_.size()));
  in_row_ = false;
}

void writer::finish() {
  if (in_row_) throw std::logic_error("pg_copy::writer: finish inside a row");
  put16(out_, 0xFFFFu);
}

std::string writer::take() {
  std::string out;
  out.swap(out_);
  return out;
}

}  // namespace crmkit_cli::pg_copy
