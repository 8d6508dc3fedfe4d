// The [options] section of the churn models' documents (crmkit/core/model_document.hpp):
// the BTYD fit_options and the retention models' retention_options share these fields
// (max_iter, tol, n_threads, parameter_bound, standard_errors, initial_params), written and
// read by this one pair. Internal to src/churn; compiled library only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "crmkit/core/detail/model_document_io.hpp"
#include "crmkit/core/option_table.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

template <class Options>
void write_fit_options(document_writer& w, const Options& o) {
  w.section("options");
  w.integer("max_iter", o.max_iter);
  w.number("tol", o.tol);
  w.integer("n_threads", o.n_threads);
  w.number("parameter_bound", o.parameter_bound);
  w.boolean("standard_errors", o.standard_errors);
  w.numbers("initial_params", o.initial_params);
  // The multi-start and fallback options (issue 17) only when they differ from the
  // defaults, so that documents of default fits stay as they were; absent means default.
  const Options d{};
  if (o.n_starts != d.n_starts) w.integer("n_starts", o.n_starts);
  if (o.seed != d.seed) w.integer("seed", o.seed);
  if (o.fallback != d.fallback) w.boolean("fallback", o.fallback);
}

/// `n_params` start values at most (0 or n_params).
template <class Options>
Options read_fit_options(const document_reader& r, std::size_t n_params) {
  Options o{};
  // Ranges of max_iter and n_threads: the option table's (crmkit/core/option_table.hpp).
  const option_bounds max_iter = option_bounds_of<Options>(1);  // key 1: max_iter in both tables
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
  if (r.has_key("options", "n_starts")) o.n_starts = static_cast<int>(r.integer("options", "n_starts", 1, 1000));
  if (r.has_key("options", "seed"))
    o.seed = static_cast<std::uint32_t>(r.integer("options", "seed", 0, 4294967295LL));
  if (r.has_key("options", "fallback")) o.fallback = r.boolean("options", "fallback");
  return o;
}

}  // namespace detail
CRMKIT_END_NAMESPACE
