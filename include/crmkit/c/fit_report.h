/* crmkit/c/fit_report.h - the fit report shared by every fitted handle of the C ABI.
 *
 * `#include <crmkit/crmkit.h>` (this header is included by it).
 *
 * Every iterative fitter (crmkit_btyd, crmkit_logistic, crmkit_kmeans) reports how its
 * fit ended through the same two getters, named after the handle:
 *
 *   int crmkit_<model>_fit_report(const crmkit_<model>* h, int32_t* out_status,
 *                                 int32_t* out_iterations, double* out_objective,
 *                                 double* out_gradient_norm);
 *   int crmkit_<model>_fit_message(const crmkit_<model>* h, char* buf, size_t cap,
 *                                  size_t* out_needed);
 *
 * out_status is one of the CRMKIT_FIT_* values below; out_iterations the iterations done;
 * out_objective what the fitter minimised at the returned parameters (BTYD: the negative
 * total log-likelihood; logistic regression: the penalised loss; k-means: the inertia);
 * out_gradient_norm its convergence measure (BTYD and logistic: largest gradient
 * component; k-means: the last total squared centre shift). Any out pointer may be NULL.
 * The message ("line search failed: ...", "labels unchanged", empty when a gradient fit
 * converged at its first attempt from a single start) uses the two-call text protocol: pass cap, get *out_needed (bytes including
 * the NUL) and CRMKIT_E_BUFFER_TOO_SMALL when cap is too small.
 * Both return CRMKIT_E_NOT_FITTED before a fit (a handle loaded from a model document
 * carries the report of the fit that produced it; one given parameters directly has none).
 *
 * The handles whose fit computes a Hessian (crmkit_btyd, crmkit_retention) add two more:
 *
 *   int crmkit_<model>_fit_diagnostics(const crmkit_<model>* h, double* out_hessian_condition,
 *                                      int32_t* out_n_starts, int32_t* out_best_start,
 *                                      int32_t* out_fallback_used);
 *   int crmkit_<model>_fit_standard_errors_note(const crmkit_<model>* h, char* buf, size_t cap,
 *                                               size_t* out_needed);
 *
 * out_hessian_condition is the 2-norm condition number of the Hessian at the returned
 * parameters in the parameterisation of the standard errors (NaN when none was computed);
 * out_n_starts and out_best_start the starts tried and the one kept (option N_STARTS);
 * out_fallback_used 1 when BFGS stopped early and the fallback (Nelder-Mead, then BFGS
 * again; option FALLBACK) ran. The note says why standard errors are missing ("not
 * requested", "boundary solution: ...", "Hessian not positive definite ...", "fit failed:
 * ..."), empty when they were computed.
 *
 * Not converging is not an error: the fit returns CRMKIT_OK and the status says so.
 *
 * Thread safety: the getters only read the handle; concurrent const use is safe.
 * Semantics vs reference: crmkit/core/fit_report.hpp (the C++ fit_status and fit_report).
 * Memory: nothing is allocated by the getters.
 */
#ifndef CRMKIT_C_FIT_REPORT_H
#define CRMKIT_C_FIT_REPORT_H

#include "crmkit/crmkit.h"

/** The convergence test held. */
#define CRMKIT_FIT_CONVERGED 0
/** A parameter went to the boundary of the parameter space (BTYD; the message names it). */
#define CRMKIT_FIT_BOUNDARY 1
/** Stopped at the iteration limit before converging. */
#define CRMKIT_FIT_ITERATION_LIMIT 2
/** The optimiser could not go on: line search failed, or the objective was not finite. */
#define CRMKIT_FIT_NUMERICAL_FAILURE 3

#endif /* CRMKIT_C_FIT_REPORT_H */
