// Compiled-mode definitions of crmkit/report/html_report.hpp (fmt's src/format.cc pattern).
#include "crmkit/report/html_report.hpp"
#include "crmkit/report/html_report_impl.hpp"
