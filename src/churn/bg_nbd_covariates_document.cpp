// The model document of bg_nbd_covariates (crmkit/core/model_document.hpp): to_text and
// from_text. Compiled library only.
#include <fmt/format.h>

#include "crmkit/churn/bg_nbd_covariates.hpp"
#include "crmkit/core/detail/model_document_io.hpp"
#include "crmkit/error.hpp"
#include "fit_options_document.hpp"

CRMKIT_BEGIN_NAMESPACE

std::string bg_nbd_covariates::to_text() const {
  const auto& b = base_params();  // throws not_fitted
  detail::document_writer w("bg_nbd_covariates");
  w.section("params");
  w.number("r", b.r);
  w.number("alpha0", b.alpha);
  w.number("a0", b.a);
  w.number("b0", b.b);
  w.numbers("gamma_purchase", gamma_purchase_);
  w.numbers("gamma_a", gamma_a_);
  w.numbers("gamma_b", gamma_b_);
  w.section("covariates");
  w.integer("p_purchase", static_cast<std::int64_t>(gamma_purchase_.size()));
  w.integer("p_dropout", static_cast<std::int64_t>(gamma_a_.size()));
  w.number("l2", l2_);
  // Start values hold weights of any sign: kept here, not in [options] (positive values only).
  w.numbers("initial_params", options_.initial_params);
  fit_options o = options_;
  o.initial_params.clear();
  detail::write_fit_options(w, o);
  if (report_) w.report(*report_);
  return w.str();
}

bg_nbd_covariates bg_nbd_covariates::from_text(std::string_view text) {
  const detail::document_reader r(text, "bg_nbd_covariates");
  constexpr std::int64_t max_columns = 1 << 20;
  const auto p1 = static_cast<std::size_t>(r.integer("covariates", "p_purchase", 0, max_columns));
  const auto p2 = static_cast<std::size_t>(r.integer("covariates", "p_dropout", 0, max_columns));
  std::vector<double> p = {r.positive("params", "r"), r.positive("params", "alpha0"), r.positive("params", "a0"),
                           r.positive("params", "b0")};
  for (const auto& [key, size] : {std::pair{"gamma_purchase", p1}, std::pair{"gamma_a", p2}, std::pair{"gamma_b", p2}}) {
    const auto g = r.numbers("params", key, size);
    p.insert(p.end(), g.begin(), g.end());
  }
  const double l2 = r.number("covariates", "l2");
  if (!(l2 >= 0)) r.fail("covariates", "l2", "must be >= 0");
  bg_nbd_covariates m;
  m.set_params(p, p1, p2, l2);
  m.options_ = detail::read_fit_options<fit_options>(r, p.size());
  m.options_.initial_params = r.numbers("covariates", "initial_params", std::nullopt);
  if (!m.options_.initial_params.empty() && m.options_.initial_params.size() != p.size())
    r.fail("covariates", "initial_params",
           fmt::format("{} values, expected 0 or {}", m.options_.initial_params.size(), p.size()));
  m.report_ = r.report(p.size());
  return m;
}

CRMKIT_END_NAMESPACE
