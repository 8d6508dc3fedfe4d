// The CSV reader's tokenizer: splits a block of bytes into RFC 4180 records and fields.
// IWYU pragma: private, include "crmkit/io/csv.hpp"
#pragma once

#ifndef CRMKIT_IO_CSV_HPP
#  error "crmkit/io/detail/csv_tokenizer.hpp is internal: include <crmkit/io/csv.hpp> instead"
#endif

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__) || defined(_M_X64)
#  include <emmintrin.h>
#  define CRMKIT_CSV_SSE2 1
#endif

#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

/// Finds the bytes that matter to CSV structure (delimiter, quote, LF), and NUL bytes
/// (which make a record malformed), 64 at a time, and notes whether a chunk holds any
/// byte above 0x7F (so that a record of ASCII chunks needs no UTF-8 check).
///
/// A 64-byte chunk becomes one 64-bit mask with a bit per structural byte; walking a
/// record is then count-trailing-zeros and clear-lowest-bit per field, with no per-byte
/// branch. The masks are computed lazily, so nothing is scanned twice. Never reads
/// outside [base, base + size).
class structural_scanner {
 public:
  void reset(const char* base, std::size_t size, char delimiter, char quote) noexcept {
    base_ = base;
    size_ = size;
    delimiter_ = delimiter;
    quote_ = quote;
    seek(0);
  }

  /// Continues the scan at offset `pos` (after a record the general path consumed).
  void seek(std::size_t pos) noexcept {
    chunk_ = pos & ~std::size_t{63};
    mask_ = chunk_ < size_ ? chunk_mask(chunk_) & (~std::uint64_t{0} << (pos - chunk_)) : 0;
  }
  /// Starts the ASCII note of a record that begins at or after the current chunk.
  void start_record() noexcept { ascii_ = chunk_ascii_; }
  /// True when every chunk scanned since start_record is ASCII: then so is every
  /// byte from there to the last offset next() returned (a conservative answer: a chunk
  /// is ASCII or not as a whole).
  [[nodiscard]] bool ascii() const noexcept { return ascii_; }

  /// The offset of the next structural byte, or size() when there is none.
  [[nodiscard]] std::size_t next() noexcept {
    while (mask_ == 0) {
      chunk_ += 64;
      if (chunk_ >= size_) {
        chunk_ = size_ & ~std::size_t{63};  // stay put: later calls keep returning size_
        return size_;
      }
      mask_ = chunk_mask(chunk_);
      ascii_ = ascii_ && chunk_ascii_;
    }
    const std::size_t offset = chunk_ + static_cast<std::size_t>(std::countr_zero(mask_));
    mask_ &= mask_ - 1;
    return offset;
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  // The structural mask of a chunk; sets chunk_ascii_ for it.
  [[nodiscard]] std::uint64_t chunk_mask(std::size_t chunk) noexcept {
    const char* p = base_ + chunk;
    if (chunk + 64 > size_) return tail_mask(p, size_ - chunk);
#ifdef CRMKIT_CSV_SSE2
    const __m128i delimiter = _mm_set1_epi8(delimiter_);
    const __m128i quote = _mm_set1_epi8(quote_);
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i nul = _mm_setzero_si128();
    std::uint64_t mask = 0;
    __m128i any = _mm_setzero_si128();
    for (int k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      any = _mm_or_si128(any, v);
      const __m128i hit =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, delimiter), _mm_cmpeq_epi8(v, quote)),
                       _mm_or_si128(_mm_cmpeq_epi8(v, newline), _mm_cmpeq_epi8(v, nul)));
      mask |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(hit))) << (16 * k);
    }
    chunk_ascii_ = _mm_movemask_epi8(any) == 0;  // no byte with its high bit set
    return mask;
#else
    return tail_mask(p, 64);
#endif
  }

  [[nodiscard]] std::uint64_t tail_mask(const char* p, std::size_t n) noexcept {
    std::uint64_t mask = 0;
    unsigned any = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = p[i];
      any |= static_cast<unsigned char>(c);
      if (c == delimiter_ || c == quote_ || c == '\n' || c == '\0') mask |= std::uint64_t{1} << i;
    }
    chunk_ascii_ = any < 0x80;
    return mask;
  }

  const char* base_ = nullptr;
  std::size_t size_ = 0;
  std::size_t chunk_ = 0;
  std::uint64_t mask_ = 0;
  bool chunk_ascii_ = true;  // the current chunk has no byte above 0x7F
  bool ascii_ = true;        // nor has any chunk since start_record
  char delimiter_ = ',';
  char quote_ = '"';
};

/// One record as the tokenizer found it.
struct csv_record {
  std::int64_t line = 0;       ///< 1-based physical line on which the record starts
  std::size_t begin = 0;       ///< byte offset of the record in the current block
  std::size_t end = 0;         ///< offset just past its line break (or the end of input)
  std::size_t n_fields = 0;    ///< number of fields found (may exceed fields.size())
  bool general = false;        ///< parsed by the RFC 4180 path: fields point into scratch
                               ///< storage that the next general record overwrites
  bool ascii = false;          ///< every byte of the record is ASCII, so every field is
                               ///< UTF-8 (false: not known; check the fields)
  const char* problem = nullptr;  ///< set when the record is malformed (see problem_field)
  std::size_t problem_field = 0;  ///< index of the field the problem is in
  /// The first min(n_fields, capacity) fields, unquoted; valid until the next call.
  std::vector<std::string_view> fields;

  /// The record's text without its line break, for messages.
  [[nodiscard]] std::string_view text(const char* block) const noexcept {
    std::size_t stop = end;
    if (stop > begin && block[stop - 1] == '\n') --stop;
    if (stop > begin && block[stop - 1] == '\r') --stop;
    return {block + begin, stop - begin};
  }
};

/// The problem of a record with a NUL byte in a field.
inline constexpr const char* nul_problem = "NUL byte in a field";

/// What `csv_tokenizer::next` found.
enum class record_status : int {
  complete,    ///< a record (possibly flagged malformed through csv_record::problem)
  incomplete,  ///< the block ends inside a record: supply more bytes and call again
  end,         ///< no more records (final block exhausted)
};

/// Splits blocks into records. Unquoted records, the common case, take a fast path on
/// the structural masks; a record in which some field starts with a quote is re-read
/// by a byte-at-a-time RFC 4180 state machine. Blank lines are skipped (but counted).
///
/// Quoting rules: a field that starts with the quote character is quoted; inside it a
/// doubled quote is one quote, and delimiters and line breaks are data. A quote anywhere
/// else in a field is an ordinary character (as Python's csv module and pandas read it).
/// Text between a closing quote and the next delimiter is a malformed record.
class csv_tokenizer {
 public:
  /// `capacity`: how many fields per record to keep (the header's width); more are
  /// counted but not stored.
  csv_tokenizer(char delimiter, char quote, std::size_t capacity) : delimiter_(delimiter), quote_(quote), capacity_(capacity) {}

  void set_capacity(std::size_t capacity) { capacity_ = capacity; }

  /// Starts on a new block; `final` when no bytes follow it. Offsets restart at 0.
  void set_block(const char* data, std::size_t size, bool final) noexcept {
    data_ = data;
    size_ = size;
    final_ = final;
    pos_ = 0;
    scanner_.reset(data, size, delimiter_, quote_);
  }

  /// Skips `n` bytes at the current position (a byte order mark).
  void skip(std::size_t n) noexcept {
    pos_ += n;
    scanner_.seek(pos_);
  }

  /// Goes back to offset `pos` of the current block, which starts on line `line`.
  void rewind(std::size_t pos, std::int64_t line) noexcept {
    pos_ = pos;
    line_ = line;
    scanner_.seek(pos);
  }

  /// Offset of the first byte not yet consumed.
  [[nodiscard]] std::size_t position() const noexcept { return pos_; }
  /// The line on which the next record starts.
  [[nodiscard]] std::int64_t line() const noexcept { return line_; }

  /// Reads the next record into `record`.
  record_status next(csv_record& record) {
    if (record.fields.size() != capacity_) record.fields.resize(capacity_);
    for (;;) {
      if (pos_ >= size_) return final_ ? record_status::end : record_status::incomplete;
      const std::size_t start = pos_;
      scanner_.start_record();
      std::size_t field_start = start;
      std::size_t n = 0;
      std::size_t stop;  // end of the last field
      std::size_t after;  // first byte of the next record
      std::size_t nul_field = npos;  // the field of the first NUL byte, if any
      for (;;) {
        const std::size_t s = scanner_.next();
        if (s == size_) {
          if (!final_) {
            scanner_.seek(start);  // rescan this record when the block has been extended
            return record_status::incomplete;
          }
          stop = after = size_;
          break;
        }
        const char c = data_[s];
        if (c == delimiter_) {
          if (n < capacity_) record.fields[n] = {data_ + field_start, s - field_start};
          ++n;
          field_start = s + 1;
        } else if (c == '\n') {
          stop = s;
          after = s + 1;
          break;
        } else if (c == quote_) {
          if (s == field_start) return general(record, start);  // a quote opening a field
          // else: a quote inside an unquoted field is an ordinary character.
        } else if (nul_field == npos) {  // a NUL byte
          nul_field = n;
        }
      }
      if (stop > field_start && data_[stop - 1] == '\r') --stop;
      pos_ = after;
      if (n == 0 && stop == field_start) {  // a blank line
        ++line_;
        continue;
      }
      if (n < capacity_) record.fields[n] = {data_ + field_start, stop - field_start};
      record.n_fields = n + 1;
      record.line = line_++;
      record.begin = start;
      record.end = after;
      record.general = false;
      record.ascii = scanner_.ascii();
      record.problem = nul_field == npos ? nullptr : nul_problem;
      record.problem_field = nul_field == npos ? 0 : nul_field;
      return record_status::complete;
    }
  }

 private:
  // The RFC 4180 state machine, for records in which a field starts with a quote. Field
  // text is copied to scratch_ (unescaping doubled quotes); views are taken at the end
  // because appending may move the storage.
  record_status general(csv_record& record, std::size_t start) {
    scratch_.clear();
    bounds_.clear();
    const char* problem = nullptr;
    std::size_t problem_field = 0;
    std::int64_t newlines = 0;
    std::size_t p = start;
    std::size_t after = 0;
    for (;;) {  // one iteration per field
      const std::size_t field_begin = scratch_.size();
      bool record_done = false;
      if (p < size_ && data_[p] == quote_) {
        ++p;
        for (;;) {  // inside quotes
          const void* hit = p < size_ ? std::memchr(data_ + p, quote_, size_ - p) : nullptr;
          const std::size_t q = hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - data_) : size_;
          newlines += count_newlines(p, q);
          scratch_.append(data_ + p, q - p);
          p = q;
          if (q == size_) {
            if (!final_) return incomplete(start);
            if (problem == nullptr) {
              problem = "unterminated quote";
              problem_field = bounds_.size();
            }
            record_done = true;
            after = size_;
            break;
          }
          if (q + 1 == size_ && !final_) return incomplete(start);  // doubled or closing?
          if (q + 1 < size_ && data_[q + 1] == quote_) {
            scratch_.push_back(quote_);
            p = q + 2;
            continue;
          }
          p = q + 1;  // the closing quote
          break;
        }
        if (!record_done && p < size_ && data_[p] != delimiter_ && data_[p] != '\n' &&
            !(data_[p] == '\r' && (p + 1 == size_ || data_[p + 1] == '\n'))) {
          if (problem == nullptr) {
            problem = "text after a closing quote";
            problem_field = bounds_.size();
          }
        }
        if (!record_done && p + 1 == size_ && data_[p] == '\r' && !final_) return incomplete(start);
      }
      if (!record_done) {
        // Unquoted text (or what follows a closing quote): up to a delimiter or LF.
        std::size_t q = p;
        while (q < size_ && data_[q] != delimiter_ && data_[q] != '\n') ++q;
        if (q == size_ && !final_) return incomplete(start);
        std::size_t text_end = q;
        if (q == size_ || data_[q] == '\n')
          if (text_end > p && data_[text_end - 1] == '\r') --text_end;
        scratch_.append(data_ + p, text_end - p);
        if (q < size_ && data_[q] == delimiter_) {
          bounds_.push_back({field_begin, scratch_.size()});
          p = q + 1;
          continue;
        }
        after = q < size_ ? q + 1 : size_;
      }
      bounds_.push_back({field_begin, scratch_.size()});
      break;
    }
    const std::size_t n = bounds_.size();
    if (problem == nullptr && std::memchr(scratch_.data(), 0, scratch_.size()) != nullptr) {
      const auto at = static_cast<std::size_t>(static_cast<const char*>(std::memchr(scratch_.data(), 0, scratch_.size())) -
                                               scratch_.data());
      problem = nul_problem;
      while (problem_field + 1 < n && bounds_[problem_field].second <= at) ++problem_field;
    }
    for (std::size_t i = 0; i < n && i < capacity_; ++i)
      record.fields[i] = {scratch_.data() + bounds_[i].first, bounds_[i].second - bounds_[i].first};
    record.n_fields = n;
    record.line = line_;
    record.begin = start;
    record.end = after;
    record.general = true;
    record.ascii = false;
    record.problem = problem;
    record.problem_field = problem_field;
    line_ += 1 + newlines;
    pos_ = after;
    scanner_.seek(after);
    return record_status::complete;
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  record_status incomplete(std::size_t start) noexcept {
    scanner_.seek(start);
    return record_status::incomplete;
  }

  [[nodiscard]] std::int64_t count_newlines(std::size_t from, std::size_t to) const noexcept {
    std::int64_t count = 0;
    for (std::size_t i = from; i < to; ++i) count += data_[i] == '\n';
    return count;
  }

  char delimiter_;
  char quote_;
  std::size_t capacity_;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  bool final_ = true;
  std::size_t pos_ = 0;
  std::int64_t line_ = 1;
  structural_scanner scanner_;
  std::string scratch_;
  std::vector<std::pair<std::size_t, std::size_t>> bounds_;
};

}  // namespace detail

CRMKIT_END_NAMESPACE
