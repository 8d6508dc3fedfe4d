// Compiled-mode definitions of crmkit/offers/item_knn.hpp.
#include "crmkit/offers/item_knn.hpp"
#include "crmkit/offers/item_knn_impl.hpp"
