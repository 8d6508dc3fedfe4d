// Compiled-mode definitions of crmkit/churn/gamma_gamma.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/gamma_gamma.hpp"
#include "crmkit/churn/gamma_gamma_impl.hpp"
