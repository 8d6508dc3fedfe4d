// Compiled-mode definitions of crmkit/geo/geo_index.hpp; the only translation unit that
// pays for Boost.Geometry. Boost 1.74's geometry still includes a few headers Boost marks
// deprecated; their "#pragma message" notes are silenced here, not in the public headers.
#define BOOST_ALLOW_DEPRECATED_HEADERS 1
#include "crmkit/geo/geo_index.hpp"
#include "crmkit/geo/geo_index_impl.hpp"
