// Helpers for the churn tests: the CDNOW fixtures (tests/data/cdnow, see its README).
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "crmkit/churn.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/io/csv.hpp"

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

}  // namespace churn_test
