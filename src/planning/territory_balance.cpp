// Compiled-mode definitions of crmkit/planning/territory_balance.hpp (fmt's src/format.cc pattern).
#include "crmkit/planning/territory_balance.hpp"
#include "crmkit/planning/territory_balance_impl.hpp"
