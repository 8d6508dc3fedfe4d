// Compiled-mode definitions of crmkit/geo/reps.hpp.
#include "crmkit/geo/reps.hpp"
#include "crmkit/geo/reps_impl.hpp"
