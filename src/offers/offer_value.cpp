// Compiled-mode definitions of crmkit/offers/offer_value.hpp.
#include "crmkit/offers/offer_value.hpp"
#include "crmkit/offers/offer_value_impl.hpp"
