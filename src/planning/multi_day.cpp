// Compiled-mode definitions of crmkit/planning/multi_day.hpp (fmt's src/format.cc pattern).
#include "crmkit/planning/multi_day.hpp"
#include "crmkit/planning/multi_day_impl.hpp"
