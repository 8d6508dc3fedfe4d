// crmkit/c/pareto.h: the crmkit_pareto handle.
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "c_api_internal.hpp"
#include "crmkit/c/pareto.h"
#include "crmkit/pareto/pareto.hpp"

using namespace crmkit::capi;

struct crmkit_pareto {
  crmkit::pareto_options options;
  std::optional<crmkit::pareto_result> result;
  std::optional<crmkit::pareto_grouped> grouped;
};

namespace {


const crmkit::pareto_result& fitted_or_throw(const crmkit_pareto* p, const char* function) {
  if (!p->result) fail(errc::not_fitted, function, "no analysis yet; call crmkit_pareto_fit() first");
  return *p->result;
}

double statistic_of(const crmkit::pareto_summary& s, int32_t statistic, const char* function) {
  switch (statistic) {
    case CRMKIT_PARETO_N: return static_cast<double>(s.n);
    case CRMKIT_PARETO_TOTAL: return s.total;
    case CRMKIT_PARETO_GINI: return s.gini;
    case CRMKIT_PARETO_TOP_SHARE: return s.top_share;
    case CRMKIT_PARETO_KEY_CUSTOMERS: return static_cast<double>(s.key_customers);
    case CRMKIT_PARETO_KEY_CUSTOMER_SHARE: return s.key_customer_share;
    case CRMKIT_PARETO_A_COUNT: return static_cast<double>(s.abc_count[0]);
    case CRMKIT_PARETO_B_COUNT: return static_cast<double>(s.abc_count[1]);
    case CRMKIT_PARETO_C_COUNT: return static_cast<double>(s.abc_count[2]);
    default: break;
  }
  fail(function, "unknown statistic {}", statistic);
}

}  // namespace

extern "C" {

CRMKIT_C_CREATE_FREE(crmkit_pareto)
CRMKIT_C_OPTIONS(crmkit_pareto, pareto)

CRMKIT_API int crmkit_pareto_fit(crmkit_pareto* pareto, const double* values, size_t n, const int32_t* groups,
                                 size_t n_groups) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(pareto);
  pareto->result.reset();
  pareto->grouped.reset();
  CRMKIT_CHECK_NOT_NULL(values);
  const std::span<const double> v(values, n);
  auto result = crmkit::pareto(v, pareto->options);
  if (groups != nullptr)
    pareto->grouped = crmkit::pareto_by_group(v, std::span<const std::int32_t>(groups, n), n_groups, pareto->options);
  pareto->result = std::move(result);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_pareto_summary(const crmkit_pareto* pareto, int32_t statistic, double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(pareto, out);
  *out = statistic_of(fitted_or_throw(pareto, __func__), statistic, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_pareto_share_of_top(const crmkit_pareto* pareto, double p, double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(pareto, out);
  *out = fitted_or_throw(pareto, __func__).share_of_top(p);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_pareto_customers_for_share(const crmkit_pareto* pareto, double target, size_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(pareto, out);
  *out = fitted_or_throw(pareto, __func__).customers_for_share(target);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_pareto_lorenz_size(const crmkit_pareto* pareto, int32_t sampled, size_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(pareto, out);
  const auto& r = fitted_or_throw(pareto, __func__);
  *out = sampled ? r.lorenz_sample_x.size() : r.lorenz_x.size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_pareto_lorenz(const crmkit_pareto* pareto, int32_t sampled, double* out_x, double* out_y,
                                    size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(pareto, out_x, out_y);
  const auto& r = fitted_or_throw(pareto, __func__);
  const auto& x = sampled ? r.lorenz_sample_x : r.lorenz_x;
  const auto& y = sampled ? r.lorenz_sample_y : r.lorenz_y;
  check_capacity(n, x.size(), __func__, "n");
  std::copy(x.begin(), x.end(), out_x);
  std::copy(y.begin(), y.end(), out_y);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_pareto_abc(const crmkit_pareto* pareto, int32_t within_group, int32_t* out, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(pareto, out);
  const auto& r = fitted_or_throw(pareto, __func__);
  if (within_group && !pareto->grouped) fail(__func__, "within_group needs a fit with groups");
  const auto& abc = within_group ? pareto->grouped->abc : r.abc;
  check_capacity(n, abc.size(), __func__, "n");
  for (std::size_t i = 0; i < abc.size(); ++i) out[i] = static_cast<int32_t>(abc[i]);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_pareto_group_summary(const crmkit_pareto* pareto, int32_t statistic, double* out, size_t n) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(pareto, out);
  (void)fitted_or_throw(pareto, __func__);
  if (!pareto->grouped) fail(__func__, "the last fit had no groups");
  const auto& g = *pareto->grouped;
  if (statistic != CRMKIT_PARETO_VALUE_SHARE) (void)statistic_of(crmkit::pareto_summary{}, statistic, __func__);
  check_capacity(n, g.groups.size(), __func__, "n");
  for (std::size_t i = 0; i < g.groups.size(); ++i)
    out[i] = statistic == CRMKIT_PARETO_VALUE_SHARE ? g.value_share[i] : statistic_of(g.groups[i], statistic, __func__);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_pareto_low_return(const crmkit_pareto* pareto, const double* recency_days, const double* values,
                                        size_t n, double min_recency_days, double max_value, int32_t* out_flags) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(pareto, recency_days, values, out_flags);
  crmkit::low_return_options o;
  o.min_recency_days = min_recency_days;
  o.max_value = max_value;
  o.abc = pareto->options;
  const auto hits = crmkit::low_return_customers(std::span<const double>(recency_days, n),
                                                 std::span<const double>(values, n), o);
  std::fill(out_flags, out_flags + n, 0);
  for (auto i : hits) out_flags[i] = 1;
  CRMKIT_API_END();
}

}  // extern "C"
