// Compiled-mode definitions of crmkit/geo/density.hpp.
#include "crmkit/geo/density.hpp"
#include "crmkit/geo/density_impl.hpp"
