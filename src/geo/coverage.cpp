// Compiled-mode definitions of crmkit/geo/coverage.hpp.
#include "crmkit/geo/coverage.hpp"
#include "crmkit/geo/coverage_impl.hpp"
