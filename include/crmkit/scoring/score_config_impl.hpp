// Definitions for crmkit/scoring/score_config.hpp (JSON documents; TOML documents are
// converted to the same tree in src/scoring/score_config_toml.cpp).
// IWYU pragma: private, include "crmkit/scoring/score_config.hpp"
#pragma once

#include <charconv>
#include <initializer_list>
#include <utility>
#include <cmath>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "crmkit/core/option_table.hpp"
#include "crmkit/error.hpp"
#include "crmkit/scoring/score_config.hpp"

#define CRMKIT_LIFECYCLE_INTERNAL 1
#include "crmkit/lifecycle/detail/json.hpp"
#undef CRMKIT_LIFECYCLE_INTERNAL

CRMKIT_BEGIN_NAMESPACE

CRMKIT_FUNC double parse_span_days(std::string_view text, std::string_view what) {
  auto fail = [&](std::string_view why) -> double {
    throw error(errc::invalid_argument, fmt::format("{}: '{}': {} (write e.g. \"90 days\", \"13 weeks\", \"12 months\")",
                                                    what, text, why));
  };
  std::size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  double number = 0.0;
  const auto r = std::from_chars(text.data() + i, text.data() + text.size(), number);
  if (r.ec != std::errc()) return fail("does not start with a number");
  std::string_view unit = text.substr(static_cast<std::size_t>(r.ptr - text.data()));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  while (!unit.empty() && unit.back() == ' ') unit.remove_suffix(1);
  if (!std::isfinite(number) || !(number > 0)) return fail("the number must be finite and > 0");
  if (unit.empty()) return fail("no unit");
  if (unit == "day" || unit == "days" || unit == "d") return number;
  if (unit == "week" || unit == "weeks" || unit == "w") return number * 7.0;
  if (unit == "month" || unit == "months") return number * 365.25 / 12.0;
  if (unit == "year" || unit == "years" || unit == "y") return number * 365.25;
  return fail(fmt::format("unknown unit '{}' (day, week, month, year)", unit));
}

CRMKIT_FUNC void validate(const score_config& c) {
  auto bad = [](std::string_view field, std::string_view why) {
    throw error(errc::invalid_argument, fmt::format("score config: '{}' {}", field, why));
  };
  if (c.n_threads < 1 || c.n_threads > max_threads)
    bad("n_threads", fmt::format("= {} is outside [1, {}] (crmkit::max_threads)", c.n_threads, max_threads));
  if (c.rfm_bins < 2 || c.rfm_bins > 100) bad("rfm.bins", fmt::format("= {} is outside [2, 100]", c.rfm_bins));
  if (c.kmeans_k < 0 || c.kmeans_k > 1000) bad("kmeans.k", fmt::format("= {} is outside [1, 1000] (or \"auto\")", c.kmeans_k));
  if (c.kmeans_k == 0 && (c.kmeans_k_min < 2 || c.kmeans_k_max < c.kmeans_k_min || c.kmeans_k_max > 1000))
    bad("kmeans.k_min/k_max", fmt::format("= {}/{} must satisfy 2 <= k_min <= k_max <= 1000", c.kmeans_k_min, c.kmeans_k_max));
  if (!(c.abc_a > 0 && c.abc_a <= 1)) bad("pareto.abc_a", fmt::format("= {} is outside (0, 1]", c.abc_a));
  if (!(c.abc_b >= c.abc_a && c.abc_b <= 1)) bad("pareto.abc_b", fmt::format("= {} is outside [abc_a, 1]", c.abc_b));
  for (auto [name, days] : {std::pair{"btyd.period", c.btyd_period_days}, std::pair{"btyd.horizon", c.btyd_horizon_days},
                            std::pair{"clv.horizon", c.clv_horizon_days}})
    if (!std::isfinite(days) || !(days > 0) || days > 36525) bad(name, fmt::format("= {} days is outside (0, 100 years]", days));
  if (!(c.clv_annual_discount_rate > -1) || !std::isfinite(c.clv_annual_discount_rate))
    bad("clv.annual_discount_rate", fmt::format("= {} must be finite and > -1", c.clv_annual_discount_rate));
  if (!std::isfinite(c.clv_margin)) bad("clv.margin", "must be finite");
  if (!(c.interval_level == 0 || (c.interval_level > 0 && c.interval_level < 1)))
    bad("intervals.level", fmt::format("= {} must be 0 (no interval columns) or in (0, 1)", c.interval_level));
  if (!(c.lifecycle_decline_days > 0) || !(c.lifecycle_churn_days > c.lifecycle_decline_days) ||
      !std::isfinite(c.lifecycle_churn_days))
    bad("lifecycle.decline_days/churn_days", fmt::format("= {}/{} must satisfy 0 < decline_days < churn_days",
                                                         c.lifecycle_decline_days, c.lifecycle_churn_days));
  for (const auto& t : c.territories)
    if (t.name.empty() || t.shape.empty()) bad("geo.territories", "entries need a non-empty name and shape");
  for (const auto& r : c.reps)
    if (r.id.empty() || !(r.lon >= -180 && r.lon <= 180) || !(r.lat >= -90 && r.lat <= 90))
      bad("geo.reps", fmt::format("rep '{}' needs an id and lon in [-180, 180], lat in [-90, 90]", r.id));
}

namespace detail {

// Reads the document tree into a score_config; `format` ("JSON", "TOML") prefixes locations.
class score_document {
 public:
  explicit score_document(std::string_view format) : format_(format) {}

  score_config read(const json::value& root) const {
    score_config c;
    expect(root, "the document", json::kind::object);
    for (const auto& [key, v] : root.members) {
      if (key == "n_threads") c.n_threads = integer(v, key);
      else if (key == "rfm") {
        table(v, key, {"bins"});
        if (const auto* b = v.find("bins")) c.rfm_bins = integer(*b, "rfm.bins");
      } else if (key == "kmeans") {
        table(v, key, {"k", "k_min", "k_max", "seed"});
        if (const auto* k = v.find("k")) {
          if (k->type == json::kind::string && k->text == "auto") c.kmeans_k = 0;
          else c.kmeans_k = integer(*k, "kmeans.k");
        }
        if (const auto* k = v.find("k_min")) c.kmeans_k_min = integer(*k, "kmeans.k_min");
        if (const auto* k = v.find("k_max")) c.kmeans_k_max = integer(*k, "kmeans.k_max");
        if (const auto* s = v.find("seed")) c.kmeans_seed = static_cast<std::uint32_t>(integer(*s, "kmeans.seed"));
      } else if (key == "pareto") {
        table(v, key, {"abc_a", "abc_b"});
        if (const auto* a = v.find("abc_a")) c.abc_a = number(*a, "pareto.abc_a");
        if (const auto* b = v.find("abc_b")) c.abc_b = number(*b, "pareto.abc_b");
      } else if (key == "btyd") {
        table(v, key, {"model", "period", "horizon"});
        if (const auto* m = v.find("model")) {
          const std::string& name = string(*m, "btyd.model");
          if (name == "bg_nbd") c.btyd_model = btyd_model_kind::bg_nbd;
          else if (name == "pareto_nbd") c.btyd_model = btyd_model_kind::pareto_nbd;
          else if (name == "modified_bg_nbd") c.btyd_model = btyd_model_kind::modified_bg_nbd;
          else if (name == "none") c.btyd_model = btyd_model_kind::none;
          else fail(*m, fmt::format("'btyd.model' is '{}'; known models: bg_nbd, pareto_nbd, modified_bg_nbd, none", name));
        }
        if (const auto* p = v.find("period")) c.btyd_period_days = span(*p, "btyd.period");
        if (const auto* h = v.find("horizon")) c.btyd_horizon_days = span(*h, "btyd.horizon");
      } else if (key == "clv") {
        table(v, key, {"horizon", "annual_discount_rate", "margin"});
        if (const auto* h = v.find("horizon")) c.clv_horizon_days = span(*h, "clv.horizon");
        if (const auto* d = v.find("annual_discount_rate")) c.clv_annual_discount_rate = number(*d, "clv.annual_discount_rate");
        if (const auto* m = v.find("margin")) c.clv_margin = number(*m, "clv.margin");
      } else if (key == "intervals") {
        table(v, key, {"level"});
        if (const auto* l = v.find("level")) c.interval_level = number(*l, "intervals.level");
      } else if (key == "lifecycle") {
        table(v, key, {"model", "decline_days", "churn_days"});
        if (const auto* m = v.find("model")) {
          const std::string& name = string(*m, "lifecycle.model");
          if (name == "default") c.lifecycle = true;
          else if (name == "none") c.lifecycle = false;
          else fail(*m, fmt::format("'lifecycle.model' is '{}'; known: default, none", name));
        }
        if (const auto* d = v.find("decline_days")) c.lifecycle_decline_days = number(*d, "lifecycle.decline_days");
        if (const auto* d = v.find("churn_days")) c.lifecycle_churn_days = number(*d, "lifecycle.churn_days");
      } else if (key == "geo") {
        table(v, key, {"territories", "reps"});
        if (const auto* ts = v.find("territories")) {
          expect(*ts, "geo.territories", json::kind::array);
          for (const auto& t : ts->items) {
            table(t, "geo.territories[]", {"name", "shape"});
            score_territory out;
            if (const auto* n = t.find("name")) out.name = string(*n, "geo.territories[].name");
            if (const auto* s = t.find("shape")) out.shape = string(*s, "geo.territories[].shape");
            if (out.name.empty() || out.shape.empty()) fail(t, "a territory needs 'name' and 'shape'");
            c.territories.push_back(std::move(out));
          }
        }
        if (const auto* rs = v.find("reps")) {
          expect(*rs, "geo.reps", json::kind::array);
          for (const auto& r : rs->items) {
            table(r, "geo.reps[]", {"id", "lon", "lat"});
            score_rep out;
            const auto* id = r.find("id");
            const auto* lon = r.find("lon");
            const auto* lat = r.find("lat");
            if (!id || !lon || !lat) fail(r, "a rep needs 'id', 'lon' and 'lat'");
            out.id = string(*id, "geo.reps[].id");
            out.lon = number(*lon, "geo.reps[].lon");
            out.lat = number(*lat, "geo.reps[].lat");
            c.reps.push_back(std::move(out));
          }
        }
      } else {
        fail(v, fmt::format("unknown key '{}' (known: n_threads, rfm, kmeans, pareto, btyd, intervals, clv, lifecycle, geo)", key));
      }
    }
    validate(c);
    return c;
  }

 private:
  std::string_view format_;

  [[noreturn]] void fail(const json::value& v, const std::string& why) const {
    throw error(errc::invalid_argument, fmt::format("score config: {} line {} column {}: {}", format_, v.line, v.column, why));
  }
  void expect(const json::value& v, std::string_view key, json::kind k) const {
    if (v.type != k) fail(v, fmt::format("'{}' must be {}, not {}", key, json::kind_name(k), json::kind_name(v.type)));
  }
  void table(const json::value& v, std::string_view key, std::initializer_list<std::string_view> known) const {
    expect(v, key, json::kind::object);
    for (const auto& m : v.members) {
      bool ok = false;
      for (auto k : known) ok = ok || m.key == k;
      if (!ok) {
        std::string list;
        for (auto k : known) list += fmt::format("{}{}", list.empty() ? "" : ", ", k);
        fail(m.val, fmt::format("unknown key '{}' in '{}' (known: {})", m.key, key, list));
      }
    }
  }
  double number(const json::value& v, std::string_view key) const {
    expect(v, key, json::kind::number);
    if (!std::isfinite(v.number)) fail(v, fmt::format("'{}' must be finite", key));
    return v.number;
  }
  int integer(const json::value& v, std::string_view key) const {
    const double x = number(v, key);
    if (x != std::floor(x) || std::fabs(x) > 1e9) fail(v, fmt::format("'{}' must be a whole number, not {}", key, x));
    return static_cast<int>(x);
  }
  const std::string& string(const json::value& v, std::string_view key) const {
    expect(v, key, json::kind::string);
    return v.text;
  }
  double span(const json::value& v, std::string_view key) const {
    if (v.type == json::kind::number)
      fail(v, fmt::format("'{}' = {} has no unit; write e.g. \"{} days\" or \"{} weeks\"", key, v.number, v.number, v.number));
    const std::string& text = string(v, key);
    try {
      return parse_span_days(text, key);
    } catch (const error& e) {
      fail(v, e.what());
    }
  }
};

}  // namespace detail

CRMKIT_FUNC score_config score_config_from_json(std::string_view text) {
  return detail::score_document("JSON").read(detail::json::parse(text));
}

CRMKIT_END_NAMESPACE
