// Compiled-mode definitions of crmkit/geo/geodesic.hpp (GeographicLib stays in src/).
#include "crmkit/geo/geodesic.hpp"
#include "crmkit/geo/geodesic_impl.hpp"
