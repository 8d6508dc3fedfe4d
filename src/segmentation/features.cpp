// Compiled-mode definitions of crmkit/segmentation/features.hpp (fmt's src/format.cc pattern).
#include "crmkit/segmentation/features.hpp"
#include "crmkit/segmentation/features_impl.hpp"
