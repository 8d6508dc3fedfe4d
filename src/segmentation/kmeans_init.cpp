// Compiled-mode definitions of crmkit/segmentation/kmeans_init.hpp (fmt's src/format.cc pattern).
#include "crmkit/segmentation/kmeans_init.hpp"
#include "crmkit/segmentation/kmeans_init_impl.hpp"
