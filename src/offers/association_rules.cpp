// Compiled-mode definitions of crmkit/offers/association_rules.hpp.
#include "crmkit/offers/association_rules.hpp"
#include "crmkit/offers/association_rules_impl.hpp"
