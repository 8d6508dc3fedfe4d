/**
 * @file crmkit/c/lifecycle.h
 * C ABI of the customer lifecycle state machine (C++: crmkit/lifecycle.hpp, whose docs
 * define every rule): load a model from JSON text (or take the default model), evaluate
 * every customer at an as-of date from host columns or from a dataset's transactions,
 * send purchase / set-stage / reset events, read stages, the transition log, the flow
 * matrix, stage counts and conversion rates, and replay a dataset at a fixed step.
 *
 * `#include <crmkit/crmkit.h>` (which includes this header) and link `libcrmkit.so`.
 *
 * Thread safety: a crmkit_lifecycle_model is immutable after creation; concurrent use from
 * several threads is safe. A crmkit_lifecycle handle is not synchronized; use it from one
 * thread at a time. Distinct handles are independent.
 *
 * States, transitions and columns are numbered in document order (state names via
 * crmkit_lifecycle_model_state_name()). Times are int64 Unix seconds, UTC.
 *
 * @code
 * crmkit_lifecycle_model* model = NULL;
 * crmkit_lifecycle* machine = NULL;
 * size_t hops = 0;
 * crmkit_lifecycle_model_default(0, &model);
 * crmkit_lifecycle_create(model, n_customers, start, &machine);
 * if (crmkit_lifecycle_evaluate_dataset(machine, dataset, as_of, &hops) == CRMKIT_OK)
 *   crmkit_lifecycle_stages(machine, stages, n_customers);
 * crmkit_lifecycle_free(machine);
 * crmkit_lifecycle_model_free(model);
 * @endcode
 */
#ifndef CRMKIT_C_LIFECYCLE_H
#define CRMKIT_C_LIFECYCLE_H

#include "crmkit/crmkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A validated lifecycle model. Opaque. */
typedef struct crmkit_lifecycle_model crmkit_lifecycle_model;
/** A lifecycle machine: every customer's stage and the transition log. Opaque. */
typedef struct crmkit_lifecycle crmkit_lifecycle;

/* Integer settings of a machine (crmkit_lifecycle_set_int). */
/** Threads of each evaluation (>= 1; results do not depend on it). Default 1. */
#define CRMKIT_LIFECYCLE_N_THREADS 1

/* Replay steps (crmkit_lifecycle_replay). */
#define CRMKIT_LIFECYCLE_DAILY 0
#define CRMKIT_LIFECYCLE_WEEKLY 1
#define CRMKIT_LIFECYCLE_MONTHLY 2

/* Rule codes in the log besides transition indices. */
/** The stage was set by the host (crmkit_lifecycle_set_stage). */
#define CRMKIT_LIFECYCLE_RULE_HOST_SET (-1)
/** A reset (crmkit_lifecycle_reset). */
#define CRMKIT_LIFECYCLE_RULE_RESET (-2)

/**
 * Parses and validates a model document (JSON, see crmkit/lifecycle/model.hpp).
 * @param text UTF-8 JSON, `length` bytes (need not be NUL-terminated), read during the call.
 * @param[out] out receives the model (NULL on failure); release with crmkit_lifecycle_model_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, invalid model: unknown state,
 *         unreachable state, overlap under the unique policy, a no-skip break, ...);
 *         CRMKIT_E_PARSE (malformed JSON with line and column, a guard that does not
 *         parse with its position); CRMKIT_E_NOT_FOUND (an unknown state or column). The
 *         message (crmkit_last_error()) names the problem.
 */
CRMKIT_API int crmkit_lifecycle_model_from_json(const char* text, size_t length, crmkit_lifecycle_model** out);

/**
 * The default model (prospect, exploration, formation, stability, decline, churned,
 * won_back) with decline after `decline_days` and churn after `churn_days` without a
 * purchase (90 and 180 by default).
 * @param scale_to_gap 1 to scale the thresholds to each customer's median purchase gap, else 0.
 * @param[out] out receives the model (NULL on failure).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (out NULL, thresholds negative, not finite or
 *         churn_days <= decline_days).
 */
CRMKIT_API int crmkit_lifecycle_model_default(int32_t scale_to_gap, double decline_days, double churn_days,
                                              crmkit_lifecycle_model** out);

/** Releases a model. Accepts NULL. Machines created from it keep their own reference. */
CRMKIT_API void crmkit_lifecycle_model_free(crmkit_lifecycle_model* model);

/**
 * Counts of the model: CRMKIT_LIFECYCLE_COUNT_STATES, _TRANSITIONS or _COLUMNS (all
 * column names guards may read: the built-in metrics then the host columns).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, unknown what).
 */
CRMKIT_API int crmkit_lifecycle_model_count(const crmkit_lifecycle_model* model, int32_t what, size_t* out);
#define CRMKIT_LIFECYCLE_COUNT_STATES 1
#define CRMKIT_LIFECYCLE_COUNT_TRANSITIONS 2
#define CRMKIT_LIFECYCLE_COUNT_COLUMNS 3

/**
 * Name of state, transition or column `index` (what as in crmkit_lifecycle_model_count()),
 * with the two-call protocol: `*out_needed` receives the size including the NUL.
 * @param[out] buf caller-allocated, `cap` bytes (may be NULL when cap is 0).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL model/out_needed, index out of range);
 *         CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_lifecycle_model_name(const crmkit_lifecycle_model* model, int32_t what, size_t index, char* buf,
                                           size_t cap, size_t* out_needed);

/**
 * Creates a machine of `n_customers` customers, all in the initial stage since `start`.
 * @param model read during the call; the machine shares it (the model may be freed after).
 * @param start Unix seconds, or INT64_MIN when unknown.
 * @param[out] out receives the machine (NULL on failure); release with crmkit_lifecycle_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_lifecycle_create(const crmkit_lifecycle_model* model, size_t n_customers, int64_t start,
                                       crmkit_lifecycle** out);

/** Releases a machine. Accepts NULL. */
CRMKIT_API void crmkit_lifecycle_free(crmkit_lifecycle* machine);

/**
 * Sets an integer setting (CRMKIT_LIFECYCLE_N_THREADS).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, unknown key, value < 1).
 */
CRMKIT_API int crmkit_lifecycle_set_int(crmkit_lifecycle* machine, int32_t key, int64_t value);

/**
 * Time passing: evaluates the time-triggered transitions of every customer at `as_of`
 * from host columns given row-major (one row per customer, one column per name).
 * @param column_names n_cols NUL-terminated names (the model's columns; extra names are ignored).
 * @param data n_rows * n_cols doubles, row-major, NaN = missing; read during the call only.
 * @param n_rows must equal the machine's number of customers.
 * @param[out] out_hops receives the number of logged hops (may be NULL).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, n_rows mismatch, as_of before
 *         the last event, a unique-policy conflict naming the customer); CRMKIT_E_NOT_FOUND (a
 *         column the guards read is missing). On failure no customer moves.
 */
CRMKIT_API int crmkit_lifecycle_evaluate(crmkit_lifecycle* machine, int64_t as_of, const char* const* column_names,
                                         const double* data, size_t n_rows, size_t n_cols, size_t* out_hops);

/**
 * Time passing with the metrics computed from `dataset`'s transactions at `as_of`
 * (crmkit/lifecycle/metrics.hpp) plus the dataset's customer attribute columns.
 * @return as crmkit_lifecycle_evaluate(); CRMKIT_E_INVALID_ARGUMENT also when the dataset's
 *         customer count differs from the machine's.
 */
CRMKIT_API int crmkit_lifecycle_evaluate_dataset(crmkit_lifecycle* machine, const crmkit_dataset* dataset,
                                                 int64_t as_of, size_t* out_hops);

/**
 * Purchase events: evaluates the purchase-triggered transitions of `customers` at `at`
 * (columns as in crmkit_lifecycle_evaluate(), already reflecting the purchases).
 * @return as crmkit_lifecycle_evaluate(); CRMKIT_E_INVALID_ARGUMENT for an index out of range.
 */
CRMKIT_API int crmkit_lifecycle_purchase(crmkit_lifecycle* machine, const int32_t* customers, size_t n_customers,
                                         int64_t at, const char* const* column_names, const double* data,
                                         size_t n_rows, size_t n_cols, size_t* out_hops);

/**
 * The host sets a customer's stage (logged with CRMKIT_LIFECYCLE_RULE_HOST_SET).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, index or state out of range, a time
 *         before the last event, a move breaking the no-skip or forward-only rule).
 */
CRMKIT_API int crmkit_lifecycle_set_stage(crmkit_lifecycle* machine, int32_t customer, int32_t state, int64_t at);

/**
 * Returns a customer to the initial stage (logged with CRMKIT_LIFECYCLE_RULE_RESET).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT.
 */
CRMKIT_API int crmkit_lifecycle_reset(crmkit_lifecycle* machine, int32_t customer, int64_t at);

/**
 * Replays `dataset`'s transactions through `model` from `start` to `end` at `step`
 * (CRMKIT_LIFECYCLE_DAILY/WEEKLY/MONTHLY) and returns the final machine, which also holds
 * the per-step stage counts (crmkit_lifecycle_replay_counts()).
 * @param[out] out receives the machine (NULL on failure).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, end < start, unknown step, n_threads < 1);
 *         CRMKIT_E_NOT_FOUND (a host column the model reads is not a dataset attribute).
 */
CRMKIT_API int crmkit_lifecycle_replay(const crmkit_lifecycle_model* model, const crmkit_dataset* dataset,
                                       int64_t start, int64_t end, int32_t step, int32_t n_threads,
                                       crmkit_lifecycle** out);

/**
 * Sizes: CRMKIT_LIFECYCLE_SIZE_CUSTOMERS, _STATES, _LOG (logged hops), _STEPS (replay steps,
 * 0 for a machine not made by crmkit_lifecycle_replay()).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT.
 */
CRMKIT_API int crmkit_lifecycle_size(const crmkit_lifecycle* machine, int32_t what, size_t* out);
#define CRMKIT_LIFECYCLE_SIZE_CUSTOMERS 1
#define CRMKIT_LIFECYCLE_SIZE_STATES 2
#define CRMKIT_LIFECYCLE_SIZE_LOG 3
#define CRMKIT_LIFECYCLE_SIZE_STEPS 4

/**
 * Copies each customer's current stage, previous stage (-1 when none) and entry time.
 * @param[out] out_stage, out_previous, out_entered_at caller-allocated, `n` values each
 *             (n >= the number of customers); any of them may be NULL to skip it.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (machine NULL); CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_lifecycle_stages(const crmkit_lifecycle* machine, int32_t* out_stage, int32_t* out_previous,
                                       int64_t* out_entered_at, size_t n);

/**
 * Copies the transition log (time order). Rule: a transition index, or
 * CRMKIT_LIFECYCLE_RULE_HOST_SET / CRMKIT_LIFECYCLE_RULE_RESET.
 * @param[out] out_customer, out_from, out_to, out_rule, out_at caller-allocated, `n` values
 *             each (n >= the log size); any may be NULL to skip it.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_lifecycle_log(const crmkit_lifecycle* machine, int32_t* out_customer, int32_t* out_from,
                                    int32_t* out_to, int32_t* out_rule, int64_t* out_at, size_t n);

/**
 * The flow matrix: hops from state i to state j with from <= at < to, at out[i * S + j]
 * (S = number of states).
 * @param[out] out caller-allocated, n >= S * S int64 values.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, to < from); CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_lifecycle_flow(const crmkit_lifecycle* machine, int64_t from, int64_t to, int64_t* out,
                                     size_t n);

/**
 * Stage counts at each of `times` (ascending): out[k * S + s].
 * @param[out] out caller-allocated, n >= n_times * S int64 values.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, times not ascending); CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_lifecycle_stage_counts_at(const crmkit_lifecycle* machine, const int64_t* times, size_t n_times,
                                                int64_t* out, size_t n);

/**
 * Conversion rates: out[a * S + b] = share of the customers ever in stage a who later
 * entered stage b (NaN when none was in a).
 * @param[out] out caller-allocated, n >= S * S doubles.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT; CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_lifecycle_conversion(const crmkit_lifecycle* machine, double* out, size_t n);

/**
 * The replay's step times and stage counts (counts[k * S + s]).
 * @param[out] out_times caller-allocated, n_steps values (may be NULL).
 * @param[out] out_counts caller-allocated, n_steps * S values (may be NULL).
 * @param n_steps must be >= crmkit_lifecycle_size(CRMKIT_LIFECYCLE_SIZE_STEPS).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL machine); CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_lifecycle_replay_counts(const crmkit_lifecycle* machine, int64_t* out_times, int64_t* out_counts,
                                              size_t n_steps);

#ifdef __cplusplus
}
#endif

#endif /* CRMKIT_C_LIFECYCLE_H */
