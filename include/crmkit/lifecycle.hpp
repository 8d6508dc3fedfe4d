/// @file crmkit/lifecycle.hpp
/// Module header for customer lifecycle state machines: run-time models (states,
/// transitions, guards over metric columns, rule policies, invariants), the default model,
/// per-customer metrics from a transaction log, the machine with its transition log,
/// reports (flow matrix, stage counts, conversion, stage history, time in stage) and replay.
///
/// `#include <crmkit/lifecycle.hpp>`
///
/// Thread safety: models are immutable after construction (concurrent const use is safe);
/// machines and metric trackers are not synchronized (use from one thread at a time).
///
/// @code
/// auto model = std::make_shared<const crmkit::lifecycle_model>(crmkit::default_lifecycle_model());
/// crmkit::replay_result r = crmkit::replay(model, data.transactions(), start, end);
/// auto flow = crmkit::flow_matrix(r.machine, start, end + 1);
/// @endcode
#pragma once

#include "crmkit/lifecycle/guard.hpp"
#include "crmkit/lifecycle/model.hpp"
#include "crmkit/lifecycle/default_model.hpp"
#include "crmkit/lifecycle/metrics.hpp"
#include "crmkit/lifecycle/machine.hpp"
#include "crmkit/lifecycle/report.hpp"
#include "crmkit/lifecycle/replay.hpp"
