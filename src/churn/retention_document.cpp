// Model documents of the retention models (crmkit/core/model_document.hpp):
// retention_model::to_text and from_text. Compiled library only.
#include <fmt/format.h>

#include "crmkit/churn/retention.hpp"
#include "crmkit/core/detail/model_document_io.hpp"
#include "crmkit/error.hpp"
#include "fit_options_document.hpp"

CRMKIT_BEGIN_NAMESPACE

std::string retention_model::to_text() const {
  const auto p = params();  // throws not_fitted
  detail::document_writer w(name());
  w.section("params");
  const auto names = param_names();
  for (std::size_t i = 0; i < p.size(); ++i) w.number(names[i], p[i]);
  detail::write_fit_options(w, options_);
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
  m.options_ = detail::read_fit_options<retention_options>(r, names.size());
  m.report_ = r.report(names.size());
  return m;
}

CRMKIT_END_NAMESPACE
