// Compiled-mode definitions of crmkit/churn/covariate_forecasts.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/covariate_forecasts.hpp"
#include "crmkit/churn/covariate_forecasts_impl.hpp"
