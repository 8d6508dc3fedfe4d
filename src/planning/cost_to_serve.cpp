// Compiled-mode definitions of crmkit/planning/cost_to_serve.hpp (fmt's src/format.cc pattern).
#include "crmkit/planning/cost_to_serve.hpp"
#include "crmkit/planning/cost_to_serve_impl.hpp"
