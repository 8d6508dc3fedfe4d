// Compiled-mode definitions of crmkit/lifecycle/guard.hpp (fmt's src/format.cc pattern).
#include "crmkit/lifecycle/guard.hpp"
#include "crmkit/lifecycle/guard_impl.hpp"
