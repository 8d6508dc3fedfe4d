// Compiled-mode definitions of crmkit/lifecycle/model.hpp (fmt's src/format.cc pattern).
#include "crmkit/lifecycle/model.hpp"
#include "crmkit/lifecycle/model_impl.hpp"
