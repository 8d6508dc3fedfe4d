// Compiled-mode definitions of crmkit/state/customer_state.hpp (fmt's src/format.cc pattern).
#include "crmkit/state/customer_state.hpp"
#include "crmkit/state/customer_state_impl.hpp"
