// Compiled-mode definitions of crmkit/churn/group_forecast.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/group_forecast.hpp"
#include "crmkit/churn/group_forecast_impl.hpp"
