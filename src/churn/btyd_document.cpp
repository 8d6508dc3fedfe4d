// Model documents of the BTYD models (crmkit/core/model_document.hpp): btyd_model::to_text,
// load_btyd_model and gamma_gamma's to_text / from_text. Compiled library only.
#include <fmt/format.h>

#include "crmkit/churn/btyd_model.hpp"
#include "crmkit/churn/gamma_gamma.hpp"
#include "crmkit/core/detail/model_document_io.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace {

void write_options(detail::document_writer& w, const fit_options& o) {
  w.section("options");
  w.integer("max_iter", o.max_iter);
  w.number("tol", o.tol);
  w.integer("n_threads", o.n_threads);
  w.number("parameter_bound", o.parameter_bound);
  w.boolean("standard_errors", o.standard_errors);
  w.numbers("initial_params", o.initial_params);
}

fit_options read_options(const detail::document_reader& r, std::size_t n_params) {
  fit_options o;
  // Ranges of max_iter and n_threads: the option table's (crmkit/core/option_table.hpp).
  const option_bounds max_iter = option_bounds_of<fit_options>(1);  // key 1: max_iter
  o.max_iter = static_cast<int>(r.integer("options", "max_iter", static_cast<std::int64_t>(max_iter.lo),
                                          static_cast<std::int64_t>(max_iter.hi)));
  o.tol = r.positive("options", "tol");
  o.n_threads = static_cast<int>(r.integer("options", "n_threads", 1, max_threads));
  o.parameter_bound = r.number("options", "parameter_bound");
  if (!(o.parameter_bound > 1)) r.fail("options", "parameter_bound", "must be > 1");
  o.standard_errors = r.boolean("options", "standard_errors");
  o.initial_params = r.numbers("options", "initial_params", std::nullopt);
  if (!o.initial_params.empty() && o.initial_params.size() != n_params)
    r.fail("options", "initial_params", fmt::format("{} values, expected 0 or {}", o.initial_params.size(), n_params));
  for (double v : o.initial_params)
    if (!(v > 0)) r.fail("options", "initial_params", "start values must be > 0");
  return o;
}

}  // namespace

std::string btyd_model::to_text() const {
  const auto p = params();  // throws not_fitted
  detail::document_writer w(name());
  w.section("params");
  const auto names = param_names();
  for (std::size_t i = 0; i < p.size(); ++i) w.number(names[i], p[i]);
  write_options(w, options_);
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
  model->options_ = read_options(probe, names.size());
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
  write_options(w, options_);
  w.text("zero_spend", options_.zero_spend == zero_spend_policy::drop ? "drop" : "reject");
  if (report_) w.report(*report_);
  return w.str();
}

gamma_gamma gamma_gamma::from_text(std::string_view text) {
  const detail::document_reader r(text, "gamma_gamma");
  gamma_gamma m({r.positive("params", "p"), r.positive("params", "q"), r.positive("params", "gamma")});
  m.options_ = read_options(r, 3);
  const auto policy = r.text("options", "zero_spend");
  if (policy != "reject" && policy != "drop") r.fail("options", "zero_spend", fmt::format("'{}' is not reject or drop", policy));
  m.options_.zero_spend = policy == "drop" ? zero_spend_policy::drop : zero_spend_policy::reject;
  m.report_ = r.report(3);
  return m;
}

CRMKIT_END_NAMESPACE
