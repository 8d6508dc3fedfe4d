// Compiled-mode definitions of crmkit/core/customer_table.hpp (fmt's src/format.cc pattern).
#include "crmkit/core/customer_table.hpp"
#include "crmkit/core/customer_table_impl.hpp"
