// Compiled-mode definitions of crmkit/segmentation/kmeans.hpp (fmt's src/format.cc pattern).
#include "crmkit/segmentation/kmeans.hpp"
#include "crmkit/segmentation/kmeans_impl.hpp"
