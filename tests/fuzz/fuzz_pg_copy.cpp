// libFuzzer target: the command line's reader of PostgreSQL binary COPY data
// (tools/cli/pg_copy_binary.hpp), which must never trust the server. Byte 0 gives the
// number of columns (1 to 8), the next bytes their types, the next the size of the pieces
// the stream is fed in (libpq hands one message per row; here any cut); the rest is the
// stream. The stream is read whole and in pieces: both must agree (the same rows, or both
// a copy_format_error). Anything else (a crash, a sanitizer report, another exception)
// is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "../../tools/cli/pg_copy_binary.hpp"
#include "fuzz_util.hpp"

namespace {

using crmkit_cli::pg_copy::copy_format_error;
using crmkit_cli::pg_copy::field;
using crmkit_cli::pg_copy::pg_type;
using crmkit_cli::pg_copy::reader;

// A digest of what was read, to compare the two readings.
struct outcome {
  bool ok = false;
  std::size_t rows = 0;
  std::string values;
};

outcome read(const std::vector<pg_type>& types, std::string_view stream, std::size_t piece) {
  outcome out;
  reader r(types);
  const auto on_row = [&](std::span<const field> row) {
    if (row.size() != types.size()) std::abort();
    for (const field& f : row) {
      out.values += f.null ? 'N' : 'V';
      out.values.append(f.text);
      out.values.append(reinterpret_cast<const char*>(&f.integer), sizeof f.integer);
      if (f.number == f.number) out.values.append(reinterpret_cast<const char*>(&f.number), sizeof f.number);
    }
  };
  try {
    for (std::size_t at = 0; at < stream.size(); at += piece) r.feed(stream.substr(at, piece), on_row);
    if (stream.empty()) r.feed(stream, on_row);
    r.finish();
    out.ok = true;
  } catch (const copy_format_error&) {
    out.ok = false;
  }
  out.rows = r.rows();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crmkit_fuzz::bytes in(data, size);
  const std::size_t ncols = 1 + in.byte() % 8;
  std::vector<pg_type> types;
  for (std::size_t j = 0; j < ncols; ++j) types.push_back(static_cast<pg_type>(in.byte() % 10));
  const std::size_t piece = 1 + in.byte() % 64;
  const std::string_view stream = in.rest();
  const outcome whole = read(types, stream, stream.size() ? stream.size() : 1);
  const outcome pieces = read(types, stream, piece);
  if (whole.ok != pieces.ok) std::abort();
  if (whole.ok && (whole.rows != pieces.rows || whole.values != pieces.values)) std::abort();
  return 0;
}
