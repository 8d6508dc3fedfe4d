// Compiled-mode definitions of crmkit/churn/new_customer.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/new_customer.hpp"
#include "crmkit/churn/new_customer_impl.hpp"
