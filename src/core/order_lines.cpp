// Compiled-mode definitions of crmkit/core/order_lines.hpp (fmt's src/format.cc pattern).
#include "crmkit/core/order_lines.hpp"
#include "crmkit/core/order_lines_impl.hpp"
