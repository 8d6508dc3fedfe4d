// Compiled-mode definitions of crmkit/offers/evaluation.hpp.
#include "crmkit/offers/evaluation.hpp"
#include "crmkit/offers/evaluation_impl.hpp"
