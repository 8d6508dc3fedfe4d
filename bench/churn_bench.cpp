// Benchmarks of the BTYD churn models (crmkit/churn.hpp): the BG/NBD fit on the CDNOW sample
// and on 1,000,000 simulated customers, the Pareto/NBD fit on CDNOW, P(alive) plus
// expected purchases for 10,000,000 customers, and the Pareto/NBD churn score (P(alive) and
// P(no purchase)) for 1,000,000 customers, each on 1 and 2 threads.
//
//   churn_bench [google-benchmark flags]
//   churn_bench --write-summary <file.csv>   writes the simulated 1,000,000-customer summary
//                                            (frequency,recency,T) for bench/churn_peer.py
//
// The simulated customers follow the BG/NBD process with the published CDNOW parameters
// (r = 0.243, alpha = 4.414, a = 0.793, b = 2.426): first purchases spread over the first 12
// weeks, a 39-week calibration, purchase times recorded in whole days as real logs are.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "crmkit/churn.hpp"
#include "crmkit/io/csv.hpp"

namespace {

struct rows {
  std::vector<double> x, tx, T;
};

rows simulate(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> lambda_dist(0.243, 1.0 / 4.414);
  std::gamma_distribution<double> ga(0.793, 1.0), gb(2.426, 1.0);
  std::uniform_int_distribution<int> start_day(0, 83);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  rows r;
  r.x.reserve(n);
  r.tx.reserve(n);
  r.T.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double lambda = lambda_dist(rng);
    const double g1 = ga(rng), g2 = gb(rng);
    const double p = g1 / (g1 + g2);
    const int t_days = 273 - start_day(rng);  // days from first purchase to the calibration end
    const double T = t_days / 7.0;
    double t = 0.0, x = 0.0;
    int last_day = 0;
    while (lambda > 0) {
      t += -std::log1p(-u01(rng)) / lambda;
      if (t > T) break;
      const int day = std::min(t_days, static_cast<int>(std::ceil(t * 7.0)));
      if (day != last_day) {  // same-day purchases merge
        x += 1;
        last_day = day;
      }
      if (u01(rng) < p) break;  // dropout after a repeat purchase
    }
    r.x.push_back(x);
    r.tx.push_back(last_day / 7.0);
    r.T.push_back(T);
  }
  return r;
}

const rows& million() {
  static const rows r = simulate(1000000, 42);
  return r;
}

// The bundled sample, found relative to this source file (CMake passes absolute paths).
std::string sample_path() {
  std::string here = __FILE__;
  const auto cut = here.rfind("bench/churn_bench.cpp");
  return (cut == std::string::npos ? std::string() : here.substr(0, cut)) + "examples/data/cdnow_sample.csv";
}

const crmkit::btyd_summary& cdnow() {
  static const crmkit::btyd_summary s = [] {
    crmkit::transaction_columns c;
    c.customer = "customer_id";
    c.time = "date";
    c.amount = "amount";
    const auto data = crmkit::read_transactions_csv(sample_path(), c);
    crmkit::btyd_summary_options o;
    o.calibration_end = crmkit::unix_seconds(1997, 9, 30);
    return crmkit::summarize_btyd(data.transactions(), o);
  }();
  return s;
}

void BM_bgnbd_fit_cdnow(benchmark::State& state) {
  const auto& s = cdnow();
  crmkit::fit_options o;
  o.standard_errors = false;
  for (auto _ : state) {
    crmkit::bg_nbd m;
    auto report = m.fit(s, o);
    benchmark::DoNotOptimize(report);
    if (!report.converged()) state.SkipWithError("no convergence");
  }
}
BENCHMARK(BM_bgnbd_fit_cdnow)->Unit(benchmark::kMillisecond);

void BM_paretonbd_fit_cdnow(benchmark::State& state) {
  const auto& s = cdnow();
  crmkit::fit_options o;
  o.standard_errors = false;
  for (auto _ : state) {
    crmkit::pareto_nbd m;
    auto report = m.fit(s, o);
    benchmark::DoNotOptimize(report);
  }
}
BENCHMARK(BM_paretonbd_fit_cdnow)->Unit(benchmark::kMillisecond);

// The covariate fits on CDNOW with one purchase and one dropout covariate (log of the mean
// spend, centred), standard errors included (they are part of what a user asks for): the
// cost beside the plain fits above (the covariate fits start from them).
const std::vector<double>& cdnow_covariate() {
  static const std::vector<double> z = [] {
    const auto& s = cdnow();
    std::vector<double> v(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) v[i] = std::log1p(s.monetary_value[i]) - 3.0;
    return v;
  }();
  return z;
}

void BM_bgnbd_covariates_fit_cdnow(benchmark::State& state) {
  const auto& s = cdnow();
  const auto& z = cdnow_covariate();
  for (auto _ : state) {
    crmkit::bg_nbd_covariates m;
    auto report = m.fit(s.frequency, s.recency, s.T, z, 1, z, 1);
    benchmark::DoNotOptimize(report);
    if (!report.converged()) state.SkipWithError("no convergence");
  }
}
BENCHMARK(BM_bgnbd_covariates_fit_cdnow)->Unit(benchmark::kMillisecond);

void BM_paretonbd_covariates_fit_cdnow(benchmark::State& state) {
  const auto& s = cdnow();
  const auto& z = cdnow_covariate();
  crmkit::fit_options o;
  o.n_threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    crmkit::pareto_nbd_covariates m;
    auto report = m.fit(s.frequency, s.recency, s.T, z, 1, z, 1, {}, o);
    benchmark::DoNotOptimize(report);
    if (!report.converged()) state.SkipWithError("no convergence");
  }
}
BENCHMARK(BM_paretonbd_covariates_fit_cdnow)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_gamma_gamma_covariates_fit_cdnow(benchmark::State& state) {
  const auto& s = cdnow();
  std::vector<double> z(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) z[i] = std::log1p(s.T[i]) - 3.5;  // a spend covariate
  for (auto _ : state) {
    crmkit::gamma_gamma_covariates m;
    auto report = m.fit(s.frequency, s.monetary_value, z, 1);
    benchmark::DoNotOptimize(report);
    if (!report.converged()) state.SkipWithError("no convergence");
  }
}
BENCHMARK(BM_gamma_gamma_covariates_fit_cdnow)->Unit(benchmark::kMillisecond);

void BM_bgnbd_fit_1m(benchmark::State& state) {
  const auto& r = million();
  crmkit::fit_options o;
  o.standard_errors = false;
  o.n_threads = static_cast<int>(state.range(0));
  crmkit::fit_report report;
  for (auto _ : state) {
    crmkit::bg_nbd m;
    report = m.fit(r.x, r.tx, r.T, {}, o);
    benchmark::DoNotOptimize(report);
  }
  state.counters["groups"] = static_cast<double>(report.n_groups);
  state.counters["iterations"] = report.iterations;
  state.counters["evaluations"] = report.evaluations;
}
BENCHMARK(BM_bgnbd_fit_1m)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_bgnbd_predict_10m(benchmark::State& state) {
  static const rows r = [] {
    rows big;
    const auto& m = million();
    for (int k = 0; k < 10; ++k) {
      big.x.insert(big.x.end(), m.x.begin(), m.x.end());
      big.tx.insert(big.tx.end(), m.tx.begin(), m.tx.end());
      big.T.insert(big.T.end(), m.T.begin(), m.T.end());
    }
    return big;
  }();
  const crmkit::bg_nbd model({0.243, 4.414, 0.793, 2.426});
  std::vector<double> alive(r.x.size()), expected(r.x.size());
  const int threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    model.p_alive(r.x, r.tx, r.T, alive, threads);
    model.conditional_expected_purchases(39.0, r.x, r.tx, r.T, expected, threads);
    benchmark::DoNotOptimize(alive.data());
    benchmark::DoNotOptimize(expected.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(r.x.size()));
}
BENCHMARK(BM_bgnbd_predict_10m)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// Pareto/NBD P(alive) and P(no purchase in 39 weeks), the churn score, for the 1,000,000
// simulated customers (published CDNOW Pareto/NBD parameters): both go through the
// likelihood's 2F1 term (two and four evaluations per customer).
void BM_paretonbd_churn_score_1m(benchmark::State& state) {
  const auto& r = million();
  const crmkit::pareto_nbd model({0.553, 10.578, 0.606, 11.669});
  std::vector<double> alive(r.x.size()), silent(r.x.size());
  const int threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    model.p_alive(r.x, r.tx, r.T, alive, threads);
    model.conditional_probability_no_purchase(39.0, r.x, r.tx, r.T, silent, threads);
    benchmark::DoNotOptimize(alive.data());
    benchmark::DoNotOptimize(silent.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(r.x.size()));
}
BENCHMARK(BM_paretonbd_churn_score_1m)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--write-summary") == 0) {
    const auto& r = million();
    std::FILE* f = std::fopen(argv[2], "w");
    if (f == nullptr) {
      std::perror(argv[2]);
      return 1;
    }
    std::fputs("frequency,recency,T\n", f);
    for (std::size_t i = 0; i < r.x.size(); ++i) std::fprintf(f, "%.17g,%.17g,%.17g\n", r.x[i], r.tx[i], r.T[i]);
    std::fclose(f);
    crmkit::bg_nbd m;
    const auto report = m.fit(r.x, r.tx, r.T);
    std::printf("wrote %zu rows to %s; crmkit fit: r=%.10g alpha=%.10g a=%.10g b=%.10g LL=%.10g (%s)\n", r.x.size(),
                argv[2], m.params().r, m.params().alpha, m.params().a, m.params().b, report.log_likelihood,
                crmkit::to_string(report.status));
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
