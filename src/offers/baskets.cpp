// Compiled-mode definitions of crmkit/offers/baskets.hpp (fmt's src/format.cc pattern).
#include "crmkit/offers/baskets.hpp"
#include "crmkit/offers/baskets_impl.hpp"
