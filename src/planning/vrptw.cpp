// Compiled-mode definitions of crmkit/planning/vrptw.hpp (fmt's src/format.cc pattern).
#include "crmkit/planning/vrptw.hpp"
#include "crmkit/planning/vrptw_impl.hpp"
