// Definitions of crmkit/churn/btyd_model.hpp: one adapter template over the four purchase
// models; where a model lacks a batch function the adapter evaluates its scalar one with
// detail::batch_apply after checking every row on the calling thread (a scalar function
// that throws must not do so inside a worker).
// IWYU pragma: private, include "crmkit/churn/btyd_model.hpp"
#pragma once

#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "crmkit/churn/bg_bb.hpp"
#include "crmkit/churn/bg_nbd.hpp"
#include "crmkit/churn/btyd_model.hpp"
#include "crmkit/churn/detail/btyd_adapter.hpp"
#include "crmkit/churn/modified_bg_nbd.hpp"
#include "crmkit/churn/pareto_nbd.hpp"
#include "crmkit/error.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC double btyd_model::probability_of_n_purchases(int n, double t) const {
  const double zero[1] = {0.0};
  double out[1] = {0.0};
  conditional_probability_of_n_purchases_up_to_time(n, t, zero, zero, zero, out, 1);
  return out[0];
}

CRMKIT_FUNC std::unique_ptr<btyd_model> make_btyd_model(btyd_kind kind) {
  switch (kind) {
    case btyd_kind::bg_nbd: return std::make_unique<detail::btyd_adapter<bg_nbd>>();
    case btyd_kind::pareto_nbd: return std::make_unique<detail::btyd_adapter<pareto_nbd>>();
    case btyd_kind::modified_bg_nbd: return std::make_unique<detail::btyd_adapter<modified_bg_nbd>>();
    case btyd_kind::bg_bb: return std::make_unique<detail::btyd_adapter<bg_bb>>();
    case btyd_kind::gamma_gamma:
      throw error(errc::invalid_argument,
                  "make_btyd_model: gamma_gamma is a spend model, not a purchase model (use crmkit::gamma_gamma)");
  }
  throw error(errc::invalid_argument, fmt::format("make_btyd_model: unknown model kind {}", static_cast<int>(kind)));
}

CRMKIT_FUNC std::unique_ptr<btyd_model> make_btyd_model(std::string_view name) {
  const auto kind = btyd_kind_from_name(name);
  if (!kind || *kind == btyd_kind::gamma_gamma)
    throw error(errc::invalid_argument,
                fmt::format("make_btyd_model: unknown model '{}'; expected bg_nbd, pareto_nbd, modified_bg_nbd or bg_bb",
                            name));
  return make_btyd_model(*kind);
}

CRMKIT_END_NAMESPACE
