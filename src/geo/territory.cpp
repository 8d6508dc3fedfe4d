// Compiled-mode definitions of crmkit/geo/territory.hpp.
#include "crmkit/geo/territory.hpp"
#include "crmkit/geo/territory_impl.hpp"
