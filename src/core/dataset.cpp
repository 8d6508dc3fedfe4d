// Compiled-mode definitions of crmkit/core/dataset.hpp (fmt's src/format.cc pattern).
#include "crmkit/core/dataset.hpp"
#include "crmkit/core/dataset_impl.hpp"
