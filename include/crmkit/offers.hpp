/// @file crmkit/offers.hpp
/// Next best offer: baskets and the customer x product matrix from order lines,
/// association rules (FP-growth, mlxtend's metrics, Spark's basket suggestions) and
/// implicit-feedback ALS with conjugate gradient (crmkit/offers/*.hpp).
///
/// `#include <crmkit/offers.hpp>`
#pragma once

#include "crmkit/offers/association_rules.hpp"
#include "crmkit/offers/baskets.hpp"
#include "crmkit/offers/evaluation.hpp"
#include "crmkit/offers/implicit_als.hpp"
