// crmkit/core/option_table.hpp: the generic set/get/bounds/validate over every options
// table, the naming rule (C constant == prefix + name upper-cased, checked against the
// C headers' #defines here), and the one n_threads rule.
#include <doctest/doctest.h>

#include <cctype>
#include <cmath>
#include <set>
#include <string>
#include <string_view>

#include "crmkit/churn/fit_report.hpp"
#include "crmkit/churn/logistic.hpp"
#include "crmkit/core/option_table.hpp"
#include "crmkit/crmkit.h"
#include "crmkit/io/csv.hpp"
#include "crmkit/pareto/pareto.hpp"
#include "crmkit/segmentation/kmeans.hpp"
#include "crmkit/segmentation/rfm.hpp"
#include "crmkit/geo/track.hpp"

namespace {

template <class Options>
const crmkit::option_spec<Options>& entry(std::int32_t key) {
  const auto* spec = crmkit::find_option<Options>(key);
  REQUIRE(spec != nullptr);
  return *spec;
}

// The C header's constant `c_name` (stringised) with value `value` is the table's entry
// of that key, and its suffix lowercased is the entry's name.
template <class Options>
void check_constant(std::string_view c_name, std::int32_t value, std::set<std::int32_t>& seen) {
  CAPTURE(c_name);
  const auto& spec = entry<Options>(value);
  CHECK(crmkit::option_c_name(spec) == c_name);
  std::string lowered(c_name.substr(crmkit::option_table<Options>::c_prefix.size()));
  for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (spec.name != "C") CHECK(spec.name == lowered);  // logistic's C keeps scikit-learn's capital
  seen.insert(value);
}

#define CHECK_CONSTANT(Options, constant, seen) check_constant<Options>(#constant, constant, seen)

// Every entry has a constant (the sets are filled by the CHECK_CONSTANT lines).
template <class Options>
void check_all_seen(const std::set<std::int32_t>& seen) {
  for (const auto& spec : crmkit::option_table<Options>::entries) {
    CAPTURE(spec.name);
    CHECK(seen.count(spec.key) == 1);
  }
  CHECK(seen.size() == crmkit::option_table<Options>::entries.size());
}

// Defaults lie in their ranges, keys are unique, docs are one line.
template <class Options>
void check_table() {
  std::set<std::int32_t> keys;
  std::set<std::string_view> names;
  const Options defaults{};
  for (const auto& spec : crmkit::option_table<Options>::entries) {
    CAPTURE(spec.name);
    CHECK(keys.insert(spec.key).second);
    CHECK(names.insert(spec.name).second);
    CHECK(spec.lo <= spec.hi);
    CHECK(!spec.doc.empty());
    CHECK(spec.doc.find('\n') == std::string_view::npos);
    CHECK(spec.is_string() == (spec.get_string != nullptr));
    CHECK(spec.is_string() != (spec.get_number != nullptr));
  }
  CHECK_NOTHROW(crmkit::validate_options(defaults, "defaults"));
}

}  // namespace

TEST_CASE("option tables: C constants, names and keys agree") {
  std::set<std::int32_t> km, lr, bt, csv;
  CHECK_CONSTANT(crmkit::kmeans_options, CRMKIT_KMEANS_N_CLUSTERS, km);
  CHECK_CONSTANT(crmkit::kmeans_options, CRMKIT_KMEANS_INIT, km);
  CHECK_CONSTANT(crmkit::kmeans_options, CRMKIT_KMEANS_N_INIT, km);
  CHECK_CONSTANT(crmkit::kmeans_options, CRMKIT_KMEANS_MAX_ITER, km);
  CHECK_CONSTANT(crmkit::kmeans_options, CRMKIT_KMEANS_ALGORITHM, km);
  CHECK_CONSTANT(crmkit::kmeans_options, CRMKIT_KMEANS_SEED, km);
  CHECK_CONSTANT(crmkit::kmeans_options, CRMKIT_KMEANS_N_THREADS, km);
  CHECK_CONSTANT(crmkit::kmeans_options, CRMKIT_KMEANS_N_LOCAL_TRIALS, km);
  CHECK_CONSTANT(crmkit::kmeans_options, CRMKIT_KMEANS_TOL, km);
  check_all_seen<crmkit::kmeans_options>(km);

  CHECK_CONSTANT(crmkit::logistic_options, CRMKIT_LOGISTIC_FIT_INTERCEPT, lr);
  CHECK_CONSTANT(crmkit::logistic_options, CRMKIT_LOGISTIC_STANDARDIZE, lr);
  CHECK_CONSTANT(crmkit::logistic_options, CRMKIT_LOGISTIC_CLASS_WEIGHT, lr);
  CHECK_CONSTANT(crmkit::logistic_options, CRMKIT_LOGISTIC_MAX_ITER, lr);
  CHECK_CONSTANT(crmkit::logistic_options, CRMKIT_LOGISTIC_C, lr);
  CHECK_CONSTANT(crmkit::logistic_options, CRMKIT_LOGISTIC_TOL, lr);
  CHECK_CONSTANT(crmkit::logistic_options, CRMKIT_LOGISTIC_CLASS_WEIGHT_0, lr);
  CHECK_CONSTANT(crmkit::logistic_options, CRMKIT_LOGISTIC_CLASS_WEIGHT_1, lr);
  check_all_seen<crmkit::logistic_options>(lr);

  CHECK_CONSTANT(crmkit::fit_options, CRMKIT_BTYD_MAX_ITER, bt);
  CHECK_CONSTANT(crmkit::fit_options, CRMKIT_BTYD_N_THREADS, bt);
  CHECK_CONSTANT(crmkit::fit_options, CRMKIT_BTYD_ZERO_SPEND, bt);
  CHECK_CONSTANT(crmkit::fit_options, CRMKIT_BTYD_STANDARD_ERRORS, bt);
  CHECK_CONSTANT(crmkit::fit_options, CRMKIT_BTYD_TOL, bt);
  CHECK_CONSTANT(crmkit::fit_options, CRMKIT_BTYD_PARAMETER_BOUND, bt);
  CHECK_CONSTANT(crmkit::fit_options, CRMKIT_BTYD_N_STARTS, bt);
  CHECK_CONSTANT(crmkit::fit_options, CRMKIT_BTYD_SEED, bt);
  CHECK_CONSTANT(crmkit::fit_options, CRMKIT_BTYD_FALLBACK, bt);
  check_all_seen<crmkit::fit_options>(bt);

  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_DELIMITER, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_QUOTE, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_TIME_FORMAT, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_ON_BAD_ROW, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_MIN_TIME, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_MAX_TIME, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_ALLOW_NEGATIVE_AMOUNTS, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_DROP_NONPOSITIVE_QUANTITY, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_DROP_NONPOSITIVE_UNIT_PRICE, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_DROP_EMPTY_CUSTOMER, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_N_THREADS, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_CUSTOMER_COLUMN, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_TIME_COLUMN, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_AMOUNT_COLUMN, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_PRODUCT_COLUMN, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_CHANNEL_COLUMN, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_CUSTOMER_ID_COLUMN, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_LONGITUDE_COLUMN, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_LATITUDE_COLUMN, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_ORDER_COLUMN, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_QUANTITY_COLUMN, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_UNIT_PRICE_COLUMN, csv);
  CHECK_CONSTANT(crmkit::csv_read_options, CRMKIT_CSV_EXCLUDE_ORDER_PREFIX, csv);
  check_all_seen<crmkit::csv_read_options>(csv);

  std::set<std::int32_t> pa;
  CHECK_CONSTANT(crmkit::pareto_options, CRMKIT_PARETO_TARGET_SHARE, pa);
  CHECK_CONSTANT(crmkit::pareto_options, CRMKIT_PARETO_ABC_A, pa);
  CHECK_CONSTANT(crmkit::pareto_options, CRMKIT_PARETO_ABC_B, pa);
  CHECK_CONSTANT(crmkit::pareto_options, CRMKIT_PARETO_TOP_FRACTION, pa);
  CHECK_CONSTANT(crmkit::pareto_options, CRMKIT_PARETO_LORENZ_POINTS, pa);
  check_all_seen<crmkit::pareto_options>(pa);

  std::set<std::int32_t> rf;
  CHECK_CONSTANT(crmkit::rfm_options, CRMKIT_RFM_AS_OF, rf);
  CHECK_CONSTANT(crmkit::rfm_options, CRMKIT_RFM_TIME_UNIT_SECONDS, rf);
  CHECK_CONSTANT(crmkit::rfm_options, CRMKIT_RFM_BINS, rf);
  CHECK_CONSTANT(crmkit::rfm_options, CRMKIT_RFM_TIE_RULE, rf);
  CHECK_CONSTANT(crmkit::rfm_options, CRMKIT_RFM_N_THREADS, rf);
  check_all_seen<crmkit::rfm_options>(rf);

  std::set<std::int32_t> tr;
  CHECK_CONSTANT(crmkit::track_options, CRMKIT_GEO_TRACK_MAX_SPEED_MPS, tr);
  CHECK_CONSTANT(crmkit::track_options, CRMKIT_GEO_TRACK_STOP_RADIUS_M, tr);
  CHECK_CONSTANT(crmkit::track_options, CRMKIT_GEO_TRACK_MIN_DWELL_S, tr);
  CHECK_CONSTANT(crmkit::track_options, CRMKIT_GEO_TRACK_VISIT_RADIUS_M, tr);
  check_all_seen<crmkit::track_options>(tr);
}

TEST_CASE("option tables: defaults come from the structs and are valid") {
  check_table<crmkit::kmeans_options>();
  check_table<crmkit::logistic_options>();
  check_table<crmkit::fit_options>();
  check_table<crmkit::csv_read_options>();
  check_table<crmkit::pareto_options>();
  check_table<crmkit::rfm_options>();
  check_table<crmkit::track_options>();
  CHECK(crmkit::option_bounds_of<crmkit::kmeans_options>(CRMKIT_KMEANS_MAX_ITER).default_value ==
        crmkit::kmeans_options{}.max_iter);
  CHECK(crmkit::option_bounds_of<crmkit::fit_options>(CRMKIT_BTYD_TOL).default_value == crmkit::fit_options{}.tol);
  CHECK(std::isnan(crmkit::option_bounds_of<crmkit::csv_read_options>(CRMKIT_CSV_TIME_COLUMN).default_value));
}

TEST_CASE("set_option / get: range checks name the constant, the value and the range") {
  crmkit::kmeans_options o;
  crmkit::set_option(o, CRMKIT_KMEANS_N_THREADS, std::int64_t{4}, "test");
  CHECK(o.n_threads == 4);
  CHECK(crmkit::get_int_option(o, CRMKIT_KMEANS_N_THREADS, "test") == 4);
  CHECK_THROWS_WITH_AS(crmkit::set_option(o, CRMKIT_KMEANS_N_THREADS, std::int64_t{1025}, "test"),
                       doctest::Contains("test: CRMKIT_KMEANS_N_THREADS = 1025 is outside the range of n_threads: "
                                         "it must be in [1, 1024]"),
                       crmkit::error);
  CHECK(o.n_threads == 4);  // unchanged
  CHECK_THROWS_WITH_AS(crmkit::set_option(o, CRMKIT_KMEANS_TOL, std::int64_t{1}, "crmkit_kmeans_set_int"),
                       doctest::Contains("use crmkit_kmeans_set_double"), crmkit::error);
  CHECK_THROWS_WITH_AS(crmkit::set_option(o, 4242, 1.0, "test"), doctest::Contains("unknown option key 4242"),
                       crmkit::error);
  crmkit::set_option(o, CRMKIT_KMEANS_TOL, 0.5, "test");
  CHECK(crmkit::get_real_option(o, CRMKIT_KMEANS_TOL, "test") == 0.5);
  CHECK_THROWS_AS(crmkit::set_option(o, CRMKIT_KMEANS_TOL, std::nan(""), "test"), crmkit::error);

  crmkit::logistic_options lo;
  CHECK_THROWS_WITH_AS(crmkit::set_option(lo, CRMKIT_LOGISTIC_C, 0.0, "test"),
                       doctest::Contains("CRMKIT_LOGISTIC_C = 0 is outside the range of C: it must be a finite number > 0"),
                       crmkit::error);
  crmkit::set_option(lo, CRMKIT_LOGISTIC_CLASS_WEIGHT_1, 3.0, "test");
  CHECK(lo.class_weights[1] == 3.0);

  crmkit::csv_read_options csv;
  CHECK_THROWS_WITH_AS(crmkit::set_option(csv, CRMKIT_CSV_DELIMITER, std::int64_t{'\n'}, "test"),
                       doctest::Contains("a line break"), crmkit::error);
  crmkit::set_option(csv, CRMKIT_CSV_CUSTOMER_COLUMN, std::string_view("cid"), "test");
  CHECK(csv.transactions.customer == "cid");
  CHECK_THROWS_WITH_AS(crmkit::set_option(csv, CRMKIT_CSV_CUSTOMER_COLUMN, std::string_view(""), "test"),
                       doctest::Contains("required column"), crmkit::error);
  CHECK(crmkit::get_string_option(csv, CRMKIT_CSV_CUSTOMER_COLUMN, "test") == "cid");
}

TEST_CASE("validate_options: a struct filled in C++ meets the C setters' rules") {
  crmkit::kmeans_options o;
  o.n_threads = 0;
  CHECK_THROWS_WITH_AS(crmkit::validate_options(o, "kmeans_fit"), doctest::Contains("kmeans_fit: CRMKIT_KMEANS_N_THREADS = 0"),
                       crmkit::error);
  crmkit::fit_options f;
  f.parameter_bound = 1.0;
  CHECK_THROWS_WITH_AS(crmkit::validate_options(f, "fit"), doctest::Contains("parameter_bound"), crmkit::error);
  f.parameter_bound = 10.0;
  f.tol = -1;
  CHECK_THROWS_WITH_AS(crmkit::validate_options(f, "fit"), doctest::Contains("CRMKIT_BTYD_TOL"), crmkit::error);
}

TEST_CASE("check_n_threads: one rule, [1, max_threads]") {
  CHECK(crmkit::max_threads == 1024);
  CHECK_NOTHROW(crmkit::check_n_threads(1, "f"));
  CHECK_NOTHROW(crmkit::check_n_threads(crmkit::max_threads, "f"));
  CHECK_THROWS_WITH_AS(crmkit::check_n_threads(0, "f"), doctest::Contains("f: n_threads = 0 is outside [1, 1024]"),
                       crmkit::error);
  CHECK_THROWS_AS(crmkit::check_n_threads(crmkit::max_threads + 1, "f"), crmkit::error);
}
