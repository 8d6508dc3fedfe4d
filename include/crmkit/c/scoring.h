/**
 * @file crmkit/c/scoring.h
 * C ABI of customer scoring (C++: crmkit/scoring/score_customers.hpp, whose docs list every
 * column): every per-customer score in one call, as one crmkit_table.
 *
 * `#include <crmkit/crmkit.h>` (which includes this header) and link `libcrmkit.so`.
 *
 * Thread safety: configs are immutable once parsed; crmkit_score_customers() only reads
 * its arguments, so concurrent calls are safe.
 *
 * @code
 * crmkit_score_config* config = NULL;
 * crmkit_table* table = NULL;
 * const char* toml = "[btyd]\nhorizon = \"90 days\"\n";
 * if (crmkit_score_config_parse(toml, strlen(toml), &config) != CRMKIT_OK ||
 *     crmkit_score_customers(data, as_of, config, &table) != CRMKIT_OK)
 *   fprintf(stderr, "crmkit: %s\n", crmkit_last_error());
 * crmkit_table_free(table);
 * crmkit_score_config_free(config);
 * @endcode
 */
#ifndef CRMKIT_C_SCORING_H
#define CRMKIT_C_SCORING_H

#include "crmkit/crmkit.h"
#include "crmkit/c/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A parsed score config. Opaque. */
typedef struct crmkit_score_config crmkit_score_config;

/**
 * Parses a TOML or JSON config document (JSON when it starts with '{'); see
 * crmkit/scoring/score_config.hpp for the keys and their defaults.
 * @param text the document (UTF-8; need not be NUL-terminated).
 * @param len its length in bytes.
 * @param[out] out receives the config (NULL on error).
 * @return CRMKIT_OK; CRMKIT_E_PARSE (syntax, with line and column); CRMKIT_E_INVALID_ARGUMENT
 *         (unknown key, bad value, a span without unit; named with its line).
 */
CRMKIT_API int crmkit_score_config_parse(const char* text, size_t len, crmkit_score_config** out);

/** Frees a config; NULL is accepted. */
CRMKIT_API void crmkit_score_config_free(crmkit_score_config* config);

/**
 * Scores every customer of `dataset` at `as_of` (Unix seconds UTC).
 * @param config a parsed config, or NULL for the defaults.
 * @param[out] out receives the table (NULL on error; nothing partial).
 * @return CRMKIT_OK; CRMKIT_E_INVALID_ARGUMENT (no transaction up to as_of, a bad territory
 *         or rep, a NULL argument); CRMKIT_E_OUT_OF_MEMORY.
 */
CRMKIT_API int crmkit_score_customers(const crmkit_dataset* dataset, int64_t as_of, const crmkit_score_config* config,
                                      crmkit_table** out);

#ifdef __cplusplus
}
#endif
#endif /* CRMKIT_C_SCORING_H */
