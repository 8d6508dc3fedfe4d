// Compiled-mode definitions of crmkit/io/order_line_arrays.hpp (fmt's src/format.cc pattern).
#include "crmkit/io/order_line_arrays.hpp"
#include "crmkit/io/order_line_arrays_impl.hpp"
