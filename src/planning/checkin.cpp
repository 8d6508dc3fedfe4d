// Compiled-mode definitions of crmkit/planning/checkin.hpp (fmt's src/format.cc pattern).
#include "crmkit/planning/checkin.hpp"
#include "crmkit/planning/checkin_impl.hpp"
