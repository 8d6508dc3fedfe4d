// Compiled-mode definitions of crmkit/churn/validation.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/validation.hpp"
#include "crmkit/churn/validation_impl.hpp"
