// Compiled-mode definitions of crmkit/lifecycle/report.hpp (fmt's src/format.cc pattern).
#include "crmkit/lifecycle/report.hpp"
#include "crmkit/lifecycle/report_impl.hpp"
