// RFM scores that do not depend on the input's row order (ties broken by customer id), and
// scores and segments for any number of classes.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "crmkit/core/dataset.hpp"
#include "crmkit/core/string_dictionary.hpp"
#include "crmkit/error.hpp"
#include "crmkit/segmentation/rfm.hpp"
#include "crmkit/segmentation/rfm_segments.hpp"

namespace {

struct row {
  std::string id;
  std::int64_t time;
  double amount;
};

// A dataset whose customer indices follow the first appearance of the ids in `rows`, as
// the CSV reader and pandas.factorize build them.
crmkit::dataset make_dataset(const std::vector<row>& rows) {
  auto ids = std::make_shared<crmkit::string_dictionary>();
  std::vector<std::int32_t> customer;
  std::vector<std::int64_t> time;
  std::vector<double> amount;
  for (const auto& r : rows) {
    customer.push_back(ids->insert(r.id));
    time.push_back(r.time);
    amount.push_back(r.amount);
  }
  const std::size_t n = ids->size();
  auto log = crmkit::transaction_log::from_columns(crmkit::column<std::int32_t>::owned(std::move(customer)),
                                                   crmkit::column<std::int64_t>::owned(std::move(time)),
                                                   crmkit::column<double>::owned(std::move(amount)), n);
  return crmkit::dataset(crmkit::customer_table::from_ids(std::move(ids)), std::move(log));
}

// Scores keyed by customer id.
std::vector<std::pair<std::string, std::array<std::int32_t, 3>>> scores_by_id(const crmkit::dataset& data,
                                                                              const crmkit::rfm_options& options) {
  const auto table = crmkit::rfm_summary(data, options);
  const auto scores = crmkit::rfm_score(table, options);
  std::vector<std::pair<std::string, std::array<std::int32_t, 3>>> out;
  for (std::size_t i = 0; i < table.size(); ++i)
    out.push_back({std::string(data.customers().id(table.customer[i])), {scores.r[i], scores.f[i], scores.m[i]}});
  std::sort(out.begin(), out.end());
  return out;
}

// Many ties: 400 customers, 1-3 purchases on one of 5 days, amounts from 4 values.
std::vector<row> tied_rows() {
  std::mt19937 rng(7);
  std::vector<row> rows;
  for (int c = 0; c < 400; ++c) {
    const std::string id = (c % 3 == 0 ? "C" : c % 3 == 1 ? "k" : "") + std::to_string(c * 7919 % 1000);
    const int n = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < n; ++k)
      rows.push_back({id, static_cast<std::int64_t>(rng() % 5) * 86400, 10.0 * static_cast<double>(1 + rng() % 4)});
  }
  return rows;
}

}  // namespace

TEST_CASE("rfm scores do not depend on the row order: ties go by customer id") {
  auto rows = tied_rows();
  crmkit::rfm_options options;
  options.as_of = 10 * 86400;
  const auto base = scores_by_id(make_dataset(rows), options);
  std::mt19937 rng(11);
  for (int trial = 0; trial < 5; ++trial) {
    std::shuffle(rows.begin(), rows.end(), rng);
    CHECK(scores_by_id(make_dataset(rows), options) == base);
  }
  // Without ids (the log alone) ties go by first appearance, which the shuffle changes.
  const auto a = make_dataset(rows);
  std::reverse(rows.begin(), rows.end());
  const auto b = make_dataset(rows);
  const auto ta = crmkit::rfm_summary(a.transactions(), options), tb = crmkit::rfm_summary(b.transactions(), options);
  CHECK(ta.id_rank.empty());
  const auto sa = crmkit::rfm_score(ta, options), sb = crmkit::rfm_score(tb, options);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < ta.size(); ++i) {
    const auto j = static_cast<std::size_t>(b.customers().find(a.customers().id(ta.customer[i])));
    differ += sa.f[i] != sb.f[j];
  }
  CHECK(differ > 0);
}

TEST_CASE("rfm_id_ranks: byte-wise order, decimal integers by value first") {
  crmkit::string_dictionary ids;
  for (const char* id : {"b", "10", "9", "a", "B", "007", "\xc3\xa9", "0"}) (void)ids.insert(id);
  // order: 0, 9, 10 (integers by value), then bytes: "007" < "B" < "a" < "b" < "é"
  CHECK(crmkit::rfm_id_ranks(ids) == std::vector<std::int32_t>{6, 2, 1, 5, 4, 3, 7, 0});
  // All tied values: the tie key alone decides.
  const std::vector<double> v(4, 1.0);
  const std::vector<std::int32_t> key = {3, 0, 2, 1};
  CHECK(crmkit::quantile_scores(v, 2, crmkit::rfm_tie_rule::rank_first, false, key) ==
        std::vector<std::int32_t>{2, 1, 2, 1});
  CHECK_THROWS_AS((void)crmkit::quantile_scores(v, 2, crmkit::rfm_tie_rule::rank_first, false,
                                                std::vector<std::int32_t>{1, 2}),
                  crmkit::error);
}

TEST_CASE("rfm scores work for any bins; presets need quintiles and say so; rescaling") {
  const auto data = make_dataset(tied_rows());
  crmkit::rfm_options options;
  options.as_of = 10 * 86400;
  for (int bins : {2, 3, 4, 7, 10}) {
    CAPTURE(bins);
    options.bins = bins;
    const auto scores = crmkit::rfm_score(crmkit::rfm_summary(data, options), options);
    CHECK(*std::max_element(scores.f.begin(), scores.f.end()) == bins);
    CHECK(*std::min_element(scores.m.begin(), scores.m.end()) == 1);
    const auto map = crmkit::rfm_segment_preset(crmkit::rfm_preset::grid11);
    CHECK_THROWS_WITH_AS((void)crmkit::rfm_segment(scores, map),
                         doctest::Contains(("written for bins = 5 score classes, the scores have bins = " +
                                            std::to_string(bins))
                                               .c_str()),
                         crmkit::error);
    const auto five = crmkit::rfm_rescale_scores(scores, 5);
    CHECK(five.bins == 5);
    const auto seg = crmkit::rfm_segment(five, map);
    CHECK(seg.size() == scores.size());
  }
  crmkit::rfm_scores s;
  s.bins = 10;
  s.r = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  s.f = s.r;
  s.m = s.r;
  CHECK(crmkit::rfm_rescale_scores(s, 5).r == std::vector<std::int32_t>{1, 1, 2, 2, 3, 3, 4, 4, 5, 5});
  s.bins = 3;
  s.r = s.f = s.m = {1, 2, 3};
  CHECK(crmkit::rfm_rescale_scores(s, 5).r == std::vector<std::int32_t>{1, 3, 5});
  CHECK(crmkit::rfm_rescale_scores(s, 3).r == s.r);
  s.r[0] = 4;
  CHECK_THROWS_AS((void)crmkit::rfm_rescale_scores(s, 5), crmkit::error);
}
