// Definitions for crmkit/state/state_csv.hpp. Included by that header in header-only mode
// and by src/state/state_csv.cpp otherwise.
// IWYU pragma: private, include "crmkit/state/state_csv.hpp"
#pragma once

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string_view>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/state/state_csv.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

struct state_file_closer {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

// One past the last line break outside quotes in text[from, end), carrying the quote
// state `in_quote` from `from` on; npos when there is none.
inline std::size_t state_last_record_end(std::string_view text, std::size_t from, char quote, bool& in_quote) {
  std::size_t end = std::string_view::npos;
  for (std::size_t i = from; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == quote) in_quote = !in_quote;
    else if (ch == '\n' && !in_quote) end = i + 1;
  }
  return end;
}

}  // namespace detail

CRMKIT_FUNC void add_transactions_csv(customer_state& state, const std::string& path,
                                      const transaction_columns& columns, const csv_options& options,
                                      ingest_report* report, std::size_t block_bytes) {
  constexpr const char* function = "add_transactions_csv";
  if (!columns.order.empty())
    throw error(errc::unsupported,
                fmt::format("{}: an order column ('{}') is not supported in blocks (an order's lines could fall in two "
                            "blocks); roll orders up first or use read_transactions_csv",
                            function, columns.order));
  if (block_bytes < 1024)
    throw error(errc::invalid_argument, fmt::format("{}: block_bytes is {}, it must be at least 1024", function,
                                                    block_bytes));
  ingest_report local;
  ingest_report& out = report ? *report : local;
  out = ingest_report{};
  out.source = path;
  std::unique_ptr<std::FILE, detail::state_file_closer> file(std::fopen(path.c_str(), "rb"));
  if (!file) throw error(errc::io_error, fmt::format("{}: cannot open '{}' for reading", function, path));

  csv_options block_options = options;
  block_options.on_bad_row = bad_row_policy::skip;  // collected, then thrown with the file's line
  std::string header;            // the header record with its line break
  std::int64_t header_lines = 0;
  std::int64_t next_line = 1;    // file line of the first line in `buffer`
  std::string buffer;            // unparsed text: whole records are cut from its front
  std::string text;              // header + one block, handed to the parser
  bool eof = false, parsed_any = false;

  auto parse_block = [&](std::string_view block) {
    text.assign(header);
    text.append(block);
    ingest_report part;
    dataset data;
    try {
      data = parse_transactions_csv(text, columns, block_options, &part, path);
    } catch (const error& e) {
      if (!parsed_any) throw;  // header problems: the header is the file's first line too
      throw error(e.code(), fmt::format("{} (in the block from line {})", e.what(), next_line));
    }
    parsed_any = true;
    const std::int64_t shift = next_line - header_lines - 1;
    for (bad_row& row : part.skipped) row.line += shift;
    if (options.on_bad_row == bad_row_policy::fail && !part.skipped.empty())
      throw error(errc::parse_error, part.skipped.front().message(path));
    out.rows_read += part.rows_read;
    out.rows_loaded += part.rows_loaded;
    for (bad_row& row : part.skipped) out.skipped.push_back(std::move(row));
    for (std::size_t f = 0; f < n_line_filters; ++f) {
      out.filtered[f].lines += part.filtered[f].lines;
      for (const std::int64_t line : part.filtered[f].first_lines)
        if (out.filtered[f].first_lines.size() < filter_count::max_listed)
          out.filtered[f].first_lines.push_back(line + shift);
    }
    state.add(data.transactions(), data.customers().ids());
    next_line += static_cast<std::int64_t>(std::count(block.begin(), block.end(), '\n'));
  };

  std::size_t scanned = 0;  // buffer[0, scanned) holds no record end outside quotes
  bool in_quote = false;
  while (!eof) {
    const std::size_t old = buffer.size();
    buffer.resize(old + block_bytes);
    const std::size_t got = std::fread(buffer.data() + old, 1, block_bytes, file.get());
    buffer.resize(old + got);
    if (got < block_bytes) {
      if (std::ferror(file.get())) throw error(errc::io_error, fmt::format("{}: error reading '{}'", function, path));
      eof = true;
    }
    const std::size_t end = detail::state_last_record_end(buffer, scanned, options.quote, in_quote);
    if (end == std::string::npos && !eof) {  // one record longer than the buffer: read more
      scanned = buffer.size();
      continue;
    }
    std::size_t cut = eof ? buffer.size() : end;
    std::size_t start = 0;
    if (header.empty()) {
      // The header is the first record; the quote state restarts at the cut.
      bool q = false;
      std::size_t h = std::string::npos;
      for (std::size_t i = 0; i < buffer.size(); ++i) {
        if (buffer[i] == options.quote) q = !q;
        else if (buffer[i] == '\n' && !q) {
          h = i + 1;
          break;
        }
      }
      if (h == std::string::npos) h = buffer.size();
      header.assign(buffer, 0, h);
      header_lines = static_cast<std::int64_t>(std::count(header.begin(), header.end(), '\n'));
      next_line = header_lines + 1;
      start = h;
      if (cut < start) cut = start;
    }
    if (cut > start || !parsed_any) parse_block(std::string_view(buffer).substr(start, cut - start));
    buffer.erase(0, cut);
    // The rest starts a record: scan it afresh with the quote state outside quotes.
    in_quote = false;
    scanned = 0;
  }
}

CRMKIT_END_NAMESPACE
