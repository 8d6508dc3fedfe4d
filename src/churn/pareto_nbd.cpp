// Compiled-mode definitions of crmkit/churn/pareto_nbd.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/pareto_nbd.hpp"
#include "crmkit/churn/pareto_nbd_impl.hpp"
