// Compiled-mode definitions of crmkit/planning/hot_spots.hpp (fmt's src/format.cc pattern).
#include "crmkit/planning/hot_spots.hpp"
#include "crmkit/planning/hot_spots_impl.hpp"
