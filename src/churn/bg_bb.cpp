// Compiled-mode definitions of crmkit/churn/bg_bb.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/bg_bb.hpp"
#include "crmkit/churn/bg_bb_impl.hpp"
