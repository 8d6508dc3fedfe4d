// Compiled-mode definitions of crmkit/pareto/pareto.hpp (fmt's src/format.cc pattern).
#include "crmkit/pareto/pareto.hpp"
#include "crmkit/pareto/pareto_impl.hpp"
