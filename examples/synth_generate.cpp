// Generates a synthetic CRM dataset and writes it as two CSV files.
//
//   example_synth_generate --customers N --transactions M --seed S --out-dir DIR
//                          [--date-times] [--threads T]
//
// writes DIR/transactions.csv (customer_id,timestamp,amount,product,channel; sorted by
// time) and DIR/customers.csv (customer_id,longitude,latitude and the latent truth), then
// prints a one-line summary. The same arguments always produce the same files.
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/synth.hpp"

namespace {

constexpr const char* usage =
    "usage: example_synth_generate --customers N --transactions M --seed S --out-dir DIR [--date-times] "
    "[--threads T]\n";

int fail(const std::string& message) {
  fmt::print(stderr, "example_synth_generate: {}\n{}", message, usage);
  return 2;
}

// A whole decimal number in [min, max], or false.
bool parse_count(std::string_view text, std::uint64_t min, std::uint64_t max, std::uint64_t& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty() && out >= min && out <= max;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  crmkit::synth_options options;
  std::string out_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      fmt::print("{}", usage);
      return 0;
    }
    if (arg == "--date-times") {
      options.with_time_of_day = true;
      continue;
    }
    if (arg != "--customers" && arg != "--transactions" && arg != "--seed" && arg != "--out-dir" && arg != "--threads")
      return fail(fmt::format("unknown argument '{}'", arg));
    if (i + 1 >= argc) return fail(fmt::format("{} needs a value", arg));
    const std::string_view value = argv[++i];
    std::uint64_t number = 0;
    if (arg == "--out-dir") {
      if (value.empty()) return fail("--out-dir needs a non-empty directory");
      out_dir = value;
    } else if (arg == "--customers") {
      if (!parse_count(value, 1, 2147483647, number))
        return fail(fmt::format("--customers '{}' is not a whole number in [1, 2147483647]", value));
      options.n_customers = static_cast<std::size_t>(number);
    } else if (arg == "--transactions") {
      if (!parse_count(value, 0, 4294967295, number))
        return fail(fmt::format("--transactions '{}' is not a whole number in [0, 4294967295]", value));
      options.n_transactions = static_cast<std::size_t>(number);
    } else if (arg == "--seed") {
      if (!parse_count(value, 0, UINT64_MAX, number))
        return fail(fmt::format("--seed '{}' is not a whole number in [0, 2^64 - 1]", value));
      options.seed = number;
    } else {
      if (!parse_count(value, 1, 1024, number))
        return fail(fmt::format("--threads '{}' is not a whole number in [1, 1024]", value));
      options.n_threads = static_cast<std::size_t>(number);
    }
  }
  if (out_dir.empty()) return fail("--out-dir is required");

  try {
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) {
      fmt::print(stderr, "example_synth_generate: cannot create '{}': {}\n", out_dir, ec.message());
      return 1;
    }
    const auto transactions_path = (std::filesystem::path(out_dir) / "transactions.csv").string();
    const auto customers_path = (std::filesystem::path(out_dir) / "customers.csv").string();

    const auto start = std::chrono::steady_clock::now();
    const crmkit::dataset data = crmkit::generate_transactions(options);
    const double generate_seconds = seconds_since(start);
    const auto write_start = std::chrono::steady_clock::now();
    crmkit::write_transactions_csv(data, transactions_path, options.with_time_of_day);
    crmkit::write_customers_csv(data, customers_path);
    const double write_seconds = seconds_since(write_start);

    fmt::print("wrote {} transactions of {} customers (seed {}) to {} and {}: generated in {:.2f} s, written in {:.2f} s\n",
               data.n_transactions(), data.n_customers(), options.seed, transactions_path, customers_path,
               generate_seconds, write_seconds);
    return 0;
  } catch (const crmkit::error& e) {
    fmt::print(stderr, "example_synth_generate: {}\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "example_synth_generate: {}\n", e.what());
    return 1;
  }
}
