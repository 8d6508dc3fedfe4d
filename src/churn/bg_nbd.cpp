// Compiled-mode definitions of crmkit/churn/bg_nbd.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/bg_nbd.hpp"
#include "crmkit/churn/bg_nbd_impl.hpp"
