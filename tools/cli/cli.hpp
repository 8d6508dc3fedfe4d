// The crmkit command line: shared pieces (exit codes, input options, loading, output).
// Not a public header: only the executable in tools/cli uses it.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "crmkit/core/customer_table.hpp"
#include "crmkit/core/dataset.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/scoring/score_config.hpp"

namespace crmkit_cli {

/// Exit codes (docs/cli.md).
enum exit_code : int {
  exit_ok = 0,
  exit_bad_arguments = 2,  ///< a flag, a value, a config or model file that makes no sense
  exit_bad_data = 3,       ///< the input data is invalid (crmkit::error other than io_error)
  exit_io = 4,             ///< a file or database could not be read or written
};

/// An error the command line reports with its own exit code.
class cli_error : public std::runtime_error {
 public:
  cli_error(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] int code() const noexcept { return code_; }

 private:
  int code_;
};

/// Options every command that reads order lines shares.
struct input_options {
  std::string path;                  ///< INPUT.csv (empty with --db)
  std::string db;                    ///< --db sqlite:PATH | postgresql://...
  std::string query;                 ///< --query "select ..."
  std::string pg_copy = "binary";    ///< --pg-copy binary|text (PostgreSQL reads and writes)
  crmkit::transaction_columns columns;  ///< incl. the order-line columns (order, quantity, unit_price)
  crmkit::line_filters filters;         ///< --exclude-order-prefix, --drop-*
  std::string delimiter = ",";
  std::string time_format = "iso8601";  ///< iso8601 | epoch | compact
  bool strict = false;               ///< fail on the first bad row instead of skipping it
  std::string customers;             ///< optional customers CSV with locations (id, lon, lat)
  std::string customer_lon = "lon", customer_lat = "lat";
};

/// Global flags.
struct global_options {
  bool quiet = false;
};

/// Progress and notes on stderr: notes unless --quiet; progress only when stderr is a terminal.
class messages {
 public:
  explicit messages(const global_options& g);
  void note(const std::string& text) const;
  void progress(const std::string& text) const;

 private:
  bool quiet_;
  bool tty_;
};

/// Reads the order lines (CSV file or database query) with the given options.
crmkit::dataset load_orders(const input_options& in, crmkit::ingest_report& report, const messages& msg);

/// What the line filters dropped, by filter, with the first lines of each:
/// "order id prefix 'C': 41 (lines 2, 9, 14, 20, 33, ...), quantity <= 0: 3 (lines 5, 6, 8)".
std::string filter_summary(const crmkit::ingest_report& report, const crmkit::line_filters& filters);

/// "--as-of": a date means the end of that day (23:59:59 UTC); a timestamp is used as is;
/// empty: the end of the data's last day, announced on stderr.
std::int64_t resolve_as_of(const std::string& text, const crmkit::dataset& data, const messages& msg);

/// Reads a score config file (TOML or JSON). Errors exit with code 2.
crmkit::score_config load_config(const std::string& path);

/// Whole file as a string; cli_error(exit_io) when it cannot be read.
std::string read_text_file(const std::string& path);
/// Writes a file; cli_error(exit_io) on failure.
void write_text_file(const std::string& path, const std::string& text);

/// The customer table as CSV (customer_id first) or JSON lines.
std::string table_to_csv(const crmkit::customer_table& table);
std::string table_to_jsonl(const crmkit::customer_table& table);

/// The URL with any password replaced by "***" (postgresql://user:secret@host -> user:***@host),
/// for messages and the report's source line.
std::string redact_url(const std::string& url);

/// CSV-quotes a field when needed.
std::string csv_field(std::string_view text);

// Commands (commands.cpp); each returns an exit code or throws.
struct score_args {
  input_options in;
  std::string as_of, config, out, to_db;
};
int run_score(const score_args& a, const global_options& g);

struct report_args {
  input_options in;
  std::string as_of, config, out_dir, title;
};
int run_report(const report_args& a, const global_options& g);

struct lifecycle_args {
  input_options in;
  std::string model, from, to, step = "monthly", out_dir;
};
int run_lifecycle(const lifecycle_args& a, const global_options& g);

struct geo_args {
  std::string customers, reps, out;
  std::vector<std::string> territories;
  std::string id_column = "id", lon_column = "lon", lat_column = "lat";
};
int run_geo(const geo_args& a, const global_options& g);

struct inspect_args {
  input_options in;
  std::size_t max_rows = 20;
};
int run_inspect(const inspect_args& a, const global_options& g);

struct offers_args {
  input_options in;
  std::string method = "als";  ///< als | knn | rules | popularity
  std::string value = "orders";  ///< orders | spend: the customer x product matrix cells
  std::string out, rules_out;
  std::size_t top = 10;
  bool include_bought = false;
  int factors = 32, max_iter = 15, neighbours = 20, threads = 1, max_len = 0;
  double alpha = 1.0, regularization = 0.01;  // the library's defaults
  std::uint64_t seed = 0;
  double min_support = 0.01, min_confidence = 0.1;
};
int run_offers(const offers_args& a, const global_options& g);  // offers.cpp

// crmkit plan ACTION (plan.cpp): due, routes, balance, hot-spots.
struct plan_args {
  std::string action, customers, reps, out, as_of, assignment;
  std::string cadence = "A=14,B=30,C=60";
  std::string value_column = "clv";
  std::int64_t max_stops = 10;
  double speed_kmh = 30.0;
  double tolerance = 0.10;
  std::int64_t max_moves = -1;
  double travel_factor = 1.0;
  std::string cells = "geohash";
  std::int64_t precision = 6;
  double cell_deg = 0.05;
  double alpha = 0.05;
  bool fdr = false;
  bool all_cells = false;
};
int run_plan(const plan_args& a, const global_options& g);

}  // namespace crmkit_cli
