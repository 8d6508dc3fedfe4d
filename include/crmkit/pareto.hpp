/// @file crmkit/pareto.hpp
/// Module header for the 80/20 (Pareto) analysis of customer value: Lorenz curve, Gini,
/// top shares, key customers, ABC classes (overall and per segment) and low-return
/// customers.
///
/// `#include <crmkit/pareto.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::pareto_result p = crmkit::pareto(revenue_per_customer);
/// double top20 = p.share_of_top(0.2);
/// @endcode
#pragma once

#include "crmkit/pareto/pareto.hpp"
