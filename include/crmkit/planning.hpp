/// @file crmkit/planning.hpp
/// Module header for crmkit's field planning (issue 15): routes with time windows for
/// sales reps, minimum routes then distance or value collected minus travel cost
/// (planning/vrptw.hpp), visit cadence and due lists ranked by value at risk
/// (planning/due_list.hpp) and check-in verification against GPS tracks
/// (planning/checkin.hpp), territory balancing (planning/territory_balance.hpp) and hot and
/// cold spots of customer value with whitespace (planning/hot_spots.hpp).
///
/// `#include <crmkit/planning.hpp>`
///
/// Thread safety: stateless; every function is a pure function of its arguments.
///
/// @code
/// crmkit::vrp_result plan = crmkit::solve_vrptw(problem, options);
/// crmkit::customer_table due = crmkit::due_list(table, as_of, due_options);
/// crmkit::checkin_report check = crmkit::verify_checkins(t, lon, lat, clon, clat, claimed, claimed_at);
/// @endcode
#pragma once

#include "crmkit/planning/vrptw.hpp"
#include "crmkit/planning/due_list.hpp"
#include "crmkit/planning/checkin.hpp"
#include "crmkit/planning/territory_balance.hpp"
#include "crmkit/planning/hot_spots.hpp"
