// Compiled-mode definitions of crmkit/geo/geodesic.hpp (Boost.Geometry stays in src/).
#define BOOST_ALLOW_DEPRECATED_HEADERS 1
#include "crmkit/geo/geodesic.hpp"
#include "crmkit/geo/geodesic_impl.hpp"
