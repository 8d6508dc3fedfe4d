/// The customer-scoring module: score_customers() (every per-customer score in one table),
/// its config, and audiences selected from the table.
/// `#include <crmkit/scoring.hpp>`
#pragma once
#include "crmkit/scoring/audience.hpp"
#include "crmkit/scoring/score_config.hpp"
#include "crmkit/scoring/score_customers.hpp"
