// Compiled-mode definitions of crmkit/scoring/score_customers.hpp (fmt's src/format.cc pattern).
#include "crmkit/scoring/score_customers.hpp"
#include "crmkit/scoring/score_customers_impl.hpp"
