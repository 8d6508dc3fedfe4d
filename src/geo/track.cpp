// Compiled-mode definitions of crmkit/geo/track.hpp.
#include "crmkit/geo/track.hpp"
#include "crmkit/geo/track_impl.hpp"
