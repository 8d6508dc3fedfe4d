/**
 * @file crmkit/c/report.h
 * C ABI of crmkit's customer report (C++: crmkit/report/chart_data.hpp for the charts and
 * their columns, crmkit/report/html_report.hpp for the page and the folder): score a
 * dataset once, then take the data behind every chart (JSON or CSV, for hosts that draw
 * their own dashboards) and/or write the same report folder as `crmkit report`
 * (`report.html`, `data/<chart>.csv|json`, `data/customers.csv`).
 *
 * `#include <crmkit/crmkit.h>` (which includes this header) and link `libcrmkit.so`.
 *
 * Thread safety: a report is immutable once created; concurrent use of one report from
 * several threads is safe (distinct calls to crmkit_report_write() must not write the same
 * folder at once).
 *
 * @code
 * crmkit_report* report = NULL;
 * size_t needed = 0;
 * char* json;
 * if (crmkit_report_create(data, as_of, NULL, &report) != CRMKIT_OK ||
 *     crmkit_report_write(report, "out/report", "Q3 customers", NULL) != CRMKIT_OK)
 *   fprintf(stderr, "crmkit: %s\n", crmkit_last_error());
 * crmkit_report_chart_data_json(report, NULL, 0, &needed);    // size query
 * json = malloc(needed);
 * crmkit_report_chart_data_json(report, json, needed, &needed); // {"as_of":..., "charts":[...]}
 * free(json);
 * crmkit_report_free(report);
 * @endcode
 *
 * The ingest section (rows read, loaded and dropped, drops by reason) is part of the
 * report when the dataset was made by a reader (crmkit_dataset_create_from_csv() or
 * crmkit_dataset_create_from_order_lines()); a dataset built from columns has none, as
 * in the C++ build_report() without an ingest_report.
 */
#ifndef CRMKIT_C_REPORT_H
#define CRMKIT_C_REPORT_H

#include "crmkit/crmkit.h"
#include "crmkit/c/scoring.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A computed report: the scored customer table and the data of every chart. Opaque. */
typedef struct crmkit_report crmkit_report;

/**
 * Scores `dataset` at `as_of` (Unix seconds UTC), replays the default lifecycle model and
 * computes every chart (crmkit::build_report()).
 * @param config a parsed score config (crmkit/c/scoring.h), or NULL for the defaults.
 * @param[out] out receives the report (NULL on error; nothing partial).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (a NULL argument, no transaction up to
 *         as_of, a bad territory or rep); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_report_create(const crmkit_dataset* dataset, int64_t as_of, const crmkit_score_config* config,
                                    crmkit_report** out);

/** Frees a report; NULL is accepted. */
CRMKIT_API void crmkit_report_free(crmkit_report* report);

/**
 * The number of charts, in report order (overview first; the lifecycle charts only with
 * a lifecycle replay, the geo charts only with customer locations).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (a NULL argument).
 */
CRMKIT_API int crmkit_report_n_charts(const crmkit_report* report, size_t* out);

/**
 * The name of chart `i` ("revenue_by_month", "lorenz_curve", ...: its file stem), with the
 * two-call protocol.
 * @param[out] out_needed receives strlen(name) + 1, also when the buffer is too small.
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL (buf unchanged); CRMKIT_E_INVALID_ARGUMENT
 *         (i out of range, a NULL argument, buf NULL with cap > 0).
 */
CRMKIT_API int crmkit_report_chart_name(const crmkit_report* report, size_t i, char* buf, size_t cap,
                                        size_t* out_needed);

/**
 * Chart `i` as one JSON object, byte for byte the file `data/<name>.json` of the report
 * folder: name, section, title, kind, x, value, y, and "columns" {name: [values]} (missing
 * numbers null); two-call protocol.
 * @param[out] out_needed receives the length + 1, also when the buffer is too small.
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL (buf unchanged); CRMKIT_E_INVALID_ARGUMENT
 *         (i out of range, a NULL argument, buf NULL with cap > 0).
 */
CRMKIT_API int crmkit_report_chart_json(const crmkit_report* report, size_t i, char* buf, size_t cap,
                                        size_t* out_needed);

/**
 * Chart `i` as CSV, byte for byte the file `data/<name>.csv`: a header of column names,
 * one line per row (RFC 4180 quoting, shortest round-trip numbers, missing numbers empty);
 * two-call protocol.
 * @return as crmkit_report_chart_json().
 */
CRMKIT_API int crmkit_report_chart_csv(const crmkit_report* report, size_t i, char* buf, size_t cap,
                                       size_t* out_needed);

/**
 * Every chart in one JSON document, `{"as_of": <Unix seconds>, "charts": [<chart>, ...]}`,
 * each chart the object of crmkit_report_chart_json(); two-call protocol.
 * @return CRMKIT_OK; CRMKIT_E_BUFFER_TOO_SMALL (buf unchanged); CRMKIT_E_INVALID_ARGUMENT
 *         (a NULL argument, buf NULL with cap > 0).
 */
CRMKIT_API int crmkit_report_chart_data_json(const crmkit_report* report, char* buf, size_t cap, size_t* out_needed);

/**
 * Writes the report folder `dir` as `crmkit report --out dir` does: `report.html`, every
 * chart's `data/<name>.csv` and `.json`, and `data/customers.csv`. Creates `dir` and
 * `dir/data` when missing; overwrites those files and leaves others alone.
 * @param dir the folder (UTF-8 path).
 * @param title the page title, or NULL for "crmkit customer report".
 * @param source what the page names as the data's source, or NULL for the path the dataset
 *        was read from (empty for a dataset built from columns).
 * @return CRMKIT_OK; CRMKIT_E_IO (a directory or file cannot be written; the message names
 *         the path); CRMKIT_E_INVALID_ARGUMENT (report or dir NULL, dir empty).
 */
CRMKIT_API int crmkit_report_write(const crmkit_report* report, const char* dir, const char* title,
                                   const char* source);

#ifdef __cplusplus
}
#endif
#endif /* CRMKIT_C_REPORT_H */
