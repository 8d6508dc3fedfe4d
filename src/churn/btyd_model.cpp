// Compiled-mode definitions of crmkit/churn/btyd_model.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/btyd_model.hpp"
#include "crmkit/churn/btyd_model_impl.hpp"
