// Helpers shared by the CSV tests.
#pragma once

#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/io/detail/csv_tuning.hpp"

namespace csv_test {

// Under AddressSanitizer each parse costs about five times as much, and the randomised
// property tests parse every text in about twenty ways; there they run fewer rounds (the
// libFuzzer targets cover random input at length in that build).
#if defined(__SANITIZE_ADDRESS__)
inline constexpr int rounds_divisor = 4;
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
inline constexpr int rounds_divisor = 4;
#  else
inline constexpr int rounds_divisor = 1;
#  endif
#else
inline constexpr int rounds_divisor = 1;
#endif

/// A file in the temp directory, removed when the object dies.
class temp_file {
 public:
  explicit temp_file(std::string_view contents) {
    static int counter = 0;  // tests run on one thread
    path_ = (std::filesystem::temp_directory_path() /
             fmt::format("crmkit_io_test_{}_{}.csv", static_cast<const void*>(&counter), ++counter))
                .string();
    std::ofstream out(path_, std::ios::binary);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  }
  ~temp_file() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

/// What a failed parse threw.
struct failure {
  bool thrown = false;
  crmkit::errc code = crmkit::errc::ok;
  std::string message;
};

inline failure capture(const std::function<void()>& f) {
  failure result;
  try {
    f();
  } catch (const crmkit::error& e) {
    result.thrown = true;
    result.code = e.code();
    result.message = e.what();
  }
  return result;
}

/// True when `message` contains every one of `parts`; prints the message otherwise.
inline bool mentions(const std::string& message, std::initializer_list<std::string_view> parts) {
  for (const auto part : parts)
    if (message.find(part) == std::string::npos) {
      MESSAGE("message '" << message << "' lacks '" << std::string(part) << "'");
      return false;
    }
  return true;
}

inline bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

/// Index of the first i in [0, n) where `same(i)` is false, or n when there is none. The
/// comparisons below find a difference with plain loops and then check that one element with
/// REQUIRE: one doctest assertion per element cost millions of assertions on the large files
/// (most of the CSV suite's time under the sanitizers), and the first difference fails the
/// same REQUIRE as before.
template <class Same>
std::size_t first_difference(std::size_t n, Same same) {
  std::size_t i = 0;
  while (i < n && same(i)) ++i;
  return i;
}

/// Exact equality of two datasets: every column, every level, every id, bit for bit.
inline void require_same(const crmkit::dataset& a, const crmkit::dataset& b) {
  REQUIRE(a.n_customers() == b.n_customers());
  REQUIRE(a.n_transactions() == b.n_transactions());
  const auto id = [](const crmkit::dataset& d, std::size_t i) { return d.customers().id(static_cast<std::int32_t>(i)); };
  const std::size_t customer = first_difference(a.n_customers(), [&](std::size_t i) { return id(a, i) == id(b, i); });
  if (customer < a.n_customers()) {
    CAPTURE(customer);
    REQUIRE(id(a, customer) == id(b, customer));
  }
  const auto& x = a.transactions();
  const auto& y = b.transactions();
  const std::size_t row = first_difference(x.size(), [&](std::size_t i) {
    return x.customer()[i] == y.customer()[i] && x.time()[i] == y.time()[i] && same_bits(x.amount()[i], y.amount()[i]);
  });
  if (row < x.size()) {
    CAPTURE(row);
    REQUIRE(x.customer()[row] == y.customer()[row]);
    REQUIRE(x.time()[row] == y.time()[row]);
    REQUIRE(same_bits(x.amount()[row], y.amount()[row]));
  }
  const auto same_categorical = [](const crmkit::categorical_column* p, const crmkit::categorical_column* q) {
    REQUIRE((p == nullptr) == (q == nullptr));
    if (!p) return;
    REQUIRE(p->levels->size() == q->levels->size());
    const auto level = [](const crmkit::categorical_column* c, std::size_t l) { return c->levels->at(static_cast<std::int32_t>(l)); };
    const std::size_t l = first_difference(p->levels->size(), [&](std::size_t k) { return level(p, k) == level(q, k); });
    if (l < p->levels->size()) {
      CAPTURE(l);
      REQUIRE(level(p, l) == level(q, l));
    }
    REQUIRE(p->codes.size() == q->codes.size());
    const std::size_t i = first_difference(p->codes.size(), [&](std::size_t k) { return p->codes[k] == q->codes[k]; });
    if (i < p->codes.size()) {
      CAPTURE(i);
      REQUIRE(p->codes[i] == q->codes[i]);
    }
  };
  same_categorical(x.product(), y.product());
  same_categorical(x.channel(), y.channel());
}

inline void require_same(const crmkit::ingest_report& a, const crmkit::ingest_report& b) {
  REQUIRE(a.rows_read == b.rows_read);
  REQUIRE(a.rows_loaded == b.rows_loaded);
  REQUIRE(a.skipped.size() == b.skipped.size());
  for (std::size_t i = 0; i < a.skipped.size(); ++i) REQUIRE(a.skipped[i].message(a.source) == b.skipped[i].message(b.source));
}

/// Reads the transactions of `text` streamed through blocks of `block` bytes on `n_threads`
/// threads (a parallel read whose rounds and piece cuts land where the block size puts them).
inline crmkit::dataset read_streamed(std::string_view text, const crmkit::transaction_columns& columns,
                                     crmkit::csv_options options, int n_threads, std::size_t block,
                                     crmkit::ingest_report* report = nullptr) {
  options.n_threads = n_threads;
  crmkit::detail::csv_input input;
  input.path_or_text = text;
  input.name = "<memory>";
  input.stream_text = true;
  crmkit::detail::csv_tuning tuning;
  tuning.block_size = block;
  return crmkit::detail::ingest_transactions(input, nullptr, columns, options, report, tuning);
}

/// Block sizes that put block boundaries everywhere: inside fields, quotes, CRLF pairs.
inline constexpr std::size_t tiny_blocks[] = {1, 2, 3, 5, 7, 13, 64, 100};

/// Parses `text` in place, then streamed through tiny blocks, then from a file; requires
/// identical results (or identical errors) every way, and returns the in-place result.
inline crmkit::dataset parse_every_way(std::string_view text, const crmkit::transaction_columns& columns = {},
                                       const crmkit::csv_options& options = {}, crmkit::ingest_report* report = nullptr,
                                       const crmkit::customer_table* known = nullptr) {
  crmkit::detail::csv_input input;
  input.path_or_text = text;
  input.name = "t.csv";
  crmkit::ingest_report first_report;
  crmkit::dataset first;
  const failure first_failure = capture([&] {
    first = crmkit::detail::ingest_transactions(input, known, columns, options, &first_report, {});
  });
  const auto check_with = [&](const crmkit::detail::csv_input& how, const crmkit::detail::csv_tuning& tuning,
                              const crmkit::csv_options& how_options) {
    crmkit::ingest_report again_report;
    crmkit::dataset again;
    const failure again_failure = capture([&] {
      again = crmkit::detail::ingest_transactions(how, known, columns, how_options, &again_report, tuning);
    });
    REQUIRE(again_failure.thrown == first_failure.thrown);
    if (first_failure.thrown) {
      REQUIRE(again_failure.message == first_failure.message);
      return;
    }
    require_same(first, again);
    require_same(first_report, again_report);
  };
  const auto check = [&](const crmkit::detail::csv_input& how, const crmkit::detail::csv_tuning& tuning) {
    check_with(how, tuning, options);
  };
  // Parallel reads (csv_options::n_threads): in place, and streamed through rounds of tiny
  // blocks, so that the cuts between the threads' pieces land everywhere.
  for (const int threads : {2, 3}) {
    crmkit::csv_options parallel = options;
    parallel.n_threads = threads;
    check_with(input, {}, parallel);
    for (const std::size_t block : tiny_blocks) {
      crmkit::detail::csv_input streamed = input;
      streamed.stream_text = true;
      crmkit::detail::csv_tuning tuning;
      tuning.block_size = block;
      check_with(streamed, tuning, parallel);
    }
  }
  for (const std::size_t block : tiny_blocks) {
    crmkit::detail::csv_input streamed = input;
    streamed.stream_text = true;
    crmkit::detail::csv_tuning tuning;
    tuning.block_size = block;
    check(streamed, tuning);
  }
  {
    const temp_file file(text);
    crmkit::detail::csv_input from_file;
    from_file.from_file = true;
    from_file.path_or_text = file.path();
    from_file.name = "t.csv";
    crmkit::detail::csv_tuning tuning;
    tuning.block_size = 16;
    check(from_file, tuning);
  }
  if (first_failure.thrown) throw crmkit::error(first_failure.code, first_failure.message);
  if (report) *report = first_report;
  return first;
}

}  // namespace csv_test
