// Compiled-mode definitions of crmkit/churn/retention.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/retention.hpp"
#include "crmkit/churn/retention_impl.hpp"
