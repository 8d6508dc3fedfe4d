// Compiled-mode definitions of crmkit/churn/intervals.hpp (fmt's src/format.cc pattern).
#include "crmkit/churn/intervals.hpp"
#include "crmkit/churn/intervals_impl.hpp"
