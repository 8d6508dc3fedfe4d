/**
 * @file crmkit/c/lifecycle.h
 * C ABI of the customer lifecycle state machine (C++: crmkit/lifecycle.hpp, whose docs
 * define every rule): load a model from JSON text (or take the default model), evaluate
 * every customer at an as-of date from host columns or from a dataset's transactions,
 * send purchase / set-stage / reset events, read stages, the transition log, the flow
 * matrix, stage counts, conversion rates, stage histories and time in stage, and replay a
 * dataset at a fixed step, and each customer's current stage as a customer table. Models
 * can also be read from TOML, defined by builder calls, and saved to and loaded from text.
 * Every entry point is a translation of one C++ call (crmkit::lifecycle_model,
 * lifecycle_model_builder, lifecycle_machine, replay, lifecycle_table, ...).
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
#include "crmkit/c/table.h"

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
 * Writes the model as a saved document (crmkit/lifecycle/model.hpp: the JSON model document
 * with a `"crmkit"` header naming the document, format 1 and the library version), with
 * the two-call protocol: `*out_needed` receives the size including the NUL.
 * crmkit_lifecycle_model_load() of the text builds the same model.
 * @param[out] buf caller-allocated, `cap` bytes (may be NULL when cap is 0).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL model/out_needed); CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_lifecycle_model_save(const crmkit_lifecycle_model* model, char* buf, size_t cap,
                                           size_t* out_needed);

/**
 * Reads a saved document or any model document: JSON when its first non-blank character is
 * `{`, else TOML. A `"crmkit"` header, when present, must name a lifecycle_model of a
 * format this library reads.
 * @param text UTF-8, `length` bytes (need not be NUL-terminated), read during the call.
 * @param[out] out receives the model (NULL on failure); release with crmkit_lifecycle_model_free().
 * @return as crmkit_lifecycle_model_from_json(); errors name the line, column and key.
 */
CRMKIT_API int crmkit_lifecycle_model_load(const char* text, size_t length, crmkit_lifecycle_model** out);

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

/**
 * Parses and validates a model document written in TOML (v1.0; the same keys as the JSON
 * document, see crmkit/lifecycle/model.hpp: top-level `states`, `initial`, `policy`,
 * `columns`, `cascade`, `max_hops`, an `[invariants]` table and `[[transitions]]` tables).
 * @param text UTF-8 TOML, `length` bytes, read during the call.
 * @param[out] out receives the model (NULL on failure); release with crmkit_lifecycle_model_free().
 * @return as crmkit_lifecycle_model_from_json(); malformed TOML is CRMKIT_E_PARSE with
 *         "TOML line L column C" in the message.
 */
CRMKIT_API int crmkit_lifecycle_model_from_toml(const char* text, size_t length, crmkit_lifecycle_model** out);

/**
 * A model under construction through calls (the same fields as the JSON document). Opaque.
 * Nothing is validated until crmkit_lifecycle_builder_build(), which validates exactly
 * like crmkit_lifecycle_model_from_json(). Not synchronized; use from one thread at a time.
 *
 * @code
 * crmkit_lifecycle_builder* b = NULL;
 * const char* from[1] = {"lead"};
 * crmkit_lifecycle_builder_create(&b);
 * crmkit_lifecycle_builder_add_state(b, "lead", 0);
 * crmkit_lifecycle_builder_add_state(b, "buyer", 1);
 * crmkit_lifecycle_builder_add_transition(b, from, 1, "buyer", "orders >= 1", "buy", 0,
 *                                         CRMKIT_LIFECYCLE_ON_TIME);
 * if (crmkit_lifecycle_builder_build(b, &model) != CRMKIT_OK) puts(crmkit_last_error());
 * crmkit_lifecycle_builder_free(b);
 * @endcode
 */
typedef struct crmkit_lifecycle_builder crmkit_lifecycle_builder;

/* Rule policies (CRMKIT_LIFECYCLE_BUILD_POLICY). */
/** The first matching transition in declaration order (default). */
#define CRMKIT_LIFECYCLE_FIRST_MATCH 0
/** The matching transition with the highest priority; ties by declaration order. */
#define CRMKIT_LIFECYCLE_PRIORITY 1
/** Two transitions that can both hold for a customer are an error. */
#define CRMKIT_LIFECYCLE_UNIQUE 2

/* Transition triggers (crmkit_lifecycle_builder_add_transition). */
/** Evaluated when time passes (crmkit_lifecycle_evaluate). */
#define CRMKIT_LIFECYCLE_ON_TIME 1
/** Evaluated on purchase events (crmkit_lifecycle_purchase). */
#define CRMKIT_LIFECYCLE_ON_PURCHASE 2
/** Both. */
#define CRMKIT_LIFECYCLE_ON_ANY 3

/* Integer settings of a builder (crmkit_lifecycle_builder_set_int). */
/** Rule policy: CRMKIT_LIFECYCLE_FIRST_MATCH (default), _PRIORITY or _UNIQUE. */
#define CRMKIT_LIFECYCLE_BUILD_POLICY 1
/** 1: funnel mode, a customer never moves to an earlier-declared state except by reset. Default 0. */
#define CRMKIT_LIFECYCLE_BUILD_FORWARD_ONLY 2
/** 1: one evaluation may pass through several stages. Default 0. */
#define CRMKIT_LIFECYCLE_BUILD_CASCADE 3
/** Cascade bound per evaluation (0: the number of states). Default 0. */
#define CRMKIT_LIFECYCLE_BUILD_MAX_HOPS 4

/**
 * Creates an empty builder.
 * @param[out] out receives the builder (NULL on failure); release with crmkit_lifecycle_builder_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (out NULL); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_lifecycle_builder_create(crmkit_lifecycle_builder** out);

/** Releases a builder. Accepts NULL. Models built from it are independent of it. */
CRMKIT_API void crmkit_lifecycle_builder_free(crmkit_lifecycle_builder* builder);

/**
 * Appends a state (declaration order is funnel order; the first state is the initial one
 * unless crmkit_lifecycle_builder_set_initial() names another).
 * @param name NUL-terminated, copied.
 * @param chain_rank the state's 0-based position on the no-skip chain, or -1 when it is not
 *        on it. The ranks given must be 0, 1, ..., k-1 (k >= 2), checked at build. (Or
 *        give the chain whole with crmkit_lifecycle_builder_set_no_skip(); not both.)
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, chain_rank < -1).
 */
CRMKIT_API int crmkit_lifecycle_builder_add_state(crmkit_lifecycle_builder* builder, const char* name,
                                                  int32_t chain_rank);

/**
 * Names the initial state (default: the first state added).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument). An unknown name fails at build.
 */
CRMKIT_API int crmkit_lifecycle_builder_set_initial(crmkit_lifecycle_builder* builder, const char* name);

/**
 * Declares a host column that guards may read besides the built-in metrics.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument). Duplicates fail at build.
 */
CRMKIT_API int crmkit_lifecycle_builder_add_column(crmkit_lifecycle_builder* builder, const char* name);

/**
 * Appends a transition.
 * @param from n_from source state names ("*" means every state but the target), copied.
 * @param to the target state, or CRMKIT_LIFECYCLE_HISTORY ("@history": back to the stage
 *        the customer left to enter the current one).
 * @param guard the guard expression (crmkit/lifecycle/guard.hpp); NULL means "true".
 * @param name the transition's name; NULL or "" for the default "from->to".
 * @param priority larger wins under CRMKIT_LIFECYCLE_PRIORITY.
 * @param on CRMKIT_LIFECYCLE_ON_TIME, _ON_PURCHASE or _ON_ANY.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL builder/from/to or a NULL from[i],
 *         n_from 0, unknown `on`). Unknown states and guard errors fail at build.
 */
CRMKIT_API int crmkit_lifecycle_builder_add_transition(crmkit_lifecycle_builder* builder, const char* const* from,
                                                       size_t n_from, const char* to, const char* guard,
                                                       const char* name, int32_t priority, int32_t on);
/** The target name of a transition back to the previous stage. */
#define CRMKIT_LIFECYCLE_HISTORY "@history"

/**
 * Sets the ordered no-skip chain (the `invariants.no_skip` list of the document), replacing
 * an earlier one. n = 0 clears it.
 * @param chain n NUL-terminated state names, copied. Unknown names fail at build.
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL builder, NULL chain with n > 0, a NULL chain[i]).
 */
CRMKIT_API int crmkit_lifecycle_builder_set_no_skip(crmkit_lifecycle_builder* builder, const char* const* chain,
                                                    size_t n);

/**
 * Sets an integer setting (CRMKIT_LIFECYCLE_BUILD_POLICY, _FORWARD_ONLY, _CASCADE, _MAX_HOPS).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, unknown key, value out of range).
 */
CRMKIT_API int crmkit_lifecycle_builder_set_int(crmkit_lifecycle_builder* builder, int32_t key, int64_t value);

/**
 * Validates the states, columns, transitions and settings added so far and creates a
 * model, exactly as crmkit_lifecycle_model_from_json() would from the same document. The
 * builder is unchanged and may be extended and built again.
 * @param[out] out receives the model (NULL on failure); release with crmkit_lifecycle_model_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (no states, unreachable state, no-skip break,
 *         overlap under the unique policy, chain ranks not 0..k-1, ...); CRMKIT_E_PARSE (a
 *         guard that does not parse, with its position); CRMKIT_E_NOT_FOUND (an unknown
 *         state or column). The message names the transition and the problem.
 */
CRMKIT_API int crmkit_lifecycle_builder_build(const crmkit_lifecycle_builder* builder, crmkit_lifecycle_model** out);

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
 * from host columns (one array per name, one value per customer).
 * @param column_names n_cols NUL-terminated names (the model's columns; extra names are ignored).
 * @param columns n_cols pointers, columns[j] to n_rows doubles (NaN = missing); read during
 *        the call only, never copied.
 * @param n_rows the length of every column: the machine's number of customers.
 * @param[out] out_hops receives the number of logged hops (may be NULL).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL argument, a column the guards read of
 *         another length than the machine's customers, as_of before the last event, a
 *         unique-policy conflict naming the customer); CRMKIT_E_NOT_FOUND (a column the guards
 *         read is missing). On failure no customer moves.
 */
CRMKIT_API int crmkit_lifecycle_evaluate(crmkit_lifecycle* machine, int64_t as_of, const char* const* column_names,
                                         const double* const* columns, size_t n_rows, size_t n_cols, size_t* out_hops);

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
                                         int64_t at, const char* const* column_names, const double* const* columns,
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
 * the per-step stage counts (crmkit_lifecycle_replay_counts()). The steps are start, start
 * + 1 step, ... while <= end, then `end` itself when the last step is before it: the final
 * stages include every purchase up to `end`.
 * @param[out] out receives the machine (NULL on failure).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL, end < start, unknown step, n_threads < 1,
 *         more than 10,000,000 steps);
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
 * Every customer's state at `as_of` as a customer table (crmkit/c/table.h; C++
 * crmkit::lifecycle_table): one row per customer in index order with the columns `stage` and
 * `previous_stage` (CRMKIT_COLUMN_CATEGORY over the model's states; -1 when none),
 * `entered_at` (CRMKIT_COLUMN_TIME; CRMKIT_MISSING_INT64 when unknown) and `stage_days`
 * (CRMKIT_COLUMN_FLOAT64: days in the current stage at as_of; NaN when unknown).
 * @param dataset names the rows by its customer ids (it must have the machine's customers);
 *        NULL names them "0", "1", ...
 * @param as_of Unix seconds, >= the machine's last event; INT64_MIN means that last event.
 * @param[out] out receives the table (NULL on failure); release with crmkit_table_free().
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL machine/out, as_of before the last event,
 *         a dataset with another customer count).
 */
CRMKIT_API int crmkit_lifecycle_table(const crmkit_lifecycle* machine, const crmkit_dataset* dataset, int64_t as_of,
                                      crmkit_table** out);

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
 * Every customer's stage history: its visits (stage, entered, exited), oldest first,
 * customers in index order, with the two-call protocol. Customer c's visits are rows
 * out_offsets[c] <= v < out_offsets[c + 1]. The first visit is the initial stage entered at
 * the machine's start (INT64_MIN when unknown); `exited` is INT64_MAX while still there.
 * A customer's current stage, previous stage and entry time are also in crmkit_lifecycle_stages().
 * @param[out] out_offsets caller-allocated, n_customers + 1 values (may be NULL).
 * @param[out] out_stage, out_entered, out_exited caller-allocated, n_visits values each (any may be NULL).
 * @param[out] out_needed receives the number of visits (= customers + logged hops).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (machine or out_needed NULL);
 *         CRMKIT_E_BUFFER_TOO_SMALL when n_visits < *out_needed (call again with that size).
 */
CRMKIT_API int crmkit_lifecycle_history(const crmkit_lifecycle* machine, int64_t* out_offsets, int32_t* out_stage,
                                        int64_t* out_entered, int64_t* out_exited, size_t n_visits,
                                        size_t* out_needed);

/**
 * Time in each stage at `as_of`, in days (seconds / 86400), per customer c and stage s at
 * [c * S + s]: the cumulative time over all visits (0 when never there) and the time of the
 * most recent visit (NaN when never there); the open visit counts up to as_of. A visit
 * that began at an unknown start time counts as NaN.
 * @param[out] out_cumulative_days, out_latest_days caller-allocated, n >= n_customers * S
 *             doubles each (either may be NULL).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (NULL machine, as_of before the last event);
 *         CRMKIT_E_BUFFER_TOO_SMALL.
 */
CRMKIT_API int crmkit_lifecycle_time_in_stage(const crmkit_lifecycle* machine, int64_t as_of,
                                              double* out_cumulative_days, double* out_latest_days, size_t n);

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
