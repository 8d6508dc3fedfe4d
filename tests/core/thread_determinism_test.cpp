// Every threaded path on core/parallel_for.hpp gives bit-identical results for 1, 2, 3 and 7
// threads (docs/threading.md). The inputs are large enough for several chunks on each path.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "crmkit/churn.hpp"
#include "crmkit/geo.hpp"
#include "crmkit/lifecycle.hpp"
#include "crmkit/synth.hpp"

namespace {

constexpr int thread_counts[] = {2, 3, 7};

const crmkit::dataset& data() {
  static const crmkit::dataset d = [] {
    crmkit::synth_options o;
    o.seed = 5;
    o.n_customers = 20000;
    o.n_transactions = 60000;
    o.start_time = crmkit::unix_seconds(2023, 1, 1);
    o.end_time = crmkit::unix_seconds(2024, 1, 1);
    return crmkit::generate_transactions(o);
  }();
  return d;
}

const crmkit::btyd_summary& summary() {
  static const crmkit::btyd_summary s = [] {
    crmkit::btyd_summary_options o;
    o.calibration_end = crmkit::unix_seconds(2024, 1, 1);
    o.period_days = 1.0;
    return crmkit::summarize_btyd(data().transactions(), o);
  }();
  return s;
}

template <class Model>
void check_fit_identical() {
  crmkit::fit_options one;
  one.standard_errors = false;
  Model m1;
  const auto r1 = m1.fit(summary(), one);
  CHECK(r1.n_groups > 8192);  // several blocks of the likelihood
  for (int threads : thread_counts) {
    CAPTURE(threads);
    crmkit::fit_options o = one;
    o.n_threads = threads;
    Model mt;
    const auto rt = mt.fit(summary(), o);
    CHECK(rt.log_likelihood == r1.log_likelihood);
    const auto p1 = m1.params(), pt = mt.params();
    static_assert(sizeof p1 % sizeof(double) == 0);
    CHECK(std::memcmp(&p1, &pt, sizeof p1) == 0);  // every parameter, bit for bit
  }
}

}  // namespace

TEST_CASE("threads: BTYD fits are bit-identical for 1, 2, 3 and 7 threads") {
  REQUIRE(summary().size() > 8192);
  SUBCASE("bg_nbd") { check_fit_identical<crmkit::bg_nbd>(); }
  SUBCASE("modified_bg_nbd") { check_fit_identical<crmkit::modified_bg_nbd>(); }
}

TEST_CASE("threads: Pareto/NBD and Gamma-Gamma fits are bit-identical for 1, 2, 3 and 7 threads") {
  // Their likelihoods run in blocks of 1,024 rows: 2,100 rows are three blocks (Pareto/NBD is
  // the slow one to fit, hence the sample).
  const auto& s = summary();
  const std::size_t n = 2100;
  const std::span<const double> x(s.frequency.data(), n), tx(s.recency.data(), n), T(s.T.data(), n);
  std::vector<double> xp, mp;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s.frequency[i] > 0) {
      xp.push_back(s.frequency[i]);
      mp.push_back(s.monetary_value[i]);
    }
  crmkit::fit_options one;
  one.standard_errors = false;
  crmkit::pareto_nbd p1;
  crmkit::gamma_gamma g1;
  const auto rp1 = p1.fit(x, tx, T, {}, one);
  const auto rg1 = g1.fit(xp, mp, {}, one);
  for (int threads : thread_counts) {
    CAPTURE(threads);
    crmkit::fit_options o = one;
    o.n_threads = threads;
    crmkit::pareto_nbd pt;
    crmkit::gamma_gamma gt;
    CHECK(pt.fit(x, tx, T, {}, o).log_likelihood == rp1.log_likelihood);
    CHECK(gt.fit(xp, mp, {}, o).log_likelihood == rg1.log_likelihood);
    const auto a = p1.params(), b = pt.params();
    CHECK(std::memcmp(&a, &b, sizeof a) == 0);
    const auto c = g1.params(), d = gt.params();
    CHECK(std::memcmp(&c, &d, sizeof c) == 0);
  }
}

TEST_CASE("threads: BTYD batch predictions and CLV are bit-identical for 1, 2, 3 and 7 threads") {
  const auto& s = summary();
  crmkit::bg_nbd model;
  (void)model.fit(s);
  std::vector<double> x, m;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s.frequency[i] > 0) {
      x.push_back(s.frequency[i]);
      m.push_back(s.monetary_value[i]);
    }
  crmkit::gamma_gamma spend;
  (void)spend.fit(x, m);
  std::vector<double> p1(s.size()), e1(s.size()), clv1(s.size());
  model.p_alive(s.frequency, s.recency, s.T, p1, 1);
  model.conditional_expected_purchases(30, s.frequency, s.recency, s.T, e1, 1);
  crmkit::customer_lifetime_value(model, spend, s, clv1);
  for (int threads : thread_counts) {
    CAPTURE(threads);
    std::vector<double> pt(s.size()), et(s.size()), clvt(s.size());
    model.p_alive(s.frequency, s.recency, s.T, pt, threads);
    model.conditional_expected_purchases(30, s.frequency, s.recency, s.T, et, threads);
    crmkit::clv_options o;
    o.n_threads = threads;
    crmkit::customer_lifetime_value(model, spend, s, clvt, o);
    CHECK(pt == p1);
    CHECK(et == e1);
    CHECK(clvt == clv1);
  }
}

TEST_CASE("threads: lifecycle evaluation logs the same hops for 1, 2, 3 and 7 threads") {
  auto model = std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model());
  const std::size_t n = data().n_customers();
  REQUIRE(n > 16384);
  auto run = [&](std::size_t threads) {
    crmkit::lifecycle_machine machine(model, n, crmkit::unix_seconds(2023, 1, 1), {threads});
    for (int month : {3, 6, 9, 12}) {
      const std::int64_t at = crmkit::unix_seconds(2023, 1, 1) + std::int64_t{month} * 30 * crmkit::seconds_per_day;
      const auto metrics = crmkit::compute_metrics(data().transactions(), at);
      crmkit::lifecycle_columns columns;
      columns.add_metrics(metrics);
      machine.evaluate(at, columns);
    }
    std::vector<std::int64_t> flat;
    for (const auto& r : machine.log()) {
      flat.push_back(r.at);
      flat.push_back(r.customer);
      flat.push_back(r.rule);
      flat.push_back(r.from);
      flat.push_back(r.to);
    }
    return flat;
  };
  const auto one = run(1);
  CHECK(one.size() > 5 * 1000);
  for (int threads : thread_counts) {
    CAPTURE(threads);
    CHECK(run(static_cast<std::size_t>(threads)) == one);
  }
}

TEST_CASE("threads: territory tests and rep lookups are identical for 1, 2, 3 and 7 threads") {
  std::vector<double> lon, lat;
  for (std::size_t i = 0; i < 200000; ++i) {
    lon.push_back(2.0 + 0.7 * std::fmod(static_cast<double>(i) * 0.618033988749895, 1.0));
    lat.push_back(48.6 + 0.5 * std::fmod(static_cast<double>(i) * 0.4142135623730951, 1.0));
  }
  const auto area = crmkit::territory::parse("POLYGON((2.2 48.7, 2.5 48.7, 2.5 49.0, 2.2 49.0, 2.2 48.7))");
  const auto inside1 = area.contains(lon, lat, 1);
  std::vector<double> rlon, rlat;
  for (int r = 0; r < 40; ++r) {
    rlon.push_back(2.0 + 0.017 * r);
    rlat.push_back(48.6 + 0.012 * r);
  }
  crmkit::rep_roster reps(rlon, rlat);
  const std::span<const double> some_lon(lon.data(), 3000), some_lat(lat.data(), 3000);
  const auto near1 = reps.nearest_available_batch(some_lon, some_lat, 3, {}, 1);
  for (int threads : thread_counts) {
    CAPTURE(threads);
    CHECK(area.contains(lon, lat, static_cast<std::size_t>(threads)) == inside1);
    const auto neart = reps.nearest_available_batch(some_lon, some_lat, 3, {}, static_cast<std::size_t>(threads));
    CHECK(neart.ids == near1.ids);
    CHECK(neart.distances_m == near1.distances_m);
  }
}

TEST_CASE("threads: a threaded lifecycle machine copied, re-threaded and restarted logs the same hops") {
  // The machine keeps its worker threads between evaluations; a copy starts without them,
  // set_threads replaces them, restart keeps them.
  auto model = std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model());
  const std::size_t n = data().n_customers();
  const std::int64_t start = crmkit::unix_seconds(2023, 1, 1);
  auto step = [&](crmkit::lifecycle_machine& machine, int month) {
    const std::int64_t at = start + std::int64_t{month} * 30 * crmkit::seconds_per_day;
    const auto metrics = crmkit::compute_metrics(data().transactions(), at);  // the columns borrow it
    crmkit::lifecycle_columns columns;
    columns.add_metrics(metrics);
    machine.evaluate(at, columns);
  };
  auto flat = [](const crmkit::lifecycle_machine& machine) {
    std::vector<std::int64_t> out;
    for (const auto& r : machine.log()) out.insert(out.end(), {r.at, r.customer, r.rule, r.from, r.to});
    return out;
  };
  crmkit::lifecycle_machine serial(model, n, start, {1});
  for (int month : {3, 6, 9}) step(serial, month);
  crmkit::lifecycle_machine a(model, n, start, {2});
  step(a, 3);
  crmkit::lifecycle_machine b = a;  // copy of a machine that has its threads
  step(a, 6);
  step(b, 6);
  b.set_threads(3);
  step(a, 9);
  step(b, 9);
  CHECK(flat(a) == flat(serial));
  CHECK(flat(b) == flat(serial));
  crmkit::lifecycle_machine c(model, n, start, {1});
  c = a;  // copy assignment
  c.restart(start);
  for (int month : {3, 6, 9}) step(c, month);
  CHECK(flat(c) == flat(serial));
  CHECK(c.options().n_threads == 2);
}
