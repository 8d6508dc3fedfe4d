// Compiled-mode definitions of crmkit/churn/logistic.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/logistic.hpp"
#include "crmkit/churn/logistic_impl.hpp"
