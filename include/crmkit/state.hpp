/// @file crmkit/state.hpp
/// The state module: the mergeable, saveable per-customer state (partitions, streaming,
/// incremental updates) and the bounded-memory CSV ingest into it.
/// `#include <crmkit/state.hpp>`
#pragma once
#include "crmkit/state/customer_state.hpp"
#include "crmkit/state/state_csv.hpp"
#include "crmkit/state/state_scoring.hpp"
