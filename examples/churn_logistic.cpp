// Supervised churn scoring on the IBM Telco churn sample (tests/data/churn/): one-hot
// categoricals, standardised numerics, an L2 logistic regression evaluated by stratified
// 5-fold cross-validation (ROC-AUC, KS, Brier), the lift table of the out-of-fold scores,
// Platt calibration and the strongest churn drivers.
//
//   example_churn_logistic tests/data/churn/Telco-Customer-Churn.csv
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crmkit/churn/logistic.hpp"
#include "crmkit/churn/metrics.hpp"
#include "crmkit/error.hpp"

namespace {

// The Telco file has no quoted fields (see tests/data/churn/README.md), so a split on
// commas reads it; crmkit's CSV reader is for transactions and customers only.
std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string field;
  while (std::getline(ss, field, ',')) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

struct telco {
  crmkit::logistic_matrix x;  // numerics first (raw), then one-hot columns
  std::vector<double> y;
  std::vector<std::string> names;
  std::size_t n_numeric = 0;
};

telco load(const char* path) {
  std::ifstream in(path);
  if (!in) throw crmkit::error(crmkit::errc::io_error, fmt::format("cannot open {}", path));
  std::string line;
  std::getline(in, line);
  const auto header = split(line);
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto r = split(line);
    if (r.size() != header.size())
      throw crmkit::error(crmkit::errc::parse_error, fmt::format("{}: line {} has {} fields, the header {}", path,
                                                                 rows.size() + 2, r.size(), header.size()));
    rows.push_back(std::move(r));
  }
  const std::set<std::string> numeric = {"tenure", "MonthlyCharges", "TotalCharges", "SeniorCitizen"};
  std::vector<std::size_t> num_cols, cat_cols;
  std::size_t churn_col = 0;
  for (std::size_t j = 0; j < header.size(); ++j) {
    if (header[j] == "customerID") continue;
    if (header[j] == "Churn")
      churn_col = j;
    else if (numeric.count(header[j]))
      num_cols.push_back(j);
    else
      cat_cols.push_back(j);
  }
  // Levels of each categorical in sorted order (as scikit-learn's OneHotEncoder).
  std::vector<std::vector<std::string>> levels;
  telco t;
  for (std::size_t j : num_cols) t.names.push_back(header[j]);
  for (std::size_t j : cat_cols) {
    std::set<std::string> s;
    for (const auto& r : rows) s.insert(r[j]);
    levels.emplace_back(s.begin(), s.end());
    for (const auto& l : levels.back()) t.names.push_back(header[j] + "=" + l);
  }
  t.n_numeric = num_cols.size();
  const auto n = static_cast<Eigen::Index>(rows.size());
  t.x = crmkit::logistic_matrix::Zero(n, static_cast<Eigen::Index>(t.names.size()));
  t.y.resize(rows.size());
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto& r = rows[static_cast<std::size_t>(i)];
    Eigen::Index c = 0;
    for (std::size_t j : num_cols) {
      // TotalCharges is a single space for the 11 customers with tenure 0: no charges yet.
      const bool blank = r[j].find_first_not_of(' ') == std::string::npos;
      t.x(i, c++) = blank ? 0.0 : std::stod(r[j]);
    }
    for (std::size_t k = 0; k < cat_cols.size(); ++k) {
      const auto& lv = levels[k];
      const auto pos = std::lower_bound(lv.begin(), lv.end(), r[cat_cols[k]]) - lv.begin();
      t.x(i, c + pos) = 1.0;
      c += static_cast<Eigen::Index>(lv.size());
    }
    t.y[static_cast<std::size_t>(i)] = r[churn_col] == "Yes" ? 1.0 : 0.0;
  }
  return t;
}

std::uint64_t splitmix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Stratified k-fold: each class shuffled (seeded Fisher-Yates), then dealt round-robin.
std::vector<int> stratified_folds(const std::vector<double>& y, int k, std::uint64_t seed) {
  std::vector<int> fold(y.size());
  for (double cls : {0.0, 1.0}) {
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (y[i] == cls) idx.push_back(i);
    for (std::size_t i = idx.size(); i > 1; --i) std::swap(idx[i - 1], idx[splitmix(seed) % i]);
    for (std::size_t r = 0; r < idx.size(); ++r) fold[idx[r]] = static_cast<int>(r % static_cast<std::size_t>(k));
  }
  return fold;
}

// Standardises the numeric columns with the training rows' mean and population sd; the
// one-hot columns stay 0/1 (the reference recipe in tests/data/churn/README.md).
void standardise_numerics(crmkit::logistic_matrix& train, crmkit::logistic_matrix& test, std::size_t n_numeric) {
  for (Eigen::Index j = 0; j < static_cast<Eigen::Index>(n_numeric); ++j) {
    const double mean = train.col(j).mean();
    const double sd = std::sqrt((train.col(j).array() - mean).square().mean());
    train.col(j) = (train.col(j).array() - mean) / sd;
    // (An empty matrix has no storage: even a view of its column is pointer arithmetic on null.)
    if (test.rows() > 0) test.col(j) = (test.col(j).array() - mean) / sd;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s Telco-Customer-Churn.csv\n", argv[0]);
    return 2;
  }
  try {
    const telco t = load(argv[1]);
    const auto n = t.y.size();
    fmt::print("{} customers, {} features ({} numeric, {} one-hot), churn rate {:.2f} %\n", n, t.names.size(),
               t.n_numeric, t.names.size() - t.n_numeric,
               100.0 * std::accumulate(t.y.begin(), t.y.end(), 0.0) / static_cast<double>(n));

    constexpr int k = 5;
    const auto fold = stratified_folds(t.y, k, 42);
    std::vector<double> oof(n), oof_logit(n);  // out-of-fold P(churn) and log-odds
    double auc_sum = 0;
    crmkit::logistic_options opt;
    opt.C = 1.0;
    opt.standardize = false;  // numerics standardised per fold above; one-hot left as 0/1
    for (int f = 0; f < k; ++f) {
      std::vector<Eigen::Index> train_rows, test_rows;
      for (std::size_t i = 0; i < n; ++i) (fold[i] == f ? test_rows : train_rows).push_back(static_cast<Eigen::Index>(i));
      crmkit::logistic_matrix xtr = t.x(train_rows, Eigen::all), xte = t.x(test_rows, Eigen::all);
      standardise_numerics(xtr, xte, t.n_numeric);
      std::vector<double> ytr, yte;
      for (auto i : train_rows) ytr.push_back(t.y[static_cast<std::size_t>(i)]);
      for (auto i : test_rows) yte.push_back(t.y[static_cast<std::size_t>(i)]);
      crmkit::logistic_regression model(opt);
      const auto rep = model.fit(xtr, ytr);
      const Eigen::VectorXd p = model.predict_proba(xte);
      const std::vector<double> pv(p.data(), p.data() + p.size());
      std::vector<double> logit(pv.size());
      model.decision_function(xte, logit);
      const double auc = crmkit::roc_auc(yte, pv);
      auc_sum += auc;
      for (std::size_t r = 0; r < test_rows.size(); ++r) {
        oof[static_cast<std::size_t>(test_rows[r])] = pv[r];
        oof_logit[static_cast<std::size_t>(test_rows[r])] = logit[r];
      }
      fmt::print("fold {}: {} / {} rows, {} in {} Newton iterations, ROC-AUC {:.4f}, KS {:.3f}, Brier {:.4f}\n", f,
                 train_rows.size(), test_rows.size(), crmkit::to_string(rep.status), rep.iterations, auc,
                 crmkit::ks_statistic(yte, pv), crmkit::brier_score(yte, pv));
    }
    fmt::print("stratified {}-fold CV: mean ROC-AUC {:.4f} (scikit-learn reference on its own folds: 0.845)\n", k,
               auc_sum / k);

    fmt::print("\nLift by decile of the out-of-fold scores (decile 1 = highest risk):\n");
    fmt::print("{:>6} {:>6} {:>8} {:>9} {:>6} {:>8} {:>8}\n", "decile", "rows", "churners", "rate", "lift", "gains",
               "cum.lift");
    const auto table = crmkit::lift_table(t.y, oof);
    for (std::size_t b = 0; b < table.size(); ++b) {
      const auto& r = table[b];
      fmt::print("{:>6} {:>6} {:>8} {:>8.1f}% {:>6.2f} {:>7.1f}% {:>8.2f}\n", b + 1, r.rows, r.positives,
                 100 * r.response_rate, r.lift, 100 * r.cumulative_gain, r.cumulative_lift);
    }
    fmt::print("top-decile lift {:.2f}, KS {:.3f}, Brier {:.4f} over all out-of-fold scores\n",
               crmkit::top_decile_lift(t.y, oof), crmkit::ks_statistic(t.y, oof), crmkit::brier_score(t.y, oof));
    // Platt scaling of the log-odds (as scikit-learn's CalibratedClassifierCV does with a
    // decision function): a close to -1 and b close to 0 mean the model is already calibrated.
    const auto cal = crmkit::platt_fit(oof_logit, t.y);
    std::vector<double> calibrated(n);
    cal.transform(oof_logit, calibrated);
    fmt::print("Platt calibration of the out-of-fold log-odds: a = {:.3f}, b = {:.3f}; Brier {:.4f} -> {:.4f}\n",
               cal.a, cal.b, crmkit::brier_score(t.y, oof), crmkit::brier_score(t.y, calibrated));

    // The model on all customers; the strongest drivers by standardised coefficient.
    crmkit::logistic_matrix all = t.x, none(0, t.x.cols());
    standardise_numerics(all, none, t.n_numeric);
    crmkit::logistic_regression model(opt);
    const auto rep = model.fit(all, t.y);
    fmt::print("\nModel on all {} customers: {} in {} iterations (gradient norm {:.2e}); strongest drivers:\n", n,
               crmkit::to_string(rep.status), rep.iterations, rep.gradient_norm);
    std::vector<std::size_t> order(t.names.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    const auto& w = model.standardized_coef();
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::abs(w[static_cast<Eigen::Index>(a)]) > std::abs(w[static_cast<Eigen::Index>(b)]);
    });
    for (std::size_t r = 0; r < 8; ++r)
      fmt::print("  {:<45} {:+.3f}\n", t.names[order[r]], w[static_cast<Eigen::Index>(order[r])]);
    // The model survives a text round trip bit for bit.
    const auto back = crmkit::logistic_regression::from_text(model.to_text());
    const Eigen::VectorXd p0 = model.predict_proba(all), p1 = back.predict_proba(all);
    fmt::print("serialised model predicts identical bits: {}\n", p0 == p1 ? "yes" : "NO");
    return p0 == p1 ? 0 : 1;
  } catch (const crmkit::error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
