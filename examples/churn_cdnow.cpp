// Buy-till-you-die churn models on the bundled CDNOW sample: fit BG/NBD, Pareto/NBD,
// modified BG/NBD and Gamma-Gamma on the 39-week calibration period (1997-01-01..1997-09-30),
// print the parameters beside the published ones, check the predictions and the churn scores
// (P(no purchase) under BG/NBD and Pareto/NBD) against the 39-week hold-out, and list the valuable customers most at risk of having gone silent.
//
// Usage: example_churn_cdnow [path/to/cdnow_sample.csv]
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/crmkit.hpp"

#ifndef CRMKIT_EXAMPLE_DATA_DIR
#  define CRMKIT_EXAMPLE_DATA_DIR "examples/data"
#endif

namespace {
void row(const char* name, double fitted, double published) {
  fmt::print("  {:<8} {:>9.3f} {:>11.3f}\n", name, fitted, published);
}
const char* status(const crmkit::fit_report& r) { return crmkit::to_string(r.status); }
}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : CRMKIT_EXAMPLE_DATA_DIR "/cdnow_sample.csv";
  try {
    crmkit::transaction_columns columns;
    columns.customer = "customer_id";
    columns.time = "date";
    columns.amount = "amount";
    const crmkit::dataset data = crmkit::read_transactions_csv(path, columns);

    // Weeks, same-day purchases merged; calibration to 1997-09-30, hold-out to 1998-06-30.
    crmkit::btyd_summary_options options;
    options.calibration_end = crmkit::unix_seconds(1997, 9, 30);
    options.holdout_end = crmkit::unix_seconds(1998, 6, 30);
    const crmkit::btyd_summary s = crmkit::summarize_btyd(data.transactions(), options);
    const std::size_t n = s.size();
    fmt::print("{} customers, {} repeat buyers in calibration\n\n", n,
               std::count_if(s.frequency.begin(), s.frequency.end(), [](double x) { return x > 0; }));

    crmkit::bg_nbd bg;
    const auto rb = bg.fit(s);
    fmt::print("BG/NBD ({}, {} iterations, LL {:.1f}; published -9582.4)\n  param       fitted   published\n", status(rb),
               rb.iterations, rb.log_likelihood);
    row("r", bg.params().r, 0.243);
    row("alpha", bg.params().alpha, 4.414);
    row("a", bg.params().a, 0.793);
    row("b", bg.params().b, 2.426);

    crmkit::pareto_nbd pn;
    const auto rp = pn.fit(s);
    fmt::print("Pareto/NBD ({}, LL {:.1f})\n", status(rp), rp.log_likelihood);
    row("r", pn.params().r, 0.553);
    row("alpha", pn.params().alpha, 10.578);
    row("s", pn.params().s, 0.606);
    row("beta", pn.params().beta, 11.669);

    crmkit::modified_bg_nbd mbg;
    const auto rm = mbg.fit(s);
    fmt::print("Modified BG/NBD ({}, LL {:.1f})\n", status(rm), rm.log_likelihood);
    row("r", mbg.params().r, 0.525);
    row("alpha", mbg.params().alpha, 6.183);
    row("a", mbg.params().a, 0.891);
    row("b", mbg.params().b, 1.614);

    crmkit::gamma_gamma gg;
    const auto rg = gg.fit(s.frequency, s.monetary_value);
    fmt::print("Gamma-Gamma ({}, {} repeat buyers)\n", status(rg), rg.n_rows);
    row("p", gg.params().p, 6.25);
    row("q", gg.params().q, 3.74);
    row("gamma", gg.params().gamma, 15.44);
    fmt::print("BG/NBD E[Y(39) | x=2, t_x=30.43, T=38.86] with the published parameters: {:.3f} (published 1.226)\n\n",
               crmkit::bg_nbd({0.243, 4.414, 0.793, 2.426}).conditional_expected_purchases(39, 2, 30.43, 38.86));

    // Hold-out check. The churn score is P(no purchase in the next 39 weeks), not 1 - P(alive):
    // BG/NBD gives every one-time buyer P(alive) = 1.
    const double t = s.duration_holdout;
    std::vector<double> expected(n), silent(n), alive(n), dead(n);
    bg.conditional_expected_purchases(t, s.frequency, s.recency, s.T, expected);
    bg.conditional_probability_no_purchase(t, s.frequency, s.recency, s.T, silent);
    bg.p_alive(s.frequency, s.recency, s.T, alive);
    for (std::size_t i = 0; i < n; ++i) dead[i] = 1 - alive[i];
    const auto check = crmkit::validate_holdout(s.frequency, expected, s.frequency_holdout, silent);
    const auto naive = crmkit::validate_holdout(s.frequency, expected, s.frequency_holdout, dead);
    // The same score under Pareto/NBD (its P(no purchase) integrates over the dropout time).
    std::vector<double> pn_expected(n), pn_silent(n);
    pn.conditional_expected_purchases(t, s.frequency, s.recency, s.T, pn_expected);
    pn.conditional_probability_no_purchase(t, s.frequency, s.recency, s.T, pn_silent);
    const auto pn_check = crmkit::validate_holdout(s.frequency, pn_expected, s.frequency_holdout, pn_silent);
    fmt::print("hold-out ({:.0f} weeks): {:.0f} repeat purchases predicted by BG/NBD, {:.0f} by Pareto/NBD, {:.0f} actual; "
               "{} of {} customers silent\n",
               t, check.predicted_total, pn_check.predicted_total, check.actual_total, check.silent, n);
    fmt::print("  churn score AUC: BG/NBD P(no purchase) {:.3f}; Pareto/NBD P(no purchase) {:.3f}; BG/NBD 1 - P(alive) {:.3f}\n",
               check.auc, pn_check.auc, naive.auc);
    fmt::print("  BG/NBD P(n purchases in the next 39 weeks) for x=2, t_x=30.43, T=38.86:");
    for (int k = 0; k <= 4; ++k) fmt::print(" {}: {:.3f}", k, bg.conditional_probability_of_purchases(k, t, 2, 30.43, 38.86));
    fmt::print("\n");
    fmt::print("  x    customers  actual  predicted (mean hold-out purchases)\n");
    for (std::size_t k = 0; k < check.by_frequency.size(); ++k) {
      const auto& b = check.by_frequency[k];
      fmt::print("  {:<3}  {:>9}  {:>6.2f}  {:>9.2f}\n", k + 1 == check.by_frequency.size() ? fmt::format("{}+", k) : fmt::format("{}", k),
                 b.customers, b.actual_mean, b.predicted_mean);
    }

    // Valuable customers at risk: the top fifth by 12-month CLV, ranked by P(no purchase).
    std::vector<double> clv(n);
    crmkit::customer_lifetime_value(bg, gg, s, clv);  // 12 months of 30.415 days; the model's unit from s
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return clv[a] > clv[b]; });
    order.resize(n / 5);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return silent[a] > silent[b]; });
    fmt::print("\nmost at risk among the {} most valuable customers (12-month CLV, 1%/month)\n", order.size());
    fmt::print("  customer    x   t_x     T   P(alive)  P(silent 39w)  CLV      bought in hold-out\n");
    for (std::size_t k = 0; k < 10 && k < order.size(); ++k) {
      const std::size_t i = order[k];
      fmt::print("  {:<8} {:>4.0f} {:>5.1f} {:>5.1f}   {:>6.3f}   {:>10.3f}    {:>7.2f}   {:.0f}\n",
                 data.customers().id(s.customer[i]), s.frequency[i], s.recency[i], s.T[i], alive[i], silent[i], clv[i],
                 s.frequency_holdout[i]);
    }
    return 0;
  } catch (const crmkit::error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
