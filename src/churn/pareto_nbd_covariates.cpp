// Compiled-mode definitions of crmkit/churn/pareto_nbd_covariates.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/pareto_nbd_covariates.hpp"
#include "crmkit/churn/pareto_nbd_covariates_impl.hpp"
