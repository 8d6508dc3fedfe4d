// Compiled-mode definitions of crmkit/churn/clv_intervals.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/clv_intervals.hpp"
#include "crmkit/churn/clv_intervals_impl.hpp"
