// Compiled-mode definitions of crmkit/state/state_csv.hpp (fmt's src/format.cc pattern).
#include "crmkit/state/state_csv.hpp"
#include "crmkit/state/state_csv_impl.hpp"
