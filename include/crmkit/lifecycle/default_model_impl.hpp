// Definitions for crmkit/lifecycle/default_model.hpp. Included by that header in
// header-only mode and by src/lifecycle/default_model.cpp otherwise.
// IWYU pragma: private, include "crmkit/lifecycle/default_model.hpp"
#pragma once

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/lifecycle/default_model.hpp"

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC model_spec default_lifecycle_spec(const default_model_options& o) {
  auto check = [](const char* name, double v) {
    if (!std::isfinite(v) || v < 0.0)
      throw error(errc::invalid_argument,
                  fmt::format("default_lifecycle_model: option {} is {}; it must be finite and >= 0", name, v));
  };
  check("decline_days", o.decline_days);
  check("churn_days", o.churn_days);
  check("decline_gap_multiple", o.decline_gap_multiple);
  check("churn_gap_multiple", o.churn_gap_multiple);
  check("formation_orders", o.formation_orders);
  check("stability_orders", o.stability_orders);
  check("stability_tenure_days", o.stability_tenure_days);
  check("settle_days", o.settle_days);
  if (!(o.churn_days > o.decline_days))
    throw error(errc::invalid_argument, fmt::format("default_lifecycle_model: churn_days ({}) must exceed decline_days ({})",
                                                    o.churn_days, o.decline_days));
  // {:.17g} keeps every threshold exact in the guard text.
  auto active = [&](double days, double k) {
    return o.scale_to_gap ? fmt::format("(recency_days <= {:.17g} or recency_days <= {:.17g} * median_gap_days)", days, k)
                          : fmt::format("recency_days <= {:.17g}", days);
  };
  auto inactive = [&](double days, double k) {
    return o.scale_to_gap
               ? fmt::format("recency_days > {:.17g} and (missing(median_gap_days) or recency_days > {:.17g} * median_gap_days)",
                             days, k)
               : fmt::format("recency_days > {:.17g}", days);
  };
  const std::string act = active(o.decline_days, o.decline_gap_multiple);
  model_spec s;
  s.states = {"prospect", "exploration", "formation", "stability", "decline", "churned", "won_back"};
  s.initial = "prospect";
  s.policy = rule_policy::first_match;
  s.no_skip_chain = {"prospect", "exploration", "formation", "stability"};
  s.cascade = o.cascade;
  // Inactivity rules can only become true as time passes; the others can become true on a
  // purchase, so they also run on purchase events (the stage is entered at the purchase).
  auto add = [&](std::string name, std::vector<std::string> from, std::string to, std::string g,
                 transition_trigger on) {
    transition_spec t;
    t.name = std::move(name);
    t.from = std::move(from);
    t.to = std::move(to);
    t.guard = std::move(g);
    t.on = on;
    s.transitions.push_back(std::move(t));
  };
  constexpr auto time_only = transition_trigger::time, any = transition_trigger::any;
  add("first_purchase", {"prospect"}, "exploration", "orders >= 1", any);
  add("lapse", {"exploration", "formation", "stability", "won_back"}, "decline",
      inactive(o.decline_days, o.decline_gap_multiple), time_only);
  add("churn", {"decline"}, "churned", inactive(o.churn_days, o.churn_gap_multiple), time_only);
  add("recover", {"decline"}, std::string(history_target), act, any);
  add("win_back", {"churned"}, "won_back", act, any);
  add("form", {"exploration"}, "formation", fmt::format("orders >= {:.17g} and {}", o.formation_orders, act), any);
  add("stabilise", {"formation"}, "stability",
      fmt::format("orders >= {:.17g} and tenure_days >= {:.17g} and {}", o.stability_orders, o.stability_tenure_days, act),
      any);
  add("resettle", {"won_back"}, "formation", fmt::format("stage_days >= {:.17g} and {}", o.settle_days, act), any);
  return s;
}

CRMKIT_FUNC lifecycle_model default_lifecycle_model(const default_model_options& options) {
  return lifecycle_model::from_spec(default_lifecycle_spec(options));
}

CRMKIT_END_NAMESPACE
