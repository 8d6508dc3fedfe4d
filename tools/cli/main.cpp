// crmkit: the command line of crmkit (docs/cli.md). Argument parsing (CLI11) and the
// mapping of errors to exit codes live here; the subcommands are in commands.cpp.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include "cli.hpp"
#include "crmkit/error.hpp"
#include "crmkit/version.h"
#include "db.hpp"

namespace {

using namespace crmkit_cli;

constexpr const char* exit_codes_text =
    "Exit codes: 0 ok; 2 bad arguments (flags, --config, --model); 3 bad input data; "
    "4 I/O or database failure; 1 internal error.";

// Order-line input flags shared by score, report, lifecycle and inspect.
void add_input_options(CLI::App* app, input_options& in, bool with_db = true) {
  app->add_option("INPUT", in.path, "CSV file of order lines (one row per order or purchase)");
  if (with_db) {
    app->add_option("--db", in.db, "read order lines from a database: sqlite:PATH or postgresql://user@host/db");
    app->add_option("--query", in.query, "SQL whose result has the customer, time and amount columns (with --db)");
    app->add_option("--pg-copy", in.pg_copy,
                    "PostgreSQL transfer: binary (typed COPY; text COPY where a column's type needs it) or text")
        ->capture_default_str();
  }
  app->add_option("--customer-column", in.columns.customer, "header of the customer id column")->capture_default_str();
  app->add_option("--time-column", in.columns.time, "header of the order time column")->capture_default_str();
  app->add_option("--amount-column", in.columns.amount, "header of the order amount column")->capture_default_str();
  app->add_option("--product-column", in.columns.product, "optional categorical product column");
  app->add_option("--channel-column", in.columns.channel, "optional categorical channel column");
  app->add_option("--delimiter", in.delimiter, "field separator: one character or 'tab'")->capture_default_str();
  app->add_option("--time-format", in.time_format, "iso8601 (YYYY-MM-DD[THH:MM:SS]), epoch (seconds) or compact (YYYYMMDD)")
      ->capture_default_str();
  app->add_flag("--strict", in.strict, "fail (exit 3) on the first row that does not parse instead of skipping it");
  // Order lines (crmkit/io/csv.hpp): the lines of one order become one purchase.
  app->add_option("--order-column", in.columns.order,
                  "order id column: the lines of one order become one purchase (earliest time, summed amount)");
  app->add_option("--quantity-column", in.columns.quantity, "quantity column: amount = quantity x unit price (with --unit-price-column)");
  app->add_option("--unit-price-column", in.columns.unit_price, "unit price column (with --quantity-column)");
  app->add_option("--exclude-order-prefix", in.filters.order_id_exclude_prefix,
                  "drop the lines whose order id starts with this prefix, e.g. C for cancellations (needs --order-column)");
  app->add_flag("--drop-nonpositive-quantity", in.filters.drop_nonpositive_quantity,
                "drop lines with quantity <= 0 (needs --quantity-column)");
  app->add_flag("--drop-nonpositive-unit-price", in.filters.drop_nonpositive_unit_price,
                "drop lines with unit price <= 0 (needs --unit-price-column)");
  app->add_flag("--drop-empty-customer", in.filters.drop_empty_customer,
                "drop lines without a customer id instead of rejecting them as bad rows");
}

int report_error(const char* what, int code) {
  std::fprintf(stderr, "crmkit: error: %s\n", what);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"crmkit " CRMKIT_VERSION_STRING
               ": customer analytics from order lines: scores, an HTML report, lifecycle replay, geo, offers."};
  app.footer(std::string("Run 'crmkit SUBCOMMAND --help' for a subcommand's flags and an example.\n") + exit_codes_text);
  app.set_version_flag("--version", CRMKIT_VERSION_STRING);
  app.require_subcommand(1);
  global_options g;
  app.add_flag("-q,--quiet", g.quiet, "no notes on stderr (errors are still printed)");

  score_args score;
  CLI::App* score_cmd = app.add_subcommand("score", "score every customer: RFM, segment, cluster, ABC, P(alive), CLV, lifecycle stage");
  add_input_options(score_cmd, score.in);
  score_cmd->add_option("--as-of", score.as_of, "score date: YYYY-MM-DD (end of that day) or a date-time; default: the data's last day");
  score_cmd->add_option("--config", score.config, "score config, TOML or JSON (rfm, kmeans, btyd, clv, lifecycle, geo)");
  score_cmd->add_option("--out", score.out, "output file: .csv (default, customer_id first) or .jsonl (JSON lines); default stdout");
  score_cmd->add_option("--customers", score.in.customers, "customers CSV with locations (the customer column, lon, lat): territory and rep columns from the config's geo table");
  score_cmd->add_option("--to-db", score.to_db, "also write the table into the --db database as TABLE (PostgreSQL: SCHEMA.TABLE), replacing it atomically");
  score_cmd->footer(std::string("Example:\n  crmkit score examples/data/cdnow_sample.csv --time-column date --as-of 1998-06-30 --out scores.csv\n"
                                "  crmkit score --db sqlite:shop.db --query \"select customer_id, timestamp, amount from orders\" --to-db customer_scores\n") +
                    exit_codes_text);

  report_args report;
  CLI::App* report_cmd = app.add_subcommand("report", "write a self-contained HTML report (inline SVG charts) plus every chart's data as CSV and JSON");
  add_input_options(report_cmd, report.in);
  report_cmd->add_option("--out", report.out_dir, "output directory (report.html and data/)")->required();
  report_cmd->add_option("--as-of", report.as_of, "report date (default: the data's last day)");
  report_cmd->add_option("--config", report.config, "score config, TOML or JSON");
  report_cmd->add_option("--title", report.title, "page title");
  report_cmd->add_option("--customers", report.in.customers, "customers CSV with locations (columns: the customer column, lon, lat) for the geo section");
  report_cmd->footer(std::string("Example:\n  crmkit report examples/data/cdnow_sample.csv --time-column date --out cdnow-report\n"
                                 "  then open cdnow-report/report.html (no network needed)\n") +
                     exit_codes_text);

  lifecycle_args life;
  CLI::App* life_cmd = app.add_subcommand("lifecycle", "replay a lifecycle model over the orders: stage counts per period, flow, stage per customer");
  add_input_options(life_cmd, life.in);
  life_cmd->add_option("--model", life.model, "lifecycle model, .json or .toml (default: crmkit's default model)");
  life_cmd->add_option("--from", life.from, "first step, YYYY-MM-DD (default: first order's month)");
  life_cmd->add_option("--to", life.to, "last step, YYYY-MM-DD (default: last order's day)");
  life_cmd->add_option("--step", life.step, "daily, weekly or monthly")->capture_default_str();
  life_cmd->add_option("--out", life.out_dir, "directory for stage_counts.csv, flow.csv, customer_stages.csv (default: stage counts on stdout)");
  life_cmd->footer(std::string("Example:\n  crmkit lifecycle examples/data/cdnow_sample.csv --time-column date --from 1997-01-01 --to 1998-07-01 --step monthly --out life\n") +
                   exit_codes_text);

  geo_args geo;
  CLI::App* geo_cmd = app.add_subcommand("geo", "territory and nearest rep of every customer");
  geo_cmd->add_option("--customers", geo.customers, "customers CSV (id, lon, lat)")->required();
  geo_cmd->add_option("--territories", geo.territories, "territory files, WKT or GeoJSON (one or several; named by file stem)");
  geo_cmd->add_option("--reps", geo.reps, "reps CSV (id, lon, lat)");
  geo_cmd->add_option("--id-column", geo.id_column, "id column of both CSV files")->capture_default_str();
  geo_cmd->add_option("--lon-column", geo.lon_column, "longitude column (degrees)")->capture_default_str();
  geo_cmd->add_option("--lat-column", geo.lat_column, "latitude column (degrees)")->capture_default_str();
  geo_cmd->add_option("--out", geo.out, "output CSV (default stdout)");
  geo_cmd->footer(std::string("Example:\n  crmkit geo --customers customers.csv --territories north.wkt south.geojson --reps reps.csv --out assigned.csv\n") +
                  exit_codes_text);

  inspect_args inspect;
  CLI::App* inspect_cmd = app.add_subcommand("inspect", "columns, types, ranges, and the rows that would be rejected and why");
  add_input_options(inspect_cmd, inspect.in, false);
  inspect_cmd->add_option("--max-rows", inspect.max_rows, "rejected rows to list")->capture_default_str();
  inspect_cmd->footer(std::string("Example:\n  crmkit inspect examples/data/cdnow_sample.csv --time-column date\n") + exit_codes_text);

  offers_args offers;
  CLI::App* offers_cmd = app.add_subcommand("offers", "next best offers per customer (ALS, item kNN, association rules or popularity) and the association rules, as CSV");
  add_input_options(offers_cmd, offers.in);
  offers_cmd->add_option("--method", offers.method, "als, knn (item-item cosine), rules or popularity")->capture_default_str();
  offers_cmd->add_option("--top", offers.top, "offers per customer")->capture_default_str();
  offers_cmd->add_option("--out", offers.out, "offers CSV (customer_id, rank, product_id, score, cold_start); default stdout");
  offers_cmd->add_option("--rules-out", offers.rules_out, "also write the association rules as CSV (mlxtend's columns)");
  offers_cmd->add_option("--value", offers.value, "matrix cells: orders (orders holding the product) or spend")->capture_default_str();
  offers_cmd->add_flag("--include-bought", offers.include_bought, "also offer products the customer already bought");
  offers_cmd->add_option("--factors", offers.factors, "ALS latent factors")->capture_default_str();
  offers_cmd->add_option("--alpha", offers.alpha, "ALS confidence slope (c = 1 + alpha r)")->capture_default_str();
  offers_cmd->add_option("--regularization", offers.regularization, "ALS L2 penalty")->capture_default_str();
  offers_cmd->add_option("--max-iter", offers.max_iter, "ALS iterations")->capture_default_str();
  offers_cmd->add_option("--seed", offers.seed, "seed of ALS's initial factors")->capture_default_str();
  offers_cmd->add_option("--neighbours", offers.neighbours, "item kNN neighbours per product")->capture_default_str();
  offers_cmd->add_option("--min-support", offers.min_support, "rules: smallest itemset support, in (0, 1]")->capture_default_str();
  offers_cmd->add_option("--min-confidence", offers.min_confidence, "rules: smallest rule confidence")->capture_default_str();
  offers_cmd->add_option("--max-len", offers.max_len, "rules: largest itemset size (0: no limit)")->capture_default_str();
  offers_cmd->add_option("--threads", offers.threads, "threads (results do not depend on it)")->capture_default_str();
  offers_cmd->footer(std::string("Example:\n  crmkit offers examples/data/order_lines_sample.csv --customer-column CustomerID --time-column InvoiceDate "
                                 "--order-column InvoiceNo --product-column StockCode --quantity-column Quantity --unit-price-column UnitPrice "
                                 "--exclude-order-prefix C --drop-empty-customer --top 5 --out offers.csv --rules-out rules.csv\n") +
                     exit_codes_text);


  plan_args plan;
  CLI::App* plan_cmd = app.add_subcommand("plan", "field planning: due lists, routes per rep, territory balancing report, hot spots (CSV)");
  plan_cmd->add_option("ACTION", plan.action, "due, routes, balance or hot-spots")->required();
  plan_cmd->add_option("--customers", plan.customers, "customers CSV: id, lon, lat, clv, p_alive, abc, rep, last_visit, visits, service_min, ready, due")->required();
  plan_cmd->add_option("--reps", plan.reps, "reps CSV: rep, home_lon, home_lat, shift_start, shift_end")->required();
  plan_cmd->add_option("--as-of", plan.as_of, "due and routes: the date, Unix seconds or YYYY-MM-DD[THH:MM:SS] (UTC)");
  plan_cmd->add_option("--cadence", plan.cadence, "due and routes: visit interval per ABC class, CLASS=DAYS,...")->capture_default_str();
  plan_cmd->add_option("--max-stops", plan.max_stops, "routes: the most urgent due customers per rep")->capture_default_str();
  plan_cmd->add_option("--speed-kmh", plan.speed_kmh, "routes and balance: travel speed")->capture_default_str();
  plan_cmd->add_option("--value-column", plan.value_column, "balance and hot-spots: the value column")->capture_default_str();
  plan_cmd->add_option("--tolerance", plan.tolerance, "balance: allowed relative workload and value deviation")->capture_default_str();
  plan_cmd->add_option("--max-moves", plan.max_moves, "balance: most customers that may change rep (-1: no limit)")->capture_default_str();
  plan_cmd->add_option("--travel-factor", plan.travel_factor, "balance: distance travelled per visit / home distance")->capture_default_str();
  plan_cmd->add_option("--assignment", plan.assignment, "balance: also write the new rep per customer to this CSV");
  plan_cmd->add_option("--cells", plan.cells, "hot-spots: grid or geohash")->capture_default_str();
  plan_cmd->add_option("--precision", plan.precision, "hot-spots: geohash characters")->capture_default_str();
  plan_cmd->add_option("--cell-deg", plan.cell_deg, "hot-spots: grid cell size, degrees")->capture_default_str();
  plan_cmd->add_option("--alpha", plan.alpha, "hot-spots: significance level (two-sided)")->capture_default_str();
  plan_cmd->add_flag("--fdr", plan.fdr, "hot-spots: Benjamini-Hochberg false discovery rate instead of p < alpha");
  plan_cmd->add_flag("--all-cells", plan.all_cells, "hot-spots: list empty, insignificant cells too");
  plan_cmd->add_option("--out", plan.out, "output CSV (default stdout)");
  plan_cmd->footer(std::string("Example:\n  crmkit plan due --customers examples/data/field_sales/customers.csv --reps examples/data/field_sales/reps.csv --as-of 2026-03-02T08:00:00\n"
                               "  crmkit plan balance --customers customers.csv --reps reps.csv --max-moves 40 --assignment new_reps.csv\n") +
                   exit_codes_text);

  for (CLI::App* sub : {score_cmd, report_cmd, life_cmd, geo_cmd, inspect_cmd, offers_cmd, plan_cmd})
    sub->add_flag("-q,--quiet", g.quiet, "no notes on stderr (errors are still printed)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_bad_arguments;
  }

  try {
    if (score_cmd->parsed()) return run_score(score, g);
    if (report_cmd->parsed()) return run_report(report, g);
    if (life_cmd->parsed()) return run_lifecycle(life, g);
    if (geo_cmd->parsed()) return run_geo(geo, g);
    if (inspect_cmd->parsed()) return run_inspect(inspect, g);
    if (offers_cmd->parsed()) return run_offers(offers, g);
    if (plan_cmd->parsed()) return run_plan(plan, g);
  } catch (const cli_error& e) {
    return report_error(e.what(), e.code());
  } catch (const crmkit::error& e) {
    return report_error(e.what(), e.code() == crmkit::errc::io_error ? exit_io : exit_bad_data);
  } catch (const std::bad_alloc&) {
    return report_error("out of memory", 1);
  } catch (const std::exception& e) {
    return report_error(e.what(), 1);
  }
  return exit_bad_arguments;
}
