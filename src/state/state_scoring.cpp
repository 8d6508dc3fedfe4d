// Compiled-mode definitions of crmkit/state/state_scoring.hpp (fmt's src/format.cc pattern).
#include "crmkit/state/state_scoring.hpp"
#include "crmkit/state/state_scoring_impl.hpp"
