// The model document of a logistic regression (crmkit/core/model_document.hpp):
// logistic_regression::to_text / from_text. Compiled library only.
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

#include <fmt/format.h>

#include "crmkit/churn/logistic.hpp"
#include "crmkit/core/detail/model_document_io.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace {
constexpr const char* kind = "logistic_regression";

std::span<const double> span_of(const Eigen::VectorXd& v) {
  return {v.data(), static_cast<std::size_t>(v.size())};
}
}  // namespace

std::string logistic_regression::to_text() const {
  check_fitted("logistic_regression::to_text");
  detail::document_writer w(kind);
  w.section("params");  // the standardised problem: z = intercept + sum_j coef_j (x_j - mean_j) / scale_j
  w.integer("n_features", static_cast<std::int64_t>(coef_.size()));
  w.number("intercept", intercept_);
  w.numbers("coef", span_of(coef_));
  w.numbers("means", span_of(means_));
  w.numbers("scales", span_of(scales_));
  w.section("options");
  detail::write_options(w, options_);
  w.report(report_);
  return w.str();
}

logistic_regression logistic_regression::from_text(std::string_view text) {
  const detail::document_reader r(text, kind);
  const auto d = static_cast<std::size_t>(r.integer("params", "n_features", 0, std::int64_t{1} << 40));
  logistic_regression m(detail::read_options<logistic_options>(r, "options"));
  m.intercept_ = r.number("params", "intercept");
  const auto vector = [&](const char* key, Eigen::VectorXd& out) {
    const auto values = r.numbers("params", key, d);
    out = Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
  };
  vector("coef", m.coef_);
  vector("means", m.means_);
  vector("scales", m.scales_);
  for (Eigen::Index j = 0; j < m.scales_.size(); ++j)
    if (!(m.scales_[j] > 0.0)) r.fail("params", "scales", fmt::format("scale {} is {}; scales must be > 0", j, m.scales_[j]));
  const auto report = r.report(0);
  if (!report) r.fail("fit_report", "status", "the section [fit_report] is missing");
  m.report_ = *report;
  m.fitted_ = true;
  return m;
}

CRMKIT_END_NAMESPACE
