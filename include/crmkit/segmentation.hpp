/// @file crmkit/segmentation.hpp
/// Module header for customer segmentation: RFM summaries, quantile scores and named RFM
/// segments (and k-means clustering, added by its own headers).
///
/// `#include <crmkit/segmentation.hpp>`
///
/// Thread safety: stateless; safe.
///
/// @code
/// crmkit::rfm_options options;
/// options.as_of = crmkit::unix_seconds(1998, 7, 1);
/// auto table = crmkit::rfm_summary(log, options);
/// auto scores = crmkit::rfm_score(table, options);
/// auto segments = crmkit::rfm_segment(scores, crmkit::rfm_segment_preset(crmkit::rfm_preset::grid11));
/// @endcode
#pragma once

#include "crmkit/segmentation/rfm.hpp"
#include "crmkit/segmentation/rfm_segments.hpp"
#include "crmkit/segmentation/features.hpp"
#include "crmkit/segmentation/kmeans_init.hpp"
#include "crmkit/segmentation/kmeans.hpp"
