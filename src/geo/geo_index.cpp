// Compiled-mode definitions of crmkit/geo/geo_index.hpp; the only translation unit that
// pays for Boost.Geometry.
#include "crmkit/geo/geo_index.hpp"
#include "crmkit/geo/geo_index_impl.hpp"
