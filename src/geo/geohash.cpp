// Compiled-mode definitions of crmkit/geo/geohash.hpp.
#include "crmkit/geo/geohash.hpp"
#include "crmkit/geo/geohash_impl.hpp"
