// Compiled-mode definitions of crmkit/report/chart_data.hpp (fmt's src/format.cc pattern).
#include "crmkit/report/chart_data.hpp"
#include "crmkit/report/chart_data_impl.hpp"
