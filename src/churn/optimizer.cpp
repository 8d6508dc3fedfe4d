// Compiled-mode definitions of crmkit/churn/detail/optimizer.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/detail/optimizer.hpp"
#include "crmkit/churn/detail/optimizer_impl.hpp"
