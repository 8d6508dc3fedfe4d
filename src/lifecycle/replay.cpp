// Compiled-mode definitions of crmkit/lifecycle/replay.hpp (fmt's src/format.cc pattern).
#include "crmkit/lifecycle/replay.hpp"
#include "crmkit/lifecycle/replay_impl.hpp"
