// The model documents of the BTYD covariate models (crmkit/core/model_document.hpp):
// bg_nbd_covariates and pareto_nbd_covariates to_text / from_text. Compiled library only.
#include <array>
#include <span>
#include <utility>

#include <fmt/format.h>

#include "crmkit/churn/bg_nbd_covariates.hpp"
#include "crmkit/churn/gamma_gamma_covariates.hpp"
#include "crmkit/churn/pareto_nbd_covariates.hpp"
#include "crmkit/core/detail/model_document_io.hpp"
#include "crmkit/error.hpp"
#include "fit_options_document.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace {

// [params]: the four base parameters and the weight vectors; [covariates]: p_purchase,
// p_dropout, l2 and the start values (weights of any sign, so not in [options], which holds
// positive start values only); [options]; [fit_report].
void write_covariate_document(detail::document_writer& w, std::span<const char* const> base_names,
                              const std::vector<double>& p,
                              const std::vector<std::pair<const char*, std::vector<double>>>& weights,
                              std::size_t p1, std::size_t p2, double l2, const fit_options& options,
                              const fit_report* report) {
  w.section("params");
  for (std::size_t k = 0; k < base_names.size(); ++k) w.number(base_names[k], p[k]);
  for (const auto& [key, g] : weights) w.numbers(key, g);
  w.section("covariates");
  w.integer("p_purchase", static_cast<std::int64_t>(p1));
  w.integer("p_dropout", static_cast<std::int64_t>(p2));
  w.number("l2", l2);
  w.numbers("initial_params", options.initial_params);
  fit_options o = options;
  o.initial_params.clear();
  detail::write_fit_options(w, o);
  if (report != nullptr) w.report(*report);
}

struct covariate_document {
  std::vector<double> params;
  std::size_t p1 = 0, p2 = 0;
  double l2 = 0;
  fit_options options;
  std::optional<fit_report> report;
};

covariate_document read_covariate_document(const detail::document_reader& r,
                                           std::span<const char* const> base_names,
                                           const std::vector<std::pair<const char*, bool>>& weight_keys) {
  constexpr std::int64_t max_columns = 1 << 20;
  covariate_document d;
  d.p1 = static_cast<std::size_t>(r.integer("covariates", "p_purchase", 0, max_columns));
  d.p2 = static_cast<std::size_t>(r.integer("covariates", "p_dropout", 0, max_columns));
  for (const char* name : base_names) d.params.push_back(r.positive("params", name));
  for (const auto& [key, purchase] : weight_keys) {
    const auto g = r.numbers("params", key, purchase ? d.p1 : d.p2);
    d.params.insert(d.params.end(), g.begin(), g.end());
  }
  d.l2 = r.number("covariates", "l2");
  if (!(d.l2 >= 0)) r.fail("covariates", "l2", "must be >= 0");
  d.options = detail::read_fit_options<fit_options>(r, d.params.size());
  d.options.initial_params = r.numbers("covariates", "initial_params", std::nullopt);
  if (!d.options.initial_params.empty() && d.options.initial_params.size() != d.params.size())
    r.fail("covariates", "initial_params",
           fmt::format("{} values, expected 0 or {}", d.options.initial_params.size(), d.params.size()));
  d.report = r.report(d.params.size());
  return d;
}

constexpr std::array<const char*, 4> bg_names{"r", "alpha0", "a0", "b0"};
constexpr std::array<const char*, 4> pareto_names{"r", "alpha0", "s", "beta0"};
constexpr std::array<const char*, 3> spend_names{"p", "q", "gamma0"};

}  // namespace

std::string bg_nbd_covariates::to_text() const {
  const auto p = params();  // throws not_fitted
  detail::document_writer w("bg_nbd_covariates");
  write_covariate_document(w, bg_names, p, {{"gamma_purchase", gamma_purchase_}, {"gamma_a", gamma_a_}, {"gamma_b", gamma_b_}},
                           gamma_purchase_.size(), gamma_a_.size(), l2_, options_, report());
  return w.str();
}

bg_nbd_covariates bg_nbd_covariates::from_text(std::string_view text) {
  const detail::document_reader r(text, "bg_nbd_covariates");
  auto d = read_covariate_document(r, bg_names, {{"gamma_purchase", true}, {"gamma_a", false}, {"gamma_b", false}});
  bg_nbd_covariates m;
  m.set_params(d.params, d.p1, d.p2, d.l2);
  m.options_ = std::move(d.options);
  m.report_ = std::move(d.report);
  return m;
}

std::string pareto_nbd_covariates::to_text() const {
  const auto p = params();  // throws not_fitted
  detail::document_writer w("pareto_nbd_covariates");
  write_covariate_document(w, pareto_names, p, {{"gamma_purchase", gamma_purchase_}, {"gamma_dropout", gamma_dropout_}},
                           gamma_purchase_.size(), gamma_dropout_.size(), l2_, options_, report());
  return w.str();
}

pareto_nbd_covariates pareto_nbd_covariates::from_text(std::string_view text) {
  const detail::document_reader r(text, "pareto_nbd_covariates");
  auto d = read_covariate_document(r, pareto_names, {{"gamma_purchase", true}, {"gamma_dropout", false}});
  pareto_nbd_covariates m;
  m.set_params(d.params, d.p1, d.p2, d.l2);
  m.options_ = std::move(d.options);
  m.report_ = std::move(d.report);
  return m;
}

std::string gamma_gamma_covariates::to_text() const {
  const auto p = params();  // throws not_fitted
  detail::document_writer w("gamma_gamma_covariates");
  write_covariate_document(w, spend_names, p, {{"delta", delta_}}, delta_.size(), 0, l2_, options_, report());
  w.section("spend");
  w.text("zero_spend", options_.zero_spend == zero_spend_policy::drop ? "drop" : "reject");
  return w.str();
}

gamma_gamma_covariates gamma_gamma_covariates::from_text(std::string_view text) {
  const detail::document_reader r(text, "gamma_gamma_covariates");
  auto d = read_covariate_document(r, spend_names, {{"delta", true}});
  gamma_gamma_covariates m;
  m.set_params(d.params, d.p1, d.l2);
  m.options_ = std::move(d.options);
  const auto policy = r.text("spend", "zero_spend");
  if (policy != "reject" && policy != "drop") r.fail("spend", "zero_spend", fmt::format("'{}' is not reject or drop", policy));
  m.options_.zero_spend = policy == "drop" ? zero_spend_policy::drop : zero_spend_policy::reject;
  m.report_ = std::move(d.report);
  return m;
}

CRMKIT_END_NAMESPACE
