/// @file crmkit/crmkit.hpp
/// The C++ umbrella header: includes every crmkit module (like Eigen/Dense).
///
/// `#include <crmkit/crmkit.hpp>`
#pragma once

#include "crmkit/core.hpp"
#include "crmkit/io.hpp"
#include "crmkit/synth.hpp"
#include "crmkit/segmentation.hpp"
#include "crmkit/pareto.hpp"
#include "crmkit/lifecycle.hpp"
#include "crmkit/churn.hpp"
#include "crmkit/geo.hpp"
#include "crmkit/scoring.hpp"
#include "crmkit/state.hpp"
#include "crmkit/report.hpp"
