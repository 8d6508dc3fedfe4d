// Compiled-mode definitions of crmkit/offers/weighting.hpp.
#include "crmkit/offers/weighting.hpp"
#include "crmkit/offers/weighting_impl.hpp"
