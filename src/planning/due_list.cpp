// Compiled-mode definitions of crmkit/planning/due_list.hpp (fmt's src/format.cc pattern).
#include "crmkit/planning/due_list.hpp"
#include "crmkit/planning/due_list_impl.hpp"
