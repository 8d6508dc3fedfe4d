// Compiled-mode definitions of crmkit/scoring/audience.hpp (fmt's src/format.cc pattern).
#include "crmkit/scoring/audience.hpp"
#include "crmkit/scoring/audience_impl.hpp"
