// Compiled-mode definitions of crmkit/churn/gamma_gamma_covariates.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/gamma_gamma_covariates.hpp"
#include "crmkit/churn/gamma_gamma_covariates_impl.hpp"
