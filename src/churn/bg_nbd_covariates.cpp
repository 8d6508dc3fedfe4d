// Compiled-mode definitions of crmkit/churn/bg_nbd_covariates.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/bg_nbd_covariates.hpp"
#include "crmkit/churn/bg_nbd_covariates_impl.hpp"
