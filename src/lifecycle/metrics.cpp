// Compiled-mode definitions of crmkit/lifecycle/metrics.hpp (fmt's src/format.cc pattern).
#include "crmkit/lifecycle/metrics.hpp"
#include "crmkit/lifecycle/metrics_impl.hpp"
