// Compiled-mode definitions of crmkit/io/csv.hpp (fmt's src/format.cc pattern).
#include "crmkit/io/csv.hpp"
#include "crmkit/io/csv_impl.hpp"
