// The C constants of crmkit/c/offers.h agree with option_table<rules_options> and
// option_table<als_options> (value, and name = prefix + field upper-cased), and every
// table entry has a constant (as tests/core/option_table_test.cpp does for the older
// modules).
#include <doctest/doctest.h>

#include <cctype>
#include <set>
#include <string>

#include "crmkit/c/offers.h"
#include "crmkit/offers/association_rules.hpp"
#include "crmkit/offers/implicit_als.hpp"
#include "crmkit/offers/item_knn.hpp"

namespace {

template <class Options>
void check_constant(std::string_view c_name, std::int32_t value, std::set<std::int32_t>& seen) {
  CAPTURE(c_name);
  const auto* spec = crmkit::find_option<Options>(value);
  REQUIRE(spec != nullptr);
  CHECK(crmkit::option_c_name(*spec) == c_name);
  std::string lowered(c_name.substr(crmkit::option_table<Options>::c_prefix.size()));
  for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CHECK(spec->name == lowered);
  seen.insert(value);
}

template <class Options>
void check_complete(const std::set<std::int32_t>& seen) {
  CHECK(seen.size() == crmkit::option_table<Options>::entries.size());
  const Options defaults{};
  CHECK_NOTHROW(crmkit::validate_options(defaults, "defaults"));
}

#define CHECK_CONSTANT(Options, constant, seen) check_constant<Options>(#constant, constant, seen)

}  // namespace

TEST_CASE("offers option tables: C constants, names and keys agree") {
  std::set<std::int32_t> rules;
  CHECK_CONSTANT(crmkit::rules_options, CRMKIT_RULES_MAX_LEN, rules);
  CHECK_CONSTANT(crmkit::rules_options, CRMKIT_RULES_METRIC, rules);
  CHECK_CONSTANT(crmkit::rules_options, CRMKIT_RULES_MIN_SUPPORT, rules);
  CHECK_CONSTANT(crmkit::rules_options, CRMKIT_RULES_MIN_THRESHOLD, rules);
  check_complete<crmkit::rules_options>(rules);
  CHECK(CRMKIT_RULES_METRIC_ZHANGS_METRIC == static_cast<int>(crmkit::rule_metric::zhangs_metric));

  std::set<std::int32_t> als;
  CHECK_CONSTANT(crmkit::als_options, CRMKIT_ALS_FACTORS, als);
  CHECK_CONSTANT(crmkit::als_options, CRMKIT_ALS_MAX_ITER, als);
  CHECK_CONSTANT(crmkit::als_options, CRMKIT_ALS_CG_STEPS, als);
  CHECK_CONSTANT(crmkit::als_options, CRMKIT_ALS_SOLVER, als);
  CHECK_CONSTANT(crmkit::als_options, CRMKIT_ALS_SEED, als);
  CHECK_CONSTANT(crmkit::als_options, CRMKIT_ALS_N_THREADS, als);
  CHECK_CONSTANT(crmkit::als_options, CRMKIT_ALS_REGULARIZATION, als);
  CHECK_CONSTANT(crmkit::als_options, CRMKIT_ALS_ALPHA, als);
  CHECK_CONSTANT(crmkit::als_options, CRMKIT_ALS_TOL, als);
  CHECK_CONSTANT(crmkit::als_options, CRMKIT_ALS_WEIGHTING, als);
  CHECK_CONSTANT(crmkit::als_options, CRMKIT_ALS_BM25_K1, als);
  CHECK_CONSTANT(crmkit::als_options, CRMKIT_ALS_BM25_B, als);
  check_complete<crmkit::als_options>(als);
  CHECK(CRMKIT_ALS_SOLVER_CHOLESKY == static_cast<int>(crmkit::als_solver::cholesky));
  CHECK(CRMKIT_ALS_WEIGHTING_TFIDF == static_cast<int>(crmkit::matrix_weighting::tfidf));
  CHECK(CRMKIT_ALS_WEIGHTING_BM25 == static_cast<int>(crmkit::matrix_weighting::bm25));

  std::set<std::int32_t> knn;
  CHECK_CONSTANT(crmkit::item_knn_options, CRMKIT_ITEM_KNN_NEIGHBOURS, knn);
  CHECK_CONSTANT(crmkit::item_knn_options, CRMKIT_ITEM_KNN_N_THREADS, knn);
  check_complete<crmkit::item_knn_options>(knn);
  CHECK(CRMKIT_INTERACTION_SPEND == static_cast<int>(crmkit::interaction_value::spend));
}
