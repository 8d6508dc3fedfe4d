// Compiled-mode definitions of crmkit/churn/metrics.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/metrics.hpp"
#include "crmkit/churn/metrics_impl.hpp"
