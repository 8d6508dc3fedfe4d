// Helpers for the churn tests: the CDNOW fixtures (tests/data/cdnow, see its README) and the
// BG/NBD customer simulator of the simulation tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "crmkit/churn.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/io/csv.hpp"
#include "crmkit/synth/random.hpp"

namespace churn_test {

inline std::string fixture(const std::string& name) { return std::string(CRMKIT_SOURCE_DIR) + "/tests/data/cdnow/" + name; }

/// A numeric CSV with a header: column name -> values.
inline std::map<std::string, std::vector<double>> read_numeric_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  auto chomp = [](std::string& l) {
    while (!l.empty() && (l.back() == '\r' || l.back() == '\n')) l.pop_back();
  };
  std::getline(in, line);
  chomp(line);
  std::vector<std::string> names;
  {
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) names.push_back(cell);
  }
  std::map<std::string, std::vector<double>> table;
  while (std::getline(in, line)) {
    chomp(line);
    if (line.empty()) continue;
    std::stringstream ss(line);
    std::string cell;
    for (std::size_t k = 0; k < names.size() && std::getline(ss, cell, ','); ++k) table[names[k]].push_back(std::stod(cell));
  }
  return table;
}

/// The bundled CDNOW sample log (examples/data/cdnow_sample.csv).
inline crmkit::dataset cdnow_sample() {
  crmkit::transaction_columns columns;
  columns.customer = "customer_id";
  columns.time = "date";
  columns.amount = "amount";
  return crmkit::read_transactions_csv(std::string(CRMKIT_SOURCE_DIR) + "/examples/data/cdnow_sample.csv", columns);
}

/// The published conventions: weeks, calibration to 1997-09-30, hold-out to 1998-06-30.
inline crmkit::btyd_summary cdnow_summary() {
  crmkit::btyd_summary_options options;
  options.calibration_end = crmkit::unix_seconds(1997, 9, 30);
  options.holdout_end = crmkit::unix_seconds(1998, 6, 30);
  return crmkit::summarize_btyd(cdnow_sample().transactions(), options);
}

/// One simulated customer: repeat purchases x, time of the last t_x, age T.
struct simulated_customer {
  double x = 0, tx = 0, T = 0;
};

/// One customer of BG/NBD(r, alpha, a, b) from `rng`, in this order of draws: the age
/// T = t_min + t_span u (weeks; default uniform in [26, 52]), lambda = Gamma(r) / alpha, g1 = Gamma(a), g2 = Gamma(b) (dropout
/// probability g1 / (g1 + g2)), then exponential waiting times and a uniform dropout draw
/// after each purchase until the age or the dropout.
inline simulated_customer draw_bg_nbd_customer(crmkit::detail::synth::random_stream& rng, double r, double alpha,
                                               double a, double b, double t_min = 26, double t_span = 26) {
  namespace synth = crmkit::detail::synth;
  simulated_customer c;
  c.T = t_min + t_span * rng.uniform();
  const double lambda = synth::sample_gamma(rng, r) / alpha;
  const double g1 = synth::sample_gamma(rng, a), g2 = synth::sample_gamma(rng, b);
  const double drop = g1 / (g1 + g2);
  double clock = 0;
  while (lambda > 0) {
    clock += synth::sample_exponential(rng) / lambda;
    if (clock > c.T) break;
    c.x += 1;
    c.tx = clock;
    if (rng.uniform() < drop) break;
  }
  return c;
}

/// The mean of x Gamma-Gamma(p, q, gamma) transaction values drawn from `rng` after the
/// customer's nu = Gamma(q) / gamma (0 when x is 0; nu is drawn all the same).
inline double draw_mean_spend(crmkit::detail::synth::random_stream& rng, double x, double p, double q, double gamma) {
  namespace synth = crmkit::detail::synth;
  const double nu = synth::sample_gamma(rng, q) / gamma;
  double sum = 0;
  for (int j = 0; j < static_cast<int>(x); ++j) sum += synth::sample_gamma(rng, p) / nu;
  return x > 0 ? sum / x : 0.0;
}

/// n simulated customers as columns; m (mean spend) only when spend was simulated.
struct simulated_rows {
  std::vector<double> x, tx, T, m;
};

/// n customers from BG/NBD(bg = r, alpha, a, b), customer i from random_stream(seed, stream,
/// i) (draw_bg_nbd_customer); with gg = (p, q, gamma) also each customer's mean spend
/// (draw_mean_spend, after the purchases on the same stream).
inline simulated_rows simulate_bg_nbd(std::size_t n, const double bg[4], std::uint64_t seed, std::uint64_t stream,
                                      const double* gg = nullptr) {
  simulated_rows d;
  for (std::size_t i = 0; i < n; ++i) {
    crmkit::detail::synth::random_stream rng(seed, stream, i);
    const simulated_customer c = draw_bg_nbd_customer(rng, bg[0], bg[1], bg[2], bg[3]);
    d.x.push_back(c.x);
    d.tx.push_back(c.tx);
    d.T.push_back(c.T);
    if (gg != nullptr) d.m.push_back(draw_mean_spend(rng, c.x, gg[0], gg[1], gg[2]));
  }
  return d;
}

}  // namespace churn_test
