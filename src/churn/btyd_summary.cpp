// Compiled-mode definitions of crmkit/churn/btyd_summary.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/btyd_summary.hpp"
#include "crmkit/churn/btyd_summary_impl.hpp"
