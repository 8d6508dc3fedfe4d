// Compiled-mode definitions of crmkit/segmentation/rfm.hpp (fmt's src/format.cc pattern).
#include "crmkit/segmentation/rfm.hpp"
#include "crmkit/segmentation/rfm_impl.hpp"
