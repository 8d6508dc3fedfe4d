// Compiled-mode definitions of crmkit/offers/implicit_als.hpp.
#include "crmkit/offers/implicit_als.hpp"
#include "crmkit/offers/implicit_als_impl.hpp"
