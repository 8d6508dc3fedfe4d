// Compiled-mode definitions of crmkit/lifecycle/machine.hpp (fmt's src/format.cc pattern).
#include "crmkit/lifecycle/machine.hpp"
#include "crmkit/lifecycle/machine_impl.hpp"
