// Compiled-mode definitions of crmkit/churn/modified_bg_nbd.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/modified_bg_nbd.hpp"
#include "crmkit/churn/modified_bg_nbd_impl.hpp"
