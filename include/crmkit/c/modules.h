/* crmkit/c/modules.h - includes the C ABI header of every analysis module.
 * Included by crmkit/crmkit.h; do not include directly. Each module header starts with
 * `#include "crmkit/crmkit.h"` and wraps its declarations in extern "C". */
#ifndef CRMKIT_C_MODULES_H
#define CRMKIT_C_MODULES_H
/* one line per module, e.g. #include "crmkit/c/churn.h" */
#include "crmkit/c/fit_report.h"
#include "crmkit/c/rfm.h"
#include "crmkit/c/pareto.h"
#include "crmkit/c/kmeans.h"
#include "crmkit/c/logistic.h"
#include "crmkit/c/lifecycle.h"
#include "crmkit/c/churn.h"
#include "crmkit/c/geo.h"
#include "crmkit/c/table.h"
#include "crmkit/c/scoring.h"
#include "crmkit/c/report.h"
#endif /* CRMKIT_C_MODULES_H */
