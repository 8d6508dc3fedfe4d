// Compiled-mode definitions of crmkit/segmentation/rfm_segments.hpp (fmt's src/format.cc pattern).
#include "crmkit/segmentation/rfm_segments.hpp"
#include "crmkit/segmentation/rfm_segments_impl.hpp"
