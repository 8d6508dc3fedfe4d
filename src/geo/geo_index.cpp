// Compiled-mode definitions of crmkit/geo/geo_index.hpp (the kd-tree of
// crmkit/geo/detail/kdtree.hpp and GeographicLib stay out of the public header).
#include "crmkit/geo/geo_index.hpp"
#include "crmkit/geo/geo_index_impl.hpp"
