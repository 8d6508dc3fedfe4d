// customer_state: merges of random partitions equal the single-pass RFM and BTYD summaries
// bit for bit; save/load round trips and rejects damaged documents; incremental appends
// equal a full recompute.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "state_test_util.hpp"

namespace {

using crmkit::customer_state;

crmkit::rfm_options rfm_opt() {
  crmkit::rfm_options o;
  o.as_of = crmkit::unix_seconds(1998, 7, 1);
  o.time_unit_seconds = 7 * 86400;
  return o;
}

std::vector<crmkit::btyd_summary_options> btyd_opts() {
  std::vector<crmkit::btyd_summary_options> out(3);
  out[0].calibration_end = crmkit::unix_seconds(1997, 9, 30);
  out[0].holdout_end = crmkit::unix_seconds(1998, 6, 30);
  out[1].calibration_end = crmkit::unix_seconds(1998, 6, 30);  // all lines: the O(1) row path
  out[1].period_days = 1.0;
  out[2].calibration_end = crmkit::unix_seconds(1997, 3, 15);  // some customers not yet born
  out[2].period_days = 365.25 / 12;
  return out;
}

// The sample's lines in k random partitions (each shuffled), as states, merged in a random
// order: sequentially or as a balanced tree.
customer_state merged_state(std::size_t k, std::uint64_t seed, bool tree) {
  const auto& data = state_test::sample();
  const auto& log = data.transactions();
  std::mt19937_64 rng(seed);
  std::vector<std::vector<std::size_t>> parts(k);
  for (std::size_t i = 0; i < log.size(); ++i) parts[rng() % k].push_back(i);
  std::vector<customer_state> states(k);
  for (std::size_t p = 0; p < k; ++p) {
    std::shuffle(parts[p].begin(), parts[p].end(), rng);
    for (const std::size_t i : parts[p])
      states[p].add(data.customers().ids().at(log.customer()[i]), log.time()[i], log.amount()[i]);
  }
  std::shuffle(states.begin(), states.end(), rng);
  if (!tree) {
    customer_state out;
    for (const auto& s : states) out.merge(s);
    return out;
  }
  while (states.size() > 1) {
    std::vector<customer_state> next;
    for (std::size_t i = 0; i + 1 < states.size(); i += 2) {
      states[i + 1].merge(states[i]);  // b.merge(a): the other order than the sequential fold
      next.push_back(std::move(states[i + 1]));
    }
    if (states.size() % 2) next.push_back(std::move(states.back()));
    states = std::move(next);
  }
  return std::move(states.front());
}

}  // namespace

TEST_CASE("customer_state: k random partitions merged in any order equal the single pass, bit for bit") {
  const auto& data = state_test::sample();
  const auto ref_names = state_test::dataset_ids(data);
  const crmkit::rfm_table ref_rfm = crmkit::rfm_summary(data, rfm_opt());
  const crmkit::rfm_scores ref_scores = crmkit::rfm_score(ref_rfm, rfm_opt());
  std::vector<crmkit::btyd_summary> ref_btyd;
  for (const auto& o : btyd_opts()) ref_btyd.push_back(crmkit::summarize_btyd(data.transactions(), o));
  REQUIRE(ref_rfm.size() == 2357);

  std::string canonical;
  for (std::size_t k = 1; k <= 5; ++k) {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      CAPTURE(k);
      CAPTURE(seed);
      const customer_state s = merged_state(k, seed * 100 + k, seed % 2 == 0);
      CHECK(s.size() == data.n_customers());
      CHECK(s.n_transactions() == data.n_transactions());
      const auto names = s.ids();
      const crmkit::rfm_table rfm = s.rfm(rfm_opt());
      state_test::check_rfm_equal(ref_rfm, ref_names, rfm, names);
      // Scores per customer too: the state's id_rank breaks ties as the dataset's ids do.
      const crmkit::rfm_scores scores = crmkit::rfm_score(rfm, rfm_opt());
      const auto ref_rows = state_test::rows_by_id(ref_rfm, ref_names);
      std::size_t score_diff = 0;
      for (std::size_t i = 0; i < rfm.size(); ++i) {
        const std::size_t j = ref_rows.at(names[i]);
        score_diff += scores.r[i] != ref_scores.r[j] || scores.f[i] != ref_scores.f[j] || scores.m[i] != ref_scores.m[j];
      }
      CHECK(score_diff == 0);
      const auto opts = btyd_opts();
      for (std::size_t o = 0; o < opts.size(); ++o) state_test::check_btyd_equal(ref_btyd[o], ref_names, s.btyd(opts[o]), names);
      // The document is canonical: every partitioning and merge order gives the same bytes.
      const std::string doc = s.save();
      if (canonical.empty()) canonical = doc;
      CHECK(doc == canonical);
    }
  }
  // Loading gives back the same state.
  const customer_state loaded = customer_state::load(canonical);
  CHECK(loaded.save() == canonical);
  state_test::check_rfm_equal(ref_rfm, ref_names, loaded.rfm(rfm_opt()), loaded.ids());
  // About 11 bytes per transaction line of the sample (2357 customers, 6919 lines).
  MESSAGE("document: " << canonical.size() << " bytes; memory: " << loaded.memory_bytes() << " bytes");
  CHECK(canonical.size() < 40 * data.n_transactions());
}

TEST_CASE("customer_state: two purchases on one day in different partitions are one purchase day") {
  const std::int64_t day = crmkit::unix_seconds(2024, 3, 1);
  customer_state a, b, whole;
  a.add("c1", day - 86400 * 10, 5.0);
  a.add("c1", day + 3600, 10.0);
  b.add("c1", day + 7200, 2.5);
  b.add("c2", day, 1.0);
  for (auto [t, x] : {std::pair{day - 86400 * 10, 5.0}, {day + 3600, 10.0}, {day + 7200, 2.5}}) whole.add("c1", t, x);
  whole.add("c2", day, 1.0);
  customer_state ab = a, ba = b;
  ab.merge(b);
  ba.merge(a);
  CHECK(ab.save() == whole.save());
  CHECK(ba.save() == whole.save());
  crmkit::btyd_summary_options o;
  o.calibration_end = day + 86400;
  o.period_days = 1;
  const auto s = ab.btyd(o);
  REQUIRE(s.size() == 2);
  CHECK(s.frequency[0] == 1.0);  // c1: two purchase days, one repeat
  CHECK(s.recency[0] == 10.0);
  CHECK(s.monetary_value[0] == 12.5);  // both lines of the repeat day
  crmkit::rfm_options ro;
  ro.as_of = day + 86400;
  const auto r = ab.rfm(ro);
  CHECK(r.frequency[0] == 3.0);
  CHECK(r.distinct_days[0] == 2.0);
  // Merging a state with itself doubles every transaction.
  customer_state twice = whole;
  twice.merge(twice);
  CHECK(twice.n_transactions() == 8);
  CHECK(twice.rfm(ro).monetary[0] == 35.0);
}

TEST_CASE("customer_state: appending orders equals a full recompute") {
  const auto& data = state_test::sample();
  const auto& log = data.transactions();
  std::vector<std::size_t> order(log.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return log.time()[a] < log.time()[b]; });
  // The first half as history; the rest arrives as orders of 1..3 lines (plus a few lines
  // back-dated, which land in the middle of a day list).
  customer_state state;
  const std::size_t half = order.size() / 2;
  for (std::size_t i = 0; i < half; ++i)
    state.add(data.customers().ids().at(log.customer()[order[i]]), log.time()[order[i]], log.amount()[order[i]]);
  std::reverse(order.begin() + static_cast<std::ptrdiff_t>(half), order.begin() + static_cast<std::ptrdiff_t>(half + 50));
  const auto ro = rfm_opt();
  auto bo = btyd_opts()[1];
  std::size_t checked = 0, mismatches = 0;
  for (std::size_t i = half; i < order.size();) {
    std::vector<crmkit::state_transaction> batch;
    for (std::size_t j = 0; j < 1 + i % 3 && i < order.size(); ++j, ++i) {
      const std::size_t t = order[i];
      batch.push_back({data.customers().ids().at(log.customer()[t]), log.time()[t], log.amount()[t]});
    }
    const crmkit::customer_state_rows rows = state.append(batch, ro, bo);
    CHECK(rows.id.size() <= batch.size());
    if (i % 97 < 3 || i == order.size()) {  // compare with everything recomputed
      const auto names = state.ids();
      const auto full_rfm = state.rfm(ro);
      const auto full_btyd = state.btyd(bo);
      const auto rf = state_test::rows_by_id(full_rfm, names);
      const auto bf = state_test::rows_by_id(full_btyd, names);
      for (std::size_t k = 0; k < rows.id.size(); ++k) {
        const std::size_t j = rf.at(rows.id[k]);
        mismatches += !state_test::same_bits(rows.rfm.monetary[k], full_rfm.monetary[j]) ||
                      rows.rfm.frequency[k] != full_rfm.frequency[j] || rows.rfm.recency[k] != full_rfm.recency[j];
        const std::size_t b = bf.at(rows.id[k]);
        mismatches += !state_test::same_bits(rows.btyd.monetary_value[k], full_btyd.monetary_value[b]) ||
                      rows.btyd.frequency[k] != full_btyd.frequency[b] || rows.btyd.T[k] != full_btyd.T[b];
        ++checked;
      }
    }
  }
  CHECK(checked > 50);
  CHECK(mismatches == 0);
  // And the final state is the single pass over all lines.
  const auto ref_names = state_test::dataset_ids(data);
  state_test::check_rfm_equal(crmkit::rfm_summary(data, ro), ref_names, state.rfm(ro), state.ids());
  state_test::check_btyd_equal(crmkit::summarize_btyd(log, bo), ref_names, state.btyd(bo), state.ids());
  // An invalid transaction adds nothing of its batch.
  const auto before = state.save();
  std::vector<crmkit::state_transaction> bad{{"00004", crmkit::unix_seconds(1998, 6, 1), 1.0},
                                             {"00004", crmkit::unix_seconds(1998, 6, 2), std::nan("")}};
  CHECK_THROWS_AS((void)state.append(bad, ro, bo), crmkit::error);
  CHECK(state.save() == before);
  const std::string_view unknown[] = {"no-such-id"};
  CHECK_THROWS_AS((void)state.rows(unknown, ro, bo), crmkit::error);
}

TEST_CASE("customer_state: the same errors as the single-pass functions") {
  customer_state s;
  crmkit::rfm_options ro;
  crmkit::btyd_summary_options bo;
  CHECK_THROWS_AS((void)s.rfm(ro), crmkit::error);
  CHECK_THROWS_AS((void)s.btyd(bo), crmkit::error);
  s.add("a", crmkit::unix_seconds(2020, 1, 1), 10.0);
  s.add("b", crmkit::unix_seconds(2020, 2, 1), -3.0);
  ro.as_of = crmkit::unix_seconds(2020, 1, 15);
  CHECK_THROWS_AS((void)s.rfm(ro), crmkit::error);  // as_of before the last transaction
  ro.as_of = crmkit::unix_seconds(2020, 3, 1);
  CHECK(s.rfm(ro).monetary[1] == -3.0);
  bo.calibration_end = crmkit::unix_seconds(2020, 3, 1);
  try {
    (void)s.btyd(bo);
    FAIL("a negative amount must be rejected");
  } catch (const crmkit::error& e) {
    CHECK(std::string(e.what()).find("customer 'b'") != std::string::npos);
  }
  CHECK_THROWS_AS(s.add("", 0, 1.0), crmkit::error);
  CHECK_THROWS_AS(s.add("x", 0, std::numeric_limits<double>::infinity()), crmkit::error);
  CHECK_THROWS_AS(s.add("x", std::numeric_limits<std::int64_t>::max(), 1.0), crmkit::error);
  customer_state big;
  big.add("z", 0, 3e16);
  big.add("z", 0, 3e16);
  ro.as_of = 86400;
  CHECK_THROWS_AS((void)big.rfm(ro), crmkit::error);
}

TEST_CASE("customer_state::load: damaged documents are errors, never crashes") {
  customer_state s;
  s.add("a", crmkit::unix_seconds(2020, 1, 1), 10.25);
  s.add("a", crmkit::unix_seconds(2020, 1, 9), 1.5);
  s.add("b", crmkit::unix_seconds(2021, 5, 1), 7.0);
  const std::string doc = s.save();
  CHECK(customer_state::load(doc).save() == doc);
  // Every proper prefix is an error naming a byte offset.
  for (std::size_t n = 0; n < doc.size(); ++n) {
    CAPTURE(n);
    try {
      (void)customer_state::load(std::string_view(doc).substr(0, n));
      FAIL("a truncated document loaded");
    } catch (const crmkit::error& e) {
      CHECK(e.code() == crmkit::errc::parse_error);
      CHECK(std::string(e.what()).find("customer_state::load") != std::string::npos);
    }
  }
  CHECK_THROWS_AS((void)customer_state::load(doc + "x"), crmkit::error);
  std::string v2 = doc;
  v2[8] = 2;
  try {
    (void)customer_state::load(v2);
    FAIL("version 2 loaded");
  } catch (const crmkit::error& e) {
    CHECK(e.code() == crmkit::errc::unsupported);
  }
  // Every single-byte change either loads (a different valid state) or throws crmkit::error.
  std::size_t rejected = 0;
  for (std::size_t i = 0; i < doc.size(); ++i)
    for (const int x : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
      std::string d = doc;
      d[i] = static_cast<char>(x);
      try {
        (void)customer_state::load(d).save();
      } catch (const crmkit::error&) {
        ++rejected;
      }
    }
  CHECK(rejected > doc.size());
  // A huge customer count in a short document is rejected before any allocation.
  CHECK_THROWS_AS((void)customer_state::load(std::string("CRMKITCS\x01\xff\xff\xff\xff\x0f", 13)), crmkit::error);
}
