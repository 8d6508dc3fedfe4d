// Model documents of the retention models (crmkit/core/model_document.hpp):
// retention_model::to_text and from_text. Compiled library only.
#include <fmt/format.h>

#include "crmkit/churn/retention.hpp"
#include "crmkit/core/detail/model_document_io.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

std::string retention_model::to_text() const {
  const auto p = params();  // throws not_fitted
  detail::document_writer w(name());
  w.section("params");
  const auto names = param_names();
  for (std::size_t i = 0; i < p.size(); ++i) w.number(names[i], p[i]);
  w.section("options");
  w.integer("max_iter", options_.max_iter);
  w.number("tol", options_.tol);
  w.integer("n_threads", options_.n_threads);
  w.number("parameter_bound", options_.parameter_bound);
  w.boolean("standard_errors", options_.standard_errors);
  w.numbers("initial_params", options_.initial_params);
  if (report_) w.report(*report_);
  return w.str();
}

retention_model retention_model::from_text(std::string_view text) {
  const detail::document_reader r(text, "");
  const std::string kind_name = r.text("", "model");
  const auto kind = retention_kind_from_name(kind_name);
  if (!kind) r.fail("", "model", fmt::format("'{}' is not a retention model (sbg, bdw)", kind_name));
  retention_model m(*kind);
  const auto names = m.param_names();
  std::vector<double> p;
  for (const char* n : names) p.push_back(r.positive("params", n));
  m.set_params(p);
  retention_options o;
  // The ranges are those of option_table<retention_options> (crmkit/core/option_table.hpp).
  const option_bounds max_iter = option_bounds_of<retention_options>(1);
  o.max_iter = static_cast<int>(r.integer("options", "max_iter", static_cast<std::int64_t>(max_iter.lo),
                                          static_cast<std::int64_t>(max_iter.hi)));
  o.tol = r.positive("options", "tol");
  o.n_threads = static_cast<int>(r.integer("options", "n_threads", 1, max_threads));
  o.parameter_bound = r.number("options", "parameter_bound");
  if (!(o.parameter_bound > 1)) r.fail("options", "parameter_bound", "must be > 1");
  o.standard_errors = r.boolean("options", "standard_errors");
  o.initial_params = r.numbers("options", "initial_params", std::nullopt);
  if (!o.initial_params.empty() && o.initial_params.size() != names.size())
    r.fail("options", "initial_params",
           fmt::format("{} values, expected 0 or {}", o.initial_params.size(), names.size()));
  for (double v : o.initial_params)
    if (!(v > 0)) r.fail("options", "initial_params", "start values must be > 0");
  m.options_ = o;
  m.report_ = r.report(names.size());
  return m;
}

CRMKIT_END_NAMESPACE
