// Compiled-mode definitions of crmkit/geo/customers.hpp.
#include "crmkit/geo/customers.hpp"
#include "crmkit/geo/customers_impl.hpp"
