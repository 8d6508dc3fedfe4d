// Compiled-mode definitions of crmkit/lifecycle/default_model.hpp (fmt's src/format.cc pattern).
#include "crmkit/lifecycle/default_model.hpp"
#include "crmkit/lifecycle/default_model_impl.hpp"
