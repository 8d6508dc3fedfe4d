// Model documents of the BTYD models (crmkit/core/model_document.hpp): btyd_model::to_text,
// load_btyd_model and gamma_gamma's to_text / from_text. Compiled library only.
#include <fmt/format.h>

#include "crmkit/churn/btyd_model.hpp"
#include "crmkit/churn/gamma_gamma.hpp"
#include "crmkit/core/detail/model_document_io.hpp"
#include "crmkit/error.hpp"
#include "fit_options_document.hpp"

CRMKIT_BEGIN_NAMESPACE

std::string btyd_model::to_text() const {
  const auto p = params();  // throws not_fitted
  detail::document_writer w(name());
  w.section("params");
  const auto names = param_names();
  for (std::size_t i = 0; i < p.size(); ++i) w.number(names[i], p[i]);
  detail::write_fit_options(w, options_);
  if (report_) w.report(*report_);
  return w.str();
}

std::unique_ptr<btyd_model> load_btyd_model(std::string_view text) {
  const detail::document_reader probe(text, "");
  const std::string kind = probe.text("", "model");
  const auto k = btyd_kind_from_name(kind);
  if (!k || *k == btyd_kind::gamma_gamma)
    probe.fail("", "model", fmt::format("'{}' is not a BTYD purchase model (bg_nbd, pareto_nbd, modified_bg_nbd, bg_bb)",
                                        kind));
  auto model = make_btyd_model(*k);
  const auto names = model->param_names();
  std::vector<double> p;
  for (const char* name : names) p.push_back(probe.positive("params", name));
  model->set_params(p);
  model->options_ = detail::read_fit_options<fit_options>(probe, names.size());
  model->report_ = probe.report(names.size());
  return model;
}

std::string gamma_gamma::to_text() const {
  const auto& p = params();
  detail::document_writer w("gamma_gamma");
  w.section("params");
  w.number("p", p.p);
  w.number("q", p.q);
  w.number("gamma", p.gamma);
  detail::write_fit_options(w, options_);
  w.text("zero_spend", options_.zero_spend == zero_spend_policy::drop ? "drop" : "reject");
  if (report_) w.report(*report_);
  return w.str();
}

gamma_gamma gamma_gamma::from_text(std::string_view text) {
  const detail::document_reader r(text, "gamma_gamma");
  gamma_gamma m({r.positive("params", "p"), r.positive("params", "q"), r.positive("params", "gamma")});
  m.options_ = detail::read_fit_options<fit_options>(r, 3);
  const auto policy = r.text("options", "zero_spend");
  if (policy != "reject" && policy != "drop") r.fail("options", "zero_spend", fmt::format("'{}' is not reject or drop", policy));
  m.options_.zero_spend = policy == "drop" ? zero_spend_policy::drop : zero_spend_policy::reject;
  m.report_ = r.report(3);
  return m;
}

CRMKIT_END_NAMESPACE
